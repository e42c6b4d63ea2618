package bridge

import (
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"

	"batos/bridge/wire"
	"batos/lang"
	"batos/vm"
)

// peer is one client identity: its session, its queue of requests and
// its worker goroutine, which runs them in order.
type peer struct {
	id     []byte
	jobs   chan job
	sess   *vm.Session                // the worker's (made by it: NewSession waits for the world)
	live   atomic.Pointer[vm.Session] // sess, for shutdown to interrupt
	busy   atomic.Bool                // a request is running
	bucket bucket                     // the receiver's rate limit (under Server.mu)
	last   time.Time                  // the last request (under Server.mu)

	// the worker's own state
	parsed map[string]*lang.File // recent sources, parsed
	pins   []*vm.Object          // recent results, so their OIDs stay usable
	pinAt  int
}

// job is a request waiting for its worker, with the envelope to reply with.
type job struct {
	env  [][]byte
	req  *request
	size int64 // the payload's bytes, counted in Server.queued
}

const (
	peerParseCache = 256
	peerParseMax   = 4096 // longer sources are not cached
	peerPins       = 64
)

// newPeer makes the peer for routing id and starts its worker. Call with
// s.mu held.
func (s *Server) newPeer(id []byte) *peer {
	p := &peer{
		id:     append([]byte(nil), id...),
		jobs:   make(chan job, s.cfg.Queue),
		bucket: newBucket(s.cfg.Rate, s.cfg.Burst),
		parsed: map[string]*lang.File{},
		pins:   make([]*vm.Object, peerPins),
	}
	s.workers.Add(1)
	go s.work(p)
	return p
}

// work runs p's requests in order until its queue is closed. It opens
// p's session first, with the server's budgets (this waits for the world,
// which the receiving goroutine must never do).
func (s *Server) work(p *peer) {
	defer s.workers.Done()
	p.sess = s.vm.NewSession()
	p.sess.Do(func(t *vm.Thread) error {
		t.SetMaxSteps(s.cfg.MaxSteps)
		t.SetMaxAlloc(s.cfg.MaxAlloc)
		return nil
	})
	p.live.Store(p.sess)
	for j := range p.jobs {
		s.queued.Add(-j.size)
		if s.closing.Load() {
			s.send(p.id, j.env, &wire.Reply{ID: j.req.id, Error: reqError(wire.CodeShutdown, "the server is shutting down; the request did not run")})
			continue
		}
		p.busy.Store(true)
		rep, seq := s.run(p, j.req)
		// a reply goes out only once what its request committed (and
		// what it read) is durable; commits share the fsync
		if s.sync != nil {
			if err := s.sync.Wait(seq); err != nil {
				rep = &wire.Reply{Error: reqError(wire.CodeCommit, "%v", err)}
			}
		}
		p.busy.Store(false)
		rep.ID = j.req.id
		s.served.Add(1)
		s.send(p.id, j.env, rep)
	}
}

// run runs one request. seq is the commit count the request saw (its own
// commits included): the reply waits until it is durable.
func (s *Server) run(p *peer, r *request) (rep *wire.Reply, seq uint64) {
	defer func() {
		if x := recover(); x != nil {
			s.cfg.Log.Error("a request panicked", "cmd", r.cmd, "panic", fmt.Sprint(x), "stack", string(debug.Stack()))
			rep = &wire.Reply{Error: reqError(wire.CodeInternal, "the server failed on this request (a bug): %v", x)}
			// whatever the request changed is undone
			p.sess.Do(func(t *vm.Thread) error { t.VM().Abort(); return nil })
		}
	}()
	cmd, ok := commands[r.cmd]
	if !ok {
		return &wire.Reply{Error: reqError(wire.CodeUnknownCommand, "unknown command %q (eval, send, describe, snapshot, status)", r.cmd)}, 0
	}
	result, werr := cmd(s, p, r, &seq)
	if werr != nil {
		return &wire.Reply{Error: werr}, seq
	}
	return &wire.Reply{OK: true, Result: result}, seq
}

// parse parses src, from p's cache when it was sent recently.
func (p *peer) parse(src string) (*lang.File, error) {
	if f, ok := p.parsed[src]; ok {
		return f, nil
	}
	f, err := lang.Parse("eval", src)
	if err != nil {
		return nil, err
	}
	if len(src) > peerParseMax {
		return f, nil // not kept: the cache's memory stays small
	}
	if len(p.parsed) >= peerParseCache {
		clear(p.parsed)
	}
	p.parsed[src] = f
	return f, nil
}

// pin keeps o alive for a while so that a later send or describe can name
// it by its OID even if nothing in the image refers to it.
func (p *peer) pin(o *vm.Object) {
	p.pins[p.pinAt] = o
	p.pinAt = (p.pinAt + 1) % len(p.pins)
}

// pinned returns the recent result with OID oid.
func (p *peer) pinned(oid vm.OID) *vm.Object {
	for _, o := range p.pins {
		if o != nil && o.OID() == oid {
			return o
		}
	}
	return nil
}
