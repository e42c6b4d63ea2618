package vm

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"batos/lang"
)

// Frame is one activation: a method, a block, or a top-level statement.
// Frames live in the Thread's frame stack and are reused; gen tells a live
// frame from a reused one, so a block whose home has returned is detected.
type Frame struct {
	t       *Thread
	self    Value
	locals  []Value
	inline  [6]Value
	code    *Code
	holder  *Object // where the method was found (for resend)
	outer   *Frame  // lexically enclosing frame (blocks)
	home    *Frame  // the method frame a `^` returns from
	homeGen uint64
	gen     uint64
	site    *sendSite // the send that created this activation
	depth   int
	ret     bool // a `^` is returning from this frame
	retv    Value
	// catching counts the inline-control fallbacks running in this frame
	// that catch `^` from their blocks (compile_inline.go)
	catching int32
}

// Self returns the frame's receiver.
func (fr *Frame) Self() Value { return fr.self }

const frameChunk = 256

// Thread runs batos code. It carries the step budget, cancellation, the
// depth limit and the frame stack used for backtraces. A Thread must be
// used by one goroutine at a time.
type Thread struct {
	vm     *VM
	chunks [][]Frame
	depth  int
	gen    uint64

	tick  int32
	used  int64
	limit int64 // step budget; 0 = unlimited
	// allocation budget, depth limit and deadline of a nested evaluation
	// (savepoint.go); 0 = none
	allocLimit, allocBase int64
	depthLimit            int
	deadline              int64
	world                 *sync.Mutex // the world's lock, held during a session's transactions (restart.go); nil alone
	memo                  *callMemo   // outside calls' results across restarts (restart.go)
	cancelled             *atomic.Bool

	sendCache map[siteKey]*sendSite
	tmp       icEntry // an uncacheable lookup result

	// OnAssert, if set, receives assertion failures reported by the
	// _AssertFail: primitive instead of raising an error.
	OnAssert func(trace []TraceEntry, msg string)
	// Atomic leaves EvalStmt's transaction open (batos run --atomic):
	// the caller ends it with VM.Commit or VM.Abort.
	Atomic bool
}

// NewThread returns a thread of vm with no step limit.
func (vm *VM) NewThread() *Thread {
	t := &Thread{vm: vm, tick: tickEvery, cancelled: new(atomic.Bool), sendCache: map[siteKey]*sendSite{}}
	t.frame(0) // allocate the first chunk
	return t
}

// VM returns the thread's VM.
func (t *Thread) VM() *VM { return t.vm }

const tickEvery = 1024

// SetMaxSteps sets the step budget (sends, block calls and loop
// iterations) for subsequent evaluations; 0 means unlimited.
func (t *Thread) SetMaxSteps(n int64) { t.limit = n }

// Steps returns how many steps have run since the last Reset, to within
// tickEvery.
func (t *Thread) Steps() int64 { return t.used + int64(tickEvery-t.tick) }

// Cancel asks the running evaluation to stop with an "interrupted" error.
// It is safe to call from another goroutine (a signal handler).
func (t *Thread) Cancel() { t.cancelled.Store(true) }

// CancelFlag returns the flag Cancel sets, for sharing with a signal
// handler.
func (t *Thread) CancelFlag() *atomic.Bool { return t.cancelled }

// frame returns the frame at depth d, allocating chunks as needed.
func (t *Thread) frame(d int) *Frame {
	c := d / frameChunk
	for len(t.chunks) <= c {
		ch := make([]Frame, frameChunk)
		base := len(t.chunks) * frameChunk
		for i := range ch {
			ch[i].t = t
			ch[i].depth = base + i
		}
		t.chunks = append(t.chunks, ch)
	}
	return &t.chunks[c][d%frameChunk]
}

// push reserves the next frame (for a callee's arguments).
func (t *Thread) push(site *sendSite) *Frame {
	d := t.depth + 1
	if d >= t.vm.maxDepth || (t.depthLimit > 0 && d >= t.depthLimit) {
		t.raiseAt(site, ErrDepth, fmt.Sprintf("stack overflow: more than %d nested activations (deep or infinite recursion?)", t.vm.maxDepth))
	}
	t.depth = d
	fr := t.frame(d)
	fr.code = nil
	fr.site = site
	return fr
}

