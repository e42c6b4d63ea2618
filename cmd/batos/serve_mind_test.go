//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"batos/bridge/client"
)

// mission runs a cognitive cycle over the bridge (the replay model plays
// BRICK, the personas and ROBIN); cycle describes it; a plan naming an
// unknown persona fails cleanly and leaves no cycle behind.
func TestServeMission(t *testing.T) {
	dir := t.TempDir()
	replay := filepath.Join(dir, "r.jsonl")
	lines := []string{
		`{"text": "{\"steps\": [{\"persona\": \"BABS\", \"question\": \"What is the capital of France?\"}]}", "when": "Mission: Plan a trip"}`,
		`{"text": "Paris.", "when": "What is the capital of France?"}`,
		`{"text": "Go to Paris.", "when": "Weave these partial answers"}`,
		`{"text": "{\"steps\": [{\"persona\": \"JOKER\", \"question\": \"Why?\"}]}", "when": "Mission: Why"}`,
	}
	if err := os.WriteFile(replay, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, filepath.Join(dir, "img"), "--model", "replay:"+replay)
	c := s.dial(client.Options{})
	var m map[string]any
	if err := c.Call("mission", map[string]any{"brief": "Plan a trip"}, &m); err != nil {
		t.Fatal(err)
	}
	if m["state"] != "COMPLETE" || m["result"] != "Go to Paris." || m["mission"] != "Plan a trip" {
		t.Fatalf("mission: %v", m)
	}
	var cy map[string]any
	if err := c.Call("cycle", map[string]any{"cycle": m["id"]}, &cy); err != nil {
		t.Fatal(err)
	}
	if cy["state"] != "COMPLETE" || cy["result"] != "Go to Paris." {
		t.Fatalf("cycle: %v", cy)
	}
	err := c.Call("mission", map[string]any{"brief": "Why"}, nil)
	if err == nil || !strings.Contains(err.Error(), "unknown persona: 'JOKER'") {
		t.Fatalf("a plan with an unknown persona: %v", err)
	}
	if err := c.Call("cycle", map[string]any{"cycle": 2}, nil); err == nil {
		t.Fatal("the failed cycle was kept")
	}
}

// TestServeModelCallDoesNotBlock: a client's model call (the replay
// model waits 2 s) runs without the world: another client commits 200
// requests before it answers, and the statement that made the call runs
// to completion once, its output printed once.
func TestServeModelCallDoesNotBlock(t *testing.T) {
	dir := t.TempDir()
	replay := filepath.Join(dir, "slow.jsonl")
	os.WriteFile(replay, []byte(`{"text": "slow answer", "when": "slow question", "delay_ms": 2000}`+"\n"), 0o644)
	s := startServer(t, filepath.Join(dir, "img"), "--model", "replay:"+replay)
	c := s.dial(client.Options{})
	mustEval(t, c, "lobby _AddSlots: (| counter <- 0. answer |)")
	a := s.dial(client.Options{})
	done := make(chan error, 1)
	var got string
	go func() {
		v, err := a.Eval("'calling the model' printLine. answer: (model infer: 'slow question'). answer")
		got = v.PrintString
		done <- err
	}()
	for !strings.Contains(s.stderr.String(), "calling the model") {
		time.Sleep(5 * time.Millisecond)
	}
	for range 200 {
		mustEval(t, c, "counter: counter + 1")
	}
	select {
	case err := <-done:
		t.Fatalf("the model call finished before the other client's 200 commits (it held the world?): %v", err)
	default:
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got != "'slow answer'" {
		t.Fatalf("the model's answer: %q", got)
	}
	if n := strings.Count(s.stderr.String(), "calling the model"); n != 1 {
		t.Fatalf("the statement's output was printed %d times", n)
	}
	if v := mustEval(t, c, "counter printString, ' ', answer"); v.PrintString != "'200 slow answer'" {
		t.Fatalf("after: %s", v.PrintString)
	}
}
