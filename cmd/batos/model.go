package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"batos/image"
	"batos/lang"
	"batos/llm"
	"batos/llm/gguf"
	"batos/llm/llama"  // registers the llama.cpp backend
	"batos/llm/openai" // registers the HTTP backend
	"batos/llm/tiny"
	"batos/vm"
)

const modelCommands = "info, add, list, adapter, tiny, backend, bench"

const modelUsage = `  batos model info NAME|PATH       show a model's metadata (architecture, parameters,
                                   context length, quantisation, chat template)
  batos model add NAME PATH.gguf   import a model's weights into the image (a blob that
                                   travels with snapshots) under NAME; a URL is recorded
  batos model list                 list the models recorded in the image
  batos model adapter add NAME FILE.gguf
                                   import a LoRA adapter into the image under a persona
                                   name (BRICK, ROBIN, BABS, ALFRED...); 'model useAdapter:'
                                   loads it from there on first use
  batos model adapter list         list the adapters kept in the image
  batos model tiny [--embedding] [--lora] [--type T] [--seed N] PATH
                                   write a tiny random-weight GGUF model (or LoRA
                                   adapter), for smoke tests only: its text is noise
  batos model backend              say where models run (CPU SIMD features, GPUs)
  batos model bench [--params 1b|tiny] [--type q8_0|f16|f32]
                                   prompt and generation tokens/s: raw binding
                                   loop, the infer: primitive, grammar, adapters
`

const modelFlagsUsage = `  --model PATH.gguf  the default model (also $BATOS_MODEL)
  --model-url URL    an OpenAI-compatible server (http://host/v1) as the default model
  --gpu-layers N     layers to offload to the GPU (default: all when a GPU backend is loaded)
  --ctx N            context length (default: the model's, at most 4096)
  --threads N        CPU threads (default: one per CPU; one for models under 50M parameters;
                     at most one per CPU)
  --model-connect-timeout D
                     a remote model's longest wait to connect and for a reply's first
                     byte (default 1m)
  --model-idle-timeout D
                     the longest silence inside a remote model's reply (default 2m);
                     a long reply that keeps coming is never cut
  --gpu-backend LIB  a ggml GPU backend library to load (also $BATOS_GPU_BACKEND;
                     default: libggml-cuda.so next to the batos binary)
`

func init() { llm.Default.Opts.GPULayers = -1 }

// modelFlags adds the flags that choose and configure the default model.
// They write straight into llm.Default, which the model primitives use.
func (c *cli) modelFlags(fs *flag.FlagSet) {
	r := llm.Default
	fs.Func("model", "the default model (`PATH.gguf`)", func(s string) error { r.Default = s; return nil })
	fs.Func("model-url", "an OpenAI-compatible server as the default model (`URL`)", func(s string) error {
		if llm.Kind(s) != "http" {
			return fmt.Errorf("--model-url wants an http:// or https:// URL, not %q", s)
		}
		r.Default = s
		return nil
	})
	fs.IntVar(&r.Opts.GPULayers, "gpu-layers", r.Opts.GPULayers, "layers to offload to the GPU (-1: all)")
	fs.IntVar(&r.Opts.Ctx, "ctx", r.Opts.Ctx, "context length (0: the model's)")
	fs.IntVar(&r.Opts.Threads, "threads", r.Opts.Threads, "CPU threads (0: one per CPU; at most one per CPU)")
	fs.DurationVar(&r.Opts.ConnectTimeout, "model-connect-timeout", openai.DefaultConnectTimeout, "a remote model's longest wait to connect and for a reply's first byte")
	fs.DurationVar(&r.Opts.IdleTimeout, "model-idle-timeout", openai.DefaultIdleTimeout, "the longest silence inside a remote model's reply")
	fs.StringVar(&r.Opts.GPUBackend, "gpu-backend", r.Opts.GPUBackend, "a ggml GPU backend library")
}

