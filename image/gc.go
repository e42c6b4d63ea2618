package image

import (
	"context"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
	"github.com/vmihailenco/msgpack/v5"

	"batos/vm"
)

// GCStats reports a collection.
type GCStats struct {
	Objects, Maps         int   // records before the collection
	DeadObjects, DeadMaps int   // unreachable records (removed unless a dry run)
	DeadBlobs, DeadChunks int   // unreferenced blobs and blob chunks
	DeadBytes             int64 // their size, keys included
}

// GC removes the object and map records that cannot be reached from the
// roots: it marks from the roots record through object fields, vector
// payloads, object maps and map constants, then deletes every record left
// unmarked in one synced batch. With dryRun it only counts them.
//
// GC needs the image to itself: it refuses once a world runs on it
// (Thread was called), since objects in memory may refer to records that
// are garbage on disk. The CLI opens the image just for the collection,
// and Pebble's lock keeps other processes out. A damaged image (a record
// that does not decode, a reference to a missing record) is left alone.
func (img *Image) GC(dryRun bool, p *Progress) (GCStats, error) {
	var st GCStats
	if img.vm != nil {
		return st, fmt.Errorf("gc needs the image to itself, and a world is running on it")
	}
	if !img.hasRoot {
		return st, nil
	}
	snap := img.db.NewSnapshot()
	defer snap.Close()
	recs, err := scanHeap(snap)
	if err != nil {
		return st, err
	}
	st.Objects, st.Maps = len(recs.objects), len(recs.maps)
	blobs := map[[32]byte]bool{}
	if err := mark(snap, recs, blobs, p); err != nil {
		return st, fmt.Errorf("gc: %w (the image is damaged: see batos image check; nothing was removed)", err)
	}
	dead := recs.dead(&st)
	deadBlobs, err := deadBlobs(snap, blobs, &st)
	if err != nil {
		return st, fmt.Errorf("gc: %w (nothing was removed)", err)
	}
	dead = append(dead, deadBlobs...)
	if dryRun || len(dead) == 0 {
		return st, nil
	}
	if err := img.sweep(dead, p); err != nil {
		return st, err
	}
	// reclaim the space now rather than at some later compaction
	if err := img.db.Compact(context.Background(), []byte{prefixBlob}, []byte{prefixObject + 1}, false); err != nil {
		return st, fmt.Errorf("gc: records removed, but compacting failed: %w", err)
	}
	return st, nil
}

// heapRecords lists the object and map records of an image: for each
// OID, whether it is marked live (mark sets it) and the record's size.
type heapRecords struct {
	objects, maps map[vm.OID]bool
	sizes         map[vm.OID]int64
}

// scanHeap lists the object and map records of r.
func scanHeap(r pebble.Reader) (*heapRecords, error) {
	h := &heapRecords{objects: map[vm.OID]bool{}, maps: map[vm.OID]bool{}, sizes: map[vm.OID]int64{}}
	it, err := r.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixMap}, UpperBound: []byte{prefixObject + 1}})
	if err != nil {
		return nil, err
	}
	for ok := it.First(); ok; ok = it.Next() {
		k := parseKey(it.Key())
		switch k.kind {
		case recObject:
			h.objects[k.oid] = false
		case recMap:
			h.maps[k.oid] = false
		default:
			continue
		}
		h.sizes[k.oid] = int64(len(it.Key()) + len(it.Value()))
	}
	return h, it.Close()
}

// dead returns the keys of the unmarked records, counting them in st.
func (h *heapRecords) dead(st *GCStats) [][]byte {
	var dead [][]byte
	for oid, live := range h.objects {
		if !live {
			st.DeadObjects++
			st.DeadBytes += h.sizes[oid]
			dead = append(dead, objKey(oid))
		}
	}
	for oid, live := range h.maps {
		if !live {
			st.DeadMaps++
			st.DeadBytes += h.sizes[oid]
			dead = append(dead, mapKey(oid))
		}
	}
	return dead
}

// sweep deletes the keys in one synced batch and forgets their records.
func (img *Image) sweep(dead [][]byte, p *Progress) error {
	p.Start("gc: sweeping", int64(len(dead)), "records")
	defer p.Done()
	b := img.db.NewBatch()
	for _, k := range dead {
		if err := b.Delete(k, nil); err != nil {
			b.Close()
			return err
		}
		p.Add(1)
	}
	if err := img.commitBatch(b, pebble.Sync); err != nil {
		return err
	}
	for _, k := range dead {
		if pk := parseKey(k); pk.kind == recObject || pk.kind == recMap {
			img.ids.forget(pk.oid)
			delete(img.maps, pk.oid)
		}
	}
	return nil
}

