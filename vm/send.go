package vm

import (
	"fmt"
	"strings"

	"batos/lang"
)

// UndefinedSelector is the selector sent to a receiver when lookup fails.
// The arguments are the selector (a string) and a vector of the original
// arguments. The generative kernel overrides it.
const UndefinedSelector = "undefinedSelector:Arguments:"

// sendSite is one send in compiled code, with its inline cache.
type sendSite struct {
	sel  string
	file string
	pos  lang.Pos
	ic   icEntry
}

// icEntry kinds.
const (
	icNone uint8 = iota
	icSelfField
	icHolderField
	icSelfSetter
	icHolderSetter
	icConst
	icMethod
	icBlock
)

// icEntry is a resolved lookup, valid while the receiver's map is m and the
// VM epoch is epoch.
type icEntry struct {
	m        *Map
	epoch    uint64
	kind     uint8
	isParent bool // setter of a parent slot: writing it changes lookups
	field    int
	holder   *Object
	val      Value
	method   *Method
}

// found is the result of a lookup.
type found struct {
	holder *Object // nil when the slot is in an immediate's map
	slot   *Slot
}

// Lookup finds sel in v and its ancestors. It returns the holder and the
// slot, whether the lookup went through an assignable parent of v itself
// (so the result may not be cached by map), and an error for ambiguity.
func (vm *VM) Lookup(v Value, sel string) (holder *Object, slot *Slot, viaAssignable bool, ok bool, ambiguous bool) {
	seen := make([]*Object, 0, 8)
	if v.o != nil {
		seen = append(seen, v.o)
	}
	f, n, via, amb := vm.find(v.o, vm.MapOf(v), sel, &seen, true)
	return f.holder, f.slot, via, n > 0, amb
}

func (vm *VM) find(o *Object, m *Map, sel string, seen *[]*Object, top bool) (res found, n int, via bool, amb bool) {
	if i, ok := m.index[sel]; ok {
		return found{o, &m.slots[i]}, 1, false, false
	}
	for _, pi := range m.parents {
		ps := &m.slots[pi]
		var pv Value
		if ps.Kind == SlotData {
			pv = o.fields[ps.Field]
			if top {
				via = true
			}
		} else {
			pv = ps.Const
		}
		po := pv.o
		if po != nil {
			dup := false
			for _, s := range *seen {
				if s == po {
					dup = true
					break
				}
			}
			if dup {
				continue
			}
			*seen = append(*seen, po)
		}
		r, k, _, a := vm.find(po, vm.MapOf(pv), sel, seen, false)
		if a {
			return r, k, via, true
		}
		if k == 0 {
			continue
		}
		if n == 0 {
			res, n = r, 1
		} else if r.holder != res.holder || r.slot.Name != res.slot.Name {
			return res, 2, via, true
		}
	}
	return res, n, via, false
}

// fill resolves s for a receiver with map m. It returns the entry to use:
// the site's own cache, or t.tmp when the result must not be cached. It
// returns nil when the selector is not found.
func (t *Thread) fill(rcv Value, m *Map, s *sendSite) *icEntry {
	vm := t.vm
	holder, slot, via, ok, amb := vm.Lookup(rcv, s.sel)
	if amb {
		t.raiseAt(s, "ambiguousSelector", fmt.Sprintf("ambiguous selector '%s': more than one parent of %s supplies it", s.sel, vm.Describe(rcv)))
	}
	if !ok {
		return nil
	}
	e := &s.ic
	if via {
		e = &t.tmp
	}
	*e = icEntry{m: m, epoch: vm.epoch, field: slot.Field, isParent: slot.Parent}
	self := holder == rcv.o && holder != nil
	switch slot.Kind {
	case SlotData:
		if self {
			e.kind = icSelfField
		} else {
			e.kind, e.holder = icHolderField, holder
		}
	case SlotSetter:
		if self {
			e.kind = icSelfSetter
		} else {
			e.kind, e.holder = icHolderSetter, holder
		}
		// the setter's data slot tells whether it is a parent
		if hs, ok := holder.m.Lookup(s.sel[:len(s.sel)-1]); ok {
			e.isParent = hs.Parent
		}
	case SlotConst:
		if meth, ok := slot.Const.o.methodPayload(); ok {
			e.kind, e.method, e.holder = icMethod, meth, holder
		} else {
			e.kind, e.val = icConst, slot.Const
		}
	case SlotBlockValue:
		e.kind = icBlock
	}
	return e
}

