package image_test

// Fault tests: the image on Pebble's in-memory file system (vfs.MemFS) and
// on its error-injecting wrapper (vfs/errorfs).
//
// What Pebble v2.1.7 does when a write or fsync of its write-ahead log
// fails (found with these tests and by reading DB.applyInternal,
// commitPipeline.Commit and record.LogWriter):
//
//   - Batch.Commit does not return the error: Pebble treats any failed
//     commit as fatal and calls Options.Logger.Fatalf("pebble: fatal
//     commit error: ..."). The default logger exits the process; the
//     image's logger panics. Before the fix in Image.commitBatch that
//     panic escaped from Thread.EvalStmt (vm.Commit runs outside the
//     statement's recover) and took the REPL down.
//   - The failed batch has already been applied to the memtable: reads in
//     the same process see it although it was never made durable.
//   - The log writer's error is sticky: every later commit fails the same
//     way, even once the file system works again, and DB.Close returns
//     the error. The WAL is synced with SyncData (OpFileSync is not used).
//
// So after a failed commit the image takes no more writes (they fail with
// a clear error; statements that write nothing still run) and no more
// loads (a load could read the aborted transaction back from the
// memtable: TestNoLoadsAfterFailedCommit) until it is reopened. On disk a
// failed write leaves exactly the last successful commit. A failed fsync
// is the classic ambiguous case: the batch reached the file but was not
// synced, so what survives depends on the device. A view with only the
// synced data (MemFS.CrashClone) holds exactly the last successful
// commit; the unsynced file also holds the failed transaction, whole (the
// WAL is checksummed per record, so never part of one). Either way check
// passes and the image goes on.
//
// Errors in Pebble's background work (flushes, compactions, the MANIFEST)
// are not injected: Pebble retries some and calls Fatalf for others (a
// failed MANIFEST sync), on its own goroutines, where no caller can catch
// them.

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"

	"batos/image"
	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

const imgDir = "img"

// openFS opens (booting if new) the image in imgDir on fs.
func openFS(t *testing.T, fs vfs.FS, cache int) (*image.Image, *vm.Thread) {
	t.Helper()
	img, err := image.Open(image.Options{Dir: imgDir, FS: fs, CacheObjects: cache})
	if err != nil {
		t.Fatal(err)
	}
	th, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		img.Close()
		t.Fatal(err)
	}
	return img, th
}

// checkClean fails the test if the stored image has problems.
func checkClean(t *testing.T, img *image.Image) {
	t.Helper()
	if p := img.Check(); len(p) > 0 {
		t.Fatalf("check: %v", p)
	}
}

// walFaults injects ErrInjected into operations on the write-ahead log
// (*.log) of the kinds given, while on.
func walFaults(kinds ...errorfs.OpKind) *errorfs.Toggle {
	return &errorfs.Toggle{Injector: errorfs.InjectorFunc(func(op errorfs.Op) error {
		if !strings.HasSuffix(op.Path, ".log") {
			return nil
		}
		for _, k := range kinds {
			if op.Kind == k {
				return errorfs.ErrInjected
			}
		}
		return nil
	})}
}

var syncOps = []errorfs.OpKind{errorfs.OpFileSync, errorfs.OpFileSyncData, errorfs.OpFileSyncTo}

func TestMemFSResume(t *testing.T) {
	mem := vfs.NewMem()
	img, th := openFS(t, mem, 0)
	eval(t, th, `lobby _AddSlots: (| acct = (| parent* = traits clonable. n <- 0. log <- vector copy |) |)`)
	eval(t, th, `acct n: 5. acct log add: 'five'. 0`)
	eval(t, th, `acct n: acct n + 1. 0`)
	checkClean(t, img)
	if err := img.Close(); err != nil {
		t.Fatal(err)
	}
	img, th = openFS(t, mem, 0)
	defer img.Close()
	if img.IsNew() {
		t.Fatal("reopened image is new")
	}
	checkClean(t, img)
	if got := eval(t, th, `acct n printString, (acct log at: 0)`); got != `'6five'` {
		t.Errorf("resumed: %s", got)
	}
	eval(t, th, `acct n: 7. 0`)
	if got := eval(t, th, `acct n`); got != "7" {
		t.Errorf("after another commit: %s", got)
	}
}

