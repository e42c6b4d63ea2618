package llama

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"

	"batos/llm/gguf"
)

// archs are the architectures of the pinned llama.cpp (llama-arch.cpp,
// LLM_ARCH_NAMES) that batos can run.
var archs = strings.Fields(`llama llama4 deci falcon grok gpt2 gptj gptneox mpt baichuan
starcoder refact bert nomic-bert nomic-bert-moe neo-bert jina-bert-v2 jina-bert-v3 bloom
stablelm qwen qwen2 qwen2moe qwen2vl qwen3 qwen3moe qwen3next qwen3vl qwen3vlmoe phi2 phi3
phimoe plamo plamo2 codeshell orion internlm2 minicpm minicpm3 gemma gemma2 gemma3 gemma3n
gemma-embedding starcoder2 mamba mamba2 jamba falcon-h1 xverse command-r cohere2 dbrx olmo
olmo2 olmoe openelm arctic deepseek deepseek2 chatglm glm4 glm4moe bitnet jais nemotron
nemotron_h nemotron_h_moe exaone exaone4 rwkv6 rwkv6qwen2 rwkv7 arwkv7 granite granitemoe
granitehybrid chameleon solar plm bailingmoe bailingmoe2 dots1 arcee afmoe ernie4_5
ernie4_5-moe hunyuan-moe hunyuan-dense smollm3 gpt-oss lfm2 lfm2moe dream smallthinker llada
llada-moe seed_oss grovemoe apertus minimax-m2 cogvlm rnd1 pangu-embedded mistral3`)

// embeddingOnly are architectures that compute embeddings but do not
// generate text.
var embeddingOnly = strings.Fields(`bert nomic-bert nomic-bert-moe neo-bert jina-bert-v2 jina-bert-v3 gemma-embedding`)

// checkModel reads the file at path and checks, in Go, everything whose
// absence would make llama.cpp fail badly: that it exists, is a complete
// GGUF file, is a model (not an adapter or a vision projector) of an
// architecture we run, with the keys and tensors that architecture needs.
func checkModel(path string) (*gguf.File, error) {
	if path == "" {
		return nil, errors.New("no model file given")
	}
	g, err := readGGUF(path, "model")
	if err != nil {
		return nil, err
	}
	arch := g.Arch()
	switch {
	case g.IsAdapter():
		return nil, fmt.Errorf("%s is a LoRA adapter, not a model (load it with model addAdapter:)", path)
	case arch == "":
		return nil, fmt.Errorf("%s: not a model: no general.architecture", path)
	case arch == "clip":
		return nil, fmt.Errorf("%s is a vision projector (clip), not a language model", path)
	case !slices.Contains(archs, arch):
		return nil, fmt.Errorf("%s: architecture %q is not supported by this llama.cpp", path, arch)
	}
	for _, k := range []string{"context_length", "embedding_length", "block_count"} {
		if n, ok := g.ArchUint(k); !ok || n == 0 {
			return nil, fmt.Errorf("%s: missing or zero %s.%s", path, arch, k)
		}
	}
	// Hyperparameters go into the graph as they are: a NaN or negative
	// norm epsilon is a GGML_ASSERT at the first decode.
	for _, kv := range g.KV {
		if !strings.HasPrefix(kv.Key, arch+".") {
			continue
		}
		if f, ok := g.Float(kv.Key); ok && (math.IsNaN(f) || math.IsInf(f, 0) || strings.HasSuffix(kv.Key, "epsilon") && f < 0) {
			return nil, fmt.Errorf("%s: %s is %v", path, kv.Key, f)
		}
	}
	if err := checkVocab(g); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, ok := g.String("tokenizer.ggml.model"); !ok {
		return nil, fmt.Errorf("%s: no tokenizer.ggml.model", path)
	}
	if _, ok := g.Tensor("token_embd.weight"); !ok && arch != "rwkv6" && arch != "rwkv7" {
		return nil, fmt.Errorf("%s: no token_embd.weight tensor", path)
	}
	if arch == "llama" {
		e, _ := g.ArchUint("embedding_length")
		h, ok := g.ArchUint("attention.head_count")
		if !ok || h == 0 || e%h != 0 {
			return nil, fmt.Errorf("%s: llama.attention.head_count must divide llama.embedding_length", path)
		}
	}
	return g, nil
}

// tokenByte is LLAMA_TOKEN_TYPE_BYTE.
const tokenByte = 6

var byteToken = regexp.MustCompile(`^<0x[0-9A-Fa-f]{2}>$`)

