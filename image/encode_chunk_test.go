package image

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/cockroachdb/pebble/v2"

	"batos/vm"
)

// The chunk encoders write, for every kind of object, the records the
// sequential encoder writes (appendPlain is their fast path for objects
// without a payload), in the form of a Pebble batch's contents; and they
// leave to the sequential encode exactly the objects that refer to
// something not stored yet or hold something that cannot be stored.
func TestChunkRecords(t *testing.T) {
	img, th := openWorld(t, Options{Dir: t.TempDir(), NoSync: true})
	defer img.Close()
	long := fmt.Sprintf("'%0200d'", 7) // a record longer than 127 bytes
	evalAll(t, th,
		"lobby _AddSlots: (| objs <- vector copy. pt = (| parent* = traits clonable. x <- 0. y <- 0 |) |)",
		// fields: small, negative and large integers, references to
		// strings, floats, big integers and plain objects; vectors, byte
		// vectors, an object with a method, a long record
		"objs add: (pt copy x: 3). objs add: ((pt copy x: -40) y: 1099511627776). objs add: ((pt copy x: pt) y: lobby)",
		"objs add: ((pt copy x: 'text') y: 2.5). objs add: (pt copy x: (1099511627776 * 1099511627776 * 1099511627776))",
		"objs add: (vector copySize: 3). objs add: (byteVector copySize: 4). objs add: (vector copySize: 200)",
		"objs add: (| a <- 1. b = (a + 1) |). objs add: (pt copy x: "+long+")",
		"objs add: (pt copy x: 1). objs add: (pt copy x: 2). objs add: (vector copySize: 2)")
	th.Atomic = true
	// change every one: three come to hold something that cannot be
	// stored or that is not stored yet
	evalAll(t, th,
		"0 to: 4 Do: [| :i | (objs at: i) y: (objs at: i) y ]. (objs at: 5) at: 0 Put: 7. (objs at: 6) at: 0 Put: 9",
		"(objs at: 7) at: 199 Put: pt. (objs at: 8) a: 2. (objs at: 9) y: -1",
		"(objs at: 10) y: [ 3 ]. (objs at: 11) y: pt copy. (objs at: 12) at: 1 Put: pt copy")
	v := th.VM()
	u := &img.undo
	c := &chunk{lo: 0, hi: u.Len()}
	newChunkEncoder().encode(c, u)

	var want bytes.Buffer
	wantCount := 0
	var wantRest []*vm.Object
	e := &encoder{}
	unstored := false
	e.refObj = func(o *vm.Object) vm.OID {
		unstored = unstored || !stored(o)
		return o.OID()
	}
	e.refMap = func(m *vm.Map) vm.OID {
		unstored = unstored || m.OID() == 0
		return m.OID()
	}
	for i := 0; i < u.Len(); i++ {
		o := u.At(i)
		if !stored(o) || o.IsGhost() {
			continue
		}
		unstored = false
		rec, err := e.object(o)
		if storable(v, o) != nil || err != nil || unstored {
			wantRest = append(wantRest, o)
			continue
		}
		want.Write([]byte{byte(pebble.InternalKeyKindSet), 9, prefixObject})
		want.Write(binary.BigEndian.AppendUint64(nil, uint64(o.OID())))
		want.Write(binary.AppendUvarint(nil, uint64(len(rec))))
		want.Write(rec)
		wantCount++
	}
	if wantCount < 10 || len(wantRest) != 3 {
		t.Fatalf("the test's objects: %d records, %d left", wantCount, len(wantRest))
	}
	if c.count != wantCount || !bytes.Equal(c.recs, want.Bytes()) {
		t.Errorf("chunk: %d records, %d bytes; want %d, %d bytes", c.count, len(c.recs), wantCount, want.Len())
	}
	if fmt.Sprint(c.rest) != fmt.Sprint(wantRest) {
		t.Errorf("left to the sequential encode: %v, want %v", c.rest, wantRest)
	}
	// and the records are a batch's contents
	b := img.db.NewBatch()
	defer b.Close()
	setRecords(b, c.recs)
	if int(b.Count()) != wantCount {
		t.Errorf("setRecords set %d records, want %d", b.Count(), wantCount)
	}
	data := append(make([]byte, 12), c.recs...)
	binary.LittleEndian.PutUint32(data[8:], uint32(c.count))
	b2 := img.db.NewBatch()
	defer b2.Close()
	if err := b2.SetRepr(data); err != nil || !bytes.Equal(b.Repr()[12:], b2.Repr()[12:]) {
		t.Errorf("the joined records are not the batch setRecords made: %v", err)
	}
	v.Abort()
}
