package bridge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zeromq/zmq4"

	"batos/bridge/internal/zmtp"
	"batos/bridge/wire"
	"batos/image"
	"batos/vm"
)

// Config configures a server. Zero values take the defaults below.
type Config struct {
	Bind       string        // tcp://HOST:PORT (port 0: any free port; see Addr)
	Token      string        // when set, every request must carry it
	MaxFrame   int           // the largest frame read, in bytes
	MaxDepth   int           // the deepest nesting of a request
	Rate       float64       // requests a second per identity, on average (<0: no limit)
	Burst      int           // requests at once per identity above the rate
	Queue      int           // requests of one identity waiting to run
	QueueBytes int64         // bytes of requests waiting to run, all identities together
	MaxClients int           // identities with a session at once
	Idle       time.Duration // an identity idle this long loses its session
	Grace      time.Duration // shutdown: in-flight requests get this long, then are interrupted
	MaxSteps   int64         // each session's step budget per statement (0: none)
	MaxAlloc   int64         // each session's allocation budget per statement (0: none)
	Version    string        // for status
	Model      string        // the model spec, for status ("" when none)
	ImageDir   string        // for status
	Log        *slog.Logger  // nil: no log
}

// The defaults.
const (
	DefaultMaxFrame   = 1 << 20
	DefaultMaxDepth   = 32
	DefaultRate       = 20000
	DefaultBurst      = 2000
	DefaultQueue      = 256
	DefaultQueueBytes = 256 << 20
	DefaultMaxClients = 1024
	DefaultIdle       = 10 * time.Minute
	DefaultGrace      = 5 * time.Second
)

