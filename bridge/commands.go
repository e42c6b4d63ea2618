package bridge

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"batos/bridge/wire"
	"batos/image"
	"batos/lang"
	"batos/repl"
	"batos/vm"
)

// command runs a request for peer p. It sets *seq to the commit count it
// saw while holding the world.
type command func(s *Server, p *peer, r *request, seq *uint64) (any, *wire.Error)

var commands map[string]command

func init() {
	commands = map[string]command{
		"eval":     (*Server).eval,
		"send":     (*Server).sendCmd,
		"describe": (*Server).describe,
		"snapshot": (*Server).snapshot,
		"status":   (*Server).status,
		"mission":  (*Server).mission,
		"cycle":    (*Server).cycle,
	}
}

// commits returns the commit count; call it holding the world.
func (s *Server) commits() uint64 {
	if s.sync == nil {
		return 0
	}
	return s.sync.Commits()
}

// eval {source}: every statement is its own transaction; the result is
// the last value's printString, OID and type.
func (s *Server) eval(p *peer, r *request, seq *uint64) (any, *wire.Error) {
	src, werr := r.str("source", false)
	if werr != nil {
		return nil, werr
	}
	f, err := p.parse(src)
	if err != nil {
		return nil, errorReply(err)
	}
	var res wire.Value
	err = p.sess.Do(func(t *vm.Thread) error {
		defer func() { *seq = s.commits() }()
		v, err := t.EvalFile(f)
		if err != nil {
			return err
		}
		res, err = s.value(t, p, v)
		return err
	})
	if err != nil {
		return nil, errorReply(err)
	}
	return res, nil
}

// value describes a result: printString (sent like a statement: it
// commits, or aborts if it fails), OID and type. Objects are pinned.
func (s *Server) value(t *vm.Thread, p *peer, v vm.Value) (wire.Value, error) {
	str, err := repl.PrintString(t, v)
	if err != nil {
		return wire.Value{}, err
	}
	res := wire.Value{PrintString: str, Type: v.Kind().String()}
	if !v.IsInt() {
		oid := uint64(v.Obj().OID())
		res.OID = &oid
		p.pin(v.Obj())
	}
	return res, nil
}

// sendCmd: send {receiver, selector, args}, one transaction. The
// receiver is an OID, or a path of unary sends from the lobby
// ("" or "lobby": the lobby itself; "traits clonable").
func (s *Server) sendCmd(p *peer, r *request, seq *uint64) (any, *wire.Error) {
	sel, werr := r.str("selector", false)
	if werr != nil {
		return nil, werr
	}
	if sel == "" || len(sel) > 256 {
		return nil, reqError(wire.CodeField, "send: selector must be 1 to 256 characters")
	}
	var raw []any
	switch a := r.fields["args"].(type) {
	case nil:
	case []any:
		raw = a
	default:
		return nil, reqError(wire.CodeField, "send: args must be an array, not %s", typeName(a))
	}
	if n := lang.Arity(sel); n != len(raw) {
		return nil, reqError(wire.CodeField, "send: %s takes %d argument(s), args has %d", sel, n, len(raw))
	}
	var path string
	var oid uint64
	byOID := false
	switch rv := r.fields["receiver"].(type) {
	case string:
		path = rv
	case int64, uint64:
		if oid, werr = r.oid("receiver"); werr != nil {
			return nil, werr
		}
		byOID = true
	case nil:
		return nil, reqError(wire.CodeField, "send needs the field receiver (an OID or a path from the lobby)")
	default:
		return nil, reqError(wire.CodeField, "send: receiver must be an OID or a string path, not %s", typeName(rv))
	}
	var res wire.Value
	var rerr *wire.Error
	err := p.sess.Do(func(t *vm.Thread) error {
		defer func() { *seq = s.commits() }()
		v, err := t.Retry(func() (vm.Value, error) {
			v, err := t.Call(func() vm.Value {
				var rcv vm.Value
				if byOID {
					o, werr := s.object(p, vm.OID(oid))
					if werr != nil {
						rerr = werr
						return t.VM().NilValue()
					}
					rcv = vm.Ref(o)
				} else {
					rcv = s.walk(t, path)
				}
				args := make([]vm.Value, len(raw))
				for i, a := range raw {
					args[i] = s.toValue(t, p, a, 0)
				}
				return t.Send(rcv, sel, args...)
			})
			if err != nil || rerr != nil {
				t.VM().Abort()
				return v, err
			}
			return v, t.VM().Commit()
		})
		if err != nil || rerr != nil {
			return err
		}
		res, err = s.value(t, p, v)
		return err
	})
	if rerr != nil {
		return nil, rerr
	}
	if err != nil {
		return nil, errorReply(err)
	}
	return res, nil
}

