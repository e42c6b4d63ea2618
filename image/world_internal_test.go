package image

import (
	"testing"

	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// openWorld opens an image with opts and boots the library in it, for the
// package's internal tests.
func openWorld(tb testing.TB, opts Options) (*Image, *vm.Thread) {
	tb.Helper()
	img, err := Open(opts)
	if err != nil {
		tb.Fatal(err)
	}
	th, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		img.Close()
		tb.Fatal(err)
	}
	return img, th
}

// evalAll evaluates each source in th, failing on the first error.
func evalAll(tb testing.TB, th *vm.Thread, srcs ...string) {
	tb.Helper()
	for _, src := range srcs {
		if _, err := th.EvalString("t", src); err != nil {
			tb.Fatalf("%s: %v", src, err)
		}
	}
}
