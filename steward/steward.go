package steward

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// Config configures a steward. Kernel and Channel are required; the zero
// value of every other field picks the default written beside it.
type Config struct {
	// Kernel is the kernel's command line; Kernel[0] is the binary's path,
	// opened anew at each start.
	Kernel []string
	// Channel is the upgrade channel directory.
	Channel string
	// Logger receives the steward's records (default: text to stderr).
	Logger *slog.Logger
	// Stdout and Stderr receive the kernel's output (default: the
	// steward's own).
	Stdout, Stderr io.Writer

	StopTimeout    time.Duration // SIGTERM to SIGKILL (10s)
	CommandTimeout time.Duration // each upgrade command (10m)
	MinBackoff     time.Duration // first restart delay (100ms)
	MaxBackoff     time.Duration // longest restart delay (10s)
	QuickDeath     time.Duration // a kernel dying sooner died quickly (5s)
	MaxQuickDeaths int           // quick deaths in a row that end Run (5)
	Poll           time.Duration // polling of the channel besides fsnotify (2s)
	Settle         time.Duration // quiet time before an instruction file is read (100ms)
	// UsageExit, if not 0, is the exit status by which the kernel says its
	// command line is wrong: Run returns a *KernelUsageError at the first
	// quick death with it instead of retrying.
	UsageExit int
}

// File names in the upgrade channel.
const (
	InstructionsFile = "update_instructions.json"
	ResultFile       = "update_result.json"
	backupFile       = ".kernel-previous"
)

func (c *Config) defaults() error {
	if len(c.Kernel) == 0 || c.Kernel[0] == "" {
		return errors.New("steward: no kernel command")
	}
	if c.Channel == "" {
		return errors.New("steward: no upgrade channel directory")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if c.Stdout == nil {
		c.Stdout = os.Stdout
	}
	if c.Stderr == nil {
		c.Stderr = os.Stderr
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.StopTimeout, 10*time.Second)
	def(&c.CommandTimeout, 10*time.Minute)
	def(&c.MinBackoff, 100*time.Millisecond)
	def(&c.MaxBackoff, 10*time.Second)
	def(&c.QuickDeath, 5*time.Second)
	def(&c.Poll, 2*time.Second)
	def(&c.Settle, 100*time.Millisecond)
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = c.MinBackoff
	}
	if c.MaxQuickDeaths <= 0 {
		c.MaxQuickDeaths = 5
	}
	return nil
}

// CrashLoopError is Run's error when the kernel died quickly too many
// times in a row.
type CrashLoopError struct {
	Deaths int           // quick deaths in a row
	Within time.Duration // each lived less than this
	Last   string        // how the last one ended
	Stderr string        // the end of the last one's stderr
}

func (e *CrashLoopError) Error() string {
	msg := fmt.Sprintf("the kernel is crash-looping: it died %d times in a row, each within %v of its start (last: %s); the steward stopped restarting it", e.Deaths, e.Within, e.Last)
	if e.Stderr != "" {
		msg += "; its last words on stderr:\n" + e.Stderr
	}
	return msg
}

// KernelUsageError is Run's error when the kernel rejected its command
// line (Config.UsageExit).
type KernelUsageError struct {
	Stderr string // what the kernel said
}

func (e *KernelUsageError) Error() string {
	return "the kernel rejected its command line; the steward stopped:\n" + e.Stderr
}

// steward is one Run's state.
type steward struct {
	cfg     Config
	log     *slog.Logger
	kernel  string // absolute path of the kernel binary
	channel string
	wake    chan struct{} // an instruction file may be waiting
	// backup is the previous kernel binary kept after an upgrade that
	// changed it, until the new one has lived past QuickDeath ("" if none).
	backup string
	// the kernel binary's last sha256 and the stat it was computed for
	sum, sumKey string
	// stuck is the statKey of an instruction file acted on that could not
	// be removed
	stuck string
}

