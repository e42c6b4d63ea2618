//go:build unix

package steward

import (
	"io/fs"
	"syscall"
)

// ownGroup puts the kernel in its own process group, so a Ctrl-C at the
// terminal reaches only the steward, which stops the kernel itself; on
// Linux the kernel also gets SIGTERM if the steward dies.
func ownGroup() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	setDeathSignal(attr)
	return attr
}

// killGroup sends SIGKILL to the process group the kernel leads (the
// kernel and any process it started).
func killGroup(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }

// ownerOK reports whether the file is owned by the steward's user or by
// root, and its owner.
func ownerOK(info fs.FileInfo) (uid int, ok bool) {
	st, isUnix := info.Sys().(*syscall.Stat_t)
	if !isUnix {
		return -1, false
	}
	uid = int(st.Uid)
	return uid, uid == syscall.Geteuid() || uid == 0
}

// openNoFollow is the flag that makes open fail on a symbolic link.
const openNoFollow = syscall.O_NOFOLLOW | syscall.O_NONBLOCK

// inode is the file's inode number.
func inode(info fs.FileInfo) (uint64, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Ino), true
}
