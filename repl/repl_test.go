package repl

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"

	"batos/stdlib"
	"batos/vm"
)

// boot returns a fresh world whose program output goes to out.
func boot(t *testing.T, out *bytes.Buffer) *vm.Thread {
	t.Helper()
	th, err := stdlib.Boot(vm.Options{Stdout: out})
	if err != nil {
		t.Fatal(err)
	}
	return th
}

// session runs the REPL over input and returns what it wrote to stdout
// and stderr.
func runSession(t *testing.T, input string, opts Options) (stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	th := boot(t, &out)
	opts.Stderr = &errs
	if err := Run(th, strings.NewReader(input), &out, opts); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out.String(), errs.String()
}

// Each case is a transcript: the input, what is printed on stdout and on
// stderr (a regular expression if it starts with "re:").
var transcripts = []struct {
	name, in, out, err string
}{
	{"value", "3 + 4\n", "7\n", ""},
	{"several entries", "1\n'two'\n3.5\n", "1\n'two'\n3.5\n", ""},
	{"last statement only", "1. 2. 3\n", "3\n", ""},
	{"blank lines ignored", "\n   \n4\n\n", "4\n", ""},
	{"no final newline", "5", "5\n", ""},
	{"multi-line object", "lobby _AddSlots: (|\n  sq: n = (\n    n * n ) |).\nsq: 7\n", "lobby\n49\n", ""},
	{"multi-line string", "'a\nb' size\n", "3\n", ""},
	{"multi-line comment", "\"a\ncomment\" 6\n", "6\n", ""},
	{"trailing operator continues", "3 +\n4\n", "7\n", ""},
	{"trailing keyword continues", "(vector copySize: 2) at: 1 Put:\n'x'\n", "'x'\n", ""},
	{"empty line forces an incomplete entry", "3 +\n\n8\n", "8\n",
		"<repl-1>:1:4: missing argument after '+'\n3 +\n   ^\n"},
	{"syntax error then go on", "3 + + 4\n9\n", "9\n",
		"<repl-1>:1:5: missing argument after '+'\n3 + + 4\n    ^\n"},
	// Runtime errors: the lines that come from the library are matched
	// loosely, as the library changes.
	{"runtime error then go on", "lobby _AddSlots: (| f = ( 3 zork ) |).\nf\n10\n", "lobby\n10\n",
		`re:\A<repl-1>:1:29: 3 does not understand 'zork'\n` +
			`(  stdlib/.*\n)*` +
			`  <repl-1>:1:29 in f\n` +
			`  <repl-2>:1:1 in <top level>\n\z`},
	{"statements before an error ran", "1 printLine. 2 zork. 3 printLine\n", "1\n",
		`re:\A<repl-1>:1:16: 2 does not understand 'zork'\n` +
			`1 printLine\. 2 zork\. 3 printLine\n {15}\^\n` +
			`(  stdlib/.*\n)*` +
			`  <repl-1>:1:16 in <top level>\n\z`},
	{"error inside the library", "(vector copySize: 2) at: 5\n4\n", "4\n",
		`re:\A\S+:\d+:\d+: .*at: 5.*\n\(vector copySize: 2\) at: 5\n {21}\^\n  <repl-1>:1:22 in <top level>\n` +
			`  \(\d library frame\(s\) above hidden; --trace-library shows them\)\n\z`},
	{"step budget", ":steps\n[ true ] whileTrue: [ 3 ]\n11\n", "11\n",
		"<repl-1>:1:10: step budget of 5000 exhausted (infinite loop?)\n[ true ] whileTrue: [ 3 ]\n         ^\n  <repl-1>:1:10 in <top level>\n"},
	{"unfinished at end of input", "[ 1\n", "",
		"<repl-1>:1:4: expected ']' to close block opened at 1:1, found end of input\n[ 1\n   ^\n"},
	{"output line is ended before the result", "'abc' print\n", "abc\n'abc'\n", ""},
	{"object without printString", "(| a = 1. b <- 'x' |)\n", "(| a = 1. b <- 'x' |)\n", ""},
	{"quit", "1\n:quit\n2\n", "1\n", ""},
	{"q", "1\n:q\n2\n", "1\n", ""},
	{"unknown command", ":frob\n1\n", "1\n", "unknown command :frob (type :help for the list)\n"},
	{"command only at the start of an entry", "(1 +\n:quit)\n", "",
		"<repl-1>:2:1: unexpected argument ':quit'; expected ')' (argument slots belong in a slot list, as in [| :x | x])\n:quit)\n^\n"},
}

