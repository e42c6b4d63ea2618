//go:build !invariants

package image

import "github.com/cockroachdb/pebble/v2"

// invariantsEnabled reports whether the heap consistency checks of
// invariants.go are compiled in (go test -tags invariants).
const invariantsEnabled = false

// checkBatch is a no-op without the invariants build tag.
func (img *Image) checkBatch(*pebble.Batch) {}
