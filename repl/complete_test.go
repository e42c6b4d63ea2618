package repl

import (
	"bytes"
	"slices"
	"testing"
)

func TestComplete(t *testing.T) {
	var out bytes.Buffer
	th := boot(t, &out)
	if _, err := th.EvalString("setup", "lobby _AddSlots: (| counter <- 0. point = (| parent* = traits clonable. xCoord <- 1 |) |)"); err != nil {
		t.Fatal(err)
	}
	c := newCompleter(th, []string{":help", ":quit", ":snapshot"})

	for _, tc := range []struct {
		line       string
		pos        int // -1: end of line
		head, tail string
		want       []string // must all be offered
		not        []string // must not be offered
	}{
		// names visible from the lobby
		{line: "tra", pos: -1, head: "", want: []string{"traits"}},
		{line: "coun", pos: -1, want: []string{"counter", "counter:"}},
		{line: "(3 + 4) * cou", pos: -1, head: "(3 + 4) * ", want: []string{"counter"}},
		// literals: their traits
		{line: "3 fac", pos: -1, head: "3 ", want: []string{"factorial"}},
		{line: "3 to", pos: -1, want: []string{"to:"}, not: []string{"to:Do:"}},
		{line: "3.5 sq", pos: -1, want: []string{"sqrt"}},
		{line: "'abc' siz", pos: -1, want: []string{"size"}},
		{line: "'abc' inc", pos: -1, want: []string{"includesSubstring:"}},
		{line: "[ 3 ] val", pos: -1, want: []string{"value"}},
		{line: "[ 3 ] wh", pos: -1, want: []string{"whileTrue:", "whileFalse:"}},
		// chains of slots
		{line: "traits vec", pos: -1, head: "traits ", want: []string{"vector"}, not: []string{"value"}},
		{line: "vector co", pos: -1, want: []string{"copy", "copySize:", "collect:"}},
		{line: "point xC", pos: -1, want: []string{"xCoord", "xCoord:"}},
		{line: "lobby point xC", pos: -1, want: []string{"xCoord"}},
		// a receiver that needs running code: everything known
		{line: "(vector copy) rev", pos: -1, want: []string{"reverse", "reverseDo:"}},
		{line: "3 factorial pri", pos: -1, want: []string{"printString"}},
		// later parts of keyword selectors
		{line: "3 to: 5 D", pos: -1, head: "3 to: 5 ", want: []string{"Do:"}},
		{line: "v at: 1 P", pos: -1, want: []string{"Put:"}},
		// the cursor inside the line
		{line: "3 facXYZ", pos: 5, head: "3 ", tail: "XYZ", want: []string{"factorial"}},
		// commands
		{line: ":sn", pos: -1, want: []string{":snapshot"}, not: []string{":help"}},
		{line: "  :h", pos: -1, head: "  ", want: []string{":help"}},
		// nothing to complete
		{line: "12", pos: -1, not: []string{"factorial"}},
		{line: "foo:", pos: -1},
	} {
		pos := tc.pos
		if pos < 0 {
			pos = len([]rune(tc.line))
		}
		head, got, tail := c.Complete(tc.line, pos)
		if tc.head != "" && head != tc.head {
			t.Errorf("%q: head %q, want %q", tc.line, head, tc.head)
		}
		if tail != tc.tail {
			t.Errorf("%q: tail %q, want %q", tc.line, tail, tc.tail)
		}
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: %q not offered; got %q", tc.line, w, got)
			}
		}
		for _, w := range tc.not {
			if slices.Contains(got, w) {
				t.Errorf("%q: %q offered; got %q", tc.line, w, got)
			}
		}
		if len(tc.want) == 0 && tc.line == "foo:" && len(got) != 0 {
			t.Errorf("%q: got %q, want nothing", tc.line, got)
		}
		if !slices.IsSorted(got) {
			t.Errorf("%q: not sorted: %q", tc.line, got)
		}
	}
}

func TestCompleteSeesNewSlots(t *testing.T) {
	var out bytes.Buffer
	th := boot(t, &out)
	c := newCompleter(th, nil)
	if _, got, _ := c.Complete("(3) zorkl", 9); len(got) != 0 {
		t.Fatalf("before: %q", got)
	}
	if _, err := th.EvalString("setup", "traits integer _AddSlots: (| zorklify = ( self ) |)"); err != nil {
		t.Fatal(err)
	}
	if _, got, _ := c.Complete("(3) zorkl", 9); !slices.Equal(got, []string{"zorklify"}) {
		t.Fatalf("after: %q", got)
	}
}
