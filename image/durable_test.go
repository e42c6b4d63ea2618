package image_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"

	"batos/vm"
)

// TestGroupSync: sessions commit without waiting for the fsync and then
// wait for a shared one; every commit a waiter saw return survives a
// crash that loses whatever was not synced, and the waiters shared
// fsyncs.
func TestGroupSync(t *testing.T) {
	mem := vfs.NewCrashableMem()
	img, th := openFS(t, mem, 0)
	eval(t, th, "lobby _AddSlots: (| counter <- 0 |)")
	g := img.GroupSync()
	const sessions, each = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, sessions)
	for range sessions {
		s := th.VM().NewSession()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				var n uint64
				err := s.Do(func(t *vm.Thread) error {
					_, err := t.EvalString("t", "counter: counter + 1")
					n = g.Commits()
					return err
				})
				if err == nil {
					err = g.Wait(n)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if g.Syncs() > sessions*each {
		t.Fatalf("%d fsyncs for %d commits", g.Syncs(), sessions*each)
	}
	t.Logf("%d commits, %d fsyncs", sessions*each, g.Syncs())

	crashed := mem.CrashClone(vfs.CrashCloneCfg{}) // only what was synced
	img.Close()
	img, th = openFS(t, crashed, 0)
	defer img.Close()
	if got := eval(t, th, "counter"); got != fmt.Sprint(sessions*each) {
		t.Fatalf("after a crash: counter %s, want %d", got, sessions*each)
	}
}
