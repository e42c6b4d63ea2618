package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"batos/bridge"
	"batos/bridge/client"
	"batos/image"
	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// bridgeSuite is the load run of the bridge (`batos serve`): a server in
// a child process (this binary, re-run with -bridge-server) on a fresh
// image, and 32 clients, each its own DEALER connection over loopback
// TCP, sending requests one after the other for a few seconds per
// workload: read-only (a trivial eval, a trivial send) and committing
// (each request writes one object, the client's own, through eval and
// through send). It reports throughput and p50/p99 latency against the
// targets: >= 20,000 read-only requests/s with p99 < 10 ms, >= 5,000
// committing requests/s. Every committing reply is sent only after its
// commit is durable (group commit).
func bridgeSuite(clients int, secs float64) {
	tmp, err := os.MkdirTemp("", "batos-bench-bridge-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	srv := exec.Command(self, "-bridge-server", filepath.Join(tmp, "img"))
	srv.Stderr = os.Stderr
	out, err := srv.StdoutPipe()
	if err != nil {
		fail(err)
	}
	if err := srv.Start(); err != nil {
		fail(err)
	}
	defer func() {
		srv.Process.Signal(syscall.SIGTERM)
		srv.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		fail(fmt.Errorf("the bridge server did not start: %v", err))
	}
	ep := "tcp://" + strings.TrimSpace(line)

	setup, err := client.Dial(ep, client.Options{})
	if err != nil {
		fail(err)
	}
	var b strings.Builder
	b.WriteString("lobby _AddSlots: (| benchValue = 7 |).\n")
	for i := range clients {
		fmt.Fprintf(&b, "lobby _AddSlots: (| benchCell%d = (| parent* = traits clonable. n <- 0. bump = ( n: n + 1 ) |) |).\n", i)
	}
	if _, err := setup.Eval(b.String()); err != nil {
		fail(fmt.Errorf("bridge setup: %v", err))
	}
	setup.Close()

	type workload struct {
		name, target string
		readOnly     bool
		call         func(c *client.Client, i int) error
	}
	works := []workload{
		{"eval '3 + 4' (read-only)", ">= 20,000/s, p99 < 10 ms", true, func(c *client.Client, i int) error {
			_, err := c.Eval("3 + 4")
			return err
		}},
		{"send lobby benchValue (read-only)", ">= 20,000/s, p99 < 10 ms", true, func(c *client.Client, i int) error {
			_, err := c.Send("", "benchValue")
			return err
		}},
		{"eval writing one object (commits)", ">= 5,000/s", false, nil},
		{"send writing one object (commits)", ">= 5,000/s", false, nil},
	}
	evalSrc := make([]string, clients)
	cell := make([]string, clients)
	for i := range clients {
		evalSrc[i] = fmt.Sprintf("benchCell%d n: benchCell%d n + 1", i, i)
		cell[i] = fmt.Sprintf("benchCell%d", i)
	}
	works[2].call = func(c *client.Client, i int) error { _, err := c.Eval(evalSrc[i]); return err }
	works[3].call = func(c *client.Client, i int) error { _, err := c.Send(cell[i], "bump"); return err }

	fmt.Printf("\n# bridge: %d clients on loopback TCP, %.0f s per workload, server in its own process (group commit, replies after durability)\n", clients, secs)
	fmt.Printf("%-36s %10s %9s %9s  %s\n", "workload", "req/s", "p50", "p99", "target")
	for _, w := range works {
		rate, p50, p99, errs := bridgeLoad(ep, clients, time.Duration(secs*float64(time.Second)), w.call)
		verdict := ""
		if w.readOnly {
			verdict = met(rate >= 20000 && p99 < 10*time.Millisecond)
		} else {
			verdict = met(rate >= 5000)
		}
		fmt.Printf("%-36s %10.0f %7.2fms %7.2fms  %s %s", w.name, rate, ms(p50), ms(p99), w.target, verdict)
		if errs > 0 {
			fmt.Printf(" (%d failed requests)", errs)
		}
		fmt.Println()
	}
	if c, err := client.Dial(ep, client.Options{}); err == nil {
		// every committed increment is there, exactly
		var sum strings.Builder
		sum.WriteString("0")
		for i := range clients {
			fmt.Fprintf(&sum, " + benchCell%d n", i)
		}
		if v, err := c.Eval(sum.String()); err == nil {
			fmt.Printf("committed increments in the image: %s\n", v.PrintString)
		}
		if st, err := c.Status(); err == nil {
			if im, ok := st["image"].(map[string]any); ok {
				fmt.Printf("group commit: %v commits in %v fsyncs\n", im["commits"], im["syncs"])
			}
		}
		c.Close()
	}
}

// bridgeLoad runs call from n clients for d and returns the throughput
// and the latency percentiles.
func bridgeLoad(ep string, n int, d time.Duration, call func(c *client.Client, i int) error) (rate float64, p50, p99 time.Duration, errs int) {
	lat := make([][]time.Duration, n)
	failed := make([]int, n)
	conns := make([]*client.Client, n)
	for i := range n {
		c, err := client.Dial(ep, client.Options{})
		if err != nil {
			fail(err)
		}
		conns[i] = c
		call(c, i) // connect and warm up
	}
	var wg sync.WaitGroup
	start := time.Now()
	stop := start.Add(d)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := conns[i]
			ls := make([]time.Duration, 0, 1<<16)
			for {
				t0 := time.Now()
				if t0.After(stop) {
					break
				}
				if err := call(c, i); err != nil {
					failed[i]++
				}
				ls = append(ls, time.Since(t0))
			}
			lat[i] = ls
		}()
	}
	wg.Wait()
	el := time.Since(start)
	var all []time.Duration
	for i := range n {
		all = append(all, lat[i]...)
		errs += failed[i]
		conns[i].Close()
	}
	slices.Sort(all)
	if len(all) == 0 {
		return 0, 0, 0, errs
	}
	return float64(len(all)) / el.Seconds(), all[len(all)/2], all[len(all)*99/100], errs
}

// bridgeServer is the child process of the bridge suite: it serves a
// fresh image in dir on a free loopback port, prints the address on
// stdout, and stops on SIGTERM.
func bridgeServer(dir string) {
	img, err := image.Open(image.Options{Dir: dir})
	if err != nil {
		fail(err)
	}
	defer img.Close()
	t, err := img.Thread(vm.Options{Stdout: os.Stderr, Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		fail(err)
	}
	srv, err := bridge.New(bridge.Config{Bind: "tcp://127.0.0.1:0", Rate: -1, ImageDir: dir, Version: "bench"}, t, img)
	if err != nil {
		fail(err)
	}
	fmt.Println(srv.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := srv.Serve(ctx); err != nil {
		fail(err)
	}
}
