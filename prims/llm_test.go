package prims_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"batos/lang"
	"batos/llm"
	"batos/stdlib"
	"batos/vm"
)

// slowModel streams "tick " until its context is cancelled.
type slowModel struct {
	llm.Scripted
	stopped chan error
}

func (s *slowModel) Generate(ctx context.Context, req llm.Request, onPiece func(string) error) (llm.Result, error) {
	var res llm.Result
	for {
		select {
		case <-ctx.Done():
			s.stopped <- ctx.Err()
			res.StopReason = "cancelled"
			return res, llm.ErrCancelled
		case <-time.After(5 * time.Millisecond):
		}
		res.Text += "tick "
		if onPiece != nil {
			if err := onPiece("tick "); err != nil {
				return res, err
			}
		}
	}
}

// TestGenerationInterrupt: cancelling the thread (Ctrl-C) stops a
// generation cleanly and interrupts the statement; the VM goes on.
func TestGenerationInterrupt(t *testing.T) {
	m := &slowModel{stopped: make(chan error, 1)}
	llm.Default.Put("test:slow", m)
	defer llm.Default.Remove("test:slow")
	var out strings.Builder
	th, err := stdlib.Boot(vm.Options{Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	eval := func(src string) (vm.Value, error) {
		f, err := lang.Parse("test", src)
		if err != nil {
			t.Fatal(err)
		}
		return th.EvalStmt(f.Stmts[0], "test")
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		th.Cancel()
	}()
	_, err = eval(`(model named: 'test:slow') stream: 'go'`)
	var e *vm.Error
	if !errors.As(err, &e) || e.Kind != vm.ErrInterrupted {
		t.Fatalf("got %v, want an interrupted error", err)
	}
	select {
	case <-m.stopped:
	case <-time.After(time.Second):
		t.Fatal("the generation was not cancelled")
	}
	if !strings.HasPrefix(out.String(), "tick tick") {
		t.Errorf("streamed %q", out.String())
	}
	if v, err := eval(`3 + 4`); err != nil || v.Int() != 7 {
		t.Errorf("after the interrupt: %v, %v", v, err)
	}
}
