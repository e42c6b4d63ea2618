package steward

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// kernel is one run of the kernel process.
type kernel struct {
	cmd     *exec.Cmd
	started time.Time
	done    chan struct{} // closed when the process has been waited for
	waitErr error         // Wait's result, once done is closed
	stderr  *tail         // the end of its stderr
}

// start starts the kernel from the binary now at s.kernel.
func (s *steward) start() (*kernel, error) {
	k := &kernel{done: make(chan struct{}), stderr: &tail{max: 4096}}
	k.cmd = exec.Command(s.kernel, s.cfg.Kernel[1:]...)
	k.cmd.Stdout = s.cfg.Stdout
	k.cmd.Stderr = io.MultiWriter(s.cfg.Stderr, k.stderr)
	k.cmd.SysProcAttr = ownGroup()
	sum, _ := s.kernelSHA256()
	if err := k.cmd.Start(); err != nil {
		return nil, err
	}
	k.started = time.Now()
	go func() {
		k.waitErr = k.cmd.Wait()
		close(k.done)
	}()
	s.log.Info("kernel started", "pid", k.pid(), "binary", s.kernel, "sha256", sum)
	return k, nil
}

// stop stops k gracefully: SIGTERM, then SIGKILL to its process group
// after StopTimeout.
func (s *steward) stop(k *kernel) {
	s.log.Info("stopping the kernel", "pid", k.pid())
	select {
	case <-k.done:
		s.log.Info("the kernel had already exited", "pid", k.pid(), "how", k.describe())
		return
	default:
	}
	begun := time.Now()
	k.cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(s.cfg.StopTimeout)
	defer t.Stop()
	select {
	case <-k.done:
		s.log.Info("kernel stopped", "pid", k.pid(), "how", k.describe(), "took", time.Since(begun).Round(time.Millisecond), "lived", time.Since(k.started).Round(time.Millisecond))
		return
	case <-t.C:
	}
	s.log.Warn("the kernel did not stop in time; killing it", "pid", k.pid(), "timeout", s.cfg.StopTimeout)
	killGroup(k.cmd.Process.Pid)
	<-k.done
	s.log.Info("kernel killed", "pid", k.pid(), "how", k.describe())
}

// pid is the kernel's process id (0 for none).
func (k *kernel) pid() int {
	if k == nil || k.cmd.Process == nil {
		return 0
	}
	return k.cmd.Process.Pid
}

// describe says how the process ended ("exit status 1", "signal:
// killed"); call it after done is closed.
func (k *kernel) describe() string {
	if k.waitErr == nil {
		return "exit status 0"
	}
	return k.waitErr.Error()
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.buf))
}

// kernelSHA256 is the hex sha256 of the kernel binary, computed again
// only when the file's identity, size or modification time changed.
func (s *steward) kernelSHA256() (string, error) {
	info, err := os.Stat(s.kernel)
	if err != nil {
		return "", err
	}
	key := statKey(info)
	if key == s.sumKey {
		return s.sum, nil
	}
	sum, err := fileSHA256(s.kernel)
	if err != nil {
		return "", err
	}
	s.sumKey, s.sum = key, sum
	return sum, nil
}

// fileSHA256 is the hex sha256 of the file at path.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