func (o *Object) methodPayload() (*Method, bool) {
	if o == nil || o.kind() != KMethod {
		return nil, false
	}
	return o.data.(*Method), true
}

// send delivers s to rcv. cf is the frame holding the arguments (nil for
// unary sends); args are the argument values in it.
func (t *Thread) send(rcv Value, s *sendSite, cf *Frame, args []Value) Value {
	vm := t.vm
	var m *Map
	if rcv.o == nil {
		m = vm.maps[KInt]
	} else {
		m = rcv.o.m
	}
	e := &s.ic
	if e.m != m || e.epoch != vm.epoch {
		if m == ghostMap {
			rcv.o.load()
			m = rcv.o.m
		}
		if e.m != m || e.epoch != vm.epoch {
			if e = t.fill(rcv, m, s); e == nil {
				return t.undefined(rcv, s, args)
			}
		}
	}
	switch e.kind {
	case icSelfField:
		return rcv.o.fields[e.field]
	case icHolderField:
		return e.holder.fields[e.field]
	case icMethod:
		return t.activate(e.method, rcv, e.holder, cf, args, s)
	case icConst:
		return e.val
	case icSelfSetter:
		vm.SetField(rcv.o, e.field, args[0])
		if e.isParent {
			vm.epoch++
		}
		return rcv
	case icHolderSetter:
		vm.SetField(e.holder, e.field, args[0])
		if e.isParent {
			vm.epoch++
		}
		return rcv
	case icBlock:
		return t.invoke(rcv.o.data.(*Block), cf, args, s)
	}
	panic("bad inline cache entry")
}

// activate runs a method.
func (t *Thread) activate(meth *Method, rcv Value, holder *Object, cf *Frame, args []Value, s *sendSite) Value {
	code := meth.code
	if code == nil {
		code = t.compileMethod(meth, s)
	}
	pushed := cf == nil
	if pushed {
		cf = t.push(s)
	}
	cf.setLocals(code, args)
	cf.self = rcv
	cf.code = code
	cf.holder = holder
	cf.outer = nil
	cf.home = cf
	t.gen++
	cf.gen = t.gen
	cf.homeGen = cf.gen
	cf.ret = false
	t.tick--
	if t.tick <= 0 {
		t.checkpoint(s)
	}
	var v Value
	if code.hasNLR {
		v = t.runCatching(cf)
	} else {
		v = code.body(cf)
	}
	if pushed {
		t.pop(cf)
	}
	return v
}

// runCatching runs a frame whose blocks may return non-locally to it.
func (t *Thread) runCatching(fr *Frame) (result Value) {
	defer func() {
		if r := recover(); r != nil {
			if n, ok := r.(*nlr); ok && n.home == fr && n.gen == fr.gen {
				t.unwindTo(fr.depth)
				result = n.val
				return
			}
			panic(r)
		}
	}()
	return fr.code.body(fr)
}

// invoke runs a block with the arguments in cf.
func (t *Thread) invoke(b *Block, cf *Frame, args []Value, s *sendSite) Value {
	outer := b.outer
	if outer.gen != b.gen {
		t.raiseAt(s, "nonLIFO", "block invoked after its enclosing method returned (Self blocks cannot outlive their method)")
	}
	code := b.code
	pushed := cf == nil
	if pushed {
		cf = t.push(s)
	}
	cf.setLocals(code, args)
	cf.self = outer.self
	cf.code = code
	cf.holder = nil
	cf.outer = outer
	cf.home = outer.home
	cf.homeGen = outer.homeGen
	t.gen++
	cf.gen = t.gen
	cf.ret = false
	t.tick--
	if t.tick <= 0 {
		t.checkpoint(s)
	}
	v := code.body(cf)
	if pushed {
		t.pop(cf)
	}
	return v
}

