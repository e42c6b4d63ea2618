//go:build linux

package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"batos/steward"
)

// stewardRig runs `batos steward` as a real process over `batos serve`
// kernels, with the kernel binary a copy of the test binary (named batos,
// so it acts as the command; see TestMain) that upgrades replace.
type stewardRig struct {
	t       *testing.T
	dir     string
	kernel  string // the binary the steward runs: DIR/bin/batos
	img     string
	channel string
	addr    string
	cmd     *exec.Cmd
	out     *lockedBuffer // the steward's stderr: its log and the kernels'
	exited  chan struct{}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// newStewardRig makes DIR/bin/batos, an image with `counter <- 0`, and
// picks a free loopback port.
func newStewardRig(t *testing.T) *stewardRig {
	dir := t.TempDir()
	r := &stewardRig{t: t, dir: dir, kernel: filepath.Join(dir, "bin", "batos"), img: filepath.Join(dir, "img"), out: &lockedBuffer{}}
	r.channel = filepath.Join(r.img, "upgrade_channel")
	os.Mkdir(filepath.Join(dir, "bin"), 0o755)
	if err := copyBinary(os.Args[0], r.kernel, ""); err != nil {
		t.Fatal(err)
	}
	if out, code := r.batos("-e", "lobby _AddSlots: (| counter <- 0 |)"); code != 0 {
		t.Fatal(out)
	}
	r.addr = "tcp://" + freePort(t)
	t.Cleanup(func() {
		if r.cmd != nil && r.cmd.ProcessState == nil {
			r.cmd.Process.Signal(syscall.SIGTERM)
			<-r.exited
		}
		if t.Failed() {
			t.Logf("steward output:\n%s", r.out.String())
		}
	})
	return r
}

// freePort finds a free loopback port below Linux's ephemeral range, so
// that while the kernel is down no test binding port 0 is given it.
func freePort(t *testing.T) string {
	for range 1000 {
		addr := fmt.Sprintf("127.0.0.1:%d", 20000+rand.IntN(12000))
		if l, err := net.Listen("tcp", addr); err == nil {
			l.Close()
			return addr
		}
	}
	t.Fatal("no free port")
	return ""
}

// copyBinary copies the executable from to to, with suffix appended (a
// different binary that runs the same).
func copyBinary(from, to, suffix string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, append(data, suffix...), 0o755)
}

// batos runs the command in process on the rig's image.
func (r *stewardRig) batos(args ...string) (string, int) {
	var out bytes.Buffer
	code := run(append([]string{"--image", r.img}, args...), strings.NewReader(""), &out, &out)
	return out.String(), code
}

// start starts the steward with extra flags.
func (r *stewardRig) start(flags ...string) {
	args := append([]string{"steward", "--image", r.img, "--bind", r.addr, "--kernel", r.kernel, "--log-file", filepath.Join(r.dir, "steward.log")}, flags...)
	r.cmd = exec.Command(r.kernel, args...)
	r.cmd.Stdout, r.cmd.Stderr = r.out, r.out
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	r.exited = make(chan struct{})
	go func() { r.cmd.Wait(); close(r.exited) }()
}

// stop sends SIGTERM to the steward and waits for it.
func (r *stewardRig) stop() int {
	r.cmd.Process.Signal(syscall.SIGTERM)
	<-r.exited
	return r.cmd.ProcessState.ExitCode()
}

// waitFor polls cond; it fails the test after two minutes (a hang, not a
// timing assertion) or if the steward exits.
func (r *stewardRig) waitFor(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		select {
		case <-r.exited:
			r.t.Fatalf("waiting for %s: the steward exited (%v)", what, r.cmd.ProcessState)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("still waiting for %s after two minutes", what)
		}
	}
}

var kernelStarted = regexp.MustCompile(`msg="kernel started" pid=(\d+) binary=\S+ sha256=([0-9a-f]+)`)

// kernels lists the kernel starts in the steward's log: pid and sha256.
func (r *stewardRig) kernels() [][2]string {
	var out [][2]string
	for _, m := range kernelStarted.FindAllStringSubmatch(r.out.String(), -1) {
		out = append(out, [2]string{m[1], m[2]})
	}
	return out
}

// waitKernel waits for the n-th kernel start and for its bridge to
// answer, and returns the start.
func (r *stewardRig) waitKernel(n int) [2]string {
	r.t.Helper()
	r.waitFor(fmt.Sprintf("kernel %d to start", n), func() bool { return len(r.kernels()) >= n })
	r.waitFor(fmt.Sprintf("kernel %d to answer", n), func() bool {
		if len(r.kernels()) > n {
			r.t.Fatalf("kernel %d died: %v", n, r.kernels())
		}
		_, code := r.client("--timeout", "2s", "eval", "counter")
		return code == 0
	})
	return r.kernels()[n-1]
}

