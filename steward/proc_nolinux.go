//go:build unix && !linux

package steward

import "syscall"

// setDeathSignal does nothing where there is no parent-death signal: a
// kernel outlives a steward killed with SIGKILL.
func setDeathSignal(attr *syscall.SysProcAttr) {}
