package image_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"batos/image"
	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

func open(t *testing.T, dir string, cache int) (*image.Image, *vm.Thread) {
	t.Helper()
	img, err := image.Open(image.Options{Dir: dir, CacheObjects: cache})
	if err != nil {
		t.Fatal(err)
	}
	th, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		img.Close()
		t.Fatal(err)
	}
	return img, th
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

func TestResume(t *testing.T) {
	dir := t.TempDir()
	img, th := open(t, dir, 0)
	eval(t, th, `lobby _AddSlots: (| counter = (| parent* = traits clonable. n <- 0. bump = ( n: n + 1 ) |). log <- vector copy. big <- 0 |)`)
	eval(t, th, `counter bump. counter bump. log add: 'one'. log add: 2.5. big: 2 ** 100. 0`)
	eval(t, th, `big: 30 factorial. 0`)
	img.Close()

	img, th = open(t, dir, 0)
	defer img.Close()
	for _, c := range [][2]string{
		{"counter n", "2"},
		{"counter bump. counter n", "3"},
		{"log printString", "'vector(\\'one\\', 2.5)'"},
		{"big", "265252859812191058636308480000000"},
		{"(3 + 4) printString", "'7'"},
	} {
		if got := eval(t, th, c[0]); got != c[1] {
			t.Errorf("%s = %s, want %s", c[0], got, c[1])
		}
	}
}

func TestAbortLeavesNoTrace(t *testing.T) {
	dir := t.TempDir()
	img, th := open(t, dir, 0)
	eval(t, th, `lobby _AddSlots: (| a = (| parent* = traits clonable. n <- 1 |). b = (| parent* = traits clonable. n <- 2 |). c = vector copy |)`)
	if _, err := th.EvalString("t", "[ a n: 10. b n: 20. c add: 3. nil foo ] value"); err == nil {
		t.Fatal("no error")
	}
	if got := eval(t, th, "(a n + b n) + c size"); got != "3" {
		t.Errorf("in memory after abort: %s", got)
	}
	img.Close()
	img, th = open(t, dir, 0)
	defer img.Close()
	if got := eval(t, th, "(a n + b n) + c size"); got != "3" {
		t.Errorf("on disk after abort: %s", got)
	}
}

func TestUnstorableIsCleanError(t *testing.T) {
	dir := t.TempDir()
	img, th := open(t, dir, 0)
	defer img.Close()
	eval(t, th, `lobby _AddSlots: (| holder = (| parent* = traits clonable. b <- nil |) |)`)
	_, err := th.EvalString("t", `lobby _AddSlots: (| keep: x = ( holder b: x ) |). keep: [ 3 ]`)
	if err == nil || !strings.Contains(err.Error(), "cannot store slot 'b'") {
		t.Fatalf("err = %v", err)
	}
	if got := eval(t, th, "holder b"); got != "nil" {
		t.Errorf("after failed commit: %s", got)
	}
	// a block in a constant slot
	_, err = th.EvalString("t", `lobby _AddSlots: (| k = [ 3 ] |)`)
	if err == nil || !strings.Contains(err.Error(), "cannot store constant slot 'k'") {
		t.Fatalf("err = %v", err)
	}
	if got := eval(t, th, "(reflect: lobby) includes: 'k'"); got != "false" {
		t.Errorf("the failed statement left slot k: %s", got)
	}
}

func TestSmallCacheEvicts(t *testing.T) {
	dir := t.TempDir()
	img, th := open(t, dir, 100)
	eval(t, th, `lobby _AddSlots: (| pts <- vector copy. pt = (| parent* = traits clonable. x <- 0 |) |)`)
	eval(t, th, `1 to: 5000 Do: [| :i | pts add: (pt copy x: i) ]. 0`)
	eval(t, th, `1 + 1`) // a commit that evicts
	if got := eval(t, th, "pts inject: 0 Into: [| :a. :p | a + p x ]"); got != "12502500" {
		t.Errorf("sum after eviction: %s", got)
	}
	img.Close()
	img, th = open(t, dir, 100)
	defer img.Close()
	if got := eval(t, th, "pts inject: 0 Into: [| :a. :p | a + p x ]"); got != "12502500" {
		t.Errorf("sum after reopen: %s", got)
	}
}

