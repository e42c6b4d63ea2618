package vm_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"batos/lang"
	"batos/stdlib"
	"batos/vm"
)

func boot(t *testing.T) (*vm.Thread, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	th, err := stdlib.Boot(vm.Options{Stdout: &out, MaxDepth: 2000})
	if err != nil {
		t.Fatal(err)
	}
	return th, &out
}

func eval(t *testing.T, th *vm.Thread, src string) string {
	t.Helper()
	v, err := th.EvalString("test.self", src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	s, err := th.PrintString(v)
	if err != nil {
		t.Fatalf("%s: printString: %v", src, err)
	}
	return s
}

func evalErr(t *testing.T, th *vm.Thread, src string) *vm.Error {
	t.Helper()
	_, err := th.EvalString("test.self", src)
	if err == nil {
		t.Fatalf("%s: no error", src)
	}
	e, ok := err.(*vm.Error)
	if !ok {
		t.Fatalf("%s: error %T %v, want *vm.Error", src, err, err)
	}
	return e
}

func TestEval(t *testing.T) {
	th, _ := boot(t)
	for _, c := range []struct{ src, want string }{
		{"3 + 4", "7"},
		{"3 + 4. 5 * 6", "30"},
		{"'a', 'b'", "'ab'"},
		{"(1 to: 5 Do: [| :i | i ]) + 1", "2"},
		{"9223372036854775807 * 9223372036854775807", "85070591730234615847396907784232501249"},
		{"(vector copy add: 3) printString", "'vector(3)'"},
		{"[| :a. :b | a + b ] value: 1 With: 2", "3"},
		{"16r10 + 2r11", "19"},
		{"1.5e1", "15.0"},
		{"nil", "nil"},
		{"true & false", ""},
	} {
		if c.want == "" {
			continue
		}
		if got := eval(t, th, c.src); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
}

func TestUndefinedSelectorHook(t *testing.T) {
	th, _ := boot(t)
	e := evalErr(t, th, "3 frobnicate: 4")
	if e.Kind != vm.ErrUndefinedSelector || !strings.Contains(e.Msg, "3 does not understand 'frobnicate:'") {
		t.Errorf("got %s %q", e.Kind, e.Msg)
	}
	if e.Pos.Line != 1 || e.Pos.Col != 3 { // at the selector
		t.Errorf("position %v", e.Pos)
	}
	// The hook is one overridable method: an object can answer any message.
	eval(t, th, `lobby _AddSlots: (| echo = (| parent* = traits clonable.
		undefinedSelector: sel Arguments: args = ( sel, '/', args size printString ) |) |)`)
	if got := eval(t, th, "echo foo: 1 Bar: 2"); got != "'foo:Bar:/2'" {
		t.Errorf("hook answered %s", got)
	}
	if got := eval(t, th, "echo baz"); got != "'baz/0'" {
		t.Errorf("hook answered %s", got)
	}
}

func TestBacktrace(t *testing.T) {
	th, _ := boot(t)
	src := "lobby _AddSlots: (| inner = ( 1 + nil foo ). outer = ( inner ) |).\nouter"
	f, err := lang.Parse("bt.self", src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := th.EvalStmt(f.Stmts[0], "bt.self"); err != nil {
		t.Fatal(err)
	}
	_, err = th.EvalStmt(f.Stmts[1], "bt.self")
	e := err.(*vm.Error)
	bt := e.Backtrace()
	for _, want := range []string{"bt.self:1:39 in inner", "bt.self:1:56 in outer", "bt.self:2:1 in <top level>"} {
		if !strings.Contains(bt, want) {
			t.Errorf("backtrace lacks %q:\n%s", want, bt)
		}
	}
	if e.Error() != "bt.self:1:39: nil does not understand 'foo'" {
		t.Errorf("error %q", e.Error())
	}
}

func TestLimits(t *testing.T) {
	th, _ := boot(t)
	eval(t, th, "lobby _AddSlots: (| down: n = ( (down: n + 1) + 1 ) |)")
	e := evalErr(t, th, "down: 0")
	if e.Kind != vm.ErrDepth || !strings.Contains(e.Msg, "stack overflow") {
		t.Errorf("depth: %s %q", e.Kind, e.Msg)
	}
	if !strings.Contains(e.Backtrace(), "more time(s)") && !strings.Contains(e.Backtrace(), "omitted") {
		t.Errorf("deep backtrace not folded:\n%.500s", e.Backtrace())
	}
	// the thread is usable afterwards
	if got := eval(t, th, "1 + 1"); got != "2" {
		t.Errorf("after depth error: %s", got)
	}
	th.SetMaxSteps(100_000)
	e = evalErr(t, th, "[ true ] whileTrue: [ ]")
	if e.Kind != vm.ErrBudget {
		t.Errorf("budget: %s %q", e.Kind, e.Msg)
	}
	e = evalErr(t, th, "lobby _AddSlots: (| spin = ( spin ) |). spin")
	if e.Kind != vm.ErrBudget && e.Kind != vm.ErrDepth {
		t.Errorf("spin: %s %q", e.Kind, e.Msg)
	}
	th.SetMaxSteps(0)
	go func() { time.Sleep(50 * time.Millisecond); th.Cancel() }()
	e = evalErr(t, th, "[ true ] whileTrue: [ 1 + 1 ]")
	if e.Kind != vm.ErrInterrupted {
		t.Errorf("cancel: %s %q", e.Kind, e.Msg)
	}
	if got := eval(t, th, "2 + 2"); got != "4" {
		t.Errorf("after cancel: %s", got)
	}
}

func TestNonLIFO(t *testing.T) {
	th, _ := boot(t)
	eval(t, th, "lobby _AddSlots: (| mk = ( [ 1 ] ). mkRet = ( [ ^ 2 ] ). saved |)")
	e := evalErr(t, th, "mk value")
	if e.Kind != vm.ErrNonLIFO {
		t.Errorf("dead block: %s %q", e.Kind, e.Msg)
	}
	e = evalErr(t, th, "mkRet value")
	if e.Kind != vm.ErrNonLIFO {
		t.Errorf("dead ^: %s %q", e.Kind, e.Msg)
	}
}

func TestInlineCacheInvalidation(t *testing.T) {
	th, _ := boot(t)
	eval(t, th, `lobby _AddSlots: (| a = (| parent* = traits clonable. v = ( 1 ) |). call: o = ( o v ) |)`)
	eval(t, th, `lobby _AddSlots: (| b = (| parent* <- a |) |)`)
	if got := eval(t, th, "call: b"); got != "1" {
		t.Fatal(got)
	}
	// changing a method, a parent, or the slot layout is seen by the cached send
	eval(t, th, `a _AddSlots: (| v = ( 2 ) |)`)
	if got := eval(t, th, "call: b"); got != "2" {
		t.Errorf("after redefinition: %s", got)
	}
	eval(t, th, `b parent: (| v = 3 |). 0`)
	if got := eval(t, th, "call: b"); got != "3" {
		t.Errorf("after parent change: %s", got)
	}
	eval(t, th, `b _AddSlots: (| v = 4 |). 0`)
	if got := eval(t, th, "call: b"); got != "4" {
		t.Errorf("after slot added: %s", got)
	}
	eval(t, th, `b _RemoveSlot: 'v'. 0`)
	if got := eval(t, th, "call: b"); got != "3" {
		t.Errorf("after slot removed: %s", got)
	}
	// two clones sharing a map but with different assignable parents
	eval(t, th, `lobby _AddSlots: (| proto = (| p* <- nil |) |). lobby _AddSlots: (| c1 = proto _Clone. c2 = proto _Clone |). c1 p: (| v = 10 |). c2 p: (| v = 20 |). 0`)
	eval(t, th, `lobby _AddSlots: (| sum = ( (call: c1) + (call: c2) ) |)`)
	if got := eval(t, th, "sum"); got != "30" {
		t.Errorf("polymorphic parents: %s", got)
	}
}

func TestMapsShared(t *testing.T) {
	th, _ := boot(t)
	eval(t, th, `lobby _AddSlots: (| pt = (| parent* = traits clonable. x <- 0 |) |)`)
	v1, _ := th.EvalString("t", "pt copy")
	v2, _ := th.EvalString("t", "pt copy x: 5")
	if v1.Obj().Map() != v2.Obj().Map() {
		t.Error("clones do not share a map")
	}
	v3, _ := th.EvalString("t", "pt copy _AddSlots: (| y = 1 |)")
	if v3.Obj().Map() == v1.Obj().Map() {
		t.Error("adding a slot did not give the object its own map")
	}
}

func TestCompileErrors(t *testing.T) {
	th, _ := boot(t)
	// as in Self, a constant local has no assignment slot: k: is a send
	e := evalErr(t, th, "lobby _AddSlots: (| f: a = ( | k = 1 | k: a ) |). f: 1")
	if e.Kind != vm.ErrUndefinedSelector || !strings.Contains(e.Msg, "lobby does not understand 'k:'") {
		t.Errorf("%v %q", e.Kind, e.Msg)
	}
	e = evalErr(t, th, "_NoSuchPrimitive: 3")
	if !strings.Contains(e.Msg, "unknown primitive") {
		t.Errorf("%q", e.Msg)
	}
}

func TestCheck(t *testing.T) {
	src := `lobby _AddSlots: (| f: a = ( | k = 1 | k: a ). g = ( _NoSuchPrim ). ok = ( 1 + 2 ) |).
x: [| :y. z = 0 | z: y ].
(| h = ( _AlsoMissing: 1 ) |).
3 + 4`
	f, err := lang.Parse("check.self", src)
	if err != nil {
		t.Fatal(err)
	}
	th, _ := boot(t)
	errs := th.VM().Check(f)
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		"check.self:1:54: unknown primitive '_NoSuchPrim'",
		"check.self:3:10: unknown primitive '_AlsoMissing:'",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// nothing ran
	if _, err := th.EvalString("t", "f: 1"); err == nil || !strings.Contains(err.Error(), "does not understand") {
		t.Errorf("check ran code: %v", err)
	}
}

func TestStatementIsTransaction(t *testing.T) {
	th, _ := boot(t)
	eval(t, th, `lobby _AddSlots: (| a = (| parent* = traits clonable. n <- 1 |). b = (| parent* = traits clonable. n <- 2 |). c = vector copy |)`)
	eval(t, th, `c add: 1. 0`)
	// a method that mutates three objects, adds a slot, then fails
	eval(t, th, `lobby _AddSlots: (| wreck = ( a n: 10. b n: 20. c add: 2. c at: 0 Put: 99. a _AddSlots: (| extra = 1 |). nil foo ) |)`)
	e := evalErr(t, th, "wreck")
	if e.Kind != vm.ErrUndefinedSelector {
		t.Fatal(e)
	}
	for src, want := range map[string]string{
		"a n": "1", "b n": "2", "c printString": "'vector(1)'",
		"(reflect: a) slotNames printString": "'vector(\\'parent\\', \\'n\\')'",
	} {
		if got := eval(t, th, src); got != want {
			t.Errorf("after abort, %s = %s, want %s", src, got, want)
		}
	}
	// a successful statement commits
	eval(t, th, "a n: 5. 0")
	if got := eval(t, th, "a n"); got != "5" {
		t.Errorf("committed value lost: %s", got)
	}
}
