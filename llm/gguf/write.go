package gguf

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// Writer builds a GGUF file: metadata in the order it is set, then tensors
// in the order they are added. Tensor data is produced by a callback at
// write time, so a multi-gigabyte model never sits in memory.
type Writer struct {
	kvs     []KV
	tensors []wtensor
	align   uint64
}

type wtensor struct {
	TensorInfo
	fill func(w io.Writer) error
}

// NewWriter returns an empty writer with the default alignment.
func NewWriter() *Writer { return &Writer{align: DefaultAlignment} }

// Set adds (or replaces) a metadata entry. v is one of uint8 ... float64,
// bool, string, or a slice of one of those; int is stored as int32.
func (w *Writer) Set(key string, v any) {
	t, v := valueType(v)
	for i := range w.kvs {
		if w.kvs[i].Key == key {
			w.kvs[i] = KV{key, t, v}
			return
		}
	}
	w.kvs = append(w.kvs, KV{key, t, v})
}

func valueType(v any) (ValueType, any) {
	switch x := v.(type) {
	case uint8:
		return TypeUint8, v
	case int8:
		return TypeInt8, v
	case uint16:
		return TypeUint16, v
	case int16:
		return TypeInt16, v
	case uint32:
		return TypeUint32, v
	case int32:
		return TypeInt32, v
	case int:
		return TypeInt32, int32(x)
	case float32:
		return TypeFloat32, v
	case bool:
		return TypeBool, v
	case string:
		return TypeString, v
	case uint64:
		return TypeUint64, v
	case int64:
		return TypeInt64, v
	case float64:
		return TypeFloat64, v
	case []string, []float32, []int32, []uint32, []uint8, []int8, []bool, []int64, []uint64, []float64, []uint16, []int16:
		return TypeArray, v
	}
	panic(fmt.Sprintf("gguf: cannot store %T", v))
}

// AddTensor adds a tensor; fill must write exactly its bytes (see
// Type.RowBytes) when the file is written.
func (w *Writer) AddTensor(name string, t Type, dims []uint64, fill func(w io.Writer) error) {
	w.tensors = append(w.tensors, wtensor{TensorInfo{Name: name, Dims: dims, Type: t}, fill})
}

// AddF32 adds an F32 tensor from a slice.
func (w *Writer) AddF32(name string, dims []uint64, data []float32) {
	w.AddTensor(name, F32, dims, func(out io.Writer) error { return WriteF32(out, data) })
}

// WriteFile writes the file at path (through a temporary file renamed into
// place, so a reader never sees half a file).
func (w *Writer) WriteFile(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gguf-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if _, err := w.WriteTo(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// WriteTo writes the whole file to out.
func (w *Writer) WriteTo(out io.Writer) (int64, error) {
	e := &encoder{w: out}
	e.bytes([]byte(Magic))
	e.u32(3)
	e.u64(uint64(len(w.tensors)))
	e.u64(uint64(len(w.kvs)))
	for _, kv := range w.kvs {
		e.str(kv.Key)
		e.u32(uint32(kv.Type))
		e.value(kv.Value)
	}
	off := uint64(0)
	for i := range w.tensors {
		t := &w.tensors[i]
		n, ok := t.Type.RowBytes(t.Elements())
		if !ok {
			return e.n, fmt.Errorf("gguf: tensor %q: %d elements are not whole %s blocks", t.Name, t.Elements(), t.Type)
		}
		t.Offset = off
		off += (n + w.align - 1) / w.align * w.align
		e.str(t.Name)
		e.u32(uint32(len(t.Dims)))
		for _, d := range t.Dims {
			e.u64(d)
		}
		e.u32(uint32(t.Type))
		e.u64(t.Offset)
	}
	e.pad(w.align)
	for i := range w.tensors {
		t := &w.tensors[i]
		if e.err != nil {
			return e.n, e.err
		}
		start := e.n
		if err := t.fill(e); err != nil {
			return e.n, err
		}
		if got := uint64(e.n - start); got != t.Bytes() {
			return e.n, fmt.Errorf("gguf: tensor %q: wrote %d bytes, want %d", t.Name, got, t.Bytes())
		}
		e.pad(w.align)
	}
	return e.n, e.err
}

type encoder struct {
	w   io.Writer
	n   int64
	err error
	b   [8]byte
}

func (e *encoder) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.n += int64(n)
	e.err = err
	return n, err
}

func (e *encoder) bytes(p []byte) { e.Write(p) }
func (e *encoder) u8(x uint8)     { e.b[0] = x; e.Write(e.b[:1]) }
func (e *encoder) u16(x uint16)   { binary.LittleEndian.PutUint16(e.b[:], x); e.Write(e.b[:2]) }
func (e *encoder) u32(x uint32)   { binary.LittleEndian.PutUint32(e.b[:], x); e.Write(e.b[:4]) }
func (e *encoder) u64(x uint64)   { binary.LittleEndian.PutUint64(e.b[:], x); e.Write(e.b[:8]) }
func (e *encoder) str(s string)   { e.u64(uint64(len(s))); e.Write([]byte(s)) }

func (e *encoder) pad(align uint64) {
	if r := uint64(e.n) % align; r != 0 {
		e.Write(make([]byte, align-r))
	}
}

func (e *encoder) value(v any) {
	switch x := v.(type) {
	case uint8:
		e.u8(x)
	case int8:
		e.u8(uint8(x))
	case bool:
		if x {
			e.u8(1)
		} else {
			e.u8(0)
		}
	case uint16:
		e.u16(x)
	case int16:
		e.u16(uint16(x))
	case uint32:
		e.u32(x)
	case int32:
		e.u32(uint32(x))
	case float32:
		e.u32(math.Float32bits(x))
	case uint64:
		e.u64(x)
	case int64:
		e.u64(uint64(x))
	case float64:
		e.u64(math.Float64bits(x))
	case string:
		e.str(x)
	case []string:
		array(e, TypeString, x)
	case []float32:
		array(e, TypeFloat32, x)
	case []int32:
		array(e, TypeInt32, x)
	case []uint32:
		array(e, TypeUint32, x)
	case []uint8:
		array(e, TypeUint8, x)
	case []int8:
		array(e, TypeInt8, x)
	case []bool:
		array(e, TypeBool, x)
	case []int64:
		array(e, TypeInt64, x)
	case []uint64:
		array(e, TypeUint64, x)
	case []float64:
		array(e, TypeFloat64, x)
	case []uint16:
		array(e, TypeUint16, x)
	case []int16:
		array(e, TypeInt16, x)
	}
}

func array[T any](e *encoder, et ValueType, xs []T) {
	e.u32(uint32(et))
	e.u64(uint64(len(xs)))
	for _, x := range xs {
		e.value(x)
	}
}
