package llama_test

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"batos/llm"
	"batos/llm/gguf"
	"batos/llm/internal/cllama"
	"batos/llm/tiny"
)

// TestGrammarWithTopKTopP: a grammar with top-k or top-p at a temperature
// above 0 used to abort the process in llama_sampler_dist_apply ("Assertion
// `found' failed") when every filtered candidate broke the grammar. The
// sampler now falls back to the grammar-masked distribution over the whole
// vocabulary.
func TestGrammarWithTopKTopP(t *testing.T) {
	m := open(t, modelPath, llm.Options{})
	ok := regexp.MustCompile(`^[abc]+$`)
	type opt struct {
		topK int
		topP float64
	}
	opts := []opt{{topK: 1}, {topK: 5}, {topK: 10}, {topK: 20}, {topK: 32}, {topP: 0.05}, {topP: 0.3}, {topK: 5, topP: 0.3}}
	for _, o := range opts {
		for _, always := range []bool{false, true} {
			for seed := range 6 {
				res, err := m.Generate(context.Background(), llm.Request{
					Prompt: "Letters:", MaxTokens: 12, Temperature: 1, TopK: o.topK, TopP: o.topP, Seed: int64(seed),
					Grammar: `root ::= [abc]+`, GrammarAlways: always,
				}, nil)
				if err != nil {
					t.Fatalf("%+v always=%v seed %d: %v", o, always, seed, err)
				}
				if !ok.MatchString(res.Text) {
					t.Errorf("%+v always=%v seed %d: %q breaks the grammar", o, always, seed, res.Text)
				}
			}
		}
	}
}

// TestGrammarDeadEnd: a grammar that admits no token, and ignoreEOG with a
// grammar that can only end, fail with a clear error at every temperature
// and in both grammar modes, instead of aborting.
func TestGrammarDeadEnd(t *testing.T) {
	m := open(t, modelPath, llm.Options{})
	for _, temp := range []float64{0, 1} {
		for _, always := range []bool{false, true} {
			for _, topK := range []int{0, 5} {
				req := llm.Request{Prompt: "x", MaxTokens: 8, Temperature: temp, TopK: topK, Seed: 3, GrammarAlways: always}
				req.Grammar = `root ::= [z-a]`
				_, err := m.Generate(context.Background(), req, nil)
				if !errors.Is(err, cllama.ErrGrammarDeadEnd) {
					t.Errorf("temp %v always %v topK %d: dead grammar: %v", temp, always, topK, err)
				}
				req.Grammar, req.IgnoreEOG = `root ::= "a"`, true
				res, err := m.Generate(context.Background(), req, nil)
				if !errors.Is(err, cllama.ErrGrammarDeadEnd) || !strings.Contains(err.Error(), "ignoreEOG") {
					t.Errorf("temp %v always %v topK %d: ignoreEOG with a finished grammar: %v", temp, always, topK, err)
				} else if res.Text != "a" {
					t.Errorf("text before the dead end %q, want \"a\"", res.Text)
				}
			}
		}
	}
}

// TestNaNWeights: a model (or an adapter) whose weights are NaN makes
// non-finite logits, which are an error at every temperature instead of an
// abort in the sampler.
func TestNaNWeights(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nan.gguf")
	must(tiny.WriteModel(path, tiny.Default()))
	poison(t, path, "output.weight")
	m := open(t, path, llm.Options{})
	for _, temp := range []float64{0, 1} {
		for _, g := range []string{"", `root ::= [abc]+`} {
			_, err := m.Generate(context.Background(), llm.Request{Prompt: "hello", MaxTokens: 4, Temperature: temp, TopK: 5, Seed: 1, Grammar: g}, nil)
			if !errors.Is(err, cllama.ErrNonFinite) {
				t.Errorf("temp %v grammar %q: %v, want the non-finite logits error", temp, g, err)
			}
		}
	}

	lora := filepath.Join(t.TempDir(), "nan-lora.gguf")
	must(tiny.WriteLoRA(lora, tiny.DefaultLoRA(tiny.Default(), 5)))
	poison(t, lora, "blk.1.ffn_down.weight.lora_b")
	good := open(t, modelPath, llm.Options{})
	must(good.AddAdapter("NAN", lora))
	_, err := good.Generate(context.Background(), llm.Request{Prompt: "hello", MaxTokens: 4, Temperature: 1, Seed: 1, Adapter: "NAN"}, nil)
	if !errors.Is(err, cllama.ErrNonFinite) {
		t.Errorf("NaN adapter: %v", err)
	}
	if _, err := good.Generate(context.Background(), llm.Request{Prompt: "hello", MaxTokens: 4, Temperature: 1, Seed: 1}, nil); err != nil {
		t.Errorf("after the NaN adapter: %v", err)
	}
}

// poison overwrites an F32 tensor of the GGUF file at path with NaNs.
func poison(t *testing.T, path, tensor string) {
	t.Helper()
	g, err := gguf.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ti, ok := g.Tensor(tensor)
	if !ok || ti.Type != gguf.F32 {
		t.Fatalf("%s: no F32 tensor %s", path, tensor)
	}
	b := make([]byte, ti.Bytes())
	for i := 0; i < len(b); i += 4 {
		binary.LittleEndian.PutUint32(b[i:], math.Float32bits(float32(math.NaN())))
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(b, int64(g.DataOffset+ti.Offset)); err != nil {
		t.Fatal(err)
	}
}

// TestAdapterSwitchAfterPrompt: llama.cpp reuses a compute graph of the
// same shape without noticing that the adapters changed, so a generation
// whose last decode was its prompt (it stopped at its first token) left
// its adapter in the graph that the next prompt of the same length reused.
func TestAdapterSwitchAfterPrompt(t *testing.T) {
	m := open(t, modelPath, llm.Options{})
	must(m.AddAdapter("BRICK", loraPath))
	var anyChar []string
	for c := ' '; c <= '~'; c++ {
		anyChar = append(anyChar, string(c))
	}
	gen := func(prompt, adapter string, stop []string) string {
		t.Helper()
		res, err := m.Generate(context.Background(), llm.Request{Prompt: prompt, MaxTokens: 1, Temperature: 0, IgnoreEOG: true,
			Adapter: adapter, Stop: stop}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res.Text
	}
	differ := 0
	for _, p := range []string{"abc", "xyz", "The", "q", "hello world"} {
		base, brick := gen(p, "", nil), gen(p, "BRICK", nil)
		if base != brick {
			differ++
		}
		gen(p, "BRICK", anyChar) // ends after its prompt's decode
		if again := gen(p, "", nil); again != base {
			t.Errorf("%q: without the adapter %q, after it %q", p, base, again)
		}
		gen(p, "", anyChar)
		if again := gen(p, "BRICK", nil); again != brick {
			t.Errorf("%q: with the adapter %q, then %q", p, brick, again)
		}
	}
	if differ == 0 {
		t.Fatal("the adapter changed no first token: the test shows nothing")
	}
}
