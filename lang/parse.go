package lang

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// maxRawErrors stops parsing a hopeless input early; finish trims the
// list to maxErrors anyway.
const maxRawErrors = 50

// Parse parses a script or one REPL input: a sequence of top-level
// statements, each ended by '.' or by a newline at bracket depth zero
// after a complete expression (see docs/language.md).
//
// The error, if any, is an ErrorList holding up to 10 errors, at most one
// per line, in source order. The returned File then holds the statements
// that did parse. Parse never panics.
func Parse(filename, src string) (*File, error) {
	s := scan(filename, src)
	c := newConv(filename, src, s)
	end := c.posAt(len(src))
	f := &File{Span: Span{Pos{Offset: 0, Line: 1, Col: 1}, end}, Name: filename, Src: src, Comments: s.comments}
	errs := s.errs
	for _, ch := range split(filename, s.toks, end, true, &errs) {
		if len(errs)+len(c.errs) > maxRawErrors {
			break
		}
		if ch.bad || len(ch.toks) == 0 {
			continue
		}
		if e := c.parse(ch, false); e != nil {
			f.Stmts = append(f.Stmts, e)
		}
	}
	errs = append(errs, c.errs...)
	return f, errs.finish()
}

// ParseExpr parses exactly one expression. Newlines are white space here,
// and one trailing '.' is allowed.
func ParseExpr(filename, src string) (Expr, error) {
	s := scan(filename, src)
	c := newConv(filename, src, s)
	end := c.posAt(len(src))
	errs := s.errs
	chunks := split(filename, s.toks, end, false, &errs)
	var e Expr
	if len(errs) == 0 {
		var ch chunk
		if len(chunks) > 0 {
			ch = chunks[0]
		}
		if n := len(ch.toks); n > 0 && ch.toks[n-1].typ == tDot {
			ch.toks = ch.toks[:n-1]
		}
		if len(ch.toks) == 0 {
			errs.add(filename, end, "expected an expression, found end of input")
		} else {
			e = c.parse(ch, true)
		}
	}
	errs = append(errs, c.errs...)
	if err := errs.finish(); err != nil {
		return nil, err
	}
	return e, nil
}

// Balanced reports whether src is complete enough to hand to Parse: it is
// false while a bracket ( [ { is unclosed or a string or comment is
// unterminated, and true otherwise, including when there are too many
// closing brackets (Parse then reports them).
func Balanced(src string) bool {
	s := scan("", src)
	if s.unterminated {
		return false
	}
	open := 0
	for _, t := range s.toks {
		switch t.typ {
		case tLParen, tLBrack, tLBrace:
			open++
		case tRParen, tRBrack, tRBrace:
			if open > 0 {
				open--
			}
		}
	}
	return open == 0
}

// parse runs the grammar over one statement and converts the result.
// The hand-written parser (descent.go) reads what the grammar accepts;
// participle reads the rest, for its error.
func (c *conv) parse(ch chunk, exprOnly bool) (e Expr) {
	c.end = ch.end
	n := len(c.errs)
	defer func() {
		if r := recover(); r != nil {
			c.errs = c.errs[:n]
			c.errorf(ch.toks[0].pos, "internal parser error: %v", r)
			e = nil
		}
	}()
	g, ok := descend(c.file, ch.toks, exprOnly)
	if !ok {
		// The grammar rejects the statement: participle says where and why.
		var err error
		if g, err = c.participle(ch, exprOnly); err != nil {
			c.grammarError(err, ch, exprOnly)
			return nil
		}
	}
	if exprOnly {
		e = c.expr(g.(*gExpr))
	} else {
		e = c.stmt(g.(*gStmt))
	}
	if len(c.errs) > n {
		return nil
	}
	return e
}

// participle parses one statement's tokens with the participle grammar,
// answering a *gStmt (or, with exprOnly, a *gExpr).
func (c *conv) participle(ch chunk, exprOnly bool) (any, error) {
	ps, err := parsers()
	if err != nil {
		return nil, err
	}
	lex, err := lexer.Upgrade(newSliceLexer(c.file, ch.toks, ch.end))
	if err != nil {
		return nil, err
	}
	if exprOnly {
		return ps.expr.ParseFromLexer(lex)
	}
	return ps.stmt.ParseFromLexer(lex)
}

