package llama_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"batos/llm"
	"batos/llm/llama"
	"batos/llm/tiny"
)

// Models shared by the tests, written once into a temporary directory.
var (
	dir                          string
	modelPath, embedPath         string
	loraPath, lora2Path, badLoRA string
)

func TestMain(m *testing.M) {
	var err error
	dir, err = os.MkdirTemp("", "batos-llama")
	if err != nil {
		panic(err)
	}
	modelPath = filepath.Join(dir, "tiny.gguf")
	embedPath = filepath.Join(dir, "embed.gguf")
	loraPath = filepath.Join(dir, "brick.gguf")
	lora2Path = filepath.Join(dir, "robin.gguf")
	badLoRA = filepath.Join(dir, "bad-lora.gguf")
	must(tiny.WriteModel(modelPath, tiny.Default()))
	must(tiny.WriteModel(embedPath, tiny.Embedding()))
	must(tiny.WriteLoRA(loraPath, tiny.DefaultLoRA(tiny.Default(), 11)))
	must(tiny.WriteLoRA(lora2Path, tiny.DefaultLoRA(tiny.Default(), 12)))
	other := tiny.Default()
	other.Embd, other.FF = 32, 64
	must(tiny.WriteLoRA(badLoRA, tiny.DefaultLoRA(other, 13)))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func open(t *testing.T, path string, opts llm.Options) *llama.Model {
	t.Helper()
	m, err := llama.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestInfoAndTokenize(t *testing.T) {
	m := open(t, modelPath, llm.Options{})
	info := m.Info()
	if info.Architecture != "llama" || info.VocabSize != tiny.BaseVocab || info.EmbeddingLen != 64 || info.ContextLen != 512 {
		t.Errorf("info = %+v", info)
	}
	// the CPU, or the GPU when a backend library is loaded
	// ($BATOS_GPU_BACKEND: these tests also run on a GPU machine)
	want := "CPU"
	if len(llama.GPUs()) > 0 {
		want = "GPU"
	}
	if !strings.Contains(info.Backend, want) {
		t.Errorf("backend = %q, want it to name the %s", info.Backend, want)
	}
	t.Logf("backend: %s", info.Backend)
	if !strings.Contains(info.ChatTemplate, "im_start") {
		t.Errorf("chat template = %q", info.ChatTemplate)
	}
	toks, err := m.Tokenize("hello")
	if err != nil {
		t.Fatal(err)
	}
	if len(toks) != 6 || toks[0] != tiny.BOS {
		t.Errorf("tokens of hello = %v (want BOS + 5)", toks)
	}
	for _, text := range []string{"hello world", "naïve ünïcode ✓", "x := 1\n\ty"} {
		toks, err := m.Tokenize(text)
		if err != nil {
			t.Fatal(err)
		}
		back, err := m.Detokenize(toks)
		if err != nil || back != text {
			t.Errorf("round trip of %q gave %q, %v", text, back, err)
		}
	}
	if _, err := m.Detokenize([]int{99999}); err == nil {
		t.Errorf("detokenizing an out-of-range token should fail")
	}
}

func TestGenerate(t *testing.T) {
	m := open(t, modelPath, llm.Options{})
	ctx := context.Background()
	greedy := llm.Request{Prompt: "Once upon a time", MaxTokens: 20, Temperature: 0}
	a, err := m.Generate(ctx, greedy, nil)
	if err != nil {
		t.Fatal(err)
	}
	var pieces []string
	b, err := m.Generate(ctx, greedy, func(p string) error { pieces = append(pieces, p); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if a.Text != b.Text || strings.Join(pieces, "") != b.Text {
		t.Errorf("greedy runs differ or stream differs: %q, %q, %q", a.Text, b.Text, strings.Join(pieces, ""))
	}
	if a.Tokens > 20 || a.PromptTokens != 17 || (a.StopReason != "length" && a.StopReason != "eog") {
		t.Errorf("result %+v", a)
	}
	seeded := llm.Request{Prompt: "Once upon a time", MaxTokens: 30, Temperature: 1, Seed: 42}
	c, _ := m.Generate(ctx, seeded, nil)
	d, _ := m.Generate(ctx, seeded, nil)
	seeded.Seed = 43
	e, _ := m.Generate(ctx, seeded, nil)
	if c.Text != d.Text {
		t.Errorf("same seed, different text: %q vs %q", c.Text, d.Text)
	}
	if c.Text == e.Text {
		t.Errorf("different seeds gave the same text %q", c.Text)
	}
	t.Logf("greedy: %q; seeded: %q", a.Text, c.Text)
}

func TestStopStrings(t *testing.T) {
	m := open(t, modelPath, llm.Options{})
	req := llm.Request{Prompt: "abc", MaxTokens: 60, Temperature: 1, Seed: 3}
	full, err := m.Generate(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Text) < 10 {
		t.Skipf("generation too short to test: %q", full.Text)
	}
	stop := full.Text[5:8]
	req.Stop = []string{stop}
	var streamed strings.Builder
	cut, err := m.Generate(context.Background(), req, func(p string) error { streamed.WriteString(p); return nil })
	if err != nil {
		t.Fatal(err)
	}
	want := full.Text[:strings.Index(full.Text, stop)]
	if cut.Text != want || streamed.String() != want || cut.StopReason != "stop" {
		t.Errorf("stop %q: got %q (streamed %q, %s), want %q", stop, cut.Text, streamed.String(), cut.StopReason, want)
	}
}

func TestCancel(t *testing.T) {
	m := open(t, modelPath, llm.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	long := llm.Request{Prompt: "go on", MaxTokens: 200, Temperature: 1, Seed: 1, Grammar: `root ::= [a-z]{150}`}
	res, err := m.Generate(ctx, long, func(string) error {
		if n++; n == 3 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, llm.ErrCancelled) || res.StopReason != "cancelled" || res.Tokens > 10 {
		t.Errorf("got %+v, %v", res, err)
	}
	// The model is usable afterwards.
	if _, err := m.Generate(context.Background(), llm.Request{Prompt: "again", MaxTokens: 5}, nil); err != nil {
		t.Errorf("after cancel: %v", err)
	}
	if _, err := m.Generate(ctx, llm.Request{Prompt: "dead", MaxTokens: 5}, nil); !errors.Is(err, llm.ErrCancelled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestChat(t *testing.T) {
	m := open(t, modelPath, llm.Options{})
	p, err := m.ChatPrompt([]llm.Message{{Role: "system", Content: "Be brief."}, {Role: "user", Content: "Hi"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
	if p != want {
		t.Errorf("chat prompt %q, want %q", p, want)
	}
	res, err := m.Generate(context.Background(), llm.Request{Prompt: "Hi", System: "Be brief.", MaxTokens: 10, Temperature: 0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The control tokens are single tokens, not spelt out.
	if res.PromptTokens >= len(want) {
		t.Errorf("chat prompt of %d tokens: markers were not parsed as control tokens", res.PromptTokens)
	}
}

func TestEmbed(t *testing.T) {
	for _, path := range []string{modelPath, embedPath} {
		m := open(t, path, llm.Options{})
		ctx := context.Background()
		a, err := m.Embed(ctx, "the cat sat")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := m.Embed(ctx, "the cat sat")
		c, _ := m.Embed(ctx, "a different text entirely")
		if len(a) != 64 {
			t.Fatalf("embedding of %d floats", len(a))
		}
		same, diff := true, false
		for i := range a {
			same = same && a[i] == b[i]
			diff = diff || a[i] != c[i]
		}
		if !same || !diff {
			t.Errorf("%s: embeddings not deterministic or not text-dependent", filepath.Base(path))
		}
		if _, err := m.Embed(ctx, ""); !errors.Is(err, llm.ErrEmptyPrompt) {
			t.Errorf("empty text: %v", err)
		}
		// Generation still works beside the embedding context.
		if _, err := m.Generate(ctx, llm.Request{Prompt: "x", MaxTokens: 3}, nil); err != nil {
			t.Error(err)
		}
	}
}
