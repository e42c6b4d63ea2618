package gguf

import (
	"encoding/binary"
	"io"
	"math"
)

// WriteF32 writes xs as little-endian float32.
func WriteF32(w io.Writer, xs []float32) error {
	b := make([]byte, 4*len(xs))
	for i, x := range xs {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	_, err := w.Write(b)
	return err
}

// WriteF16 writes xs as IEEE half precision.
func WriteF16(w io.Writer, xs []float32) error {
	b := make([]byte, 2*len(xs))
	for i, x := range xs {
		binary.LittleEndian.PutUint16(b[2*i:], F32ToF16(x))
	}
	_, err := w.Write(b)
	return err
}

// WriteQ8_0 writes xs (a multiple of 32 values) quantised to Q8_0: per
// block of 32, a half-precision scale and 32 signed bytes.
func WriteQ8_0(w io.Writer, xs []float32) error {
	b := make([]byte, len(xs)/32*34)
	for blk := 0; blk < len(xs)/32; blk++ {
		x := xs[blk*32 : blk*32+32]
		amax := float32(0)
		for _, v := range x {
			amax = max(amax, float32(math.Abs(float64(v))))
		}
		d := amax / 127
		inv := float32(0)
		if d != 0 {
			inv = 1 / d
		}
		o := b[blk*34:]
		binary.LittleEndian.PutUint16(o, F32ToF16(d))
		for i, v := range x {
			o[2+i] = byte(int8(math.Round(float64(v * inv))))
		}
	}
	_, err := w.Write(b)
	return err
}

// F32ToF16 converts a float32 to IEEE 754 half precision (round to nearest
// even; overflow to infinity).
func F32ToF16(f float32) uint16 {
	bits := math.Float32bits(f)
	sign := uint16(bits>>16) & 0x8000
	exp := int32(bits>>23&0xff) - 127 + 15
	mant := bits & 0x7fffff
	switch {
	case bits&0x7fffffff == 0:
		return sign
	case bits>>23&0xff == 0xff: // inf or NaN
		if mant != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	case exp >= 0x1f:
		return sign | 0x7c00
	case exp <= 0:
		if exp < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint32(14 - exp)
		h := mant >> shift
		rem := mant & (1<<shift - 1)
		half := uint32(1) << (shift - 1)
		if rem > half || rem == half && h&1 == 1 {
			h++
		}
		return sign | uint16(h)
	}
	h := uint32(exp)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || rem == 0x1000 && h&1 == 1 {
		h++ // may carry into the exponent, which is right
	}
	return sign | uint16(h)
}

// F16ToF32 converts IEEE half precision to float32.
func F16ToF32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h >> 10 & 0x1f)
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0 && mant == 0:
		return math.Float32frombits(sign)
	case exp == 0:
		e := int32(1)
		for mant&0x400 == 0 {
			mant <<= 1
			e--
		}
		return math.Float32frombits(sign | uint32(e+127-15)<<23 | (mant&0x3ff)<<13)
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}
