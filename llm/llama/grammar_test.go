package llama_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"batos/lang"
	"batos/llm"
	"batos/llm/grammar"
)

// TestMethodSlotGrammar100Seeds: constrained generation on a random model
// always yields a method slot that parses.
func TestMethodSlotGrammar100Seeds(t *testing.T) {
	gbnf, err := grammar.MethodSlotGBNF()
	if err != nil {
		t.Fatal(err)
	}
	m := open(t, modelPath, llm.Options{Ctx: 2048})
	start := time.Now()
	tokens, resampled := 0, 0
	for seed := range 100 {
		res, err := m.Generate(context.Background(), llm.Request{
			Prompt: "Write a method:", MaxTokens: 1800, Temperature: 1, Seed: int64(seed), Grammar: gbnf,
		}, nil)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		tokens += res.Tokens
		resampled += res.Resampled
		if res.StopReason != "eog" {
			t.Errorf("seed %d: stopped by %s after %d tokens: %q", seed, res.StopReason, res.Tokens, res.Text)
			continue
		}
		e, err := lang.ParseExpr("slot", "(| "+res.Text+" |)")
		if err != nil {
			t.Errorf("seed %d: %q does not parse: %v", seed, res.Text, err)
			continue
		}
		if o, ok := e.(*lang.Object); !ok || len(o.Slots) != 1 {
			t.Errorf("seed %d: %q is not one slot", seed, res.Text)
		}
		if seed < 3 {
			t.Logf("seed %d: %s", seed, res.Text)
		}
	}
	t.Logf("100 slots, %d tokens (%d resampled under the grammar) in %v", tokens, resampled, time.Since(start))
}

// TestJSONGrammar: output under a JSON-schema grammar is valid JSON of
// that shape.
func TestJSONGrammar(t *testing.T) {
	g, err := grammar.JSONSchema([]byte(`{"type": "object", "properties": {
		"persona": {"enum": ["BRICK", "ROBIN", "BABS", "ALFRED"]},
		"mood": {"type": "string", "maxLength": 12},
		"energy": {"type": "integer"},
		"tags": {"type": "array", "items": {"type": "string", "maxLength": 8}, "maxItems": 3}}}`))
	if err != nil {
		t.Fatal(err)
	}
	m := open(t, modelPath, llm.Options{Ctx: 2048})
	for seed := range 20 {
		res, err := m.Generate(context.Background(), llm.Request{Prompt: "JSON:", MaxTokens: 1500, Temperature: 1, Seed: int64(seed), Grammar: g.GBNF()}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Persona *string  `json:"persona"`
			Mood    *string  `json:"mood"`
			Energy  *int64   `json:"energy"`
			Tags    []string `json:"tags"`
		}
		if err := json.Unmarshal([]byte(res.Text), &v); err != nil || v.Persona == nil || v.Mood == nil || v.Energy == nil || v.Tags == nil {
			t.Errorf("seed %d: %q is not of the schema: %v", seed, res.Text, err)
		}
		if seed < 2 {
			t.Logf("%s", res.Text)
		}
	}
}