// Run supervises the kernel until ctx ends (it then stops the kernel
// gracefully and returns nil), the kernel crash-loops (a *CrashLoopError)
// or rejects its command line (a *KernelUsageError). It returns an error
// at once if the upgrade channel is unusable.
func Run(ctx context.Context, cfg Config) error {
	if err := cfg.defaults(); err != nil {
		return err
	}
	// the kernel's parent-death signal (Linux) fires when the thread that
	// started it ends; keep this goroutine, which starts every kernel, on
	// one thread that lives as long as Run
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	kernel, err := filepath.Abs(cfg.Kernel[0])
	if err != nil {
		return fmt.Errorf("steward: kernel %s: %w", cfg.Kernel[0], err)
	}
	channel, err := filepath.Abs(cfg.Channel)
	if err != nil {
		return fmt.Errorf("steward: upgrade channel %s: %w", cfg.Channel, err)
	}
	s := &steward{cfg: cfg, log: cfg.Logger, kernel: kernel, channel: channel, wake: make(chan struct{}, 1)}
	if err := s.prepareChannel(); err != nil {
		return err
	}
	if _, err := os.Lstat(filepath.Join(channel, backupFile)); err == nil {
		// a steward that died in the middle of an upgrade
		s.backup = filepath.Join(channel, backupFile)
	}
	stopWatch, err := s.watch(ctx)
	if err != nil {
		return err
	}
	defer stopWatch()
	s.log.Info("steward started", "pid", os.Getpid(), "kernel", append([]string{kernel}, cfg.Kernel[1:]...), "channel", channel)
	return s.loop(ctx)
}

// loop starts the kernel, and restarts, upgrades or stops it as events
// come, until ctx ends or the kernel crash-loops.
func (s *steward) loop(ctx context.Context) error {
	quick := 0 // quick deaths in a row
	for {
		if ctx.Err() != nil {
			s.log.Info("steward stopped")
			return nil
		}
		// an instruction file waiting before the kernel starts (one left
		// while the steward was down, or one that came during a backoff)
		if s.pending() && s.upgrade(ctx, nil) {
			quick = 0
		}
		var how, stderr string
		var lived time.Duration
		k, err := s.start()
		if err != nil {
			how = "it did not start: " + err.Error()
		} else {
			switch s.supervise(ctx, k) {
			case stopped:
				s.log.Info("steward stopped")
				return nil
			case replaced:
				quick = 0
				continue
			}
			how, stderr, lived = k.describe(), k.stderr.String(), time.Since(k.started)
		}
		if lived < s.cfg.QuickDeath {
			quick++
		} else {
			quick = 0
			s.dropBackup()
		}
		s.log.Warn("kernel died", "pid", k.pid(), "how", how, "lived", lived.Round(time.Millisecond), "quick_deaths", quick)
		var giveUp error
		switch {
		case quick > 0 && s.cfg.UsageExit != 0 && k != nil && k.cmd.ProcessState.ExitCode() == s.cfg.UsageExit:
			giveUp = &KernelUsageError{Stderr: stderr}
		case quick >= s.cfg.MaxQuickDeaths:
			giveUp = &CrashLoopError{Deaths: quick, Within: s.cfg.QuickDeath, Last: how, Stderr: stderr}
		}
		if giveUp != nil {
			if s.restoreBackup(fmt.Sprintf("the upgraded kernel failed: %v", giveUp)) {
				quick = 0
				continue
			}
			s.log.Error("steward gave up", "err", giveUp)
			return giveUp
		}
		if !s.backoff(ctx, quick) {
			s.log.Info("steward stopped")
			return nil
		}
	}
}

// How a supervised kernel's run ended.
type outcome int

const (
	died     outcome = iota // on its own
	replaced                // stopped for an upgrade, which ran
	stopped                 // stopped because Run's context ended
)

// supervise waits for k to die, for an upgrade, or for ctx to end.
func (s *steward) supervise(ctx context.Context, k *kernel) outcome {
	var probation <-chan time.Time // after an upgrade: the new binary outlives a quick death
	if s.backup != "" {
		probation = time.After(s.cfg.QuickDeath)
	}
	for {
		select {
		case <-k.done:
			return died
		case <-probation:
			probation = nil
			s.dropBackup()
		case <-s.wake:
			if s.pending() && s.upgrade(ctx, k) {
				return replaced
			}
		case <-ctx.Done():
			s.stop(k)
			return stopped
		}
	}
}

// backoff waits before restart number quick (0: after a long life), and
// returns false if ctx ended meanwhile. An instruction file ends the wait.
func (s *steward) backoff(ctx context.Context, quick int) bool {
	d := s.cfg.MinBackoff
	for i := 1; i < quick && d < s.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, s.cfg.MaxBackoff)
	s.log.Info("restarting the kernel", "after", d)
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			return true
		case <-ctx.Done():
			return false
		case <-s.wake:
			if s.pending() {
				return true
			}
		}
	}
}
