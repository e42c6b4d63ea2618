package lang

import (
	"fmt"
	"math/big"
)

// Pos is a position in a source file. Line and Col are 1-based; Col counts
// bytes. Offset is the 0-based byte offset. The zero Pos means "unknown".
type Pos struct {
	Offset, Line, Col int
}

// IsValid reports whether p is a known position.
func (p Pos) IsValid() bool { return p.Line > 0 }

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Node is implemented by every AST node. Pos is the first byte of the node,
// End the byte just after it.
type Node interface {
	Pos() Pos
	End() Pos
}

// Expr is an expression node.
type Expr interface {
	Node
	exprNode()
}

// Span is embedded in every node and carries its extent.
type Span struct {
	Start, Stop Pos
}

func (s Span) Pos() Pos { return s.Start }
func (s Span) End() Pos { return s.Stop }

// File is a parsed source file (a script, or one REPL input).
type File struct {
	Span
	Name  string // file name used in positions ("<stdin>", "x.self")
	Src   string // the source text, for error excerpts
	Stmts []Expr // top-level statements in order

	// Comments are the file's comments in source order. Format puts them
	// back among the statements by position; when they are nil it scans
	// Src for them.
	Comments []*Comment
}

// Comment is a comment in the source, as written: Text includes its
// double quotes. Comments are not part of the tree (Equal ignores them).
type Comment struct {
	Span
	Text string
}

// ---- literals ----

// Int is an integer literal. Big is non-nil when the value does not fit in
// an int64; then Val is 0.
type Int struct {
	Span
	Val int64
	Big *big.Int
}

// Float is a floating-point literal.
type Float struct {
	Span
	Val float64
}

// String is a string literal with escapes already decoded.
type String struct {
	Span
	Val string
}

// ---- names and sends ----

// Self is the reserved word `self`.
type Self struct{ Span }

// SendKind classifies a message by its syntax.
type SendKind uint8

const (
	Unary SendKind = iota
	Binary
	Keyword
)

// Send is a message send. Recv is nil for an implicit-receiver send (a bare
// identifier `x`, a keyword `at: 1 Put: 2` or a primitive `_Foo: x` with no
// receiver). Sel is the full selector ("at:Put:", "+", "size").
// Resend marks `resend.sel`; Delegate names the parent of a directed resend
// `parent.sel` (and then Resend is true too). For resends Recv is nil.
type Send struct {
	Span
	SelPos   Pos // where the selector (its first keyword) starts
	Recv     Expr
	Kind     SendKind
	Sel      string
	Args     []Expr
	Resend   bool
	Delegate string
}

// IsPrimitive reports whether the selector names a primitive (`_IntAdd:`).
func (s *Send) IsPrimitive() bool { return len(s.Sel) > 0 && s.Sel[0] == '_' }

// Return is `^ expr`.
type Return struct {
	Span
	X Expr
}

// Paren is a parenthesised expression `( expr )` with no slot list.
type Paren struct {
	Span
	X Expr
}

// ---- objects, blocks, slots ----

// SlotKind says how a slot is declared.
type SlotKind uint8

const (
	// Constant slot: `x = expr` (read-only).
	Constant SlotKind = iota
	// Assignable slot: `x <- expr` or bare `x`; it implies the setter `x:`.
	Assignable
	// Argument slot: `:x` in a block or method slot list.
	Argument
)

// Slot is one slot declaration in an object literal, block or method.
//
// For method slots with inline arguments (`at: i Put: v = ( ... )`,
// `+ x = ( ... )`) Name is the full selector and Args holds the argument
// names in order; Value is then an *Object whose code is the body.
// Value is nil for a bare assignable slot `x` (meaning `x <- nil`) and for
// argument slots.
type Slot struct {
	Span
	Name     string
	Kind     SlotKind
	Parent   bool     // declared with `*`
	Args     []string // inline argument names of a method slot
	Value    Expr
	Category string // the innermost enclosing `{ 'Category: ...' }` text, "" if none
}

// Object is an object literal `( | slots | code )`. HasSlotList records
// whether `|...|` was written (so `()` and `(| |)` print back as written).
// Code is empty for a data object; an object with code used as a slot
// initialiser is a method. Annotation is the object annotation `{} = 'text'`.
type Object struct {
	Span
	HasSlotList bool
	Slots       []*Slot
	Code        []Expr
	Annotation  string
}

// Block is a block literal `[| :a. t | code ]`. Annotation is set by an
// annotated block `{ 'text' [ ... ] }` or by `{} = 'text'` in its slot
// list.
type Block struct {
	Span
	HasSlotList bool
	Slots       []*Slot // argument slots (Kind==Argument) and locals
	Code        []Expr
	Annotation  string
}

func (*Int) exprNode()    {}
func (*Float) exprNode()  {}
func (*String) exprNode() {}
func (*Self) exprNode()   {}
func (*Send) exprNode()   {}
func (*Return) exprNode() {}
func (*Paren) exprNode()  {}
func (*Object) exprNode() {}
func (*Block) exprNode()  {}

// ArgNames returns the argument names of a block or method: the inline
// Args of the slot (if any) followed by the `:x` argument slots.
func ArgNames(inline []string, slots []*Slot) []string {
	names := append([]string(nil), inline...)
	for _, s := range slots {
		if s.Kind == Argument {
			names = append(names, s.Name)
		}
	}
	return names
}

// Arity returns the number of arguments a selector takes: 0 for unary, 1
// for binary, and one per colon for keyword selectors.
func Arity(sel string) int {
	if sel == "" {
		return 0
	}
	if sel[0] == '_' {
		sel = sel[1:]
	}
	n := 0
	for i := 0; i < len(sel); i++ {
		if sel[i] == ':' {
			n++
		}
	}
	if n > 0 {
		return n
	}
	if isOpChar(sel[0]) {
		return 1
	}
	return 0
}

// isOpChar reports whether c may appear in a binary operator. (Alone,
// '|' and '^' are not operators: they delimit slot lists and returns.)
func isOpChar(c byte) bool {
	switch c {
	case '!', '@', '#', '$', '%', '&', '*', '-', '+', '=', '~', '/', '?', '<', '>', ',', ';', '|', '\\', '^', '`':
		return true
	}
	return false
}
