package stdlib

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"batos/lang"
	"batos/vm"
)

// Library versions and upgrades. The library lives in the image: it is
// loaded once, into a new image. So that an image made by an earlier
// batos gets this batos's library (the generative kernel's objects, new
// protocols, fixes), each library file is versioned by the hash of its
// text, recorded in the lobby's `libraryVersions` when it is loaded, and
// an image whose record differs is upgraded in place when it is opened
// (`batos image upgrade` does it explicitly):
//
//   - a file the image has never seen (none of the slots it adds exist)
//     runs whole, as in a new image;
//   - for a changed file, every `X _AddSlots: (| ... |)` is merged into X:
//     missing slots are added; methods the library defined (their file is
//     the library's) are replaced by the new ones; object slots are merged
//     recursively; parents follow the library; methods the user redefined
//     and assignable slots
//     (their values are the user's data) are kept, and the kept methods are
//     reported; other statements of a changed file (initialisation) are not
//     run again.
//
// The whole upgrade is one transaction.

// VersionsSlot is the lobby slot recording the library's file versions.
const VersionsSlot = "libraryVersions"

// fileVersion is a library file's version: the hash of its text.
func fileVersion(src []byte) string {
	h := sha256.Sum256(src)
	return hex.EncodeToString(h[:8])
}

// versions returns the version strings ("core.self 1a2b...") of this
// batos's library files.
func versions() ([]string, error) {
	var out []string
	for _, name := range Files {
		src, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, name+" "+fileVersion(src))
	}
	return out, nil
}

// recordVersions stores the library's versions in the lobby.
func recordVersions(t *vm.Thread) error {
	vs, err := versions()
	if err != nil {
		return err
	}
	v := t.VM()
	elems := make([]vm.Value, len(vs))
	for i, s := range vs {
		elems[i] = v.String(s)
	}
	vec := v.NewVector(elems)
	if !v.SetFieldNamed(v.Lobby, VersionsSlot, vec) {
		v.SetSlot(v.Lobby, vm.Slot{Name: VersionsSlot, Kind: vm.SlotData, Const: vec})
	}
	return nil
}

// UpgradeReport says what an upgrade did.
type UpgradeReport struct {
	Files    []string // library files merged or loaded
	Added    int      // slots added
	Replaced int      // library methods replaced
	Kept     []string // methods the user redefined, kept ("defaultBehavior printString")
	Skipped  int      // initialisation statements of changed files not run again
}

// Changed reports whether the upgrade changed anything.
func (r UpgradeReport) Changed() bool { return len(r.Files) > 0 }

func (r UpgradeReport) String() string {
	if !r.Changed() {
		return "library: up to date"
	}
	s := fmt.Sprintf("library upgraded (%s): %d slot(s) added, %d method(s) replaced", strings.Join(r.Files, ", "), r.Added, r.Replaced)
	if len(r.Kept) > 0 {
		s += fmt.Sprintf("; kept your version of %s", strings.Join(r.Kept, ", "))
	}
	if r.Skipped > 0 {
		s += fmt.Sprintf("; %d initialisation statement(s) of changed files not run again", r.Skipped)
	}
	return s
}

// Upgrade brings the image's library up to this batos's, as one
// transaction; an image already up to date is not touched.
func Upgrade(t *vm.Thread) (UpgradeReport, error) {
	var rep UpgradeReport
	v := t.VM()
	have := map[string]string{}
	if vs, ok := v.FieldValue(v.Lobby, VersionsSlot); ok {
		for _, e := range vs.Elements() {
			if s, ok := e.Str(); ok {
				name, ver, _ := strings.Cut(s, " ")
				have[name] = ver
			}
		}
	}
	want, err := versions()
	if err != nil {
		return rep, err
	}
	var todo []string
	for _, w := range want {
		name, ver, _ := strings.Cut(w, " ")
		if have[name] != ver {
			todo = append(todo, name)
		}
	}
	if len(todo) == 0 {
		return rep, nil
	}
	atomic := t.Atomic
	t.Atomic = true
	defer func() { t.Atomic = atomic }()
	for _, name := range todo {
		if err := upgradeFile(t, name, &rep); err != nil {
			v.Abort()
			return UpgradeReport{}, fmt.Errorf("library upgrade: %w", err)
		}
		rep.Files = append(rep.Files, name)
	}
	if _, err := t.Call(func() vm.Value {
		if err := recordVersions(t); err != nil {
			t.Raise(vm.ErrError, err.Error())
		}
		return vm.Value{}
	}); err != nil {
		v.Abort()
		return UpgradeReport{}, err
	}
	if err := v.Commit(); err != nil {
		return UpgradeReport{}, err
	}
	return rep, nil
}

