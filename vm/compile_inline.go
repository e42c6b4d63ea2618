package vm

import (
	"math/bits"

	"batos/lang"
)

// Control structures sent to literal blocks are compiled inline, as
// Smalltalk and Self compilers do: ifTrue:/ifFalse: and their two-armed
// forms, and:/or:, whileTrue:/whileFalse:, to:Do:/to:By:Do: and
// timesRepeat:. The inline code runs only when the receiver is what the
// standard library handles (a boolean, a small integer); any other receiver
// gets an ordinary send with real block objects, so user objects can still
// implement these selectors. docs/language.md records the consequence:
// redefining these selectors on booleans or integers has no effect on sends
// with literal block arguments.

// inlineBody compiles a literal block's body in the current frame. It
// returns nil when b is not a literal block taking nargs arguments.
func (c *compiler) inlineBody(e lang.Expr, nargs int) (body evalFn, argIdx []int) {
	b, ok := e.(*lang.Block)
	if !ok {
		return nil, nil
	}
	n := 0
	for _, s := range b.Slots {
		if s.Kind == lang.Argument {
			n++
		}
	}
	if n != nargs {
		return nil, nil
	}
	c.push(false, c.sc.frame)
	argIdx, resets := c.declare(nil, b.Slots, b)
	body = withResets(resets, c.seq(b.Code, nil))
	c.pop()
	return body, argIdx
}

// inline returns compiled code for an inlinable control send, or nil.
func (c *compiler) inline(n *lang.Send) evalFn {
	switch n.Sel {
	case "ifTrue:", "ifFalse:", "ifTrue:False:", "ifFalse:True:", "and:", "or:":
		return c.inlineIf(n)
	case "whileTrue:", "whileFalse:", "whileTrue", "whileFalse":
		return c.inlineWhile(n)
	case "to:Do:", "to:By:Do:":
		return c.inlineTo(n)
	case "timesRepeat:":
		return c.inlineTimes(n)
	}
	return nil
}

// fallbackFn is the real send an inlined control selector falls back to
// when its receiver is not what the inline code handles. It gets the
// receiver and the leading operands already computed (each is evaluated
// once) and evaluates the rest of the arguments, the literal blocks, as
// real blocks.
type fallbackFn func(fr *Frame, rcv Value, computed ...Value) Value

// fallback compiles the fallback of n whose first ncomputed arguments the
// inline code has evaluated.
//
// A `^` in those blocks returns from the method. When the send is in the
// method's own frame, the fallback catches that return itself (as a local
// return of the frame), so the method does not pay for catching in every
// activation, only the rare fallback does. A block that `^`s after its
// control send returned (a user's ifTrue: that kept it) is a nonLIFO
// error.
func (c *compiler) fallback(n *lang.Send, ncomputed int) fallbackFn {
	saveVia, saveRet := c.viaFallback, c.fallbackRet
	c.viaFallback = c.viaFallback || c.inHomeFrame()
	c.fallbackRet = false
	rest := make([]evalFn, len(n.Args)-ncomputed)
	for i, a := range n.Args[ncomputed:] {
		rest[i] = c.expr(a)
	}
	catches := c.fallbackRet && !saveVia
	c.viaFallback, c.fallbackRet = saveVia, saveRet || c.fallbackRet
	if catches {
		c.localRet = true // the fallback may return from this frame
	}
	site := &sendSite{sel: n.Sel, file: c.file, pos: selPos(n)}
	send := func(fr *Frame, rcv Value, computed ...Value) Value {
		t := fr.t
		cf := t.push(site)
		a := cf.argSlots(len(computed) + len(rest))
		copy(a, computed)
		for i, f := range rest {
			a[len(computed)+i] = f(fr)
		}
		v := t.send(rcv, site, cf, a)
		t.pop(cf)
		return v
	}
	if !catches {
		return send
	}
	return func(fr *Frame, rcv Value, computed ...Value) (v Value) {
		fr.catching++
		defer func() {
			fr.catching--
			if r := recover(); r != nil {
				if n, ok := r.(*nlr); ok && n.home == fr && n.gen == fr.gen {
					fr.t.unwindTo(fr.depth)
					fr.ret, fr.retv = true, n.val
					v = n.val
					return
				}
				panic(r)
			}
		}()
		return send(fr, rcv, computed...)
	}
}

// constFn returns a closure that yields v.
func constFn(v Value) evalFn { return func(*Frame) Value { return v } }

func (c *compiler) inlineIf(n *lang.Send) evalFn {
	if n.Recv == nil {
		return nil
	}
	arms := make([]evalFn, len(n.Args))
	for i, a := range n.Args {
		if arms[i], _ = c.inlineBody(a, 0); arms[i] == nil {
			return nil
		}
	}
	recv := c.expr(n.Recv)
	slow := c.fallback(n, 0)
	vm := c.vm
	T, F := vm.True, vm.False
	nilv := vm.NilValue()
	var onTrue, onFalse evalFn
	switch n.Sel {
	case "ifTrue:":
		onTrue, onFalse = arms[0], constFn(nilv)
	case "ifFalse:":
		onTrue, onFalse = constFn(nilv), arms[0]
	case "ifTrue:False:":
		onTrue, onFalse = arms[0], arms[1]
	case "ifFalse:True:":
		onTrue, onFalse = arms[1], arms[0]
	case "and:":
		onTrue, onFalse = arms[0], constFn(Ref(F))
	case "or:":
		onTrue, onFalse = constFn(Ref(T)), arms[0]
	}
	return func(fr *Frame) Value {
		r := recv(fr)
		switch r.o {
		case T:
			return onTrue(fr)
		case F:
			return onFalse(fr)
		}
		return slow(fr, r)
	}
}

