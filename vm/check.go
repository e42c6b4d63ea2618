package vm

import (
	"batos/lang"
)

// Check compiles every statement of f, and every method and slot
// initialiser in it, without running anything. It returns the compile
// errors (unknown primitives, methods whose arguments do not match their
// selector, slots with arguments whose value is not a method), each with
// its position.
func (vm *VM) Check(f *lang.File) []error {
	t := vm.NewThread()
	var errs []error
	try := func(fn func()) {
		_, err := t.catch(t.depth, func() Value { fn(); return Value{} })
		if err != nil {
			errs = append(errs, err)
		}
	}
	for _, s := range f.Stmts {
		s := s
		try(func() { t.checkCompile(s, f.Name) })
		walk(s, func(o *lang.Object) {
			for _, sl := range o.Slots {
				sl := sl
				if body := MethodBody(sl); body != nil {
					try(func() {
						c := &compiler{t: t, vm: vm, file: f.Name, check: true}
						c.method(&Method{Sel: sl.Name, Args: sl.Args, Body: body, File: f.Name})
					})
				} else if len(sl.Args) > 0 {
					// the parser rejects it; an AST built otherwise may not
					try(func() {
						t.raiseAt(&sendSite{file: f.Name, pos: sl.Pos()}, ErrCompile, "slot '"+sl.Name+"' has arguments but no method body")
					})
				} else if sl.Value != nil {
					try(func() { t.checkCompile(sl.Value, f.Name) })
				}
			}
		})
	}
	return errs
}

func (t *Thread) checkCompile(e lang.Expr, file string) {
	c := &compiler{t: t, vm: t.vm, file: file, check: true}
	c.top(e, "<check>")
}

// walk calls f for every object literal in e (including e itself).
func walk(e lang.Expr, f func(*lang.Object)) {
	switch n := e.(type) {
	case *lang.Object:
		f(n)
		for _, s := range n.Slots {
			if s.Value != nil {
				walk(s.Value, f)
			}
		}
		for _, x := range n.Code {
			walk(x, f)
		}
	case *lang.Block:
		for _, s := range n.Slots {
			if s.Value != nil {
				walk(s.Value, f)
			}
		}
		for _, x := range n.Code {
			walk(x, f)
		}
	case *lang.Send:
		if n.Recv != nil {
			walk(n.Recv, f)
		}
		for _, a := range n.Args {
			walk(a, f)
		}
	case *lang.Return:
		walk(n.X, f)
	case *lang.Paren:
		walk(n.X, f)
	}
}
