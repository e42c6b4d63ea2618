package lang

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// objectRole says where an object literal stands, which decides what it
// becomes and how many argument slots it may declare.
type objectRole int

const (
	// exprObject: in an expression. `( e )` with one expression and no
	// slot list is a *Paren; argument slots are not allowed.
	exprObject objectRole = iota
	// methodObject: the whole initialiser of a `=` slot. It stays an
	// *Object (with code it is a method) and must declare exactly the
	// argument slots its selector still needs.
	methodObject
	// annotObject: an annotated object `{ 'text' ( ... ) }` in an
	// expression: like exprObject, but it stays an *Object.
	annotObject
)

// object converts `( ... )`. For a methodObject, sel names the slot and
// want is how many ':x' argument slots it must declare.
func (c *conv) object(g *gObject, role objectRole, sel string, want int) Expr {
	o := &Object{Span: c.span(g.Open, g.Close)}
	if g.Slots != nil {
		o.HasSlotList = true
		o.Slots, o.Annotation = c.slotList(g.Slots)
	}
	o.Code = c.code(g.Code)
	if role == exprObject && !o.HasSlotList && len(o.Code) == 1 && isSingleExpr(g.Code) {
		return &Paren{Span: o.Span, X: o.Code[0]}
	}
	args := argSlots(o.Slots)
	switch {
	case role != methodObject && len(args) > 0:
		c.errorf(args[0].Pos(), "argument slot ':%s' is not allowed here: only blocks and the methods of keyword and binary slots take arguments", args[0].Name)
	case role == methodObject && len(args) != want:
		if want == 0 {
			c.errorf(args[0].Pos(), "argument slot ':%s' is not allowed here: unary slot '%s' takes no arguments", args[0].Name, sel)
		} else {
			c.errorf(tokPos(g.Open), "'%s' takes %d argument(s) but this method declares %d", sel, Arity(sel), len(args)+Arity(sel)-want)
		}
	case role == methodObject && Arity(sel) > 0 && !hasCode(g.Code):
		// Self: an object without code is data, which takes no arguments.
		c.errorf(tokPos(g.Open), "slot '%s' takes arguments, so its value must be a method with code, not a data object", sel)
	}
	return o
}

// isSingleExpr reports whether code is one statement that is not a return.
func isSingleExpr(code []*gCodeItem) bool {
	n := 0
	for _, it := range code {
		if it.Stmt != nil {
			if it.Stmt.Ret != nil {
				return false
			}
			n++
		}
	}
	return n == 1
}

func hasCode(code []*gCodeItem) bool {
	for _, it := range code {
		if it.Stmt != nil {
			return true
		}
	}
	return false
}

func argSlots(slots []*Slot) []*Slot {
	var out []*Slot
	for _, s := range slots {
		if s.Kind == Argument {
			out = append(out, s)
		}
	}
	return out
}

func (c *conv) block(g *gBlock) Expr {
	b := &Block{Span: c.span(g.Open, g.Close)}
	if g.Slots != nil {
		b.HasSlotList = true
		b.Slots, b.Annotation = c.slotList(g.Slots)
	}
	b.Code = c.code(g.Code)
	if args := argSlots(b.Slots); len(args) > 0 && !hasCode(g.Code) {
		c.errorf(args[0].Pos(), "a block with arguments must have code")
	}
	return b
}

// annotated converts `{ 'text' ( ... ) }` or `{ 'text' [ ... ] }`. The
// annotation goes to the object, unless its slot list has its own
// `{} = '...'`, which wins, as in Self.
func (c *conv) annotated(g *gAnnotExpr, role objectRole, sel string, want int) Expr {
	if g.Text == nil {
		c.errorf(c.after(g.Open), "expected an annotation string after '{'")
		return nil
	}
	text := c.strs[g.Text.Pos.Offset]
	span := c.span(g.Open, g.Close)
	switch {
	case g.Obj != nil && text == "":
		// An empty annotation is no annotation.
		return c.object(g.Obj, role, sel, want)
	case g.Obj != nil:
		if role == exprObject {
			role = annotObject
		}
		o, ok := c.object(g.Obj, role, sel, want).(*Object)
		if !ok {
			return nil
		}
		if o.Annotation == "" {
			o.Annotation = text
		}
		o.Span = span
		return o
	case g.Block != nil:
		b, ok := c.block(g.Block).(*Block)
		if !ok {
			return nil
		}
		if b.Annotation == "" {
			b.Annotation = text
		}
		b.Span = span
		return b
	}
	c.errorf(c.after(*g.Text), "expected an object '( ... )' or a block '[ ... ]' after the annotation")
	return nil
}

