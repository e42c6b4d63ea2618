package lang

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that Parse, ParseExpr and Balanced never panic, that
// errors carry positions, and that whatever parses survives the printer:
// Parse(Format(f)) is Equal to f, and formatting again changes nothing.
// Seeds: the testdata corpus and the chunks of testdata/errors.txt.
func FuzzParse(f *testing.F) {
	addParseSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		Balanced(src)
		if _, err := ParseExpr("fuzz", src); err != nil {
			checkErrors(t, err, src)
		}
		file, err := Parse("fuzz", src)
		if err != nil {
			checkErrors(t, err, src)
			return
		}
		out := Format(file)
		again, err := Parse("formatted", out)
		if err != nil {
			t.Fatalf("formatted source does not parse: %v\ninput: %q\nformatted:\n%s", err, src, out)
		}
		if !Equal(file, again) {
			t.Fatalf("round trip changed the tree\ninput: %q\nformatted:\n%s\nreformatted:\n%s", src, out, Format(again))
		}
		if out2 := Format(again); out2 != out {
			t.Fatalf("formatting is not stable\nfirst:\n%s\nsecond:\n%s", out, out2)
		}
	})
}

// addParseSeeds adds the testdata corpus, its statements and the chunks
// of testdata/errors.txt.
func addParseSeeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.self")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
		for _, stmt := range strings.Split(string(b), ".\n") {
			f.Add(stmt)
		}
	}
	if b, err := os.ReadFile("testdata/errors.txt"); err == nil {
		for _, c := range strings.Split(string(b), "###") {
			f.Add(c)
		}
	}
}

func checkErrors(t *testing.T, err error, src string) {
	t.Helper()
	list, ok := err.(ErrorList)
	if !ok || len(list) == 0 || len(list) > maxErrors {
		t.Fatalf("error is not a non-empty ErrorList of at most %d: %#v", maxErrors, err)
	}
	for _, e := range list {
		if !e.Pos.IsValid() || e.Pos.Offset > len(src) {
			t.Fatalf("error without a valid position: %v (input %q)", e, src)
		}
		if strings.Contains(e.Msg, "internal parser error") {
			t.Fatalf("%v (input %q)", e, src)
		}
	}
	_ = FormatError(err, src)
}
