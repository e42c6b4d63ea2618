package vm

import (
	"io"
	"os"
	"strings"
	"sync"
	"unsafe"
)

// Heap is told about every object the VM creates and every change to an
// existing object. It is where the persistent image plugs in; the VM never
// knows how objects are stored.
//
// Work happens in transactions. Touched is called before an object that
// existed when the transaction began changes for the first time in it, with
// the object still in its old state, so the heap can log it for undo and
// mark it dirty. Objects created in the transaction are never reported:
// they are new, and unreachable garbage if the transaction aborts.
type Heap interface {
	// NextOID returns a fresh object identity.
	NextOID() OID
	// Touched is called before the first change to o in a transaction.
	Touched(o *Object)
	// Commit makes the transaction's changes durable. On error the VM
	// aborts the transaction.
	Commit(vm *VM) error
	// Abort undoes every change made to touched objects.
	Abort(vm *VM)
}

// MemHeap is the in-memory Heap: identities from a counter, and an undo
// log so that a failed statement leaves no trace.
type MemHeap struct {
	next  OID
	Undo  UndoLog
	blobs memBlobs
}

// NextOID implements Heap.
func (h *MemHeap) NextOID() OID { h.next++; return h.next }

// Touched implements Heap.
func (h *MemHeap) Touched(o *Object) { h.Undo.Save(o) }

// Commit implements Heap.
func (h *MemHeap) Commit(vm *VM) error { h.Undo.Clear(); return nil }

// Abort implements Heap.
func (h *MemHeap) Abort(vm *VM) { h.Undo.Restore(vm) }

// Options configure a VM.
type Options struct {
	Heap       Heap        // nil means a new MemHeap
	Primitives []Primitive // the primitive table
	Stdout     io.Writer   // nil means os.Stdout
	MaxDepth   int         // activation depth limit; 0 means DefaultMaxDepth
	// Roots, when set, are the world to resume (from an image) instead of
	// a new one.
	Roots *Roots
	// LibraryPrefix starts the file names of the standard library's
	// sources: errors raised inside them are placed at the user's send.
	// "" means DefaultLibraryPrefix.
	LibraryPrefix string
}

// DefaultMaxDepth is the default limit on nested activations.
const DefaultMaxDepth = 20000

// VM holds the object world: the well-known objects, the built-in maps, the
// primitive table and the cache epoch. A VM is used by one Thread at a time.
type VM struct {
	heap      Heap
	epoch     uint64
	prims     map[string]*Primitive
	Stdout    io.Writer
	maxDepth  int
	mu        sync.Mutex            // orders the transactions of sessions (session.go)
	gen       uint64                // activation generation counter
	txn       uint32                // current transaction number
	sources   map[string]string     // file texts, for methods' original text (rebase.go)
	sp        *Savepoint            // the innermost open savepoint (savepoint.go)
	allocated int64                 // bytes allocated, approximately (savepoint.go)
	kernel    Generator             // the generative kernel (restart.go)
	counter   func(string, float64) // metrics (txn.go)
	touched   int                   // objects changed in this transaction (txn.go)

	Lobby, Nil, True, False *Object
	// Traits holds the traits object of each built-in kind.
	Traits [NumKinds]*Object
	traits *Object // the lobby's `traits` namespace object

	maps       [NumKinds]*Map // shared maps of built-in kinds
	blockMaps  []*Map         // by arity
	plainEmpty *Map
	libPrefix  string // Options.LibraryPrefix
}

