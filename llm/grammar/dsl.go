package grammar

import (
	"fmt"
	"slices"
	"sync"

	"batos/lang"
)

// The method-slot grammar is derived from lang.EBNF, the grammar the
// parser runs. The expression rules are taken as they are, with generic
// changes; the structural rules, where the parser is deliberately loose
// and parse.go checks the rest (separators, declarations), are replaced
// by overrides written in the same notation over the same tokens. A test
// fails if lang's grammar gains a rule this file does not account for.
//
// Generic changes to the derived rules:
//   - resends, annotations and capitalised names are left out (their
//     tokens drop the alternatives that need them);
//   - the argument after a keyword, an operator or ^ is required (a
//     missing one is a parse error);
//   - a binary expression has at most one operator (binary operators have
//     no precedence, so mixing them is an error);
//   - repetitions and nesting are bounded, so a generation can always end.

// derived are the rules taken from lang's grammar.
var derived = []string{"GStmt", "GReturn", "GExpr", "GKwSend", "GKwPart", "GBinary", "GBinTail", "GBinArg", "GUnary", "GPrimary"}

// dropped are lang's rules the slot grammar leaves out (annotations).
var dropped = []string{"GAnnotExpr", "GAnnotGroup"}

// overrides replace lang's structural rules; GMethodSlot is the root
// and GHead the method head, which MethodSlotFor pins to a selector.
// Every method has code: `reset = ()` would be a data slot, and a binary
// or keyword slot without code is an error. Declared names are free;
// that a slot list declares a name once is the parser's check, and that
// a block does not shadow an enclosing name is the guardian's. Locals
// are assignable and initialised, if at all, by a literal or nil, true
// or false: as in Self, an initialiser is evaluated once, in the lobby,
// when the method is compiled, so one that names an argument, a local or
// a slot of the receiver cannot compile, and a constant local cannot be
// assigned.
const overrides = `
GMethodSlot = GHead "=" GMethod .
GHead = GUnaryHead | GBinaryHead | GKeywordHead .
GUnaryHead = <name> .
GBinaryHead = <op> <name> .
GKeywordHead = <keyword> <name> GHeadPart* .
GHeadPart = <capkeyword> <name> .
GMethod = <lparen> GSlotList? GCode <rparen> .
GObject = <lparen> GSlotList? GCode? <rparen> .
GBlock = <lbrack> GBlockSlots? GCode <rbrack> .
GCode = GStmt (<dot> GStmt)* <dot>? .
GSlotList = <bar> (GLocals <dot>?)? <bar> .
GLocals = GLocal (<dot> GLocal)* .
GLocal = <name> ("<-" GInit)? .
GInit = <number> | <negnumber> | <string> | <constant> .
GBlockSlots = <bar> ((GBlockArgs (<dot> GLocals)?) | GLocals) <dot>? <bar> .
GBlockArgs = <arg> (<dot> <arg>)* .
`

// replaced are lang's rules the overrides stand for.
var replaced = []string{"GObject", "GBlock", "GCodeItem", "GSlotList", "GSlotItem", "GSlot", "GUnarySlot", "GKwSlot", "GKwSlotPart", "GBinSlot"}

// droppedTokens cannot appear in generated slots.
var droppedTokens = []string{"delegate", "delegatekw", "delegateop", "capident", "lbrace", "rbrace"}

// SlotOptions bound the derived grammar.
type SlotOptions struct {
	Depth     int // nested expressions (keyword arguments, blocks, parentheses)
	Stmts     int // statements per method or block
	KwParts   int // capitalised parts of a keyword message (or method head)
	Unary     int // unary sends in a chain
	NameLen   int // characters of a name
	StringLen int // characters of a string literal
	Locals    int // locals declared by a method, block or object
	BlockArgs int // arguments of a block
}

// DefaultSlotOptions are the bounds of MethodSlot: keyword messages of
// up to four parts, 20 statements, 8 locals, names of 32 characters and
// strings of 200.
var DefaultSlotOptions = SlotOptions{Depth: 6, Stmts: 20, KwParts: 3, Unary: 2, NameLen: 32, StringLen: 200, Locals: 8, BlockArgs: 4}

