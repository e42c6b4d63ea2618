package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"batos/steward"
)

const stewardUsage = `usage: batos steward [--image DIR] [steward flags] [serve flags]

Runs 'batos serve --image DIR [serve flags]' as a child process and keeps
it running: restarts it with backoff when it dies, stops after repeated
quick deaths (a crash loop), and upgrades it through DIR/upgrade_channel/
(see docs/steward.md). Flags other than the steward's own go to serve,
as do all arguments after --.

steward flags:
  --image DIR             the image (default $BATOS_IMAGE, else ./batos.image)
  --kernel PATH           the batos binary to run as the kernel, read anew at
                          every start (default: this steward's own command)
  --log-file FILE         also append the steward's log to FILE
  --stop-timeout D        SIGTERM to SIGKILL when stopping the kernel (default 10s)
  --command-timeout D     limit on each upgrade command (default 10m)
  --quick-death D         a kernel dying sooner died quickly (default 5s)
  --max-quick-deaths N    quick deaths in a row that stop the steward (default 5)
  --min-backoff D         first restart delay (default 100ms)
  --max-backoff D         longest restart delay (default 10s)
`

// stewardCmd runs `batos steward`.
func (c *cli) stewardCmd(args []string) error {
	fs := c.newFlags("steward")
	imageDir := os.Getenv("BATOS_IMAGE")
	if imageDir == "" {
		imageDir = "batos.image"
	}
	if c.imageDir != "" {
		imageDir = c.imageDir
	}
	var (
		kernel, logFile string
		cfg             steward.Config
	)
	fs.StringVar(&imageDir, "image", imageDir, "")
	fs.StringVar(&kernel, "kernel", "", "")
	fs.StringVar(&logFile, "log-file", "", "")
	fs.DurationVar(&cfg.StopTimeout, "stop-timeout", 10*time.Second, "")
	fs.DurationVar(&cfg.CommandTimeout, "command-timeout", 10*time.Minute, "")
	fs.DurationVar(&cfg.QuickDeath, "quick-death", 5*time.Second, "")
	fs.IntVar(&cfg.MaxQuickDeaths, "max-quick-deaths", 5, "")
	fs.DurationVar(&cfg.MinBackoff, "min-backoff", 100*time.Millisecond, "")
	fs.DurationVar(&cfg.MaxBackoff, "max-backoff", 10*time.Second, "")
	serveArgs, err := splitStewardArgs(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(c.stdout, stewardUsage)
		return nil
	}
	if err != nil {
		return err
	}
	if cfg.MaxQuickDeaths < 1 {
		return usagef("--max-quick-deaths must be at least 1")
	}
	for _, d := range []time.Duration{cfg.StopTimeout, cfg.CommandTimeout, cfg.QuickDeath, cfg.MinBackoff, cfg.MaxBackoff} {
		if d <= 0 {
			return usagef("durations must be positive")
		}
	}
	if kernel == "" {
		if kernel, err = ownCommand(); err != nil {
			return fmt.Errorf("cannot find its own binary for the kernel (use --kernel PATH): %w", err)
		}
	}
	if kernel, err = filepath.Abs(kernel); err != nil {
		return err
	}
	dir, err := filepath.Abs(imageDir)
	if err != nil {
		return err
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return fmt.Errorf("image %s: not a directory", dir)
	}

	logOut := c.stderr
	if logFile != "" {
		f, err := os.OpenFile(logFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("log file: %w", err)
		}
		defer f.Close()
		logOut = io.MultiWriter(c.stderr, f)
	}
	cfg.Logger = slog.New(slog.NewTextHandler(logOut, nil))
	cfg.Kernel = append([]string{kernel, "serve", "--image", dir}, serveArgs...)
	cfg.Channel = filepath.Join(dir, "upgrade_channel")
	cfg.Stdout, cfg.Stderr = c.stdout, c.stderr
	cfg.UsageExit = exitUsage

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = steward.Run(ctx, cfg)
	var (
		loop  *steward.CrashLoopError
		usage *steward.KernelUsageError
	)
	switch {
	case errors.As(err, &loop), errors.As(err, &usage):
		c.stderrf("%v", err)
		return exitError(exitRuntime)
	case err != nil:
		return err
	}
	return nil
}

// splitStewardArgs parses the steward's own flags out of args and returns
// the rest, in order, for serve: flags the steward does not know (with
// their values), positional arguments, and everything after --. --image
// is the steward's and is also given to serve (by stewardCmd).
func splitStewardArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(rest, args[i+1:]...), nil
		}
		if a == "-h" || a == "-help" || a == "--help" {
			return nil, flag.ErrHelp
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || a == "-" || fs.Lookup(name) == nil {
			rest = append(rest, a)
			continue
		}
		if !hasValue {
			if i+1 == len(args) {
				return nil, usagef("flag needs an argument: %s", a)
			}
			i++
			value = args[i]
		}
		if err := fs.Set(name, value); err != nil {
			return nil, usagef("invalid value %q for %s: %v", value, a, err)
		}
	}
	return rest, nil
}

// ownCommand is the absolute path by which this process was started
// (os.Args[0], looked up in PATH if it has no slash), not the file a
// symbolic link leads to: a link switched to a new build is what the next
// kernel start runs.
func ownCommand() (string, error) {
	p := os.Args[0]
	if !strings.Contains(p, string(os.PathSeparator)) {
		var err error
		if p, err = exec.LookPath(p); err != nil {
			return "", err
		}
	}
	return filepath.Abs(p)
}
