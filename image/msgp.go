package image

import (
	"encoding/binary"
	"math"
)

// Appending msgpack encoders for the hot path of a commit. They write the
// same bytes as msgpack/v5's Encoder (which the decoders read), without its
// per-call interface writes: an object record costs a few tens of
// nanoseconds instead of a few hundred.

func appendArrayLen(b []byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, 0x90|byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, 0xdc), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, 0xdd), uint32(n))
}

func appendUint(b []byte, n uint64) []byte {
	switch {
	case n < 128:
		return append(b, byte(n))
	case n <= math.MaxUint8:
		return append(b, 0xcc, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, 0xcd), uint16(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(b, 0xce), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xcf), n)
}

func appendInt(b []byte, n int64) []byte {
	if n >= 0 {
		return appendUint(b, uint64(n))
	}
	switch {
	case n >= -32:
		return append(b, byte(n))
	case n >= math.MinInt8:
		return append(b, 0xd0, byte(n))
	case n >= math.MinInt16:
		return binary.BigEndian.AppendUint16(append(b, 0xd1), uint16(n))
	case n >= math.MinInt32:
		return binary.BigEndian.AppendUint32(append(b, 0xd2), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(n))
}

func appendBytes(b []byte, p []byte) []byte {
	n := len(p)
	switch {
	case n <= math.MaxUint8:
		b = append(b, 0xc4, byte(n))
	case n <= math.MaxUint16:
		b = binary.BigEndian.AppendUint16(append(b, 0xc5), uint16(n))
	default:
		b = binary.BigEndian.AppendUint32(append(b, 0xc6), uint32(n))
	}
	return append(b, p...)
}

func appendString(b []byte, s string) []byte {
	n := len(s)
	switch {
	case n < 32:
		b = append(b, 0xa0|byte(n))
	case n <= math.MaxUint8:
		b = append(b, 0xd9, byte(n))
	case n <= math.MaxUint16:
		b = binary.BigEndian.AppendUint16(append(b, 0xda), uint16(n))
	default:
		b = binary.BigEndian.AppendUint32(append(b, 0xdb), uint32(n))
	}
	return append(b, s...)
}

func appendFloat64(b []byte, f float64) []byte {
	return binary.BigEndian.AppendUint64(append(b, 0xcb), math.Float64bits(f))
}

func appendNil(b []byte) []byte { return append(b, 0xc0) }

// A reader for the hot path of loading: object records in the forms the
// appending encoders write, parsed without msgpack's Decoder. Anything
// else (or a damaged record) makes it fail, and the caller decodes the
// record with the Decoder, which reports what is wrong.
type mreader struct {
	b  []byte
	i  int
	ok bool
}

func (r *mreader) byte1() byte {
	if r.i >= len(r.b) {
		r.ok = false
		return 0
	}
	c := r.b[r.i]
	r.i++
	return c
}

// bytesN reads n bytes (n is a fixed size, at most 8); past the end it
// fails, and answers n zeros so that the caller's binary.BigEndian read
// does not panic (FuzzRecords found that a record cut short did).
func (r *mreader) bytesN(n int) []byte {
	if n < 0 || r.i+n > len(r.b) {
		r.ok = false
		return make([]byte, max(n, 0))
	}
	p := r.b[r.i : r.i+n]
	r.i += n
	return p
}

func (r *mreader) arrayLen() int {
	c := r.byte1()
	switch {
	case c&0xf0 == 0x90:
		return int(c & 0x0f)
	case c == 0xdc:
		return int(binary.BigEndian.Uint16(r.bytesN(2)))
	case c == 0xdd:
		return int(binary.BigEndian.Uint32(r.bytesN(4)))
	}
	r.ok = false
	return 0
}

// int reads an integer in any of msgpack's integer forms.
func (r *mreader) int() int64 {
	c := r.byte1()
	switch {
	case c <= 0x7f:
		return int64(c)
	case c >= 0xe0:
		return int64(int8(c))
	}
	switch c {
	case 0xcc:
		return int64(r.byte1())
	case 0xcd:
		return int64(binary.BigEndian.Uint16(r.bytesN(2)))
	case 0xce:
		return int64(binary.BigEndian.Uint32(r.bytesN(4)))
	case 0xcf:
		return int64(binary.BigEndian.Uint64(r.bytesN(8)))
	case 0xd0:
		return int64(int8(r.byte1()))
	case 0xd1:
		return int64(int16(binary.BigEndian.Uint16(r.bytesN(2))))
	case 0xd2:
		return int64(int32(binary.BigEndian.Uint32(r.bytesN(4))))
	case 0xd3:
		return int64(binary.BigEndian.Uint64(r.bytesN(8)))
	}
	r.ok = false
	return 0
}

// rawValue is a value not yet resolved: an integer, or a reference.
type rawValue struct {
	n   int64
	ref bool
}

// values reads an array of values.
func (r *mreader) values(out []rawValue) []rawValue {
	n := r.arrayLen()
	if !r.ok || n > len(r.b) {
		r.ok = false
		return out
	}
	for k := 0; k < n && r.ok; k++ {
		if r.i < len(r.b) && r.b[r.i] == 0xc4 { // bin 8: a reference
			r.i++
			if r.byte1() != 8 {
				r.ok = false
				break
			}
			out = append(out, rawValue{n: int64(binary.BigEndian.Uint64(r.bytesN(8))), ref: true})
			continue
		}
		out = append(out, rawValue{n: r.int()})
	}
	return out
}
