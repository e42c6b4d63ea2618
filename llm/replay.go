package llm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Replay is a model that answers from a file of recorded completions
// (`--model replay:FILE`). FILE is JSON Lines; each line is
//
//	{"text": "<completion>", "when": "<substring>", "delay_ms": N}
//
// with "when" and "delay_ms" optional. A line with "when" answers the first
// request whose prompt contains the substring; lines without it answer the
// other requests in file order. Each line is used once. "delay_ms" waits
// before answering (cancellable), for tests of concurrency and crashes. The
// text is returned verbatim: grammars are ignored, so whoever checks the
// output sees exactly what the file says. `--record FILE` (Recorder) writes
// the same format.
type Replay struct {
	path  string
	mu    sync.Mutex
	lines []replayLine
	used  []bool
}

type replayLine struct {
	Text    *string `json:"text"`
	When    string  `json:"when,omitempty"`
	DelayMS int     `json:"delay_ms,omitempty"`
}

// OpenReplay reads a replay file. Every line is checked: a bad line is an
// error naming the file and line.
func OpenReplay(path string) (*Replay, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	r := &Replay{path: path}
	for i, raw := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		var l replayLine
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("%s:%d: not a replay line (want {\"text\": ..., \"when\": ..., \"delay_ms\": ...}): %v", path, i+1, err)
		}
		if l.Text == nil {
			return nil, fmt.Errorf("%s:%d: replay line has no \"text\"", path, i+1)
		}
		if l.DelayMS < 0 {
			return nil, fmt.Errorf("%s:%d: delay_ms must not be negative", path, i+1)
		}
		r.lines = append(r.lines, l)
	}
	r.used = make([]bool, len(r.lines))
	return r, nil
}

// Path returns the replay file's path.
func (r *Replay) Path() string { return r.path }

// Info implements Model.
func (r *Replay) Info() Info {
	return Info{Backend: "replay " + r.path, Name: "replay:" + r.path, Architecture: "replay", ContextLen: 1 << 20, ChatTemplate: "(plain)"}
}

// Tokenize implements Model: one token per rune.
func (r *Replay) Tokenize(text string) ([]int, error) {
	toks := make([]int, 0, len(text))
	for _, c := range text {
		toks = append(toks, int(c))
	}
	return toks, nil
}

// next takes the line answering prompt.
func (r *Replay) next(prompt string) (replayLine, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, l := range r.lines {
		if !r.used[i] && l.When != "" && strings.Contains(prompt, l.When) {
			r.used[i] = true
			return l, true
		}
	}
	for i, l := range r.lines {
		if !r.used[i] && l.When == "" {
			r.used[i] = true
			return l, true
		}
	}
	return replayLine{}, false
}

// Generate implements Model.
func (r *Replay) Generate(ctx context.Context, req Request, onPiece func(string) error) (Result, error) {
	req = req.Normalize()
	prompt := promptText(req)
	l, ok := r.next(prompt)
	if !ok {
		return Result{}, fmt.Errorf("replay %s: no completion left", r.path)
	}
	start := time.Now()
	if l.DelayMS > 0 {
		select {
		case <-ctx.Done():
			return Result{StopReason: "cancelled"}, ErrCancelled
		case <-time.After(time.Duration(l.DelayMS) * time.Millisecond):
		}
	}
	text := *l.Text
	res := Result{Text: text, PromptTokens: utf8.RuneCountInString(prompt), Tokens: utf8.RuneCountInString(text), StopReason: "eog"}
	if onPiece != nil && text != "" {
		if err := onPiece(text); err != nil {
			return res, err
		}
	}
	res.GenTime = time.Since(start)
	return res, nil
}

// promptText is the text a request's prompt amounts to (messages joined).
func promptText(req Request) string {
	if len(req.Messages) == 0 {
		return req.Prompt
	}
	var b strings.Builder
	for _, m := range req.Messages {
		fmt.Fprintf(&b, "%s: %s\n", m.Role, m.Content)
	}
	return b.String()
}

// Embed implements Model: replay files hold completions only.
func (r *Replay) Embed(ctx context.Context, text string) ([]float32, error) {
	return nil, fmt.Errorf("replay %s: a replay model has no embeddings", r.path)
}

// Close implements Model.
func (r *Replay) Close() error { return nil }

// Recorder wraps a model and appends every completion it makes to a file in
// the replay format, so a session with a real model can be replayed
// exactly (`--record FILE`).
type Recorder struct {
	Model
	mu   sync.Mutex
	path string
}

// NewRecorder returns m recording into path (appended to, created if
// missing). The file is opened for each completion, so nothing is lost
// when the process dies.
func NewRecorder(m Model, path string) (*Recorder, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	f.Close()
	return &Recorder{Model: m, path: path}, nil
}

// Generate implements Model, recording a completed generation.
func (r *Recorder) Generate(ctx context.Context, req Request, onPiece func(string) error) (Result, error) {
	res, err := r.Model.Generate(ctx, req, onPiece)
	if err != nil {
		return res, err
	}
	line, _ := json.Marshal(replayLine{Text: &res.Text})
	r.mu.Lock()
	defer r.mu.Unlock()
	f, ferr := os.OpenFile(r.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if ferr != nil {
		return res, fmt.Errorf("record %s: %w", r.path, ferr)
	}
	w := bufio.NewWriter(f)
	w.Write(line)
	w.WriteByte('\n')
	if ferr = w.Flush(); ferr == nil {
		ferr = f.Sync()
	}
	if cerr := f.Close(); ferr == nil {
		ferr = cerr
	}
	if ferr != nil {
		return res, fmt.Errorf("record %s: %w", r.path, ferr)
	}
	return res, nil
}
