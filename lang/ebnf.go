package lang

import "strings"

// EBNF returns the grammar the parser uses, in participle's EBNF notation
// (one `Rule = expr .` per line; tokens written <ident>, <keyword> ...),
// for tools that derive other grammars from it: llm/grammar builds the
// GBNF grammar of a method slot from it, so that the parser and
// constrained generation share one source of truth. The grammar is looser
// than the language: parse.go checks the rest (see grammar.go).
// Lookahead groups `(?! ...)` and `(?= ...)`, which only narrow where an
// alternative applies, are left out, so the text is plain EBNF and
// describes a superset of what the parser reads.
func EBNF() (string, error) {
	p, err := parsers()
	if err != nil {
		return "", err
	}
	return dropLookahead(p.stmt.String()), nil
}

// dropLookahead removes participle's lookahead groups from its EBNF text.
// Literals are quoted ("="), so a parenthesis inside quotes is skipped.
func dropLookahead(s string) string {
	var b strings.Builder
	for {
		i := min(index(s, "(?!"), index(s, "(?="))
		if i == len(s) {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		depth, quoted, j := 0, false, i
	scan:
		for ; j < len(s); j++ {
			switch c := s[j]; {
			case c == '"':
				quoted = !quoted
			case quoted:
			case c == '(':
				depth++
			case c == ')':
				depth--
				if depth == 0 {
					break scan
				}
			}
		}
		s = strings.TrimPrefix(s[min(j+1, len(s)):], " ")
	}
}

// index is strings.Index, with len(s) for "not found".
func index(s, sub string) int {
	if i := strings.Index(s, sub); i >= 0 {
		return i
	}
	return len(s)
}
