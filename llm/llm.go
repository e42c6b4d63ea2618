// Package llm is batos's model interface: what the VM's model primitives
// (prims/llm.go) call, independent of where the model runs.
//
// Backends implement Model:
//
//	llm/llama    llama.cpp linked through cgo (llm/internal/cllama), on the
//	             CPU with SIMD, or on a GPU when a ggml CUDA backend is loaded
//	llm/openai   an OpenAI-compatible HTTP server (/v1/completions ...)
//	Scripted     canned completions, for the generative kernel's unit tests
//
// A Registry maps the model specs the library names (a .gguf path, an
// http:// URL, "scripted:...") to open models, opening each once, on first
// use. The binaries that link a backend register it with RegisterBackend,
// so that packages which only need the interface (prims, stdlib, their
// tests) never link llama.cpp.
//
// Packages below llm: gguf (the file format, read in Go before any C call),
// tiny (random-weight test and benchmark models), grammar (GBNF for the
// DSL and for JSON).
package llm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Model is a loaded language model.
type Model interface {
	// Info describes the model.
	Info() Info
	// Tokenize returns the token ids of text as the model would see it in
	// a prompt (with BOS when the model adds one).
	Tokenize(text string) ([]int, error)
	// Generate completes req.Prompt (or req.Messages through the model's
	// chat template). onPiece, when not nil, receives the text as it is
	// generated, in pieces that concatenate to Result.Text; an error from
	// it stops the generation and is returned. Cancelling ctx stops the
	// generation cleanly: the result so far comes back with ErrCancelled.
	Generate(ctx context.Context, req Request, onPiece func(string) error) (Result, error)
	// Embed returns the embedding vector of text.
	Embed(ctx context.Context, text string) ([]float32, error)
	// Close releases the model.
	Close() error
}

// ContextTokenizer is implemented by models whose Tokenize waits on
// something (a remote server): TokenizeContext is Tokenize, cancelled with
// ctx.
type ContextTokenizer interface {
	TokenizeContext(ctx context.Context, text string) ([]int, error)
}

// Tokenize tokenizes text with m, cancelled with ctx where m waits.
func Tokenize(ctx context.Context, m Model, text string) ([]int, error) {
	if tc, ok := m.(ContextTokenizer); ok {
		return tc.TokenizeContext(ctx, text)
	}
	return m.Tokenize(text)
}

// Adapters is implemented by models that take LoRA adapters.
type Adapters interface {
	// AddAdapter registers the adapter file at path under name (a persona:
	// BRICK, ROBIN ...). It is loaded when first used.
	AddAdapter(name, path string) error
	// SetAdapter makes name the adapter of later generations ("" for
	// none); it returns how long the switch took.
	SetAdapter(name string) (time.Duration, error)
	// AdapterStates lists the adapters and where they are.
	AdapterStates() []AdapterState
}

// AdapterState is where an adapter is: "cold" (on disk), "warm" (loaded,
// kept in a byte-bounded LRU) or "hot" (applied to the context).
type AdapterState struct {
	Name, Path, State string
	Bytes             uint64
}

// Info describes a model.
type Info struct {
	Backend      string // "llama.cpp (CPU, AVX2)", "openai http://..." ...
	Name         string
	Architecture string
	Params       uint64
	ContextLen   int // the context the model runs with
	TrainCtx     int // the context it was trained with
	Quantization string
	ChatTemplate string
	VocabSize    int
	EmbeddingLen int
	GPULayers    int // layers offloaded to a GPU
	Threads      int // CPU threads (local models)
}

// Message is one turn of a chat.
type Message struct {
	Role    string `json:"role"` // "system", "user", "assistant"
	Content string `json:"content"`
}

// Request is one generation.
type Request struct {
	Prompt   string    // raw completion text; ignored when Messages is set
	Messages []Message // chat, formatted with the model's chat template
	System   string    // a system prompt: turns Prompt into a chat

	MaxTokens   int     // 0: DefaultMaxTokens
	Temperature float64 // < 0: DefaultTemperature; 0: greedy
	TopK        int
	TopP        float64
	Seed        int64 // < 0: random
	Stop        []string
	Grammar     string // GBNF (root rule "root"); "" for none
	// GrammarAlways applies the grammar to every candidate at every step,
	// instead of sampling first and resampling only when the grammar
	// rejects the sampled token (the default; much cheaper).
	GrammarAlways bool
	Adapter       string // LoRA adapter for this generation only; "" for the current one
	// IgnoreEOG never ends at an end-of-generation token: the generation
	// runs to MaxTokens (benchmarks).
	IgnoreEOG bool
}

// Defaults for a Request's zero values.
const (
	DefaultMaxTokens   = 256
	DefaultTemperature = 0.8
)

// Normalize fills in defaults.
func (r Request) Normalize() Request {
	if r.MaxTokens <= 0 {
		r.MaxTokens = DefaultMaxTokens
	}
	if r.Temperature < 0 {
		r.Temperature = DefaultTemperature
	}
	if r.System != "" && len(r.Messages) == 0 {
		r.Messages = []Message{{"system", r.System}, {"user", r.Prompt}}
	}
	return r
}

// Check reports a request whose options make no sense: MaxTokens or TopK
// below 0, TopP outside [0, 1] (0: off), a temperature that is not a
// number. (A negative Temperature means the default; the model primitive
// refuses one the user wrote.) Every backend checks before it generates.
func (r Request) Check() error {
	switch {
	case r.MaxTokens < 0:
		return fmt.Errorf("maxTokens is %d: it must be 0 (the default, %d) or more", r.MaxTokens, DefaultMaxTokens)
	case r.TopK < 0:
		return fmt.Errorf("topK is %d: it must be 0 (off) or more", r.TopK)
	case math.IsNaN(r.TopP) || r.TopP < 0 || r.TopP > 1:
		return fmt.Errorf("topP is %v: it must be in (0, 1]", r.TopP)
	case math.IsNaN(r.Temperature) || math.IsInf(r.Temperature, 0):
		return fmt.Errorf("temperature is %v: it must be a finite number, 0 or more", r.Temperature)
	}
	return nil
}

// Result is what a generation produced.
type Result struct {
	Text         string
	PromptTokens int
	Tokens       int    // generated
	StopReason   string // "eog", "length", "stop", "context", "cancelled", "cut"
	PromptTime   time.Duration
	GenTime      time.Duration
	Resampled    int // steps resampled under the grammar
}

// Errors every backend uses, so that callers can tell them apart.
var (
	ErrCancelled   = errors.New("generation cancelled")
	ErrEmptyPrompt = errors.New("empty prompt")
	ErrUnsupported = errors.New("not supported by this backend")
)
