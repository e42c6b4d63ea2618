package image

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/vmihailenco/msgpack/v5"

	"batos/lang"
	"batos/msgshape"
	"batos/vm"
)

// ExportFile writes an export of the committed world to path (through a
// temporary file renamed into place).
func (img *Image) ExportFile(path string, opts ExportOptions) (h ExportHeader, err error) {
	err = writeFileAtomically(path, "export", func(f *os.File) error {
		h, err = img.Export(f, opts)
		return err
	})
	return h, err
}

// writeFileAtomically writes path through a temporary file in the same
// directory, synced and renamed into place, so path is never half written.
func writeFileAtomically(path, what string, write func(f *os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after the rename, a no-op
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, path, err)
	}
	return nil
}

// ImportOptions configure Import.
type ImportOptions struct {
	Progress *Progress // nil: no progress report
}

// ImportFile builds a new image in dir from the export in file.
func ImportFile(file, dir string, opts ImportOptions) (ExportHeader, error) {
	f, err := os.Open(file)
	if err != nil {
		return ExportHeader{}, err
	}
	defer f.Close()
	h, err := Import(f, dir, opts)
	if err != nil {
		return h, fmt.Errorf("%s: %w", file, err)
	}
	return h, nil
}

// Import builds a new image in dir, which must not exist or be empty,
// from an export stream. Everything is validated (kinds, layouts,
// references, method sources) and the result checked before it is moved
// into dir, so a failed import leaves nothing behind.
func Import(r io.Reader, dir string, opts ImportOptions) (ExportHeader, error) {
	var h ExportHeader
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return h, fmt.Errorf("image %s is not empty: import needs a new or empty directory", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return h, err
	}
	dec := msgpack.NewDecoder(bufio.NewReaderSize(r, 1<<16))
	if err := decodeChecked(dec, &h); err != nil || h.Magic != exportMagic {
		return h, fmt.Errorf("not a batos export")
	}
	if h.Version < 1 || h.Version > ExportVersion {
		return h, fmt.Errorf("export format version %d; this batos reads versions 1 to %d", h.Version, ExportVersion)
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return h, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".import-*")
	if err != nil {
		return h, err
	}
	defer os.RemoveAll(tmp) // after the rename, a no-op
	img, err := Open(Options{Dir: tmp})
	if err != nil {
		return h, err
	}
	im := &importer{img: img, db: img.db, dec: dec, h: h, p: opts.Progress,
		maps: map[uint64]mapInfo{}, objects: map[uint64]bool{}, pending: map[uint64]bool{}}
	im.enc = newEncoder()
	im.enc.refObj = func(o *vm.Object) vm.OID { return o.OID() }
	err = im.run()
	if cerr := img.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return h, err
	}
	img, err = Open(Options{Dir: tmp})
	if err != nil {
		return h, fmt.Errorf("the imported image does not open: %w", err)
	}
	problems := img.Check()
	img.Close()
	if len(problems) > 0 {
		return h, fmt.Errorf("the imported image has %d problem(s), the first: %s", len(problems), problems[0])
	}
	os.Remove(dir) // an empty directory (a non-empty one was refused)
	if err := os.Rename(tmp, dir); err != nil {
		return h, err
	}
	return h, syncDir(parent)
}

type importer struct {
	img      *Image
	db       *pebble.DB
	dec      *msgpack.Decoder
	enc      *encoder
	h        ExportHeader
	p        *Progress
	batch    *pebble.Batch
	maps     map[uint64]mapInfo
	objects  map[uint64]bool
	pending  map[uint64]bool // referenced objects not defined yet
	maxID    uint64
	blobRefs map[[32]byte]bool // blobs the objects refer to
}

func (im *importer) decode(what string, v any) error {
	if err := decodeChecked(im.dec, v); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("the export is truncated (in %s)", what)
		}
		return fmt.Errorf("%s: %v", what, err)
	}
	return nil
}

