package image

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/vmihailenco/msgpack/v5"

	"batos/vm"
)

// Commit implements vm.Heap: it writes the transaction as one synced
// batch. A transaction that changed no stored object writes nothing.
func (img *Image) Commit(v *vm.VM) error {
	img.vm = v
	t := img.newTxn(v)
	defer t.close()
	if !img.hasRoot {
		t.roots()
	}
	t.collect()
	if len(t.work) == 0 && t.written == 0 && len(t.newMaps) == 0 {
		img.undo.Clear()
		return nil
	}
	if img.failed != nil {
		t.fail(img.failed)
	} else if img.readOnly != nil {
		t.fail(img.readOnly)
	}
	t.encode()
	if t.err == nil {
		t.fail(img.writeMeta(t.batch, v, t.written))
	}
	if t.err == nil {
		img.checkBatch(t.batch) // invariants.go; a no-op without -tags invariants
		sync := pebble.Sync
		if img.opts.NoSync {
			sync = pebble.NoSync
		}
		b := t.batch
		t.batch = nil
		if t.written > 1000 {
			img.recBytes = float64(b.Len()) / float64(t.written)
		}
		t.fail(img.commitBatch(b, sync))
	}
	if t.err != nil {
		t.rollback()
		return t.err
	}
	t.publish()
	img.undo.Clear()
	img.evict(v)
	return nil
}

// txn is a commit in the making: the batch, the objects left to encode,
// and the objects and maps it stores for the first time.
type txn struct {
	img     *Image
	v       *vm.VM
	batch   *pebble.Batch
	work    []*vm.Object
	newObjs []*vm.Object
	newMaps []*vm.Map
	written int
	err     error // the first error
}

// newTxn starts a commit: the encoders report every reference to it, so
// that objects and maps reachable for the first time are stored too
// (persistence by reachability).
func (img *Image) newTxn(v *vm.VM) *txn {
	t := &txn{img: img, v: v}
	if n := img.undo.Len(); n > 1000 && (encoders(n) == 1 || img.batchSize(n) <= reprMin) {
		// sized for n records, so the batch does not grow by copying itself
		// over and over
		t.batch = img.db.NewBatchWithSize(img.batchSize(n))
	} else {
		t.batch = img.db.NewBatch()
	}
	img.enc.refObj, img.enc.refMap = t.refObj, t.refMap
	img.menc.refObj, img.menc.refMap = t.refObj, t.refMap
	return t
}

// collect takes the changed stored objects from the undo log: a large
// commit encodes them on several goroutines straight from the log
// (encode_parallel.go), leaving in the work list what it cannot; otherwise
// they are the work list.
func (t *txn) collect() {
	if !t.encodeParallel() {
		t.work = t.img.undo.AppendObjects(t.work, stored)
	}
}

// stored reports whether o is in the image (its changes are written).
func stored(o *vm.Object) bool { return o.Flags()&flagStored != 0 }

// batchSize is the room to make for n object records: what a record took
// in the last large commit (32 bytes before the first; a small object's
// record is about 22), with a quarter more, at most 64 MiB. Too much costs
// zeroing memory the batch never uses (48 bytes a record, as it was, made
// 100,000 points' batch 4.8 MB for 2.2); too little, a copy as the batch
// grows.
func (img *Image) batchSize(n int) int {
	per := img.recBytes
	if per == 0 {
		per = 32
	}
	return min(int(float64(n)*per*1.25)+4096, 64<<20)
}

func (t *txn) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}

func (t *txn) close() {
	if t.batch != nil {
		t.batch.Close()
	}
}

// refObj schedules an object stored for the first time.
func (t *txn) refObj(o *vm.Object) vm.OID {
	if o.Flags()&flagStored == 0 {
		o.SetFlags(o.Flags() | flagStored)
		t.newObjs = append(t.newObjs, o)
		t.work = append(t.work, o)
	}
	return o.OID()
}

