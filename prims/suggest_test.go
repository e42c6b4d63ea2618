package prims_test

import (
	"strings"
	"testing"

	"batos/stdlib"
	"batos/vm"
)

// A message not understood suggests the nearest selectors the receiver
// understands, with the same number of arguments.
func TestDidYouMean(t *testing.T) {
	th, err := stdlib.Boot(vm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for src, want := range map[string]string{
		"'abc' reversed":     "does not understand 'reversed' (did you mean 'reverse'?)",
		"3 prinString":       "(did you mean 'printString'?)",
		"vector copy ad: 3":  "(did you mean 'add:' or 'at:'?)",
		"3 zzzzzzzzzzzzzzzz": "does not understand 'zzzzzzzzzzzzzzzz'\n",
	} {
		_, err := th.EvalString("t", src)
		if err == nil {
			t.Errorf("%s: no error", src)
			continue
		}
		if got := err.Error() + "\n"; !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", src, got, want)
		}
	}
}
