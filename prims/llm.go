package prims

import (
	"batos/metrics"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync/atomic"

	"batos/llm"
	"batos/llm/grammar"
	"batos/vm"
)

// The model primitives. Their receiver is a model spec string (a .gguf
// path, an http:// URL, "scripted:N"; ” for the default model), which
// llm.Default opens on first use. Failures (no model, a broken file, an
// empty prompt, a prompt longer than the context) fail into IfFail:; a
// Ctrl-C during a generation stops it and interrupts the statement.
var llmPrims = []vm.Primitive{
	p("_ModelGenerate:Each:", "generate from a request (a vector of key/value pairs); call the block, if any, with each piece of text; answer vector(text, promptTokens, tokens, stopReason, promptMs, genMs, resampled)", primGenerate),
	p("_ModelEmbed:", "the embedding vector of a string (floats)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		m, text, err := modelAndText(r, a[0])
		if err != nil {
			return vm.Value{}, err
		}
		ctx, stop := watchCancel(t)
		defer stop()
		vec, err := m.Embed(ctx, text)
		if err != nil {
			return vm.Value{}, modelFailure(t, err)
		}
		out := make([]vm.Value, len(vec))
		for i, x := range vec {
			out[i] = t.VM().Float(float64(x))
		}
		return t.VM().NewVector(out), nil
	}),
	p("_ModelTokenize:", "the token ids of a string (with BOS when the model adds one)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		m, text, err := modelAndText(r, a[0])
		if err != nil {
			return vm.Value{}, err
		}
		ctx, stop := watchCancel(t)
		defer stop()
		toks, err := llm.Tokenize(ctx, m, text)
		if err != nil {
			return vm.Value{}, modelFailure(t, err)
		}
		out := make([]vm.Value, len(toks))
		for i, x := range toks {
			out[i] = vm.Int(int64(x))
		}
		return t.VM().NewVector(out), nil
	}),
	p("_ModelCountTokens:", "how many tokens a string is", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		m, text, err := modelAndText(r, a[0])
		if err != nil {
			return vm.Value{}, err
		}
		ctx, stop := watchCancel(t)
		defer stop()
		toks, err := llm.Tokenize(ctx, m, text)
		if err != nil {
			return vm.Value{}, modelFailure(t, err)
		}
		return vm.Int(int64(len(toks))), nil
	}),
	p("_ModelInfo", "the model's description: a vector of key/value pairs", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		m, err := model(r)
		if err != nil {
			return vm.Value{}, err
		}
		i := m.Info()
		v := t.VM()
		return pairs(v, "backend", v.String(i.Backend), "name", v.String(i.Name), "architecture", v.String(i.Architecture),
			"parameters", vm.Int(int64(i.Params)), "contextLength", vm.Int(int64(i.ContextLen)),
			"trainedContextLength", vm.Int(int64(i.TrainCtx)), "quantization", v.String(i.Quantization),
			"chatTemplate", v.String(i.ChatTemplate), "vocabularySize", vm.Int(int64(i.VocabSize)),
			"embeddingLength", vm.Int(int64(i.EmbeddingLen)), "gpuLayers", vm.Int(int64(i.GPULayers))), nil
	}),
	p("_ModelAddAdapter:Path:", "register a LoRA adapter file under a persona name", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		ad, err := adapters(r)
		if err != nil {
			return vm.Value{}, err
		}
		name, ok1 := a[0].Str()
		path, ok2 := a[1].Str()
		if !ok1 || !ok2 {
			return vm.Value{}, badType
		}
		if err := ad.AddAdapter(name, path); err != nil {
			return vm.Value{}, vm.Failf("%v", err)
		}
		return r, nil
	}),
	p("_ModelUseAdapter:", "apply the named adapter to later generations ('' or nil: none); answer the switch time in milliseconds", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		ad, err := adapters(r)
		if err != nil {
			return vm.Value{}, err
		}
		name, ok := a[0].Str()
		if !ok && a[0].Obj() != t.VM().Nil {
			return vm.Value{}, badType
		}
		d, err := ad.SetAdapter(name)
		if err != nil {
			return vm.Value{}, vm.Failf("%v", err)
		}
		return t.VM().Float(float64(d) / 1e6), nil
	}),
	p("_ModelAdapters", "the adapters: a vector of vector(name, state, bytes, path); state is cold, warm or hot", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		ad, err := adapters(r)
		if err != nil {
			return vm.Value{}, err
		}
		v := t.VM()
		var out []vm.Value
		for _, s := range ad.AdapterStates() {
			out = append(out, v.NewVector([]vm.Value{v.String(s.Name), v.String(s.State), vm.Int(int64(s.Bytes)), v.String(s.Path)}))
		}
		return v.NewVector(out), nil
	}),
	p("_ModelScripted:", "a new scripted model answering the given strings in order; answer its spec", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		elems, ok := a[0].Vector()
		if !ok {
			return vm.Value{}, badType
		}
		replies := make([]string, len(elems))
		for i, e := range elems {
			if replies[i], ok = e.Str(); !ok {
				return vm.Value{}, badType
			}
		}
		spec := fmt.Sprintf("scripted:%d", scriptedCount.Add(1))
		llm.Default.Put(spec, llm.NewScripted(replies...))
		return t.VM().String(spec), nil
	}),
	p("_ModelSlotGrammar", "the GBNF grammar of one method slot of the DSL (derived from the parser's grammar)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		g, err := grammar.MethodSlotGBNF()
		if err != nil {
			return vm.Value{}, vm.Failf("%v", err)
		}
		return t.VM().String(g), nil
	}),
	p("_ModelJSONGrammar:", "the GBNF grammar of the values of a JSON schema (a string)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		schema, ok := a[0].Str()
		if !ok {
			return vm.Value{}, badType
		}
		g, err := grammar.JSONSchema([]byte(schema))
		if err != nil {
			return vm.Value{}, vm.Failf("%v", err)
		}
		return t.VM().String(g.GBNF()), nil
	}),
	p("_ModelDefault", "the default model's spec (from --model, --model-url or BATOS_MODEL), or nil", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		if llm.Default.Default == "" {
			return t.VM().NilValue(), nil
		}
		return t.VM().String(llm.Default.Default), nil
	}),
}

