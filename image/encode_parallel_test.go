package image_test

import (
	"runtime"
	"strconv"
	"strings"
	"testing"

	"batos/image"
)

// A commit encoded in parallel stores what a sequential one stores: the
// changed objects, the objects they reach for the first time (left to the
// sequential encode, which gives out identities), and an unstorable value
// fails the whole commit with the same message and leaves no trace.
func TestParallelEncode(t *testing.T) {
	const n = 3000
	// sum of 2i, plus the x of the copies made for the 2i divisible by 3
	want := 0
	for i := 1; i <= n; i++ {
		want += 2 * i
		if (2*i)%3 == 0 {
			want += 2 * i
		}
	}
	for _, mode := range []struct {
		name      string
		min, repr int
	}{{"sequential", 1 << 30, 1 << 30}, {"parallel", 64, 1 << 30}, {"parallel-repr", 64, 0}} {
		t.Run(mode.name, func(t *testing.T) {
			defer image.SetParallelMin(mode.min)()
			defer image.SetReprMin(mode.repr)()
			before, beforeRepr := image.ParallelCommits(), image.ReprCommits()
			dir := t.TempDir()
			img, th := open(t, dir, 0)
			eval(t, th, "lobby _AddSlots: (| pts <- vector copy. pt = (| parent* = traits clonable. x <- 0. y <- 0 |) |)")
			eval(t, th, "1 to: "+strconv.Itoa(n)+" Do: [| :i | pts add: (pt copy x: i) ]. 0")
			// every point changes; every third reaches a new object
			eval(t, th, "pts do: [| :p | p x: p x * 2. (p x % 3) = 0 ifTrue: [ p y: (pt copy x: p x) ] ]. 0")
			// a block cannot be stored: the commit fails, nothing changes
			_, err := th.EvalString("t", "[ pts do: [| :p | p x: p x + 1 ]. (pts at: 1500) y: [ 3 ]. 0 ] value")
			if err == nil || !strings.Contains(err.Error(), "cannot store slot 'y'") {
				t.Fatalf("storing a block: %v", err)
			}
			if got := eval(t, th, "(pts at: 0) x"); got != "2" {
				t.Fatalf("after the failed commit, (pts at: 0) x = %s, want 2", got)
			}
			if err := img.Close(); err != nil {
				t.Fatal(err)
			}
			img, th = open(t, dir, 0)
			defer img.Close()
			if err := img.Check(); err != nil {
				t.Fatal(err)
			}
			sum := "[| s | s: 0. pts do: [| :p | s: s + p x. p y isNumber ifFalse: [ s: s + p y x ] ]. s ] value"
			if got := eval(t, th, sum); got != strconv.Itoa(want) {
				t.Fatalf("after reopening, the sum is %s, want %d", got, want)
			}
			if mode.min == 64 && runtime.GOMAXPROCS(0) >= 2 && image.ParallelCommits() == before {
				t.Error("no commit was encoded in parallel")
			}
			if mode.repr == 0 && runtime.GOMAXPROCS(0) >= 2 && image.ReprCommits() == beforeRepr {
				t.Error("no commit made its batch from joined records")
			}
		})
	}
}
