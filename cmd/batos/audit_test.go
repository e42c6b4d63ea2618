package main

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The self-audit loop runs once per tick of its clock (a manual one here),
// reports failures and keeps going, and stops with its context.
func TestAuditLoopManualClock(t *testing.T) {
	ticks := make(chan time.Time)
	ctx, cancel := context.WithCancel(context.Background())
	runs, failures := 0, 0
	done := make(chan struct{})
	go func() {
		auditLoop(ctx, ticks, func() error {
			runs++
			if runs == 2 {
				return errors.New("no model")
			}
			return nil
		}, func(error) { failures++ })
		close(done)
	}()
	for range 3 {
		ticks <- time.Time{}
	}
	cancel()
	<-done
	if runs != 3 || failures != 1 {
		t.Errorf("runs %d, failures %d; want 3 and 1", runs, failures)
	}
}
