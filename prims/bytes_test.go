package prims_test

import (
	"strings"
	"testing"

	"batos/image"
	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// _ByteVectorAppend: grows a byte vector in place; a copy keeps its own
// bytes; on an image, a statement that fails leaves the bytes as they
// were (its undo log saved them before the append); the
// allocation budget is charged for each new backing array, not again for
// every append into room left by the last growth.
func TestByteVectorAppend(t *testing.T) {
	img, err := image.Open(image.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	th, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		t.Fatal(err)
	}
	run := func(src string) vm.Value {
		t.Helper()
		v, err := th.EvalString("t", src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		return v
	}
	str := func(src string) string {
		t.Helper()
		s, ok := run(src).Str()
		if !ok {
			t.Fatalf("%s: not a string", src)
		}
		return s
	}
	run("lobby _AddSlots: (| bv <- nil. bw <- nil |). bv: byteVector copy. 0")
	run("bv _ByteVectorAppend: 'héllo'. bv _ByteVectorAppend: (byteVector copySize: 2). bw: bv copy. bw _ByteVectorAppend: 'w'. bv _ByteVectorAppend: 'v'. 0")
	if got := str("bv _ByteVectorAsString"); got != "héllo\x00\x00v" {
		t.Errorf("bv = %q", got)
	}
	if got := str("bw _ByteVectorAsString"); got != "héllo\x00\x00w" {
		t.Errorf("the copy = %q, want its own bytes", got)
	}
	if _, err := th.EvalString("t", "[ bv _ByteVectorAppend: 'lost'. nil zork ] value"); err == nil {
		t.Fatal("the failing statement did not fail")
	}
	if got := str("bv _ByteVectorAsString"); got != "héllo\x00\x00v" {
		t.Errorf("after a failed statement bv = %q, want it unchanged", got)
	}
	if _, err := th.EvalString("t", "bv _ByteVectorAppend: 3"); err == nil || !strings.Contains(err.Error(), "_ByteVectorAppend:") {
		t.Errorf("appending a number: %v", err)
	}
	if got := run("bv _ByteVectorSize"); got.Int() != 9 {
		t.Errorf("size after the failures %d", got.Int())
	}
	// 100,000 one-byte appends allocate about 2 x 100 KB in doublings;
	// charging every append the whole room would be gigabytes
	th.SetMaxAlloc(1 << 20)
	run("1 to: 100000 Do: [| :i | bv _ByteVectorAppend: 'x' ]. 0")
	th.SetMaxAlloc(0)
	if got := run("bv _ByteVectorSize"); got.Int() != 100009 {
		t.Errorf("size %d", got.Int())
	}
}
