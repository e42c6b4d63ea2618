package grammar

import (
	"slices"
	"sort"
	"strings"
)

// Token kinds, for the white space between tokens.
const (
	kWord  = 1 << iota // names, keywords, numbers, strings, self
	kNeg               // negative numbers (start with '-')
	kOp                // operators, '=', '<-', '^', '|'
	kOpen              // ( [
	kClose             // ) ]
	kDot               // .
)

func tokenKind(t Tok) int {
	name, _, _ := strings.Cut(t.Name, ":")
	switch name {
	case "negnumber":
		return kNeg
	case "op", "caret", "bar":
		return kOp
	case "lparen", "lbrack":
		return kOpen
	case "rparen", "rbrack":
		return kClose
	case "dot":
		return kDot
	}
	return kWord
}

// needSpace reports whether tokens of kinds a then b must be separated:
// two words would read as one, two operators as one operator, and a dot
// directly before a name or operator is a resend.
func needSpace(a, b int) bool {
	word := kWord | kNeg
	switch {
	case a&word != 0 && b&word != 0:
		return true
	case a&kOp != 0 && b&(kOp|kNeg) != 0:
		return true
	case a&kDot != 0 && b&(kWord|kNeg|kOp) != 0:
		return true
	}
	return false
}

// sep is the white space between a token of kinds last and one of first.
func sep(last, first int) Expr {
	for a := 1; a <= kDot; a <<= 1 {
		for b := 1; b <= kDot; b <<= 1 {
			if last&a != 0 && first&b != 0 && needSpace(a, b) {
				return Lit{" "}
			}
		}
	}
	return Opt(Lit{" "})
}

// tokens defines the character-level rules of the tokens used, as
// lang/lexer.go reads them (see docs/language.md).
func (d *deriver) tokens() {
	n := d.o.NameLen
	rest := ClassOf("A-Za-z0-9_")
	names := func(first string) Expr {
		return exclude(ClassOf(first), rest, n, []string{"self", "resend"})
	}
	ops := []string{"+", "-", "*", "/", "%", "<", ">", "<=", ">=", "=", "!=", "==", ",", "&&", "||", "@", "->"}
	var opAlts []Expr
	for _, o := range ops {
		opAlts = append(opAlts, Lit{o})
	}
	strChar := Alt{[]Expr{
		Class{Ranges: [][2]rune{{' ', '&'}, {'(', '['}, {']', '~'}}}, // printable, but ' and \
		Seq{[]Expr{Lit{`\`}, escape()}},
	}}
	digits := func(lo, hi int) Expr { return Rep{ClassOf("0-9"), lo, hi} }
	integer := Alt{[]Expr{Lit{"0"}, Seq{[]Expr{ClassOf("1-9"), digits(0, 5)}}}} // no C-style octal
	defs := map[string]Expr{
		"name":       names("a-z"),
		"keyword":    Seq{[]Expr{ClassOf("a-z"), Rep{rest, 0, n - 1}, Lit{":"}}},
		"capkeyword": Seq{[]Expr{ClassOf("A-Z"), Rep{rest, 0, n - 1}, Lit{":"}}},
		"ident":      names("a-z"),
		"self":       Lit{"self"},
		"constant":   Alt{[]Expr{Lit{"nil"}, Lit{"true"}, Lit{"false"}}}, // initialisers of locals
		"number":     Seq{[]Expr{integer, Opt(Seq{[]Expr{Lit{"."}, digits(1, 3)}})}},
		"negnumber":  Seq{[]Expr{Lit{"-"}, integer}},
		"string":     Seq{[]Expr{Lit{"'"}, Rep{strChar, 0, d.o.StringLen}, Lit{"'"}}},
		"op":         Alt{opAlts},
		"caret":      Lit{"^"},
		"bar":        Lit{"|"},
		"dot":        Lit{"."},
		"lparen":     Lit{"("},
		"rparen":     Lit{")"},
		"lbrack":     Lit{"["},
		"rbrack":     Lit{"]"},
	}
	var used []string
	for t := range d.toks {
		used = append(used, t)
	}
	sort.Strings(used)
	for _, t := range used {
		e, ok := defs[t]
		if t == "arg" {
			e, ok = Seq{[]Expr{Lit{":"}, names("a-z")}}, true
		}
		if !ok {
			panic("grammar: no characters for token <" + t + ">")
		}
		d.out.Rules["tok-"+t] = e
	}
}

// escape is what may follow a backslash in a string literal, as
// lang/lexer.go reads it: the simple escapes, \xHH, \dNNN and \oNNN up
// to 255, and a newline (a continued line).
func escape() Expr {
	digit := ClassOf("0-9")
	return Alt{[]Expr{
		ClassOf(`tbnfrva0\'"?`),
		Seq{[]Expr{Lit{"x"}, ClassOf("0-9a-fA-F"), ClassOf("0-9a-fA-F")}},
		Seq{[]Expr{Lit{"d"}, Alt{[]Expr{
			Seq{[]Expr{ClassOf("01"), digit, digit}},
			Seq{[]Expr{Lit{"2"}, ClassOf("0-4"), digit}},
			Seq{[]Expr{Lit{"25"}, ClassOf("0-5")}},
		}}}},
		Seq{[]Expr{Lit{"o"}, ClassOf("0-3"), ClassOf("0-7"), ClassOf("0-7")}},
		Lit{"\n"},
	}}
}

// exclude is the language first rest{0,n-1} without the given words,
// built as a trie of the words' prefixes.
func exclude(first, rest Class, n int, words []string) Expr {
	var build func(prefix string) Expr
	build = func(prefix string) Expr {
		c := rest
		if prefix == "" {
			c = first
		}
		// characters that continue an excluded word's prefix
		special := map[rune]bool{}
		for _, w := range words {
			if strings.HasPrefix(w, prefix) && len(w) > len(prefix) {
				special[rune(w[len(prefix)])] = true
			}
		}
		var alts []Expr
		if prefix != "" && !slices.Contains(words, prefix) {
			alts = append(alts, Lit{""})
		}
		remaining := n - len(prefix) - 1 // characters allowed after this one
		if remaining < 0 {
			return seqOf(alts)
		}
		if plain := minus(c, special); len(plain.Ranges) > 0 {
			alts = append(alts, Seq{[]Expr{plain, Rep{rest, 0, remaining}}})
		}
		var keys []rune
		for r := range special {
			if c.has(r) {
				keys = append(keys, r)
			}
		}
		slices.Sort(keys)
		for _, r := range keys {
			alts = append(alts, Seq{[]Expr{Lit{string(r)}, build(prefix + string(r))}})
		}
		if len(alts) == 1 {
			return alts[0]
		}
		return Alt{alts}
	}
	return build("")
}

// minus removes characters from a (non-negated) class.
func minus(c Class, out map[rune]bool) Class {
	var r Class
	for _, rg := range c.Ranges {
		lo := rg[0]
		for x := rg[0]; x <= rg[1]+1; x++ {
			if x > rg[1] || out[x] {
				if x > lo {
					r.Ranges = append(r.Ranges, [2]rune{lo, x - 1})
				}
				lo = x + 1
			}
		}
	}
	return r
}
