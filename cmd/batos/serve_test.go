//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/vmihailenco/msgpack/v5"

	"batos/bridge/client"
	"batos/bridge/wire"
)

// The bridge over real sockets: `batos serve` runs as its own process
// (this test binary, as batos), on loopback, and clients connect to it.

// server is a running `batos serve`.
type server struct {
	t      *testing.T
	cmd    *exec.Cmd
	ep     string
	img    string
	stderr *syncBuffer
	done   chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// onImage returns a function that runs batos in this process on the image
// in img, answering its output (stdout, then stderr) and exit code.
func onImage(img string) func(args ...string) (string, int) {
	return func(args ...string) (string, int) {
		var out, errs bytes.Buffer
		code := run(append([]string{"--image", img}, args...), strings.NewReader(""), &out, &errs)
		return out.String() + errs.String(), code
	}
}

// batosBin returns a path that runs this test binary as batos.
func batosBin(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "batos")
	if err := os.Symlink(os.Args[0], bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

var listening = regexp.MustCompile(`batos serve: listening on (tcp://\S+)`)

// startServer starts `batos serve --image img --bind tcp://127.0.0.1:0
// args...` and waits until it listens. It is stopped (SIGTERM, exit 0
// required) at the end of the test unless stopped before.
func startServer(t *testing.T, img string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(batosBin(t), append([]string{"serve", "--image", img, "--bind", "tcp://127.0.0.1:0"}, args...)...)
	pr, pw := io.Pipe()
	s := &server{t: t, cmd: cmd, img: img, stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = pw
	cmd.Stdout = pw // the world's output (printLine) too
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- cmd.Wait(); pw.Close() }()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			s.stderr.Write([]byte(line + "\n"))
			if m := listening.FindStringSubmatch(line); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
		if !sent {
			close(found)
		}
	}()
	ep, ok := <-found
	if !ok {
		t.Fatalf("batos serve did not start: %s", s.stderr.String())
	}
	s.ep = ep
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.stop()
		}
	})
	return s
}

// stop sends SIGTERM and requires exit status 0.
func (s *server) stop() {
	s.t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-s.done; err != nil {
		s.t.Fatalf("batos serve after SIGTERM: %v\n%s", err, s.stderr.String())
	}
}

func (s *server) dial(opts client.Options) *client.Client {
	s.t.Helper()
	c, err := client.Dial(s.ep, opts)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { c.Close() })
	return c
}

func mustEval(t *testing.T, c *client.Client, src string) wire.Value {
	t.Helper()
	v, err := c.Eval(src)
	if err != nil {
		t.Fatalf("eval %q: %v", src, err)
	}
	return v
}

// wantCode requires err to be a reply error with code.
func wantCode(t *testing.T, err error, code string) *wire.Error {
	t.Helper()
	var we *wire.Error
	if !errors.As(err, &we) {
		t.Fatalf("want a %s error, got %v", code, err)
	}
	if we.Code != code {
		t.Fatalf("want code %s, got %v", code, we)
	}
	return we
}

// batosIn runs the batos command in process (a client, or a tool on a
// stopped server's image).
func batosIn(args ...string) (string, int) {
	var out, errs bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errs)
	return out.String() + errs.String(), code
}

