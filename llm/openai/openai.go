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
// model of /v1/models is used. $OPENAI_API_KEY, when set, is sent as a
// bearer token.
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
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"batos/llm"
)

func init() {
	llm.RegisterBackend("http", func(spec string, opts llm.Options) (llm.Model, error) { return Open(spec) })
}

// Model talks to one model of an OpenAI-compatible server.
type Model struct {
	base   string // .../v1
	name   string
	key    string
	client *http.Client
}

// Open connects to the server at spec (see the package comment).
func Open(spec string) (*Model, error) {
	u, err := url.Parse(spec)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("model URL %q: want http(s)://host/v1", spec)
	}
	name := u.Fragment
	u.Fragment = ""
	m := &Model{base: strings.TrimSuffix(u.String(), "/"), name: name, key: os.Getenv("OPENAI_API_KEY"),
		client: &http.Client{Timeout: 10 * time.Minute}}
	if m.name == "" {
		var list struct {
			Data []struct{ ID string } `json:"data"`
		}
		if err := m.call(context.Background(), "GET", "/models", nil, &list); err != nil {
			return nil, err
		}
		if len(list.Data) == 0 {
			return nil, fmt.Errorf("%s/models lists no model", m.base)
		}
		m.name = list.Data[0].ID
	}
	return m, nil
}

// Info implements llm.Model.
func (m *Model) Info() llm.Info {
	return llm.Info{Backend: "openai-compatible server " + m.base, Name: m.name, Architecture: "(remote)", ChatTemplate: "(the server's)"}
}

// Close implements llm.Model.
func (m *Model) Close() error { return nil }

// call sends a JSON request and decodes the JSON answer.
func (m *Model) call(ctx context.Context, method, path string, body, out any) error {
	resp, err := m.do(ctx, method, m.base+path, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s%s: bad answer: %w", m.base, path, err)
	}
	return nil
}

func (m *Model) do(ctx context.Context, method, url string, body any) (*http.Response, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if m.key != "" {
		req.Header.Set("Authorization", "Bearer "+m.key)
	}
	resp, err := m.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, llm.ErrCancelled
		}
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		msg := strings.TrimSpace(string(b))
		if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
			msg = e.Error.Message
		}
		return nil, fmt.Errorf("%s: %s: %s", url, resp.Status, msg)
	}
	return resp, nil
}

// Tokenize implements llm.Model with llama-server's /tokenize.
func (m *Model) Tokenize(text string) ([]int, error) {
	var out struct {
		Tokens []int `json:"tokens"`
	}
	root := strings.TrimSuffix(m.base, "/v1")
	resp, err := m.do(context.Background(), "POST", root+"/tokenize", map[string]any{"content": text, "add_special": true})
	if err != nil {
		return nil, fmt.Errorf("token counts need llama-server's /tokenize: %w", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	return out.Tokens, nil
}

// Embed implements llm.Model.
func (m *Model) Embed(ctx context.Context, text string) ([]float32, error) {
	if text == "" {
		return nil, llm.ErrEmptyPrompt
	}
	var out struct {
		Data []struct {
			Embedding []float32 `json:"embedding"`
		} `json:"data"`
	}
	if err := m.call(ctx, "POST", "/embeddings", map[string]any{"model": m.name, "input": text}, &out); err != nil {
		return nil, err
	}
	if len(out.Data) == 0 {
		return nil, errors.New("the server returned no embedding")
	}
	return out.Data[0].Embedding, nil
}

// Generate implements llm.Model.
func (m *Model) Generate(ctx context.Context, req llm.Request, onPiece func(string) error) (llm.Result, error) {
	req = req.Normalize()
	if req.Adapter != "" {
		return llm.Result{}, fmt.Errorf("adapter %q: %w (LoRA adapters need a local model)", req.Adapter, llm.ErrUnsupported)
	}
	if len(req.Messages) == 0 && strings.TrimSpace(req.Prompt) == "" {
		return llm.Result{}, llm.ErrEmptyPrompt
	}
	body := map[string]any{"model": m.name, "max_tokens": req.MaxTokens, "temperature": req.Temperature, "stream": true,
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
	resp, err := m.do(ctx, "POST", m.base+path, body)
	if err != nil {
		return llm.Result{}, err
	}
	defer resp.Body.Close()
	return m.stream(ctx, resp.Body, start, onPiece)
}

// chunk is one server-sent event of a streamed completion.
type chunk struct {
	Choices []struct {
		Text  string `json:"text"`
		Delta struct {
			Content string `json:"content"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
}

func (m *Model) stream(ctx context.Context, body io.Reader, start time.Time, onPiece func(string) error) (llm.Result, error) {
	var res llm.Result
	var text strings.Builder
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	first := true
	for sc.Scan() {
		line := sc.Text()
		data, ok := strings.CutPrefix(line, "data:")
		if !ok {
			continue
		}
		data = strings.TrimSpace(data)
		if data == "[DONE]" {
			break
		}
		var c chunk
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			return res, fmt.Errorf("bad event from the server: %v", err)
		}
		if c.Usage != nil {
			res.PromptTokens, res.Tokens = c.Usage.PromptTokens, c.Usage.CompletionTokens
		}
		for _, ch := range c.Choices {
			piece := ch.Text + ch.Delta.Content
			if piece != "" {
				if first {
					res.PromptTime, start, first = time.Since(start), time.Now(), false
				}
				text.WriteString(piece)
				if onPiece != nil {
					if err := onPiece(piece); err != nil {
						res.Text = text.String()
						return res, err
					}
				}
			}
			if ch.FinishReason != nil {
				res.StopReason = map[string]string{"stop": "eog", "length": "length"}[*ch.FinishReason]
				if res.StopReason == "" {
					res.StopReason = *ch.FinishReason
				}
			}
		}
	}
	res.Text, res.GenTime = text.String(), time.Since(start)
	if ctx.Err() != nil {
		res.StopReason = "cancelled"
		return res, llm.ErrCancelled
	}
	if err := sc.Err(); err != nil {
		return res, err
	}
	if res.Tokens == 0 {
		res.Tokens = len(strings.Fields(res.Text)) // the server sent no usage: an estimate
	}
	return res, nil
}
