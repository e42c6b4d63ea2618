package prims

import (
	"strings"
	"unsafe"

	"batos/vm"
)

func vecPrim(name, doc string, f func(t *vm.Thread, r vm.Value, v []vm.Value, a []vm.Value) (vm.Value, error)) vm.Primitive {
	return p(name, doc, func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		v, ok := r.Vector()
		if !ok {
			return vm.Value{}, badType
		}
		return f(t, r, v, a)
	})
}

func bytesPrim(name, doc string, f func(t *vm.Thread, r vm.Value, b []byte, a []vm.Value) (vm.Value, error)) vm.Primitive {
	return p(name, doc, func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		b, ok := r.Bytes()
		if !ok {
			return vm.Value{}, badType
		}
		return f(t, r, b, a)
	})
}

func size(v vm.Value) (int, error) {
	if !v.IsInt() {
		return 0, badType
	}
	if v.Int() < 0 || v.Int() > 1<<31 {
		return 0, vm.Fail("badSizeError")
	}
	return int(v.Int()), nil
}

var vectorPrims = []vm.Primitive{
	vecPrim("_VectorSize", "number of elements", func(t *vm.Thread, r vm.Value, v []vm.Value, a []vm.Value) (vm.Value, error) {
		return vm.Int(int64(len(v))), nil
	}),
	vecPrim("_VectorAt:", "element at a 0-based index", func(t *vm.Thread, r vm.Value, v []vm.Value, a []vm.Value) (vm.Value, error) {
		i, err := index(a[0], len(v))
		if err != nil {
			return vm.Value{}, err
		}
		return v[i], nil
	}),
	vecPrim("_VectorAt:Put:", "store an element; answers the value stored", func(t *vm.Thread, r vm.Value, v []vm.Value, a []vm.Value) (vm.Value, error) {
		i, err := index(a[0], len(v))
		if err != nil {
			return vm.Value{}, err
		}
		t.VM().SetElem(r.Obj(), i, a[1])
		return a[1], nil
	}),
	vecPrim("_VectorCopySize:", "a new vector of this size holding a prefix of the elements, padded with nil", func(t *vm.Thread, r vm.Value, v []vm.Value, a []vm.Value) (vm.Value, error) {
		n, err := size(a[0])
		if err != nil {
			return vm.Value{}, err
		}
		t.Charge(int64(n) * 16)
		out := make([]vm.Value, n)
		k := copy(out, v)
		for i := k; i < n; i++ {
			out[i] = t.VM().NilValue()
		}
		return t.VM().NewVector(out), nil
	}),
	vecPrim("_VectorAddLast:", "append an element in place (the vector grows)", func(t *vm.Thread, r vm.Value, v []vm.Value, a []vm.Value) (vm.Value, error) {
		if len(v) == cap(v) { // grow by doubling: appends stay amortised O(1) with few copies
			nv := make([]vm.Value, len(v), 2*len(v)+4)
			copy(nv, v)
			v = nv
		}
		t.VM().SetVector(r.Obj(), append(v, a[0]))
		return r, nil
	}),
	vecPrim("_VectorRemoveLast", "remove and answer the last element", func(t *vm.Thread, r vm.Value, v []vm.Value, a []vm.Value) (vm.Value, error) {
		if len(v) == 0 {
			return vm.Value{}, vm.Fail("emptyError")
		}
		last := v[len(v)-1]
		v[len(v)-1] = vm.Value{}
		t.VM().SetVector(r.Obj(), v[:len(v)-1])
		return last, nil
	}),
	vecPrim("_VectorJoin:", "concatenate a vector of strings with a separator", func(t *vm.Thread, r vm.Value, v []vm.Value, a []vm.Value) (vm.Value, error) {
		sep, ok := a[0].Str()
		if !ok {
			return vm.Value{}, badType
		}
		// one pass: each element's object is read once (a long vector's
		// strings are not in the cache twice), into room guessed from a
		// few elements (not zeroed; it grows if the guess is short); a
		// result much smaller than its room is copied to its size
		var b strings.Builder
		b.Grow(joinGuess(v, len(sep)))
		for i, e := range v {
			s, ok := e.Str()
			if !ok {
				return vm.Value{}, badType
			}
			if i > 0 {
				b.WriteString(sep)
			}
			b.WriteString(s)
		}
		if b.Cap()-b.Len() > b.Len()/8 {
			return t.VM().String(strings.Clone(b.String())), nil
		}
		return t.VM().String(b.String()), nil
	}),
	bytesPrim("_ByteVectorSize", "number of bytes", func(t *vm.Thread, r vm.Value, b []byte, a []vm.Value) (vm.Value, error) {
		return vm.Int(int64(len(b))), nil
	}),
	bytesPrim("_ByteVectorAt:", "byte at a 0-based index", func(t *vm.Thread, r vm.Value, b []byte, a []vm.Value) (vm.Value, error) {
		i, err := index(a[0], len(b))
		if err != nil {
			return vm.Value{}, err
		}
		return vm.Int(int64(b[i])), nil
	}),
	bytesPrim("_ByteVectorAt:Put:", "store a byte (0..255)", func(t *vm.Thread, r vm.Value, b []byte, a []vm.Value) (vm.Value, error) {
		i, err := index(a[0], len(b))
		if err != nil {
			return vm.Value{}, err
		}
		if !a[1].IsInt() || a[1].Int() < 0 || a[1].Int() > 255 {
			return vm.Value{}, badType
		}
		nb := append([]byte(nil), b...)
		nb[i] = byte(a[1].Int())
		t.VM().SetBytes(r.Obj(), nb)
		return a[1], nil
	}),
	bytesPrim("_ByteVectorCopySize:", "a new byte vector of this size (zero padded)", func(t *vm.Thread, r vm.Value, b []byte, a []vm.Value) (vm.Value, error) {
		n, err := size(a[0])
		if err != nil {
			return vm.Value{}, err
		}
		t.Charge(int64(n))
		out := make([]byte, n)
		copy(out, b)
		return t.VM().NewBytes(out), nil
	}),
	bytesPrim("_ByteVectorAppend:", "append a string's or a byte vector's bytes in place (the byte vector grows); answers the receiver", func(t *vm.Thread, r vm.Value, b []byte, a []vm.Value) (vm.Value, error) {
		var add []byte
		if s, ok := a[0].Str(); ok {
			add = unsafe.Slice(unsafe.StringData(s), len(s))
		} else if bs, ok := a[0].Bytes(); ok {
			add = bs
		} else {
			return vm.Value{}, badType
		}
		if len(b)+len(add) > cap(b) { // grow by doubling: appends stay amortised O(1)
			n := max(2*cap(b), len(b)+len(add), 64)
			t.Charge(int64(n))
			nb := make([]byte, len(b), n)
			copy(nb, b)
			b = nb
		}
		t.VM().SetBytes(r.Obj(), append(b, add...))
		return r, nil
	}),
	bytesPrim("_ByteVectorAsString", "the bytes as a string", func(t *vm.Thread, r vm.Value, b []byte, a []vm.Value) (vm.Value, error) {
		return t.VM().String(string(b)), nil
	}),
}

func init() {
	vectorPrims = append(vectorPrims,
		p("_NewVector:", "a new vector of n nils (any receiver)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
			n, err := size(a[0])
			if err != nil {
				return vm.Value{}, err
			}
			out := make([]vm.Value, n)
			for i := range out {
				out[i] = t.VM().NilValue()
			}
			return t.VM().NewVector(out), nil
		}),
		p("_NewByteVector:", "a new byte vector of n zero bytes (any receiver)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
			n, err := size(a[0])
			if err != nil {
				return vm.Value{}, err
			}
			return t.VM().NewBytes(make([]byte, n)), nil
		}),
	)
}

// joinGuess guesses the length of v's strings joined with a separator
// of sep bytes from up to eight elements spread over it, with 1/16 to
// spare (at most 64 MiB: beyond, the result grows as it is written).
func joinGuess(v []vm.Value, sep int) int {
	if len(v) == 0 {
		return 0
	}
	k := min(len(v), 8)
	n := 0
	for j := 0; j < k; j++ {
		if s, ok := v[j*(len(v)-1)/max(k-1, 1)].Str(); ok {
			n += len(s)
		}
	}
	per := n/k + sep
	return min(len(v)*per+len(v)*per/16, 64<<20)
}
