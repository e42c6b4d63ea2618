//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
