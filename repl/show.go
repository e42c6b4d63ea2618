package repl

import (
	"errors"
	"fmt"
	"io"

	"batos/lang"
	"batos/vm"
)

// WriteError prints err to w for a person: a syntax error as
// "file:line:col: msg" with the source line and a caret (src is the text
// that was parsed), a runtime error as its position and message, the
// source line and a caret when the error is in src (the text named file
// that was run), then its backtrace; anything else as its message.
//
// A runtime error elsewhere (in a method defined by an earlier entry or
// script) has no excerpt: the text of that file may have changed since,
// and a wrong line would mislead more than none.
func WriteError(w io.Writer, err error, file, src string) {
	var rt *vm.Error
	if errors.As(err, &rt) {
		fmt.Fprintln(w, rt.Error())
		if rt.File == file && file != "" {
			le := &lang.Error{File: rt.File, Pos: rt.Pos, Msg: rt.Msg}
			if ex := le.Excerpt(src); ex != "" {
				fmt.Fprintln(w, ex)
			}
		}
		fmt.Fprint(w, rt.Backtrace())
		return
	}
	fmt.Fprintln(w, lang.FormatError(err, src))
}

// PrintString returns the printString of v. Objects that do not
// understand printString (a plain object literal has no parent) are shown
// by their slots, as the _ObjectPrintString primitive does.
//
// Sending printString is a unit of work like a statement: unless
// t.Atomic is set, what it changed is committed, or undone if it failed.
func PrintString(t *vm.Thread, v vm.Value) (string, error) {
	s, err := printString(t, v)
	if !t.Atomic {
		if err != nil {
			t.VM().Abort()
		} else if cerr := t.VM().Commit(); cerr != nil {
			return "", cerr
		}
	}
	return s, err
}

func printString(t *vm.Thread, v vm.Value) (string, error) {
	s, err := t.PrintString(v)
	if err == nil {
		return s, nil
	}
	var e *vm.Error
	// An object without printString (a plain literal), or one whose
	// printString fails in a primitive (a traits object, which is not a
	// collection itself), is shown by its slots. Other errors, such as
	// error: in a user's printString, are reported.
	if !errors.As(err, &e) || (e.Kind != vm.ErrUndefinedSelector && e.Kind != vm.ErrPrimitive) {
		return "", err
	}
	if p, ok := t.VM().Primitive("_ObjectPrintString"); ok {
		var str string
		_, err := t.Call(func() vm.Value {
			r, err := p.Fn(t, v, nil)
			if err != nil {
				t.Raise(vm.ErrPrimitive, err.Error())
			}
			str, _ = r.Str()
			return r
		})
		if err == nil && str != "" {
			return str, nil
		}
	}
	return t.VM().Describe(v), nil
}

// lineTracker passes writes through and remembers whether the last byte
// written was a newline.
type lineTracker struct {
	w       io.Writer
	atStart bool
}

func (l *lineTracker) Write(p []byte) (int, error) {
	if len(p) > 0 {
		l.atStart = p[len(p)-1] == '\n'
	}
	return l.w.Write(p)
}
