package llama

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"batos/llm"
	"batos/llm/gguf"
	"batos/llm/tiny"
)

// The header fuzz: a tiny model's metadata is mutated (tokens duplicated,
// emptied or replaced, arrays shortened or retyped, numbers and strings
// changed, keys deleted), the file is checked in Go, and every file the
// checks accept is loaded and run by llama.cpp in a child process, where
// an abort is seen as the child's death instead of the test's. A file the
// checks pass must load, or fail to load, without taking the process down.

// TestHeaderMutations runs 400 seeded mutations (1 to 3 changes each);
// $BATOS_HEADER_MUTATIONS=N,SEED runs N others.
func TestHeaderMutations(t *testing.T) {
	base := baseModel(t)
	n, seed := 400, uint64(11)
	if s := os.Getenv("BATOS_HEADER_MUTATIONS"); s != "" {
		a, b, _ := strings.Cut(s, ",")
		n, _ = strconv.Atoi(a)
		seed, _ = strconv.ParseUint(b, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, 12))
	var files, descs []string
	rejected, dir := 0, t.TempDir()
	for i := range n {
		in := make([]byte, 2+rng.IntN(14))
		for j := range in {
			in[j] = byte(rng.UintN(256))
		}
		path := filepath.Join(dir, fmt.Sprintf("m%d.gguf", i))
		desc, err := mutate(base, in, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := checkModel(path); err != nil {
			rejected++
			continue
		}
		files, descs = append(files, path), append(descs, desc)
	}
	t.Logf("%d mutated headers: %d rejected by the checks, %d loaded by llama.cpp", n, rejected, len(files))
	for _, c := range loadInChild(t, files) {
		t.Errorf("%s crashed llama.cpp: %s\n%s", descs[c.index], filepath.Base(files[c.index]), c.output)
	}
}

// FuzzModelHeader is the same with the fuzzer's inputs (go test -fuzz
// FuzzModelHeader ./llm/llama).
func FuzzModelHeader(f *testing.F) {
	for _, seed := range []string{"\x00\x01\x02\x03\x04\x05", "\x02\x00\x10", "\x06\x07\x00\x00", "\x08\x03", "\x07\x09\x01"} {
		f.Add([]byte(seed))
	}
	var base *baseFile
	f.Fuzz(func(t *testing.T, in []byte) {
		if base == nil {
			base = baseModel(t)
		}
		path := filepath.Join(t.TempDir(), "m.gguf")
		desc, err := mutate(base, in, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := checkModel(path); err != nil {
			return
		}
		for _, c := range loadInChild(t, []string{path}) {
			t.Errorf("%s crashed llama.cpp:\n%s", desc, c.output)
		}
	})
}

// TestLoadChild is the child: it loads and runs the models listed in
// $BATOS_LOAD_LIST (one path a line), from line $BATOS_LOAD_FROM on,
// writing "load N" before and "done N" after each.
func TestLoadChild(t *testing.T) {
	list := os.Getenv("BATOS_LOAD_LIST")
	if list == "" {
		t.Skip("run by TestHeaderMutations")
	}
	b, err := os.ReadFile(list)
	if err != nil {
		t.Fatal(err)
	}
	from, _ := strconv.Atoi(os.Getenv("BATOS_LOAD_FROM"))
	for i, path := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if i < from {
			continue
		}
		fmt.Printf("load %d\n", i)
		if m, err := Open(path, llm.Options{Threads: 1}); err == nil {
			m.Tokenize("hello\nworld")
			m.Generate(context.Background(), llm.Request{Prompt: "hello\n", MaxTokens: 3, Temperature: 0.7, Seed: 1, TopK: 5}, nil)
			m.Generate(context.Background(), llm.Request{Prompt: "hi", MaxTokens: 2, Temperature: 0, Grammar: `root ::= [a-z]+`}, nil)
			m.Close()
		}
		fmt.Printf("done %d\n", i)
	}
}

type crash struct {
	index  int
	output string
}

// loadInChild loads files in child processes, starting a new child after
// each crash, and reports the crashes.
func loadInChild(t testing.TB, files []string) []crash {
	if len(files) == 0 {
		return nil
	}
	list := filepath.Join(t.TempDir(), "list")
	if err := os.WriteFile(list, []byte(strings.Join(files, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	var crashes []crash
	for from := 0; from < len(files); {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLoadChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "BATOS_LOAD_LIST="+list, "BATOS_LOAD_FROM="+strconv.Itoa(from))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		last, done := -1, -1
		sc := bufio.NewScanner(bytes.NewReader(out.Bytes()))
		for sc.Scan() {
			if n, ok := strings.CutPrefix(sc.Text(), "load "); ok {
				last, _ = strconv.Atoi(n)
			} else if n, ok := strings.CutPrefix(sc.Text(), "done "); ok {
				done, _ = strconv.Atoi(n)
			}
		}
		if err == nil && done == len(files)-1 {
			break
		}
		if last < from || done == last {
			t.Fatalf("the child failed outside a load (%v):\n%s", err, tail(out.String()))
		}
		crashes = append(crashes, crash{last, tail(out.String())})
		from = last + 1
	}
	return crashes
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	var keep []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "load ") && !strings.HasPrefix(l, "done ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep[:min(len(keep), 8)], "\n")
}

// baseFile is the tiny model the mutations start from.
type baseFile struct {
	g    *gguf.File
	data []byte
}

func baseModel(t testing.TB) *baseFile {
	path := filepath.Join(t.TempDir(), "base.gguf")
	if err := tiny.WriteModel(path, tiny.Default()); err != nil {
		t.Fatal(err)
	}
	g, err := gguf.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return &baseFile{g, data}
}

// mutate writes base, changed as the bytes of in say, to path, and
// describes the changes.
func mutate(base *baseFile, in []byte, path string) (string, error) {
	kvs := slices.Clone(base.g.KV)
	pos := 0
	next := func() int {
		if pos >= len(in) {
			return 0
		}
		pos++
		return int(in[pos-1])
	}
	idx := func(n int) int { return (next()<<8 | next()) % max(n, 1) }
	find := func(key string) int {
		return slices.IndexFunc(kvs, func(kv gguf.KV) bool { return kv.Key == key })
	}
	set := func(key string, v any) {
		if i := find(key); i >= 0 {
			kvs[i].Value = v
		} else {
			kvs = append(kvs, gguf.KV{Key: key, Value: v})
		}
	}
	strs := func(key string) []string {
		if i := find(key); i >= 0 {
			if s, ok := kvs[i].Value.([]string); ok {
				return slices.Clone(s)
			}
		}
		return nil
	}
	var desc []string
	for n := 0; n < 3 && pos < len(in); n++ {
		toks := strs("tokenizer.ggml.tokens")
		switch op := next() % 12; {
		case op == 0 && len(toks) > 0:
			i, j := idx(len(toks)), idx(len(toks))
			toks[j] = toks[i]
			set("tokenizer.ggml.tokens", toks)
			desc = append(desc, fmt.Sprintf("token %d := token %d", j, i))
		case op == 1 && len(toks) > 0:
			i := idx(len(toks))
			toks[i] = []string{"", "[EMPTY_5]", "\xff\xfe", "<0x0A>", "\n", "▁", "<|im_end|>", strings.Repeat("a", 300)}[next()%8]
			set("tokenizer.ggml.tokens", toks)
			desc = append(desc, fmt.Sprintf("token %d := %q", i, toks[i]))
		case op == 2:
			if i := find("tokenizer.ggml.scores"); i >= 0 {
				s, _ := kvs[i].Value.([]float32)
				kvs[i].Value = s[:max(0, len(s)-1-next()%8)]
				desc = append(desc, "scores shortened")
			}
		case op == 3:
			if i := find("tokenizer.ggml.token_type"); i >= 0 {
				s, _ := kvs[i].Value.([]int32)
				kvs[i].Value = s[:max(0, len(s)-1-next()%8)]
				desc = append(desc, "token types shortened")
			}
		case op == 4:
			key := []string{"tokenizer.ggml.scores", "tokenizer.ggml.token_type"}[next()%2]
			set(key, make([]uint8, len(toks)))
			desc = append(desc, key+" as uint8")
		case op == 5:
			if i := find("tokenizer.ggml.token_type"); i >= 0 {
				s, _ := kvs[i].Value.([]int32)
				s = slices.Clone(s)
				if len(s) == 0 {
					continue
				}
				j := idx(len(s))
				s[j] = int32(next() - 128)
				kvs[i].Value = s
				desc = append(desc, fmt.Sprintf("token type %d := %d", j, s[j]))
			}
		case op == 6:
			var ints []int
			for i, kv := range kvs {
				if _, ok := kv.Value.(uint32); ok {
					ints = append(ints, i)
				}
			}
			if len(ints) == 0 {
				continue
			}
			i := ints[idx(len(ints))]
			v := []uint32{0, 1, 2, 3, 7, 255, 356, 357, 65535, 1 << 31, math.MaxUint32, uint32(next())}[next()%12]
			kvs[i].Value = v
			desc = append(desc, fmt.Sprintf("%s := %d", kvs[i].Key, v))
		case op == 7 && len(kvs) > 0:
			i := idx(len(kvs))
			desc = append(desc, "delete "+kvs[i].Key)
			kvs = slices.Delete(kvs, i, i+1)
		case op == 8:
			v := []string{"llama", "gpt2", "bert", "t5", "rwkv", "plamo2", "none", "", "no_vocab"}[next()%9]
			set("tokenizer.ggml.model", v)
			desc = append(desc, "tokenizer model := "+v)
		case op == 9:
			var fs []int
			for i, kv := range kvs {
				if _, ok := kv.Value.(float32); ok {
					fs = append(fs, i)
				}
			}
			if len(fs) > 0 {
				i := fs[idx(len(fs))]
				v := []float32{0, -1, float32(math.NaN()), float32(math.Inf(1)), 1e30}[next()%5]
				kvs[i].Value = v
				desc = append(desc, fmt.Sprintf("%s := %v", kvs[i].Key, v))
			}
		case op == 10:
			v := []string{"gpt2", "bert", "qwen2", "mamba", "gemma", "phi3", "rwkv6", "t5"}[next()%8]
			for i := range kvs {
				if strings.HasPrefix(kvs[i].Key, "llama.") {
					kvs[i].Key = v + strings.TrimPrefix(kvs[i].Key, "llama")
				}
			}
			set("general.architecture", v)
			desc = append(desc, "architecture := "+v)
		case op == 11:
			set("tokenizer.ggml.merges", []string{"a b", "▁ a", "x"}[:1+next()%3])
			desc = append(desc, "merges added")
		}
	}
	w := gguf.NewWriter()
	for _, kv := range kvs {
		w.Set(kv.Key, kv.Value)
	}
	for _, ti := range base.g.Tensors {
		at := base.g.DataOffset + ti.Offset
		b := base.data[at : at+ti.Bytes()]
		w.AddTensor(ti.Name, ti.Type, ti.Dims, func(out io.Writer) error { _, err := out.Write(b); return err })
	}
	if len(desc) == 0 {
		desc = []string{"unchanged"}
	}
	return strings.Join(desc, "; "), w.WriteFile(path)
}

// TestDuplicateToken: a vocabulary that lists a token twice is refused in
// Go; llama.cpp's loader aborts on it (GGML_ASSERT in llama-vocab.cpp).
func TestDuplicateToken(t *testing.T) {
	base := baseModel(t)
	path := filepath.Join(t.TempDir(), "dup.gguf")
	desc, err := mutate(base, []byte{0, 0, 200, 0, 201}, path) // token 201 := token 200
	if err != nil {
		t.Fatal(err)
	}
	if _, err := checkModel(path); err == nil || !strings.Contains(err.Error(), "twice (tokens 200 and 201)") {
		t.Errorf("%s: %v", desc, err)
	}
	if _, err := Open(path, llm.Options{}); err == nil || !strings.Contains(err.Error(), "lists") {
		t.Errorf("Open: %v", err)
	}
}
