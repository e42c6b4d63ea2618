package llm

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options are the load settings of a model (the CLI's flags).
type Options struct {
	GPULayers  int    // layers to offload (-1: all, the default when a GPU backend is loaded)
	Ctx        int    // context length (0: the model's, at most DefaultCtx)
	Threads    int    // CPU threads (0: one per CPU; at most one per CPU)
	GPUBackend string // a ggml backend library to load first (libggml-cuda.so)
	Verbose    bool
	// Remote models (http): the longest wait to connect and for a reply's
	// first byte, and the longest silence inside a reply (0: the
	// backend's defaults).
	ConnectTimeout, IdleTimeout time.Duration
}

// DefaultCtx bounds the context of a model opened with Ctx 0.
const DefaultCtx = 4096

// Opener opens the model named by spec.
type Opener func(spec string, opts Options) (Model, error)

var (
	backendsMu sync.Mutex
	backends   = map[string]Opener{}
)

// RegisterBackend makes kind's models openable: "gguf" (paths to .gguf
// files), "http" (URLs), "scripted".
func RegisterBackend(kind string, open Opener) {
	backendsMu.Lock()
	defer backendsMu.Unlock()
	backends[kind] = open
}

// Kind returns the backend kind a spec needs.
func Kind(spec string) string {
	switch {
	case strings.HasPrefix(spec, "http://") || strings.HasPrefix(spec, "https://"):
		return "http"
	case strings.HasPrefix(spec, "scripted:"):
		return "scripted"
	case strings.HasPrefix(spec, "replay:"):
		return "replay"
	}
	return "gguf"
}

// Registry holds the open models of a process, by spec, and the default
// model's spec.
type Registry struct {
	mu      sync.Mutex
	Default string // the spec of the default model (--model, BATOS_MODEL)
	Opts    Options
	// Record, when set, is a file every completion of every model opened
	// from now on is appended to, in the replay format (--record).
	Record string
	models map[string]Model
	errs   map[string]error
}

// Default is the process's registry, which the model primitives use.
var Default = &Registry{Default: os.Getenv("BATOS_MODEL")}

// Get returns the open model for spec ("" for the default), opening it on
// first use. A failed open is remembered (and reported again) until Reset.
func (r *Registry) Get(spec string) (Model, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if spec == "" {
		spec = r.Default
		if spec == "" {
			return nil, fmt.Errorf("no model: start batos with --model PATH.gguf (or --model-url URL, or set BATOS_MODEL)")
		}
	}
	if m, ok := r.models[spec]; ok {
		return m, nil
	}
	if err, ok := r.errs[spec]; ok {
		return nil, err
	}
	m, err := r.open(spec)
	if r.models == nil {
		r.models, r.errs = map[string]Model{}, map[string]error{}
	}
	if err != nil {
		r.errs[spec] = err
		return nil, err
	}
	r.models[spec] = m
	return m, nil
}

func (r *Registry) open(spec string) (Model, error) {
	m, err := r.openBackend(spec)
	if err != nil || r.Record == "" {
		return m, err
	}
	return NewRecorder(m, r.Record)
}

func (r *Registry) openBackend(spec string) (Model, error) {
	kind := Kind(spec)
	if kind == "replay" {
		return OpenReplay(strings.TrimPrefix(spec, "replay:"))
	}
	backendsMu.Lock()
	open, ok := backends[kind]
	backendsMu.Unlock()
	if !ok {
		if kind == "gguf" {
			return nil, fmt.Errorf("cannot open %s: this program was built without the llama.cpp backend", spec)
		}
		return nil, fmt.Errorf("cannot open %s: no %s backend in this program", spec, kind)
	}
	return open(spec, r.Opts)
}

// Put installs an already open model under spec (tests, scripted models).
func (r *Registry) Put(spec string, m Model) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.models == nil {
		r.models, r.errs = map[string]Model{}, map[string]error{}
	}
	if old, ok := r.models[spec]; ok && old != m {
		old.Close()
	}
	delete(r.errs, spec)
	r.models[spec] = m
}

// Remove forgets the model under spec without closing it.
func (r *Registry) Remove(spec string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.models, spec)
	delete(r.errs, spec)
}

// Specs lists the open models' specs.
func (r *Registry) Specs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var s []string
	for k := range r.models {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}

// Close closes every open model and forgets failures.
func (r *Registry) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.models {
		m.Close()
	}
	r.models, r.errs = nil, nil
}
