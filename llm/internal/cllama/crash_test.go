package cllama

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestCrashExit: an abort inside ggml (a GGML_ASSERT) ends the process
// with one plain line and status ExitCrash, not Go's SIGABRT dump and
// status 2 (the code of a syntax error). It runs the crash in a child.
func TestCrashExit(t *testing.T) {
	if os.Getenv("BATOS_CRASH_CHILD") == "1" {
		crashForTest()
		t.Fatal("still running after the crash")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashExit$", "-test.count=1")
	cmd.Env = append(os.Environ(), "BATOS_CRASH_CHILD=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != ExitCrash {
		t.Fatalf("child: %v, want exit status %d\n%s", err, ExitCrash, stderr.String())
	}
	out := stderr.String()
	if !strings.Contains(out, "batos: crashed: llama.cpp aborted the process (helpers.c:") ||
		!strings.Contains(out, "a crash asked for by a test") {
		t.Errorf("stderr does not say plainly what happened:\n%s", out)
	}
	if strings.Contains(out, "goroutine") || strings.Contains(out, "SIGABRT") {
		t.Errorf("a Go signal dump:\n%s", out)
	}
}
