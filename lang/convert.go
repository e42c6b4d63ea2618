package lang

import (
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// conv converts participle's structs into the AST, checking what the
// grammar leaves loose. Errors go to errs; a statement with any error is
// dropped by the caller, so conversion functions may return nil.
type conv struct {
	file  string
	src   string
	lines []int   // offsets where lines start
	toks  []token // every token, in order, to find "the next token"
	strs  map[int]string
	end   Pos // end of the current chunk
	errs  ErrorList
}

func newConv(file, src string, s *scanner) *conv {
	c := &conv{file: file, src: src, toks: s.toks, strs: s.strs, lines: []int{0}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			c.lines = append(c.lines, i+1)
		}
	}
	return c
}

func (c *conv) errorf(p Pos, format string, args ...any) { c.errs.add(c.file, p, format, args...) }

// posAt turns a byte offset into a Pos.
func (c *conv) posAt(off int) Pos {
	line := sort.Search(len(c.lines), func(i int) bool { return c.lines[i] > off }) - 1
	if line < 0 {
		line = 0
	}
	return Pos{Offset: off, Line: line + 1, Col: off - c.lines[line] + 1}
}

func tokPos(t lexer.Token) Pos {
	return Pos{Offset: t.Pos.Offset, Line: t.Pos.Line, Col: t.Pos.Column}
}

func (c *conv) tokEnd(t lexer.Token) Pos { return c.posAt(t.Pos.Offset + len(t.Value)) }

func (c *conv) span(first, last lexer.Token) Span { return Span{tokPos(first), c.tokEnd(last)} }

// after returns the position of the first token after t, where something
// that is missing should have been.
func (c *conv) after(t lexer.Token) Pos {
	end := t.Pos.Offset + len(t.Value)
	i := sort.Search(len(c.toks), func(i int) bool { return c.toks[i].pos.Offset >= end })
	if i < len(c.toks) && c.toks[i].pos.Offset < c.end.Offset {
		return c.toks[i].pos
	}
	return c.end
}

// snippet is the source of e, squeezed onto one line and shortened.
func (c *conv) snippet(e Expr) string {
	s := strings.Join(strings.Fields(c.src[e.Pos().Offset:e.End().Offset]), " ")
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}

// ---- statements and expressions ----

func (c *conv) stmt(g *gStmt) Expr {
	if g.Ret == nil {
		return c.expr(g.X)
	}
	if g.Ret.X == nil {
		c.errorf(c.after(g.Ret.Caret), "expected an expression after '^'")
		return nil
	}
	x := c.expr(g.Ret.X)
	if x == nil {
		return nil
	}
	return &Return{Span: Span{tokPos(g.Ret.Caret), x.End()}, X: x}
}

// code converts statements separated by '.', with an optional final '.'.
func (c *conv) code(items []*gCodeItem) []Expr {
	var out []Expr
	stmt := false // the previous item was a statement
	for _, it := range items {
		if it.Dot != nil {
			if !stmt {
				c.errorf(tokPos(*it.Dot), "unexpected '.': expected a statement")
			}
			stmt = false
			continue
		}
		if stmt {
			c.errorf(stmtPos(it.Stmt), "missing '.' between statements")
		}
		stmt = true
		if e := c.stmt(it.Stmt); e != nil {
			out = append(out, e)
		}
	}
	return out
}

func stmtPos(g *gStmt) Pos {
	if g.Ret != nil {
		return tokPos(g.Ret.Caret)
	}
	return exprPos(g.X)
}

func (c *conv) expr(g *gExpr) Expr {
	if g.Kw != nil {
		return c.kwSend(g.Kw, nil)
	}
	recv := c.binary(g.Bin)
	if g.Kw2 == nil {
		return recv
	}
	if g.Kw2.Deleg != nil {
		c.errorf(tokPos(*g.Kw2.Deleg), "a resend such as '%s%s' must not have a receiver", g.Kw2.Deleg.Value, g.Kw2.First.Value)
		return nil
	}
	kw := c.kwSend(g.Kw2, recv)
	if recv == nil {
		return nil
	}
	return kw
}

// resend marks s as a resend through the delegate token, if any.
func resend(s *Send, deleg *lexer.Token) {
	if deleg == nil {
		return
	}
	s.Resend = true
	if name := strings.TrimSuffix(deleg.Value, "."); name != "resend" {
		s.Delegate = name
	}
}

func (c *conv) kwSend(g *gKwSend, recv Expr) Expr {
	sel := g.First.Value
	ok := c.checkSel(g.First)
	args := []Expr{c.kwArg(g.First, g.Arg)}
	for _, p := range g.Rest {
		sel += p.Kw.Value
		args = append(args, c.kwArg(p.Kw, p.Arg))
	}
	for _, a := range args {
		if a == nil {
			ok = false
		}
	}
	if !ok {
		return nil
	}
	start := tokPos(g.First)
	if g.Deleg != nil {
		start = tokPos(*g.Deleg)
	}
	if recv != nil {
		start = recv.Pos()
	}
	s := &Send{Span: Span{start, args[len(args)-1].End()}, SelPos: tokPos(g.First), Recv: recv, Kind: Keyword, Sel: sel, Args: args}
	resend(s, g.Deleg)
	return s
}

func (c *conv) kwArg(kw lexer.Token, g *gExpr) Expr {
	if g == nil {
		c.errorf(c.after(kw), "missing argument after '%s'", kw.Value)
		return nil
	}
	return c.expr(g)
}

