// Package zmtp is the TCP transport the bridge's server and client give
// zmq4: a net.Conn that parses the ZMTP 3 framing as it passes (a 64-byte
// greeting, then frames: a flags byte, a 1- or 8-byte size, the body) to
// guard zmq4's reader and to write each message in one system call.
//
// zmq4 allocates every frame whole at the size its header claims (a
// header claiming 2^60 bytes would kill the process) and completes each
// connection's handshake on its accept loop (a client that connects and
// stays silent would stall every later connection). So, reading:
//
//   - a message frame over the limit is not read into memory: its body
//     is skipped as it arrives and zmq4 reads OversizeMarker in its place,
//     so the server can answer request.tooLarge and the connection lives;
//   - a command frame over maxCommand, or a message of more than
//     maxFramesPerMessage frames, closes the connection;
//   - on the server, zmq4 gets a connection only once its peer has sent
//     the ZMTP signature, and the handshake (greeting and first command)
//     must finish within handshakeTimeout;
//   - reads are buffered (zmq4 reads a frame's header and body
//     separately).
//
// Writing, zmq4 writes a frame's header and body separately (and a
// multipart message frame by frame); Conn gathers them and writes each
// message (or greeting, or command) whole, and every write must finish
// within writeTimeout: a peer that never reads loses its connection
// instead of stalling the others' replies.
package zmtp

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

// OversizeMarker replaces the body of a frame over the limit. 0xc1 is
// never used by msgpack, so no real request starts with it.
const OversizeMarker = "\xc1batos:frame-over-limit"

const (
	greetingLen         = 64
	maxCommand          = 64 << 10
	maxFramesPerMessage = 16
	handshakeTimeout    = 10 * time.Second
	writeTimeout        = 10 * time.Second
)

// ZMTP frame flags.
const (
	flagMore    = 0x01
	flagLong    = 0x02
	flagCommand = 0x04
)

var registered atomic.Int64

// Register registers a TCP transport with zmq4 and returns its scheme
// (zmq4's transports are global, so each user registers its own). Frames
// over maxFrame bytes are replaced by OversizeMarker (0: no limit).
// server makes accepted connections finish their handshake in time.
func Register(maxFrame int, server bool) (string, error) {
	name := fmt.Sprintf("batos%d", registered.Add(1))
	return name, zmq4.RegisterTransport(name, &tcp{tcp: transport.New("tcp"), maxFrame: maxFrame, server: server})
}

// Endpoint rewrites tcp://HOST:PORT for the transport scheme.
func Endpoint(scheme, ep string) (string, error) {
	rest, ok := strings.CutPrefix(ep, "tcp://")
	if !ok {
		return "", fmt.Errorf("%q: want tcp://HOST:PORT", ep)
	}
	return scheme + "://" + rest, nil
}

type tcp struct {
	tcp      transport.Transport
	maxFrame int
	server   bool
}

func (t *tcp) Dial(ctx context.Context, d transport.Dialer, addr string) (net.Conn, error) {
	c, err := t.tcp.Dial(ctx, d, addr)
	if err != nil {
		return nil, err
	}
	return newConn(c, t.maxFrame), nil
}

func (t *tcp) Listen(ctx context.Context, addr string) (net.Listener, error) {
	l, err := t.tcp.Listen(ctx, addr)
	if err != nil {
		return nil, err
	}
	ln := &listener{Listener: l, t: t, conns: make(chan net.Conn), done: make(chan struct{})}
	go ln.acceptLoop()
	return ln, nil
}

func (t *tcp) Addr(ep string) (string, error) { return t.tcp.Addr(ep) }

// listener hands zmq4 only connections whose peer has sent its ZMTP
// signature: zmq4 completes each handshake on its accept loop, so a
// connection that stays silent would stall every later one. Each
// connection waits for its signature on its own goroutine, at most
// handshakeTimeout.
type listener struct {
	net.Listener
	t     *tcp
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

// signatureLen is the ZMTP signature every peer sends before waiting for
// anything (0xff, 8 bytes, 0x7f).
const signatureLen = 10

func (l *listener) acceptLoop() {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			select {
			case <-l.done:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond) // out of descriptors: wait
			continue
		}
		go l.admit(c)
	}
}

// admit passes c on once its peer has sent the signature.
func (l *listener) admit(c net.Conn) {
	c.SetReadDeadline(time.Now().Add(handshakeTimeout))
	sig := make([]byte, signatureLen)
	if _, err := io.ReadFull(c, sig); err != nil {
		c.Close()
		return
	}
	zc := newConn(c, l.t.maxFrame)
	zc.filter(sig) // zmq4 reads it first
	select {
	case l.conns <- zc:
	case <-l.done:
		c.Close()
	}
}

func (l *listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *listener) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}

func newConn(c net.Conn, maxFrame int) *Conn {
	max := uint64(maxFrame)
	if maxFrame <= 0 {
		max = 1<<63 - 1
	}
	return &Conn{Conn: c, r: reader{parser: parser{left: greetingLen}, max: max, raw: make([]byte, 32<<10)}, w: writer{parser: parser{left: greetingLen}}}
}

// Conn is a connection that filters what zmq4 reads and gathers what it
// writes.
type Conn struct {
	net.Conn
	r   reader
	wmu sync.Mutex
	w   writer
}

// parser follows the framing of one direction.
type parser struct {
	st   int    // parse state
	left uint64 // greeting bytes or body bytes left in the current part
	flag byte
	hdr  [8]byte
	nhdr int // size bytes read so far
}

