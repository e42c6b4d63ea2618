package guard

import (
	"strings"

	"batos/lang"
	"batos/vm"
)

// checker walks a method's AST with its scopes.
type checker struct {
	req       Request
	vm        *vm.VM
	rej       func(code string, pos lang.Pos, format string, args ...any) *Rejection
	scopes    []map[string]binding
	selfSends int
}

// binding is a name declared in the method: an argument or a local.
type binding struct {
	arg        bool
	assignable bool
}

// ty is what the checker knows of an expression's value: a
// representative value whose lookups answer as the real one's would, or
// nothing.
type ty struct {
	known bool
	v     vm.Value
	block bool // a block literal (transient: never stored in a slot)
	// alt is a second representative (false beside true, a big integer
	// beside a small one): a send is rejected only if neither understands.
	alt    vm.Value
	hasAlt bool
}

var unknown = ty{}

func (c *checker) push(n lang.Node, args []string, slots []*lang.Slot) *Rejection {
	sc := map[string]binding{}
	declare := func(name string, b binding, pos lang.Pos) *Rejection {
		if _, dup := sc[name]; dup {
			return c.rej(CodeDuplicate, pos, "'%s' is declared twice", name)
		}
		for _, outer := range c.scopes {
			if _, ok := outer[name]; ok {
				return c.rej(CodeDuplicate, pos, "'%s' shadows an argument or local of an enclosing scope", name)
			}
		}
		sc[name] = b
		return nil
	}
	for _, a := range args {
		if r := declare(a, binding{arg: true}, n.Pos()); r != nil {
			return r
		}
	}
	for _, s := range slots {
		b := binding{arg: s.Kind == lang.Argument, assignable: s.Kind == lang.Assignable}
		if r := declare(s.Name, b, s.Pos()); r != nil {
			return r
		}
		if s.Parent {
			return c.rej(CodeShape, s.Pos(), "a generated method may not declare parent slots ('%s*')", s.Name)
		}
	}
	c.scopes = append(c.scopes, sc)
	for _, s := range slots {
		if s.Value != nil {
			if body := vm.MethodBody(s); body != nil {
				return c.rej(CodeShape, s.Pos(), "local '%s' holds a method; write the code inline", s.Name)
			}
			if _, r := c.expr(s.Value); r != nil {
				return r
			}
		}
	}
	return nil
}

func (c *checker) pop() { c.scopes = c.scopes[:len(c.scopes)-1] }

func (c *checker) local(name string) (binding, bool) {
	for i := len(c.scopes) - 1; i >= 0; i-- {
		if b, ok := c.scopes[i][name]; ok {
			return b, true
		}
	}
	return binding{}, false
}

func (c *checker) method(s *lang.Slot, body *lang.Object) *Rejection {
	if r := c.push(body, s.Args, body.Slots); r != nil {
		return r
	}
	defer c.pop()
	for _, e := range body.Code {
		if _, r := c.expr(e); r != nil {
			return r
		}
	}
	return nil
}

func (c *checker) self() ty { return ty{known: true, v: c.req.Receiver} }

func (c *checker) expr(e lang.Expr) (ty, *Rejection) {
	switch n := e.(type) {
	case *lang.Int:
		if n.Big != nil {
			return ty{known: true, v: c.vm.KindValue(vm.KBig)}, nil
		}
		return ty{known: true, v: vm.Int(0)}, nil
	case *lang.Float:
		return ty{known: true, v: c.vm.KindValue(vm.KFloat)}, nil
	case *lang.String:
		return ty{known: true, v: c.vm.KindValue(vm.KString)}, nil
	case *lang.Self:
		return c.self(), nil
	case *lang.Paren:
		return c.expr(n.X)
	case *lang.Return:
		_, r := c.expr(n.X)
		return unknown, r
	case *lang.Block:
		if r := c.push(n, nil, n.Slots); r != nil {
			return unknown, r
		}
		defer c.pop()
		for _, x := range n.Code {
			if _, r := c.expr(x); r != nil {
				return unknown, r
			}
		}
		return ty{known: true, v: c.vm.KindValue(vm.KBlock), block: true}, nil
	case *lang.Object:
		if len(n.Code) > 0 {
			return unknown, c.rej(CodeShape, n.Pos(), "a method inside a method")
		}
		for _, s := range n.Slots {
			if s.Value != nil {
				if vm.MethodBody(s) != nil {
					continue // checked when it runs; object literals are data here
				}
				t, r := c.expr(s.Value)
				if r != nil {
					return unknown, r
				}
				if t.block {
					return unknown, c.rej(CodeTransient, s.Pos(), "slot '%s' would hold a block, which dies with its method", s.Name)
				}
			}
		}
		return unknown, nil
	case *lang.Send:
		return c.send(n)
	}
	return unknown, nil
}

