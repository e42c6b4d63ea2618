package vm

import (
	"math/big"
)

// Value is a batos value: a small integer when o is nil, otherwise a
// reference to an object. The zero Value is the integer 0.
type Value struct {
	o *Object
	i int64
}

// Int returns the small-integer value n.
func Int(n int64) Value { return Value{i: n} }

// Ref returns a Value referring to o.
func Ref(o *Object) Value { return Value{o: o} }

// IsInt reports whether v is a small integer.
func (v Value) IsInt() bool { return v.o == nil }

// Int returns v's integer; meaningful only when IsInt.
func (v Value) Int() int64 { return v.i }

// Obj returns the object v refers to, or nil for a small integer.
func (v Value) Obj() *Object { return v.o }

// Is reports identity (Self's ==).
func (v Value) Is(w Value) bool { return v.o == w.o && (v.o != nil || v.i == w.i) }

// Kind says what built-in payload an object carries.
type Kind uint8

const (
	KPlain   Kind = iota
	KInt          // small integers (no object; used by the int map)
	KBig          // *big.Int
	KFloat        // float64
	KString       // immutable string
	KVector       // *[]Value, mutable
	KBytes        // *[]byte, mutable byte vector
	KMethod       // *Method
	KBlock        // *Block closure
	KForeign      // an opaque Go value (never persisted)
	KBlob         // *BlobRef: large byte data kept outside the heap

	// NumKinds is the number of built-in kinds.
	NumKinds = int(KBlob) + 1
)

var kindNames = [...]string{"object", "smallInt", "bigInt", "float", "string", "vector", "byteVector", "method", "block", "foreign", "blob"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "ghost"
}

// Kind returns the kind of v.
func (v Value) Kind() Kind {
	if v.o == nil {
		return KInt
	}
	return v.o.kind()
}

// Float returns v's float payload.
func (v Value) Float() (float64, bool) {
	if v.o != nil && v.o.kind() == KFloat {
		return v.o.data.(float64), true
	}
	return 0, false
}

// Str returns v's string payload.
func (v Value) Str() (string, bool) {
	if v.o != nil && v.o.kind() == KString {
		return v.o.str(), true
	}
	return "", false
}

// Big returns v as a big integer if it is any integer.
func (v Value) Big() (*big.Int, bool) {
	if v.o == nil {
		return big.NewInt(v.i), true
	}
	if v.o.kind() == KBig {
		return v.o.data.(*big.Int), true
	}
	return nil, false
}

// Vector returns the element slice of a vector (shared; mutate through
// VM.SetElem to keep the heap informed).
func (v Value) Vector() ([]Value, bool) {
	if v.o != nil && v.o.kind() == KVector {
		return *v.o.data.(*[]Value), true
	}
	return nil, false
}

// Bytes returns the payload of a byte vector.
func (v Value) Bytes() ([]byte, bool) {
	if v.o != nil && v.o.kind() == KBytes {
		return *v.o.data.(*[]byte), true
	}
	return nil, false
}

// Foreign returns the Go payload of a foreign object.
func (v Value) Foreign() (any, bool) {
	if v.o != nil && v.o.kind() == KForeign {
		return v.o.data, true
	}
	return nil, false
}
