package grammar_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"batos/lang"
	"batos/llm/grammar"
)

// isMethodSlot reports whether text parses as exactly one method slot.
func isMethodSlot(text string) error {
	e, err := lang.ParseExpr("slot", "(| "+text+" |)")
	if err != nil {
		return err
	}
	o, ok := e.(*lang.Object)
	if !ok || len(o.Slots) != 1 {
		return errNotSlot
	}
	if m, ok := o.Slots[0].Value.(*lang.Object); !ok || m == nil {
		return errNotSlot
	}
	return nil
}

type slotErr string

func (e slotErr) Error() string { return string(e) }

const errNotSlot = slotErr("not one method slot")

func TestMethodSlotGBNF(t *testing.T) {
	g, err := grammar.MethodSlot()
	if err != nil {
		t.Fatal(err)
	}
	text := g.GBNF()
	t.Logf("%d rules, %d bytes", len(g.Rules), len(text))
	back, err := grammar.ParseGBNF(text)
	if err != nil {
		t.Fatalf("the printed grammar does not read back: %v\n%s", err, text)
	}
	if a, b := sortedLines(back.GBNF()), sortedLines(text); a != b {
		t.Errorf("GBNF round trip differs")
	}
}

const samples = 1000

// TestSamplesParse: every string the grammar generates parses as a method
// slot (the grammar is sound with respect to the parser).
func TestSamplesParse(t *testing.T) {
	g, err := grammar.MethodSlot()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	lens := 0
	for i := range samples {
		s, ok := g.Sample(r, 200)
		if !ok {
			t.Fatalf("sample %d did not finish", i)
		}
		lens += len(s)
		if err := isMethodSlot(s); err != nil {
			t.Fatalf("sample %d does not parse: %q: %v", i, s, err)
		}
		if !g.Match(s) {
			t.Fatalf("sample %d is not matched by its own grammar: %q", i, s)
		}
		if i < 5 {
			t.Logf("%s", s)
		}
	}
	t.Logf("mean length %d", lens/samples)
}

// corpus are method slots as the kernel would write them, in canonical
// form; all are in the grammar.
var corpus = []string{
	"foo = (3)",
	"printString = ('a point')",
	"isEmpty = (size = 0)",
	"+ x = (x printString)",
	"at: i Put: v = (| t <- 3 | t: i + v. ^ t foo: [| :x | x * 2] Bar: 'hi')",
	"max: a = ((a > self) ifTrue: [a] False: [self])",
	"sum = (| s <- 0 | do: [| :e | s: s + e]. s)",
	"double = (self * 2)",
	"greet: name = ('Hello, ' , name)",
	"area = (width * height)",
	"negate = (0 - self)",
	"abs = ((self < 0) ifTrue: [self negate] False: [self])",
	"describe = (^ 'x')",
	"at: k IfAbsent: b = (| i | i: indexOf: k. (i < 0) ifTrue: [b value] False: [vs at: i])",
	"copy = (| c | c: clone. c items: items copy. c)",
	"- other = (x: x - other x)",
	"isNil = (false)",
	"empty = ()",
	"withIndex: b = (0 to: size - 1 Do: [| :i | b value: (at: i) With: i])",
	"count = (-1 abs)",
	"mean = (| count <- 0. len <- 0. result | do: [| :e | count: count + 1. len: len + e]. result: len / count. result)",
	"swap: i With: j = (| a. h. n. t | t: at: i. at: i Put: (at: j). at: j Put: t. self)",
}

// notSlots are rejected by the parser (as one method slot) and by the
// grammar.
var notSlots = []string{
	"foo = (3 + 4 * 5)",
	"foo = (x foo: )",
	"foo = (| a. a | a)",
	"foo = (| s. s <- 1 | s)",
	"foo = ([| :a | ] value)",
	"foo = (3 + )",
	"foo = (007)",
	"foo = (. x)",
	"foo: a = (| :a | a)",
	"Foo = (3)",
	"foo = 3",
	"foo = ('unterminated)",
	"foo = (3abs)",
}

func TestCorpusAgrees(t *testing.T) {
	g, err := grammar.MethodSlot()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range corpus {
		if err := isMethodSlot(s); err != nil {
			t.Errorf("corpus slot does not parse: %q: %v", s, err)
		}
		if !g.Match(s) {
			t.Errorf("grammar rejects %q", s)
		}
	}
	for _, s := range notSlots {
		if isMethodSlot(s) == nil {
			t.Errorf("parser accepts %q", s)
		}
		if g.Match(s) {
			t.Errorf("grammar accepts %q", s)
		}
	}
}

func sortedLines(s string) string {
	l := strings.Split(s, "\n")
	slices.Sort(l)
	return strings.Join(l, "\n")
}

func TestDerivationNoticesNewRules(t *testing.T) {
	ebnf, err := lang.EBNF()
	if err != nil {
		t.Fatal(err)
	}
	_, err = grammar.DeriveMethodSlot(ebnf+"\nGNewThing = <ident> .\n", grammar.DefaultSlotOptions)
	if err == nil || !strings.Contains(err.Error(), "GNewThing") {
		t.Errorf("a new rule in lang's grammar went unnoticed: %v", err)
	}
}