func (c *Config) defaults() {
	if c.MaxFrame <= 0 {
		c.MaxFrame = DefaultMaxFrame
	}
	if c.MaxDepth <= 0 {
		c.MaxDepth = DefaultMaxDepth
	}
	if c.Rate == 0 {
		c.Rate = DefaultRate
	}
	if c.Burst <= 0 {
		c.Burst = DefaultBurst
	}
	if c.Queue <= 0 {
		c.Queue = DefaultQueue
	}
	if c.QueueBytes <= 0 {
		c.QueueBytes = DefaultQueueBytes
	}
	if c.MaxClients <= 0 {
		c.MaxClients = DefaultMaxClients
	}
	if c.Idle <= 0 {
		c.Idle = DefaultIdle
	}
	if c.Grace <= 0 {
		c.Grace = DefaultGrace
	}
	if c.Log == nil {
		c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// Server serves one world to its clients.
type Server struct {
	cfg  Config
	vm   *vm.VM
	img  *image.Image     // nil for an in-memory world
	sync *image.GroupSync // nil for an in-memory world
	sock zmq4.Socket
	addr net.Addr

	mu      sync.Mutex // peers, and the closing decision
	peers   map[string]*peer
	closing atomic.Bool
	workers sync.WaitGroup // the peers' goroutines

	// cognitive cycles run in the background (mind.go)
	runners map[*vm.Session]bool
	cycles  sync.WaitGroup

	start    time.Time
	served   atomic.Int64
	queued   atomic.Int64  // bytes of requests waiting in the peers' queues
	received chan struct{} // closed when the receiving loop ends
}

// New starts listening on cfg.Bind for the world of t (a thread of the
// world's VM; img is its image, nil for an in-memory world). The world
// must not be used except through the server from now on. Serve runs it.
func New(cfg Config, t *vm.Thread, img *image.Image) (*Server, error) {
	cfg.defaults()
	hostPort, _, err := ParseBind(cfg.Bind)
	if err != nil {
		return nil, err
	}
	scheme, err := zmtp.Register(cfg.MaxFrame, true)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, vm: t.VM(), img: img, peers: map[string]*peer{}, start: time.Now(), received: make(chan struct{})}
	if img != nil {
		s.sync = img.GroupSync()
	}
	s.sock = zmq4.NewRouter(context.Background(), zmq4.WithLogger(log.New(io.Discard, "", 0)))
	if err := s.sock.Listen(scheme + "://" + hostPort); err != nil {
		s.sock.Close()
		return nil, fmt.Errorf("cannot listen on %s: %w", cfg.Bind, errors.Unwrap(err))
	}
	s.addr = s.sock.Addr()
	return s, nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() net.Addr { return s.addr }

// Serve serves requests until ctx is done, then shuts down: requests not
// started are answered server.shuttingDown, requests in flight get
// cfg.Grace to finish and are then interrupted (their transactions abort:
// nothing partial is committed), and every reply sent was durable. It
// returns when the last worker has stopped and the socket is closed; the
// caller then closes the image.
func (s *Server) Serve(ctx context.Context) error {
	s.cfg.Log.Info("serving", "addr", s.addr.String(), "token", s.cfg.Token != "")
	go s.receive()
	janitor := time.NewTicker(time.Minute)
	defer janitor.Stop()
	for {
		select {
		case <-ctx.Done():
			s.shutdown()
			return nil
		case <-janitor.C:
			s.dropIdle(time.Now())
		}
	}
}

// shutdown stops the server (see Serve).
func (s *Server) shutdown() {
	s.mu.Lock()
	s.closing.Store(true)
	peers := make([]*peer, 0, len(s.peers))
	for _, p := range s.peers {
		close(p.jobs) // the receiver no longer enqueues: closing is set
		peers = append(peers, p)
	}
	s.peers = map[string]*peer{}
	s.mu.Unlock()
	s.cfg.Log.Info("shutting down", "clients", len(peers))

	done := make(chan struct{})
	go func() { s.workers.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(s.cfg.Grace):
		s.cfg.Log.Warn("interrupting the requests still running after the grace period", "grace", s.cfg.Grace)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
	interrupt:
		for {
			for _, p := range peers {
				if ss := p.live.Load(); ss != nil && p.busy.Load() {
					ss.Cancel()
				}
			}
			select {
			case <-done:
				break interrupt
			case <-tick.C:
			}
		}
	}
	s.mu.Lock()
	for sess := range s.runners {
		sess.Cancel() // a cycle stops between transitions: resumable
	}
	s.mu.Unlock()
	s.cycles.Wait()
	s.sock.Close()
	<-s.received
	s.cfg.Log.Info("stopped", "requests", s.served.Load())
}

// receive reads requests and hands them to their identity's worker,
// answering at once those refused before they run.
func (s *Server) receive() {
	defer close(s.received)
	for {
		msg, err := s.sock.Recv()
		if err != nil {
			if s.closing.Load() {
				return
			}
			continue
		}
		if len(msg.Frames) < 2 {
			continue // no payload: nothing to answer
		}
		s.dispatch(msg.Frames)
	}
}

// dispatch handles one message: the routing id, the envelope (REQ's empty
// delimiter) and the payload, the last frame.
func (s *Server) dispatch(frames [][]byte) {
	id, env, payload := frames[0], frames[1:len(frames)-1], frames[len(frames)-1]
	req, rerr := decodeRequest(payload, s.cfg.MaxDepth)
	if rerr == nil {
		rerr = req.checkToken(s.cfg.Token)
	}
	var rid any
	if req != nil {
		rid = req.id
	}
	if rerr != nil {
		s.send(id, env, &wire.Reply{ID: rid, Error: rerr})
		return
	}
	now := time.Now()
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		s.send(id, env, &wire.Reply{ID: rid, Error: reqError(wire.CodeShutdown, "the server is shutting down")})
		return
	}
	p := s.peers[string(id)]
	if p == nil {
		if len(s.peers) >= s.cfg.MaxClients {
			s.mu.Unlock()
			s.send(id, env, &wire.Reply{ID: rid, Error: reqError(wire.CodeClients, "the server has %d clients, its limit", s.cfg.MaxClients)})
			return
		}
		p = s.newPeer(id)
		s.peers[string(id)] = p
	}
	p.last = now
	if !p.bucket.take(now) {
		s.mu.Unlock()
		s.send(id, env, &wire.Reply{ID: rid, Error: reqError(wire.CodeRate, "too many requests from this client (the limit is %g a second, %d at once)", s.cfg.Rate, s.cfg.Burst)})
		return
	}
	size := int64(len(payload))
	if s.queued.Load()+size > s.cfg.QueueBytes {
		s.mu.Unlock()
		s.send(id, env, &wire.Reply{ID: rid, Error: reqError(wire.CodeQueue, "the server has %d bytes of requests waiting, its limit", s.cfg.QueueBytes)})
		return
	}
	select {
	case p.jobs <- job{env: env, req: req, size: size}:
		s.queued.Add(size)
		s.mu.Unlock()
	default:
		s.mu.Unlock()
		s.send(id, env, &wire.Reply{ID: rid, Error: reqError(wire.CodeQueue, "this client has %d requests waiting, the limit", s.cfg.Queue)})
	}
}

// send sends a reply; a client that has gone is not an error.
func (s *Server) send(id []byte, env [][]byte, rep *wire.Reply) {
	frames := make([][]byte, 0, 2+len(env))
	frames = append(frames, id)
	frames = append(frames, env...)
	frames = append(frames, encodeReply(rep))
	if err := s.sock.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		s.cfg.Log.Debug("reply not sent", "err", err)
	}
}

// dropIdle ends the sessions of identities idle for cfg.Idle.
func (s *Server) dropIdle(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return
	}
	for k, p := range s.peers {
		if now.Sub(p.last) > s.cfg.Idle && len(p.jobs) == 0 && !p.busy.Load() {
			close(p.jobs)
			delete(s.peers, k)
		}
	}
}
