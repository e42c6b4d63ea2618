package llm

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Scripted is a model that answers with canned completions: the first
// Rule whose When occurs in the prompt, else the next of Replies in
// order. It records every request. It is for tests of code that uses a
// model (the generative kernel), in addition to the real backends; its
// tokens are runes and its embeddings a hash of character trigrams.
type Scripted struct {
	mu      sync.Mutex
	Rules   []Rule
	Replies []string
	next    int
	Calls   []Request
}

// Rule is a canned reply for prompts containing When.
type Rule struct{ When, Reply string }

// NewScripted returns a scripted model answering replies in order.
func NewScripted(replies ...string) *Scripted { return &Scripted{Replies: replies} }

// Info implements Model.
func (s *Scripted) Info() Info {
	return Info{Backend: "scripted", Name: "scripted", Architecture: "scripted", ContextLen: 1 << 20, ChatTemplate: "(plain)", EmbeddingLen: scriptedDim}
}

// Tokenize implements Model: one token per rune.
func (s *Scripted) Tokenize(text string) ([]int, error) {
	var toks []int
	for _, r := range text {
		toks = append(toks, int(r))
	}
	return toks, nil
}

// Generate implements Model.
func (s *Scripted) Generate(ctx context.Context, req Request, onPiece func(string) error) (Result, error) {
	if err := req.Check(); err != nil {
		return Result{}, err
	}
	req = req.Normalize()
	prompt := req.Prompt
	if len(req.Messages) > 0 {
		var b strings.Builder
		for _, m := range req.Messages {
			fmt.Fprintf(&b, "%s: %s\n", m.Role, m.Content)
		}
		prompt = b.String()
	}
	if strings.TrimSpace(prompt) == "" {
		return Result{}, ErrEmptyPrompt
	}
	s.mu.Lock()
	s.Calls = append(s.Calls, req)
	reply, found := "", false
	for _, r := range s.Rules {
		if strings.Contains(prompt, r.When) {
			reply, found = r.Reply, true
			break
		}
	}
	if !found {
		if s.next >= len(s.Replies) {
			s.mu.Unlock()
			return Result{}, fmt.Errorf("scripted model: no reply left for prompt %q", prompt)
		}
		reply = s.Replies[s.next]
		s.next++
	}
	s.mu.Unlock()

	res := Result{PromptTokens: utf8.RuneCountInString(prompt), StopReason: "eog"}
	start := time.Now()
	for _, stop := range req.Stop {
		if i := strings.Index(reply, stop); stop != "" && i >= 0 {
			reply, res.StopReason = reply[:i], "stop"
		}
	}
	if n := utf8.RuneCountInString(reply); n > req.MaxTokens {
		reply = string([]rune(reply)[:req.MaxTokens])
		res.StopReason = "length"
	}
	for _, piece := range strings.SplitAfter(reply, " ") {
		if piece == "" {
			continue
		}
		if ctx.Err() != nil {
			res.StopReason = "cancelled"
			res.GenTime = time.Since(start)
			return res, ErrCancelled
		}
		res.Text += piece
		res.Tokens += utf8.RuneCountInString(piece)
		if onPiece != nil {
			if err := onPiece(piece); err != nil {
				return res, err
			}
		}
	}
	res.GenTime = time.Since(start)
	return res, nil
}

const scriptedDim = 16

// Embed implements Model: a normalised histogram of hashed character
// trigrams, so that similar texts get similar vectors.
func (s *Scripted) Embed(ctx context.Context, text string) ([]float32, error) {
	if text == "" {
		return nil, ErrEmptyPrompt
	}
	v := make([]float32, scriptedDim)
	r := []rune(" " + text + " ")
	for i := 0; i+3 <= len(r); i++ {
		h := fnv.New32a()
		h.Write([]byte(string(r[i : i+3])))
		v[h.Sum32()%scriptedDim]++
	}
	var n float64
	for _, x := range v {
		n += float64(x * x)
	}
	for i := range v {
		v[i] /= float32(math.Sqrt(n))
	}
	return v, nil
}

// Close implements Model.
func (s *Scripted) Close() error { return nil }
