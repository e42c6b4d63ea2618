// Package llama runs GGUF models in process with llama.cpp (through the
// thin cgo binding llm/internal/cllama), implementing llm.Model and
// llm.Adapters. Every input is checked in Go before any C call: the file
// (present, complete GGUF, a model of a supported architecture), the
// prompt (not empty, fits the context), grammars and adapters. A
// llama_context is used by one goroutine at a time: generations of one
// model are serialised, and embeddings have their own context.
//
// Importing the package registers it as llm's "gguf" backend.
//
// GPU: when a ggml GPU backend library is found (Options.GPUBackend,
// $BATOS_GPU_BACKEND, or libggml-cuda.so next to the executable) it is
// loaded before the first model, and layers are offloaded to its devices.
// Without one, the model runs on the CPU backend, compiled with the SIMD
// flags of the Makefile.
package llama

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"batos/llm"
	"batos/llm/gguf"
	"batos/llm/internal/cllama"
)

func init() {
	llm.RegisterBackend("gguf", func(spec string, opts llm.Options) (llm.Model, error) { return Open(spec, opts) })
}

// Model is a GGUF model loaded by llama.cpp.
type Model struct {
	path string
	file *gguf.File
	opts llm.Options
	m    *cllama.Model
	info llm.Info

	mu  sync.Mutex // guards ctx, and the adapters' hot state
	ctx *cllama.Context

	emu  sync.Mutex // guards ectx
	ectx *cllama.Context

	adapters adapterSet

	eogOnce sync.Once
	eog     []int32
}

var (
	gpuOnce sync.Once
	gpuErr  error
	gpuLib  string
)

// LoadGPU loads the GPU backend library once per process: explicit, else
// $BATOS_GPU_BACKEND, else libggml-cuda.so next to the executable, else
// none (the CPU). Open calls it.
func LoadGPU(explicit string) error {
	gpuOnce.Do(func() {
		lib := explicit
		if lib == "" {
			lib = os.Getenv("BATOS_GPU_BACKEND")
		}
		if lib == "" {
			if exe, err := os.Executable(); err == nil {
				cand := filepath.Join(filepath.Dir(exe), "libggml-cuda.so")
				if _, err := os.Stat(cand); err == nil {
					lib = cand
				}
			}
		}
		if lib == "" {
			return
		}
		if _, err := os.Stat(lib); err != nil {
			gpuErr = fmt.Errorf("GPU backend %s: %w", lib, err)
			return
		}
		gpuLib = lib
		gpuErr = cllama.LoadBackend(lib)
	})
	return gpuErr
}

// GPUs lists the GPU devices of the loaded backends.
func GPUs() []cllama.Device {
	var gs []cllama.Device
	for _, d := range cllama.Devices() {
		if d.GPU {
			gs = append(gs, d)
		}
	}
	return gs
}

// Backend describes where models run: the CPU with its SIMD features, or
// the GPU devices of a loaded backend.
func Backend() string {
	if gs := GPUs(); len(gs) > 0 {
		var names []string
		for _, g := range gs {
			names = append(names, fmt.Sprintf("%s %s (%s, %.1f GiB free)", g.Backend, g.Name, g.Description, float64(g.FreeBytes)/(1<<30)))
		}
		return "llama.cpp GPU: " + strings.Join(names, "; ")
	}
	return "llama.cpp CPU: " + cpuFeatures()
}

// cpuFeatures lists the SIMD features the CPU backend was compiled with.
func cpuFeatures() string {
	var on []string
	for _, f := range strings.Split(cllama.SystemInfo(), "|") {
		k, v, ok := strings.Cut(strings.TrimSpace(f), "=")
		k = strings.TrimSpace(k)
		if ok && strings.TrimSpace(v) == "1" && !strings.Contains(k, ":") {
			on = append(on, k)
		}
	}
	if len(on) == 0 {
		return "no SIMD"
	}
	return strings.Join(on, " ")
}

// smallModel is the size below which a model runs on one thread by
// default.
const smallModel = 50_000_000

