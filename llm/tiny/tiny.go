// Package tiny writes GGUF models with random weights: llama architecture,
// a byte-fallback vocabulary, an optional embedding variant and LoRA
// adapters. They exist for smoke tests and benchmarks only. Their text is
// noise, but loading, tokenizing, decoding, sampling, grammars, adapters,
// embeddings and GPU offload all run the real llama.cpp code on them, and
// inference speed does not depend on the weights' values, so a random
// model of real size is a fair benchmark.
package tiny

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"batos/llm/gguf"
)

// Config shapes a random llama model.
type Config struct {
	Name    string
	Embd    int // n_embd
	Layers  int
	Heads   int
	HeadsKV int
	FF      int // feed-forward width
	Ctx     int // context length
	// Vocab is the vocabulary size; at least BaseVocab. Tokens past the
	// base are short lowercase pieces, so that the tokenizer merges.
	Vocab int
	// Type of the large matrices: F32, F16 or Q8_0 (norms stay F32).
	Type gguf.Type
	Seed uint64
	// Embedding marks the embedding variant (mean pooling).
	Embedding bool
	// ChatTemplate, when set, is stored as tokenizer.chat_template.
	ChatTemplate string
}

// ChatML is the chat template tiny models carry by default (llama.cpp
// recognises it by its markers).
const ChatML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"

// Default is the smoke-test model: n_embd 64, 2 layers, 4 heads, n_ff 128,
// F32, about 0.2 M parameters.
func Default() Config {
	return Config{Name: "batos-tiny", Embd: 64, Layers: 2, Heads: 4, HeadsKV: 4, FF: 128, Ctx: 512,
		Vocab: BaseVocab, Type: gguf.F32, Seed: 1, ChatTemplate: ChatML}
}

// Embedding is the embedding variant of Default.
func Embedding() Config {
	c := Default()
	c.Name, c.Embedding = "batos-tiny-embed", true
	return c
}

// Bench1B is a model of about 1.1 B parameters (n_embd 2048, 16 layers,
// 32 heads, 8 KV heads, n_ff 8192, 32,000 tokens), in type t.
func Bench1B(t gguf.Type) Config {
	return Config{Name: "batos-bench-1b", Embd: 2048, Layers: 16, Heads: 32, HeadsKV: 8, FF: 8192, Ctx: 2048,
		Vocab: 32000, Type: t, Seed: 7, ChatTemplate: ChatML}
}

func (c Config) check() error {
	switch {
	case c.Embd <= 0 || c.Layers <= 0 || c.Heads <= 0 || c.HeadsKV <= 0 || c.FF <= 0 || c.Ctx <= 0:
		return fmt.Errorf("tiny: every dimension must be positive")
	case c.Embd%c.Heads != 0 || c.Heads%c.HeadsKV != 0:
		return fmt.Errorf("tiny: n_embd must divide by heads, heads by KV heads")
	case c.Vocab < BaseVocab:
		return fmt.Errorf("tiny: vocabulary must have at least %d tokens", BaseVocab)
	case c.Vocab > BaseVocab+len(fillers()):
		return fmt.Errorf("tiny: vocabulary of more than %d tokens", BaseVocab+len(fillers()))
	case c.Type != gguf.F32 && c.Type != gguf.F16 && c.Type != gguf.Q8_0:
		return fmt.Errorf("tiny: type %s (want F32, F16 or Q8_0)", c.Type)
	case c.Type == gguf.Q8_0 && (c.Embd%32 != 0 || c.FF%32 != 0):
		return fmt.Errorf("tiny: Q8_0 needs dimensions that are multiples of 32")
	}
	return nil
}

// Params is the number of weights the model will have.
func (c Config) Params() int64 {
	e, f, kv := int64(c.Embd), int64(c.FF), int64(c.Embd/c.Heads*c.HeadsKV)
	layer := 2*e + 2*e*e + 2*e*kv + 3*e*f
	return int64(c.Vocab)*e*2 + e + int64(c.Layers)*layer
}

// WriteModel writes the model c describes to path.
func WriteModel(path string, c Config) error {
	if err := c.check(); err != nil {
		return err
	}
	w := gguf.NewWriter()
	const arch = "llama"
	w.Set("general.architecture", arch)
	w.Set("general.name", c.Name)
	w.Set("general.description", "random weights written by batos for tests and benchmarks; its text is noise")
	w.Set("general.file_type", gguf.FileTypeOf(c.Type))
	w.Set(arch+".context_length", uint32(c.Ctx))
	w.Set(arch+".embedding_length", uint32(c.Embd))
	w.Set(arch+".block_count", uint32(c.Layers))
	w.Set(arch+".feed_forward_length", uint32(c.FF))
	w.Set(arch+".attention.head_count", uint32(c.Heads))
	w.Set(arch+".attention.head_count_kv", uint32(c.HeadsKV))
	w.Set(arch+".attention.layer_norm_rms_epsilon", float32(1e-5))
	w.Set(arch+".rope.dimension_count", uint32(c.Embd/c.Heads))
	w.Set(arch+".rope.freq_base", float32(10000))
	if c.Embedding {
		w.Set(arch+".pooling_type", uint32(1)) // mean
	}
	setVocab(w, c.Vocab)
	if c.ChatTemplate != "" {
		w.Set("tokenizer.chat_template", c.ChatTemplate)
	}

	r := newRandom(c.Seed)
	e, f, kv := uint64(c.Embd), uint64(c.FF), uint64(c.Embd/c.Heads*c.HeadsKV)
	v := uint64(c.Vocab)
	mat := func(name string, in, out uint64) {
		w.AddTensor(name, c.Type, []uint64{in, out}, r.fill(c.Type, in*out, 1/math.Sqrt(float64(in))))
	}
	ones := func(name string, n uint64) {
		w.AddTensor(name, gguf.F32, []uint64{n}, constant(n, 1))
	}
	mat("token_embd.weight", e, v)
	for l := range c.Layers {
		b := fmt.Sprintf("blk.%d.", l)
		ones(b+"attn_norm.weight", e)
		mat(b+"attn_q.weight", e, e)
		mat(b+"attn_k.weight", e, kv)
		mat(b+"attn_v.weight", e, kv)
		mat(b+"attn_output.weight", e, e)
		ones(b+"ffn_norm.weight", e)
		mat(b+"ffn_gate.weight", e, f)
		mat(b+"ffn_up.weight", e, f)
		mat(b+"ffn_down.weight", f, e)
	}
	ones("output_norm.weight", e)
	mat("output.weight", e, v)
	return w.WriteFile(path)
}

