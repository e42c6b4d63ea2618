package vm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Restarts: how the generative kernel runs the model without holding the
// world. A miss that needs the model raises a *Restart; the transaction
// aborts (it leaves no trace), the Restart's Work runs with the world
// lock released (other sessions go on), and the transaction runs again
// from its start, this time finding the accepted method in the kernel's
// cache. Output the aborted runs already printed is not printed again: a
// re-run's first bytes, up to what earlier runs wrote, are dropped (exact
// for code that prints the same thing each time it runs).

// Restart is the panic value (and error) of a transaction that must run
// again after Work.
type Restart struct {
	Why  string                          // for messages: "writing acct reset"
	Work func(ctx context.Context) error // runs without the world
}

func (r *Restart) Error() string { return "restart: " + r.Why }

// RaiseRestart aborts the running transaction with r.
func (t *Thread) RaiseRestart(r *Restart) { panic(r) }

// Retry runs one transaction, f, again after each Restart it raises. f
// must abort its transaction before returning the Restart error (EvalStmt
// does). A Restart's Work failing ends the loop with its error. Ctrl-C
// (Cancel) cancels the Work.
func (t *Thread) Retry(f func() (Value, error)) (Value, error) {
	if _, nested := t.vm.Stdout.(*outputGate); nested {
		return f() // the outer Retry runs the work
	}
	// the gate is the VM's output only while f holds the world
	g := &outputGate{w: t.vm.Stdout}
	t.memo = &callMemo{}
	defer func() { t.memo = nil }()
	for restarts := 0; ; restarts++ {
		t.memo.next = 0
		if restarts == maxRestarts {
			return t.vm.NilValue(), &Error{Kind: ErrGeneration, Msg: fmt.Sprintf("the transaction restarted %d times without finishing (a bug in the kernel)", maxRestarts)}
		}
		g.n = 0
		t.vm.Stdout = g
		v, err := f()
		t.vm.Stdout = g.w
		var r *Restart
		if !errors.As(err, &r) {
			return v, err
		}
		g.skip = max(g.skip, g.n)
		if werr := t.outsideWorld(r.Work); werr != nil {
			return t.vm.NilValue(), werr
		}
	}
}

// maxRestarts bounds the restarts of one transaction (each is a model
// call or a wait for another session's; the kernel bounds those).
const maxRestarts = 1000

// Transact runs f as one transaction from Go (a server's command): it
// commits, or a runtime error aborts it, and a restart (the model) runs it
// again (Retry).
func (t *Thread) Transact(f func() Value) (Value, error) {
	return t.Retry(func() (Value, error) {
		v, err := t.Call(f)
		if err != nil {
			t.vm.Abort()
			return v, err
		}
		return v, t.vm.Commit()
	})
}

// outsideWorld runs work with the world lock released (when the thread
// belongs to a session), cancelling it on Ctrl-C.
func (t *Thread) outsideWorld(work func(ctx context.Context) error) error {
	if t.world != nil {
		t.world.Unlock()
		defer t.world.Lock()
	}
	ctx, stop := t.CancelContext()
	defer stop()
	err := work(ctx)
	if t.cancelled.Load() {
		t.cancelled.Store(false)
		return &Error{Kind: ErrInterrupted, Msg: "interrupted"}
	}
	return err
}

// CancelContext returns a context that is cancelled when the thread is
// (Cancel: Ctrl-C), and a function to call when the work is done. Work a
// thread waits for outside batos code (a model call) uses it.
func (t *Thread) CancelContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	flag := t.cancelled
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if flag.Load() {
					cancel()
					return
				}
			}
		}
	}()
	return ctx, func() { close(done); cancel() }
}

// outputGate counts what a transaction prints and drops what an earlier
// run of it already printed.
type outputGate struct {
	w       io.Writer
	n, skip int64
}

func (g *outputGate) Write(p []byte) (int, error) {
	n := len(p)
	start := g.n
	g.n += int64(n)
	if start < g.skip {
		drop := min(int64(n), g.skip-start)
		p = p[drop:]
	}
	if len(p) == 0 {
		return n, nil
	}
	if _, err := g.w.Write(p); err != nil {
		return 0, err
	}
	return n, nil
}

