package vm

import "unsafe"

// String objects. A short string (up to maxInline bytes) is one
// allocation: the Object and, after it, a byte holding the string's
// length and then its bytes; its payload is a *byte pointing at that
// length byte. Building one (concatenation, printString) allocates once,
// and one of up to 15 bytes takes 80 bytes in all. A longer string's
// payload is a *string whose header shares the Object's allocation
// (strHeader) and whose bytes are shared with the Go string it came from.

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

// sealString makes o's payload the n bytes after the length byte of
// room, its inline storage, which must not change afterwards.
func sealString(o *Object, room []byte, n int) {
	room[0] = byte(n)
	o.data = &room[0]
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
	switch p := o.data.(type) {
	case *byte:
		return unsafe.String((*byte)(unsafe.Add(unsafe.Pointer(p), 1)), int(*p))
	case *string:
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
	sealString(o, room, copy(room[1:], b))
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
	sealString(o, room, n)
	return vm.stringObject(o, n)
}
