package main

import (
	"context"
	"time"
)

// auditLoop runs the self-audit (`mind audit run`, one transaction in its
// own session) at every tick until ctx ends (`batos serve --audit-every`).
// Ticks come from a channel so tests drive the loop with a manual clock.
func auditLoop(ctx context.Context, ticks <-chan time.Time, audit func() error, report func(error)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			if err := audit(); err != nil && ctx.Err() == nil {
				report(err)
			}
		}
	}
}
