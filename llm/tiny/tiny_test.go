package tiny_test

import (
	"path/filepath"
	"testing"

	"batos/llm/gguf"
	"batos/llm/tiny"
)

func TestWrite(t *testing.T) {
	d := t.TempDir()
	for _, c := range []tiny.Config{tiny.Default(), tiny.Embedding(), func() tiny.Config {
		c := tiny.Default()
		c.Type, c.Vocab = gguf.Q8_0, 2000
		return c
	}()} {
		p := filepath.Join(d, c.Name+c.Type.String()+".gguf")
		if err := tiny.WriteModel(p, c); err != nil {
			t.Fatal(err)
		}
		g, err := gguf.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if int64(g.Params()) != c.Params() || g.Quantization() != c.Type.String() {
			t.Errorf("%s: %d params (want %d), %s", c.Name, g.Params(), c.Params(), g.Quantization())
		}
		toks, _ := g.Get("tokenizer.ggml.tokens")
		if len(toks.([]string)) != c.Vocab {
			t.Errorf("vocabulary of %d", len(toks.([]string)))
		}
	}
	if p := tiny.Bench1B(gguf.Q8_0).Params(); p < 1.0e9 || p > 1.2e9 {
		t.Errorf("the bench model has %d parameters", p)
	}
	a := filepath.Join(d, "a.gguf")
	if err := tiny.WriteLoRA(a, tiny.DefaultLoRA(tiny.Default(), 1)); err != nil {
		t.Fatal(err)
	}
	if g, err := gguf.ReadFile(a); err != nil || !g.IsAdapter() {
		t.Errorf("adapter: %v", err)
	}
	bad := tiny.Default()
	bad.Heads = 5
	if err := tiny.WriteModel(filepath.Join(d, "bad.gguf"), bad); err == nil {
		t.Errorf("bad shape accepted")
	}
}
