// Command bench runs the interpreter workloads in batos and in its peers
// (github.com/yuin/gopher-lua and github.com/dop251/goja in this process;
// PUC Lua 5.4, LuaJIT with its JIT off and CPython 3 as processes, when
// installed: procpeers.go) in the same run, and prints a table of median
// times and ratios; then the
// image suite (image.go): commits beside a raw Pebble batch, reopening a
// large image, and the workloads on an image beside the in-memory heap;
// the kernel suite (kernel.go); the catalog suite (catalog.go): the
// knowledge catalog beside bleve on the documents of the fts peer.
//
// The peers live in this module so the main go.mod stays free of them.
// Every run uses a fresh interpreter; a time covers parsing, compiling and
// running the script. batos's boot (creating the world from the embedded
// standard library) is measured and reported separately.
//
// Package main is its own module (bench/go.mod), run by `make bench`.
package main

import (
	"embed"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dop251/goja"
	lua "github.com/yuin/gopher-lua"

	"batos/stdlib"
	"batos/vm"
)

//go:embed workloads peers
var scripts embed.FS

var expected = map[string]string{
	"fib":      "196418",
	"loop":     "50000005000000",
	"send":     "3000000",
	"alloc":    "500000500000",
	"strbuild": "1888895",
}

var order = []string{"fib", "loop", "send", "alloc", "strbuild"}

// Reference medians measured for the peers on the development machine
// (../shared/bench/peers/REPORT.txt), printed for comparison.
var targets = map[string][2]float64{ // gopher-lua, goja seconds
	"fib": {0.08, 0.13}, "loop": {0.53, 1.9}, "send": {1.06, 1.3}, "alloc": {2.9, 3.9}, "strbuild": {0.24, 0.33},
}

func read(path string) string {
	b, err := scripts.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	return string(b)
}

func runBatos(work string) (string, time.Duration, time.Duration, error) {
	t0 := time.Now()
	th, err := stdlib.Boot(vm.Options{})
	if err != nil {
		return "", 0, 0, err
	}
	boot := time.Since(t0)
	src := read("workloads/" + work + ".self")
	t1 := time.Now()
	if _, err := th.EvalString(work+".self", src); err != nil {
		return "", 0, 0, err
	}
	d := time.Since(t1)
	v, err := th.EvalString("result", "result")
	if err != nil {
		return "", 0, 0, err
	}
	s, err := th.PrintString(v)
	return s, d, boot, err
}

func runLua(work string) (string, time.Duration, error) {
	src := read("peers/lua/" + work + ".lua")
	t0 := time.Now()
	L := lua.NewState(lua.Options{RegistrySize: lua.RegistrySize, RegistryMaxSize: 4 << 20, RegistryGrowStep: 1 << 16})
	defer L.Close()
	if err := L.DoString(src); err != nil {
		return "", 0, err
	}
	d := time.Since(t0)
	v := L.GetGlobal("result")
	if n, ok := v.(lua.LNumber); ok {
		f := float64(n)
		if f == math.Trunc(f) {
			return strconv.FormatInt(int64(f), 10), d, nil
		}
	}
	return v.String(), d, nil
}

func runJS(work string) (string, time.Duration, error) {
	src := read("peers/js/" + work + ".js")
	t0 := time.Now()
	r := goja.New()
	prog, err := goja.Compile(work, src, false)
	if err != nil {
		return "", 0, err
	}
	if _, err := r.RunProgram(prog); err != nil {
		return "", 0, err
	}
	d := time.Since(t0)
	return fmt.Sprint(r.Get("result").Export()), d, nil
}

