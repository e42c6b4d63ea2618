package openai_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"batos/llm"
	"batos/llm/openai"
)

// fakeServer is a small OpenAI-compatible server: it streams a canned
// reply word by word and records the requests.
type fakeServer struct {
	mu   sync.Mutex
	last map[string]any
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if r.Body != nil {
		json.NewDecoder(r.Body).Decode(&body)
	}
	f.mu.Lock()
	f.last = body
	f.mu.Unlock()
	switch r.URL.Path {
	case "/v1/models":
		fmt.Fprint(w, `{"data": [{"id": "fake-model"}]}`)
	case "/tokenize":
		toks := []int{}
		for _, c := range body["content"].(string) {
			toks = append(toks, int(c))
		}
		json.NewEncoder(w).Encode(map[string]any{"tokens": toks})
	case "/v1/embeddings":
		fmt.Fprint(w, `{"data": [{"embedding": [0.5, -1, 2]}]}`)
	case "/v1/completions", "/v1/chat/completions":
		prompt, _ := body["prompt"].(string)
		chat := r.URL.Path == "/v1/chat/completions"
		if chat {
			msgs := body["messages"].([]any)
			prompt = msgs[len(msgs)-1].(map[string]any)["content"].(string)
		}
		if prompt == "fail" {
			w.WriteHeader(500)
			fmt.Fprint(w, `{"error": {"message": "the model fell over"}}`)
			return
		}
		reply := "echo: " + prompt
		delay := time.Duration(0)
		if prompt == "slow" {
			reply, delay = strings.Repeat("tick ", 100), 20*time.Millisecond
		}
		w.Header().Set("Content-Type", "text/event-stream")
		for _, word := range strings.SplitAfter(reply, " ") {
			var ev any = map[string]any{"choices": []any{map[string]any{"text": word}}}
			if chat {
				ev = map[string]any{"choices": []any{map[string]any{"delta": map[string]any{"content": word}}}}
			}
			b, _ := json.Marshal(ev)
			if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(delay)
		}
		fmt.Fprint(w, `data: {"choices": [{"text": "", "finish_reason": "stop"}], "usage": {"prompt_tokens": 3, "completion_tokens": 7}}`+"\n\n")
		fmt.Fprint(w, "data: [DONE]\n\n")
	default:
		http.NotFound(w, r)
	}
}

func start(t *testing.T) (*fakeServer, *openai.Model, string) {
	f := &fakeServer{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	m, err := openai.Open(srv.URL+"/v1", llm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return f, m, srv.URL
}

func TestGenerate(t *testing.T) {
	f, m, _ := start(t)
	var pieces []string
	res, err := m.Generate(context.Background(), llm.Request{Prompt: "hello there", MaxTokens: 9, Temperature: 0.5, Seed: 4,
		Stop: []string{"\n"}, Grammar: `root ::= "x"`}, func(p string) error { pieces = append(pieces, p); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != "echo: hello there" || strings.Join(pieces, "") != res.Text || len(pieces) != 3 {
		t.Errorf("text %q, pieces %q", res.Text, pieces)
	}
	if res.PromptTokens != 3 || res.Tokens != 7 || res.StopReason != "eog" {
		t.Errorf("result %+v", res)
	}
	if m.Info().Name != "fake-model" {
		t.Errorf("name %q", m.Info().Name)
	}
	f.mu.Lock()
	b := f.last
	f.mu.Unlock()
	if b["max_tokens"] != 9.0 || b["temperature"] != 0.5 || b["seed"] != 4.0 || b["grammar"] != `root ::= "x"` || b["model"] != "fake-model" {
		t.Errorf("request %v", b)
	}
	chat, err := m.Generate(context.Background(), llm.Request{Prompt: "hi", System: "be kind"}, nil)
	if err != nil || chat.Text != "echo: hi" {
		t.Errorf("chat: %q, %v", chat.Text, err)
	}
}

func TestErrorsAndCancel(t *testing.T) {
	_, m, url := start(t)
	if _, err := m.Generate(context.Background(), llm.Request{Prompt: "fail"}, nil); err == nil || !strings.Contains(err.Error(), "the model fell over") {
		t.Errorf("server error: %v", err)
	}
	if _, err := m.Generate(context.Background(), llm.Request{Prompt: " "}, nil); !errors.Is(err, llm.ErrEmptyPrompt) {
		t.Errorf("empty prompt: %v", err)
	}
	if _, err := m.Generate(context.Background(), llm.Request{Prompt: "x", Adapter: "BRICK"}, nil); !errors.Is(err, llm.ErrUnsupported) {
		t.Errorf("adapter: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	res, err := m.Generate(ctx, llm.Request{Prompt: "slow"}, func(string) error {
		if n++; n == 2 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, llm.ErrCancelled) || n > 5 {
		t.Errorf("cancel: %v after %d pieces (%q)", err, n, res.Text)
	}
	if _, err := openai.Open("ftp://x", llm.Options{}); err == nil {
		t.Errorf("bad URL accepted")
	}
	nothing, err := openai.Open(url+"/nothing/v1", llm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nothing.Generate(context.Background(), llm.Request{Prompt: "x"}, nil); err == nil || !strings.Contains(err.Error(), "/nothing/v1/models") {
		t.Errorf("a server without /models: %v", err)
	}
}

func TestEmbedTokenize(t *testing.T) {
	_, m, _ := start(t)
	v, err := m.Embed(context.Background(), "abc")
	if err != nil || len(v) != 3 || v[2] != 2 {
		t.Errorf("embed: %v, %v", v, err)
	}
	toks, err := m.Tokenize("héllo")
	if err != nil || len(toks) != 5 {
		t.Errorf("tokenize: %v, %v", toks, err)
	}
}

// TestRegistry: the "http" backend opens URLs through llm.Default.
func TestRegistry(t *testing.T) {
	_, _, url := start(t)
	r := &llm.Registry{Default: url + "/v1#named-model"}
	m, err := r.Get("")
	if err != nil {
		t.Fatal(err)
	}
	if m.Info().Name != "named-model" {
		t.Errorf("name %q", m.Info().Name)
	}
}

func decodeJSON(r *http.Request, v any) error { return json.NewDecoder(r.Body).Decode(v) }
