package lang

import "github.com/alecthomas/participle/v2/lexer"

// The fast path. participle reads the grammar of grammar.go by reflection
// and allocates for every alternative it tries: about 7 ms and 5 MB for a
// 30-line method, which is most of the generative kernel's guardian and of
// the library's boot. descent is a hand-written recursive-descent parser
// for exactly that grammar: it fills the same g* structs, choosing each
// alternative by the next token as participle does with lookahead 0 (an
// alternative that has consumed a token is committed).
//
// It handles only input the grammar accepts. On the first token that the
// grammar does not allow it gives up, and the statement is parsed again by
// participle, whose error (turned into plain words by grammarError) is the
// one reported. So the grammar in grammar.go stays the one definition of
// the syntax, errors are unchanged, and TestDescentAgrees (with its fuzz
// target) checks that on every input both parsers build the same tree.

// descent parses one statement's tokens into grammar structs.
type descent struct {
	file string
	toks []token
	i    int
}

// errDescent is the panic value that abandons the fast path.
type errDescent struct{}

// descend parses toks as a statement (or, with exprOnly, an expression).
// ok is false when the grammar does not accept the tokens; the caller then
// asks participle, for its error.
func descend(file string, toks []token, exprOnly bool) (g any, ok bool) {
	d := &descent{file: file, toks: toks}
	defer func() {
		if r := recover(); r != nil {
			if _, mine := r.(errDescent); !mine {
				panic(r)
			}
			g, ok = nil, false
		}
	}()
	if exprOnly {
		g = d.expr()
	} else {
		g = d.stmt()
	}
	if d.i != len(d.toks) {
		return nil, false
	}
	return g, true
}

func (d *descent) peek() lexer.TokenType {
	if d.i < len(d.toks) {
		return d.toks[d.i].typ
	}
	return tEOF
}

// peekOp reports whether the next token is the operator op.
func (d *descent) peekOp(ops ...string) bool {
	if d.i >= len(d.toks) || d.toks[d.i].typ != tOp {
		return false
	}
	for _, op := range ops {
		if d.toks[d.i].text == op {
			return true
		}
	}
	return false
}

// take consumes the next token, as participle captures it.
func (d *descent) take() lexer.Token {
	t := d.toks[d.i]
	d.i++
	return lexer.Token{Type: t.typ, Value: t.text,
		Pos: lexer.Position{Filename: d.file, Offset: t.pos.Offset, Line: t.pos.Line, Column: t.pos.Col}}
}

func (d *descent) takeOpt() *lexer.Token {
	t := d.take()
	return &t
}

// expect consumes a token of type typ, or abandons the fast path.
func (d *descent) expect(typ lexer.TokenType) lexer.Token {
	if d.peek() != typ {
		panic(errDescent{})
	}
	return d.take()
}

func (d *descent) isName() bool { t := d.peek(); return t == tIdent || t == tCapIdent }

// The FIRST sets of the grammar's rules.

func startsPrimary(t lexer.TokenType) bool {
	switch t {
	case tSelf, tNumber, tNegNumber, tString, tLParen, tLBrack, tLBrace:
		return true
	}
	return false
}

func startsUnary(t lexer.TokenType) bool {
	return startsPrimary(t) || t == tDelegate || t == tIdent || t == tCapIdent
}

func startsBinTail(t lexer.TokenType) bool { return t == tDelegateOp || t == tOp || t == tNegNumber }

func startsKwSend(t lexer.TokenType) bool { return t == tDelegateKw || t == tKeyword }

func startsExpr(t lexer.TokenType) bool {
	return startsKwSend(t) || startsUnary(t) || startsBinTail(t)
}

func startsSlotItem(t lexer.TokenType) bool {
	switch t {
	case tDot, tLBrace, tArg, tKeyword, tOp, tIdent, tCapIdent:
		return true
	}
	return false
}

// ---- statements and expressions ----

