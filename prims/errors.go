package prims

import (
	"batos/lang"
	"batos/vm"
)

// Errors as values: onError: handlers receive a copy of the library's
// runtimeError prototype describing the error (message, kind, position,
// trace), made of plain slots so that it can be kept in the image. Sent
// signal, it is raised again as it was, with its own position and
// backtrace.
var errorPrims = []vm.Primitive{
	p("_OnError:Error:", "run the receiver block; on a runtime error run the handler with a copy of the second argument (runtimeError) describing it", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		b, ok := r.Block()
		if !ok || b.Arity() != 0 {
			return vm.Value{}, badType
		}
		v, err := t.Try(func() vm.Value { return t.CallBlock(b) })
		if err == nil {
			return v, nil
		}
		e := errorObject(t, a[1], err)
		if h, ok := a[0].Block(); ok && h.Arity() == 0 {
			return t.CallBlock(h), nil
		}
		return t.Send(a[0], "value:", e), nil
	}),
	p("_ErrorSignal", "raise the runtimeError receiver again, with the position and backtrace it describes", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		t.Signal(errorFrom(t, r))
		return vm.Value{}, nil
	}),
	p("_ErrorBacktrace", "the backtrace a runtimeError describes, a line per activation, innermost first", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		return t.VM().String(errorFrom(t, r).Backtrace()), nil
	}),
}

// errorObject describes err in a copy of proto: message, kind, file,
// line, column and trace (a vector of proto traceEntry copies: name,
// file, line, column).
func errorObject(t *vm.Thread, proto vm.Value, err *vm.Error) vm.Value {
	v := t.VM()
	located := func(o vm.Value, file string, pos lang.Pos) {
		t.Send(o, "file:", v.String(file))
		t.Send(o, "line:", vm.Int(int64(pos.Line)))
		t.Send(o, "column:", vm.Int(int64(pos.Col)))
	}
	e := t.Send(proto, "copy")
	t.Send(e, "message:", v.String(err.Msg))
	t.Send(e, "kind:", v.String(err.Kind.String()))
	located(e, err.File, err.Pos)
	entry := t.Send(proto, "traceEntry")
	trace := make([]vm.Value, len(err.Trace))
	for i, f := range err.Trace {
		trace[i] = t.Send(entry, "copy")
		t.Send(trace[i], "name:", v.String(f.Name))
		located(trace[i], f.File, f.Pos)
	}
	t.Send(e, "trace:", v.NewVector(trace))
	return e
}

// errorFrom reads back the error a runtimeError describes.
func errorFrom(t *vm.Thread, e vm.Value) *vm.Error {
	str := func(o vm.Value, sel string) string {
		s, _ := t.Send(o, sel).Str()
		return s
	}
	pos := func(o vm.Value) lang.Pos {
		l, c := t.Send(o, "line"), t.Send(o, "column")
		if !l.IsInt() || !c.IsInt() || l.Int() <= 0 {
			return lang.Pos{}
		}
		return lang.Pos{Line: int(l.Int()), Col: int(max(c.Int(), 1))}
	}
	err := &vm.Error{Kind: vm.ErrorKindNamed(str(e, "kind")), Msg: str(e, "message"), File: str(e, "file"), Pos: pos(e)}
	for _, f := range t.Send(e, "trace").Elements() {
		err.Trace = append(err.Trace, vm.TraceEntry{Name: str(f, "name"), File: str(f, "file"), Pos: pos(f)})
	}
	return err
}