// refMap writes a map stored for the first time (maps never change).
func (t *txn) refMap(m *vm.Map) vm.OID {
	if m.OID() != 0 {
		return m.OID()
	}
	t.fail(storableMap(m))
	m.SetOID(t.img.NextOID())
	t.newMaps = append(t.newMaps, m)
	rec, err := t.img.menc.mapRecord(m)
	t.fail(err)
	t.batch.Set(mapKey(m.OID()), rec, nil)
	return m.OID()
}

// roots stores the roots of a new world.
func (t *txn) roots() {
	r := t.v.Roots()
	for _, o := range []*vm.Object{r.Lobby, r.Nil, r.True, r.False, r.Traits} {
		t.refObj(o)
	}
	for i := range r.KindTraits {
		if r.KindTraits[i] != nil {
			t.refObj(r.KindTraits[i])
		}
		if r.KindMaps[i] != nil {
			t.refMap(r.KindMaps[i])
		}
	}
	t.refMap(r.PlainEmpty)
}

// encode writes the record of every object left in the work list (which
// grows as encoding finds objects stored for the first time).
func (t *txn) encode() {
	var key [9]byte
	key[0] = prefixObject
	// In order: the work list is the order the transaction touched the
	// objects (often ascending OIDs), and the objects encoding finds stored
	// for the first time follow in the order they got their OIDs. Pebble's
	// memtable inserter finds the place of a key just after the last one
	// at once, so ascending keys apply fastest (this loop used to take the
	// list from its end: descending).
	for i := 0; i < len(t.work) && t.err == nil; i++ {
		o := t.work[i]
		if o.IsGhost() {
			continue // never loaded, so unchanged
		}
		rec, ok := appendPlain(t.img.enc.out[:0], o) // the common case, in one pass
		if ok {
			t.img.enc.out = rec
		} else {
			if err := storable(t.v, o); err != nil {
				t.fail(err)
				return
			}
			var err error
			if rec, err = t.img.enc.object(o); err != nil {
				t.fail(fmt.Errorf("object %d: %w", o.OID(), err))
				return
			}
		}
		binary.BigEndian.PutUint64(key[1:], uint64(o.OID()))
		t.batch.Set(key[:], rec, nil) // Set copies key and record
		t.written++
	}
	t.work = t.work[:0]
}

// rollback forgets the identities the failed commit gave out.
func (t *txn) rollback() {
	for _, o := range t.newObjs {
		o.SetFlags(o.Flags() &^ flagStored)
	}
	for _, m := range t.newMaps {
		m.SetOID(0)
	}
}

// publish records what the commit stored.
func (t *txn) publish() {
	img := t.img
	img.seq++
	img.hasRoot = true
	for _, o := range t.newObjs {
		img.ids.hold(o)
		img.loaded = append(img.loaded, o)
	}
	for _, m := range t.newMaps {
		img.maps[m.OID()] = m
	}
}