func TestServeCommands(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, filepath.Join(dir, "img"))
	c := s.dial(client.Options{})

	// eval: printString, oid, type
	v := mustEval(t, c, "3 + 4")
	if v.PrintString != "7" || v.Type != "smallInt" || v.OID != nil {
		t.Fatalf("eval 3 + 4: %+v", v)
	}
	v = mustEval(t, c, "lobby _AddSlots: (| acct = (| parent* = traits clonable. balance <- 5. deposit: n = ( balance: balance + n ) |) |). acct")
	if v.Type != "object" || v.OID == nil || *v.OID == 0 {
		t.Fatalf("eval acct: %+v", v)
	}
	acct := *v.OID
	if v := mustEval(t, c, "'abc'"); v.PrintString != "'abc'" || v.Type != "string" {
		t.Fatalf("eval a string: %+v", v)
	}
	// syntax and runtime errors, with positions
	_, err := c.Eval("3 +")
	we := wantCode(t, err, wire.CodeSyntax)
	if we.Position == nil || we.Position.Line != 1 {
		t.Fatalf("a syntax error's position: %+v", we)
	}
	_, err = c.Eval("3 frobnicate")
	we = wantCode(t, err, "eval.undefinedSelector")
	if we.Position == nil || we.Position.Line != 1 || we.Position.Column != 3 {
		t.Fatalf("a runtime error's position: %+v", we.Position)
	}

	// send: by path, by OID, with arguments, an object argument
	if v, err := c.Send("acct", "balance"); err != nil || v.PrintString != "5" {
		t.Fatalf("send acct balance: %v %+v", err, v)
	}
	if _, err := c.Send(acct, "deposit:", 10); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Send("lobby acct", "balance"); err != nil || v.PrintString != "15" {
		t.Fatalf("after deposit: %v %+v", err, v)
	}
	if v, err := c.Send("", "==", client.OID{OID: acct}); err != nil || v.PrintString != "false" {
		t.Fatalf("lobby == acct: %v %+v", err, v)
	}
	if v, err := c.Send(acct, "==", client.OID{OID: acct}); err != nil || v.PrintString != "true" {
		t.Fatalf("acct == acct: %v %+v", err, v)
	}
	mustEval(t, c, "lobby _AddSlots: (| echo: x = ( x ) |)")
	if v, err := c.Send("", "echo:", []any{1, "two", 3.5, nil, true, []byte{1, 2}}); err != nil || v.Type != "vector" || !strings.Contains(v.PrintString, "'two'") {
		t.Fatalf("send echo: with an array: %v %+v", err, v)
	}
	if v, err := c.Send(acct, "deposit:", "x"); err == nil {
		t.Fatalf("deposit: 'x': an error expected, got %+v", v)
	} else if we, ok := err.(*wire.Error); !ok || !strings.HasPrefix(we.Code, wire.CodeEvalPrefix) {
		t.Fatalf("deposit: 'x': %v", err)
	}
	_, err = c.Send(uint64(1<<40), "balance")
	wantCode(t, err, wire.CodeReceiver)
	_, err = c.Send("acct", "deposit:")
	wantCode(t, err, wire.CodeField)

	// describe: slots, kinds, parents
	d, err := c.Describe(acct)
	if err != nil {
		t.Fatal(err)
	}
	slots := fmt.Sprint(d["slots"])
	for _, want := range []string{"name:balance", "kind:assignable", "name:parent", "parent:true", "name:deposit:", "kind:constant"} {
		if !strings.Contains(slots, want) {
			t.Fatalf("describe acct: no %s in %s", want, slots)
		}
	}
	if ps, _ := d["parents"].([]any); len(ps) != 1 {
		t.Fatalf("describe acct: parents %v", d["parents"])
	}
	_, err = c.Describe(1 << 40)
	wantCode(t, err, wire.CodeNotFound)
	vec := mustEval(t, c, "lobby _AddSlots: (| list = vector copySize: 3 |). list at: 1 Put: 'x'. list")
	d, err = c.Describe(*vec.OID)
	if err != nil || fmt.Sprint(d["size"]) != "3" || !strings.Contains(fmt.Sprint(d["elements"]), "value:'x'") {
		t.Fatalf("describe a vector: %v %v", err, d)
	}

	// status
	st, err := c.Status()
	if err != nil {
		t.Fatal(err)
	}
	im, _ := st["image"].(map[string]any)
	if !strings.HasPrefix(fmt.Sprint(st["version"]), "batos ") || im == nil || fmt.Sprint(im["dir"]) != s.img || st["uptime"] == nil {
		t.Fatalf("status: %v", st)
	}

	// snapshot, restored into a new image
	snap := filepath.Join(dir, "snap.batos")
	m, err := c.Snapshot(snap)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(m["path"]) != snap {
		t.Fatalf("snapshot: %v", m)
	}
	if out, code := batosIn("image", "restore", snap, "--into", filepath.Join(dir, "restored")); code != 0 {
		t.Fatal(out)
	}
	if out, code := batosIn("--image", filepath.Join(dir, "restored"), "-e", "acct balance"); code != 0 || strings.TrimSpace(out) != "15" {
		t.Fatalf("the restored snapshot: %s", out)
	}

	// cycle names cycles that exist; a mission without a model begins,
	// and its cycle fails (serve_mind_test.go runs one with a model)
	err = c.Call("cycle", map[string]any{"cycle": 1}, nil)
	wantCode(t, err, wire.CodeNotFound)
	if cy := waitCycle(t, c, startMission(t, c, "x")); cy["state"] != "FAILED" || !strings.Contains(fmt.Sprint(cy["failure"]), "no model") {
		t.Fatalf("a mission without a model: %v", cy)
	}

	// the command-line client
	if out, code := batosIn("client", "--connect", s.ep, "eval", "3 + 4"); code != 0 || out != "7\n" {
		t.Fatalf("batos client eval: %d %q", code, out)
	}
	if out, code := batosIn("client", "--connect", s.ep, "send", "acct", "deposit:", "1"); code != 0 {
		t.Fatalf("batos client send deposit: %d %q", code, out)
	}
	if out, code := batosIn("client", "--connect", s.ep, "send", "acct", "balance"); code != 0 || out != "16\n" {
		t.Fatalf("batos client send: %d %q", code, out)
	}
	if out, code := batosIn("client", "--connect", s.ep, "describe", fmt.Sprint(acct)); code != 0 || !strings.Contains(out, "balance\tassignable\t16") {
		t.Fatalf("batos client describe: %d %q", code, out)
	}
	if out, code := batosIn("client", "--connect", s.ep, "status"); code != 0 || !strings.Contains(out, "commits:") {
		t.Fatalf("batos client status: %d %q", code, out)
	}
	if out, code := batosIn("client", "--connect", s.ep, "eval", "3 zork"); code != 1 || !strings.Contains(out, "eval.undefinedSelector: eval:1:3:") {
		t.Fatalf("batos client eval error: %d %q", code, out)
	}

	// a REQ socket (its empty delimiter frame) works like a DEALER
	req := zmq4.NewReq(context.Background())
	defer req.Close()
	if err := req.Dial(s.ep); err != nil {
		t.Fatal(err)
	}
	b, _ := msgpack.Marshal(map[string]any{"id": "r1", "cmd": "eval", "source": "6 * 7"})
	if err := req.Send(zmq4.NewMsg(b)); err != nil {
		t.Fatal(err)
	}
	msg, err := req.Recv()
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		ID     string     `msgpack:"id"`
		OK     bool       `msgpack:"ok"`
		Result wire.Value `msgpack:"result"`
	}
	if err := msgpack.Unmarshal(msg.Frames[len(msg.Frames)-1], &rep); err != nil || rep.ID != "r1" || !rep.OK || rep.Result.PrintString != "42" {
		t.Fatalf("over REQ: %v %+v", err, rep)
	}

	s.stop()
	// the image is whole after the server stopped
	if out, code := batosIn("--image", s.img, "image", "check"); code != 0 {
		t.Fatal(out)
	}
	if out, code := batosIn("--image", s.img, "-e", "acct balance"); code != 0 || strings.TrimSpace(out) != "16" {
		t.Fatalf("after stopping: %s", out)
	}
}