var slotOnce = sync.OnceValues(func() (*Grammar, error) {
	ebnf, err := lang.EBNF()
	if err != nil {
		return nil, err
	}
	return DeriveMethodSlot(ebnf, DefaultSlotOptions)
})

// MethodSlot is the grammar of one method slot of the DSL (`name = (
// code )`, `+ arg = ( code )`, `at: i Put: v = ( code )`), derived from the
// parser's grammar. Every string it generates parses as a method slot.
func MethodSlot() (*Grammar, error) { return slotOnce() }

// MethodSlotGBNF is MethodSlot in llama.cpp's format.
func MethodSlotGBNF() (string, error) {
	g, err := MethodSlot()
	if err != nil {
		return "", err
	}
	return g.GBNF(), nil
}

// DeriveMethodSlot builds the method-slot grammar from the parser's EBNF.
func DeriveMethodSlot(ebnf string, o SlotOptions) (*Grammar, error) {
	lrules, order, err := ParseEBNF(ebnf)
	if err != nil {
		return nil, err
	}
	for _, name := range order {
		if !slices.Contains(derived, name) && !slices.Contains(dropped, name) && !slices.Contains(replaced, name) {
			return nil, fmt.Errorf("grammar: lang's grammar has a rule %s that the slot grammar does not account for (llm/grammar/dsl.go)", name)
		}
	}
	rules := map[string]Expr{}
	for _, name := range derived {
		e, ok := lrules[name]
		if !ok {
			return nil, fmt.Errorf("grammar: lang's grammar has no rule %s any more (llm/grammar/dsl.go)", name)
		}
		if e, ok = tighten(e); !ok {
			return nil, fmt.Errorf("grammar: nothing left of rule %s", name)
		}
		rules[name] = e
	}
	rules["GBinary"] = atMostOneTail(rules["GBinary"])
	over, _, err := ParseEBNF(overrides)
	if err != nil {
		return nil, err
	}
	for name, e := range over {
		rules[name] = e
	}
	d := &deriver{rules: rules, o: o, out: New("GMethodSlot-0"), done: map[string]bool{}}
	d.kinds()
	if _, ok := d.rule("GMethodSlot", 0); !ok {
		return nil, fmt.Errorf("grammar: the method slot rule is empty")
	}
	d.tokens()
	return d.out, d.out.Check()
}

// tighten applies the generic changes to a derived rule: dropped tokens
// remove what needs them, and an optional argument after a keyword,
// operator or ^ becomes required. It reports false when nothing is left.
func tighten(e Expr) (Expr, bool) {
	switch e := e.(type) {
	case Tok:
		return e, !slices.Contains(droppedTokens, e.Name)
	case Seq:
		var items []Expr
		for i, x := range e.Items {
			if r, ok := x.(Rep); ok && r.Min == 0 && r.Max == 1 && i > 0 {
				if t, ok := e.Items[i-1].(Tok); ok && (t.Name == "keyword" || t.Name == "capkeyword" || t.Name == "op" || t.Name == "caret") {
					x = r.X
				}
			}
			y, ok := tighten(x)
			if !ok {
				return nil, false
			}
			items = append(items, y)
		}
		return seqOf(items), true
	case Alt:
		var alts []Expr
		for _, x := range e.Alts {
			if y, ok := tighten(x); ok {
				alts = append(alts, y)
			}
		}
		switch len(alts) {
		case 0:
			return nil, false
		case 1:
			return alts[0], true
		}
		return Alt{alts}, true
	case Rep:
		x, ok := tighten(e.X)
		if !ok {
			return Seq{}, e.Min == 0
		}
		return Rep{x, e.Min, e.Max}, true
	case Ref:
		return e, !slices.Contains(dropped, e.Name)
	}
	return e, true
}

// atMostOneTail turns `(A | T) T*` into `A T? | T`: one binary operator.
func atMostOneTail(e Expr) Expr {
	s, ok := e.(Seq)
	if !ok || len(s.Items) != 2 {
		return e
	}
	start, ok1 := s.Items[0].(Alt)
	tail, ok2 := s.Items[1].(Rep)
	if !ok1 || !ok2 || len(start.Alts) != 2 {
		return e
	}
	return Alt{[]Expr{Seq{[]Expr{start.Alts[0], Opt(tail.X)}}, start.Alts[1]}}
}

