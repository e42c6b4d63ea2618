package llama

import (
	"batos/metrics"
	"fmt"
	"sort"
	"time"

	"batos/llm"
	"batos/llm/internal/cllama"
)

// DefaultWarmBytes bounds the adapters kept loaded but not applied.
const DefaultWarmBytes = 1 << 30

// adapterSet is the memory manager of a model's LoRA adapters, one per
// persona name. An adapter is cold (only its path is known), warm (loaded,
// in an LRU bounded by WarmBytes) or hot (applied to the context; at most
// one). Switching between warm adapters costs no I/O. Guarded by Model.mu.
type adapterSet struct {
	m         *Model
	byName    map[string]*adapter
	hot       string
	clock     uint64
	WarmBytes uint64
}

type adapter struct {
	name, path string
	bytes      uint64
	lora       *cllama.LoRA // nil when cold
	used       uint64
}

func (s *adapterSet) init(m *Model) {
	s.m, s.byName, s.WarmBytes = m, map[string]*adapter{}, DefaultWarmBytes
}

// AddAdapter implements llm.Adapters. The file is checked now and loaded
// on first use.
func (m *Model) AddAdapter(name, path string) error {
	if name == "" {
		return fmt.Errorf("an adapter needs a name")
	}
	g, err := checkAdapter(path, m.file)
	if err != nil {
		return err
	}
	var n uint64
	for i := range g.Tensors {
		n += g.Tensors[i].Bytes()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ctx.GraphReuse() {
		// llama.cpp would reuse a graph built with another adapter: from
		// the first adapter on, the context builds a graph per decode.
		c, err := cllama.NewContext(m.m, cllama.ContextParams{NCtx: m.opts.Ctx, Threads: m.opts.Threads, NoGraphReuse: true})
		if err != nil {
			return explainOOM(err)
		}
		m.ctx.Free()
		m.ctx = c
	}
	s := &m.adapters
	if old, ok := s.byName[name]; ok {
		if s.hot == name {
			m.ctx.ClearLoRA()
			s.hot = ""
		}
		if old.lora != nil {
			old.lora.Free()
		}
	}
	s.byName[name] = &adapter{name: name, path: path, bytes: n}
	return nil
}

// SetAdapter implements llm.Adapters.
func (m *Model) SetAdapter(name string) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switched := name != m.adapters.hot
	d, err := m.adapters.use(name)
	if err == nil && switched {
		metrics.Default.Observe("model.adapterSwitch.ms", float64(d.Microseconds())/1000)
	}
	return d, err
}

// SetWarmBytes changes the bound on warm adapters.
func (m *Model) SetWarmBytes(n uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.adapters.WarmBytes = n
	m.adapters.evict()
}

// AdapterStates implements llm.Adapters.
func (m *Model) AdapterStates() []llm.AdapterState {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []llm.AdapterState
	for _, a := range m.adapters.byName {
		st := "cold"
		switch {
		case a.name == m.adapters.hot:
			st = "hot"
		case a.lora != nil:
			st = "warm"
		}
		out = append(out, llm.AdapterState{Name: a.name, Path: a.path, State: st, Bytes: a.bytes})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// use makes name the hot adapter ("" for none), loading it if cold.
func (s *adapterSet) use(name string) (time.Duration, error) {
	start := time.Now()
	if name == s.hot {
		return 0, nil
	}
	if name == "" {
		s.m.ctx.ClearLoRA()
		s.hot = ""
		s.evict()
		return time.Since(start), nil
	}
	a, ok := s.byName[name]
	if !ok {
		return 0, fmt.Errorf("no adapter named %q (add it with addAdapter:Path:)", name)
	}
	if a.lora == nil {
		l, err := cllama.LoadLoRA(s.m.m, a.path)
		if err != nil {
			return 0, explainOOM(err)
		}
		a.lora = l
	}
	s.m.ctx.ClearLoRA()
	if err := s.m.ctx.SetLoRA(a.lora, 1); err != nil {
		s.hot = ""
		return 0, err
	}
	s.clock++
	a.used = s.clock
	s.hot = name
	s.evict()
	return time.Since(start), nil
}

// evict frees the least recently used warm adapters beyond WarmBytes.
func (s *adapterSet) evict() {
	for {
		var total uint64
		var lru *adapter
		for _, a := range s.byName {
			if a.lora == nil || a.name == s.hot {
				continue
			}
			total += a.bytes
			if lru == nil || a.used < lru.used {
				lru = a
			}
		}
		if total <= s.WarmBytes || lru == nil {
			return
		}
		lru.lora.Free()
		lru.lora = nil
	}
}

func (s *adapterSet) freeAll() {
	for _, a := range s.byName {
		if a.lora != nil {
			a.lora.Free()
			a.lora = nil
		}
	}
}
