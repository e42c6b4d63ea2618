package stdlib_test

import (
	"fmt"
	"strings"
	"testing"

	"batos/stdlib"
	"batos/vm"
)

// An image made by an earlier batos (simulated: the kernel's objects and
// a mirror method missing, an older library method, a method the user
// redefined, no version record) is upgraded in place: new slots are
// added, library methods replaced, the user's method kept and reported.
func TestUpgradeOlderLibrary(t *testing.T) {
	th, err := stdlib.Boot(vm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	run := func(file, src string) string {
		t.Helper()
		v, err := th.EvalString(file, src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		s, err := th.PrintString(v)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	run("old", `lobby _RemoveSlot: 'kernel'. traits _RemoveSlot: 'generative'. traits _RemoveSlot: 'provenance'.
		lobby _RemoveSlot: 'libraryVersions'. mirror _RemoveSlot: 'provenanceOf:'. defaultBehavior _RemoveSlot: 'perform:'.
		lobby _AddSlots: (| acct = (| parent* = traits clonable. balance <- 5 |) |)`)
	run("stdlib/core.self", `mirror _AddSlots: (| annotation = ( 'an older library method' ) |)`)
	run("user.self", `mirror _AddSlots: (| kindName = ( 'mine' ) |)`)
	// an older library's parent: vectors inherited straight from collection
	run("stdlib/collections.self", `traits vector _AddSlots: (| parent* = traits collection |). nil`)

	rep, err := stdlib.Upgrade(th)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Changed() || rep.Replaced < 1 || rep.Added < 3 {
		t.Errorf("report: %+v", rep)
	}
	if !strings.Contains(rep.String(), "kept your version of mirror kindName") {
		t.Errorf("report: %s", rep)
	}
	for src, want := range map[string]string{
		"(reflect: acct) kindName":                    "'mine'",
		"(reflect: acct) annotation":                  "''",
		"(reflect: mirror) includes: 'provenanceOf:'": "true",
		"kernel policy grants includes: 'output'":     "true",
		"traits generative printString size > 0":      "true",
		"acct balance":                                "5",
		"libraryVersions size":                        fmt.Sprint(len(stdlib.Files)),
	} {
		if got := run("check", src); got != want {
			t.Errorf("%s = %s, want %s", src, got, want)
		}
	}
	again, err := stdlib.Upgrade(th)
	if err != nil || again.Changed() {
		t.Errorf("a second upgrade: %+v %v", again, err)
	}
}
