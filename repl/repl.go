// Package repl is batos's read-eval-print loop.
//
// Run reads source from the user a line at a time, with line editing,
// history and Tab completion (github.com/peterh/liner) when both ends are
// a terminal, and with a plain line reader otherwise, so that tests and
// pipes can drive it through stdin. An entry may span several lines: input
// continues while brackets, strings or comments are open (lang.Balanced),
// or while the first syntax error is at the very end (`3 +`); an empty
// line ends such an entry and shows the error.
//
// Each entry is parsed as a small file named "<repl-N>" and its top-level
// statements run one at a time with Thread.EvalStmt, all in one transaction. The
// value of the last statement is printed as its printString. Syntax errors
// are shown with the offending line and a caret, runtime errors with their
// position and backtrace; either way the loop goes on.
//
// A result's printString longer than a screenful is cut, with a note;
// :more shows it whole.
//
// Lines that start with ':' are REPL commands: :help, :quit, :inspect,
// :source, :browse and :more (inspect.go), and whatever the embedder adds
// through Options.Commands. Ctrl-C at the prompt
// discards the entry being typed; Ctrl-C during an evaluation interrupts
// it; Ctrl-D (end of input) or :quit leaves.
package repl

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/peterh/liner"

	"batos/lang"
	"batos/vm"
)

// Prompts shown before an entry and before each continuation line.
const (
	Prompt       = "batos> "
	Continuation = "  ...> "
)

// Options configure Run. The zero value is usable.
type Options struct {
	// Commands are extra REPL commands, keyed by name without the colon
	// ("snapshot" is typed ":snapshot args"). The function receives the
	// rest of the line, trimmed; an error it returns is printed and the
	// loop goes on.
	Commands map[string]func(args string) error
	// CommandHelp holds a one-line description of each extra command for
	// :help, optionally starting with an argument synopsis ("NAME  save...").
	CommandHelp map[string]string

	// HistoryFile is where entered lines are kept between sessions. Empty
	// means $BATOS_HISTORY if that is set (set but empty disables history),
	// else $HOME/.batos_history. History is only read and written on a
	// terminal, and failing to do so is never an error.
	HistoryFile string

	// Stderr receives error reports; nil means the output writer.
	Stderr io.Writer

	// Plain forces the plain line reader even on a terminal.
	Plain bool

	// TraceLibrary shows the library's own frames in backtraces
	// (WriteErrorTrace).
	TraceLibrary bool

	// Greeting, when set, is shown before the banner on a terminal (the
	// CLI says which image is open and whether it was just created).
	Greeting string
}

// errAborted is returned by a lineReader when the user pressed Ctrl-C at
// the prompt.
var errAborted = errors.New("aborted")

// A lineReader reads one line of input, showing prompt when interactive.
type lineReader interface {
	ReadLine(prompt string) (string, error) // io.EOF at the end; errAborted on Ctrl-C
	AddHistory(entry string)                // a whole entry, once it is read
	Close() error
}

// session is the state of one Run.
type session struct {
	t           *vm.Thread
	out, errs   io.Writer
	opts        Options
	rd          lineReader
	interactive bool   // the input is a terminal: prompts, banner
	n           int    // entries evaluated, for file names
	buf         string // the entry being typed
	lastResult  string // the last result's whole printString, for :more
	history     string // history file, "" for none
	stdout      *lineTracker

	evaluating atomic.Bool // an evaluation is running (for Ctrl-C)
	cleared    atomic.Bool // Ctrl-C at a plain prompt: drop the entry
}

// Run reads entries from in and evaluates them in t until the end of the
// input or :quit, printing results to out. It returns nil at a normal end
// and an error only if reading the input fails.
//
// When in is os.Stdin and both it and out (os.Stdout) are terminals, the
// line editor is used; it reads and writes the terminal directly.
func Run(t *vm.Thread, in io.Reader, out io.Writer, opts Options) error {
	s := &session{t: t, out: out, errs: opts.Stderr, opts: opts}
	if s.errs == nil {
		s.errs = out
	}
	s.interactive = isTerminal(in)
	if s.interactive && !opts.Plain && in == os.Stdin && out == os.Stdout && isTerminal(out) && liner.TerminalSupported() {
		s.history = historyPath(opts.HistoryFile)
		s.rd = newLinerReader(s.history, newCompleter(t, s.commandNames()).Complete)
	} else {
		s.rd = &plainReader{r: bufio.NewReader(in), out: out, prompts: s.interactive}
	}
	defer s.rd.Close()

	// Track whether the program's own output ends in a newline, so that a
	// result never starts in the middle of a line.
	v := t.VM()
	s.stdout = &lineTracker{w: v.Stdout, atStart: true}
	old := v.Stdout
	v.Stdout = s.stdout
	defer func() { v.Stdout = old }()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	done := make(chan struct{})
	defer func() { signal.Stop(sig); close(done) }()
	go s.handleInterrupts(sig, done)

	if s.interactive {
		if opts.Greeting != "" {
			fmt.Fprintln(out, opts.Greeting)
		}
		fmt.Fprintln(out, "batos: type :help for help, Ctrl-D or :quit to leave.")
	}
	return s.loop()
}

