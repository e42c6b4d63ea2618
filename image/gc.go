package image

import (
	"context"
	"encoding/binary"
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
	sizes := map[vm.OID]int64{} // every record: its size
	objects := map[vm.OID]bool{}
	maps := map[vm.OID]bool{}
	it, err := snap.NewIter(nil)
	if err != nil {
		return st, err
	}
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) != 9 || (k[0] != 'o' && k[0] != 'm') {
			continue
		}
		oid := vm.OID(binary.BigEndian.Uint64(k[1:]))
		sizes[oid] = int64(len(k) + len(it.Value()))
		if k[0] == 'o' {
			objects[oid] = false
		} else {
			maps[oid] = false
		}
	}
	if err := it.Close(); err != nil {
		return st, err
	}
	st.Objects, st.Maps = len(objects), len(maps)

	blobs := map[[32]byte]bool{}
	if err := img.mark(snap, objects, maps, blobs, p); err != nil {
		return st, fmt.Errorf("gc: %w (the image is damaged: see batos image check; nothing was removed)", err)
	}
	var dead [][]byte
	for oid, live := range objects {
		if !live {
			st.DeadObjects++
			st.DeadBytes += sizes[oid]
			dead = append(dead, objKey(oid))
		}
	}
	for oid, live := range maps {
		if !live {
			st.DeadMaps++
			st.DeadBytes += sizes[oid]
			dead = append(dead, mapKey(oid))
		}
	}
	deadBlobs, err := img.deadBlobs(snap, blobs, &st)
	if err != nil {
		return st, fmt.Errorf("gc: %w (nothing was removed)", err)
	}
	dead = append(dead, deadBlobs...)
	if dryRun || len(dead) == 0 {
		return st, nil
	}
	p.Start("gc: sweeping", int64(len(dead)), "records")
	defer p.Done()
	b := img.db.NewBatch()
	for _, k := range dead {
		if err := b.Delete(k, nil); err != nil {
			b.Close()
			return st, err
		}
		p.Add(1)
	}
	if err := img.commitBatch(b, pebble.Sync); err != nil {
		return st, err
	}
	for _, k := range dead {
		oid := vm.OID(binary.BigEndian.Uint64(k[1:]))
		delete(img.objs, oid)
		delete(img.maps, oid)
	}
	// reclaim the space now rather than at some later compaction
	if err := img.db.Compact(context.Background(), []byte{'B'}, []byte{'p'}, false); err != nil {
		return st, fmt.Errorf("gc: records removed, but compacting failed: %w", err)
	}
	return st, nil
}

