package vm_test

import (
	"errors"
	"strings"
	"testing"

	"batos/lang"
	"batos/vm"
)

// A resend to the setter of an assignable parent changes lookups: a send
// cached before it must see the new parent.
func TestResendParentSetterInvalidatesCaches(t *testing.T) {
	th, _ := boot(t)
	eval(t, th, `lobby _AddSlots: (| one = (| v = 1 |). two = (| v = 2 |). base = (| p* <- nil |) |)`)
	eval(t, th, `base p: one. 0`)
	eval(t, th, `lobby _AddSlots: (| kid = (| parent* = base. swap: x = ( resend.p: x ) |). ask = ( kid v ) |)`)
	if got := eval(t, th, "ask"); got != "1" {
		t.Fatalf("before: %s", got)
	}
	eval(t, th, "kid swap: two. 0")
	if got := eval(t, th, "ask"); got != "2" {
		t.Errorf("after resend.p: two, the cached send answers %s", got)
	}
	// the directed form too
	eval(t, th, `kid _AddSlots: (| swapBack: x = ( parent.p: x ) |). 0`)
	eval(t, th, "kid swapBack: one. 0")
	if got := eval(t, th, "ask"); got != "1" {
		t.Errorf("after parent.p: one, the cached send answers %s", got)
	}
}

