package bridge

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

// The server's TCP transport guards zmq4's reader, which allocates every
// frame whole at the size its header claims (a header claiming 2^60 bytes
// would kill the process) and completes each connection's handshake on
// its accept loop (a client that connects and stays silent would stall
// every later connection). limitConn parses the ZMTP 3 framing as it
// passes (a 64-byte greeting, then frames: a flags byte, a 1- or 8-byte
// size, the body):
//
//   - a message frame over maxFrame is not read into memory: its body is
//     skipped as it arrives and zmq4 sees oversizeMarker in its place, so
//     the request gets a request.tooLarge reply and the connection lives;
//   - a command frame over maxCommand, or a message of more than
//     maxFramesPerMessage frames, closes the connection;
//   - the handshake (greeting and first command) must finish within
//     handshakeTimeout, and every write must finish within writeTimeout (a
//     client that never reads its replies loses its connection instead of
//     stalling the others' replies).

// oversizeMarker replaces the body of a frame over the limit. 0xc1 is
// never used by msgpack, so no real request starts with it.
var oversizeMarker = []byte("\xc1batos:frame-over-limit")

const oversizeLen = len("\xc1batos:frame-over-limit")

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

var transports atomic.Int64

// registerTransport registers a TCP transport limiting frames to
// maxFrame bytes and returns its scheme (zmq4's transports are global, so
// each server registers its own).
func registerTransport(maxFrame int) (string, error) {
	name := fmt.Sprintf("batos%d", transports.Add(1))
	return name, zmq4.RegisterTransport(name, &limitTransport{tcp: transport.New("tcp"), maxFrame: maxFrame})
}

type limitTransport struct {
	tcp      transport.Transport
	maxFrame int
}

func (t *limitTransport) Dial(ctx context.Context, d transport.Dialer, addr string) (net.Conn, error) {
	return t.tcp.Dial(ctx, d, addr)
}

func (t *limitTransport) Listen(ctx context.Context, addr string) (net.Listener, error) {
	l, err := t.tcp.Listen(ctx, addr)
	if err != nil {
		return nil, err
	}
	return &limitListener{Listener: l, maxFrame: t.maxFrame}, nil
}

func (t *limitTransport) Addr(ep string) (string, error) { return t.tcp.Addr(ep) }

type limitListener struct {
	net.Listener
	maxFrame int
}

func (l *limitListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(handshakeTimeout))
	return &limitConn{Conn: c, max: uint64(l.maxFrame), raw: make([]byte, 32<<10), left: greetingLen}, nil
}

// limitConn is a server connection that filters what zmq4 reads.
type limitConn struct {
	net.Conn
	max uint64

	raw  []byte // read buffer
	out  []byte // filtered bytes not yet returned
	st   int    // parse state
	left uint64 // greeting bytes or body bytes left in the current part
	pass bool   // the body passes (false: skipped)
	flag byte
	hdr  [8]byte
	nhdr int // size bytes read so far
	cmd  bool
	// frames in the current message; commands seen (the first ends the handshake)
	frames, commands int
}

const (
	stGreeting = iota
	stFlags
	stSize
	stBody
)

func (c *limitConn) Write(p []byte) (int, error) {
	c.Conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	return c.Conn.Write(p)
}

func (c *limitConn) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		n, err := c.Conn.Read(c.raw)
		if n > 0 {
			if perr := c.filter(c.raw[:n]); perr != nil {
				c.Conn.Close()
				return 0, perr
			}
		}
		if err != nil && len(c.out) == 0 {
			return 0, err
		}
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	if len(c.out) == 0 {
		c.out = c.out[:0:0]
	}
	return n, nil
}

// filter parses b and appends what zmq4 should see to c.out.
func (c *limitConn) filter(b []byte) error {
	for len(b) > 0 {
		switch c.st {
		case stGreeting:
			n := min(uint64(len(b)), c.left)
			c.out = append(c.out, b[:n]...)
			b = b[n:]
			c.left -= n
			if c.left == 0 {
				c.st = stFlags
			}
		case stFlags:
			c.flag = b[0]
			b = b[1:]
			c.nhdr = 0
			c.st = stSize
		case stSize:
			want := 1
			if c.flag&flagLong != 0 {
				want = 8
			}
			n := copy(c.hdr[c.nhdr:want], b)
			c.nhdr += n
			b = b[n:]
			if c.nhdr < want {
				continue
			}
			size := uint64(c.hdr[0])
			if want == 8 {
				size = binary.BigEndian.Uint64(c.hdr[:])
			}
			if err := c.header(size); err != nil {
				return err
			}
		case stBody:
			n := min(uint64(len(b)), c.left)
			if c.pass {
				c.out = append(c.out, b[:n]...)
			}
			b = b[n:]
			c.left -= n
			if c.left == 0 {
				c.endFrame()
			}
		}
	}
	return nil
}

// header handles a complete frame header of a body of size bytes.
func (c *limitConn) header(size uint64) error {
	c.cmd = c.flag&flagCommand != 0
	c.left, c.pass = size, true
	if c.cmd {
		if size > maxCommand {
			return fmt.Errorf("bridge: a ZMTP command of %d bytes (the limit is %d)", size, maxCommand)
		}
		c.out = append(c.out, c.flag)
		c.out = append(c.out, c.hdr[:c.nhdr]...)
	} else {
		c.frames++
		if c.frames > maxFramesPerMessage {
			return fmt.Errorf("bridge: a message of more than %d frames", maxFramesPerMessage)
		}
		if size > c.max {
			// skip the body; zmq4 reads the marker instead
			c.pass = false
			c.out = append(c.out, c.flag&flagMore, byte(oversizeLen))
			c.out = append(c.out, oversizeMarker...)
		} else {
			c.out = append(c.out, c.flag)
			c.out = append(c.out, c.hdr[:c.nhdr]...)
		}
	}
	c.st = stBody
	if size == 0 {
		c.endFrame()
	}
	return nil
}

// endFrame ends the current frame's body.
func (c *limitConn) endFrame() {
	c.st = stFlags
	if c.cmd {
		c.commands++
		if c.commands == 1 {
			// the handshake is over: no deadline from now on
			c.Conn.SetDeadline(time.Time{})
		}
		return
	}
	if c.flag&flagMore == 0 {
		c.frames = 0
	}
}
