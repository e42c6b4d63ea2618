package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"batos/kernel"
	"batos/llm"
	"batos/stdlib"
	"batos/textindex"
	"batos/vm"
)

// The generative kernel on the command line: --generate and its flags,
// `batos gen list|show|forget|clear-cache`, and the REPL's :generate,
// :generated, :source and :forget.

const genUsage = `  batos gen list                   the generated methods: owner, selector, model, attempts, time
  batos gen show OWNER SELECTOR    a generated method's source and provenance
  batos gen forget OWNER SELECTOR  remove a generated method (a transaction)
  batos gen clear-cache            empty the generation cache
`

const genFlagsUsage = `  --generate         the model writes the methods objects do not understand
  --max-attempts N   model calls per missing method (default 3)
  --record FILE      append every completion to FILE (replay it with --model replay:FILE)
  --verbose          stream the model's tokens while it writes a method
  --max-alloc BYTES  allocation budget for each top-level statement (0: none)
`

// genSettings are the kernel's flags.
type genSettings struct {
	generate    bool
	maxAttempts int
	verbose     bool
	maxAlloc    int64
	kernel      *kernel.Kernel
}

func (c *cli) genFlags(fs *flag.FlagSet) {
	fs.BoolVar(&c.gen.generate, "generate", c.gen.generate, "generate missing methods")
	fs.IntVar(&c.gen.maxAttempts, "max-attempts", c.gen.maxAttempts, "model calls per missing method")
	fs.BoolVar(&c.gen.verbose, "verbose", c.gen.verbose, "stream the model's tokens")
	fs.Int64Var(&c.gen.maxAlloc, "max-alloc", c.gen.maxAlloc, "allocation budget per statement in bytes")
	fs.Func("record", "append every completion to `FILE`", func(s string) error {
		if s == "" {
			return errors.New("--record wants a file")
		}
		llm.Default.Record = s
		return nil
	})
}

// upgradeLibrary brings an image's library up to this batos's (stdlib
// upgrade.go), saying what it did unless quiet.
func (c *cli) upgradeLibrary(t *vm.Thread) error {
	rep, err := stdlib.Upgrade(t)
	if err != nil {
		return err
	}
	c.upgraded = rep
	if rep.Changed() && !c.upgradeQuiet {
		c.stderrf("%s", rep)
	}
	return nil
}

// setupKernel gives the world its kernel (always present: traits
// generative works without --generate).
func (c *cli) setupKernel(t *vm.Thread) {
	if c.gen.maxAttempts < 0 {
		c.gen.maxAttempts = 0
	}
	cfg := kernel.Config{Generate: c.gen.generate, MaxAttempts: c.gen.maxAttempts, Log: c.stderr, Verbose: c.gen.verbose, Seed: -1,
		Catalog: textindex.Notes(t.VM(), 3)}
	if c.img != nil {
		cfg.Store = kernel.ImageStore{Img: c.img}
	}
	c.gen.kernel = kernel.New(cfg)
	t.VM().SetGenerator(c.gen.kernel)
	t.SetMaxAlloc(c.gen.maxAlloc)
}

// genCmd implements `batos gen ...`.
func (c *cli) genCmd(args []string) error {
	fs := c.newFlags("gen")
	c.vmFlags(fs)
	args, err := c.parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return usagef("which command? (list, show, forget, clear-cache)")
	}
	cmd, args := args[0], args[1:]
	want := map[string]int{"list": 0, "show": 2, "forget": 2, "clear-cache": 0}
	n, ok := want[cmd]
	if !ok {
		return usagef("unknown command %q (list, show, forget, clear-cache)", cmd)
	}
	c.cmd = "gen " + cmd
	if len(args) != n {
		if n == 0 {
			return usagef("takes no arguments")
		}
		return usagef("want OWNER SELECTOR (e.g. gen %s acct reset)", cmd)
	}
	t, closer, err := c.boot(nil)
	if err != nil {
		return err
	}
	defer closer()
	var out string
	switch cmd {
	case "list":
		out = c.genList(t)
	case "show":
		out, err = c.genShow(t, args[0], args[1])
	case "forget":
		out, err = c.genForget(t, args[0], args[1])
	case "clear-cache":
		out, err = c.genClearCache()
	}
	if err != nil {
		c.stderrf("%v", err)
		return exitError(exitRuntime)
	}
	fmt.Fprint(c.stdout, out)
	return nil
}