// client runs `batos client` in process against the kernel.
func (r *stewardRig) client(args ...string) (string, int) {
	var out bytes.Buffer
	code := run(append([]string{"client", "--connect", r.addr}, args...), strings.NewReader(""), &out, &out)
	return strings.TrimSpace(out.String()), code
}

// increment adds one to the counter through the bridge and checks it
// then holds want.
func (r *stewardRig) increment(want int) {
	r.t.Helper()
	out, code := r.client("eval", "counter: counter + 1. counter")
	if code != 0 || out != strconv.Itoa(want) {
		r.t.Fatalf("increment to %d: %q (exit %d)", want, out, code)
	}
}

// upgrade drops instructions into the channel (written aside and renamed
// in) and waits for the result.
func (r *stewardRig) upgrade(commands [][]string) steward.Result {
	r.t.Helper()
	data, _ := json.Marshal(map[string]any{"commands": commands})
	tmp := filepath.Join(r.channel, "incoming")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		r.t.Fatal(err)
	}
	os.Remove(filepath.Join(r.channel, steward.ResultFile))
	if err := os.Rename(tmp, filepath.Join(r.channel, steward.InstructionsFile)); err != nil {
		r.t.Fatal(err)
	}
	r.waitFor("the upgrade to be taken", func() bool {
		_, err := os.Lstat(filepath.Join(r.channel, steward.InstructionsFile))
		return errors.Is(err, os.ErrNotExist)
	})
	var res steward.Result
	data, err := os.ReadFile(filepath.Join(r.channel, steward.ResultFile))
	if err == nil {
		err = json.Unmarshal(data, &res)
	}
	if err != nil {
		r.t.Fatalf("result: %v", err)
	}
	return res
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// TestStewardUpgradesAndKills: a counter in the image, incremented
// through the bridge, survives 20 upgrades that replace the batos binary
// and 20 kill -9s of the kernel, with nothing lost; each upgrade's kernel
// runs the binary it installed.
func TestStewardUpgradesAndKills(t *testing.T) {
	r := newStewardRig(t)
	// two builds that differ: the test binary and the same with bytes
	// appended (the loader ignores them)
	builds := [2]string{filepath.Join(r.dir, "build-a"), filepath.Join(r.dir, "build-b")}
	copyBinary(os.Args[0], builds[0], "")
	copyBinary(os.Args[0], builds[1], "\nanother build\n")
	sums := [2]string{fileSum(t, builds[0]), fileSum(t, builds[1])}
	if sums[0] == sums[1] {
		t.Fatal("the two builds are the same")
	}
	r.start("--max-backoff", "500ms")
	n, count := 1, 0
	r.waitKernel(n)
	for cycle := range 20 {
		count++
		r.increment(count)
		// kill -9 the kernel: the steward starts another on the same image
		pid, _ := strconv.Atoi(r.kernels()[n-1][0])
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		n++
		r.waitKernel(n)
		count++
		r.increment(count)
		// an upgrade: install the other build while the kernel is down
		// (the image is closed then: the commands open it too)
		build := builds[cycle%2]
		// (by renaming over it: the steward itself runs from that file,
		// so writing into it would fail with ETXTBSY)
		res := r.upgrade([][]string{
			{"cp", build, r.kernel + ".new"},
			{"mv", r.kernel + ".new", r.kernel},
			{r.kernel, "--image", r.img, "-e", "counter: counter + 1. counter"},
		})
		count++
		if !res.OK || res.Kernel.After != sums[cycle%2] || strings.TrimSpace(res.Commands[2].Stdout) != strconv.Itoa(count) {
			t.Fatalf("cycle %d: upgrade result %+v", cycle, res)
		}
		n++
		if k := r.waitKernel(n); k[1] != sums[cycle%2] {
			t.Fatalf("cycle %d: the kernel runs %s, want the new build %s", cycle, k[1], sums[cycle%2])
		}
	}
	count++
	r.increment(count)
	if code := r.stop(); code != 0 {
		t.Fatalf("the steward exited %d on SIGTERM", code)
	}
	if out, code := r.batos("-e", "counter"); code != 0 || strings.TrimSpace(out) != strconv.Itoa(count) || count != 61 {
		t.Fatalf("counter after the steward stopped: %q (exit %d), want %d", out, code, count)
	}
	if out, code := r.batos("image", "check"); code != 0 {
		t.Fatal(out)
	}
	log, err := os.ReadFile(filepath.Join(r.dir, "steward.log"))
	if err != nil || !bytes.Contains(log, []byte(`msg="steward stopped"`)) || bytes.Count(log, []byte(`msg="kernel started"`)) != 41 {
		t.Fatalf("the log file: %v\n%s", err, log)
	}
}

