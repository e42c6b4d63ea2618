package prims

import (
	"batos/vm"
)

func objArg(v vm.Value) (*vm.Object, error) {
	o := v.Obj()
	if o == nil {
		return nil, badType
	}
	return o, nil
}

var objectPrims = []vm.Primitive{
	p("_Clone", "a shallow copy of the receiver", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		return t.VM().Clone(r), nil
	}),
	p("_AddSlots:", "add (or replace) the slots of the argument object", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		target, err := objArg(r)
		if err != nil {
			return vm.Value{}, err
		}
		src, err := objArg(a[0])
		if err != nil {
			return vm.Value{}, err
		}
		t.VM().AddSlots(target, src)
		return r, nil
	}),
	p("_AddSlotsIfAbsent:", "add the slots of the argument object that the receiver does not have (a re-run script keeps its state)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		target, err := objArg(r)
		if err != nil {
			return vm.Value{}, err
		}
		if _, err := objArg(a[0]); err != nil {
			return vm.Value{}, err
		}
		have := t.VM().MapOf(r)
		src := t.VM().Clone(a[0]).Obj()
		for _, s := range t.VM().MapOf(a[0]).Slots() {
			if s.Kind == vm.SlotSetter {
				continue
			}
			if _, ok := have.Lookup(s.Name); ok {
				t.VM().RemoveSlot(src, s.Name)
			}
		}
		t.VM().AddSlots(target, src)
		return r, nil
	}),
	p("_Define:", "make the receiver's slots exactly the argument's", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		target, err := objArg(r)
		if err != nil {
			return vm.Value{}, err
		}
		src, err := objArg(a[0])
		if err != nil {
			return vm.Value{}, err
		}
		t.VM().Define(target, src)
		return r, nil
	}),
	p("_RemoveSlot:", "remove a slot by name", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		target, err := objArg(r)
		if err != nil {
			return vm.Value{}, err
		}
		name, ok := a[0].Str()
		if !ok {
			return vm.Value{}, badType
		}
		if !t.VM().RemoveSlot(target, name) {
			return vm.Value{}, vm.Fail("slotNotFoundError")
		}
		return r, nil
	}),
	p("_Eq:", "identity", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		return t.VM().Bool(r.Is(a[0])), nil
	}),
	p("_IdentityHash", "a hash of the receiver's identity", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		if r.IsInt() {
			return vm.Int(r.Int() & (1<<62 - 1)), nil
		}
		return vm.Int(int64(r.Obj().OID())), nil
	}),
	p("_OID", "the receiver's object identity (0 for small integers)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		if r.IsInt() {
			return vm.Int(0), nil
		}
		return vm.Int(int64(r.Obj().OID())), nil
	}),
	p("_BlockArity", "number of arguments a block takes", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		b, ok := r.Block()
		if !ok {
			return vm.Value{}, badType
		}
		return vm.Int(int64(b.Arity())), nil
	}),
}

func init() {
	Capabilities["_AddSlotsIfAbsent:"] = Capabilities["_AddSlots:"]
	objectPrims = append(objectPrims,
		p("_Ensure:", "run the receiver block, then the argument block however the first ends; an error keeps its position and backtrace", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
			b, ok := r.Block()
			h, ok2 := a[0].Block()
			if !ok || !ok2 || b.Arity() != 0 || h.Arity() != 0 {
				return vm.Value{}, badType
			}
			return t.Ensure(func() vm.Value { return t.CallBlock(b) }, func() { t.CallBlock(h) }), nil
		}),
		p("_Catch:", "run the receiver block; on a runtime error run the handler with the message", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
			b, ok := r.Block()
			if !ok {
				return vm.Value{}, badType
			}
			v, err := t.Try(func() vm.Value { return t.CallBlock(b) })
			if err == nil {
				return v, nil
			}
			msg := t.VM().String(err.Msg)
			if h, ok := a[0].Block(); ok {
				if h.Arity() == 0 {
					return t.CallBlock(h), nil
				}
				return t.CallBlock(h, msg), nil
			}
			return t.Send(a[0], "value:", msg), nil
		}),
	)
}
