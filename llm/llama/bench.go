package llama

import (
	"fmt"
	"time"

	"batos/llm/internal/cllama"
)

// RawResult is a measurement of the raw binding loop.
type RawResult struct {
	PromptTokens, GenTokens int
	PromptTime, GenTime     time.Duration
	// llama.cpp's own timing of the same work (llama_perf_context).
	PerfPromptMs, PerfGenMs float64
	PerfPromptN, PerfGenN   int
}

// PromptRate and GenRate are tokens per second.
func (r RawResult) PromptRate() float64 { return rate(r.PromptTokens, r.PromptTime) }
func (r RawResult) GenRate() float64    { return rate(r.GenTokens, r.GenTime) }

// PerfPromptRate and PerfGenRate are llama.cpp's own tokens per second.
func (r RawResult) PerfPromptRate() float64 { return float64(r.PerfPromptN) / r.PerfPromptMs * 1000 }
func (r RawResult) PerfGenRate() float64    { return float64(r.PerfGenN) / r.PerfGenMs * 1000 }

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// BenchRaw runs the bare binding loop, the baseline of the model
// primitive: decode the prompt in batches, then nGen greedy tokens
// (end-of-generation tokens banned), with no request handling, streaming
// or stop strings.
func (m *Model) BenchRaw(prompt string, nGen int) (RawResult, error) {
	toks, err := m.m.Tokenize(prompt, true, false)
	if err != nil {
		return RawResult{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.ctx
	if len(toks)+nGen > c.NCtx() {
		return RawResult{}, fmt.Errorf("prompt %d + %d tokens do not fit the context of %d", len(toks), nGen, c.NCtx())
	}
	s, err := cllama.NewSampler(m.m, cllama.SamplerParams{Ban: m.eogTokens()})
	if err != nil {
		return RawResult{}, err
	}
	defer s.Free()
	c.Clear()
	c.Abort(false)
	c.ResetPerf()
	r := RawResult{PromptTokens: len(toks), GenTokens: nGen}
	start := time.Now()
	for i := 0; i < len(toks); i += c.NBatch() {
		if err := c.Decode(toks[i:min(i+c.NBatch(), len(toks))], i, false); err != nil {
			return r, err
		}
	}
	r.PromptTime = time.Since(start)
	start = time.Now()
	pos := len(toks)
	for range nGen {
		tok, err := s.Sample(c, -1)
		if err != nil {
			return r, err
		}
		_ = m.m.Piece(tok, false)
		if err := c.Decode([]int32{tok}, pos, false); err != nil {
			return r, err
		}
		pos++
	}
	r.GenTime = time.Since(start)
	p := c.Perf()
	r.PerfPromptMs, r.PerfGenMs, r.PerfPromptN, r.PerfGenN = p.PromptMs, p.GenMs, p.PromptN, p.GenN
	return r, nil
}
