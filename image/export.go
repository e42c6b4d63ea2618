package image

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math/big"
	"sort"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/vmihailenco/msgpack/v5"

	"batos/vm"
)

// ExportVersion is the version of the export format (see the package
// documentation). It changes only when the meaning of the dump changes,
// not with the on-disk format.
const ExportVersion = 1

const (
	exportMagic = "batos-export"
	exportEnd   = "batos-export-end"
)

// ExportHeader is the first value of an export stream.
type ExportHeader struct {
	Magic   string    `msgpack:"magic"`   // "batos-export"
	Version int       `msgpack:"version"` // ExportVersion
	Objects int       `msgpack:"objects"` // object records that follow the maps
	Maps    int       `msgpack:"maps"`    // map records that follow the header
	NextOID uint64    `msgpack:"next"`    // a lower bound for new identities
	Created time.Time `msgpack:"created"`
	Batos   string    `msgpack:"batos"`           // the batos version that wrote it
	Blobs   int       `msgpack:"blobs,omitempty"` // blobs that follow the objects
}

// exportBlob starts a blob in an export: its hash and size, then Chunks
// values of exportChunk with its bytes in order.
type exportBlob struct {
	Blob   []byte `msgpack:"blob"`
	Size   int64  `msgpack:"size"`
	Chunks int    `msgpack:"chunks"`
}

type exportChunk struct {
	Chunk []byte `msgpack:"chunk"`
}

// exportBlobRef is the payload of a blob object in an export.
type exportBlobRef struct {
	Hash []byte `msgpack:"sha256"`
	Size int64  `msgpack:"size"`
}

// xval is a value in an export: ["i", integer] or ["r", id].
type xval struct {
	ref uint64 // 0: the integer n
	n   int64
}

func (x xval) EncodeMsgpack(enc *msgpack.Encoder) error {
	enc.EncodeArrayLen(2)
	if x.ref != 0 {
		enc.EncodeString("r")
		return enc.EncodeUint(x.ref)
	}
	enc.EncodeString("i")
	return enc.EncodeInt(x.n)
}

func (x *xval) DecodeMsgpack(dec *msgpack.Decoder) error {
	if n, err := dec.DecodeArrayLen(); err != nil || n != 2 {
		return fmt.Errorf("bad value (%v)", err)
	}
	tag, err := dec.DecodeString()
	if err != nil {
		return err
	}
	switch tag {
	case "i":
		x.ref = 0
		x.n, err = dec.DecodeInt64()
	case "r":
		x.ref, err = dec.DecodeUint64()
		if err == nil && x.ref == 0 {
			err = fmt.Errorf("reference to id 0")
		}
	default:
		err = fmt.Errorf("unknown value tag %q", tag)
	}
	return err
}

type exportSlot struct {
	Name     string `msgpack:"name"`
	Kind     string `msgpack:"kind"` // constant, assignable, assignment
	Parent   bool   `msgpack:"parent,omitempty"`
	Field    int    `msgpack:"field,omitempty"` // assignable, assignment: the field index
	Value    *xval  `msgpack:"value,omitempty"` // constant: the value
	Category string `msgpack:"category,omitempty"`
}

type exportMap struct {
	ID         uint64       `msgpack:"map"`
	Kind       string       `msgpack:"kind"` // object, string, vector, ...
	Annotation string       `msgpack:"annotation,omitempty"`
	Fields     int          `msgpack:"fields"`
	Slots      []exportSlot `msgpack:"slots"`
}

// exportMethod is a method: its canonical source, and the text as
// written with where it started in its file (for positions), if known.
type exportMethod struct {
	Selector string `msgpack:"selector"`
	File     string `msgpack:"file"`
	Source   string `msgpack:"source"`
	Text     string `msgpack:"text,omitempty"`
	Line     int    `msgpack:"line,omitempty"`
	Col      int    `msgpack:"col,omitempty"`
	Offset   int    `msgpack:"offset,omitempty"`
	// Provenance is the id of the provenance object of a generated
	// method (0: none, a method people wrote).
	Provenance uint64 `msgpack:"provenance,omitempty"`
}

// exportObject carries the payload its map's kind calls for; a missing
// one is the kind's zero value.
type exportObject struct {
	ID     uint64         `msgpack:"object"`
	Map    uint64         `msgpack:"of"`
	Fields []xval         `msgpack:"fields"`
	String string         `msgpack:"string,omitempty"`
	Float  *float64       `msgpack:"float,omitempty"`  // a pointer: -0.0 is kept
	BigInt string         `msgpack:"bigint,omitempty"` // decimal
	Vector []xval         `msgpack:"vector,omitempty"`
	Bytes  []byte         `msgpack:"bytes,omitempty"`
	Method *exportMethod  `msgpack:"method,omitempty"`
	Blob   *exportBlobRef `msgpack:"blobref,omitempty"`
}

