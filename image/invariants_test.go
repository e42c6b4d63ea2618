//go:build invariants

package image

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/vmihailenco/msgpack/v5"

	"batos/vm"
)

// The checks themselves: each bad batch is reported, a good one is not.
// (Every commit of every test built with the tag also goes through them.)
func TestBatchInvariants(t *testing.T) {
	img, th := openWorld(t, Options{Dir: "img", FS: vfs.NewMem()})
	defer img.Close()
	v, err := th.EvalString("t", `lobby _AddSlots: (| probe = (| x <- 0 |) |). probe`)
	if err != nil {
		t.Fatal(err)
	}
	probe := v.Obj()
	moid := uint64(probe.Map().OID()) // a stored map with one field
	stored := probe.OID()
	missing := img.NextOID() // an identity that was never written
	fresh := img.NextOID()   // the record the batches write

	ref := func(oid vm.OID) []byte { return binary.BigEndian.AppendUint64(nil, uint64(oid)) }
	rec := func(moid uint64, fields ...any) []byte {
		if fields == nil {
			fields = []any{}
		}
		b, err := msgpack.Marshal([]any{moid, fields, nil})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name string
		oid  vm.OID
		rec  []byte
		next vm.OID // the counter the batch writes (0: none)
		want string // "" for no problem
	}{
		{"good: an integer", fresh, rec(moid, 3), img.next, ""},
		{"good: a stored object", fresh, rec(moid, ref(stored)), img.next, ""},
		{"good: itself", fresh, rec(moid, ref(fresh)), img.next, ""},
		{"dangling reference", fresh, rec(moid, ref(missing)), img.next, "refers to object"},
		{"too few fields", fresh, rec(moid), img.next, "has 0 fields but its map"},
		{"too many fields", fresh, rec(moid, 1, 2), img.next, "has 2 fields but its map"},
		{"missing map", fresh, rec(uint64(missing), 1), img.next, "missing map"},
		{"beyond the counter", fresh, rec(moid, 1), fresh, "not below the OID counter"},
		{"no counter", fresh, rec(moid, 1), 0, "does not write the OID counter"},
		{"undecodable", fresh, []byte{0x93, 0xc1}, img.next, "invalid code"},
	} {
		b := img.db.NewBatch()
		b.Set(objKey(tc.oid), tc.rec, nil)
		if tc.next != 0 {
			b.Set(keyNext, binary.AppendUvarint(nil, uint64(tc.next)), nil)
		}
		p := img.batchProblems(b)
		got := strings.Join(p, "\n")
		switch {
		case tc.want == "" && len(p) > 0:
			t.Errorf("%s: problems: %s", tc.name, got)
		case tc.want != "" && !strings.Contains(got, tc.want):
			t.Errorf("%s: problems %q, want one with %q", tc.name, got, tc.want)
		case tc.want != "":
			func() {
				defer func() {
					if r := recover(); r == nil || !strings.Contains(r.(string), tc.want) {
						t.Errorf("%s: checkBatch: %v", tc.name, r)
					}
				}()
				img.checkBatch(b)
			}()
		}
		b.Close()
	}

	// a map written in the same batch, whose constant refers to a new object
	// also in the batch, and an object of that map
	mrec, err := msgpack.Marshal([]any{uint64(vm.KPlain), "", 1, []any{
		[]any{"c", uint64(vm.SlotConst), false, 0, ref(fresh), ""},
		[]any{"x", uint64(vm.SlotData), false, 0, 0, ""},
	}})
	if err != nil {
		t.Fatal(err)
	}
	mfresh := img.NextOID()
	b := img.db.NewBatch()
	defer b.Close()
	b.Set(mapKey(mfresh), mrec, nil)
	b.Set(objKey(fresh), rec(uint64(mfresh), ref(stored)), nil)
	b.Set(keyNext, binary.AppendUvarint(nil, uint64(img.next)), nil)
	if p := img.batchProblems(b); len(p) > 0 {
		t.Errorf("map and object in one batch: %v", p)
	}
	b.Set(objKey(fresh), rec(uint64(mfresh)), nil) // now with no field
	if p := img.batchProblems(b); len(p) != 1 || !strings.Contains(p[0], "has 0 fields but its map") {
		t.Errorf("object of a map in the batch with too few fields: %v", p)
	}
}
