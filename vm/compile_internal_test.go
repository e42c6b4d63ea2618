package vm

import (
	"fmt"
	"testing"

	"batos/lang"
)

// Only methods whose real blocks `^` pay for catching non-local returns in
// every activation; a `^` in an inlined control structure's block does not
// make its method pay (its fallback send catches it).
func TestHasNLR(t *testing.T) {
	v := New(Options{})
	th := v.NewThread()
	for _, c := range []struct {
		src  string
		want bool
	}{
		{"(| m: n = ( n < 2 ifTrue: [ ^ n ]. n ) |)", false},
		{"(| m: n = ( 1 to: n Do: [| :i | ^ i ]. n ) |)", false},
		{"(| m: n = ( n foo: [ ^ n ]. n ) |)", true},
		{"(| m: n = ( [ n ifTrue: [ ^ n ] ] value. n ) |)", true}, // the inline if is inside a real block
	} {
		e, err := lang.ParseExpr("t.self", c.src)
		if err != nil {
			t.Fatal(err)
		}
		s := e.(*lang.Object).Slots[0]
		c2 := &compiler{t: th, vm: v, file: "t.self", check: true}
		code := c2.method(&Method{Sel: s.Name, Args: s.Args, Body: MethodBody(s), File: "t.self"})
		if code.hasNLR != c.want {
			t.Errorf("%s: hasNLR = %v, want %v", c.src, code.hasNLR, c.want)
		}
	}
}

// Trivial methods are classified once, when compiled.
func TestTrivialMethods(t *testing.T) {
	v := New(Options{Primitives: []Primitive{
		{Name: "_Pure:", Fn: func(*Thread, Value, []Value) (Value, error) { return Value{}, nil }},
		{Name: "_Pure", Fn: func(*Thread, Value, []Value) (Value, error) { return Value{}, nil }},
		{Name: "_Pure:With:", Fn: func(*Thread, Value, []Value) (Value, error) { return Value{}, nil }},
		{Name: "_Effect:", Cap: "files", Fn: func(*Thread, Value, []Value) (Value, error) { return Value{}, nil }},
	}})
	th := v.NewThread()
	for _, c := range []struct {
		src  string
		want uint8 // 0: not trivial
	}{
		{"(| m = ( self ) |)", trivSelf},
		{"(| m = ( 42 ) |)", trivConst},
		{"(| m = ( 'text' ) |)", trivConst},
		{"(| m: a = ( _Pure: a ) |)", trivPrim},
		{"(| m: a = ( self _Pure: a IfFail: [ 0 ] ) |)", trivPrim},
		{"(| m = ( _Pure: 10 ) |)", trivPrim},
		{"(| m = ( _Pure ) |)", trivPrim},
		{"(| m: a With: b = ( _Pure: a With: b ) |)", trivPrim},
		{"(| m: a With: b = ( _Pure: b With: a ) |)", 0}, // not in order
		{"(| m: a With: b = ( _Pure: a With: 1 ) |)", 0}, // mixed
		{"(| m: a = ( _Effect: a ) |)", 0},               // an outside effect
		{"(| m: a = ( a _Pure: a ) |)", 0},               // not sent to self
		{"(| m = ( | x | 3 ) |)", 0},                     // locals
		{"(| m = ( 3. 4 ) |)", 0},
		{"(| m = ( ^ 3 ) |)", 0},
	} {
		e, err := lang.ParseExpr("t.self", c.src)
		if err != nil {
			t.Fatal(err)
		}
		s := e.(*lang.Object).Slots[0]
		c2 := &compiler{t: th, vm: v, file: "t.self"}
		code := c2.method(&Method{Sel: s.Name, Args: s.Args, Body: MethodBody(s), File: "t.self"})
		got := uint8(0)
		if code.trivial != nil {
			got = code.trivial.kind
		}
		if got != c.want {
			t.Errorf("%s: trivial kind %d, want %d", c.src, got, c.want)
		}
	}
}

// A map's index and parent list, kept up to date slot by slot as the map
// is built, are what a full reindex gives, whatever the slot list holds:
// data slots (with their setters), constants, parents, and names given
// twice (a data slot again, a data slot made a parent, a constant in
// place of a data slot).
func TestMapIndexIncremental(t *testing.T) {
	var slots []Slot
	for i := range 50 {
		name := fmt.Sprint("s", i%17) // names come back
		switch i % 4 {
		case 0:
			slots = append(slots, Slot{Name: name, Kind: SlotData})
		case 1:
			slots = append(slots, Slot{Name: name, Kind: SlotData, Parent: true})
		case 2:
			slots = append(slots, Slot{Name: name, Kind: SlotConst})
		case 3:
			slots = append(slots, Slot{Name: name, Kind: SlotConst, Parent: true})
		}
	}
	m := newMap(KPlain, nil)
	for _, s := range slots {
		m.put(s)
		checkIndex(t, m)
	}
	checkIndex(t, newMap(KPlain, slots))
}

func checkIndex(t *testing.T, m *Map) {
	t.Helper()
	want := m.clone() // its index and parents come from reindex
	if len(m.index) != len(m.slots) {
		t.Fatalf("index has %d names for %d slots", len(m.index), len(m.slots))
	}
	for name, i := range want.index {
		if m.index[name] != i {
			t.Fatalf("index[%s] = %d, want %d", name, m.index[name], i)
		}
	}
	if fmt.Sprint(m.parents) != fmt.Sprint(want.parents) {
		t.Fatalf("parents %v, want %v", m.parents, want.parents)
	}
}