const (
	stGreeting = iota
	stFlags
	stSize
	stBody
)

// size reports the frame size once the header is complete, consuming
// header bytes from b.
func (p *parser) header(b []byte) (rest []byte, size uint64, done bool) {
	want := 1
	if p.flag&flagLong != 0 {
		want = 8
	}
	n := copy(p.hdr[p.nhdr:want], b)
	p.nhdr += n
	b = b[n:]
	if p.nhdr < want {
		return b, 0, false
	}
	if want == 8 {
		return b, binary.BigEndian.Uint64(p.hdr[:]), true
	}
	return b, uint64(p.hdr[0]), true
}

type reader struct {
	parser
	max      uint64
	raw      []byte // read buffer
	out      []byte // filtered bytes not yet returned
	obuf     []byte // out's buffer
	pass     bool   // the body passes (false: skipped)
	cmd      bool
	frames   int // in the current message
	commands int // the first ends the handshake
}

func (c *Conn) Read(p []byte) (int, error) {
	r := &c.r
	for len(r.out) == 0 {
		r.out = r.obuf[:0]
		n, err := c.Conn.Read(r.raw)
		if n > 0 {
			if perr := c.filter(r.raw[:n]); perr != nil {
				c.Conn.Close()
				return 0, perr
			}
		}
		r.obuf = r.out[:0]
		if err != nil && len(r.out) == 0 {
			return 0, err
		}
	}
	n := copy(p, r.out)
	r.out = r.out[n:]
	return n, nil
}

// filter parses b and appends what zmq4 should see to r.out.
func (c *Conn) filter(b []byte) error {
	r := &c.r
	for len(b) > 0 {
		switch r.st {
		case stGreeting:
			n := min(uint64(len(b)), r.left)
			r.out = append(r.out, b[:n]...)
			b = b[n:]
			r.left -= n
			if r.left == 0 {
				r.st = stFlags
			}
		case stFlags:
			r.flag = b[0]
			b = b[1:]
			r.nhdr = 0
			r.st = stSize
		case stSize:
			var size uint64
			var done bool
			if b, size, done = r.header(b); !done {
				continue
			}
			if err := c.frame(size); err != nil {
				return err
			}
		case stBody:
			n := min(uint64(len(b)), r.left)
			if r.pass {
				r.out = append(r.out, b[:n]...)
			}
			b = b[n:]
			r.left -= n
			if r.left == 0 {
				c.endFrame()
			}
		}
	}
	return nil
}

// frame handles a complete frame header of a body of size bytes.
func (c *Conn) frame(size uint64) error {
	r := &c.r
	r.cmd = r.flag&flagCommand != 0
	r.left, r.pass = size, true
	if r.cmd {
		if size > maxCommand {
			return fmt.Errorf("bridge: a ZMTP command of %d bytes (the limit is %d)", size, maxCommand)
		}
		r.out = append(r.out, r.flag)
		r.out = append(r.out, r.hdr[:r.nhdr]...)
	} else {
		r.frames++
		if r.frames > maxFramesPerMessage {
			return fmt.Errorf("bridge: a message of more than %d frames", maxFramesPerMessage)
		}
		if size > r.max {
			// skip the body; zmq4 reads the marker instead
			r.pass = false
			r.out = append(r.out, r.flag&flagMore, byte(len(OversizeMarker)))
			r.out = append(r.out, OversizeMarker...)
		} else {
			r.out = append(r.out, r.flag)
			r.out = append(r.out, r.hdr[:r.nhdr]...)
		}
	}
	r.st = stBody
	if size == 0 {
		c.endFrame()
	}
	return nil
}

// endFrame ends the current frame's body.
func (c *Conn) endFrame() {
	r := &c.r
	r.st = stFlags
	if r.cmd {
		r.commands++
		if r.commands == 1 {
			// the handshake is over: no deadline from now on
			c.Conn.SetReadDeadline(time.Time{})
		}
		return
	}
	if r.flag&flagMore == 0 {
		r.frames = 0
	}
}

// writer gathers zmq4's writes into whole messages.
type writer struct {
	parser
	buf []byte
}

func (c *Conn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	w := &c.w
	w.buf = append(w.buf, p...)
	flush := false
	for b := p; len(b) > 0; {
		switch w.st {
		case stGreeting:
			n := min(uint64(len(b)), w.left)
			b = b[n:]
			w.left -= n
			if w.left == 0 {
				w.st = stFlags
				flush = true
			}
		case stFlags:
			w.flag = b[0]
			b = b[1:]
			w.nhdr = 0
			w.st = stSize
		case stSize:
			var size uint64
			var done bool
			if b, size, done = w.header(b); !done {
				continue
			}
			w.left = size
			w.st = stBody
			if size == 0 {
				w.st = stFlags
				flush = flush || w.flag&flagMore == 0
			}
		case stBody:
			n := min(uint64(len(b)), w.left)
			b = b[n:]
			w.left -= n
			if w.left == 0 {
				w.st = stFlags
				flush = flush || w.flag&flagMore == 0
			}
		}
	}
	// a message whose end is written flushes everything before it;
	// a large one is not held whole
	if flush || len(w.buf) >= 256<<10 {
		c.Conn.SetWriteDeadline(time.Now().Add(writeTimeout))
		_, err := c.Conn.Write(w.buf)
		if cap(w.buf) > 64<<10 {
			w.buf = nil
		} else {
			w.buf = w.buf[:0]
		}
		if err != nil {
			return 0, err
		}
	}
	return len(p), nil
}