// state describes the test world: the counter, the log's size and whether
// the slot a failed statement adds exists.
const stateExpr = `acct n printString, '/', acct log size printString, '/', ((reflect: lobby) includes: 'extra') printString`

// failingStmt is one statement (one transaction) that changes a stored
// object, grows a stored vector, creates objects and changes the lobby's
// layout.
const failingStmt = `[ acct n: 3. acct log add: 'b'. acct log add: (| x = 1 |). lobby _AddSlots: (| extra = 42 |). acct n ] value`

func TestCommitFaults(t *testing.T) {
	for _, tc := range []struct {
		name  string
		kinds []errorfs.OpKind
		// the state of the unsynced file system after the failure: the
		// failed transaction reached the file only if the write succeeded
		unsynced string
	}{
		{"write", []errorfs.OpKind{errorfs.OpFileWrite, errorfs.OpFileWriteAt}, "'2/1/false'"},
		{"sync", syncOps, "'3/3/true'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := vfs.NewCrashableMem()
			faults := walFaults(tc.kinds...)
			img, th := openFS(t, errorfs.Wrap(mem, faults), 0)
			eval(t, th, `lobby _AddSlots: (| acct = (| parent* = traits clonable. n <- 1. log <- vector copy |) |)`)
			eval(t, th, `acct n: 2. acct log add: 'a'. 0`)
			before := eval(t, th, stateExpr)
			if before != "'2/1/false'" {
				t.Fatalf("before: %s", before)
			}

			faults.On()
			_, err := th.EvalString("t", failingStmt)
			if err == nil || !strings.Contains(err.Error(), "injected error") {
				t.Fatalf("commit with a failing %s: err = %v", tc.name, err)
			}
			t.Logf("the failed commit: %v", err)
			// the statement left no trace in memory
			if got := eval(t, th, stateExpr); got != before {
				t.Errorf("in memory after the failed commit: %s, want %s", got, before)
			}
			// statements that write nothing still run; one that writes
			// fails cleanly (no panic, no hang), even with the fault gone
			if got := eval(t, th, `3 + 4`); got != "7" {
				t.Errorf("3 + 4 = %s", got)
			}
			faults.Off()
			if _, err := th.EvalString("t", `acct n: 10`); err == nil {
				t.Errorf("a write after a failed commit succeeded")
			} else {
				t.Logf("the next write: %v", err)
			}
			if got := eval(t, th, stateExpr); got != before {
				t.Errorf("in memory after the refused write: %s, want %s", got, before)
			}
			faults.On()
			synced := mem.CrashClone(vfs.CrashCloneCfg{}) // only what was synced
			if err := img.Close(); err != nil {
				t.Logf("close: %v", err)
			}
			faults.Off()

			for _, v := range []struct {
				name string
				fs   vfs.FS
				want string
			}{{"synced", synced, before}, {"unsynced", mem, tc.unsynced}} {
				img, th := openFS(t, v.fs, 0)
				checkClean(t, img)
				if got := eval(t, th, stateExpr); got != v.want {
					t.Errorf("%s file system after reopening: %s, want %s", v.name, got, v.want)
				}
				// and the image goes on
				eval(t, th, `acct n: 100. acct log add: 'c'. 0`)
				if got := eval(t, th, `acct n + acct log size`); got != fmt.Sprint(100+logSize(v.want)+1) {
					t.Errorf("%s: after a new commit: %s", v.name, got)
				}
				if err := img.Close(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestNoLoadsAfterFailedCommit: the batch of a failed commit is in
// Pebble's memtable, so an object evicted after the failure must not be
// read back (it would come back with the aborted transaction's contents).
// The image refuses the load instead.
func TestNoLoadsAfterFailedCommit(t *testing.T) {
	mem := vfs.NewMem()
	faults := walFaults(syncOps...)
	img, th := openFS(t, errorfs.Wrap(mem, faults), 1) // evict everything it can
	defer img.Close()
	eval(t, th, `lobby _AddSlots: (| acct = (| parent* = traits clonable. n <- 1 |) |)`)
	eval(t, th, `acct n: 2. 0`)
	faults.On()
	if _, err := th.EvalString("t", `acct n: 3`); err == nil {
		t.Fatal("commit succeeded")
	}
	faults.Off()
	img.Checkpoint(th.VM()) // acct is clean again: evict it
	v, err := th.EvalString("t", `acct n`)
	if err == nil {
		t.Fatalf("acct n = %d after the failed commit was evicted and reloaded", v.Int())
	}
	if !strings.Contains(err.Error(), "failed commit") {
		t.Errorf("err = %v", err)
	}
}

// TestReadFault: a failed read of a ghost aborts the statement like any
// runtime error (its earlier changes are undone) and the image goes on
// once reads work again.
func TestReadFault(t *testing.T) {
	mem := vfs.NewMem()
	img, th := openFS(t, mem, 0)
	eval(t, th, `lobby _AddSlots: (| acct = (| parent* = traits clonable. n <- 1 |). filler <- vector copy. cell = (| parent* = traits clonable. s <- 'a string of some length' |) |)`)
	eval(t, th, `1 to: 3000 Do: [| :i | filler add: cell copy ]. acct n: 2. 0`)
	if err := img.DB().Flush(); err != nil { // into sstables
		t.Fatal(err)
	}
	img.Close()

	faults := &errorfs.Toggle{Injector: errorfs.InjectorFunc(func(op errorfs.Op) error {
		if strings.HasSuffix(op.Path, ".sst") && (op.Kind == errorfs.OpFileReadAt || op.Kind == errorfs.OpFileRead) {
			return errorfs.ErrInjected
		}
		return nil
	})}
	img, th = openFS(t, errorfs.Wrap(mem, faults), 0)
	defer img.Close()
	eval(t, th, `acct n`) // loads acct (and caches its block)
	const stmt = `[ acct n: 50. filler inject: 0 Into: [| :a. :e | a + e s size ] ] value`
	faults.On()
	_, err := th.EvalString("t", stmt)
	if err == nil || !strings.Contains(err.Error(), "cannot load object") || !strings.Contains(err.Error(), "injected error") {
		t.Fatalf("statement with failing reads: err = %v", err)
	}
	t.Logf("the failed read: %v", err)
	if got := eval(t, th, `acct n`); got != "2" {
		t.Errorf("acct n = %s after the aborted statement", got)
	}
	faults.Off()
	if got := eval(t, th, stmt); got != fmt.Sprint(3000*len("a string of some length")) {
		t.Errorf("with reads working again: %s", got)
	}
	if got := eval(t, th, `acct n`); got != "50" {
		t.Errorf("acct n = %s", got)
	}
	checkClean(t, img)
}

// logSize reads the log size out of a state string.
func logSize(state string) int {
	var n, size int
	fmt.Sscanf(strings.Trim(state, "'"), "%d/%d", &n, &size)
	return size
}

// TestFirstCommitFails: the library's commit (the first) fails. Boot
// reports it and reopening finds an empty image that boots.
//
// The library's batch is larger than Pebble's first memtable (256 KB), so
// its commit switches logs: Pebble closes the log it opened with (and
// panics, unrecoverably, if that fails) and writes the batch to a new one.
// So the faults strike only logs created after they are turned on.
func TestFirstCommitFails(t *testing.T) {
	mem := vfs.NewCrashableMem()
	var on atomic.Bool
	var mu sync.Mutex
	newLogs := map[string]bool{}
	faults := errorfs.InjectorFunc(func(op errorfs.Op) error {
		if !on.Load() || !strings.HasSuffix(op.Path, ".log") {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		switch op.Kind {
		case errorfs.OpCreate:
			newLogs[op.Path] = true
		case errorfs.OpFileWrite, errorfs.OpFileWriteAt, errorfs.OpFileSync, errorfs.OpFileSyncData, errorfs.OpFileSyncTo:
			if newLogs[op.Path] {
				return errorfs.ErrInjected
			}
		}
		return nil
	})
	img, err := image.Open(image.Options{Dir: imgDir, FS: errorfs.Wrap(mem, faults)})
	if err != nil {
		t.Fatal(err)
	}
	on.Store(true)
	if _, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot); err == nil {
		t.Fatal("boot with a failing log succeeded (did the library's commit fit in the first memtable?)")
	} else {
		t.Logf("boot: %v", err)
	}
	img.Close()
	on.Store(false)
	img, th := openFS(t, mem, 0)
	defer img.Close()
	checkClean(t, img)
	if got := eval(t, th, `(3 + 4) printString`); got != "'7'" {
		t.Errorf("after booting again: %s", got)
	}
}

// TestRandomCommitFaults is the crash test without processes: each round
// fails the k-th write or sync of the log (k random), runs statements
// until one fails, and reopens a view of the file system after a crash:
// with only synced data the counter is exactly the last successful
// commit; with part of the unsynced data it may be one more (the failed
// one, whole). The counter and the log always agree, and check passes.
func TestRandomCommitFaults(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	fs := vfs.NewCrashableMem()
	img, th := openFS(t, fs, 200)
	eval(t, th, `lobby _AddSlots: (| crash = (| parent* = traits clonable. n <- 0. log <- vector copy. step = ( n: n + 1. log add: n printString. n ) |) |)`)
	img.Close()
	last := 0
	rounds := 30
	if testing.Short() {
		rounds = 5
	}
	for round := 0; round < rounds; round++ {
		var count atomic.Int64
		k := int64(1 + rng.IntN(40))
		kind := errorfs.OpFileWrite
		if rng.IntN(2) == 0 {
			kind = errorfs.OpFileSyncData
		}
		inj := errorfs.InjectorFunc(func(op errorfs.Op) error {
			if strings.HasSuffix(op.Path, ".log") && (op.Kind == kind || kind == errorfs.OpFileSyncData && op.Kind == errorfs.OpFileSync) {
				if count.Add(1) >= k {
					return errorfs.ErrInjected
				}
			}
			return nil
		})
		img, th := openFS(t, errorfs.Wrap(fs, inj), 200)
		var failed error
		for i := 0; i < 200 && failed == nil; i++ {
			v, err := th.EvalString("step", "crash step")
			if err != nil {
				failed = err
				break
			}
			last = int(v.Int())
		}
		if failed == nil {
			t.Fatalf("round %d: no statement failed", round)
		}
		if !strings.Contains(failed.Error(), "injected error") {
			t.Fatalf("round %d: %v", round, failed)
		}
		partial := rng.IntN(2) == 0
		cfg := vfs.CrashCloneCfg{}
		if partial {
			cfg = vfs.CrashCloneCfg{UnsyncedDataPercent: 50, RNG: rng}
		}
		crashed := fs.CrashClone(cfg)
		img.Close()

		img, th = openFS(t, crashed, 200)
		checkClean(t, img)
		got := int(eval2(t, th, "crash n").Int())
		size := int(eval2(t, th, "crash log size").Int())
		if got != last && !(partial && got == last+1) {
			t.Fatalf("round %d (fault %v at %d, partial %v): counter %d, last commit %d", round, kind, k, partial, got, last)
		}
		if size != got {
			t.Fatalf("round %d: counter %d but log size %d: a partial transaction is visible", round, got, size)
		}
		last = got
		img.Close()
		fs = crashed
	}
	t.Logf("%d rounds; final counter %d", rounds, last)
}

func eval2(t *testing.T, th *vm.Thread, src string) vm.Value {
	t.Helper()
	v, err := th.EvalString("t", src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return v
}

// TestFailedBlobCommit: a blob whose commit fails marks the image failed
// like any other failed commit: later writes and loads are refused until
// the image is reopened, and reopening finds a clean image.
func TestFailedBlobCommit(t *testing.T) {
	mem := vfs.NewMem()
	faults := walFaults(syncOps...)
	img, th := openFS(t, errorfs.Wrap(mem, faults), 0)
	eval(t, th, `lobby _AddSlots: (| acct = (| parent* = traits clonable. n <- 1 |) |)`)
	faults.On()
	if _, err := img.PutBlob(strings.NewReader("blob bytes")); err == nil {
		t.Fatal("PutBlob with a failing log succeeded")
	} else {
		t.Logf("PutBlob: %v", err)
	}
	faults.Off()
	_, err := th.EvalString("t", `acct n: 2`)
	if err == nil || !strings.Contains(err.Error(), "failed commit") {
		t.Fatalf("a write after the failed blob commit: err = %v", err)
	}
	img.Close()
	img, th = openFS(t, mem, 0)
	defer img.Close()
	checkClean(t, img)
	if got := eval(t, th, `acct n`); got != "1" {
		t.Errorf("acct n = %s after reopening", got)
	}
}
