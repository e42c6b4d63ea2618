package vm

import "unsafe"

// String objects. A string's payload is a *string whose header lives in
// the same allocation as its Object (strObject), so a string costs one
// allocation for the object and the header together; a short string's
// bytes live there too (up to maxInline), so building one (concatenation,
// printString) allocates once. Longer strings keep their bytes in an
// allocation of their own, shared with the Go string they came from.

// strObject is a string object: the Object, its payload's header, and
// room B for short contents (an array of bytes, or struct{} for none).
type strObject[B any] struct {
	Object
	s   string
	buf B
}

// maxInline is the longest string whose bytes share the object's
// allocation: 176 bytes fill the 256-byte size class.
const maxInline = 176

// newStrObject allocates a string object with room for n bytes inline
// (n <= maxInline) and returns it with that room; its payload is set by
// the caller (setInline).
func newStrObject(n int) (*Object, []byte) {
	switch (n + 15) / 16 {
	case 0:
		p := new(strObject[struct{}])
		p.data = &p.s
		return &p.Object, nil
	case 1:
		return inline(new(strObject[[16]byte]))
	case 2:
		return inline(new(strObject[[32]byte]))
	case 3:
		return inline(new(strObject[[48]byte]))
	case 4:
		return inline(new(strObject[[64]byte]))
	case 5:
		return inline(new(strObject[[80]byte]))
	case 6:
		return inline(new(strObject[[96]byte]))
	case 7:
		return inline(new(strObject[[112]byte]))
	case 8:
		return inline(new(strObject[[128]byte]))
	case 9:
		return inline(new(strObject[[144]byte]))
	case 10:
		return inline(new(strObject[[160]byte]))
	case 11:
		return inline(new(strObject[[176]byte]))
	}
	panic("vm: inline string too long")
}

// inline points p's payload at its header and returns its room.
func inline[A any](p *strObject[A]) (*Object, []byte) {
	p.data = &p.s
	return &p.Object, unsafe.Slice((*byte)(unsafe.Pointer(&p.buf)), unsafe.Sizeof(p.buf))
}

// newString returns a string object (not yet given an identity) holding
// s, sharing s's bytes.
func newString(s string) *Object {
	p := new(strObject[struct{}])
	p.s = s
	p.data = &p.s
	return &p.Object
}

// sealString sets o's payload to the first n bytes of room, its inline
// storage, which must not change afterwards.
func sealString(o *Object, room []byte, n int) {
	if n > 0 {
		*o.data.(*string) = unsafe.String(&room[0], n)
	}
}

// str returns a string object's payload; o is loaded.
func (o *Object) str() string {
	if p, ok := o.data.(*string); ok {
		return *p
	}
	return "" // a kind's prototype (KindValue) has no payload
}

// stringObject gives a new string object its identity and accounts for it.
func (vm *VM) stringObject(o *Object, n int) Value {
	o.m, o.oid, o.txn = vm.maps[KString], vm.heap.NextOID(), vm.txn
	vm.allocated += objectBytes + int64(n)
	return Ref(o)
}

// String returns a new string object holding s (sharing its bytes).
func (vm *VM) String(s string) Value {
	return vm.stringObject(newString(s), len(s))
}

// StringBytes returns a new string object holding a copy of b: one
// allocation when b is short.
func (vm *VM) StringBytes(b []byte) Value {
	if len(b) > maxInline {
		return vm.String(string(b))
	}
	o, room := newStrObject(len(b))
	sealString(o, room, copy(room, b))
	return vm.stringObject(o, len(b))
}

// Concat returns a new string object holding a followed by b: one
// allocation when the result is short.
func (vm *VM) Concat(a, b string) Value {
	n := len(a) + len(b)
	if n > maxInline {
		return vm.String(a + b)
	}
	o, room := newStrObject(n)
	copy(room[copy(room, a):], b)
	sealString(o, room, n)
	return vm.stringObject(o, n)
}
