package image_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"

	"batos/image"
)

// TestDiskFullLogRotation fills the disk under an image whose small
// memtables make Pebble switch logs every few commits, so that ENOSPC
// strikes the closing of the previous log at a switch, where Pebble
// v2.1.7 panics beyond recovery. The injected disk is full until the
// image's reserve file is deleted, which frees room, as on a real disk.
// The log then completes, the commit in flight ends either way, the next
// one answers "the disk is full", and the reopened image holds exactly
// the successful commits. Rounds start the fault at different points;
// at least one of them must strike a log being closed.
func TestDiskFullLogRotation(t *testing.T) {
	// A dry run finds where the logs are closed: the last write or sync
	// of a log before Pebble creates (or recycles) the next one.
	var closes []int
	{
		mem := vfs.NewMem()
		var mu sync.Mutex
		var kinds []errorfs.OpKind
		inj := errorfs.InjectorFunc(func(op errorfs.Op) error {
			if strings.HasSuffix(op.Path, ".log") {
				mu.Lock()
				kinds = append(kinds, op.Kind)
				mu.Unlock()
			}
			return nil
		})
		img, th := openOpts(t, image.Options{Dir: imgDir, FS: logFaults(mem, inj), MemTableSize: 64 << 10})
		eval(t, th, diskWorld)
		mu.Lock()
		start := len(kinds)
		mu.Unlock()
		fillUntilFull(t, th, 300)
		img.Close()
		for i := start + 1; i < len(kinds); i++ {
			if kinds[i] != errorfs.OpCreate && kinds[i] != errorfs.OpReuseForWrite {
				continue
			}
			j := i - 1 // past the closing of the file itself
			for j > start && !logWrite(kinds[j]) && kinds[j] != errorfs.OpCreate && kinds[j] != errorfs.OpReuseForWrite {
				j--
			}
			if logWrite(kinds[j]) {
				closes = append(closes, j-start)
			}
		}
		if len(closes) < 4 {
			t.Fatalf("only %d log switches in the dry run", len(closes))
		}
	}
	rounds := min(len(closes), 12)
	if testing.Short() {
		rounds = min(rounds, 4)
	}
	struck := 0
	for round := 0; round < rounds; round++ {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			mem := vfs.NewMem()
			reserve := mem.PathJoin(imgDir, "RESERVE")
			var mu sync.Mutex
			on, seen, failedAt := false, 0, -1
			closing := false
			inj := errorfs.InjectorFunc(func(op errorfs.Op) error {
				if !strings.HasSuffix(op.Path, ".log") {
					return nil
				}
				mu.Lock()
				defer mu.Unlock()
				if !on {
					return nil
				}
				i := seen
				seen++
				if failedAt >= 0 && i <= failedAt+4 && (op.Kind == errorfs.OpCreate || op.Kind == errorfs.OpReuseForWrite) {
					closing = true // the failed write was the closing of the previous log
				}
				if i < closes[round] || !logWrite(op.Kind) {
					return nil
				}
				if _, err := mem.Stat(reserve); err != nil {
					return nil // the reserve was given back: there is room
				}
				if failedAt < 0 {
					failedAt = i
				}
				return &os.PathError{Op: "write", Path: op.Path, Err: syscall.ENOSPC}
			})
			opts := image.Options{Dir: imgDir, FS: logFaults(mem, inj), MemTableSize: 64 << 10}
			img, th := openOpts(t, opts)
			if _, err := mem.Stat(reserve); err != nil {
				t.Fatalf("no reserve after open: %v", err)
			}
			eval(t, th, diskWorld)
			mu.Lock()
			on = true
			mu.Unlock()
			last, err := fillUntilFull(t, th, 600)
			if err == nil {
				t.Fatalf("%d commits and none failed", last)
			}
			t.Logf("after %d commits: %v", last, err)
			afterFull(t, th, err)
			if _, err := mem.Stat(reserve); err == nil {
				t.Errorf("the reserve is still there after the disk filled up")
			}
			mu.Lock()
			on = false
			if closing {
				struck++
			}
			mu.Unlock()
			opts.FS = mem
			defer reopenHolds(t, img, opts, last).Close()
			if _, err := mem.Stat(reserve); err != nil {
				t.Errorf("reopening with room did not make the reserve again: %v", err)
			}
		})
	}
	t.Logf("%d of %d rounds struck a log being closed at a switch", struck, rounds)
	if struck == 0 {
		t.Errorf("no round struck a log being closed at a switch")
	}
}

