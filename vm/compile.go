package vm

import (
	"fmt"

	"batos/lang"
)

// evalFn is compiled code: it evaluates one node in a frame.
type evalFn func(fr *Frame) Value

// Code is a compiled method, block or top-level statement. Locals (the
// arguments first) are resolved to indices in the frame at compile time.
type Code struct {
	Name      string
	File      string
	Pos       lang.Pos
	nargs     int
	nlocals   int
	localInit []Value // initial values of locals[nargs:]
	body      evalFn
	hasNLR    bool     // blocks inside return non-locally to this frame
	generated bool     // a method the generative kernel wrote (capabilities)
	trivial   *trivial // how to answer without an activation (trivial.go)
}

// local is a resolved local slot.
type local struct {
	idx        int
	assignable bool
	arg        bool
}

// scope is a lexical scope. A scope with boundary set starts a new frame
// (a method, a real block or a top-level statement); inlined blocks share
// the frame of their enclosing scope.
type scope struct {
	names    map[string]local
	parents  []int // indices of the parent slots among the locals
	parent   *scope
	boundary bool
	frame    *frameInfo
}

// frameInfo accumulates the layout of one frame while compiling it.
type frameInfo struct {
	code *Code
	init []Value // initial values by local index (args included, unused)
	home *frameInfo
}

func (f *frameInfo) newLocal(v Value) int {
	f.init = append(f.init, v)
	return len(f.init) - 1
}

// compiler turns lang AST into closures. Slot initialisers it meets (for
// literals and method locals) are evaluated in the lobby, as in Self, on
// thread t.
type compiler struct {
	t        *Thread
	vm       *VM
	file     string
	sc       *scope
	localRet bool // the expression just compiled may `^` from this frame
	stmt     bool // the expression about to be compiled is a statement (seq)
	check    bool // compile only (batos check): evaluate no initialiser
	// viaFallback: the blocks being compiled are arguments of an inlined
	// control send's fallback made in the method's own frame; their `^`
	// is caught by that fallback (fallbackRet records one), not by the
	// method's every activation.
	viaFallback, fallbackRet bool
}

// compileErr aborts compilation with an error at node n.
func (c *compiler) errorAt(n lang.Node, format string, args ...any) {
	e := &Error{Kind: ErrCompile, File: c.file, Pos: n.Pos(), Msg: fmt.Sprintf(format, args...)}
	e.Trace = c.t.backtrace(&sendSite{file: c.file, pos: n.Pos()})
	panic(e)
}

func (c *compiler) push(boundary bool, fi *frameInfo) *scope {
	c.sc = &scope{names: map[string]local{}, parent: c.sc, boundary: boundary, frame: fi}
	return c.sc
}

func (c *compiler) pop() { c.sc = c.sc.parent }

// declare adds slots (arguments first, then locals) to the current scope.
// It returns the indices of non-argument locals with their initial values
// (for inlined scopes that must reset them on entry).
func (c *compiler) declare(inlineArgs []string, slots []*lang.Slot, node lang.Node) (argIdx []int, resets []localReset) {
	fi := c.sc.frame
	add := func(name string, l local, at lang.Node) {
		if _, dup := c.sc.names[name]; dup {
			c.errorAt(at, "duplicate slot name '%s'", name)
		}
		c.sc.names[name] = l
	}
	for _, a := range inlineArgs {
		i := fi.newLocal(Value{})
		argIdx = append(argIdx, i)
		add(a, local{idx: i, arg: true}, node)
	}
	for _, s := range slots {
		if s.Kind == lang.Argument {
			i := fi.newLocal(Value{})
			argIdx = append(argIdx, i)
			add(s.Name, local{idx: i, arg: true}, s)
		}
	}
	for _, s := range slots {
		if s.Kind == lang.Argument {
			continue
		}
		if MethodBody(s) != nil {
			c.errorAt(s, "method slots are not allowed among locals")
		}
		v := c.vm.NilValue()
		if s.Value != nil && !c.check {
			v = c.t.evalInit(s.Value, c.file)
		}
		i := fi.newLocal(v)
		resets = append(resets, localReset{i, v})
		if s.Parent {
			c.sc.parents = append(c.sc.parents, i)
		}
		add(s.Name, local{idx: i, assignable: s.Kind == lang.Assignable}, s)
	}
	return argIdx, resets
}

type localReset struct {
	idx int
	v   Value
}

