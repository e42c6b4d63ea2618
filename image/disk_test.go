package image_test

// Full-disk tests: ENOSPC injected with errorfs at the log, at the flush
// and at the compaction, and a real small file system (tmpfs) filled up.
// Each run must end with a clear "the disk is full" error or with durable
// commits, never hang: every run has a generous deadline (diskDeadline)
// after which it is reported as a hang; nothing asserts on speed.

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"

	"batos/image"
	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// diskDeadline is how long a step may take before the test calls it a
// hang (a hang is what these tests guard against; no speed is asserted).
const diskDeadline = 60 * time.Second

// within runs f and fails the test if it does not return by the deadline.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(diskDeadline):
		t.Fatalf("%s: still running after %v: batos hangs", what, diskDeadline)
	}
	if t.Failed() {
		t.FailNow()
	}
}

const diskWorld = `lobby _AddSlots: (| disk = (| parent* = traits clonable. n <- 0. log <- vector copy.
	step = ( n: n + 1. log add: (byteVector copySize: 3000). n ) |) |)`

// fillUntilFull runs statements that each commit about 3 KB until one
// fails or max have run. It returns the last committed counter and the
// error (nil if none failed).
func fillUntilFull(t *testing.T, th *vm.Thread, max int) (int, error) {
	t.Helper()
	last := 0
	var ferr error
	within(t, "filling the disk", func() {
		for i := 0; i < max; i++ {
			v, err := th.EvalString("fill", "disk step")
			if err != nil {
				ferr = err
				return
			}
			last = int(v.Int())
		}
	})
	return last, ferr
}

// afterFull checks what the world does after a commit failed on a full
// disk: statements that write nothing run, writes are refused clearly.
func afterFull(t *testing.T, th *vm.Thread, err error) {
	t.Helper()
	if !errors.Is(err, image.ErrDiskFull) || !strings.Contains(err.Error(), "the disk is full") {
		t.Fatalf("the failed commit: %v (want: the disk is full)", err)
	}
	within(t, "a statement after the failure", func() {
		if got := eval(t, th, "(3 + 4) printString"); got != "'7'" {
			t.Errorf("3 + 4 after the failure: %s", got)
		}
		if _, err := th.EvalString("t", "disk step"); err == nil {
			t.Errorf("a write after the failed commit succeeded")
		}
	})
}

type faultSite struct {
	name     string
	memtable uint64 // small ones make flushes and compactions frequent
	// match selects the operations that fail while the fault is on;
	// compacting tells whether a compaction is running
	match func(op errorfs.Op, compacting bool) bool
}

var sstWrites = map[errorfs.OpKind]bool{errorfs.OpCreate: true, errorfs.OpFileWrite: true,
	errorfs.OpFileWriteAt: true, errorfs.OpFileSync: true, errorfs.OpFileSyncData: true,
	errorfs.OpFilePreallocate: true, errorfs.OpFileSyncTo: true}

var faultSites = []faultSite{
	// Pebble's default memtable (4 MB) for the log: with memtables that
	// fill at every few commits, ENOSPC would strike the closing of a log
	// at a memtable switch, where Pebble v2.1.7 panics with its mutex
	// unlocked (DB.rotateWAL), which no caller can recover from
	// (only writes: a failed sync is the ambiguous case of
	// TestCommitFaults, where the failed transaction may survive)
	{"wal", 0, func(op errorfs.Op, _ bool) bool {
		return strings.HasSuffix(op.Path, ".log") && (op.Kind == errorfs.OpFileWrite || op.Kind == errorfs.OpFileWriteAt)
	}},
	{"flush", 64 << 10, func(op errorfs.Op, _ bool) bool {
		return strings.HasSuffix(op.Path, ".sst") && sstWrites[op.Kind]
	}},
	{"compaction", 64 << 10, func(op errorfs.Op, compacting bool) bool {
		return compacting && strings.HasSuffix(op.Path, ".sst") && sstWrites[op.Kind]
	}},
}

