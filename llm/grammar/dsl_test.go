package grammar_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"batos/lang"
	"batos/llm/grammar"
	"batos/vm"
)

// isMethodSlot reports whether text is one method slot as the kernel
// installs it: vm.ParseMethod (exactly one slot, whose value is a
// method) and Thread.CompileMethod.
func isMethodSlot(text string) error {
	s, body, err := vm.ParseMethod("slot", text)
	if err != nil {
		return err
	}
	_, err = compiler.CompileMethod(s, body, "slot", text)
	return err
}

// compiler is a bare VM's thread (no library): a method's local
// initialisers are evaluated in its lobby when it compiles.
var compiler = vm.New(vm.Options{}).NewThread()

// declaredTwice reports the error for a name declared twice (in one slot
// list, or as an argument and a local): the grammar leaves names free,
// so it generates such slots; the parser or the compiler rejects them.
func declaredTwice(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "declared twice") || strings.Contains(err.Error(), "duplicate slot name"))
}

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

const samples = 300

// TestSamplesParse: every string the grammar generates parses as a method
// slot (the grammar is sound with respect to the parser), but for names
// declared twice, which the grammar cannot exclude and the parser
// rejects.
func TestSamplesParse(t *testing.T) {
	g, err := grammar.MethodSlot()
	if err != nil {
		t.Fatal(err)
	}
	samplesParse(t, g, "", samples)
}

func samplesParse(t *testing.T, g *grammar.Grammar, sel string, samples int) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	lens, twice := 0, 0
	for i := range samples {
		s, ok := g.Sample(r, 200)
		if !ok {
			t.Fatalf("sample %d did not finish", i)
		}
		lens += len(s)
		slot, _, err := vm.ParseMethod("slot", s)
		if err == nil {
			err = isMethodSlot(s)
		}
		if declaredTwice(err) {
			twice++
			continue
		}
		if err != nil {
			t.Fatalf("sample %d does not parse: %q: %v", i, s, err)
		}
		if sel != "" && slot.Name != sel {
			t.Fatalf("sample %d is a slot %q, not %q: %q", i, slot.Name, sel, s)
		}
		// Matching is slow in Go; 100 samples of the general grammar check
		// it (the pinned grammars differ only in their head).
		if sel == "" && i < 100 && !g.Match(s) {
			t.Fatalf("sample %d is not matched by its own grammar: %q", i, s)
		}
		if i < 3 {
			t.Logf("%.120s", s)
		}
	}
	if twice > samples/2 {
		t.Errorf("%d of %d samples declare a name twice", twice, samples)
	}
	t.Logf("mean length %d; %d of %d declare a name twice", lens/samples, twice, samples)
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
	"withIndex: b = (0 to: size - 1 Do: [| :i | b value: (at: i) With: i])",
	"count = (-1 abs)",
	"mean = (| count <- 0. len <- 0. result | do: [| :e | count: count + 1. len: len + e]. result: len / count. result)",
	"swap: i With: j = (| a. h. n. t | t: at: i. at: i Put: (at: j). at: j Put: t. self)",
	// the raised limits: free names, 8 locals, 4 keyword parts, block
	// arguments and locals, every escape, 32-character names
	"reset = (| total <- 0. name <- 'x'. found <- false. rest <- nil. k <- -1. f <- 2.5. seen <- true. last | total)",
	"from: a To: b By: c Do: blk = (a to: b By: c Do: [| :i. :j. acc | acc: i. blk value: i With: j With: 0 With: acc])",
	"inject: acc Into: blk = (| r <- nil | do: [| :e | r: blk value: r With: e]. r)",
	"tab = ('a\\tb\\n\\'q\\' \\\\ \\\"\\? \\a\\b\\f\\r\\v\\0 \\x41\\xfF \\d000\\d199\\d255 \\o000\\o377 \\\ncontinued')",
	"r = (x at: 1 Put: 2 With: 3 With: 4)",
	"" + strings.Repeat("n", 32) + " = (" + strings.Repeat("v", 32) + ")",
	"s = ('" + strings.Repeat("x", 200) + "')",
	"stmts = (" + strings.Repeat("1. ", 19) + "2)",
	"locals = (| a. b. c. d. e. f. g. h | a)",
}

// notSlots are rejected by the parser (as one method slot to install)
// and by the grammar.
var notSlots = []string{
	"foo = (3 + 4 * 5)",
	"foo = (x foo: )",
	"foo = ([| :a | ] value)",
	"foo = (3 + )",
	"foo = (007)",
	"foo = (. x)",
	"foo: a = (| :a | a)",
	"Foo = (3)",
	"foo = 3",
	"foo = ('unterminated)",
	"foo = (3abs)",
	"empty = ()",                  // a data slot, not a method
	"reset = (| a |)",             // likewise
	"+ x = ()",                    // a binary slot without code
	"at: i Put: v = (| t <- 3 |)", // a keyword slot without code
	"foo = ('\\q')",               // not an escape
	"foo = ('\\d256')",            // more than 255
	"foo = ('\\o400')",
	"foo = ('\\x4')",
}

// duplicates are in the grammar, whose names are free, but the parser
// rejects them.
var duplicates = []string{
	"foo = (| a. a | a)",
	"foo = (| s. s <- 1 | s)",
	"at: a Put: a = (a)",
	"foo: a = (| a | a)",
	"foo = ([| :a. :a | a] value)",
}

// beyondBounds are method slots the parser accepts but the grammar does
// not generate: past its limits, constant locals (which cannot be
// assigned), and initialisers other than literals (evaluated in the
// lobby when the method is compiled).
var beyondBounds = []string{
	"" + strings.Repeat("n", 33) + " = (1)",
	"s = ('" + strings.Repeat("x", 201) + "')",
	"stmts = (" + strings.Repeat("1. ", 20) + "2)",
	"locals = (| a. b. c. d. e. f. g. h. i | a)",
	"r = (x at: 1 Put: 2 With: 3 With: 4 With: 5)",
	"foo = (| a = 3 | a)",
	"foo = (| a <- 3 + 4 | a)",
	"foo = (| a <- x | a)",
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
	for _, s := range duplicates {
		if err := isMethodSlot(s); !declaredTwice(err) {
			t.Errorf("%q: %v, want a name declared twice", s, err)
		}
		if !g.Match(s) {
			t.Errorf("grammar rejects %q", s)
		}
	}
	for _, s := range beyondBounds {
		if _, _, err := vm.ParseMethod("slot", s); err != nil {
			t.Errorf("parser rejects %q: %v", s, err)
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