// addSlotsStmt recognises `X _AddSlots: (| ... |)`.
func addSlotsStmt(e lang.Expr) (recv lang.Expr, lit *lang.Object, ok bool) {
	s, isSend := e.(*lang.Send)
	if !isSend || s.Sel != "_AddSlots:" || s.Recv == nil || len(s.Args) != 1 {
		return nil, nil, false
	}
	o, isObj := s.Args[0].(*lang.Object)
	if !isObj || len(o.Code) > 0 {
		return nil, nil, false
	}
	return s.Recv, o, true
}

func upgradeFile(t *vm.Thread, name string, rep *UpgradeReport) error {
	src, err := files.ReadFile(name)
	if err != nil {
		return err
	}
	file := LibraryPrefix + name
	f, err := lang.Parse(file, string(src))
	if err != nil {
		return err
	}
	v := t.VM()
	v.AddSource(file, string(src))
	// a file none of whose slots exist is new to this image: run it whole
	fresh := true
	for _, st := range f.Stmts {
		recv, lit, ok := addSlotsStmt(st)
		if !ok {
			continue
		}
		target, err := t.EvalStmt(recv, file)
		if err != nil {
			continue // its receiver is made by an earlier statement of the file
		}
		for _, s := range lit.Slots {
			if _, exists := v.MapOf(target).Lookup(s.Name); exists && !strings.HasPrefix(s.Name, "parent") {
				fresh = false
			}
		}
	}
	if fresh {
		for _, st := range f.Stmts {
			if _, err := t.EvalStmt(st, file); err != nil {
				return err
			}
			if recv, lit, ok := addSlotsStmt(st); ok && recv != nil {
				rep.Added += len(lit.Slots)
			}
		}
		return nil
	}
	for _, st := range f.Stmts {
		recv, lit, ok := addSlotsStmt(st)
		if !ok {
			rep.Skipped++
			continue
		}
		target, err := t.EvalStmt(recv, file)
		if err != nil {
			return err
		}
		if target.Obj() == nil {
			return fmt.Errorf("%s: the receiver of _AddSlots: is not an object", file)
		}
		if _, err := t.Call(func() vm.Value { merge(t, target.Obj(), lit, file, slotPath(t, recv), rep); return vm.Value{} }); err != nil {
			return err
		}
	}
	return nil
}

// merge adds lit's slots to target, as the upgrade rules say.
func merge(t *vm.Thread, target *vm.Object, lit *lang.Object, file, path string, rep *UpgradeReport) {
	v := t.VM()
	for _, s := range lit.Slots {
		cur, exists := v.MapOf(vm.Ref(target)).Lookup(s.Name)
		if !exists {
			v.AddSlots(target, t.MakeObject(&lang.Object{Slots: []*lang.Slot{s}}, file))
			rep.Added++
			continue
		}
		if cur.Kind != vm.SlotConst {
			continue // assignable: the value is the user's data
		}
		if m, ok := cur.Const.Method(); ok {
			if vm.MethodBody(s) == nil {
				continue
			}
			if !strings.HasPrefix(m.File, LibraryPrefix) {
				rep.Kept = append(rep.Kept, strings.TrimSpace(path+" "+s.Name))
				continue
			}
			if m.Source != lang.FormatSlot(s) {
				v.AddSlots(target, t.MakeObject(&lang.Object{Slots: []*lang.Slot{s}}, file))
				rep.Replaced++
			}
			continue
		}
		if o, isObj := s.Value.(*lang.Object); isObj && len(o.Code) == 0 {
			// an object literal (defaultBehavior* = (| ... |)): merge into
			// the object the slot holds, parent or not
			if _, isKind := v.KindOf(cur.Const); cur.Const.Obj() != nil && !isKind {
				merge(t, cur.Const.Obj(), o, file, strings.TrimSpace(path+" "+s.Name), rep)
			}
			continue
		}
		if s.Parent && s.Value != nil {
			// a library object's parent named by an expression (traits
			// indexable): follow the library when it names another object
			nv := t.MakeObject(&lang.Object{Slots: []*lang.Slot{s}}, file)
			if ns, ok := v.MapOf(vm.Ref(nv)).Lookup(s.Name); ok && ns.Const.Obj() != cur.Const.Obj() {
				v.AddSlots(target, nv)
				rep.Replaced++
			}
		}
	}
}

// slotPath names the receiver expression of an _AddSlots: for reports.
func slotPath(t *vm.Thread, e lang.Expr) string {
	s := strings.TrimSpace(lang.FormatExpr(e))
	if s == "lobby" {
		return ""
	}
	return s
}