// When an inlined control selector falls back to a real send (the
// receiver is not a boolean or a small integer), its operands are
// evaluated once.
func TestInlineFallbackEvaluatesOnce(t *testing.T) {
	th, _ := boot(t)
	eval(t, th, `lobby _AddSlots: (| count <- 0. bump = ( count: count + 1. count ).
		range = (| to: n Do: b = ( n ). to: n By: s Do: b = ( n + s ). timesRepeat: b = ( 7 ) |).
		bumpF = ( bump. 2.5 ).
		flag = (| ifTrue: b = ( 5 ). and: b = ( 6 ) |) |)`)
	for _, c := range []struct{ src, want string }{
		{"range to: bump Do: [| :i | i ]", "1"},
		{"range to: bump By: bump Do: [| :i | i ]", "5"}, // bumps 2 and 3
		{"count", "3"},
		{"count: 0. range to: bump Do: [| :i | i ]", "1"},
		{"count: 0. bump. range timesRepeat: [ bump ]", "7"},
		{"count", "1"},
		{"flag ifTrue: [ bump ]", "5"},
		{"flag and: [ bump ]", "6"},
		{"count", "1"},
		// a small-integer receiver with a limit that is not one
		{"count: 0. 1 to: bumpF Do: [| :i | i ]", "1"},
		{"count", "1"},
	} {
		if got := eval(t, th, c.src); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
	// binary operators with a fast path: the slow send gets the values
	eval(t, th, `lobby _AddSlots: (| box = (| + x = ( x ). < x = ( x ) |) |)`)
	if got := eval(t, th, "count: 0. (box + bump) + (box < bump)"); got != "3" {
		t.Errorf("binary fallback: %s", got)
	}
	if got := eval(t, th, "count"); got != "2" {
		t.Errorf("binary fallback evaluated %s operands", got)
	}
}

// printString and the printer (batos fmt) write every string the same way.
func TestPrintStringQuotesLikePrinter(t *testing.T) {
	th, _ := boot(t)
	for _, s := range []string{"plain", "it's", `a\b`, "\t\n\r\f\v\b\a\x00", "\x7f\x01\xff", "héllo", "\xe9t\xe9"} {
		got, err := th.PrintString(th.VM().String(s))
		if err != nil {
			t.Fatal(err)
		}
		if want := lang.Quote(s); got != want {
			t.Errorf("printString of %q = %s, the printer writes %s", s, got, want)
		}
	}
}

// A Ctrl-C that arrives between two statements stops the next one: it is
// not forgotten.
func TestPendingCancelStopsNextStatement(t *testing.T) {
	th, _ := boot(t)
	f, err := lang.Parse("c.self", "lobby _AddSlots: (| ran <- 0 |).\nran: 1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := th.EvalStmt(f.Stmts[0], f.Name); err != nil {
		t.Fatal(err)
	}
	th.Cancel()
	_, err = th.EvalStmt(f.Stmts[1], f.Name)
	var e *vm.Error
	if !errors.As(err, &e) || e.Kind != vm.ErrInterrupted || e.Error() != "c.self:2:1: interrupted" {
		t.Fatalf("got %v, want an interrupted error at the statement", err)
	}
	// the cancellation is consumed: the next statement runs
	if got := eval(t, th, "ran"); got != "0" {
		t.Errorf("the interrupted statement ran: ran = %s", got)
	}
	if got := eval(t, th, "ran: 2. ran"); got != "2" {
		t.Errorf("after the interruption: %s", got)
	}
}

// Errors have typed kinds and wrap their cause.
func TestErrorKindsAndCause(t *testing.T) {
	th, _ := boot(t)
	e := evalErr(t, th, "3 frobnicate")
	if e.Kind != vm.ErrUndefinedSelector || e.Kind.String() != "undefinedSelector" {
		t.Errorf("kind %v", e.Kind)
	}
	cause := errors.New("disk on fire")
	w := &vm.Error{Kind: vm.ErrImage, Msg: "cannot load", Cause: cause}
	if !errors.Is(w, cause) {
		t.Error("errors.Is does not reach the cause")
	}
}

// Self arguments and constant slots have no assignment slot: inside a
// method whose argument is called error, `error: x` is an ordinary
// implicit-receiver send.
func TestAssignToArgumentNameIsASend(t *testing.T) {
	th, _ := boot(t)
	eval(t, th, `lobby _AddSlots: (| said <- ''. error: msg = ( said: msg ). wrap: error = ( error: error, '!'. said ) |)`)
	if got := eval(t, th, "wrap: 'oops'"); got != "'oops!'" {
		t.Errorf("wrap: = %s", got)
	}
	// block arguments too
	if got := eval(t, th, "[| :error | error: 'b' ] value: 1. said"); got != "'b'" {
		t.Errorf("in a block: %s", got)
	}
	// and constant locals
	if got := eval(t, th, "[| error = 3 | error: 'c' ] value. said"); got != "'c'" {
		t.Errorf("a constant local: %s", got)
	}
}

// Parent slots among a method's locals take part in the lookup of the
// method's implicit-receiver sends, beside self, as in Self.
func TestParentLocals(t *testing.T) {
	th, _ := boot(t)
	eval(t, th, `lobby _AddSlots: (| ns = (| greet = ( 'hi' ). shared = 1. n <- 5 |).
		user = (| parent* = traits clonable. own = ( 'own' ).
			viaLocal = (| p* = ns | greet ).
			both = (| p* = ns | own, greet ).
			inBlock = (| p* = ns | [ greet ] value ).
			setN = (| p* = ns | n: 7. n ).
			clash = (| p* = ns. shared = 2 | shared ) |).
		shared = 3 |)`)
	for _, c := range []struct{ src, want string }{
		{"user viaLocal", "'hi'"},
		{"user both", "'ownhi'"},
		{"user inBlock", "'hi'"},
		{"user setN", "7"},
		{"ns n", "7"},
		{"user clash", "2"}, // a local slot comes before every parent
	} {
		if got := eval(t, th, c.src); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
	// self (through the lobby) and the local parent both supply 'shared'
	eval(t, th, `user _AddSlots: (| amb = (| p* = ns | shared ) |)`)
	e := evalErr(t, th, "user amb")
	if e.Kind != vm.ErrAmbiguousSelector || !strings.Contains(e.Msg, "shared") {
		t.Errorf("ambiguity: %v %q", e.Kind, e.Msg)
	}
	e = evalErr(t, th, "user _AddSlots: (| missing = (| p* = ns | nothingHere ) |). user missing")
	if e.Kind != vm.ErrUndefinedSelector {
		t.Errorf("undefined: %v %q", e.Kind, e.Msg)
	}
}

// A `^` in a block handed to a control selector's real send (the receiver
// is not a boolean or an integer) returns from the method, and is caught
// by that send, not by every activation of the method.
func TestReturnThroughInlineFallback(t *testing.T) {
	th, _ := boot(t)
	eval(t, th, `lobby _AddSlots: (| yes = (| ifTrue: b = ( b value. 'went on' ) |).
		keeper = (| kept <- nil. ifTrue: b = ( kept: b. 0 ) |).
		stepper = (| to: n Do: b = ( b value: 5. 'went on' ) |).
		pick: c = ( c ifTrue: [ ^ 'returned' ]. 'fell through' ).
		deep: c = ( c ifTrue: [ [ ^ 7 ] value ]. 'fell through' ).
		loop: r = ( r to: 3 Do: [| :i | ^ i ]. 'fell through' ).
		keep = ( keeper ifTrue: [ ^ 'late' ]. keeper kept value ) |)`)
	for _, c := range []struct{ src, want string }{
		{"pick: yes", "'returned'"},
		{"pick: true", "'returned'"},
		{"pick: false", "'fell through'"},
		{"deep: yes", "7"},
		{"loop: 1", "1"},
		{"loop: stepper", "5"}, // the real to:Do:
		{"(pick: yes), (pick: yes)", "'returnedreturned'"},
	} {
		if got := eval(t, th, c.src); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
	e := evalErr(t, th, "keep")
	if e.Kind != vm.ErrNonLIFO || !strings.Contains(e.Msg, "control send") {
		t.Errorf("a kept block's ^: %v %q", e.Kind, e.Msg)
	}
}

// A `^` in an inlined block ends its method from any statement, in the
// one-, two- and three-statement bodies (the first two are unrolled), and
// from inside any expression: nothing the expression's value was for (a
// send it is the receiver, an argument or an operand of, a loop bound)
// runs after it. (It used to: `log: (c ifTrue: [ ^ x ] False: [ y ])`
// returned x and also sent log: x.)
func TestInlineReturnEveryStatement(t *testing.T) {
	th, _ := boot(t)
	eval(t, th, `lobby _AddSlots: (| log <- ''.
		one: c = ( c ifTrue: [ ^ 'one returned' ] False: [ 'one fell' ] ).
		firstOf2: c = ( c ifTrue: [ ^ 'first' ]. (log: log, 'b') log ).
		lastOf2: c = ( log: log, 'a'. c ifTrue: [ ^ 'last returned' ] False: [ 'last fell' ] ).
		argOf2: c = ( log: log, 'a'. (log: (c ifTrue: [ ^ 'from the argument' ] False: [ log, 'x' ])) log ).
		midOf3: c = ( log: log, 'a'. c ifTrue: [ ^ 'mid' ]. (log: log, 'c') log ).
		nested: c = ( c ifTrue: [ c ifTrue: [ ^ 'inner' ] ]. 'outer' ).
		box = (| parent* = lobby. n <- 0. bump = ( n: n + 1. log: log, 'bumped'. self ) |).
		yes = (| ifTrue: b = ( b value ) |).
		asReceiver: c = ( (c ifTrue: [ ^ 'receiver' ] False: [ box ]) bump. 'bumped' ).
		asOperand: c = ( log: log, (c ifTrue: [ ^ 'operand' ] False: [ 'y' ]). log ).
		asBound: c = ( 1 to: (c ifTrue: [ ^ 'bound' ] False: [ 2 ]) Do: [| :i | log: log, 'i' ]. log ).
		deep: c = ( log: (log, ('(', (c ifTrue: [ ^ 'deep' ] False: [ 'z' ]), ')')). log ).
		viaFallback: c = ( log: (c ifTrue: [ ^ 'fallback' ]). 'kept going' ).
		inBlock: c = ( [ log: (c ifTrue: [ ^ 'from a block' ] False: [ 'b' ]) ] value. log ) |)`)
	for _, c := range []struct{ src, want, log string }{
		{"one: true", "'one returned'", ""},
		{"one: false", "'one fell'", ""},
		{"firstOf2: true", "'first'", ""},
		{"firstOf2: false", "'b'", "b"},
		{"lastOf2: true", "'last returned'", "a"},
		{"lastOf2: false", "'last fell'", "a"},
		{"argOf2: true", "'from the argument'", "a"},
		{"argOf2: false", "'ax'", "ax"},
		{"midOf3: true", "'mid'", "a"},
		{"midOf3: false", "'ac'", "ac"},
		{"nested: true", "'inner'", ""},
		{"nested: false", "'outer'", ""},
		{"(firstOf2: true), (lastOf2: true), (midOf3: false)", "'firstlast returnedaac'", "aac"},
		{"asReceiver: true", "'receiver'", ""},
		{"asReceiver: false", "'bumped'", "bumped"},
		{"asOperand: true", "'operand'", ""},
		{"asOperand: false", "'y'", "y"},
		{"asBound: true", "'bound'", ""},
		{"asBound: false", "'ii'", "ii"},
		{"deep: true", "'deep'", ""},
		{"deep: false", "'(z)'", "(z)"},
		{"viaFallback: yes", "'fallback'", ""},
		{"inBlock: true", "'from a block'", ""},
		{"inBlock: false", "'b'", "b"},
	} {
		eval(t, th, "log: ''")
		if got := eval(t, th, c.src); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
		if got := eval(t, th, "log"); got != "'"+c.log+"'" {
			t.Errorf("%s ran %s, want '%s'", c.src, got, c.log)
		}
	}
}

// Trivial methods answered without an activation behave as activated
// ones, a failing primitive included.
func TestTrivialMethodsBehave(t *testing.T) {
	th, _ := boot(t)
	eval(t, th, `lobby _AddSlots: (| box = (| parent* = traits clonable.
		me = ( self ). k = ( 7 ). add: x = ( _IntAdd: x IfFail: [| :e | 'failed: ', e ] ).
		bare: x = ( _IntAdd: x ) |) |)`)
	for _, c := range []struct{ src, want string }{
		{"box me == box", "true"},
		{"box k", "7"},
		{"3 printString", "'3'"},
		{"'a', 'b'", "'ab'"},
		{"'a', 3", "'a3'"}, // the primitive fails: its IfFail: block runs
		{"box add: 2", "'failed: badTypeError'"},
	} {
		if got := eval(t, th, c.src); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
	// a failure without IfFail: is reported inside the method
	e := evalErr(t, th, "box bare: 1")
	if e.Kind != vm.ErrPrimitive || !strings.Contains(e.Backtrace(), "in bare:") {
		t.Errorf("%v %q\n%s", e.Kind, e.Msg, e.Backtrace())
	}
}

// A method found through an assignable parent (an uncached lookup) keeps
// its holder when compiling it runs a local's initialiser that makes
// another uncached lookup.
func TestUncachedSendCompilingMethod(t *testing.T) {
	th, _ := boot(t)
	eval(t, th, `lobby _AddSlots: (| base1 = (| hi = ( 'base1' ) |).
		other = (| ping = ( 'o' ) |).
		kid2 = (| q* <- nil |) |)`)
	eval(t, th, `kid2 q: other. lobby _AddSlots: (| mid = (| parent* = base1. go = ( | x = kid2 ping | resend.hi, x ) |).
		kid = (| p* <- nil |) |). kid p: mid. 0`)
	if got := eval(t, th, "kid go"); got != "'base1o'" {
		t.Errorf("kid go = %s", got)
	}
}
