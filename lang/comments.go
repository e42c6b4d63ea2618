package lang

import (
	"sort"
	"strings"
)

// The printer keeps comments as gofmt does: they are not in the tree but
// in File.Comments, in source order, and the printer emits each one when
// it reaches the first thing printed after it in the source. Comments are
// always emitted in order and all of them are emitted (the rest at the
// end of the file), so formatting never loses one.
//
// Where a comment lands:
//   - before a statement or slot, on lines of its own: on lines of its own,
//     at the statement's indentation;
//   - after a statement or slot on its line: after it (and its '.') on the
//     same line;
//   - inside an expression: inline, before the next part of the expression;
//   - after the last statement or slot of a body: on lines of their own,
//     before the closing bracket or bar.
//
// An object or block with a comment inside is printed one slot and one
// statement a line. A blank line between two statements, slots or
// comments is kept (one, however many there were); blank lines after an
// opening or before a closing bracket are not.

// commentState is what the printer knows of the source.
type commentState struct {
	src      string
	comments []*Comment
	next     int     // the first comment not yet printed
	toks     []token // the source's tokens, to find the brackets the tree does not record
	last     int     // offset just after the last thing printed from the source
}

func newCommentState(f *File) *commentState {
	if f.Src == "" && len(f.Comments) == 0 {
		return nil
	}
	s := scan(f.Name, f.Src)
	c := &commentState{src: f.Src, comments: f.Comments, toks: s.toks}
	if c.comments == nil {
		c.comments = s.comments
	}
	return c
}

// pending returns the next comment to print if it starts before off.
func (p *printer) pending(off int) *Comment {
	if p.c == nil || p.c.next >= len(p.c.comments) {
		return nil
	}
	if cm := p.c.comments[p.c.next]; cm.Start.Offset < off {
		return cm
	}
	return nil
}

// emit writes the next comment.
func (p *printer) emit(cm *Comment) {
	p.WriteString(cm.Text)
	p.c.next++
	p.setLast(cm.Stop.Offset)
}

// setLast records that the source up to off has been printed.
func (p *printer) setLast(off int) {
	if p.c != nil && off > p.c.last {
		p.c.last = off
	}
}

// hasComments reports whether a comment not yet printed starts between
// the offsets start and end (both excluded).
func (p *printer) hasComments(start, end int) bool {
	if p.c == nil {
		return false
	}
	for _, cm := range p.c.comments[p.c.next:] {
		if cm.Start.Offset > start {
			return cm.Start.Offset < end
		}
	}
	return false
}

// commentsBefore writes the comments before pos inline, each followed by
// a space: the printer is about to print what is at pos.
func (p *printer) commentsBefore(pos Pos) {
	if !pos.IsValid() {
		return
	}
	for cm := p.pending(pos.Offset); cm != nil; cm = p.pending(pos.Offset) {
		p.emit(cm)
		p.WriteByte(' ')
	}
}

// commentsBeforeClose writes the comments before end inline, each after a
// space: the printer has printed the last part of a node that ends at end.
func (p *printer) commentsBeforeClose(end Pos) {
	if !end.IsValid() {
		return
	}
	for cm := p.pending(end.Offset); cm != nil; cm = p.pending(end.Offset) {
		p.WriteByte(' ')
		p.emit(cm)
	}
}

// lineComments writes the comments before pos on lines of their own,
// those written on one line in the source on one line. *wrote says
// whether the enclosing list has printed a line yet (no blank line goes
// before its first); it is set when a comment is written.
func (p *printer) lineComments(pos Pos, wrote *bool) {
	p.startLine(pos, wrote, false)
}

// startLine starts a line for the statement or slot at pos, after the
// comments before it; a comment on the same line as the statement in the
// source stays on its line. When item is false there is no statement
// (pos is the end of a list): only the comments are written.
func (p *printer) startLine(pos Pos, wrote *bool, item bool) {
	if !pos.IsValid() {
		if item {
			p.lineBreak(pos, !*wrote)
			*wrote = true
		}
		return
	}
	sameLine := false // the last comment written is followed on its line
	for cm := p.pending(pos.Offset); cm != nil; cm = p.pending(pos.Offset) {
		if sameLine {
			p.WriteByte(' ')
		} else {
			p.lineBreak(cm.Start, !*wrote)
		}
		*wrote = true
		p.emit(cm)
		next := pos.Offset
		if n := p.pending(pos.Offset); n != nil {
			next = n.Start.Offset
		} else if !item {
			break
		}
		sameLine = next >= cm.Stop.Offset && !hasLineBreak(p.c.src[cm.Stop.Offset:min(next, len(p.c.src))])
	}
	if !item {
		return
	}
	if sameLine {
		p.WriteByte(' ')
	} else {
		p.lineBreak(pos, !*wrote)
	}
	*wrote = true
}

