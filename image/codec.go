package image

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"

	"batos/lang"
	"batos/vm"
)

// encoder writes records; ref is called for every object or map reference
// so the caller can schedule what is newly reachable.
type encoder struct {
	out    []byte // the last record appended (reused: valid until the next)
	buf    bytes.Buffer
	enc    *msgpack.Encoder
	refObj func(o *vm.Object) vm.OID
	refMap func(m *vm.Map) vm.OID
}

func newEncoder() *encoder {
	e := &encoder{}
	e.enc = msgpack.NewEncoder(&e.buf)
	return e
}

func (e *encoder) value(v vm.Value) error {
	if v.IsInt() {
		return e.enc.EncodeInt(v.Int())
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(e.refObj(v.Obj())))
	return e.enc.EncodeBytes(b[:])
}

// object encodes o's record.
func (e *encoder) object(o *vm.Object) ([]byte, error) {
	return e.objectParts(e.refMap(o.Map()), o.Fields(), o.Payload())
}

// objectParts encodes an object record from its parts (import builds
// records this way, without objects).
func (e *encoder) objectParts(moid vm.OID, fields []vm.Value, payload any) ([]byte, error) {
	b, err := e.appendObjectParts(e.out[:0], moid, fields, payload)
	if err != nil {
		return nil, err
	}
	e.out = b
	return b, nil
}

// appendObject appends o's record to b.
func (e *encoder) appendObject(b []byte, o *vm.Object) ([]byte, error) {
	return e.appendObjectParts(b, e.refMap(o.Map()), o.Fields(), o.Payload())
}

// appendObjectParts appends an object record made of its parts to b.
func (e *encoder) appendObjectParts(b []byte, moid vm.OID, fields []vm.Value, payload any) ([]byte, error) {
	b = appendArrayLen(b, 3)
	b = appendUint(b, uint64(moid))
	b = appendArrayLen(b, len(fields))
	for _, f := range fields {
		b = e.appendValue(b, f)
	}
	switch p := payload.(type) {
	case nil:
		b = appendNil(b)
	case string:
		b = appendString(b, p)
	case float64:
		b = appendFloat64(b, p)
	case *big.Int:
		b = appendString(b, p.String())
	case []vm.Value:
		b = appendArrayLen(b, len(p))
		for _, v := range p {
			b = e.appendValue(b, v)
		}
	case []byte:
		b = appendBytes(b, p)
	case vm.BlobRef:
		b = appendArrayLen(b, 2)
		b = appendBytes(b, p.Hash[:])
		b = appendInt(b, p.Size)
	case *vm.Method:
		b = appendArrayLen(b, 8)
		b = appendString(b, p.Sel)
		b = appendString(b, p.File)
		b = appendString(b, p.Source)
		b = appendString(b, p.Text)
		b = appendInt(b, int64(p.At.Line))
		b = appendInt(b, int64(p.At.Col))
		b = appendInt(b, int64(p.At.Offset))
		if p.Prov != nil { // the provenance of a generated method
			b = e.appendValue(b, vm.Ref(p.Prov))
		} else {
			b = appendInt(b, 0)
		}
	default:
		return nil, fmt.Errorf("cannot store a payload of type %T", p)
	}
	return b, nil
}

// appendValue appends a value: a msgpack integer, or an 8-byte bin with
// the OID of the object referred to.
func (e *encoder) appendValue(b []byte, v vm.Value) []byte {
	if v.IsInt() {
		return appendInt(b, v.Int())
	}
	var r [8]byte
	binary.BigEndian.PutUint64(r[:], uint64(e.refObj(v.Obj())))
	return appendBytes(b, r[:])
}

// mapRecord encodes m's record.
func (e *encoder) mapRecord(m *vm.Map) ([]byte, error) {
	e.buf.Reset()
	enc := e.enc
	enc.EncodeArrayLen(4)
	enc.EncodeUint(uint64(m.Kind()))
	enc.EncodeString(m.Annotation)
	enc.EncodeInt(int64(m.NumFields()))
	enc.EncodeArrayLen(len(m.Slots()))
	for _, s := range m.Slots() {
		enc.EncodeArrayLen(6)
		enc.EncodeString(s.Name)
		enc.EncodeUint(uint64(s.Kind))
		enc.EncodeBool(s.Parent)
		enc.EncodeInt(int64(s.Field))
		if err := e.value(s.Const); err != nil {
			return nil, err
		}
		enc.EncodeString(s.Category)
	}
	return append([]byte(nil), e.buf.Bytes()...), nil
}

// decoder reads records; obj resolves an OID to a (possibly ghost) object.
type decoder struct {
	dec *msgpack.Decoder
	obj func(oid vm.OID) *vm.Object
	raw []rawValue // fastObject's scratch
	rec int        // the length of the record being decoded
}

