package stdlib_test

import (
	"testing"

	"batos/stdlib"
	"batos/vm"
)

func BenchmarkBoot(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := stdlib.Boot(vm.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
