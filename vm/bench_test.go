package vm_test

import (
	"fmt"
	"os"
	"runtime/metrics"
	"testing"

	"batos/stdlib"
	"batos/vm"
)

// BenchmarkWorkload runs one of bench/workloads/*.self (BATOS_WORK, default
// strbuild); used for profiling. make bench is the comparison with peers.
// The boot is not timed, nor are its allocations counted. gc-cpu-% is the
// garbage collector's share of the CPU time the process used while the
// workload ran (runtime/metrics' estimate).
func BenchmarkWorkload(b *testing.B) {
	w := os.Getenv("BATOS_WORK")
	if w == "" {
		w = "strbuild"
	}
	src, err := os.ReadFile("../bench/workloads/" + w + ".self")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var gc, busy float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		th, err := stdlib.Boot(vm.Options{})
		if err != nil {
			b.Fatal(err)
		}
		g0, u0 := cpuSeconds()
		b.StartTimer()
		if _, err := th.EvalString(w, string(src)); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		g1, u1 := cpuSeconds()
		gc, busy = gc+g1-g0, busy+u1-u0
		b.StartTimer()
	}
	if busy > 0 {
		b.ReportMetric(100*gc/busy, "gc-cpu-%")
	}
}

// cpuSeconds returns the CPU time the garbage collector and the whole
// process (less idle time) have used so far.
func cpuSeconds() (gc, busy float64) {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}, {Name: "/cpu/classes/total:cpu-seconds"}, {Name: "/cpu/classes/idle:cpu-seconds"}}
	metrics.Read(s)
	return s[0].Value.Float64(), s[1].Value.Float64() - s[2].Value.Float64()
}

// BenchmarkAddSlots adds a slot to an object that has 2,000 (a lobby that
// a program filled with methods): the object's new map is built once, in
// time linear in its slots. (Building a map reindexed it at every slot:
// this took 70 ms an add, against 0.33 ms now.)
func BenchmarkAddSlots(b *testing.B) {
	th, err := stdlib.Boot(vm.Options{})
	if err != nil {
		b.Fatal(err)
	}
	src := "big _AddSlots: (|"
	for i := range 2000 {
		src += fmt.Sprintf(" m%d = ( %d ).", i, i)
	}
	if _, err := th.EvalString("b", "lobby _AddSlots: (| big = (| |) |). "+src+" |)"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := th.EvalString("b", fmt.Sprintf("big _AddSlots: (| extra = ( %d ) |)", i)); err != nil {
			b.Fatal(err)
		}
	}
}
