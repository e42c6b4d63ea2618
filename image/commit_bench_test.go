package image_test

import (
	"os"
	"testing"

	"batos/image"
	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// BenchmarkCommitDirty commits 10,000 changed stored objects (make bench
// compares this with a raw Pebble batch of the same records).
func BenchmarkCommitDirty(b *testing.B) {
	img, err := image.Open(image.Options{Dir: b.TempDir(), NoSync: os.Getenv("NOSYNC") != ""})
	if err != nil {
		b.Fatal(err)
	}
	defer img.Close()
	th, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		b.Fatal(err)
	}
	run := func(src string) {
		if _, err := th.EvalString("b", src); err != nil {
			b.Fatal(err)
		}
	}
	run("lobby _AddSlots: (| pts <- vector copy. pt = (| parent* = traits clonable. x <- 0. y <- 0 |) |)")
	run("1 to: 10000 Do: [| :i | pts add: (pt copy x: i) ]. 0")
	th.Atomic = true
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		run("pts do: [| :p | p x: p x + 1 ]. 0")
		b.StartTimer()
		if err := th.VM().Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
