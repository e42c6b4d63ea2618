package vm

import (
	"errors"
	"fmt"
	"strings"

	"batos/lang"
)

// PrimFn implements a primitive. It returns a failure (any error but an
// *Error) to fail into the send's IfFail: block, or raises with t.Raise.
type PrimFn func(t *Thread, rcv Value, args []Value) (Value, error)

// Primitive is one entry of the primitive table.
type Primitive struct {
	Name string // the selector without IfFail:, e.g. "_IntAdd:"
	// Cap is the capability the primitive's outside effect needs
	// ("files", "network", "model", "blobs", "output", "clock",
	// "reflection"); "" for none. Generated methods reach it only when
	// the kernel's policy grants it (checked by stack inspection).
	Cap string
	Fn  PrimFn
	Doc string
}

// Fail returns a primitive failure with Self's error names
// ("badTypeError", "divisionByZeroError", ...).
func Fail(name string) error { return primFailure(name) }

type primFailure string

func (p primFailure) Error() string { return string(p) }

// Failf returns a primitive failure with a formatted message.
func Failf(format string, args ...any) error { return primFailure(fmt.Sprintf(format, args...)) }

// primBase splits `_Foo:IfFail:` into the primitive name `_Foo:`.
func primBase(sel string) (string, bool) {
	if strings.HasSuffix(sel, "IfFail:") && sel != "_IfFail:" {
		return strings.TrimSuffix(sel, "IfFail:"), true
	}
	return sel, false
}

// primitive compiles `rcv _Foo: a IfFail: blk` (receiver defaults to self).
func (c *compiler) primitive(n *lang.Send) evalFn {
	name, hasFail := primBase(n.Sel)
	p, ok := c.vm.prims[name]
	if !ok {
		c.errorAt(n, "unknown primitive '%s'", name)
	}
	var recv evalFn
	if n.Recv == nil {
		recv = func(fr *Frame) Value { return fr.self }
	} else {
		recv = c.expr(n.Recv)
	}
	argNodes := n.Args
	var fail evalFn
	if hasFail {
		fail = c.expr(argNodes[len(argNodes)-1])
		argNodes = argNodes[:len(argNodes)-1]
	}
	args := make([]evalFn, len(argNodes))
	for i, a := range argNodes {
		args[i] = c.expr(a)
	}
	site := &sendSite{sel: name, file: c.file, pos: selPos(n)}
	fn := p.Fn
	if p.Cap != "" {
		fn = capChecked(p.Cap, name, fn)
	}
	return func(fr *Frame) Value {
		r := recv(fr)
		t := fr.t
		cf := t.push(site)
		a := cf.argSlots(len(args))
		for i, f := range args {
			a[i] = f(fr)
		}
		v, err := fn(t, r, a)
		t.pop(cf)
		if err == nil {
			return v
		}
		return t.primFailed(fr, r, name, err, fail, site)
	}
}

// primFailed handles a primitive failure: the IfFail: block, or
// primitive:FailedWith: sent to the receiver.
func (t *Thread) primFailed(fr *Frame, rcv Value, name string, err error, fail evalFn, site *sendSite) Value {
	var rerr *Error
	if errors.As(err, &rerr) {
		if !rerr.Pos.IsValid() {
			rerr.File, rerr.Pos = site.file, site.pos
		}
		if rerr.Trace == nil {
			rerr.Trace = t.backtrace(site)
		}
		panic(rerr)
	}
	vm := t.vm
	ev, pn := vm.String(err.Error()), vm.String(name)
	if fail != nil {
		h := fail(fr)
		if h.o != nil && h.o.kind() == KBlock {
			b := h.o.data.(*Block)
			args := []Value{ev, pn}[:min(b.code.nargs, 2)]
			if b.code.nargs > 2 {
				t.raiseAt(site, ErrError, "IfFail: block takes more than 2 arguments")
			}
			return t.invokeArgs(b, site, args...)
		}
		return t.Send(h, "value:With:", ev, pn)
	}
	if vm.Lookup(rcv, "primitive:FailedWith:").Found() {
		return t.Send(rcv, "primitive:FailedWith:", pn, ev)
	}
	t.raiseAt(site, ErrPrimitive, fmt.Sprintf("primitive %s failed: %s", name, err.Error()))
	return Value{}
}
