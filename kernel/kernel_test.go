package kernel_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"batos/image"
	"batos/kernel"
	"batos/llm"
	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// world boots a world (in memory, or in an image when img is set) with a
// kernel answering from replay lines.
func world(t *testing.T, img *image.Image, lines ...string) (*vm.Thread, *kernel.Kernel, *bytes.Buffer) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "replay.jsonl")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var th *vm.Thread
	var err error
	var out bytes.Buffer
	opts := vm.Options{Stdout: &out, Primitives: prims.Table()}
	if img != nil {
		th, err = img.Thread(opts, stdlib.Boot)
	} else {
		th, err = stdlib.Boot(opts)
	}
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	cfg := kernel.Config{Generate: true, MaxAttempts: 1, Registry: &llm.Registry{Default: "replay:" + p}, Log: &log}
	if img != nil {
		cfg.Store = kernel.ImageStore{Img: img}
	}
	k := kernel.New(cfg)
	th.VM().SetGenerator(k)
	return th, k, &log
}

func eval(t *testing.T, th *vm.Thread, src string) string {
	t.Helper()
	v, err := th.EvalString("test", src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	s, err := th.PrintString(v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const accounts = `lobby _AddSlots: (| acct = (| parent* = traits clonable. balance <- 5 |). acct2 = (| parent* = traits clonable. balance <- 7 |) |)`

func TestGoodMethodResumesWithProvenance(t *testing.T) {
	th, k, log := world(t, nil, `{"text": "frob: x = ( balance: balance + x. balance )"}`)
	eval(t, th, accounts)
	if got := eval(t, th, "acct frob: 3"); got != "8" {
		t.Fatalf("resumed send answered %s", got)
	}
	if !strings.Contains(log.String(), "writing 'frob:' for acct, into the receiver") {
		t.Errorf("notice: %q", log.String())
	}
	if got := eval(t, th, "((reflect: acct) provenanceOf: 'frob:') argumentKinds"); got != "'smallInt'" {
		t.Errorf("argumentKinds = %s", got)
	}
	if got := eval(t, th, "kernel generated size"); got != "1" {
		t.Errorf("kernel generated size = %s", got)
	}
	st := k.Stats()
	if st.ModelCalls != 1 || st.Installed != 1 {
		t.Errorf("stats %+v", st)
	}
}

// The red-team file: malicious or broken completions, each rejected with
// its code, leaving the world as it was and the image consistent.
func TestRedTeam(t *testing.T) {
	f, err := os.Open("testdata/redteam.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := image.Open(image.Options{Dir: filepath.Join(t.TempDir(), "img")})
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	var th *vm.Thread
	for sc.Scan() {
		var c struct{ Text, Code, Why string }
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		n++
		line, _ := json.Marshal(map[string]string{"text": c.Text})
		if n == 1 {
			th, _, _ = world(t, img)
			eval(t, th, accounts)
		}
		th.VM().SetGenerator(kernel.New(kernel.Config{Generate: true, MaxAttempts: 1, Registry: registryOf(t, string(line)),
			Log: &bytes.Buffer{}, Store: kernel.ImageStore{Img: img}}))
		before := eval(t, th, "(reflect: acct) slotNames printString, (reflect: lobby) slotNames printString, acct balance printString, acct2 balance printString, kernel generated size printString")
		_, err := th.EvalString("test", "acct frob: 3")
		if err == nil {
			t.Errorf("%s (%q): accepted", c.Why, c.Text)
			continue
		}
		if !strings.Contains(err.Error(), c.Code) {
			t.Errorf("%s (%q): rejected with %v, want %s", c.Why, c.Text, err, c.Code)
		}
		after := eval(t, th, "(reflect: acct) slotNames printString, (reflect: lobby) slotNames printString, acct balance printString, acct2 balance printString, kernel generated size printString")
		if before != after {
			t.Errorf("%s: the world changed:\n%s\n%s", c.Why, before, after)
		}
	}
	if n < 40 {
		t.Errorf("the red-team file has %d completions, want at least 40", n)
	}
	if probs := img.Check(); len(probs) > 0 {
		t.Errorf("image check: %v", probs)
	}
}

// A rejection is fed back; the second attempt is installed.
func TestRetryWithFeedback(t *testing.T) {
	th, k, log := world(t, nil, `{"text": "frob: x = ( zork )"}`, `{"text": "frob: x = ( x * 2 )", "when": "names.unknown"}`)
	_ = k
	eval(t, th, accounts)
	th.VM().SetGenerator(kernel.New(kernel.Config{Generate: true, MaxAttempts: 2, Registry: registryOf(t, `{"text": "frob: x = ( zork )"}`, `{"text": "frob: x = ( x * 2 )", "when": "names.unknown"}`), Log: log}))
	if got := eval(t, th, "acct frob: 4"); got != "8" {
		t.Fatalf("got %s", got)
	}
	if !strings.Contains(log.String(), "attempt 1 of 2 rejected") {
		t.Errorf("log: %s", log)
	}
}

func registryOf(t *testing.T, lines ...string) *llm.Registry {
	p := filepath.Join(t.TempDir(), "r.jsonl")
	os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	return &llm.Registry{Default: "replay:" + p}
}

// The world is not held while the model runs: session B commits 1,000
// increments while session A's generation waits 2 s in the model, and A's
// result is right.
func TestModelRunsOutsideTheWorld(t *testing.T) {
	th, _, _ := world(t, nil)
	v := th.VM()
	v.SetGenerator(kernel.New(kernel.Config{Generate: true, Registry: registryOf(t, `{"text": "frob: x = ( balance: balance + x. balance )", "delay_ms": 2000}`), Log: &bytes.Buffer{}}))
	eval(t, th, accounts+". lobby _AddSlots: (| counter <- 0 |)")
	a, b := v.NewSession(), v.NewSession()
	var aDone atomic.Bool
	var bFinishedFirst bool
	var wg sync.WaitGroup
	wg.Add(2)
	var aOut string
	var aErr error
	go func() {
		defer wg.Done()
		aOut, aErr = a.Eval("a", "acct frob: 10")
		aDone.Store(true)
	}()
	go func() {
		defer wg.Done()
		// wait until A is in the model (its statement aborted, the lock free)
		for v.Generator().(*kernel.Kernel).Stats().ModelCalls == 0 {
			runtimeGosched()
		}
		for range 1000 {
			if _, err := b.Eval("b", "counter: counter + 1"); err != nil {
				t.Error(err)
				return
			}
		}
		bFinishedFirst = !aDone.Load()
	}()
	wg.Wait()
	if aErr != nil || aOut != "15" {
		t.Fatalf("A: %q %v", aOut, aErr)
	}
	if !bFinishedFirst {
		t.Error("B's 1,000 commits waited for A's generation")
	}
	if got := eval(t, th, "counter"); got != "1000" {
		t.Errorf("counter = %s", got)
	}
}

// Two sessions miss the same selector on the same object at once: one
// generation, one install, both get the answer.
func TestTwoSessionsOneGeneration(t *testing.T) {
	th, _, _ := world(t, nil)
	v := th.VM()
	var klog bytes.Buffer
	k := kernel.New(kernel.Config{Generate: true, Registry: registryOf(t, `{"text": "frob: x = ( balance + x )", "delay_ms": 300}`), Log: &klog})
	v.SetGenerator(k)
	eval(t, th, accounts)
	var wg sync.WaitGroup
	outs := make([]string, 2)
	errs := make([]error, 2)
	for i := range 2 {
		s := v.NewSession()
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = s.Eval("s", "acct frob: 1")
		}()
	}
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil || outs[i] != "6" {
			t.Errorf("session %d: %q %v", i, outs[i], errs[i])
		}
	}
	if st := k.Stats(); st.ModelCalls != 1 || st.Installed != 1 {
		t.Errorf("stats %+v: want one model call and one install\n%s", st, klog.String())
	}
	if got := eval(t, th, "kernel generated size"); got != "1" {
		t.Errorf("kernel generated size = %s", got)
	}
}

// A generation that failed is not asked for again when a later miss in the
// same statement restarts it: the re-run raises the same error at once.
// (Every earlier failure used to be generated again at each restart.)
func TestFailureKeptAcrossRestarts(t *testing.T) {
	th, k, log := world(t, nil, `{"text": "warm = ( zork )"}`, `{"text": "frob = ( balance + 1 )"}`, `{"text": "zap = ( balance * 2 )"}`)
	eval(t, th, accounts)
	got := eval(t, th, "[| w | w: [ acct warm ] onError: [| :e | e kind ]. (w, ' ', acct frob printString), ' ', acct zap printString ] value")
	if got != "'generation 6 10'" {
		t.Fatalf("got %s (log: %s)", got, log)
	}
	if st := k.Stats(); st.ModelCalls != 3 || st.Failed != 1 {
		t.Errorf("stats %+v, want 3 model calls (log: %s)", st, log)
	}
	if n := strings.Count(log.String(), "writing 'warm'"); n != 1 {
		t.Errorf("'warm' asked of the model %d times, want 1", n)
	}
}
