package main

import (
	"context"
	"flag"
	"log/slog"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"batos/bridge"
	"batos/llm"
)

// `batos serve`: the world over ZeroMQ (package bridge, docs/protocol.md).

const serveUsage = `  batos serve [flags]              serve the image over ZeroMQ + msgpack (docs/protocol.md)
  batos client [flags] CMD ...     a request to a server: eval SOURCE, send RECEIVER
                                   SELECTOR [ARG...], describe OID, status, snapshot PATH
`

const serveFlagsUsage = `  --bind ENDPOINT    serve: where to listen (default tcp://127.0.0.1:5555); an
                     address not on loopback needs --token-file
  --token-file FILE  serve, client: the token every request carries (mode 0600)
  --max-frame BYTES  serve: the largest request frame (default 1 MiB)
  --rate N           serve: requests a second per client (default 20000), --burst N
                     of them at once (default 2000)
  --queue N          serve: requests of one client waiting to run (default 256)
  --grace D          serve: at SIGTERM/SIGINT, running requests get D before they are
                     interrupted (default 5s)
  --connect ENDPOINT client: the server (default tcp://127.0.0.1:5555)
  --timeout D        client: how long to wait for the reply (default 30s)
`

// serveDefaultSteps is serve's step budget per statement unless
// --max-steps says otherwise: one client's endless loop must not hold the
// world (and so every other client) forever.
const serveDefaultSteps = 100_000_000

func (c *cli) serve(args []string) error {
	fs := c.newFlags("serve")
	c.vmFlags(fs)
	bind := fs.String("bind", "tcp://127.0.0.1:5555", "where to listen")
	tokenFile := fs.String("token-file", "", "the token file (mode 0600)")
	maxFrame := fs.Int("max-frame", bridge.DefaultMaxFrame, "the largest request frame in bytes")
	rate := fs.Float64("rate", bridge.DefaultRate, "requests a second per client (negative: no limit)")
	burst := fs.Int("burst", bridge.DefaultBurst, "requests at once per client")
	queue := fs.Int("queue", bridge.DefaultQueue, "requests of one client waiting to run")
	grace := fs.Duration("grace", bridge.DefaultGrace, "how long in-flight requests get at shutdown")
	auditEvery := fs.Duration("audit-every", 0, "run the mind's self-audit this often (0: never)")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	stepsSet := false
	fs.Visit(func(f *flag.Flag) { stepsSet = stepsSet || f.Name == "max-steps" })
	if !stepsSet {
		c.maxSteps = serveDefaultSteps
	}
	if fs.NArg() > 0 {
		return usagef("takes no arguments (got %q)", fs.Arg(0))
	}
	if *auditEvery < 0 {
		return usagef("--audit-every must not be negative")
	}
	if *maxFrame < 64 {
		return usagef("--max-frame must be at least 64 bytes")
	}
	_, loopback, err := bridge.ParseBind(*bind)
	if err != nil {
		return usagef("%v", err)
	}
	token := ""
	if *tokenFile != "" {
		if token, err = bridge.ReadToken(*tokenFile); err != nil {
			return usagef("%v", err)
		}
	} else if !loopback {
		return usagef("--bind %s is not a loopback address: it needs --token-file (a file of mode 0600 holding the token every request must carry)", *bind)
	}
	t, closer, err := c.boot(nil)
	if err != nil {
		return err
	}
	defer closer()
	log := slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	model := ""
	if llm.Default.Default != "" {
		model = llm.Default.Default
	}
	srv, err := bridge.New(bridge.Config{
		Bind: *bind, Token: token, MaxFrame: *maxFrame, Rate: *rate, Burst: *burst, Queue: *queue,
		Grace: *grace, MaxSteps: c.maxSteps, MaxAlloc: c.gen.maxAlloc,
		Version: versionString(), Model: model, ImageDir: c.imageDirOrMemory(), Log: log,
	}, t, c.img)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	c.stderrf("listening on tcp://%s", srv.Addr())
	start := time.Now()
	var audits sync.WaitGroup
	if *auditEvery > 0 {
		sess := t.VM().NewSession()
		tick := time.NewTicker(*auditEvery)
		defer tick.Stop()
		audits.Add(1)
		go func() {
			<-ctx.Done()
			sess.Cancel() // an audit running at shutdown is interrupted
		}()
		go func() {
			defer audits.Done()
			auditLoop(ctx, tick.C, func() error {
				out, err := sess.Eval("<audit>", "mind audit run")
				if err == nil {
					log.Info("self-audit", "missions", out)
				}
				return err
			}, func(err error) { log.Warn("self-audit failed", "error", err) })
		}()
	}
	err = srv.Serve(ctx)
	stop()
	audits.Wait() // no audit runs once the image closes
	if err != nil {
		return err
	}
	c.stderrf("stopped after %s", time.Since(start).Round(time.Millisecond))
	return nil
}

// imageDirOrMemory names the world for status.
func (c *cli) imageDirOrMemory() string {
	if c.memory {
		return ""
	}
	return c.imageDir
}