// slotList converts `| items |` and returns the slots and the object
// annotation.
func (c *conv) slotList(g *gSlotList) ([]*Slot, string) {
	l := &slotLister{c: c, seen: map[string]bool{}}
	l.items(g.Items, "")
	return l.slots, l.annotation
}

type slotLister struct {
	c          *conv
	slots      []*Slot
	annotation string
	seen       map[string]bool
}

// items converts slot items under category. A slot must be followed by
// '.' unless the list or group ends or an annotation group follows (as in
// Self); an annotation group may be followed by '.'.
func (l *slotLister) items(items []*gSlotItem, category string) {
	c := l.c
	var after *Slot // the previous item was this slot, with no '.' yet
	dotOK := false
	for _, it := range items {
		switch {
		case it.Dot != nil:
			if !dotOK {
				c.errorf(tokPos(*it.Dot), "unexpected '.' in slot list")
			}
			after, dotOK = nil, false
			continue
		case after != nil && it.Group == nil:
			c.errorf(itemPos(it), "missing '.' after slot '%s'", after.Name)
		}
		if it.Group != nil {
			l.group(it.Group, category)
			after, dotOK = nil, true
			continue
		}
		s := c.slot(it.Slot)
		after, dotOK = nil, true
		if s == nil {
			continue
		}
		s.Category = category
		if l.seen[s.Name] {
			c.errorf(s.Pos(), "slot '%s' is declared twice", s.Name)
		}
		l.seen[s.Name] = true
		l.slots = append(l.slots, s)
		after = s
	}
}

func itemPos(it *gSlotItem) Pos {
	switch {
	case it.Group != nil:
		return tokPos(it.Group.Open)
	case it.Slot != nil:
		return tokPos(firstSlotTok(it.Slot))
	}
	return tokPos(*it.Dot)
}

func firstSlotTok(g *gSlot) lexer.Token {
	switch {
	case g.Arg != nil:
		return *g.Arg
	case g.Kw != nil:
		return g.Kw.First
	case g.Bin != nil:
		return g.Bin.Op
	}
	return g.Un.Name
}

// group converts `{} = 'text'` or `{ 'Category: x' items }`.
func (l *slotLister) group(g *gAnnotGroup, category string) {
	c := l.c
	if g.ObjClose != nil {
		switch {
		case g.ObjEq == nil:
			c.errorf(c.after(*g.ObjClose), "expected '=' after '{}' in an object annotation {} = 'text'")
		case g.ObjText == nil:
			c.errorf(c.after(*g.ObjEq), "expected a string after '{} =' in an object annotation")
		default:
			l.annotation = c.strs[g.ObjText.Pos.Offset]
		}
		return
	}
	if g.Text == nil {
		c.errorf(c.after(g.Open), "expected an annotation string after '{', as in { 'Category: accessing' slots }")
		return
	}
	l.items(g.Items, c.strs[g.Text.Pos.Offset])
}

// checkName reports a slot name that Self does not allow.
func (c *conv) checkName(t lexer.Token, name string) bool {
	switch {
	case name == "_":
		c.errorf(tokPos(t), "%s", privacyHint("_", "private"))
	case strings.HasPrefix(name, "_"):
		c.errorf(tokPos(t), "slot names cannot begin with '_' (that is for primitives): '%s'", name)
	case isUpper(name[0]):
		c.errorf(tokPos(t), "slot names must begin with a lowercase letter: '%s'", name)
	default:
		return true
	}
	return false
}