// count checks a length read from the record: every element takes at
// least a byte, so a damaged record that claims more elements than it has
// bytes is an error, not an allocation of gigabytes (which would end the
// process: Go cannot recover from running out of memory).
func (d *decoder) count(n int, what string) error {
	if n > d.rec {
		return fmt.Errorf("damaged record: %d %s in a record of %d bytes", n, what, d.rec)
	}
	return nil
}

func newDecoder(obj func(vm.OID) *vm.Object) *decoder {
	return &decoder{dec: msgpack.NewDecoder(nil), obj: obj}
}

func (d *decoder) value() (vm.Value, error) {
	c, err := d.dec.PeekCode()
	if err != nil {
		return vm.Value{}, err
	}
	if msgpcode.IsBin(c) {
		b, err := d.dec.DecodeBytes()
		if err != nil {
			return vm.Value{}, err
		}
		if len(b) != 8 {
			return vm.Value{}, fmt.Errorf("bad reference of %d bytes", len(b))
		}
		return vm.Ref(d.obj(vm.OID(binary.BigEndian.Uint64(b)))), nil
	}
	n, err := d.dec.DecodeInt64()
	return vm.Int(n), err
}

func (d *decoder) values() ([]vm.Value, error) {
	n, err := d.dec.DecodeArrayLen()
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, nil
	}
	if err := d.count(n, "values"); err != nil {
		return nil, err
	}
	out := make([]vm.Value, n)
	for i := range out {
		if out[i], err = d.value(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// object decodes an object record; the payload is decoded by kind.
func (d *decoder) object(b []byte, kindOf func(mapOID vm.OID) (vm.Kind, error)) (vm.OID, []vm.Value, any, error) {
	if moid, fields, payload, err, ok := d.fastObject(b, kindOf); ok {
		return moid, fields, payload, err
	}
	d.dec.Reset(bytes.NewReader(b))
	d.rec = len(b)
	if n, err := d.dec.DecodeArrayLen(); err != nil || n != 3 {
		return 0, nil, nil, fmt.Errorf("bad object record (%v)", err)
	}
	moid, err := d.dec.DecodeUint64()
	if err != nil {
		return 0, nil, nil, err
	}
	fields, err := d.values()
	if err != nil {
		return 0, nil, nil, err
	}
	kind, err := kindOf(vm.OID(moid))
	if err != nil {
		return 0, nil, nil, err
	}
	var payload any
	switch kind {
	case vm.KString:
		payload, err = d.dec.DecodeString()
	case vm.KFloat:
		payload, err = d.dec.DecodeFloat64()
	case vm.KBig:
		var s string
		if s, err = d.dec.DecodeString(); err == nil {
			b, ok := new(big.Int).SetString(s, 10)
			if !ok {
				err = fmt.Errorf("bad big integer %q", s)
			}
			payload = b
		}
	case vm.KVector:
		var vs []vm.Value
		vs, err = d.values()
		if vs == nil {
			vs = []vm.Value{}
		}
		payload = vs
	case vm.KBytes:
		var bs []byte
		bs, err = d.dec.DecodeBytes()
		if bs == nil {
			bs = []byte{}
		}
		payload = bs
	case vm.KMethod:
		payload, err = d.method()
	case vm.KBlob:
		payload, err = d.blob()
	default:
		err = d.dec.DecodeNil()
	}
	return vm.OID(moid), fields, payload, err
}

// fastObject decodes the common object records (no payload, or a
// vector's) with mreader; ok is false if it cannot (another payload, or a
// record not in the encoder's forms), and then nothing was resolved and
// the caller decodes the record with the Decoder.
func (d *decoder) fastObject(b []byte, kindOf func(mapOID vm.OID) (vm.Kind, error)) (vm.OID, []vm.Value, any, error, bool) {
	r := mreader{b: b, ok: true}
	if r.arrayLen() != 3 || !r.ok {
		return 0, nil, nil, nil, false
	}
	moid := r.int()
	if !r.ok || moid <= 0 {
		return 0, nil, nil, nil, false
	}
	raw := r.values(d.raw[:0])
	nfields := len(raw)
	if !r.ok || r.i >= len(b) {
		return 0, nil, nil, nil, false
	}
	kind, err := kindOf(vm.OID(moid))
	if err != nil {
		return 0, nil, nil, err, true
	}
	switch {
	case b[r.i] == 0xc0: // nil: right for the kinds that take no payload
		r.i++
		switch kind {
		case vm.KString, vm.KFloat, vm.KBig, vm.KVector, vm.KBytes, vm.KMethod, vm.KBlob:
			return 0, nil, nil, nil, false
		}
	case kind == vm.KVector:
		raw = r.values(raw)
	default:
		return 0, nil, nil, nil, false
	}
	if !r.ok || r.i != len(b) {
		return 0, nil, nil, nil, false
	}
	d.raw = raw
	vals := make([]vm.Value, len(raw))
	for i, x := range raw {
		if x.ref {
			vals[i] = vm.Ref(d.obj(vm.OID(x.n)))
		} else {
			vals[i] = vm.Int(x.n)
		}
	}
	fields := vals[:nfields:nfields]
	if kind == vm.KVector {
		return vm.OID(moid), fields, vals[nfields:], nil, true
	}
	return vm.OID(moid), fields, nil, nil, true
}

// mapRecord decodes a map record.
func (d *decoder) mapRecord(b []byte, oid vm.OID) (*vm.Map, error) {
	d.dec.Reset(bytes.NewReader(b))
	d.rec = len(b)
	if n, err := d.dec.DecodeArrayLen(); err != nil || n != 4 {
		return nil, fmt.Errorf("bad map record (%v)", err)
	}
	kind, err := d.dec.DecodeUint64()
	if err != nil {
		return nil, err
	}
	ann, err := d.dec.DecodeString()
	if err != nil {
		return nil, err
	}
	nfields, err := d.dec.DecodeInt64()
	if err != nil {
		return nil, err
	}
	n, err := d.dec.DecodeArrayLen()
	if err != nil {
		return nil, err
	}
	if err := d.count(n, "slots"); err != nil {
		return nil, err
	}
	slots := make([]vm.Slot, max(n, 0))
	for i := range slots {
		if k, err := d.dec.DecodeArrayLen(); err != nil || k != 6 {
			return nil, fmt.Errorf("bad slot record (%v)", err)
		}
		s := &slots[i]
		s.Name, _ = d.dec.DecodeString()
		sk, _ := d.dec.DecodeUint64()
		s.Kind = vm.SlotKind(sk)
		s.Parent, _ = d.dec.DecodeBool()
		f, _ := d.dec.DecodeInt64()
		s.Field = int(f)
		if s.Const, err = d.value(); err != nil {
			return nil, err
		}
		if s.Category, err = d.dec.DecodeString(); err != nil {
			return nil, err
		}
		if s.Kind > vm.SlotSetter || (s.Kind != vm.SlotConst && (s.Field < 0 || s.Field >= int(nfields))) {
			return nil, fmt.Errorf("slot %q: bad kind or field", s.Name)
		}
	}
	if kind >= uint64(vm.NumKinds) {
		return nil, fmt.Errorf("bad map kind %d", kind)
	}
	return vm.RestoreMap(vm.Kind(kind), slots, ann, int(nfields), oid), nil
}

// method decodes a method payload: [selector, file, source, text, line,
// col, offset]. The text as written and its position give back the
// original file positions; the canonical source is the fallback.
func (d *decoder) method() (*vm.Method, error) {
	n, err := d.dec.DecodeArrayLen()
	if err != nil {
		return nil, err
	}
	if n != 7 && n != 8 { // 7: written before generated methods had provenance
		return nil, fmt.Errorf("bad method record (%d fields)", n)
	}
	var sel, file, src, text string
	var at [3]int64
	for _, p := range []*string{&sel, &file, &src, &text} {
		if *p, err = d.dec.DecodeString(); err != nil {
			return nil, err
		}
	}
	for i := range at {
		if at[i], err = d.dec.DecodeInt64(); err != nil {
			return nil, err
		}
	}
	var prov vm.Value
	if n == 8 {
		if prov, err = d.value(); err != nil {
			return nil, err
		}
	}
	m, err := vm.MethodFromRecord(sel, file, src, text, lang.Pos{Line: int(at[0]), Col: int(at[1]), Offset: int(at[2])})
	if err == nil && m.Sel != sel {
		err = fmt.Errorf("method source defines %q, record says %q", m.Sel, sel)
	}
	if err == nil && !prov.IsInt() {
		m.Prov = prov.Obj()
	}
	return m, err
}

// blob decodes a blob payload: [sha256, size].
func (d *decoder) blob() (vm.BlobRef, error) {
	var ref vm.BlobRef
	if n, err := d.dec.DecodeArrayLen(); err != nil || n != 2 {
		return ref, fmt.Errorf("bad blob record (%v)", err)
	}
	h, err := d.dec.DecodeBytes()
	if err != nil || len(h) != 32 {
		return ref, fmt.Errorf("bad blob hash (%v)", err)
	}
	copy(ref.Hash[:], h)
	ref.Size, err = d.dec.DecodeInt64()
	return ref, err
}