// walk follows a path of unary sends from the lobby.
func (s *Server) walk(t *vm.Thread, path string) vm.Value {
	v := vm.Ref(t.VM().Lobby)
	for i, name := range strings.Fields(path) {
		if i == 0 && name == "lobby" {
			continue
		}
		if lang.Arity(name) != 0 {
			t.Raise(vm.ErrError, fmt.Sprintf("the receiver path %q: %s is not a unary selector", path, name))
		}
		v = t.Send(v, name)
	}
	return v
}

// toValue converts a decoded msgpack argument: nil, booleans, integers,
// floats, strings, arrays (vectors), binary data (byte vectors) and
// {"oid": N} (an object).
func (s *Server) toValue(t *vm.Thread, p *peer, a any, depth int) vm.Value {
	v := t.VM()
	switch x := a.(type) {
	case nil:
		return v.NilValue()
	case bool:
		return v.Bool(x)
	case int64:
		return vm.Int(x)
	case uint64:
		if x > 1<<63-1 {
			t.Raise(vm.ErrError, fmt.Sprintf("the argument %d is too large", x))
		}
		return vm.Int(int64(x))
	case float64:
		return v.Float(x)
	case float32:
		return v.Float(float64(x))
	case string:
		return v.String(x)
	case []byte:
		return v.NewBytes(x)
	case []any:
		elems := make([]vm.Value, len(x))
		for i, e := range x {
			elems[i] = s.toValue(t, p, e, depth+1)
		}
		return v.NewVector(elems)
	case map[string]any:
		if n, ok := x["oid"]; ok && len(x) == 1 {
			var oid uint64
			switch n := n.(type) {
			case int64:
				oid = uint64(n)
			case uint64:
				oid = n
			}
			o, werr := s.object(p, vm.OID(oid))
			if werr != nil {
				t.Raise(vm.ErrError, werr.Message)
			}
			return vm.Ref(o)
		}
	}
	t.Raise(vm.ErrError, fmt.Sprintf("an argument of type %s cannot be passed (nil, booleans, numbers, strings, binary, arrays and {oid: N} can)", typeName(a)))
	return vm.Value{}
}

// object finds the object with identity oid: a recent result of p's, or
// one the image holds. Call it holding the world.
func (s *Server) object(p *peer, oid vm.OID) (*vm.Object, *wire.Error) {
	if o := p.pinned(oid); o != nil {
		return o, nil
	}
	v := s.vm
	for _, o := range []*vm.Object{v.Lobby, v.Nil, v.True, v.False} {
		if o.OID() == oid {
			return o, nil
		}
	}
	if s.img == nil {
		return nil, reqError(wire.CodeReceiver, "no object %d (an in-memory world finds only recent results by OID)", oid)
	}
	o, err := s.img.Object(oid)
	if err != nil {
		if errors.Is(err, image.ErrNoObject) {
			return nil, reqError(wire.CodeReceiver, "no object %d in the image or among this client's recent results", oid)
		}
		return nil, reqError(wire.CodeReceiver, "object %d: %v", oid, err)
	}
	return o, nil
}

// slotInfo is one slot in describe's result.
type slotInfo struct {
	Name     string  `msgpack:"name"`
	Kind     string  `msgpack:"kind"` // constant, assignable, assignment
	Parent   bool    `msgpack:"parent"`
	Category string  `msgpack:"category,omitempty"`
	Value    string  `msgpack:"value"` // a short description (no code runs)
	OID      *uint64 `msgpack:"oid"`
	Type     string  `msgpack:"type"`
}

type parentInfo struct {
	Name string  `msgpack:"name"`
	OID  *uint64 `msgpack:"oid"`
}

type describeResult struct {
	OID      uint64        `msgpack:"oid"`
	Type     string        `msgpack:"type"`
	Value    string        `msgpack:"value"`
	Slots    []slotInfo    `msgpack:"slots"`
	Parents  []parentInfo  `msgpack:"parents"`
	Size     *int          `msgpack:"size,omitempty"`     // a vector's
	Elements []elementInfo `msgpack:"elements,omitempty"` // its first describeElements
}

type elementInfo struct {
	Value string  `msgpack:"value"`
	OID   *uint64 `msgpack:"oid"`
	Type  string  `msgpack:"type"`
}

// describeElements bounds the elements describe lists.
const describeElements = 100

