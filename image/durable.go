package image

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"batos/vm"
)

// Group commit, for servers whose clients commit concurrently (the
// bridge). By default every Commit writes one synced batch while the
// committing session holds the world, so commits run one fsync at a time.
// After GroupSync, commits write their batch without waiting for the
// fsync; the committer releases the world and calls Wait with the commit
// count it saw, and one fsync of Pebble's log then makes durable every
// commit written before it, for all the waiters at once. A reply must not
// be sent before Wait returns: until then the commit may be lost in a
// crash (and so may what a read saw of it, which is why readers wait for
// the count they saw too).

// GroupSync is the durability side of group commit: it tracks the commits
// written and the commits synced.
type GroupSync struct {
	img *Image

	mu      sync.Mutex
	cond    *sync.Cond
	synced  uint64 // every commit up to this count is durable
	want    uint64 // the highest count a waiter asked for
	syncing bool   // a waiter is running the fsync
	syncs   uint64 // fsyncs run
	err     error  // a failed sync: every later wait fails
}

// GroupSync switches img's commits to group commit and returns the syncer
// waiters use. Call it once, while no commit runs (before serving). Every
// commit made before it is already durable.
func (img *Image) GroupSync() *GroupSync {
	img.opts.NoSync = true
	g := &GroupSync{img: img, synced: img.seq}
	g.cond = sync.NewCond(&g.mu)
	return g
}

// Commits returns the count of commits made so far. Call it while holding
// the world (inside vm.Session.Do), after the transaction's commit.
func (g *GroupSync) Commits() uint64 { return g.img.seq }

// Syncs returns how many fsyncs the waiters have run.
func (g *GroupSync) Syncs() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.syncs
}

// Wait returns once every commit up to count n is durable (at once when
// they already are). Call it without holding the world. Concurrent
// waiters share one fsync.
func (g *GroupSync) Wait(n uint64) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.synced < n && g.err == nil {
		g.want = max(g.want, n)
		if g.syncing {
			g.cond.Wait()
			continue
		}
		// lead: every commit up to want was written before its waiter
		// called Wait, so one sync of the log covers them all
		g.syncing = true
		target := g.want
		g.mu.Unlock()
		err := g.syncLog()
		g.mu.Lock()
		g.syncing = false
		g.syncs++
		if err != nil {
			g.err = fmt.Errorf("image %s: the log could not be synced, so recent commits may be lost: %w", g.img.opts.Dir, err)
		} else {
			g.synced = max(g.synced, target)
		}
		g.cond.Broadcast()
	}
	return g.err
}

// syncLog makes everything written to Pebble's log durable: an empty log
// record written with Sync syncs the log up to it. A failed sync reaches
// quietLogger.Fatalf, which panics; it is turned back into an error. As
// with commits (disk.go), a sync stalled on a full disk is abandoned with
// an error rather than waited for forever.
func (g *GroupSync) syncLog() error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				if e, ok := r.(error); ok {
					done <- e
				} else {
					done <- fmt.Errorf("%v", r)
				}
			}
		}()
		done <- g.img.db.LogData(nil, pebble.Sync)
	}()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			if w := g.img.watch; w.stuck() {
				return diskFullError(g.img.opts.Dir, "recent commits are not durable", w.full())
			}
		}
	}
}

// ErrNoObject is returned by Object for an OID the image does not hold.
var ErrNoObject = errors.New("no such object in the image")

// Object returns the stored object with identity oid: the live one when
// it is in memory, otherwise a ghost loaded on first use. It fails with
// ErrNoObject when neither memory nor the image holds it (objects never
// committed are not found). Call it while holding the world.
func (img *Image) Object(oid vm.OID) (*vm.Object, error) {
	if o := img.ids.get(oid); o != nil {
		return o, nil
	}
	if img.failed != nil {
		return nil, img.failed
	}
	_, ok, err := get(img.db, objKey(oid))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("object %d: %w", oid, ErrNoObject)
	}
	return img.object(oid), nil
}
