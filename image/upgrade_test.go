package image

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/cockroachdb/pebble/v2"

	"batos/vm"
)

func evalIn(t *testing.T, th *vm.Thread, src string) string {
	t.Helper()
	v, err := th.EvalString("t", src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	s, err := th.PrintString(v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// lobbyMethod returns the method object in the lobby's constant slot sel.
func lobbyMethod(t *testing.T, th *vm.Thread, sel string) (*vm.Object, *vm.Method) {
	t.Helper()
	v := th.VM()
	s, ok := v.MapOf(vm.Ref(v.Lobby)).Lookup(sel)
	if !ok || s.Const.IsInt() {
		t.Fatalf("no method %s in the lobby", sel)
	}
	m, ok := s.Const.Obj().Payload().(*vm.Method)
	if !ok {
		t.Fatalf("%s is not a method", sel)
	}
	return s.Const.Obj(), m
}

// downgrade rewrites the image in dir as format version 1: the meta
// records under their old keys and method records of 7 fields.
func downgrade(t *testing.T, dir string) {
	t.Helper()
	db, err := pebble.Open(dir, &pebble.Options{Logger: quietLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := db.NewBatch()
	w := newRefWalker(func(k []byte) ([]byte, bool, error) { return get(db, k) })
	it, err := db.NewIter(prefixBounds(prefixObject))
	if err != nil {
		t.Fatal(err)
	}
	methods := 0
	for ok := it.First(); ok; ok = it.Next() {
		moid, fields, payload, err := w.d.object(it.Value(), func(moid vm.OID) (vm.Kind, error) {
			mi, err := w.mapInfo(moid)
			return mi.kind, err
		})
		if err != nil {
			t.Fatal(err)
		}
		m, ok := payload.(*vm.Method)
		if !ok {
			continue
		}
		methods++
		e := newEncoder()
		e.refObj = func(o *vm.Object) vm.OID { return o.OID() }
		rec := appendArrayLen(nil, 3)
		rec = appendUint(rec, uint64(moid))
		rec = appendArrayLen(rec, len(fields))
		for _, f := range fields {
			rec = e.appendValue(rec, f)
		}
		rec = appendArrayLen(rec, 7)
		for _, s := range []string{m.Sel, m.File, m.Source, m.Text} {
			rec = appendString(rec, s)
		}
		for _, n := range []int{m.At.Line, m.At.Col, m.At.Offset} {
			rec = appendInt(rec, int64(n))
		}
		b.Set(append([]byte(nil), it.Key()...), rec, nil)
	}
	it.Close()
	if methods == 0 {
		t.Fatal("no method records to downgrade")
	}
	for old, key := range v1Meta {
		v, ok, err := get(db, key)
		if err != nil || !ok {
			t.Fatalf("%s: %v", key, err)
		}
		b.Set([]byte(old), v, nil)
		b.Delete(key, nil)
	}
	b.Delete(keyFormat, nil)
	b.Set(v1Format, binary.AppendUvarint(nil, 1), nil)
	if err := b.Commit(pebble.Sync); err != nil {
		t.Fatal(err)
	}
}

// TestUpgradeFromVersion1: an image written in format version 1 opens,
// is upgraded in place (format record, meta keys), passes check, and its
// methods (records without provenance) work; it goes on committing.
func TestUpgradeFromVersion1(t *testing.T) {
	dir := t.TempDir()
	img, th := openWorld(t, Options{Dir: dir})
	evalIn(t, th, `lobby _AddSlots: (| twice: x = ( x * 2 ). kept <- 5 |)`)
	img.Close()
	downgrade(t, dir)

	img, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatalf("opening a version 1 image: %v", err)
	}
	if p := img.Check(); len(p) > 0 {
		t.Fatalf("check after the upgrade: %v", p)
	}
	f, ok, _ := get(img.db, keyFormat)
	if v, _ := binary.Uvarint(f); !ok || v != FormatVersion {
		t.Errorf("format record after the upgrade: %x", f)
	}
	it, _ := img.db.NewIter(&pebble.IterOptions{UpperBound: []byte{1}})
	if it.First() {
		t.Errorf("a format 1 key is left: %q", it.Key())
	}
	it.Close()
	img.Close()

	img, th = openWorld(t, Options{Dir: dir})
	defer img.Close()
	if got := evalIn(t, th, `(twice: 21) + kept`); got != "47" {
		t.Errorf("twice: 21 + kept = %s", got)
	}
	if _, m := lobbyMethod(t, th, "twice:"); m.Prov != nil {
		t.Errorf("a method of format 1 has provenance %v", m.Prov)
	}
	evalIn(t, th, `kept: 6. 0`)
	if got := evalIn(t, th, `kept`); got != "6" {
		t.Errorf("kept = %s", got)
	}
}

// TestMethodProvenance: a generated method's provenance object is stored
// with the method (by reachability), comes back on reopening, is kept by
// gc, passes check, and travels through export and import.
func TestMethodProvenance(t *testing.T) {
	dir := t.TempDir()
	img, th := openWorld(t, Options{Dir: dir})
	evalIn(t, th, `lobby _AddSlots: (| triple: x = ( x * 3 ) |)`)
	evalIn(t, th, `triple: 1`) // compiled, so loaded
	pv, err := th.EvalString("t", `(| model = 'tiny'. verdict = 'accepted'. attempts = 2 |)`)
	if err != nil {
		t.Fatal(err)
	}
	mo, m := lobbyMethod(t, th, "triple:")
	img.Touched(mo)
	m.Prov = pv.Obj()
	if err := th.VM().Commit(); err != nil {
		t.Fatal(err)
	}
	img.Close()

	// gc on the image alone must keep the provenance object
	img, err = Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := img.GC(false, nil); err != nil {
		t.Fatal(err)
	}
	if p := img.Check(); len(p) > 0 {
		t.Fatalf("check: %v", p)
	}
	var export bytes.Buffer
	if _, err := img.Export(&export, ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	img.Close()

	provOf := func(dir string) string {
		img, th := openWorld(t, Options{Dir: dir})
		defer img.Close()
		_, m := lobbyMethod(t, th, "triple:")
		if m.Prov == nil {
			t.Fatalf("%s: the method lost its provenance", dir)
		}
		got := evalIn(t, th, `triple: 5`)
		if got != "15" {
			t.Errorf("triple: 5 = %s", got)
		}
		return provString(t, th, m.Prov)
	}
	if got := provOf(dir); got != "'tiny accepted 2'" {
		t.Errorf("provenance after reopening: %s", got)
	}
	imported := t.TempDir() + "/imported"
	if _, err := Import(&export, imported, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := provOf(imported); got != "'tiny accepted 2'" {
		t.Errorf("provenance after export and import: %s", got)
	}
}

// provString describes a provenance object by sending it messages.
func provString(t *testing.T, th *vm.Thread, prov *vm.Object) string {
	t.Helper()
	v := th.VM()
	if _, err := th.Call(func() vm.Value {
		v.SetSlot(v.Lobby, vm.Slot{Name: "probe", Kind: vm.SlotConst, Const: vm.Ref(prov)})
		return vm.Value{}
	}); err != nil {
		t.Fatal(err)
	}
	return evalIn(t, th, `probe model, ' ', probe verdict, ' ', probe attempts printString`)
}