// mark sets objects[oid] and maps[oid] for every record reachable from
// the roots. A reference to a missing record is an error.
func (img *Image) mark(snap *pebble.Snapshot, objects, maps map[vm.OID]bool, blobs map[[32]byte]bool, p *Progress) error {
	p.Start("gc: marking", int64(len(objects)+len(maps)), "records")
	defer p.Done()
	rb, ok, err := snapGet(snap, keyRoots)
	if err != nil || !ok {
		return fmt.Errorf("the roots are missing (%v)", err)
	}
	var ids []uint64
	if err := decodeRoots(rb, &ids); err != nil {
		return fmt.Errorf("roots: %v", err)
	}
	k := vm.NumKinds
	if len(ids) != 5+2*k+1 {
		return fmt.Errorf("bad roots record")
	}
	var objWork, mapWork []vm.OID
	markObj := func(oid vm.OID) error {
		live, ok := objects[oid]
		if !ok {
			return fmt.Errorf("missing object %d", oid)
		}
		if !live {
			objects[oid] = true
			objWork = append(objWork, oid)
		}
		return nil
	}
	markMap := func(oid vm.OID) error {
		live, ok := maps[oid]
		if !ok {
			return fmt.Errorf("missing map %d", oid)
		}
		if !live {
			maps[oid] = true
			mapWork = append(mapWork, oid)
		}
		return nil
	}
	for i, id := range ids {
		if id == 0 {
			continue
		}
		var err error
		if i >= 5+k {
			err = markMap(vm.OID(id))
		} else {
			err = markObj(vm.OID(id))
		}
		if err != nil {
			return fmt.Errorf("roots refer to a %v", err)
		}
	}

	var refs []vm.OID
	d := newDecoder(func(oid vm.OID) *vm.Object {
		refs = append(refs, oid)
		return vm.NewGhost(oid, nil)
	})
	kinds := map[vm.OID]vm.Kind{}
	mapRecord := func(moid vm.OID) (*vm.Map, error) {
		b, ok, err := snapGet(snap, mapKey(moid))
		if err != nil || !ok {
			return nil, fmt.Errorf("map %d: cannot read it (%v)", moid, err)
		}
		m, err := d.mapRecord(b, moid)
		if err != nil {
			return nil, fmt.Errorf("map %d: %v", moid, err)
		}
		kinds[moid] = m.Kind()
		return m, nil
	}
	kindOf := func(moid vm.OID) (vm.Kind, error) {
		if kd, ok := kinds[moid]; ok {
			return kd, nil
		}
		if _, ok := maps[moid]; !ok {
			return 0, fmt.Errorf("missing map %d", moid)
		}
		// a separate decoder: d is in the middle of the object record
		b, ok, err := snapGet(snap, mapKey(moid))
		if err != nil || !ok {
			return 0, fmt.Errorf("map %d: cannot read it (%v)", moid, err)
		}
		m, err := newDecoder(func(oid vm.OID) *vm.Object { return vm.NewGhost(oid, nil) }).mapRecord(b, moid)
		if err != nil {
			return 0, fmt.Errorf("map %d: %v", moid, err)
		}
		kinds[moid] = m.Kind()
		return m.Kind(), nil
	}
	examined := int64(0)
	for len(objWork) > 0 || len(mapWork) > 0 {
		examined++
		refs = refs[:0]
		var what string
		if n := len(mapWork); n > 0 {
			moid := mapWork[n-1]
			mapWork = mapWork[:n-1]
			if _, err := mapRecord(moid); err != nil {
				return err
			}
			what = fmt.Sprintf("map %d", moid)
		} else {
			oid := objWork[len(objWork)-1]
			objWork = objWork[:len(objWork)-1]
			b, ok, err := snapGet(snap, objKey(oid))
			if err != nil || !ok {
				return fmt.Errorf("object %d: cannot read it (%v)", oid, err)
			}
			moid, _, payload, err := d.object(b, kindOf)
			if err != nil {
				return fmt.Errorf("object %d: %v", oid, err)
			}
			if ref, ok := payload.(vm.BlobRef); ok {
				blobs[ref.Hash] = true
			}
			if err := markMap(moid); err != nil {
				return fmt.Errorf("object %d refers to a %v", oid, err)
			}
			what = fmt.Sprintf("object %d", oid)
		}
		for _, r := range refs {
			if err := markObj(r); err != nil {
				return fmt.Errorf("%s refers to a %v", what, err)
			}
		}
		p.Add(1)
	}
	p.Add(int64(len(objects)+len(maps)) - examined) // the rest are garbage
	return nil
}

func snapGet(snap *pebble.Snapshot, key []byte) ([]byte, bool, error) {
	v, closer, err := snap.Get(key)
	if err == pebble.ErrNotFound {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	out := append([]byte(nil), v...)
	closer.Close()
	return out, true, nil
}

// deadBlobs returns the keys of blob records no live blob object refers
// to, and of chunks no live blob lists. A live blob whose record is
// missing is an error.
func (img *Image) deadBlobs(snap *pebble.Snapshot, live map[[32]byte]bool, st *GCStats) ([][]byte, error) {
	chunks := map[[32]byte]bool{}
	for h := range live {
		b, ok, err := snapGet(snap, blobKey(h))
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
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: []byte{'B'}, UpperBound: []byte{'d'}})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) != 33 || (k[0] != 'B' && k[0] != 'c') {
			continue
		}
		var h [32]byte
		copy(h[:], k[1:])
		switch {
		case k[0] == 'B' && !live[h]:
			st.DeadBlobs++
		case k[0] == 'c' && !chunks[h]:
			st.DeadChunks++
		default:
			continue
		}
		st.DeadBytes += int64(len(k) + len(it.Value()))
		dead = append(dead, append([]byte(nil), k...))
	}
	return dead, nil
}