type exportRoots struct {
	Lobby      uint64  `msgpack:"lobby"`
	Nil        uint64  `msgpack:"nil"`
	True       uint64  `msgpack:"true"`
	False      uint64  `msgpack:"false"`
	Traits     uint64  `msgpack:"traits"`
	KindTraits kindIDs `msgpack:"kindTraits"` // by kind name
	KindMaps   kindIDs `msgpack:"kindMaps"`   // by kind name
	PlainEmpty uint64  `msgpack:"plainEmpty"`
}

// kindIDs maps kind names to ids; it is written in key order.
type kindIDs map[string]uint64

func (k kindIDs) EncodeMsgpack(enc *msgpack.Encoder) error {
	names := make([]string, 0, len(k))
	for n := range k {
		names = append(names, n)
	}
	sort.Strings(names)
	if err := enc.EncodeMapLen(len(names)); err != nil {
		return err
	}
	for _, n := range names {
		enc.EncodeString(n)
		if err := enc.EncodeUint(k[n]); err != nil {
			return err
		}
	}
	return nil
}

type exportTrailer struct {
	End     string `msgpack:"end"` // "batos-export-end"
	Records int    `msgpack:"records"`
}

// ExportOptions configure Export.
type ExportOptions struct {
	Batos    string    // the batos version, for the header
	Progress *Progress // nil: no progress report
}

func toXval(v vm.Value) xval {
	if v.IsInt() {
		return xval{n: v.Int()}
	}
	return xval{ref: uint64(v.Obj().OID())}
}

func toXvals(vs []vm.Value) []xval {
	out := make([]xval, len(vs))
	for i, v := range vs {
		out[i] = toXval(v)
	}
	return out
}

// Export writes the committed world to w as a portable, versioned msgpack
// stream (see the package documentation). It reads one consistent
// snapshot of the image.
func (img *Image) Export(w io.Writer, opts ExportOptions) (ExportHeader, error) {
	h := ExportHeader{Magic: exportMagic, Version: ExportVersion, NextOID: uint64(img.next),
		Created: time.Now().UTC().Truncate(time.Second), Batos: opts.Batos}
	if !img.hasRoot {
		return h, fmt.Errorf("the image is empty: there is no world to export")
	}
	snap := img.db.NewSnapshot()
	defer snap.Close()
	if nb, ok, err := get(snap, keyNext); err == nil && ok {
		next, _ := binary.Uvarint(nb)
		h.NextOID = next
	}
	if err := countRecords(snap, &h); err != nil {
		return h, err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := msgpack.NewEncoder(bw)
	if err := enc.Encode(&h); err != nil {
		return h, err
	}
	p := opts.Progress
	p.Start("export", int64(h.Objects+h.Maps), "records")
	defer p.Done()
	x := &exporter{snap: snap, enc: enc, p: p, kinds: map[vm.OID]vm.Kind{},
		d: newDecoder(func(oid vm.OID) *vm.Object { return vm.NewGhost(oid, nil) })}
	if err := x.maps(); err != nil {
		return h, err
	}
	if err := x.objects(); err != nil {
		return h, err
	}
	if err := exportBlobs(snap, enc); err != nil {
		return h, err
	}
	roots, err := exportRootsOf(snap)
	if err != nil {
		return h, err
	}
	if err := enc.Encode(roots); err != nil {
		return h, err
	}
	if err := enc.Encode(&exportTrailer{End: exportEnd, Records: h.Objects + h.Maps}); err != nil {
		return h, err
	}
	return h, bw.Flush()
}

// countRecords counts the maps, objects and blobs the export will hold.
func countRecords(r pebble.Reader, h *ExportHeader) error {
	it, err := r.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixBlob}, UpperBound: []byte{prefixObject + 1}})
	if err != nil {
		return err
	}
	for ok := it.First(); ok; ok = it.Next() {
		switch parseKey(it.Key()).kind {
		case recBlob:
			h.Blobs++
		case recObject:
			h.Objects++
		case recMap:
			h.Maps++
		}
	}
	return it.Close()
}

// exporter writes the maps and objects of a snapshot.
type exporter struct {
	snap  pebble.Reader
	enc   *msgpack.Encoder
	p     *Progress
	d     *decoder
	kinds map[vm.OID]vm.Kind // the maps written so far
}

