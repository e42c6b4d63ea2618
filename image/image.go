package image

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"

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
	ids       identities // OID -> the object in memory (identity.go)
	maps      map[vm.OID]*vm.Map
	loaded    []*vm.Object // objects with contents in memory, oldest first
	seq       uint64       // commits so far
	hasRoot   bool
	recBytes  float64      // batch bytes per object record in the last large commit (batchSize)
	evicted   []*vm.Object // evict's list, kept for the next
	chunkPool []*chunk     // the chunks of the last large commit, kept with their buffers (encode_parallel.go)
	enc       *encoder     // objects
	menc      *encoder     // maps
	dec       *decoder     // maps
	odec      *decoder     // objects (Load)
	ahead     readAhead    // object records read ahead (readahead.go)
	roots     *vm.Roots
	failed    error       // set by a failed batch commit: no more writes or loads
	release   func()      // releases the image's lock (lock.go)
	watch     *diskWatch  // Pebble's background errors and write stalls (disk.go)
	readOnly  error       // set when opened read-only for lack of space: commits answer it
	abandoned *commitWait // a commit abandoned on a full disk, not ended yet
	wrote     bool        // something was committed since the image was opened
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
	popts := &pebble.Options{FS: watch.wrap(fs), Logger: imageLogger{watch}, Lock: lock, EventListener: watch.listener()}
	if opts.MemTableSize > 0 {
		popts.MemTableSize = opts.MemTableSize
	}
	// Every process that commits leaves one small level-0 table (Close
	// flushes its log), usually spanning much of the heap, and compacting
	// level 0 rewrites every table below that it overlaps: let a few
	// accumulate before that (Pebble's defaults are 4 and 12), which
	// halves what a committing start pays on average (BenchmarkReopen's
	// writer-ms) for a few more tables to consult on a read.
	popts.L0CompactionThreshold = 8
	popts.L0StopWritesThreshold = 24
	if opts.Listener != nil {
		l := pebble.TeeEventListener(*popts.EventListener, *opts.Listener)
		popts.EventListener = &l
	}
	var readOnly error
	if free, need, ok := spaceToOpen(fs, opts.Dir); ok && free < need {
		popts.ReadOnly = true
		readOnly = diskFullError(opts.Dir, fmt.Sprintf("%d bytes are free and opening it for writing needs %d, so it is open read-only: free some space and reopen it to commit", free, need), nil)
	}
	if readOnly == nil {
		// The reserve goes first, so that the logs of the open's recovery
		// have it too; without room for it, the image is open read-only,
		// since a commit could then fill the disk beyond recovery.
		if watch.reserve, err = makeReserve(fs, opts.Dir); err != nil {
			popts.ReadOnly = true
			readOnly = diskFullError(opts.Dir, fmt.Sprintf("there is no room for its reserve of %d MiB, so it is open read-only: free some space and reopen it to commit", reserveSize>>20), err)
		}
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
		ids: newIdentities(), maps: map[vm.OID]*vm.Map{}}
	img.enc, img.menc = newEncoder(), newEncoder()
	img.dec, img.odec = newDecoder(img.object), newDecoder(img.object)
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
func (quietLogger) Fatalf(format string, args ...any) { panic(newFatalError(format, args...)) }

func newFatalError(format string, args ...any) *fatalError {
	e := &fatalError{msg: fmt.Sprintf(format, args...)}
	for _, a := range args {
		if err, ok := a.(error); ok {
			e.cause = err
		}
	}
	if e.cause == nil && strings.Contains(e.msg, "no space left on device") {
		e.cause = syscall.ENOSPC // Pebble formatted it with %s
	}
	return e
}

// imageLogger is the logger of an open image. A fatal commit error
// panics (commitBatch recovers it on the committing goroutine). A failed
// write of Pebble's MANIFEST is fatal on one of Pebble's own goroutines
// (a flush or compaction, typically on a full disk), where a panic would
// take the process down: that goroutine is stopped instead (its deferred
// unlocks run), the image records the error, and from then on refuses
// commits and does not close the database (which would wait for the
// stopped work forever); the image stays locked until the process exits. What is on disk is what the last successful MANIFEST write
// describes, as after a crash.
type imageLogger struct{ w *diskWatch }

