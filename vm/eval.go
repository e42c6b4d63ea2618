package vm

import (
	"fmt"
	"math/big"

	"batos/lang"
)

// EvalStmt runs one top-level statement with self = lobby. It is the unit
// of work and of transactions: on success the transaction commits; a
// runtime error (or a failed commit) aborts it, so the statement leaves no
// trace, and the thread stays usable. With t.Atomic set the transaction is
// left open for the caller to Commit or Abort.
//
// A cancellation (Thread.Cancel) not yet noticed when the statement starts
// stops it before it runs, with an "interrupted" error at the statement: a
// Ctrl-C between two statements is not lost.
//
// A statement the generative kernel restarts (a miss that needs the model)
// is aborted, the model runs without the world, and the statement runs
// again (see Retry); with t.Atomic the caller's Retry does that.
func (t *Thread) EvalStmt(e lang.Expr, file string) (Value, error) {
	if !t.Atomic {
		return t.Retry(func() (Value, error) { return t.evalStmt(e, file) })
	}
	return t.evalStmt(e, file)
}

func (t *Thread) evalStmt(e lang.Expr, file string) (Value, error) {
	t.used, t.tick = 0, tickEvery
	t.allocBase = t.vm.allocated
	if t.cancelled.Swap(false) {
		// a Ctrl-C since the last statement: it is not lost
		err := &Error{Kind: ErrInterrupted, Msg: "interrupted", File: file, Pos: e.Pos()}
		if !t.Atomic {
			t.vm.Abort()
		}
		return t.vm.NilValue(), err
	}
	d := t.depth
	v, err := t.catch(d, func() Value {
		code := t.compileTop(e, file, "<top level>")
		return t.run(code, Ref(t.vm.Lobby), nil)
	})
	if t.Atomic {
		return v, err
	}
	if err != nil {
		t.vm.Abort()
		return v, err
	}
	if err := t.vm.Commit(); err != nil {
		return t.vm.NilValue(), err
	}
	return v, nil
}

// EvalFile runs every statement of f in order, stopping at the first
// error. It returns the value of the last statement. Unless t.Atomic is
// set, each statement is its own transaction, as in a script file (the
// CLI's -e and a REPL entry run all their statements as one).
func (t *Thread) EvalFile(f *lang.File) (Value, error) {
	t.vm.AddSource(f.Name, f.Src)
	v := t.vm.NilValue()
	for _, s := range f.Stmts {
		var err error
		if v, err = t.EvalStmt(s, f.Name); err != nil {
			return v, err
		}
	}
	return v, nil
}

// EvalString parses and runs src, a statement a transaction (EvalFile).
func (t *Thread) EvalString(name, src string) (Value, error) {
	f, err := lang.Parse(name, src)
	if err != nil {
		return t.vm.NilValue(), err
	}
	return t.EvalFile(f)
}

// Call runs f (which may send messages with t.Send) as a unit of work,
// converting runtime errors to an error value.
func (t *Thread) Call(f func() Value) (Value, error) {
	t.used, t.tick = 0, tickEvery
	return t.catch(t.depth, f)
}

// PrintString returns v's printString, computed by sending printString.
func (t *Thread) PrintString(v Value) (string, error) {
	var s string
	_, err := t.Call(func() Value {
		r := t.Send(v, "printString")
		str, ok := r.Str()
		if !ok {
			t.Raise(ErrError, "printString did not return a string but "+t.vm.Describe(r))
		}
		s = str
		return r
	})
	return s, err
}

// bigValue returns b as a Value, as a small integer when it fits.
func (vm *VM) bigValue(b *big.Int) Value {
	if b.IsInt64() {
		return Int(b.Int64())
	}
	return Ref(vm.alloc(vm.maps[KBig], nil, b))
}

// Integer returns the integer b (normalised to a small integer if it fits).
func (vm *VM) Integer(b *big.Int) Value { return vm.bigValue(b) }

// MustStr returns the Go string of a string value or raises a type error.
func (t *Thread) MustStr(v Value, what string) string {
	s, ok := v.Str()
	if !ok {
		t.Raise(ErrError, fmt.Sprintf("%s must be a string, not %s", what, t.vm.Describe(v)))
	}
	return s
}

// MethodOf returns the method payload of a method object.
func (v Value) Method() (*Method, bool) { return v.o.methodPayload() }

// Arity returns the number of arguments a block takes.
func (b *Block) Arity() int { return b.code.nargs }

// BlockOf returns the block payload of a block object.
func (v Value) Block() (*Block, bool) {
	if v.o != nil && v.o.kind() == KBlock {
		return v.o.data.(*Block), true
	}
	return nil, false
}

// CallBlock invokes block b with args from Go.
func (t *Thread) CallBlock(b *Block, args ...Value) Value {
	if len(args) != b.code.nargs {
		t.Raise(ErrError, fmt.Sprintf("block takes %d argument(s), given %d", b.code.nargs, len(args)))
	}
	return t.invokeArgs(b, t.curSite(), args...)
}

// invokeArgs invokes block b with argument values already computed.
func (t *Thread) invokeArgs(b *Block, s *sendSite, args ...Value) Value {
	cf := t.push(s)
	a := cf.argSlots(len(args))
	copy(a, args)
	v := t.invoke(b, cf, a, s)
	t.pop(cf)
	return v
}

// Try runs f and returns the runtime error it raised, if any, leaving the
// thread where it was. Non-local returns pass through.
func (t *Thread) Try(f func() Value) (v Value, err *Error) {
	d := t.depth
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*Error)
			if !ok || e.Kind == ErrInterrupted || e.Kind == ErrBudget {
				panic(r)
			}
			t.unwindTo(d)
			err = e
		}
	}()
	return f(), nil
}

// Ensure runs body, then cleanup however body ends: returning, raising an
// error, a non-local return or an interrupt passing through. An error keeps
// its own position and backtrace (it is raised again as it was).
func (t *Thread) Ensure(body func() Value, cleanup func()) Value {
	d := t.depth
	ok := false
	defer func() {
		if ok {
			return
		}
		if r := recover(); r != nil {
			t.unwindTo(d)
			cleanup()
			panic(r)
		}
	}()
	v := body()
	ok = true
	cleanup()
	return v
}

// Signal raises e again as it is: its position and backtrace are those of
// where it was first raised, not of this call (onError: handlers passing
// an error on).
func (t *Thread) Signal(e *Error) { panic(e) }
