package vm

import (
	"errors"
	"fmt"
	"strings"

	"batos/lang"
)

// Installing methods from text: what the generative kernel does with an
// accepted completion, and what `_AddMethodFrom:` lets users do.

// ParseMethod parses text as exactly one method slot. file names the text
// in positions ("gen:acct/reset"); positions are those of text itself
// (line 1, column 1 is its first byte), in the AST and in syntax errors.
func ParseMethod(file, text string) (*lang.Slot, *lang.Object, error) {
	// the text goes on lines of its own, so only line numbers shift
	e, err := lang.ParseExpr(file, "(|\n"+text+"\n|)")
	if err != nil {
		var el lang.ErrorList
		if errors.As(err, &el) {
			for _, x := range el {
				x.Pos.Line--
				x.Pos.Offset -= 3
				if x.Pos.Line < 1 {
					x.Pos.Line, x.Pos.Col = 1, 1
				}
				if n := strings.Count(text, "\n") + 1; x.Pos.Line > n {
					// past the end: point just after the last character
					last := text[strings.LastIndexByte(text, '\n')+1:]
					x.Pos.Line, x.Pos.Col, x.Pos.Offset = n, len(last)+1, len(text)
				}
			}
		}
		return nil, nil, err
	}
	obj, ok := e.(*lang.Object)
	if !ok || len(obj.Code) > 0 {
		return nil, nil, fmt.Errorf("%s:1:1: not a slot declaration", file)
	}
	rebase(obj, lang.Pos{Line: 0, Col: 1, Offset: 0})
	switch len(obj.Slots) {
	case 0:
		return nil, nil, fmt.Errorf("%s:1:1: no slot declared", file)
	case 1:
	default:
		s := obj.Slots[1]
		return nil, nil, fmt.Errorf("%s:%d:%d: more than one slot declared ('%s')", file, s.Pos().Line, s.Pos().Col, s.Name)
	}
	s := obj.Slots[0]
	body := MethodBody(s)
	if body == nil {
		if len(s.Args) > 0 {
			return nil, nil, fmt.Errorf("%s:%d:%d: slot '%s' has arguments but no method body", file, s.Pos().Line, s.Pos().Col, s.Name)
		}
		return nil, nil, fmt.Errorf("%s:%d:%d: slot '%s' is not a method", file, s.Pos().Line, s.Pos().Col, s.Name)
	}
	return s, body, nil
}

