package lang

import (
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRoundTrip checks Equal(Parse(Format(Parse(src))), Parse(src)) over
// the testdata corpus, and that formatting is stable.
func TestRoundTrip(t *testing.T) {
	files, err := filepath.Glob("testdata/*.self")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata/*.self files")
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(name, string(b))
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		out := Format(f)
		g, err := Parse("formatted "+name, out)
		if err != nil {
			t.Errorf("%s: formatted source does not parse: %v\n%s", name, err, out)
			continue
		}
		if !Equal(f, g) {
			t.Errorf("%s: round trip changed the tree:\n%s", name, out)
		}
		if again := Format(g); again != out {
			t.Errorf("%s: formatting is not stable:\n%s\nthen\n%s", name, out, again)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct{ src, want string }{
		{"x foo:   1  Bar: 2.   3+4", "x foo: 1 Bar: 2.\n3 + 4.\n"},
		{"( | x <- 3 . | x )", "(| x <- 3 | x).\n"},
		{"(|   |)", "(| |).\n"},
		{"[ :a ]", "[ :a ]"}, // not valid: see TestFormatErrorsIgnored
		{"16r1F + 1.0e2", "31 + 100.0.\n"},
		{"resend.at: 1 Put: 2. p.+ 3", "resend.at: 1 Put: 2.\np.+ 3.\n"},
		{"{ 'note' (| a |) } foo", "(| {} = 'note'. a |) foo.\n"},
		{"{ 'note' (1. 2) }", "{ 'note' (1. 2) }.\n"},
		{"(| { 'Category: c' a. b } c |)", "(|\n    { 'Category: c'\n        a.\n        b.\n    }\n    c.\n|).\n"},
	}
	for _, tt := range tests {
		f, err := Parse("x", tt.src)
		if err != nil {
			if tt.src != "[ :a ]" {
				t.Errorf("Parse(%q): %v", tt.src, err)
			}
			continue
		}
		if got := Format(f); got != tt.want {
			t.Errorf("Format(%q) =\n%s\nwant\n%s", tt.src, got, tt.want)
		}
	}
}

func TestFormatLongObject(t *testing.T) {
	src := "(| parent* = traits clonable. x <- 0. y <- 0. at: i Put: v = (| t | t: i + v. ^ t) | x + y)"
	want := `(|
    parent* = traits clonable.
    x <- 0.
    y <- 0.
    at: i Put: v = (| t | t: i + v. ^ t).
|
    x + y
)`
	e, err := ParseExpr("x", src)
	if err != nil {
		t.Fatal(err)
	}
	if got := FormatExpr(e); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestFormatSlot(t *testing.T) {
	e, err := ParseExpr("x", `[| :a. x. y <- 3. p* = traits foo. + b = (b). at: i Put: v = (v). at:With: = (| :i. :v | v). m = (| t | t: 1. t) | x]`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{":a", "x", "y <- 3", "p* = traits foo", "+ b = (b)", "at: i Put: v = (v)",
		"at:With: = (| :i. :v | v)", "m = (| t | t: 1. t)"}
	slots := e.(*Block).Slots
	for i, s := range slots {
		if got := FormatSlot(s); got != want[i] {
			t.Errorf("FormatSlot #%d = %q, want %q", i, got, want[i])
		}
	}
}

func TestQuote(t *testing.T) {
	for _, s := range []string{"", "plain", "it's", `back\slash`, "\t\n\r\f\v\b\a\x00", "\x7f\x01\xff", "héllo", "\xe9t\xe9", `"quoted"`} {
		q := Quote(s)
		e, err := ParseExpr("x", q)
		if err != nil {
			t.Errorf("Quote(%q) = %s does not parse: %v", s, q, err)
			continue
		}
		if got := e.(*String).Val; got != s {
			t.Errorf("Quote(%q) = %s reads back as %q", s, q, got)
		}
	}
}

func TestFormatFloat(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 0.1, 1.5, 1e10, 1e21, 1e-7, 123456789, 5e-324, math.MaxFloat64,
		math.Copysign(0, -1), math.Inf(1), math.Inf(-1), 1.0 / 3} {
		s := formatFloat(f)
		e, err := ParseExpr("x", s)
		if err != nil {
			t.Errorf("formatFloat(%g) = %s does not parse: %v", f, s, err)
			continue
		}
		fl, ok := e.(*Float)
		if !ok || math.Float64bits(fl.Val) != math.Float64bits(f) {
			t.Errorf("formatFloat(%g) = %s reads back as %#v", f, s, e)
		}
	}
}

// TestFormatBuiltTrees checks that trees built by hand, not by the
// parser, print with the parentheses they need to keep their meaning.
func TestFormatBuiltTrees(t *testing.T) {
	id := func(s string) Expr { return &Send{Kind: Unary, Sel: s} }
	bin := func(r Expr, op string, a Expr) Expr { return &Send{Recv: r, Kind: Binary, Sel: op, Args: []Expr{a}} }
	kw := func(r Expr, sel string, args ...Expr) Expr {
		return &Send{Recv: r, Kind: Keyword, Sel: sel, Args: args}
	}
	un := func(r Expr, s string) Expr { return &Send{Recv: r, Kind: Unary, Sel: s} }
	tests := []struct {
		e    Expr
		want string
	}{
		{un(bin(id("a"), "+", id("b")), "c"), "(a + b) c"},
		{bin(bin(id("a"), "+", id("b")), "*", id("c")), "(a + b) * c"},
		{bin(bin(id("a"), "+", id("b")), "+", id("c")), "a + b + c"},
		{bin(id("a"), "+", bin(id("b"), "+", id("c"))), "a + (b + c)"},
		{bin(id("a"), "+", kw(nil, "p:", id("b"))), "a + p: b"},
		{bin(bin(id("a"), "+", kw(nil, "p:", id("b"))), "+", id("c")), "(a + p: b) + c"},
		{kw(kw(id("a"), "f:", id("b")), "g:", id("c")), "(a f: b) g: c"},
		{kw(id("a"), "f:G:", kw(id("b"), "h:", id("c")), id("d")), "a f: (b h: c) G: d"},
		{kw(id("a"), "f:G:", id("d"), kw(id("b"), "h:", id("c"))), "a f: d G: b h: c"},
		{un(&Int{Val: -3}, "abs"), "-3 abs"},
		{bin(&Int{Val: 3}, "-", &Int{Val: -3}), "3 - -3"},
		{&Int{Big: new(big.Int).Lsh(big.NewInt(1), 70)}, "1180591620717411303424"},
		{&Send{Kind: Unary, Sel: "copy", Resend: true, Delegate: "p"}, "p.copy"},
	}
	for _, tt := range tests {
		if got := FormatExpr(tt.e); got != tt.want {
			t.Errorf("FormatExpr = %q, want %q", got, tt.want)
		}
	}
	// `x = (e)` would read back as a method: a parenthesised constant
	// initialiser prints without its parentheses.
	s := &Slot{Name: "x", Kind: Constant, Value: &Paren{X: bin(id("a"), "+", id("b"))}}
	if got := FormatSlot(s); got != "x = a + b" {
		t.Errorf("FormatSlot = %q", got)
	}
}

func TestEqual(t *testing.T) {
	a, _ := ParseExpr("x", "(| x <- 3 | x + 1)")
	b, _ := ParseExpr("y", "(|x<-3|   x+1 )")
	c, _ := ParseExpr("x", "(| x <- 3 | x + 2)")
	if !Equal(a, b) || Equal(a, c) {
		t.Error("Equal disagrees on objects")
	}
	if !Equal(nil, nil) || Equal(a, nil) || Equal(nil, a) {
		t.Error("Equal disagrees on nil")
	}
	f1, _ := Parse("a", "x. y")
	f2, _ := Parse("b", "x.\ny.")
	if !Equal(f1, f2) || Equal(f1, a) {
		t.Error("Equal disagrees on files")
	}
	s1 := a.(*Object).Slots[0]
	s2 := b.(*Object).Slots[0]
	if !Equal(s1, s2) || Equal(s1, a) {
		t.Error("Equal disagrees on slots")
	}
	if Equal(&Int{Val: 1}, &Float{Val: 1}) || !Equal(&Int{Big: big.NewInt(5)}, &Int{Big: big.NewInt(5)}) {
		t.Error("Equal disagrees on numbers")
	}
}

// commented has a comment in every place one can be written.
const commented = `"File header comment,
 spanning two lines."

"Before the first statement."
lobby _AddSlots: (|
    "Inside the slot list, first."
    count <- 0. "trailing a slot"


    "After two blank lines (kept as one)."
    double: n = (
        "Answer twice n."
        n * 2 "inline at the end").
    { 'Category: accessing'
      "first in a category"
      at: i Put: v = ( count: count + 1. "after a statement"
                       v ). "trailing the method"
      "last in the category"
    }.
    x <- 3 "between a value and the dot".
    "Last in the slot list."
|).
3 + "inside an expression" 4. "trailing a statement"

(1 to: 3) do: [| :i | "inside a block" i printLine "after the last statement" ].
[| :e "an argument's comment" | e ] value: 1.
x foo: 1 "between keyword parts"
  Bar: 2.
x "before a unary selector" size.
(3 + 4 "before a paren closes").
( "only a comment" ).
(| "only a comment in the slot list" | 3).
"At the end of the file."
`

const commentedFormatted = `"File header comment,
 spanning two lines."

"Before the first statement."
lobby _AddSlots: (|
    "Inside the slot list, first."
    count <- 0. "trailing a slot"

    "After two blank lines (kept as one)."
    double: n = (
        "Answer twice n."
        n * 2 "inline at the end"
    ).
    { 'Category: accessing'
        "first in a category"
        at: i Put: v = (
            count: count + 1. "after a statement"
            v
        ). "trailing the method"
        "last in the category"
    }
    x <- 3. "between a value and the dot"
    "Last in the slot list."
|).
3 + "inside an expression" 4. "trailing a statement"

(1 to: 3) do: [| :i |
    "inside a block" i printLine "after the last statement"
].
[|
    :e. "an argument's comment"
|
    e
] value: 1.
x foo: 1 Bar: "between keyword parts" 2.
x "before a unary selector" size.
(3 + 4 "before a paren closes").
(
    "only a comment"
).
(|
    "only a comment in the slot list"
|
    3
).
"At the end of the file."
`

// checkFormatKeeps formats src and checks that the result parses to the
// same tree with the same comments, and that formatting it again changes
// nothing. It returns the result and the number of comments.
func checkFormatKeeps(t *testing.T, name, src string) (string, int) {
	t.Helper()
	f, err := Parse(name, src)
	if err != nil {
		t.Fatalf("%v", err)
	}
	out := Format(f)
	g, err := Parse("formatted "+name, out)
	if err != nil {
		t.Fatalf("%s: formatted source does not parse: %v\n%s", name, err, out)
	}
	if !Equal(f, g) {
		t.Errorf("%s: formatting changed the tree:\n%s", name, out)
	}
	before, after := CommentsOf(f), CommentsOf(g)
	if len(before) != len(after) {
		t.Errorf("%s: %d comments before formatting, %d after:\n%s", name, len(before), len(after), out)
	} else {
		for i := range before {
			if before[i].Text != after[i].Text {
				t.Errorf("%s: comment %d was %s, is %s", name, i, before[i].Text, after[i].Text)
			}
		}
	}
	if again := Format(g); again != out {
		t.Errorf("%s: formatting is not stable:\n%s\nthen\n%s", name, out, again)
	}
	return out, len(before)
}

func TestFormatComments(t *testing.T) {
	out, n := checkFormatKeeps(t, "commented.self", commented)
	if n != 24 {
		t.Errorf("the test text has %d comments, want 24", n)
	}
	if out != commentedFormatted {
		t.Errorf("got\n%s\nwant\n%s", out, commentedFormatted)
	}
	// The tree holds none of them: without the source there are none to
	// print.
	f, _ := Parse("x", commented)
	if len(f.Comments) != n {
		t.Errorf("Parse collected %d comments, want %d", len(f.Comments), n)
	}
	f.Src, f.Comments = "", nil
	if strings.Contains(Format(f), `"`) {
		t.Errorf("a file without its source printed comments:\n%s", Format(f))
	}
}

func TestFormatBlankLines(t *testing.T) {
	tests := []struct{ src, want string }{
		{"\n\nx.\n\n\n\ny.\nz", "x.\n\ny.\nz.\n"},
		{"x. y.\n\n", "x.\ny.\n"},
		// Inside bodies printed a line each too, but not after an opening
		// or before a closing bracket. (A body printed on one line has
		// none.)
		{"(|\n\n a.\n\n b. c\n\n|\n\n a.\n\n\n b\n\n)", "(| a. b. c | a. b)"},
		{"(|\n\n alpha = 'a long string, long enough'.\n\n beta = 'to make the object too wide'.\n" +
			" c\n\n|\n\n a.\n\n\n b\n\n)",
			"(|\n    alpha = 'a long string, long enough'.\n\n    beta = 'to make the object too wide'.\n" +
				"    c.\n|\n    a.\n\n    b\n)"},
		{"[ \"c\"\n\n\n \"d\" ]", "[\n    \"c\"\n\n    \"d\"\n]"},
	}
	for _, tt := range tests {
		f, err := Parse("x", tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		got := Format(f)
		if !strings.HasSuffix(tt.want, "\n") {
			got = strings.TrimSuffix(got, ".\n")
		}
		if got != tt.want {
			t.Errorf("Format(%q) =\n%s\nwant\n%s", tt.src, got, tt.want)
		}
	}
}

// TestFormatKeepsLibraryComments formats every source file of the
// library, its tests and the parser's corpus: every comment is kept.
func TestFormatKeepsLibraryComments(t *testing.T) {
	total := 0
	for _, pat := range []string{"testdata/*.self", "../stdlib/*.self", "../stdlib/mind/*.self", "../stdlib/testdata/*.self"} {
		files, _ := filepath.Glob(pat)
		if len(files) == 0 {
			t.Fatalf("no files match %s", pat)
		}
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			_, n := checkFormatKeeps(t, name, string(b))
			total += n
		}
	}
	if total < 100 {
		t.Errorf("only %d comments in the library: the files moved?", total)
	}
	t.Logf("%d comments kept", total)
}