// modelCmd implements `batos model ...`.
func (c *cli) modelCmd(args []string) error {
	if len(args) == 0 {
		return usagef("which command? (%s)", modelCommands)
	}
	sub, args := args[0], args[1:]
	if sub == "adapter" {
		return c.adapterCmd(args)
	}
	fs := c.newFlags("model " + sub)
	c.vmFlags(fs)
	var embedding, lora bool
	var typ, params string
	var seed uint64
	nargs := 0
	switch sub {
	case "list", "backend":
	case "info":
		nargs = 1
	case "add":
		nargs = 2
	case "tiny":
		nargs = 1
		fs.BoolVar(&embedding, "embedding", false, "write the embedding variant")
		fs.BoolVar(&lora, "lora", false, "write a LoRA adapter for the tiny model")
		fs.StringVar(&typ, "type", "f32", "weight type: f32, f16 or q8_0")
		fs.Uint64Var(&seed, "seed", 1, "random seed")
	case "bench":
		fs.StringVar(&params, "params", "1b", "model size: 1b or tiny")
		fs.StringVar(&typ, "type", "q8_0", "weight type: q8_0, f16 or f32")
		c.benchFlags(fs)
	default:
		c.cmd = "model"
		return usagef("unknown command %q (%s)", sub, modelCommands)
	}
	pos, err := c.parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != nargs {
		return usagef("want %d argument(s), got %d", nargs, len(pos))
	}
	switch sub {
	case "info":
		return c.modelInfo(pos[0])
	case "add":
		return c.modelAdd(pos[0], pos[1])
	case "list":
		return c.modelList()
	case "tiny":
		return c.modelTiny(pos[0], embedding, lora, typ, seed)
	case "backend":
		if err := llama.LoadGPU(llm.Default.Opts.GPUBackend); err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, llama.Backend())
		return nil
	case "bench":
		return c.modelBench(params, typ)
	}
	return nil
}

func parseType(s string) (gguf.Type, error) {
	switch strings.ToLower(s) {
	case "f32":
		return gguf.F32, nil
	case "f16":
		return gguf.F16, nil
	case "q8_0", "q8":
		return gguf.Q8_0, nil
	}
	return 0, usagef("unknown weight type %q (f32, f16 or q8_0)", s)
}

// modelTiny writes a tiny random model, its embedding variant, or a LoRA
// adapter for it.
func (c *cli) modelTiny(path string, embedding, lora bool, typ string, seed uint64) error {
	t, err := parseType(typ)
	if err != nil {
		return err
	}
	cfg := tiny.Default()
	if embedding {
		cfg = tiny.Embedding()
	}
	cfg.Type, cfg.Seed = t, seed
	if lora {
		if err := tiny.WriteLoRA(path, tiny.DefaultLoRA(cfg, seed)); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "wrote %s: a random LoRA adapter for the tiny model (smoke tests only)\n", path)
		return nil
	}
	if err := tiny.WriteModel(path, cfg); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "wrote %s: a tiny random-weight llama model, %d parameters (smoke tests only: its text is noise)\n", path, cfg.Params())
	return nil
}

