package image

import (
	"weak"

	"batos/vm"
)

// The identity table: which *vm.Object in memory is the object with a
// given OID, so that every reference to a stored object reads back as the
// same Go object. An object the image holds strongly (loaded, stored by a
// commit, or a ghost made since the last sweep) is in live; a ghost the
// image has let go of is in weak, so Go collects it once nothing else
// refers to it, and a later reference makes a new ghost.
//
// A weak pointer costs a 16-byte handle on the heap and a 32-byte record
// outside it for as long as its object lives, so only ghosts get one, and
// only those that outlive a sweep: most ghosts are loaded soon after they
// are made (a list or a vector being walked), and a loaded object is held
// by the loaded list anyway.
type identities struct {
	live map[vm.OID]*vm.Object
	weak map[vm.OID]weak.Pointer[vm.Object]
	made []*vm.Object // ghosts put in live since the last sweep
}

func newIdentities() identities {
	return identities{live: map[vm.OID]*vm.Object{}, weak: map[vm.OID]weak.Pointer[vm.Object]{}}
}

// get returns the object in memory with identity oid, or nil.
func (ids *identities) get(oid vm.OID) *vm.Object {
	if o := ids.live[oid]; o != nil {
		return o
	}
	if w, ok := ids.weak[oid]; ok {
		if o := w.Value(); o != nil {
			return o
		}
		delete(ids.weak, oid)
	}
	return nil
}

// hold records o, held strongly.
func (ids *identities) hold(o *vm.Object) {
	ids.live[o.OID()] = o
	if o.IsGhost() {
		if len(ids.made) == cap(ids.made) && len(ids.made) >= 1024 {
			ids.compact() // before it grows
		}
		ids.made = append(ids.made, o)
	} else {
		delete(ids.weak, o.OID())
	}
}

// compact drops from made the ghosts loaded since (most are: a list or
// a vector being walked), so it does not grow with them.
func (ids *identities) compact() {
	n := 0
	for _, o := range ids.made {
		if o.IsGhost() {
			ids.made[n] = o
			n++
		}
	}
	clear(ids.made[n:])
	ids.made = ids.made[:n]
}

// forget drops oid (its record is gone).
func (ids *identities) forget(oid vm.OID) {
	delete(ids.live, oid)
	delete(ids.weak, oid)
}

// sweepDue reports whether enough ghosts were made since the last sweep
// to make one worth its cost (a pass over live): a quarter of the cache.
func (ids *identities) sweepDue(cache int) bool { return len(ids.made) > cache/4 }

// sweep lets go of the ghosts held strongly: those made since the last
// sweep that are still ghosts, and evicted, objects just turned back into
// ghosts. It forgets collected objects once the weak entries outnumber
// what they can usefully hold (four times the cache).
func (ids *identities) sweep(evicted []*vm.Object, cache int) {
	for _, list := range [2][]*vm.Object{ids.made, evicted} {
		for _, o := range list {
			if o.IsGhost() && ids.live[o.OID()] == o {
				ids.weak[o.OID()] = weak.Make(o)
				delete(ids.live, o.OID())
			}
		}
	}
	clear(ids.made)
	ids.made = ids.made[:0]
	if len(ids.weak) > 4*cache {
		for oid, w := range ids.weak {
			if w.Value() == nil {
				delete(ids.weak, oid)
			}
		}
	}
}
