package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
}

func (c *cli) benchFlags(fs *flag.FlagSet) {
	fs.StringVar(&benchSettings.file, "file", "", "the model file to use, written if absent (default: in the temporary directory)")
	fs.IntVar(&benchSettings.prompt, "prompt", 128, "prompt length in tokens (about)")
	fs.IntVar(&benchSettings.gen, "gen", 32, "tokens to generate")
	fs.IntVar(&benchSettings.grammarTokens, "grammar-gen", 0, "tokens to generate in the grammar runs (default: -gen)")
	fs.BoolVar(&benchSettings.keep, "keep", true, "keep the written model for later runs")
}

// benchGrammar lets the model write almost anything, so that a random model
// is rarely stopped by it but every token is checked.
const benchGrammar = `root ::= line+
line ::= [a-zA-Z0-9 ,.:;()'_+*/=<>-]+ "\n"`

// modelBench implements `batos model bench`: prompt and generation tokens/s
// of a random model, through the raw binding loop (and llama.cpp's own
// timing of it), through the model primitive, under a grammar, and the
// adapter switch time.
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
		return usagef("model bench: --params 1b or tiny")
	}
	s := benchSettings
	if s.grammarTokens == 0 {
		s.grammarTokens = s.gen
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
	fmt.Fprintf(c.stdout, "backend: %s; %d layers offloaded\n", info.Backend, info.GPULayers)
	prompt := benchPrompt(s.prompt)

	// Warm up (first-use allocations, page faults of the mapped weights).
	if _, err := m.BenchRaw(prompt, 2); err != nil {
		return err
	}
	raw, err := m.BenchRaw(prompt, s.gen)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "\n%-34s %10s %10s\n", "", "prompt t/s", "gen t/s")
	row := func(name string, p, g float64) { fmt.Fprintf(c.stdout, "%-34s %10.1f %10.2f\n", name, p, g) }
	row("llama.cpp's own timing", raw.PerfPromptRate(), raw.PerfGenRate())
	row("raw binding loop", raw.PromptRate(), raw.GenRate())

	prim, err := c.benchPrimitive(m, prompt, s.gen)
	if err != nil {
		return err
	}
	row("model generate: (the primitive)", prim.PromptRate(), prim.GenRate())

	gen := func(grammar string, always bool) (llm.Result, error) {
		return m.Generate(context.Background(), llm.Request{Prompt: prompt, MaxTokens: s.grammarTokens, Temperature: 0,
			IgnoreEOG: true, Grammar: grammar, GrammarAlways: always}, nil)
	}
	free, err := gen("", false)
	if err != nil {
		return err
	}
	first, err := gen(benchGrammar, false)
	if err != nil {
		return err
	}
	always, err := gen(benchGrammar, true)
	if err != nil {
		return err
	}
	row("unconstrained (Generate)", rate(free.PromptTokens, free.PromptTime), rate(free.Tokens, free.GenTime))
	row("grammar, sample first", rate(first.PromptTokens, first.PromptTime), rate(first.Tokens, first.GenTime))
	row("grammar on every candidate", rate(always.PromptTokens, always.PromptTime), rate(always.Tokens, always.GenTime))

	fmt.Fprintf(c.stdout, "\nprimitive / raw generation:          %.3f (target >= 0.95)\n", prim.GenRate()/raw.GenRate())
	fmt.Fprintf(c.stdout, "grammar (sample first) / unconstrained: %.3f (target >= 0.90); resampled %d of %d steps\n",
		rate(first.Tokens, first.GenTime)/rate(free.Tokens, free.GenTime), first.Resampled, first.Tokens)
	fmt.Fprintf(c.stdout, "grammar on every candidate / unconstrained: %.3f\n", rate(always.Tokens, always.GenTime)/rate(free.Tokens, free.GenTime))

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

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// benchPrompt is English-like text of about n tokens.
func benchPrompt(n int) string {
	words := strings.Fields("the model reads a prompt and writes tokens one after another while the machine measures how fast it goes")
	var b strings.Builder
	for i := 0; b.Len() < n*3; i++ {
		b.WriteString(words[i%len(words)])
		b.WriteByte(' ')
	}
	return b.String()
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

// benchPrimitive runs `model generate:With:` in a fresh in-memory VM on
// the open model m.
func (c *cli) benchPrimitive(m *llama.Model, prompt string, n int) (primResult, error) {
	spec := "bench:" + m.Path()
	llm.Default.Put(spec, m)
	defer llm.Default.Remove(spec) // the caller closes m
	th, err := stdlib.Boot(vm.Options{Stdout: c.stdout})
	if err != nil {
		return primResult{}, err
	}
	src := fmt.Sprintf("(model named: %s) generate: %s With: (((modelOptions copy maxTokens: %d) temperature: 0) ignoreEOG: true)",
		quote(spec), quote(prompt), n)
	f, err := lang.Parse("<bench>", src)
	if err != nil {
		return primResult{}, err
	}
	start := time.Now()
	v, err := th.EvalStmt(f.Stmts[0], "<bench>")
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
	if r.tokens != n {
		return r, fmt.Errorf("the primitive generated %d tokens, want %d", r.tokens, n)
	}
	return r, nil
}
