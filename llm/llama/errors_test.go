package llama_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"batos/llm"
	"batos/llm/gguf"
	"batos/llm/llama"
)

// TestBadFiles: every broken input is a clear error from Go, before C.
func TestBadFiles(t *testing.T) {
	d := t.TempDir()
	good, _ := os.ReadFile(modelPath)
	write := func(name string, b []byte) string {
		p := filepath.Join(d, name)
		must(os.WriteFile(p, b, 0o644))
		return p
	}
	noArch := gguf.NewWriter()
	noArch.Set("general.name", "x")
	noArchPath := filepath.Join(d, "noarch.gguf")
	must(noArch.WriteFile(noArchPath))
	weird := gguf.NewWriter()
	weird.Set("general.architecture", "frobnicator")
	weirdPath := filepath.Join(d, "weird.gguf")
	must(weird.WriteFile(weirdPath))
	cases := []struct{ path, want string }{
		{"", "no model file"},
		{filepath.Join(d, "missing.gguf"), "does not exist"},
		{d, "not a regular file"},
		{write("text.gguf", []byte("hello, I am not a model")), "bad magic"},
		{write("trunc.gguf", good[:len(good)/2]), "truncated"},
		{write("header.gguf", good[:100]), "not a valid GGUF"},
		{loraPath, "is a LoRA adapter"},
		{noArchPath, "no general.architecture"},
		{weirdPath, `architecture "frobnicator" is not supported`},
	}
	for _, c := range cases {
		_, err := llama.Open(c.path, llm.Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%q): %v, want an error containing %q", c.path, err, c.want)
		}
	}
}

func TestBadRequests(t *testing.T) {
	// llama.cpp rounds the context up to a multiple of 256.
	m := open(t, modelPath, llm.Options{Ctx: 64})
	if n := m.Info().ContextLen; n != 256 {
		t.Fatalf("context of %d, want 256", n)
	}
	ctx := context.Background()
	if _, err := m.Generate(ctx, llm.Request{Prompt: ""}, nil); !errors.Is(err, llm.ErrEmptyPrompt) {
		t.Errorf("empty prompt: %v", err)
	}
	if _, err := m.Generate(ctx, llm.Request{Prompt: strings.Repeat("x", 300)}, nil); err == nil || !strings.Contains(err.Error(), "does not fit") {
		t.Errorf("long prompt: %v", err)
	}
	if _, err := m.Embed(ctx, strings.Repeat("y", 300)); err == nil || !strings.Contains(err.Error(), "does not fit") {
		t.Errorf("long embedding text: %v", err)
	}
	if _, err := m.Generate(ctx, llm.Request{Prompt: "a", Grammar: `root ::= "x" undefined`}, nil); err == nil {
		t.Errorf("bad grammar accepted")
	}
	if _, err := m.Generate(ctx, llm.Request{Prompt: "a", Grammar: `start ::= "x"`}, nil); err == nil {
		t.Errorf("grammar without root accepted")
	}
	// Generation stops at the end of the context instead of overflowing.
	res, err := m.Generate(ctx, llm.Request{Prompt: strings.Repeat("z", 200), MaxTokens: 100, Grammar: `root ::= [a-z]{100}`}, nil)
	if err != nil || res.StopReason != "context" || res.PromptTokens+res.Tokens != 256 {
		t.Errorf("context end: %+v, %v", res, err)
	}
	if _, err := m.Generate(ctx, llm.Request{Messages: []llm.Message{{Role: "", Content: "x"}}}, nil); err == nil {
		t.Errorf("message without a role accepted")
	}
}