// decodeChecked decodes the next value of dec into v, after reading it
// whole and checking its shape (msgshape): msgpack's decoder allocates
// what a damaged length claims for a typed slice, and a file's few bytes
// claiming 2^31 slots ended the process (TestImportDamaged).
func decodeChecked(dec *msgpack.Decoder, v any) error {
	raw, err := dec.DecodeRaw() // bounded by the bytes there are
	if err != nil {
		return err
	}
	if off, err := msgshape.Check(raw, maxExportDepth); err != nil {
		return fmt.Errorf("damaged at byte %d of the entry: %v", off, err)
	}
	return msgpack.Unmarshal(raw, v)
}

// maxExportDepth bounds the nesting of an export's entries (a map record
// with its slots is four levels deep).
const maxExportDepth = 16

func (im *importer) set(key, val []byte) error {
	if err := im.batch.Set(key, val, nil); err != nil {
		return err
	}
	if im.batch.Len() > 4<<20 {
		b := im.batch
		im.batch = nil // commitBatch closes it
		if err := im.img.commitBatch(b, pebble.NoSync); err != nil {
			return err
		}
		im.batch = im.db.NewBatch()
	}
	im.p.Add(1)
	return nil
}

func (im *importer) newID(id uint64, what string) error {
	if id == 0 {
		return fmt.Errorf("%s has id 0", what)
	}
	if _, dup := im.maps[id]; dup || im.objects[id] {
		return fmt.Errorf("id %d is defined twice", id)
	}
	im.maxID = max(im.maxID, id)
	return nil
}

func (im *importer) value(x xval) vm.Value {
	if x.ref == 0 {
		return vm.Int(x.n)
	}
	if !im.objects[x.ref] {
		im.pending[x.ref] = true
	}
	return vm.Ref(vm.NewGhost(vm.OID(x.ref), nil))
}

func (im *importer) values(xs []xval) []vm.Value {
	out := make([]vm.Value, len(xs))
	for i, x := range xs {
		out[i] = im.value(x)
	}
	return out
}

func kindNamed(name string) (vm.Kind, bool) {
	for k := vm.KPlain; int(k) < vm.NumKinds; k++ {
		if k.String() == name {
			return k, true
		}
	}
	return 0, false
}

func (im *importer) run() error {
	im.batch = im.db.NewBatch()
	defer func() {
		if im.batch != nil {
			im.batch.Close()
		}
	}()
	im.p.Start("import", int64(im.h.Maps+im.h.Objects), "records")
	defer im.p.Done()
	for i := 0; i < im.h.Maps; i++ {
		if err := im.mapRecord(); err != nil {
			return err
		}
	}
	for i := 0; i < im.h.Objects; i++ {
		if err := im.object(); err != nil {
			return err
		}
	}
	blobs := map[[32]byte]bool{}
	for i := 0; i < im.h.Blobs; i++ {
		h, err := im.blob()
		if err != nil {
			return err
		}
		blobs[h] = true
	}
	for h := range im.blobRefs {
		if !blobs[h] {
			return fmt.Errorf("an object refers to blob %x, which the export does not carry", h[:6])
		}
	}
	for id := range im.pending {
		if !im.objects[id] {
			return fmt.Errorf("a reference to object %d, which the export does not define", id)
		}
	}
	var xr exportRoots
	if err := im.decode("the roots", &xr); err != nil {
		return err
	}
	ids, err := im.roots(&xr)
	if err != nil {
		return err
	}
	var end exportTrailer
	if err := im.decode("the end marker", &end); err != nil {
		return err
	}
	if end.End != exportEnd || end.Records != im.h.Maps+im.h.Objects {
		return fmt.Errorf("bad end marker: the export is damaged")
	}
	rb, err := ids.encode()
	if err != nil {
		return err
	}
	next := max(im.h.NextOID, im.maxID+1)
	cb, err := msgpack.Marshal([]int64{1, time.Now().UnixNano(), int64(im.h.Maps + im.h.Objects)})
	if err != nil {
		return err
	}
	b := im.batch
	im.batch = nil
	b.Set(keyRoots, rb, nil)
	b.Set(keyNext, binary.AppendUvarint(nil, next), nil)
	b.Set(keyCommit, cb, nil)
	b.Set(keyFormat, binary.AppendUvarint(nil, FormatVersion), nil)
	return im.img.commitBatch(b, pebble.Sync)
}

