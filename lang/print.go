package lang

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Canonical layout: binary operators and keyword parts are surrounded by
// single spaces; parentheses and brackets hug their contents:
// (3 + 4), [| :a | a print], (| x <- 0 | x). An object or block is printed
// on one line when it fits in lineWidth columns and has no slot
// categories; otherwise each slot and statement gets its own line,
// indented by four spaces.
const (
	lineWidth = 80
	indentBy  = "    "
)

// Format returns the canonical source of f: each statement followed by
// ".\n". f's comments are kept, in source order, each at the place in
// the layout nearest to where it was written (see comments.go); a blank
// line between statements or slots is kept (one, however many there were).
func Format(f *File) string {
	p := &printer{c: newCommentState(f)}
	p.stmtLines(f.Stmts, math.MaxInt, true)
	out := strings.TrimPrefix(p.String(), "\n")
	if out != "" {
		out += "\n"
	}
	return out
}

// FormatExpr returns the canonical source of one expression, without
// comments.
func FormatExpr(e Expr) string {
	p := &printer{}
	p.expr(e, ctxStmt)
	return p.String()
}

// FormatSlot returns a slot declaration as it would appear in a slot
// list, such as `at: i Put: v = ( ... )` or `x <- 0`, without its
// category, its comments and a trailing '.'.
func FormatSlot(s *Slot) string {
	p := &printer{}
	p.slot(s)
	return p.String()
}

type printer struct {
	strings.Builder
	indent int
	inline bool // print every object and block on one line
	limit  int  // when > 0, stop once the output is longer than this

	// c holds the source's comments and layout; nil when they are not
	// printed (FormatExpr, FormatSlot, measuring).
	c *commentState
}

// full reports whether a measuring printer has gone past its limit.
func (p *printer) full() bool { return p.limit > 0 && p.Len() > p.limit }

func (p *printer) newline() {
	p.WriteByte('\n')
	for i := 0; i < p.indent; i++ {
		p.WriteString(indentBy)
	}
}

// context says where an expression is printed, which decides whether it
// needs parentheses to parse back the same way.
type context int

const (
	ctxStmt      context = iota // a statement or a parenthesised expression
	ctxUnaryRecv                // receiver of a unary message
	ctxBinRecv                  // receiver of a binary message
	ctxBinArg                   // argument of a binary message
	ctxKwRecv                   // receiver of a keyword message
	ctxKwArg                    // a keyword argument other than the last
	ctxKwLast                   // the last keyword argument
)

// rank orders expressions by how loosely they bind.
func rank(e Expr) int {
	switch e := e.(type) {
	case *Send:
		return int(e.Kind) + 1 // Unary 1, Binary 2, Keyword 3
	case *Return:
		return 4
	}
	return 0
}

// openRight reports whether e ends in an unparenthesised keyword message,
// which would swallow whatever follows it.
func openRight(e Expr) bool {
	s, ok := e.(*Send)
	if !ok {
		return false
	}
	switch s.Kind {
	case Keyword:
		return true
	case Binary:
		return len(s.Args) > 0 && openRight(s.Args[len(s.Args)-1])
	}
	return false
}

func needsParens(e Expr, ctx context, op string) bool {
	r := rank(e)
	switch ctx {
	case ctxUnaryRecv:
		return r >= 2
	case ctxBinRecv:
		return r >= 3 || r == 2 && (e.(*Send).Sel != op || openRight(e))
	case ctxBinArg:
		return r >= 2 && !(r == 3 && e.(*Send).Recv == nil)
	case ctxKwRecv:
		return r >= 3 || openRight(e)
	case ctxKwArg:
		return r >= 4 || openRight(e)
	case ctxKwLast:
		return r >= 4
	}
	return false
}

func (p *printer) expr(e Expr, ctx context) {
	p.exprOp(e, ctx, "")
}

