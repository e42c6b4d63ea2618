package grammar_test

import (
	"strings"
	"testing"

	"batos/llm/grammar"
)

// TestMethodSlotFor: the grammar pinned to a selector generates method
// slots of that selector and arity only, with free argument names.
func TestMethodSlotFor(t *testing.T) {
	long := strings.Repeat("x", 40) // longer than free names may be
	for _, sel := range []string{"reset", "+", "<=", "at:Put:", "with:With:With:With:", long} {
		text, err := grammar.MethodSlotFor(sel)
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		if again, _ := grammar.MethodSlotFor(sel); again != text {
			t.Errorf("%s: a second call answers another grammar", sel)
		}
		g, err := grammar.ParseGBNF(text)
		if err != nil {
			t.Fatalf("%s: the grammar does not read back: %v", sel, err)
		}
		if !strings.HasPrefix(text, "root ::= ") {
			t.Errorf("%s: the grammar does not start with its root rule", sel)
		}
		t.Run(strings.ReplaceAll(sel, ":", "_"), func(t *testing.T) { samplesParse(t, g, sel, 40) })
	}
}

// pinnedCases: slot text, the selector it is pinned to, and whether the
// pinned grammar accepts it.
var pinnedCases = []struct {
	sel, text string
	ok        bool
}{
	{"reset", "reset = (balance: 0. self)", true},
	{"reset", "resets = (balance: 0)", false},
	{"reset", "reset: x = (x)", false},
	{"reset", "clear = (balance: 0)", false},
	{"reset", "reset = ()", false},
	{"+", "+ other = (x + other x)", true},
	{"+", "+ thisIsAVeryLongArgumentNameOf32 = (1)", true},
	{"+", "- other = (x - other x)", false},
	{"+", "+ = (1)", false},
	{"at:Put:", "at: i Put: v = (| old | old: at: i. old)", true},
	{"at:Put:", "at: index Put: value = (value)", true},
	{"at:Put:", "at: i = (i)", false},
	{"at:Put:", "at: i Put: v With: w = (i)", false},
	{"at:Put:", "put: i At: v = (i)", false},
	{"at:Put:", "at: i Put: v = (| t <- 3 |)", false},
	{"at:Put:", "at: i Put: self = (1)", false},
	{"with:With:With:With:", "with: a With: b With: c With: d = (a + b)", true},
}

func TestPinnedAgrees(t *testing.T) {
	for _, c := range pinnedCases {
		g, err := grammar.MethodSlotPinned(c.sel)
		if err != nil {
			t.Fatal(err)
		}
		if got := g.Match(c.text); got != c.ok {
			t.Errorf("%s: the grammar matches %q: %v, want %v", c.sel, c.text, got, c.ok)
		}
		if c.ok {
			if err := isMethodSlot(c.text); err != nil {
				t.Errorf("%q does not parse: %v", c.text, err)
			}
		}
	}
}

func TestMethodSlotForBadSelectors(t *testing.T) {
	for _, sel := range []string{"", "At:", "_foo", "_Foo:", "a b", "at:put", "at:Put", "3", "(", "foo:bar:"} {
		if _, err := grammar.MethodSlotFor(sel); err == nil || !strings.Contains(err.Error(), "cannot pin") {
			t.Errorf("selector %q: %v, want an error", sel, err)
		}
	}
}
