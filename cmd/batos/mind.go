package main

import (
	"fmt"
	"strconv"
	"strings"

	"batos/lang"
	"batos/vm"
)

// `batos mind ask|resume|cycles|discard`: the composite mind's cycles from
// the command line. A cycle run from here commits after every transition,
// so a crash leaves it interrupted in the image, where `mind cycles` shows
// it and `mind resume` finishes it (`mind ask:` in batos runs a whole cycle
// as one transaction instead).

const mindUsage = `  batos mind ask BRIEF              run a cognitive cycle, one transaction per transition
  batos mind resume N              finish an interrupted cycle
  batos mind cycles                the cycles: number, state, mission
  batos mind discard N             end an interrupted cycle as FAILED
`

func (c *cli) mindCmd(args []string) error {
	fs := c.newFlags("mind")
	c.vmFlags(fs)
	args, err := c.parseMixed(fs, args)
	if err != nil {
		return err
	}
	want := map[string]int{"ask": 1, "resume": 1, "cycles": 0, "discard": 1}
	if len(args) == 0 {
		return usagef("which command? (ask, resume, cycles, discard)")
	}
	n, ok := want[args[0]]
	if !ok {
		return usagef("unknown command %q (ask, resume, cycles, discard)", args[0])
	}
	c.cmd = "mind " + args[0]
	if len(args)-1 != n {
		return usagef("takes %d argument(s)", n)
	}
	id := 0
	if args[0] == "resume" || args[0] == "discard" {
		if id, err = strconv.Atoi(args[1]); err != nil || id < 1 {
			return usagef("want a cycle number, not %q", args[1])
		}
	}
	t, closer, err := c.boot(nil)
	if err != nil {
		return err
	}
	defer closer()
	eval := func(src string) (string, error) {
		v, err := t.EvalString("<mind>", src)
		if err != nil {
			return "", err
		}
		if s, ok := v.Str(); ok {
			return s, nil
		}
		return t.PrintString(v)
	}
	fail := func(err error) error {
		c.runtimeError(err, "", "")
		return exitError(exitRuntime)
	}
	switch args[0] {
	case "cycles":
		out, err := eval(`(mind cycles copyMappedBy: [| :cy | cy id printString, '\t', cy stateName, (cy isInterrupted ifTrue: [ ' (interrupted)' ] False: [ '' ]), '\t', cy mission ]) joinUsing: '\n'`)
		if err != nil {
			return fail(err)
		}
		if out == "" {
			out = "no cycles"
		}
		fmt.Fprintln(c.stdout, out)
		return nil
	case "discard":
		src := fmt.Sprintf("[| :cy | cy isFinal ifTrue: [ error: 'cycle %d has ended (', cy stateName, ')' ]. cy fail: 'discarded'. cy finish ] value: (mind cycle: %d). nil", id, id)
		if _, err := eval(src); err != nil {
			return fail(err)
		}
		fmt.Fprintf(c.stdout, "cycle %d discarded\n", id)
		return nil
	case "ask":
		s, err := eval("(mind begin: " + lang.Quote(args[1]) + ") id printString")
		if err != nil {
			return fail(err)
		}
		if id, err = strconv.Atoi(s); err != nil {
			return fmt.Errorf("unexpected cycle number %q", s)
		}
	}
	if args[0] == "resume" {
		src := fmt.Sprintf("[| :cy | cy isFinal ifTrue: [ error: 'cycle %d has ended (', cy stateName, ')' ] ] value: (mind cycle: %d). nil", id, id)
		if _, err := eval(src); err != nil {
			return fail(err)
		}
	}
	return c.runCycle(t, id, eval, fail)
}

// runCycle steps cycle id to its end, one transaction per transition,
// saying each state on stderr.
func (c *cli) runCycle(t *vm.Thread, id int, eval func(string) (string, error), fail func(error) error) error {
	for {
		state, err := eval(fmt.Sprintf("((mind cycle: %d) step) stateName", id))
		if err != nil {
			return fail(err)
		}
		c.stderrf("cycle %d: %s", id, state)
		switch state {
		case "COMPLETE":
			out, err := eval(fmt.Sprintf("(mind cycle: %d) result", id))
			if err != nil {
				return fail(err)
			}
			fmt.Fprintln(c.stdout, strings.TrimRight(out, "\n"))
			return nil
		case "FAILED":
			why, _ := eval(fmt.Sprintf("(mind cycle: %d) failure", id))
			c.stderrf("cycle %d failed: %s", id, why)
			return exitError(exitRuntime)
		}
	}
}
