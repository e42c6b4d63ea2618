package grammar

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseGBNF reads a grammar in llama.cpp's GBNF format and checks it as
// llama.cpp would: it has a root rule, every rule it names is defined, and
// no rule is left-recursive. Checking here, in Go, keeps a bad grammar from
// reaching C.
func ParseGBNF(text string) (*Grammar, error) {
	p := &gparser{src: text}
	g := New("root")
	for {
		p.space(true)
		if p.eof() {
			break
		}
		name := p.name()
		if name == "" {
			return nil, p.errorf("expected a rule name")
		}
		p.space(false)
		if !strings.HasPrefix(p.src[p.pos:], "::=") {
			return nil, p.errorf("expected ::= after %s", name)
		}
		p.pos += 3
		p.space(false)
		e, err := p.alternates(false)
		if err != nil {
			return nil, err
		}
		if _, dup := g.Rules[name]; dup {
			return nil, p.errorf("rule %s defined twice", name)
		}
		g.Rules[name] = e
		p.space(false)
		if !p.eof() && p.src[p.pos] != '\n' && p.src[p.pos] != '\r' {
			return nil, p.errorf("expected the end of the rule, found %q", p.src[p.pos:min(p.pos+10, len(p.src))])
		}
	}
	if _, ok := g.Rules["root"]; !ok {
		return nil, fmt.Errorf("grammar: no root rule")
	}
	if err := g.Check(); err != nil {
		return nil, err
	}
	return g, nil
}

// Check verifies that every referenced rule exists and that no rule can
// reach itself without consuming a character (llama.cpp refuses
// left recursion).
func (g *Grammar) Check() error {
	var bad error
	var refs func(e Expr)
	refs = func(e Expr) {
		walk(e, func(x Expr) {
			if r, ok := x.(Ref); ok && bad == nil {
				if _, ok := g.Rules[r.Name]; !ok {
					bad = fmt.Errorf("grammar: rule %s is not defined", r.Name)
				}
			}
		})
	}
	for _, e := range g.Rules {
		refs(e)
	}
	if bad != nil {
		return bad
	}
	nullable := g.nullable()
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(name string) error
	visit = func(name string) error {
		switch state[name] {
		case 1:
			return fmt.Errorf("grammar: rule %s is left-recursive", name)
		case 2:
			return nil
		}
		state[name] = 1
		for _, r := range leftRefs(g.Rules[name], nullable) {
			if err := visit(r); err != nil {
				return err
			}
		}
		state[name] = 2
		return nil
	}
	for name := range g.Rules {
		if err := visit(name); err != nil {
			return err
		}
	}
	return nil
}

func walk(e Expr, f func(Expr)) {
	f(e)
	switch e := e.(type) {
	case Seq:
		for _, x := range e.Items {
			walk(x, f)
		}
	case Alt:
		for _, x := range e.Alts {
			walk(x, f)
		}
	case Rep:
		walk(e.X, f)
	}
}

// nullable computes which rules can match the empty string.
func (g *Grammar) nullable() map[string]bool {
	n := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for name, e := range g.Rules {
			if !n[name] && canBeEmpty(e, n) {
				n[name], changed = true, true
			}
		}
	}
	return n
}

func canBeEmpty(e Expr, n map[string]bool) bool {
	switch e := e.(type) {
	case Lit:
		return e.S == ""
	case Ref:
		return n[e.Name]
	case Seq:
		for _, x := range e.Items {
			if !canBeEmpty(x, n) {
				return false
			}
		}
		return true
	case Alt:
		for _, x := range e.Alts {
			if canBeEmpty(x, n) {
				return true
			}
		}
		return false
	case Rep:
		return e.Min == 0 || canBeEmpty(e.X, n)
	}
	return false
}

// leftRefs lists the rules e can start with.
func leftRefs(e Expr, n map[string]bool) []string {
	switch e := e.(type) {
	case Ref:
		return []string{e.Name}
	case Seq:
		var out []string
		for _, x := range e.Items {
			out = append(out, leftRefs(x, n)...)
			if !canBeEmpty(x, n) {
				break
			}
		}
		return out
	case Alt:
		var out []string
		for _, x := range e.Alts {
			out = append(out, leftRefs(x, n)...)
		}
		return out
	case Rep:
		return leftRefs(e.X, n)
	}
	return nil
}

type gparser struct {
	src string
	pos int
}

func (p *gparser) eof() bool { return p.pos >= len(p.src) }

func (p *gparser) errorf(format string, args ...any) error {
	line := 1 + strings.Count(p.src[:p.pos], "\n")
	return fmt.Errorf("grammar: line %d: %s", line, fmt.Sprintf(format, args...))
}

// space skips blanks and comments, and newlines when nested.
func (p *gparser) space(newlines bool) {
	for !p.eof() {
		switch c := p.src[p.pos]; {
		case c == ' ' || c == '\t':
			p.pos++
		case c == '#':
			for !p.eof() && p.src[p.pos] != '\n' {
				p.pos++
			}
		case (c == '\n' || c == '\r') && newlines:
			p.pos++
		default:
			return
		}
	}
}

func (p *gparser) name() string {
	start := p.pos
	for !p.eof() {
		c := p.src[p.pos]
		if c == '-' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			p.pos++
			continue
		}
		break
	}
	return p.src[start:p.pos]
}

