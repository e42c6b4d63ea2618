package image_test

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"testing"

	"batos/image"
	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// liveObjects is how many objects BenchmarkLiveHeap makes and loads.
const liveObjects = 200_000

// liveHeapSetup defines the list of BenchmarkLiveHeap (and BenchmarkFault's
// shape: a node of two fields) and sum, which walks it.
var liveHeapSetup = []string{
	`lobby _AddSlots: (| head. node = (| parent* = traits clonable. next. v <- 0 |).
		sum = (| n. s <- 0 | n: head. [ n isNil ] whileFalse: [ s: s + n v. n: n next ]. s ) |)`,
	fmt.Sprintf(`[| p | p: head. 1 to: %d Do: [| :i | p: (node copy v: i) next: p ]. head: p ] value. 0`, liveObjects),
}

// liveBytes is the live heap after collecting garbage.
func liveBytes() int64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// BenchmarkLiveHeap reports the Go heap each object of a list of
// 200,000 two-field objects keeps alive (B/object: the live heap after a
// GC, less the same before, over the objects): made in memory, and loaded
// from a reopened image whose cache holds them all (the object, its
// fields, and what the image keeps to know it: the identity table, the
// loaded list). The target on an image is 160 B.
func BenchmarkLiveHeap(b *testing.B) {
	b.Run("memory", func(b *testing.B) {
		var per float64
		for i := 0; i < b.N; i++ {
			th, err := stdlib.Boot(vm.Options{})
			if err != nil {
				b.Fatal(err)
			}
			h0 := liveBytes()
			for _, src := range liveHeapSetup {
				if _, err := th.EvalString("b", src); err != nil {
					b.Fatal(err)
				}
			}
			h1 := liveBytes()
			per += float64(h1-h0) / float64(liveObjects)
			runtime.KeepAlive(th)
		}
		b.ReportMetric(per/float64(b.N), "B/object")
	})
	b.Run("image", func(b *testing.B) {
		dir := b.TempDir()
		img, err := image.Open(image.Options{Dir: dir})
		if err != nil {
			b.Fatal(err)
		}
		th, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
		if err != nil {
			b.Fatal(err)
		}
		for _, src := range liveHeapSetup {
			if _, err := th.EvalString("b", src); err != nil {
				b.Fatal(err)
			}
		}
		img.Close()
		var per float64
		for i := 0; i < b.N; i++ {
			img, err := image.Open(image.Options{Dir: dir, CacheObjects: 2 * liveObjects})
			if err != nil {
				b.Fatal(err)
			}
			th, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
			if err != nil {
				b.Fatal(err)
			}
			h0 := liveBytes()
			v, err := th.EvalString("b", "sum")
			if err != nil || v.Int() != liveObjects*(liveObjects+1)/2 {
				b.Fatalf("sum = %v, %v", v, err)
			}
			h1 := liveBytes()
			per += float64(h1-h0) / float64(liveObjects)
			runtime.KeepAlive(th)
			img.Close()
		}
		b.ReportMetric(per/float64(b.N), "B/object")
	})
}
