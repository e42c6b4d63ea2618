package llm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeReplay(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "r.jsonl")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReplayOrderAndWhen(t *testing.T) {
	p := writeReplay(t,
		`{"text": "first"}`,
		`{"text": "for reset", "when": "selector reset"}`,
		``,
		`{"text": "second"}`)
	r, err := OpenReplay(p)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	gen := func(prompt string) string {
		res, err := r.Generate(ctx, Request{Prompt: prompt, Grammar: `root ::= "x"`}, nil)
		if err != nil {
			t.Fatalf("%q: %v", prompt, err)
		}
		return res.Text
	}
	if got := gen("anything"); got != "first" {
		t.Errorf("got %q, want first", got)
	}
	if got := gen("write the selector reset now"); got != "for reset" {
		t.Errorf("got %q, want the when line", got)
	}
	if got := gen("selector reset again"); got != "second" {
		t.Errorf("a when line is used once: got %q", got)
	}
	_, err = r.Generate(ctx, Request{Prompt: "more"}, nil)
	if err == nil || !strings.Contains(err.Error(), "replay "+p+": no completion left") {
		t.Errorf("exhausted: %v", err)
	}
}

func TestReplayBadFiles(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{`not json`, ":1: not a replay line"},
		{`{"when": "x"}`, `:1: replay line has no "text"`},
		{`{"text": "a", "delay_ms": -1}`, "delay_ms must not be negative"},
		{`{"text": "a", "extra": 1}`, "unknown field"},
	} {
		_, err := OpenReplay(writeReplay(t, c.line))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.line, err, c.want)
		}
	}
	if _, err := OpenReplay(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing file opened")
	}
}

func TestReplayDelayCancels(t *testing.T) {
	r, err := OpenReplay(writeReplay(t, `{"text": "slow", "delay_ms": 60000}`))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	if _, err := r.Generate(ctx, Request{Prompt: "p"}, nil); !errors.Is(err, ErrCancelled) {
		t.Errorf("got %v, want cancelled", err)
	}
}

func TestRecorderWritesReplayFormat(t *testing.T) {
	rec := filepath.Join(t.TempDir(), "rec.jsonl")
	reg := &Registry{Record: rec}
	reg.Put("scripted:x", NewScripted("one \"quoted\"\nline", "two"))
	// Put bypasses open; wrap as open would
	m, _ := reg.Get("scripted:x")
	w, err := NewRecorder(m, rec)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := w.Generate(context.Background(), Request{Prompt: "p"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	r, err := OpenReplay(rec)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"one \"quoted\"\nline", "two"} {
		res, err := r.Generate(context.Background(), Request{Prompt: "q"}, nil)
		if err != nil || res.Text != want {
			t.Errorf("replayed %q, %v; want %q", res.Text, err, want)
		}
	}
}

func TestRegistryOpensReplay(t *testing.T) {
	p := writeReplay(t, `{"text": "hi"}`)
	reg := &Registry{}
	m, err := reg.Get("replay:" + p)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(*Replay); !ok {
		t.Fatalf("got %T", m)
	}
}