// New creates a VM with the bare well-known objects. The standard library
// (package stdlib) gives them their behaviour.
func New(opts Options) *VM {
	vm := &VM{heap: opts.Heap, Stdout: opts.Stdout, maxDepth: opts.MaxDepth, libPrefix: opts.LibraryPrefix}
	if vm.libPrefix == "" {
		vm.libPrefix = DefaultLibraryPrefix
	}
	if vm.heap == nil {
		vm.heap = &MemHeap{}
	}
	if vm.Stdout == nil {
		vm.Stdout = os.Stdout
	}
	if vm.maxDepth <= 0 {
		vm.maxDepth = DefaultMaxDepth
	}
	vm.prims = make(map[string]*Primitive, len(opts.Primitives))
	for i := range opts.Primitives {
		p := &opts.Primitives[i]
		vm.prims[p.Name] = p
	}
	if opts.Roots != nil {
		vm.useRoots(opts.Roots)
		return vm
	}
	vm.plainEmpty = newMap(KPlain, nil)
	vm.traits = vm.NewObject(nil)
	names := map[Kind]string{KInt: "smallInt", KBig: "bigInt", KFloat: "float", KString: "string",
		KVector: "vector", KBytes: "byteVector", KMethod: "method", KBlock: "block", KForeign: "foreign", KBlob: "blob"}
	var tslots []Slot
	for k := KInt; int(k) < NumKinds; k++ {
		t := vm.NewObject(nil)
		vm.Traits[k] = t
		vm.maps[k] = newMap(k, []Slot{{Name: "parent", Kind: SlotConst, Parent: true, Const: Ref(t)}})
		tslots = append(tslots, Slot{Name: names[k], Kind: SlotConst, Const: Ref(t)})
	}
	vm.traits.m = newMap(KPlain, tslots)
	vm.Nil = vm.NewObject(nil)
	vm.True = vm.NewObject(nil)
	vm.False = vm.NewObject(nil)
	vm.Lobby = vm.NewObject(nil)
	vm.Lobby.m = newMap(KPlain, []Slot{
		{Name: "lobby", Kind: SlotConst, Const: Ref(vm.Lobby)},
		{Name: "traits", Kind: SlotConst, Const: Ref(vm.traits)},
		{Name: "nil", Kind: SlotConst, Const: Ref(vm.Nil)},
		{Name: "true", Kind: SlotConst, Const: Ref(vm.True)},
		{Name: "false", Kind: SlotConst, Const: Ref(vm.False)},
	})
	return vm
}

// Heap returns the VM's heap.
func (vm *VM) Heap() Heap { return vm.heap }

// Epoch returns the layout epoch; it changes whenever any lookup result
// may have changed.
func (vm *VM) Epoch() uint64 { return vm.epoch }

// Primitive returns the registered primitive called name.
func (vm *VM) Primitive(name string) (*Primitive, bool) {
	p, ok := vm.prims[name]
	return p, ok
}

// Primitives returns the registered primitive table.
func (vm *VM) Primitives() map[string]*Primitive { return vm.prims }

func (vm *VM) alloc(m *Map, fields []Value, data any) *Object {
	vm.allocated += objectBytes + int64(len(fields))*valueBytes
	return &Object{m: m, fields: fields, data: data, oid: vm.heap.NextOID(), txn: vm.txn}
}

// NewObject returns a new plain object with the given slots.
func (vm *VM) NewObject(slots []Slot) *Object {
	m := vm.plainEmpty
	if len(slots) > 0 {
		m = newMap(KPlain, slots)
	}
	o := vm.alloc(m, nil, nil)
	if m.nfields > 0 {
		o.fields = make([]Value, m.nfields)
		for _, s := range slots {
			if s.Kind == SlotData {
				i := m.index[s.Name]
				o.fields[m.slots[i].Field] = s.Const
			}
		}
	}
	return o
}

// Bool returns true or false.
func (vm *VM) Bool(b bool) Value {
	if b {
		return Ref(vm.True)
	}
	return Ref(vm.False)
}

// NilValue returns nil.
func (vm *VM) NilValue() Value { return Ref(vm.Nil) }

// Float returns a new float object.
func (vm *VM) Float(f float64) Value { return Ref(vm.alloc(vm.maps[KFloat], nil, f)) }

// NewVector returns a new vector holding elems (not copied).
func (vm *VM) NewVector(elems []Value) Value {
	vm.allocated += int64(cap(elems)) * valueBytes
	return Ref(vm.alloc(vm.maps[KVector], nil, &elems))
}

// NewBytes returns a new byte vector holding b (not copied).
func (vm *VM) NewBytes(b []byte) Value {
	vm.allocated += int64(cap(b))
	return Ref(vm.alloc(vm.maps[KBytes], nil, &b))
}