// modelInfo shows the metadata of a model file, or of a model recorded in
// the image. It reads the file in Go; nothing is loaded.
func (c *cli) modelInfo(nameOrPath string) error {
	path := nameOrPath
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && !strings.ContainsAny(path, `/\`) {
		if p, ok, err := c.recordedModel(nameOrPath); err != nil {
			return err
		} else if ok {
			path = p
		}
	}
	if llm.Kind(path) == "http" {
		fmt.Fprintf(c.stdout, "source:         %s (an OpenAI-compatible server)\n", path)
		return nil
	}
	g, err := gguf.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("no model file or recorded model named %s", nameOrPath)
		}
		return err
	}
	fmt.Fprintf(c.stdout, "file:           %s\n", path)
	for _, l := range g.Summary() {
		fmt.Fprintln(c.stdout, l)
	}
	return nil
}

// modelAdd imports the weights at PATH into the image as a blob (with a
// progress line on a terminal) and records NAME for them, so the model
// travels with snapshots and exports. A URL is recorded as it is.
func (c *cli) modelAdd(name, path string) error {
	if !validName(name) {
		return usagef("%q is not a usable name (letters, digits, '-' and '_')", name)
	}
	if llm.Kind(path) == "http" {
		if _, err := c.evalString(fmt.Sprintf("model add: %s Path: %s. ''", quote(name), quote(path))); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "recorded model %s -> %s\n", name, path)
		return nil
	}
	g, err := gguf.ReadFile(path)
	if err != nil {
		return err
	}
	if g.IsAdapter() {
		return fmt.Errorf("%s is an adapter, not a model (batos model adapter add)", path)
	}
	return c.importBlob("model add", path, func(hash string, size int64) string {
		return fmt.Sprintf("model add: %s Blob: (blobs withHash: '%s' Size: %d)", quote(name), hash, size)
	}, "model "+name)
}

// importBlob streams a file into the image's blob store with a progress
// line, then runs the statement record makes from the blob's hash and size.
func (c *cli) importBlob(what, path string, record func(hash string, size int64) string, label string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	t, closer, err := c.boot(nil)
	if err != nil {
		return err
	}
	defer closer()
	store, err := t.VM().Blobs()
	if err != nil {
		return fmt.Errorf("%w (use an image, not --memory)", err)
	}
	p := image.NewProgress(c.stderr)
	p.Start(what+": importing "+filepath.Base(path), st.Size(), "bytes")
	ref, err := store.PutBlob(io.TeeReader(f, progressCounter{p}))
	p.Done()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if _, err := t.EvalString("<"+what+">", record(ref.Hex(), ref.Size)); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: %s imported into the image (%d bytes, sha256 %s)\n", label, path, ref.Size, ref.Hex()[:16])
	return nil
}

// adapterCmd implements `batos model adapter add NAME FILE` and `list`.
func (c *cli) adapterCmd(args []string) error {
	c.cmd = "model adapter"
	if len(args) == 0 {
		return usagef("which command? (add, list)")
	}
	sub, args := args[0], args[1:]
	fs := c.newFlags("model adapter " + sub)
	c.vmFlags(fs)
	pos, err := c.parseMixed(fs, args)
	if err != nil {
		return err
	}
	switch sub {
	case "add":
		if len(pos) != 2 {
			return usagef("want NAME FILE.gguf")
		}
		name, path := pos[0], pos[1]
		if !validName(name) {
			return usagef("%q is not a usable name", name)
		}
		g, err := gguf.ReadFile(path)
		if err != nil {
			return err
		}
		if !g.IsAdapter() {
			return fmt.Errorf("%s is a model, not a LoRA adapter", path)
		}
		return c.importBlob("model adapter add", path, func(hash string, size int64) string {
			return fmt.Sprintf("model storeAdapter: %s Blob: (blobs withHash: '%s' Size: %d)", quote(name), hash, size)
		}, "adapter "+name)
	case "list":
		if len(pos) != 0 {
			return usagef("takes no arguments")
		}
		s, err := c.evalString(`[| b | b: stringBuilder copy.
			modelAdapters keysAndValuesDo: [| :k. :v | b add: k. b add: '  '. b add: v printString. b add: '\n' ].
			b contents ] value`)
		if err != nil {
			return err
		}
		if s == "" {
			fmt.Fprintln(c.stdout, "no adapters in the image (batos model adapter add NAME FILE.gguf)")
		}
		fmt.Fprint(c.stdout, s)
		return nil
	}
	c.cmd = "model adapter"
	return usagef("unknown command %q (add, list)", sub)
}

// progressCounter reports bytes written through it to a progress line.
type progressCounter struct{ p *image.Progress }

func (pc progressCounter) Write(b []byte) (int, error) {
	pc.p.Add(int64(len(b)))
	return len(b), nil
}

// modelList prints the models recorded in the image.
func (c *cli) modelList() error {
	s, err := c.evalString(`[| b | b: stringBuilder copy.
		modelNames keysAndValuesDo: [| :k. :v | b add: k. b add: '  '. b add: (v isString ifTrue: [ v ] False: [ v printString ]). b add: '\n' ].
		b contents ] value`)
	if err != nil {
		return err
	}
	if s == "" {
		fmt.Fprintln(c.stdout, "no models recorded (batos model add NAME PATH.gguf)")
	}
	fmt.Fprint(c.stdout, s)
	return nil
}

// recordedModel looks name up in the image's modelNames.
func (c *cli) recordedModel(name string) (string, bool, error) {
	if !validName(name) {
		return "", false, nil
	}
	s, err := c.evalString(fmt.Sprintf("(modelNames includesKey: %s) ifTrue: [ model modelSource: %s ] False: [ '' ]", quote(name), quote(name)))
	return s, s != "", err
}

// evalString runs src in the image and answers its last value, a string.
func (c *cli) evalString(src string) (string, error) {
	f, err := lang.Parse("<model>", src)
	if err != nil {
		return "", err
	}
	t, closer, err := c.boot(nil)
	if err != nil {
		return "", err
	}
	defer closer()
	var last vm.Value
	for _, st := range f.Stmts {
		if last, err = t.EvalStmt(st, "<model>"); err != nil {
			return "", err
		}
	}
	s, ok := last.Str()
	if !ok {
		return "", fmt.Errorf("internal error: %s did not answer a string", src)
	}
	return s, nil
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// quote writes s as a batos string literal.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}
