package prims

import (
	"fmt"

	"batos/lang"
	"batos/vm"
)

// Sending messages by name (Self's perform: family) and installing a
// method from its source text.
var performPrims = []vm.Primitive{
	p("_Perform:WithArguments:", "send the selector (a string) with the arguments in a vector", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		sel, ok := a[0].Str()
		if !ok || sel == "" {
			return vm.Value{}, badType
		}
		args := a[1].Elements()
		if a[1].Obj() == nil || (args == nil && !isEmptyVector(t, a[1])) {
			return vm.Value{}, badType
		}
		if sel[0] == '_' {
			return vm.Value{}, vm.Failf("perform: cannot send a primitive ('%s')", sel)
		}
		if n := lang.Arity(sel); n != len(args) {
			return vm.Value{}, vm.Failf("'%s' takes %d argument(s), given %d", sel, n, len(args))
		}
		return t.Send(r, sel, args...), nil
	}),
	p("_InstallMethod:", "parse the source of one method slot and install it in the receiver", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		src, ok := a[0].Str()
		if !ok {
			return vm.Value{}, badType
		}
		if k, isKind := t.VM().KindOf(r); isKind {
			return vm.Value{}, vm.Failf("a %s cannot hold slots; install the method in its traits", k)
		}
		target := r.Obj()
		file := fmt.Sprintf("method:%d", target.OID())
		s, body, err := vm.ParseMethod(file, src)
		if err != nil {
			return vm.Value{}, vm.Failf("%v", err)
		}
		m, err := t.CompileMethod(s, body, file, src)
		if err != nil {
			return vm.Value{}, vm.Failf("%v", err)
		}
		t.VM().InstallMethod(target, m, s.Category)
		return r, nil
	}),
}

func isEmptyVector(t *vm.Thread, v vm.Value) bool {
	k, ok := t.VM().KindOf(v)
	return ok && k == "vector"
}