// LoRA describes a random LoRA adapter for a model of shape Base.
type LoRA struct {
	Base  Config
	Rank  int
	Alpha float32
	Seed  uint64
	// Scale multiplies the random B matrices: larger changes the output
	// more.
	Scale float32
}

// DefaultLoRA is a rank-8 adapter for base on every attention and
// feed-forward matrix, strong enough to change a random model's output.
func DefaultLoRA(base Config, seed uint64) LoRA {
	return LoRA{Base: base, Rank: 8, Alpha: 8, Seed: seed, Scale: 1}
}

// WriteLoRA writes a LoRA adapter: tensors <W>.lora_a (ne {n_in, r}) and
// <W>.lora_b (ne {r, n_out}) for the q, k, v, output, gate, up and down
// matrices of every layer.
func WriteLoRA(path string, a LoRA) error {
	c := a.Base
	if err := c.check(); err != nil {
		return err
	}
	if a.Rank <= 0 {
		return fmt.Errorf("tiny: LoRA rank must be positive")
	}
	w := gguf.NewWriter()
	w.Set("general.architecture", "llama")
	w.Set("general.type", "adapter")
	w.Set("general.name", fmt.Sprintf("%s-lora-%d", c.Name, a.Seed))
	w.Set("adapter.type", "lora")
	w.Set("adapter.lora.alpha", a.Alpha)
	r := newRandom(a.Seed)
	e, f, kv, rk := uint64(c.Embd), uint64(c.FF), uint64(c.Embd/c.Heads*c.HeadsKV), uint64(a.Rank)
	pair := func(name string, in, out uint64) {
		w.AddTensor(name+".lora_a", gguf.F32, []uint64{in, rk}, r.fill(gguf.F32, in*rk, 1/math.Sqrt(float64(in))))
		w.AddTensor(name+".lora_b", gguf.F32, []uint64{rk, out}, r.fill(gguf.F32, rk*out, float64(a.Scale)/math.Sqrt(float64(rk))))
	}
	for l := range c.Layers {
		b := fmt.Sprintf("blk.%d.", l)
		pair(b+"attn_q.weight", e, e)
		pair(b+"attn_k.weight", e, kv)
		pair(b+"attn_v.weight", e, kv)
		pair(b+"attn_output.weight", e, e)
		pair(b+"ffn_gate.weight", e, f)
		pair(b+"ffn_up.weight", e, f)
		pair(b+"ffn_down.weight", f, e)
	}
	return w.WriteFile(path)
}

// random produces weights. Small tensors get fresh normal values; large
// ones cycle through a pool of them, which is as good for speed and much
// faster to write.
type random struct {
	rng  *rand.Rand
	pool []float32
}

const poolSize = 1 << 20

func newRandom(seed uint64) *random {
	r := &random{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	r.pool = make([]float32, poolSize+4096)
	for i := range r.pool {
		r.pool[i] = float32(r.rng.NormFloat64())
	}
	return r
}

// fill returns a tensor writer of n normal values times std.
func (r *random) fill(t gguf.Type, n uint64, std float64) func(io.Writer) error {
	start := r.rng.IntN(4096)
	return func(out io.Writer) error {
		const chunk = 1 << 16
		buf := make([]float32, chunk)
		pos := start
		for done := uint64(0); done < n; {
			k := min(uint64(chunk), n-done)
			for i := range buf[:k] {
				buf[i] = r.pool[pos] * float32(std)
				if pos++; pos == len(r.pool) {
					pos = 0
				}
			}
			var err error
			switch t {
			case gguf.F16:
				err = gguf.WriteF16(out, buf[:k])
			case gguf.Q8_0:
				err = gguf.WriteQ8_0(out, buf[:k])
			default:
				err = gguf.WriteF32(out, buf[:k])
			}
			if err != nil {
				return err
			}
			done += k
		}
		return nil
	}
}

func constant(n uint64, v float32) func(io.Writer) error {
	return func(out io.Writer) error {
		xs := make([]float32, n)
		for i := range xs {
			xs[i] = v
		}
		return gguf.WriteF32(out, xs)
	}
}