func (d *descent) stmt() *gStmt {
	if d.peek() == tCaret {
		r := &gReturn{Caret: d.take()}
		if startsExpr(d.peek()) {
			r.X = d.expr()
		}
		return &gStmt{Ret: r}
	}
	if !startsExpr(d.peek()) {
		panic(errDescent{})
	}
	return &gStmt{X: d.expr()}
}

func (d *descent) optExpr() *gExpr {
	if startsExpr(d.peek()) {
		return d.expr()
	}
	return nil
}

func (d *descent) expr() *gExpr {
	if startsKwSend(d.peek()) {
		return &gExpr{Kw: d.kwSend()}
	}
	g := &gExpr{Bin: d.binary()}
	if startsKwSend(d.peek()) {
		g.Kw2 = d.kwSend()
	}
	return g
}

func (d *descent) kwSend() *gKwSend {
	g := &gKwSend{}
	if d.peek() == tDelegateKw {
		g.Deleg = d.takeOpt()
	}
	g.First = d.expect(tKeyword)
	g.Arg = d.optExpr()
	for d.peek() == tCapKeyword {
		g.Rest = append(g.Rest, &gKwPart{Kw: d.take(), Arg: d.optExpr()})
	}
	return g
}

func (d *descent) binary() *gBinary {
	g := &gBinary{}
	switch t := d.peek(); {
	case startsUnary(t):
		g.Recv = d.unary()
	case startsBinTail(t):
		g.Impl = d.binTail()
	default:
		panic(errDescent{})
	}
	for startsBinTail(d.peek()) {
		g.Tails = append(g.Tails, d.binTail())
	}
	return g
}

func (d *descent) binTail() *gBinTail {
	g := &gBinTail{}
	if d.peek() == tDelegateOp {
		g.Deleg = d.takeOpt()
	}
	switch d.peek() {
	case tOp:
		g.Op = d.takeOpt()
		switch t := d.peek(); {
		case startsKwSend(t):
			g.Arg = &gBinArg{Kw: d.kwSend()}
		case startsUnary(t):
			g.Arg = &gBinArg{Unary: d.unary()}
		}
	case tNegNumber:
		g.Neg = d.takeOpt()
		for d.isName() {
			g.NegSends = append(g.NegSends, d.take())
		}
	default:
		panic(errDescent{})
	}
	return g
}

func (d *descent) unary() *gUnary {
	g := &gUnary{}
	switch t := d.peek(); {
	case startsPrimary(t):
		g.Prim = d.primary()
	case t == tDelegate:
		g.Deleg = d.takeOpt()
		if !d.isName() {
			panic(errDescent{})
		}
		g.First = d.takeOpt()
	case d.isName():
		g.First = d.takeOpt()
	default:
		panic(errDescent{})
	}
	for d.isName() {
		g.Sends = append(g.Sends, d.take())
	}
	return g
}

func (d *descent) primary() *gPrimary {
	switch d.peek() {
	case tSelf:
		return &gPrimary{Self: d.takeOpt()}
	case tNumber, tNegNumber:
		return &gPrimary{Num: d.takeOpt()}
	case tString:
		return &gPrimary{Str: d.takeOpt()}
	case tLParen:
		return &gPrimary{Obj: d.object()}
	case tLBrack:
		return &gPrimary{Block: d.block()}
	case tLBrace:
		return &gPrimary{Annot: d.annotExpr()}
	}
	panic(errDescent{})
}

func (d *descent) annotExpr() *gAnnotExpr {
	g := &gAnnotExpr{Open: d.expect(tLBrace)}
	if d.peek() == tString {
		g.Text = d.takeOpt()
	}
	switch d.peek() {
	case tLParen:
		g.Obj = d.object()
	case tLBrack:
		g.Block = d.block()
	}
	g.Close = d.expect(tRBrace)
	return g
}

// ---- objects, blocks and slots ----