// TestDiskFullInjected injects ENOSPC at the log, at the flushes and at
// the compactions of an image with small memtables (so the disk is
// written often), several times each with the fault starting at a
// different point. A commit either succeeds (and is durable) or fails
// with "the disk is full"; afterwards the world goes on read-only; once
// the fault is gone the image reopens with exactly the commits that
// succeeded, and check passes.
func TestDiskFullInjected(t *testing.T) {
	rounds := 4
	if testing.Short() {
		rounds = 2
	}
	for _, site := range faultSites {
		for round := 0; round < rounds; round++ {
			t.Run(fmt.Sprintf("%s/%d", site.name, round), func(t *testing.T) {
				var compacting atomic.Int32
				var on atomic.Bool
				var skip atomic.Int64
				skip.Store(int64(round * 7)) // where ENOSPC starts
				inj := errorfs.InjectorFunc(func(op errorfs.Op) error {
					if on.Load() && site.match(op, compacting.Load() > 0) && skip.Add(-1) < 0 {
						return &os.PathError{Op: "write", Path: op.Path, Err: syscall.ENOSPC}
					}
					return nil
				})
				listener := &pebble.EventListener{
					CompactionBegin: func(pebble.CompactionInfo) { compacting.Add(1) },
					CompactionEnd:   func(pebble.CompactionInfo) { compacting.Add(-1) },
				}
				mem := vfs.NewMem()
				opts := image.Options{Dir: imgDir, FS: errorfs.Wrap(mem, inj), MemTableSize: site.memtable, Listener: listener}
				img, th := openOpts(t, opts)
				eval(t, th, diskWorld)
				on.Store(true)
				last, err := fillUntilFull(t, th, 600)
				if err != nil {
					t.Logf("after %d commits: %v", last, err)
					afterFull(t, th, err)
				} else if site.name != "compaction" {
					t.Fatalf("%d commits and none failed", last)
				} else {
					t.Logf("%d commits, all durable", last)
				}
				on.Store(false)
				opts.FS = mem
				reopenHolds(t, img, opts, last).Close()
			})
		}
	}
}

// reopenHolds closes img (the fault is over), reopens it from opts and
// checks that it is clean and holds exactly the first last commits; it
// returns the reopened image.
func reopenHolds(t *testing.T, img *image.Image, opts image.Options, last int) *image.Image {
	t.Helper()
	within(t, "closing", func() {
		if err := img.Close(); err != nil {
			t.Logf("close: %v", err)
		}
	})
	img, th := openOpts(t, opts)
	checkClean(t, img)
	if got := eval(t, th, "disk n"); got != fmt.Sprint(last) {
		t.Errorf("reopened: counter %s, want %d (the last successful commit)", got, last)
	}
	if got := eval(t, th, "disk log size"); got != fmt.Sprint(last) {
		t.Errorf("reopened: log size %s, want %d", got, last)
	}
	return img
}

// TestDiskFullManifest: ENOSPC at a write of Pebble's MANIFEST, which
// Pebble treats as fatal on its flush or compaction goroutine (it would
// take the process down). The statement fails clearly, the world goes on,
// closing does not hang (the image stays locked until the process exits),
// and a view of the disk with what was synced holds every successful
// commit.
func TestDiskFullManifest(t *testing.T) {
	rounds := 3
	if testing.Short() {
		rounds = 1
	}
	for round := 0; round < rounds; round++ {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			var on atomic.Bool
			var skip atomic.Int64
			skip.Store(int64(round * 3))
			inj := errorfs.InjectorFunc(func(op errorfs.Op) error {
				if on.Load() && strings.Contains(op.Path, "MANIFEST") && sstWrites[op.Kind] && skip.Add(-1) < 0 {
					return &os.PathError{Op: "write", Path: op.Path, Err: syscall.ENOSPC}
				}
				return nil
			})
			mem := vfs.NewCrashableMem()
			opts := image.Options{Dir: imgDir, FS: errorfs.Wrap(mem, inj), MemTableSize: 64 << 10}
			img, th := openOpts(t, opts)
			eval(t, th, diskWorld)
			on.Store(true)
			last, err := fillUntilFull(t, th, 600)
			if err == nil {
				t.Fatalf("%d commits and none failed", last)
			}
			t.Logf("after %d commits: %v", last, err)
			afterFull(t, th, err)
			synced := mem.CrashClone(vfs.CrashCloneCfg{})
			on.Store(false)
			within(t, "closing", func() {
				if err := img.Close(); err != nil {
					t.Logf("close: %v", err)
				}
			})
			opts.FS = synced
			img, th = openOpts(t, opts)
			defer img.Close()
			checkClean(t, img)
			if got := eval(t, th, "disk n"); got != fmt.Sprint(last) {
				t.Errorf("reopened: counter %s, want %d (the last successful commit)", got, last)
			}
		})
	}
}

