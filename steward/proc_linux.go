//go:build linux

package steward

import "syscall"

// setDeathSignal asks Linux to send the kernel SIGTERM when the thread
// that started it dies: Run locks its goroutine to its thread, so that is
// when the steward dies, even by SIGKILL, and the kernel then closes its
// image cleanly instead of holding it while a new steward's kernel cannot
// open it.
func setDeathSignal(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGTERM }
