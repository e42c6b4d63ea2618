package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"batos/lang"
	"batos/llm"
	"batos/llm/gguf"
	"batos/llm/llama"
	"batos/llm/tiny"
	"batos/stdlib"
	"batos/vm"
)

// benchSettings are the flags of `batos model bench`.
var benchSettings struct {
	file          string
	prompt, gen   int
	keep          bool
	grammarTokens int
	samples       int
}

func (c *cli) benchFlags(fs *flag.FlagSet) {
	fs.StringVar(&benchSettings.file, "file", "", "the model file to use, written if absent (default: in the temporary directory)")
	fs.IntVar(&benchSettings.prompt, "prompt", 128, "prompt length in tokens")
	fs.IntVar(&benchSettings.gen, "gen", 128, "tokens to generate")
	fs.IntVar(&benchSettings.grammarTokens, "grammar-gen", 0, "tokens to generate in the grammar runs (default: -gen)")
	fs.IntVar(&benchSettings.samples, "samples", 5, "samples of each measurement (at least 5)")
	fs.BoolVar(&benchSettings.keep, "keep", true, "keep the written model for later runs")
}

// benchGrammar lets the model write almost anything, so that a random model
// is rarely stopped by it but every token is checked.
const benchGrammar = `root ::= line+
line ::= [a-zA-Z0-9 ,.:;()'_+*/=<>-]+ "\n"`

