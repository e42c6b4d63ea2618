package image

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// A full disk. Pebble does not return "no space" to a committer: a failed
// flush or compaction is retried at once, forever, on a background
// goroutine, and a commit that needs room in the memtables (or finds too
// many level-0 tables) waits in a write stall until that work succeeds;
// the next Open waits the same way for the flush of its recovered log. So
// the image watches (diskWatch):
//
//   - Pebble's background errors (EventListener.BackgroundError): an
//     ENOSPC there means Pebble cannot make room for new writes;
//   - the write stall (WriteStallBegin/End).
//
// A commit runs on its own goroutine and the committer waits for it or
// for the watch: stalled while the disk is full, the commit cannot become
// durable, so it is abandoned and reported as ErrDiskFull. The image then
// refuses writes and loads like after any failed commit, and new logs are
// closed to writes (diskWatch.poisoned, through a file system wrapper), so
// the abandoned commit can never reach the disk even if space appears
// later: it fails instead, and only then can the database close. An Open
// that meets ENOSPC in its recovery flush is abandoned the same way and
// reported as ErrDiskFull; before opening, an image whose file system has
// less free space than flushing its newest log needs is opened read-only
// instead (reads work, commits answer ErrDiskFull). A commit abandoned
// on a full disk keeps the image locked until it ends (once space is
// freed) or the process exits.
//
// Where the log write itself fails with ENOSPC, Pebble's commit fails
// (its fatal commit error, see commitBatch) and the error says the disk
// is full. Where a write of the MANIFEST fails (Pebble calls that fatal,
// on a flush or compaction goroutine), imageLogger stops that goroutine
// and the watch records it (diskWatch.fatal): a commit stalled behind the
// stopped work is abandoned as above, and later commits are refused.
//
// Pebble v2.1.7 also panics, with its mutex unlocked (unrecoverable),
// when closing the previous log fails as it switches logs (DB.rotateWAL),
// which a full disk can cause: the image's reserve file gives a log the
// room to finish (reserve.go). A background ENOSPC also slows Pebble's retry loop (a short
// sleep in the listener), which otherwise spins at full CPU.

// ErrDiskFull is the error of a commit that could not be made durable,
// or of an open that could not finish, because the disk is full.
var ErrDiskFull = errors.New("the disk is full")

// diskFullError describes a full disk for the image in dir.
func diskFullError(dir, what string, cause error) error {
	return &diskError{dir: dir, what: what, cause: cause}
}

type diskError struct {
	dir, what string
	cause     error
}

func (e *diskError) Error() string {
	msg := fmt.Sprintf("image %s: %v: %s", e.dir, ErrDiskFull, e.what)
	if e.cause != nil {
		msg += " (" + firstLine(e.cause.Error()) + ")"
	}
	return msg
}

func (e *diskError) Unwrap() []error { return []error{ErrDiskFull, e.cause} }

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// isNoSpace reports whether err is (or wraps) ENOSPC or EDQUOT.
func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, ErrDiskFull)
}

// diskWatch follows Pebble's background errors and write stalls.
type diskWatch struct {
	noSpace  atomic.Pointer[error] // the last ENOSPC of background work, cleared by a success
	stalled  atomic.Bool           // a write stall is in progress
	poisoned atomic.Bool           // new logs take no more writes
	fatal    atomic.Pointer[error] // Pebble stopped one of its goroutines on a fatal error (imageLogger)
	wake     chan struct{}         // signalled on a background ENOSPC and a stall
	reserve  *reserve              // room given to a log that meets a full disk (reserve.go); nil if none
}

func newDiskWatch() *diskWatch { return &diskWatch{wake: make(chan struct{}, 1)} }

func (w *diskWatch) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// full returns the background ENOSPC error, or nil.
func (w *diskWatch) full() error {
	if p := w.noSpace.Load(); p != nil {
		return *p
	}
	return nil
}

// retryPause slows Pebble's retry of failed background work on a full
// disk (it retries at once, forever).
const retryPause = 100 * time.Millisecond

func (w *diskWatch) listener() *pebble.EventListener {
	return &pebble.EventListener{
		BackgroundError: func(err error) {
			if isNoSpace(err) {
				w.noSpace.Store(&err)
				w.signal()
				time.Sleep(retryPause)
			}
		},
		FlushEnd: func(info pebble.FlushInfo) {
			if info.Err == nil {
				w.noSpace.Store(nil)
			}
		},
		CompactionEnd: func(info pebble.CompactionInfo) {
			if info.Err == nil {
				w.noSpace.Store(nil)
			}
		},
		WriteStallBegin: func(pebble.WriteStallBeginInfo) {
			w.stalled.Store(true)
			w.signal()
		},
		WriteStallEnd: func() { w.stalled.Store(false) },
	}
}

// stopped returns the fatal error that stopped one of Pebble's
// goroutines, or nil.
func (w *diskWatch) stopped() error {
	if p := w.fatal.Load(); p != nil {
		return *p
	}
	return nil
}

