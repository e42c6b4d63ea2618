// Package lang parses Self source text into the batos AST and prints it
// back.
//
// The pipeline is: a hand-written scanner (lexer.go) turns source into
// tokens and reports lexical errors; the token stream is cut into top-level
// statements (a '.' or, at bracket depth zero, a newline after a complete
// statement ends one); each statement is parsed against the grammar of
// grammar.go, whose structs stay unexported; convert.go turns those
// structs into the AST of ast.go, checking what the grammar leaves loose
// (binary operators have no precedence, slot declarations, argument
// counts). The evaluator never sees the grammar's structs.
//
// The grammar is written once, as participle structs. A hand-written
// recursive-descent parser (descent.go) fills the same structs for input
// the grammar accepts, about ten times faster; a statement it cannot read
// is parsed again by participle, whose error is the one reported. A test
// and a fuzz target check that both read every input alike.
//
// Errors are an ErrorList of *Error, each with a file:line:col position
// and a plain-words message. Parse reports up to 10 of them, at most one
// per line, and never panics.
//
// Format, FormatExpr and FormatSlot print canonical source; Equal compares
// trees ignoring positions, so that Parse(Format(f)) is Equal to f.
//
// The syntax accepted, and where it deliberately differs from Self, is
// described in docs/language.md.
package lang