func (im *importer) mapRecord() error {
	var xm exportMap
	if err := im.decode("a map", &xm); err != nil {
		return err
	}
	what := fmt.Sprintf("map %d", xm.ID)
	if err := im.newID(xm.ID, what); err != nil {
		return err
	}
	kind, ok := kindNamed(xm.Kind)
	if !ok {
		return fmt.Errorf("%s: unknown kind %q", what, xm.Kind)
	}
	if xm.Fields < 0 {
		return fmt.Errorf("%s: %d fields", what, xm.Fields)
	}
	slots := make([]vm.Slot, len(xm.Slots))
	for i, xs := range xm.Slots {
		s := vm.Slot{Name: xs.Name, Parent: xs.Parent, Category: xs.Category}
		switch xs.Kind {
		case "constant":
			s.Kind = vm.SlotConst
			if xs.Value == nil {
				return fmt.Errorf("%s: constant slot %q has no value", what, xs.Name)
			}
			s.Const = im.value(*xs.Value)
		case "assignable", "assignment":
			s.Kind = vm.SlotData
			if xs.Kind == "assignment" {
				s.Kind = vm.SlotSetter
			}
			if xs.Field < 0 || xs.Field >= xm.Fields {
				return fmt.Errorf("%s: slot %q has field %d of %d", what, xs.Name, xs.Field, xm.Fields)
			}
			s.Field = xs.Field
		default:
			return fmt.Errorf("%s: slot %q has unknown kind %q", what, xs.Name, xs.Kind)
		}
		slots[i] = s
	}
	m := vm.RestoreMap(kind, slots, xm.Annotation, xm.Fields, vm.OID(xm.ID))
	rec, err := im.enc.mapRecord(m)
	if err != nil {
		return fmt.Errorf("%s: %v", what, err)
	}
	im.maps[xm.ID] = mapInfo{kind, xm.Fields}
	return im.set(mapKey(vm.OID(xm.ID)), rec)
}

func (im *importer) object() error {
	var xo exportObject
	if err := im.decode("an object", &xo); err != nil {
		return err
	}
	what := fmt.Sprintf("object %d", xo.ID)
	if err := im.newID(xo.ID, what); err != nil {
		return err
	}
	mi, ok := im.maps[xo.Map]
	if !ok {
		return fmt.Errorf("%s: its map %d is not defined", what, xo.Map)
	}
	if len(xo.Fields) != mi.nfields {
		return fmt.Errorf("%s has %d fields, its map %d has %d", what, len(xo.Fields), xo.Map, mi.nfields)
	}
	im.objects[xo.ID] = true
	fields := im.values(xo.Fields)
	var payload any
	switch mi.kind {
	case vm.KString:
		payload = xo.String
	case vm.KFloat:
		var f float64
		if xo.Float != nil {
			f = *xo.Float
		}
		payload = f
	case vm.KBig:
		b, ok := new(big.Int).SetString(xo.BigInt, 10)
		if !ok {
			return fmt.Errorf("%s: bad big integer %q", what, xo.BigInt)
		}
		payload = b
	case vm.KVector:
		payload = im.values(xo.Vector)
	case vm.KBytes:
		payload = append([]byte{}, xo.Bytes...)
	case vm.KBlob:
		if xo.Blob == nil || len(xo.Blob.Hash) != 32 {
			return fmt.Errorf("%s: a blob object without its hash", what)
		}
		var ref vm.BlobRef
		copy(ref.Hash[:], xo.Blob.Hash)
		ref.Size = xo.Blob.Size
		if im.blobRefs == nil {
			im.blobRefs = map[[32]byte]bool{}
		}
		im.blobRefs[ref.Hash] = true
		payload = ref
	case vm.KMethod:
		if xo.Method == nil {
			return fmt.Errorf("%s: a method without source", what)
		}
		xm := xo.Method
		m, err := vm.MethodFromRecord(xm.Selector, xm.File, xm.Source, xm.Text, lang.Pos{Line: xm.Line, Col: xm.Col, Offset: xm.Offset})
		if err != nil {
			return fmt.Errorf("%s: method source: %v", what, err)
		}
		if m.Sel != xo.Method.Selector {
			return fmt.Errorf("%s: method source defines %q, the export says %q", what, m.Sel, xo.Method.Selector)
		}
		if xm.Provenance != 0 {
			m.Prov = im.value(xval{ref: xm.Provenance}).Obj()
		}
		payload = m
	}
	rec, err := im.enc.objectParts(vm.OID(xo.Map), fields, payload)
	if err != nil {
		return fmt.Errorf("%s: %v", what, err)
	}
	return im.set(objKey(vm.OID(xo.ID)), rec)
}

