package image

import (
	"testing"

	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// TestReadAhead: loads read neighbouring records ahead; a commit drops
// them (a record read ahead of an object loaded meanwhile would be stale
// once that object's change is committed); walks with a cache far
// smaller than the objects see every committed change, in both
// directions.
func TestReadAhead(t *testing.T) {
	dir := t.TempDir()
	img, th := openWorld(t, Options{Dir: dir})
	evalIn(t, th, `lobby _AddSlots: (| pts <- vector copy. pt = (| parent* = traits clonable. x <- 0 |).
		total = ( pts inject: 0 Into: [| :a. :p | a + p x ] ).
		back = (| s <- 0 | (pts size - 1) to: 0 By: -1 Do: [| :i | s: s + (pts at: i) x ]. s ) |)`)
	evalIn(t, th, `1 to: 2000 Do: [| :i | pts add: (pt copy x: i) ]. 0`)
	img.Close()

	img, err := Open(Options{Dir: dir, CacheObjects: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	th, err = img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		t.Fatal(err)
	}
	if got := evalIn(t, th, `(pts at: 500) x`); got != "501" {
		t.Fatalf("pts at: 500 = %s", got)
	}
	if len(img.ahead.recs) == 0 {
		t.Fatal("a load read nothing ahead")
	}
	// change every point, one statement (commit) at a time for some, so
	// that records read ahead before a commit would be stale after it
	evalIn(t, th, `(pts at: 501) x: 0. 0`)
	if len(img.ahead.recs) != 0 {
		t.Errorf("%d records read ahead survived a commit", len(img.ahead.recs))
	}
	evalIn(t, th, `pts do: [| :p | p x: p x * 2 ]. 0`)
	for i := 0; i < 20; i++ {
		evalIn(t, th, `(pts at: 1000) x: (pts at: 1000) x + 1. (pts at: 999) x: (pts at: 999) x + 1. 0`)
	}
	want := "4001036" // 2 * (2000 * 2001 / 2 - 502) + 40
	if got := evalIn(t, th, `total`); got != want {
		t.Errorf("walking up: %s, want %s", got, want)
	}
	if got := evalIn(t, th, `back`); got != want {
		t.Errorf("walking down: %s, want %s", got, want)
	}
}