func TestFormatVersion(t *testing.T) {
	dir := t.TempDir()
	img, _ := open(t, dir, 0)
	img.Close()
	// an unknown version is a clear error
	img2, err := image.Open(image.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	img2.DB().Set([]byte("~format"), []byte{99}, nil)
	img2.Close()
	if _, err := image.Open(image.Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "unknown image format version 99") {
		t.Errorf("err = %v", err)
	}
}

func TestCheckFindsProblems(t *testing.T) {
	dir := t.TempDir()
	img, th := open(t, dir, 0)
	eval(t, th, `lobby _AddSlots: (| keep = (| parent* = traits clonable. inner <- (| x = 1 |) |) |)`)
	if p := img.Check(); len(p) != 0 {
		t.Fatalf("fresh image has problems: %v", p)
	}
	v, _ := th.EvalString("t", "keep inner")
	oid := v.Obj().OID()
	img.Close()
	raw, err := image.Open(image.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	key := append([]byte{'o'}, make([]byte, 8)...)
	for i := 0; i < 8; i++ {
		key[8-i] = byte(uint64(oid) >> (8 * i))
	}
	if err := raw.DB().Delete(key, nil); err != nil {
		t.Fatal(err)
	}
	p := raw.Check()
	raw.Close()
	if len(p) == 0 || !strings.Contains(strings.Join(p, "\n"), "missing object") {
		t.Errorf("check did not report the missing object: %v", p)
	}
}

// TestSessions runs 8 sessions that each increment one shared counter
// 10,000 times on an image: no update is lost.
func TestSessions(t *testing.T) {
	dir := t.TempDir()
	img, th := open(t, dir, 0)
	eval(t, th, `lobby _AddSlots: (| counter <- 0. mine <- vector copySize: 8 FillingWith: 0 |)`)
	v := th.VM()
	done := make(chan error, 8)
	for i := 0; i < 8; i++ {
		s := v.NewSession()
		go func(i int) {
			for k := 0; k < 10_000; k++ {
				if _, err := s.Eval("s", fmt.Sprintf("[ counter: counter + 1. mine at: %d Put: (mine at: %d) + 1 ] value", i, i)); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}(i)
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if got := eval(t, th, "counter"); got != "80000" {
		t.Errorf("counter = %s, want 80000", got)
	}
	if got := eval(t, th, "mine sum"); got != "80000" {
		t.Errorf("per-session counts sum to %s", got)
	}
	img.Close()
	img, th = open(t, dir, 0)
	defer img.Close()
	if got := eval(t, th, "counter"); got != "80000" {
		t.Errorf("after reopen counter = %s", got)
	}
}

// TestMethodPositionsSurviveReload: a method read back from the image
// reports the file:line:col it was written at.
func TestMethodPositionsSurviveReload(t *testing.T) {
	dir := t.TempDir()
	img, th := open(t, dir, 0)
	src := "lobby _AddSlots: (| f = (\n  1 + 2.\n  nil zork ) |)."
	if _, err := th.EvalString("defs.self", src); err != nil {
		t.Fatal(err)
	}
	img.Close()
	img, th = open(t, dir, 0)
	defer img.Close()
	_, err := th.EvalString("call.self", "f")
	if err == nil || !strings.HasPrefix(err.Error(), "defs.self:3:7: nil does not understand 'zork'") {
		t.Errorf("err = %v", err)
	}
}

// TestInUse: a second opening of a live image is refused with a clear
// error, not a Pebble internal one.
func TestInUse(t *testing.T) {
	dir := t.TempDir()
	img, _ := open(t, dir, 0)
	defer img.Close()
	_, err := image.Open(image.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "already open in this process") {
		t.Fatalf("err = %v", err)
	}
}

// TestInUseByAnotherProcess: an image another process holds open is
// refused with a clear error; the test binary runs itself as that
// process (TestHoldImageChild), which holds the image until its standard
// input closes.
func TestInUseByAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	img, _ := open(t, dir, 0)
	img.Close()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestHoldImageChild$")
	cmd.Env = append(os.Environ(), "BATOS_HOLD_IMAGE="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "HOLDING\n" {
		t.Fatalf("child: %q, %v", line, err)
	}
	_, err = image.Open(image.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "in use by another batos process") {
		t.Fatalf("err = %v", err)
	}
}

// TestHoldImageChild is TestInUseByAnotherProcess's child: it opens the
// image, says so, and holds it until its standard input closes.
func TestHoldImageChild(t *testing.T) {
	dir := os.Getenv("BATOS_HOLD_IMAGE")
	if dir == "" {
		t.Skip("run by TestInUseByAnotherProcess")
	}
	img, err := image.Open(image.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	fmt.Println("HOLDING")
	io.Copy(io.Discard, os.Stdin)
}
