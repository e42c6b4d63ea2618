package textindex_test

import (
	"strings"
	"testing"

	"batos/stdlib"
	"batos/textindex"
	"batos/vm"
)

// Notes finds the catalog's chunks for a selector's words.
func TestNotes(t *testing.T) {
	th, err := stdlib.Boot(vm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	notes := textindex.Notes(th.VM(), 2)
	if got := notes("printOn:"); len(got) != 0 {
		t.Fatalf("an empty catalog gave %q", got)
	}
	if _, err := th.EvalString("t", "catalog index: 'To print an object on a stream, send printOn: with the stream. Unrelated text about zebras.' Id: 'p' Metadata: nil"); err != nil {
		t.Fatal(err)
	}
	got := notes("printOn:")
	if len(got) != 1 || !strings.Contains(got[0], "printOn:") {
		t.Fatalf("notes for printOn: = %q", got)
	}
}