func (c *compiler) inlineWhile(n *lang.Send) evalFn {
	cond, _ := c.inlineBody(n.Recv, 0)
	if cond == nil {
		return nil
	}
	body := func(*Frame) Value { return Value{} }
	if len(n.Args) == 1 {
		if body, _ = c.inlineBody(n.Args[0], 0); body == nil {
			return nil
		}
	}
	vm := c.vm
	want, stop := vm.True, vm.False
	if n.Sel == "whileFalse:" || n.Sel == "whileFalse" {
		want, stop = stop, want
	}
	site := &sendSite{sel: n.Sel, file: c.file, pos: selPos(n)}
	return func(fr *Frame) Value {
		t := fr.t
		for {
			r := cond(fr)
			if fr.ret {
				return fr.retv
			}
			if r.o != want {
				if r.o == stop {
					return vm.NilValue()
				}
				t.raiseAt(site, ErrError, n.Sel+": the condition block returned "+vm.Describe(r)+", not a boolean")
			}
			body(fr)
			if fr.ret {
				return fr.retv
			}
			t.tick--
			if t.tick <= 0 {
				t.checkpoint(site)
			}
		}
	}
}

func (c *compiler) inlineTo(n *lang.Send) evalFn {
	if n.Recv == nil {
		return nil
	}
	last := n.Args[len(n.Args)-1]
	body, argIdx := c.inlineBody(last, 1)
	if body == nil {
		return nil
	}
	idx := argIdx[0]
	recv := c.expr(n.Recv)
	lim := c.expr(n.Args[0])
	by := constFn(Int(1))
	if len(n.Args) == 3 {
		by = c.expr(n.Args[1])
	}
	three := len(n.Args) == 3
	slow := c.fallback(n, len(n.Args)-1)
	site := &sendSite{sel: n.Sel, file: c.file, pos: selPos(n)}
	return func(fr *Frame) Value {
		r := recv(fr)
		l := lim(fr)
		s := by(fr)
		if !r.IsInt() || !l.IsInt() || !s.IsInt() || s.i == 0 {
			// the inline path does not apply: send it for real
			if three {
				return slow(fr, r, l, s)
			}
			return slow(fr, r, l)
		}
		t := fr.t
		lo, hi, step := r.i, l.i, s.i
		for i := lo; (step > 0 && i <= hi) || (step < 0 && i >= hi); {
			fr.locals[idx] = Int(i)
			body(fr)
			if fr.ret {
				return fr.retv
			}
			t.tick--
			if t.tick <= 0 {
				t.checkpoint(site)
			}
			next, carry := bits.Add64(uint64(i), uint64(step), 0)
			_ = carry
			ni := int64(next)
			if (step > 0 && ni < i) || (step < 0 && ni > i) {
				break // overflow: past the end of the integers
			}
			i = ni
		}
		return r
	}
}

func (c *compiler) inlineTimes(n *lang.Send) evalFn {
	if n.Recv == nil {
		return nil
	}
	body, _ := c.inlineBody(n.Args[0], 0)
	if body == nil {
		return nil
	}
	recv := c.expr(n.Recv)
	slow := c.fallback(n, 0)
	site := &sendSite{sel: n.Sel, file: c.file, pos: selPos(n)}
	return func(fr *Frame) Value {
		r := recv(fr)
		if !r.IsInt() {
			return slow(fr, r)
		}
		t := fr.t
		for i := int64(0); i < r.i; i++ {
			body(fr)
			if fr.ret {
				return fr.retv
			}
			t.tick--
			if t.tick <= 0 {
				t.checkpoint(site)
			}
		}
		return r
	}
}

// intFast compiles the arithmetic and comparison selectors with a fast
// path for two small integers; other receivers get an ordinary send.
func intFast(sel string, recv, arg evalFn, site *sendSite) evalFn {
	call := slowSend(site) // the slow path sends the operands already computed
	switch sel {
	case "+":
		return func(fr *Frame) Value {
			a, b := recv(fr), arg(fr)
			if a.o == nil && b.o == nil {
				s := a.i + b.i
				if (s > a.i) == (b.i > 0) {
					return Value{i: s}
				}
			}
			return call(fr, a, b)
		}
	case "-":
		return func(fr *Frame) Value {
			a, b := recv(fr), arg(fr)
			if a.o == nil && b.o == nil {
				s := a.i - b.i
				if (s < a.i) == (b.i > 0) {
					return Value{i: s}
				}
			}
			return call(fr, a, b)
		}
	case "*":
		return func(fr *Frame) Value {
			a, b := recv(fr), arg(fr)
			if a.o == nil && b.o == nil {
				hi, lo := bits.Mul64(uint64(abs(a.i)), uint64(abs(b.i)))
				if hi == 0 && lo < 1<<63 && a.i != -1<<63 && b.i != -1<<63 {
					return Value{i: a.i * b.i}
				}
			}
			return call(fr, a, b)
		}
	case "<", "<=", ">", ">=", "=", "!=":
		var cmp func(x, y int64) bool
		switch sel {
		case "<":
			cmp = func(x, y int64) bool { return x < y }
		case "<=":
			cmp = func(x, y int64) bool { return x <= y }
		case ">":
			cmp = func(x, y int64) bool { return x > y }
		case ">=":
			cmp = func(x, y int64) bool { return x >= y }
		case "=":
			cmp = func(x, y int64) bool { return x == y }
		case "!=":
			cmp = func(x, y int64) bool { return x != y }
		}
		return func(fr *Frame) Value {
			a, b := recv(fr), arg(fr)
			if a.o == nil && b.o == nil {
				if cmp(a.i, b.i) {
					return Value{o: fr.t.vm.True}
				}
				return Value{o: fr.t.vm.False}
			}
			return call(fr, a, b)
		}
	}
	return nil
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
