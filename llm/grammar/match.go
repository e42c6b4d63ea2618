package grammar

import (
	"math/rand/v2"
	"sort"
	"strings"
)

// Match reports whether the whole text is in the grammar's language.
func (g *Grammar) Match(text string) bool {
	m := &matcher{g: g, text: []rune(text), memo: map[memoKey][]int{}, busy: map[memoKey]bool{}}
	for _, end := range m.ends(Ref{g.Root}, 0) {
		if end == len(m.text) {
			return true
		}
	}
	return false
}

type memoKey struct {
	name string
	pos  int
}

type matcher struct {
	g    *Grammar
	text []rune
	memo map[memoKey][]int
	busy map[memoKey]bool
}

// ends returns the positions where a match of e starting at pos can end.
func (m *matcher) ends(e Expr, pos int) []int {
	switch e := e.(type) {
	case Lit:
		rs := []rune(e.S)
		if pos+len(rs) <= len(m.text) && string(m.text[pos:pos+len(rs)]) == e.S {
			return []int{pos + len(rs)}
		}
		return nil
	case Class:
		if pos < len(m.text) && e.has(m.text[pos]) {
			return []int{pos + 1}
		}
		return nil
	case Ref:
		k := memoKey{e.Name, pos}
		if r, ok := m.memo[k]; ok {
			return r
		}
		if m.busy[k] {
			return nil // left recursion: no progress
		}
		m.busy[k] = true
		r := m.ends(m.g.Rules[e.Name], pos)
		delete(m.busy, k)
		m.memo[k] = r
		return r
	case Seq:
		cur := []int{pos}
		for _, x := range e.Items {
			cur = m.all(x, cur)
			if len(cur) == 0 {
				return nil
			}
		}
		return cur
	case Alt:
		var out []int
		for _, x := range e.Alts {
			out = append(out, m.ends(x, pos)...)
		}
		return uniq(out)
	case Rep:
		if c, ok := e.X.(Class); ok { // a run of characters (names, digits)
			var out []int
			for i, p := 0, pos; ; i, p = i+1, p+1 {
				if i >= e.Min {
					out = append(out, p)
				}
				if e.Max >= 0 && i == e.Max || p >= len(m.text) || !c.has(m.text[p]) {
					return out
				}
			}
		}
		var out []int
		cur := []int{pos}
		seen := map[int]bool{}
		for i := 0; ; i++ {
			if i >= e.Min {
				out = append(out, cur...)
			}
			if e.Max >= 0 && i == e.Max {
				break
			}
			var next []int
			for _, p := range m.all(e.X, cur) {
				if !seen[p] || i < e.Min {
					next = append(next, p)
				}
				seen[p] = true
			}
			if len(next) == 0 {
				break
			}
			cur = uniq(next)
		}
		return uniq(out)
	}
	return nil
}

func (m *matcher) all(e Expr, from []int) []int {
	var out []int
	for _, p := range from {
		out = append(out, m.ends(e, p)...)
	}
	return uniq(out)
}

func uniq(xs []int) []int {
	if len(xs) < 2 {
		return xs
	}
	if !sort.IntsAreSorted(xs) {
		sort.Ints(xs)
	}
	out := xs[:1]
	for _, x := range xs[1:] {
		if x != out[len(out)-1] {
			out = append(out, x)
		}
	}
	return out
}

// Sample returns a random string of the grammar's language. Unbounded
// repetitions stop with probability 1/2 at each step (and after 4), and
// so do wide bounded ones (more than 4 apart) but one time in eight,
// when they take a count uniformly between their bounds;
// recursion deeper than maxDepth rules fails (ok false), which a derived,
// depth-bounded grammar never does.
func (g *Grammar) Sample(r *rand.Rand, maxDepth int) (string, bool) {
	var b strings.Builder
	s := &sampler{g: g, r: r, max: maxDepth}
	ok := s.gen(&b, Ref{g.Root}, 0)
	return b.String(), ok
}

type sampler struct {
	g   *Grammar
	r   *rand.Rand
	max int
}

func (s *sampler) gen(b *strings.Builder, e Expr, depth int) bool {
	switch e := e.(type) {
	case Lit:
		b.WriteString(e.S)
	case Class:
		b.WriteRune(s.char(e))
	case Ref:
		if depth > s.max {
			return false
		}
		return s.gen(b, s.g.Rules[e.Name], depth+1)
	case Seq:
		for _, x := range e.Items {
			if !s.gen(b, x, depth) {
				return false
			}
		}
	case Alt:
		return s.gen(b, e.Alts[s.r.IntN(len(e.Alts))], depth)
	case Rep:
		n := e.Min
		switch {
		case e.Max >= 0 && (e.Max-e.Min <= 4 || s.r.IntN(8) == 0):
			n += s.r.IntN(e.Max - e.Min + 1)
		default:
			for (e.Max < 0 && n < e.Min+4 || n < e.Max) && s.r.IntN(2) == 0 {
				n++
			}
		}
		for range n {
			if !s.gen(b, e.X, depth) {
				return false
			}
		}
	}
	return true
}

// char picks a character of the class (printable ASCII for a negated one).
func (s *sampler) char(c Class) rune {
	if c.Neg {
		for {
			r := rune(32 + s.r.IntN(95))
			if c.has(r) {
				return r
			}
		}
	}
	rg := c.Ranges[s.r.IntN(len(c.Ranges))]
	return rg[0] + rune(s.r.IntN(int(rg[1]-rg[0])+1))
}