// modelBench implements `batos model bench`: prompt and generation tokens/s
// of a random model, through the raw binding loop (and llama.cpp's own
// timing of it), through the model primitive, under a grammar, and the
// adapter switch time. Every measurement is taken -samples times, the
// kinds interleaved so that a change of load hits them all alike, and
// reported as the median and the spread (min-max); the targets are judged
// on the medians. A warning says when other processes used the CPU.
func (c *cli) modelBench(params, typ string) error {
	t, err := parseType(typ)
	if err != nil {
		return err
	}
	var cfg tiny.Config
	switch params {
	case "1b":
		cfg = tiny.Bench1B(t)
	case "tiny":
		cfg = tiny.Default()
		cfg.Type = t
	default:
		return usagef("--params 1b or tiny")
	}
	s := benchSettings
	if s.grammarTokens == 0 {
		s.grammarTokens = s.gen
	}
	if s.samples < 5 {
		return usagef("--samples %d: at least 5 (a median of fewer means little)", s.samples)
	}
	if s.prompt < 1 || s.gen < 1 || s.grammarTokens < 1 {
		return usagef("--prompt, --gen and --grammar-gen must be at least 1")
	}
	path := s.file
	if path == "" {
		path = filepath.Join(os.TempDir(), fmt.Sprintf("batos-bench-%s-%s.gguf", params, strings.ToLower(t.String())))
	}
	if _, err := gguf.ReadFile(path); err != nil {
		fmt.Fprintf(c.stdout, "writing %s (%s parameters, %s, random weights)...\n", path, gguf.HumanCount(uint64(cfg.Params())), t)
		start := time.Now()
		if err := tiny.WriteModel(path, cfg); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "  written in %.1f s\n", time.Since(start).Seconds())
		if !s.keep {
			defer os.Remove(path)
		}
	}
	loraPath := strings.TrimSuffix(path, ".gguf") + "-lora.gguf"
	if _, err := gguf.ReadFile(loraPath); err != nil {
		if err := tiny.WriteLoRA(loraPath, tiny.DefaultLoRA(cfg, 99)); err != nil {
			return err
		}
		if !s.keep {
			defer os.Remove(loraPath)
		}
	}

	start := time.Now()
	m, err := llama.Open(path, llm.Default.Opts)
	if err != nil {
		return err
	}
	defer m.Close()
	info := m.Info()
	fmt.Fprintf(c.stdout, "model: %s, %s parameters, %s, context %d, loaded in %.2f s\n", info.Name, gguf.HumanCount(info.Params), info.Quantization, info.ContextLen, time.Since(start).Seconds())
	fmt.Fprintf(c.stdout, "backend: %s; %d layers offloaded; %d threads\n", info.Backend, info.GPULayers, info.Threads)
	prompt, err := benchPrompt(m, s.prompt)
	if err != nil {
		return err
	}
	if n := s.prompt + max(s.gen, s.grammarTokens) + 8; n > info.ContextLen {
		return fmt.Errorf("a prompt of %d and %d generated tokens do not fit the context of %d (--prompt, --gen, --ctx)",
			s.prompt, max(s.gen, s.grammarTokens), info.ContextLen)
	}
	prim, err := c.newPrimBench(m, prompt, s.gen)
	if err != nil {
		return err
	}
	defer prim.close()

	// Warm up (first-use allocations, page faults of the mapped weights).
	if _, err := m.BenchRaw(prompt, 2); err != nil {
		return err
	}
	gen := func(grammar string, always bool) (llm.Result, error) {
		return m.Generate(context.Background(), llm.Request{Prompt: prompt, MaxTokens: s.grammarTokens, Temperature: 0,
			IgnoreEOG: true, Grammar: grammar, GrammarAlways: always}, nil)
	}
	var perfP, perfG, rawP, rawG, primP, primG, freeP, freeG, firstP, firstG, alwaysP, alwaysG samples
	resampled, grammarTokens := 0, 0
	load := startLoadWatch()
	fmt.Fprintf(c.stdout, "%d samples of %d generated tokens (prompt %d tokens)", s.samples, s.gen, s.prompt)
	for range s.samples {
		raw, err := m.BenchRaw(prompt, s.gen)
		if err != nil {
			return err
		}
		perfP.add(raw.PerfPromptRate())
		perfG.add(raw.PerfGenRate())
		rawP.add(raw.PromptRate())
		rawG.add(raw.GenRate())
		p, err := prim.run()
		if err != nil {
			return err
		}
		primP.add(p.PromptRate())
		primG.add(p.GenRate())
		for _, k := range []struct {
			grammar    string
			always     bool
			prompt, gn *samples
		}{{"", false, &freeP, &freeG}, {benchGrammar, false, &firstP, &firstG}, {benchGrammar, true, &alwaysP, &alwaysG}} {
			r, err := gen(k.grammar, k.always)
			if err != nil {
				return err
			}
			k.prompt.add(rate(r.PromptTokens, r.PromptTime))
			k.gn.add(rate(r.Tokens, r.GenTime))
			if k.grammar != "" && !k.always {
				resampled += r.Resampled
				grammarTokens += r.Tokens
			}
		}
		fmt.Fprint(c.stdout, ".")
	}
	fmt.Fprintln(c.stdout)
	busy := load.stop()

	fmt.Fprintf(c.stdout, "\n%-34s %26s %26s\n", "median (min-max)", "prompt t/s", "gen t/s")
	row := func(name string, p, g samples) {
		fmt.Fprintf(c.stdout, "%-34s %26s %26s\n", name, p.String(), g.String())
	}
	row("llama.cpp's own timing", perfP, perfG)
	row("raw binding loop", rawP, rawG)
	row("model generate: (the primitive)", primP, primG)
	row("unconstrained (Generate)", freeP, freeG)
	row("grammar, sample first", firstP, firstG)
	row("grammar on every candidate", alwaysP, alwaysG)

	fmt.Fprintf(c.stdout, "\nprimitive / raw generation (medians):          %.3f (target >= 0.95)\n", primG.median()/rawG.median())
	fmt.Fprintf(c.stdout, "grammar (sample first) / unconstrained (medians): %.3f (target >= 0.90); resampled %d of %d steps\n",
		firstG.median()/freeG.median(), resampled, grammarTokens)
	fmt.Fprintf(c.stdout, "grammar on every candidate / unconstrained:      %.3f\n", alwaysG.median()/freeG.median())
	for _, x := range []struct {
		name string
		s    samples
	}{{"raw", rawG}, {"primitive", primG}, {"unconstrained", freeG}, {"grammar", firstG}} {
		if sp := x.s.spread(); sp > 0.1 {
			fmt.Fprintf(c.stdout, "note: the %s generation rates spread over %.0f%% of their median: noisy\n", x.name, sp*100)
		}
	}
	if busy > 0.2 {
		fmt.Fprintf(c.stdout, "WARNING: the machine was busy: other processes used %.1f of its %d cores on average during the run; the figures are not reliable\n",
			busy, runtime.NumCPU())
	}

	if err := m.AddAdapter("BRICK", loraPath); err != nil {
		return err
	}
	cold, err := m.SetAdapter("BRICK")
	if err != nil {
		return err
	}
	off, _ := m.SetAdapter("")
	warm, _ := m.SetAdapter("BRICK")
	m.SetAdapter("")
	fmt.Fprintf(c.stdout, "adapter switch: cold (load %s) %.2f ms, warm %.3f ms, off %.3f ms\n",
		gguf.HumanBytes(m.AdapterStates()[0].Bytes), ms(cold), ms(warm), ms(off))
	return nil
}

// samples are repeated measurements of one rate.
type samples []float64

func (s *samples) add(x float64) { *s = append(*s, x) }

func (s samples) sorted() []float64 {
	c := slices.Clone([]float64(s))
	slices.Sort(c)
	return c
}