func (p *printer) exprOp(e Expr, ctx context, op string) {
	if p.full() {
		return
	}
	if e != nil {
		p.commentsBefore(e.Pos())
	}
	if needsParens(e, ctx, op) {
		p.WriteByte('(')
		defer p.WriteByte(')')
	}
	switch e := e.(type) {
	case nil:
		p.WriteString("nil")
	case *Int:
		if e.Big != nil {
			p.WriteString(e.Big.String())
		} else {
			p.WriteString(strconv.FormatInt(e.Val, 10))
		}
	case *Float:
		p.WriteString(formatFloat(e.Val))
	case *String:
		p.WriteString(Quote(e.Val))
	case *Self:
		p.WriteString("self")
	case *Paren:
		p.WriteByte('(')
		p.expr(e.X, ctxStmt)
		p.commentsBeforeClose(e.End())
		p.WriteByte(')')
	case *Return:
		p.WriteString("^ ")
		p.expr(e.X, ctxStmt)
	case *Send:
		p.send(e)
	case *Object:
		p.object(e)
	case *Block:
		p.block(e)
	}
}

func (p *printer) send(s *Send) {
	prefix := ""
	if s.Resend {
		prefix = "resend."
		if s.Delegate != "" {
			prefix = s.Delegate + "."
		}
	}
	switch s.Kind {
	case Unary:
		if s.Recv != nil {
			p.expr(s.Recv, ctxUnaryRecv)
			p.WriteByte(' ')
		}
		p.commentsBefore(s.SelPos)
		p.WriteString(prefix + s.Sel)
	case Binary:
		if s.Recv != nil {
			p.exprOp(s.Recv, ctxBinRecv, s.Sel)
			p.WriteByte(' ')
		}
		p.commentsBefore(s.SelPos)
		p.WriteString(prefix + s.Sel + " ")
		if len(s.Args) > 0 {
			p.expr(s.Args[0], ctxBinArg)
		}
	default:
		if s.Recv != nil {
			p.expr(s.Recv, ctxKwRecv)
			p.WriteByte(' ')
		}
		for i, part := range keywordParts(s.Sel) {
			if i > 0 {
				p.WriteByte(' ')
			} else {
				p.commentsBefore(s.SelPos)
				p.WriteString(prefix)
			}
			p.WriteString(part)
			if i < len(s.Args) {
				p.WriteByte(' ')
				ctx := ctxKwArg
				if i == len(s.Args)-1 {
					ctx = ctxKwLast
				}
				p.expr(s.Args[i], ctx)
			}
		}
	}
}

// keywordParts splits "at:Put:" into "at:" and "Put:".
func keywordParts(sel string) []string {
	var parts []string
	for sel != "" {
		i := strings.IndexByte(sel, ':')
		if i < 0 {
			return append(parts, sel)
		}
		parts = append(parts, sel[:i+1])
		sel = sel[i+1:]
	}
	return parts
}

// fits reports whether printing with f on one line stays within the line.
func (p *printer) fits(f func(*printer)) bool {
	if p.inline {
		return true
	}
	limit := lineWidth - len(indentBy)*p.indent
	if limit < 30 {
		limit = 30
	}
	m := &printer{inline: true, limit: limit}
	f(m)
	return !m.full()
}

func hasCategories(slots []*Slot) bool {
	for _, s := range slots {
		if s.Category != "" {
			return true
		}
	}
	return false
}

func (p *printer) object(o *Object) {
	if o.Annotation != "" && !o.HasSlotList {
		p.WriteString("{ " + Quote(o.Annotation) + " ")
		p.body(o.Span, "(", ")", false, nil, "", o.Code)
		p.WriteString(" }")
		return
	}
	p.body(o.Span, "(", ")", o.HasSlotList, o.Slots, o.Annotation, o.Code)
}

func (p *printer) block(b *Block) {
	if b.Annotation != "" && !b.HasSlotList {
		p.WriteString("{ " + Quote(b.Annotation) + " ")
		p.body(b.Span, "[", "]", false, nil, "", b.Code)
		p.WriteString(" }")
		return
	}
	p.body(b.Span, "[", "]", b.HasSlotList, b.Slots, b.Annotation, b.Code)
}

