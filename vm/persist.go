package vm

import (
	"fmt"
	"math/big"

	"batos/lang"
)

// This file is the VM's side of the persistent image: the roots a world is
// made of, ghosts (objects whose contents are not in memory yet), and the
// calls a Heap uses to rebuild objects and maps it reads back.

// KGhost is the kind of ghostMap: an object not loaded yet.
const KGhost Kind = 255

// ghostMap is the map of every ghost. It has no slots, so any lookup
// reaches the slow path, which loads the object first.
var ghostMap = &Map{kind: KGhost, index: map[string]int{}}

// Loader fills in ghosts: Load must call VM.Fill on o.
type Loader interface {
	Load(o *Object) error
}

// NewGhost returns an object with identity oid whose contents l loads on
// first touch. A ghost's payload is its Loader.
func NewGhost(oid OID, l Loader) *Object {
	return &Object{m: ghostMap, oid: oid, data: l}
}

// IsGhost reports whether o's contents are not in memory.
func (o *Object) IsGhost() bool { return o.m == ghostMap }

// ensure loads o if it is a ghost.
func (o *Object) ensure() {
	if o.m == ghostMap {
		o.load()
	}
}

// kind returns o's kind, loading it if needed.
func (o *Object) kind() Kind {
	if o.m == ghostMap {
		o.load()
	}
	return o.m.kind
}

func (o *Object) load() {
	if err := o.data.(Loader).Load(o); err != nil {
		panic(&Error{Kind: ErrImage, Msg: fmt.Sprintf("cannot load object %d from the image: %v", o.oid, err), Cause: err})
	}
	if o.m == ghostMap {
		panic(&Error{Kind: ErrImage, Msg: fmt.Sprintf("object %d: the loader did not fill it", o.oid)})
	}
}

// Fill gives a ghost (or any object being rebuilt) its contents. Payload
// is: a string for strings, float64, *big.Int, []Value for vectors, []byte
// for byte vectors, *Method for methods, BlobRef for blobs.
func (vm *VM) Fill(o *Object, m *Map, fields []Value, payload any) error {
	o.m, o.fields, o.data = m, fields, nil
	switch p := payload.(type) {
	case nil:
	case string:
		o.data = &p
	case float64, *big.Int, *Method:
		o.data = p
	case BlobRef:
		o.data = &p
	case []Value:
		o.data = &p
	case []byte:
		o.data = &p
	default:
		return fmt.Errorf("unknown payload %T", payload)
	}
	if m.kind == KString && o.data == nil {
		// a nil payload means contents inside the object (strings.go),
		// which a loaded object does not have
		return fmt.Errorf("object %d is a string without contents", o.oid)
	}
	if len(fields) != m.nfields {
		return fmt.Errorf("object %d has %d fields, its map says %d", o.oid, len(fields), m.nfields)
	}
	o.txn = vm.txn - 1 // clean: the next change is reported to the heap
	return nil
}

// Evict turns a loaded, unchanged object back into a ghost so its contents
// can be collected. Call it only between transactions; it invalidates the
// inline caches.
func (vm *VM) Evict(o *Object, l Loader) {
	o.m, o.fields, o.data = ghostMap, nil, l
	vm.epoch++
}

// NoPayload reports whether o is loaded and has no payload (Payload would
// return nil): a plain object, which its map and fields describe.
func (o *Object) NoPayload() bool {
	return o.data == nil && o.m.kind != KString && o.m != ghostMap
}

// Payload returns o's payload in the form Fill takes.
func (o *Object) Payload() any {
	o.ensure()
	switch d := o.data.(type) {
	case *[]Value:
		return *d
	case *[]byte:
		return *d
	case *BlobRef:
		return *d
	}
	if o.m.kind == KString {
		return o.str()
	}
	return o.data
}

// OID returns the map's identity in the image (0 until it is stored).
func (m *Map) OID() OID { return m.oid }

// SetOID records the map's identity in the image.
func (m *Map) SetOID(oid OID) { m.oid = oid }

// RestoreMap rebuilds a map read back from the image: slots exactly as
// stored (setters included).
func RestoreMap(kind Kind, slots []Slot, annotation string, nfields int, oid OID) *Map {
	m := &Map{kind: kind, slots: slots, nfields: nfields, Annotation: annotation, oid: oid}
	m.reindex()
	return m
}

// Roots are the objects and maps a world is built from. A new VM makes
// them; a VM resumed from an image is given them.
type Roots struct {
	Lobby, Nil, True, False, Traits *Object
	KindTraits                      [NumKinds]*Object
	KindMaps                        [NumKinds]*Map
	PlainEmpty                      *Map
}

// Roots returns the VM's roots.
func (vm *VM) Roots() Roots {
	return Roots{Lobby: vm.Lobby, Nil: vm.Nil, True: vm.True, False: vm.False, Traits: vm.traits,
		KindTraits: vm.Traits, KindMaps: vm.maps, PlainEmpty: vm.plainEmpty}
}

// useRoots installs resumed roots.
func (vm *VM) useRoots(r *Roots) {
	vm.Lobby, vm.Nil, vm.True, vm.False, vm.traits = r.Lobby, r.Nil, r.True, r.False, r.Traits
	vm.Traits, vm.maps, vm.plainEmpty = r.KindTraits, r.KindMaps, r.PlainEmpty
}

// MethodFromSource rebuilds a method object's payload from its source
// (a slot declaration as lang.FormatSlot prints it).
func MethodFromSource(src, file string) (*Method, error) {
	e, err := lang.ParseExpr(file, "(| "+src+" |)")
	if err != nil {
		return nil, err
	}
	obj, ok := e.(*lang.Object)
	if !ok || len(obj.Slots) != 1 {
		return nil, fmt.Errorf("method source is not one slot: %q", src)
	}
	s := obj.Slots[0]
	body := MethodBody(s)
	if body == nil {
		return nil, fmt.Errorf("slot %q is not a method", s.Name)
	}
	return &Method{Sel: s.Name, Args: s.Args, Body: body, File: file, Source: src}, nil
}

// Persistable reports why v cannot be stored in an image ("" if it can).
func Persistable(v Value) string {
	if v.o == nil || v.o.m == ghostMap {
		return ""
	}
	switch v.o.m.kind {
	case KBlock:
		return "a block (blocks die with their method)"
	case KForeign:
		return "a foreign (native) object"
	}
	return ""
}

// Checkpointer is implemented by heaps that want to act at the VM's safe
// points (every few thousand steps): the image evicts clean objects there,
// so one long statement can touch more objects than the cache holds.
type Checkpointer interface {
	Checkpoint(vm *VM)
}

// Changed reports whether o was created or changed in the current
// transaction (such objects must stay in memory until it ends).
func (vm *VM) Changed(o *Object) bool { return o.txn == vm.txn }
