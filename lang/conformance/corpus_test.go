package conformance

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"batos/lang"
)

// objectsDir returns Self's objects/ directory named by
// $BATOS_SELF_CORPUS, or skips the test.
func objectsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("BATOS_SELF_CORPUS")
	if dir == "" {
		t.Skip("BATOS_SELF_CORPUS is not set: set it to a checkout of Self's objects/ directory to run the conformance checks")
	}
	if fi, err := os.Stat(filepath.Join(dir, "objects")); err == nil && fi.IsDir() {
		dir = filepath.Join(dir, "objects")
	}
	return dir
}

// subdir returns dir/rel, or skips the test when it is not there.
func subdir(t *testing.T, dir, rel string) string {
	t.Helper()
	p := filepath.Join(dir, rel)
	if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
		t.Skipf("%s is not in %s", rel, dir)
	}
	return p
}

// notCode are the directories under objects/ whose *.self files are not
// Self 4 source, with the reason.
var notCode = []struct{ dir, why string }{
	{"applications/selfParser/tests", "Self's parser tests, most of them wrong on purpose: TestParserCorpus runs them"},
	{"ui2/tutorial-4.0/textStrings", "the tutorial's prose"},
}

// TestSourcesParse parses every *.self file under the corpus and checks
// that each survives the printer. Each failure is reported with its
// file:line:col. Files in Self 2 or 3 syntax (privacy markers, priority
// parents), which Self 4 rejects too, are counted apart.
func TestSourcesParse(t *testing.T) {
	dir := objectsDir(t)
	var files, lines, failed, old, deliberate int
	skipped := map[string]int{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".self") {
			return err
		}
		for _, n := range notCode {
			if strings.HasPrefix(path, filepath.Join(dir, n.dir)+string(filepath.Separator)) {
				skipped[n.dir]++
				return nil
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := string(b)
		files++
		lines += strings.Count(src, "\n")
		f, err := lang.Parse(path, src)
		switch {
		case err != nil && strings.Contains(err.Error(), "Self 2"):
			old++
			t.Logf("Self 2/3 syntax: %s", strings.SplitN(err.Error(), "\n", 2)[0])
		case err != nil && (strings.Contains(err.Error(), "';' is not Self") || strings.Contains(err.Error(), "'#' is not Self")):
			// batos rejects these operators on purpose (docs/language.md,
			// "Deliberate differences from Self")
			deliberate++
			t.Logf("a ';' or '#' operator, rejected on purpose: %s", strings.SplitN(err.Error(), "\n", 2)[0])
		case err != nil:
			failed++
			t.Errorf("%v", err)
		case !printsBack(t, path, f):
			failed++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatalf("no .self files under %s", dir)
	}
	for _, n := range notCode {
		t.Logf("not checked: %d files in %s (%s)", skipped[n.dir], n.dir, n.why)
	}
	t.Logf("sources: %d files, %d lines: %d parse and print back, %d are in Self 2/3 syntax, %d use an operator batos rejects on purpose, %d fail",
		files, lines, files-failed-old-deliberate, old, deliberate, failed)
}

// printsBack prints f, parses the print and compares the trees,
// reporting any failure.
func printsBack(t *testing.T, path string, f *lang.File) bool {
	t.Helper()
	g, err := lang.Parse(path+" (formatted)", lang.Format(f))
	switch {
	case err != nil:
		t.Errorf("%s: formatted source does not parse: %v", path, err)
		return false
	case !lang.Equal(f, g):
		t.Errorf("%s: round trip changed the tree", path)
		return false
	}
	return true
}

// TestParserCorpus runs Self's parser tests: each tests/NAME.self has
// Self's result in tests/results/NAME, either the tree its parser built
// (starting "expressionSeries") or its error message. batos must accept
// and reject the same inputs; for the accepted ones the sends, in order
// with their selectors, must be those of Self's tree.
func TestParserCorpus(t *testing.T) {
	dir := subdir(t, objectsDir(t), filepath.Join("applications", "selfParser", "tests"))
	inputs, err := filepath.Glob(filepath.Join(dir, "*.self"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no parser tests in %s", dir)
	}
	var agree, accepted, rejected, noResult, stale int
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".self")
		want, err := os.ReadFile(filepath.Join(dir, "results", name))
		if err != nil {
			noResult++
			t.Logf("%s: no result file: %v", name, err)
			continue
		}
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		selfTree, selfOK := strings.CutPrefix(strings.TrimLeft(string(want), "\n"), "expressionSeries")
		f, perr := lang.Parse(in, string(src))
		switch {
		case selfOK && perr != nil:
			t.Errorf("%s: Self accepts it, batos rejects it: %v", name, perr)
		case !selfOK && perr == nil:
			t.Errorf("%s: Self rejects it (%s), batos accepts it", name, oneLine(string(want)))
		case !selfOK:
			agree++
			rejected++
			t.Logf("%s: both reject: Self: %s; batos: %s", name, oneLine(string(want)), oneLine(perr.Error()))
		default:
			if d := diff(sends(f), selfSends(selfTree)); d != "" {
				if a, b := revision(string(src)), revision(selfTree); a != b {
					// Self's results/ were not regenerated when the
					// source was edited (collection.self).
					stale++
					agree++
					t.Logf("%s: both accept; the sends differ, but the result is for revision %s of the source, not %s: %s", name, b, a, d)
					continue
				}
				t.Errorf("%s: both accept, but the sends differ: %s", name, d)
				continue
			}
			if !printsBack(t, in, f) {
				continue
			}
			agree++
			accepted++
		}
	}
	t.Logf("parser corpus: %d inputs, %d agree with Self (%d accepted with the same sends, %d accepted against a result for another revision, %d rejected), %d disagree, %d without a result",
		len(inputs), agree, accepted, stale, rejected, len(inputs)-agree-noResult, noResult)
}

// selfSendRE matches a send in the tree Self's parser test prints.
var selfSendRE = regexp.MustCompile(`(?m)^\s*(unary|binary|keyword)Send: ?(\S*)\s*$`)

// selfSends lists the sends of a printed Self tree in order, as
// "kind selector".
func selfSends(tree string) []string {
	var out []string
	for _, m := range selfSendRE.FindAllStringSubmatch(tree, -1) {
		out = append(out, m[1]+" "+m[2])
	}
	return out
}

// sends lists the sends of f in the order Self's printer visits them: a
// send, then its receiver and arguments; an object's slots, then its code.
func sends(f *lang.File) []string {
	var out []string
	var walk func(e lang.Expr)
	walkSlots := func(slots []*lang.Slot, code []lang.Expr) {
		for _, s := range slots {
			if s.Value != nil {
				walk(s.Value)
			}
		}
		for _, c := range code {
			walk(c)
		}
	}
	walk = func(e lang.Expr) {
		switch e := e.(type) {
		case *lang.Send:
			sel := e.Sel
			switch {
			case e.Delegate != "":
				sel = e.Delegate + "." + sel
			case e.Resend:
				sel = "resend." + sel
			}
			out = append(out, [...]string{"unary", "binary", "keyword"}[e.Kind]+" "+sel)
			if e.Recv != nil {
				walk(e.Recv)
			}
			for _, a := range e.Args {
				walk(a)
			}
		case *lang.Return:
			walk(e.X)
		case *lang.Paren:
			walk(e.X)
		case *lang.Object:
			walkSlots(e.Slots, e.Code)
		case *lang.Block:
			walkSlots(e.Slots, e.Code)
		}
	}
	for _, s := range f.Stmts {
		walk(s)
	}
	return out
}

// diff describes where two lists of sends first differ, or returns "".
func diff(got, want []string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	if i == len(got) && i == len(want) {
		return ""
	}
	window := func(l []string) string {
		lo, hi := max(i-3, 0), min(i+3, len(l))
		return "..." + strings.Join(l[lo:hi], ", ") + "..."
	}
	return fmt.Sprintf("send %d of %d (Self: %d):\nbatos %s\nSelf  %s", i+1, len(got), len(want), window(got), window(want))
}

// revisionRE matches the revision string at the head of Self's sources.
var revisionRE = regexp.MustCompile(`Sun-\$Revision: ([0-9.]+) \$`)

// revision returns the revision a source file (or a printed tree of it)
// names, or "".
func revision(s string) string {
	if m := revisionRE.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// oneLine squeezes a message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