// describe {oid}: the object's slots, their kinds, and its parents. It
// runs no batos code and changes nothing.
func (s *Server) describe(p *peer, r *request, seq *uint64) (any, *wire.Error) {
	oid, werr := r.oid("oid")
	if werr != nil {
		return nil, werr
	}
	var res describeResult
	err := p.sess.Do(func(t *vm.Thread) error {
		*seq = s.commits()
		o, werr2 := s.object(p, vm.OID(oid))
		if werr2 != nil {
			werr = werr2
			werr.Code = wire.CodeNotFound
			return nil
		}
		_, err := t.Call(func() vm.Value {
			v := t.VM()
			ov := vm.Ref(o)
			m := v.MapOf(ov)
			res = describeResult{OID: oid, Type: ov.Kind().String(), Value: v.Describe(ov)}
			for _, sl := range m.Slots() {
				if sl.Kind == vm.SlotSetter || sl.Kind == vm.SlotBlockValue {
					continue
				}
				val := o.SlotValue(&sl)
				info := slotInfo{Name: sl.Name, Kind: sl.Kind.String(), Parent: sl.Parent, Category: sl.Category, Value: v.Describe(val), Type: val.Kind().String()}
				if !val.IsInt() {
					id := uint64(val.Obj().OID())
					info.OID = &id
				}
				res.Slots = append(res.Slots, info)
				if sl.Parent {
					res.Parents = append(res.Parents, parentInfo{Name: sl.Name, OID: info.OID})
				}
			}
			if elems, ok := ov.Vector(); ok {
				n := len(elems)
				res.Size = &n
				for _, e := range elems[:min(n, describeElements)] {
					info := elementInfo{Value: v.Describe(e), Type: e.Kind().String()}
					if !e.IsInt() {
						id := uint64(e.Obj().OID())
						info.OID = &id
					}
					res.Elements = append(res.Elements, info)
				}
			}
			return vm.Value{}
		})
		return err
	})
	if werr != nil {
		return nil, werr
	}
	if err != nil {
		return nil, errorReply(err)
	}
	if res.Slots == nil {
		res.Slots = []slotInfo{}
	}
	if res.Parents == nil {
		res.Parents = []parentInfo{}
	}
	return res, nil
}

// snapshot {path}: a consistent snapshot of the committed world in a file
// of the server's (image.SnapshotFile), taken between transactions.
func (s *Server) snapshot(p *peer, r *request, seq *uint64) (any, *wire.Error) {
	path, werr := r.str("path", false)
	if werr != nil {
		return nil, werr
	}
	if path == "" {
		return nil, reqError(wire.CodeField, "snapshot: path is empty")
	}
	if s.img == nil {
		return nil, reqError(wire.CodeSnapshot, "this server's world is in memory: there is no image to snapshot")
	}
	var m image.Manifest
	err := p.sess.Do(func(t *vm.Thread) error {
		*seq = s.commits()
		var err error
		m, err = s.img.SnapshotFile(path, image.SnapshotOptions{Batos: s.cfg.Version})
		return err
	})
	if err != nil {
		return nil, reqError(wire.CodeSnapshot, "%v", err)
	}
	return map[string]any{"path": path, "objects": m.Objects, "maps": m.Maps, "bytes": m.Bytes}, nil
}

// status: version, image, model, uptime, clients and requests.
func (s *Server) status(p *peer, r *request, seq *uint64) (any, *wire.Error) {
	s.mu.Lock()
	clients := len(s.peers)
	s.mu.Unlock()
	res := map[string]any{
		"version":  s.cfg.Version,
		"uptime":   time.Since(s.start).Seconds(),
		"model":    s.cfg.Model,
		"clients":  clients,
		"requests": s.served.Load(),
		"image":    nil,
	}
	if s.img != nil {
		var commits uint64
		p.sess.Do(func(t *vm.Thread) error {
			commits = s.commits()
			*seq = commits
			return nil
		})
		res["image"] = map[string]any{
			"dir":       s.cfg.ImageDir,
			"commits":   commits,
			"syncs":     s.sync.Syncs(),
			"diskBytes": s.img.DB().Metrics().DiskSpaceUsage(),
		}
	}
	return res, nil
}

// errorReply turns an error from parsing or running into the reply's
// error: a syntax error (eval.syntax) or a runtime error (eval.KIND) with
// its position, or a commit that failed.
func errorReply(err error) *wire.Error {
	var le lang.ErrorList
	if errors.As(err, &le) && len(le) > 0 {
		e := le[0]
		msg := e.Msg
		if len(le) > 1 {
			msg = fmt.Sprintf("%s (and %d more)", msg, len(le)-1)
		}
		return &wire.Error{Code: wire.CodeSyntax, Message: msg, Position: &wire.Position{File: e.File, Line: e.Pos.Line, Column: e.Pos.Col, Offset: e.Pos.Offset}}
	}
	var one *lang.Error
	if errors.As(err, &one) {
		return &wire.Error{Code: wire.CodeSyntax, Message: one.Msg, Position: &wire.Position{File: one.File, Line: one.Pos.Line, Column: one.Pos.Col, Offset: one.Pos.Offset}}
	}
	var ve *vm.Error
	if errors.As(err, &ve) {
		we := &wire.Error{Code: wire.CodeEvalPrefix + ve.Kind.String(), Message: ve.Msg}
		if ve.Pos.IsValid() {
			we.Position = &wire.Position{File: ve.File, Line: ve.Pos.Line, Column: ve.Pos.Col, Offset: ve.Pos.Offset}
		}
		return we
	}
	return &wire.Error{Code: wire.CodeCommit, Message: err.Error()}
}
