package kernel_test

import (
	"path/filepath"
	"testing"

	"batos/image"
	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// A savepoint rolls back inside a transaction on an image, with eviction
// happening between the savepoint and its rollback; the transaction then
// commits what came before the savepoint, and nothing after it.
func TestSavepointRollbackWithEviction(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "img")
	img, err := image.Open(image.Options{Dir: dir, CacheObjects: 100})
	if err != nil {
		t.Fatal(err)
	}
	th, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		t.Fatal(err)
	}
	eval(t, th, `lobby _AddSlots: (| a = (| parent* = traits clonable. balance <- 5. other |). b = (| parent* = traits clonable. balance <- 7 |). objs = vector copy |)`)
	eval(t, th, `0 to: 4999 Do: [| :i | objs add: (b copy balance: i) ]`)
	v := th.VM()

	th.Atomic = true
	eval(t, th, "a balance: 1")
	sp := v.Savepoint()
	eval(t, th, "a balance: 2. b balance: 3. a other: (| x = 1 |). (objs at: 10) balance: -1")
	// walk every object: beyond the cache bound, clean ones are evicted
	// 0+1+...+4999 with element 10 set to -1
	if got := eval(t, th, "(| s <- 0 | objs do: [| :o | s: s + o balance ]. s) value"); got != "12497489" {
		t.Fatalf("walk: %s", got)
	}
	sp.Rollback()
	for src, want := range map[string]string{"a balance": "1", "b balance": "7", "a other": "nil", "(objs at: 10) balance": "10"} {
		if got := eval(t, th, src); got != want {
			t.Errorf("after rollback %s = %s, want %s", src, got, want)
		}
	}
	if err := v.Commit(); err != nil {
		t.Fatal(err)
	}

	// released savepoints keep their changes; an abort undoes them all
	sp = v.Savepoint()
	eval(t, th, "a balance: 40")
	sp.Release()
	v.Abort()
	th.Atomic = false
	if got := eval(t, th, "a balance"); got != "1" {
		t.Errorf("after abort a balance = %s, want 1", got)
	}
	img.Close()

	img, err = image.Open(image.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	th, err = img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		t.Fatal(err)
	}
	if got := eval(t, th, "a balance printString, ' ', b balance printString, ' ', (objs at: 10) balance printString, ' ', a other printString"); got != "'1 7 10 nil'" {
		t.Errorf("reopened: %s", got)
	}
	if probs := img.Check(); len(probs) > 0 {
		t.Errorf("check: %v", probs)
	}
}
