//go:build linux

package steward

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The test binary is also the kernel these tests supervise: with
// STEWARD_TEST_CHILD set it runs child instead of the tests.
func TestMain(m *testing.M) {
	if mode := os.Getenv("STEWARD_TEST_CHILD"); mode != "" {
		os.Exit(child(mode, os.Getenv("STEWARD_TEST_DIR")))
	}
	os.Exit(m.Run())
}

// crashMarker at the end of a kernel binary makes it die at once: an
// upgrade to a broken kernel.
const crashMarker = "\nSTEWARD-TEST-CRASH\n"

// usageMarker makes a kernel binary reject its command line (exit 2).
const usageMarker = "\nSTEWARD-TEST-USAGE\n"

// child is a kernel. It appends "PID SHA256" (of its own binary) to
// DIR/starts, then waits for SIGTERM and appends its pid to DIR/stops.
// Modes: "serve" as above; "crash" dies at once, as does any mode when its
// binary ends with crashMarker; "usage" exits 2 at once (a command line
// rejected), as does any mode when its binary ends with usageMarker;
// "stubborn" ignores SIGTERM.
func child(mode, dir string) int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if mode == "usage" || bytes.HasSuffix(data, []byte(usageMarker)) {
		fmt.Fprintln(os.Stderr, "flag provided but not defined: -bogus")
		return 2
	}
	if mode == "crash" || bytes.HasSuffix(data, []byte(crashMarker)) {
		fmt.Fprintln(os.Stderr, "boom: the kernel cannot start")
		return 3
	}
	sum := sha256.Sum256(data)
	terms := make(chan os.Signal, 1)
	signal.Notify(terms, syscall.SIGTERM)
	if mode == "stubborn" {
		signal.Ignore(syscall.SIGTERM)
	}
	appendLine(filepath.Join(dir, "starts"), fmt.Sprintf("%d %s", os.Getpid(), hex.EncodeToString(sum[:])))
	<-terms
	appendLine(filepath.Join(dir, "stops"), fmt.Sprint(os.Getpid()))
	return 0
}

func appendLine(path, line string) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		panic(err)
	}
	fmt.Fprintln(f, line)
	f.Close()
}

// harness is a steward running on a copy of the test binary in a
// temporary directory.
type harness struct {
	t       *testing.T
	dir     string
	kernel  string // the kernel binary
	channel string
	cancel  context.CancelFunc
	done    chan error
	logs    *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// newHarness prepares a kernel binary and a channel; tweak changes the
// configuration before start.
func newHarness(t *testing.T, mode string) *harness {
	dir := t.TempDir()
	h := &harness{t: t, dir: dir, kernel: filepath.Join(dir, "kernel"), channel: filepath.Join(dir, "upgrade_channel"), logs: &syncBuffer{}}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := copyFile(self, h.kernel); err != nil {
		t.Fatal(err)
	}
	t.Setenv("STEWARD_TEST_CHILD", mode)
	t.Setenv("STEWARD_TEST_DIR", dir)
	t.Cleanup(func() {
		if h.cancel != nil {
			h.stop()
		}
		if t.Failed() {
			t.Logf("steward log:\n%s", h.logs.String())
		}
	})
	return h
}

func (h *harness) config() Config {
	return Config{
		Kernel:         []string{h.kernel},
		Channel:        h.channel,
		Logger:         slog.New(slog.NewTextHandler(h.logs, nil)),
		Stdout:         io.Discard,
		Stderr:         h.logs,
		MinBackoff:     10 * time.Millisecond,
		MaxBackoff:     50 * time.Millisecond,
		StopTimeout:    30 * time.Second,
		QuickDeath:     10 * time.Second,
		MaxQuickDeaths: 4,
		Settle:         20 * time.Millisecond,
		Poll:           200 * time.Millisecond,
	}
}

func (h *harness) start(cfg Config) {
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan error, 1)
	go func() { h.done <- Run(ctx, cfg) }()
}

// stop ends the steward and returns Run's error.
func (h *harness) stop() error {
	h.cancel()
	h.cancel = nil
	return <-h.done
}

