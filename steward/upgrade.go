package steward

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"
)

// Result is what update_result.json holds after an instruction file.
type Result struct {
	InstructionsSHA256 string          `json:"instructions_sha256"` // of the file as read ("" if unreadable)
	Received           time.Time       `json:"received"`
	Finished           time.Time       `json:"finished"`
	OK                 bool            `json:"ok"`              // every command exited 0
	Error              string          `json:"error,omitempty"` // why nothing ran, or which command failed
	Commands           []CommandResult `json:"commands"`        // those that ran, in order
	Kernel             KernelChange    `json:"kernel"`
}

// CommandResult is one command's run.
type CommandResult struct {
	Argv     []string `json:"argv"`
	ExitCode int      `json:"exit_code"`       // -1 if it did not start or was killed
	Error    string   `json:"error,omitempty"` // why it did not start, or the signal
	Stdout   string   `json:"stdout"`
	Stderr   string   `json:"stderr"`
	Seconds  float64  `json:"seconds"`
}

// KernelChange describes the kernel binary across an upgrade.
type KernelChange struct {
	Binary     string `json:"binary"`
	Before     string `json:"sha256_before"`         // "" if it was missing
	After      string `json:"sha256_after"`          // the binary the kernel restarts on
	RolledBack bool   `json:"rolled_back,omitempty"` // a command failed after the binary changed, and the previous one was put back
}

// maxOutput bounds each command's captured stdout and stderr.
const maxOutput = 1 << 20

// upgrade acts on the instruction file. If the file is refused, it writes
// the result and returns false without touching k. Otherwise it stops k
// (if not nil), runs the commands, writes the result, removes the file
// and returns true: the caller starts the kernel again.
func (s *steward) upgrade(ctx context.Context, k *kernel) bool {
	res := &Result{Received: time.Now(), Commands: []CommandResult{}, Kernel: KernelChange{Binary: s.kernel}}
	in, err := s.readInstructions()
	if in != nil {
		res.InstructionsSHA256 = in.sha256
	}
	if err != nil {
		res.Error = "refused, nothing ran: " + err.Error()
		s.log.Error("upgrade refused", "err", err)
		s.finish(res)
		return false
	}
	s.log.Info("upgrade arrived", "commands", len(in.commands), "instructions_sha256", in.sha256)
	res.Kernel.Before, _ = s.kernelSHA256()
	backup := ""
	if res.Kernel.Before != "" {
		if backup, err = s.saveBackup(); err != nil {
			res.Error = "refused, nothing ran: cannot keep a copy of the kernel binary to go back to: " + err.Error()
			s.log.Error("upgrade refused", "err", err)
			s.finish(res)
			return false
		}
	}
	if k != nil {
		s.stop(k)
	}
	res.OK = true
	for i, argv := range in.commands {
		cr := s.runCommand(ctx, argv)
		res.Commands = append(res.Commands, cr)
		if cr.ExitCode != 0 {
			res.OK = false
			res.Error = fmt.Sprintf("commands[%d] (%s) failed: %s; the rest did not run", i, argv[0], describeFailure(cr))
			break
		}
	}
	res.Kernel.After, _ = s.kernelSHA256()
	switch {
	case res.Kernel.After == res.Kernel.Before:
		s.removeBackup(backup)
	case !res.OK && backup != "":
		if err := restoreFile(backup, s.kernel); err != nil {
			s.log.Error("cannot put the previous kernel binary back", "err", err)
			res.Error += fmt.Sprintf("; the kernel binary changed and putting the previous one back failed: %v", err)
		} else {
			res.Kernel.RolledBack = true
			res.Kernel.After = res.Kernel.Before
			s.log.Warn("the upgrade failed after changing the kernel binary; the previous one is back", "binary", s.kernel)
		}
		s.removeBackup(backup)
	default:
		// a new binary: keep the previous one until the new one has
		// outlived a quick death
		s.backup = backup
	}
	s.finish(res)
	return true
}

// runCommand runs one upgrade command, with no shell.
func (s *steward) runCommand(ctx context.Context, argv []string) CommandResult {
	cr := CommandResult{Argv: argv}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.CommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var stdout, stderr capped
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = ownGroup()
	cmd.Cancel = func() error { killGroup(cmd.Process.Pid); return nil }
	cmd.WaitDelay = 5 * time.Second // for pipes a left-over grandchild holds
	start := time.Now()
	err := cmd.Run()
	cr.Seconds = time.Since(start).Seconds()
	cr.Stdout, cr.Stderr = stdout.String(), stderr.String()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		cr.ExitCode = ee.ExitCode()
		if cr.ExitCode < 0 {
			cr.Error = ee.Error()
		}
	default:
		cr.ExitCode = -1
		cr.Error = err.Error()
	}
	if ctx.Err() == context.DeadlineExceeded && cr.ExitCode != 0 {
		cr.Error = fmt.Sprintf("killed after %v (the command timeout)", s.cfg.CommandTimeout)
	}
	s.log.Info("upgrade command", "argv", argv, "exit_code", cr.ExitCode, "err", cr.Error, "seconds", cr.Seconds)
	return cr
}