// checkVocab checks the vocabulary as llama-vocab.cpp reads it, which
// trusts the file: a token listed twice is a GGML_ASSERT (an abort), and
// scores or types shorter than the token list, or of another element
// type, are read past their end.
func checkVocab(g *gguf.File) error {
	v, _ := g.Get("tokenizer.ggml.tokens")
	if v == nil {
		return errors.New("no vocabulary (tokenizer.ggml.tokens)")
	}
	toks, ok := v.([]string)
	if !ok || len(toks) == 0 {
		return errors.New("tokenizer.ggml.tokens is not a list of strings")
	}
	if len(toks) > math.MaxInt32 {
		return fmt.Errorf("a vocabulary of %d tokens", len(toks))
	}
	seen := make(map[string]int, len(toks))
	for i, t := range toks {
		if t == "" {
			t = fmt.Sprintf("[EMPTY_%d]", i) // llama.cpp's name for an empty token
		}
		if j, dup := seen[t]; dup {
			return fmt.Errorf("tokenizer.ggml.tokens lists %q twice (tokens %d and %d)", t, j, i)
		}
		seen[t] = i
	}
	if v, ok := g.Get("tokenizer.ggml.scores"); ok {
		if s, ok := v.([]float32); !ok || len(s) != len(toks) {
			return fmt.Errorf("tokenizer.ggml.scores must be %d float32 values, one per token", len(toks))
		}
	}
	if v, ok := g.Get("tokenizer.ggml.token_type"); ok {
		types, ok := v.([]int32)
		if !ok || len(types) != len(toks) {
			return fmt.Errorf("tokenizer.ggml.token_type must be %d int32 values, one per token", len(toks))
		}
		// A byte token's text is turned into its byte (llama-vocab.cpp,
		// token_to_byte) only by the SentencePiece and Unigram tokenizers,
		// from "<0xXX>"; elsewhere, or with another text, it aborts.
		tm, _ := g.String("tokenizer.ggml.model")
		for i, t := range types {
			if t != tokenByte {
				continue
			}
			if tm != "llama" && tm != "t5" {
				return fmt.Errorf("token %d (%q) is a byte token, which a %q vocabulary cannot have", i, toks[i], tm)
			}
			if !byteToken.MatchString(toks[i]) {
				return fmt.Errorf("byte token %d is %q, not <0xXX>", i, toks[i])
			}
		}
	}
	return nil
}

// checkAdapter checks a LoRA adapter file against the model it is for:
// every lora_a/lora_b pair must match a model tensor's shape.
func checkAdapter(path string, model *gguf.File) (*gguf.File, error) {
	g, err := readGGUF(path, "adapter")
	if err != nil {
		return nil, err
	}
	if !g.IsAdapter() {
		return nil, fmt.Errorf("%s is not an adapter (general.type is not \"adapter\")", path)
	}
	if t, _ := g.String("adapter.type"); t != "lora" {
		return nil, fmt.Errorf("%s: adapter type %q (want \"lora\")", path, t)
	}
	if g.Arch() != model.Arch() {
		return nil, fmt.Errorf("%s: adapter for %q, the model is %q", path, g.Arch(), model.Arch())
	}
	pairs := 0
	for _, t := range g.Tensors {
		base, ok := strings.CutSuffix(t.Name, ".lora_a")
		if !ok {
			if _, isB := strings.CutSuffix(t.Name, ".lora_b"); !isB {
				return nil, fmt.Errorf("%s: unexpected tensor %q", path, t.Name)
			}
			continue
		}
		b, ok := g.Tensor(base + ".lora_b")
		if !ok {
			return nil, fmt.Errorf("%s: %s has no lora_b", path, base)
		}
		w, ok := model.Tensor(base)
		switch {
		case !ok:
			return nil, fmt.Errorf("%s: the model has no tensor %s", path, base)
		case len(t.Dims) != 2 || len(b.Dims) != 2 || len(w.Dims) != 2:
			return nil, fmt.Errorf("%s: %s: LoRA tensors must be matrices", path, base)
		case t.Dims[0] != w.Dims[0] || b.Dims[1] != w.Dims[1] || t.Dims[1] != b.Dims[0]:
			return nil, fmt.Errorf("%s: %s: shapes %v x %v do not fit the model's %v", path, base, t.Dims, b.Dims, w.Dims)
		}
		pairs++
	}
	if pairs == 0 {
		return nil, fmt.Errorf("%s: no LoRA tensors", path)
	}
	return g, nil
}

func readGGUF(path, what string) (*gguf.File, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s file %s does not exist", what, path)
	case err != nil:
		return nil, err
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return gguf.ReadFile(path)
}
