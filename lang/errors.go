package lang

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// maxErrors is the most errors Parse reports.
const maxErrors = 10

// Error is one syntax error.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

func (e *Error) Error() string {
	file := e.File
	if file == "" {
		file = "<input>"
	}
	return fmt.Sprintf("%s:%d:%d: %s", file, e.Pos.Line, e.Pos.Col, e.Msg)
}

// Excerpt returns the source line holding the error and a caret line
// under its column:
//
//	foo + + 3
//	      ^
//
// Tabs before the column are kept in the caret line so that the caret
// lines up in a terminal. It returns "" if the position is not in src.
func (e *Error) Excerpt(src string) string {
	if !e.Pos.IsValid() {
		return ""
	}
	start, ok := lineStart(src, e.Pos.Line)
	if !ok {
		return ""
	}
	end := strings.IndexByte(src[start:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += start
	}
	line := strings.TrimRight(src[start:end], "\r")
	col := e.Pos.Col - 1
	if col > len(line) {
		col = len(line)
	}
	if col < 0 {
		col = 0
	}
	var caret strings.Builder
	for i := 0; i < col; i++ {
		if line[i] == '\t' {
			caret.WriteByte('\t')
		} else {
			caret.WriteByte(' ')
		}
	}
	caret.WriteByte('^')
	return line + "\n" + caret.String()
}

// lineStart returns the offset of the first byte of 1-based line n.
func lineStart(src string, n int) (int, bool) {
	off := 0
	for line := 1; line < n; line++ {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			return 0, false
		}
		off += i + 1
	}
	return off, true
}

// ErrorList is the error returned by Parse and ParseExpr: one or more
// syntax errors in source order.
type ErrorList []*Error

func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// add records an error unless the list is full.
func (l *ErrorList) add(file string, pos Pos, format string, args ...any) {
	*l = append(*l, &Error{File: file, Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// finish sorts the list by position, keeps the first error of each line
// and at most maxErrors, and returns nil for an empty list.
func (l ErrorList) finish() error {
	if len(l) == 0 {
		return nil
	}
	sort.SliceStable(l, func(i, j int) bool { return l[i].Pos.Offset < l[j].Pos.Offset })
	out := l[:0]
	lastLine := -1
	for _, e := range l {
		if e.Pos.Line == lastLine {
			continue
		}
		lastLine = e.Pos.Line
		out = append(out, e)
		if len(out) == maxErrors {
			break
		}
	}
	return out
}

// FormatError renders err for a person: for each syntax error its
// "file:line:col: msg" line followed by the source line and a caret under
// the column. Errors that are not syntax errors print as err.Error().
func FormatError(err error, src string) string {
	var list ErrorList
	var one *Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = ErrorList{one}
	default:
		return err.Error()
	}
	var b strings.Builder
	for i, e := range list {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
		if ex := e.Excerpt(src); ex != "" {
			b.WriteByte('\n')
			b.WriteString(ex)
		}
	}
	return b.String()
}
