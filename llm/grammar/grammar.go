// Package grammar builds GBNF grammars for constrained generation
// (llama.cpp's grammar format): the grammar of one method slot of batos's
// DSL, derived from the grammar the parser itself uses (lang.EBNF), and
// grammars for JSON values shaped by a JSON schema. It also reads GBNF, so
// that a grammar is checked in Go before llama.cpp sees it, and matches
// and samples grammars, which the tests use to show that the derived
// grammar and the parser agree.
package grammar

import (
	"fmt"
	"sort"
	"strings"
)

// Expr is a grammar expression.
type Expr interface{ isExpr() }

// Lit is a literal string.
type Lit struct{ S string }

// Class is a character class: Ranges are inclusive pairs; Neg complements.
type Class struct {
	Neg    bool
	Ranges [][2]rune
}

// Ref names a rule.
type Ref struct{ Name string }

// Tok is a token of the parser's EBNF (<ident>); it only appears before
// the derivation replaces it with characters.
type Tok struct{ Name string }

// Seq is a sequence.
type Seq struct{ Items []Expr }

// Alt is a choice.
type Alt struct{ Alts []Expr }

// Rep repeats X Min to Max times (Max < 0: no bound).
type Rep struct {
	X        Expr
	Min, Max int
}

func (Lit) isExpr()   {}
func (Class) isExpr() {}
func (Ref) isExpr()   {}
func (Tok) isExpr()   {}
func (Seq) isExpr()   {}
func (Alt) isExpr()   {}
func (Rep) isExpr()   {}

// Opt is X?.
func Opt(x Expr) Expr { return Rep{x, 0, 1} }

// Grammar is a set of rules; Root names the start rule.
type Grammar struct {
	Root  string
	Rules map[string]Expr
}

// New returns an empty grammar with the given root rule name.
func New(root string) *Grammar { return &Grammar{Root: root, Rules: map[string]Expr{}} }

// GBNF writes the grammar in llama.cpp's format, one rule per line, the
// root rule first and named "root".
func (g *Grammar) GBNF() string {
	names := make([]string, 0, len(g.Rules))
	for n := range g.Rules {
		if n != g.Root {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	rename := func(n string) string {
		if n == g.Root {
			return "root"
		}
		return gbnfName(n)
	}
	for _, n := range append([]string{g.Root}, names...) {
		b.WriteString(rename(n))
		b.WriteString(" ::= ")
		writeExpr(&b, g.Rules[n], rename, 0)
		b.WriteByte('\n')
	}
	return b.String()
}

// gbnfName makes a rule name of [a-z0-9-] from any name.
func gbnfName(n string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(n) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// writeExpr prints e; prec 0 is a rule body, 1 inside a sequence, 2 before
// a postfix operator.
func writeExpr(b *strings.Builder, e Expr, name func(string) string, prec int) {
	switch e := e.(type) {
	case Lit:
		b.WriteString(quoteLit(e.S))
	case Class:
		b.WriteString(classString(e))
	case Ref:
		b.WriteString(name(e.Name))
	case Tok:
		b.WriteString("<" + e.Name + ">") // not GBNF; only in debugging output
	case Seq:
		if len(e.Items) == 0 {
			b.WriteString(`""`)
			return
		}
		if len(e.Items) == 1 {
			writeExpr(b, e.Items[0], name, prec)
			return
		}
		if prec >= 2 {
			b.WriteByte('(')
		}
		for i, x := range e.Items {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeExpr(b, x, name, 1)
		}
		if prec >= 2 {
			b.WriteByte(')')
		}
	case Alt:
		if prec >= 1 {
			b.WriteByte('(')
		}
		for i, x := range e.Alts {
			if i > 0 {
				b.WriteString(" | ")
			}
			writeExpr(b, x, name, 1)
		}
		if prec >= 1 {
			b.WriteByte(')')
		}
	case Rep:
		writeExpr(b, e.X, name, 2)
		switch {
		case e.Min == 0 && e.Max == 1:
			b.WriteByte('?')
		case e.Min == 0 && e.Max < 0:
			b.WriteByte('*')
		case e.Min == 1 && e.Max < 0:
			b.WriteByte('+')
		case e.Max < 0:
			fmt.Fprintf(b, "{%d,}", e.Min)
		case e.Min == e.Max:
			fmt.Fprintf(b, "{%d}", e.Min)
		default:
			fmt.Fprintf(b, "{%d,%d}", e.Min, e.Max)
		}
	}
}

func quoteLit(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		b.WriteString(escapeRune(r, `"\`))
	}
	b.WriteByte('"')
	return b.String()
}

func escapeRune(r rune, special string) string {
	switch {
	case r == '\n':
		return `\n`
	case r == '\t':
		return `\t`
	case r == '\r':
		return `\r`
	case strings.ContainsRune(special, r):
		return `\` + string(r)
	case r < 0x20 || r == 0x7f:
		return fmt.Sprintf(`\x%02X`, r)
	}
	return string(r)
}

func classString(c Class) string {
	var b strings.Builder
	b.WriteByte('[')
	if c.Neg {
		b.WriteByte('^')
	}
	for _, r := range c.Ranges {
		b.WriteString(classRune(r[0]))
		if r[1] != r[0] {
			b.WriteByte('-')
			b.WriteString(classRune(r[1]))
		}
	}
	b.WriteByte(']')
	return b.String()
}

// classRune writes a character of a class. llama.cpp knows only the
// escapes \x \u \U \t \r \n \\ \" \[ \]: '-' and '^' are written in hex.
func classRune(r rune) string {
	switch r {
	case '-':
		return `\x2D`
	case '^':
		return `\x5E`
	}
	return escapeRune(r, `]\[`)
}

// has reports whether the class contains r.
func (c Class) has(r rune) bool {
	in := false
	for _, rg := range c.Ranges {
		if r >= rg[0] && r <= rg[1] {
			in = true
			break
		}
	}
	return in != c.Neg
}

// ClassOf builds a class from a set of ASCII characters given as a
// string of single characters and a-z style ranges.
func ClassOf(spec string) Class {
	var c Class
	rs := []rune(spec)
	for i := 0; i < len(rs); i++ {
		if i+2 < len(rs) && rs[i+1] == '-' {
			c.Ranges = append(c.Ranges, [2]rune{rs[i], rs[i+2]})
			i += 2
			continue
		}
		c.Ranges = append(c.Ranges, [2]rune{rs[i], rs[i]})
	}
	return c
}

// String describes an expression (for errors and tests).
func String(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e, func(n string) string { return n }, 0)
	return b.String()
}
