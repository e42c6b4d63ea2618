package vm

import "batos/lang"

// Specialised integer sends. `n - 1`, `i < 10`, `s + i`: when the
// receiver is a local of the current frame or of the one enclosing it (a
// method's local read in its block) and the argument a small integer
// literal or another such local, the closure reads them directly
// instead of calling one closure per operand; it is the same fast path
// as intFast, with the same slow path (an ordinary send of the values
// already computed).

// frameLocal reports where e's value is if it reads a local (or an
// argument) of the frame being compiled or of the one enclosing it.
func (c *compiler) frameLocal(e lang.Expr) (frameRef, bool) {
	n, ok := e.(*lang.Send)
	if !ok || n.Recv != nil || n.Kind != lang.Unary || n.Resend || n.IsPrimitive() {
		return frameRef{}, false
	}
	depth, l, ok := c.resolve(n.Sel)
	if !ok || depth > 1 {
		return frameRef{}, false
	}
	return frameRef{depth, l.idx}, true
}

// get reads the local r names from fr (depth 0 or 1).
func (r frameRef) get(fr *Frame) Value {
	if r.depth == 0 {
		return fr.locals[r.idx]
	}
	return fr.outer.locals[r.idx]
}

// smallConst reports the value of e if it is a small integer literal.
func smallConst(e lang.Expr) (int64, bool) {
	n, ok := e.(*lang.Int)
	if !ok || n.Big != nil {
		return 0, false
	}
	return n.Val, true
}

// slowSend sends a binary message to values already computed.
func slowSend(site *sendSite) func(fr *Frame, a, b Value) Value {
	return func(fr *Frame, a, b Value) Value {
		t := fr.t
		cf := t.push(site)
		cf.inline[0] = b
		v := t.send(a, site, cf, cf.inline[:1])
		t.pop(cf)
		return v
	}
}

// intFastLocal compiles n when its receiver is a frame local and its
// argument a small integer literal or a frame local; nil otherwise.
func (c *compiler) intFastLocal(n *lang.Send, site *sendSite) evalFn {
	if n.Kind != lang.Binary || n.Recv == nil || len(c.parentLocals()) > 0 {
		return nil
	}
	i, ok := c.frameLocal(n.Recv)
	if !ok {
		return nil
	}
	if k, ok := smallConst(n.Args[0]); ok {
		return intLocalConst(n.Sel, i, k, site, bools{c.vm.True, c.vm.False})
	}
	if j, ok := c.frameLocal(n.Args[0]); ok {
		return intLocalLocal(n.Sel, i, j, site, bools{c.vm.True, c.vm.False})
	}
	return nil
}

// bools answers true or false as values.
type bools struct{ T, F *Object }

func (bs bools) of(b bool) Value {
	if b {
		return Value{o: bs.T}
	}
	return Value{o: bs.F}
}

func intLocalConst(sel string, i frameRef, k int64, site *sendSite, bs bools) evalFn {
	call := slowSend(site)
	kv := Int(k)
	switch sel {
	case "+":
		return func(fr *Frame) Value {
			a := i.get(fr)
			if a.o == nil {
				if s := a.i + k; (s > a.i) == (k > 0) {
					return Value{i: s}
				}
			}
			return call(fr, a, kv)
		}
	case "-":
		return func(fr *Frame) Value {
			a := i.get(fr)
			if a.o == nil {
				if s := a.i - k; (s < a.i) == (k > 0) {
					return Value{i: s}
				}
			}
			return call(fr, a, kv)
		}
	case "<":
		return func(fr *Frame) Value {
			if a := i.get(fr); a.o == nil {
				return bs.of(a.i < k)
			}
			return call(fr, i.get(fr), kv)
		}
	case "<=":
		return func(fr *Frame) Value {
			if a := i.get(fr); a.o == nil {
				return bs.of(a.i <= k)
			}
			return call(fr, i.get(fr), kv)
		}
	case ">":
		return func(fr *Frame) Value {
			if a := i.get(fr); a.o == nil {
				return bs.of(a.i > k)
			}
			return call(fr, i.get(fr), kv)
		}
	case ">=":
		return func(fr *Frame) Value {
			if a := i.get(fr); a.o == nil {
				return bs.of(a.i >= k)
			}
			return call(fr, i.get(fr), kv)
		}
	case "=":
		return func(fr *Frame) Value {
			if a := i.get(fr); a.o == nil {
				return bs.of(a.i == k)
			}
			return call(fr, i.get(fr), kv)
		}
	}
	return nil
}