// handleInterrupts turns Ctrl-C into a cancellation of the running
// evaluation. A second Ctrl-C before the first was noticed (a primitive
// that does not poll) leaves the program. At a plain prompt it drops the
// entry being typed.
func (s *session) handleInterrupts(sig <-chan os.Signal, done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case <-sig:
		}
		switch {
		case s.evaluating.Load() && s.t.CancelFlag().Load():
			fmt.Fprintln(s.errs, "\nbatos: interrupted twice; exiting")
			s.rd.Close() // give the terminal back
			os.Exit(130)
		case s.evaluating.Load():
			s.t.Cancel()
		default:
			s.cleared.Store(true)
			if s.interactive {
				fmt.Fprint(s.out, "^C\n"+Prompt)
			}
		}
	}
}

// loop is the read-eval-print loop proper.
func (s *session) loop() error {
	for {
		prompt := Prompt
		if s.buf != "" {
			prompt = Continuation
		}
		line, err := s.rd.ReadLine(prompt)
		if s.cleared.Swap(false) {
			s.buf = ""
		}
		switch {
		case errors.Is(err, errAborted):
			s.buf = ""
			continue
		case err == io.EOF:
			if strings.TrimSpace(s.buf) != "" {
				s.eval(s.buf) // shows what is missing
			}
			if s.interactive {
				fmt.Fprintln(s.out)
			}
			return nil
		case err != nil:
			return err
		}
		if s.buf == "" {
			trimmed := strings.TrimSpace(line)
			if trimmed == "" {
				continue
			}
			if strings.HasPrefix(trimmed, ":") {
				s.rd.AddHistory(trimmed)
				if quit := s.command(trimmed[1:]); quit {
					return nil
				}
				continue
			}
		}
		s.buf += line + "\n"
		if !lang.Balanced(s.buf) {
			continue
		}
		if strings.TrimSpace(line) != "" && incomplete(s.buf) {
			continue // `3 +`: wait for the rest; an empty line forces it
		}
		src := s.buf
		s.buf = ""
		s.rd.AddHistory(src)
		s.eval(src)
	}
}

// incomplete reports whether src fails to parse only because it stops
// too early: its first error is at its end.
func incomplete(src string) bool {
	_, err := lang.Parse("", src)
	var list lang.ErrorList
	if err == nil || !errors.As(err, &list) || len(list) == 0 {
		return false
	}
	return list[0].Pos.Offset >= len(strings.TrimRight(src, " \t\r\n"))
}

// eval parses and runs one entry, printing its last value or its error.
func (s *session) eval(src string) {
	// Without the final newlines, an error at the end of the entry points
	// at the end of its last line rather than at an empty line.
	src = strings.TrimRight(src, " \t\r\n")
	s.n++
	name := fmt.Sprintf("<repl-%d>", s.n)
	f, err := lang.Parse(name, src)
	if err != nil {
		s.report(err, name, src)
		return
	}
	if len(f.Stmts) == 0 {
		return
	}
	str, ok := s.transact(f, name, src, func(v vm.Value) (string, error) { return PrintString(s.t, v) })
	if !ok {
		return
	}
	s.lastResult = str
	if short, cut := truncateResult(str); cut {
		fmt.Fprintln(s.out, short)
		fmt.Fprintf(s.out, "... (printString cut at %d of %d bytes; :more shows all of it)\n", len(short), len(str))
		return
	}
	fmt.Fprintln(s.out, str)
}

// transact runs the parsed entry f as one transaction, printing its value
// (show) included: it commits, or it leaves no trace. A miss the
// generative kernel answers restarts the entry (vm.Retry): it aborts, the
// model runs, and the entry runs again. It answers what show returned, or
// reports the error and answers false.
func (s *session) transact(f *lang.File, name, src string, show func(vm.Value) (string, error)) (string, bool) {
	s.t.CancelFlag().Store(false) // a Ctrl-C the last entry did not notice
	s.evaluating.Store(true)
	defer s.evaluating.Store(false)
	atomic := s.t.Atomic
	s.t.Atomic = true
	defer func() { s.t.Atomic = atomic }()
	s.t.VM().AddSource(name, src)
	var out string
	_, err := s.t.Retry(func() (vm.Value, error) {
		last, err := s.entry(f, name)
		if err == nil {
			out, err = show(last)
		}
		if err != nil {
			s.t.VM().Abort()
			return last, err
		}
		return last, s.t.VM().Commit()
	})
	if err != nil {
		s.report(err, name, src)
		return "", false
	}
	s.endLine()
	return out, true
}

