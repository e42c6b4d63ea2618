package image

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"
	"weak"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/vmihailenco/msgpack/v5"

	"batos/vm"
)

// flagStored marks an object that has a record in the image.
const flagStored uint32 = 1

// DefaultCacheObjects is the default bound on objects kept in memory.
const DefaultCacheObjects = 100_000

// Options configure an image.
type Options struct {
	Dir          string
	CacheObjects int    // loaded objects kept beyond a commit; 0 means DefaultCacheObjects
	FS           vfs.FS // nil means the real file system (tests use vfs.NewMem)
	NoSync       bool   // commit without fsync (benchmarks of the sync cost only)
	MemTableSize uint64 // Pebble's memtable size; 0 means Pebble's default (tests use a small one)
	// Listener, if set, also receives Pebble's events (tests use it to
	// tell flushes from compactions).
	Listener *pebble.EventListener
}

// Image is a batos world stored in Pebble. It is the VM's Heap and the
// loader of its ghosts. An Image serves one VM.
type Image struct {
	db        *pebble.DB
	opts      Options
	vm        *vm.VM
	undo      vm.UndoLog
	next      vm.OID
	objs      map[vm.OID]weak.Pointer[vm.Object]
	maps      map[vm.OID]*vm.Map
	loaded    []*vm.Object // objects with contents in memory, oldest first
	seq       uint64       // commits so far
	hasRoot   bool
	enc       *encoder // objects
	menc      *encoder // maps
	dec       *decoder
	roots     *vm.Roots
	failed    error       // set by a failed batch commit: no more writes or loads
	release   func()      // releases the image's lock (lock.go)
	watch     *diskWatch  // Pebble's background errors and write stalls (disk.go)
	readOnly  error       // set when opened read-only for lack of space: commits answer it
	abandoned *commitWait // a commit abandoned on a full disk, not ended yet
}

// Open opens the image in opts.Dir, creating an empty one if the
// directory does not exist or is empty. Use Thread to get a world.
func Open(opts Options) (*Image, error) {
	if opts.CacheObjects <= 0 {
		opts.CacheObjects = DefaultCacheObjects
	}
	fs := opts.FS
	if fs == nil {
		fs = vfs.Default
		if st, err := os.Stat(opts.Dir); err == nil && !st.IsDir() {
			return nil, fmt.Errorf("image %s: not a directory", opts.Dir)
		}
	}
	lock, release, err := lockImage(opts.Dir, fs)
	if err != nil {
		return nil, err
	}
	watch := newDiskWatch()
	popts := &pebble.Options{FS: watch.wrap(fs), Logger: quietLogger{}, Lock: lock, EventListener: watch.listener()}
	if opts.MemTableSize > 0 {
		popts.MemTableSize = opts.MemTableSize
	}
	if opts.Listener != nil {
		l := pebble.TeeEventListener(*popts.EventListener, *opts.Listener)
		popts.EventListener = &l
	}
	var readOnly error
	if free, need, ok := spaceToOpen(fs, opts.Dir); ok && free < need {
		popts.ReadOnly = true
		readOnly = diskFullError(opts.Dir, fmt.Sprintf("%d bytes are free and opening it for writing needs %d, so it is open read-only: free some space and reopen it to commit", free, need), nil)
	}
	db, err := openDB(opts.Dir, popts, watch, release)
	if err != nil {
		var de *diskError
		if errors.As(err, &de) {
			return nil, err // openDB releases the lock when the open ends
		}
		release()
		if isNoSpace(err) || readOnly != nil {
			return nil, diskFullError(opts.Dir, "the image cannot be opened until some space is freed", err)
		}
		return nil, fmt.Errorf("image %s: %w", opts.Dir, err)
	}
	img := &Image{db: db, opts: opts, release: release, watch: watch, readOnly: readOnly,
		objs: map[vm.OID]weak.Pointer[vm.Object]{}, maps: map[vm.OID]*vm.Map{}}
	img.enc, img.menc = newEncoder(), newEncoder()
	img.dec = newDecoder(img.object)
	if err := img.readMeta(); err != nil {
		img.Close()
		return nil, fmt.Errorf("image %s: %w", opts.Dir, err)
	}
	return img, nil
}

