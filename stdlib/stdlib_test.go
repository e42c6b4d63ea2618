package stdlib_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"batos/lang"
	"batos/stdlib"
	"batos/vm"
)

// TestLibrary runs every testdata/*.self file. Each top-level statement
// runs on its own; a failed assertion or a runtime error is reported at its
// file:line:col and the file goes on with the next statement.
func TestLibrary(t *testing.T) {
	t.Setenv("BATOS_CACHE", t.TempDir()) // blobs materialise here
	files, err := filepath.Glob("testdata/*.self")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) { runFile(t, file) })
	}
}

func runFile(t *testing.T, file string) {
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	th, err := stdlib.Boot(vm.Options{Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	th.SetMaxSteps(50_000_000)
	f, err := lang.Parse(file, string(src))
	if err != nil {
		t.Fatalf("%s", lang.FormatError(err, string(src)))
	}
	asserts := 0
	th.OnAssert = func(trace []vm.TraceEntry, msg string) {
		t.Errorf("%s: %s", where(trace, file), msg)
	}
	for _, s := range f.Stmts {
		if _, err := th.EvalStmt(s, file); err != nil {
			if e, ok := err.(*vm.Error); ok {
				t.Errorf("%s\n%s", e.Error(), e.Backtrace())
			} else {
				t.Error(err)
			}
		}
		asserts += strings.Count(lang.FormatExpr(s), "assert ")
	}
	if asserts == 0 {
		t.Errorf("%s has no assertions", file)
	}
	if want, err := os.ReadFile(strings.TrimSuffix(file, ".self") + ".out"); err == nil {
		if got := out.String(); got != string(want) {
			t.Errorf("%s: output differs\n--- got\n%s--- want\n%s", file, got, want)
		}
	}
}

// where returns the position of the innermost activation in the test file.
func where(trace []vm.TraceEntry, file string) string {
	for _, e := range trace {
		if e.File == file {
			return fmt.Sprintf("%s:%d:%d", e.File, e.Pos.Line, e.Pos.Col)
		}
	}
	if len(trace) > 0 {
		return fmt.Sprintf("%s:%d:%d", trace[0].File, trace[0].Pos.Line, trace[0].Pos.Col)
	}
	return file
}
