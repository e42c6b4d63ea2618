package prims_test

import (
	"strings"
	"testing"

	"batos/stdlib"
	"batos/vm"
)

// Strings built in place (short ones share their object's allocation)
// and joined read back as the same text as Go builds it.
func TestStringBuilding(t *testing.T) {
	th, err := stdlib.Boot(vm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 300)
	for src, want := range map[string]string{
		"'' , ''":                                "",
		"'item' , 42 printString":                "item42",
		"-9223372036854775807 printString":       "-9223372036854775807",
		"4611686018427387904 printStringBase: 2": "1" + strings.Repeat("0", 62),
		"65 asCharacter":                         "A",
		"'" + long + "' , '!'":                   long + "!",
		// one pass over the elements: longer than the first guessed, or
		// much shorter (then copied to its size)
		"(((vector copy add: 'a') add: 'bcdefgh') add: 'ij') joinedWith: ', '":   "a, bcdefgh, ij",
		"(((vector copy add: '" + long + "') add: 'b') add: 'c') joinedWith: ''": long + "bc",
		"(((vector copy add: 'a') add: 'bc') add: 'd') _VectorJoin: ', '":        "a, bc, d",
		"((vector copy add: '') add: '') joinedWith: '-'":                        "-",
	} {
		v, err := th.EvalString("t", src)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if got, ok := v.Str(); !ok || got != want {
			t.Errorf("%s = %q, want %q", src, got, want)
		}
	}
}