// stuck reports whether a stalled commit cannot complete: the disk is
// full, or Pebble stopped the work the stall waits for. (A commit that is
// not stalled goes on to write its log, and is durable if that works.)
func (w *diskWatch) stuck() bool {
	return w.stalled.Load() && (w.full() != nil || w.stopped() != nil)
}

// errLogClosed is what a write to a new log answers once the log is
// poisoned.
var errLogClosed = fmt.Errorf("the image's log takes no more writes after a commit was abandoned on a full disk: %w", syscall.ENOSPC)

// wrap returns fs with writes to new logs refused once the watch is
// poisoned. The log in use when a commit is abandoned must still take its
// closing trailer (Pebble panics, unrecoverably, if closing it fails when
// it switches logs); the abandoned commit, once it can go on, writes its
// record to the next log, so writes to logs created after the poisoning
// fail, and with them that commit.
func (w *diskWatch) wrap(fs vfs.FS) vfs.FS { return &poisonFS{FS: fs, w: w} }

type poisonFS struct {
	vfs.FS
	w *diskWatch
}

func (fs *poisonFS) Create(name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := fs.FS.Create(name, c)
	return fs.poison(name, f), err
}

func (fs *poisonFS) ReuseForWrite(oldname, newname string, c vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := fs.FS.ReuseForWrite(oldname, newname, c)
	return fs.poison(newname, f), err
}

func (fs *poisonFS) poison(name string, f vfs.File) vfs.File {
	if f == nil || !strings.HasSuffix(name, ".log") {
		return f
	}
	if fs.w.poisoned.Load() {
		return closedLog{f}
	}
	return spareLog{File: f, w: fs.w}
}

// closedLog is a log created after the poisoning: it takes no writes.
type closedLog struct{ vfs.File }

func (closedLog) Write([]byte) (int, error)          { return 0, errLogClosed }
func (closedLog) WriteAt([]byte, int64) (int, error) { return 0, errLogClosed }
func (closedLog) Sync() error                        { return errLogClosed }
func (closedLog) SyncData() error                    { return errLogClosed }
func (closedLog) SyncTo(int64) (bool, error)         { return false, errLogClosed }

// openDB opens the Pebble database, giving up with ErrDiskFull if its
// recovery meets a full disk (the open then finishes or fails on its own
// goroutine, which closes what it opened and releases the lock).
func openDB(dir string, popts *pebble.Options, w *diskWatch, release func()) (*pebble.DB, error) {
	type result struct {
		db  *pebble.DB
		err error
	}
	ch := make(chan result, 1)
	go func() {
		db, err := pebble.Open(dir, popts)
		ch <- result{db, err}
	}()
	for {
		select {
		case r := <-ch:
			return r.db, r.err
		case <-w.wake:
			err := w.full()
			if err == nil {
				err = w.stopped()
			}
			if err != nil {
				go func() {
					if r := <-ch; r.db != nil {
						r.db.Close()
					}
					release()
				}()
				return nil, diskFullError(dir, "the image cannot be opened until some space is freed", err)
			}
		}
	}
}

// commitWait is a commit in flight on its own goroutine.
type commitWait struct {
	done chan error
	once sync.Once
	err  error
}

// wait waits for the commit to end.
func (c *commitWait) wait() error {
	c.once.Do(func() { c.err = <-c.done })
	return c.err
}

// abandonedWait is how long Close waits for a commit abandoned on a full
// disk to end (it ends once space is freed, failing on the closed log).
const abandonedWait = 10 * time.Second

// finishAbandoned waits a while for an abandoned commit; it reports
// whether the database may be closed.
func (img *Image) finishAbandoned() bool {
	if img.abandoned == nil {
		return true
	}
	ended := make(chan struct{})
	go func() { img.abandoned.wait(); close(ended) }()
	select {
	case <-ended:
		img.abandoned = nil
		return true
	case <-time.After(abandonedWait):
		return false
	}
}

// spaceToOpen returns the free space of the file system under dir and
// what opening the image for writing needs: room to flush its newest log
// (the recovery of an Open writes the commits it holds out as a table;
// older logs are flushed already or recycled) and a margin for Pebble's
// small files. ok is false where the file system cannot say.
func spaceToOpen(fs vfs.FS, dir string) (free, need uint64, ok bool) {
	u, err := fs.GetDiskUsage(dir)
	if err != nil {
		return 0, 0, false
	}
	names, _ := fs.List(dir)
	newest := ""
	for _, n := range names {
		if strings.HasSuffix(n, ".log") && (len(n) > len(newest) || len(n) == len(newest) && n > newest) {
			newest = n
		}
	}
	need = 1 << 20
	if newest != "" {
		if st, err := fs.Stat(fs.PathJoin(dir, newest)); err == nil {
			need += uint64(st.Size())
		}
	}
	return u.AvailBytes, need, true
}
