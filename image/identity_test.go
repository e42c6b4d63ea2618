package image

import (
	"runtime"
	"testing"

	"batos/vm"
)

// TestIdentitiesSweep: a ghost keeps its identity while something refers
// to it, before and after a sweep lets go of it; once nothing does, Go
// collects it and the table forgets it; a loaded object stays held.
func TestIdentitiesSweep(t *testing.T) {
	ids := newIdentities()
	loaded := vm.New(vm.Options{}).Lobby // any object with contents
	ids.hold(loaded)
	kept := vm.NewGhost(1_000_001, nil)
	ids.hold(kept)
	for oid := vm.OID(2_000_000); oid < 2_000_100; oid++ {
		ids.hold(vm.NewGhost(oid, nil)) // ghosts nothing refers to
	}
	if !ids.sweepDue(100) || ids.sweepDue(1000) {
		t.Fatalf("sweepDue after %d ghosts: want a sweep for a cache of 100, not of 1000", len(ids.made))
	}
	if ids.get(kept.OID()) != kept || ids.get(2_000_050) == nil {
		t.Fatal("a ghost held strongly is not found")
	}
	ids.sweep(nil, 100)
	if len(ids.live) != 1 || ids.live[loaded.OID()] != loaded {
		t.Fatalf("after a sweep live holds %d objects; want only the loaded one", len(ids.live))
	}
	if len(ids.made) != 0 || ids.sweepDue(1) {
		t.Fatalf("after a sweep %d ghosts are counted", len(ids.made))
	}
	runtime.GC()
	runtime.GC()
	if ids.get(kept.OID()) != kept {
		t.Fatal("a ghost something refers to lost its identity after a sweep")
	}
	if o := ids.get(2_000_050); o != nil {
		t.Fatalf("a ghost nothing refers to is still found after a GC: %v", o.OID())
	}
	if _, ok := ids.weak[2_000_050]; ok {
		t.Fatal("the weak entry of a collected ghost was not forgotten when looked up")
	}
	ids.forget(kept.OID())
	if ids.get(kept.OID()) != nil {
		t.Fatal("a forgotten identity is still found")
	}
	runtime.KeepAlive(kept)
}

// TestIdentitiesLoaded: ghosts that were loaded leave the list of ghosts
// to sweep as it fills (a walk does not grow it), and a ghost let go of
// and then loaded is held strongly again.
func TestIdentitiesLoaded(t *testing.T) {
	v := vm.New(vm.Options{})
	empty := v.Roots().PlainEmpty
	load := func(o *vm.Object) {
		if err := v.Fill(o, empty, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	ids := newIdentities()
	var walked []*vm.Object
	for oid := vm.OID(1); oid <= 10_000; oid++ {
		o := vm.NewGhost(oid, nil)
		ids.hold(o)
		load(o)
		ids.hold(o)
		walked = append(walked, o)
	}
	if len(ids.made) > 1024 {
		t.Errorf("after walking 10,000 ghosts %d wait for a sweep; want at most 1,024", len(ids.made))
	}
	g := vm.NewGhost(20_000, nil)
	ids.hold(g)
	ids.sweep(nil, 1000)
	if _, ok := ids.live[g.OID()]; ok {
		t.Fatal("a sweep kept a ghost in live")
	}
	load(g)
	ids.hold(g)
	if ids.live[g.OID()] != g {
		t.Fatal("a loaded object is not held strongly")
	}
	if _, ok := ids.weak[g.OID()]; ok {
		t.Fatal("a loaded object kept its weak entry")
	}
	for _, o := range walked {
		if ids.get(o.OID()) != o {
			t.Fatalf("object %d lost its identity", o.OID())
		}
	}
}