var scriptedCount atomic.Int64

// model opens the model named by the receiver.
func model(r vm.Value) (llm.Model, error) {
	spec, ok := r.Str()
	if !ok {
		return nil, badType
	}
	m, err := llm.Default.Get(spec)
	if err != nil {
		return nil, vm.Failf("%v", err)
	}
	return m, nil
}

func modelAndText(r, text vm.Value) (llm.Model, string, error) {
	s, ok := text.Str()
	if !ok {
		return nil, "", badType
	}
	m, err := model(r)
	return m, s, err
}

func adapters(r vm.Value) (llm.Adapters, error) {
	m, err := model(r)
	if err != nil {
		return nil, err
	}
	ad, ok := m.(llm.Adapters)
	if !ok {
		return nil, vm.Failf("this model takes no adapters (%s)", m.Info().Backend)
	}
	return ad, nil
}

func pairs(v *vm.VM, kv ...any) vm.Value {
	var out []vm.Value
	for i := 0; i < len(kv); i += 2 {
		out = append(out, v.String(kv[i].(string)), kv[i+1].(vm.Value))
	}
	return v.NewVector(out)
}

// watchCancel returns a context that is cancelled when the thread is
// (Ctrl-C), and a function to call when the work is done.
func watchCancel(t *vm.Thread) (context.Context, func()) { return t.CancelContext() }

// countTokens records a generation in the process's metrics.
func countTokens(res llm.Result) {
	metrics.Default.Add("model.generations", 1)
	metrics.Default.Add("model.tokensIn", float64(res.PromptTokens))
	metrics.Default.Add("model.tokensOut", float64(res.Tokens))
}

// modelFailure turns a backend error into a primitive failure, or, for a
// cancellation, interrupts the statement.
func modelFailure(t *vm.Thread, err error) error {
	if errors.Is(err, llm.ErrCancelled) {
		t.CancelFlag().Store(false)
		t.Raise(vm.ErrInterrupted, "interrupted: generation stopped")
	}
	return vm.Failf("%v", err)
}

func primGenerate(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
	m, err := model(r)
	if err != nil {
		return vm.Value{}, err
	}
	v := t.VM()
	req, stream, err := parseRequest(v, a[0])
	if err != nil {
		return vm.Value{}, err
	}
	var each *vm.Block
	if a[1].Obj() != v.Nil {
		b, ok := a[1].Block()
		if !ok || b.Arity() != 1 {
			return vm.Value{}, vm.Failf("Each: wants a block of one argument or nil")
		}
		each = b
	}
	var onPiece func(string) error
	if each != nil || stream {
		onPiece = func(piece string) error {
			if stream {
				if _, err := fmt.Fprint(v.Stdout, piece); err != nil {
					return err
				}
			}
			if each != nil {
				t.CallBlock(each, v.String(piece))
			}
			return nil
		}
	}
	if each == nil && t.InSession() && t.Memoizing() {
		return generateOutside(t, r, m, req, stream)
	}
	ctx, stop := watchCancel(t)
	defer stop()
	res, err := m.Generate(ctx, req, onPiece)
	if stream && res.Text != "" {
		fmt.Fprintln(v.Stdout)
	}
	if err != nil {
		return vm.Value{}, modelFailure(t, err)
	}
	countTokens(res)
	return resultVector(v, res), nil
}

