package image

import (
	"encoding/binary"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"

	"batos/vm"
)

// A large commit encodes its changed objects on several goroutines. The
// undo log is cut into chunks of consecutive entries; the goroutines, the
// main one among them, take chunks in order and encode each into a buffer
// of records in the form of Pebble's batches (batchrepr: a kind byte, then
// the key and the value, each after its length). The main goroutine then
// puts the chunks' records into the commit's batch, in order: so the batch
// holds them in the log's order (ascending keys, mostly, which Pebble's
// memtable and its large-batch index place fastest).
//
// How the records go into the batch depends on their size. Up to
// reprMin bytes they are Set one by one, into a batch whose buffer Pebble
// keeps in its pool from one commit to the next. Beyond that, Pebble
// keeps no batch buffer, so every large commit's batch is fresh memory
// anyway: the chunks are joined into one buffer, after what the batch
// holds already, which becomes the batch's contents (Batch.SetRepr).
// Pebble reads the joined records once, to size them for its memtable
// (about 8 ns a record), where Set costs about 20 ns a record.
//
// Only the main goroutine gives out identities (OIDs) and schedules newly
// reachable objects, so a chunk's encoder writes only objects whose
// references all go to objects and maps already stored; it leaves the
// others, and those that fail the storable check, to the sequential
// encode, which then does exactly what it did before. Nothing writes to
// the heap while the encoders run, and the commit waits for them all.
//
// (The first version encoded each goroutine's half into a pebble.Batch of
// its own and appended those to the commit's batch. Appending a batch
// decodes all its records again, after the encoders had finished, and the
// extra batches were megabytes of fresh memory at every commit: on the
// 2-vCPU virtual machine the benchmarks ran on, a fresh page costs about
// 2 us to fault in.)

// parallelMin is the least number of objects a commit encodes in
// parallel. Measured on 2 cores (BenchmarkEncode, which collects and
// encodes without Pebble's commit; the two alternating, four times):
// 10,000 objects 341-430 us in parallel against 397-502 us in sequence,
// 100,000 objects 3.4-4.1 ms against 6.6-7.6 ms.
var parallelMin = 4096

// parallelCommits counts the commits encoded in parallel (for the tests).
var parallelCommits atomic.Int64

// maxEncoders bounds the goroutines that encode one commit, the main one
// included.
const maxEncoders = 4

// reprMin is the size of records beyond which they become the batch's
// contents at once rather than Set one by one: the largest batch buffer
// Pebble keeps for reuse (batchMaxRetainedSize). The tests lower it.
var reprMin = 1 << 20

// reprCommits counts the commits made so (for the tests).
var reprCommits atomic.Int64

// metaRoom is the room a batch made from joined records leaves after
// them, for the commit's own records (writeMeta).
const metaRoom = 512

// A chunk is a run of undo log entries and, once encoded, their records
// and the objects left to the sequential encode.
type chunk struct {
	lo, hi int
	recs   []byte // the records, in the form of a batch's contents
	count  int    // how many records recs holds
	rest   []*vm.Object
}

// maxKeptRecs is the largest record buffer a kept chunk keeps (4,096
// small objects take about 100 KB).
const maxKeptRecs = 256 << 10

// keptChunks is how many chunks, with their buffers, an image keeps for
// its next large commit (a few MB of records for small objects).
const keptChunks = 64

// chunks cuts the first n undo log entries into chunks, about eight for
// each encoder (so that they share the work evenly), reusing the image's.
func (img *Image) chunks(n, encoders int) []*chunk {
	size := min(max(n/(8*encoders), 512), 4096)
	k := (n + size - 1) / size
	for len(img.chunkPool) < min(k, keptChunks) {
		img.chunkPool = append(img.chunkPool, new(chunk))
	}
	cs := make([]*chunk, k)
	for i := range cs {
		if i < len(img.chunkPool) {
			cs[i] = img.chunkPool[i]
		} else {
			cs[i] = new(chunk) // beyond the kept ones: for this commit only
		}
		cs[i].lo, cs[i].hi = i*size, min((i+1)*size, n)
	}
	return cs
}

// encoders is how many goroutines encode a commit of n changed objects:
// 1 means the sequential encode.
func encoders(n int) int {
	if n < parallelMin {
		return 1
	}
	return min(runtime.GOMAXPROCS(0), maxEncoders)
}