// rawReply sends payload as it is and decodes the reply.
func rawReply(t *testing.T, c *client.Client, payload []byte) *wire.Reply {
	t.Helper()
	b, err := c.Raw(payload)
	if err != nil {
		t.Fatal(err)
	}
	var rep wire.Reply
	if err := msgpack.Unmarshal(b, &rep); err != nil {
		t.Fatalf("a reply that is not msgpack: %v", err)
	}
	return &rep
}

func mp(v any) []byte {
	b, err := msgpack.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func TestServeBadInput(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, filepath.Join(dir, "img"), "--max-frame", "4096", "--max-steps", "2000000")
	c := s.dial(client.Options{})
	mustEval(t, c, "lobby _AddSlots: (| counter <- 0 |)")
	commits := func() string {
		st, err := c.Status()
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(st["image"].(map[string]any)["commits"])
	}
	before := commits()

	nested := []byte{0x81, 0xa3, 'c', 'm', 'd'}
	for range 1000 {
		nested = append(nested, 0x91)
	}
	nested = append(nested, 0x01)
	nestedMaps := map[string]any{"id": 1, "cmd": "eval", "source": "counter: 99"}
	for range 100 {
		nestedMaps = map[string]any{"id": 1, "cmd": "eval", "source": "counter: 99", "x": nestedMaps}
	}
	cases := []struct {
		name    string
		payload []byte
		code    string
	}{
		{"not msgpack", []byte("hello, world\xc1"), wire.CodeMalformed},
		{"truncated", mp(map[string]any{"id": 1, "cmd": "eval", "source": "counter: 99"})[:10], wire.CodeMalformed},
		{"trailing bytes", append(mp(map[string]any{"id": 1, "cmd": "status"}), 0x01), wire.CodeMalformed},
		{"a huge container claim", []byte{0xdf, 0xff, 0xff, 0xff, 0xff}, wire.CodeMalformed},
		{"empty", []byte{}, wire.CodeMalformed},
		{"not a map", mp([]any{1, "eval"}), wire.CodeNotMap},
		{"non-string keys", mp(map[int]any{1: "eval"}), wire.CodeNotMap},
		{"deeply nested", nested, wire.CodeTooDeep},
		{"deeply nested maps", mp(nestedMaps), wire.CodeTooDeep},
		{"no id", mp(map[string]any{"cmd": "eval", "source": "counter: 99"}), wire.CodeField},
		{"an ill-typed id", mp(map[string]any{"id": []int{1}, "cmd": "eval", "source": "counter: 99"}), wire.CodeField},
		{"no cmd", mp(map[string]any{"id": 1, "source": "counter: 99"}), wire.CodeField},
		{"an ill-typed cmd", mp(map[string]any{"id": 1, "cmd": 7}), wire.CodeField},
		{"unknown command", mp(map[string]any{"id": 1, "cmd": "frobnicate"}), wire.CodeUnknownCommand},
		{"eval without source", mp(map[string]any{"id": 1, "cmd": "eval"}), wire.CodeField},
		{"eval with a number", mp(map[string]any{"id": 1, "cmd": "eval", "source": 12}), wire.CodeField},
		{"send without selector", mp(map[string]any{"id": 1, "cmd": "send", "receiver": "counter"}), wire.CodeField},
		{"send without receiver", mp(map[string]any{"id": 1, "cmd": "send", "selector": "counter:", "args": []any{99}}), wire.CodeField},
		{"send with a map receiver", mp(map[string]any{"id": 1, "cmd": "send", "receiver": map[string]any{}, "selector": "counter:", "args": []any{99}}), wire.CodeField},
		{"send with args not an array", mp(map[string]any{"id": 1, "cmd": "send", "receiver": "", "selector": "counter:", "args": 99}), wire.CodeField},
		{"send with the wrong arity", mp(map[string]any{"id": 1, "cmd": "send", "receiver": "", "selector": "counter:", "args": []any{}}), wire.CodeField},
		{"send with an argument of no batos kind", mp(map[string]any{"id": 1, "cmd": "send", "receiver": "", "selector": "counter:", "args": []any{map[string]any{"x": 1}}}), "eval.error"},
		{"describe with a string", mp(map[string]any{"id": 1, "cmd": "describe", "oid": "lobby"}), wire.CodeField},
		{"describe with a negative OID", mp(map[string]any{"id": 1, "cmd": "describe", "oid": -4}), wire.CodeField},
		{"snapshot without path", mp(map[string]any{"id": 1, "cmd": "snapshot"}), wire.CodeField},
		{"snapshot into a missing directory", mp(map[string]any{"id": 1, "cmd": "snapshot", "path": filepath.Join(dir, "no", "such", "dir", "s")}), wire.CodeSnapshot},
		{"a frame over --max-frame", mp(map[string]any{"id": 1, "cmd": "eval", "source": "counter: 99. '" + strings.Repeat("x", 10000) + "'"}), wire.CodeTooLarge},
		{"a runaway statement stops at its step budget", mp(map[string]any{"id": 1, "cmd": "eval", "source": "counter: 99. [ true ] whileTrue"}), "eval.budget"},
	}
	for _, tc := range cases {
		rep := rawReply(t, c, tc.payload)
		if rep.OK || rep.Error == nil {
			t.Fatalf("%s: ok, want an error: %+v", tc.name, rep)
		}
		if tc.code != "" && rep.Error.Code != tc.code {
			t.Fatalf("%s: %v, want code %s", tc.name, rep.Error, tc.code)
		}
		t.Logf("%s: %v", tc.name, rep.Error)
	}
	// the runaway statement's first statement committed (each statement
	// is its own transaction); undo it for the check below
	mustEval(t, c, "counter: 0")
	// the ids of refused requests come back when they could be read
	if rep := rawReply(t, c, mp(map[string]any{"id": "abc", "cmd": "nope"})); rep.ID != "abc" {
		t.Fatalf("the id of an unknown command: %v", rep.ID)
	}
	if v := mustEval(t, c, "counter"); v.PrintString != "0" {
		t.Fatalf("bad input changed the world: counter is %s", v.PrintString)
	}
	if after := commits(); after != before {
		// the runaway case committed its first statement, and counter: 0
		t.Logf("commits %s -> %s", before, after)
	}

	// a frame header claiming 2^60 bytes on a raw connection: answered,
	// never allocated
	raw, err := net.Dial("tcp", strings.TrimPrefix(s.ep, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	greet := make([]byte, 64)
	greet[0], greet[9], greet[10] = 0xff, 0x7f, 3
	copy(greet[12:], "NULL")
	raw.Write(greet)
	props := []byte("\x05READY\x0bSocket-Type\x00\x00\x00\x06DEALER")
	raw.Write(append([]byte{0x04, byte(len(props))}, props...))
	raw.Write([]byte{0x02, 0x10, 0, 0, 0, 0, 0, 0, 0})
	raw.SetReadDeadline(time.Now().Add(30 * time.Second))
	var got []byte
	buf := make([]byte, 4096)
	for !bytes.Contains(got, []byte(wire.CodeTooLarge)) {
		n, err := raw.Read(buf)
		if err != nil {
			t.Fatalf("the raw connection: %v (read %q)", err, got)
		}
		got = append(got, buf[:n]...)
	}

	// a connection that stays silent does not hold up the next ones: a
	// new client is served while the server still waits for it
	silent, err := net.Dial("tcp", strings.TrimPrefix(s.ep, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	mustEval(t, s.dial(client.Options{}), "3 + 4")
	silent.SetReadDeadline(time.Now().Add(time.Millisecond))
	if _, err := silent.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the silent connection: %v (closed before the next client was served?)", err)
	}

	// a burst from one identity: refused beyond its rate, others served
	s.stop()
	s = startServer(t, filepath.Join(dir, "img"), "--rate", "20", "--burst", "10", "--queue", "4")
	c = s.dial(client.Options{})
	burst, err := zmq4.NewDealer(context.Background()), error(nil)
	defer burst.Close()
	if err = burst.Dial(s.ep); err != nil {
		t.Fatal(err)
	}
	const n = 300
	for i := range n {
		if err := burst.Send(zmq4.NewMsg(mp(map[string]any{"id": i, "cmd": "eval", "source": "counter: counter + 1"}))); err != nil {
			t.Fatal(err)
		}
	}
	okN, limited := 0, 0
	for range n {
		m, err := burst.Recv()
		if err != nil {
			t.Fatal(err)
		}
		var rep wire.Reply
		if err := msgpack.Unmarshal(m.Frames[len(m.Frames)-1], &rep); err != nil {
			t.Fatal(err)
		}
		switch {
		case rep.OK:
			okN++
		case rep.Error.Code == wire.CodeRate || rep.Error.Code == wire.CodeQueue:
			limited++
		default:
			t.Fatalf("burst: %v", rep.Error)
		}
	}
	if limited == 0 || okN == 0 || okN+limited != n {
		t.Fatalf("burst of %d: %d ran, %d refused", n, okN, limited)
	}
	if v := mustEval(t, c, "counter"); v.PrintString != fmt.Sprint(okN) {
		t.Fatalf("burst: %d requests ran but counter is %s", okN, v.PrintString)
	}
	t.Logf("burst of %d: %d ran, %d refused", n, okN, limited)
}

func TestServeToken(t *testing.T) {
	dir := t.TempDir()
	tok := filepath.Join(dir, "token")
	os.WriteFile(tok, []byte("s3cret-token-0123456789\n"), 0o600)
	loose := filepath.Join(dir, "loose")
	os.WriteFile(loose, []byte("s3cret-token-0123456789\n"), 0o644)

	// a non-loopback bind needs a token file; a readable one is refused
	if out, code := batosIn("serve", "--image", filepath.Join(dir, "img"), "--bind", "tcp://0.0.0.0:0"); code != 2 || !strings.Contains(out, "needs --token-file") {
		t.Fatalf("non-loopback without a token: %d %s", code, out)
	}
	if out, code := batosIn("serve", "--image", filepath.Join(dir, "img"), "--bind", "tcp://0.0.0.0:0", "--token-file", loose); code != 2 || !strings.Contains(out, "chmod 600") {
		t.Fatalf("a token file others can read: %d %s", code, out)
	}
	if out, code := batosIn("serve", "--image", filepath.Join(dir, "img"), "--bind", "udp://127.0.0.1:5"); code != 2 {
		t.Fatalf("a udp bind: %d %s", code, out)
	}

	s := startServer(t, filepath.Join(dir, "img"), "--token-file", tok)
	anon := s.dial(client.Options{})
	_, err := anon.Eval("lobby _AddSlots: (| x <- 1 |)")
	wantCode(t, err, wire.CodeToken)
	wrong := s.dial(client.Options{Token: "s3cret-token-0123456780"})
	_, err = wrong.Eval("lobby _AddSlots: (| x <- 1 |)")
	wantCode(t, err, wire.CodeToken)
	good := s.dial(client.Options{Token: "s3cret-token-0123456789"})
	if _, err := good.Eval("(reflect: lobby) includes: 'x'"); err != nil {
		t.Fatal(err)
	}
	if v := mustEval(t, good, "(reflect: lobby) includes: 'x'"); v.PrintString != "false" {
		t.Fatalf("a request without the token ran: %s", v.PrintString)
	}
	if out, code := batosIn("client", "--connect", s.ep, "--token-file", tok, "eval", "1 + 1"); code != 0 || out != "2\n" {
		t.Fatalf("batos client with the token: %d %q", code, out)
	}
}

// TestServeCounter: 32 clients each increment one counter 1,000 times;
// no update is lost.
func TestServeCounter(t *testing.T) {
	s := startServer(t, filepath.Join(t.TempDir(), "img"))
	mustEval(t, s.dial(client.Options{}), "lobby _AddSlots: (| counter <- 0. bump = ( counter: counter + 1 ) |)")
	const clients, each = 32, 1000
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for range clients {
		c := s.dial(client.Options{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				var err error
				if i%2 == 0 {
					_, err = c.Eval("counter: counter + 1")
				} else {
					_, err = c.Send("", "bump")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if v := mustEval(t, s.dial(client.Options{}), "counter"); v.PrintString != "32000" {
		t.Fatalf("32 clients x 1,000 increments: counter is %s", v.PrintString)
	}
	s.stop()
	if out, code := batosIn("--image", s.img, "-e", "counter"); code != 0 || strings.TrimSpace(out) != "32000" {
		t.Fatalf("after the server stopped: %s", out)
	}
}

// TestServeDisconnect: a client that goes away while its request runs
// leaves the server serving; the request's transaction completes whole.
func TestServeDisconnect(t *testing.T) {
	s := startServer(t, filepath.Join(t.TempDir(), "img"))
	c := s.dial(client.Options{})
	mustEval(t, c, "lobby _AddSlots: (| counter <- 0. done <- false. i <- 0 |)")
	gone, err := client.Dial(s.ep, client.Options{Timeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// the request runs a while; the client times out and closes at once
	_, err = gone.Eval("[ i < 3000000 ] whileTrue: [ i: i + 1 ]. counter: counter + 1. done: true")
	if !errors.Is(err, client.ErrTimeout) {
		t.Fatalf("want a timeout, got %v", err)
	}
	gone.Close()
	// the next request of another client runs after it (the world is
	// taken in turn), so it sees the whole transaction
	for {
		v := mustEval(t, c, "done")
		if v.PrintString == "true" {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if v := mustEval(t, c, "counter"); v.PrintString != "1" {
		t.Fatalf("counter %s", v.PrintString)
	}

	// while one client's request holds the world, a new client's bad
	// request is answered (refusals never wait for the world)
	mustEval(t, c, "i: 0")
	busy := make(chan error, 1)
	go func() {
		_, err := c.Eval("'busy' printLine. [ i < 10000000 ] whileTrue: [ i: i + 1 ]")
		busy <- err
	}()
	for !strings.Contains(s.stderr.String(), "busy") {
		time.Sleep(5 * time.Millisecond)
	}
	// a new client's valid request waits for the world in its own worker...
	waiting := zmq4.NewDealer(context.Background())
	defer waiting.Close()
	if err := waiting.Dial(s.ep); err != nil {
		t.Fatal(err)
	}
	if err := waiting.Send(zmq4.NewMsg(mp(map[string]any{"id": 1, "cmd": "eval", "source": "3 + 4"}))); err != nil {
		t.Fatal(err)
	}
	// ...and another's bad requests are answered meanwhile
	fresh := s.dial(client.Options{})
	for _, payload := range [][]byte{[]byte("junk"), mp(map[string]any{"cmd": "eval"})} {
		if _, err := fresh.Raw(payload); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case err := <-busy:
		t.Fatalf("the long request finished before the refusals were answered: %v", err)
	default:
	}
	if err := <-busy; err != nil {
		t.Fatal(err)
	}
	if m, err := waiting.Recv(); err != nil || !bytes.Contains(m.Frames[len(m.Frames)-1], []byte("printString")) {
		t.Fatalf("the waiting request: %v %q", err, m.Frames)
	}
}

// TestServeGenerationDoesNotBlock: while the model writes a method for
// one client (the replay model waits 2 s), another client commits 200
// requests; they all finish before the generation's reply.
func TestServeGenerationDoesNotBlock(t *testing.T) {
	dir := t.TempDir()
	replay := filepath.Join(dir, "slow.jsonl")
	os.WriteFile(replay, []byte(`{"text": "reset = ( balance: 0. self )", "delay_ms": 2000}`+"\n"), 0o644)
	s := startServer(t, filepath.Join(dir, "img"), "--generate", "--model", "replay:"+replay)
	c := s.dial(client.Options{})
	mustEval(t, c, "lobby _AddSlots: (| acct = (| parent* = traits clonable. balance <- 5 |). counter <- 0 |)")

	gen := s.dial(client.Options{})
	genDone := make(chan wire.Value, 1)
	genErr := make(chan error, 1)
	go func() {
		v, err := gen.Eval("acct reset. acct balance")
		genErr <- err
		genDone <- v
	}()
	// wait until the generation has started (the model is running)
	for !strings.Contains(s.stderr.String(), "writing 'reset'") {
		time.Sleep(5 * time.Millisecond)
	}
	for range 200 {
		mustEval(t, c, "counter: counter + 1")
	}
	select {
	case err := <-genErr:
		t.Fatalf("the generation finished before the other client's 200 commits (it held the world?): %v", err)
	default:
	}
	if err := <-genErr; err != nil {
		t.Fatal(err)
	}
	if v := <-genDone; v.PrintString != "0" {
		t.Fatalf("the generated method: %+v", v)
	}
	if v := mustEval(t, c, "counter"); v.PrintString != "200" {
		t.Fatalf("counter %s", v.PrintString)
	}
}

// TestServeShutdown: SIGTERM while a request runs: it is interrupted
// after the grace period, nothing of it is committed, Pebble is closed
// cleanly and the exit status is 0.
func TestServeShutdown(t *testing.T) {
	s := startServer(t, filepath.Join(t.TempDir(), "img"), "--grace", "200ms", "--max-steps", "0")
	c := s.dial(client.Options{})
	mustEval(t, c, "lobby _AddSlots: (| counter <- 7 |)")
	long := s.dial(client.Options{})
	res := make(chan error, 1)
	go func() {
		// the loop holds the world: the server's output says it started
		_, err := long.Eval("counter: 8. 'long request started' printLine. [ counter: counter + 1. true ] whileTrue")
		res <- err
	}()
	for !strings.Contains(s.stderr.String(), "long request started") {
		time.Sleep(5 * time.Millisecond)
	}
	s.stop()
	err := <-res
	wantCode(t, err, "eval.interrupted")
	// the statements before the loop committed; the loop's did not
	if out, code := batosIn("--image", s.img, "-e", "counter"); code != 0 || strings.TrimSpace(out) != "8" {
		t.Fatalf("after the shutdown: %s", out)
	}
	if out, code := batosIn("--image", s.img, "image", "check"); code != 0 {
		t.Fatal(out)
	}
	if !strings.Contains(s.stderr.String(), "interrupting") {
		t.Fatalf("the log does not say the request was interrupted:\n%s", s.stderr.String())
	}
}

// TestServePython drives the server from Debian's python3-zmq (libzmq)
// and python3-msgpack: the wire format is the standard one.
func TestServePython(t *testing.T) {
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import zmq, msgpack").Run(); err != nil {
		t.Skipf("%s with zmq and msgpack is not installed (apt-get install python3-zmq python3-msgpack): %v", py, err)
	}
	s := startServer(t, filepath.Join(t.TempDir(), "img"))
	out, err := exec.Command(py, "testdata/bridge_client.py", s.ep).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "python client: ok") {
		t.Fatalf("%s", out)
	}
	t.Logf("%s", out)
}

// TestServeKill9: clients increment their own counters; the server is
// killed (SIGKILL) while they do; after a restart on the same image every
// acknowledged increment is there (and at most the one in flight more).
func TestServeKill9(t *testing.T) {
	img := filepath.Join(t.TempDir(), "img")
	s := startServer(t, img)
	const clients = 8
	src := ""
	for i := range clients {
		src += fmt.Sprintf("lobby _AddSlots: (| k%d = (| parent* = traits clonable. n <- 0. bump = ( n: n + 1 ) |) |). ", i)
	}
	mustEval(t, s.dial(client.Options{}), src+"0")
	acked := make([]int, clients)
	var wg sync.WaitGroup
	var started sync.WaitGroup
	started.Add(clients)
	for i := range clients {
		c := s.dial(client.Options{Timeout: 5 * time.Second})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				if n == 20 {
					started.Done()
				}
				if _, err := c.Send(fmt.Sprintf("k%d", i), "bump"); err != nil {
					if n < 20 {
						started.Done()
					}
					return
				}
				acked[i]++
			}
		}()
	}
	started.Wait() // every client has 20 acknowledged increments
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
	wg.Wait()

	for i := range clients {
		out, code := batosIn("--image", img, "-e", fmt.Sprintf("k%d n", i))
		got := strings.TrimSpace(out)
		if code != 0 || (got != fmt.Sprint(acked[i]) && got != fmt.Sprint(acked[i]+1)) {
			t.Fatalf("client %d: %d increments acknowledged, the image has %s", i, acked[i], out)
		}
	}
	if out, code := batosIn("--image", img, "image", "check"); code != 0 {
		t.Fatal(out)
	}
	t.Logf("acknowledged before the kill: %v", acked)
}
