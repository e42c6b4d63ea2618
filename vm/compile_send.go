package vm

import (
	"strings"

	"batos/lang"
)

// send compiles a message send: local slot access, primitive calls,
// resends, inlined control structures and ordinary sends.
func (c *compiler) send(n *lang.Send) evalFn {
	if n.Resend {
		return c.resend(n)
	}
	if n.Recv == nil && !n.IsPrimitive() {
		if f := c.localAccess(n); f != nil {
			return f
		}
		if ps := c.parentLocals(); len(ps) > 0 {
			return c.scopedSend(n, ps)
		}
	}
	if n.IsPrimitive() {
		return c.primitive(n)
	}
	if f := c.inline(n); f != nil {
		return f
	}
	site := &sendSite{sel: n.Sel, file: c.file, pos: selPos(n)}
	if f := c.intFastLocal(n, site); f != nil {
		return f
	}
	if f := c.concatPrintString(n, site); f != nil {
		return f
	}
	var recv evalFn
	if n.Recv != nil {
		recv = c.expr(n.Recv)
	}
	args := make([]evalFn, len(n.Args))
	for i, a := range n.Args {
		args[i] = c.expr(a)
	}
	if recv == nil {
		return sendSelfN(args, site)
	}
	if n.Kind == lang.Binary {
		if f := intFast(n.Sel, recv, args[0], site); f != nil {
			return f
		}
	}
	return sendN(recv, args, site)
}

// sendN builds the closure for an ordinary send. Arguments are evaluated
// straight into the callee's frame.
func sendN(recv evalFn, args []evalFn, site *sendSite) evalFn {
	switch len(args) {
	case 0:
		return func(fr *Frame) Value {
			return fr.t.send(recv(fr), site, nil, nil)
		}
	case 1:
		a0 := args[0]
		return func(fr *Frame) Value {
			r := recv(fr)
			t := fr.t
			cf := t.push(site)
			cf.inline[0] = a0(fr)
			v := t.send(r, site, cf, cf.inline[:1])
			t.pop(cf)
			return v
		}
	case 2:
		a0, a1 := args[0], args[1]
		return func(fr *Frame) Value {
			r := recv(fr)
			t := fr.t
			cf := t.push(site)
			cf.inline[0] = a0(fr)
			cf.inline[1] = a1(fr)
			v := t.send(r, site, cf, cf.inline[:2])
			t.pop(cf)
			return v
		}
	}
	return func(fr *Frame) Value {
		r := recv(fr)
		t := fr.t
		cf := t.push(site)
		a := cf.argSlots(len(args))
		for i, f := range args {
			a[i] = f(fr)
		}
		v := t.send(r, site, cf, a)
		t.pop(cf)
		return v
	}
}

// localAccess compiles an implicit-receiver send that names a local slot:
// `x` reads it, `x: v` writes it.
func (c *compiler) localAccess(n *lang.Send) evalFn {
	switch n.Kind {
	case lang.Unary:
		depth, l, ok := c.resolve(n.Sel)
		if !ok {
			return nil
		}
		i := l.idx
		switch depth {
		case 0:
			return func(fr *Frame) Value { return fr.locals[i] }
		case 1:
			return func(fr *Frame) Value { return fr.outer.locals[i] }
		}
		return func(fr *Frame) Value {
			for d := depth; d > 0; d-- {
				fr = fr.outer
			}
			return fr.locals[i]
		}
	case lang.Keyword:
		if len(n.Args) != 1 {
			return nil
		}
		name := strings.TrimSuffix(n.Sel, ":")
		depth, l, ok := c.resolve(name)
		if !ok {
			return nil
		}
		if l.arg || !l.assignable {
			// As in Self, an argument or a constant slot has no
			// assignment slot: `a: v` is an ordinary implicit-receiver
			// send.
			return nil
		}
		i := l.idx
		x := c.expr(n.Args[0])
		if depth == 0 {
			if f := c.accumulate(i, n.Args[0], x); f != nil {
				return f
			}
			return func(fr *Frame) Value {
				v := x(fr)
				fr.locals[i] = v
				return fr.self
			}
		}
		return func(fr *Frame) Value {
			v := x(fr)
			f := fr
			for d := depth; d > 0; d-- {
				f = f.outer
			}
			f.locals[i] = v
			return fr.self
		}
	}
	return nil
}

// scopedSend compiles an implicit-receiver send made where parent slots
// are among the locals (`| p* = ns |`): as in Self, the lookup searches
// self and those parents with equal priority, and the receiver is self.
func (c *compiler) scopedSend(n *lang.Send, parents []frameRef) evalFn {
	args := make([]evalFn, len(n.Args))
	for i, a := range n.Args {
		args[i] = c.expr(a)
	}
	site := &sendSite{sel: n.Sel, file: c.file, pos: selPos(n)}
	return func(fr *Frame) Value {
		t := fr.t
		cf := t.push(site)
		a := cf.argSlots(len(args))
		for i, f := range args {
			a[i] = f(fr)
		}
		v := t.sendScoped(fr, parents, site, cf, a)
		t.pop(cf)
		return v
	}
}

// resend compiles `resend.sel` and `parent.sel`: lookup starts at the
// parents of the object holding the current method (only at the one named
// in a directed resend); the receiver stays self.
func (c *compiler) resend(n *lang.Send) evalFn {
	args := make([]evalFn, len(n.Args))
	for i, a := range n.Args {
		args[i] = c.expr(a)
	}
	site := &sendSite{sel: n.Sel, file: c.file, pos: selPos(n), resend: true, delegate: n.Delegate}
	return func(fr *Frame) Value {
		t := fr.t
		home := fr.home
		start := home.self
		if home.holder != nil {
			start = Ref(home.holder)
		}
		cf := t.push(site)
		a := cf.argSlots(len(args))
		for i, f := range args {
			a[i] = f(fr)
		}
		v := t.sendFrom(fr.self, start, site, cf, a)
		t.pop(cf)
		return v
	}
}

// selPos is where a send is reported: at its selector, so `3 foo` points
// at foo.
func selPos(n *lang.Send) lang.Pos {
	if n.SelPos.IsValid() {
		return n.SelPos
	}
	return n.Pos()
}
