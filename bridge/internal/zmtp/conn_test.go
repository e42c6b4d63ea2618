package zmtp

import (
	"bytes"
	"net"
	"testing"
	"time"
)

// fakeConn records writes.
type fakeConn struct {
	net.Conn
	writes [][]byte
}

func (f *fakeConn) Write(p []byte) (int, error) {
	f.writes = append(f.writes, append([]byte(nil), p...))
	return len(p), nil
}
func (f *fakeConn) SetWriteDeadline(time.Time) error { return nil }
func (f *fakeConn) SetReadDeadline(time.Time) error  { return nil }

func greeting() []byte {
	g := make([]byte, greetingLen)
	g[0], g[9], g[10] = 0xff, 0x7f, 3
	copy(g[12:], "NULL")
	return g
}

func TestReadFilter(t *testing.T) {
	c := newConn(&fakeConn{}, 8)
	var in []byte
	in = append(in, greeting()...)
	in = append(in, 0x04, 3, 'a', 'b', 'c')          // a command
	in = append(in, 0x01, 2, 'h', 'i')               // a frame, more to come
	in = append(in, 0x02, 0, 0, 0, 0, 0, 0, 0, 9)    // a long frame over the limit
	in = append(in, bytes.Repeat([]byte{'x'}, 9)...) // its body, skipped
	in = append(in, 0x00, 4, 'o', 'k', '!', '!')     // the next message
	want := append(greeting(), 0x04, 3, 'a', 'b', 'c', 0x01, 2, 'h', 'i', 0x00, byte(len(OversizeMarker)))
	want = append(want, OversizeMarker...)
	want = append(want, 0x00, 4, 'o', 'k', '!', '!')
	// byte by byte: the parser keeps its state across reads
	for i := range in {
		if err := c.filter(in[i : i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(c.r.out, want) {
		t.Fatalf("filtered:\n% x\nwant:\n% x", c.r.out, want)
	}

	c = newConn(&fakeConn{}, 8)
	if err := c.filter(append(greeting(), 0x06, 0, 0, 0, 0, 1, 0, 0, 0)); err == nil {
		t.Fatal("a 16 MiB command was accepted")
	}
	c = newConn(&fakeConn{}, 8)
	many := greeting()
	for range maxFramesPerMessage + 1 {
		many = append(many, 0x01, 0)
	}
	if err := c.filter(many); err == nil {
		t.Fatal("a message of 17 frames was accepted")
	}
}

func TestWriteGathers(t *testing.T) {
	f := &fakeConn{}
	c := newConn(f, 0)
	write := func(b ...byte) {
		if _, err := c.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	write(greeting()...)
	write(0x04, 2)
	write('h', 'i')
	write(0x01, 1) // a frame with more to come
	write('a')
	write(0x00, 3) // the last frame
	write('b', 'c', 'd')
	if len(f.writes) != 3 {
		t.Fatalf("%d writes, want 3 (greeting, command, message): %q", len(f.writes), f.writes)
	}
	if !bytes.Equal(f.writes[2], []byte{0x01, 1, 'a', 0x00, 3, 'b', 'c', 'd'}) {
		t.Fatalf("the message: % x", f.writes[2])
	}
}
