package msgshape

import (
	"errors"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

func TestCheckShape(t *testing.T) {
	good := []any{
		nil, true, 7, -7, 300, -300, 70000, int64(1) << 40, uint64(1) << 63, 1.5, float32(2.5),
		"", "abc", strings.Repeat("x", 300), strings.Repeat("x", 70000), []byte{1, 2, 3},
		[]any{}, []any{1, "two", []any{3}}, map[string]any{"id": 1, "cmd": "eval", "args": []any{map[string]any{"oid": 4}}},
		make([]any, 20), msgpack.RawMessage{0xd4, 1, 2}, // fixext 1
	}
	for _, v := range good {
		b, err := msgpack.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if off, err := Check(b, 32); err != nil {
			t.Errorf("%#v (% x): byte %d: %v", v, b, off, err)
		}
	}
	deep := func(n int) []byte {
		b := make([]byte, n+1)
		for i := range n {
			b[i] = 0x91
		}
		b[n] = 0xc0
		return b
	}
	bad := []struct {
		name string
		b    []byte
		off  int
		want string
	}{
		{"empty", nil, 0, "ends early"},
		{"0xc1", []byte{0xc1}, 0, "not a msgpack type"},
		{"a short string", []byte{0xa5, 'a'}, 0, "ends early"},
		{"a short str8 header", []byte{0xd9}, 0, "ends early"},
		{"a short float", []byte{0xcb, 1, 2}, 0, "ends early"},
		{"a short map", []byte{0x82, 0x01, 0x02, 0x03}, 0, "a container of 4 values in 3 bytes"},
		{"trailing bytes", []byte{0x01, 0x02}, 1, "1 bytes after"},
		{"a huge map", []byte{0xdf, 0xff, 0xff, 0xff, 0xff}, 0, "a container of"},
		{"a huge array", []byte{0xdd, 0x00, 0x10, 0x00, 0x00, 0x01}, 0, "a container of"},
		{"a huge bin", []byte{0xc6, 0xff, 0xff, 0xff, 0xff, 0x01}, 0, "ends early"},
		{"too deep", deep(33), 32, "nested deeper"},
	}
	for _, tc := range bad {
		off, err := Check(tc.b, 32)
		if err == nil || !strings.Contains(err.Error(), tc.want) || off != tc.off {
			t.Errorf("%s: byte %d: %v, want byte %d: %s", tc.name, off, err, tc.off, tc.want)
		}
	}
	if _, err := Check(deep(32), 32); err != nil {
		t.Errorf("32 levels: %v", err)
	}
	if _, err := Check(deep(100000), 32); !errors.Is(err, ErrTooDeep) {
		t.Errorf("100,000 levels: %v", err)
	}
}
