package lang

import (
	"os"
	"testing"
)

func TestDebugFile(t *testing.T) {
	path := os.Getenv("FILE")
	b, _ := os.ReadFile(path)
	f, err := Parse(path, string(b))
	if err != nil {
		t.Fatal(FormatError(err, string(b)))
	}
	out := Format(f)
	g, err := Parse("fmt", out)
	if err != nil {
		t.Fatal(FormatError(err, out))
	}
	if !Equal(f, g) {
		t.Error("round trip differs")
	}
	if os.Getenv("SHOW") != "" {
		t.Log(out)
	}
	t.Log(len(f.Stmts), "statements")
}