// pop releases the top frame; blocks created in it are dead from now on.
func (t *Thread) pop(fr *Frame) {
	fr.gen = 0
	t.depth = fr.depth - 1
}

// unwindTo kills every frame above depth d.
func (t *Thread) unwindTo(d int) {
	for i := t.depth; i > d; i-- {
		t.frame(i).gen = 0
	}
	t.depth = d
}

func (t *Thread) checkpoint(site *sendSite) {
	t.used += int64(tickEvery - t.tick)
	t.tick = tickEvery
	if t.cancelled.Load() {
		t.cancelled.Store(false)
		t.raiseAt(site, ErrInterrupted, "interrupted")
	}
	if c, ok := t.vm.heap.(Checkpointer); ok {
		c.Checkpoint(t.vm)
	}
	if t.allocLimit > 0 {
		t.checkAlloc(site)
	}
	if t.deadline > 0 && time.Now().UnixNano() > t.deadline {
		t.raiseAt(site, ErrBudget, "time limit exceeded")
	}
	if t.limit > 0 && t.used >= t.limit {
		t.raiseAt(site, ErrBudget, fmt.Sprintf("step budget of %d exhausted (infinite loop?)", t.limit))
	}
}

// ErrorKind classifies a runtime error.
type ErrorKind uint8

// The kinds of runtime error.
const (
	ErrError             ErrorKind = iota // raised by batos code (error:) or a type check
	ErrUndefinedSelector                  // a lookup failed
	ErrAmbiguousSelector                  // two parents supply the selector
	ErrBudget                             // the step budget ran out
	ErrDepth                              // too many nested activations
	ErrInterrupted                        // Ctrl-C (Thread.Cancel)
	ErrNonLIFO                            // a block (or its ^) outlived its method
	ErrPrimitive                          // a primitive failed and nothing handled it
	ErrCompile                            // the code does not compile
	ErrAssert                             // an assertion failed
	ErrImage                              // the image could not load an object
	ErrInternal                           // a bug in batos
	ErrCapability                         // a generated method reached an effect its policy denies
	ErrGeneration                         // the generative kernel could not write a missing method
)

var errorKindNames = [...]string{"error", "undefinedSelector", "ambiguousSelector", "budget", "depth",
	"interrupted", "nonLIFO", "primitive", "compile", "assert", "image", "internal", "capability", "generation"}

func (k ErrorKind) String() string {
	if int(k) < len(errorKindNames) {
		return errorKindNames[k]
	}
	return fmt.Sprintf("ErrorKind(%d)", k)
}

// ErrorKindNamed returns the kind whose String is name (ErrError if none).
func ErrorKindNamed(name string) ErrorKind {
	for k, n := range errorKindNames {
		if n == name {
			return ErrorKind(k)
		}
	}
	return ErrError
}

// Error is a batos runtime error: a message, where it happened, and the
// chain of sends that led there.
type Error struct {
	Kind  ErrorKind
	Msg   string
	File  string
	Pos   lang.Pos
	Trace []TraceEntry // innermost first
	Cause error        // the Go error behind it, if any
}

// Unwrap returns the error's cause.
func (e *Error) Unwrap() error { return e.Cause }

// TraceEntry is one activation in a backtrace.
type TraceEntry struct {
	Name string // method selector, "[] in sel" for blocks, "<top level>"
	File string
	Pos  lang.Pos // the send being executed in that activation
}

func (e *Error) Error() string {
	if e.Pos.IsValid() {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Col, e.Msg)
	}
	return e.Msg
}

