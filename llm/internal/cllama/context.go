package cllama

/*
#include <stdlib.h>
#include "helpers.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// Context is a llama_context: the KV cache and compute state of one
// sequence. One goroutine at a time.
type Context struct {
	p      *C.struct_llama_context
	m      *Model
	batch  C.struct_llama_batch
	nBatch int
	abort  *C.int
	// noReuse: made with NoGraphReuse.
	noReuse bool
}

// GraphReuse reports whether the context may reuse compute graphs (see
// ContextParams.NoGraphReuse).
func (c *Context) GraphReuse() bool { return !c.noReuse }

// ContextParams configure NewContext.
type ContextParams struct {
	NCtx       int  // context length (0: the model's)
	NBatch     int  // tokens per llama_decode (0: 512)
	Threads    int  // CPU threads (0: llama.cpp's default)
	Embeddings bool // compute pooled embeddings (mean) instead of logits
	// NoGraphReuse makes llama.cpp build the compute graph for every
	// decode. Its graph reuse compares the adapter set by address, not by
	// content, so a context whose LoRA adapters change must not reuse a
	// graph: it would keep applying the previous adapter.
	NoGraphReuse bool
}

// ErrAborted is returned by Decode when Abort stopped it.
var ErrAborted = errors.New("decode aborted")

// NewContext creates a context for m.
func NewContext(m *Model, p ContextParams) (*Context, error) {
	cp := C.llama_context_default_params()
	cp.n_ctx = C.uint32_t(p.NCtx)
	nb := p.NBatch
	if nb <= 0 {
		nb = 512
	}
	if p.Embeddings {
		// A pooled sequence must fit one micro-batch.
		nb = max(p.NCtx, nb)
		cp.n_ubatch = C.uint32_t(nb)
		cp.embeddings = true
		cp.pooling_type = C.LLAMA_POOLING_TYPE_MEAN
	}
	cp.n_batch = C.uint32_t(nb)
	cp.n_seq_max = 1
	cp.no_perf = false // keep llama.cpp's own timings (Perf)
	if p.Threads > 0 {
		cp.n_threads = C.int32_t(p.Threads)
		cp.n_threads_batch = C.int32_t(p.Threads)
	}
	c := &Context{m: m, nBatch: nb, abort: C.batos_flag_new(), noReuse: p.NoGraphReuse}
	cp.abort_callback = C.ggml_abort_callback(C.batos_abort_cb)
	cp.abort_callback_data = unsafe.Pointer(c.abort)
	ClearLog()
	c.p = C.batos_init_context(m.p, cp, C.bool(p.NoGraphReuse))
	if c.p == nil {
		C.free(unsafe.Pointer(c.abort))
		return nil, failure("cannot create a context")
	}
	// llama.cpp may lower n_batch (never above n_ctx): use its value, since
	// a larger batch is a GGML_ASSERT.
	c.nBatch = int(C.llama_n_batch(c.p))
	if p.Embeddings {
		c.nBatch = min(c.nBatch, int(C.llama_n_ubatch(c.p)))
	}
	c.batch = C.llama_batch_init(C.int32_t(c.nBatch), 0, 1)
	return c, nil
}

// Free releases the context.
func (c *Context) Free() {
	if c.p != nil {
		C.llama_batch_free(c.batch)
		C.llama_free(c.p)
		C.free(unsafe.Pointer(c.abort))
		c.p = nil
	}
}

// NCtx is the context's length in tokens.
func (c *Context) NCtx() int { return int(C.llama_n_ctx(c.p)) }

// NBatch is the most tokens one Decode call takes.
func (c *Context) NBatch() int { return c.nBatch }

// Clear empties the KV cache.
func (c *Context) Clear() { C.llama_memory_clear(C.llama_get_memory(c.p), true) }

// Abort makes a running Decode stop (from any goroutine), or, with false,
// lets the next one run.
func (c *Context) Abort(on bool) {
	v := 0
	if on {
		v = 1
	}
	C.batos_flag_set(c.abort, C.int(v))
}

// Decode evaluates tokens at positions pos.. (at most NBatch of them, all
// valid ids). Only the last token's logits are kept unless allLogits.
func (c *Context) Decode(toks []int32, pos int, allLogits bool) error {
	if len(toks) == 0 || len(toks) > c.nBatch {
		return fmt.Errorf("decode: %d tokens (want 1..%d)", len(toks), c.nBatch)
	}
	C.batos_batch_fill(&c.batch, (*C.llama_token)(unsafe.Pointer(&toks[0])), C.int(len(toks)), C.int(pos), C.bool(allLogits))
	ClearLog()
	switch r := C.llama_decode(c.p, c.batch); r {
	case 0:
		return nil
	case 1:
		return failure("decode: no room in the KV cache")
	case 2:
		return ErrAborted
	default:
		return failure(fmt.Sprintf("decode failed (%d)", int(r)))
	}
}

// Embedding returns the pooled embedding of sequence 0 after Decode.
func (c *Context) Embedding() ([]float32, error) {
	p := C.llama_get_embeddings_seq(c.p, 0)
	if p == nil {
		return nil, failure("no embeddings (is this an embedding context?)")
	}
	n := c.m.NEmbd()
	out := make([]float32, n)
	copy(out, unsafe.Slice((*float32)(unsafe.Pointer(p)), n))
	return out, nil
}

// SetLoRA applies an adapter with the given scale (adapters accumulate).
func (c *Context) SetLoRA(a *LoRA, scale float32) error {
	if C.llama_set_adapter_lora(c.p, a.p, C.float(scale)) != 0 {
		return failure("cannot apply LoRA adapter")
	}
	return nil
}

// ClearLoRA removes every adapter.
func (c *Context) ClearLoRA() { C.llama_clear_adapter_lora(c.p) }

// Perf is llama.cpp's own timing of a context since the last ResetPerf.
type Perf struct {
	PromptMs, GenMs float64
	PromptN, GenN   int
}

// Perf returns the context's timings.
func (c *Context) Perf() Perf {
	d := C.llama_perf_context(c.p)
	return Perf{PromptMs: float64(d.t_p_eval_ms), GenMs: float64(d.t_eval_ms), PromptN: int(d.n_p_eval), GenN: int(d.n_eval)}
}

// ResetPerf zeroes the timings.
func (c *Context) ResetPerf() { C.llama_perf_context_reset(c.p) }
