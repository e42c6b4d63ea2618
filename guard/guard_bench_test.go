package guard_test

import (
	"fmt"
	"strings"
	"testing"

	"batos/guard"
	"batos/stdlib"
	"batos/vm"
)

// settle is a 30-line method for the guardian's benchmark.
func settle() string {
	var b strings.Builder
	b.WriteString("settle: amount = ( | total <- 0. fee <- 0. count <- 0 |\n")
	for i := range 28 {
		fmt.Fprintf(&b, "  total: total + (amount * %d). count: count + 1. (total > %d) ifTrue: [ fee: fee + 1 ] False: [ history add: total ].\n", i+1, i*100)
	}
	b.WriteString("  balance: (balance + total) - fee )")
	return b.String()
}

func BenchmarkCheck30Lines(b *testing.B) {
	th, err := stdlib.Boot(vm.Options{})
	if err != nil {
		b.Fatal(err)
	}
	acct, err := th.EvalString("def", "lobby _AddSlots: (| acct = (| parent* = traits clonable. balance <- 5. history <- vector copy |) |). acct")
	if err != nil {
		b.Fatal(err)
	}
	req := guard.Request{Thread: th, Receiver: acct, Owner: acct.Obj(), Selector: "settle:", File: "gen:acct/settle:", Text: settle(), Policy: guard.DefaultPolicy()}
	if _, rej := guard.Check(req); rej != nil {
		b.Fatal(rej)
	}
	b.ResetTimer()
	for range b.N {
		guard.Check(req)
	}
}

func BenchmarkParse30Lines(b *testing.B) {
	text := settle()
	for range b.N {
		if _, _, err := vm.ParseMethod("x", text); err != nil {
			b.Fatal(err)
		}
	}
}
