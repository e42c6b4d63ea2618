// Package openai is an llm.Model backed by an OpenAI-compatible HTTP
// server (OpenAI, llama.cpp's llama-server, vLLM, ollama ...): the same
// model primitives, over /v1/completions, /v1/chat/completions (streamed
// with server-sent events) and /v1/embeddings. Token counts use
// llama-server's /tokenize where the server has it. A GBNF grammar is
// passed as llama-server's "grammar" field; LoRA adapters are not
// available over HTTP.
//
// A spec is the API's base URL, optionally with the model name as the
// fragment: http://localhost:8080/v1#qwen2.5. Without a name, the first
// model of /v1/models is used, asked for on first use. $OPENAI_API_KEY,
// when set, is sent as a bearer token.
//
// Every request is bounded and cancellable: connecting and the reply's
// first byte within Options.ConnectTimeout, no silence inside a reply
// longer than Options.IdleTimeout (a long stream that keeps coming is
// never cut), at most MaxResponse bytes, and the caller's context
// cancels it (Tokenize too, through TokenizeContext). A streamed reply
// must end properly (data: [DONE], or the end of the body after a
// finish_reason); one that is cut, malformed, or carries an error event is
// an error, with the text so far and StopReason "cut". A server that
// answers a streamed request with one JSON object is read as JSON. The
// client stops reading after MaxTokens pieces, whatever the server does.
//
// Importing the package registers it as llm's "http" backend.
package openai

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"batos/llm"
)

func init() {
	llm.RegisterBackend("http", func(spec string, opts llm.Options) (llm.Model, error) { return Open(spec, opts) })
}

// Defaults of the timeouts, and the largest reply read.
const (
	DefaultConnectTimeout = 60 * time.Second
	DefaultIdleTimeout    = 120 * time.Second
	MaxResponse           = 64 << 20
	maxEvent              = 4 << 20 // one server-sent event line
)

// Model talks to one model of an OpenAI-compatible server.
type Model struct {
	base   string // .../v1
	key    string
	client *http.Client
	idle   time.Duration

	mu   sync.Mutex
	name string // "" until asked of /models
}

// Open prepares a client for the server at spec (see the package
// comment). It does not connect: the first request does.
func Open(spec string, opts llm.Options) (*Model, error) {
	u, err := url.Parse(spec)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("model URL %q: want http(s)://host/v1", spec)
	}
	name := u.Fragment
	u.Fragment = ""
	connect, idle := opts.ConnectTimeout, opts.IdleTimeout
	if connect <= 0 {
		connect = DefaultConnectTimeout
	}
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   connect,
		ResponseHeaderTimeout: connect,
		IdleConnTimeout:       90 * time.Second,
	}
	return &Model{base: strings.TrimSuffix(u.String(), "/"), name: name, key: os.Getenv("OPENAI_API_KEY"),
		client: &http.Client{Transport: tr}, idle: idle}, nil
}

// Info implements llm.Model.
func (m *Model) Info() llm.Info {
	m.mu.Lock()
	name := m.name
	m.mu.Unlock()
	if name == "" {
		name = "(the first of " + m.base + "/models, not asked yet)"
	}
	return llm.Info{Backend: "openai-compatible server " + m.base, Name: name, Architecture: "(remote)", ChatTemplate: "(the server's)"}
}

// Close implements llm.Model.
func (m *Model) Close() error {
	m.client.CloseIdleConnections()
	return nil
}

// modelName returns the model's name, asking /models the first time.
func (m *Model) modelName(ctx context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.name != "" {
		return m.name, nil
	}
	var list struct {
		Data []struct{ ID string } `json:"data"`
	}
	if err := m.call(ctx, "GET", m.base+"/models", nil, &list); err != nil {
		return "", err
	}
	if len(list.Data) == 0 || list.Data[0].ID == "" {
		return "", fmt.Errorf("%s/models lists no model", m.base)
	}
	m.name = list.Data[0].ID
	return m.name, nil
}