func (d *descent) object() *gObject {
	g := &gObject{Open: d.expect(tLParen)}
	g.Slots, g.Code = d.body()
	g.Close = d.expect(tRParen)
	return g
}

func (d *descent) block() *gBlock {
	g := &gBlock{Open: d.expect(tLBrack)}
	g.Slots, g.Code = d.body()
	g.Close = d.expect(tRBrack)
	return g
}

// body is what objects and blocks share: a slot list and code.
func (d *descent) body() (*gSlotList, []*gCodeItem) {
	var slots *gSlotList
	if d.peek() == tBar {
		slots = &gSlotList{Open: d.take()}
		slots.Items = d.slotItems()
		slots.Close = d.expect(tBar)
	}
	var code []*gCodeItem
	for {
		switch t := d.peek(); {
		case t == tDot:
			code = append(code, &gCodeItem{Dot: d.takeOpt()})
		case t == tCaret || startsExpr(t):
			code = append(code, &gCodeItem{Stmt: d.stmt()})
		default:
			return slots, code
		}
	}
}

func (d *descent) slotItems() []*gSlotItem {
	var items []*gSlotItem
	for startsSlotItem(d.peek()) {
		items = append(items, d.slotItem())
	}
	return items
}

func (d *descent) slotItem() *gSlotItem {
	switch d.peek() {
	case tDot:
		return &gSlotItem{Dot: d.takeOpt()}
	case tLBrace:
		return &gSlotItem{Group: d.annotGroup()}
	case tArg:
		return &gSlotItem{Slot: &gSlot{Arg: d.takeOpt()}}
	case tKeyword:
		return &gSlotItem{Slot: &gSlot{Kw: d.kwSlot()}}
	case tOp:
		return &gSlotItem{Slot: &gSlot{Bin: d.binSlot()}}
	}
	return &gSlotItem{Slot: &gSlot{Un: d.unarySlot()}}
}

func (d *descent) annotGroup() *gAnnotGroup {
	g := &gAnnotGroup{Open: d.expect(tLBrace)}
	if d.peek() == tRBrace {
		g.ObjClose = d.takeOpt()
		if d.peekOp("=") {
			g.ObjEq = d.takeOpt()
		}
		if d.peek() == tString {
			g.ObjText = d.takeOpt()
		}
		return g
	}
	if d.peek() == tString {
		g.Text = d.takeOpt()
	}
	g.Items = d.slotItems()
	c := d.expect(tRBrace)
	g.Close = &c
	return g
}

func (d *descent) unarySlot() *gUnarySlot {
	if !d.isName() {
		panic(errDescent{})
	}
	g := &gUnarySlot{Name: d.take()}
	if d.peekOp("*") {
		g.Star = d.takeOpt()
	}
	switch t := d.peek(); {
	case d.peekOp("=", "<-", "*=", "*<-"):
		g.Assign = d.takeOpt()
		g.Value = d.optExpr()
	case t != tLBrace && startsExpr(t):
		g.Junk = d.expr()
	}
	return g
}

func (d *descent) binSlot() *gBinSlot {
	g := &gBinSlot{Op: d.expect(tOp)}
	if d.isName() {
		g.Arg = d.takeOpt()
	}
	if d.peekOp("=") {
		g.Eq = d.takeOpt()
	}
	g.Value = d.optExpr()
	return g
}

func (d *descent) kwSlot() *gKwSlot {
	g := &gKwSlot{First: d.expect(tKeyword)}
	if d.isName() {
		g.FirstArg = d.takeOpt()
	}
	for d.peek() == tCapKeyword {
		p := &gKwSlotPart{Kw: d.take()}
		if d.isName() {
			p.Arg = d.takeOpt()
		}
		g.Parts = append(g.Parts, p)
	}
	if d.peekOp("=") {
		g.Eq = d.takeOpt()
	}
	g.Value = d.optExpr()
	return g
}
