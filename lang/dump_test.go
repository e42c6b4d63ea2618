package lang

import (
	"fmt"
	"strings"
)

// dump renders a tree compactly with positions, for table tests:
// (kind fields... @startLine:startCol-stopLine:stopCol).
func dump(n Node) string {
	var b strings.Builder
	dumpTo(&b, n)
	return b.String()
}

func span(n Node) string {
	return fmt.Sprintf("@%s-%s", n.Pos(), n.End())
}

func dumpTo(b *strings.Builder, n Node) {
	if isNil(n) {
		b.WriteString("_")
		return
	}
	switch n := n.(type) {
	case *File:
		b.WriteString("(file")
		for _, s := range n.Stmts {
			b.WriteByte(' ')
			dumpTo(b, s)
		}
		fmt.Fprintf(b, " %s)", span(n))
	case *Int:
		if n.Big != nil {
			fmt.Fprintf(b, "big:%s%s", n.Big, span(n))
		} else {
			fmt.Fprintf(b, "int:%d%s", n.Val, span(n))
		}
	case *Float:
		fmt.Fprintf(b, "float:%g%s", n.Val, span(n))
	case *String:
		fmt.Fprintf(b, "str:%q%s", n.Val, span(n))
	case *Self:
		fmt.Fprintf(b, "self%s", span(n))
	case *Send:
		kind := [...]string{"unary", "binary", "keyword"}[n.Kind]
		fmt.Fprintf(b, "(%s %s", kind, n.Sel)
		if n.Resend {
			fmt.Fprintf(b, " resend=%q", n.Delegate)
		}
		b.WriteByte(' ')
		dumpTo(b, n.Recv)
		for _, a := range n.Args {
			b.WriteByte(' ')
			dumpTo(b, a)
		}
		fmt.Fprintf(b, " %s)", span(n))
	case *Return:
		b.WriteString("(^ ")
		dumpTo(b, n.X)
		fmt.Fprintf(b, " %s)", span(n))
	case *Paren:
		b.WriteString("(paren ")
		dumpTo(b, n.X)
		fmt.Fprintf(b, " %s)", span(n))
	case *Object:
		b.WriteString("(obj")
		dumpBody(b, n.HasSlotList, n.Slots, n.Code, n.Annotation)
		fmt.Fprintf(b, " %s)", span(n))
	case *Block:
		b.WriteString("(block")
		dumpBody(b, n.HasSlotList, n.Slots, n.Code, n.Annotation)
		fmt.Fprintf(b, " %s)", span(n))
	case *Slot:
		kind := [...]string{"const", "assign", "arg"}[n.Kind]
		fmt.Fprintf(b, "(slot %s %s", n.Name, kind)
		if n.Parent {
			b.WriteString(" parent")
		}
		if len(n.Args) > 0 {
			fmt.Fprintf(b, " args=%s", strings.Join(n.Args, ","))
		}
		if n.Category != "" {
			fmt.Fprintf(b, " cat=%q", n.Category)
		}
		if n.Value != nil {
			b.WriteByte(' ')
			dumpTo(b, n.Value)
		}
		fmt.Fprintf(b, " %s)", span(n))
	}
}

func dumpBody(b *strings.Builder, list bool, slots []*Slot, code []Expr, ann string) {
	if ann != "" {
		fmt.Fprintf(b, " ann=%q", ann)
	}
	if list {
		b.WriteString(" |")
		for _, s := range slots {
			b.WriteByte(' ')
			dumpTo(b, s)
		}
		b.WriteString(" |")
	}
	for _, e := range code {
		b.WriteByte(' ')
		dumpTo(b, e)
	}
}
