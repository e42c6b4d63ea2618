package prims

import (
	"batos/vm"
)

// slotOf finds a slot of the receiver itself (not its parents) by name.
func slotOf(r vm.Value, a vm.Value, t *vm.Thread) (*vm.Slot, error) {
	name, ok := a.Str()
	if !ok {
		return nil, badType
	}
	s, ok := t.VM().MapOf(r).Lookup(name)
	if !ok {
		return nil, vm.Fail("slotNotFoundError")
	}
	return s, nil
}

// slotKind names a slot's kind for reflection: method, constant,
// assignable, assignment (a setter), or blockValue.
func slotKind(r vm.Value, s *vm.Slot) string {
	if s.Kind == vm.SlotConst {
		if _, ok := s.Const.Method(); ok {
			return "method"
		}
	}
	return s.Kind.String()
}

func slotValue(r vm.Value, s *vm.Slot) vm.Value {
	if o := r.Obj(); o != nil {
		return o.SlotValue(s)
	}
	return s.Const
}

var reflectPrims = []vm.Primitive{
	p("_SlotProvenance:", "the provenance of a generated method slot, or nil", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		s, err := slotOf(r, a[0], t)
		if err != nil {
			return vm.Value{}, err
		}
		if m, ok := s.Const.Method(); ok && s.Kind == vm.SlotConst && m.Prov != nil {
			return vm.Ref(m.Prov), nil
		}
		return t.VM().NilValue(), nil
	}),
	p("_SlotNames", "names of the receiver's own slots, in order (setters omitted)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		var out []vm.Value
		for _, s := range t.VM().MapOf(r).Slots() {
			if s.Kind == vm.SlotSetter {
				continue
			}
			out = append(out, t.VM().String(s.Name))
		}
		return t.VM().NewVector(out), nil
	}),
	p("_SlotKind:", "'method', 'constant', 'assignable', 'assignment' or 'blockValue'", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		s, err := slotOf(r, a[0], t)
		if err != nil {
			return vm.Value{}, err
		}
		return t.VM().String(slotKind(r, s)), nil
	}),
	p("_SlotIsParent:", "whether the named slot is a parent slot", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		s, err := slotOf(r, a[0], t)
		if err != nil {
			return vm.Value{}, err
		}
		return t.VM().Bool(s.Parent), nil
	}),
	p("_SlotCategory:", "the category annotation of the named slot", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		s, err := slotOf(r, a[0], t)
		if err != nil {
			return vm.Value{}, err
		}
		return t.VM().String(s.Category), nil
	}),
	p("_SlotContents:", "the value in the named slot, without running it", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		s, err := slotOf(r, a[0], t)
		if err != nil {
			return vm.Value{}, err
		}
		return slotValue(r, s), nil
	}),
	p("_SlotSource:", "the source of the named method slot", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		s, err := slotOf(r, a[0], t)
		if err != nil {
			return vm.Value{}, err
		}
		m, ok := slotValue(r, s).Method()
		if !ok {
			return vm.Value{}, vm.Fail("notAMethodError")
		}
		return t.VM().String(m.Source), nil
	}),
	p("_MethodSource", "the source of a method object", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		m, ok := r.Method()
		if !ok {
			return vm.Value{}, badType
		}
		return t.VM().String(m.Source), nil
	}),
	p("_Annotation", "the object annotation", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		return t.VM().String(t.VM().MapOf(r).Annotation), nil
	}),
	p("_KindName", "the built-in kind of the receiver", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		return t.VM().String(r.Kind().String()), nil
	}),
}