type quietLogger struct{}

func (quietLogger) Infof(string, ...any)  {}
func (quietLogger) Errorf(string, ...any) {}

// Fatalf panics with the message, keeping the error among args (if any)
// as its cause, so that commitBatch can tell a full disk.
func (quietLogger) Fatalf(format string, args ...any) {
	e := &fatalError{msg: fmt.Sprintf(format, args...)}
	for _, a := range args {
		if err, ok := a.(error); ok {
			e.cause = err
		}
	}
	panic(e)
}

// fatalError is a fatal error Pebble reported through its logger.
type fatalError struct {
	msg   string
	cause error
}

func (e *fatalError) Error() string { return e.msg }
func (e *fatalError) Unwrap() error { return e.cause }

func (img *Image) get(key []byte) ([]byte, bool, error) {
	v, closer, err := img.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	out := append([]byte(nil), v...)
	closer.Close()
	return out, true, nil
}

// readMeta reads the format, the OID counter and the roots.
func (img *Image) readMeta() error {
	f, ok, err := img.get(keyFormat)
	if err != nil {
		return err
	}
	if !ok {
		// a new image: it must be empty
		it, err := img.db.NewIter(nil)
		if err != nil {
			return err
		}
		nonEmpty := it.First()
		it.Close()
		if nonEmpty {
			return fmt.Errorf("not a batos image (no format record)")
		}
		img.next = 1
		return nil
	}
	v, n := binary.Uvarint(f)
	if n <= 0 || v != FormatVersion {
		return fmt.Errorf("unknown image format version %d (this batos reads version %d)", v, FormatVersion)
	}
	nb, ok, err := img.get(keyNext)
	if err != nil || !ok {
		return fmt.Errorf("missing OID counter (%v)", err)
	}
	next, _ := binary.Uvarint(nb)
	img.next = vm.OID(next)
	if cb, ok, _ := img.get(keyCommit); ok {
		var c []int64
		if msgpack.Unmarshal(cb, &c) == nil && len(c) > 0 {
			img.seq = uint64(c[0])
		}
	}
	rb, ok, err := img.get(keyRoots)
	if err != nil || !ok {
		return fmt.Errorf("missing roots (%v)", err)
	}
	var ids []uint64
	if err := msgpack.Unmarshal(rb, &ids); err != nil || len(ids) != 5+2*vm.NumKinds+1 {
		return fmt.Errorf("bad roots record (%v)", err)
	}
	r := &vm.Roots{}
	obj := func(i int) *vm.Object {
		if ids[i] == 0 {
			return nil
		}
		return img.object(vm.OID(ids[i]))
	}
	r.Lobby, r.Nil, r.True, r.False, r.Traits = obj(0), obj(1), obj(2), obj(3), obj(4)
	k := vm.NumKinds
	for i := 0; i < k; i++ {
		r.KindTraits[i] = obj(5 + i)
		if id := ids[5+k+i]; id != 0 {
			m, err := img.mapFor(vm.OID(id))
			if err != nil {
				return err
			}
			r.KindMaps[i] = m
		}
	}
	if r.PlainEmpty, err = img.mapFor(vm.OID(ids[5+2*k])); err != nil {
		return err
	}
	img.roots = r
	img.hasRoot = true
	return nil
}

// IsNew reports whether the image holds no world yet.
func (img *Image) IsNew() bool { return !img.hasRoot }