// resolve finds a local by name: its frame distance and slot.
func (c *compiler) resolve(name string) (depth int, l local, ok bool) {
	for s := c.sc; s != nil; s = s.parent {
		if l, ok := s.names[name]; ok {
			return depth, l, true
		}
		if s.boundary {
			depth++
		}
	}
	return 0, local{}, false
}

// frameRef names a local in an enclosing frame: depth frames out, index.
type frameRef struct{ depth, idx int }

// parentLocals returns the parent slots among the locals in scope.
func (c *compiler) parentLocals() []frameRef {
	var out []frameRef
	depth := 0
	for s := c.sc; s != nil; s = s.parent {
		for _, i := range s.parents {
			out = append(out, frameRef{depth, i})
		}
		if s.boundary {
			depth++
		}
	}
	return out
}

// inHomeFrame reports whether the current frame is the method's own (so a
// `^` is a local return rather than a non-local one).
func (c *compiler) inHomeFrame() bool {
	for s := c.sc; s != nil; s = s.parent {
		if s.boundary {
			return s.frame.home == s.frame
		}
	}
	return true
}

// ---- entry points ----

// compileMethod compiles a method on first activation.
func (t *Thread) compileMethod(m *Method) *Code {
	c := &compiler{t: t, vm: t.vm, file: m.File}
	m.code = c.method(m)
	return m.code
}

func (c *compiler) method(m *Method) *Code {
	fi := &frameInfo{}
	fi.home = fi
	code := &Code{Name: m.Sel, File: m.File, Pos: m.Body.Pos(), generated: m.Prov != nil}
	fi.code = code
	c.push(true, fi)
	argIdx, _ := c.declare(m.Args, m.Body.Slots, m.Body)
	if len(argIdx) != lang.Arity(m.Sel) {
		c.errorAt(m.Body, "method '%s' takes %d argument(s) but declares %d", m.Sel, lang.Arity(m.Sel), len(argIdx))
	}
	code.nargs = len(argIdx)
	code.body = c.seq(m.Body.Code, func(fr *Frame) Value { return fr.self })
	c.finish(fi)
	code.trivial = c.trivialOf(m, code)
	c.pop()
	return code
}

func (c *compiler) finish(fi *frameInfo) {
	code := fi.code
	code.nlocals = len(fi.init)
	code.localInit = fi.init[code.nargs:]
}

// compileTop compiles one top-level statement, to run with self = lobby.
func (t *Thread) compileTop(e lang.Expr, file, name string) *Code {
	c := &compiler{t: t, vm: t.vm, file: file}
	return c.top(e, name)
}

func (c *compiler) top(e lang.Expr, name string) *Code {
	fi := &frameInfo{}
	fi.home = fi
	code := &Code{Name: name, File: c.file, Pos: e.Pos()}
	fi.code = code
	c.push(true, fi)
	code.body = c.seq([]lang.Expr{e}, nil)
	c.finish(fi)
	c.pop()
	return code
}

// compileBlock compiles a block literal into code for its own frame.
func (c *compiler) compileBlock(b *lang.Block) *Code {
	outer := c.sc.frame
	fi := &frameInfo{home: outer.home}
	code := &Code{Name: "[] in " + outer.home.code.Name, File: c.file, Pos: b.Pos()}
	fi.code = code
	saved := c.localRet
	c.push(true, fi)
	argIdx, _ := c.declare(nil, b.Slots, b)
	code.nargs = len(argIdx)
	code.body = c.seq(b.Code, nil)
	c.finish(fi)
	c.pop()
	c.localRet = saved
	return code
}

// ---- statements ----

// seq compiles a statement list. empty gives the value of an empty list
// (nil when empty is nil).
func (c *compiler) seq(stmts []lang.Expr, empty evalFn) evalFn {
	if len(stmts) == 0 {
		if empty != nil {
			return empty
		}
		vm := c.vm
		return func(*Frame) Value { return vm.NilValue() }
	}
	saved := c.localRet
	mayRet := false
	fns := make([]evalFn, len(stmts))
	for i, s := range stmts {
		c.localRet = false
		c.stmt = true
		fns[i] = c.expr(s)
		mayRet = mayRet || c.localRet
	}
	c.localRet = saved || mayRet
	if !mayRet {
		switch len(fns) {
		case 1:
			return fns[0]
		case 2:
			a, b := fns[0], fns[1]
			return func(fr *Frame) Value { a(fr); return b(fr) }
		}
		return func(fr *Frame) Value {
			n := len(fns) - 1
			for _, f := range fns[:n] {
				f(fr)
			}
			return fns[n](fr)
		}
	}
	// a statement may end the method (an inline ^, such as a guard clause
	// `n < 2 ifTrue: [ ^ n ]`): check after each one. The short lists,
	// the most common, are unrolled.
	switch len(fns) {
	case 1:
		a := fns[0]
		return func(fr *Frame) Value {
			if v := a(fr); !fr.ret {
				return v
			}
			return fr.retv
		}
	case 2:
		a, b := fns[0], fns[1]
		return func(fr *Frame) Value {
			if a(fr); fr.ret {
				return fr.retv
			}
			if v := b(fr); !fr.ret {
				return v
			}
			return fr.retv
		}
	}
	return func(fr *Frame) Value {
		var v Value
		for _, f := range fns {
			v = f(fr)
			if fr.ret {
				return fr.retv
			}
		}
		return v
	}
}

