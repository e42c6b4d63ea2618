package conformance

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"batos/lang"
	"batos/stdlib"
	"batos/vm"
)

// coreFiles are the files of Self's objects/core/ whose protocols the
// library follows (docs/self-library.md), in the order the table lists
// them.
var coreFiles = []string{"collection", "indexable", "sequence", "list", "vector",
	"setAndDictionary", "string", "integer", "number", "sending", "collector"}

// roles maps each traits object of those files to batos expressions for
// the values that play its role. A selector counts as answered when every
// one of them answers it. An object missing here is an error, so that a
// new one in Self's files is noticed; one mapped to nothing has no
// counterpart, and all its selectors must be listed as left out.
var roles = map[string][]string{
	"traits collection":               {"vector copy", "list copy", "set copy", "dictionary copy"},
	"traits indexable":                {"vector copy", "list copy", "byteVector copy", "'abc'"},
	"traits mutableIndexable":         {"vector copy", "list copy", "byteVector copy"},
	"traits sequence":                 {"list copy"},
	"traits list":                     {"list copy"},
	"traits link":                     nil,
	"traits vector":                   {"vector copy"},
	"traits byteVector":               {"byteVector copy"},
	"traits abstractSetOrDictionary":  {"set copy", "dictionary copy"},
	"traits hashTableSetOrDictionary": {"set copy", "dictionary copy"},
	"traits abstractSet":              {"set copy"},
	"traits hashTableSet":             {"set copy"},
	"traits set":                      {"set copy"},
	"traits sharedSet":                {"set copy"},
	"traits abstractDictionary":       {"dictionary copy"},
	"traits hashTableDictionary":      {"dictionary copy"},
	"traits dictionary":               {"dictionary copy"},
	"traits sharedDictionary":         {"dictionary copy"},
	"traits string":                   {"'abc'"},
	"traits mutableString":            {"'abc'"},
	"traits immutableString":          {"'abc'"},
	"traits canonicalString":          {"'abc'"},
	"traits sending":                  {"'abc'"},
	"traits integer":                  {"3", "1 << 70"},
	"traits number":                   {"3", "1 << 70", "2.5"},
	"traits collector":                {"1 & 2"},
}

// selfSelector is one public slot of a traits object in Self's sources.
type selfSelector struct {
	file   string // the core file, without .self
	object string // "traits collection"
	sel    string
	pos    lang.Pos
}

func (s selfSelector) key() string { return s.object + "\t" + s.sel }

