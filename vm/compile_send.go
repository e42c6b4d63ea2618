package vm

import (
	"fmt"
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
	}
	if n.IsPrimitive() {
		return c.primitive(n)
	}
	if f := c.inline(n); f != nil {
		return f
	}
	var recv evalFn
	if n.Recv == nil {
		recv = func(fr *Frame) Value { return fr.self }
	} else {
		recv = c.expr(n.Recv)
	}
	args := make([]evalFn, len(n.Args))
	for i, a := range n.Args {
		args[i] = c.expr(a)
	}
	site := &sendSite{sel: n.Sel, file: c.file, pos: selPos(n)}
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
		var a []Value
		if len(args) <= len(cf.inline) {
			a = cf.inline[:len(args)]
		} else {
			a = make([]Value, len(args))
			cf.locals = a
		}
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
		if l.arg {
			c.errorAt(n, "cannot assign to argument '%s'", name)
		}
		if !l.assignable {
			c.errorAt(n, "cannot assign to constant slot '%s'", name)
		}
		i := l.idx
		x := c.expr(n.Args[0])
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

// resend compiles `resend.sel` and `parent.sel`: lookup starts at the
// parents of the object holding the current method, the receiver stays self.
func (c *compiler) resend(n *lang.Send) evalFn {
	args := make([]evalFn, len(n.Args))
	for i, a := range n.Args {
		args[i] = c.expr(a)
	}
	site := &sendSite{sel: n.Sel, file: c.file, pos: selPos(n)}
	delegate := n.Delegate
	return func(fr *Frame) Value {
		t := fr.t
		vm := t.vm
		home := fr.home
		holder := home.holder
		var hm *Map
		if holder != nil {
			hm = holder.m
		} else {
			hm = vm.MapOf(home.self)
		}
		var res found
		nfound := 0
		seen := []*Object{holder}
		for _, pi := range hm.parents {
			ps := &hm.slots[pi]
			if delegate != "" && ps.Name != delegate {
				continue
			}
			pv := ps.Const
			if ps.Kind == SlotData {
				pv = holder.fields[ps.Field]
			}
			if pv.o != nil {
				seen = append(seen, pv.o)
			}
			r, k, _, amb := vm.find(pv.o, vm.MapOf(pv), n.Sel, &seen, false)
			if amb || (k > 0 && nfound > 0 && (r.holder != res.holder || r.slot.Name != res.slot.Name)) {
				t.raiseAt(site, "ambiguousSelector", fmt.Sprintf("ambiguous resend of '%s'", n.Sel))
			}
			if k > 0 && nfound == 0 {
				res, nfound = r, 1
			}
		}
		if delegate != "" {
			if _, ok := hm.index[delegate]; !ok {
				t.raiseAt(site, "undefinedSelector", fmt.Sprintf("directed resend: no parent slot named '%s'", delegate))
			}
		}
		if nfound == 0 {
			t.raiseAt(site, "undefinedSelector", fmt.Sprintf("resend of '%s': no parent understands it", n.Sel))
		}
		cf := t.push(site)
		a := cf.inline[:0]
		if len(args) > len(cf.inline) {
			a = make([]Value, 0, len(args))
			cf.locals = a
		}
		for _, f := range args {
			a = append(a, f(fr))
		}
		// dispatch the found slot directly
		var v Value
		s := res.slot
		switch s.Kind {
		case SlotConst:
			if m, ok := s.Const.o.methodPayload(); ok {
				v = t.activate(m, fr.self, res.holder, cf, a, site)
			} else {
				v = s.Const
			}
		case SlotData:
			v = res.holder.fields[s.Field]
		case SlotSetter:
			vm.SetField(res.holder, s.Field, a[0])
			v = fr.self
		default:
			t.raiseAt(site, "error", "cannot resend to a block value slot")
		}
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