// Backtrace renders the trace, one activation per line, innermost first.
// Runs of identical lines (deep recursion) are folded into one.
func (e *Error) Backtrace() string {
	var b strings.Builder
	line := func(f TraceEntry) string {
		if f.Pos.IsValid() {
			return fmt.Sprintf("  %s:%d:%d in %s\n", f.File, f.Pos.Line, f.Pos.Col, f.Name)
		}
		if f.File != "" {
			return fmt.Sprintf("  %s in %s\n", f.File, f.Name)
		}
		return fmt.Sprintf("  %s\n", f.Name)
	}
	for i := 0; i < len(e.Trace); {
		l := line(e.Trace[i])
		j := i + 1
		for j < len(e.Trace) && line(e.Trace[j]) == l {
			j++
		}
		b.WriteString(l)
		if n := j - i - 1; n > 0 {
			fmt.Fprintf(&b, "  ... the line above %d more time(s)\n", n)
		}
		i = j
	}
	return b.String()
}

// raiseAt aborts the evaluation with an error at site.
func (t *Thread) raiseAt(site *sendSite, kind ErrorKind, msg string) {
	e := &Error{Kind: kind, Msg: msg}
	if site != nil {
		e.File, e.Pos = site.file, site.pos
	}
	e.Trace = t.backtrace(site)
	panic(e)
}

// Raise aborts the running evaluation with a runtime error. Primitives use
// it for errors that are not primitive failures.
//
// The error is placed at the innermost send outside the standard library,
// so an error raised by library code on behalf of a user's send (an
// undefined selector, a failed primitive, error:) points at the user's code.
// The backtrace still shows every activation.
func (t *Thread) Raise(kind ErrorKind, msg string) {
	site := t.curSite()
	e := &Error{Kind: kind, Msg: msg, Trace: t.backtrace(site)}
	if site != nil {
		e.File, e.Pos = site.file, site.pos
	}
	for _, f := range e.Trace {
		if f.Pos.IsValid() && !strings.HasPrefix(f.File, t.vm.libPrefix) {
			e.File, e.Pos = f.File, f.Pos
			break
		}
	}
	panic(e)
}

// DefaultLibraryPrefix starts the file names of the standard library's
// sources unless Options.LibraryPrefix says otherwise.
const DefaultLibraryPrefix = "stdlib/"

// curSite returns the send site of the innermost activation.
func (t *Thread) curSite() *sendSite {
	for d := t.depth; d >= 0; d-- {
		if s := t.frame(d).site; s != nil {
			return s
		}
	}
	return nil
}

// backtrace lists the active frames, innermost first. site is where the
// innermost frame is. Very deep stacks keep their innermost and outermost
// activations.
func (t *Thread) backtrace(site *sendSite) []TraceEntry {
	var out []TraceEntry
	pos := site
	for d := t.depth; d >= 0; d-- {
		fr := t.frame(d)
		if fr.code == nil { // reserved for arguments, not yet running
			if fr.site != nil {
				pos = fr.site
			}
			continue
		}
		e := TraceEntry{Name: fr.code.Name, File: fr.code.File, Pos: fr.code.Pos}
		if pos != nil {
			e.File, e.Pos = pos.file, pos.pos
		}
		out = append(out, e)
		pos = fr.site
	}
	const keep = 100
	if len(out) > 2*keep {
		skipped := len(out) - 2*keep
		tail := out[len(out)-keep:]
		out = append(out[:keep:keep], TraceEntry{Name: fmt.Sprintf("... %d activations omitted ...", skipped)})
		out = append(out, tail...)
	}
	return out
}

// nlr is the panic value of a non-local return.
type nlr struct {
	home *Frame
	gen  uint64
	val  Value
}

// catch runs f, converting a panic into an error. It restores the frame
// stack to depth d.
func (t *Thread) catch(d int, f func() Value) (v Value, err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		t.unwindTo(d)
		switch x := r.(type) {
		case *Error:
			err = x
		case *Restart:
			err = x
		case *nlr:
			err = &Error{Kind: ErrNonLIFO, Msg: "non-local return from a block whose method has already returned"}
		case runtime.Error:
			buf := make([]byte, 8192)
			n := runtime.Stack(buf, false)
			err = &Error{Kind: ErrInternal, Msg: fmt.Sprintf("internal error (a bug in batos): %v\n%s", x, buf[:n]), Cause: x}
		default:
			panic(r)
		}
	}()
	return f(), nil
}

// Trace returns the current backtrace, innermost first.
func (t *Thread) Trace() []TraceEntry { return t.backtrace(t.curSite()) }