type deriver struct {
	rules map[string]Expr
	o     SlotOptions
	out   *Grammar
	done  map[string]bool // rule variants made (or being made)
	bad   map[string]bool // rule variants with an empty language
	first map[string]int
	last  map[string]int
	null  map[string]bool
	toks  map[string]bool
}

// kinds computes the first and last token kinds and nullability of every
// rule, by fixed point.
func (d *deriver) kinds() {
	d.first, d.last, d.null = map[string]int{}, map[string]int{}, map[string]bool{}
	for changed := true; changed; {
		changed = false
		for name, e := range d.rules {
			f, l, n := d.info(e)
			if f|d.first[name] != d.first[name] || l|d.last[name] != d.last[name] || n && !d.null[name] {
				d.first[name] |= f
				d.last[name] |= l
				d.null[name] = d.null[name] || n
				changed = true
			}
		}
	}
}

// info returns the first and last token kinds of e and whether it can be
// empty.
func (d *deriver) info(e Expr) (first, last int, null bool) {
	switch e := e.(type) {
	case Tok:
		k := tokenKind(e)
		return k, k, false
	case Lit:
		if e.S == "" {
			return 0, 0, true
		}
		return kOp, kOp, false // "=" "<-"
	case Ref:
		return d.first[e.Name], d.last[e.Name], d.null[e.Name]
	case Seq:
		null = true
		for _, x := range e.Items {
			f, l, n := d.info(x)
			if null {
				first |= f
			}
			if n {
				last |= l
			} else {
				last = l
			}
			null = null && n
		}
		return
	case Alt:
		for _, x := range e.Alts {
			f, l, n := d.info(x)
			first, last, null = first|f, last|l, null || n
		}
		return
	case Rep:
		f, l, n := d.info(e.X)
		return f, l, n || e.Min == 0
	}
	return 0, 0, true
}

func variant(name string, depth int) string { return fmt.Sprintf("%s-%d", name, depth) }

// rule makes the variant of rule name at nesting depth depth, and
// reports false when its language is empty there.
func (d *deriver) rule(name string, depth int) (string, bool) {
	if name == "GExpr" {
		depth++
	}
	v := variant(name, depth)
	if depth > d.o.Depth {
		return v, false
	}
	if d.done[v] {
		return v, !d.bad[v]
	}
	d.done[v] = true
	e, ok := d.expr(d.rules[name], depth)
	if !ok {
		if d.bad == nil {
			d.bad = map[string]bool{}
		}
		d.bad[v] = true
		return v, false
	}
	d.out.Rules[v] = e
	return v, true
}

// expr translates e: tokens become references to character-level rules,
// repetitions are bounded, and white space goes between tokens.
func (d *deriver) expr(e Expr, depth int) (Expr, bool) {
	switch e := e.(type) {
	case Tok:
		if d.toks == nil {
			d.toks = map[string]bool{}
		}
		d.toks[e.Name] = true
		return Ref{"tok-" + e.Name}, true
	case Lit:
		return e, true
	case Ref:
		v, ok := d.rule(e.Name, depth)
		return Ref{v}, ok
	case Alt:
		var alts []Expr
		for _, x := range e.Alts {
			if y, ok := d.expr(x, depth); ok {
				alts = append(alts, y)
			}
		}
		if len(alts) == 0 {
			return nil, false
		}
		if len(alts) == 1 {
			return alts[0], true
		}
		return Alt{alts}, true
	case Seq:
		var parts []part
		for _, x := range e.Items {
			y, ok := d.expr(x, depth)
			if !ok {
				if _, _, n := d.info(x); n {
					continue // an optional part that cannot occur here
				}
				return nil, false
			}
			if s, empty := y.(Seq); empty && len(s.Items) == 0 {
				continue
			}
			f, l, n := d.info(x)
			p := part{y: y, first: f, last: l, null: n}
			if r, ok := y.(Rep); ok && r.Min == 0 {
				// Optional: expanded below into present and absent, so
				// that the space around it fits its actual neighbours.
				p.opt, p.null = true, false
				p.y = Rep{r.X, 1, r.Max}
				if r.Max == 1 {
					p.y = r.X
				}
				if _, _, xn := d.info(x); xn {
					p.null = true
				}
			}
			parts = append(parts, p)
		}
		return joinParts(parts), true
	case Rep:
		y, ok := d.expr(e.X, depth)
		if !ok {
			return Seq{}, e.Min == 0
		}
		hi := e.Max
		if hi < 0 {
			hi = d.bound(e.X)
		}
		if hi == 1 {
			if e.Min == 1 {
				return y, true
			}
			return Opt(y), true
		}
		f, l, _ := d.info(e.X)
		more := Rep{Seq{[]Expr{sep(l, f), y}}, max(e.Min-1, 0), hi - 1}
		if e.Min == 0 {
			return Opt(Seq{[]Expr{y, more}}), true
		}
		return Seq{[]Expr{y, more}}, true
	}
	return nil, false
}

