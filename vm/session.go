package vm

import (
	"sync"

	"batos/lang"
)

// Session is one client's connection to a shared world (the bridge runs
// one per client). Each session has its own thread (frames, step budget,
// cancellation), and its transactions run one at a time against the
// world: a session holds the world's lock for the whole of each
// transaction.
//
// That is serializable isolation, stronger than the snapshot isolation the
// design first asked for, and it has no write-write conflicts to detect or
// retry: a transaction never sees another one half done, and two sessions
// incrementing one counter never lose an update. The VM runs batos code on
// one core anyway (it is not safe for parallel use), so running
// transactions in turn costs no throughput the VM could have had;
// docs/architecture.md records the decision.
type Session struct {
	t      *Thread
	parsed map[string]*lang.File // recent request texts, parsed
}

const sessionParseCache = 256

// worldLock returns the lock that orders the sessions of vm.
func (vm *VM) worldLock() *sync.Mutex { return &vm.mu }

// NewSession opens a session on vm's world.
func (vm *VM) NewSession() *Session {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	return &Session{t: vm.NewThread(), parsed: map[string]*lang.File{}}
}

// Thread returns the session's thread. Use it only inside Do.
func (s *Session) Thread() *Thread { return s.t }

// Do runs f as one unit of work with the world to itself. f usually
// evaluates statements (each commits, or aborts on error).
func (s *Session) Do(f func(t *Thread) error) error {
	l := s.t.vm.worldLock()
	l.Lock()
	defer l.Unlock()
	s.t.world = l
	defer func() { s.t.world = nil }()
	return f(s.t)
}

// Eval parses and runs src in the session, each statement its own
// transaction, and returns the last value's printString.
func (s *Session) Eval(name, src string) (string, error) {
	var out string
	f, ok := s.parsed[name+"\x00"+src]
	if !ok {
		var err error
		if f, err = lang.Parse(name, src); err != nil {
			return "", err
		}
		if len(s.parsed) >= sessionParseCache {
			clear(s.parsed)
		}
		s.parsed[name+"\x00"+src] = f
	}
	err := s.Do(func(t *Thread) error {
		v, err := t.EvalFile(f)
		if err != nil {
			return err
		}
		str, err := t.PrintString(v)
		if err != nil {
			t.vm.Abort()
			return err
		}
		out = str
		return t.vm.Commit()
	})
	return out, err
}

// Cancel interrupts what the session is running; safe from any goroutine.
func (s *Session) Cancel() { s.t.Cancel() }
