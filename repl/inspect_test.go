package repl

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestInspect(t *testing.T) {
	out, errs := runSession(t, ":inspect (| parent* = traits clonable. x = 3. y <- 'abc'. foo: n = ( \"twice n\" n * 2 ) |)\n", Options{})
	if errs != "" {
		t.Fatalf("stderr: %s", errs)
	}
	for _, re := range []string{
		`(?m)^\(\| parent\* = .* x = 3\. y <- 'abc'\. foo: = \( \.\.\. \) \|\)$`,
		`(?m)^parents:\n  parent\*  =  traits clonable$`,
		`(?m)^slots:\n  x     constant    3\n  y     assignable  'abc'\n  foo:  method      foo: n  "twice n"\n\z`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("stdout:\n%s\nwant a match for %s", out, re)
		}
	}

	// A library object: its comment, categories, long values clipped.
	out, _ = runSession(t, ":inspect traits string\n", Options{})
	for _, re := range []string{
		`(?m)^comment: Strings: .{40,}\.\.\.$`,
		`(?m)^  parent\*\s+=  traits indexable$`,
		`(?m)^  byteSize\s+method \[bytes\]\s+byteSize`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("stdout:\n%s\nwant a match for %s", out, re)
		}
	}

	// An error in the expression is reported as an entry's is.
	out, errs = runSession(t, ":inspect 3 zork\n:inspect\n4\n", Options{})
	if out != "4\n" || !strings.HasPrefix(errs, "<repl-1>:1:3: 3 does not understand 'zork'\n3 zork\n  ^\n") ||
		!strings.Contains(errs, ":inspect: want an expression") {
		t.Errorf("stdout %q, stderr:\n%s", out, errs)
	}
}

func TestSource(t *testing.T) {
	in := "lobby _AddSlots: (| double: n = (\n    \"twice n\"\n    n * 2 ) |)\n" +
		":source lobby double:\n" +
		":source vector do:\n" +
		":source 3 frob\n" +
		":source 3\n"
	out, errs := runSession(t, in, Options{})
	want := "lobby\n\"in lobby, from <repl-1>:1\"\ndouble: n = (\n    \"twice n\"\n    n * 2 )\n"
	if !strings.HasPrefix(out, want) {
		t.Errorf("stdout:\n%s\nwant it to start with:\n%s", out, want)
	}
	// A library method, as written in its file (several lines).
	if !regexp.MustCompile(`(?m)^"in traits vector, from stdlib/collections\.self:\d+"\ndo: b = \(.*\n(.*\n)+`).MatchString(out) {
		t.Errorf("stdout:\n%s\nwant vector's do: as written", out)
	}
	if !strings.Contains(errs, "3 does not understand 'frob'") || !strings.Contains(errs, ":source: want EXPR SELECTOR") {
		t.Errorf("stderr:\n%s", errs)
	}
}

// An embedder's :source (the generative kernel's, for generated methods)
// comes first; where it fails, the built-in one shows any method.
func TestSourceEmbedderFirst(t *testing.T) {
	opts := Options{Commands: map[string]func(string) error{
		"source": func(args string) error {
			if args == "gen x" {
				return nil
			}
			return errors.New("not generated")
		},
	}}
	out, errs := runSession(t, ":source gen x\n:source 3 factorial\n", opts)
	if !strings.Contains(out, "factorial = (") || errs != "" {
		t.Errorf("stdout:\n%s\nstderr:\n%s", out, errs)
	}
}

func TestBrowse(t *testing.T) {
	out, errs := runSession(t, "lobby _AddSlots: (| counter <- 41 |)\n:browse\n:browse x\n", Options{})
	for _, re := range []string{
		`(?m)^\(no category\):$`,
		`(?m)^  traits\s+object$`,
		`(?m)^  defaultBehavior\*\s+object  Behaviour shared by every object`,
		`(?m)^  counter\s+assignable  41$`,
		`(?m)^\(:inspect NAME shows one of them\)$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("stdout:\n%s\nwant a match for %s", out, re)
		}
	}
	if errs != ":browse: takes no arguments\n" {
		t.Errorf("stderr: %q", errs)
	}
}

// A long printString is cut at the prompt, with a note; :more shows it.
func TestLongResult(t *testing.T) {
	out, errs := runSession(t, ":more\n(vector copySize: 3000 FillingWith: 7)\n:more\n", Options{})
	if errs != ":more: no result yet\n" {
		t.Errorf("stderr: %q", errs)
	}
	full := "vector(" + strings.Repeat("7, ", 2999) + "7)"
	cut := full[:4000]
	want := cut + "\n... (printString cut at 4000 of 9006 bytes; :more shows all of it)\n" + full + "\n"
	if out != want {
		t.Errorf("stdout:\n%.200s...\nwant:\n%.200s...", out, want)
	}
	// Many short lines are cut by lines.
	out, _ = runSession(t, "(| parent* = traits clonable. printString = ( | s <- '' | 0 to: 99 Do: [| :i | s: s, 'x\\n' ]. s ) |)\n", Options{})
	if n := strings.Count(out, "\n"); n != 61 || !strings.HasSuffix(out, "x\n... (printString cut at 119 of 200 bytes; :more shows all of it)\n") {
		t.Errorf("got %d lines:\n%s", n, out)
	}
}
