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
	// resend: the lookup starts at the parents of the object holding the
	// running method (resend.sel), only at the one named delegate when it
	// is set (parent.sel). The receiver stays self.
	resend   bool
	delegate string
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
	icSelfBlock
	icHolderBlock
)

// icEntry is a resolved lookup, valid while the map the lookup started at
// is m and the VM epoch is epoch.
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

// LookupResult is what a lookup found.
type LookupResult struct {
	Holder *Object // the object whose map has the slot; nil for an immediate's map
	Slot   *Slot   // nil when nothing supplies the selector
	// ViaAssignable: the lookup went through an assignable parent of the
	// object it started at, so the result depends on that object's field
	// and not only on its map (it may not be cached by map).
	ViaAssignable bool
	// Ambiguous: two parents supply different slots (Holder and Slot are
	// one of them).
	Ambiguous bool
}

// Found reports whether the lookup found a slot.
func (r LookupResult) Found() bool { return r.Slot != nil }

// Lookup finds sel in v and its ancestors.
func (vm *VM) Lookup(v Value, sel string) LookupResult { return vm.lookup(v, sel, false, "") }

// lookup is the one parent walk behind every send. It searches v's own
// slots (unless parentsOnly, for a resend), then all its parents with equal
// priority; delegate, when set, names the only parent of v followed (a
// directed resend). An object reached twice is searched once.
func (vm *VM) lookup(v Value, sel string, parentsOnly bool, delegate string) LookupResult {
	var buf [8]*Object
	seen := buf[:0]
	if v.o != nil {
		seen = append(seen, v.o)
	}
	m := vm.MapOf(v)
	if !parentsOnly {
		if i, ok := m.index[sel]; ok {
			return LookupResult{Holder: v.o, Slot: &m.slots[i]}
		}
	}
	var r LookupResult
	for _, pi := range m.parents {
		if m.slots[pi].Kind == SlotData && (delegate == "" || m.slots[pi].Name == delegate) {
			r.ViaAssignable = true
		}
	}
	r.Holder, r.Slot, r.Ambiguous = vm.findInParents(v.o, m, sel, &seen, delegate)
	return r
}

// find searches o (whose map is m) and its ancestors.
func (vm *VM) find(o *Object, m *Map, sel string, seen *[]*Object) (*Object, *Slot, bool) {
	if i, ok := m.index[sel]; ok {
		return o, &m.slots[i], false
	}
	return vm.findInParents(o, m, sel, seen, "")
}

