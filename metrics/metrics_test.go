package metrics

import (
	"sort"
	"strings"
	"testing"
	"time"
)

// memStore is a side table in memory.
type memStore map[string][]byte

func (m memStore) SideGet(t, k string) ([]byte, bool, error) { v, ok := m[t+"/"+k]; return v, ok, nil }
func (m memStore) SidePut(t, k string, v []byte) error       { m[t+"/"+k] = v; return nil }
func (m memStore) SideDelete(t, k string) error              { delete(m, t+"/"+k); return nil }
func (m memStore) SideScan(t string, f func(string, []byte) error) error {
	var keys []string
	for k := range m {
		if strings.HasPrefix(k, t+"/") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := f(strings.TrimPrefix(k, t+"/"), m[k]); err != nil {
			return err
		}
	}
	return nil
}

// Counts merge across flushes, live in hourly buckets, and buckets older
// than the retention are dropped (a manual clock drives it).
func TestBucketsMergeAndExpire(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	r := New()
	r.Now = func() time.Time { return now }
	s := memStore{}
	r.Add("txn.commits", 2)
	r.Observe("mind.cycle.ms", 30)
	if err := r.Flush(s); err != nil {
		t.Fatal(err)
	}
	r.Add("txn.commits", 3)
	r.Observe("mind.cycle.ms", 10)
	if err := r.Flush(s); err != nil {
		t.Fatal(err)
	}
	if len(s) != 3 {
		t.Errorf("one key per counter and bucket, got %d", len(s))
	}
	now = now.Add(2 * time.Hour)
	r.Add("txn.commits", 1) // a new bucket, not flushed yet
	ts, err := r.Totals(s, now.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	got := Format(ts)
	for _, want := range []string{"txn.commits                                         6", "mind.cycle.ms                                       2  (mean 20.0)"} {
		if !strings.Contains(got, want) {
			t.Errorf("report:\n%s\nwant a line %q", got, want)
		}
	}
	ts, _ = r.Totals(s, now.Add(-time.Hour))
	if v := value(ts, "txn.commits"); v != 1 {
		t.Errorf("the last hour: %v commits, want 1", v)
	}
	now = now.Add(Retention + time.Hour)
	r.Add("x", 1)
	if err := r.Flush(s); err != nil {
		t.Fatal(err)
	}
	if len(s) != 1 { // x alone: the later commit bucket is past the retention too
		t.Errorf("expired buckets kept: %v", s)
	}
	if err := New().Flush(s); err != nil || len(s) != 1 {
		t.Errorf("an empty flush wrote or failed: %v %d", err, len(s))
	}
}

func value(ts []Total, name string) float64 {
	for _, t := range ts {
		if t.Name == name {
			return t.Value
		}
	}
	return 0
}