// publicSelectors reads the public selectors of Self's core file name.
// Self's sources add slots with `bootstrap addSlotsTo: bootstrap stub ->
// 'traits' -> 'collection' -> () From: ( | { 'annotation' slot } | )`;
// the annotation's fields are joined by \x7f, and "Visibility: public"
// marks the slots meant for clients (the others say private or nothing).
// Only the slots of traits objects (`traits NAME`) count: the module
// bookkeeping (globals modules NAME), the names the files give their
// objects (slots of traits and globals), the prototypes' data, and the
// helper objects below a traits object (unitTests, the abstract
// descendantResponsibilities, parse-error records) are not selectors a
// program sends to a collection, string or number. Parent slots are the
// inheritance links, not messages; none is public.
func publicSelectors(t *testing.T, dir, name string) []selfSelector {
	t.Helper()
	path := filepath.Join(dir, name+".self")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := lang.Parse(path, string(b))
	if err != nil {
		t.Fatal(err)
	}
	var out []selfSelector
	seen := map[string]bool{}
	for _, s := range f.Stmts {
		send, ok := s.(*lang.Send)
		if !ok || send.Sel != "addSlotsTo:From:" {
			continue
		}
		p := stubPath(send.Args[0])
		obj, ok := send.Args[1].(*lang.Object)
		if len(p) != 2 || p[0] != "traits" || !ok {
			continue
		}
		for _, sl := range obj.Slots {
			if sl.Parent || !public(sl.Category) {
				continue
			}
			sels := []string{sl.Name}
			if sl.Kind == lang.Assignable {
				sels = append(sels, sl.Name+":")
			}
			for _, sel := range sels {
				ss := selfSelector{file: name, object: "traits " + p[1], sel: sel, pos: sl.Pos()}
				if !seen[ss.key()] {
					seen[ss.key()] = true
					out = append(out, ss)
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no public selectors found: not Self's source format?", path)
	}
	return out
}

// public reports whether a slot's annotation marks it public.
func public(annotation string) bool {
	for _, field := range strings.Split(annotation, "\x7f") {
		if strings.TrimSpace(field) == "Visibility: public" {
			return true
		}
	}
	return false
}

// stubPath reads `bootstrap stub -> 'a' -> 'b' -> ()` as [a b]; nil for
// anything else.
func stubPath(e lang.Expr) []string {
	var p []string
	for {
		s, ok := e.(*lang.Send)
		if !ok {
			return nil
		}
		switch {
		case s.Sel == "stub" && s.Kind == lang.Unary:
			return p
		case s.Sel != "->":
			return nil
		}
		if str, ok := s.Args[0].(*lang.String); ok {
			p = append([]string{str.Val}, p...)
		}
		e = s.Recv
	}
}

// leftOut is the list of selectors left out on purpose
// (testdata/selectors-left-out.txt): category -> reason, and
// "OBJECT\tSELECTOR" (or "OBJECT\t*") -> category.
type leftOut struct {
	reasons map[string]string
	order   []string // categories as written
	entries map[string]string
	line    map[string]int // entry -> line, for errors
}

// readLeftOut reads the list. Lines: `# comment`, `[category] reason`,
// then that category's entries `OBJECT<TAB>SELECTOR`, SELECTOR `*` for
// every selector of an object batos has no counterpart for.
func readLeftOut(t *testing.T, path string) leftOut {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lo := leftOut{reasons: map[string]string{}, entries: map[string]string{}, line: map[string]int{}}
	cat := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \t")
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			name, reason, ok := strings.Cut(line[1:], "] ")
			if !ok || name == "" || reason == "" {
				t.Fatalf("%s:%d: a category is `[name] reason`", path, n)
			}
			if _, dup := lo.reasons[name]; dup {
				t.Fatalf("%s:%d: category %s twice", path, n, name)
			}
			cat = name
			lo.reasons[name] = reason
			lo.order = append(lo.order, name)
		default:
			obj, sel, ok := strings.Cut(line, "\t")
			if !ok || cat == "" || sel == "" || strings.Contains(sel, "\t") {
				t.Fatalf("%s:%d: an entry is OBJECT<TAB>SELECTOR under a [category] line: %q", path, n, line)
			}
			k := obj + "\t" + sel
			if _, dup := lo.entries[k]; dup {
				t.Fatalf("%s:%d: %s %s listed twice", path, n, obj, sel)
			}
			lo.entries[k] = cat
			lo.line[k] = n
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lo
}

// category returns the category s is left out under, or "".
func (lo leftOut) category(s selfSelector) (string, string) {
	if c, ok := lo.entries[s.key()]; ok {
		return c, s.key()
	}
	k := s.object + "\t*"
	if c, ok := lo.entries[k]; ok {
		return c, k
	}
	return "", ""
}

// minAnswered is the floor under the count of answered selectors: the
// figure measured when the list of left-out selectors was written. Raise
// it when the library grows; it catches a selector dropped from the
// library and added to the list instead.
const minAnswered = 459

// TestCoreSelectors counts the public selectors of Self's core library
// (the files of coreFiles) that batos answers: for each traits object, the
// values of roles must find a slot for the selector by lookup, not as a
// global name (a slot of the lobby), and not a method whose whole body is
// `error: '...'` (a refusal, like at:Put: on an immutable string). Every
// selector not answered must be in testdata/selectors-left-out.txt with
// its reason, and every entry there must still be needed.
func TestCoreSelectors(t *testing.T) {
	dir := subdir(t, objectsDir(t), "core")
	lo := readLeftOut(t, filepath.Join("testdata", "selectors-left-out.txt"))
	th, err := stdlib.Boot(vm.Options{Stdout: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	w := th.VM()
	values := map[string]vm.Value{}
	for _, src := range sortedRoles() {
		v, err := th.EvalString("role", src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		values[src] = v
	}
	// answers says why the values for object do not answer sel, or "".
	answers := func(object, sel string) string {
		var why []string
		for _, src := range roles[object] {
			r := w.Lookup(values[src], sel)
			switch {
			case !r.Found():
				why = append(why, src+": not understood")
			case r.Ambiguous:
				why = append(why, src+": ambiguous")
			case r.Holder == w.Lobby:
				why = append(why, src+": only the global name")
			case refusal(r.Slot):
				why = append(why, src+": refuses (error:)")
			}
		}
		if len(roles[object]) == 0 {
			why = append(why, "no counterpart in batos")
		}
		return strings.Join(why, "; ")
	}

	type row struct{ total, answered, left int }
	rows := map[string]*row{}
	var all row
	perCat := map[string]int{}
	used := map[string]bool{}
	distinct := map[string]bool{} // selector -> answered wherever it is defined
	for _, name := range coreFiles {
		r := &row{}
		rows[name] = r
		for _, s := range publicSelectors(t, dir, name) {
			if _, ok := roles[s.object]; !ok {
				t.Errorf("%s.self:%s: %s: no batos role for %s: add it to roles", name, s.pos, s.sel, s.object)
				continue
			}
			r.total++
			why := answers(s.object, s.sel)
			cat, entry := lo.category(s)
			if why == "" {
				r.answered++
				if entry != "" && !strings.HasSuffix(entry, "*") {
					used[entry] = true
					t.Errorf("selectors-left-out.txt:%d: %s %s is answered now: remove it from the list", lo.line[entry], s.object, s.sel)
				}
				if _, ok := distinct[s.sel]; !ok {
					distinct[s.sel] = true
				}
				continue
			}
			distinct[s.sel] = false
			if cat == "" {
				t.Errorf("%s.self:%s: %s %s is neither answered (%s) nor in selectors-left-out.txt", name, s.pos, s.object, s.sel, why)
				continue
			}
			used[entry] = true
			r.left++
			perCat[cat]++
			if testing.Verbose() {
				t.Logf("left out [%s] %s %s (%s)", cat, s.object, s.sel, why)
			}
		}
		all.total += r.total
		all.answered += r.answered
		all.left += r.left
	}
	for _, k := range sortedKeys(lo.line) {
		if !used[k] {
			t.Errorf("selectors-left-out.txt:%d: %s is not a public selector of Self's core files that batos leaves out: remove it", lo.line[k], strings.Replace(k, "\t", " ", 1))
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "Self's core selectors in batos (public slots of traits objects):\n")
	fmt.Fprintf(&b, "%-22s %6s %8s %8s %7s\n", "file", "public", "answered", "left out", "missing")
	for _, name := range coreFiles {
		r := rows[name]
		fmt.Fprintf(&b, "%-22s %6d %8d %8d %7d\n", name+".self", r.total, r.answered, r.left, r.total-r.answered-r.left)
	}
	fmt.Fprintf(&b, "%-22s %6d %8d %8d %7d\n", "total", all.total, all.answered, all.left, all.total-all.answered-all.left)
	nd, na := 0, 0
	for _, ok := range distinct {
		nd++
		if ok {
			na++
		}
	}
	fmt.Fprintf(&b, "distinct selectors: %d, answered wherever Self defines them: %d\n", nd, na)
	for _, c := range lo.order {
		fmt.Fprintf(&b, "left out [%s] %d: %s\n", c, perCat[c], lo.reasons[c])
	}
	t.Log(b.String())
	if all.answered < minAnswered {
		t.Errorf("batos answers %d of Self's %d public core selectors, fewer than the floor %d", all.answered, all.total, minAnswered)
	}
}

// sortedRoles lists the expressions of roles once each.
func sortedRoles() []string {
	seen := map[string]bool{}
	for _, srcs := range roles {
		for _, s := range srcs {
			seen[s] = true
		}
	}
	out := sortedKeys(seen)
	sort.Strings(out)
	return out
}

// refusal reports whether slot is a method whose body is one `error:
// 'text'` send to self: the library understands the selector only to say
// it does not support it.
func refusal(slot *vm.Slot) bool {
	m, ok := slot.Const.Method()
	if !ok || m.Body == nil || len(m.Body.Code) != 1 {
		return false
	}
	e := m.Body.Code[0]
	if r, ok := e.(*lang.Return); ok {
		e = r.X
	}
	s, ok := e.(*lang.Send)
	if !ok || s.Recv != nil || s.Sel != "error:" {
		return false
	}
	_, lit := s.Args[0].(*lang.String)
	return lit
}
