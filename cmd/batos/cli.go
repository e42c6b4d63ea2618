package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"

	"batos/image"
	"batos/lang"
	"batos/llm"
	"batos/llm/gguf"
	"batos/prims"
	"batos/repl"
	"batos/stdlib"
	"batos/vm"
)

// Exit statuses.
const (
	exitOK      = 0
	exitRuntime = 1 // a runtime error, or an I/O failure
	exitUsage   = 2 // a syntax error or a usage error
	// 3: llama.cpp aborted; llm/internal/cllama catches the abort, says so
	// and exits with cllama.ExitCrash.
)

// version is the release name; builds may set it with
// -ldflags "-X main.version=v0.1.0".
var version = "devel"

const usage = `usage:
  batos [flags]                    start the interactive REPL
  batos [flags] -e TEXT [ARG...]   evaluate TEXT and print the last value
  batos [flags] run FILE [ARG...]  run a script; its ARGs are in 'arguments'
  batos check FILE...              parse and compile without running; report every error
  batos fmt [-w] [FILE...]         print canonical source, comments kept
                                   (-w: rewrite the files)
  batos image info|check           describe or verify the image (check shows its
                                   progress on a terminal; --progress: anywhere)
  batos image snapshot FILE [--force]
                                   save a consistent snapshot of the image in FILE
                                   (--force replaces an existing FILE, as for export)
  batos image restore FILE [--into DIR] [--force]
                                   make the image (or DIR) the one saved in FILE;
                                   --force replaces an existing image
  batos image gc [--dry-run]       remove the objects nothing can reach
  batos image export FILE [--force]
                                   dump the world portably (versioned msgpack)
  batos image import FILE          build a new (empty) image from an export
  batos image upgrade              bring the image's library up to this batos's
                                   (opening an older image does it too, and says so)
` + modelUsage + genUsage + metricsUsage + mindUsage + catalogUsage + serveUsage + `  batos doc [-o FILE]              write the library reference (docs/library.md) from a fresh world
  batos steward [flags]            run batos serve supervised: restarted, upgradable (steward -h)
  batos version                    print the version (also --version)
  batos help                       print this help

flags (also accepted after 'run' and 'image'):
  -e TEXT            evaluate TEXT (all of its statements, one transaction)
  --image DIR        the image to open or create (default $BATOS_IMAGE, else ./batos.image);
                     a directory holding other files is refused
  --memory           use a fresh in-memory world instead of an image
  --atomic           run: the whole script is one transaction (default: one per statement)
  --cache-objects N  objects kept in memory beyond a transaction (default 100000)
  --max-steps N      step budget for each top-level statement (0: none)
  --max-depth N      limit on nested activations (0: the default, %d)
  --trace-library    backtraces show the library's own frames (hidden by default)
` + modelFlagsUsage + genFlagsUsage + serveFlagsUsage + `  -h, --help         print this help

Exit status: 0 on success, 1 on a runtime error, 2 on a syntax or usage error,
3 when llama.cpp aborted (a crash its checks missed).
`

// cli holds the streams and the settings shared by the subcommands.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	maxSteps     int64
	maxDepth     int
	imageDir     string
	img          *image.Image // the open image (nil with --memory), for :snapshot
	created      bool         // boot created the image
	traceLibrary bool         // backtraces show the library's own frames
	// modelChecked is the --model file whose header was read
	modelChecked string
	memory       bool
	atomic       bool
	cache        int
	gen          genSettings // the generative kernel (gen.go)
	// the library upgrade of an older image, done when it is opened
	upgraded     stdlib.UpgradeReport
	upgradeQuiet bool
	// cmd is the subcommand being run ("run", "image check", "model
	// adapter add"), "" before one is known: what batos's own messages on
	// stderr start with (prefix).
	cmd string
}

// prefix starts every message batos itself writes to stderr: "batos
// SUBCOMMAND: ", or "batos: " outside a subcommand (-e, the REPL, the
// top-level flags).
func (c *cli) prefix() string {
	if c.cmd == "" {
		return "batos: "
	}
	return "batos " + c.cmd + ": "
}

// stderrf writes one message line to stderr, after the prefix. Errors
// returned from a subcommand are written the same way by run.
func (c *cli) stderrf(format string, args ...any) {
	fmt.Fprintf(c.stderr, c.prefix()+format+"\n", args...)
}

// usageError is an error in the command line: it is reported with a hint
// to run `batos -h` and exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// exitError carries an exit status whose cause was already reported.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// run executes the command line args and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr}
	err := c.main(args)
	var (
		ue   *usageError
		code exitError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(stdout, usage, vm.DefaultMaxDepth)
		return exitOK
	case errors.As(err, &ue):
		c.stderrf("%s", ue.msg)
		fmt.Fprintln(stderr, "Run 'batos -h' for usage.")
		return exitUsage
	case errors.As(err, &code):
		return int(code)
	default:
		c.stderrf("%v", err)
		return exitRuntime
	}
}