// TestStewardFailedUpgrade: an upgrade whose second command fails after
// the first replaced the binary leaves the kernel restarted on the old
// binary, and the world as it was.
func TestStewardFailedUpgrade(t *testing.T) {
	r := newStewardRig(t)
	newBuild := filepath.Join(r.dir, "build-new")
	copyBinary(os.Args[0], newBuild, "\na new build\n")
	old := fileSum(t, r.kernel)
	r.start()
	r.waitKernel(1)
	r.increment(1)
	res := r.upgrade([][]string{
		{"mv", newBuild, r.kernel},
		{r.kernel, "--image", r.img, "-e", "1 / 0"},
		{r.kernel, "--image", r.img, "-e", "counter: 100"},
	})
	if res.OK || len(res.Commands) != 2 || res.Commands[1].ExitCode != 1 || !strings.Contains(res.Error, "commands[1]") {
		t.Fatalf("result %+v", res)
	}
	if !res.Kernel.RolledBack || res.Kernel.Before != old || res.Kernel.After != old {
		t.Fatalf("kernel %+v, want it back on %s", res.Kernel, old)
	}
	if k := r.waitKernel(2); k[1] != old {
		t.Fatalf("the kernel runs %s, want the old binary %s", k[1], old)
	}
	if got := fileSum(t, r.kernel); got != old {
		t.Fatalf("the binary on disk is %s, want %s", got, old)
	}
	r.increment(2)
	if code := r.stop(); code != 0 {
		t.Fatalf("steward exit %d", code)
	}
}

// TestStewardCrashLoop: a kernel that cannot start (another batos serve
// holds the image) makes the steward stop and say why.
func TestStewardCrashLoop(t *testing.T) {
	r := newStewardRig(t)
	holder := exec.Command(r.kernel, "serve", "--image", r.img, "--bind", "tcp://127.0.0.1:0")
	var holderOut lockedBuffer
	holder.Stderr = &holderOut
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { holder.Process.Signal(syscall.SIGTERM); holder.Wait() }()
	r.waitFor("the other server", func() bool { return strings.Contains(holderOut.String(), "listening on") })
	r.start("--max-quick-deaths", "3", "--quick-death", "1m", "--min-backoff", "10ms")
	<-r.exited
	out := r.out.String()
	if code := r.cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("steward exit %d, want 1", code)
	}
	if !strings.Contains(out, "batos steward: the kernel is crash-looping: it died 3 times in a row, each within 1m0s of its start") || !strings.Contains(out, "(last: exit status 1)") ||
		!strings.Contains(out, "its last words on stderr:\nbatos serve: image "+r.img+" is in use by another batos process") {
		t.Fatalf("no crash-loop report:\n%s", out)
	}
	if n := len(r.kernels()); n != 3 {
		t.Fatalf("%d kernel starts, want 3", n)
	}
}

// TestStewardDeathStopsKernel: a steward killed with SIGKILL takes its
// kernel with it (SIGTERM, Linux's parent-death signal), so the image is
// free for the next steward, with nothing lost. (The kernel may die of
// SIGPIPE on its next write to the dead steward's stderr pipe before it
// closes the image: as safe as a kill -9, every commit being synced.)
func TestStewardDeathStopsKernel(t *testing.T) {
	r := newStewardRig(t)
	r.start()
	pid, _ := strconv.Atoi(r.waitKernel(1)[0])
	r.increment(1)
	r.cmd.Process.Signal(syscall.SIGKILL)
	<-r.exited
	// the orphaned kernel is reaped by init once it exits
	for deadline := time.Now().Add(2 * time.Minute); syscall.Kill(pid, 0) != syscall.ESRCH; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the kernel still runs two minutes after its steward died")
		}
	}
	if out, code := r.batos("image", "check"); code != 0 {
		t.Fatal(out)
	}
	if out, code := r.batos("-e", "counter"); code != 0 || strings.TrimSpace(out) != "1" {
		t.Fatalf("counter: %q (exit %d)", out, code)
	}
}
