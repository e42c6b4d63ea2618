package lang

import (
	"math"
	"math/big"
	"os"
	"path/filepath"
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
