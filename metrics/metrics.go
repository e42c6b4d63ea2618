// Package metrics counts what a batos process does: transactions committed
// and aborted, generations attempted, accepted and rejected (by guardian
// code), model tokens in and out, adapter switches, cognitive cycles and
// their durations. Counting is a map update under a mutex; the counts are
// kept in the image (its side table, outside the object graph) in hourly
// buckets, merged with what is already there when they are flushed, and
// buckets older than the retention are dropped, so the image does not grow
// without bound.
//
// Default is the process's registry; the VM, the kernel and the model
// primitives count into it, and the CLI flushes it to the open image.
package metrics

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Store keeps buckets (the image's side table implements it).
type Store interface {
	SideGet(table, key string) ([]byte, bool, error)
	SidePut(table, key string, value []byte) error
	SideDelete(table, key string) error
	SideScan(table string, f func(key string, value []byte) error) error
}

const table = "metrics"

// Bucket is the width of a time bucket.
const Bucket = time.Hour

// Retention is how long buckets are kept.
const Retention = 30 * 24 * time.Hour

// Registry holds the counts not yet flushed.
type Registry struct {
	mu      sync.Mutex
	pending map[key]float64
	// Now is the clock (tests set a manual one).
	Now func() time.Time
	// Store is where Flush writes by default and Report reads (the open
	// image); nil keeps the counts in memory only.
	Store Store
}

type key struct {
	bucket int64 // unix seconds of the bucket's start
	name   string
}

// Default is the process's registry.
var Default = New()

// New returns an empty registry on the wall clock.
func New() *Registry { return &Registry{pending: map[key]float64{}, Now: time.Now} }

// Add counts n under name (a dotted name: "txn.commits").
func (r *Registry) Add(name string, n float64) {
	if r == nil {
		return
	}
	r.mu.Lock()
	k := key{r.Now().Truncate(Bucket).Unix(), name}
	r.pending[k] += n
	r.mu.Unlock()
}

// Observe counts one event of a measured size: name.count and name.sum
// (a cycle's duration, a generation's tokens).
func (r *Registry) Observe(name string, v float64) {
	r.Add(name+".count", 1)
	r.Add(name+".sum", v)
}

// Flush merges the pending counts into s and drops buckets older than the
// retention.
func (r *Registry) Flush(s Store) error {
	r.mu.Lock()
	pending := r.pending
	if len(pending) == 0 {
		r.mu.Unlock()
		return nil // nothing to write: a start that did nothing writes nothing
	}
	r.pending = map[key]float64{}
	now := r.Now()
	r.mu.Unlock()
	for k, v := range pending {
		sk := storeKey(k)
		old, ok, err := s.SideGet(table, sk)
		if err != nil {
			r.restore(pending)
			return err
		}
		if ok && len(old) == 8 {
			v += math.Float64frombits(binary.BigEndian.Uint64(old))
		}
		if err := s.SidePut(table, sk, binary.BigEndian.AppendUint64(nil, math.Float64bits(v))); err != nil {
			r.restore(pending)
			return err
		}
	}
	cutoff := now.Add(-Retention).Unix()
	var old []string
	s.SideScan(table, func(k string, _ []byte) error {
		if b, _, ok := parseKey(k); ok && b < cutoff {
			old = append(old, k)
		}
		return nil
	})
	for _, k := range old {
		if err := s.SideDelete(table, k); err != nil {
			return err
		}
	}
	return nil
}

func (r *Registry) restore(p map[key]float64) {
	r.mu.Lock()
	for k, v := range p {
		r.pending[k] += v
	}
	r.mu.Unlock()
}

func storeKey(k key) string { return fmt.Sprintf("%012d\x00%s", k.bucket, k.name) }

func parseKey(s string) (bucket int64, name string, ok bool) {
	b, n, found := strings.Cut(s, "\x00")
	if !found {
		return 0, "", false
	}
	v, err := strconv.ParseInt(b, 10, 64)
	return v, n, err == nil
}

// Total is a counter summed over the buckets since a time.
type Total struct {
	Name  string
	Value float64
}

// Totals sums every counter since the given time: what s holds (nil for
// none) plus what is pending.
func (r *Registry) Totals(s Store, since time.Time) ([]Total, error) {
	sum := map[string]float64{}
	from := since.Truncate(Bucket).Unix()
	if s != nil {
		err := s.SideScan(table, func(k string, v []byte) error {
			if b, name, ok := parseKey(k); ok && b >= from && len(v) == 8 {
				sum[name] += math.Float64frombits(binary.BigEndian.Uint64(v))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	r.mu.Lock()
	for k, v := range r.pending {
		if k.bucket >= from {
			sum[k.name] += v
		}
	}
	r.mu.Unlock()
	out := make([]Total, 0, len(sum))
	for n, v := range sum {
		out = append(out, Total{n, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Format renders totals one per line, with the means of observed values.
func Format(ts []Total) string {
	if len(ts) == 0 {
		return "no metrics recorded\n"
	}
	vals := map[string]float64{}
	for _, t := range ts {
		vals[t.Name] = t.Value
	}
	var b strings.Builder
	for _, t := range ts {
		if strings.HasSuffix(t.Name, ".sum") {
			continue
		}
		if base, ok := strings.CutSuffix(t.Name, ".count"); ok {
			if sum, ok := vals[base+".sum"]; ok && t.Value > 0 {
				fmt.Fprintf(&b, "%-40s %12.0f  (mean %.1f)\n", base, t.Value, sum/t.Value)
				continue
			}
		}
		fmt.Fprintf(&b, "%-40s %12.0f\n", t.Name, t.Value)
	}
	return b.String()
}

// Report renders the totals of the last d (the store's and the pending
// counts).
func (r *Registry) Report(d time.Duration) (string, error) {
	ts, err := r.Totals(r.Store, r.Now().Add(-d))
	if err != nil {
		return "", err
	}
	return Format(ts), nil
}