func (p *gparser) alternates(nested bool) (Expr, error) {
	var alts []Expr
	for {
		s, err := p.sequence(nested)
		if err != nil {
			return nil, err
		}
		alts = append(alts, s)
		if p.eof() || p.src[p.pos] != '|' {
			break
		}
		p.pos++
		p.space(true)
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return Alt{alts}, nil
}

func (p *gparser) sequence(nested bool) (Expr, error) {
	var items []Expr
	for !p.eof() {
		c := p.src[p.pos]
		var e Expr
		switch {
		case c == '"':
			s, err := p.literal('"')
			if err != nil {
				return nil, err
			}
			e = Lit{s}
		case c == '[':
			cl, err := p.class()
			if err != nil {
				return nil, err
			}
			e = cl
		case c == '.':
			p.pos++
			e = Class{Neg: true} // any character
		case c == '(':
			p.pos++
			p.space(true)
			x, err := p.alternates(true)
			if err != nil {
				return nil, err
			}
			p.space(true)
			if p.eof() || p.src[p.pos] != ')' {
				return nil, p.errorf("expected )")
			}
			p.pos++
			e = x
		case c == '-' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			save := p.pos
			n := p.name()
			p.space(false)
			if strings.HasPrefix(p.src[p.pos:], "::=") { // the next rule
				p.pos = save
				return seqOf(items), nil
			}
			p.pos = save + len(n)
			e = Ref{n}
		default:
			return seqOf(items), nil
		}
		e, err := p.postfix(e)
		if err != nil {
			return nil, err
		}
		items = append(items, e)
		p.space(nested)
	}
	return seqOf(items), nil
}

func seqOf(items []Expr) Expr {
	if len(items) == 1 {
		return items[0]
	}
	return Seq{items}
}

func (p *gparser) postfix(e Expr) (Expr, error) {
	for !p.eof() {
		switch p.src[p.pos] {
		case '*':
			e = Rep{e, 0, -1}
		case '+':
			e = Rep{e, 1, -1}
		case '?':
			e = Rep{e, 0, 1}
		case '{':
			end := strings.IndexByte(p.src[p.pos:], '}')
			if end < 0 {
				return nil, p.errorf("expected }")
			}
			body := p.src[p.pos+1 : p.pos+end]
			lo, hi, comma := strings.Cut(body, ",")
			m, err := strconv.Atoi(strings.TrimSpace(lo))
			if err != nil || m < 0 {
				return nil, p.errorf("bad repetition {%s}", body)
			}
			n := m
			if comma {
				n = -1
				if strings.TrimSpace(hi) != "" {
					if n, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil || n < m {
						return nil, p.errorf("bad repetition {%s}", body)
					}
				}
			}
			if m > 1000 || n > 1000 {
				return nil, p.errorf("repetition {%s} is too large", body)
			}
			e = Rep{e, m, n}
			p.pos += end
		default:
			return e, nil
		}
		p.pos++
	}
	return e, nil
}

// char reads one possibly escaped character.
func (p *gparser) char() (rune, error) {
	if p.eof() {
		return 0, p.errorf("unexpected end of grammar")
	}
	if p.src[p.pos] != '\\' {
		r, n := utf8.DecodeRuneInString(p.src[p.pos:])
		p.pos += n
		return r, nil
	}
	p.pos++
	if p.eof() {
		return 0, p.errorf("unexpected end of grammar")
	}
	c := p.src[p.pos]
	p.pos++
	hex := 0
	switch c {
	case 'n':
		return '\n', nil
	case 't':
		return '\t', nil
	case 'r':
		return '\r', nil
	case 'x':
		hex = 2
	case 'u':
		hex = 4
	case 'U':
		hex = 8
	case '\\', '"', '[', ']': // llama.cpp knows no other escapes
		return rune(c), nil
	default:
		return 0, p.errorf("unknown escape \\%c", c)
	}
	if p.pos+hex > len(p.src) {
		return 0, p.errorf("short hex escape")
	}
	v, err := strconv.ParseUint(p.src[p.pos:p.pos+hex], 16, 32)
	if err != nil {
		return 0, p.errorf("bad hex escape")
	}
	p.pos += hex
	return rune(v), nil
}

func (p *gparser) literal(q byte) (string, error) {
	p.pos++
	var b strings.Builder
	for {
		if p.eof() || p.src[p.pos] == '\n' {
			return "", p.errorf("unterminated literal")
		}
		if p.src[p.pos] == q {
			p.pos++
			return b.String(), nil
		}
		r, err := p.char()
		if err != nil {
			return "", err
		}
		b.WriteRune(r)
	}
}

func (p *gparser) class() (Class, error) {
	p.pos++
	var c Class
	if !p.eof() && p.src[p.pos] == '^' {
		c.Neg = true
		p.pos++
	}
	for {
		if p.eof() || p.src[p.pos] == '\n' {
			return c, p.errorf("unterminated character class")
		}
		if p.src[p.pos] == ']' {
			p.pos++
			return c, nil
		}
		lo, err := p.char()
		if err != nil {
			return c, err
		}
		hi := lo
		if p.pos+1 < len(p.src) && p.src[p.pos] == '-' && p.src[p.pos+1] != ']' {
			p.pos++
			if hi, err = p.char(); err != nil {
				return c, err
			}
		}
		c.Ranges = append(c.Ranges, [2]rune{lo, hi})
	}
}
