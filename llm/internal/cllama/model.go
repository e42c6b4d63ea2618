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

// Model is a loaded model (weights and vocabulary).
type Model struct {
	p     *C.struct_llama_model
	vocab *C.struct_llama_vocab
}

// ModelParams configure LoadModel.
type ModelParams struct {
	GPULayers int  // layers to offload to GPU devices (-1: all)
	NoMmap    bool // read the file instead of mapping it
	VocabOnly bool // load only the vocabulary
}

// LoadModel loads a GGUF model file. The caller has checked the file.
func LoadModel(path string, p ModelParams) (*Model, error) {
	Init()
	mp := C.llama_model_default_params()
	mp.n_gpu_layers = C.int32_t(p.GPULayers)
	if p.GPULayers < 0 {
		mp.n_gpu_layers = 999
	}
	mp.use_mmap = C.bool(!p.NoMmap)
	mp.vocab_only = C.bool(p.VocabOnly)
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	ClearLog()
	m := C.llama_model_load_from_file(cs, mp)
	if m == nil {
		return nil, failure("cannot load model " + path)
	}
	return &Model{p: m, vocab: C.llama_model_get_vocab(m)}, nil
}

// Free releases the model. Its contexts and adapters must be freed first.
func (m *Model) Free() {
	if m.p != nil {
		C.llama_model_free(m.p)
		m.p, m.vocab = nil, nil
	}
}

// NCtxTrain is the context length the model was trained with.
func (m *Model) NCtxTrain() int { return int(C.llama_model_n_ctx_train(m.p)) }

// NEmbd is the embedding width.
func (m *Model) NEmbd() int { return int(C.llama_model_n_embd(m.p)) }

// NLayer is the number of layers.
func (m *Model) NLayer() int { return int(C.llama_model_n_layer(m.p)) }

// NVocab is the vocabulary size.
func (m *Model) NVocab() int { return int(C.llama_vocab_n_tokens(m.vocab)) }

// NParams is the number of weights.
func (m *Model) NParams() uint64 { return uint64(C.llama_model_n_params(m.p)) }

// Size is the size of the weights in bytes.
func (m *Model) Size() uint64 { return uint64(C.llama_model_size(m.p)) }

// Desc is llama.cpp's one-line description ("llama ?B F32").
func (m *Model) Desc() string {
	var buf [256]C.char
	C.llama_model_desc(m.p, &buf[0], C.size_t(len(buf)))
	return C.GoString(&buf[0])
}

// Meta returns a metadata value as a string.
func (m *Model) Meta(key string) (string, bool) {
	ck := C.CString(key)
	defer C.free(unsafe.Pointer(ck))
	n := C.llama_model_meta_val_str(m.p, ck, nil, 0)
	if n < 0 {
		return "", false
	}
	buf := make([]byte, int(n)+1)
	C.llama_model_meta_val_str(m.p, ck, (*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)))
	return string(buf[:n]), true
}

// ChatTemplate returns the model's default chat template ("" if none).
func (m *Model) ChatTemplate() string {
	t := C.llama_model_chat_template(m.p, nil)
	if t == nil {
		return ""
	}
	return C.GoString(t)
}

// BOS, EOS are the model's special tokens; AddBOS whether tokenizing adds
// BOS.
func (m *Model) BOS() int32   { return int32(C.llama_vocab_bos(m.vocab)) }
func (m *Model) EOS() int32   { return int32(C.llama_vocab_eos(m.vocab)) }
func (m *Model) AddBOS() bool { return bool(C.llama_vocab_get_add_bos(m.vocab)) }

// IsEOG reports whether tok ends generation (EOS, EOT ...).
func (m *Model) IsEOG(tok int32) bool { return bool(C.llama_vocab_is_eog(m.vocab, C.llama_token(tok))) }

// Tokenize converts text to tokens. addSpecial adds BOS (when the model
// does); parseSpecial reads control tokens written in the text.
func (m *Model) Tokenize(text string, addSpecial, parseSpecial bool) ([]int32, error) {
	if len(text) > 1<<30 {
		return nil, errors.New("text too long to tokenize")
	}
	var ct *C.char
	if len(text) > 0 {
		ct = (*C.char)(unsafe.Pointer(unsafe.StringData(text)))
	}
	toks := make([]int32, len(text)+2)
	var tp *C.llama_token
	if len(toks) > 0 {
		tp = (*C.llama_token)(unsafe.Pointer(&toks[0]))
	}
	n := C.llama_tokenize(m.vocab, ct, C.int32_t(len(text)), tp, C.int32_t(len(toks)), C.bool(addSpecial), C.bool(parseSpecial))
	if n < 0 {
		if n == C.INT32_MIN {
			return nil, errors.New("tokenization overflow")
		}
		toks = make([]int32, -n)
		tp = (*C.llama_token)(unsafe.Pointer(&toks[0]))
		n = C.llama_tokenize(m.vocab, ct, C.int32_t(len(text)), tp, C.int32_t(len(toks)), C.bool(addSpecial), C.bool(parseSpecial))
		if n < 0 {
			return nil, errors.New("tokenization failed")
		}
	}
	return toks[:n], nil
}