// Generator is the generative kernel as the VM sees it: the standard
// library's undefinedSelector:Arguments: asks it to write the missing
// method. Miss answers the resumed send's result; handled is false when
// generation is off for rcv (the miss is then an ordinary error). forced
// is true when the receiver opted in itself (traits generative).
type Generator interface {
	Miss(t *Thread, rcv Value, sel string, args []Value, forced bool) (v Value, handled bool)
	// Allows reports whether the generated method active on t (the
	// innermost; see Thread.GeneratedMethod) may use capability cap.
	Allows(t *Thread, cap string) bool
}

// SetGenerator installs the kernel (nil removes it).
func (vm *VM) SetGenerator(g Generator) { vm.kernel = g }

// Generator returns the installed kernel, or nil.
func (vm *VM) Generator() Generator { return vm.kernel }

// capChecked wraps a primitive with an outside effect: while a generated
// method is active on the thread, the kernel's policy must grant cap.
func capChecked(cap, name string, fn PrimFn) PrimFn {
	return func(t *Thread, rcv Value, args []Value) (Value, error) {
		if g := t.vm.kernel; g != nil && t.IsGenerated() && !g.Allows(t, cap) {
			t.Raise(ErrCapability, "capability '"+cap+"' denied: a generated method is active and the kernel's policy does not grant it ("+name+")")
		}
		return fn(t, rcv, args)
	}
}

// Outside work that a transaction waits for (a model call) can run without
// the world too: the primitive raises a Restart whose Work does the call
// and memoizes its result; the transaction runs again and the primitive
// finds the result. Results are kept, in call order and keyed by the
// request, for the whole of one Retry, so a transaction making N calls runs
// N+1 times and each call is made once. A call whose key differs from the
// memo's at that point (the code took another path) is made again.

type memoEntry struct {
	key string
	val any
	err error
}

type callMemo struct {
	entries []memoEntry
	next    int
	notes   map[string]string // RetryNote: facts that hold for the rest of the Retry
}

// InSession reports whether the thread is running a session's transaction
// (other sessions wait for the world while it holds it).
func (t *Thread) InSession() bool { return t.world != nil }

// Memoizing reports whether the thread is inside a Retry that can memoize
// outside calls.
func (t *Thread) Memoizing() bool { return t.memo != nil }

// MemoNext returns the memoized result of the next outside call of the
// transaction, if it is the call named key.
func (t *Thread) MemoNext(key string) (val any, err error, ok bool) {
	m := t.memo
	if m == nil || m.next >= len(m.entries) {
		return nil, nil, false
	}
	e := m.entries[m.next]
	if e.key != key {
		m.entries = m.entries[:m.next] // another path: forget the rest
		return nil, nil, false
	}
	m.next++
	return e.val, e.err, true
}

// MemoPut records the result of the outside call named key (called from a
// Restart's Work).
func (t *Thread) MemoPut(key string, val any, err error) {
	if m := t.memo; m != nil {
		m.entries = append(m.entries[:m.next], memoEntry{key, val, err})
	}
}

// RetryNote returns the note kept under key in this Retry. The kernel
// notes a generation that failed, so the re-runs of the same transaction
// raise the same error at once instead of asking the model again.
func (t *Thread) RetryNote(key string) (string, bool) {
	if t.memo == nil {
		return "", false
	}
	s, ok := t.memo.notes[key]
	return s, ok
}

// SetRetryNote keeps note under key until the Retry ends (nothing outside
// a Retry).
func (t *Thread) SetRetryNote(key, note string) {
	if m := t.memo; m != nil {
		if m.notes == nil {
			m.notes = map[string]string{}
		}
		m.notes[key] = note
	}
}

// BaseOutput returns where the VM's output goes, under any output gate of
// a running transaction (for work that writes outside the world).
func (vm *VM) BaseOutput() io.Writer {
	if g, ok := vm.Stdout.(*outputGate); ok {
		return g.w
	}
	return vm.Stdout
}