// errIdle is the cause of a request cancelled by the idle timeout.
var errIdle = errors.New("idle")

// reply is a response being read, under the idle timeout and the size
// limit.
type reply struct {
	*http.Response
	url    string
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	idle   time.Duration
	n      int64
	err    error // the reading error, explained
}

func (r *reply) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.Body.Read(p)
	r.n += int64(n)
	if n > 0 {
		r.timer.Reset(r.idle)
	}
	switch {
	case r.n > MaxResponse:
		r.err = fmt.Errorf("%s: the reply is larger than %d MiB", r.url, MaxResponse>>20)
		return n, r.err
	case err != nil && err != io.EOF:
		r.err = r.explain(err)
		return n, r.err
	}
	return n, err
}

// explain turns a read or request error into one that says what happened.
func (r *reply) explain(err error) error {
	switch {
	case errors.Is(context.Cause(r.ctx), errIdle):
		return fmt.Errorf("%s: the server sent nothing for %v (--model-idle-timeout)", r.url, r.idle)
	case r.ctx.Err() != nil:
		return llm.ErrCancelled
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s: the connection closed in the middle of the reply (after %d bytes)", r.url, r.n)
	}
	return fmt.Errorf("%s: reading the reply: %w", r.url, err)
}

func (r *reply) Close() {
	r.timer.Stop()
	r.Body.Close()
	r.cancel(nil)
}

// call sends a JSON request and decodes the JSON answer.
func (m *Model) call(ctx context.Context, method, url string, body, out any) error {
	r, err := m.do(ctx, method, url, body)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := json.NewDecoder(r).Decode(out); err != nil {
		if r.err != nil {
			return r.err
		}
		return fmt.Errorf("%s: the reply is not the JSON expected: %v", url, err)
	}
	return nil
}