func (c *checker) send(n *lang.Send) (ty, *Rejection) {
	pos := n.SelPos
	if !pos.IsValid() {
		pos = n.Pos()
	}
	if n.IsPrimitive() {
		return unknown, c.rej(CodePrimitive, pos, "generated methods may not call primitives ('%s'); use the library's methods", n.Sel)
	}
	argTys := make([]ty, len(n.Args))
	for i, a := range n.Args {
		t, r := c.expr(a)
		if r != nil {
			return unknown, r
		}
		argTys[i] = t
	}
	if n.Resend {
		return unknown, nil
	}
	if n.Recv == nil {
		return c.implicit(n, pos, argTys)
	}
	if _, isSelf := n.Recv.(*lang.Self); isSelf {
		return c.toSelf(n, pos, argTys)
	}
	rt, r := c.expr(n.Recv)
	if r != nil {
		return unknown, r
	}
	if reflective[n.Sel] {
		return unknown, c.rej(CodeReflection, pos, "'%s' changes another object's layout; the policy does not allow it", n.Sel)
	}
	if !rt.known {
		return unknown, nil
	}
	rcv := rt.v
	res := c.vm.Lookup(rcv, n.Sel)
	if !res.Found() && rt.hasAlt {
		rcv = rt.alt
		res = c.vm.Lookup(rcv, n.Sel)
	}
	if !res.Found() {
		what := c.describe(rt.v)
		if rt.hasAlt {
			what += " or " + c.describe(rt.alt)
		}
		return unknown, c.rej(CodeNotUnderstood, pos, "%s does not understand '%s'", what, n.Sel)
	}
	if t := c.result(rcv, res); t.known {
		return t, nil
	}
	return c.protocolAnswer(rt, n.Sel, argTys), nil
}

// implicit checks a send with no receiver: a local, an argument, a slot
// of the receiver's chain or a lobby global, or a send to self.
func (c *checker) implicit(n *lang.Send, pos lang.Pos, args []ty) (ty, *Rejection) {
	switch {
	case n.Kind == lang.Unary:
		if _, ok := c.local(n.Sel); ok {
			return unknown, nil
		}
		if cap, ok := c.req.Policy.Globals[n.Sel]; ok && !c.req.Policy.Grants[cap] && !(cap == "model" && IsFacet(c.req.Selector)) {
			if c.vm.Lookup(vm.Ref(c.vm.Lobby), n.Sel).Found() {
				return unknown, c.rej(CodeCapability, pos, "'%s' needs the capability '%s', which the policy does not grant to generated methods", n.Sel, cap)
			}
		}
	case n.Kind == lang.Keyword && len(n.Args) == 1:
		name := strings.TrimSuffix(n.Sel, ":")
		if b, ok := c.local(name); ok {
			if b.assignable {
				return unknown, nil
			}
			if !b.arg {
				return unknown, c.rej(CodeConstant, pos, "'%s' is a constant local", name)
			}
			// an argument has no assignment slot: an ordinary send to self
		}
	}
	return c.toSelf(n, pos, args)
}

// toSelf checks a send to self (explicit or implicit).
func (c *checker) toSelf(n *lang.Send, pos lang.Pos, args []ty) (ty, *Rejection) {
	if n.Sel == c.req.Selector {
		return unknown, nil // recursion: the method being written
	}
	self := c.req.Receiver
	res := c.vm.Lookup(self, n.Sel)
	if res.Found() {
		if res.Slot.Kind == vm.SlotSetter && len(args) == 1 && args[0].block {
			return unknown, c.rej(CodeTransient, pos, "'%s' would store a block in a slot; blocks die with their method", n.Sel)
		}
		if t := c.result(self, res); t.known {
			return t, nil
		}
		return c.protocolAnswer(c.self(), n.Sel, args), nil
	}
	// an assignment to a constant slot: x: v where x is constant
	if n.Kind == lang.Keyword && len(n.Args) == 1 {
		name := strings.TrimSuffix(n.Sel, ":")
		if r := c.vm.Lookup(self, name); r.Found() {
			return unknown, c.rej(CodeConstant, pos, "'%s' is a constant slot; it cannot be assigned", name)
		}
	}
	if g := c.vm.Lookup(vm.Ref(c.vm.Lobby), n.Sel); g.Found() && n.Recv == nil {
		return c.result(vm.Ref(c.vm.Lobby), g), nil
	}
	c.selfSends++
	if c.selfSends > c.req.Policy.MaxUnknownSelfSends {
		if n.Kind == lang.Unary && n.Recv == nil {
			return unknown, c.rej(CodeUnknownName, pos, "'%s' is not an argument, a local, a slot of %s or a global", n.Sel, c.describe(self))
		}
		return unknown, c.rej(CodeSelfSends, pos, "%s does not understand '%s' (a method may send at most %d not-yet-written selector(s) to self)", c.describe(self), n.Sel, c.req.Policy.MaxUnknownSelfSends)
	}
	return unknown, nil
}

// result infers the value of a send answered by res on rcv: a constant
// slot's value is known, anything else is not.
func (c *checker) result(rcv vm.Value, res vm.LookupResult) ty {
	if res.Slot.Kind == vm.SlotConst {
		if _, isMethod := res.Slot.Const.Method(); !isMethod {
			return ty{known: true, v: res.Slot.Const}
		}
	}
	return unknown
}

func (c *checker) describe(v vm.Value) string {
	if c.req.Name != "" && v == c.req.Receiver {
		return c.req.Name
	}
	if k, ok := c.vm.KindOf(v); ok {
		return "a " + k
	}
	return c.vm.Describe(v)
}