func (imageLogger) Infof(string, ...any)  {}
func (imageLogger) Errorf(string, ...any) {}

func (l imageLogger) Fatalf(format string, args ...any) {
	e := newFatalError(format, args...)
	if !strings.Contains(e.msg, "MANIFEST") {
		panic(e)
	}
	var err error = e
	l.w.fatal.Store(&err)
	l.w.signal()
	runtime.Goexit()
}

// fatalError is a fatal error Pebble reported through its logger.
type fatalError struct {
	msg   string
	cause error
}

func (e *fatalError) Error() string { return e.msg }
func (e *fatalError) Unwrap() error { return e.cause }

// readMeta reads the format (upgrading an older image), the OID counter
// and the roots.
func (img *Image) readMeta() error {
	version, err := img.formatVersion()
	if err != nil || version == 0 {
		return err
	}
	if version < FormatVersion {
		if err := img.upgrade(version); err != nil {
			return err
		}
	}
	nb, ok, err := get(img.db, keyNext)
	if err != nil || !ok {
		return fmt.Errorf("missing OID counter (%v)", err)
	}
	next, _ := binary.Uvarint(nb)
	img.next = vm.OID(next)
	if cb, ok, _ := get(img.db, keyCommit); ok {
		var c []int64
		if msgpack.Unmarshal(cb, &c) == nil && len(c) > 0 {
			img.seq = uint64(c[0])
		}
	}
	ids, err := readRoots(img.db)
	if err != nil {
		return err
	}
	if err := ids.required(); err != nil {
		return fmt.Errorf("bad roots record: %v", err)
	}
	return img.resolveRoots(ids)
}