func (s samples) median() float64 {
	c := s.sorted()
	if len(c) == 0 {
		return 0
	}
	if len(c)%2 == 1 {
		return c[len(c)/2]
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2
}

// spread is (max - min) / median.
func (s samples) spread() float64 {
	c := s.sorted()
	if len(c) == 0 || s.median() == 0 {
		return 0
	}
	return (c[len(c)-1] - c[0]) / s.median()
}

func (s samples) String() string {
	c := s.sorted()
	if len(c) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f (%.1f-%.1f)", s.median(), c[0], c[len(c)-1])
}

// loadWatch measures the CPU time other processes take during a run, from
// /proc/stat (the machine's busy time) less this process's own (getrusage).
type loadWatch struct {
	ok          bool
	start       time.Time
	busy0, own0 float64 // seconds
}

func startLoadWatch() *loadWatch {
	w := &loadWatch{start: time.Now()}
	w.busy0, w.ok = machineBusy()
	w.own0 = ownCPU()
	return w
}

// stop returns how many cores other processes kept busy, on average (0
// where /proc/stat cannot be read).
func (w *loadWatch) stop() float64 {
	busy, ok := machineBusy()
	if !ok || !w.ok {
		return 0
	}
	wall := time.Since(w.start).Seconds()
	if wall <= 0 {
		return 0
	}
	return max(0, (busy-w.busy0)-(ownCPU()-w.own0)) / wall
}

// machineBusy is the CPU time, in seconds, all processes have used since
// boot (the first line of /proc/stat: user, nice, system, irq, softirq,
// steal).
func machineBusy() (float64, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, false
	}
	var ticks float64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		n, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return 0, false
		}
		ticks += n
	}
	return ticks / 100, true // USER_HZ is 100 on Linux
}

// ownCPU is this process's CPU time in seconds.
func ownCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// benchPrompt is English-like text of n tokens of m.
func benchPrompt(m *llama.Model, n int) (string, error) {
	words := strings.Fields("the model reads a prompt and writes tokens one after another while the machine measures how fast it goes")
	var b strings.Builder
	for i := 0; b.Len() < n*8; i++ {
		b.WriteString(words[i%len(words)])
		b.WriteByte(' ')
	}
	toks, err := m.Tokenize(b.String())
	if err != nil {
		return "", err
	}
	if len(toks) > 0 && toks[0] == 1 {
		toks = toks[1:] // BOS, which Tokenize adds again
	}
	return m.Detokenize(toks[:min(n-1, len(toks))])
}

// primResult is one measured run of the model primitive.
type primResult struct {
	promptTokens, tokens int
	promptMs, wall       float64
}

func (p primResult) PromptRate() float64 { return float64(p.promptTokens) / p.promptMs * 1000 }

// GenRate counts all the primitive's time outside prompt processing
// (request building, sampling, streaming into the VM) as generation.
func (p primResult) GenRate() float64 { return float64(p.tokens) / (p.wall - p.promptMs) * 1000 }

// primBench runs `model generate:With:` in an in-memory VM on the open
// model.
type primBench struct {
	th   *vm.Thread
	spec string
	stmt *lang.File
	n    int
}

func (c *cli) newPrimBench(m *llama.Model, prompt string, n int) (*primBench, error) {
	spec := "bench:" + m.Path()
	llm.Default.Put(spec, m)
	th, err := stdlib.Boot(vm.Options{Stdout: c.stdout})
	if err != nil {
		llm.Default.Remove(spec)
		return nil, err
	}
	src := fmt.Sprintf("(model named: %s) generate: %s With: (((modelOptions copy maxTokens: %d) temperature: 0) ignoreEOG: true)",
		quote(spec), quote(prompt), n)
	f, err := lang.Parse("<bench>", src)
	if err != nil {
		llm.Default.Remove(spec)
		return nil, err
	}
	return &primBench{th: th, spec: spec, stmt: f, n: n}, nil
}

// close forgets the model (the caller closes it).
func (b *primBench) close() { llm.Default.Remove(b.spec) }

func (b *primBench) run() (primResult, error) {
	th := b.th
	start := time.Now()
	v, err := th.EvalStmt(b.stmt.Stmts[0], "<bench>")
	wall := time.Since(start)
	if err != nil {
		return primResult{}, err
	}
	get := func(sel string) vm.Value { return th.Send(v, sel) }
	var r primResult
	if _, err := th.Call(func() vm.Value {
		r.promptTokens = int(get("promptTokens").Int())
		r.tokens = int(get("tokens").Int())
		r.promptMs, _ = get("promptMs").Float()
		return vm.Value{}
	}); err != nil {
		return primResult{}, err
	}
	r.wall = float64(wall) / 1e6
	if r.tokens != b.n {
		return r, fmt.Errorf("the primitive generated %d tokens, want %d", r.tokens, b.n)
	}
	return r, nil
}
