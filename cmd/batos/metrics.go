package main

import (
	"fmt"
	"time"

	"batos/metrics"
	"batos/vm"
)

// Metrics on the command line: the VM, the kernel and the model count into
// metrics.Default; an image world flushes the counts into the image every
// few seconds and when it closes. `batos metrics [--hours N]` and the
// REPL's :metrics print them.

const metricsUsage = `  batos metrics [--hours N]         the counters of the last N hours (default 24)
`

// startMetrics makes the VM count into the process's registry and, for an
// image, keeps the counts in it. The returned function flushes and stops.
func (c *cli) startMetrics(t *vm.Thread) func() {
	t.VM().SetCounter(metrics.Default.Add)
	if c.img == nil {
		return func() {}
	}
	metrics.Default.Store = c.img
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(10 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				metrics.Default.Flush(c.img)
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
		if err := metrics.Default.Flush(c.img); err != nil {
			c.stderrf("could not keep the metrics: %v", err)
		}
		metrics.Default.Store = nil
	}
}

// metricsCmd implements `batos metrics`.
func (c *cli) metricsCmd(args []string) error {
	fs := c.newFlags("metrics")
	c.vmFlags(fs)
	hours := fs.Int("hours", 24, "the last N hours")
	pos, err := c.parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *hours <= 0 {
		return usagef("--hours must be positive")
	}
	_, closer, err := c.boot(nil)
	if err != nil {
		return err
	}
	defer closer()
	s, err := metrics.Default.Report(time.Duration(*hours) * time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprint(c.stdout, s)
	return nil
}

// metricsCommand is the REPL's :metrics.
func (c *cli) metricsCommand(string) error {
	s, err := metrics.Default.Report(24 * time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprint(c.stdout, s)
	return nil
}