// generateOutside makes a session's model call without holding the world,
// so the other clients of a server go on while the model runs: the
// transaction restarts, the call runs outside the world and its result is
// memoized, and the transaction runs again and finds it (vm/restart.go).
// Calls with an Each: block run batos code per piece and keep the world.
func generateOutside(t *vm.Thread, r vm.Value, m llm.Model, req llm.Request, stream bool) (vm.Value, error) {
	spec, _ := r.Str()
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%#v", spec, req))
	key := "model:" + hex.EncodeToString(sum[:16])
	if val, err, ok := t.MemoNext(key); ok {
		if err != nil {
			return vm.Value{}, modelFailure(t, err)
		}
		return resultVector(t.VM(), val.(llm.Result)), nil
	}
	out := t.VM().BaseOutput()
	t.RaiseRestart(&vm.Restart{Why: "a model call", Work: func(ctx context.Context) error {
		var onPiece func(string) error
		if stream {
			onPiece = func(p string) error { _, err := fmt.Fprint(out, p); return err }
		}
		res, err := m.Generate(ctx, req, onPiece)
		if stream && res.Text != "" {
			fmt.Fprintln(out)
		}
		if err != nil && ctx.Err() != nil {
			return err // interrupted: the transaction ends
		}
		if err == nil {
			countTokens(res)
		}
		t.MemoPut(key, res, err)
		return nil
	}})
	return vm.Value{}, nil
}

// resultVector is a generation's result as the library reads it.
func resultVector(v *vm.VM, res llm.Result) vm.Value {
	return v.NewVector([]vm.Value{v.String(res.Text), vm.Int(int64(res.PromptTokens)), vm.Int(int64(res.Tokens)),
		v.String(res.StopReason), v.Float(res.PromptTime.Seconds() * 1000), v.Float(res.GenTime.Seconds() * 1000),
		vm.Int(int64(res.Resampled))})
}

// parseRequest reads a request from a vector of key/value pairs.
func parseRequest(v *vm.VM, x vm.Value) (req llm.Request, stream bool, err error) {
	elems, ok := x.Vector()
	if !ok || len(elems)%2 != 0 {
		return req, false, vm.Failf("a request is a vector of key/value pairs")
	}
	req.Temperature, req.Seed = -1, -1
	for i := 0; i < len(elems); i += 2 {
		key, _ := elems[i].Str()
		val := elems[i+1]
		if val.Obj() == v.Nil {
			continue
		}
		var ok bool
		switch key {
		case "prompt":
			req.Prompt, ok = val.Str()
		case "system":
			req.System, ok = val.Str()
		case "grammar":
			req.Grammar, ok = val.Str()
		case "adapter":
			req.Adapter, ok = val.Str()
		case "maxTokens", "topK", "seed":
			if ok = val.IsInt(); ok {
				n := int(val.Int())
				if n < 0 && key != "seed" {
					return req, false, vm.Failf("%s is %d: it must be 0 or more", key, n)
				}
				switch key {
				case "maxTokens":
					req.MaxTokens = n
				case "topK":
					req.TopK = n
				default:
					req.Seed = int64(n)
				}
			}
		case "temperature", "topP":
			f, isF := val.Float()
			if val.IsInt() {
				f, isF = float64(val.Int()), true
			}
			if ok = isF; ok {
				if key == "temperature" {
					if !(f >= 0) || math.IsInf(f, 0) {
						return req, false, vm.Failf("temperature is %v: it must be 0 (greedy) or more", f)
					}
					req.Temperature = f
				} else {
					if !(f > 0 && f <= 1) {
						return req, false, vm.Failf("topP is %v: it must be in (0, 1] (1: off)", f)
					}
					req.TopP = f
				}
			}
		case "grammarAlways", "stream", "ignoreEOG":
			ok = val.Obj() == v.True || val.Obj() == v.False
			switch on := val.Obj() == v.True; key {
			case "stream":
				stream = on
			case "ignoreEOG":
				req.IgnoreEOG = on
			default:
				req.GrammarAlways = on
			}
		case "stop":
			if s, isS := val.Str(); isS {
				req.Stop, ok = []string{s}, true
			} else if vs, isV := val.Vector(); isV {
				ok = true
				for _, e := range vs {
					s, isS := e.Str()
					ok = ok && isS
					req.Stop = append(req.Stop, s)
				}
			}
		case "messages":
			req.Messages, ok = parseMessages(val)
		default:
			return req, false, vm.Failf("unknown request key %q", key)
		}
		if !ok {
			return req, false, vm.Failf("bad value for %q", key)
		}
	}
	if strings.TrimSpace(req.Prompt) == "" && len(req.Messages) == 0 {
		return req, false, vm.Failf("%v", llm.ErrEmptyPrompt)
	}
	return req, stream, nil
}

// parseMessages reads a vector of vector(role, content).
func parseMessages(val vm.Value) ([]llm.Message, bool) {
	ms, ok := val.Vector()
	if !ok {
		return nil, false
	}
	var out []llm.Message
	for _, m := range ms {
		pair, ok := m.Vector()
		if !ok || len(pair) != 2 {
			return nil, false
		}
		role, ok1 := pair[0].Str()
		content, ok2 := pair[1].Str()
		if !ok1 || !ok2 {
			return nil, false
		}
		out = append(out, llm.Message{Role: role, Content: content})
	}
	return out, true
}