// grammarError turns a participle error into one in plain words.
func (c *conv) grammarError(err error, ch chunk, exprOnly bool) {
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		t := ute.Unexpected
		if !exprOnly && t.Type == tBar && len(ch.toks) > 0 && t.Pos.Offset == ch.toks[0].pos.Offset {
			// Smalltalk's `| a b |` at the top of a script.
			c.errorf(tokPos(t), "a statement cannot start with '|': temporaries such as | a b | "+
				"are declared inside a method or block; a script declares variables as slots "+
				"of the lobby: lobby _AddSlots: (| a. b |)")
			return
		}
		msg := "unexpected " + describe(t.Type, t.Value)
		want := expected(ute.Message())
		if strings.Contains(want, "'|'") {
			// An operator such as '|+' may have swallowed the bar.
			for _, bt := range ch.toks {
				if bt.pos.Offset >= t.Pos.Offset {
					break
				}
				if bt.typ == tOp && strings.HasPrefix(bt.text, "|") {
					c.errorf(bt.pos, "operator '%s' swallowed the '|' that ends the slot list: put a space after '|'", bt.text)
					return
				}
			}
		}
		if want != "" {
			msg += "; expected " + want
		} else if t.Type != tEOF && !exprOnly {
			msg += " after a complete statement (missing '.'?)"
		} else if t.Type != tEOF {
			msg += " after a complete expression"
		}
		if h := hint(t); t.Type == tCaret && (strings.Contains(want, "slot list") || want == "'}'") {
			msg += " (" + privacyHint("^", "public") + ")"
		} else if h != "" {
			msg += " (" + h + ")"
		}
		c.errorf(tokPos(t), "%s", msg)
		return
	}
	var perr participle.Error
	if errors.As(err, &perr) {
		p := perr.Position()
		c.errorf(Pos{Offset: p.Offset, Line: p.Line, Col: p.Column}, "%s", perr.Message())
		return
	}
	c.errorf(c.end, "%v", err)
}

// expectations maps participle's names for what it wanted to plain words.
var expectations = []struct{ grammar, words string }{
	{"<rparen>", "')'"},
	{"<rbrack>", "']'"},
	{"<rbrace>", "'}'"},
	{"<bar>", "'|' to end the slot list"},
	{"GSlotItem", "a slot"},
	{"GStmt", "an expression"},
	{"GExpr", "an expression"},
	{"GObject", "an object '( ... )'"},
	{"GBlock", "a block '[ ... ]'"},
	{"<string>", "a string"},
}

// expected extracts "(expected X)" from a participle message and says X
// in plain words, or returns "" if it cannot.
func expected(msg string) string {
	i := strings.LastIndex(msg, "(expected ")
	if i < 0 {
		return ""
	}
	want := strings.TrimSuffix(msg[i+len("(expected "):], ")")
	var words []string
	for _, e := range expectations {
		if strings.Contains(want, e.grammar) {
			words = append(words, e.words)
		}
	}
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// privacyHint explains a Self 2/3 privacy marker before a slot name.
func privacyHint(marker, visibility string) string {
	return fmt.Sprintf("'%s' before a slot name is a Self 2/3 privacy marker, which Self 4 no longer accepts: drop it, or say { 'Visibility: %s' ... }", marker, visibility)
}

// hint adds advice for tokens that are often misplaced.
func hint(t lexer.Token) string {
	switch t.Type {
	case tBar:
		return "'|' alone is not an operator: it delimits slot lists, as in (| x | ...)"
	case tCaret:
		return "'^' (return) can only start a statement"
	case tArg:
		return "argument slots belong in a slot list, as in [| :x | x]"
	case tCapKeyword:
		return fmt.Sprintf("a keyword message starts with a lowercase keyword; '%s' can only continue one", t.Value)
	case tDelegate:
		return "a resend such as resend.foo can only start an expression"
	case tCapIdent:
		return "names must begin with a lowercase letter"
	case tOp:
		if strings.HasPrefix(t.Value, "|") {
			return "to end a slot list before an operator, put a space after '|'"
		}
	}
	return ""
}