// mark marks in h every record reachable from the roots, and in blobs
// every blob a live object refers to. A reference to a missing record is
// an error.
func mark(snap pebble.Reader, h *heapRecords, blobs map[[32]byte]bool, p *Progress) error {
	p.Start("gc: marking", int64(len(h.objects)+len(h.maps)), "records")
	defer p.Done()
	roots, err := readRoots(snap)
	if err != nil {
		return err
	}
	var objWork, mapWork []vm.OID
	markIn := func(set map[vm.OID]bool, work *[]vm.OID, what string, oid vm.OID) error {
		live, ok := set[oid]
		if !ok {
			return fmt.Errorf("missing %s %d", what, oid)
		}
		if !live {
			set[oid] = true
			*work = append(*work, oid)
		}
		return nil
	}
	markObj := func(oid vm.OID) error { return markIn(h.objects, &objWork, "object", oid) }
	markMap := func(oid vm.OID) error { return markIn(h.maps, &mapWork, "map", oid) }
	for _, oid := range roots.objects() {
		if err := markObj(oid); err != nil {
			return fmt.Errorf("roots refer to a %v", err)
		}
	}
	for _, oid := range roots.maps() {
		if err := markMap(oid); err != nil {
			return fmt.Errorf("roots refer to a %v", err)
		}
	}
	w := newRefWalker(func(k []byte) ([]byte, bool, error) { return get(snap, k) })
	examined := int64(0)
	for len(objWork) > 0 || len(mapWork) > 0 {
		examined++
		var what string
		var refs []vm.OID
		if n := len(mapWork); n > 0 {
			moid := mapWork[n-1]
			mapWork = mapWork[:n-1]
			what = fmt.Sprintf("map %d", moid)
			if refs, err = markMapRecord(snap, w, moid); err != nil {
				return err
			}
		} else {
			oid := objWork[len(objWork)-1]
			objWork = objWork[:len(objWork)-1]
			what = fmt.Sprintf("object %d", oid)
			r, err := readObjectRefs(snap, w, oid)
			if err != nil {
				return err
			}
			if r.blob != nil {
				blobs[r.blob.Hash] = true
			}
			if err := markMap(r.mapOID); err != nil {
				return fmt.Errorf("%s refers to a %v", what, err)
			}
			refs = r.objs
		}
		for _, r := range refs {
			if err := markObj(r); err != nil {
				return fmt.Errorf("%s refers to a %v", what, err)
			}
		}
		p.Add(1)
	}
	p.Add(int64(len(h.objects)+len(h.maps)) - examined) // the rest are garbage
	return nil
}

// markMapRecord reads map moid and returns the objects it refers to.
func markMapRecord(r pebble.Reader, w *refWalker, moid vm.OID) ([]vm.OID, error) {
	b, ok, err := get(r, mapKey(moid))
	if err != nil || !ok {
		return nil, fmt.Errorf("map %d: cannot read it (%v)", moid, err)
	}
	refs, err := w.mapRefs(moid, b)
	if err != nil {
		return nil, fmt.Errorf("map %d: %v", moid, err)
	}
	return refs, nil
}

// readObjectRefs reads object oid and returns its references.
func readObjectRefs(r pebble.Reader, w *refWalker, oid vm.OID) (objectRefs, error) {
	b, ok, err := get(r, objKey(oid))
	if err != nil || !ok {
		return objectRefs{}, fmt.Errorf("object %d: cannot read it (%v)", oid, err)
	}
	refs, err := w.objectRefs(b)
	if err != nil {
		return objectRefs{}, fmt.Errorf("object %d: %v", oid, err)
	}
	return refs, nil
}

// deadBlobs returns the keys of blob records no live blob object refers
// to, and of chunks no live blob lists. A live blob whose record is
// missing is an error.
func deadBlobs(snap pebble.Reader, live map[[32]byte]bool, st *GCStats) ([][]byte, error) {
	chunks := map[[32]byte]bool{}
	for h := range live {
		b, ok, err := get(snap, blobKey(h))
		if err != nil || !ok {
			return nil, fmt.Errorf("blob %x is referenced but missing (%v)", h[:6], err)
		}
		var rec []any
		if err := msgpack.Unmarshal(b, &rec); err != nil || len(rec) != 2 {
			return nil, fmt.Errorf("blob %x: bad record", h[:6])
		}
		list, _ := rec[1].([]any)
		for _, c := range list {
			if cb, ok := c.([]byte); ok && len(cb) == 32 {
				var k [32]byte
				copy(k[:], cb)
				chunks[k] = true
			}
		}
	}
	var dead [][]byte
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixBlob}, UpperBound: []byte{prefixChunk + 1}})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		pk := parseKey(k)
		switch {
		case pk.kind == recBlob && !live[pk.hash]:
			st.DeadBlobs++
		case pk.kind == recChunk && !chunks[pk.hash]:
			st.DeadChunks++
		default:
			continue
		}
		st.DeadBytes += int64(len(k) + len(it.Value()))
		dead = append(dead, append([]byte(nil), k...))
	}
	return dead, nil
}
