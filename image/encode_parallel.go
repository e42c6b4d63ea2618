package image

import (
	"encoding/binary"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"

	"batos/vm"
)

// A large commit encodes its changed objects on several goroutines, each
// into a batch of its own, appended to the commit's batch afterwards. Only
// the main goroutine gives out identities (OIDs) and schedules newly
// reachable objects, so a worker encodes only objects whose references all
// go to objects and maps already stored; it leaves the others, and those
// that fail the storable check, to the sequential encode, which then does
// exactly what it did before. Nothing writes to the heap while the workers
// run: the main goroutine waits for them.

// parallelMin is the least number of objects a commit encodes in
// parallel. Measured on 2 cores (BenchmarkEncode, which collects and
// encodes without Pebble's commit): 10,000 objects 291-354 us in
// parallel against 398-480 us in sequence.
var parallelMin = 4096

// parallelCommits counts the commits encoded in parallel (for the tests).
var parallelCommits atomic.Int64

// maxEncoders bounds the goroutines of one commit.
const maxEncoders = 4

// encodeParallel encodes the stored objects of the undo log in parallel,
// when there are enough of them, and appends to the work list what it
// leaves. It reports whether it ran (otherwise the work list is to be
// filled from the undo log).
func (t *txn) encodeParallel() bool {
	workers := min(runtime.GOMAXPROCS(0), maxEncoders)
	u := &t.img.undo
	n := u.Len()
	if n < parallelMin || workers < 2 || t.err != nil {
		return false
	}
	type part struct {
		batch   *pebble.Batch
		rest    []*vm.Object
		written int
	}
	parallelCommits.Add(1)
	parts := make([]part, workers)
	var wg sync.WaitGroup
	for w := range parts {
		lo, hi := w*n/workers, (w+1)*n/workers
		p := &parts[w]
		if w == 0 {
			p.batch = t.batch // the first part goes straight into the commit's batch
		} else {
			p.batch = t.img.db.NewBatchWithSize(t.img.batchSize(hi - lo))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.written, p.rest = encodeStored(p.batch, u, lo, hi)
		}()
	}
	wg.Wait()
	for w := range parts {
		p := &parts[w]
		if w > 0 {
			if err := t.batch.Apply(p.batch, nil); err != nil {
				t.fail(err)
			}
			p.batch.Close()
		}
		t.written += p.written
		t.work = append(t.work, p.rest...)
	}
	return true
}

// encodeStored writes into b the records of the stored objects of the
// undo log's entries lo to hi, except for the objects that refer to an
// object or a map not stored yet, or that hold something that cannot be
// stored: those it returns, for the sequential encode.
func encodeStored(b *pebble.Batch, u *vm.UndoLog, lo, hi int) (written int, rest []*vm.Object) {
	unstored := false
	e := &encoder{
		refObj: func(o *vm.Object) vm.OID {
			if !stored(o) {
				unstored = true
			}
			return o.OID()
		},
		refMap: func(m *vm.Map) vm.OID {
			if m.OID() == 0 {
				unstored = true
			}
			return m.OID()
		},
	}
	var key [9]byte
	key[0] = prefixObject
	for i := lo; i < hi; i++ {
		o := u.At(i)
		if !stored(o) || o.IsGhost() {
			continue // new (stored if reachable), or never loaded
		}
		if _, _, why := unstorable(o); why != "" {
			rest = append(rest, o) // the sequential encode reports it
			continue
		}
		unstored = false
		rec, err := e.object(o)
		if err != nil || unstored {
			rest = append(rest, o)
			continue
		}
		binary.BigEndian.PutUint64(key[1:], uint64(o.OID()))
		b.Set(key[:], rec, nil)
		written++
	}
	return written, rest
}