// entry runs the statements of one REPL entry in the open transaction.
func (s *session) entry(f *lang.File, name string) (last vm.Value, err error) {
	for _, st := range f.Stmts {
		if last, err = s.t.EvalStmt(st, name); err != nil {
			return last, err
		}
	}
	return last, nil
}

// report prints an error after ending any half-written output line.
func (s *session) report(err error, file, src string) {
	s.endLine()
	WriteErrorTrace(s.errs, err, file, src, s.opts.TraceLibrary)
}

// endLine ends the program's output line if it was left open.
func (s *session) endLine() {
	if !s.stdout.atStart {
		fmt.Fprintln(s.out)
		s.stdout.atStart = true
	}
}

// command runs the REPL command line cmd (without its colon). It reports
// whether the REPL should end.
func (s *session) command(cmd string) (quit bool) {
	name, args, _ := strings.Cut(cmd, " ")
	args = strings.TrimSpace(args)
	switch name {
	case "q", "quit", "exit":
		return true
	case "h", "help", "?":
		s.help()
		return false
	}
	builtin := s.builtins()[name]
	if f, ok := s.opts.Commands[name]; ok {
		// An embedder's command comes first; where it fails and a
		// built-in of the same name exists (:source for generated
		// methods, then for any method), the built-in has a go.
		err := f(args)
		if err != nil && builtin != nil {
			err = builtin(args)
		}
		if err != nil {
			fmt.Fprintf(s.errs, ":%s: %v\n", name, err)
		}
		return false
	}
	if builtin != nil {
		if err := builtin(args); err != nil {
			fmt.Fprintf(s.errs, ":%s: %v\n", name, err)
		}
		return false
	}
	fmt.Fprintf(s.errs, "unknown command :%s (type :help for the list)\n", name)
	return false
}

// builtins are the REPL's own commands besides :help and :quit.
func (s *session) builtins() map[string]func(string) error {
	return map[string]func(string) error{
		"inspect": func(args string) error { s.inspect(args); return nil },
		"source":  s.source,
		"browse": func(args string) error {
			if args != "" {
				return errors.New("takes no arguments")
			}
			s.browse()
			return nil
		},
		"more": func(string) error {
			if s.lastResult == "" {
				return errors.New("no result yet")
			}
			fmt.Fprintln(s.out, s.lastResult)
			return nil
		},
	}
}

// commandNames returns every command, with its colon, sorted.
func (s *session) commandNames() []string {
	names := []string{":help", ":quit"}
	for name := range s.builtins() {
		if _, ok := s.opts.Commands[name]; !ok {
			names = append(names, ":"+name)
		}
	}
	for name := range s.opts.Commands {
		names = append(names, ":"+name)
	}
	sort.Strings(names)
	return names
}

const helpText = `Commands:
  :help            show this help (also :h, :?)
  :quit            leave (also :q, :exit, or Ctrl-D)
  :inspect EXPR    an object's printString, comment, parents and slots
  :source EXPR SELECTOR
                   the source, as written, of the method EXPR runs for SELECTOR
  :browse          the lobby's slots by category
  :more            the last result's whole printString (long ones are cut)
%s
Each entry is one or more statements, separated by '.' or newlines; the
value of the last one is printed as its printString. An entry goes on
over several lines while a bracket, string or comment is open. Tab
completes selectors. Ctrl-C clears the line being typed or interrupts a
running evaluation.

A few reminders of the language (Self):
  'hello' size + 1             unary messages bind tighter than binary ones
  (3 + 4) * 2                  binary operators have no precedence: parenthesise
  (vector copySize: 3) at: 0 Put: 'x'
                               keyword messages; indexing is 0-based
  1 to: 3 Do: [| :i | i printLine ]
                               a block with one argument
  lobby _AddSlots: (| count <- 0. double: n = ( n * 2 ) |)
                               add a variable and a method to the lobby
  (| x = 3. y <- 4 |)          an object: a constant and an assignable slot
  "comments are in double quotes"
`

// help prints the commands and a few language hints.
func (s *session) help() {
	var extra strings.Builder
	names := make([]string, 0, len(s.opts.Commands))
	for name := range s.opts.Commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		line := fmt.Sprintf("  %-16s %s", ":"+name, s.opts.CommandHelp[name])
		extra.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	fmt.Fprintf(s.out, helpText, extra.String())
}
