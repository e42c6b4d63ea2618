package vm

import (
	"strconv"
	"unsafe"

	"batos/lang"
)

// The idiom `s , n printString`, building a string from a number, is one
// closure. When n is a small integer and both sends resolve, through their
// inline caches, to the library's trivial methods (printString as
// `_IntPrintStringBase: 10`, `,` as `_StringConcat:`), it writes the digits
// straight into the concatenation: one string instead of two, and no
// intermediate send. Otherwise, and until the caches are filled, it sends
// both as an ordinary send would, in the same order.

// concatPrintString compiles n when it has that shape; nil otherwise.
func (c *compiler) concatPrintString(n *lang.Send, site *sendSite) evalFn {
	if n.Kind != lang.Binary || n.Sel != "," || n.Recv == nil {
		return nil
	}
	inner, ok := n.Args[0].(*lang.Send)
	if !ok || inner.Kind != lang.Unary || inner.Sel != "printString" || inner.Recv == nil || inner.Resend {
		return nil
	}
	recv := c.expr(n.Recv)
	num := c.expr(inner.Recv)
	ps := &sendSite{sel: inner.Sel, file: c.file, pos: selPos(inner)}
	intMap := c.vm.maps[KInt]
	return func(fr *Frame) Value {
		r := recv(fr)
		t := fr.t
		cf := t.push(site)
		y := num(fr)
		if y.o == nil && r.o != nil && r.o.m.kind == KString &&
			isTrivialPrim(t.vm, &ps.ic, intMap, "_IntPrintStringBase:", 10) &&
			isTrivialPrim(t.vm, &site.ic, r.o.m, "_StringConcat:", -1) {
			t.pop(cf)
			return t.concatInt(r.o.str(), y.i)
		}
		cf.inline[0] = t.send(y, ps, nil, nil)
		v := t.send(r, site, cf, cf.inline[:1])
		t.pop(cf)
		return v
	}
}

// isTrivialPrim reports whether the inline cache e holds, for map m, a
// trivial method answering the primitive prim with the literal argument
// lit, or with the method's own argument when lit is -1.
func isTrivialPrim(vm *VM, e *icEntry, m *Map, prim string, lit int64) bool {
	if e.m != m || e.epoch != vm.epoch || e.kind != icMethod {
		return false
	}
	code := e.method.code
	if code == nil || code.trivial == nil {
		return false
	}
	tr := code.trivial
	if tr.kind != trivPrim || tr.name != prim {
		return false
	}
	if lit < 0 {
		return tr.args == nil
	}
	return len(tr.args) == 1 && tr.args[0].o == nil && tr.args[0].i == lit
}

// concatInt answers s , i printString for a small integer i.
func (t *Thread) concatInt(s string, i int64) Value {
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], i, 10)
	t.Charge(int64(len(s) + len(d)))
	return t.vm.Concat(s, unsafe.String(unsafe.SliceData(d), len(d)))
}
