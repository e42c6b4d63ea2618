package bridge

import (
	"batos/bridge/wire"
	"batos/vm"
)

// The composite mind's commands: mission {brief} begins a cognitive cycle
// and answers its number; the server runs it in the background, a
// transition per transaction; cycle {cycle} describes a cycle.

// cycleInfo describes cycle c.
func cycleInfo(t *vm.Thread, c vm.Value) map[string]any {
	str := func(sel string) any {
		v := t.Send(c, sel)
		if s, ok := v.Str(); ok {
			return s
		}
		if v.IsInt() {
			return v.Int()
		}
		if v.Obj() == t.VM().Nil {
			return nil
		}
		s, _ := t.PrintString(v)
		return s
	}
	var trans []string
	for _, e := range t.Send(c, "transitions").Elements() {
		if s, ok := e.Str(); ok {
			trans = append(trans, s)
		}
	}
	return map[string]any{"id": str("id"), "state": str("stateName"), "mission": str("mission"),
		"result": str("result"), "failure": str("failure"), "durationMs": str("durationMs"), "transitions": trans}
}

// theMind returns the lobby's mind, or raises.
func theMind(t *vm.Thread) vm.Value {
	m, ok := t.VM().FieldValue(t.VM().Lobby, "mind")
	if !ok {
		t.Raise(vm.ErrError, "this image has no mind (an older library: batos image upgrade)")
	}
	return m
}

// mission {brief}: begin a cognitive cycle (one durable transaction) and
// answer its number at once; the server then runs the cycle a transition
// at a time, each its own transaction, in a session of its own, so other
// requests go on and a crash or a shutdown leaves the cycle interrupted in
// the image (`batos mind resume N` finishes it). cycle {cycle} follows it.
func (s *Server) mission(p *peer, r *request, seq *uint64) (any, *wire.Error) {
	brief, werr := r.str("brief", false)
	if werr != nil {
		return nil, werr
	}
	if brief == "" {
		return nil, reqError(wire.CodeField, "mission: brief must not be empty")
	}
	var out map[string]any
	var id int64
	err := p.sess.Do(func(t *vm.Thread) error {
		defer func() { *seq = s.commits() }()
		_, err := t.Transact(func() vm.Value {
			c := t.Send(theMind(t), "begin:", t.VM().String(brief))
			id = t.Send(c, "id").Int()
			out = cycleInfo(t, c)
			return c
		})
		return err
	})
	if err != nil {
		return nil, errorReply(err)
	}
	s.startCycle(id)
	return out, nil
}

// startCycle runs cycle id in the background until it ends or the server
// stops.
func (s *Server) startCycle(id int64) {
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		return // the cycle stays interrupted in the image
	}
	sess := s.vm.NewSession()
	if s.runners == nil {
		s.runners = map[*vm.Session]bool{}
	}
	s.runners[sess] = true
	s.cycles.Add(1)
	s.mu.Unlock()
	go func() {
		defer func() {
			s.mu.Lock()
			delete(s.runners, sess)
			s.mu.Unlock()
			s.cycles.Done()
		}()
		s.runCycle(sess, id)
	}()
}

// runCycle steps cycle id, one transaction per transition.
func (s *Server) runCycle(sess *vm.Session, id int64) {
	for !s.closing.Load() {
		final := false
		var seq uint64
		err := sess.Do(func(t *vm.Thread) error {
			defer func() { seq = s.commits() }()
			_, err := t.Transact(func() vm.Value {
				c := t.Send(t.Send(theMind(t), "cycles"), "at:", vm.Int(id-1))
				t.Send(c, "step")
				final = t.Send(c, "isFinal").Obj() == t.VM().True
				return c
			})
			return err
		})
		if s.sync != nil && err == nil {
			s.sync.Wait(seq)
		}
		if err != nil {
			if s.closing.Load() {
				return // interrupted by the shutdown: resumable
			}
			s.cfg.Log.Warn("cycle step failed", "cycle", id, "error", err)
			s.failCycle(sess, id, err)
			return
		}
		if final {
			return
		}
	}
}

// failCycle ends cycle id as FAILED after an error its step raised.
func (s *Server) failCycle(sess *vm.Session, id int64, cause error) {
	sess.Do(func(t *vm.Thread) error {
		_, err := t.Transact(func() vm.Value {
			c := t.Send(t.Send(theMind(t), "cycles"), "at:", vm.Int(id-1))
			t.Send(c, "fail:", t.VM().String(cause.Error()))
			t.Send(c, "finish")
			return c
		})
		return err
	})
}

// cycle {cycle}: describe a cycle (the field is not "id": that is the
// request id of the wire format).
func (s *Server) cycle(p *peer, r *request, seq *uint64) (any, *wire.Error) {
	id, werr := r.oid("cycle") // "id" is the request id
	if werr != nil {
		return nil, werr
	}
	var out map[string]any
	var rerr *wire.Error
	err := p.sess.Do(func(t *vm.Thread) error {
		defer func() { *seq = s.commits() }()
		_, err := t.Call(func() vm.Value {
			cs := t.Send(theMind(t), "cycles").Elements()
			if id < 1 || id > uint64(len(cs)) {
				rerr = reqError(wire.CodeNotFound, "cycle %d: there are %d cycle(s)", id, len(cs))
				return vm.Value{}
			}
			out = cycleInfo(t, cs[id-1])
			return vm.Value{}
		})
		t.VM().Abort() // reading only
		return err
	})
	if rerr != nil {
		return nil, rerr
	}
	if err != nil {
		return nil, errorReply(err)
	}
	return out, nil
}
