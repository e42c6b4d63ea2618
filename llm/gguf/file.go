package gguf

import (
	"fmt"
	"sort"
	"strings"
)

// Get returns the metadata value of key.
func (g *File) Get(key string) (any, bool) {
	i, ok := g.kv[key]
	if !ok {
		return nil, false
	}
	return g.KV[i].Value, true
}

// String returns a string metadata value.
func (g *File) String(key string) (string, bool) {
	v, _ := g.Get(key)
	s, ok := v.(string)
	return s, ok
}

// Uint returns an integer metadata value of any unsigned or non-negative
// signed type.
func (g *File) Uint(key string) (uint64, bool) {
	v, _ := g.Get(key)
	switch x := v.(type) {
	case uint8:
		return uint64(x), true
	case uint16:
		return uint64(x), true
	case uint32:
		return uint64(x), true
	case uint64:
		return x, true
	case int8:
		return uint64(x), x >= 0
	case int16:
		return uint64(x), x >= 0
	case int32:
		return uint64(x), x >= 0
	case int64:
		return uint64(x), x >= 0
	}
	return 0, false
}

// Float returns a floating-point metadata value.
func (g *File) Float(key string) (float64, bool) {
	v, _ := g.Get(key)
	switch x := v.(type) {
	case float32:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// Arch is general.architecture ("llama", "qwen2" ...), "" when absent.
func (g *File) Arch() string {
	s, _ := g.String("general.architecture")
	return s
}

// IsAdapter reports whether the file is an adapter (general.type=adapter)
// rather than a model.
func (g *File) IsAdapter() bool {
	s, _ := g.String("general.type")
	return s == "adapter"
}

// ArchUint returns "<architecture>.<key>".
func (g *File) ArchUint(key string) (uint64, bool) { return g.Uint(g.Arch() + "." + key) }

// Tensor returns the tensor named name.
func (g *File) Tensor(name string) (*TensorInfo, bool) {
	for i := range g.Tensors {
		if g.Tensors[i].Name == name {
			return &g.Tensors[i], true
		}
	}
	return nil, false
}

// Params is the number of weights: the elements of every tensor.
func (g *File) Params() uint64 {
	var n uint64
	for i := range g.Tensors {
		n += g.Tensors[i].Elements()
	}
	return n
}

// Quantization names the file's quantisation: general.file_type when
// present, else the type holding most of the weights.
func (g *File) Quantization() string {
	if ft, ok := g.Uint("general.file_type"); ok {
		return FileTypeName(uint32(ft))
	}
	by := map[Type]uint64{}
	for i := range g.Tensors {
		by[g.Tensors[i].Type] += g.Tensors[i].Elements()
	}
	best, most := Type(0), uint64(0)
	for t, n := range by {
		if n > most || n == most && t < best {
			best, most = t, n
		}
	}
	if most == 0 {
		return "none"
	}
	return best.String()
}

// Summary is what `batos model info` shows.
func (g *File) Summary() []string {
	kind := "model"
	if g.IsAdapter() {
		at, _ := g.String("adapter.type")
		kind = "adapter (" + at + ")"
	}
	lines := []string{
		"type:           " + kind,
		"architecture:   " + orNone(g.Arch()),
	}
	if name, ok := g.String("general.name"); ok {
		lines = append(lines, "name:           "+name)
	}
	lines = append(lines, fmt.Sprintf("parameters:     %s (%d)", HumanCount(g.Params()), g.Params()))
	if n, ok := g.ArchUint("context_length"); ok {
		lines = append(lines, fmt.Sprintf("context length: %d", n))
	}
	if n, ok := g.ArchUint("embedding_length"); ok {
		lines = append(lines, fmt.Sprintf("embedding:      %d", n))
	}
	if n, ok := g.ArchUint("block_count"); ok {
		lines = append(lines, fmt.Sprintf("layers:         %d", n))
	}
	if v, ok := g.Get("tokenizer.ggml.tokens"); ok {
		if toks, ok := v.([]string); ok {
			m, _ := g.String("tokenizer.ggml.model")
			lines = append(lines, fmt.Sprintf("vocabulary:     %d tokens (%s)", len(toks), m))
		}
	}
	lines = append(lines, "quantisation:   "+g.Quantization())
	lines = append(lines, fmt.Sprintf("file size:      %s", HumanBytes(g.Size)))
	if tmpl, ok := g.String("tokenizer.chat_template"); ok {
		lines = append(lines, "chat template:  "+oneLine(tmpl, 200))
	} else if !g.IsAdapter() {
		lines = append(lines, "chat template:  none")
	}
	return lines
}

// Types lists the tensor types used, with their tensor counts.
func (g *File) Types() string {
	by := map[Type]int{}
	for i := range g.Tensors {
		by[g.Tensors[i].Type]++
	}
	var parts []string
	for t, n := range by {
		parts = append(parts, fmt.Sprintf("%s x%d", t, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func oneLine(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", `\n`)
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}

// HumanCount writes a count as 1.2K, 3.4M, 1.1B.
func HumanCount(n uint64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2fB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fK", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}

// HumanBytes writes a size in B, KiB, MiB or GiB.
func HumanBytes(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