// do sends a request; the reply it returns must be closed.
func (m *Model) do(ctx context.Context, method, url string, body any) (*reply, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	rctx, cancel := context.WithCancelCause(ctx)
	req, err := http.NewRequestWithContext(rctx, method, url, rd)
	if err != nil {
		cancel(nil)
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if m.key != "" {
		req.Header.Set("Authorization", "Bearer "+m.key)
	}
	resp, err := m.client.Do(req)
	if err != nil {
		cancel(nil)
		var ne net.Error
		switch {
		case ctx.Err() != nil:
			return nil, llm.ErrCancelled
		case errors.As(err, &ne) && ne.Timeout():
			return nil, fmt.Errorf("%s: no answer within %v (--model-connect-timeout)", url, m.client.Transport.(*http.Transport).ResponseHeaderTimeout)
		}
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	r := &reply{Response: resp, url: url, ctx: rctx, cancel: cancel, idle: m.idle}
	r.timer = time.AfterFunc(m.idle, func() { cancel(errIdle) })
	if resp.StatusCode/100 != 2 {
		defer r.Close()
		b, _ := io.ReadAll(io.LimitReader(r, 4096))
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		msg := strings.TrimSpace(string(b))
		if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
			msg = e.Error.Message
		}
		return nil, fmt.Errorf("%s: %s: %s", url, resp.Status, msg)
	}
	return r, nil
}

// Tokenize implements llm.Model with llama-server's /tokenize.
func (m *Model) Tokenize(text string) ([]int, error) {
	return m.TokenizeContext(context.Background(), text)
}

// TokenizeContext is Tokenize, cancelled with ctx.
func (m *Model) TokenizeContext(ctx context.Context, text string) ([]int, error) {
	var out struct {
		Tokens []int `json:"tokens"`
	}
	root := strings.TrimSuffix(m.base, "/v1")
	if err := m.call(ctx, "POST", root+"/tokenize", map[string]any{"content": text, "add_special": true}, &out); err != nil {
		if errors.Is(err, llm.ErrCancelled) {
			return nil, err
		}
		return nil, fmt.Errorf("token counts need llama-server's /tokenize: %w", err)
	}
	return out.Tokens, nil
}

// Embed implements llm.Model.
func (m *Model) Embed(ctx context.Context, text string) ([]float32, error) {
	if text == "" {
		return nil, llm.ErrEmptyPrompt
	}
	name, err := m.modelName(ctx)
	if err != nil {
		return nil, err
	}
	var out struct {
		Data []struct {
			Embedding []float32 `json:"embedding"`
		} `json:"data"`
	}
	if err := m.call(ctx, "POST", m.base+"/embeddings", map[string]any{"model": name, "input": text}, &out); err != nil {
		return nil, err
	}
	if len(out.Data) == 0 || len(out.Data[0].Embedding) == 0 {
		return nil, fmt.Errorf("%s/embeddings: the server returned no embedding", m.base)
	}
	return out.Data[0].Embedding, nil
}

// Generate implements llm.Model.
func (m *Model) Generate(ctx context.Context, req llm.Request, onPiece func(string) error) (llm.Result, error) {
	if err := req.Check(); err != nil {
		return llm.Result{}, err
	}
	req = req.Normalize()
	if req.Adapter != "" {
		return llm.Result{}, fmt.Errorf("adapter %q: %w (LoRA adapters need a local model)", req.Adapter, llm.ErrUnsupported)
	}
	if len(req.Messages) == 0 && strings.TrimSpace(req.Prompt) == "" {
		return llm.Result{}, llm.ErrEmptyPrompt
	}
	name, err := m.modelName(ctx)
	if err != nil {
		return llm.Result{}, err
	}
	body := map[string]any{"model": name, "max_tokens": req.MaxTokens, "temperature": req.Temperature, "stream": true,
		"stream_options": map[string]any{"include_usage": true}}
	path := "/completions"
	if len(req.Messages) > 0 {
		path = "/chat/completions"
		body["messages"] = req.Messages
	} else {
		body["prompt"] = req.Prompt
	}
	if req.TopP > 0 {
		body["top_p"] = req.TopP
	}
	if req.TopK > 0 {
		body["top_k"] = req.TopK
	}
	if req.Seed >= 0 {
		body["seed"] = req.Seed
	}
	if len(req.Stop) > 0 {
		body["stop"] = req.Stop
	}
	if req.Grammar != "" {
		body["grammar"] = req.Grammar
	}
	if req.IgnoreEOG {
		body["ignore_eos"] = true
	}
	start := time.Now()
	r, err := m.do(ctx, "POST", m.base+path, body)
	if err != nil {
		return llm.Result{}, err
	}
	defer r.Close()
	g := &gen{r: r, max: req.MaxTokens, onPiece: onPiece, start: start, first: true}
	res, err := g.read()
	if err == nil && ctx.Err() != nil {
		err = llm.ErrCancelled
	}
	if errors.Is(err, llm.ErrCancelled) {
		res.StopReason = "cancelled"
	} else if err != nil && res.StopReason == "" {
		res.StopReason = "cut"
	}
	return res, err
}

// chunk is one server-sent event of a streamed completion, or the whole
// of a non-streamed one.
type chunk struct {
	Choices []struct {
		Text  string `json:"text"`
		Delta struct {
			Content string `json:"content"`
		} `json:"delta"`
		Message struct {
			Content string `json:"content"`
		} `json:"message"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
	Error json.RawMessage `json:"error"`
}

// gen reads one generation's reply.
type gen struct {
	r       *reply
	max     int
	onPiece func(string) error
	start   time.Time
	first   bool
	pieces  int
	overrun bool // a piece came after max
	text    strings.Builder
	res     llm.Result
}

func (g *gen) read() (llm.Result, error) {
	err := g.body()
	g.res.Text, g.res.GenTime = g.text.String(), time.Since(g.start)
	if g.res.Tokens == 0 {
		g.res.Tokens = g.pieces // the server sent no usage: one token a piece
	}
	return g.res, err
}

func (g *gen) body() error {
	br := bufio.NewReaderSize(g.r, 64<<10)
	ct, _, _ := mime.ParseMediaType(g.r.Header.Get("Content-Type"))
	peek, _ := br.Peek(1)
	if ct == "application/json" || (len(peek) == 1 && peek[0] == '{') {
		// A non-streamed reply to a streamed request.
		b, err := io.ReadAll(br)
		if err != nil {
			return err // explained by reply.Read
		}
		done, err := g.event(b, true)
		if err != nil {
			return err
		}
		if !done {
			return fmt.Errorf("%s: the JSON reply has no finish_reason: it was cut", g.r.url)
		}
		return nil
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), maxEvent)
	finished, events := false, 0
	for sc.Scan() {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 || line[0] == ':' {
			continue // between events; a comment
		}
		field, data, _ := bytes.Cut(line, []byte(":"))
		data = bytes.TrimSpace(data)
		switch string(field) {
		case "data":
		case "event", "id", "retry":
			continue
		default:
			return fmt.Errorf("%s: the reply is not an event stream (line %q)", g.r.url, clip(line))
		}
		events++
		if string(data) == "[DONE]" {
			return nil
		}
		done, err := g.event(data, false)
		if err != nil {
			return err
		}
		finished = finished || done
		if g.overrun {
			// The client's own bound: the server should have stopped.
			g.res.StopReason = "length"
			return nil
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			// A stream's length is bounded by maxTokens; an event's by this.
			return fmt.Errorf("%s: an event longer than %d MiB", g.r.url, maxEvent>>20)
		}
		return err
	}
	switch {
	case finished:
		return nil // ended after its finish_reason, without [DONE]
	case events == 0:
		return fmt.Errorf("%s: the reply is empty: no events", g.r.url)
	}
	return fmt.Errorf("%s: the stream ended without [DONE] after %d bytes: it was cut", g.r.url, g.r.n)
}

// event takes one event's JSON (or a whole JSON reply); it reports whether
// it carried a finish_reason.
func (g *gen) event(data []byte, whole bool) (bool, error) {
	var c chunk
	if err := json.Unmarshal(data, &c); err != nil {
		return false, fmt.Errorf("%s: a malformed event from the server (%v): %q", g.r.url, err, clip(data))
	}
	if len(c.Error) > 0 && string(c.Error) != "null" {
		var e struct{ Message string }
		msg := string(c.Error)
		if json.Unmarshal(c.Error, &e) == nil && e.Message != "" {
			msg = e.Message
		} else if json.Unmarshal(c.Error, &msg) != nil {
			msg = string(c.Error)
		}
		return false, fmt.Errorf("%s: the server failed: %s", g.r.url, msg)
	}
	if c.Usage != nil {
		g.res.PromptTokens, g.res.Tokens = c.Usage.PromptTokens, c.Usage.CompletionTokens
	}
	if whole && len(c.Choices) == 0 {
		return false, fmt.Errorf("%s: the JSON reply has no choices: %q", g.r.url, clip(data))
	}
	finished := false
	for _, ch := range c.Choices {
		piece := ch.Text + ch.Delta.Content + ch.Message.Content
		if piece != "" && g.pieces >= g.max && !whole {
			g.overrun = true
			return false, nil
		}
		if piece != "" {
			if g.first {
				g.res.PromptTime, g.start, g.first = time.Since(g.start), time.Now(), false
			}
			g.pieces++
			g.text.WriteString(piece)
			if g.onPiece != nil {
				if err := g.onPiece(piece); err != nil {
					return false, err
				}
			}
		}
		if ch.FinishReason != nil && *ch.FinishReason != "" {
			finished = true
			g.res.StopReason = map[string]string{"stop": "eog", "length": "length"}[*ch.FinishReason]
			if g.res.StopReason == "" {
				g.res.StopReason = *ch.FinishReason
			}
		}
	}
	return finished, nil
}

// clip shortens what a server sent for an error message.
func clip(b []byte) string {
	if len(b) > 120 {
		return string(b[:120]) + "..."
	}
	return string(b)
}
