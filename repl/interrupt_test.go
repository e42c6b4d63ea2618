//go:build unix

package repl

import (
	"bytes"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"batos/stdlib"
	"batos/vm"
)

// signalWriter collects output and closes ready once it has seen mark.
type signalWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	mark  string
	ready chan struct{}
	once  sync.Once
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.mark) {
		w.once.Do(func() { close(w.ready) })
	}
	return len(p), nil
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestInterrupt sends SIGINT to the test process while the REPL runs an
// infinite loop: the loop stops with an "interrupted" error and the REPL
// goes on with the next entry.
func TestInterrupt(t *testing.T) {
	out := &signalWriter{mark: "looping\n", ready: make(chan struct{})}
	th, err := stdlib.Boot(vm.Options{Stdout: out})
	if err != nil {
		t.Fatal(err)
	}
	var errs bytes.Buffer
	go func() {
		select {
		case <-out.ready:
			// Run has installed its handler before evaluating anything.
			syscall.Kill(syscall.Getpid(), syscall.SIGINT)
		case <-time.After(10 * time.Second):
		}
	}()
	in := "'looping' printLine. [ true ] whileTrue: [ 3 + 4 ]\n'next' size\n"
	done := make(chan error)
	go func() { done <- Run(th, strings.NewReader(in), out, Options{Stderr: &errs}) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		th.Cancel()
		t.Fatal("the loop was not interrupted")
	}
	if got, want := out.String(), "looping\n4\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	if !strings.HasPrefix(errs.String(), "<repl-1>:1:") || !strings.Contains(errs.String(), ": interrupted\n") {
		t.Errorf("stderr = %q, want an interrupted error in <repl-1>", errs.String())
	}
}
