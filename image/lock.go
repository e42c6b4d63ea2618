package image

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// Locking: an image is open in at most one place. Another process is kept
// out by Pebble's lock on the LOCK file (fcntl F_SETLK, which answers
// EAGAIN or EACCES while another process holds it). Within this process,
// fcntl locks do not exclude each other and Pebble's own check answers
// with an error that carries no value, so the image keeps its own table
// of the directories it has open and consults it first.

var openDirs = struct {
	sync.Mutex
	m map[string]bool
}{m: map[string]bool{}}

// dirKey names an image directory in openDirs: its absolute path on the
// real file system, or the path within another file system value.
func dirKey(dir string, fs vfs.FS) string {
	if fs == vfs.Default {
		if abs, err := filepath.Abs(dir); err == nil {
			return abs
		}
		return dir
	}
	return fmt.Sprintf("%p:%s", fs, filepath.Clean(dir))
}

// lockImage locks dir for this process. The returned release must be
// called after the database using the lock is closed.
func lockImage(dir string, fs vfs.FS) (*pebble.Lock, func(), error) {
	key := dirKey(dir, fs)
	openDirs.Lock()
	defer openDirs.Unlock()
	if openDirs.m[key] {
		return nil, nil, fmt.Errorf("image %s is already open in this process", dir)
	}
	if err := fs.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("image %s: %w", dir, err)
	}
	l, err := pebble.LockDirectory(dir, fs)
	if err != nil {
		if isLockedErr(err) {
			return nil, nil, fmt.Errorf("image %s is in use by another batos process", dir)
		}
		return nil, nil, fmt.Errorf("image %s: cannot lock it: %w", dir, err)
	}
	openDirs.m[key] = true
	release := func() {
		l.Close()
		openDirs.Lock()
		delete(openDirs.m, key)
		openDirs.Unlock()
	}
	return l, release, nil
}

// isLockedErr reports whether err is the answer to locking a file another
// process holds locked.
func isLockedErr(err error) bool {
	return errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EWOULDBLOCK)
}