// resolveRoots turns the roots record into the VM's roots (ghosts and
// maps).
func (img *Image) resolveRoots(ids rootIDs) error {
	r := &vm.Roots{}
	obj := func(oid vm.OID) *vm.Object {
		if oid == 0 {
			return nil
		}
		return img.object(oid)
	}
	r.Lobby, r.Nil, r.True, r.False, r.Traits = obj(ids.Lobby), obj(ids.Nil), obj(ids.True), obj(ids.False), obj(ids.Traits)
	for i := 0; i < vm.NumKinds; i++ {
		r.KindTraits[i] = obj(ids.KindTraits[i])
		if id := ids.KindMaps[i]; id != 0 {
			m, err := img.mapFor(id)
			if err != nil {
				return err
			}
			r.KindMaps[i] = m
		}
	}
	var err error
	if r.PlainEmpty, err = img.mapFor(ids.PlainEmpty); err != nil {
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
	if err := img.watch.stopped(); err != nil {
		return fmt.Errorf("image %s: Pebble stopped after a fatal error (%v), so the image stays open until this process exits", img.opts.Dir, err)
	}
	if !img.finishAbandoned() {
		return fmt.Errorf("image %s: a commit abandoned on the full disk has not ended, so the image stays open until this process exits", img.opts.Dir)
	}
	if img.wrote && img.failed == nil && img.watch.reserve.spent() == nil {
		img.flushLog()
	}
	err := img.db.Close()
	img.release()
	return err
}

// flushLog writes what this process committed from Pebble's log into a
// table before closing, so that the next Open has no log to replay: that
// replay's flush, and the compaction it may start, would otherwise make
// the next start wait (Pebble's Open waits for compactions). On a full
// disk it gives up: the commits are durable in the log either way.
func (img *Image) flushLog() {
	done, err := img.db.AsyncFlush()
	if err != nil {
		return
	}
	for waiting := true; waiting; {
		select {
		case <-done:
			waiting = false
		case <-img.watch.wake:
			if img.watch.full() != nil || img.watch.stopped() != nil {
				return
			}
		}
	}
	// The flush schedules the compaction it calls for just after it is
	// done; Close then waits for it. Closing before it is scheduled would
	// leave it to the next Open, which waits for it.
	for i := 0; i < 1000 && img.db.Metrics().Flush.NumInProgress > 0; i++ {
		time.Sleep(time.Millisecond)
	}
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
	if o := img.ids.get(oid); o != nil {
		return o
	}
	o := vm.NewGhost(oid, img)
	o.SetFlags(flagStored)
	img.ids.hold(o)
	return o
}

// mapFor returns the map with identity oid, reading it if needed.
func (img *Image) mapFor(oid vm.OID) (*vm.Map, error) {
	if m, ok := img.maps[oid]; ok {
		return m, nil
	}
	b, ok, err := get(img.db, mapKey(oid))
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
	b, ok, err := img.record(o.OID()) // readahead.go
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("object %d is missing from the image", o.OID())
	}
	// objects have their own decoder: resolving the map may decode a map
	// record (with img.dec) in the middle of the object's
	moid, fields, payload, err := img.odec.object(b, func(moid vm.OID) (vm.Kind, error) {
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
	img.ids.hold(o)
	return nil
}

// Checkpoint implements vm.Checkpointer: in the middle of a long
// transaction it evicts clean objects once the cache is a quarter over its
// bound, and lets go of ghosts once a quarter of the cache were made.
func (img *Image) Checkpoint(v *vm.VM) {
	if len(img.loaded) > img.opts.CacheObjects+img.opts.CacheObjects/4 {
		img.evict(v)
	} else if img.ids.sweepDue(img.opts.CacheObjects) {
		img.ids.sweep(nil, img.opts.CacheObjects)
	}
}

// evict turns the oldest loaded objects back into ghosts while more than
// the cache bound are in memory, and lets go of them (and of the other
// ghosts it holds). Objects changed in the running transaction and the
// roots stay.
func (img *Image) evict(v *vm.VM) {
	if len(img.loaded) <= img.opts.CacheObjects {
		if img.ids.sweepDue(img.opts.CacheObjects) {
			img.ids.sweep(nil, img.opts.CacheObjects)
		}
		return
	}
	r := v.Roots()
	keep := map[*vm.Object]bool{r.Lobby: true, r.Nil: true, r.True: true, r.False: true, r.Traits: true}
	for _, t := range r.KindTraits {
		keep[t] = true
	}
	target := img.opts.CacheObjects * 3 / 4
	n := len(img.loaded) - target
	// The list is compacted in place: at a commit that changed more
	// objects than the cache holds, all of the oldest may stay, and
	// building a new list of them cost more than the pass itself.
	old, kept, evicted := img.loaded[:n], 0, img.evicted[:0]
	for _, o := range old {
		switch {
		case v.Changed(o) || !o.IsGhost() && (o.Map().Kind() == vm.KMethod || keep[o]):
			// objects the running transaction changed, code (recompiling
			// an evicted method costs more than it frees), and roots
			old[kept] = o
			kept++
			continue
		case !o.IsGhost():
			v.Evict(o, img)
		}
		evicted = append(evicted, o)
	}
	if kept < n {
		m := copy(img.loaded[kept:], img.loaded[n:])
		clear(img.loaded[kept+m:])
		img.loaded = img.loaded[:kept+m]
	}
	img.ids.sweep(evicted, img.opts.CacheObjects)
	clear(evicted)
	img.evicted = nil
	if cap(evicted) <= 1<<16 {
		img.evicted = evicted[:0]
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
		switch parseKey(k).kind {
		case recObject:
			s.Objects++
		case recMap:
			s.Maps++
		}
	}
	if cb, ok, _ := get(img.db, keyCommit); ok {
		var c []int64
		if msgpack.Unmarshal(cb, &c) == nil && len(c) > 1 {
			s.Last = time.Unix(0, c[1])
		}
	}
	return s, nil
}