// findInParents searches the parents of o (whose map is m), or only the
// one called delegate when it is set.
func (vm *VM) findInParents(o *Object, m *Map, sel string, seen *[]*Object, delegate string) (holder *Object, slot *Slot, ambiguous bool) {
	for _, pi := range m.parents {
		ps := &m.slots[pi]
		if delegate != "" && ps.Name != delegate {
			continue
		}
		pv := ps.Const
		if ps.Kind == SlotData {
			pv = o.fields[ps.Field]
		}
		if po := pv.o; po != nil {
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
		h, s, amb := vm.find(pv.o, vm.MapOf(pv), sel, seen)
		switch {
		case amb:
			return h, s, true
		case s == nil:
		case slot == nil:
			holder, slot = h, s
		case h != holder || s.Name != slot.Name:
			return holder, slot, true
		}
	}
	return holder, slot, false
}

// fill resolves s for a send whose lookup starts at start (the receiver,
// or for a resend the holder of the running method), whose map is m. It
// returns the entry to use: the site's own cache, or t.tmp when the result
// must not be cached. It returns nil when nothing supplies the selector.
func (t *Thread) fill(start Value, m *Map, s *sendSite) *icEntry {
	vm := t.vm
	if s.delegate != "" {
		if ps, ok := m.Lookup(s.delegate); !ok || !ps.Parent {
			t.raiseAt(s, ErrUndefinedSelector, fmt.Sprintf("directed resend: no parent slot named '%s'", s.delegate))
		}
	}
	r := vm.lookup(start, s.sel, s.resend, s.delegate)
	if r.Ambiguous {
		if s.resend {
			t.raiseAt(s, ErrAmbiguousSelector, fmt.Sprintf("ambiguous resend of '%s': more than one parent supplies it", s.sel))
		}
		t.raiseAt(s, ErrAmbiguousSelector, fmt.Sprintf("ambiguous selector '%s': more than one parent of %s supplies it", s.sel, vm.Describe(start)))
	}
	if r.Slot == nil {
		return nil
	}
	e := &s.ic
	if r.ViaAssignable {
		e = &t.tmp
	}
	*e = vm.entry(r, start.o)
	e.m, e.epoch = m, vm.epoch
	return e
}

// entry turns a lookup result into what a send does with it. self is the
// object whose own fields the self kinds address (nil: none).
func (vm *VM) entry(r LookupResult, self *Object) icEntry {
	holder, slot := r.Holder, r.Slot
	e := icEntry{field: slot.Field, isParent: slot.Parent, holder: holder}
	own := holder != nil && holder == self
	switch slot.Kind {
	case SlotData:
		e.kind = icHolderField
		if own {
			e.kind = icSelfField
		}
	case SlotSetter:
		e.kind = icHolderSetter
		if own {
			e.kind = icSelfSetter
		}
		// the setter's data slot tells whether it is a parent
		if hs, ok := holder.m.Lookup(slot.Name[:len(slot.Name)-1]); ok {
			e.isParent = hs.Parent
		}
	case SlotConst:
		if meth, ok := slot.Const.o.methodPayload(); ok {
			e.kind, e.method = icMethod, meth
		} else {
			e.kind, e.val = icConst, slot.Const
		}
	case SlotBlockValue:
		e.kind = icHolderBlock
		if own {
			e.kind = icSelfBlock
		}
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
	return t.sendFrom(rcv, rcv, s, cf, args)
}

// sendFrom delivers s to rcv with the lookup starting at start: the one
// place where a send is looked up (through the site's inline cache) and
// dispatched: a slot read or write (a parent setter bumps the epoch), a
// constant, a method activation, a block invocation.
func (t *Thread) sendFrom(rcv, start Value, s *sendSite, cf *Frame, args []Value) Value {
	vm := t.vm
	var m *Map
	if start.o == nil {
		m = vm.maps[KInt]
	} else {
		m = start.o.m
	}
	e := &s.ic
	if e.m != m || e.epoch != vm.epoch {
		if m == ghostMap {
			start.o.load()
			m = start.o.m
		}
		if e.m != m || e.epoch != vm.epoch {
			if e = t.fill(start, m, s); e == nil {
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
		// e may be t.tmp, which compiling (it runs slot initialisers)
		// can overwrite: read it first
		meth, holder := e.method, e.holder
		code := meth.code
		if code == nil {
			code = t.compileMethod(meth)
		}
		if code.trivial != nil {
			if v, ok := t.answerTrivial(code.trivial, rcv, args); ok {
				return v
			}
		}
		return t.call(cf, code, args, rcv, holder, nil, s)
	case icConst:
		return e.val
	case icSelfSetter:
		parent := e.isParent
		vm.SetField(rcv.o, e.field, args[0])
		if parent {
			vm.epoch++
		}
		return rcv
	case icHolderSetter:
		parent := e.isParent
		vm.SetField(e.holder, e.field, args[0])
		if parent {
			vm.epoch++
		}
		return rcv
	case icSelfBlock:
		return t.invoke(rcv.o.data.(*Block), cf, args, s)
	case icHolderBlock:
		return t.invoke(e.holder.data.(*Block), cf, args, s)
	}
	panic("bad inline cache entry")
}

// sendScoped delivers s, an implicit-receiver send in frame fr whose
// scope has parent locals: self and each of those parents are searched with
// equal priority (two different slots are ambiguous); the receiver is self.
// The lookup is made at every send (such code is rare): its result
// depends on the frame's parent locals.
func (t *Thread) sendScoped(fr *Frame, parents []frameRef, s *sendSite, cf *Frame, args []Value) Value {
	vm := t.vm
	self := fr.self
	r := vm.Lookup(self, s.sel)
	for _, p := range parents {
		f := fr
		for d := p.depth; d > 0; d-- {
			f = f.outer
		}
		q := vm.Lookup(f.locals[p.idx], s.sel)
		switch {
		case r.Ambiguous || q.Slot == nil:
		case q.Ambiguous || (r.Slot != nil && (q.Holder != r.Holder || q.Slot.Name != r.Slot.Name)):
			r.Ambiguous = true
		case r.Slot == nil:
			r = q
		}
	}
	if r.Ambiguous {
		t.raiseAt(s, ErrAmbiguousSelector, fmt.Sprintf("ambiguous selector '%s': more than one parent of the activation (self and its parent locals) supplies it", s.sel))
	}
	if r.Slot == nil {
		return t.undefined(self, s, args)
	}
	// the site's cache holds this one result while sendFrom dispatches it
	s.ic = vm.entry(r, self.o)
	s.ic.m, s.ic.epoch = vm.MapOf(self), vm.epoch
	return t.sendFrom(self, self, s, cf, args)
}

// call runs code in a new activation, the one place where frames are
// entered: cf is the callee's frame, reserved by the caller (who evaluated
// the arguments into it), or nil to reserve one here; args are the
// arguments; the other locals get their initial values. outer is the
// enclosing frame of a block (nil for a method or a statement). It counts
// a step.
func (t *Thread) call(cf *Frame, code *Code, args []Value, self Value, holder *Object, outer *Frame, s *sendSite) Value {
	pushed := cf == nil
	if pushed {
		cf = t.push(s)
	}
	cf.setLocals(code, args)
	cf.self, cf.code, cf.holder, cf.outer = self, code, holder, outer
	t.gen++
	cf.gen = t.gen
	if outer == nil {
		cf.home, cf.homeGen = cf, cf.gen
	} else {
		cf.home, cf.homeGen = outer.home, outer.homeGen
	}
	cf.ret, cf.catching = false, 0
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
	if b.outer.gen != b.gen {
		t.raiseAt(s, ErrNonLIFO, "block invoked after its enclosing method returned (Self blocks cannot outlive their method)")
	}
	if len(args) != b.code.nargs {
		plural := "s"
		if b.code.nargs == 1 {
			plural = ""
		}
		t.raiseAt(s, ErrError, fmt.Sprintf("a block taking %d argument%s was sent '%s': call it with '%s'",
			b.code.nargs, plural, valueSelector(len(args)), valueSelector(b.code.nargs)))
	}
	return t.call(cf, b.code, args, b.outer.self, nil, b.outer, s)
}

// undefined handles a failed lookup by sending UndefinedSelector. A
// failed resend is an error.
func (t *Thread) undefined(rcv Value, s *sendSite, args []Value) Value {
	vm := t.vm
	if s.resend {
		t.raiseAt(s, ErrUndefinedSelector, fmt.Sprintf("resend of '%s': no parent understands it", s.sel))
	}
	if !vm.Lookup(rcv, UndefinedSelector).Found() || s.sel == UndefinedSelector {
		t.raiseAt(s, ErrUndefinedSelector, fmt.Sprintf("%s does not understand '%s'", vm.Describe(rcv), s.sel))
	}
	return t.sendArgs(rcv, t.siteFor(UndefinedSelector, s), vm.String(s.sel), vm.NewVector(append([]Value(nil), args...)))
}

// sendArgs sends s to rcv with argument values already computed.
func (t *Thread) sendArgs(rcv Value, s *sendSite, args ...Value) Value {
	cf := t.push(s)
	a := cf.argSlots(len(args))
	copy(a, args)
	v := t.send(rcv, s, cf, a)
	t.pop(cf)
	return v
}

// argSlots returns room for n argument values in cf, a callee's frame
// reserved by push.
func (cf *Frame) argSlots(n int) []Value {
	if n <= len(cf.inline) {
		return cf.inline[:n]
	}
	return make([]Value, n)
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
		t.Raise(ErrError, fmt.Sprintf("wrong number of arguments for '%s': %d", sel, len(args)))
	}
	return t.sendArgs(rcv, t.siteFor(sel, t.curSite()), args...)
}

// Describe returns a short Go-side description of v for error messages.
func (vm *VM) Describe(v Value) string {
	if v.o == nil {
		return fmt.Sprint(v.i)
	}
	switch v.o.kind() {
	case KString:
		s := v.o.str()
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
	if len(code.localInit) > 0 {
		copy(cf.locals[code.nargs:], code.localInit)
	}
}
