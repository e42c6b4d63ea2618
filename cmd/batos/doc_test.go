package main

import (
	"os"
	"strings"
	"testing"

	"batos/lang"
)

// TestLibraryReferenceIsCurrent regenerates the library reference from a
// fresh world and fails when docs/library.md differs: a change to the
// library must come with `batos doc -o docs/library.md`.
func TestLibraryReferenceIsCurrent(t *testing.T) {
	want, err := libraryReference()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../docs/library.md")
	if err != nil {
		t.Fatalf("%v (write it with: go run ./cmd/batos doc -o docs/library.md)", err)
	}
	if string(got) == want {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(want, "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("docs/library.md is stale (regenerate it with: go run ./cmd/batos doc -o docs/library.md)\nline %d:\n  checked in: %s\n  library:    %s", i+1, g, w)
		}
	}
}

// TestDocComments checks what the reference takes from a method's source.
func TestDocComments(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"x = ( \"Answer x.\n more\" 3 )", "Answer x."},
		{`x = ( 'a "quoted" string' )`, ""},
		{`x = ( 'it\'s' "the comment" )`, "the comment"},
		{`x = ( 3 )`, ""},
	} {
		if got := lang.FirstCommentLine(c.src); got != c.want {
			t.Errorf("FirstCommentLine(%q) = %q, want %q", c.src, got, c.want)
		}
	}
	head, body := splitMethod("at: i Put: v = (items at: i Put: v)", "at:Put:")
	if head != "at: i Put: v" || body != "items at: i Put: v" {
		t.Errorf("splitMethod = %q, %q", head, body)
	}
	if _, body := splitMethod("f = (|\n    a.\n|\n    a)", "f"); body != "" {
		t.Errorf("a method with locals on several lines has no one-line body, got %q", body)
	}
}
