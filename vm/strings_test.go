package vm

import (
	"strings"
	"testing"
	"unsafe"
)

// A short string's room starts right after its Object (Object.str reads
// it there), and one of up to 15 bytes fills an 80-byte object.
func TestStringLayout(t *testing.T) {
	if off, size := unsafe.Offsetof(strObject[[16]byte]{}.buf), unsafe.Sizeof(Object{}); off != size {
		t.Fatalf("a short string's room is at offset %d, after a %d-byte Object", off, size)
	}
	if n := unsafe.Sizeof(strObject[[16]byte]{}); n != 80 {
		t.Errorf("a string of up to 15 bytes takes %d bytes, want 80", n)
	}
	v := New(Options{})
	for n := 0; n <= maxInline+1; n++ {
		want := strings.Repeat("é", n/2) + strings.Repeat("x", n%2)
		for _, s := range []Value{v.StringBytes([]byte(want)), v.Concat(want[:len(want)/2], want[len(want)/2:]), v.String(want)} {
			if got, ok := s.Str(); !ok || got != want {
				t.Fatalf("a string of %d bytes reads back as %q", len(want), got)
			}
		}
	}
	if s, ok := v.KindValue(KString).Str(); !ok || s != "" {
		t.Errorf("the string kind's value reads %q", s)
	}
}
