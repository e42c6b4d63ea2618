package image_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"batos/image"
)

// Scale: an image of 2,000,000 objects works with a cache of 50,000 and
// the memory of the process that walks it stays bounded.
//
// TestScale builds a linked list of small objects reachable from the
// lobby, in statements of 200,000 objects each (one commit each), closes
// the image, and starts this test binary again as a child
// (TestScaleChild) that opens it with CacheObjects 50,000, walks the
// whole list in one statement summing a field (the image evicts at the
// VM's safe points, so one statement can touch far more objects than the
// cache holds) and prints the sum and its peak RSS (VmHWM). The RSS is
// measured in a fresh process so that nothing the builder allocated
// counts.
//
// Figures on the 2-core development machine (Go 1.26, Pebble v2.1.7),
// 2,000,000 objects: building 6-7 s, walking 4.4 s (about 2.2 µs an
// object, with read-ahead; 12-14 s, 6 µs, when every load was a Pebble
// Get), peak RSS 86-90 MB. The same walk with eviction out of the picture (a cache of
// 10,000,000) peaks at 648 MB, and with a cache of 200,000 at 207 MB. The
// bound, 256 MiB, is about three times the measured figure, so GC timing
// and allocator noise cannot trip it, and it still fails if eviction stops
// working.
//
// The full size runs by default (about 20 s). In -short mode, and in the
// invariants build (which checks every commit and tests the checks, not
// the scale), it builds 200,000 objects; BATOS_SCALE=n builds n.
const (
	scaleCache = 50_000
	scaleChunk = 200_000
	scaleRSS   = 256 << 20
)

func TestScale(t *testing.T) {
	total := 2_000_000
	if testing.Short() || image.InvariantsEnabled {
		total = 200_000
	}
	if s := os.Getenv("BATOS_SCALE"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("BATOS_SCALE=%q: want a number of objects", s)
		}
		total = n
	}
	dir := t.TempDir()
	start := time.Now()
	img, th := open(t, dir, scaleCache)
	eval(t, th, `lobby _AddSlots: (| scale = (| parent* = traits clonable.
		head. count <- 0.
		node = (| parent* = traits clonable. next. v <- 0 |).
		grow: from To: to = (| n | n: head. from to: to Do: [| :i | n: (node copy v: i) next: n ]. head: n. count: to ).
		sum = (| n. s <- 0 | n: head. [ n isNil ] whileFalse: [ s: s + n v. n: n next ]. s ) |) |)`)
	for from := 1; from <= total; from += scaleChunk {
		to := min(from+scaleChunk-1, total)
		eval(t, th, fmt.Sprintf("scale grow: %d To: %d. 0", from, to))
	}
	if err := img.Close(); err != nil {
		t.Fatal(err)
	}
	built := time.Since(start)

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestScaleChild$")
	cmd.Env = append(os.Environ(), "BATOS_SCALE_CHILD="+dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s", err, out.String())
	}
	var sum, count, walk, rss int64
	reported := false
	for _, line := range strings.Split(out.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "SCALE "); ok {
			if _, err := fmt.Sscanf(rest, "sum=%d count=%d walk=%d rss=%d", &sum, &count, &walk, &rss); err != nil {
				t.Fatalf("child: %q: %v", line, err)
			}
			reported = true
		}
	}
	if !reported {
		t.Fatalf("the child reported nothing:\n%s", out.String())
	}
	n := int64(total)
	if count != n || sum != n*(n+1)/2 {
		t.Errorf("walked %d objects summing to %d, want %d and %d", count, sum, n, n*(n+1)/2)
	}
	t.Logf("%d objects, cache %d: built in %v; reopened and walked in %v; peak RSS of the walk %.1f MiB",
		total, scaleCache, built.Round(time.Millisecond), time.Duration(walk).Round(time.Millisecond), float64(rss)/(1<<20))
	if rss < 0 {
		t.Log("no /proc/self/status: RSS not checked")
	} else if rss > scaleRSS {
		t.Errorf("peak RSS %.1f MiB is over the bound of %d MiB", float64(rss)/(1<<20), scaleRSS>>20)
	}
}

// TestScaleChild is TestScale's child process: it opens the image, walks
// the list and reports.
func TestScaleChild(t *testing.T) {
	dir := os.Getenv("BATOS_SCALE_CHILD")
	if dir == "" {
		t.Skip("run by TestScale")
	}
	start := time.Now()
	img, th := open(t, dir, scaleCache)
	defer img.Close()
	sum := eval2(t, th, "scale sum").Int()
	walk := time.Since(start)
	count := eval2(t, th, "scale count").Int()
	fmt.Printf("SCALE sum=%d count=%d walk=%d rss=%d\n", sum, count, walk.Nanoseconds(), peakRSS(t))
}

// peakRSS returns the process's peak resident set size (VmHWM) in bytes,
// or -1 where /proc/self/status cannot be read (not Linux).
func peakRSS(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM: %q", v)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}