// body prints an object or block: open, slot list, code, close. span is
// the node's extent in the source, which places its comments: a body
// with a comment inside is printed one slot and one statement a line.
func (p *printer) body(span Span, open, close string, hasList bool, slots []*Slot, annotation string, code []Expr) {
	closeAt := span.Stop.Offset - 1 // the closing bracket
	commented := p.hasComments(span.Start.Offset, closeAt)
	if !hasList && len(code) == 0 && !commented {
		p.WriteString(open + close)
		return
	}
	inline := func(q *printer) {
		q.WriteString(open)
		if hasList {
			q.WriteByte('|')
			if annotation != "" || len(slots) > 0 {
				q.WriteByte(' ')
				q.slotItems(slots, annotation)
			}
			q.WriteString(" |")
			if len(code) > 0 {
				q.WriteByte(' ')
			}
		}
		for i, e := range code {
			if q.full() {
				return
			}
			if i > 0 {
				q.WriteString(". ")
			}
			q.expr(e, ctxStmt)
		}
		q.WriteString(close)
	}
	if p.inline || !commented && !hasCategories(slots) && p.fits(inline) {
		inline(p)
		return
	}
	p.WriteString(open)
	if hasList {
		listEnd := p.closingBar(span.Start, slots)
		p.WriteByte('|')
		switch {
		case annotation == "" && onlyArguments(slots) && !p.hasComments(span.Start.Offset, listEnd):
			// [| :a. :b | on the first line, the code below.
			if len(slots) > 0 {
				p.WriteByte(' ')
				p.slotItems(slots, "")
			}
			p.WriteByte(' ')
		case annotation != "" || len(slots) > 0 || p.hasComments(span.Start.Offset, listEnd):
			p.indent++
			p.slotLines(slots, annotation, listEnd)
			p.indent--
			p.newline()
		default:
			p.WriteByte(' ')
		}
		p.WriteByte('|')
		p.setLast(listEnd + 1)
	}
	p.indent++
	wrote := p.stmtLines(code, closeAt, false)
	p.indent--
	if wrote {
		p.newline()
	}
	p.WriteString(close)
}

// onlyArguments reports whether every slot is an argument slot.
func onlyArguments(slots []*Slot) bool {
	for _, s := range slots {
		if s.Kind != Argument {
			return false
		}
	}
	return true
}

// stmtLines prints statements one a line, each on a new line at the
// current indentation, with the comments before end and the blank lines
// between them. Each statement but the last is followed by '.'; the last
// too when dotLast. It reports whether it printed anything.
func (p *printer) stmtLines(code []Expr, end int, dotLast bool) bool {
	wrote := false
	for i, e := range code {
		p.startLine(e.Pos(), &wrote, true)
		p.expr(e, ctxStmt)
		p.commentsBeforeClose(e.End())
		if dotLast || i < len(code)-1 {
			p.WriteByte('.')
		}
		p.setLast(e.End().Offset)
		next := end
		if i+1 < len(code) {
			next = code[i+1].Pos().Offset
		}
		p.trailingComments(next)
	}
	p.lineComments(Pos{Offset: end, Line: 1}, &wrote)
	return wrote
}

// slotItems prints a slot list on one line: slots separated by ". ",
// categories as { 'text' slots }.
func (p *printer) slotItems(slots []*Slot, annotation string) {
	sep := ""
	if annotation != "" {
		p.WriteString("{} = " + Quote(annotation))
		sep = ". "
	}
	for i := 0; i < len(slots) && !p.full(); {
		p.WriteString(sep)
		sep = ". "
		cat := slots[i].Category
		j := i + 1
		for j < len(slots) && slots[j].Category == cat {
			j++
		}
		if cat == "" {
			p.slot(slots[i])
			i++
			continue
		}
		p.WriteString("{ " + Quote(cat) + " ")
		for k := i; k < j; k++ {
			if k > i {
				p.WriteString(". ")
			}
			p.slot(slots[k])
		}
		p.WriteString(" }")
		i = j
	}
}

