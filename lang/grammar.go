package lang

import (
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The participle grammar. It is deliberately looser than Self in a few
// places (a missing argument, a slot value without '=') so that parse.go,
// which sees the whole construct, can say what is wrong in plain words.
// Brackets are known to balance before these rules run (see split.go).
// The rules are LL(1): the lexer tells the kinds of resend apart.

// gStmt is a statement: an expression or a return.
type gStmt struct {
	Ret *gReturn `parser:"  @@"`
	X   *gExpr   `parser:"| @@"`
}

type gReturn struct {
	Caret lexer.Token `parser:"@Caret"`
	X     *gExpr      `parser:"@@?"`
}

// gExpr is a keyword message with an implicit receiver, or a binary
// expression optionally followed by a keyword message to it.
type gExpr struct {
	Kw  *gKwSend `parser:"  @@"`
	Bin *gBinary `parser:"| @@"`
	Kw2 *gKwSend `parser:"  @@?"`
}

// gKwSend is `[deleg.]small: arg {Cap: arg}`. Each argument is a whole
// expression, so a lowercase keyword inside it starts a nested message:
// keyword messages associate to the right.
type gKwSend struct {
	Deleg *lexer.Token `parser:"@DelegateKw?"`
	First lexer.Token  `parser:"@Keyword"`
	Arg   *gExpr       `parser:"@@?"`
	Rest  []*gKwPart   `parser:"@@*"`
}

type gKwPart struct {
	Kw  lexer.Token `parser:"@CapKeyword"`
	Arg *gExpr      `parser:"@@?"`
}

// gBinary is a unary expression followed by binary sends, or a binary
// send with an implicit receiver followed by more.
type gBinary struct {
	Recv  *gUnary     `parser:"( @@"`
	Impl  *gBinTail   `parser:"| @@ )"`
	Tails []*gBinTail `parser:"@@*"`
}

// gBinTail is one `op arg`. A negative number right after an expression
// is a '-' send whose argument is the positive number (`3 -1` is 3 - 1),
// followed by any unary sends to that number.
type gBinTail struct {
	Deleg    *lexer.Token  `parser:"@DelegateOp?"`
	Op       *lexer.Token  `parser:"( @Op"`
	Arg      *gBinArg      `parser:"  @@?"`
	Neg      *lexer.Token  `parser:"| @NegNumber"`
	NegSends []lexer.Token `parser:"  @((Ident | CapIdent)+)? )"`
}

// gBinArg is the argument of a binary send: a unary expression, or a
// keyword message with an implicit receiver (`1 + power: 3`).
type gBinArg struct {
	Kw    *gKwSend `parser:"  @@"`
	Unary *gUnary  `parser:"| @@"`
}

// gUnary is a primary or an implicit-receiver unary send, followed by
// unary sends.
type gUnary struct {
	Prim  *gPrimary     `parser:"( @@"`
	Deleg *lexer.Token  `parser:"| @Delegate?"`
	First *lexer.Token  `parser:"  @(Ident | CapIdent) )"`
	Sends []lexer.Token `parser:"@((Ident | CapIdent)+)?"`
}

type gPrimary struct {
	Self  *lexer.Token `parser:"  @Self"`
	Num   *lexer.Token `parser:"| @(Number | NegNumber)"`
	Str   *lexer.Token `parser:"| @String"`
	Obj   *gObject     `parser:"| @@"`
	Block *gBlock      `parser:"| @@"`
	Annot *gAnnotExpr  `parser:"| @@"`
}

// gAnnotExpr is an annotated object or block: { 'text' ( ... ) }.
type gAnnotExpr struct {
	Open  lexer.Token  `parser:"@LBrace"`
	Text  *lexer.Token `parser:"@String?"`
	Obj   *gObject     `parser:"( @@"`
	Block *gBlock      `parser:"| @@ )?"`
	Close lexer.Token  `parser:"@RBrace"`
}

type gObject struct {
	Open  lexer.Token  `parser:"@LParen"`
	Slots *gSlotList   `parser:"@@?"`
	Code  []*gCodeItem `parser:"@@*"`
	Close lexer.Token  `parser:"@RParen"`
}

type gBlock struct {
	Open  lexer.Token  `parser:"@LBrack"`
	Slots *gSlotList   `parser:"@@?"`
	Code  []*gCodeItem `parser:"@@*"`
	Close lexer.Token  `parser:"@RBrack"`
}

// gCodeItem is a statement or a '.'; parse.go checks the separators.
type gCodeItem struct {
	Dot  *lexer.Token `parser:"  @Dot"`
	Stmt *gStmt       `parser:"| @@"`
}

// gSlotList is `| items |`. Separators are checked in parse.go.
type gSlotList struct {
	Open  lexer.Token  `parser:"@Bar"`
	Items []*gSlotItem `parser:"@@*"`
	Close lexer.Token  `parser:"@Bar"`
}

type gSlotItem struct {
	Dot   *lexer.Token `parser:"  @Dot"`
	Group *gAnnotGroup `parser:"| @@"`
	Slot  *gSlot       `parser:"| @@"`
}

// gAnnotGroup is the object annotation `{} = 'text'` or a group of slots
// under an annotation `{ 'Category: x' slots }`.
type gAnnotGroup struct {
	Open     lexer.Token  `parser:"@LBrace"`
	ObjClose *lexer.Token `parser:"( @RBrace"`
	ObjEq    *lexer.Token `parser:"  @'='?"`
	ObjText  *lexer.Token `parser:"  @String?"`
	Text     *lexer.Token `parser:"| @String?"`
	Items    []*gSlotItem `parser:"  @@*"`
	Close    *lexer.Token `parser:"  @RBrace )"`
}

type gSlot struct {
	Arg *lexer.Token `parser:"  @Arg"`
	Kw  *gKwSlot     `parser:"| @@"`
	Bin *gBinSlot    `parser:"| @@"`
	Un  *gUnarySlot  `parser:"| @@"`
}

// gUnarySlot is `name`, `name*`, `name = e`, `name <- e`, `name* = e`
// (where `*=` and `*<-` may be one token). Junk is an expression after a
// name with no '=' or '<-' (an error, reported in plain words); it cannot
// start with '{', which after a slot opens an annotation group, as in
// Self: `(| a {'Category: x' b} |)`.
type gUnarySlot struct {
	Name   lexer.Token  `parser:"@(Ident | CapIdent)"`
	Star   *lexer.Token `parser:"@'*'?"`
	Assign *lexer.Token `parser:"( @('=' | '<-' | '*=' | '*<-')"`
	Value  *gExpr       `parser:"  @@?"`
	Junk   *gExpr       `parser:"| (?! LBrace) @@ )?"`
}

// gBinSlot is `op [arg] = ( body )`.
type gBinSlot struct {
	Op    lexer.Token  `parser:"@Op"`
	Arg   *lexer.Token `parser:"@(Ident | CapIdent)?"`
	Eq    *lexer.Token `parser:"@'='?"`
	Value *gExpr       `parser:"@@?"`
}

// gKwSlot is `at: i Put: v = ( body )` or `at:Put: = ( body )`.
type gKwSlot struct {
	First    lexer.Token    `parser:"@Keyword"`
	FirstArg *lexer.Token   `parser:"@(Ident | CapIdent)?"`
	Parts    []*gKwSlotPart `parser:"@@*"`
	Eq       *lexer.Token   `parser:"@'='?"`
	Value    *gExpr         `parser:"@@?"`
}

type gKwSlotPart struct {
	Kw  lexer.Token  `parser:"@CapKeyword"`
	Arg *lexer.Token `parser:"@(Ident | CapIdent)?"`
}

// lookahead is how many tokens a failed alternative may have consumed and
// still be backtracked over. The grammar is LL(1), so none: an alternative
// that has consumed a token is committed, and its error is the one shown.
const lookahead = 0

var parsers = sync.OnceValues(func() (*parsers_, error) {
	opts := []participle.Option{participle.Lexer(selfLexer{}), participle.UseLookahead(lookahead)}
	stmt, err := participle.Build[gStmt](opts...)
	if err != nil {
		return nil, err
	}
	expr, err := participle.Build[gExpr](opts...)
	if err != nil {
		return nil, err
	}
	return &parsers_{stmt: stmt, expr: expr}, nil
})

type parsers_ struct {
	stmt *participle.Parser[gStmt]
	expr *participle.Parser[gExpr]
}