// expr compiles one expression.
//
// A `^` in an inlined block (`c ifTrue: [ ^ x ]`) sets the frame's return
// flag, and the statement sequence checks it between statements; so an
// expression that may return so, and whose value something else uses (the
// receiver or an argument of a send: `log: (c ifTrue: [ ^ x ] False:
// [ y ])`), must not let that use go on: it returns by the panic of a real
// non-local return, which the method catches. Such methods are rare, and
// only they pay for catching.
func (c *compiler) expr(e lang.Expr) evalFn {
	top := c.stmt
	c.stmt = false
	saved := c.localRet
	c.localRet = false
	var f evalFn
	if p, ok := e.(*lang.Paren); ok {
		c.stmt = top // parentheses around a statement leave it one
		f = c.expr(p.X)
	} else {
		f = c.exprNode(e)
	}
	rets := c.localRet
	c.localRet = saved || rets
	if !rets || top {
		return f
	}
	c.localRet = saved // it no longer returns through the flag
	c.sc.frame.home.code.hasNLR = true
	return func(fr *Frame) Value {
		v := f(fr)
		if fr.ret {
			panic(&nlr{home: fr.home, gen: fr.homeGen, val: fr.retv})
		}
		return v
	}
}

// exprNode compiles one expression node (expr's work).
func (c *compiler) exprNode(e lang.Expr) evalFn {
	switch n := e.(type) {
	case *lang.Int:
		var v Value
		if n.Big != nil {
			v = c.vm.bigValue(n.Big)
		} else {
			v = Int(n.Val)
		}
		return func(*Frame) Value { return v }
	case *lang.Float:
		v := c.vm.Float(n.Val)
		return func(*Frame) Value { return v }
	case *lang.String:
		v := c.vm.String(n.Val)
		return func(*Frame) Value { return v }
	case *lang.Self:
		return func(fr *Frame) Value { return fr.self }
	case *lang.Return:
		return c.ret(n)
	case *lang.Send:
		return c.send(n)
	case *lang.Block:
		return c.blockLit(n)
	case *lang.Object:
		return c.objectLit(n)
	}
	c.errorAt(e, "cannot compile %T", e)
	return nil
}

func (c *compiler) ret(n *lang.Return) evalFn {
	if l, ok := c.frameLocal(n.X); ok && l.depth == 0 && c.inHomeFrame() && len(c.parentLocals()) == 0 {
		c.localRet = true
		i := l.idx
		return func(fr *Frame) Value {
			v := fr.locals[i]
			fr.ret, fr.retv = true, v
			return v
		}
	}
	x := c.expr(n.X)
	if c.inHomeFrame() {
		c.localRet = true
		return func(fr *Frame) Value {
			v := x(fr)
			fr.ret, fr.retv = true, v
			return v
		}
	}
	// `^` inside a real block: return from the home method.
	site := &sendSite{sel: "^", file: c.file, pos: n.Pos()}
	if c.viaFallback {
		c.fallbackRet = true
		return func(fr *Frame) Value {
			v := x(fr)
			if fr.home.gen != fr.homeGen {
				fr.t.raiseAt(site, ErrNonLIFO, "non-local return from a block whose method has already returned")
			}
			if fr.home.catching == 0 {
				fr.t.raiseAt(site, ErrNonLIFO, "non-local return from a block whose control send (ifTrue:, to:Do: ...) has already returned")
			}
			panic(&nlr{home: fr.home, gen: fr.homeGen, val: v})
		}
	}
	c.sc.frame.home.code.hasNLR = true
	return func(fr *Frame) Value {
		v := x(fr)
		if fr.home.gen != fr.homeGen {
			fr.t.raiseAt(site, ErrNonLIFO, "non-local return from a block whose method has already returned")
		}
		panic(&nlr{home: fr.home, gen: fr.homeGen, val: v})
	}
}

