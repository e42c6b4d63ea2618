package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"batos/guard"
	"batos/kernel"
	"batos/llm"
	"batos/stdlib"
	"batos/vm"
)

// kernelSuite measures the generative kernel's own overhead, with the
// replay model (so no model time is in the figures): a miss to the
// resumed result (prompt, restart, guardian, compile, install, trial,
// commit), a cache hit (a second object of the same shape: no model
// call), and the guardian's static checks on a 30-line method.
func kernelSuite(runs int) {
	tmp, err := os.MkdirTemp("", "batos-bench-kernel-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)
	replay := filepath.Join(tmp, "r.jsonl")
	os.WriteFile(replay, []byte(`{"text": "frob: x = ( balance: balance + x. balance )"}`+"\n"), 0o644)

	const n = 50 // misses per run
	var tmiss, thit []time.Duration
	for range runs {
		m, h := kernelMisses(replay, n)
		tmiss, thit = append(tmiss, m), append(thit, h)
	}
	fmt.Printf("\n# kernel (replay model, no model time): median of %d runs\n", runs)
	fmt.Printf("%-44s %10s  %s\n", "measure", "batos", "target")
	miss, hit := median(tmiss), median(thit)
	fmt.Printf("%-44s %8.3fms  < 5 ms %s\n", "miss to resumed result (model path)", ms(miss), met(miss < 5*time.Millisecond))
	fmt.Printf("%-44s %8.3fms  (%.1fx faster than a miss)\n", "miss answered from the cache (same shape)", ms(hit), float64(miss)/float64(hit))

	g, parse := guardTime(runs)
	fmt.Printf("%-44s %8.3fms  < 1 ms %s\n", "guardian on a 30-line method", ms(g), met(g < time.Millisecond))
	fmt.Printf("%-44s %8.3fms  (lang.Parse)\n", "  of which parsing it", ms(parse))
}

func ms(d time.Duration) float64 { return d.Seconds() * 1000 }

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// kernelMisses returns the median time of a miss that calls the model and
// of one answered from the cache, over n objects each.
func kernelMisses(replay string, n int) (miss, hit time.Duration) {
	th, err := stdlib.Boot(vm.Options{})
	if err != nil {
		fail(err)
	}
	// one replay line per model call: a fresh replay model per miss
	lines := strings.Repeat(`{"text": "frob: x = ( balance: balance + x. balance )"}`+"\n", n+1)
	os.WriteFile(replay, []byte(lines), 0o644)
	var log bytes.Buffer
	k := kernel.New(kernel.Config{Generate: true, Registry: &llm.Registry{Default: "replay:" + replay}, Log: &log})
	th.VM().SetGenerator(k)
	var tm, th2 []time.Duration
	for i := range n {
		// a new shape each time (its own slot name), so the cache misses
		def := fmt.Sprintf("lobby _AddSlots: (| o%d = (| parent* = traits clonable. balance <- 1. s%d <- 0 |) |)", i, i)
		if _, err := th.EvalString("def", def); err != nil {
			fail(err)
		}
		t0 := time.Now()
		if _, err := th.EvalString("miss", fmt.Sprintf("o%d frob: 2", i)); err != nil {
			fail(err)
		}
		tm = append(tm, time.Since(t0))
	}
	k.Store().Clear()
	// cache hits: objects of one shape, the first generated
	for i := range n {
		if _, err := th.EvalString("def", fmt.Sprintf("lobby _AddSlots: (| q%d = (| parent* = traits clonable. balance <- 1 |) |)", i)); err != nil {
			fail(err)
		}
	}
	if _, err := th.EvalString("miss", "q0 frob: 2"); err != nil {
		fail(err)
	}
	for i := 1; i < n; i++ {
		t0 := time.Now()
		if _, err := th.EvalString("hit", fmt.Sprintf("q%d frob: 2", i)); err != nil {
			fail(err)
		}
		th2 = append(th2, time.Since(t0))
	}
	return median(tm), median(th2)
}

// guardTime times the static checks of a 30-line method, and the parse
// alone.
func guardTime(runs int) (check, parse time.Duration) {
	th, err := stdlib.Boot(vm.Options{})
	if err != nil {
		fail(err)
	}
	if _, err := th.EvalString("def", "lobby _AddSlots: (| acct = (| parent* = traits clonable. balance <- 5. history <- vector copy |) |)"); err != nil {
		fail(err)
	}
	var b strings.Builder
	b.WriteString("settle: amount = ( | total <- 0. fee <- 0. count <- 0 |\n")
	for i := range 28 {
		fmt.Fprintf(&b, "  total: total + (amount * %d). count: count + 1. (total > %d) ifTrue: [ fee: fee + 1 ] False: [ history add: total ].\n", i+1, i*100)
	}
	b.WriteString("  balance: (balance + total) - fee )")
	text := b.String()
	acct, _ := th.EvalString("get", "acct")
	req := guard.Request{Thread: th, Receiver: acct, Owner: acct.Obj(), Selector: "settle:", File: "gen:acct/settle:", Text: text, Policy: guard.DefaultPolicy()}
	if _, rej := guard.Check(req); rej != nil {
		fail(rej)
	}
	var ts, tp []time.Duration
	for range runs * 20 {
		t0 := time.Now()
		guard.Check(req)
		ts = append(ts, time.Since(t0))
		t0 = time.Now()
		vm.ParseMethod("p", text)
		tp = append(tp, time.Since(t0))
	}
	return median(ts), median(tp)
}
