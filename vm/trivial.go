package vm

import "batos/lang"

// Trivial methods are answered from the send, without an activation: a
// method that answers self (an empty body or `self`), a literal constant,
// or the result of one primitive sent to self whose arguments are the
// method's own arguments in order, or literals. The primitive must have no
// outside effect (Primitive.Cap is empty: nothing to check on the stack).
// When it fails, the method is activated as usual, so its IfFail: block or
// primitive:FailedWith: runs; a primitive that fails has done nothing, so
// running it again there is harmless. Such a send counts no step and adds
// no line to a backtrace.

// trivial kinds.
const (
	trivSelf uint8 = iota + 1
	trivConst
	trivPrim
)

// trivial says how to answer a trivial method.
type trivial struct {
	kind uint8
	val  Value   // trivConst
	prim PrimFn  // trivPrim
	name string  // trivPrim: the primitive's name (compile_concat.go)
	args []Value // trivPrim: the literal arguments; nil: the method's own
}

// trivialOf classifies method m, compiled into code, in the method's
// scope; nil when it is not trivial.
func (c *compiler) trivialOf(m *Method, code *Code) *trivial {
	if c.check || code.hasNLR || code.nlocals != code.nargs {
		return nil
	}
	switch len(m.Body.Code) {
	case 0:
		return &trivial{kind: trivSelf}
	case 1:
	default:
		return nil
	}
	switch e := m.Body.Code[0].(type) {
	case *lang.Self:
		return &trivial{kind: trivSelf}
	case *lang.Int, *lang.Float, *lang.String:
		return &trivial{kind: trivConst, val: code.body(nil)}
	case *lang.Send:
		return c.trivialPrim(e, code)
	}
	return nil
}

// trivialPrim classifies `_Prim: a IfFail: b` sent to self.
func (c *compiler) trivialPrim(n *lang.Send, code *Code) *trivial {
	if !n.IsPrimitive() || n.Resend {
		return nil
	}
	if _, self := n.Recv.(*lang.Self); n.Recv != nil && !self {
		return nil
	}
	name, hasFail := primBase(n.Sel)
	p, ok := c.vm.prims[name]
	if !ok || p.Cap != "" {
		return nil
	}
	args := n.Args
	if hasFail {
		args = args[:len(args)-1]
	}
	// either the method's own arguments, in order, or literals
	var lits []Value
	for i, a := range args {
		switch a := a.(type) {
		case *lang.Int:
			if a.Big != nil {
				return nil
			}
			lits = append(lits, Int(a.Val))
		case *lang.String:
			lits = append(lits, c.vm.String(a.Val))
		case *lang.Send:
			depth, l, ok := c.resolve(a.Sel)
			if !ok || a.Recv != nil || a.Kind != lang.Unary || depth != 0 || !l.arg || l.idx != i {
				return nil
			}
		default:
			return nil
		}
	}
	switch {
	case len(lits) == len(args):
		if lits == nil {
			lits = []Value{}
		}
		return &trivial{kind: trivPrim, prim: p.Fn, name: name, args: lits}
	case lits == nil && len(args) == code.nargs:
		return &trivial{kind: trivPrim, prim: p.Fn, name: name}
	}
	return nil
}

// answerTrivial answers a trivial method sent to rcv with args; ok is
// false when the method must be activated after all (its primitive
// failed).
func (t *Thread) answerTrivial(tr *trivial, rcv Value, args []Value) (v Value, ok bool) {
	switch tr.kind {
	case trivSelf:
		return rcv, true
	case trivConst:
		return tr.val, true
	}
	a := tr.args
	if a == nil {
		a = args
	}
	v, err := tr.prim(t, rcv, a)
	return v, err == nil
}
