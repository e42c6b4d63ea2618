package conformance

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"batos/lang"
	"batos/vm"
)

// TestCoreCompiles compiles every file of Self's core/ with vm.Check,
// which runs nothing. batos has few of Self's primitives, so every
// primitive a file names is declared for the check (as one that always
// fails): what is left are the compile errors that are not about
// primitives, such as assignments to arguments or slot lists a method
// may not have.
func TestCoreCompiles(t *testing.T) {
	dir := subdir(t, objectsDir(t), "core")
	files, err := filepath.Glob(filepath.Join(dir, "*.self"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .self files in %s", dir)
	}
	var parseFail, compileFail int
	prims := map[string]bool{}
	reasons := map[string][]string{} // first error message, without its place -> files
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := lang.Parse(path, string(b))
		if err != nil {
			parseFail++
			t.Errorf("%v", err)
			continue
		}
		names := primitives(f)
		for _, n := range names {
			prims[n] = true
		}
		errs := check(f, names)
		if len(errs) == 0 {
			continue
		}
		compileFail++
		for _, e := range errs {
			t.Errorf("%v", e)
		}
		msg := errs[0].Error()
		if _, after, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(msg, path) {
			msg = after
		}
		reasons[msg] = append(reasons[msg], filepath.Base(path))
	}
	for _, r := range sortedKeys(reasons) {
		t.Logf("does not compile: %s: %s", strings.Join(reasons[r], ", "), r)
	}
	t.Logf("core: %d files: %d compile, %d do not parse, %d do not compile (with the %d primitive names they use declared)",
		len(files), len(files)-parseFail-compileFail, parseFail, compileFail, len(prims))
}

// check compiles f in a new VM whose primitive table declares names.
func check(f *lang.File, names []string) []error {
	fail := func(*vm.Thread, vm.Value, []vm.Value) (vm.Value, error) {
		return vm.Value{}, vm.Fail("primitiveNotDefinedError")
	}
	table := make([]vm.Primitive, len(names))
	for i, n := range names {
		table[i] = vm.Primitive{Name: n, Fn: fail, Doc: "declared by the conformance test"}
	}
	return vm.New(vm.Options{Primitives: table, Stdout: io.Discard}).Check(f)
}

// primitives lists the primitive names f sends, without IfFail: (the name
// a primitive table holds).
func primitives(f *lang.File) []string {
	seen := map[string]bool{}
	var walk func(e lang.Expr)
	body := func(slots []*lang.Slot, code []lang.Expr) {
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
			if e.IsPrimitive() {
				name := e.Sel
				if name != "_IfFail:" {
					name = strings.TrimSuffix(name, "IfFail:")
				}
				seen[name] = true
			}
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
			body(e.Slots, e.Code)
		case *lang.Block:
			body(e.Slots, e.Code)
		}
	}
	for _, s := range f.Stmts {
		walk(s)
	}
	return sortedKeys(seen)
}