// Piece returns the text of one token (special tokens rendered when
// special).
func (m *Model) Piece(tok int32, special bool) []byte {
	var buf [64]byte
	n := C.llama_token_to_piece(m.vocab, C.llama_token(tok), (*C.char)(unsafe.Pointer(&buf[0])), C.int32_t(len(buf)), 0, C.bool(special))
	if n >= 0 {
		return append([]byte(nil), buf[:n]...)
	}
	big := make([]byte, -n)
	n = C.llama_token_to_piece(m.vocab, C.llama_token(tok), (*C.char)(unsafe.Pointer(&big[0])), C.int32_t(len(big)), 0, C.bool(special))
	if n < 0 {
		return nil
	}
	return big[:n]
}

// Detokenize converts tokens back to text.
func (m *Model) Detokenize(toks []int32, removeSpecial, unparseSpecial bool) string {
	if len(toks) == 0 {
		return ""
	}
	tp := (*C.llama_token)(unsafe.Pointer(&toks[0]))
	buf := make([]byte, 8*len(toks)+16)
	n := C.llama_detokenize(m.vocab, tp, C.int32_t(len(toks)), (*C.char)(unsafe.Pointer(&buf[0])), C.int32_t(len(buf)), C.bool(removeSpecial), C.bool(unparseSpecial))
	if n < 0 {
		buf = make([]byte, -n)
		n = C.llama_detokenize(m.vocab, tp, C.int32_t(len(toks)), (*C.char)(unsafe.Pointer(&buf[0])), C.int32_t(len(buf)), C.bool(removeSpecial), C.bool(unparseSpecial))
		if n < 0 {
			return ""
		}
	}
	return string(buf[:n])
}

// Message is one chat message.
type Message struct{ Role, Content string }

// ApplyChatTemplate formats messages with tmpl ("" for the model's own
// template). llama.cpp recognises the common template families (ChatML,
// Llama 2/3, Mistral, Gemma ...) by their markers; it does not run Jinja.
func (m *Model) ApplyChatTemplate(tmpl string, msgs []Message, addAssistant bool) (string, error) {
	if tmpl == "" {
		tmpl = m.ChatTemplate()
		if tmpl == "" {
			return "", errors.New("the model has no chat template")
		}
	}
	ct := C.CString(tmpl)
	defer C.free(unsafe.Pointer(ct))
	cm := (*[1 << 20]C.llama_chat_message)(C.malloc(C.size_t(len(msgs)+1) * C.size_t(unsafe.Sizeof(C.llama_chat_message{}))))[: len(msgs)+1 : len(msgs)+1]
	defer C.free(unsafe.Pointer(&cm[0]))
	total := 0
	for i, msg := range msgs {
		cm[i].role = C.CString(msg.Role)
		cm[i].content = C.CString(msg.Content)
		total += len(msg.Role) + len(msg.Content)
	}
	defer func() {
		for i := range msgs {
			C.free(unsafe.Pointer(cm[i].role))
			C.free(unsafe.Pointer(cm[i].content))
		}
	}()
	buf := make([]byte, 2*total+256)
	n := C.llama_chat_apply_template(ct, &cm[0], C.size_t(len(msgs)), C.bool(addAssistant), (*C.char)(unsafe.Pointer(&buf[0])), C.int32_t(len(buf)))
	if n < 0 {
		return "", fmt.Errorf("unsupported chat template (llama.cpp does not recognise it)")
	}
	if int(n) > len(buf) {
		buf = make([]byte, n)
		n = C.llama_chat_apply_template(ct, &cm[0], C.size_t(len(msgs)), C.bool(addAssistant), (*C.char)(unsafe.Pointer(&buf[0])), C.int32_t(len(buf)))
	}
	return string(buf[:n]), nil
}

// LoRA is a loaded LoRA adapter of one model.
type LoRA struct {
	p *C.struct_llama_adapter_lora
}

// LoadLoRA loads an adapter for m. The caller has checked the file.
func LoadLoRA(m *Model, path string) (*LoRA, error) {
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	ClearLog()
	a := C.llama_adapter_lora_init(m.p, cs)
	if a == nil {
		return nil, failure("cannot load LoRA adapter " + path)
	}
	return &LoRA{p: a}, nil
}

// Free releases the adapter; it must not be set on any context.
func (a *LoRA) Free() {
	if a.p != nil {
		C.llama_adapter_lora_free(a.p)
		a.p = nil
	}
}