func (c *cli) genList(t *vm.Thread) string {
	gs := kernel.List(t)
	if len(gs) == 0 {
		return "no generated methods\n"
	}
	var b strings.Builder
	for _, g := range gs {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%d attempt(s)\t%s\n", g.Owner, g.Selector, g.Model, g.Attempts, g.Time)
	}
	return b.String()
}

func (c *cli) genShow(t *vm.Thread, owner, sel string) (string, error) {
	g, err := kernel.Find(t, owner, sel)
	if err != nil {
		return "", err
	}
	prov, err := t.PrintString(vm.Ref(g.Prov))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\"%s\"\n", g.Source, prov)
	v := t.VM()
	for _, s := range v.MapOf(vm.Ref(g.Prov)).Slots() {
		if s.Kind != vm.SlotData || s.Name == "owner" {
			continue
		}
		val := g.Prov.SlotValue(&s)
		if str, ok := val.Str(); ok {
			fmt.Fprintf(&b, "  %s: %s\n", s.Name, str)
		} else {
			fmt.Fprintf(&b, "  %s: %s\n", s.Name, v.Describe(val))
		}
	}
	return b.String(), nil
}

func (c *cli) genForget(t *vm.Thread, owner, sel string) (string, error) {
	g, err := kernel.Find(t, owner, sel)
	if err != nil {
		return "", err
	}
	if _, err := t.Transact(func() vm.Value { kernel.Forget(t, g); return vm.Value{} }); err != nil {
		return "", err
	}
	return fmt.Sprintf("forgot %s %s\n", g.Owner, g.Selector), nil
}

func (c *cli) genClearCache() (string, error) {
	n, err := c.gen.kernel.Store().Clear()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("cleared %d cached method(s)\n", n), nil
}

// genReplCommands are the REPL's kernel commands.
func (c *cli) genReplCommands(t *vm.Thread, cmds map[string]func(string) error, help map[string]string) {
	cmds["generate"] = func(arg string) error {
		switch arg {
		case "on":
			c.gen.kernel.SetEnabled(true)
		case "off":
			c.gen.kernel.SetEnabled(false)
		case "":
		default:
			return errors.New("usage: :generate on|off")
		}
		state := "off"
		if c.gen.kernel.Enabled() {
			state = "on"
		}
		fmt.Fprintf(c.stdout, "generation is %s\n", state)
		return nil
	}
	cmds["generated"] = func(string) error { fmt.Fprint(c.stdout, c.genList(t)); return nil }
	// OWNER SELECTOR commands: the owner may be several words (traits smallInt)
	ownerSel := func(f func(t *vm.Thread, owner, sel string) (string, error)) func(string) error {
		return func(arg string) error {
			w := strings.Fields(arg)
			if len(w) < 2 {
				return errors.New("want OWNER SELECTOR")
			}
			out, err := f(t, strings.Join(w[:len(w)-1], " "), w[len(w)-1])
			if err == nil {
				fmt.Fprint(c.stdout, out)
			}
			return err
		}
	}
	cmds["source"] = ownerSel(c.genShow)
	cmds["forget"] = ownerSel(c.genForget)
	help["generate"] = "on|off  generation of missing methods for every object"
	help["generated"] = "      list the generated methods"
	help["source"] = "OWNER SELECTOR  a generated method's source and provenance"
	help["forget"] = "OWNER SELECTOR  remove a generated method"
}
