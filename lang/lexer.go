package lang

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types. The names are the symbols the participle grammar uses.
const (
	tEOF                        = lexer.EOF
	tIdent      lexer.TokenType = -2 - iota // foo _Foo
	tCapIdent                               // Foo (an error wherever a name is read)
	tKeyword                                // foo: _Foo:
	tCapKeyword                             // Foo:
	tArg                                    // :foo
	tDelegate                               // foo. or resend. directly followed by a unary message
	tDelegateKw                             // resend. followed by a keyword message
	tDelegateOp                             // resend. followed by a binary message
	tSelf                                   // self
	tNumber                                 // 12 16rFF 1.5e3
	tNegNumber                              // -12 (a literal, or "- 12" after an expression)
	tString                                 // 'it''s' with escapes
	tOp                                     // + <- = && ...
	tBar                                    // |
	tCaret                                  // ^
	tLParen
	tRParen
	tLBrack
	tRBrack
	tLBrace
	tRBrace
	tDot
)

var symbols = map[string]lexer.TokenType{
	"EOF": tEOF, "Ident": tIdent, "CapIdent": tCapIdent, "Keyword": tKeyword,
	"CapKeyword": tCapKeyword, "Arg": tArg, "Delegate": tDelegate, "DelegateKw": tDelegateKw,
	"DelegateOp": tDelegateOp, "Self": tSelf,
	"Number": tNumber, "NegNumber": tNegNumber, "String": tString, "Op": tOp,
	"Bar": tBar, "Caret": tCaret, "LParen": tLParen, "RParen": tRParen,
	"LBrack": tLBrack, "RBrack": tRBrack, "LBrace": tLBrace, "RBrace": tRBrace,
	"Dot": tDot,
}

var punct = map[byte]lexer.TokenType{
	'(': tLParen, ')': tRParen, '[': tLBrack, ']': tRBrack,
	'{': tLBrace, '}': tRBrace, '.': tDot,
}

// simpleEscapes maps the character after a backslash to its value.
var simpleEscapes = map[byte]byte{
	't': '\t', 'b': '\b', 'n': '\n', 'f': '\f', 'r': '\r', 'v': '\v',
	'a': '\a', '0': 0, '\\': '\\', '\'': '\'', '"': '"', '?': '?',
}

// token is one scanned token. text is the exact source text, so the token
// ends at pos.Offset+len(text). nl records a newline in the white space
// before the token (newlines inside comments and escaped newlines do not
// count); it drives the statement-newline rule.
type token struct {
	typ  lexer.TokenType
	text string
	pos  Pos
	nl   bool
	bad  bool // the token had a lexical error (already reported)
}

func (t token) end() int { return t.pos.Offset + len(t.text) }

// scanner turns Self source into tokens. It never stops at an error: it
// records it and goes on, so that several errors can be reported.
type scanner struct {
	file string
	src  string
	off  int
	line int
	col  int
	toks []token
	errs ErrorList
	strs map[int]string // decoded string literals, by token offset

	// comments holds every complete comment in source order, quotes
	// included (the printer puts them back; see File.Comments).
	comments []*Comment

	unterminated bool // a string or comment runs to the end of input
}

func scan(file, src string) *scanner {
	s := &scanner{file: file, src: src, line: 1, col: 1, strs: map[int]string{}, toks: make([]token, 0, len(src)/6+4)}
	s.run()
	return s
}

func (s *scanner) pos() Pos { return Pos{Offset: s.off, Line: s.line, Col: s.col} }

func (s *scanner) errorf(p Pos, format string, args ...any) {
	s.errs.add(s.file, p, format, args...)
}

// advance moves past n bytes, keeping line and column up to date.
func (s *scanner) advance(n int) {
	for i := 0; i < n && s.off < len(s.src); i++ {
		if s.src[s.off] == '\n' {
			s.line++
			s.col = 1
		} else {
			s.col++
		}
		s.off++
	}
}

func (s *scanner) peek(i int) byte {
	if s.off+i < len(s.src) {
		return s.src[s.off+i]
	}
	return 0
}