func TestGrammarSimple(t *testing.T) {
	m := open(t, modelPath, llm.Options{})
	for _, always := range []bool{false, true} {
		for seed := range 20 {
			res, err := m.Generate(context.Background(), llm.Request{
				Prompt: "Answer:", MaxTokens: 10, Temperature: 1, Seed: int64(seed),
				Grammar: `root ::= ("yes" | "no") " please"?`, GrammarAlways: always,
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			switch res.Text {
			case "yes", "no", "yes please", "no please":
			default:
				t.Errorf("seed %d: %q does not match the grammar", seed, res.Text)
			}
		}
	}
}

func TestLoRA(t *testing.T) {
	m := open(t, modelPath, llm.Options{})
	ctx := context.Background()
	req := llm.Request{Prompt: "The persona speaks:", MaxTokens: 16, Temperature: 0}
	gen := func() string {
		t.Helper()
		res, err := m.Generate(ctx, req, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res.Text
	}
	base := gen()
	must(m.AddAdapter("BRICK", loraPath))
	must(m.AddAdapter("ROBIN", lora2Path))
	if st := states(m); st != "BRICK:cold ROBIN:cold" {
		t.Errorf("states %s", st)
	}
	if _, err := m.SetAdapter("BRICK"); err != nil {
		t.Fatal(err)
	}
	brick := gen()
	if brick == base {
		t.Errorf("the adapter did not change the output %q", base)
	}
	if _, err := m.SetAdapter("ROBIN"); err != nil {
		t.Fatal(err)
	}
	robin := gen()
	if st := states(m); st != "BRICK:warm ROBIN:hot" {
		t.Errorf("states %s", st)
	}
	if robin == brick {
		t.Errorf("two adapters gave the same output %q", robin)
	}
	if _, err := m.SetAdapter(""); err != nil {
		t.Fatal(err)
	}
	if got := gen(); got != base {
		t.Errorf("clearing the adapter gave %q, want the base output %q", got, base)
	}
	// A per-request adapter applies to that request only.
	req.Adapter = "BRICK"
	if got := gen(); got != brick {
		t.Errorf("per-request adapter gave %q, want %q", got, brick)
	}
	req.Adapter = ""
	if got := gen(); got != base {
		t.Errorf("after a per-request adapter: %q, want %q", got, base)
	}
	// A tight byte bound evicts warm adapters (least recently used first).
	m.SetWarmBytes(0)
	if st := states(m); st != "BRICK:cold ROBIN:cold" {
		t.Errorf("after eviction: %s", st)
	}
	d, err := m.SetAdapter("ROBIN")
	if err != nil || gen() != robin {
		t.Errorf("reloading an evicted adapter: %v", err)
	}
	t.Logf("adapter switch (cold load): %v", d)

	if _, err := m.SetAdapter("ALFRED"); err == nil {
		t.Errorf("unknown adapter accepted")
	}
	for _, c := range []struct{ path, want string }{
		{badLoRA, "do not fit"},
		{modelPath, "not an adapter"},
		{filepath.Join(dir, "nope.gguf"), "does not exist"},
	} {
		if err := m.AddAdapter("BABS", c.path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("AddAdapter(%s): %v, want %q", filepath.Base(c.path), err, c.want)
		}
	}
}

func states(m *llama.Model) string {
	var s []string
	for _, a := range m.AdapterStates() {
		s = append(s, a.Name+":"+a.State)
	}
	return strings.Join(s, " ")
}

// TestThreadsClamped: --threads beyond the machine's cores is clamped to
// them (more threads only spin against each other).
func TestThreadsClamped(t *testing.T) {
	m := open(t, modelPath, llm.Options{Threads: 64 * runtime.NumCPU()})
	if n := m.Info().Threads; n != runtime.NumCPU() {
		t.Errorf("%d threads on %d cores", n, runtime.NumCPU())
	}
	m2 := open(t, modelPath, llm.Options{Threads: 1})
	if n := m2.Info().Threads; n != 1 {
		t.Errorf("--threads 1 gave %d", n)
	}
}

// TestBadOptions: nonsense sampling options fail clearly.
func TestBadOptions(t *testing.T) {
	m := open(t, modelPath, llm.Options{})
	for _, req := range []llm.Request{{MaxTokens: -1}, {TopK: -1}, {TopP: 2}, {TopP: -0.5}} {
		req.Prompt = "x"
		if _, err := m.Generate(context.Background(), req, nil); err == nil {
			t.Errorf("%+v accepted", req)
		}
	}
}