func median(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// peer is one column of the table beside batos.
type peer struct {
	name string // column heading
	flag string // its name for -only
	run  func(work string) (string, time.Duration, error)
}

func main() {
	runs := flag.Int("runs", 5, "runs per cell (fresh interpreter each); the median is reported")
	works := flag.String("work", strings.Join(order, ","), "comma-separated workloads")
	only := flag.String("only", "", "run only this language (batos, lua, js, lua5.4, luajit-joff, cpython3) and print its times")
	suite := flag.String("suite", "all", "interp, image, kernel, catalog, bridge or all")
	bigN := flag.Int("big", 1_000_000, "objects in the large image the image suite reopens")
	bridgeClients := flag.Int("clients", 32, "bridge suite: concurrent clients")
	bridgeSecs := flag.Float64("bridge-seconds", 10, "bridge suite: seconds per workload")
	bridgeDir := flag.String("bridge-server", "", "(internal) serve an image in `DIR` for the bridge suite")
	flag.Parse()
	if *bridgeDir != "" {
		bridgeServer(*bridgeDir)
		return
	}
	if *suite == "bridge" {
		bridgeSuite(*bridgeClients, *bridgeSecs)
		return
	}
	if *suite == "image" {
		imageSuite(*runs, strings.Split(*works, ","), *bigN)
		return
	}
	if *suite == "kernel" {
		kernelSuite(*runs)
		return
	}
	if *suite == "catalog" {
		catalogSuite()
		return
	}

	peers := []peer{{"gopher-lua", "lua", runLua}, {"goja", "js", runJS}}
	root, err := findProcPeers()
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(root)
	for _, p := range procPeers {
		if p.path == "" {
			fmt.Printf("# %s: skipped: %s\n", p.name, p.why)
			continue
		}
		p := p
		peers = append(peers, peer{p.name, p.name, func(w string) (string, time.Duration, error) { return p.run(root, w) }})
	}

	fmt.Printf("# batos interpreter benchmark: median of %d runs, seconds (wall clock, fresh interpreter per run; process peers from their start line to their result, start-up excluded)\n", *runs)
	fmt.Printf("%-9s %8s", "workload", "batos")
	for _, p := range peers {
		fmt.Printf(" %*s", width(p.name), p.name)
	}
	fmt.Printf("  | batos/")
	for _, p := range peers {
		fmt.Printf(" %*s", width(p.name), p.name)
	}
	fmt.Printf("  | target (gopher-lua<=1.0, goja<=2.0); goal lua5.4<=1.5\n")
	failed := false
	var boots []time.Duration
	for _, w := range strings.Split(*works, ",") {
		var tb []time.Duration
		tp := make([][]time.Duration, len(peers))
		for i := 0; i < *runs; i++ {
			if *only == "" || *only == "batos" {
				res, d, boot, err := runBatos(w)
				check("batos", w, res, err)
				tb = append(tb, d)
				boots = append(boots, boot)
			}
			for j, p := range peers {
				if *only == "" || *only == p.flag {
					res, d, err := p.run(w)
					check(p.name, w, res, err)
					tp[j] = append(tp[j], d)
				}
			}
		}
		b := medianSecs(tb)
		fmt.Printf("%-9s %8s", w, secs(b))
		ms := make([]float64, len(peers))
		for j, p := range peers {
			ms[j] = medianSecs(tp[j])
			fmt.Printf(" %*s", width(p.name), secs(ms[j]))
		}
		fmt.Printf("  |       ")
		ratio := map[string]float64{}
		for j, p := range peers {
			r := "-"
			if b > 0 && ms[j] > 0 {
				ratio[p.name] = b / ms[j]
				r = fmt.Sprintf("%.2f", b/ms[j])
			}
			fmt.Printf(" %*s", width(p.name), r)
		}
		status := ""
		if l, j := ratio["gopher-lua"], ratio["goja"]; l > 0 && j > 0 {
			if l <= 1.0 && j <= 2.0 {
				status = "met"
			} else {
				status = "MISSED"
				failed = true
			}
		}
		if r, ok := ratio["lua5.4"]; ok {
			goal := "met"
			if r > 1.5 {
				goal = "not yet"
			}
			status += "; goal " + goal
		}
		fmt.Printf("  | %s (reference: gopher-lua %.2f, goja %.2f)\n", status, targets[w][0], targets[w][1])
	}
	if len(boots) > 0 {
		fmt.Printf("batos boot (world from the embedded stdlib, not included above): median %.1f ms\n", median(boots).Seconds()*1000)
	}
	if failed {
		fmt.Println("some targets were missed")
	}
	if *suite == "all" {
		imageSuite(*runs, strings.Split(*works, ","), *bigN)
		kernelSuite(*runs)
		catalogSuite()
		bridgeSuite(*bridgeClients, *bridgeSecs)
	}
}

// width is a column's width: its heading's, at least 8.
func width(name string) int { return max(len(name), 8) }

// medianSecs is the median in seconds, 0 for no runs.
func medianSecs(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	return median(ds).Seconds()
}

// secs prints a time in seconds, "-" for none.
func secs(s float64) string {
	if s == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", s)
}

func check(lang, work, res string, err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s %s: %v\n", lang, work, err)
		os.Exit(1)
	}
	if want := expected[work]; res != want {
		fmt.Fprintf(os.Stderr, "%s %s: result %s, want %s\n", lang, work, res, want)
		os.Exit(1)
	}
}