// Thread returns a thread on the image's world: the resumed one, or, for
// a new image, the world boot makes (boot gets options whose Heap is the
// image; it must load the library, committing as it goes).
func (img *Image) Thread(opts vm.Options, boot func(vm.Options) (*vm.Thread, error)) (*vm.Thread, error) {
	opts.Heap = img
	if img.hasRoot {
		if opts.Primitives == nil {
			return nil, fmt.Errorf("resuming an image needs the primitive table")
		}
		opts.Roots = img.roots
		v := vm.New(opts)
		img.vm = v
		return v.NewThread(), nil
	}
	t, err := boot(opts)
	if err != nil {
		return nil, err
	}
	img.vm = t.VM()
	if !img.hasRoot { // a library with nothing to commit still makes a world
		if err := t.VM().Commit(); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Close closes the database and releases its lock. Uncommitted work is
// lost.
func (img *Image) Close() error {
	if !img.finishAbandoned() {
		return fmt.Errorf("image %s: a commit abandoned on the full disk has not ended, so the image stays open until this process exits", img.opts.Dir)
	}
	err := img.db.Close()
	img.release()
	return err
}

// DB returns the Pebble database (for snapshots and checks).
func (img *Image) DB() *pebble.DB { return img.db }

// NextOID implements vm.Heap.
func (img *Image) NextOID() vm.OID {
	o := img.next
	img.next++
	return o
}

// Touched implements vm.Heap.
func (img *Image) Touched(o *vm.Object) { img.undo.Save(o) }

// Abort implements vm.Heap.
func (img *Image) Abort(v *vm.VM) { img.undo.Restore(v) }

// object returns the object with identity oid: the live one if it is in
// memory, otherwise a ghost.
func (img *Image) object(oid vm.OID) *vm.Object {
	if w, ok := img.objs[oid]; ok {
		if o := w.Value(); o != nil {
			return o
		}
	}
	o := vm.NewGhost(oid, img)
	o.SetFlags(flagStored)
	img.objs[oid] = weak.Make(o)
	return o
}

// mapFor returns the map with identity oid, reading it if needed.
func (img *Image) mapFor(oid vm.OID) (*vm.Map, error) {
	if m, ok := img.maps[oid]; ok {
		return m, nil
	}
	b, ok, err := img.get(mapKey(oid))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("map %d is missing", oid)
	}
	m, err := img.dec.mapRecord(b, oid)
	if err != nil {
		return nil, fmt.Errorf("map %d: %w", oid, err)
	}
	img.maps[oid] = m
	return m, nil
}

// Load implements vm.Loader: it reads a ghost's record.
func (img *Image) Load(o *vm.Object) error {
	if img.failed != nil {
		return img.failed
	}
	b, ok, err := img.get(objKey(o.OID()))
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("object %d is missing from the image", o.OID())
	}
	// the decoder is shared: decode fully before resolving the map (which
	// may read another record with the same decoder)
	d := newDecoder(img.object)
	moid, fields, payload, err := d.object(b, func(moid vm.OID) (vm.Kind, error) {
		m, err := img.mapFor(moid)
		if err != nil {
			return 0, err
		}
		return m.Kind(), nil
	})
	if err != nil {
		return fmt.Errorf("object %d: %w", o.OID(), err)
	}
	m, err := img.mapFor(moid)
	if err != nil {
		return err
	}
	if err := img.vm.Fill(o, m, fields, payload); err != nil {
		return err
	}
	img.loaded = append(img.loaded, o)
	return nil
}

