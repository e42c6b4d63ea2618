package image

import (
	"fmt"
	"testing"
)

// BenchmarkEncode: the CPU side of a commit of 10,000 and 100,000 changed
// objects (collecting the work list and encoding the records into a
// batch), without Pebble's commit.
func BenchmarkEncode(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) { benchEncode(b, n) })
	}
}

func benchEncode(b *testing.B, n int) {
	img, th := openWorld(b, Options{Dir: b.TempDir(), NoSync: true})
	defer img.Close()
	evalAll(b, th,
		"lobby _AddSlots: (| pts <- vector copy. pt = (| parent* = traits clonable. x <- 0. y <- 0 |) |)",
		fmt.Sprintf("1 to: %d Do: [| :i | pts add: (pt copy x: i) ]. 0", n))
	th.Atomic = true
	evalAll(b, th, "pts do: [| :p | p x: p x + 1 ]. 0")
	v := th.VM()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := img.newTxn(v)
		t.collect()
		t.encode()
		if t.err != nil || t.written < n {
			b.Fatalf("written %d, %v", t.written, t.err)
		}
		t.close()
	}
	b.StopTimer()
	v.Abort()
}