// trailingComments writes, after what was just printed, the comments
// before next that start on the line where it ended.
func (p *printer) trailingComments(next int) {
	for cm := p.pending(next); cm != nil; cm = p.pending(next) {
		if p.c.last > cm.Start.Offset || hasLineBreak(p.c.src[p.c.last:cm.Start.Offset]) {
			return
		}
		p.WriteByte(' ')
		p.emit(cm)
	}
}

// lineBreak starts a new line for what is at pos, after a blank line if
// the source has one since the last thing printed (never at the start of
// a list: first).
func (p *printer) lineBreak(pos Pos, first bool) {
	if p.c != nil && !first && pos.IsValid() && blankLineBetween(p.c.src, p.c.last, pos.Offset) {
		p.WriteByte('\n')
	}
	p.newline()
}

func hasLineBreak(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' || s[i] == '\r' {
			return true
		}
	}
	return false
}

// blankLineBetween reports whether src[from:to] holds an empty line (one
// with only white space).
func blankLineBetween(src string, from, to int) bool {
	from, to = max(from, 0), min(to, len(src))
	seen, empty := false, false
	for i := from; i < to; i++ {
		switch src[i] {
		case '\n':
			if seen && empty {
				return true
			}
			seen, empty = true, true
		case ' ', '\t', '\r', '\v', '\f':
		default:
			empty = false
		}
	}
	return false
}

// token returns the index of the first source token at or after off.
func (p *printer) token(off int) int {
	return sort.Search(len(p.c.toks), func(i int) bool { return p.c.toks[i].pos.Offset >= off })
}

// tokenAfter returns the offset of the first token of type typ at or
// after off, or -1.
func (p *printer) tokenAfter(off int, typ int) int {
	if p.c == nil {
		return -1
	}
	for i := p.token(off); i < len(p.c.toks); i++ {
		if int(p.c.toks[i].typ) == typ {
			return p.c.toks[i].pos.Offset
		}
	}
	return -1
}

// closingBar returns the offset of the '|' that ends the slot list of the
// body starting at start, whose slots are slots; start.Offset when it
// cannot be found (then no comment is taken to be inside the list).
func (p *printer) closingBar(start Pos, slots []*Slot) int {
	from := start.Offset + 1
	if len(slots) > 0 {
		from = slots[len(slots)-1].End().Offset
	} else if open := p.tokenAfter(from, int(tBar)); open >= 0 {
		from = open + 1
	} else {
		return start.Offset
	}
	if bar := p.tokenAfter(from, int(tBar)); bar >= 0 {
		return bar
	}
	return start.Offset
}

// categoryStart returns where the category group `{ 'text'` that s opens
// starts and where its text ends; s's own position if s does not follow
// such a header directly.
func (p *printer) categoryStart(s *Slot) (Pos, int) {
	if p.c != nil {
		i := p.token(s.Pos().Offset)
		if i >= 2 && i < len(p.c.toks) && p.c.toks[i].pos.Offset == s.Pos().Offset &&
			p.c.toks[i-1].typ == tString && p.c.toks[i-2].typ == tLBrace {
			return p.c.toks[i-2].pos, p.c.toks[i-1].end()
		}
	}
	return s.Pos(), s.Pos().Offset
}

// CommentsOf returns f's comments in source order: f.Comments, or those
// of f.Src when f.Comments is nil.
func CommentsOf(f *File) []*Comment {
	if f.Comments != nil || f.Src == "" {
		return f.Comments
	}
	return scan(f.Name, f.Src).comments
}

// FirstCommentLine returns the first line of the first complete comment in
// src (a method's source, say), trimmed, or "" if it has none: what the
// library reference and the REPL's inspector show for a method.
func FirstCommentLine(src string) string {
	cs := scan("", src).comments
	if len(cs) == 0 {
		return ""
	}
	text := strings.TrimSuffix(strings.TrimPrefix(cs[0].Text, `"`), `"`)
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	return strings.TrimSpace(line)
}