// Commit implements vm.Heap: it writes the transaction as one synced batch.
func (img *Image) Commit(v *vm.VM) error {
	img.vm = v
	var work []*vm.Object
	var newObjs []*vm.Object
	var newMaps []*vm.Map
	var ferr error
	batch := img.db.NewBatch()
	defer func() {
		if batch != nil {
			batch.Close()
		}
	}()
	refObj := func(o *vm.Object) vm.OID {
		if o.Flags()&flagStored == 0 {
			o.SetFlags(o.Flags() | flagStored)
			newObjs = append(newObjs, o)
			work = append(work, o)
		}
		return o.OID()
	}
	var refMap func(m *vm.Map) vm.OID
	refMap = func(m *vm.Map) vm.OID {
		if m.OID() != 0 {
			return m.OID()
		}
		if err := storableMap(m); err != nil && ferr == nil {
			ferr = err
		}
		m.SetOID(img.NextOID())
		newMaps = append(newMaps, m)
		rec, err := img.menc.mapRecord(m)
		if err != nil && ferr == nil {
			ferr = err
		}
		batch.Set(mapKey(m.OID()), rec, nil)
		return m.OID()
	}
	img.enc.refObj, img.enc.refMap = refObj, refMap
	img.menc.refObj, img.menc.refMap = refObj, refMap

	if !img.hasRoot {
		r := v.Roots()
		for _, o := range []*vm.Object{r.Lobby, r.Nil, r.True, r.False, r.Traits} {
			refObj(o)
		}
		for i := range r.KindTraits {
			if r.KindTraits[i] != nil {
				refObj(r.KindTraits[i])
			}
			if r.KindMaps[i] != nil {
				refMap(r.KindMaps[i])
			}
		}
		refMap(r.PlainEmpty)
	}
	for _, o := range img.undo.Objects() {
		if o.Flags()&flagStored != 0 {
			work = append(work, o)
		}
	}
	if len(work) == 0 && len(newMaps) == 0 {
		img.undo.Clear()
		return nil
	}
	if img.failed != nil {
		ferr = img.failed
	} else if img.readOnly != nil {
		ferr = img.readOnly
	}
	written := 0
	for len(work) > 0 && ferr == nil {
		o := work[len(work)-1]
		work = work[:len(work)-1]
		if o.IsGhost() {
			continue // never loaded, so unchanged
		}
		if err := storable(v, o); err != nil {
			ferr = err
			break
		}
		rec, err := img.enc.object(o)
		if err != nil {
			ferr = fmt.Errorf("object %d: %w", o.OID(), err)
			break
		}
		var key [9]byte
		key[0] = 'o'
		binary.BigEndian.PutUint64(key[1:], uint64(o.OID()))
		batch.Set(key[:], rec, nil) // Set copies key and record
		written++
	}
	if ferr == nil {
		ferr = img.writeMeta(batch, v, written)
	}
	if ferr == nil {
		img.checkBatch(batch) // invariants.go; a no-op without -tags invariants
		sync := pebble.Sync
		if img.opts.NoSync {
			sync = pebble.NoSync
		}
		b := batch
		batch = nil
		ferr = img.commitBatch(b, sync)
	}
	if ferr != nil {
		for _, o := range newObjs {
			o.SetFlags(o.Flags() &^ flagStored)
		}
		for _, m := range newMaps {
			m.SetOID(0)
		}
		return ferr
	}
	img.seq++
	img.hasRoot = true
	for _, o := range newObjs {
		img.objs[o.OID()] = weak.Make(o)
		img.loaded = append(img.loaded, o)
	}
	for _, m := range newMaps {
		img.maps[m.OID()] = m
	}
	img.undo.Clear()
	img.evict(v)
	return nil
}

// commitBatch commits b and closes it. Pebble reports a failed log write
// or sync through Logger.Fatalf (quietLogger panics) after applying the
// batch to its memtable, where reads in this process would see it, and
// its commit pipeline is unusable afterwards; so the first failure is
// returned as the commit's error and the image then refuses writes and
// loads until it is reopened (faults_test.go). The commit runs on its own
// goroutine so that one stalled on a full disk can be abandoned (disk.go).
func (img *Image) commitBatch(b *pebble.Batch, opts *pebble.WriteOptions) error {
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
				err = diskFullError(img.opts.Dir, "the transaction was not committed", img.watch.full())
				waiting = false
			}
		}
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

