package vm_test

import (
	"os"
	"testing"

	"batos/stdlib"
	"batos/vm"
)

// BenchmarkWorkload runs one of bench/workloads/*.self (BATOS_WORK, default
// strbuild); used for profiling. make bench is the comparison with peers.
func BenchmarkWorkload(b *testing.B) {
	w := os.Getenv("BATOS_WORK")
	if w == "" {
		w = "strbuild"
	}
	src, err := os.ReadFile("../bench/workloads/" + w + ".self")
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		th, err := stdlib.Boot(vm.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := th.EvalString(w, string(src)); err != nil {
			b.Fatal(err)
		}
	}
}
