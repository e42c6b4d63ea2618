package bridge

import (
	"batos/bridge/wire"
	"batos/vm"
)

// The composite mind's commands: mission {brief} runs a cognitive cycle
// (`mind ask:`, one transaction) and answers its id, state and result;
// cycle {id} describes a cycle. A cycle that fails aborts its transaction
// (it leaves no trace), so mission answers its failure as an error.

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

// mission {brief}: run a cognitive cycle.
func (s *Server) mission(p *peer, r *request, seq *uint64) (any, *wire.Error) {
	brief, werr := r.str("brief", false)
	if werr != nil {
		return nil, werr
	}
	if brief == "" {
		return nil, reqError(wire.CodeField, "mission: brief must not be empty")
	}
	var out map[string]any
	err := p.sess.Do(func(t *vm.Thread) error {
		defer func() { *seq = s.commits() }()
		_, err := t.Retry(func() (vm.Value, error) {
			v, err := t.Call(func() vm.Value {
				m := theMind(t)
				t.Send(m, "ask:", t.VM().String(brief))
				c := t.Send(t.Send(m, "cycles"), "last")
				out = cycleInfo(t, c)
				return c
			})
			if err != nil {
				t.VM().Abort()
				return v, err
			}
			return v, t.VM().Commit()
		})
		return err
	})
	if err != nil {
		return nil, errorReply(err)
	}
	return out, nil
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
