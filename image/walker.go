package image

import (
	"fmt"

	"batos/vm"
)

// The reference walker: what a stored record refers to. gc's mark, Check
// and the invariants build (invariants.go) read references through it,
// so "what is a reference" is written once: an object refers to its map,
// to the objects in its fields and its payload (vector elements, a
// method's provenance) and to its blob; a map refers to the objects in
// its constant slots.

// mapInfo is what decoding an object needs from its map.
type mapInfo struct {
	kind    vm.Kind
	nfields int
}

// refWalker decodes records read through lookup (a snapshot, the
// database, or a batch over the image) and reports their references.
type refWalker struct {
	lookup func(key []byte) ([]byte, bool, error)
	maps   map[vm.OID]mapInfo // maps decoded so far
	refs   []vm.OID           // the references of the record being decoded
	d, md  *decoder           // records; maps looked up in the middle of a record
}

func newRefWalker(lookup func(key []byte) ([]byte, bool, error)) *refWalker {
	w := &refWalker{lookup: lookup, maps: map[vm.OID]mapInfo{}}
	w.d = newDecoder(func(oid vm.OID) *vm.Object {
		w.refs = append(w.refs, oid)
		return vm.NewGhost(oid, nil)
	})
	w.md = newDecoder(func(oid vm.OID) *vm.Object { return vm.NewGhost(oid, nil) })
	return w
}

// mapInfo returns the kind and field count of map moid, reading its
// record if needed.
func (w *refWalker) mapInfo(moid vm.OID) (mapInfo, error) {
	if mi, ok := w.maps[moid]; ok {
		return mi, nil
	}
	b, ok, err := w.lookup(mapKey(moid))
	if err != nil {
		return mapInfo{}, fmt.Errorf("map %d: cannot read it (%v)", moid, err)
	}
	if !ok {
		return mapInfo{}, fmt.Errorf("missing map %d", moid)
	}
	m, err := w.md.mapRecord(b, moid)
	if err != nil {
		return mapInfo{}, fmt.Errorf("map %d: %v", moid, err)
	}
	mi := mapInfo{m.Kind(), m.NumFields()}
	w.maps[moid] = mi
	return mi, nil
}

// mapRefs decodes map record rec of moid and returns the objects its
// constants refer to (valid until the next call).
func (w *refWalker) mapRefs(moid vm.OID, rec []byte) ([]vm.OID, error) {
	w.refs = w.refs[:0]
	m, err := w.d.mapRecord(rec, moid)
	if err != nil {
		return nil, err
	}
	w.maps[moid] = mapInfo{m.Kind(), m.NumFields()}
	return w.refs, nil
}

// objectRefs is what an object record refers to.
type objectRefs struct {
	mapOID vm.OID
	fields int         // how many fields the record holds
	want   int         // how many its map says
	objs   []vm.OID    // objects in fields and payload (valid until the next call)
	blob   *vm.BlobRef // the blob of a blob object
}

// objectRefs decodes object record rec and returns its references.
func (w *refWalker) objectRefs(rec []byte) (objectRefs, error) {
	w.refs = w.refs[:0]
	var mi mapInfo
	moid, fields, payload, err := w.d.object(rec, func(moid vm.OID) (vm.Kind, error) {
		var err error
		mi, err = w.mapInfo(moid)
		return mi.kind, err
	})
	if err != nil {
		return objectRefs{}, err
	}
	r := objectRefs{mapOID: moid, fields: len(fields), want: mi.nfields, objs: w.refs}
	if ref, ok := payload.(vm.BlobRef); ok {
		r.blob = &ref
	}
	return r, nil
}