func (img *Image) writeMeta(b *pebble.Batch, v *vm.VM, written int) error {
	if !img.hasRoot {
		r := v.Roots()
		ids := []uint64{uint64(r.Lobby.OID()), uint64(r.Nil.OID()), uint64(r.True.OID()), uint64(r.False.OID()), uint64(r.Traits.OID())}
		for _, t := range r.KindTraits {
			var id uint64
			if t != nil {
				id = uint64(t.OID())
			}
			ids = append(ids, id)
		}
		for _, m := range r.KindMaps {
			var id uint64
			if m != nil {
				id = uint64(m.OID())
			}
			ids = append(ids, id)
		}
		ids = append(ids, uint64(r.PlainEmpty.OID()))
		rb, err := msgpack.Marshal(ids)
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
	for i, f := range o.Fields() {
		if why := vm.Persistable(f); why != "" {
			name := fmt.Sprint("field ", i)
			for _, s := range o.Map().Slots() {
				if s.Kind == vm.SlotData && s.Field == i {
					name = s.Name
				}
			}
			return fmt.Errorf("cannot store slot '%s' of %s: it holds %s", name, v.Describe(vm.Ref(o)), why)
		}
	}
	if vs, ok := o.Payload().([]vm.Value); ok {
		for i, e := range vs {
			if why := vm.Persistable(e); why != "" {
				return fmt.Errorf("cannot store element %d of %s: it holds %s", i, v.Describe(vm.Ref(o)), why)
			}
		}
	}
	return nil
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

// Checkpoint implements vm.Checkpointer: in the middle of a long
// transaction it evicts clean objects once the cache is a quarter over its
// bound.
func (img *Image) Checkpoint(v *vm.VM) {
	if len(img.loaded) > img.opts.CacheObjects+img.opts.CacheObjects/4 {
		img.evict(v)
	}
}

// evict turns the oldest loaded objects back into ghosts while more than
// the cache bound are in memory. Objects changed in the running
// transaction and the roots stay.
func (img *Image) evict(v *vm.VM) {
	if len(img.loaded) <= img.opts.CacheObjects {
		return
	}
	r := v.Roots()
	keep := map[*vm.Object]bool{r.Lobby: true, r.Nil: true, r.True: true, r.False: true, r.Traits: true}
	for _, t := range r.KindTraits {
		keep[t] = true
	}
	target := img.opts.CacheObjects * 3 / 4
	n := len(img.loaded) - target
	var kept []*vm.Object
	for _, o := range img.loaded[:n] {
		switch {
		case o.IsGhost():
		case keep[o] || v.Changed(o) || o.Map().Kind() == vm.KMethod:
			// roots, objects the running transaction changed, and code
			// (recompiling an evicted method costs more than it frees)
			kept = append(kept, o)
		default:
			v.Evict(o, img)
		}
	}
	img.loaded = append(kept, img.loaded[n:]...)
	// forget identities whose objects Go has collected
	if len(img.objs) > 4*img.opts.CacheObjects {
		for oid, w := range img.objs {
			if w.Value() == nil {
				delete(img.objs, oid)
			}
		}
	}
}

// Stats describes an image.
type Stats struct {
	Format  int
	Objects int // object records
	Maps    int // map records
	Bytes   int64
	Commits uint64
	Last    time.Time
	NextOID vm.OID
}

// Stats counts the image's records.
func (img *Image) Stats() (Stats, error) {
	s := Stats{Format: FormatVersion, Commits: img.seq, NextOID: img.next}
	it, err := img.db.NewIter(nil)
	if err != nil {
		return s, err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		s.Bytes += int64(len(k) + len(it.Value()))
		switch k[0] {
		case 'o':
			s.Objects++
		case 'm':
			s.Maps++
		}
	}
	if cb, ok, _ := img.get(keyCommit); ok {
		var c []int64
		if msgpack.Unmarshal(cb, &c) == nil && len(c) > 1 {
			s.Last = time.Unix(0, c[1])
		}
	}
	return s, nil
}
