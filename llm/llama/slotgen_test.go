package llama_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"batos/lang"
	"batos/llm"
	"batos/llm/grammar"
	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// pinnedSelectors are the misses the measurement cycles through: unary,
// binary and keyword selectors of one to four parts.
var pinnedSelectors = []string{"reset", "+", "at:Put:", "isEmpty", "max:", "-", "inject:Into:", "between:And:", "printString", "with:With:With:With:"}

// slotSeeds is how many generations TestPinnedSlotGrammar measures: 200,
// or $BATOS_SLOT_SEEDS (200 take about 8 s on two busy cores).
func slotSeeds(t *testing.T) int {
	if s := os.Getenv("BATOS_SLOT_SEEDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("BATOS_SLOT_SEEDS=%q is not a positive count", s)
		}
		return n
	}
	return 200
}

// slotOutcome is how far one generation got.
type slotOutcome int

const (
	notParsed   slotOutcome = iota
	parsed                  // one slot, as lang reads it
	installable             // one method slot of the pinned selector that the VM compiles
	ranTrial                // and a fresh object answered the selector without an error
)

// TestPinnedSlotGrammar: constrained generation on a random model, with
// the grammar pinned to each miss's selector, always yields one method
// slot of that selector that the VM compiles. The share whose trial (the
// send, to a fresh object inheriting from the lobby, with integer
// arguments) also runs is logged: a random model rarely writes a method
// that runs.
func TestPinnedSlotGrammar(t *testing.T) {
	n := slotSeeds(t)
	m := open(t, modelPath, llm.Options{Ctx: 4096})
	th, err := stdlib.Boot(vm.Options{Stdout: io.Discard, Primitives: prims.Table()})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	counts := map[slotOutcome]int{}
	tokens := 0
	for seed := range n {
		sel := pinnedSelectors[seed%len(pinnedSelectors)]
		gbnf, err := grammar.MethodSlotFor(sel)
		if err != nil {
			t.Fatal(err)
		}
		res, err := m.Generate(context.Background(), llm.Request{
			Prompt: "Missing selector: " + sel + "\nWrite the method:\n", MaxTokens: 3000, Temperature: 1, Seed: int64(seed), Grammar: gbnf,
		}, nil)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		tokens += res.Tokens
		out, why := slotOutcomeOf(th, sel, res.Text)
		counts[out]++
		switch {
		case res.StopReason != "eog":
			t.Errorf("seed %d (%s): stopped by %s after %d tokens: %q", seed, sel, res.StopReason, res.Tokens, res.Text)
		case out < installable:
			t.Errorf("seed %d (%s): %q: %v", seed, sel, res.Text, why)
		case seed < 4:
			t.Logf("seed %d: %s", seed, res.Text)
		}
	}
	share := func(o slotOutcome) string {
		k := 0
		for x, c := range counts {
			if x >= o {
				k += c
			}
		}
		return fmt.Sprintf("%d/%d (%.1f%%)", k, n, 100*float64(k)/float64(n))
	}
	t.Logf("%d generations, %d tokens in %v: parse %s, install %s, trial %s", n, tokens, time.Since(start).Round(time.Millisecond),
		share(parsed), share(installable), share(ranTrial))
}

// slotOutcomeOf parses, compiles and tries text as the method for sel.
func slotOutcomeOf(th *vm.Thread, sel, text string) (slotOutcome, error) {
	e, err := lang.ParseExpr("slot", "(| "+text+" |)")
	if err != nil {
		return notParsed, err
	}
	if o, ok := e.(*lang.Object); !ok || len(o.Slots) != 1 {
		return notParsed, fmt.Errorf("not one slot")
	}
	file := "gen:trial/" + sel
	s, body, err := vm.ParseMethod(file, text)
	if err != nil {
		return parsed, err
	}
	if s.Name != sel {
		return parsed, fmt.Errorf("slot %q is not the pinned %q", s.Name, sel)
	}
	meth, err := th.CompileMethod(s, body, file, text)
	if err != nil {
		return parsed, err
	}
	v := th.VM()
	defer v.Abort()
	rcv, err := th.EvalString("trial", "(| parent* = lobby |)")
	if err != nil {
		return installable, err
	}
	owner, _ := v.OwnerFor(rcv)
	v.InstallMethod(owner, meth, "")
	args := make([]vm.Value, lang.Arity(sel))
	for i := range args {
		args[i] = vm.Int(int64(i + 3))
	}
	lim := vm.Limits{Steps: 1_000_000, Bytes: 64 << 20, Depth: 500, Deadline: time.Now().Add(5 * time.Second).UnixNano()}
	if _, terr := th.Within(lim, func() vm.Value { return th.Send(rcv, sel, args...) }); terr != nil {
		return installable, terr
	}
	return ranTrial, nil
}
