// Package client is the Go client of the batos bridge (`batos serve`,
// docs/protocol.md): a DEALER socket sending one request at a time and
// waiting for its reply.
//
//	c, err := client.Dial("tcp://127.0.0.1:5555", client.Options{})
//	v, err := c.Eval("3 + 4") // v.PrintString == "7"
//
// A failed request returns a *wire.Error (its Code is stable).
package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/vmihailenco/msgpack/v5"

	"batos/bridge/internal/zmtp"
	"batos/bridge/wire"
)

// Options configure a client.
type Options struct {
	Token   string        // sent with every request when set
	Timeout time.Duration // per request (0: 30 s)
}

// Client is a connection to a server. Its methods may be called from
// several goroutines; requests go one at a time.
type Client struct {
	opts  Options
	sock  zmq4.Socket
	mu    sync.Mutex
	next  uint64
	in    chan received // from the reading goroutine
	timer *time.Timer   // the reply's deadline (under mu)
}

// received is a message, or the error that ended the reading goroutine.
type received struct {
	m   zmq4.Msg
	err error
}

// ErrTimeout is returned when a reply does not come in time; the client
// is closed then (a late reply would answer the wrong request).
var ErrTimeout = errors.New("bridge client: no reply in time")

// dialTimeout bounds connecting.
const dialTimeout = 10 * time.Second

// Dial connects to endpoint (tcp://HOST:PORT).
func Dial(endpoint string, opts Options) (*Client, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	ep, err := zmtp.Endpoint(scheme(), endpoint)
	if err != nil {
		return nil, fmt.Errorf("bridge client: %w", err)
	}
	sock := zmq4.NewDealer(context.Background(), zmq4.WithLogger(log.New(io.Discard, "", 0)), zmq4.WithDialerTimeout(dialTimeout))
	if err := sock.Dial(ep); err != nil {
		sock.Close()
		return nil, fmt.Errorf("bridge client: %w", err)
	}
	c := &Client{opts: opts, sock: sock, in: make(chan received, 16), timer: time.NewTimer(time.Hour)}
	c.timer.Stop()
	go c.read()
	return c, nil
}

// read passes the socket's messages to recv until the socket fails (is
// closed).
func (c *Client) read() {
	for {
		m, err := c.sock.Recv()
		c.in <- received{m, err}
		if err != nil {
			return
		}
	}
}

// scheme is the client's transport (buffered reads, one write per
// message), registered once.
var scheme = sync.OnceValue(func() string {
	s, err := zmtp.Register(0, false)
	if err != nil {
		panic(err)
	}
	return s
})

// Close closes the connection.
func (c *Client) Close() error { return c.sock.Close() }

// reply is a reply with its result left encoded.
type reply struct {
	ID     any                `msgpack:"id"`
	OK     bool               `msgpack:"ok"`
	Result msgpack.RawMessage `msgpack:"result"`
	Error  *wire.Error        `msgpack:"error"`
}

// Call sends the command cmd with fields and decodes the result into out
// (nil: ignore it). A failed request returns its *wire.Error.
func (c *Client) Call(cmd string, fields map[string]any, out any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next++
	id := c.next
	req := make(map[string]any, len(fields)+3)
	for k, v := range fields {
		req[k] = v
	}
	req["id"] = id
	req["cmd"] = cmd
	if c.opts.Token != "" {
		req["token"] = c.opts.Token
	}
	b, err := msgpack.Marshal(req)
	if err != nil {
		return fmt.Errorf("bridge client: %w", err)
	}
	rep, err := c.roundTrip(b, id)
	if err != nil {
		return err
	}
	if !rep.OK {
		if rep.Error == nil {
			return fmt.Errorf("bridge client: a failed reply without an error")
		}
		return rep.Error
	}
	if out != nil && len(rep.Result) > 0 {
		if err := msgpack.Unmarshal(rep.Result, out); err != nil {
			return fmt.Errorf("bridge client: the result of %s: %w", cmd, err)
		}
	}
	return nil
}

// Raw sends payload as it is and returns the reply's payload (for tests
// of malformed requests).
func (c *Client) Raw(payload []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.sock.Send(zmq4.NewMsg(payload)); err != nil {
		return nil, err
	}
	m, err := c.recv()
	if err != nil {
		return nil, err
	}
	return m.Frames[len(m.Frames)-1], nil
}

// roundTrip sends b and waits for the reply with id, dropping any other.
func (c *Client) roundTrip(b []byte, id uint64) (*reply, error) {
	if err := c.sock.Send(zmq4.NewMsg(b)); err != nil {
		return nil, fmt.Errorf("bridge client: %w", err)
	}
	for {
		m, err := c.recv()
		if err != nil {
			return nil, err
		}
		if len(m.Frames) == 0 {
			continue
		}
		var rep reply
		if err := msgpack.Unmarshal(m.Frames[len(m.Frames)-1], &rep); err != nil {
			return nil, fmt.Errorf("bridge client: a reply that is not msgpack: %w", err)
		}
		if sameID(rep.ID, id) || rep.ID == nil && !rep.OK {
			return &rep, nil
		}
	}
}

// recv receives one message within the timeout.
func (c *Client) recv() (zmq4.Msg, error) {
	c.timer.Reset(c.opts.Timeout)
	defer c.timer.Stop()
	select {
	case r := <-c.in:
		if r.err != nil {
			c.in <- r // every later call fails the same way
			return r.m, fmt.Errorf("bridge client: %w", r.err)
		}
		return r.m, nil
	case <-c.timer.C:
		c.sock.Close()
		return zmq4.Msg{}, ErrTimeout
	}
}

func sameID(got any, want uint64) bool {
	switch g := got.(type) {
	case uint64:
		return g == want
	case int64:
		return g >= 0 && uint64(g) == want
	case uint8:
		return uint64(g) == want
	case uint16:
		return uint64(g) == want
	case uint32:
		return uint64(g) == want
	case int8:
		return g >= 0 && uint64(g) == want
	case int16:
		return g >= 0 && uint64(g) == want
	case int32:
		return g >= 0 && uint64(g) == want
	}
	return false
}

// Eval runs source (each statement its own transaction) and returns the
// last value.
func (c *Client) Eval(source string) (wire.Value, error) {
	var v wire.Value
	err := c.Call("eval", map[string]any{"source": source}, &v)
	return v, err
}

// Send sends selector with args to receiver: an OID (uint64) or a path of
// unary sends from the lobby (string). Arguments may be nil, booleans,
// numbers, strings, []byte, slices, and OID{N} for objects.
func (c *Client) Send(receiver any, selector string, args ...any) (wire.Value, error) {
	if args == nil {
		args = []any{}
	}
	var v wire.Value
	err := c.Call("send", map[string]any{"receiver": receiver, "selector": selector, "args": args}, &v)
	return v, err
}

// OID names an object among send's arguments.
type OID struct {
	OID uint64 `msgpack:"oid"`
}

// Describe returns an object's slots, their kinds and its parents.
func (c *Client) Describe(oid uint64) (map[string]any, error) {
	var m map[string]any
	err := c.Call("describe", map[string]any{"oid": oid}, &m)
	return m, err
}

// Status returns the server's version, image, model and uptime.
func (c *Client) Status() (map[string]any, error) {
	var m map[string]any
	err := c.Call("status", nil, &m)
	return m, err
}

// Snapshot writes a snapshot of the image to path on the server's machine.
func (c *Client) Snapshot(path string) (map[string]any, error) {
	var m map[string]any
	err := c.Call("snapshot", map[string]any{"path": path}, &m)
	return m, err
}
