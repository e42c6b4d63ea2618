// Package gguf reads and writes GGUF files, the container llama.cpp loads
// models and LoRA adapters from. batos reads a file in Go before any C code
// sees it, so that a broken, truncated or foreign file is a clear error
// instead of an abort inside llama.cpp, and writes tiny random models for
// tests and benchmarks.
//
// The format (version 3, little-endian; version 2 is read too):
//
//	| "GGUF" (4B) | version u32 | tensor count u64 | metadata count u64 |
//	| metadata: key string | value type u32 | value | ... |
//	| tensor infos: name string | n_dims u32 | dims u64 x n_dims | type u32 | offset u64 | ... |
//	| padding to general.alignment (default 32) |
//	| tensor data, each at its offset from here, each aligned |
//
// A string is | length u64 | bytes |. An array value is | element type
// u32 | count u64 | elements |. Dimension 0 is the innermost (a row).
package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// Magic starts every GGUF file.
const Magic = "GGUF"

// DefaultAlignment is the data alignment when general.alignment is absent.
const DefaultAlignment = 32

// KV is one metadata entry. Value holds a Go value of the matching type:
// uint8 ... float64, bool, string, or a slice of them for arrays ([]any
// for arrays of arrays).
type KV struct {
	Key   string
	Type  ValueType
	Value any
}

// TensorInfo describes one tensor.
type TensorInfo struct {
	Name   string
	Dims   []uint64
	Type   Type
	Offset uint64 // from the start of the data section
}

// Elements is the number of elements of the tensor.
func (t *TensorInfo) Elements() uint64 {
	n := uint64(1)
	for _, d := range t.Dims {
		n *= d
	}
	return n
}

// Bytes is the size of the tensor's data.
func (t *TensorInfo) Bytes() uint64 {
	b, _ := t.Type.RowBytes(t.Elements())
	return b
}

// File is the header of a GGUF file: its metadata and tensor directory.
type File struct {
	Version    uint32
	KV         []KV
	Tensors    []TensorInfo
	Alignment  uint64
	DataOffset uint64 // where the data section starts
	Size       uint64 // the file's size
	kv         map[string]int
}

// Error is a file that is not a valid GGUF file.
type Error struct {
	Path string
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return "not a valid GGUF file: " + e.Msg
	}
	return fmt.Sprintf("%s: not a valid GGUF file: %s", e.Path, e.Msg)
}

// Limits that keep a hostile header from allocating unbounded memory
// before the file's size rules it out.
const (
	maxDims    = 4
	maxStrLen  = 1 << 26
	maxEntries = 1 << 24
)

// ReadFile reads and checks the header of the GGUF file at path: every
// entry must be well formed, and every tensor must be of a known type and
// lie within the file (a truncated file is an error).
func ReadFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a GGUF file", path)
	}
	g, err := Read(f, uint64(st.Size()))
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Path = path
		}
		return nil, err
	}
	return g, nil
}

// Read reads a GGUF header from r, a file of the given size.
func Read(r io.Reader, size uint64) (*File, error) {
	d := &decoder{r: bufio.NewReaderSize(r, 1<<16), size: size}
	g, err := d.file()
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = &Error{Msg: "truncated header"}
		}
		return nil, err
	}
	return g, nil
}

type decoder struct {
	r    *bufio.Reader
	off  uint64
	size uint64
	buf  [8]byte
}