// waitFor polls cond until it holds; it fails the test after a minute
// (a hang, not a timing assertion).
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("still waiting for %s after a minute", what)
		}
		select {
		case err := <-h.done:
			h.t.Fatalf("waiting for %s: the steward returned %v", what, err)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// lines reads DIR/name's lines.
func (h *harness) lines(name string) []string {
	data, _ := os.ReadFile(filepath.Join(h.dir, name))
	return strings.Fields(strings.ReplaceAll(string(data), " ", "_"))
}

// starts returns the kernel runs so far: pid and binary sha256.
func (h *harness) starts() [][2]string {
	var out [][2]string
	for _, l := range h.lines("starts") {
		pid, sum, _ := strings.Cut(l, "_")
		out = append(out, [2]string{pid, sum})
	}
	return out
}

// waitStarts waits for the n-th kernel start and returns it.
func (h *harness) waitStarts(n int) [2]string {
	h.t.Helper()
	h.waitFor(fmt.Sprintf("kernel start %d", n), func() bool { return len(h.starts()) >= n })
	return h.starts()[n-1]
}

// upgrade writes the instruction text (by renaming it in, as documented),
// waits for the steward to take it, and returns the result.
func (h *harness) upgrade(text string) Result {
	h.t.Helper()
	tmp := filepath.Join(h.channel, "incoming.tmp")
	if err := os.WriteFile(tmp, []byte(text), 0o600); err != nil {
		h.t.Fatal(err)
	}
	os.Remove(filepath.Join(h.channel, ResultFile))
	if err := os.Rename(tmp, filepath.Join(h.channel, InstructionsFile)); err != nil {
		h.t.Fatal(err)
	}
	return h.result()
}

// result waits for the instruction file to go and reads the result.
func (h *harness) result() Result {
	h.t.Helper()
	h.waitFor("the instruction file to be taken", func() bool {
		_, err := os.Lstat(filepath.Join(h.channel, InstructionsFile))
		return errors.Is(err, os.ErrNotExist)
	})
	data, err := os.ReadFile(filepath.Join(h.channel, ResultFile))
	if err != nil {
		h.t.Fatal(err)
	}
	var r Result
	if err := json.Unmarshal(data, &r); err != nil {
		h.t.Fatalf("%v in %s", err, data)
	}
	return r
}

func sha(t *testing.T, path string) string {
	t.Helper()
	s, err := fileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRestartAfterKill: a kernel killed with SIGKILL is started again;
// ending the steward stops the kernel with SIGTERM.
func TestRestartAfterKill(t *testing.T) {
	h := newHarness(t, "serve")
	h.start(h.config())
	for i := 1; i <= 3; i++ {
		pid := h.waitStarts(i)[0]
		var p int
		fmt.Sscan(pid, &p)
		if err := syscall.Kill(p, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
	}
	last := h.waitStarts(4)[0]
	if err := h.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if stops := h.lines("stops"); len(stops) != 1 || stops[0] != last {
		t.Fatalf("stops %v, want only the last kernel %s stopped by SIGTERM", stops, last)
	}
	if n := len(h.starts()); n != 4 {
		t.Fatalf("%d starts, want 4", n)
	}
}

// TestCrashLoop: a kernel that dies at once ends Run with a
// *CrashLoopError carrying its last words.
func TestCrashLoop(t *testing.T) {
	h := newHarness(t, "crash")
	cfg := h.config()
	err := Run(context.Background(), cfg)
	var cl *CrashLoopError
	if !errors.As(err, &cl) {
		t.Fatalf("Run: %v, want a crash loop", err)
	}
	if cl.Deaths != cfg.MaxQuickDeaths || cl.Last != "exit status 3" || !strings.Contains(cl.Stderr, "boom: the kernel cannot start") {
		t.Fatalf("crash loop error: %+v", cl)
	}
	if !strings.Contains(err.Error(), "crash-looping: it died 4 times in a row") {
		t.Fatalf("message: %v", err)
	}
}

// TestKernelUsageError: a kernel that rejects its command line
// (Config.UsageExit) ends Run at its first death.
func TestKernelUsageError(t *testing.T) {
	h := newHarness(t, "usage")
	cfg := h.config()
	cfg.UsageExit = 2
	err := Run(context.Background(), cfg)
	var ue *KernelUsageError
	if !errors.As(err, &ue) || ue.Stderr != "flag provided but not defined: -bogus" {
		t.Fatalf("Run: %v", err)
	}
	if n := strings.Count(h.logs.String(), "boom") + strings.Count(h.logs.String(), "msg=\"kernel died\""); n != 1 {
		t.Fatalf("%d deaths, want 1", n)
	}
}

// TestCrashLoopMissingBinary: a kernel binary that is not there is a
// crash loop too, and says so.
func TestCrashLoopMissingBinary(t *testing.T) {
	h := newHarness(t, "serve")
	cfg := h.config()
	cfg.Kernel = []string{filepath.Join(h.dir, "no-such-kernel")}
	err := Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "no-such-kernel: no such file or directory") {
		t.Fatalf("Run: %v", err)
	}
}

// TestStopEscalates: a kernel that ignores SIGTERM is killed after
// StopTimeout.
func TestStopEscalates(t *testing.T) {
	h := newHarness(t, "stubborn")
	cfg := h.config()
	cfg.StopTimeout = 100 * time.Millisecond
	h.start(cfg)
	h.waitStarts(1)
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.logs.String(), "the kernel did not stop in time; killing it") {
		t.Fatalf("no escalation in the log")
	}
	if stops := h.lines("stops"); len(stops) != 0 {
		t.Fatalf("the stubborn kernel stopped by itself: %v", stops)
	}
}

// TestUpgrade: the commands run with the kernel stopped, the new binary
// runs next, and the result tells what happened.
func TestUpgrade(t *testing.T) {
	h := newHarness(t, "serve")
	h.start(h.config())
	first := h.waitStarts(1)
	newBin := filepath.Join(h.dir, "kernel.new")
	if err := copyFile(h.kernel, newBin); err != nil {
		t.Fatal(err)
	}
	appendLine(newBin, "a different kernel")
	marker := filepath.Join(h.dir, "ran")
	text, _ := json.Marshal(map[string]any{"commands": [][]string{
		{"cp", newBin, h.kernel},
		{"sh", "-c", "echo out; echo err >&2; test -f " + filepath.Join(h.dir, "stops") + " && touch " + marker},
	}})
	r := h.upgrade(string(text))
	if !r.OK || r.Error != "" || len(r.Commands) != 2 {
		t.Fatalf("result %+v", r)
	}
	if c := r.Commands[1]; c.ExitCode != 0 || c.Stdout != "out\n" || c.Stderr != "err\n" {
		t.Fatalf("second command %+v", c)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("the commands ran while the kernel was up: %v", err)
	}
	want := sha(t, newBin)
	if r.Kernel.Before != first[1] || r.Kernel.After != want || r.Kernel.RolledBack {
		t.Fatalf("kernel %+v, want %s to %s", r.Kernel, first[1], want)
	}
	if second := h.waitStarts(2); second[1] != want {
		t.Fatalf("the kernel restarted on %s, want the new binary %s", second[1], want)
	}
	if stops := h.lines("stops"); len(stops) != 1 || stops[0] != first[0] {
		t.Fatalf("stops %v: the first kernel was not stopped gracefully", stops)
	}
	sum := sha256.Sum256(text)
	if r.InstructionsSHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("instructions sha256 %s", r.InstructionsSHA256)
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
}

// TestFailedUpgradeRollsBack: a command fails after the binary was
// replaced: the rest do not run, the previous binary is put back and the
// kernel restarts on it.
func TestFailedUpgradeRollsBack(t *testing.T) {
	h := newHarness(t, "serve")
	h.start(h.config())
	first := h.waitStarts(1)
	newBin := filepath.Join(h.dir, "kernel.new")
	copyFile(h.kernel, newBin)
	appendLine(newBin, "a different kernel")
	never := filepath.Join(h.dir, "never")
	text, _ := json.Marshal(map[string]any{"commands": [][]string{
		{"cp", newBin, h.kernel},
		{"sh", "-c", "echo checking >&2; exit 7"},
		{"touch", never},
	}})
	r := h.upgrade(string(text))
	if r.OK || len(r.Commands) != 2 || r.Commands[1].ExitCode != 7 || r.Commands[1].Stderr != "checking\n" {
		t.Fatalf("result %+v", r)
	}
	if !strings.Contains(r.Error, "commands[1] (sh) failed: exit status 7; the rest did not run") {
		t.Fatalf("error %q", r.Error)
	}
	if !r.Kernel.RolledBack || r.Kernel.After != first[1] {
		t.Fatalf("kernel %+v: not rolled back to %s", r.Kernel, first[1])
	}
	if _, err := os.Stat(never); err == nil {
		t.Fatal("a command after the failure ran")
	}
	if second := h.waitStarts(2); second[1] != first[1] {
		t.Fatalf("the kernel restarted on %s, want the old binary %s", second[1], first[1])
	}
	if got := sha(t, h.kernel); got != first[1] {
		t.Fatalf("binary on disk %s, want %s", got, first[1])
	}
	h.stop()
}

// TestMissingCommand: a program that does not exist fails the upgrade
// with the reason, and the kernel restarts.
func TestMissingCommand(t *testing.T) {
	h := newHarness(t, "serve")
	h.start(h.config())
	h.waitStarts(1)
	r := h.upgrade(`{"commands": [["/no/such/program", "x"]]}`)
	if r.OK || len(r.Commands) != 1 || r.Commands[0].ExitCode != -1 || !strings.Contains(r.Commands[0].Error, "no such file or directory") {
		t.Fatalf("result %+v", r)
	}
	h.waitStarts(2)
	h.stop()
}

// TestUpgradeToCrashingKernelRollsBack: a new binary that crash-loops is
// replaced by the previous one, which then runs.
func TestUpgradeToCrashingKernelRollsBack(t *testing.T) {
	h := newHarness(t, "serve")
	h.start(h.config())
	first := h.waitStarts(1)
	broken := filepath.Join(h.dir, "kernel.broken")
	copyFile(h.kernel, broken)
	f, _ := os.OpenFile(broken, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(crashMarker)
	f.Close()
	r := h.upgrade(fmt.Sprintf(`{"commands": [["cp", %q, %q]]}`, broken, h.kernel))
	if !r.OK || r.Kernel.After != sha(t, broken) {
		t.Fatalf("result %+v", r)
	}
	if second := h.waitStarts(2); second[1] != first[1] {
		t.Fatalf("after the crash loop the kernel runs %s, want the previous %s", second[1], first[1])
	}
	if !strings.Contains(h.logs.String(), "put the previous kernel binary back") {
		t.Fatal("the rollback is not in the log")
	}
	if _, err := os.Lstat(filepath.Join(h.channel, backupFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the backup is still there: %v", err)
	}
	h.stop()
}

// TestRefusedInstructions: malformed or ill-shaped instructions and
// symbolic links get a result with the error; nothing runs and the kernel
// is not touched.
func TestRefusedInstructions(t *testing.T) {
	h := newHarness(t, "serve")
	h.start(h.config())
	first := h.waitStarts(1)
	never := filepath.Join(h.dir, "never")
	touch := fmt.Sprintf("[\"touch\", %q]", never)
	for _, c := range []struct{ text, want string }{
		{`{"commands": [` + touch + `,]}`, ":1:" + fmt.Sprint(len(`{"commands": [`+touch+`,`)+1) + ": malformed JSON: invalid character ']'"},
		{"{\n  \"commands\": [\n    " + touch + "\n", ": malformed JSON: the text ends too soon"},
		{``, ": malformed JSON: the text ends too soon"},
		{`[` + touch + `]`, `: the instructions must be an object {"commands": [[...], ...]}, not an array`},
		{`{"commands": [` + touch + `]} {}`, fmt.Sprintf(":1:%d: text after the JSON object", len(`{"commands": [`+touch+`]} `)+1)},
		{`{}`, `: no "commands" field`},
		{`{"commands": [` + touch + `], "shell": true}`, `: unknown field "shell"`},
		{`{"commands": "touch x"}`, `: "commands" must be an array of argv arrays, not a string`},
		{`{"commands": [` + touch + `, "ls"]}`, `: commands[1] must be an array of strings (an argv list), not a string`},
		{`{"commands": [` + touch + `, []]}`, `: commands[1] is empty`},
		{`{"commands": [` + touch + `, ["ls", 3]]}`, `: commands[1][1] must be a string, not a number`},
		{`{"commands": [` + touch + `, ["ls", null]]}`, `: commands[1][1] must be a string, not null`},
		{`{"commands": [["", "x"]]}`, `: commands[0][0] (the program) is empty`},
	} {
		r := h.upgrade(c.text)
		want := "refused, nothing ran: " + filepath.Join(h.channel, InstructionsFile) + c.want
		if r.OK || !strings.HasPrefix(r.Error, want) || len(r.Commands) != 0 {
			t.Errorf("%s:\n got %q\nwant %q...", c.text, r.Error, want)
		}
	}
	// a symbolic link to good instructions
	good := filepath.Join(h.dir, "good.json")
	os.WriteFile(good, []byte(`{"commands": [`+touch+`]}`), 0o600)
	if err := os.Symlink(good, filepath.Join(h.channel, InstructionsFile)); err != nil {
		t.Fatal(err)
	}
	r := h.result()
	if r.OK || !strings.Contains(r.Error, "is a symbolic link; refused") {
		t.Errorf("symlink: %+v", r)
	}
	if _, err := os.Stat(good); err != nil {
		t.Errorf("the link's target was removed: %v", err)
	}
	if _, err := os.Stat(never); err == nil {
		t.Error("a refused command ran")
	}
	if starts := h.starts(); len(starts) != 1 || starts[0] != first {
		t.Errorf("the kernel was restarted: %v", starts)
	}
	if stops := h.lines("stops"); len(stops) != 0 {
		t.Errorf("the kernel was stopped: %v", stops)
	}
	h.stop()
}

// TestWorldWritableChannel: a channel anyone can write to is refused when
// the steward starts, and an instruction file is refused if the channel
// becomes so later.
func TestWorldWritableChannel(t *testing.T) {
	h := newHarness(t, "serve")
	if err := os.Mkdir(h.channel, 0o700); err != nil {
		t.Fatal(err)
	}
	os.Chmod(h.channel, 0o777)
	err := Run(context.Background(), h.config())
	if err == nil || !strings.Contains(err.Error(), "is writable by every user (mode 0777)") || !strings.Contains(err.Error(), "chmod o-w") {
		t.Fatalf("Run: %v", err)
	}
	if len(h.starts()) != 0 {
		t.Fatal("the kernel started")
	}

	os.Chmod(h.channel, 0o755)
	h.start(h.config())
	h.waitStarts(1)
	os.Chmod(h.channel, 0o757)
	r := h.upgrade(`{"commands": [["true"]]}`)
	if r.OK || !strings.Contains(r.Error, "writable by every user") {
		t.Fatalf("result %+v", r)
	}
	if len(h.starts()) != 1 {
		t.Fatal("the kernel was restarted")
	}
	h.stop()
}

// TestInstructionsWaitingAtStart: a file left while the steward was down
// is acted on before the kernel starts.
func TestInstructionsWaitingAtStart(t *testing.T) {
	h := newHarness(t, "serve")
	os.Mkdir(h.channel, 0o700)
	marker := filepath.Join(h.dir, "ran")
	os.WriteFile(filepath.Join(h.channel, InstructionsFile), []byte(fmt.Sprintf(`{"commands": [["sh", "-c", "test ! -f %s/starts && touch %s"]]}`, h.dir, marker)), 0o600)
	old := time.Now().Add(-time.Minute)
	os.Chtimes(filepath.Join(h.channel, InstructionsFile), old, old)
	h.start(h.config())
	r := h.result()
	if !r.OK {
		t.Fatalf("result %+v", r)
	}
	h.waitStarts(1)
	if _, err := os.Stat(marker); err != nil {
		t.Fatal("the command did not run before the kernel started")
	}
	h.stop()
}

// TestEmptyCommandsRestart: {"commands": []} restarts the kernel
// gracefully, on the same binary, and keeps no copy of it.
func TestEmptyCommandsRestart(t *testing.T) {
	h := newHarness(t, "serve")
	h.start(h.config())
	first := h.waitStarts(1)
	r := h.upgrade(`{"commands": []}`)
	if !r.OK || len(r.Commands) != 0 || r.Kernel.Before != first[1] || r.Kernel.After != first[1] {
		t.Fatalf("result %+v", r)
	}
	if second := h.waitStarts(2); second[1] != first[1] || second[0] == first[0] {
		t.Fatalf("restart %v after %v", second, first)
	}
	if stops := h.lines("stops"); len(stops) != 1 || stops[0] != first[0] {
		t.Fatalf("stops %v", stops)
	}
	if _, err := os.Lstat(filepath.Join(h.channel, backupFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a copy of the unchanged binary is kept: %v", err)
	}
	h.stop()
}

// TestUpgradeToKernelRejectingFlagsRollsBack: a new binary that rejects
// the kernel's command line (Config.UsageExit) is replaced by the
// previous one at its first death.
func TestUpgradeToKernelRejectingFlagsRollsBack(t *testing.T) {
	h := newHarness(t, "serve")
	cfg := h.config()
	cfg.UsageExit = 2
	h.start(cfg)
	first := h.waitStarts(1)
	picky := filepath.Join(h.dir, "kernel.picky")
	copyFile(h.kernel, picky)
	f, _ := os.OpenFile(picky, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(usageMarker)
	f.Close()
	r := h.upgrade(fmt.Sprintf(`{"commands": [["cp", %q, %q]]}`, picky, h.kernel))
	if !r.OK || r.Kernel.After != sha(t, picky) {
		t.Fatalf("result %+v", r)
	}
	if second := h.waitStarts(2); second[1] != first[1] {
		t.Fatalf("the kernel runs %s, want the previous %s", second[1], first[1])
	}
	if logs := h.logs.String(); !strings.Contains(logs, "put the previous kernel binary back") || !strings.Contains(logs, "the kernel rejected its command line") {
		t.Fatalf("the rollback and its reason are not in the log")
	}
	h.stop()
}
