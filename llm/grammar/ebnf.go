package grammar

import (
	"fmt"
	"strings"
)

// ParseEBNF reads participle's EBNF notation (what lang.EBNF returns):
// one `Name = expr .` per line, tokens <name> (batos adds <name:a-m>, a
// name-like token whose first letter is in a-m), literals "=".
func ParseEBNF(text string) (map[string]Expr, []string, error) {
	rules := map[string]Expr{}
	var order []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, body, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		body = strings.TrimSpace(body)
		if !ok || name == "" || !strings.HasSuffix(body, ".") {
			return nil, nil, fmt.Errorf("ebnf: cannot read %q", line)
		}
		p := &eparser{src: strings.TrimSuffix(body, ".")}
		e, err := p.alts()
		if err != nil {
			return nil, nil, fmt.Errorf("ebnf: rule %s: %w", name, err)
		}
		if p.skip(); p.pos < len(p.src) {
			return nil, nil, fmt.Errorf("ebnf: rule %s: unexpected %q", name, p.src[p.pos:])
		}
		if _, dup := rules[name]; !dup {
			order = append(order, name)
		}
		rules[name] = e
	}
	return rules, order, nil
}

type eparser struct {
	src string
	pos int
}

func (p *eparser) skip() {
	for p.pos < len(p.src) && p.src[p.pos] == ' ' {
		p.pos++
	}
}

func (p *eparser) alts() (Expr, error) {
	var alts []Expr
	for {
		s, err := p.seq()
		if err != nil {
			return nil, err
		}
		alts = append(alts, s)
		p.skip()
		if p.pos >= len(p.src) || p.src[p.pos] != '|' {
			break
		}
		p.pos++
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return Alt{alts}, nil
}

func (p *eparser) seq() (Expr, error) {
	var items []Expr
	for {
		p.skip()
		if p.pos >= len(p.src) {
			break
		}
		var e Expr
		switch c := p.src[p.pos]; {
		case c == '<':
			end := strings.IndexByte(p.src[p.pos:], '>')
			if end < 0 {
				return nil, fmt.Errorf("unterminated token")
			}
			e = Tok{p.src[p.pos+1 : p.pos+end]}
			p.pos += end + 1
		case c == '"':
			end := strings.IndexByte(p.src[p.pos+1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("unterminated literal")
			}
			e = Lit{p.src[p.pos+1 : p.pos+1+end]}
			p.pos += end + 2
		case c == '(':
			p.pos++
			x, err := p.alts()
			if err != nil {
				return nil, err
			}
			p.skip()
			if p.pos >= len(p.src) || p.src[p.pos] != ')' {
				return nil, fmt.Errorf("expected )")
			}
			p.pos++
			e = x
		case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
			start := p.pos
			for p.pos < len(p.src) && (isWordByte(p.src[p.pos])) {
				p.pos++
			}
			e = Ref{p.src[start:p.pos]}
		default:
			return seqOf(items), nil
		}
		for p.pos < len(p.src) {
			switch p.src[p.pos] {
			case '?':
				e = Rep{e, 0, 1}
			case '*':
				e = Rep{e, 0, -1}
			case '+':
				e = Rep{e, 1, -1}
			default:
				goto done
			}
			p.pos++
		}
	done:
		items = append(items, e)
	}
	return seqOf(items), nil
}

func isWordByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
}
