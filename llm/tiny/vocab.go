package tiny

import (
	"fmt"

	"batos/llm/gguf"
)

// Token types (llama.h, enum llama_token_type).
const (
	typeNormal  = 1
	typeUnknown = 2
	typeControl = 3
	typeByte    = 6
)

// The special tokens of every tiny vocabulary.
const (
	UNK = 0
	BOS = 1
	EOS = 2
)

// BaseVocab is the size of the smallest vocabulary: <unk>, <s>, </s>, 256
// byte-fallback tokens <0x00>..<0xFF>, "▁" (the SentencePiece space),
// printable ASCII, and the ChatML markers <|im_start|> and <|im_end|>.
const BaseVocab = 3 + 256 + 1 + 94 + 2

// vocab returns the tokens, scores and types of a vocabulary of n tokens.
func vocab(n int) ([]string, []float32, []int32) {
	toks := []string{"<unk>", "<s>", "</s>"}
	types := []int32{typeUnknown, typeControl, typeControl}
	for b := range 256 {
		toks = append(toks, fmt.Sprintf("<0x%02X>", b))
		types = append(types, typeByte)
	}
	toks = append(toks, "▁")
	types = append(types, typeNormal)
	for c := byte('!'); c <= '~'; c++ {
		toks = append(toks, string(c))
		types = append(types, typeNormal)
	}
	toks = append(toks, "<|im_start|>", "<|im_end|>")
	types = append(types, typeControl, typeControl)
	for _, f := range fillers()[:n-len(toks)] {
		toks = append(toks, f)
		types = append(types, typeNormal)
	}
	scores := make([]float32, len(toks))
	for i := BaseVocab; i < len(toks); i++ {
		scores[i] = -float32(i-BaseVocab) / float32(len(toks))
	}
	return toks, scores, types
}

var fillerList []string

// fillers lists the extra tokens of larger vocabularies, in order: "▁" +
// a lowercase letter, then pairs of lowercase letters, then "▁" + a pair,
// then triples.
func fillers() []string {
	if fillerList != nil {
		return fillerList
	}
	var f []string
	letters := "abcdefghijklmnopqrstuvwxyz"
	for _, a := range letters {
		f = append(f, "▁"+string(a))
	}
	for _, a := range letters {
		for _, b := range letters {
			f = append(f, string(a)+string(b))
		}
	}
	for _, a := range letters {
		for _, b := range letters {
			f = append(f, "▁"+string(a)+string(b))
		}
	}
	for _, a := range letters {
		for _, b := range letters {
			for _, c := range letters {
				f = append(f, string(a)+string(b)+string(c))
			}
		}
	}
	for _, a := range letters {
		for _, b := range letters {
			for _, c := range letters {
				f = append(f, "▁"+string(a)+string(b)+string(c))
			}
		}
	}
	fillerList = f
	return f
}

// setVocab stores a SentencePiece ("llama") vocabulary of n tokens.
func setVocab(w *gguf.Writer, n int) {
	toks, scores, types := vocab(n)
	w.Set("tokenizer.ggml.model", "llama")
	w.Set("tokenizer.ggml.tokens", toks)
	w.Set("tokenizer.ggml.scores", scores)
	w.Set("tokenizer.ggml.token_type", types)
	w.Set("tokenizer.ggml.bos_token_id", uint32(BOS))
	w.Set("tokenizer.ggml.eos_token_id", uint32(EOS))
	w.Set("tokenizer.ggml.unknown_token_id", uint32(UNK))
	w.Set("tokenizer.ggml.add_bos_token", true)
	w.Set("tokenizer.ggml.add_eos_token", false)
	w.Set("tokenizer.ggml.add_space_prefix", false)
}
