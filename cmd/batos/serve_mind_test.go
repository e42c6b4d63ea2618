//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"batos/bridge/client"
)

// startMission begins a mission and answers its cycle's number.
func startMission(t *testing.T, c *client.Client, brief string) any {
	t.Helper()
	var m map[string]any
	if err := c.Call("mission", map[string]any{"brief": brief}, &m); err != nil {
		t.Fatal(err)
	}
	if m["mission"] != brief || m["id"] == nil {
		t.Fatalf("mission: %v", m)
	}
	return m["id"]
}

// waitCycle follows a cycle until it ends.
func waitCycle(t *testing.T, c *client.Client, id any) map[string]any {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second) // a hang, not a speed limit
	for {
		var cy map[string]any
		if err := c.Call("cycle", map[string]any{"cycle": id}, &cy); err != nil {
			t.Fatal(err)
		}
		if cy["state"] == "COMPLETE" || cy["state"] == "FAILED" {
			return cy
		}
		if time.Now().After(deadline) {
			t.Fatalf("cycle %v did not end: %v", id, cy)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// mission begins a cognitive cycle over the bridge and answers its number;
// the server runs it (the replay model plays BRICK, the personas and
// ROBIN) and cycle follows it; a plan naming an unknown persona ends the
// cycle as FAILED, with why.
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
	cy := waitCycle(t, c, startMission(t, c, "Plan a trip"))
	if cy["state"] != "COMPLETE" || cy["result"] != "Go to Paris." {
		t.Fatalf("cycle: %v", cy)
	}
	if fmt.Sprint(cy["transitions"]) != "[DECOMPOSING DELEGATING SYNTHESIZING COMPLETE]" {
		t.Fatalf("transitions: %v", cy["transitions"])
	}
	cy = waitCycle(t, c, startMission(t, c, "Why"))
	if cy["state"] != "FAILED" || !strings.Contains(fmt.Sprint(cy["failure"]), "unknown persona: 'JOKER'") {
		t.Fatalf("a plan with an unknown persona: %v", cy)
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
