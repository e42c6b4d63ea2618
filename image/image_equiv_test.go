package image_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// A world on an image behaves as the same world in memory. Random
// statements build and change a graph of objects (new objects, links,
// field updates, vectors, layout changes, failing statements) and read it
// back (sums, walks along the links, printStrings). They run, each one a
// transaction, in memory and on an image whose cache holds 24 objects, so
// that every commit evicts and every read faults objects back in (and
// long statements evict in the middle of their transaction); the image is
// also closed and reopened every 60 statements. Every statement
// must answer the same on both, or fail on both.
func TestImageEqualsMemory(t *testing.T) {
	mem, err := stdlib.Boot(vm.Options{Primitives: prims.Table()})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	img, th := open(t, dir, 24)
	defer func() { img.Close() }()
	setup := `lobby _AddSlots: (| objs <- vector copy.
		node = (| parent* = traits clonable. v <- 0. next. items |).
		pick: i = ( objs at: i % objs size ) |)`
	run := func(th *vm.Thread, src string) string {
		v, err := th.EvalString("t", src)
		if err != nil {
			return "error"
		}
		s, err := th.PrintString(v)
		if err != nil {
			return "error printing"
		}
		return s
	}
	if a, b := run(mem, setup), run(th, setup); a != b {
		t.Fatalf("setup: memory %s, image %s", a, b)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	const statements = 600
	for i := range statements {
		src := randomStatement(rng, i)
		a, b := run(mem, src), run(th, src)
		if a != b {
			t.Fatalf("statement %d %q: memory %s, image %s", i, src, a, b)
		}
		if i%60 == 59 {
			if err := img.Close(); err != nil {
				t.Fatal(err)
			}
			img, th = open(t, dir, 24)
		}
	}
	if err := img.Check(); err != nil {
		t.Fatal(err)
	}
}

// randomStatement returns statement i of TestImageEqualsMemory: the first
// ones make objects, the rest mix changes and reads.
func randomStatement(rng *rand.Rand, i int) string {
	k := rng.IntN(1000)
	a, b := rng.IntN(1000), rng.IntN(1000)
	if i < 30 {
		return fmt.Sprintf("objs add: (node copy v: %d). objs size", k)
	}
	switch rng.IntN(15) {
	case 0:
		return fmt.Sprintf("objs add: (node copy v: %d). objs size", k)
	case 1:
		return fmt.Sprintf("(pick: %d) next: (pick: %d). 0", a, b)
	case 2:
		return fmt.Sprintf("(pick: %d) v: (pick: %d) v + %d. (pick: %d) v", a, a, k, a)
	case 3:
		return fmt.Sprintf("(pick: %d) items: (vector copySize: 3). 0", a)
	case 4:
		return fmt.Sprintf("(pick: %d) items isNil ifFalse: [ (pick: %d) items at: %d Put: (pick: %d) ]. 0", a, a, k%3, b)
	case 5:
		return fmt.Sprintf("(pick: %d) _AddSlots: (| extra%d <- %d |). 0", a, k%4, k)
	case 6:
		return "[| s | s: 0. objs do: [| :o | s: s + o v ]. s ] value"
	case 7:
		return fmt.Sprintf("[| o. n. s | o: (pick: %d). n: 0. s: 0. [ o isNil not && [ n < 40 ] ] whileTrue: [ n: n + 1. s: s + o v. o: o next ]. s ] value", a)
	case 8:
		return fmt.Sprintf("[| s | s: 0. (pick: %d) items isNil ifFalse: [ (pick: %d) items do: [| :x | x isNil ifFalse: [ s: s + x v ] ] ]. s ] value", a, a)
	case 9:
		// fails: the change before the error is undone on both
		return fmt.Sprintf("(pick: %d) v: 1. (pick: %d) noSuchMessage", a, b)
	case 10:
		return fmt.Sprintf("(pick: %d) v printString, '/', (pick: %d) v printString", a, b)
	case 11:
		return fmt.Sprintf("(pick: %d) next: nil. 0", a)
	case 12:
		return fmt.Sprintf("[| o | o: (pick: %d). 1 to: 5 Do: [| :j | o v: o v + j ]. o v ] value", a)
	case 13:
		// long enough to reach the VM's safe points, where the image
		// evicts in the middle of the transaction: what it changed stays
		return fmt.Sprintf("20 timesRepeat: [ objs do: [| :o | o v: o v + %d. o next isNil ifFalse: [ o next v ] ] ]. [| s | s: 0. objs do: [| :o | s: s + o v ]. s ] value", k%7)
	default:
		return fmt.Sprintf("(pick: %d) v: %d. objs size", a, -k)
	}
}
