package main

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// procPeer is an interpreter written in C, run as a process of its own
// (installed by `make bench-deps`). Its driver script (peers/proc) prints
// "start" just before it loads one workload and the result when the
// workload is done; the time between the two lines, on the wall clock as
// for batos, is the workload's, so that the process's start-up is not
// counted.
type procPeer struct {
	name   string   // column heading
	bin    string   // the program: a name looked up in $PATH, or a path
	args   []string // flags before the driver
	driver string   // under peers/proc
	dir    string   // workloads under peers/, with ext
	ext    string
	path   string // the program found, "" when absent
	why    string // why it is absent
}

// procPeers are the C interpreters: PUC Lua 5.4, LuaJIT's interpreter
// with the JIT compiler off, and Debian's CPython 3 (by its path, so that
// a pyenv python in $PATH is not taken instead). Both Luas run the same
// files as gopher-lua.
var procPeers = []*procPeer{
	{name: "lua5.4", bin: "lua5.4", driver: "run.lua", dir: "lua", ext: ".lua"},
	{name: "luajit-joff", bin: "luajit", args: []string{"-joff"}, driver: "run.lua", dir: "lua", ext: ".lua"},
	{name: "cpython3", bin: "/usr/bin/python3", driver: "run.py", dir: "py", ext: ".py"},
}

// findProcPeers looks up each peer's program and writes the embedded
// scripts to a temporary directory, which it returns.
func findProcPeers() (string, error) {
	for _, p := range procPeers {
		path, err := exec.LookPath(p.bin)
		if err != nil {
			p.why = fmt.Sprintf("%s is not installed (make bench-deps installs it)", p.bin)
			continue
		}
		p.path = path
	}
	tmp, err := os.MkdirTemp("", "batos-peers-")
	if err != nil {
		return "", err
	}
	err = fs.WalkDir(scripts, "peers", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := scripts.ReadFile(path)
		if err != nil {
			return err
		}
		dst := filepath.Join(tmp, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	return tmp, err
}

// run runs one workload in a new process and returns its result and the
// time between its "start" line and its result.
func (p *procPeer) run(root, work string) (string, time.Duration, error) {
	args := append(append([]string(nil), p.args...),
		filepath.Join(root, "peers", "proc", p.driver),
		filepath.Join(root, "peers", p.dir, work+p.ext))
	cmd := exec.Command(p.path, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", 0, err
	}
	if err := cmd.Start(); err != nil {
		return "", 0, err
	}
	r := bufio.NewReader(out)
	first, _ := r.ReadString('\n')
	t0 := time.Now()
	res, _ := r.ReadString('\n')
	d := time.Since(t0)
	io.Copy(io.Discard, r)
	if err := cmd.Wait(); err != nil {
		return "", 0, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	if first != "start\n" || !strings.HasSuffix(res, "\n") {
		return "", 0, fmt.Errorf("unexpected output %q %q (want start, then the result)", first, res)
	}
	return strings.TrimSpace(res), d, nil
}
