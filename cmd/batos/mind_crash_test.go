//go:build unix

package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCycleInterruptedByKill: `batos mind ask` commits each transition, so
// a kill -9 while a persona is answering leaves the cycle interrupted in
// the image; `mind cycles` shows it, `mind resume` finishes it, and
// `mind discard` ends another as FAILED.
func TestCycleInterruptedByKill(t *testing.T) {
	dir := t.TempDir()
	bin := batosBin(t)
	img := filepath.Join(dir, "img")
	write := func(name string, lines ...string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
		return p
	}
	plan := `{"text": "{\"steps\": [{\"persona\": \"BABS\", \"question\": \"Where?\"}]}", "when": "Decompose the mission"}`
	slow := write("slow.jsonl", plan, `{"text": "Paris.", "when": "Where?", "delay_ms": 60000}`)
	rest := write("rest.jsonl", `{"text": "Paris.", "when": "Where?"}`, `{"text": "Go to Paris.", "when": "Weave these partial answers"}`)
	batos := onImage(img)
	kill := func() {
		cmd := exec.Command(bin, "--image", img, "--model", "replay:"+slow, "mind", "ask", "Plan a trip")
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), ": DELEGATING") { // committed; BABS is answering
				break
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	kill()
	if out, _ := batos("mind", "cycles"); !strings.Contains(out, "1\tDELEGATING (interrupted)\tPlan a trip") {
		t.Fatalf("after kill -9: %q", out)
	}
	if out, code := batos("--model", "replay:"+rest, "mind", "resume", "1"); code != 0 || !strings.Contains(out, "Go to Paris.") {
		t.Fatalf("resume: %d %q", code, out)
	}
	kill()
	if out, code := batos("mind", "discard", "2"); code != 0 || !strings.Contains(out, "cycle 2 discarded") {
		t.Fatalf("discard: %d %q", code, out)
	}
	out, _ := batos("mind", "cycles")
	if !strings.Contains(out, "1\tCOMPLETE\tPlan a trip") || !strings.Contains(out, "2\tFAILED\tPlan a trip") {
		t.Fatalf("cycles: %q", out)
	}
	if out, code := batos("mind", "resume", "2"); code == 0 || !strings.Contains(out, "has ended (FAILED)") {
		t.Fatalf("resuming an ended cycle: %d %q", code, out)
	}
	if out, code := batos("image", "check"); code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("image check: %s", out)
	}
}
