package lang

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestErrors runs testdata/errors.txt: chunks separated by "###" lines,
// each Self source followed by "-- want: LINE:COL: TEXT" lines. Parse
// must report exactly the wanted errors, in order, at those positions
// (within the chunk), each message containing TEXT. A failure names the
// line of errors.txt where its chunk starts.
func TestErrors(t *testing.T) {
	b, err := os.ReadFile("testdata/errors.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	start := 0
	for i := 0; i <= len(lines); i++ {
		if i < len(lines) && strings.TrimSpace(lines[i]) != "###" {
			continue
		}
		checkErrorChunk(t, lines[start:i], start+1)
		start = i + 1
	}
}

func checkErrorChunk(t *testing.T, lines []string, first int) {
	t.Helper()
	var src []string
	var wants []string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "-- want: "):
			wants = append(wants, strings.TrimPrefix(l, "-- want: "))
		case len(src) == 0 && strings.HasPrefix(l, "#"):
		case len(wants) == 0:
			src = append(src, l)
		}
	}
	// Leading comment lines are dropped, so positions count from the
	// first source line.
	text := strings.Join(src, "\n")
	_, err := Parse("errors.txt", text)
	var got ErrorList
	if err != nil {
		got = err.(ErrorList)
	}
	where := fmt.Sprintf("errors.txt:%d", first)
	if len(got) != len(wants) {
		t.Errorf("%s: got %d errors, want %d:\n%v\nsource:\n%s", where, len(got), len(wants), err, text)
		return
	}
	for i, w := range wants {
		pos, msg, _ := strings.Cut(w, ": ")
		e := got[i]
		if e.Pos.String() != pos || !strings.Contains(e.Msg, msg) {
			t.Errorf("%s: error %d is %s: %s\nwant %s: ...%s...", where, i+1, e.Pos, e.Msg, pos, msg)
		}
	}
}
