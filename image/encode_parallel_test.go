package image_test

import (
	"runtime"
	"strconv"
	"strings"
	"testing"

	"batos/image"
	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// A commit encoded in parallel stores what a sequential one stores: the
// changed objects, the objects they reach for the first time (left to the
// sequential encode, which gives out identities), and an unstorable value
// fails the whole commit with the same message and leaves no trace.
func TestParallelEncode(t *testing.T) {
	const n = 3000
	results := map[string]string{}
	for _, mode := range []struct {
		name string
		min  int
	}{{"sequential", 1 << 30}, {"parallel", 64}} {
		t.Run(mode.name, func(t *testing.T) {
			defer image.SetParallelMin(mode.min)()
			dir := t.TempDir()
			img, err := image.Open(image.Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			th, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
			if err != nil {
				t.Fatal(err)
			}
			eval := func(src string) (string, error) {
				v, err := th.EvalString("t", src)
				if err != nil {
					return "", err
				}
				return th.PrintString(v)
			}
			for _, src := range []string{
				"lobby _AddSlots: (| pts <- vector copy. pt = (| parent* = traits clonable. x <- 0. y <- 0 |) |)",
				"1 to: 3000 Do: [| :i | pts add: (pt copy x: i) ]. 0",
				// every point changes; every third reaches a new object
				"pts do: [| :p | p x: p x * 2. (p x % 3) = 0 ifTrue: [ p y: (pt copy x: p x) ] ]. 0",
			} {
				if _, err := eval(src); err != nil {
					t.Fatalf("%s: %v", src, err)
				}
			}
			// a block cannot be stored: the commit fails, nothing changes
			_, err = eval("[ pts do: [| :p | p x: p x + 1 ]. (pts at: 1500) y: [ 3 ]. 0 ] value")
			if err == nil || !strings.Contains(err.Error(), "cannot store slot 'y'") {
				t.Fatalf("storing a block: %v", err)
			}
			if got, err := eval("(pts at: 0) x"); err != nil || got != "2" {
				t.Fatalf("after the failed commit, (pts at: 0) x = %s (%v), want 2", got, err)
			}
			if err := img.Close(); err != nil {
				t.Fatal(err)
			}
			img, err = image.Open(image.Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			defer img.Close()
			if err := img.Check(); err != nil {
				t.Fatal(err)
			}
			th, err = img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
			if err != nil {
				t.Fatal(err)
			}
			got, err := eval("[| s | s: 0. pts do: [| :p | s: s + p x. p y isNumber ifFalse: [ s: s + p y x ] ]. s ] value")
			if err != nil {
				t.Fatal(err)
			}
			// sum of 2i, plus the copies' x for the 2i divisible by 3
			want := 0
			for i := 1; i <= n; i++ {
				want += 2 * i
				if (2*i)%3 == 0 {
					want += 2 * i
				}
			}
			if got != strconv.Itoa(want) {
				t.Fatalf("after reopening, the sum is %s, want %d", got, want)
			}
			results[mode.name] = got
			if mode.min == 64 && runtime.GOMAXPROCS(0) >= 2 && image.ParallelCommits() == 0 {
				t.Error("no commit was encoded in parallel")
			}
		})
	}
	if results["sequential"] != results["parallel"] {
		t.Errorf("sequential %s, parallel %s", results["sequential"], results["parallel"])
	}
}
