package kernel

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"batos/guard"
	"batos/vm"
)

// The kernel's objects in the image (stdlib/kernel.self): `kernel policy`
// (what generated methods may do), `kernel generated` (every generated
// method's provenance, for `batos gen list`) and `traits provenance`.

// kernelObject returns the lobby's `kernel`, or nil in a world without it.
func kernelObject(v *vm.VM) *vm.Object {
	k, ok := v.FieldValue(v.Lobby, "kernel")
	if !ok {
		return nil
	}
	return k.Obj()
}

// loadPolicy reads `kernel policy` into the kernel's current policy.
func (k *Kernel) loadPolicy(t *vm.Thread) {
	v := t.VM()
	p := guard.DefaultPolicy()
	if ko := kernelObject(v); ko != nil {
		if po, ok := v.FieldValue(ko, "policy"); ok && po.Obj() != nil {
			if g, ok := v.FieldValue(po.Obj(), "grants"); ok {
				p.Grants = map[string]bool{}
				for _, e := range g.Elements() {
					if s, ok := e.Str(); ok {
						p.Grants[s] = true
					}
				}
			}
			if n, ok := v.FieldValue(po.Obj(), "maxUnknownSelfSends"); ok && n.IsInt() && n.Int() >= 0 {
				p.MaxUnknownSelfSends = int(n.Int())
			}
		}
	}
	k.policy.Store(&p)
}

// ownerName names an object for file names and listings: a lobby slot
// ("acct"), a traits object ("traits smallInt"), or its OID.
func ownerName(t *vm.Thread, o *vm.Object) string {
	v := t.VM()
	for _, s := range v.MapOf(vm.Ref(v.Lobby)).Slots() {
		if s.Kind == vm.SlotSetter || s.Parent {
			continue
		}
		if x := v.Lobby.SlotValue(&s); same(x.Obj(), o) {
			return s.Name
		}
	}
	if tr, ok := v.FieldValue(v.Lobby, "traits"); ok && tr.Obj() != nil {
		for _, s := range v.MapOf(tr).Slots() {
			if s.Kind == vm.SlotSetter {
				continue
			}
			if x := tr.Obj().SlotValue(&s); same(x.Obj(), o) {
				return "traits " + s.Name
			}
		}
	}
	return fmt.Sprintf("oid %d", o.OID())
}

func same(a, b *vm.Object) bool { return a != nil && b != nil && (a == b || a.OID() == b.OID()) }

// argKinds describes the arguments of a send: "smallInt, string".
func argKinds(t *vm.Thread, args []vm.Value) string {
	var ks []string
	for _, a := range args {
		if k, ok := t.VM().KindOf(a); ok {
			ks = append(ks, k)
		} else {
			ks = append(ks, "object")
		}
	}
	return strings.Join(ks, ", ")
}

// provenance makes the provenance record of a method being installed.
func (k *Kernel) provenance(t *vm.Thread, m *miss, text string, attempts int, source, prompt string) *vm.Object {
	v := t.VM()
	str := func(s string) vm.Value { return v.String(s) }
	ph := ""
	if prompt != "" {
		sum := sha256.Sum256([]byte(prompt))
		ph = "sha256:" + hex.EncodeToString(sum[:])
	}
	place := "receiver"
	if m.traits {
		place = "traits"
	}
	slots := []vm.Slot{
		{Name: "selector", Kind: vm.SlotData, Const: str(m.sel)},
		{Name: "owner", Kind: vm.SlotData, Const: vm.Ref(m.owner)},
		{Name: "ownerName", Kind: vm.SlotData, Const: str(m.ownerID)},
		{Name: "placement", Kind: vm.SlotData, Const: str(place)},
		{Name: "argumentKinds", Kind: vm.SlotData, Const: str(argKinds(t, m.args))},
		{Name: "receiver", Kind: vm.SlotData, Const: str(m.where)},
		{Name: "model", Kind: vm.SlotData, Const: str(k.modelName())},
		{Name: "modelHash", Kind: vm.SlotData, Const: str(k.modelHash())},
		{Name: "promptHash", Kind: vm.SlotData, Const: str(ph)},
		{Name: "time", Kind: vm.SlotData, Const: str(time.Now().UTC().Format(time.RFC3339))},
		{Name: "verdict", Kind: vm.SlotData, Const: str("accepted: parse, names, types, persistence, capabilities, compile, trial")},
		{Name: "attempts", Kind: vm.SlotData, Const: vm.Int(int64(attempts))},
		{Name: "source", Kind: vm.SlotData, Const: str(source)},
	}
	if tr, ok := v.FieldValue(v.Lobby, "traits"); ok && tr.Obj() != nil {
		if p, ok := v.FieldValue(tr.Obj(), "provenance"); ok && p.Obj() != nil {
			slots = append([]vm.Slot{{Name: "parent", Kind: vm.SlotConst, Parent: true, Const: p}}, slots...)
		}
	}
	return v.NewObject(slots)
}

