package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary act as the batos command inside scripts.
func TestMain(m *testing.M) {
	os.Exit(testscript.RunMain(m, map[string]func() int{"batos": main1}))
}

// TestScripts runs the command-line scenarios in testdata/*.txtar. Set
// BATOS_TESTWORK=1 to keep their working directories for inspection.
//
// Besides the standard commands, scripts may use
//
//	exits N PROG [ARG...]
//
// which runs PROG like exec and fails unless its exit status is N, and the
// condition [pty], true where pseudo-terminals can be opened.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:      "testdata",
		TestWork: os.Getenv("BATOS_TESTWORK") != "",
		Setup: func(env *testscript.Env) error {
			// Keep the REPL's history out of the real home directory.
			env.Setenv("BATOS_HISTORY", env.WorkDir+"/.batos_history")
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "pty": // pseudo-terminals can be opened (for ttyin)
				f, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
				if err != nil {
					return false, nil
				}
				f.Close()
				return true, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": cmdExits,
			"grepv": cmdGrepv,
		},
	})
}

// cmdExits implements `exits N PROG [ARG...]`.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits N PROG [ARG...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad status %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// cmdGrepv implements `grepv REGEXP FILE OUT`: writes to OUT the lines of
// FILE (which may be stdout or stderr) that REGEXP does not match.
func cmdGrepv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: grepv REGEXP FILE OUT")
	}
	re, err := regexp.Compile(args[0])
	ts.Check(err)
	var keep []string
	for _, l := range strings.SplitAfter(ts.ReadFile(args[1]), "\n") {
		if l != "" && !re.MatchString(l) {
			keep = append(keep, l)
		}
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(strings.Join(keep, "")), 0o644))
}