// newFlags returns a flag set that reports errors as usage errors and
// leaves printing the usage to run. name is the subcommand ("batos" at
// the top level); it becomes the messages' prefix.
func (c *cli) newFlags(name string) *flag.FlagSet {
	if name != "batos" {
		c.cmd = name
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// vmFlags adds the flags that configure the VM.
func (c *cli) vmFlags(fs *flag.FlagSet) {
	fs.Int64Var(&c.maxSteps, "max-steps", c.maxSteps, "step budget for each top-level statement (0: none)")
	fs.IntVar(&c.maxDepth, "max-depth", c.maxDepth, "limit on nested activations (0: the default)")
	if c.imageDir == "" {
		c.imageDir = os.Getenv("BATOS_IMAGE")
		if c.imageDir == "" {
			c.imageDir = "batos.image"
		}
	}
	fs.StringVar(&c.imageDir, "image", c.imageDir, "the image directory")
	fs.BoolVar(&c.memory, "memory", c.memory, "use an in-memory world")
	fs.BoolVar(&c.atomic, "atomic", c.atomic, "run the whole script as one transaction")
	fs.IntVar(&c.cache, "cache-objects", c.cache, "objects kept in memory")
	fs.BoolVar(&c.traceLibrary, "trace-library", c.traceLibrary, "show the library's frames in backtraces")
	c.modelFlags(fs)
	c.genFlags(fs)
}

// parse parses args with fs, turning flag errors into usage errors.
func (c *cli) parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		return err
	default:
		return usagef("%v", err)
	}
	if c.maxSteps < 0 {
		return usagef("--max-steps must not be negative")
	}
	if c.maxDepth < 0 {
		return usagef("--max-depth must not be negative")
	}
	if c.cache < 0 {
		return usagef("--cache-objects must not be negative")
	}
	return c.checkModel(fs)
}

// checkModel makes a --model that names no GGUF model a usage error,
// before any work; only its header is read (the weights load on first
// use). BATOS_MODEL is checked when the model is first used, as before.
func (c *cli) checkModel(fs *flag.FlagSet) error {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "model" })
	spec := llm.Default.Default
	if !given || llm.Kind(spec) != "gguf" || spec == c.modelChecked {
		return nil
	}
	g, err := gguf.ReadFile(spec)
	switch {
	case errors.Is(err, iofs.ErrNotExist):
		return usagef("--model %s: no such file", spec)
	case err != nil:
		return usagef("--model %s: not a GGUF model: %v", spec, err)
	case g.IsAdapter():
		return usagef("--model %s: a LoRA adapter, not a model (add it with: batos model adapter add NAME %s)", spec, spec)
	}
	c.modelChecked = spec
	return nil
}

