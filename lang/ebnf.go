package lang

// EBNF returns the grammar the parser uses, in participle's EBNF notation
// (one `Rule = expr .` per line; tokens written <ident>, <keyword> ...),
// for tools that derive other grammars from it: llm/grammar builds the
// GBNF grammar of a method slot from it, so that the parser and
// constrained generation share one source of truth. The grammar is looser
// than the language: parse.go checks the rest (see grammar.go).
func EBNF() (string, error) {
	p, err := parsers()
	if err != nil {
		return "", err
	}
	return p.stmt.String(), nil
}
