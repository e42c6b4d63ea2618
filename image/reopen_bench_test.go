package image_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"batos/image"
	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// BenchmarkReopen opens an image of 1,000,000 objects (BATOS_REOPEN=n
// for another size), touches a deep object (the bottom of a chain of
// 1,000 parents, so 1,000 objects are loaded) and closes it: what every
// CLI start on a big image costs.
//
//   - clean: the image was last closed by a session that wrote nothing;
//   - after-commit: every reopen follows a session that committed a small
//     change to the lobby (not timed, reported as writer-ms), as every
//     second start did when each start stored its arguments.
//
// Figures (2-core development machine shared with other work, load 5-15,
// 1,000,000 objects, 10-16 reopens each): before format 2 and the flush
// at close, clean 17-26 ms and after-commit 72-95 ms a reopen (Open
// replayed the previous session's log, and waited for the compaction its
// flush could start, 0.2-0.7 s now and then); after, clean 14-23 ms and
// after-commit 18-25 ms (Open 11-15 ms of it). The committing session's
// close pays the flush and any compaction: writer-ms about 150 ms on
// average (250-390 ms with Pebble's default level-0 thresholds).
func BenchmarkReopen(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("BATOS_REOPEN"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	dir := b.TempDir()
	buildReopenImage(b, dir, n)
	b.Run("clean", func(b *testing.B) {
		var ph phases
		for i := 0; i < b.N; i++ {
			ph.add(reopenTouch(b, dir, ""))
		}
		ph.report(b)
	})
	b.Run("after-commit", func(b *testing.B) {
		var ph, writer phases
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			writer.add(reopenTouch(b, dir, "count: count + 1. 0"))
			b.StartTimer()
			ph.add(reopenTouch(b, dir, ""))
		}
		ph.report(b)
		// the committing session (not timed): its close writes the log
		// out, and pays for any compaction that starts
		b.ReportMetric(float64((writer[0]+writer[1]+writer[2]).Microseconds())/1000/float64(b.N), "writer-ms")
	})
}

// phases sums the time of opening, touching and closing.
type phases [3]time.Duration

func (p *phases) add(q phases) {
	for i := range p {
		p[i] += q[i]
	}
}

func (p *phases) report(b *testing.B) {
	for i, name := range []string{"open-ms", "touch-ms", "close-ms"} {
		b.ReportMetric(float64(p[i].Microseconds())/1000/float64(b.N), name)
	}
}

// reopenTouch opens the image, touches the deep object, runs stmt if
// any, and closes the image.
func reopenTouch(b *testing.B, dir, stmt string) phases {
	var ph phases
	start := time.Now()
	img, err := image.Open(image.Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	ph[0] = time.Since(start)
	th, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		b.Fatal(err)
	}
	if v, err := th.EvalString("b", "deep bottom"); err != nil || v.Int() != 42 {
		b.Fatalf("deep bottom = %v, %v", v, err)
	}
	ph[1] = time.Since(start) - ph[0]
	if stmt != "" {
		if _, err := th.EvalString("b", stmt); err != nil {
			b.Fatal(err)
		}
	}
	if err := img.Close(); err != nil {
		b.Fatal(err)
	}
	ph[2] = time.Since(start) - ph[0] - ph[1]
	return ph
}

// buildReopenImage builds the benchmark's image: a chain of 1,000
// parents and a list of n objects.
func buildReopenImage(b *testing.B, dir string, n int) {
	img, err := image.Open(image.Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	th, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		b.Fatal(err)
	}
	run := func(src string) {
		if _, err := th.EvalString("build", src); err != nil {
			b.Fatalf("%s: %v", src, err)
		}
	}
	run(`lobby _AddSlots: (| deep <- nil. count <- 0. head <- nil.
		link = (| parent* <- nil |).
		node = (| parent* = traits clonable. next. v <- 0 |).
		grow: from To: to = (| n | n: head. from to: to Do: [| :i | n: (node copy v: i) next: n ]. head: n ) |)`)
	run(`[| o | o: (| bottom = 42 |). 1 to: 1000 Do: [| :i | o: (link _Clone parent: o) ]. deep: o ] value. 0`)
	for from := 1; from <= n; from += 200_000 {
		run(fmt.Sprintf("grow: %d To: %d. 0", from, min(from+199_999, n)))
	}
	if err := img.Close(); err != nil {
		b.Fatal(err)
	}
}
