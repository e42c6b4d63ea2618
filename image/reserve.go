package image

import (
	"errors"
	"sync"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// The reserve. Pebble v2.1.7 panics, with its mutex unlocked (nothing can
// recover), when closing the previous log fails as it switches logs
// (DB.rotateWAL); on a full disk the closing write or sync of a log can
// fail with ENOSPC. So an image opened for writing keeps a preallocated
// file, RESERVE, of reserveSize bytes. The first time a write or sync of
// a log meets a full disk, the reserve is deleted, which gives the file
// system that much room, and the write is tried again: the log that was
// being written (or closed) completes. From then on the image takes no
// more commits: they answer ErrDiskFull until the image is reopened, and
// Open makes the reserve again when there is room for it.

// reserveName is the reserve's file name in the image's directory.
const reserveName = "RESERVE"

// reserveSize is the room the reserve gives back: far more than closing
// a log needs (at most a 32 KiB block and a sync), and enough for the
// commit in flight.
const reserveSize = 4 << 20

// reserve is an image's reserve file.
type reserve struct {
	fs   vfs.FS
	path string

	mu   sync.Mutex
	have bool  // the file exists, preallocated
	used error // set when the reserve was given up for a log
}

// makeReserve creates the reserve in dir, or keeps the one there. It
// fails only when the disk has no room for it; a file system that cannot
// preallocate gets no reserve.
func makeReserve(fs vfs.FS, dir string) (*reserve, error) {
	r := &reserve{fs: fs, path: fs.PathJoin(dir, reserveName)}
	f, err := fs.OpenReadWrite(r.path, vfs.WriteCategoryUnspecified)
	if err == nil {
		// no sync: the blocks are the file system's at once, and a
		// reserve a crash loses is made again at the next open
		err = f.Preallocate(0, reserveSize)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fs.Remove(r.path)
		if isNoSpace(err) {
			return nil, err
		}
		return r, nil
	}
	r.have = true
	return r, nil
}

// give deletes the reserve after a log met a full disk; it reports
// whether there was one to give (and so whether the write may be tried
// again).
func (r *reserve) give(cause error) bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.have {
		return false
	}
	r.have = false
	r.used = cause
	return r.fs.Remove(r.path) == nil
}

// spent returns the error that used the reserve, or nil.
func (r *reserve) spent() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.used
}

// spareLog is a log whose writes and syncs, on a full disk, take the
// reserve's room and are tried once more.
type spareLog struct {
	vfs.File
	w *diskWatch
}

func (l spareLog) retry(err error) bool {
	return err != nil && isNoSpace(err) && !errors.Is(err, errLogClosed) && l.w.reserve.give(err)
}

func (l spareLog) Write(p []byte) (int, error) {
	n, err := l.File.Write(p)
	if l.retry(err) {
		m, err := l.File.Write(p[n:])
		return n + m, err
	}
	return n, err
}

func (l spareLog) WriteAt(p []byte, off int64) (int, error) {
	n, err := l.File.WriteAt(p, off)
	if l.retry(err) {
		m, err := l.File.WriteAt(p[n:], off+int64(n))
		return n + m, err
	}
	return n, err
}

func (l spareLog) Sync() error {
	err := l.File.Sync()
	if l.retry(err) {
		err = l.File.Sync()
	}
	return err
}

func (l spareLog) SyncData() error {
	err := l.File.SyncData()
	if l.retry(err) {
		err = l.File.SyncData()
	}
	return err
}

func (l spareLog) SyncTo(length int64) (bool, error) {
	full, err := l.File.SyncTo(length)
	if l.retry(err) {
		full, err = l.File.SyncTo(length)
	}
	return full, err
}