// NewForeign wraps a Go value in an object. Foreign objects cannot be
// persisted.
func (vm *VM) NewForeign(x any) Value { return Ref(vm.alloc(vm.maps[KForeign], nil, x)) }

// touch tells the heap that o is about to change, the first time in a
// transaction.
func (vm *VM) touch(o *Object) {
	if o.txn != vm.txn {
		vm.heap.Touched(o)
		o.txn = vm.txn
		vm.touched++
	}
	if vm.sp != nil {
		vm.sp.save(o)
	}
}

// SetField writes field i of o. It is the single place where slot values
// change.
func (vm *VM) SetField(o *Object, i int, v Value) {
	vm.touch(o)
	o.fields[i] = v
}

// setMap replaces o's map and fields (a layout change) and invalidates all
// inline caches.
func (vm *VM) setMap(o *Object, m *Map, fields []Value) {
	vm.touch(o)
	o.m = m
	o.fields = fields
	vm.epoch++
}

// SetVector replaces a vector's elements (after growth) or a byte vector's
// bytes, telling the heap.
func (vm *VM) SetVector(o *Object, elems []Value) {
	vm.touch(o)
	if old := *o.data.(*[]Value); cap(elems) != cap(old) {
		vm.allocated += int64(cap(elems)) * valueBytes
	}
	*o.data.(*[]Value) = elems
}

// SetElem writes element i of a vector.
func (vm *VM) SetElem(o *Object, i int, v Value) {
	vm.touch(o)
	(*o.data.(*[]Value))[i] = v
}

// SetBytes replaces a byte vector's contents.
// Only a new backing array counts as allocated, so appending in place
// (room left by an earlier growth) is not charged again.
func (vm *VM) SetBytes(o *Object, b []byte) {
	vm.touch(o)
	old := *o.data.(*[]byte)
	if cap(b) > 0 && (cap(old) == 0 || unsafe.SliceData(b[:cap(b)]) != unsafe.SliceData(old[:cap(old)])) {
		vm.allocated += int64(cap(b))
	}
	*o.data.(*[]byte) = b
}

// MapOf returns the map that describes v.
func (vm *VM) MapOf(v Value) *Map {
	if v.o == nil {
		return vm.maps[KInt]
	}
	if v.o.m == ghostMap {
		v.o.load()
	}
	return v.o.m
}

// Clone returns a shallow copy of v (Self's _Clone). Small integers and
// strings are returned as they are.
func (vm *VM) Clone(v Value) Value {
	o := v.o
	if o == nil {
		return v
	}
	o.ensure()
	switch o.kind() {
	case KString, KBig, KFloat, KMethod, KBlock, KForeign, KBlob:
		return v
	}
	var f []Value
	if len(o.fields) > 0 {
		f = make([]Value, len(o.fields))
		copy(f, o.fields)
	}
	var data any
	switch d := o.data.(type) {
	case *[]Value:
		c := append([]Value(nil), (*d)...)
		data = &c
	case *[]byte:
		c := append([]byte(nil), (*d)...)
		data = &c
	}
	return Ref(vm.alloc(o.m, f, data))
}

// blockMap returns the shared map of blocks taking n arguments. Besides
// its own value selector it holds those of fewer arguments, so that
// `[| :x | x] value` is an arity error (Thread.invoke) rather than the
// library's `value` of any object; a value selector with more arguments
// than the block takes reaches the library, which drops the extra ones
// (do: passes the key as a second argument).
func (vm *VM) blockMap(n int) *Map {
	for len(vm.blockMaps) <= n {
		k := len(vm.blockMaps)
		slots := []Slot{{Name: "parent", Kind: SlotConst, Parent: true, Const: Ref(vm.Traits[KBlock])}}
		for j := 0; j <= k; j++ {
			slots = append(slots, Slot{Name: valueSelector(j), Kind: SlotBlockValue})
		}
		vm.blockMaps = append(vm.blockMaps, newMap(KBlock, slots))
	}
	return vm.blockMaps[n]
}

// valueSelector returns the selector that calls a block of n arguments:
// value, value:, value:With:, ...
func valueSelector(n int) string {
	if n == 0 {
		return "value"
	}
	return "value:" + strings.Repeat("With:", n-1)
}
