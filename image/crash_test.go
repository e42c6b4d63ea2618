package image_test

import (
	"bufio"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"batos/image"
	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// TestMain lets the test binary act as the crashing child process.
func TestMain(m *testing.M) {
	if dir := os.Getenv("BATOS_CRASH_CHILD"); dir != "" {
		crashChild(dir)
		return
	}
	os.Exit(m.Run())
}

// crashChild mutates the image in a loop: each statement bumps a counter
// and appends to a log in one transaction, then reports the count.
func crashChild(dir string) {
	img, err := image.Open(image.Options{Dir: dir, CacheObjects: 500})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	th, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		fmt.Println("thread:", err)
		os.Exit(3)
	}
	if _, err := th.EvalString("setup", `(reflect: lobby) includes: 'crash'`); err != nil {
		os.Exit(3)
	}
	th.EvalString("setup", `((reflect: lobby) includes: 'crash') ifFalse: [ lobby _AddSlots: (| crash = (| parent* = traits clonable. n <- 0. log <- vector copy. step = ( n: n + 1. log add: n printString. log size = n ifFalse: [ error: 'torn' ]. n ) |) |) ]`)
	out := bufio.NewWriter(os.Stdout)
	for {
		v, err := th.EvalString("loop", "crash step")
		if err != nil {
			fmt.Fprintln(out, "error:", err)
			out.Flush()
			os.Exit(4)
		}
		fmt.Fprintln(out, v.Int())
		out.Flush()
	}
}

// TestCrash kills a mutating process at random moments, 50 times. After
// each kill the image opens, its state is the last committed transaction
// or later (a commit may be durable before the child could report it), the
// counter and the log agree, and check passes.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test in -short mode")
	}
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	last := int64(0)
	for round := 0; round < 50; round++ {
		cmd := exec.Command(exe, "-test.run=XXX")
		cmd.Env = append(os.Environ(), "BATOS_CRASH_CHILD="+dir)
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		reported := make(chan int64, 1)
		go func() {
			var n int64
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				line := sc.Text()
				if v, err := strconv.ParseInt(line, 10, 64); err == nil {
					n = v
				} else if strings.HasPrefix(line, "error") {
					t.Errorf("child: %s", line)
				}
			}
			reported <- n
		}()
		time.Sleep(time.Duration(20+rng.Intn(200)) * time.Millisecond)
		cmd.Process.Kill() // SIGKILL
		cmd.Wait()
		n := <-reported
		if n > last {
			last = n
		}

		img, err := image.Open(image.Options{Dir: dir})
		if err != nil {
			t.Fatalf("round %d: open after kill: %v", round, err)
		}
		if problems := img.Check(); len(problems) > 0 {
			t.Fatalf("round %d: check: %v", round, problems)
		}
		th, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		v, err := th.EvalString("check", "((reflect: lobby) includes: 'crash') ifTrue: [ crash n ] False: [ 0 ]")
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		got := v.Int()
		if got < last {
			t.Fatalf("round %d: committed %d, image has %d: a committed transaction was lost", round, last, got)
		}
		if got > 0 {
			size, err := th.EvalString("check", "crash log size")
			if err != nil || size.Int() != got {
				t.Fatalf("round %d: counter %d but log size %v (%v): a partial transaction is visible", round, got, size, err)
			}
		}
		last = got
		img.Close()
	}
	t.Logf("50 kills survived; final counter %d", last)
}
