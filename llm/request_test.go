package llm

import (
	"math"
	"strings"
	"testing"
)

// TestRequestCheck: nonsense options are errors that name the option.
func TestRequestCheck(t *testing.T) {
	bad := []struct {
		req  Request
		want string
	}{
		{Request{MaxTokens: -1}, "maxTokens"},
		{Request{TopK: -3}, "topK"},
		{Request{TopP: -0.1}, "topP"},
		{Request{TopP: 1.5}, "topP"},
		{Request{TopP: math.NaN()}, "topP"},
		{Request{Temperature: math.NaN()}, "temperature"},
		{Request{Temperature: math.Inf(1)}, "temperature"},
	}
	for _, c := range bad {
		if err := c.req.Check(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error about %s", c.req, err, c.want)
		}
	}
	for _, r := range []Request{{}, {MaxTokens: 5, TopK: 40, TopP: 1, Temperature: 0.7}, {Temperature: -1}, {TopP: 0.05}} {
		if err := r.Check(); err != nil {
			t.Errorf("%+v: %v", r, err)
		}
	}
	if _, err := NewScripted("x").Generate(t.Context(), Request{Prompt: "p", TopK: -1}, nil); err == nil {
		t.Errorf("the scripted model took topK -1")
	}
}