// register adds prov to `kernel generated`, in the transaction.
func (k *Kernel) register(t *vm.Thread, prov *vm.Object) {
	v := t.VM()
	ko := kernelObject(v)
	if ko == nil {
		return
	}
	g, ok := v.FieldValue(ko, "generated")
	if !ok || g.Obj() == nil {
		return
	}
	els := append(append([]vm.Value(nil), g.Elements()...), vm.Ref(prov))
	v.SetFieldNamed(ko, "generated", v.NewVector(els))
}

// recordFailure keeps a failed miss in the store's metrics (outside the
// transaction, which fails).
func (k *Kernel) recordFailure(m *miss, attempts int, rejs []*guard.Rejection) {
	f := Failure{Selector: m.sel, Receiver: m.where, Attempts: attempts, Time: time.Now().UTC()}
	for _, r := range rejs {
		f.Codes = append(f.Codes, r.Code)
	}
	if err := k.cfg.Store.Fail(m.key, f); err != nil {
		fmt.Fprintf(k.cfg.Log, "batos: could not record the failed generation: %v\n", err)
	}
}

// Generated is one generated method, as listed by `batos gen list`.
type Generated struct {
	Owner     string // the owner's name
	Selector  string
	Model     string
	Attempts  int64
	Time      string
	Source    string // the method's text
	Placement string
	Prov      *vm.Object
	owner     *vm.Object
}

// List returns the generated methods still installed, oldest first.
func List(t *vm.Thread) []Generated {
	v := t.VM()
	ko := kernelObject(v)
	if ko == nil {
		return nil
	}
	g, _ := v.FieldValue(ko, "generated")
	var out []Generated
	for _, e := range g.Elements() {
		p := e.Obj()
		if p == nil {
			continue
		}
		str := func(name string) string {
			x, _ := v.FieldValue(p, name)
			s, _ := x.Str()
			return s
		}
		owner, _ := v.FieldValue(p, "owner")
		sel := str("selector")
		if owner.Obj() == nil {
			continue
		}
		m, ok := v.SlotMethod(owner.Obj(), sel)
		if !ok || m.Prov != p {
			continue // forgotten, or replaced by hand
		}
		att, _ := v.FieldValue(p, "attempts")
		src := m.Text
		if src == "" {
			src = m.Source
		}
		out = append(out, Generated{Owner: ownerName(t, owner.Obj()), Selector: sel, Model: str("model"), Attempts: att.Int(),
			Time: str("time"), Source: src, Placement: str("placement"), Prov: p, owner: owner.Obj()})
	}
	return out
}

// Find returns the generated method sel of the object named owner.
func Find(t *vm.Thread, owner, sel string) (Generated, error) {
	var names []string
	for _, g := range List(t) {
		if g.Selector == sel && (g.Owner == owner || fmt.Sprintf("oid %d", g.owner.OID()) == owner) {
			return g, nil
		}
		names = append(names, g.Owner+" "+g.Selector)
	}
	if len(names) == 0 {
		return Generated{}, fmt.Errorf("no generated method '%s' in %s: there are no generated methods", sel, owner)
	}
	return Generated{}, fmt.Errorf("no generated method '%s' in %s (generated: %s)", sel, owner, strings.Join(names, ", "))
}

// Forget removes a generated method (in the current transaction; the
// caller commits).
func Forget(t *vm.Thread, g Generated) {
	v := t.VM()
	v.RemoveSlot(g.owner, g.Selector)
	ko := kernelObject(v)
	if ko == nil {
		return
	}
	gv, _ := v.FieldValue(ko, "generated")
	var keep []vm.Value
	for _, e := range gv.Elements() {
		if e.Obj() != g.Prov {
			keep = append(keep, e)
		}
	}
	v.SetFieldNamed(ko, "generated", v.NewVector(keep))
}
