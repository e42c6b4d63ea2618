package kernel

import (
	"encoding/json"
	"sort"
	"sync"
	"time"

	"batos/image"
)

// Store is the persistent generation cache: accepted method texts by miss
// key (the receiver's shape and the selector), and failure records. Each
// write is durable on its own, outside the user's transaction.
type Store interface {
	Get(key string) (Entry, bool)
	Put(key string, e Entry) error
	Delete(key string) error
	List() ([]Entry, error)
	Clear() (int, error)
	// Fail records a miss the model could not answer (metrics).
	Fail(key string, f Failure) error
}

// Entry is one accepted method text.
type Entry struct {
	Key      string    `json:"-"`
	Text     string    `json:"text"`
	Selector string    `json:"selector"`
	Model    string    `json:"model"`
	Time     time.Time `json:"time"`
}

// Failure is one miss that failed after every attempt.
type Failure struct {
	Selector string    `json:"selector"`
	Receiver string    `json:"receiver"`
	Attempts int       `json:"attempts"`
	Codes    []string  `json:"codes"`
	Time     time.Time `json:"time"`
}

// MemStore is a Store in memory (--memory worlds, tests).
type MemStore struct {
	mu       sync.Mutex
	entries  map[string]Entry
	Failures []Failure
}

// NewMemStore returns an empty in-memory store.
func NewMemStore() *MemStore { return &MemStore{entries: map[string]Entry{}} }

func (s *MemStore) Get(key string) (Entry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[key]
	return e, ok
}

func (s *MemStore) Put(key string, e Entry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e.Key = key
	s.entries[key] = e
	return nil
}

func (s *MemStore) Delete(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.entries, key)
	return nil
}

func (s *MemStore) List() ([]Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Entry
	for _, e := range s.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func (s *MemStore) Clear() (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.entries)
	clear(s.entries)
	return n, nil
}

func (s *MemStore) Fail(key string, f Failure) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Failures = append(s.Failures, f)
	return nil
}

// ImageStore keeps the cache in an image's side table.
type ImageStore struct{ Img *image.Image }

const (
	cacheTable    = "gencache"
	failuresTable = "genfail"
)

func (s ImageStore) Get(key string) (Entry, bool) {
	b, ok, err := s.Img.SideGet(cacheTable, key)
	if err != nil || !ok {
		return Entry{}, false
	}
	var e Entry
	if json.Unmarshal(b, &e) != nil {
		return Entry{}, false
	}
	e.Key = key
	return e, true
}

func (s ImageStore) Put(key string, e Entry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return s.Img.SidePut(cacheTable, key, b)
}

func (s ImageStore) Delete(key string) error { return s.Img.SideDelete(cacheTable, key) }

func (s ImageStore) List() ([]Entry, error) {
	var out []Entry
	err := s.Img.SideScan(cacheTable, func(k string, v []byte) error {
		var e Entry
		if json.Unmarshal(v, &e) == nil {
			e.Key = k
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

func (s ImageStore) Clear() (int, error) { return s.Img.SideClear(cacheTable) }

func (s ImageStore) Fail(key string, f Failure) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return s.Img.SidePut(failuresTable, f.Time.Format(time.RFC3339Nano)+"\x00"+key, b)
}