// TestOpenOnFullDisk: an image whose recovery needs to write (its log
// holds commits not yet in tables) meets a full disk when it is opened.
// The open fails with "the disk is full" instead of waiting forever, and
// once space is back the image opens with everything committed.
func TestOpenOnFullDisk(t *testing.T) {
	mem := vfs.NewMem()
	var on atomic.Bool
	inj := errorfs.InjectorFunc(func(op errorfs.Op) error {
		if on.Load() && strings.HasSuffix(op.Path, ".sst") && sstWrites[op.Kind] {
			return &os.PathError{Op: "write", Path: op.Path, Err: syscall.ENOSPC}
		}
		return nil
	})
	opts := image.Options{Dir: imgDir, FS: errorfs.Wrap(mem, inj)}
	img, th := openOpts(t, opts)
	eval(t, th, diskWorld)
	last, err := fillUntilFull(t, th, 20)
	if err != nil {
		t.Fatal(err)
	}
	img.Close() // the commits stay in the log: the next open flushes them
	on.Store(true)
	within(t, "opening on a full disk", func() {
		img, err := image.Open(opts)
		if err == nil {
			// it may have opened (a flush that needed no table): then it works
			th, terr := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
			if terr != nil {
				t.Fatal(terr)
			}
			t.Logf("opened: counter %s", eval(t, th, "disk n"))
			img.Close()
			return
		}
		if !errors.Is(err, image.ErrDiskFull) {
			t.Fatalf("open on a full disk: %v", err)
		}
		t.Logf("open on a full disk: %v", err)
	})
	on.Store(false)
	// the abandoned open finishes once there is space, and lets go
	var img2 *image.Image
	within(t, "opening once space is back", func() {
		for {
			i, err := image.Open(opts)
			if err == nil {
				img2 = i
				return
			}
			if !strings.Contains(err.Error(), "already open in this process") {
				t.Errorf("open: %v", err)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
	if img2 == nil {
		return
	}
	defer img2.Close()
	checkClean(t, img2)
	th2, err := img2.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		t.Fatal(err)
	}
	if got := eval(t, th2, "disk n"); got != fmt.Sprint(last) {
		t.Errorf("counter %s, want %d", got, last)
	}
}

func openOpts(t *testing.T, opts image.Options) (*image.Image, *vm.Thread) {
	t.Helper()
	var img *image.Image
	var th *vm.Thread
	within(t, "opening", func() {
		var err error
		if img, err = image.Open(opts); err != nil {
			t.Fatal(err)
		}
		if th, err = img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot); err != nil {
			img.Close()
			t.Fatal(err)
		}
	})
	return img, th
}

// TestDiskFullTmpfs fills a real 24 MB tmpfs under an image, eight times,
// each time from a different starting fill so that ENOSPC strikes at
// different points. Each step runs in a child process (this test binary,
// TestDiskChild), as batos would: a commit abandoned on a full disk keeps
// the image locked until its process exits.
//
//   - fill: commits until one fails; it must fail with "the disk is full",
//     and the world goes on (3 + 4 runs, a write is refused);
//   - open on the full disk: it works (read-only) or fails with the same
//     clear error;
//   - once space is freed: the image opens with every successful commit,
//     and check passes.
//
// It needs permission to mount a tmpfs (root); otherwise it is skipped.
func TestDiskFullTmpfs(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a file system eight times (-short)")
	}
	if image.InvariantsEnabled {
		// every commit grows one vector, and the invariants build checks
		// each of its references against the image at every commit
		t.Skip("filling a disk is quadratic with the invariants checks; the plain build runs it")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here (%v: %s)", err, strings.TrimSpace(string(out)))
	}
	defer func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", mnt, err, out)
		}
	}()
	for run := 0; run < 8; run++ {
		t.Run(fmt.Sprint(run), func(t *testing.T) {
			dir := filepath.Join(mnt, "img")
			filler := filepath.Join(mnt, "filler")
			defer os.RemoveAll(dir)
			if err := os.WriteFile(filler, make([]byte, (2<<20)+run*(700<<10)), 0o644); err != nil {
				t.Fatal(err)
			}
			var last int
			out := diskChild(t, "fill", dir)
			if _, err := fmt.Sscanf(out, "FILLED %d", &last); err != nil {
				t.Fatalf("fill: %q", out)
			}
			fullOpen := diskChild(t, "full-open", dir)
			t.Logf("full-open: %s", fullOpen)
			if strings.HasSuffix(fullOpen, "a commit: <nil>") {
				// the room the reserve gave back was there again: the
				// reopened image made its reserve and committed one more
				last++
			}
			os.Remove(filler) // free at least 2 MB
			var n int
			out = diskChild(t, "check", dir)
			if _, err := fmt.Sscanf(out, "CHECKED %d", &n); err != nil {
				t.Fatalf("check: %q", out)
			}
			if n != last {
				t.Errorf("counter %d after freeing space, want %d (the last successful commit)", n, last)
			}
		})
	}
}

