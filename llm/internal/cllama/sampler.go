package cllama

/*
#include <stdlib.h>
#include "helpers.h"
*/
import "C"

import (
	"errors"
	"math"
	"unsafe"
)

// SamplerParams configure a sampler chain.
type SamplerParams struct {
	Temp    float32 // <= 0: greedy
	TopK    int     // 0: off
	TopP    float32 // 0 or 1: off
	MinP    float32 // 0: off
	Seed    uint32
	Grammar string // GBNF, root rule "root"; "" for none
	// Ban lists tokens never to sample (EOG tokens, to force a length).
	Ban []int32
	// GrammarFirst applies the grammar to the whole vocabulary at every
	// step instead of checking the sampled token first.
	GrammarFirst bool
}

// ErrGrammarDeadEnd means the grammar allows no token of the vocabulary.
var ErrGrammarDeadEnd = errors.New("the grammar allows no token here")

// ErrNonFinite means the model computed logits that are NaN or +Inf: its
// weights, or an applied adapter's, are broken.
var ErrNonFinite = errors.New("the model computed non-finite logits (NaN or infinity): its weights, or its adapter's, are broken")

// Sampler picks tokens. One goroutine at a time.
type Sampler struct {
	s C.batos_sampler
}

// NewSampler builds a sampler for m. A grammar that llama.cpp cannot
// parse is an error.
func NewSampler(m *Model, p SamplerParams) (*Sampler, error) {
	chain := C.llama_sampler_chain_init(C.llama_sampler_chain_default_params())
	add := func(s *C.struct_llama_sampler) { C.llama_sampler_chain_add(chain, s) }
	if len(p.Ban) > 0 {
		bias := make([]C.llama_logit_bias, len(p.Ban))
		for i, t := range p.Ban {
			bias[i] = C.llama_logit_bias{token: C.llama_token(t), bias: C.float(math.Inf(-1))}
		}
		add(C.llama_sampler_init_logit_bias(C.int32_t(m.NVocab()), C.int32_t(len(bias)), &bias[0]))
	}
	s := &Sampler{}
	if p.Temp <= 0 {
		s.s.selector = C.llama_sampler_init_greedy()
	} else {
		if p.TopK > 0 {
			add(C.llama_sampler_init_top_k(C.int32_t(p.TopK)))
		}
		if p.TopP > 0 && p.TopP < 1 {
			add(C.llama_sampler_init_top_p(C.float(p.TopP), 1))
		}
		if p.MinP > 0 {
			add(C.llama_sampler_init_min_p(C.float(p.MinP), 1))
		}
		add(C.llama_sampler_init_temp(C.float(p.Temp)))
		s.s.selector = C.llama_sampler_init_dist(C.uint32_t(p.Seed))
	}
	s.s.chain = chain
	if p.Grammar != "" {
		cg := C.CString(p.Grammar)
		defer C.free(unsafe.Pointer(cg))
		root := C.CString("root")
		defer C.free(unsafe.Pointer(root))
		ClearLog()
		s.s.grammar = C.llama_sampler_init_grammar(m.vocab, cg, root)
		if s.s.grammar == nil {
			C.llama_sampler_free(chain)
			C.llama_sampler_free(s.s.selector)
			return nil, failure("invalid grammar")
		}
	}
	s.s.grammar_first = C.bool(p.GrammarFirst)
	s.s.n_vocab = C.int32_t(m.NVocab())
	s.s.cur = (*C.llama_token_data)(C.malloc(C.size_t(m.NVocab()) * C.size_t(unsafe.Sizeof(C.llama_token_data{}))))
	return s, nil
}

// Sample picks and accepts the next token from output idx of the last
// Decode (-1: the last output).
func (s *Sampler) Sample(c *Context, idx int) (int32, error) {
	t := C.batos_sample(&s.s, c.p, C.int32_t(idx))
	switch {
	case t == C.BATOS_DEAD:
		return 0, ErrGrammarDeadEnd
	case t == C.BATOS_NONFINITE:
		return 0, ErrNonFinite
	case t < 0:
		return 0, errors.New("the sampler selected no token")
	}
	return int32(t), nil
}

// Resampled reports how many steps sampled twice because the first token
// broke the grammar, out of how many.
func (s *Sampler) Resampled() (resampled, steps int) { return int(s.s.resampled), int(s.s.steps) }

// Free releases the sampler.
func (s *Sampler) Free() {
	if s.s.chain != nil {
		C.llama_sampler_free(s.s.chain)
		s.s.chain = nil
	}
	if s.s.selector != nil {
		C.llama_sampler_free(s.s.selector)
		s.s.selector = nil
	}
	if s.s.grammar != nil {
		C.llama_sampler_free(s.s.grammar)
		s.s.grammar = nil
	}
	if s.s.cur != nil {
		C.free(unsafe.Pointer(s.s.cur))
		s.s.cur = nil
	}
}