// encodeParallel encodes the stored objects of the undo log in parallel,
// when there are enough of them, and appends to the work list what it
// leaves. It reports whether it ran (otherwise the work list is to be
// filled from the undo log).
func (t *txn) encodeParallel() bool {
	u := &t.img.undo
	n := u.Len()
	workers := encoders(n)
	if workers < 2 || t.err != nil {
		return false
	}
	parallelCommits.Add(1)
	chunks := t.img.chunks(n, workers)
	var next atomic.Int64
	encode := func() {
		ce := newChunkEncoder()
		for j := next.Add(1) - 1; j < int64(len(chunks)); j = next.Add(1) - 1 {
			ce.encode(chunks[j], u)
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			encode()
		}()
	}
	encode()
	wg.Wait()

	size, count := 0, 0
	for _, c := range chunks {
		size += len(c.recs)
		count += c.count
		t.work = append(t.work, c.rest...)
		clear(c.rest) // the chunk is kept: it holds no objects
	}
	defer func() {
		for _, c := range chunks {
			if cap(c.recs) > maxKeptRecs {
				c.recs = nil // large objects: not worth keeping
			}
		}
	}()
	t.written += count
	if size <= reprMin {
		for _, c := range chunks {
			setRecords(t.batch, c.recs)
		}
		return true
	}
	reprCommits.Add(1)
	repr := t.batch.Repr() // what the batch holds already, its header first
	data := make([]byte, 0, len(repr)+size+metaRoom)
	data = append(data, repr...)
	for _, c := range chunks {
		data = append(data, c.recs...)
	}
	// the header: a sequence number (8 bytes), then the count
	binary.LittleEndian.PutUint32(data[8:12], t.batch.Count()+uint32(count))
	t.fail(t.batch.SetRepr(data))
	return true
}

// setRecords sets in b each record of recs (a chunk's).
func setRecords(b *pebble.Batch, recs []byte) {
	for len(recs) > 0 {
		// a kind, the key's length (9) and the key, then the value after its length
		n, k := binary.Uvarint(recs[11:])
		end := 11 + k + int(n)
		b.Set(recs[2:11], recs[11+k:end], nil) // Set copies
		recs = recs[end:]
	}
}

// A chunkEncoder encodes chunks on one goroutine. Its references to
// objects and maps not stored yet set unstored.
type chunkEncoder struct {
	e        encoder
	unstored bool
}

func newChunkEncoder() *chunkEncoder {
	ce := &chunkEncoder{}
	ce.e.refObj = func(o *vm.Object) vm.OID {
		if !stored(o) {
			ce.unstored = true
		}
		return o.OID()
	}
	ce.e.refMap = func(m *vm.Map) vm.OID {
		if m.OID() == 0 {
			ce.unstored = true
		}
		return m.OID()
	}
	return ce
}

// appendObject appends o's record to b, unless o holds something that
// cannot be stored or refers to something not stored yet.
func (ce *chunkEncoder) appendObject(b []byte, o *vm.Object) ([]byte, bool) {
	if _, _, why := unstorable(o); why != "" {
		return b, false // the sequential encode reports it
	}
	ce.unstored = false
	b, err := ce.e.appendObject(b, o)
	return b, err == nil && !ce.unstored
}

// appendPlain is appendObject for an object without a payload, in one
// pass over its fields, without the encoder's calls for each reference:
// the same bytes, for the most common record.
func appendPlain(b []byte, o *vm.Object) ([]byte, bool) {
	if !o.NoPayload() {
		return b, false
	}
	moid := o.Map().OID()
	if moid == 0 {
		return b, false
	}
	fields := o.Fields()
	b = appendArrayLen(b, 3)
	b = appendUint(b, uint64(moid))
	b = appendArrayLen(b, len(fields))
	for _, f := range fields {
		if f.IsInt() {
			b = appendInt(b, f.Int())
			continue
		}
		r := f.Obj()
		if !stored(r) || vm.Persistable(f) != "" {
			return b, false
		}
		b = append(b, 0xc4, 8) // a bin of 8 bytes: the OID (appendValue)
		b = binary.BigEndian.AppendUint64(b, uint64(r.OID()))
	}
	return appendNil(b), true
}

// encode writes the records of c's stored objects, except for those that
// refer to an object or a map not stored yet, or that hold something that
// cannot be stored: those it leaves in c.rest, for the sequential encode.
func (ce *chunkEncoder) encode(c *chunk, u *vm.UndoLog) {
	b, count, rest := c.recs[:0], 0, c.rest[:0]
	for i := c.lo; i < c.hi; i++ {
		o := u.At(i)
		if !stored(o) || o.IsGhost() {
			continue // new (stored if reachable), or never loaded
		}
		start := len(b)
		// a Set record: its kind, the key's length and the key, then the
		// value's length (one byte, if it is under 128) and the value
		b = append(b, byte(pebble.InternalKeyKindSet), 9, prefixObject)
		b = binary.BigEndian.AppendUint64(b, uint64(o.OID()))
		b = append(b, 0)
		at := len(b)
		var ok bool
		b, ok = appendPlain(b, o)
		if !ok {
			b, ok = ce.appendObject(b[:at], o)
		}
		if !ok {
			b = b[:start]
			rest = append(rest, o)
			continue
		}
		if n := len(b) - at; n < 0x80 {
			b[at-1] = byte(n)
		} else { // a longer length: move the value to make room
			var l [binary.MaxVarintLen64]byte
			k := binary.PutUvarint(l[:], uint64(n))
			b = append(b, l[1:k]...)
			copy(b[at+k-1:], b[at:at+n])
			copy(b[at-1:], l[:k])
		}
		count++
	}
	c.recs, c.count, c.rest = b, count, rest
}
