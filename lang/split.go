package lang

import "github.com/alecthomas/participle/v2/lexer"

// maxNesting bounds how deeply brackets and keyword messages may nest, so
// that no input can exhaust the stack of the recursive parser.
const maxNesting = 500

// chunk is the tokens of one top-level statement, without its
// terminating '.'. end is where the statement ends, for errors at its end.
type chunk struct {
	toks []token
	end  Pos
	bad  bool // a lexical or bracket error was already reported
}

// canEnd reports whether a token of type t can end an expression; only
// then does a following newline end a top-level statement.
func canEnd(t lexer.TokenType) bool {
	switch t {
	case tIdent, tCapIdent, tSelf, tNumber, tNegNumber, tString, tRParen, tRBrack, tRBrace:
		return true
	}
	return false
}

var closerOf = map[lexer.TokenType]lexer.TokenType{tLParen: tRParen, tLBrack: tRBrack, tLBrace: tRBrace}

func bracketName(open lexer.TokenType) string {
	switch open {
	case tLBrack:
		return "block"
	case tLBrace:
		return "annotation"
	}
	return "'('"
}

func closeText(open lexer.TokenType) string {
	switch open {
	case tLBrack:
		return "']'"
	case tLBrace:
		return "'}'"
	}
	return "')'"
}

// split cuts toks into statements and checks that brackets match. With
// script set, a '.' at bracket depth zero ends a statement, and so does a
// newline at depth zero when the statement so far can end there (its last
// token ends an expression) and the next line does not go on with a
// capitalised keyword (which can never start a statement). A '.' with no
// statement before it is an error. Without script (ParseExpr) everything
// is one statement.
func split(file string, toks []token, end Pos, script bool, errs *ErrorList) []chunk {
	type frame struct {
		typ lexer.TokenType
		pos Pos
		kws int // keywords seen in the current statement of this frame
	}
	var (
		chunks []chunk
		stack  []frame
		topKws int // keywords in the current top-level statement
		depth  int // len(stack) plus all keyword counts
		start  int
		bad    bool
		nlEnd  bool // the previous statement was ended by a newline
	)
	emit := func(i int, end Pos) {
		if i > start || bad {
			chunks = append(chunks, chunk{toks: toks[start:i], end: end, bad: bad})
		}
		bad = false
		depth -= topKws
		topKws = 0
	}
	for i, t := range toks {
		if script && len(stack) == 0 && i > start && t.nl && canEnd(toks[i-1].typ) && t.typ != tCapKeyword {
			emit(i, t.pos)
			start = i
			nlEnd = true
		}
		if t.bad {
			bad = true
		}
		switch t.typ {
		case tLParen, tLBrack, tLBrace:
			stack = append(stack, frame{typ: t.typ, pos: t.pos})
			depth++
			if depth > maxNesting && !bad {
				errs.add(file, t.pos, "expression nested too deeply (more than %d levels)", maxNesting)
				bad = true
			}
		case tRParen, tRBrack, tRBrace:
			if len(stack) == 0 {
				if !bad {
					errs.add(file, t.pos, "unexpected '%s' with nothing open to close", t.text)
				}
				bad = true
				continue
			}
			top := stack[len(stack)-1]
			if closerOf[top.typ] != t.typ {
				if !bad {
					errs.add(file, t.pos, "expected %s to close %s opened at %s, found '%s'",
						closeText(top.typ), bracketName(top.typ), top.pos, t.text)
				}
				bad = true
				// Resynchronise: close up to a matching opener if there is one.
				j := len(stack) - 1
				for j >= 0 && closerOf[stack[j].typ] != t.typ {
					j--
				}
				if j < 0 {
					continue
				}
				for len(stack) > j+1 {
					depth -= 1 + stack[len(stack)-1].kws
					stack = stack[:len(stack)-1]
				}
			}
			depth -= 1 + stack[len(stack)-1].kws
			stack = stack[:len(stack)-1]
		case tKeyword:
			depth++
			if len(stack) == 0 {
				topKws++
			} else {
				stack[len(stack)-1].kws++
			}
			if depth > maxNesting && !bad {
				errs.add(file, t.pos, "expression nested too deeply (more than %d levels)", maxNesting)
				bad = true
			}
		case tDot:
			if len(stack) == 0 {
				if script {
					// As in Self, a '.' ends a statement and cannot stand
					// for one, except right after a statement that a
					// newline already ended (x<newline>. is x.).
					if i == start && !nlEnd && !bad {
						errs.add(file, t.pos, "empty statement: nothing before this '.'")
					}
					emit(i, t.pos)
					start = i + 1
					nlEnd = false
				}
			} else {
				f := &stack[len(stack)-1]
				depth -= f.kws
				f.kws = 0
			}
		}
	}
	if len(stack) > 0 && !bad {
		top := stack[len(stack)-1]
		errs.add(file, end, "expected %s to close %s opened at %s, found end of input",
			closeText(top.typ), bracketName(top.typ), top.pos)
		bad = true
	}
	emit(len(toks), end)
	return chunks
}
