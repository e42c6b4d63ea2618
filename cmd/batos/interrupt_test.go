//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// notifyWriter collects output and closes ready once it has seen mark.
type notifyWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	mark  string
	ready chan struct{}
	once  sync.Once
}

func (w *notifyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.mark) {
		w.once.Do(func() { close(w.ready) })
	}
	return len(p), nil
}

// TestInterruptRun sends SIGINT while `batos run` is in an infinite loop:
// the script stops with an "interrupted" error, its backtrace, and exit
// status 1.
func TestInterruptRun(t *testing.T) {
	script := filepath.Join(t.TempDir(), "loop.self")
	src := "lobby _AddSlots: (| spin = ( [ true ] whileTrue: [ 3 + 4 ] ) |).\n'start' printLine.\nspin.\n'not reached' printLine.\n"
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := &notifyWriter{mark: "start\n", ready: make(chan struct{})}
	go func() {
		select {
		case <-out.ready:
			syscall.Kill(syscall.Getpid(), syscall.SIGINT)
		case <-time.After(10 * time.Second):
		}
	}()
	var errs bytes.Buffer
	code := make(chan int)
	img := filepath.Join(filepath.Dir(script), "img")
	go func() { code <- run([]string{"--image", img, "run", script}, strings.NewReader(""), out, &errs) }()
	select {
	case c := <-code:
		if c != exitRuntime {
			t.Errorf("exit status %d, want %d", c, exitRuntime)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the script was not interrupted")
	}
	if got := out.buf.String(); got != "start\n" {
		t.Errorf("stdout = %q", got)
	}
	e := errs.String()
	if !strings.Contains(e, "loop.self:1:39: interrupted\n") || !strings.Contains(e, "loop.self:3:1 in <top level>\n") {
		t.Errorf("stderr = %q, want the interrupted error and its backtrace", e)
	}
}