// blockLit compiles a real (non-inlined) block literal.
func (c *compiler) blockLit(b *lang.Block) evalFn {
	code := c.compileBlock(b)
	vm := c.vm
	m := vm.blockMap(code.nargs)
	return func(fr *Frame) Value {
		return Ref(vm.alloc(m, nil, &Block{code: code, outer: fr, gen: fr.gen}))
	}
}

// objectLit compiles an object literal used as an expression. A data
// object is created once, when first evaluated (Self creates literals when
// the code is read); an object with code runs in place like a block with
// no arguments.
func (c *compiler) objectLit(o *lang.Object) evalFn {
	if len(o.Code) > 0 {
		c.push(false, c.sc.frame)
		_, resets := c.declare(nil, o.Slots, o)
		body := c.seq(o.Code, nil)
		c.pop()
		return withResets(resets, body)
	}
	var made *Object
	file := c.file
	return func(fr *Frame) Value {
		if made == nil {
			made = fr.t.MakeObject(o, file)
		}
		return Ref(made)
	}
}

func withResets(resets []localReset, body evalFn) evalFn {
	if len(resets) == 0 {
		return body
	}
	return func(fr *Frame) Value {
		for _, r := range resets {
			fr.locals[r.idx] = r.v
		}
		return body(fr)
	}
}

// MakeObject creates the object an object literal describes: slot
// initialisers are evaluated in the lobby, method slots become methods.
func (t *Thread) MakeObject(o *lang.Object, file string) *Object {
	slots := make([]Slot, 0, len(o.Slots))
	for _, s := range o.Slots {
		slots = append(slots, t.makeSlot(s, file))
	}
	return t.vm.NewObjectFrom(slots, o.Annotation)
}

// makeSlot turns a slot declaration into a valued Slot.
func (t *Thread) makeSlot(s *lang.Slot, file string) Slot {
	out := Slot{Name: s.Name, Parent: s.Parent, Category: s.Category}
	switch s.Kind {
	case lang.Argument:
		t.raiseAt(&sendSite{file: file, pos: s.Pos()}, ErrCompile, fmt.Sprintf("argument slot ':%s' outside a method or block", s.Name))
	case lang.Assignable:
		out.Kind = SlotData
	default:
		out.Kind = SlotConst
	}
	if body := MethodBody(s); body != nil || len(s.Args) > 0 {
		if body == nil {
			t.raiseAt(&sendSite{file: file, pos: s.Pos()}, ErrCompile, fmt.Sprintf("slot '%s' has arguments but no method body", s.Name))
		}
		out.Const = t.vm.NewMethod(s, body, file)
		return out
	}
	if s.Value == nil {
		out.Const = t.vm.NilValue()
		return out
	}
	out.Const = t.evalInit(s.Value, file)
	return out
}

// MethodBody returns the body of a method slot, or nil when the slot is
// not a method. As in Self, an initialiser that is an object literal with
// code, or a parenthesised expression, makes the slot a method.
func MethodBody(s *lang.Slot) *lang.Object {
	switch v := s.Value.(type) {
	case *lang.Object:
		if len(v.Code) > 0 {
			return v
		}
	case *lang.Paren:
		return &lang.Object{Span: v.Span, Code: []lang.Expr{v.X}}
	}
	return nil
}

// NewMethod returns a method object for the slot declaration s.
func (vm *VM) NewMethod(s *lang.Slot, body *lang.Object, file string) Value {
	m := &Method{Sel: s.Name, Args: s.Args, Body: body, File: file, Source: lang.FormatSlot(s),
		Text: vm.slotText(s, file), At: s.Pos()}
	return Ref(vm.alloc(vm.maps[KMethod], nil, m))
}

// evalInit evaluates a slot initialiser in the lobby.
func (t *Thread) evalInit(e lang.Expr, file string) Value {
	if obj, ok := e.(*lang.Object); ok && len(obj.Code) == 0 {
		return Ref(t.MakeObject(obj, file))
	}
	switch n := e.(type) {
	case *lang.Int:
		if n.Big == nil {
			return Int(n.Val)
		}
	case *lang.String:
		return t.vm.String(n.Val)
	}
	code := t.compileTop(e, file, "<slot initialiser>")
	return t.run(code, Ref(t.vm.Lobby), nil)
}

// run activates top-level code as a nested frame.
func (t *Thread) run(code *Code, self Value, site *sendSite) Value {
	return t.call(nil, code, nil, self, nil, nil, site)
}
