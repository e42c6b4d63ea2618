package repl

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"batos/lang"
)

// A multi-line entry is kept as one history line that reads the same.
func TestHistoryLine(t *testing.T) {
	cases := []struct{ in, want string }{
		{"3 + 4\n", "3 + 4"},
		{"lobby _AddSlots: (|\n    sq: n = (\n        n * n ) |).\n", "lobby _AddSlots: (|     sq: n = (         n * n ) |)."},
		{"'multi\nline' size\n", "'multi\\nline' size"},
		{"'it\\'s\nx'\n", "'it\\'s\\nx'"},
		{"\"a\ncomment's\" 6\n", "\"a comment's\" 6"},
		{"3 +\n4\n", "3 + 4"},
		{"3 + \\\n4\n", "3 +  4"},
		{"[ 1\r\n]\r\n", "[ 1 ]"},
	}
	for _, c := range cases {
		got := historyLine(c.in)
		if got != c.want {
			t.Errorf("historyLine(%q) = %q, want %q", c.in, got, c.want)
			continue
		}
		// It means the same: the same statements.
		a, errA := lang.Parse("", strings.TrimRight(c.in, "\r\n"))
		b, errB := lang.Parse("", got)
		if (errA == nil) != (errB == nil) || errA == nil && len(a.Stmts) != len(b.Stmts) {
			t.Errorf("%q and %q parse differently: %v / %v", c.in, got, errA, errB)
		}
		if errA == nil && len(a.Stmts) == len(b.Stmts) {
			for i := range a.Stmts {
				if lang.FormatExpr(a.Stmts[i]) != lang.FormatExpr(b.Stmts[i]) {
					t.Errorf("statement %d: %s != %s", i, lang.FormatExpr(a.Stmts[i]), lang.FormatExpr(b.Stmts[i]))
				}
			}
		}
	}
}

// The history is written after each entry, not only at the end.
func TestHistoryWrittenEachEntry(t *testing.T) {
	file := filepath.Join(t.TempDir(), "hist")
	l := newLinerReader(file, nil)
	defer l.Close()
	l.AddHistory("lobby _AddSlots: (|\n  x = 3 |)\n")
	l.AddHistory(":inspect x")
	l.AddHistory("  \n")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if want := "lobby _AddSlots: (|   x = 3 |)\n:inspect x\n"; string(b) != want {
		t.Errorf("history file %q, want %q", b, want)
	}
	// A new reader reads it back as two entries.
	l2 := newLinerReader(file, nil)
	var out bytes.Buffer
	l2.st.WriteHistory(&out)
	l2.Close()
	if out.String() != string(b) {
		t.Errorf("read back %q", out.String())
	}
}
