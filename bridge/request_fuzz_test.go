package bridge

import (
	"bytes"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"batos/msgshape"
)

// FuzzDecodeRequest: any payload a client sends decodes to a request or
// to an error to reply with, never a panic or a hang; a request without
// an error has an id and a cmd, and an error has a code and a message.
// msgshape.Check's verdict holds: what it accepts is one msgpack value, which
// the decoder skips to the end.
func FuzzDecodeRequest(f *testing.F) {
	for _, v := range []any{
		map[string]any{"id": 1, "cmd": "eval", "src": "3 + 4"},
		map[string]any{"id": "a", "cmd": "send", "oid": 4, "sel": "at:Put:", "args": []any{1, map[string]any{"oid": 7}}},
		map[string]any{"id": 2},
		map[string]any{"cmd": 3},
		[]any{1, 2, 3},
		"text",
		map[string]any{"id": 1.5, "cmd": "eval", "nested": []any{[]any{[]any{map[string]any{}}}}},
	} {
		b, err := msgpack.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0x91, 0x91, 0x91, 0xc0})
	f.Add([]byte{0xdf, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0xc6, 0x7f, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, payload []byte) {
		r, e := decodeRequest(payload, 16)
		if e != nil {
			if e.Code == "" || e.Message == "" {
				t.Fatalf("an error without a code or a message: %+v", e)
			}
		} else if r == nil || r.id == nil || r.cmd == "" && r.fields["cmd"] != "" {
			t.Fatalf("a request without an error lacks its id or cmd: %+v", r)
		}
		if _, err := msgshape.Check(payload, 16); err == nil {
			rd := bytes.NewReader(payload)
			if err := msgpack.NewDecoder(rd).Skip(); err != nil || rd.Len() != 0 {
				t.Fatalf("msgshape.Check accepted % x, which is not one msgpack value (%v, %d bytes left)", payload, err, rd.Len())
			}
		}
	})
}