// slotLines prints a slot list one slot a line, each ended by '.', with
// each run of slots in one category grouped under its annotation, and the
// comments before end (the closing '|').
func (p *printer) slotLines(slots []*Slot, annotation string, end int) {
	wrote := false
	if annotation != "" {
		p.newline()
		p.WriteString("{} = " + Quote(annotation) + ".")
		wrote = true
	}
	for i := 0; i < len(slots); {
		cat := slots[i].Category
		j := i + 1
		for j < len(slots) && slots[j].Category == cat {
			j++
		}
		next := end
		if j < len(slots) {
			hdr, _ := p.categoryStart(slots[j])
			next = hdr.Offset
		}
		if cat == "" {
			for ; i < j; i++ {
				after := next
				if i+1 < j {
					after = slots[i+1].Pos().Offset
				}
				p.slotLine(slots[i], after, &wrote)
			}
			continue
		}
		hdr, hdrEnd := p.categoryStart(slots[i])
		p.startLine(hdr, &wrote, true)
		p.WriteString("{ " + Quote(cat))
		p.setLast(hdrEnd)
		closeAt := p.tokenAfter(slots[j-1].End().Offset, int(tRBrace))
		if closeAt < 0 {
			closeAt = slots[j-1].End().Offset
		}
		p.indent++
		inner := false
		for ; i < j; i++ {
			after := closeAt
			if i+1 < j {
				after = slots[i+1].Pos().Offset
			}
			p.slotLine(slots[i], after, &inner)
		}
		p.lineComments(Pos{Offset: closeAt, Line: 1}, &inner)
		p.indent--
		p.newline()
		p.WriteByte('}')
		p.setLast(closeAt + 1)
		p.trailingComments(next)
	}
	p.lineComments(Pos{Offset: end, Line: 1}, &wrote)
}

// slotLine prints one slot on a line of its own, ended by '.', with the
// comments on the lines before it and those after it on its line (before
// next).
func (p *printer) slotLine(s *Slot, next int, wrote *bool) {
	p.startLine(s.Pos(), wrote, true)
	p.slot(s)
	p.commentsBeforeClose(s.End())
	p.WriteByte('.')
	p.setLast(s.End().Offset)
	p.trailingComments(next)
}

func (p *printer) slot(s *Slot) {
	if s.Kind == Argument {
		p.WriteString(":" + s.Name)
		return
	}
	name := s.Name
	switch {
	case Arity(name) > 0 && strings.Contains(name, ":"):
		parts := keywordParts(name)
		if len(s.Args) == len(parts) {
			for i, part := range parts {
				if i > 0 {
					p.WriteByte(' ')
				}
				p.WriteString(part + " " + s.Args[i])
			}
		} else {
			p.WriteString(name)
		}
	case Arity(name) == 1:
		p.WriteString(name)
		if len(s.Args) == 1 {
			p.WriteString(" " + s.Args[0])
		}
	default:
		p.WriteString(name)
		if s.Parent {
			p.WriteByte('*')
		}
		if s.Kind == Assignable {
			if s.Value != nil {
				p.WriteString(" <- ")
				p.expr(s.Value, ctxStmt)
			}
			return
		}
	}
	p.WriteString(" = ")
	v := s.Value
	if paren, ok := v.(*Paren); ok {
		// `x = (e)` would read back as a method; the value is e.
		v = paren.X
	}
	p.expr(v, ctxStmt)
}

// quote returns s as a Self string literal that reads back as s.
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '\'':
			b.WriteString(`\'`)
		case '\\':
			b.WriteString(`\\`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\f':
			b.WriteString(`\f`)
		case '\v':
			b.WriteString(`\v`)
		case '\b':
			b.WriteString(`\b`)
		case '\a':
			b.WriteString(`\a`)
		case 0:
			b.WriteString(`\0`)
		default:
			if c >= utf8.RuneSelf {
				r, size := utf8.DecodeRuneInString(s[i:])
				if r != utf8.RuneError || size > 1 {
					b.WriteString(s[i : i+size])
					i += size
					continue
				}
			}
			if c < ' ' || c >= 0x7f {
				b.WriteString(`\x`)
				b.WriteByte("0123456789abcdef"[c>>4])
				b.WriteByte("0123456789abcdef"[c&15])
			} else {
				b.WriteByte(c)
			}
		}
		i++
	}
	b.WriteByte('\'')
	return b.String()
}

// formatFloat prints f so that it reads back as the same float64 and stays
// a float: it always has a '.' or an exponent.
func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "1e999"
	case math.IsInf(f, -1):
		return "-1e999"
	case math.IsNaN(f):
		return "(0.0 / 0.0)"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}