// maps writes every map (the stream has them before the objects).
func (x *exporter) maps() error {
	it, err := x.snap.NewIter(prefixBounds(prefixMap))
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		oid := parseKey(it.Key()).oid
		m, err := x.d.mapRecord(it.Value(), oid)
		if err != nil {
			return fmt.Errorf("map %d: %w", oid, err)
		}
		x.kinds[oid] = m.Kind()
		xm := exportMap{ID: uint64(oid), Kind: m.Kind().String(), Annotation: m.Annotation, Fields: m.NumFields()}
		for _, s := range m.Slots() {
			xs := exportSlot{Name: s.Name, Kind: s.Kind.String(), Parent: s.Parent, Category: s.Category}
			if s.Kind == vm.SlotConst {
				v := toXval(s.Const)
				xs.Value = &v
			} else {
				xs.Field = s.Field
			}
			xm.Slots = append(xm.Slots, xs)
		}
		if err := x.enc.Encode(&xm); err != nil {
			return err
		}
		x.p.Add(1)
	}
	return it.Error()
}

// objects writes every object.
func (x *exporter) objects() error {
	it, err := x.snap.NewIter(prefixBounds(prefixObject))
	if err != nil {
		return err
	}
	defer it.Close()
	kindOf := func(moid vm.OID) (vm.Kind, error) {
		k, ok := x.kinds[moid]
		if !ok {
			return 0, fmt.Errorf("its map %d is missing", moid)
		}
		return k, nil
	}
	for ok := it.First(); ok; ok = it.Next() {
		oid := parseKey(it.Key()).oid
		moid, fields, payload, err := x.d.object(it.Value(), kindOf)
		if err != nil {
			return fmt.Errorf("object %d: %w", oid, err)
		}
		xo := exportObject{ID: uint64(oid), Map: uint64(moid), Fields: toXvals(fields)}
		if err := xo.setPayload(payload); err != nil {
			return fmt.Errorf("object %d: %w", oid, err)
		}
		if err := x.enc.Encode(&xo); err != nil {
			return err
		}
		x.p.Add(1)
	}
	return it.Error()
}

func (xo *exportObject) setPayload(payload any) error {
	switch p := payload.(type) {
	case nil:
	case string:
		xo.String = p
	case float64:
		xo.Float = &p
	case *big.Int:
		xo.BigInt = p.String()
	case *vm.Method:
		xo.Method = &exportMethod{Selector: p.Sel, File: p.File, Source: p.Source,
			Text: p.Text, Line: p.At.Line, Col: p.At.Col, Offset: p.At.Offset}
		if p.Prov != nil {
			xo.Method.Provenance = uint64(p.Prov.OID())
		}
	case []vm.Value:
		xo.Vector = toXvals(p)
	case []byte:
		xo.Bytes = p
	case vm.BlobRef:
		xo.Blob = &exportBlobRef{Hash: p.Hash[:], Size: p.Size}
	default:
		return fmt.Errorf("cannot export a payload of type %T", p)
	}
	return nil
}

func exportRootsOf(r pebble.Reader) (*exportRoots, error) {
	ids, err := readRoots(r)
	if err != nil {
		return nil, fmt.Errorf("roots: %w", err)
	}
	x := &exportRoots{Lobby: uint64(ids.Lobby), Nil: uint64(ids.Nil), True: uint64(ids.True), False: uint64(ids.False),
		Traits: uint64(ids.Traits), KindTraits: kindIDs{}, KindMaps: kindIDs{}, PlainEmpty: uint64(ids.PlainEmpty)}
	for i := 0; i < vm.NumKinds; i++ {
		name := vm.Kind(i).String()
		if id := ids.KindTraits[i]; id != 0 {
			x.KindTraits[name] = uint64(id)
		}
		if id := ids.KindMaps[i]; id != 0 {
			x.KindMaps[name] = uint64(id)
		}
	}
	return x, nil
}

// exportBlobs writes every blob of the image, chunk by chunk.
func exportBlobs(snap pebble.Reader, enc *msgpack.Encoder) error {
	it, err := snap.NewIter(prefixBounds(prefixBlob))
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) != 33 {
			continue
		}
		var rec struct {
			_msgpack struct{} `msgpack:",as_array"`
			Size     int64
			Chunks   [][]byte
		}
		if err := msgpack.Unmarshal(it.Value(), &rec); err != nil {
			return fmt.Errorf("blob %x: bad record: %v", k[1:7], err)
		}
		if err := enc.Encode(&exportBlob{Blob: append([]byte(nil), k[1:]...), Size: rec.Size, Chunks: len(rec.Chunks)}); err != nil {
			return err
		}
		for _, c := range rec.Chunks {
			b, ok, err := get(snap, append([]byte{prefixChunk}, c...))
			if err != nil || !ok {
				return fmt.Errorf("blob %x: a chunk is missing (%v)", k[1:7], err)
			}
			if err := enc.Encode(&exportChunk{Chunk: b}); err != nil {
				return err
			}
		}
	}
	return it.Error()
}