func isLetter(c byte) bool     { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isIdentStart(c byte) bool { return isLetter(c) || c == '_' }
func isIdentChar(c byte) bool  { return isLetter(c) || isDigit(c) || c == '_' }
func isUpper(c byte) bool      { return 'A' <= c && c <= 'Z' }

// newlineLen reports the length of a line break at s.off (0 if none).
func (s *scanner) newlineLen() int {
	switch s.peek(0) {
	case '\n':
		return 1
	case '\r':
		if s.peek(1) == '\n' {
			return 2
		}
		return 1
	}
	return 0
}

func (s *scanner) run() {
	nl := false
	for s.off < len(s.src) {
		c := s.src[s.off]
		start := s.pos()
		switch {
		case c == '\n' || c == '\r':
			nl = true
			s.advance(1)
			continue
		case c == ' ' || c == '\t' || c == '\v' || c == '\b' || c == '\f':
			s.advance(1)
			continue
		case c == '\\' && (s.peek(1) == '\n' || s.peek(1) == '\r'):
			// An escaped newline continues the line.
			s.advance(1)
			s.advance(s.newlineLen())
			continue
		case c == '"':
			s.comment()
			continue
		}
		typ, bad := s.token(c)
		s.toks = append(s.toks, token{typ: typ, text: s.src[start.Offset:s.off], pos: start, nl: nl, bad: bad})
		nl = false
	}
}

// comment scans a comment into s.comments. Like Self's scanner, a
// backslash escapes the next character, so \" does not end the comment.
func (s *scanner) comment() {
	start := s.pos()
	s.advance(1)
	for s.off < len(s.src) {
		switch s.src[s.off] {
		case '\\':
			s.advance(2)
			continue
		case '"':
			s.advance(1)
			s.comments = append(s.comments, &Comment{Span: Span{start, s.pos()}, Text: s.src[start.Offset:s.off]})
			return
		}
		s.advance(1)
	}
	s.unterminated = true
	s.errorf(start, "unterminated comment")
}

// token scans one token starting with c and returns its type.
func (s *scanner) token(c byte) (typ lexer.TokenType, bad bool) {
	switch {
	case isDigit(c) || c == '-' && isDigit(s.peek(1)):
		return s.number()
	case isIdentStart(c):
		return s.name()
	case c == '\'':
		return tString, !s.string()
	case c == ':':
		if isIdentStart(s.peek(1)) {
			s.advance(1)
			for isIdentChar(s.peek(0)) {
				s.advance(1)
			}
			return tArg, false
		}
		if s.peek(1) == '=' {
			s.errorf(s.pos(), "':=' is not Self: assign with a keyword message, as in x: 3")
			s.advance(2)
			return tArg, true
		}
		s.errorf(s.pos(), "expected an argument name after ':' (as in :x)")
		s.advance(1)
		return tArg, true
	case isOpChar(c):
		start, at := s.off, s.pos()
		for s.off < len(s.src) && isOpChar(s.src[s.off]) &&
			!(s.src[s.off] == '\\' && s.off > start && (s.peek(1) == '\n' || s.peek(1) == '\r')) {
			s.advance(1)
		}
		switch op := s.src[start:s.off]; {
		case op == "|":
			return tBar, false
		case op == "^":
			return tCaret, false
		case op == ";":
			s.errorf(at, "';' is not Self: there are no cascades; send each message "+
				"in its own statement (x foo. x bar), naming the receiver in a slot if need be")
			return tOp, true
		case op == "#" && s.off < len(s.src) && (isIdentStart(s.src[s.off]) || s.src[s.off] == '(' || s.src[s.off] == '\''):
			s.errorf(at, "'#' is not Self: a symbol is a string ('foo'), and a literal "+
				"vector is built with & ((1 & 2 & 3) asVector) or vector copySize:")
			return tOp, true
		}
		return tOp, false
	}
	if c == '.' && isDigit(s.peek(1)) {
		// Self's lexer too: '.5' is neither a statement end nor a float.
		p := s.pos()
		s.advance(1)
		for isDigit(s.peek(0)) {
			s.advance(1)
		}
		s.errorf(p, "a float needs a digit before the decimal point: write 0%s", s.src[p.Offset:s.off])
		return tNumber, true
	}
	if t, ok := punct[c]; ok {
		s.advance(1)
		return t, false
	}
	p := s.pos()
	r, size := utf8.DecodeRuneInString(s.src[s.off:])
	if r == utf8.RuneError && size <= 1 {
		s.errorf(p, "unexpected byte 0x%02x in input", c)
		size = 1
	} else {
		s.errorf(p, "unexpected character %q in input", r)
	}
	s.advance(size)
	return tOp, true
}

// name scans an identifier, keyword, directed resend or self.
func (s *scanner) name() (lexer.TokenType, bool) {
	start := s.pos()
	for isIdentChar(s.peek(0)) {
		s.advance(1)
	}
	word := s.src[start.Offset:s.off]
	if s.peek(0) == ':' {
		s.advance(1)
		if isUpper(word[0]) {
			return tCapKeyword, false
		}
		return tKeyword, false
	}
	// A name immediately followed by '.' and a message is a (directed)
	// resend: resend.copy, parent.at: 1. Whitespace after the '.' makes
	// it a statement separator.
	if s.peek(0) == '.' && (isIdentStart(s.peek(1)) || isOpChar(s.peek(1))) {
		if word == "self" {
			s.errorf(start, "'self' cannot name the parent of a directed resend")
			s.advance(1)
			return tDelegate, true
		}
		s.advance(1)
		// Tell the parser which kind of message follows, so that the
		// grammar needs no lookahead.
		if isOpChar(s.peek(0)) {
			return tDelegateOp, false
		}
		i := s.off
		for i < len(s.src) && isIdentChar(s.src[i]) {
			i++
		}
		if i < len(s.src) && s.src[i] == ':' {
			return tDelegateKw, false
		}
		return tDelegate, false
	}
	switch {
	case word == "self":
		return tSelf, false
	case word == "resend":
		s.errorf(start, "'resend' must be followed by '.' and a message, as in resend.copy")
		return tIdent, true
	case isUpper(word[0]):
		return tCapIdent, false
	}
	return tIdent, false
}

// number scans an integer or float literal, with an optional leading '-'
// and an optional radix prefix (16rFF).
func (s *scanner) number() (lexer.TokenType, bool) {
	start := s.pos()
	typ := tNumber
	if s.peek(0) == '-' {
		typ = tNegNumber
		s.advance(1)
	}
	if s.peek(0) == '0' && (s.peek(1) == 'x' || s.peek(1) == 'X') {
		s.errorf(start, "hexadecimal numbers are written 16rFF, not 0x...")
		s.skipAlnum()
		return typ, true
	}
	if s.peek(0) == '0' && isDigit(s.peek(1)) {
		s.errorf(start, "C-style octal numbers are not supported (write 8r17)")
		s.skipAlnum()
		return typ, true
	}
	digits := s.off
	for isDigit(s.peek(0)) {
		s.advance(1)
	}
	if c := s.peek(0); c == 'r' || c == 'R' {
		base := 0
		for _, d := range s.src[digits:s.off] {
			base = base*10 + int(d-'0')
			if base > 36 {
				break
			}
		}
		s.advance(1)
		if base < 2 || base > 36 {
			s.errorf(start, "illegal base %s for a number (bases go from 2 to 36)", s.src[digits:s.off-1])
			s.skipAlnum()
			return typ, true
		}
		if !isIdentChar(s.peek(0)) || s.peek(0) == '_' {
			s.errorf(s.pos(), "expected digits after %q", s.src[start.Offset:s.off])
			return typ, true
		}
		for isLetter(s.peek(0)) || isDigit(s.peek(0)) {
			if digitVal(s.peek(0)) >= base {
				s.errorf(s.pos(), "digit %q is too large for base %d", s.peek(0), base)
				s.skipAlnum()
				return typ, true
			}
			s.advance(1)
		}
		return typ, !s.checkAfterNumber()
	}
	if s.peek(0) == '.' && isDigit(s.peek(1)) {
		s.advance(1)
		for isDigit(s.peek(0)) {
			s.advance(1)
		}
	}
	if c := s.peek(0); c == 'e' || c == 'E' {
		p := s.pos()
		s.advance(1)
		if c := s.peek(0); c == '+' || c == '-' {
			s.advance(1)
		}
		if !isDigit(s.peek(0)) {
			s.errorf(p, "illegal exponent in number: expected digits after 'e'")
			s.skipAlnum()
			return typ, true
		}
		for isDigit(s.peek(0)) {
			s.advance(1)
		}
	}
	return typ, !s.checkAfterNumber()
}

func (s *scanner) checkAfterNumber() bool {
	if isIdentChar(s.peek(0)) {
		s.errorf(s.pos(), "need a space between a number and the message after it")
		s.skipAlnum()
		return false
	}
	return true
}

func (s *scanner) skipAlnum() {
	for isIdentChar(s.peek(0)) {
		s.advance(1)
	}
}

// digitVal is the value of a digit in bases up to 36 (99 if not a digit).
func digitVal(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case 'a' <= c && c <= 'z':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// string scans a string literal, decodes its escapes into s.strs and
// reports whether it was well formed.
func (s *scanner) string() bool {
	start := s.pos()
	s.advance(1)
	var b strings.Builder
	ok := true
	for {
		if s.off >= len(s.src) {
			s.unterminated = true
			s.errorf(start, "unterminated string")
			return false
		}
		c := s.src[s.off]
		switch c {
		case '\'':
			s.advance(1)
			s.strs[start.Offset] = b.String()
			return ok
		case '\r':
			// A raw CR or CRLF in a string is a newline, as in Self.
			b.WriteByte('\n')
			s.advance(s.newlineLen())
			continue
		case '\\':
			if !s.escape(&b) {
				ok = false
			}
			continue
		}
		b.WriteByte(c)
		s.advance(1)
	}
}

// escape decodes one backslash escape into b.
func (s *scanner) escape(b *strings.Builder) bool {
	p := s.pos()
	s.advance(1)
	if s.off >= len(s.src) {
		return true // reported as an unterminated string
	}
	c := s.src[s.off]
	if v, ok := simpleEscapes[c]; ok {
		b.WriteByte(v)
		s.advance(1)
		return true
	}
	switch c {
	case '\n', '\r':
		s.advance(s.newlineLen()) // escaped newline: nothing
		return true
	case 'x', 'd', 'o':
		base, n := 16, 2
		if c == 'd' {
			base, n = 10, 3
		} else if c == 'o' {
			base, n = 8, 3
		}
		s.advance(1)
		v := 0
		for i := 0; i < n; i++ {
			d := digitVal(s.peek(0))
			if d >= base {
				s.errorf(p, "escape \\%c needs exactly %d base-%d digits", c, n, base)
				return false
			}
			v = v*base + d
			s.advance(1)
		}
		if v > 255 {
			s.errorf(p, "character escape value %d is larger than 255", v)
			return false
		}
		b.WriteByte(byte(v))
		return true
	}
	r, size := utf8.DecodeRuneInString(s.src[s.off:])
	s.errorf(p, "unknown escape sequence \\%c in string", r)
	s.advance(size)
	return false
}

// ---- participle lexer.Definition ----

// selfLexer implements participle's lexer.Definition with the scanner
// above. Parsing goes through sliceLexer (one statement at a time); Lex is
// here so that the definition is complete.
type selfLexer struct{}

func (selfLexer) Symbols() map[string]lexer.TokenType { return symbols }

func (d selfLexer) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	s := scan(filename, string(b))
	if len(s.errs) > 0 {
		return nil, s.errs.finish()
	}
	end := Pos{Offset: len(s.src), Line: s.line, Col: s.col}
	return newSliceLexer(filename, s.toks, end), nil
}

// sliceLexer feeds a run of scanned tokens to participle, then EOF.
type sliceLexer struct {
	file string
	toks []token
	end  Pos
	i    int
}

func newSliceLexer(file string, toks []token, end Pos) *sliceLexer {
	return &sliceLexer{file: file, toks: toks, end: end}
}

func (l *sliceLexer) Next() (lexer.Token, error) {
	if l.i >= len(l.toks) {
		return lexer.EOFToken(l.position(l.end)), nil
	}
	t := l.toks[l.i]
	l.i++
	return lexer.Token{Type: t.typ, Value: t.text, Pos: l.position(t.pos)}, nil
}

func (l *sliceLexer) position(p Pos) lexer.Position {
	return lexer.Position{Filename: l.file, Offset: p.Offset, Line: p.Line, Column: p.Col}
}

// describe names a token for an error message.
func describe(typ lexer.TokenType, text string) string {
	switch typ {
	case tEOF:
		return "end of input"
	case tIdent, tCapIdent:
		return fmt.Sprintf("name '%s'", text)
	case tKeyword, tCapKeyword:
		return fmt.Sprintf("keyword '%s'", text)
	case tArg:
		return fmt.Sprintf("argument '%s'", text)
	case tDelegate, tDelegateKw, tDelegateOp:
		return fmt.Sprintf("resend '%s'", text)
	case tSelf:
		return "'self'"
	case tNumber, tNegNumber:
		return "number " + text
	case tString:
		if len(text) > 20 {
			text = text[:17] + "..."
		}
		return "string " + text
	case tOp:
		return fmt.Sprintf("operator '%s'", text)
	}
	return fmt.Sprintf("'%s'", text)
}