// diskChild runs TestDiskChild in mode on dir and returns its report
// line; a child still running after diskDeadline is a hang.
func diskChild(t *testing.T, mode, dir string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestDiskChild$", "-test.v")
	cmd.Env = append(os.Environ(), "BATOS_DISK_CHILD="+mode+":"+dir)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(diskDeadline):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s: still running after %v: batos hangs\n%s", mode, diskDeadline, out.String())
	}
	if err != nil {
		t.Fatalf("%s: %v\n%s", mode, err, out.String())
	}
	for _, line := range strings.Split(out.String(), "\n") {
		for _, p := range []string{"FILLED ", "OPEN ", "CHECKED "} {
			if strings.HasPrefix(line, p) {
				return line
			}
		}
	}
	t.Fatalf("%s reported nothing:\n%s", mode, out.String())
	return ""
}

// TestDiskChild is TestDiskFullTmpfs's child process.
func TestDiskChild(t *testing.T) {
	mode, dir, ok := strings.Cut(os.Getenv("BATOS_DISK_CHILD"), ":")
	if !ok {
		t.Skip("run by TestDiskFullTmpfs")
	}
	opts := image.Options{Dir: dir}
	switch mode {
	case "fill":
		img, th := openOpts(t, opts)
		eval(t, th, diskWorld)
		last, err := fillUntilFull(t, th, 100_000)
		if err == nil {
			t.Fatalf("%d commits of 3 KB fit on a 24 MB file system", last)
		}
		t.Logf("after %d commits: %v", last, err)
		afterFull(t, th, err)
		within(t, "closing", func() {
			if err := img.Close(); err != nil {
				t.Logf("close: %v", err)
			}
		})
		fmt.Printf("FILLED %d\n", last)
	case "full-open":
		within(t, "opening on the full disk", func() {
			img, err := image.Open(opts)
			if err != nil {
				if !errors.Is(err, image.ErrDiskFull) {
					t.Errorf("open on the full disk: %v", err)
				}
				fmt.Printf("OPEN failed: %v\n", err)
				return
			}
			defer img.Close()
			th, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
			if err != nil {
				t.Error(err)
				return
			}
			n := eval(t, th, "disk n")
			if _, err := th.EvalString("t", "disk step"); err != nil && !errors.Is(err, image.ErrDiskFull) {
				t.Errorf("a commit on the full disk: %v", err)
			} else {
				fmt.Printf("OPEN worked: counter %s; a commit: %v\n", n, err)
			}
		})
	case "check":
		img, th := openOpts(t, opts)
		defer img.Close()
		checkClean(t, img)
		fmt.Printf("CHECKED %s\n", eval(t, th, "disk n"))
	}
}