func intLocalLocal(sel string, i, j frameRef, site *sendSite, bs bools) evalFn {
	call := slowSend(site)
	switch sel {
	case "+":
		return func(fr *Frame) Value {
			a, b := i.get(fr), j.get(fr)
			if a.o == nil && b.o == nil {
				if s := a.i + b.i; (s > a.i) == (b.i > 0) {
					return Value{i: s}
				}
			}
			return call(fr, a, b)
		}
	case "-":
		return func(fr *Frame) Value {
			a, b := i.get(fr), j.get(fr)
			if a.o == nil && b.o == nil {
				if s := a.i - b.i; (s < a.i) == (b.i > 0) {
					return Value{i: s}
				}
			}
			return call(fr, a, b)
		}
	case "<":
		return func(fr *Frame) Value {
			a, b := i.get(fr), j.get(fr)
			if a.o == nil && b.o == nil {
				return bs.of(a.i < b.i)
			}
			return call(fr, a, b)
		}
	case "<=":
		return func(fr *Frame) Value {
			a, b := i.get(fr), j.get(fr)
			if a.o == nil && b.o == nil {
				return bs.of(a.i <= b.i)
			}
			return call(fr, a, b)
		}
	}
	return nil
}

// sendSelfN is sendN for an implicit receiver: self, read directly.
func sendSelfN(args []evalFn, site *sendSite) evalFn {
	switch len(args) {
	case 0:
		return func(fr *Frame) Value {
			return fr.t.send(fr.self, site, nil, nil)
		}
	case 1:
		a0 := args[0]
		return func(fr *Frame) Value {
			t := fr.t
			cf := t.push(site)
			cf.inline[0] = a0(fr)
			v := t.send(fr.self, site, cf, cf.inline[:1])
			t.pop(cf)
			return v
		}
	}
	return sendN(func(fr *Frame) Value { return fr.self }, args, site)
}

// accumulate compiles `a: b + c` and `a: b - c` where a, b and c are
// locals of the frame itself (or c a small integer literal), the shape of
// a loop's accumulator and counter: one closure that adds two small
// integers and stores the sum, or, for any other operands or on overflow,
// stores what x (the ordinary code of the right-hand side) answers.
func (c *compiler) accumulate(i int, rhs lang.Expr, x evalFn) evalFn {
	n, ok := rhs.(*lang.Send)
	if !ok || n.Kind != lang.Binary || (n.Sel != "+" && n.Sel != "-") || len(c.parentLocals()) > 0 {
		return nil
	}
	b, ok := c.frameLocal(n.Recv)
	if !ok || b.depth != 0 {
		return nil
	}
	bi := b.idx
	sub := n.Sel == "-"
	if k, ok := smallConst(n.Args[0]); ok {
		if sub {
			if k == -1<<63 {
				return nil
			}
			k = -k
		}
		return func(fr *Frame) Value {
			if a := fr.locals[bi]; a.o == nil {
				if s := a.i + k; (s > a.i) == (k > 0) {
					fr.locals[i] = Value{i: s}
					return fr.self
				}
			}
			v := x(fr)
			fr.locals[i] = v
			return fr.self
		}
	}
	cl, ok := c.frameLocal(n.Args[0])
	if !ok || cl.depth != 0 || sub {
		return nil
	}
	ci := cl.idx
	return func(fr *Frame) Value {
		a, d := fr.locals[bi], fr.locals[ci]
		if a.o == nil && d.o == nil {
			if s := a.i + d.i; (s > a.i) == (d.i > 0) {
				fr.locals[i] = Value{i: s}
				return fr.self
			}
		}
		v := x(fr)
		fr.locals[i] = v
		return fr.self
	}
}