func (c *conv) slot(g *gSlot) *Slot {
	switch {
	case g.Arg != nil:
		name := g.Arg.Value[1:]
		if !c.checkName(*g.Arg, name) {
			return nil
		}
		return &Slot{Span: c.span(*g.Arg, *g.Arg), Name: name, Kind: Argument}
	case g.Kw != nil:
		return c.keywordSlot(g.Kw)
	case g.Bin != nil:
		return c.binarySlot(g.Bin)
	}
	return c.unarySlot(g.Un)
}

func (c *conv) unarySlot(g *gUnarySlot) *Slot {
	name := g.Name.Value
	if !c.checkName(g.Name, name) {
		return nil
	}
	s := &Slot{Span: c.span(g.Name, g.Name), Name: name, Kind: Assignable}
	last := g.Name
	assigned := g.Assign != nil
	if g.Star != nil {
		s.Parent, last = true, *g.Star
	}
	if assigned {
		op := g.Assign.Value
		if strings.HasPrefix(op, "*") {
			if s.Parent {
				c.errorf(tokPos(*g.Assign), "unexpected '%s' after '%s*'", op, name)
				return nil
			}
			s.Parent, op = true, op[1:]
		}
		last = *g.Assign
		if op == "=" {
			s.Kind = Constant
		}
	}
	s.Stop = c.tokEnd(last)
	switch {
	case g.Junk != nil:
		if j := g.Junk; j.Kw == nil && j.Bin.Recv == nil && j.Bin.Impl.Op != nil && strings.HasPrefix(j.Bin.Impl.Op.Value, "**") {
			c.errorf(exprPos(j), "'%s**' is a Self 2 priority parent, which Self 4 no longer has: write '%s*'", name, name)
			return nil
		}
		c.errorf(exprPos(g.Junk), "expected '=', '<-', '.' or '|' after slot '%s'", name)
		return nil
	case assigned && g.Value == nil:
		c.errorf(c.after(last), "missing initial value for slot '%s'", name)
		return nil
	case g.Value == nil:
		return s
	}
	if s.Kind == Constant {
		s.Value = c.methodOrExpr(g.Value, name, 0)
	} else if p := bareObject(g.Value); p != nil && isMethod(p) {
		// Self: `a <- (self)` is not `a <- self`.
		c.errorf(tokPos(last), "cannot put a method in an assignable slot: '%s' takes a value (write it without parentheses), '=' a method", last.Value)
		return nil
	} else {
		s.Value = c.expr(g.Value)
	}
	if s.Value == nil {
		return nil
	}
	s.Stop = s.Value.End()
	return s
}

func (c *conv) binarySlot(g *gBinSlot) *Slot {
	op := g.Op.Value
	s := &Slot{Span: c.span(g.Op, g.Op), Name: op, Kind: Constant}
	last := g.Op
	if g.Arg != nil {
		if !c.checkName(*g.Arg, g.Arg.Value) {
			return nil
		}
		s.Args, last = []string{g.Arg.Value}, *g.Arg
	}
	if g.Eq == nil {
		if strings.HasPrefix(op, "|") {
			c.errorf(tokPos(g.Op), "operator '%s' in a slot list: put a space after '|' to end the slot list", op)
		} else {
			c.errorf(c.after(last), "expected '=' and a method after binary slot '%s', as in %s x = ( ... )", op, op)
		}
		return nil
	}
	return c.methodSlot(s, *g.Eq, g.Value)
}