func (c *conv) binary(g *gBinary) Expr {
	var e Expr
	tails := g.Tails
	implicit := g.Recv == nil
	bad := false
	if implicit {
		tails = append([]*gBinTail{g.Impl}, tails...)
	} else if e = c.unary(g.Recv); e == nil {
		bad = true
	}
	prev := ""
	for i, t := range tails {
		opTok, op := t.Neg, "-"
		if t.Op != nil {
			opTok, op = t.Op, t.Op.Value
		}
		if t.Deleg != nil && (!implicit || i > 0) {
			c.errorf(tokPos(*t.Deleg), "a resend such as '%s%s' must not have a receiver", t.Deleg.Value, op)
			bad = true
		}
		if prev != "" && op != prev && !bad {
			c.errorf(tokPos(*opTok), "binary operators have no precedence in Self: parenthesise `%s` before `%s`", c.snippet(e), op)
			bad = true
		}
		prev = op
		arg := c.binArg(t, op)
		if arg == nil || bad {
			bad = true
			continue
		}
		start := tokPos(*opTok)
		if t.Deleg != nil {
			start = tokPos(*t.Deleg)
		}
		if e != nil {
			start = e.Pos()
		}
		s := &Send{Span: Span{start, arg.End()}, SelPos: tokPos(*opTok), Recv: e, Kind: Binary, Sel: op, Args: []Expr{arg}}
		resend(s, t.Deleg)
		e = s
	}
	if bad {
		return nil
	}
	return e
}

func (c *conv) binArg(t *gBinTail, op string) Expr {
	if t.Op == nil {
		// `x -1 abs` is x - (1 abs): the number loses its sign.
		var e Expr = c.number(*t.Neg, true)
		for _, s := range t.NegSends {
			if e = c.unarySend(e, s); e == nil {
				return nil
			}
		}
		return e
	}
	switch {
	case t.Arg == nil && strings.HasPrefix(op, "||"):
		c.errorf(c.after(*t.Op), "missing argument after '%s' (an empty slot list is written with a space: (| |))", op)
		return nil
	case t.Arg == nil:
		c.errorf(c.after(*t.Op), "missing argument after '%s'", op)
		return nil
	case t.Arg.Kw != nil:
		return c.kwSend(t.Arg.Kw, nil)
	}
	return c.unary(t.Arg.Unary)
}

func (c *conv) unary(g *gUnary) Expr {
	var e Expr
	if g.Prim != nil {
		e = c.primary(g.Prim)
	} else {
		first := *g.First
		if !c.checkSel(first) {
			return nil
		}
		span := c.span(first, first)
		if g.Deleg != nil {
			span.Start = tokPos(*g.Deleg)
		}
		s := &Send{Span: span, SelPos: tokPos(first), Kind: Unary, Sel: first.Value}
		resend(s, g.Deleg)
		e = s
	}
	for _, t := range g.Sends {
		if e == nil {
			return nil
		}
		e = c.unarySend(e, t)
	}
	return e
}

func (c *conv) unarySend(recv Expr, t lexer.Token) Expr {
	if !c.checkSel(t) {
		return nil
	}
	return &Send{Span: Span{recv.Pos(), c.tokEnd(t)}, SelPos: tokPos(t), Recv: recv, Kind: Unary, Sel: t.Value}
}

// checkSel reports a unary selector or first keyword that no message can
// have: a capitalised one, or '_' with no primitive name after it.
func (c *conv) checkSel(t lexer.Token) bool {
	switch {
	case t.Type == tCapIdent:
		c.errorf(tokPos(t), "message names must begin with a lowercase letter or '_': '%s'", t.Value)
	case t.Value == "_" || t.Value == "_:":
		c.errorf(tokPos(t), "missing rest of primitive name after '_' (primitives are named like _Clone or _IntAdd:)")
	default:
		return true
	}
	return false
}

func (c *conv) primary(g *gPrimary) Expr {
	switch {
	case g.Self != nil:
		return &Self{Span: c.span(*g.Self, *g.Self)}
	case g.Num != nil:
		return c.number(*g.Num, false)
	case g.Str != nil:
		return &String{Span: c.span(*g.Str, *g.Str), Val: c.strs[g.Str.Pos.Offset]}
	case g.Obj != nil:
		return c.object(g.Obj, exprObject, "", 0)
	case g.Block != nil:
		return c.block(g.Block)
	}
	return c.annotated(g.Annot, exprObject, "", 0)
}

// number converts a numeric literal; dropSign drops its leading '-'.
func (c *conv) number(t lexer.Token, dropSign bool) Expr {
	text, start := t.Value, t.Pos.Offset
	if dropSign {
		text, start = text[1:], start+1
	}
	span := Span{c.posAt(start), c.tokEnd(t)}
	digits := strings.TrimPrefix(text, "-")
	if r := strings.IndexAny(digits, "rR"); r > 0 {
		base, _ := strconv.Atoi(digits[:r])
		return c.integer(span, digits[r+1:], base, len(digits) < len(text))
	}
	if strings.ContainsAny(digits, ".eE") {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && f == 0 && !strings.Contains(err.Error(), "range") {
			c.errorf(span.Start, "malformed number %s", text)
			return nil
		}
		return &Float{Span: span, Val: f}
	}
	return c.integer(span, digits, 10, len(digits) < len(text))
}

func (c *conv) integer(span Span, digits string, base int, neg bool) Expr {
	v, ok := new(big.Int).SetString(digits, base)
	if !ok {
		c.errorf(span.Start, "malformed number")
		return nil
	}
	if neg {
		v.Neg(v)
	}
	if v.IsInt64() {
		return &Int{Span: span, Val: v.Int64()}
	}
	return &Int{Span: span, Big: v}
}
