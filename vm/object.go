package vm

import (
	"batos/lang"
)

// OID is an object's stable identity.
type OID uint64

// Object is a batos object: a map describing its slots, its assignable
// fields, and for built-in kinds a payload. Fields are only written through
// the VM (setField, setMap), so the heap sees every change.
type Object struct {
	m      *Map
	fields []Value
	data   any // the payload (a short string has none: its bytes follow the Object; strings.go)
	oid    OID
	txn    uint32 // the transaction that last touched (or created) it
	flags  uint32 // owned by the Heap (e.g. "stored on disk")
}

// OID returns the object's identity.
func (o *Object) OID() OID { return o.oid }

// Map returns the object's map.
func (o *Object) Map() *Map { return o.m }

// Fields returns the object's field values (read only).
func (o *Object) Fields() []Value { return o.fields }

// Data returns the object's payload (a string's payload is its Str).
func (o *Object) Data() any {
	if o.m.kind == KString {
		return o.str()
	}
	return o.data
}

// Flags returns the heap's flags for o.
func (o *Object) Flags() uint32 { return o.flags }

// SetFlags replaces the heap's flags for o.
func (o *Object) SetFlags(f uint32) { o.flags = f }

// SlotKind says what a slot in a map is.
type SlotKind uint8

const (
	// SlotConst is a constant slot; its value lives in the map.
	SlotConst SlotKind = iota
	// SlotData is an assignable slot; its value lives in Object.fields.
	SlotData
	// SlotSetter is the implicit assignment slot `x:` of an assignable `x`.
	SlotSetter
	// SlotBlockValue is a block's value/value:/... slot.
	SlotBlockValue
)

var slotKindNames = [...]string{"constant", "assignable", "assignment", "blockValue"}

func (k SlotKind) String() string { return slotKindNames[k] }

// Slot describes one slot of a map.
type Slot struct {
	Name     string
	Kind     SlotKind
	Parent   bool
	Field    int   // SlotData, SlotSetter: index into fields
	Const    Value // SlotConst: the value
	Category string
}

// Map is a Self map ("hidden class"): the slot layout shared by clones.
// Maps are immutable once shared; changing an object's layout gives it a
// new map and bumps the VM epoch, invalidating inline caches.
type Map struct {
	kind       Kind
	slots      []Slot
	index      map[string]int
	parents    []int // indices of parent slots, in declaration order
	nfields    int
	Annotation string
	oid        OID
}

// Kind returns the payload kind of objects with this map.
func (m *Map) Kind() Kind { return m.kind }

// Slots returns the slots in declaration order (read only).
func (m *Map) Slots() []Slot { return m.slots }

// NumFields returns how many assignable fields objects with this map have.
func (m *Map) NumFields() int { return m.nfields }

// Lookup finds a slot by name in this map only.
func (m *Map) Lookup(name string) (*Slot, bool) {
	if i, ok := m.index[name]; ok {
		return &m.slots[i], true
	}
	return nil, false
}

// newMap builds a map from slots. Setter slots are added for every data slot.
func newMap(kind Kind, slots []Slot) *Map {
	m := &Map{kind: kind}
	m.slots = make([]Slot, 0, len(slots)*2)
	m.index = make(map[string]int, len(slots)*2)
	for _, s := range slots {
		m.put(s)
	}
	return m
}

// put adds or replaces slot s (not shared maps: caller copies first).
func (m *Map) put(s Slot) {
	if i, ok := m.index[s.Name]; ok {
		old := m.slots[i]
		if old.Kind == SlotData && s.Kind == SlotData {
			s.Field = old.Field
			m.slots[i] = s
			if old.Parent != s.Parent {
				m.reindex()
			}
			return
		}
		m.remove(s.Name)
	}
	if s.Kind == SlotData {
		s.Field = m.nfields
		m.nfields++
	}
	// appended: the index grows by the new slots (a full reindex at every
	// slot made building a map of n slots, and so each _AddSlots: to an
	// object of n slots, cost n squared)
	m.append(s)
	if s.Kind == SlotData {
		m.append(Slot{Name: s.Name + ":", Kind: SlotSetter, Field: s.Field, Category: s.Category})
	}
}

// append adds s after the slots and to the index.
func (m *Map) append(s Slot) {
	m.slots = append(m.slots, s)
	m.index[s.Name] = len(m.slots) - 1
	if s.Parent {
		m.parents = append(m.parents, len(m.slots)-1)
	}
}

// remove deletes slot name (and its setter); fields are not renumbered.
func (m *Map) remove(name string) bool {
	i, ok := m.index[name]
	if !ok {
		return false
	}
	s := m.slots[i]
	out := m.slots[:0:0]
	for _, t := range m.slots {
		if t.Name == name || (s.Kind == SlotData && t.Kind == SlotSetter && t.Field == s.Field) {
			continue
		}
		out = append(out, t)
	}
	m.slots = out
	m.reindex()
	return true
}

func (m *Map) reindex() {
	m.index = make(map[string]int, len(m.slots))
	m.parents = m.parents[:0]
	for i, s := range m.slots {
		m.index[s.Name] = i
		if s.Parent {
			m.parents = append(m.parents, i)
		}
	}
}

// clone returns an unshared copy of m.
func (m *Map) clone() *Map {
	n := &Map{kind: m.kind, nfields: m.nfields, Annotation: m.Annotation}
	n.slots = append([]Slot(nil), m.slots...)
	n.reindex()
	return n
}

// Method is the payload of a method object: its source slot and its
// compiled code (compiled on first activation).
type Method struct {
	Sel    string
	Args   []string
	Body   *lang.Object
	File   string   // file the method was defined in
	Source string   // canonical source of the whole slot, for reflection
	Text   string   // the slot as written, when known (kept for positions)
	At     lang.Pos // where Text started in File
	// Prov is the provenance of a method the generative kernel wrote (a
	// plain object whose slots say which model, prompt hash, time, verdict
	// and attempts); nil for methods people wrote. The image stores it with
	// the method record.
	Prov *Object
	code *Code
}

// Block is the payload of a block object: compiled code plus the frame it
// was created in. The block is dead once that frame returns.
type Block struct {
	code  *Code
	outer *Frame
	gen   uint64
}
