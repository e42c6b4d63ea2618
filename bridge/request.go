package bridge

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"fmt"

	"github.com/vmihailenco/msgpack/v5"

	"batos/bridge/internal/zmtp"
	"batos/bridge/wire"
	"batos/msgshape"
)

// request is a decoded request: its id, its command and its fields.
type request struct {
	id     any // int64, uint64 or string; nil when absent or unusable
	cmd    string
	fields map[string]any
}

// reqError is a request's failure: the reply's error.
func reqError(code, format string, args ...any) *wire.Error {
	return &wire.Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// decodeRequest checks and decodes a payload. On failure it returns the
// error to reply with, and whatever id it could read.
func decodeRequest(payload []byte, maxDepth int) (*request, *wire.Error) {
	if string(payload) == zmtp.OversizeMarker {
		return nil, reqError(wire.CodeTooLarge, "a frame of the request is larger than the server's limit (--max-frame)")
	}
	if off, err := msgshape.Check(payload, maxDepth); err != nil {
		code := wire.CodeMalformed
		if errors.Is(err, msgshape.ErrTooDeep) {
			code = wire.CodeTooDeep
		}
		e := reqError(code, "the request is not one msgpack value: %v", err)
		e.Position = &wire.Position{Offset: off}
		return nil, e
	}
	if len(payload) == 0 || !isMapCode(payload[0]) {
		return nil, reqError(wire.CodeNotMap, "the request must be a msgpack map (with id, cmd and the command's fields)")
	}
	dec := msgpack.NewDecoder(bytes.NewReader(payload))
	dec.UseLooseInterfaceDecoding(true)
	m, err := dec.DecodeMap()
	if err != nil {
		return nil, reqError(wire.CodeNotMap, "the request must be a map with string keys: %v", err)
	}
	r := &request{fields: m}
	switch id := m["id"].(type) {
	case nil:
		return r, reqError(wire.CodeField, "the request has no id (an integer or a string)")
	case int64, uint64:
		r.id = id
	case string:
		if len(id) > maxIDLen {
			return r, reqError(wire.CodeField, "the id is longer than %d bytes", maxIDLen)
		}
		r.id = id
	default:
		return r, reqError(wire.CodeField, "the id must be an integer or a string, not %s", typeName(id))
	}
	cmd, ok := m["cmd"].(string)
	if !ok {
		if m["cmd"] == nil {
			return r, reqError(wire.CodeField, "the request has no cmd")
		}
		return r, reqError(wire.CodeField, "cmd must be a string, not %s", typeName(m["cmd"]))
	}
	r.cmd = cmd
	return r, nil
}

// maxIDLen bounds a string id (it is echoed in the reply).
const maxIDLen = 256

func isMapCode(c byte) bool { return c >= 0x80 && c <= 0x8f || c == 0xde || c == 0xdf }

// checkToken compares the request's token with the server's in constant
// time; want "" means no token is required.
func (r *request) checkToken(want string) *wire.Error {
	if want == "" {
		return nil
	}
	got, ok := r.fields["token"].(string)
	if !ok {
		return reqError(wire.CodeToken, "this server requires a token: the request has none")
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return reqError(wire.CodeToken, "wrong token")
	}
	return nil
}

// str returns the string field name (required unless optional).
func (r *request) str(name string, optional bool) (string, *wire.Error) {
	v, ok := r.fields[name]
	if !ok || v == nil {
		if optional {
			return "", nil
		}
		return "", reqError(wire.CodeField, "%s needs the field %s (a string)", r.cmd, name)
	}
	s, ok := v.(string)
	if !ok {
		return "", reqError(wire.CodeField, "%s: %s must be a string, not %s", r.cmd, name, typeName(v))
	}
	return s, nil
}

// oid returns the field name as an OID (a non-negative integer).
func (r *request) oid(name string) (uint64, *wire.Error) {
	switch v := r.fields[name].(type) {
	case nil:
		return 0, reqError(wire.CodeField, "%s needs the field %s (an OID: a non-negative integer)", r.cmd, name)
	case int64:
		if v < 0 {
			return 0, reqError(wire.CodeField, "%s: %s must be an OID, not %d", r.cmd, name, v)
		}
		return uint64(v), nil
	case uint64:
		return v, nil
	default:
		return 0, reqError(wire.CodeField, "%s: %s must be an OID (an integer), not %s", r.cmd, name, typeName(v))
	}
}

// typeName names a decoded msgpack value's type for error messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "nil"
	case bool:
		return "a boolean"
	case int64, uint64:
		return "an integer"
	case float32, float64:
		return "a float"
	case string:
		return "a string"
	case []byte:
		return "binary data"
	case []any:
		return "an array"
	case map[string]any:
		return "a map"
	}
	return fmt.Sprintf("%T", v)
}

// encodeReply encodes a reply; a reply that cannot be encoded (it never
// should) becomes an internal error.
func encodeReply(rep *wire.Reply) []byte {
	b, err := msgpack.Marshal(rep)
	if err != nil {
		b, _ = msgpack.Marshal(&wire.Reply{ID: rep.ID, Error: reqError(wire.CodeInternal, "the reply could not be encoded: %v", err)})
	}
	return b
}
