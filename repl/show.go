package repl

import (
	"errors"
	"fmt"
	"io"
	"strings"

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
//
// The backtrace leaves out the library's own frames on top of the first
// frame of the user's code (error:, undefinedSelector:Arguments:, the
// library method that raised), saying how many; WriteErrorTrace with
// library set shows every frame.
func WriteError(w io.Writer, err error, file, src string) {
	WriteErrorTrace(w, err, file, src, false)
}

// WriteErrorTrace is WriteError, showing the library's frames of a
// backtrace too when library is set.
func WriteErrorTrace(w io.Writer, err error, file, src string, library bool) {
	var rt *vm.Error
	if errors.As(err, &rt) {
		fmt.Fprintln(w, rt.Error())
		if rt.File == file && file != "" {
			le := &lang.Error{File: rt.File, Pos: rt.Pos, Msg: rt.Msg}
			if ex := le.Excerpt(src); ex != "" {
				fmt.Fprintln(w, ex)
			}
		}
		if library {
			fmt.Fprint(w, rt.Backtrace())
			return
		}
		short := *rt
		n := libraryFrames(rt.Trace)
		short.Trace = rt.Trace[n:]
		fmt.Fprint(w, short.Backtrace())
		if n > 0 {
			fmt.Fprintf(w, "  (%d library frame(s) above hidden; --trace-library shows them)\n", n)
		}
		return
	}
	fmt.Fprintln(w, lang.FormatError(err, src))
}

// libraryFrames returns how many frames on top of trace are the
// library's, when a frame of the user's code follows them (a trace made
// of library frames only is shown whole).
func libraryFrames(trace []vm.TraceEntry) int {
	for i, f := range trace {
		if !strings.HasPrefix(f.File, vm.DefaultLibraryPrefix) {
			if f.File == "" {
				return 0 // an omitted-activations line: keep all
			}
			return i
		}
	}
	return 0
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