// describeFailure says how a command failed.
func describeFailure(cr CommandResult) string {
	if cr.Error != "" {
		return cr.Error
	}
	return fmt.Sprintf("exit status %d", cr.ExitCode)
}

// finish writes the result file (atomically) and removes the instruction
// file.
func (s *steward) finish(res *Result) {
	res.Finished = time.Now()
	data, err := json.MarshalIndent(res, "", "  ")
	if err == nil {
		err = writeAtomic(filepath.Join(s.channel, ResultFile), append(data, '\n'), 0o600)
	}
	if err != nil {
		s.log.Error("cannot write the upgrade result", "err", err)
	}
	path := filepath.Join(s.channel, InstructionsFile)
	info, statErr := os.Lstat(path)
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.log.Error("cannot remove the instruction file; it will not be acted on again until it changes", "err", err)
		if statErr == nil {
			s.stuck = statKey(info)
		}
	}
	s.log.Info("upgrade done", "ok", res.OK, "error", res.Error, "kernel_sha256", res.Kernel.After, "result", filepath.Join(s.channel, ResultFile))
}

// saveBackup copies the kernel binary into the channel.
func (s *steward) saveBackup() (string, error) {
	path := filepath.Join(s.channel, backupFile)
	if err := copyFile(s.kernel, path); err != nil {
		return "", err
	}
	return path, nil
}

// removeBackup removes a backup copy (and forgets it).
func (s *steward) removeBackup(path string) {
	if path == "" {
		return
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.log.Warn("cannot remove the copy of the previous kernel", "err", err)
	}
	if s.backup == path {
		s.backup = ""
	}
}

// dropBackup forgets the previous kernel binary: the new one has proved
// itself.
func (s *steward) dropBackup() {
	if s.backup != "" {
		s.log.Info("the upgraded kernel lives; the copy of the previous binary is dropped", "binary", s.kernel)
		s.removeBackup(s.backup)
	}
}

// restoreBackup puts the previous kernel binary back, if one is kept, and
// reports whether it did.
func (s *steward) restoreBackup(why string) bool {
	if s.backup == "" {
		return false
	}
	backup := s.backup
	if err := restoreFile(backup, s.kernel); err != nil {
		s.log.Error("cannot put the previous kernel binary back", "why", why, "err", err)
		return false
	}
	sum, _ := s.kernelSHA256()
	s.log.Warn("put the previous kernel binary back", "why", why, "binary", s.kernel, "sha256", sum)
	s.removeBackup(backup)
	return true
}

// restoreFile copies from over to: into a temporary file beside to,
// renamed over it, or, where to's directory is not writable, in place.
func restoreFile(from, to string) error {
	tmp := filepath.Join(filepath.Dir(to), "."+filepath.Base(to)+".restore")
	if err := copyFile(from, tmp); err == nil {
		if err := os.Rename(tmp, to); err != nil {
			os.Remove(tmp)
			return err
		}
		return nil
	}
	return copyFile(from, to)
}

// copyFile copies the file from to the file to, with from's permissions,
// synced.
func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	info, err := src.Stat()
	if err != nil {
		return err
	}
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return fmt.Errorf("copying %s to %s: %w", from, to, err)
	}
	if err := dst.Chmod(info.Mode().Perm()); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// writeAtomic writes data to path through a temporary file renamed over
// it, so a reader sees the old file or the whole new one.
func writeAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// capped keeps the first maxOutput bytes written to it and says when it
// dropped the rest.
type capped struct {
	mu      sync.Mutex
	buf     []byte
	dropped int64
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	room := maxOutput - len(c.buf)
	if room >= len(p) {
		c.buf = append(c.buf, p...)
	} else {
		c.buf = append(c.buf, p[:max(room, 0)]...)
		c.dropped += int64(len(p) - max(room, 0))
	}
	return len(p), nil
}

func (c *capped) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dropped > 0 {
		return fmt.Sprintf("%s\n[%d more bytes dropped]", c.buf, c.dropped)
	}
	return string(c.buf)
}
