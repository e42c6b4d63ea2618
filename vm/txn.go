package vm

import (
	"math/big"
	"slices"
)

// ObjectState is a copy of everything about an object that can change: its
// map, its fields and its payload.
type ObjectState struct {
	o      *Object
	m      *Map
	fields []Value
	data   any
}

// State copies o's mutable state.
func (o *Object) State() ObjectState {
	s := ObjectState{o: o, m: o.m, data: o.data}
	if o.fields != nil {
		s.fields = append([]Value(nil), o.fields...)
	}
	switch d := o.data.(type) {
	case *[]Value:
		c := append([]Value(nil), (*d)...)
		s.data = &c
	case *[]byte:
		c := append([]byte(nil), (*d)...)
		s.data = &c
	case *big.Int:
		s.data = d // immutable
	}
	return s
}

// restore puts the state back. The payload pointer stays the same object,
// so Go values that hold it see the old contents again.
func (s ObjectState) restore() {
	o := s.o
	o.m = s.m
	o.fields = s.fields
	switch d := s.data.(type) {
	case *[]Value:
		*o.data.(*[]Value) = *d
	case *[]byte:
		*o.data.(*[]byte) = *d
	default:
		o.data = d
	}
}

// UndoLog records the state of objects before their first change in a
// transaction; Heaps use it to abort.
type UndoLog struct {
	saved []ObjectState
}

// Save records o's current state.
func (u *UndoLog) Save(o *Object) { u.saved = append(u.saved, o.State()) }

// Objects returns the objects saved so far, in order.
func (u *UndoLog) Objects() []*Object {
	out := make([]*Object, len(u.saved))
	for i, s := range u.saved {
		out[i] = s.o
	}
	return out
}

// AppendObjects appends to dst the objects saved for which keep is true,
// in the order they were saved.
func (u *UndoLog) AppendObjects(dst []*Object, keep func(*Object) bool) []*Object {
	dst = slices.Grow(dst, len(u.saved))
	for i := range u.saved {
		if o := u.saved[i].o; keep(o) {
			dst = append(dst, o)
		}
	}
	return dst
}

// At returns the object of the i-th saved state (0 <= i < Len), for
// readers that split the log among goroutines.
func (u *UndoLog) At(i int) *Object { return u.saved[i].o }

// Len returns how many objects were saved.
func (u *UndoLog) Len() int { return len(u.saved) }

// Clear forgets the log (after a commit).
func (u *UndoLog) Clear() {
	clear(u.saved)
	u.saved = u.saved[:0]
}

// Restore puts every saved object back as it was, newest change last, and
// invalidates the inline caches.
func (u *UndoLog) Restore(vm *VM) {
	for i := len(u.saved) - 1; i >= 0; i-- {
		u.saved[i].restore()
	}
	u.Clear()
	vm.epoch++
}

// Commit ends the current transaction successfully: the heap makes it
// durable. If that fails the transaction is aborted and the error returned.
func (vm *VM) Commit() error {
	vm.dropSavepoints()
	err := vm.heap.Commit(vm)
	if err != nil {
		vm.heap.Abort(vm)
		vm.Count("txn.commitFailures", 1)
	} else if vm.touched > 0 { // transactions that changed nothing are not counted
		vm.Count("txn.commits", 1)
	}
	vm.touched = 0
	vm.txn++
	return err
}

// Abort ends the current transaction, undoing every change it made to
// objects that existed before it.
func (vm *VM) Abort() {
	if vm.touched > 0 {
		vm.Count("txn.aborts", 1)
	}
	vm.touched = 0
	vm.dropSavepoints()
	vm.heap.Abort(vm)
	vm.txn++
}

// SetCounter gives the VM a place to count its transactions (package
// metrics' registry); nil counts nothing.
func (vm *VM) SetCounter(f func(name string, n float64)) { vm.counter = f }

// Count adds n to the counter name, if the VM has a counter.
func (vm *VM) Count(name string, n float64) {
	if vm.counter != nil {
		vm.counter(name, n)
	}
}