// parseMixed parses args with fs allowing flags before, between and after
// the positional arguments, which it returns.
func (c *cli) parseMixed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := c.parse(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// main dispatches on the subcommand.
func (c *cli) main(args []string) error {
	fs := c.newFlags("batos")
	c.vmFlags(fs)
	var expr *string
	fs.Func("e", "evaluate `TEXT`", func(s string) error { expr = &s; return nil })
	showVersion := fs.Bool("version", false, "print the version")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	args = fs.Args()
	if *showVersion {
		if expr != nil || len(args) > 0 {
			return usagef("--version takes no other arguments")
		}
		fmt.Fprintln(c.stdout, versionString())
		return nil
	}
	if expr != nil {
		return c.eval(*expr, args)
	}
	if len(args) == 0 {
		return c.repl()
	}
	cmd, args := args[0], args[1:]
	c.cmd = cmd
	switch cmd {
	case "run":
		return c.runScript(args)
	case "check":
		return c.check(args)
	case "fmt":
		return c.fmt(args)
	case "image":
		return c.imageCmd(args)
	case "model":
		return c.modelCmd(args)
	case "metrics":
		return c.metricsCmd(args)
	case "mind":
		return c.mindCmd(args)
	case "gen":
		return c.genCmd(args)
	case "catalog":
		return c.catalogCmd(args)
	case "doc":
		return c.doc(args)
	case "serve":
		return c.serve(args)
	case "client":
		return c.client(args)
	case "steward":
		return c.stewardCmd(args)
	case "version":
		if len(args) > 0 {
			return usagef("takes no arguments")
		}
		fmt.Fprintln(c.stdout, versionString())
		return nil
	case "help":
		return flag.ErrHelp
	}
	c.cmd = ""
	if strings.HasSuffix(cmd, ".self") {
		return usagef("unknown command %q (to run a script: batos run %s)", cmd, cmd)
	}
	return usagef("unknown command %q", cmd)
}

// boot opens the world for user code (the image, or a fresh in-memory
// world with --memory), with the VM flags applied and the script arguments
// in the lobby slot `arguments`. The caller must call the returned close.
func (c *cli) boot(scriptArgs []string) (*vm.Thread, func(), error) {
	opts := vm.Options{Stdout: c.stdout, MaxDepth: c.maxDepth, Primitives: prims.Table()}
	var t *vm.Thread
	closer := func() {}
	if c.memory {
		var err error
		if t, err = stdlib.Boot(opts); err != nil {
			return nil, nil, fmt.Errorf("cannot start: %w", err)
		}
	} else {
		if err := checkImageDir(c.imageDir); err != nil {
			return nil, nil, err
		}
		img, err := image.Open(image.Options{Dir: c.imageDir, CacheObjects: c.cache})
		if err != nil {
			return nil, nil, err
		}
		c.created = img.IsNew()
		if c.created {
			c.stderrf("created a new image in %s", c.imageDir)
		}
		if t, err = img.Thread(opts, stdlib.Boot); err != nil {
			img.Close()
			return nil, nil, fmt.Errorf("cannot start: %w", err)
		}
		closer = func() { img.Close() }
		c.img = img
		if err := c.upgradeLibrary(t); err != nil {
			closer()
			return nil, nil, fmt.Errorf("cannot start: %w", err)
		}
	}
	t.SetMaxSteps(c.maxSteps)
	c.setupKernel(t)
	stopMetrics := c.startMetrics(t)
	closeImage := closer
	closer = func() { stopMetrics(); closeImage() }
	v := t.VM()
	elems := make([]vm.Value, len(scriptArgs))
	for i, a := range scriptArgs {
		elems[i] = v.String(a)
	}
	if _, err := t.Call(func() vm.Value {
		// an assignable slot, so later runs assign it in place instead of
		// giving the lobby a new map each time; assigned only when it
		// changes, so a start with the same arguments (the REPL, -e)
		// writes nothing to the image (docs/architecture.md)
		s, ok := v.MapOf(vm.Ref(v.Lobby)).Lookup("arguments")
		if ok && s.Kind == vm.SlotData && sameArguments(v.Lobby.Fields()[s.Field], scriptArgs) {
			return vm.Value{}
		}
		args := v.NewVector(elems)
		if ok && s.Kind == vm.SlotData {
			v.SetField(v.Lobby, s.Field, args)
		} else {
			v.SetSlot(v.Lobby, vm.Slot{Name: "arguments", Kind: vm.SlotData, Const: args})
		}
		return vm.Value{}
	}); err != nil {
		closer()
		return nil, nil, err
	}
	if err := v.Commit(); err != nil {
		closer()
		return nil, nil, err
	}
	return t, closer, nil
}

// sameArguments reports whether the stored arguments vector holds exactly
// the strings args.
func sameArguments(stored vm.Value, args []string) bool {
	if stored.IsInt() {
		return false
	}
	elems, ok := stored.Obj().Payload().([]vm.Value)
	if !ok || len(elems) != len(args) {
		return false
	}
	for i, e := range elems {
		if e.IsInt() {
			return false
		}
		if s, ok := e.Obj().Payload().(string); !ok || s != args[i] {
			return false
		}
	}
	return true
}

// repl runs the interactive loop on the standard streams.
func (c *cli) repl() error {
	t, closer, err := c.boot(nil)
	if err != nil {
		return err
	}
	defer closer()
	cmds := map[string]func(string) error{"snapshot": c.snapshotCommand}
	help := map[string]string{"snapshot": "FILE  save a snapshot of the image in FILE"}
	c.genReplCommands(t, cmds, help)
	cmds["metrics"] = c.metricsCommand
	help["metrics"] = "      the counters of the last day (transactions, generations, tokens, cycles)"
	return repl.Run(t, c.stdin, c.stdout, repl.Options{Stderr: c.stderr, Commands: cmds, CommandHelp: help,
		Greeting: c.greeting(), TraceLibrary: c.traceLibrary})
}

// greeting says which world the REPL opened.
func (c *cli) greeting() string {
	switch {
	case c.memory:
		return "batos: a fresh in-memory world (--memory): nothing is saved"
	case c.created:
		return fmt.Sprintf("batos: image %s (just created)", c.imageDir)
	}
	return fmt.Sprintf("batos: image %s", c.imageDir)
}

// eval implements -e: it runs every statement of text and prints the
// printString of the last value. Like a REPL entry, the whole text (its
// printString included) is one transaction: it commits, or an error
// leaves no trace in the image.
func (c *cli) eval(text string, args []string) error {
	const name = "-e"
	f, err := lang.Parse(name, text)
	if err != nil {
		return c.syntaxError(err, text)
	}
	t, closer, err := c.boot(args)
	if err != nil {
		return err
	}
	defer closer()
	if len(f.Stmts) == 0 {
		return nil
	}
	t.Atomic = true
	// a miss the kernel answers restarts the whole text (vm.Retry)
	var str string
	_, err = t.Retry(func() (vm.Value, error) {
		last, err := c.execStmts(t, f)
		if err == nil {
			str, err = repl.PrintString(t, last)
		}
		if err != nil {
			t.VM().Abort()
			return last, err
		}
		return last, t.VM().Commit()
	})
	if err != nil {
		c.runtimeError(err, name, text)
		return exitError(exitRuntime)
	}
	fmt.Fprintln(c.stdout, str)
	return nil
}

// runScript implements `batos run FILE [ARG...]`. FILE "-" is standard
// input.
func (c *cli) runScript(args []string) error {
	fs := c.newFlags("run")
	c.vmFlags(fs)
	if err := c.parse(fs, args); err != nil {
		return err
	}
	args = fs.Args()
	if len(args) == 0 {
		return usagef("no script file given")
	}
	name, src, err := c.readSource(args[0])
	if err != nil {
		c.stderrf("%v", err)
		return exitError(exitUsage)
	}
	f, err := lang.Parse(name, src)
	if err != nil {
		return c.syntaxError(err, src)
	}
	t, closer, err := c.boot(args[1:])
	if err != nil {
		return err
	}
	defer closer()
	if c.atomic {
		t.Atomic = true
		// a miss the kernel answers restarts the whole script (vm.Retry)
		_, err := t.Retry(func() (vm.Value, error) {
			v, err := c.execStmts(t, f)
			if err != nil {
				t.VM().Abort()
				return v, err
			}
			return v, t.VM().Commit()
		})
		if err != nil {
			c.runtimeError(err, name, src)
			return exitError(exitRuntime)
		}
		return nil
	}
	if _, ok := c.exec(t, f); !ok {
		return exitError(exitRuntime)
	}
	return nil
}

// readSource reads a file, or standard input for "-". It returns the name
// to use in positions. A UTF-8 byte order mark at the start (some editors
// write one) is dropped, so positions count from the text after it.
func (c *cli) readSource(path string) (name, src string, err error) {
	var b []byte
	if path == "-" {
		name = "<stdin>"
		b, err = io.ReadAll(c.stdin)
	} else {
		name = path
		b, err = os.ReadFile(path)
	}
	return name, strings.TrimPrefix(string(b), "\uFEFF"), err
}

// syntaxError reports a parse error and returns the usage exit status.
func (c *cli) syntaxError(err error, src string) error {
	fmt.Fprintln(c.stderr, lang.FormatError(err, src))
	return exitError(exitUsage)
}

// exec runs the statements of f one by one, reporting the first runtime
// error. Ctrl-C interrupts the running statement (with a backtrace); a
// second Ctrl-C before that takes effect exits at once.
func (c *cli) exec(t *vm.Thread, f *lang.File) (last vm.Value, ok bool) {
	last, err := c.execStmts(t, f)
	if err != nil {
		c.runtimeError(err, f.Name, f.Src)
		return last, false
	}
	return last, true
}

// execStmts runs the statements of f, stopping at the first error.
func (c *cli) execStmts(t *vm.Thread, f *lang.File) (last vm.Value, err error) {
	var pending atomic.Bool
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	done := make(chan struct{})
	defer func() { signal.Stop(sig); close(done) }()
	go func() {
		for {
			select {
			case <-done:
				return
			case <-sig:
			}
			if pending.Swap(true) && t.CancelFlag().Load() {
				c.stderrf("interrupted twice; exiting")
				os.Exit(130)
			}
			t.Cancel()
		}
	}()

	last = t.VM().NilValue()
	t.VM().AddSource(f.Name, f.Src)
	for _, st := range f.Stmts {
		// a Ctrl-C between two statements stops the next one
		if last, err = t.EvalStmt(st, f.Name); err != nil {
			return last, err
		}
	}
	return last, nil
}

// runtimeError reports a runtime error, with a hint when a flag sets the
// limit that stopped it.
func (c *cli) runtimeError(err error, file, src string) {
	repl.WriteErrorTrace(c.stderr, err, file, src, c.traceLibrary)
	var e *vm.Error
	if !errors.As(err, &e) {
		return
	}
	switch e.Kind {
	case vm.ErrBudget:
		if strings.Contains(e.Msg, "allocation budget") {
			c.stderrf("the allocation budget is set with --max-alloc (0: no limit)")
		} else {
			c.stderrf("the step budget is set with --max-steps (0: no limit)")
		}
	case vm.ErrDepth:
		c.stderrf("the depth limit is set with --max-depth")
	}
}

// versionString describes this build.
func versionString() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "devel" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " " + s.Value[:12]
			}
		}
	}
	return fmt.Sprintf("batos %s (%s %s/%s)", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