// roots checks the roots and lays them out as the roots record.
func (im *importer) roots(xr *exportRoots) (rootIDs, error) {
	ids := rootIDs{Lobby: vm.OID(xr.Lobby), Nil: vm.OID(xr.Nil), True: vm.OID(xr.True), False: vm.OID(xr.False),
		Traits: vm.OID(xr.Traits), PlainEmpty: vm.OID(xr.PlainEmpty)}
	for _, set := range []struct {
		names kindIDs
		into  *[vm.NumKinds]vm.OID
	}{{xr.KindTraits, &ids.KindTraits}, {xr.KindMaps, &ids.KindMaps}} {
		for name, id := range set.names {
			kd, ok := kindNamed(name)
			if !ok {
				return ids, fmt.Errorf("roots: unknown kind %q", name)
			}
			set.into[kd] = vm.OID(id)
		}
	}
	if err := ids.required(); err != nil {
		return ids, fmt.Errorf("roots: %v", err)
	}
	for _, id := range ids.maps() {
		if !im.hasMap(uint64(id)) {
			return ids, fmt.Errorf("roots: map %d is not defined", id)
		}
	}
	for _, id := range ids.objects() {
		if !im.objects[uint64(id)] {
			return ids, fmt.Errorf("roots: object %d is not defined", id)
		}
	}
	return ids, nil
}

func (im *importer) hasMap(id uint64) bool {
	_, ok := im.maps[id]
	return ok
}

// blob reads one blob of the export and its chunks, verifying every hash.
func (im *importer) blob() ([32]byte, error) {
	var xb exportBlob
	var h [32]byte
	if err := im.decode("a blob", &xb); err != nil {
		return h, err
	}
	if len(xb.Blob) != 32 || xb.Chunks < 0 {
		return h, fmt.Errorf("bad blob entry")
	}
	copy(h[:], xb.Blob)
	whole := sha256.New()
	var size int64
	chunks := make([][]byte, 0, min(xb.Chunks, 1024)) // the count is the file's word: not an allocation's
	for i := 0; i < xb.Chunks; i++ {
		var xc exportChunk
		if err := im.decode("a blob chunk", &xc); err != nil {
			return h, err
		}
		ch := sha256.Sum256(xc.Chunk)
		whole.Write(xc.Chunk)
		size += int64(len(xc.Chunk))
		chunks = append(chunks, ch[:])
		if err := im.set(chunkKey(ch), xc.Chunk); err != nil {
			return h, err
		}
	}
	if size != xb.Size || !bytes.Equal(whole.Sum(nil), h[:]) {
		return h, fmt.Errorf("blob %x: its data does not match its hash: the export is damaged", h[:6])
	}
	meta, err := msgpack.Marshal([]any{size, chunks})
	if err != nil {
		return h, err
	}
	return h, im.set(blobKey(h), meta)
}