func TestTranscripts(t *testing.T) {
	for _, tc := range transcripts {
		t.Run(tc.name, func(t *testing.T) {
			var th *vm.Thread
			opts := Options{Commands: map[string]func(string) error{
				"steps": func(string) error { th.SetMaxSteps(5000); return nil },
			}}
			var out, errs bytes.Buffer
			th = boot(t, &out)
			opts.Stderr = &errs
			if err := Run(th, strings.NewReader(tc.in), &out, opts); err != nil {
				t.Fatalf("Run: %v", err)
			}
			if out.String() != tc.out {
				t.Errorf("input %q\nstdout:\n%s\nwant:\n%s", tc.in, out.String(), tc.out)
			}
			if re, ok := strings.CutPrefix(tc.err, "re:"); ok {
				if !regexp.MustCompile(re).MatchString(errs.String()) {
					t.Errorf("input %q\nstderr:\n%s\nwant a match for:\n%s", tc.in, errs.String(), re)
				}
			} else if errs.String() != tc.err {
				t.Errorf("input %q\nstderr:\n%s\nwant:\n%s", tc.in, errs.String(), tc.err)
			}
		})
	}
}

func TestCommands(t *testing.T) {
	var got []string
	opts := Options{
		Commands: map[string]func(string) error{
			"snapshot": func(args string) error { got = append(got, args); return nil },
			"fail":     func(string) error { return errors.New("it failed") },
		},
		CommandHelp: map[string]string{"snapshot": "NAME  save the image"},
	}
	out, errs := runSession(t, ":snapshot  my image \n:fail\n:help\n1\n", opts)
	if len(got) != 1 || got[0] != "my image" {
		t.Errorf("snapshot got %q, want [\"my image\"]", got)
	}
	if errs != ":fail: it failed\n" {
		t.Errorf("stderr = %q", errs)
	}
	for _, want := range []string{
		"  :help ", "  :quit ", "  :snapshot        NAME  save the image\n", "  :fail\n", "printLine", "\n1\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}

func TestPrintString(t *testing.T) {
	var out bytes.Buffer
	th := boot(t, &out)
	for src, want := range map[string]string{
		"3":                     "3",
		"'a'":                   "'a'",
		"(| |)":                 "()",
		"(| x = 3 |)":           "(| x = 3 |)",
		"vector copySize: 1":    "vector(nil)",
		"100 factorial size":    "", // error: not printed here
		"123456789012345678901": "123456789012345678901",
	} {
		v, err := th.EvalString("test", src)
		if err != nil {
			if want != "" {
				t.Errorf("%s: %v", src, err)
			}
			continue
		}
		got, err := PrintString(th, v)
		if err != nil || got != want {
			t.Errorf("PrintString(%s) = %q, %v; want %q", src, got, err, want)
		}
	}
}

func TestHistoryPath(t *testing.T) {
	t.Setenv("HOME", "/home/someone")
	t.Setenv("BATOS_HISTORY", "/tmp/h")
	if got := historyPath("/x"); got != "/x" {
		t.Errorf("explicit: %q", got)
	}
	if got := historyPath(""); got != "/tmp/h" {
		t.Errorf("env: %q", got)
	}
	t.Setenv("BATOS_HISTORY", "")
	if got := historyPath(""); got != "" {
		t.Errorf("env set but empty: %q, want no history", got)
	}
}