// commitBatch commits b and closes it. Pebble reports a failed log write
// or sync through Logger.Fatalf (quietLogger panics) after applying the
// batch to its memtable, where reads in this process would see it, and
// its commit pipeline is unusable afterwards; so the first failure is
// returned as the commit's error and the image then refuses writes and
// loads until it is reopened (faults_test.go). The commit runs on its own
// goroutine so that one stalled on a full disk can be abandoned (disk.go).
func (img *Image) commitBatch(b *pebble.Batch, opts *pebble.WriteOptions) error {
	if err := img.watch.stopped(); err != nil && img.failed == nil {
		if isNoSpace(err) {
			err = diskFullError(img.opts.Dir, "the image takes no more commits", err)
		}
		img.failed = fmt.Errorf("the image cannot be used after Pebble stopped (%w): reopen it", err)
	}
	if err := img.watch.reserve.spent(); err != nil && img.failed == nil {
		img.failed = diskFullError(img.opts.Dir, "the image takes no more commits: its log met a full disk and took the room of the image's reserve; free some space and reopen it", err)
	}
	if img.failed != nil || img.readOnly != nil {
		b.Close()
		if img.failed != nil {
			return img.failed
		}
		return img.readOnly
	}
	c := &commitWait{done: make(chan error, 1)}
	go func() {
		err := commitBatch(b, opts)
		b.Close()
		c.done <- err
	}()
	var err error
	for waiting := true; waiting; {
		select {
		case err = <-c.done:
			waiting = false
		case <-img.watch.wake:
			if img.watch.stuck() {
				img.watch.poisoned.Store(true)
				img.abandoned = c
				cause := img.watch.full()
				if cause == nil {
					cause = img.watch.stopped()
				}
				err = diskFullError(img.opts.Dir, "the transaction was not committed", cause)
				if !isNoSpace(cause) {
					err = fmt.Errorf("image %s: the transaction was not committed: %w", img.opts.Dir, cause)
				}
				waiting = false
			}
		}
	}
	img.dropReadAhead()
	if err == nil {
		img.wrote = true
	}
	if err != nil {
		if isNoSpace(err) {
			if _, ok := err.(*diskError); !ok {
				err = diskFullError(img.opts.Dir, "the transaction was not committed", err)
			}
		}
		img.failed = fmt.Errorf("the image cannot be used after a failed commit (%w): reopen it", err)
	}
	return err
}

// commitBatch commits b, turning Pebble's fatal commit error (a panic from
// quietLogger.Fatalf) into an error.
func commitBatch(b *pebble.Batch, opts *pebble.WriteOptions) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = fmt.Errorf("%v", r)
			}
		}
	}()
	return b.Commit(opts)
}

// writeMeta adds the meta records to a commit's batch: the roots and
// the format (a new world's first commit), the OID counter and the commit
// record.
func (img *Image) writeMeta(b *pebble.Batch, v *vm.VM, written int) error {
	if !img.hasRoot {
		ids := rootsOf(v.Roots())
		rb, err := ids.encode()
		if err != nil {
			return err
		}
		b.Set(keyRoots, rb, nil)
		b.Set(keyFormat, binary.AppendUvarint(nil, FormatVersion), nil)
	}
	b.Set(keyNext, binary.AppendUvarint(nil, uint64(img.next)), nil)
	cb, err := msgpack.Marshal([]int64{int64(img.seq + 1), time.Now().UnixNano(), int64(written)})
	if err != nil {
		return err
	}
	b.Set(keyCommit, cb, nil)
	return nil
}

// storable checks that o holds nothing that cannot be stored, naming the
// slot that does.
func storable(v *vm.VM, o *vm.Object) error {
	i, element, why := unstorable(o)
	switch {
	case why == "":
		return nil
	case element:
		return fmt.Errorf("cannot store element %d of %s: it holds %s", i, v.Describe(vm.Ref(o)), why)
	}
	name := fmt.Sprint("field ", i)
	for _, s := range o.Map().Slots() {
		if s.Kind == vm.SlotData && s.Field == i {
			name = s.Name
		}
	}
	return fmt.Errorf("cannot store slot '%s' of %s: it holds %s", name, v.Describe(vm.Ref(o)), why)
}

// unstorable finds the first field of o, or element of its payload, that
// cannot be stored, and why; why is "" when everything can be.
func unstorable(o *vm.Object) (i int, element bool, why string) {
	for i, f := range o.Fields() {
		if why := vm.Persistable(f); why != "" {
			return i, false, why
		}
	}
	if vs, ok := o.Payload().([]vm.Value); ok {
		for i, e := range vs {
			if why := vm.Persistable(e); why != "" {
				return i, true, why
			}
		}
	}
	return 0, false, ""
}

// storableMap checks a map's constants when the map is first stored (maps
// never change afterwards).
func storableMap(m *vm.Map) error {
	for _, s := range m.Slots() {
		if s.Kind != vm.SlotConst {
			continue
		}
		if why := vm.Persistable(s.Const); why != "" {
			return fmt.Errorf("cannot store constant slot '%s': it holds %s", s.Name, why)
		}
	}
	return nil
}