func (c *conv) keywordSlot(g *gKwSlot) *Slot {
	name := g.First.Value
	if !c.checkName(g.First, name) {
		return nil
	}
	s := &Slot{Span: c.span(g.First, g.First), Kind: Constant}
	last := g.First
	inline := g.FirstArg != nil
	if inline {
		if !c.checkName(*g.FirstArg, g.FirstArg.Value) {
			return nil
		}
		s.Args, last = append(s.Args, g.FirstArg.Value), *g.FirstArg
	}
	for _, p := range g.Parts {
		name += p.Kw.Value
		last = p.Kw
		switch {
		case inline && p.Arg == nil:
			c.errorf(c.after(p.Kw), "expected an argument name after '%s' (name every argument inline, or none)", p.Kw.Value)
			return nil
		case !inline && p.Arg != nil:
			c.errorf(tokPos(*p.Arg), "unexpected argument name '%s': name every argument inline, or none", p.Arg.Value)
			return nil
		case p.Arg != nil:
			if !c.checkName(*p.Arg, p.Arg.Value) {
				return nil
			}
			s.Args, last = append(s.Args, p.Arg.Value), *p.Arg
		}
	}
	s.Name = name
	if g.Eq == nil {
		c.errorf(c.after(last), "expected '=' and a method after keyword slot '%s'", name)
		return nil
	}
	return c.methodSlot(s, *g.Eq, g.Value)
}

// methodSlot fills in the method of a binary or keyword slot.
func (c *conv) methodSlot(s *Slot, eq lexer.Token, g *gExpr) *Slot {
	if g == nil || bareObject(g) == nil {
		p := c.after(eq)
		if g != nil {
			p = exprPos(g)
		}
		c.errorf(p, "the value of slot '%s' must be a method '( ... )'", s.Name)
		return nil
	}
	s.Value = c.methodOrExpr(g, s.Name, Arity(s.Name)-len(s.Args))
	if s.Value == nil {
		return nil
	}
	s.Stop = s.Value.End()
	return s
}

// methodOrExpr converts the initialiser of a '=' slot: an object literal
// on its own stays an *Object (a method if it has code).
func (c *conv) methodOrExpr(g *gExpr, sel string, want int) Expr {
	switch p := bareObject(g); {
	case p == nil:
		return c.expr(g)
	case p.Obj != nil:
		return c.object(p.Obj, methodObject, sel, want)
	default:
		return c.annotated(p.Annot, methodObject, sel, want)
	}
}

// bareObject returns the primary if g is just an object literal, plain
// or annotated, with no message sent to it.
func bareObject(g *gExpr) *gPrimary {
	if g.Kw != nil || g.Kw2 != nil || len(g.Bin.Tails) > 0 || g.Bin.Recv == nil {
		return nil
	}
	u := g.Bin.Recv
	if u.Prim == nil || len(u.Sends) > 0 {
		return nil
	}
	if u.Prim.Obj != nil || u.Prim.Annot != nil && u.Prim.Annot.Obj != nil {
		return u.Prim
	}
	return nil
}

// isMethod reports whether an object literal (plain or annotated) has
// code, which makes it a method when it initialises a slot.
func isMethod(p *gPrimary) bool {
	if p.Obj != nil {
		return hasCode(p.Obj.Code)
	}
	return p.Annot != nil && p.Annot.Obj != nil && hasCode(p.Annot.Obj.Code)
}

// exprPos is where an expression's first token is.
func exprPos(g *gExpr) Pos {
	switch {
	case g.Kw != nil:
		if g.Kw.Deleg != nil {
			return tokPos(*g.Kw.Deleg)
		}
		return tokPos(g.Kw.First)
	case g.Bin.Recv == nil:
		t := g.Bin.Impl
		if t.Deleg != nil {
			return tokPos(*t.Deleg)
		}
		if t.Op != nil {
			return tokPos(*t.Op)
		}
		return tokPos(*t.Neg)
	}
	u := g.Bin.Recv
	switch {
	case u.Prim == nil && u.Deleg != nil:
		return tokPos(*u.Deleg)
	case u.Prim == nil:
		return tokPos(*u.First)
	}
	p := u.Prim
	for _, t := range []*lexer.Token{p.Self, p.Num, p.Str} {
		if t != nil {
			return tokPos(*t)
		}
	}
	switch {
	case p.Obj != nil:
		return tokPos(p.Obj.Open)
	case p.Block != nil:
		return tokPos(p.Block.Open)
	}
	return tokPos(p.Annot.Open)
}
