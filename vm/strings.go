package vm

import "unsafe"

// String objects. A short string (up to maxInline bytes) is one
// allocation: the Object and, right after it, a byte holding the
// string's length and then its bytes; its payload (data) is nil, so the
// collector finds no pointer to follow in it. Building one
// (concatenation, printString) allocates once, and one of up to 15 bytes
// takes 80 bytes in all. Any other string object's payload is a *string:
// a longer string's header shares the Object's allocation (strHeader) and
// its bytes are shared with the Go string it came from; a string loaded
// from an image (VM.Fill) has its own. So a string object with a nil
// payload always has its room after it: only newStrObject makes one.

// strObject is a short string object: the Object, then room B (an array
// of bytes) for the length byte and the contents.
type strObject[B any] struct {
	Object
	buf B
}

// strHeader is a string object whose payload is a Go string.
type strHeader struct {
	Object
	s string
}

// maxInline is the longest string kept inside its object: 176 bytes of
// room fill the 256-byte size class.
const maxInline = 175

// newStrObject allocates a string object with room for n bytes inline
// (n <= maxInline) and returns it with that room; sealString finishes it.
func newStrObject(n int) (*Object, []byte) {
	switch n / 16 {
	case 0:
		return inline(new(strObject[[16]byte]))
	case 1:
		return inline(new(strObject[[32]byte]))
	case 2:
		return inline(new(strObject[[48]byte]))
	case 3:
		return inline(new(strObject[[64]byte]))
	case 4:
		return inline(new(strObject[[80]byte]))
	case 5:
		return inline(new(strObject[[96]byte]))
	case 6:
		return inline(new(strObject[[112]byte]))
	case 7:
		return inline(new(strObject[[128]byte]))
	case 8:
		return inline(new(strObject[[144]byte]))
	case 9:
		return inline(new(strObject[[160]byte]))
	case 10:
		return inline(new(strObject[[176]byte]))
	}
	panic("vm: inline string too long")
}

// inline returns p's object and its room (the length byte first).
func inline[B any](p *strObject[B]) (*Object, []byte) {
	return &p.Object, unsafe.Slice((*byte)(unsafe.Pointer(&p.buf)), unsafe.Sizeof(p.buf))
}

// sealString makes a string's contents the n bytes after the length byte of
// room, its inline storage, which must not change afterwards.
func sealString(room []byte, n int) {
	room[0] = byte(n)
}

// newString returns a string object (not yet given an identity) holding
// s, sharing s's bytes.
func newString(s string) *Object {
	p := &strHeader{s: s}
	p.data = &p.s
	return &p.Object
}

// str returns a string object's payload; o is loaded.
func (o *Object) str() string {
	if o.data == nil { // inline: the room follows the Object (strObject)
		p := unsafe.Add(unsafe.Pointer(o), unsafe.Sizeof(*o))
		return unsafe.String((*byte)(unsafe.Add(p, 1)), int(*(*byte)(p)))
	}
	return *o.data.(*string)
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
	sealString(room, copy(room[1:], b))
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
	copy(room[1+copy(room[1:], a):], b)
	sealString(room, n)
	return vm.stringObject(o, n)
}
