package prims

import (
	"fmt"
	"strings"
	"time"

	"batos/vm"
)

var start = time.Now()

var systemPrims = []vm.Primitive{
	p("_Error:", "stop the evaluation with an error message", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		msg, ok := a[0].Str()
		if !ok {
			msg = t.VM().Describe(a[0])
		}
		t.Raise(vm.ErrError, msg)
		return vm.Value{}, nil
	}),
	p("_UndefinedSelectorError:Arguments:", "raise the standard 'does not understand' error", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		sel, _ := a[0].Str()
		if g := t.VM().Generator(); g != nil {
			if v, ok := g.Miss(t, r, sel, a[1].Elements(), false); ok {
				return v, nil
			}
		}
		t.Raise(vm.ErrUndefinedSelector, fmt.Sprintf("%s does not understand '%s'%s", t.VM().Describe(r), sel, missHint(t, r, sel)))
		return vm.Value{}, nil
	}),
	p("_Generate:Arguments:", "have the generative kernel write the missing method (traits generative)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		sel, ok := a[0].Str()
		if !ok {
			return vm.Value{}, badType
		}
		if g := t.VM().Generator(); g != nil {
			if v, ok := g.Miss(t, r, sel, a[1].Elements(), true); ok {
				return v, nil
			}
		}
		t.Raise(vm.ErrUndefinedSelector, fmt.Sprintf("%s does not understand '%s' (no generative kernel in this process)", t.VM().Describe(r), sel))
		return vm.Value{}, nil
	}),
	p("_PrimitiveFailedError:With:", "raise the standard 'primitive failed' error", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		name, _ := a[0].Str()
		e, _ := a[1].Str()
		t.Raise(vm.ErrPrimitive, fmt.Sprintf("primitive %s failed: %s (receiver %s)", name, e, t.VM().Describe(r)))
		return vm.Value{}, nil
	}),
	p("_AssertFail:", "report a failed assertion (tests continue when a runner listens)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		msg, _ := a[0].Str()
		if t.OnAssert != nil {
			t.OnAssert(t.Trace(), msg)
			return t.VM().NilValue(), nil
		}
		t.Raise(vm.ErrAssert, "assertion failed: "+msg)
		return vm.Value{}, nil
	}),
	p("_TimeMillis", "milliseconds since the Unix epoch", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		return vm.Int(time.Now().UnixMilli()), nil
	}),
	p("_TimeNanos", "monotonic nanoseconds since the process started", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		return vm.Int(int64(time.Since(start))), nil
	}),
	p("_Describe", "a short description of any value (never fails)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		return t.VM().String(t.VM().Describe(r)), nil
	}),
	p("_ObjectPrintString", "the receiver's slots, in Self's literal syntax", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		if o := r.Obj(); o != nil && o == t.VM().Lobby {
			return t.VM().String("lobby"), nil
		}
		m := t.VM().MapOf(r)
		var parts []string
		for _, s := range m.Slots() {
			switch s.Kind {
			case vm.SlotSetter, vm.SlotBlockValue:
				continue
			}
			name := s.Name
			if s.Parent {
				name += "*"
			}
			op := " = "
			if s.Kind == vm.SlotData {
				op = " <- "
			}
			v := slotValue(r, &s)
			val := t.VM().Describe(v)
			if _, ok := v.Method(); ok {
				val = "( ... )"
			}
			parts = append(parts, name+op+val)
			if len(parts) > 12 {
				parts = append(parts, "...")
				break
			}
		}
		if len(parts) == 0 {
			return t.VM().String("()"), nil
		}
		return t.VM().String("(| " + strings.Join(parts, ". ") + " |)"), nil
	}),
}

// missHint returns what follows "does not understand 'sel'": a hint for a
// Smalltalk habit, else the nearest selectors r understands.
func missHint(t *vm.Thread, r vm.Value, sel string) string {
	if r.Kind() == vm.KBlock && (sel == "ifFalse:" || sel == "ifTrue:") {
		other := "ifTrue:"
		if sel == "ifTrue:" {
			other = "ifFalse:"
		}
		return fmt.Sprintf(" (in Self a lowercase keyword starts a new message, so "+
			"c %s [ a ] %s [ b ] sends '%s' to the block [ a ]: write c %s [ a ] %s [ b ])",
			other, sel, sel, other, strings.ToUpper(sel[2:3])+sel[3:])
	}
	return didYouMean(suggest(t, r, sel))
}