// undefined handles a failed lookup by sending UndefinedSelector.
func (t *Thread) undefined(rcv Value, s *sendSite, args []Value) Value {
	vm := t.vm
	if _, _, _, ok, _ := vm.Lookup(rcv, UndefinedSelector); !ok || s.sel == UndefinedSelector {
		t.raiseAt(s, "undefinedSelector", fmt.Sprintf("%s does not understand '%s'", vm.Describe(rcv), s.sel))
	}
	us := t.siteFor(UndefinedSelector, s)
	cf := t.push(us)
	cf.inline[0] = vm.String(s.sel)
	cf.inline[1] = vm.NewVector(append([]Value(nil), args...))
	v := t.send(rcv, us, cf, cf.inline[:2])
	t.pop(cf)
	return v
}

// siteKey names a send made from Go: its selector and the site it is
// made on behalf of.
type siteKey struct {
	sel string
	at  *sendSite
}

// siteFor returns a cached send site for sel, positioned at at.
func (t *Thread) siteFor(sel string, at *sendSite) *sendSite {
	k := siteKey{sel, at}
	s, ok := t.sendCache[k]
	if !ok {
		s = &sendSite{sel: sel}
		if at != nil {
			s.file, s.pos = at.file, at.pos
		}
		if len(t.sendCache) > 4096 {
			clear(t.sendCache)
		}
		t.sendCache[k] = s
	}
	return s
}

// Send sends sel to rcv with args from Go (primitives, the REPL). Errors
// propagate as panics inside an evaluation; use Eval-level entry points
// from outside one.
func (t *Thread) Send(rcv Value, sel string, args ...Value) Value {
	if lang.Arity(sel) != len(args) {
		t.Raise("error", fmt.Sprintf("wrong number of arguments for '%s': %d", sel, len(args)))
	}
	s := t.siteFor(sel, t.curSite())
	cf := t.push(s)
	var a []Value
	if len(args) <= len(cf.inline) {
		a = cf.inline[:len(args)]
	} else {
		a = make([]Value, len(args))
		cf.locals = a
	}
	copy(a, args)
	v := t.send(rcv, s, cf, a)
	t.pop(cf)
	return v
}

// Describe returns a short Go-side description of v for error messages.
func (vm *VM) Describe(v Value) string {
	if v.o == nil {
		return fmt.Sprint(v.i)
	}
	switch v.o.kind() {
	case KString:
		s := v.o.str
		if len(s) > 40 {
			s = s[:37] + "..."
		}
		return fmt.Sprintf("'%s'", s)
	case KFloat:
		return fmt.Sprint(v.o.data.(float64))
	case KBig:
		return v.o.data.(fmt.Stringer).String()
	}
	switch v.o {
	case vm.Nil:
		return "nil"
	case vm.True:
		return "true"
	case vm.False:
		return "false"
	case vm.Lobby:
		return "lobby"
	}
	k := v.o.kind().String()
	article := "a"
	if strings.ContainsRune("aeiou", rune(k[0])) {
		article = "an"
	}
	return fmt.Sprintf("%s %s (oid %d)", article, k, v.o.oid)
}

// setLocals lays out a frame's locals: the arguments (already in the
// inline area when there are few) followed by the locals' initial values.
func (cf *Frame) setLocals(code *Code, args []Value) {
	nl := code.nlocals
	if nl <= len(cf.inline) {
		cf.locals = cf.inline[:nl]
	} else {
		l := make([]Value, nl)
		copy(l, args)
		cf.locals = l
	}
	copy(cf.locals[code.nargs:], code.localInit)
}