// Open checks and loads the model at path.
func Open(path string, opts llm.Options) (*Model, error) {
	g, err := checkModel(path)
	if err != nil {
		return nil, err
	}
	if err := LoadGPU(opts.GPUBackend); err != nil {
		return nil, err
	}
	nLayer, _ := g.ArchUint("block_count")
	layers := 0
	if len(GPUs()) > 0 {
		layers = opts.GPULayers
		if layers < 0 || layers > int(nLayer)+1 {
			layers = int(nLayer) + 1 // the output layer too
		}
	}
	m, err := cllama.LoadModel(path, cllama.ModelParams{GPULayers: layers})
	if err != nil {
		return nil, explainOOM(err)
	}
	train, _ := g.ArchUint("context_length")
	nctx := opts.Ctx
	if nctx <= 0 {
		nctx = min(int(train), llm.DefaultCtx)
	}
	// More threads than cores only makes ggml's spinning threads wait for
	// each other (5 tokens of the tiny model: 3 s with 4 threads on 2
	// cores, 26 s with 16, over 120 s with 64).
	threads := min(opts.Threads, runtime.NumCPU())
	if threads <= 0 {
		threads = min(runtime.NumCPU(), 16)
		if m.NParams() < smallModel {
			// ggml's threads spin at each barrier: for a small model the
			// synchronisation costs more than the work, and on a busy
			// machine far more (50x measured on 2 loaded cores).
			threads = 1
		}
	}
	mod := &Model{path: path, file: g, opts: opts, m: m}
	mod.opts.Ctx, mod.opts.Threads = nctx, threads
	mod.ctx, err = cllama.NewContext(m, cllama.ContextParams{NCtx: nctx, Threads: threads})
	if err != nil {
		m.Free()
		return nil, explainOOM(err)
	}
	name, _ := g.String("general.name")
	mod.info = llm.Info{
		Backend:      Backend(),
		Name:         name,
		Architecture: g.Arch(),
		Params:       m.NParams(),
		ContextLen:   mod.ctx.NCtx(),
		TrainCtx:     int(train),
		Quantization: g.Quantization(),
		ChatTemplate: m.ChatTemplate(),
		VocabSize:    m.NVocab(),
		EmbeddingLen: m.NEmbd(),
		GPULayers:    layers,
		Threads:      threads,
	}
	mod.adapters.init(mod)
	return mod, nil
}

// explainOOM adds a hint to allocation failures.
func explainOOM(err error) error {
	s := err.Error()
	if strings.Contains(s, "alloc") || strings.Contains(s, "out of memory") {
		return fmt.Errorf("%w (out of memory? try fewer --gpu-layers or a smaller --ctx)", err)
	}
	return err
}

// Info implements llm.Model.
func (m *Model) Info() llm.Info { return m.info }

// Path is the model file.
func (m *Model) Path() string { return m.path }

// File is the model's GGUF header.
func (m *Model) File() *gguf.File { return m.file }

// maxText bounds the text the model is asked to tokenize.
const maxText = 64 << 20

// Tokenize implements llm.Model.
func (m *Model) Tokenize(text string) ([]int, error) {
	if len(text) > maxText {
		return nil, fmt.Errorf("text of %d bytes is too long", len(text))
	}
	toks, err := m.m.Tokenize(text, true, false)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(toks))
	for i, t := range toks {
		out[i] = int(t)
	}
	return out, nil
}

// Detokenize turns token ids back into text.
func (m *Model) Detokenize(toks []int) (string, error) {
	ts := make([]int32, len(toks))
	for i, t := range toks {
		if t < 0 || t >= m.info.VocabSize {
			return "", fmt.Errorf("token %d is not in the vocabulary (0..%d)", t, m.info.VocabSize-1)
		}
		ts[i] = int32(t)
	}
	return m.m.Detokenize(ts, true, false), nil
}

// ChatPrompt formats messages with the model's chat template, ending with
// the assistant's turn.
func (m *Model) ChatPrompt(msgs []llm.Message) (string, error) {
	if len(msgs) == 0 {
		return "", llm.ErrEmptyPrompt
	}
	cm := make([]cllama.Message, len(msgs))
	for i, msg := range msgs {
		if msg.Role == "" {
			return "", fmt.Errorf("message %d has no role", i+1)
		}
		cm[i] = cllama.Message{Role: msg.Role, Content: msg.Content}
	}
	return m.m.ApplyChatTemplate("", cm, true)
}

// Embed implements llm.Model: the mean-pooled last hidden state of text,
// from a second context made on first use.
func (m *Model) Embed(ctx context.Context, text string) ([]float32, error) {
	if text == "" {
		return nil, llm.ErrEmptyPrompt
	}
	toks, err := m.m.Tokenize(text, true, false)
	if err != nil {
		return nil, err
	}
	m.emu.Lock()
	defer m.emu.Unlock()
	if m.ectx == nil {
		m.ectx, err = cllama.NewContext(m.m, cllama.ContextParams{NCtx: m.opts.Ctx, Threads: m.opts.Threads, Embeddings: true})
		if err != nil {
			return nil, explainOOM(err)
		}
	}
	if len(toks) > m.ectx.NBatch() || len(toks) > m.ectx.NCtx() {
		return nil, fmt.Errorf("text of %d tokens does not fit the context of %d", len(toks), m.ectx.NCtx())
	}
	if err := ctx.Err(); err != nil {
		return nil, llm.ErrCancelled
	}
	m.ectx.Clear()
	if err := m.ectx.Decode(toks, 0, true); err != nil {
		return nil, err
	}
	return m.ectx.Embedding()
}

// Close implements llm.Model.
func (m *Model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.emu.Lock()
	defer m.emu.Unlock()
	if m.m == nil {
		return nil
	}
	m.ctx.Free()
	if m.ectx != nil {
		m.ectx.Free()
	}
	m.adapters.freeAll()
	m.m.Free()
	m.m = nil
	return nil
}

// Generative reports whether the architecture generates text.
func (m *Model) Generative() bool { return !slices.Contains(embeddingOnly, m.info.Architecture) }
