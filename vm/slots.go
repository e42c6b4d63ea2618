package vm

// A valued slot list is a []Slot in which data slots carry their current
// value in Const. It is the form layout changes are computed in.

// build turns a valued slot list into a map and a field vector.
func build(kind Kind, slots []Slot, annotation string) (*Map, []Value) {
	m := newMap(kind, slots)
	m.Annotation = annotation
	var fields []Value
	if m.nfields > 0 {
		fields = make([]Value, m.nfields)
		for _, s := range slots {
			if s.Kind == SlotData {
				fields[m.slots[m.index[s.Name]].Field] = s.Const
			}
		}
	}
	for i := range m.slots {
		if m.slots[i].Kind == SlotData {
			m.slots[i].Const = Value{}
		}
	}
	return m, fields
}

// valued returns o's slots as a valued slot list (setters omitted).
func valued(o *Object) []Slot {
	out := make([]Slot, 0, len(o.m.slots))
	for _, s := range o.m.slots {
		switch s.Kind {
		case SlotSetter, SlotBlockValue:
			continue
		case SlotData:
			s.Const = o.fields[s.Field]
		}
		out = append(out, s)
	}
	return out
}

// NewObjectFrom creates a plain object from a valued slot list.
func (vm *VM) NewObjectFrom(slots []Slot, annotation string) *Object {
	m, f := build(KPlain, slots, annotation)
	return vm.alloc(m, f, nil)
}

// AddSlots adds (or replaces) the slots of src to target, as Self's
// _AddSlots:. The target gets a map of its own.
func (vm *VM) AddSlots(target, src *Object) {
	target.ensure()
	src.ensure()
	cur := valued(target)
	pos := make(map[string]int, len(cur))
	for i, s := range cur {
		pos[s.Name] = i
	}
	for _, s := range valued(src) {
		if i, ok := pos[s.Name]; ok {
			cur[i] = s
		} else {
			pos[s.Name] = len(cur)
			cur = append(cur, s)
		}
	}
	ann := target.m.Annotation
	if src.m.Annotation != "" {
		ann = src.m.Annotation
	}
	m, f := build(target.m.kind, cur, ann)
	vm.setMap(target, m, f)
}

// Define makes target's slots exactly those of src (Self's _Define:).
func (vm *VM) Define(target, src *Object) {
	target.ensure()
	src.ensure()
	m, f := build(target.m.kind, valued(src), src.m.Annotation)
	if target.m.kind != KPlain && target.m.kind != KForeign {
		// keep the built-in parent so the object keeps its behaviour
		if _, ok := m.index["parent"]; !ok {
			ps, _ := target.m.Lookup("parent")
			if ps != nil {
				m, f = build(target.m.kind, append([]Slot{*ps}, valued(src)...), src.m.Annotation)
			}
		}
	}
	vm.setMap(target, m, f)
}

// RemoveSlot removes the slot called name (and its setter) from target.
// It reports whether the slot existed.
func (vm *VM) RemoveSlot(target *Object, name string) bool {
	target.ensure()
	cur := valued(target)
	out := cur[:0]
	found := false
	for _, s := range cur {
		if s.Name == name {
			found = true
			continue
		}
		out = append(out, s)
	}
	if !found {
		return false
	}
	m, f := build(target.m.kind, out, target.m.Annotation)
	vm.setMap(target, m, f)
	return true
}

// SetSlot adds or replaces one slot of target. Kind must be SlotConst or
// SlotData.
func (vm *VM) SetSlot(target *Object, s Slot) {
	tmp := &Object{m: newMap(KPlain, nil)}
	tmp.m, tmp.fields = build(KPlain, []Slot{s}, "")
	vm.AddSlots(target, tmp)
}

// SlotValue returns the value of slot s of o (for reflection).
func (o *Object) SlotValue(s *Slot) Value {
	o.ensure()
	if s.Kind == SlotData {
		return o.fields[s.Field]
	}
	return s.Const
}
