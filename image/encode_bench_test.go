package image

import (
	"testing"

	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// BenchmarkEncode: the CPU side of a commit of 10,000 changed objects
// (collecting the work list and encoding the records into a batch),
// without Pebble's commit.
func BenchmarkEncode(b *testing.B) {
	img, err := Open(Options{Dir: b.TempDir(), NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer img.Close()
	th, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		b.Fatal(err)
	}
	for _, src := range []string{
		"lobby _AddSlots: (| pts <- vector copy. pt = (| parent* = traits clonable. x <- 0. y <- 0 |) |)",
		"1 to: 10000 Do: [| :i | pts add: (pt copy x: i) ]. 0",
	} {
		if _, err := th.EvalString("b", src); err != nil {
			b.Fatal(err)
		}
	}
	th.Atomic = true
	if _, err := th.EvalString("b", "pts do: [| :p | p x: p x + 1 ]. 0"); err != nil {
		b.Fatal(err)
	}
	v := th.VM()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := img.newTxn(v)
		t.collect()
		t.encode()
		if t.err != nil || t.written < 10000 {
			b.Fatalf("written %d, %v", t.written, t.err)
		}
		t.close()
	}
	b.StopTimer()
	v.Abort()
}