func logWrite(k errorfs.OpKind) bool {
	switch k {
	case errorfs.OpFileWrite, errorfs.OpFileWriteAt, errorfs.OpFileSync, errorfs.OpFileSyncData, errorfs.OpFileSyncTo:
		return true
	}
	return false
}

// logFaults wraps fs so that inj sees (and may fail) the creation,
// recycling, writes and syncs of logs. errorfs does not see the writes
// to a recycled log (its ReuseForWrite returns the file unwrapped), and
// Pebble recycles its logs.
func logFaults(fs vfs.FS, inj errorfs.Injector) vfs.FS { return &logFS{FS: fs, inj: inj} }

type logFS struct {
	vfs.FS
	inj errorfs.Injector
}

func (fs *logFS) Create(name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	if err := fs.inj.MaybeError(errorfs.Op{Kind: errorfs.OpCreate, Path: name}); err != nil {
		return nil, err
	}
	f, err := fs.FS.Create(name, c)
	return fs.wrap(name, f), err
}

func (fs *logFS) ReuseForWrite(oldname, newname string, c vfs.DiskWriteCategory) (vfs.File, error) {
	if err := fs.inj.MaybeError(errorfs.Op{Kind: errorfs.OpReuseForWrite, Path: newname}); err != nil {
		return nil, err
	}
	f, err := fs.FS.ReuseForWrite(oldname, newname, c)
	return fs.wrap(newname, f), err
}

func (fs *logFS) wrap(name string, f vfs.File) vfs.File {
	if f == nil || !strings.HasSuffix(name, ".log") {
		return f
	}
	return &logFile{File: f, path: name, inj: fs.inj}
}

type logFile struct {
	vfs.File
	path string
	inj  errorfs.Injector
}

func (f *logFile) op(k errorfs.OpKind) error {
	return f.inj.MaybeError(errorfs.Op{Kind: k, Path: f.path})
}

func (f *logFile) Write(p []byte) (int, error) {
	if err := f.op(errorfs.OpFileWrite); err != nil {
		return 0, err
	}
	return f.File.Write(p)
}

func (f *logFile) WriteAt(p []byte, off int64) (int, error) {
	if err := f.op(errorfs.OpFileWriteAt); err != nil {
		return 0, err
	}
	return f.File.WriteAt(p, off)
}

func (f *logFile) Sync() error {
	if err := f.op(errorfs.OpFileSync); err != nil {
		return err
	}
	return f.File.Sync()
}

func (f *logFile) SyncData() error {
	if err := f.op(errorfs.OpFileSyncData); err != nil {
		return err
	}
	return f.File.SyncData()
}

func (f *logFile) SyncTo(n int64) (bool, error) {
	if err := f.op(errorfs.OpFileSyncTo); err != nil {
		return false, err
	}
	return f.File.SyncTo(n)
}

// TestNoRoomForReserve: an image whose reserve cannot be made (the file
// system has no room for it) opens read-only: reads work, a commit
// answers "the disk is full" and names the reserve, nothing is written;
// with room again it opens for writing.
func TestNoRoomForReserve(t *testing.T) {
	mem := vfs.NewMem()
	opts := image.Options{Dir: imgDir, FS: mem}
	img, th := openOpts(t, opts)
	eval(t, th, diskWorld)
	eval(t, th, "disk step")
	img.Close()
	mem.Remove(mem.PathJoin(imgDir, "RESERVE"))

	full := errorfs.InjectorFunc(func(op errorfs.Op) error {
		if op.Kind == errorfs.OpFilePreallocate && strings.HasSuffix(op.Path, "RESERVE") {
			return &os.PathError{Op: "fallocate", Path: op.Path, Err: syscall.ENOSPC}
		}
		return nil
	})
	opts.FS = errorfs.Wrap(mem, full)
	img, th = openOpts(t, opts)
	if got := eval(t, th, "disk n"); got != "1" {
		t.Errorf("read-only: disk n = %s", got)
	}
	_, err := th.EvalString("t", "disk step")
	if err == nil || !errors.Is(err, image.ErrDiskFull) || !strings.Contains(err.Error(), "no room for its reserve") {
		t.Errorf("a commit without room for the reserve: %v", err)
	}
	img.Close()

	opts.FS = mem
	img, th = openOpts(t, opts)
	defer img.Close()
	if got := eval(t, th, "disk step"); got != "2" {
		t.Errorf("with room again: disk step = %s (want 2: the refused commit left nothing)", got)
	}
}