// CompileMethod compiles the method slot s (as parsed by ParseMethod)
// without running it, and returns the method object, not yet installed.
// A compile error (an unknown primitive, an assignment to an argument, an
// arity mismatch) is returned with its position.
func (t *Thread) CompileMethod(s *lang.Slot, body *lang.Object, file, text string) (*Method, error) {
	m := &Method{Sel: s.Name, Args: s.Args, Body: body, File: file, Source: lang.FormatSlot(s), Text: text, At: lang.Pos{Line: 1, Col: 1}}
	_, err := t.catch(t.depth, func() Value {
		c := &compiler{t: t, vm: t.vm, file: file}
		m.code = c.method(m)
		return Value{}
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// InstallMethod installs m as a constant slot of target (replacing a slot
// of the same name), in the current transaction. The slot's category is
// cat ("" for none).
func (vm *VM) InstallMethod(target *Object, m *Method, cat string) {
	vm.SetSlot(target, Slot{Name: m.Sel, Kind: SlotConst, Category: cat, Const: Ref(vm.alloc(vm.maps[KMethod], nil, m))})
}

// SlotMethod returns the method held by target's own slot name, if any.
func (vm *VM) SlotMethod(target *Object, name string) (*Method, bool) {
	target.ensure()
	s, ok := target.m.Lookup(name)
	if !ok || s.Kind != SlotConst {
		return nil, false
	}
	return s.Const.o.methodPayload()
}

// ShapeKey describes the layout of v for the kernel's generation cache:
// its kind, its slots (names and kinds, in order) and the identity of its
// constant parents. Objects of the same shape answer a selector the same
// way until one of them changes.
func (vm *VM) ShapeKey(v Value) string {
	m := vm.MapOf(v)
	b := make([]byte, 0, 64)
	b = append(b, byte(m.kind))
	for i := range m.slots {
		s := &m.slots[i]
		b = append(b, '|')
		b = append(b, s.Name...)
		b = append(b, byte('0'+s.Kind))
		if s.Parent {
			b = append(b, '*')
			if s.Kind == SlotConst && s.Const.o != nil {
				b = fmt.Appendf(b, "@%d", s.Const.o.oid)
			}
		}
	}
	return string(b)
}

// OwnerFor returns the object a method for v's misses is installed in: v
// itself when it can hold slots, else the traits object of its kind
// (integers, floats, strings, vectors, byte vectors...). traits reports
// which.
func (vm *VM) OwnerFor(v Value) (owner *Object, traits bool) {
	if v.o == nil {
		return vm.Traits[KInt], true
	}
	switch k := v.o.kind(); k {
	case KPlain:
		return v.o, false
	default:
		return vm.Traits[k], true
	}
}

// GeneratedMethod returns the selector of the innermost active method the
// kernel wrote.
func (t *Thread) GeneratedMethod() (string, bool) {
	for d := t.depth; d >= 0; d-- {
		fr := t.frame(d)
		if fr.code != nil && fr.code.generated {
			return fr.code.Name, true
		}
	}
	return "", false
}

// IsGenerated reports whether the running activation or one of its
// callers is a method the kernel wrote (stack inspection for
// capabilities).
func (t *Thread) IsGenerated() bool {
	for d := t.depth; d >= 0; d-- {
		fr := t.frame(d)
		if fr.code != nil && fr.code.generated {
			return true
		}
	}
	return false
}

// KindValue returns a value of kind k for lookups only (the guardian's
// type inference): it has k's map and no identity, and must not be stored.
func (vm *VM) KindValue(k Kind) Value {
	if k == KInt {
		return Int(0)
	}
	if k == KString {
		o, room := newStrObject(0)
		sealString(room, 0)
		o.m = vm.maps[k]
		return Ref(o)
	}
	return Ref(&Object{m: vm.maps[k]})
}

// KindOf names the kind of a value that is not a plain object
// ("smallInt", "string", "vector"...); ok is false for plain objects.
func (vm *VM) KindOf(v Value) (string, bool) {
	if v.o == nil {
		return "smallInt", true
	}
	k := v.o.kind()
	if k == KPlain {
		return "", false
	}
	return k.String(), true
}

// MarkGenerated records m as written by the kernel, with its provenance:
// capability checks then see its activations as generated.
func (vm *VM) MarkGenerated(m *Method, prov *Object) {
	m.Prov = prov
	if m.code != nil {
		m.code.generated = prov != nil
	}
}

// FieldValue returns the value of o's slot name (data or constant), for Go
// code that reads library objects (the kernel's policy).
func (vm *VM) FieldValue(o *Object, name string) (Value, bool) {
	if o == nil {
		return Value{}, false
	}
	o.ensure()
	s, ok := o.m.Lookup(name)
	if !ok || s.Kind == SlotSetter || s.Kind == SlotBlockValue {
		return Value{}, false
	}
	return o.SlotValue(s), true
}

// SetFieldNamed writes o's assignable slot name, in the current
// transaction; it reports false when o has no such slot.
func (vm *VM) SetFieldNamed(o *Object, name string, v Value) bool {
	o.ensure()
	s, ok := o.m.Lookup(name)
	if !ok || s.Kind != SlotData {
		return false
	}
	vm.SetField(o, s.Field, v)
	return true
}

// Elements returns a vector's elements (nil for other values).
func (v Value) Elements() []Value {
	if v.o == nil || v.o.kind() != KVector {
		return nil
	}
	return *v.o.data.(*[]Value)
}

// Selectors returns every selector v understands: the slot names of its
// map and of all its ancestors (setters included), each once.
func (vm *VM) Selectors(v Value) []string {
	var out []string
	seen := map[string]bool{}
	visited := map[*Object]bool{}
	var walk func(m *Map, o *Object)
	walk = func(m *Map, o *Object) {
		for i := range m.slots {
			if name := m.slots[i].Name; !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
		for _, pi := range m.parents {
			ps := &m.slots[pi]
			pv := ps.Const
			if ps.Kind == SlotData && o != nil {
				pv = o.fields[ps.Field]
			}
			if pv.o == nil || visited[pv.o] {
				continue
			}
			visited[pv.o] = true
			walk(vm.MapOf(pv), pv.o)
		}
	}
	if v.o != nil {
		visited[v.o] = true
	}
	walk(vm.MapOf(v), v.o)
	return out
}
