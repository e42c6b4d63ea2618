package lang

import (
	"strings"
	"testing"
)

// TestParseExpr checks the tree and the positions of every construct.
// The expected trees are written with dump (dump_test.go):
// (kind selector receiver args... @start-stop), "_" for no receiver.
func TestParseExpr(t *testing.T) {
	tests := []struct{ src, want string }{
		{"x", "(unary x _ @1:1-1:2)"},
		{"x y", "(unary y (unary x _ @1:1-1:2) @1:1-1:4)"},
		{"3 + 4", "(binary + int:3@1:1-1:2 int:4@1:5-1:6 @1:1-1:6)"},
		{"3 + 4 + 5", "(binary + (binary + int:3@1:1-1:2 int:4@1:5-1:6 @1:1-1:6) int:5@1:9-1:10 @1:1-1:10)"},
		{"a foo: b bar: c Baz: d", "(keyword foo: (unary a _ @1:1-1:2) (keyword bar:Baz: (unary b _ @1:8-1:9) (unary c _ @1:15-1:16) (unary d _ @1:22-1:23) @1:8-1:23) @1:1-1:23)"},
		{"5 min: 4 Max: 7", "(keyword min:Max: int:5@1:1-1:2 int:4@1:8-1:9 int:7@1:15-1:16 @1:1-1:16)"},
		{"at: 1 Put: 2", "(keyword at:Put: _ int:1@1:5-1:6 int:2@1:12-1:13 @1:1-1:13)"},
		{"1 + power: 3", "(binary + int:1@1:1-1:2 (keyword power: _ int:3@1:12-1:13 @1:5-1:13) @1:1-1:13)"},
		{"a -1 abs", "(binary - (unary a _ @1:1-1:2) (unary abs int:1@1:4-1:5 @1:4-1:9) @1:1-1:9)"},
		{"3 - -1", "(binary - int:3@1:1-1:2 int:-1@1:5-1:7 @1:1-1:7)"},
		{"-5 abs", "(unary abs int:-5@1:1-1:3 @1:1-1:7)"},
		{"+ 3", "(binary + _ int:3@1:3-1:4 @1:1-1:4)"},
		{"resend.copy", "(unary copy resend=\"\" _ @1:1-1:12)"},
		{"resend.+ 5", "(binary + resend=\"\" _ int:5@1:10-1:11 @1:1-1:11)"},
		{"traits.min: 17 Max: 23", "(keyword min:Max: resend=\"traits\" _ int:17@1:13-1:15 int:23@1:21-1:23 @1:1-1:23)"},
		{"_IntAdd: x IfFail: [| :e | e]", "(keyword _IntAdd:IfFail: _ (unary x _ @1:10-1:11) (block | (slot e arg @1:23-1:25) | (unary e _ @1:28-1:29) @1:20-1:30) @1:1-1:30)"},
		{"x _Clone", "(unary _Clone (unary x _ @1:1-1:2) @1:1-1:9)"},
		{"self foo", "(unary foo self@1:1-1:5 @1:1-1:9)"},
		{"(3 + 4) * 7", "(binary * (paren (binary + int:3@1:2-1:3 int:4@1:6-1:7 @1:2-1:7) @1:1-1:8) int:7@1:11-1:12 @1:1-1:12)"},
		{"(| x <- 3. p* = nil | ^ x)", "(obj | (slot x assign int:3@1:9-1:10 @1:4-1:10) (slot p const parent (unary nil _ @1:17-1:20) @1:12-1:20) | (^ (unary x _ @1:25-1:26) @1:23-1:26) @1:1-1:27)"},
		{"()", "(obj @1:1-1:3)"},
		{"(| |)", "(obj | | @1:1-1:6)"},
		{"(3)", "(paren int:3@1:2-1:3 @1:1-1:4)"},
		{"(3. 4)", "(obj int:3@1:2-1:3 int:4@1:5-1:6 @1:1-1:7)"},
		{"(^ 3)", "(obj (^ int:3@1:4-1:5 @1:2-1:5) @1:1-1:6)"},
		{"[| :a. t | a]", "(block | (slot a arg @1:4-1:6) (slot t assign @1:8-1:9) | (unary a _ @1:12-1:13) @1:1-1:14)"},
		{"[]", "(block @1:1-1:3)"},
		{"(| + a = (a) |)", "(obj | (slot + const args=a (obj (unary a _ @1:11-1:12) @1:10-1:13) @1:4-1:13) | @1:1-1:16)"},
		{"(| {} = 'doc'. { 'Category: a' x. { 'Category: b' y } } z |)", "(obj ann=\"doc\" | (slot x assign cat=\"Category: a\" @1:32-1:33) (slot y assign cat=\"Category: b\" @1:51-1:52) (slot z assign @1:57-1:58) | @1:1-1:61)"},
		{"{ 'ann' (| x |) }", "(obj ann=\"ann\" | (slot x assign @1:12-1:13) | @1:1-1:18)"},
		{"{ 'ann' [ 3 ] }", "(block ann=\"ann\" int:3@1:11-1:12 @1:1-1:16)"},
		{"(| m = (3 + 4) |)", "(obj | (slot m const (obj (binary + int:3@1:9-1:10 int:4@1:13-1:14 @1:9-1:14) @1:8-1:15) @1:4-1:15) | @1:1-1:18)"},
		{"(| m = (3 + 4) print |)", "(obj | (slot m const (unary print (paren (binary + int:3@1:9-1:10 int:4@1:13-1:14 @1:9-1:14) @1:8-1:15) @1:8-1:21) @1:4-1:21) | @1:1-1:24)"},
		{"16rFF", "int:255@1:1-1:6"},
		{"99999999999999999999", "big:99999999999999999999@1:1-1:21"},
		{"-99999999999999999999", "big:-99999999999999999999@1:1-1:22"},
		{"1.5e10", "float:1.5e+10@1:1-1:7"},
		{"2e-3", "float:0.002@1:1-1:5"},
		{"'a\\nb'", "str:\"a\\nb\"@1:1-1:7"},
		{"(| at: i Put: v = (v). at:Put:With: = (| :i. :j. :k | j) |)", "(obj | (slot at:Put: const args=i,v (obj (unary v _ @1:20-1:21) @1:19-1:22) @1:4-1:22) (slot at:Put:With: const (obj | (slot i arg @1:42-1:44) (slot j arg @1:46-1:48) (slot k arg @1:50-1:52) | (unary j _ @1:55-1:56) @1:39-1:57) @1:24-1:57) | @1:1-1:60)"},
		{"x foo: 1 Bar: 2", "(keyword foo:Bar: (unary x _ @1:1-1:2) int:1@1:8-1:9 int:2@1:15-1:16 @1:1-1:16)"},
		// Self's parser tests slotList1 and slotList4: an annotation group
		// may follow a slot without a '.', also among a method's arguments.
		{"(| a:B: = (| {'arg1' :a {'more' :b}} | self) |)", "(obj | (slot a:B: const (obj | (slot a arg cat=\"arg1\" @1:22-1:24) (slot b arg cat=\"more\" @1:33-1:35) | self@1:40-1:44 @1:11-1:45) @1:4-1:45) | @1:1-1:48)"},
		{"(| a. {'b' c. d {'e' f}. g. } h |)", "(obj | (slot a assign @1:4-1:5) (slot c assign cat=\"b\" @1:12-1:13) (slot d assign cat=\"b\" @1:15-1:16) (slot f assign cat=\"e\" @1:22-1:23) (slot g assign cat=\"b\" @1:26-1:27) (slot h assign @1:31-1:32) | @1:1-1:35)"},
		{"(| p*= 3. q *<- 4. r* = 5. s* |)", "(obj | (slot p const parent int:3@1:8-1:9 @1:4-1:9) (slot q assign parent int:4@1:17-1:18 @1:11-1:18) (slot r const parent int:5@1:25-1:26 @1:20-1:26) (slot s assign parent @1:28-1:30) | @1:1-1:33)"},
		// A data object (no code) may initialise an assignable slot.
		{"(| a <- (| x = 3 |). b <- () |)", "(obj | (slot a assign (obj | (slot x const int:3@1:16-1:17 @1:12-1:17) | @1:9-1:20) @1:4-1:20) (slot b assign (obj @1:27-1:29) @1:22-1:29) | @1:1-1:32)"},
	}
	for _, tt := range tests {
		e, err := ParseExpr("x", tt.src)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tt.src, err)
			continue
		}
		if got := dump(e); got != tt.want {
			t.Errorf("ParseExpr(%q)\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

// TestParseStatements checks how a script is cut into statements.
func TestParseStatements(t *testing.T) {
	tests := []struct {
		src  string
		want []string // canonical statements
	}{
		{"x. y", []string{"x", "y"}},
		{"x.y", []string{"x.y"}}, // a directed resend, not two statements
		{"x\ny", []string{"x", "y"}},
		{"x foo\n  bar", []string{"x foo", "bar"}},
		{"x foo:\n  3", []string{"x foo: 3"}},
		{"3 +\n  4", []string{"3 + 4"}},
		{"d at: 1\n  Put: 2", []string{"d at: 1 Put: 2"}},
		{"(1\n+ 2)\nz", []string{"(1 + 2)", "z"}},
		{"[x.\ny] value", []string{"[x. y] value"}},
		{"a \\\n b", []string{"a b"}},
		{"'one\ntwo' size", []string{"'one\\ntwo' size"}},
		{"x \"a comment\nspanning lines\" y", []string{"x y"}},
		{"x \"c\"\ny", []string{"x", "y"}},
		{"\n\nx\n.\ny.", []string{"x", "y"}}, // a '.' may end a statement a newline ended
		{"x foo\n  . y", []string{"x foo", "y"}},
		{"^ x\n^ y.", []string{"^ x", "^ y"}},
		{"x.\r\ny\r\n", []string{"x", "y"}},
		{"", nil},
	}
	for _, tt := range tests {
		f, err := Parse("x", tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		var got []string
		for _, s := range f.Stmts {
			got = append(got, FormatExpr(s))
		}
		if strings.Join(got, " | ") != strings.Join(tt.want, " | ") {
			t.Errorf("Parse(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestParseFilePositions(t *testing.T) {
	src := "x foo.\n  'ab' size\n(| a |)\n"
	f, err := Parse("p.self", src)
	if err != nil {
		t.Fatal(err)
	}
	want := `(file (unary foo (unary x _ @1:1-1:2) @1:1-1:6) (unary size str:"ab"@2:3-2:7 @2:3-2:12) (obj | (slot a assign @3:4-3:5) | @3:1-3:8) @1:1-4:1)`
	if got := dump(f); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if f.Name != "p.self" || f.Src != src {
		t.Errorf("File.Name/Src not set: %q %q", f.Name, f.Src)
	}
}

func TestParseStringsAndNumbers(t *testing.T) {
	tests := []struct {
		src  string
		want string // dump without the position
	}{
		{`'tab\there'`, `str:"tab\there"`},
		{`'\b\f\r\v\a\0\\\'\"\?'`, `str:"\b\f\r\v\a\x00\\'\"?"`},
		{`'\x41\x7f\d065\o101'`, `str:"A\x7fAA"`},
		{"'a\\\nb'", `str:"ab"`},
		{"'a\\\r\nb'", `str:"ab"`},
		{"'a\r\nb'", `str:"a\nb"`},
		{"'é'", `str:"é"`},
		{"1.0", "float:1"},
		{"-0.5", "float:-0.5"},
		{"1272.34e+15", "float:1.27234e+18"},
		{"1E3", "float:1000"},
		{"1e400", "float:+Inf"},
		{"2r1010", "int:10"},
		{"36rZz", "int:1295"},
		{"-16rFF", "int:-255"},
		{"9223372036854775807", "int:9223372036854775807"},
		{"-9223372036854775808", "int:-9223372036854775808"},
		{"9223372036854775808", "big:9223372036854775808"},
		{"16rFFFFFFFFFFFFFFFFFFFF", "big:1208925819614629174706175"},
	}
	for _, tt := range tests {
		e, err := ParseExpr("x", tt.src)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tt.src, err)
			continue
		}
		got := dump(e)
		got = got[:strings.LastIndex(got, "@")]
		if got != tt.want {
			t.Errorf("ParseExpr(%q) = %s, want %s", tt.src, got, tt.want)
		}
	}
}

func TestParseExprErrors(t *testing.T) {
	for _, src := range []string{"", "x. y", "^ x", "3 4", "(", "x."} {
		_, err := ParseExpr("x", src)
		if src == "x." {
			if err != nil {
				t.Errorf("ParseExpr(%q): %v", src, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("ParseExpr(%q) succeeded, want an error", src)
		}
	}
}

func TestParseNeverReturnsNilFile(t *testing.T) {
	f, err := Parse("bad.self", "x. 1 + 2 * 3. y")
	if err == nil || f == nil || len(f.Stmts) != 2 {
		t.Fatalf("want the two good statements and an error, got %v, %v", f, err)
	}
}

func TestBalanced(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"", true},
		{"x foo", true},
		{"x foo: [", false},
		{"(| a |", false},
		{"{ 'c'", false},
		{"x foo: [ 1 ] )", true},
		{"')'", true},
		{"'abc", false},
		{"\"abc", false},
		{"\"(\" x", true},
		{"'(' x", true},
		{"[ 'a\\'b' ]", true},
		{"x ))) (", false},
	}
	for _, tt := range tests {
		if got := Balanced(tt.src); got != tt.want {
			t.Errorf("Balanced(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	src := "x.\n  foo + + 3\n"
	_, err := Parse("e.self", src)
	if err == nil {
		t.Fatal("want an error")
	}
	got := FormatError(err, src)
	want := "e.self:2:9: missing argument after '+'\n  foo + + 3\n        ^"
	if got != want {
		t.Errorf("FormatError =\n%s\nwant\n%s", got, want)
	}
	e := &Error{File: "f", Pos: Pos{Offset: 1, Line: 1, Col: 2}, Msg: "m"}
	if got := e.Excerpt("\tab"); got != "\tab\n\t^" {
		t.Errorf("Excerpt with a tab = %q", got)
	}
	if got := e.Error(); got != "f:1:2: m" {
		t.Errorf("Error() = %q", got)
	}
	if got := (&Error{Pos: Pos{Line: 9, Col: 1}}).Excerpt("x"); got != "" {
		t.Errorf("Excerpt past the end = %q, want empty", got)
	}
	if got := FormatError(errString("plain"), src); got != "plain" {
		t.Errorf("FormatError(plain) = %q", got)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
