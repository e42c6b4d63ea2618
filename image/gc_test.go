package image_test

import (
	"path/filepath"
	"strings"
	"testing"

	"batos/image"
)

// gcOpen opens dir without a world, as `batos image gc` does.
func gcOpen(t *testing.T, dir string) *image.Image {
	t.Helper()
	img, err := image.Open(image.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func gcRun(t *testing.T, dir string, dry bool) image.GCStats {
	t.Helper()
	img := gcOpen(t, dir)
	defer img.Close()
	st, err := img.GC(dry, nil)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestGC(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "img")
	img, th := open(t, dir, 0)
	toolsSetup(t, th)
	eval(t, th, `lobby _AddSlots: (| junk <- nil. lonely <- nil. pt = (| parent* = traits clonable. x <- 0 |) |)`)
	img.Close()
	gcRun(t, dir, false) // whatever booting left unreachable

	img, th = open(t, dir, 0)
	eval(t, th, `junk: vector copy. 1 to: 100 Do: [| :i | junk add: (pt copy x: i) ]. 0`)
	eval(t, th, `lonely: (| a <- 1. b <- 2 |). 0`)
	if got := eval(t, th, "(junk at: 99) x + lonely b"); got != "102" {
		t.Fatalf("junk = %s", got)
	}
	img.Close()
	if st := gcRun(t, dir, true); st.DeadObjects != 0 || st.DeadMaps != 0 {
		t.Fatalf("garbage before dropping anything: %+v", st)
	}

	img, th = open(t, dir, 0)
	eval(t, th, `junk: nil. lonely: nil. 0`)
	img.Close()
	before := gcRun(t, dir, true)
	// 100 points and their vector; the literal object and its own map
	if before.DeadObjects != 102 || before.DeadMaps != 1 || before.DeadBytes <= 0 {
		t.Fatalf("dry run: %+v", before)
	}
	if again := gcRun(t, dir, true); again != before {
		t.Fatalf("a dry run removed something: %+v then %+v", before, again)
	}
	st := gcRun(t, dir, false)
	if st != before {
		t.Fatalf("gc %+v, dry run said %+v", st, before)
	}
	after := gcRun(t, dir, true)
	if after.Objects != before.Objects-102 || after.Maps != before.Maps-1 || after.DeadObjects != 0 || after.DeadMaps != 0 {
		t.Fatalf("after gc: %+v (before %+v)", after, before)
	}
	toolsVerify(t, dir)

	img, th = open(t, dir, 0)
	defer img.Close()
	if got := eval(t, th, "(pt copy x: 5) x + (junk isNil ifTrue: 1 False: 0)"); got != "6" {
		t.Errorf("after gc: %s", got)
	}
	if _, err := img.GC(true, nil); err == nil || !strings.Contains(err.Error(), "to itself") {
		t.Errorf("gc with a world running: %v", err)
	}
}

func TestGCLeavesDamagedImageAlone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "img")
	img, th := open(t, dir, 0)
	eval(t, th, `lobby _AddSlots: (| keep <- nil. junk <- nil |). keep: (| x <- 1 |). junk: vector copy. junk: nil. 0`)
	v, err := th.EvalString("t", "keep")
	if err != nil {
		t.Fatal(err)
	}
	oid := v.Obj().OID()
	img.Close()

	raw := gcOpen(t, dir)
	key := []byte{'o', 0, 0, 0, 0, 0, 0, 0, 0}
	for i := 0; i < 8; i++ {
		key[8-i] = byte(uint64(oid) >> (8 * i))
	}
	if err := raw.DB().Delete(key, nil); err != nil {
		t.Fatal(err)
	}
	before, _ := raw.Stats()
	_, err = raw.GC(false, nil)
	after, _ := raw.Stats()
	raw.Close()
	if err == nil || !strings.Contains(err.Error(), "missing object") || !strings.Contains(err.Error(), "nothing was removed") {
		t.Fatalf("gc of a damaged image: %v", err)
	}
	if after.Objects != before.Objects {
		t.Errorf("gc removed records from a damaged image: %d then %d", before.Objects, after.Objects)
	}
}

func TestGCEmptyImage(t *testing.T) {
	img := gcOpen(t, filepath.Join(t.TempDir(), "img"))
	defer img.Close()
	if st, err := img.GC(false, nil); err != nil || st != (image.GCStats{}) {
		t.Errorf("gc of an empty image: %+v, %v", st, err)
	}
}
