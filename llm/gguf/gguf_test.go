package gguf_test

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"batos/llm/gguf"
)

func sample(t *testing.T) (string, []byte) {
	t.Helper()
	w := gguf.NewWriter()
	w.Set("general.architecture", "llama")
	w.Set("general.file_type", uint32(1))
	w.Set("llama.context_length", uint32(128))
	w.Set("tokenizer.ggml.tokens", []string{"a", "b", "c"})
	w.Set("scores", []float32{1, 2, 3})
	w.Set("flag", true)
	w.Set("n", -5)
	w.AddF32("w", []uint64{4, 2}, []float32{1, 2, 3, 4, 5, 6, 7, 8})
	w.AddTensor("h", gguf.F16, []uint64{3}, func(out io.Writer) error {
		return gguf.WriteF16(out, []float32{1, -2, 0.5})
	})
	path := filepath.Join(t.TempDir(), "m.gguf")
	if err := w.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, b
}

func TestRoundTrip(t *testing.T) {
	path, b := sample(t)
	g, err := gguf.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if g.Arch() != "llama" || g.Version != 3 || len(g.Tensors) != 2 {
		t.Fatalf("got %+v", g)
	}
	if n, ok := g.ArchUint("context_length"); !ok || n != 128 {
		t.Errorf("context_length = %d, %v", n, ok)
	}
	if v, _ := g.Get("tokenizer.ggml.tokens"); len(v.([]string)) != 3 {
		t.Errorf("tokens = %v", v)
	}
	if v, _ := g.Get("n"); v != int32(-5) {
		t.Errorf("n = %#v", v)
	}
	if g.Params() != 11 || g.Quantization() != "F16" {
		t.Errorf("params %d, quantisation %s", g.Params(), g.Quantization())
	}
	w, _ := g.Tensor("w")
	off := g.DataOffset + w.Offset
	if got := math.Float32frombits(uint32(b[off+4]) | uint32(b[off+5])<<8 | uint32(b[off+6])<<16 | uint32(b[off+7])<<24); got != 2 {
		t.Errorf("w[1] = %v", got)
	}
	if s := strings.Join(g.Summary(), "\n"); !strings.Contains(s, "architecture:   llama") || !strings.Contains(s, "context length: 128") {
		t.Errorf("summary:\n%s", s)
	}
}

func TestBroken(t *testing.T) {
	_, b := sample(t)
	cases := map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("GGUX"), b[4:]...),
		"version":   append(append([]byte("GGUF"), 9, 0, 0, 0), b[8:]...),
		"header":    b[:40],
		"truncated": b[:len(b)-40],
	}
	for name, data := range cases {
		_, err := gguf.Read(bytes.NewReader(data), uint64(len(data)))
		var ge *gguf.Error
		if !errors.As(err, &ge) {
			t.Errorf("%s: got %v, want a *gguf.Error", name, err)
			continue
		}
		t.Logf("%s: %v", name, err)
	}
	if _, err := gguf.ReadFile(filepath.Join(t.TempDir(), "missing.gguf")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestF16(t *testing.T) {
	for _, f := range []float32{0, 1, -1, 0.5, 65504, 1e-5, -3.140625, 6e-8} {
		h := gguf.F32ToF16(f)
		back := gguf.F16ToF32(h)
		if d := math.Abs(float64(back - f)); d > math.Abs(float64(f))*1e-3+6e-8 {
			t.Errorf("%v -> %#04x -> %v", f, h, back)
		}
	}
	if gguf.F32ToF16(1e6) != 0x7c00 {
		t.Errorf("overflow should be +inf")
	}
}