func bad(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

func (d *decoder) read(n int) ([]byte, error) {
	if _, err := io.ReadFull(d.r, d.buf[:n]); err != nil {
		return nil, err
	}
	d.off += uint64(n)
	return d.buf[:n], nil
}

func (d *decoder) u32() (uint32, error) {
	b, err := d.read(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

func (d *decoder) u64() (uint64, error) {
	b, err := d.read(8)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

// fits checks that n more bytes can still be in the file.
func (d *decoder) fits(n uint64, what string) error {
	if n > d.size-min(d.off, d.size) {
		return bad("%s of %d bytes runs past the end of the file (truncated?)", what, n)
	}
	return nil
}

func (d *decoder) str() (string, error) {
	n, err := d.u64()
	if err != nil {
		return "", err
	}
	if n > maxStrLen {
		return "", bad("string of %d bytes", n)
	}
	if err := d.fits(n, "a string"); err != nil {
		return "", err
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(d.r, b); err != nil {
		return "", err
	}
	d.off += n
	return string(b), nil
}

func (d *decoder) file() (*File, error) {
	b, err := d.read(4)
	if err != nil {
		return nil, bad("shorter than a GGUF header")
	}
	if string(b) != Magic {
		return nil, bad("bad magic %q (want %q)", b, Magic)
	}
	g := &File{Size: d.size, Alignment: DefaultAlignment, kv: map[string]int{}}
	if g.Version, err = d.u32(); err != nil {
		return nil, err
	}
	if g.Version != 2 && g.Version != 3 {
		return nil, bad("unsupported version %d (want 2 or 3)", g.Version)
	}
	nt, err := d.u64()
	if err != nil {
		return nil, err
	}
	nkv, err := d.u64()
	if err != nil {
		return nil, err
	}
	if nt > maxEntries || nkv > maxEntries {
		return nil, bad("%d tensors and %d metadata entries", nt, nkv)
	}
	for range nkv {
		key, err := d.str()
		if err != nil {
			return nil, err
		}
		t, err := d.u32()
		if err != nil {
			return nil, err
		}
		v, err := d.value(ValueType(t), 0)
		if err != nil {
			return nil, err
		}
		if _, dup := g.kv[key]; dup {
			return nil, bad("duplicate key %q", key)
		}
		g.kv[key] = len(g.KV)
		g.KV = append(g.KV, KV{Key: key, Type: ValueType(t), Value: v})
	}
	if a, ok := g.Uint("general.alignment"); ok {
		if a == 0 || a&(a-1) != 0 {
			return nil, bad("general.alignment %d is not a power of two", a)
		}
		g.Alignment = a
	}
	names := map[string]bool{}
	for range nt {
		var ti TensorInfo
		if ti.Name, err = d.str(); err != nil {
			return nil, err
		}
		nd, err := d.u32()
		if err != nil {
			return nil, err
		}
		if nd == 0 || nd > maxDims {
			return nil, bad("tensor %q has %d dimensions", ti.Name, nd)
		}
		n := uint64(1)
		for range nd {
			x, err := d.u64()
			if err != nil {
				return nil, err
			}
			if x == 0 || x > math.MaxInt64/n {
				return nil, bad("tensor %q has a bad dimension %d", ti.Name, x)
			}
			n *= x
			ti.Dims = append(ti.Dims, x)
		}
		t, err := d.u32()
		if err != nil {
			return nil, err
		}
		ti.Type = Type(t)
		if !ti.Type.Valid() {
			return nil, bad("tensor %q has unknown type %d", ti.Name, t)
		}
		if _, ok := ti.Type.RowBytes(ti.Dims[0]); !ok {
			return nil, bad("tensor %q: row of %d is not a multiple of %s's block size %d", ti.Name, ti.Dims[0], ti.Type, ti.Type.BlockSize())
		}
		if ti.Offset, err = d.u64(); err != nil {
			return nil, err
		}
		if ti.Offset%g.Alignment != 0 {
			return nil, bad("tensor %q is not aligned", ti.Name)
		}
		if names[ti.Name] {
			return nil, bad("duplicate tensor %q", ti.Name)
		}
		names[ti.Name] = true
		g.Tensors = append(g.Tensors, ti)
	}
	g.DataOffset = (d.off + g.Alignment - 1) / g.Alignment * g.Alignment
	for i := range g.Tensors {
		t := &g.Tensors[i]
		end := g.DataOffset + t.Offset + t.Bytes()
		if end < g.DataOffset || end > g.Size {
			return nil, bad("tensor %q ends at byte %d, past the end of the file (%d bytes): truncated", t.Name, end, g.Size)
		}
	}
	return g, nil
}

// value decodes one value of type t.
func (d *decoder) value(t ValueType, depth int) (any, error) {
	le := binary.LittleEndian
	if n := scalarSize(t); n > 0 {
		b, err := d.read(int(n))
		if err != nil {
			return nil, err
		}
		switch t {
		case TypeUint8:
			return b[0], nil
		case TypeInt8:
			return int8(b[0]), nil
		case TypeBool:
			return b[0] != 0, nil
		case TypeUint16:
			return le.Uint16(b), nil
		case TypeInt16:
			return int16(le.Uint16(b)), nil
		case TypeUint32:
			return le.Uint32(b), nil
		case TypeInt32:
			return int32(le.Uint32(b)), nil
		case TypeFloat32:
			return math.Float32frombits(le.Uint32(b)), nil
		case TypeUint64:
			return le.Uint64(b), nil
		case TypeInt64:
			return int64(le.Uint64(b)), nil
		case TypeFloat64:
			return math.Float64frombits(le.Uint64(b)), nil
		}
	}
	switch t {
	case TypeString:
		return d.str()
	case TypeArray:
		if depth > 2 {
			return nil, bad("arrays nested too deeply")
		}
		et, err := d.u32()
		if err != nil {
			return nil, err
		}
		n, err := d.u64()
		if err != nil {
			return nil, err
		}
		if n > maxEntries*4 {
			return nil, bad("array of %d elements", n)
		}
		if s := scalarSize(ValueType(et)); s > 0 {
			if err := d.fits(n*s, "an array"); err != nil {
				return nil, err
			}
		} else if err := d.fits(n*8, "an array"); err != nil {
			return nil, err
		}
		return d.array(ValueType(et), int(n), depth)
	}
	return nil, bad("unknown value type %d", t)
}

// array decodes n elements of type et into a typed slice.
func (d *decoder) array(et ValueType, n int, depth int) (any, error) {
	switch et {
	case TypeString:
		s := make([]string, n)
		for i := range s {
			v, err := d.str()
			if err != nil {
				return nil, err
			}
			s[i] = v
		}
		return s, nil
	case TypeArray:
		s := make([]any, n)
		for i := range s {
			v, err := d.value(TypeArray, depth+1)
			if err != nil {
				return nil, err
			}
			s[i] = v
		}
		return s, nil
	}
	if scalarSize(et) == 0 {
		return nil, bad("unknown array element type %d", et)
	}
	vals := make([]any, n)
	for i := range vals {
		v, err := d.value(et, depth)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	return typed(et, vals), nil
}

// typed turns a slice of scalars into a slice of their Go type.
func typed(et ValueType, vals []any) any {
	switch et {
	case TypeUint8:
		return conv[uint8](vals)
	case TypeInt8:
		return conv[int8](vals)
	case TypeUint16:
		return conv[uint16](vals)
	case TypeInt16:
		return conv[int16](vals)
	case TypeUint32:
		return conv[uint32](vals)
	case TypeInt32:
		return conv[int32](vals)
	case TypeFloat32:
		return conv[float32](vals)
	case TypeBool:
		return conv[bool](vals)
	case TypeUint64:
		return conv[uint64](vals)
	case TypeInt64:
		return conv[int64](vals)
	case TypeFloat64:
		return conv[float64](vals)
	}
	return vals
}

func conv[T any](vals []any) []T {
	s := make([]T, len(vals))
	for i, v := range vals {
		s[i] = v.(T)
	}
	return s
}
