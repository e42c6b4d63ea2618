package openai_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"batos/llm"
	"batos/llm/openai"
)

// liar is a server that answers streamed requests badly, each prompt a
// different way, and can hang.
func liar(t *testing.T) string {
	release := make(chan struct{})
	hang := func(r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/models":
			fmt.Fprint(w, `{"data": [{"id": "liar"}]}`)
			return
		case "/hung/v1/models", "/hung/tokenize":
			hang(r)
			return
		}
		var body struct {
			Prompt string `json:"prompt"`
		}
		if err := decodeJSON(r, &body); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		ev := func(text string) string { return fmt.Sprintf("data: {\"choices\": [{\"text\": %q}]}\n\n", text) }
		flush := func() { w.(http.Flusher).Flush() }
		switch body.Prompt {
		case "cut":
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, ev("half "), ev("a story"))
		case "cut-length":
			b := ev("half ") + ev("a story")
			w.Header().Set("Content-Type", "text/event-stream")
			w.Header().Set("Content-Length", fmt.Sprint(len(b)))
			fmt.Fprint(w, b)
		case "json":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"choices": [{"text": "the whole answer", "finish_reason": "stop"}], "usage": {"prompt_tokens": 2, "completion_tokens": 3}}`)
		case "garbage":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html>proxy says hello</html>")
		case "empty":
		case "bad-event":
			fmt.Fprint(w, ev("ok "), "data: {not json\n\n")
		case "error-event":
			fmt.Fprint(w, ev("partial "), `data: {"error": {"message": "the GPU caught fire"}}`+"\n\n")
		case "hang":
			hang(r)
		case "stall":
			fmt.Fprint(w, ev("one "))
			flush()
			hang(r)
		case "flood":
			for i := 0; i < 100000; i++ {
				if _, err := fmt.Fprint(w, ev("word ")); err != nil {
					return
				}
			}
		case "huge":
			fmt.Fprint(w, ev(strings.Repeat("x", 5<<20)))
		case "finish-no-done":
			fmt.Fprint(w, ev("fine"), `data: {"choices": [{"text": "", "finish_reason": "stop"}]}`+"\n\n")
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv.URL
}

// TestLyingServers: a reply that does not end properly, is not what was
// asked for, or carries an error is an error with context, not partial
// text with success.
func TestLyingServers(t *testing.T) {
	url := liar(t)
	m, err := openai.Open(url+"/v1", llm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// For the hung server, short timeouts.
	short, err := openai.Open(url+"/v1", llm.Options{ConnectTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct{ prompt, want, text string }{
		{"cut", "ended without [DONE]", "half a story"},
		{"cut-length", "ended without [DONE]", "half a story"},
		{"garbage", "not an event stream", ""},
		{"empty", "the reply is empty", ""},
		{"bad-event", "malformed event", "ok "},
		{"error-event", "the GPU caught fire", "partial "},
		{"hang", "no answer within", ""},
		{"stall", "sent nothing for", "one "},
		{"huge", "an event longer than", ""},
	}
	for _, c := range bad {
		m := m
		if c.prompt == "hang" || c.prompt == "stall" {
			m = short
		}
		res, err := m.Generate(context.Background(), llm.Request{Prompt: c.prompt, MaxTokens: 20}, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), url) {
			t.Errorf("%s: %v, want an error with the URL and %q", c.prompt, err, c.want)
		}
		if res.Text != c.text || (res.StopReason != "cut" && c.prompt != "hang") {
			t.Errorf("%s: text %q, stop reason %q; want %q, cut", c.prompt, res.Text, res.StopReason, c.text)
		}
	}

	res, err := m.Generate(context.Background(), llm.Request{Prompt: "json"}, nil)
	if err != nil || res.Text != "the whole answer" || res.Tokens != 3 || res.StopReason != "eog" {
		t.Errorf("JSON reply to a stream: %+v, %v", res, err)
	}
	res, err = m.Generate(context.Background(), llm.Request{Prompt: "finish-no-done"}, nil)
	if err != nil || res.Text != "fine" {
		t.Errorf("finish_reason then the end: %+v, %v", res, err)
	}
	// maxTokens holds on the client: a server that streams on and on is
	// read no further.
	var pieces int
	res, err = m.Generate(context.Background(), llm.Request{Prompt: "flood", MaxTokens: 5}, func(string) error { pieces++; return nil })
	if err != nil || pieces != 5 || res.Text != strings.Repeat("word ", 5) || res.StopReason != "length" {
		t.Errorf("flood: %d pieces, %+v, %v", pieces, res, err)
	}
}

// TestCancelEveryRequest: cancelling the context ends model discovery
// (GET /models) and /tokenize, not only generations.
func TestCancelEveryRequest(t *testing.T) {
	url := liar(t)
	m, err := openai.Open(url+"/hung/v1", llm.Options{IdleTimeout: time.Hour, ConnectTimeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := m.Generate(ctx, llm.Request{Prompt: "x"}, nil); !errors.Is(err, llm.ErrCancelled) {
		t.Errorf("discovery: %v, want cancelled", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := m.TokenizeContext(ctx, "abc"); !errors.Is(err, llm.ErrCancelled) {
		t.Errorf("tokenize: %v, want cancelled", err)
	}
}