// part is one translated item of a sequence.
type part struct {
	y           Expr
	first, last int
	null, opt   bool
}

// joinParts joins a sequence's parts with the white space their
// neighbours need. Each optional part doubles the alternatives (present
// or absent), so the space between two parts depends only on what is
// really next to each other; the alternatives are then left-factored, so
// that llama.cpp's grammar engine follows one path where they agree
// (unfactored, nested parentheses multiply its stacks into the millions).
func joinParts(parts []part) Expr {
	var alts [][]Expr
	var walk func(i int, items []Expr, lastK int, any bool)
	walk = func(i int, items []Expr, lastK int, any bool) {
		if i == len(parts) {
			alts = append(alts, slices.Clone(items))
			return
		}
		p := parts[i]
		if p.opt {
			walk(i+1, items, lastK, any) // absent
		}
		next := slices.Clip(items)
		if any {
			next = append(next, sep(lastK, p.first))
		}
		next = append(next, p.y)
		k := p.last
		if p.null {
			k |= lastK
		}
		walk(i+1, next, k, true)
	}
	walk(0, nil, 0, false)
	return factor(alts)
}

// factor left-factors alternatives: a b | a c | a becomes a (b | c)?.
func factor(alts [][]Expr) Expr {
	empty := false
	var keys []string
	groups := map[string][][]Expr{}
	heads := map[string]Expr{}
	for _, a := range alts {
		if len(a) == 0 {
			empty = true
			continue
		}
		k := String(a[0])
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
			heads[k] = a[0]
		}
		groups[k] = append(groups[k], a[1:])
	}
	var out []Expr
	for _, k := range keys {
		tail := factor(groups[k])
		if s, ok := tail.(Seq); ok && len(s.Items) == 0 {
			out = append(out, heads[k])
			continue
		}
		if s, ok := tail.(Seq); ok {
			out = append(out, Seq{append([]Expr{heads[k]}, s.Items...)})
			continue
		}
		out = append(out, Seq{[]Expr{heads[k], tail}})
	}
	var res Expr
	switch len(out) {
	case 0:
		return Seq{}
	case 1:
		res = out[0]
	default:
		res = Alt{out}
	}
	if empty {
		return Opt(res)
	}
	return res
}

// bound is the largest count of an unbounded repetition of x.
func (d *deriver) bound(x Expr) int {
	switch x := x.(type) {
	case Seq: // (<dot> GStmt)*, (<dot> GLocal)*, (<dot> <arg>)*
		if len(x.Items) == 2 {
			switch y := x.Items[1].(type) {
			case Ref:
				switch y.Name {
				case "GStmt":
					return d.o.Stmts - 1
				case "GLocal":
					return d.o.Locals - 1
				}
			case Tok:
				if y.Name == "arg" {
					return d.o.BlockArgs - 1
				}
			}
		}
	case Ref:
		if x.Name == "GKwPart" || x.Name == "GHeadPart" {
			return d.o.KwParts
		}
	case Tok, Alt:
		return d.o.Unary
	}
	return 2
}

// MethodSlotWith derives the method-slot grammar with other bounds.
func MethodSlotWith(o SlotOptions) (*Grammar, error) {
	ebnf, err := lang.EBNF()
	if err != nil {
		return nil, err
	}
	return DeriveMethodSlot(ebnf, o)
}
