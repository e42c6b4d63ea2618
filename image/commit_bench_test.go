package image_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"batos/image"
	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// BenchmarkCommitDirty commits 10,000 changed stored objects (make bench
// compares this with a raw Pebble batch of the same records).
func BenchmarkCommitDirty(b *testing.B) {
	img, th := commitWorld(b, 10_000)
	defer img.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dirtyAll(b, th)
		b.StartTimer()
		if err := th.VM().Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCommitVsRaw commits n changed stored objects and, in the same
// iteration, writes the same records to a raw Pebble database in one
// synced batch; x-raw is the ratio of the two (the target is
// 1.5 at every size). ns/op is the image's commit. With NOSYNC=1 neither
// syncs, which leaves the CPU cost (fsync times vary a lot on a shared
// machine).
func BenchmarkCommitVsRaw(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			img, th := commitWorld(b, n)
			defer img.Close()
			raw, err := pebble.Open(b.TempDir(), &pebble.Options{Logger: quietLog{}})
			if err != nil {
				b.Fatal(err)
			}
			defer raw.Close()
			var tImage, tRaw time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				dirtyAll(b, th)
				b.StartTimer()
				t0 := time.Now()
				if err := th.VM().Commit(); err != nil {
					b.Fatal(err)
				}
				tImage += time.Since(t0)
				b.StopTimer()
				keys, vals := lastRecords(b, img, n)
				t0 = time.Now()
				batch := raw.NewBatch()
				for i := range keys {
					batch.Set(keys[i], vals[i], nil)
				}
				if err := batch.Commit(rawSync); err != nil {
					b.Fatal(err)
				}
				batch.Close()
				tRaw += time.Since(t0)
				b.StartTimer()
			}
			b.ReportMetric(float64(tImage)/float64(tRaw), "x-raw")
		})
	}
}

var rawSync = func() *pebble.WriteOptions {
	if os.Getenv("NOSYNC") != "" {
		return pebble.NoSync
	}
	return pebble.Sync
}()

// commitWorld opens an image holding n small stored objects in pts.
func commitWorld(b *testing.B, n int) (*image.Image, *vm.Thread) {
	img, err := image.Open(image.Options{Dir: b.TempDir(), NoSync: os.Getenv("NOSYNC") != ""})
	if err != nil {
		b.Fatal(err)
	}
	th, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		b.Fatal(err)
	}
	for _, src := range []string{
		"lobby _AddSlots: (| pts <- vector copy. pt = (| parent* = traits clonable. x <- 0. y <- 0 |) |)",
		fmt.Sprintf("1 to: %d Do: [| :i | pts add: (pt copy x: i) ]. 0", n),
	} {
		if _, err := th.EvalString("b", src); err != nil {
			b.Fatal(err)
		}
	}
	th.Atomic = true
	return img, th
}

// dirtyAll changes every point (the transaction is left open).
func dirtyAll(b *testing.B, th *vm.Thread) {
	if _, err := th.EvalString("b", "pts do: [| :p | p x: p x + 1 ]. 0"); err != nil {
		b.Fatal(err)
	}
}

// lastRecords returns the n object records with the largest OIDs (the
// points).
func lastRecords(b *testing.B, img *image.Image, n int) (keys, vals [][]byte) {
	it, err := img.DB().NewIter(&pebble.IterOptions{LowerBound: []byte("o"), UpperBound: []byte("p")})
	if err != nil {
		b.Fatal(err)
	}
	for ok := it.Last(); ok && len(keys) < n; ok = it.Prev() {
		keys = append(keys, append([]byte(nil), it.Key()...))
		vals = append(vals, append([]byte(nil), it.Value()...))
	}
	it.Close()
	return keys, vals
}

type quietLog struct{}

func (quietLog) Infof(string, ...any)         {}
func (quietLog) Errorf(string, ...any)        {}
func (quietLog) Fatalf(f string, args ...any) { panic(fmt.Sprintf(f, args...)) }
