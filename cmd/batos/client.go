package main

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"batos/bridge"
	"batos/bridge/client"
	"batos/bridge/wire"
)

// `batos client`: one request to a running `batos serve`.

func (c *cli) client(args []string) error {
	fs := c.newFlags("client")
	connect := fs.String("connect", "tcp://127.0.0.1:5555", "the server")
	tokenFile := fs.String("token-file", "", "the token file (mode 0600)")
	timeout := fs.Duration("timeout", 30*time.Second, "how long to wait for the reply")
	pos, err := c.parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("which command? (eval SOURCE, send RECEIVER SELECTOR [ARG...], describe OID, status, snapshot PATH)")
	}
	want := map[string]int{"eval": 1, "describe": 1, "status": 0, "snapshot": 1}
	cmd, rest := pos[0], pos[1:]
	c.cmd = "client " + cmd
	if n, ok := want[cmd]; ok && len(rest) != n {
		return usagef("takes %d argument(s)", n)
	} else if !ok && cmd != "send" {
		c.cmd = "client"
		return usagef("unknown command %q (eval, send, describe, status, snapshot)", cmd)
	}
	if cmd == "send" && len(rest) < 2 {
		return usagef("want RECEIVER SELECTOR [ARG...]; RECEIVER is an OID or a path from the lobby")
	}
	opts := client.Options{Timeout: *timeout}
	if *tokenFile != "" {
		if opts.Token, err = bridge.ReadToken(*tokenFile); err != nil {
			return usagef("%v", err)
		}
	}
	cl, err := client.Dial(*connect, opts)
	if err != nil {
		return err
	}
	defer cl.Close()
	var out string
	switch cmd {
	case "eval":
		var v wire.Value
		if v, err = cl.Eval(rest[0]); err == nil {
			out = v.PrintString
		}
	case "send":
		var rcv any = rest[0]
		if n, perr := strconv.ParseUint(rest[0], 10, 64); perr == nil {
			rcv = n
		}
		var v wire.Value
		if v, err = cl.Send(rcv, rest[1], clientArgs(rest[2:])...); err == nil {
			out = v.PrintString
		}
	case "describe":
		n, perr := strconv.ParseUint(rest[0], 10, 64)
		if perr != nil {
			return usagef("%q is not an OID", rest[0])
		}
		var m map[string]any
		if m, err = cl.Describe(n); err == nil {
			out = describeText(m)
		}
	case "status":
		var m map[string]any
		if m, err = cl.Status(); err == nil {
			out = mapText(m, "")
		}
	case "snapshot":
		var m map[string]any
		if m, err = cl.Snapshot(rest[0]); err == nil {
			out = fmt.Sprintf("snapshot %v: %v objects, %v maps, %v bytes", m["path"], m["objects"], m["maps"], m["bytes"])
		}
	}
	if err != nil {
		var we *wire.Error
		if errors.As(err, &we) {
			c.stderrf("%v", we)
			return exitError(exitRuntime)
		}
		return err
	}
	fmt.Fprintln(c.stdout, strings.TrimRight(out, "\n"))
	return nil
}

// clientArgs reads send's arguments: integers, oid:N for an object, and
// strings otherwise.
func clientArgs(args []string) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if n, err := strconv.ParseInt(a, 10, 64); err == nil {
			out[i] = n
		} else if s, ok := strings.CutPrefix(a, "oid:"); ok {
			if n, err := strconv.ParseUint(s, 10, 64); err == nil {
				out[i] = client.OID{OID: n}
				continue
			}
			out[i] = a
		} else {
			out[i] = a
		}
	}
	return out
}

// describeText prints describe's result: one line per slot.
func describeText(m map[string]any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v (oid %v, %v)\n", m["value"], m["oid"], m["type"])
	slots, _ := m["slots"].([]any)
	for _, s := range slots {
		sm, _ := s.(map[string]any)
		mark := ""
		if p, _ := sm["parent"].(bool); p {
			mark = "*"
		}
		oid := ""
		if sm["oid"] != nil {
			oid = fmt.Sprintf(" (oid %v)", sm["oid"])
		}
		fmt.Fprintf(&b, "  %v%s\t%v\t%v%s\n", sm["name"], mark, sm["kind"], sm["value"], oid)
	}
	return b.String()
}

// mapText prints a decoded map, sorted, nested maps indented.
func mapText(m map[string]any, indent string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		if sub, ok := m[k].(map[string]any); ok {
			fmt.Fprintf(&b, "%s%s:\n%s", indent, k, mapText(sub, indent+"  "))
			continue
		}
		fmt.Fprintf(&b, "%s%s: %v\n", indent, k, m[k])
	}
	return b.String()
}
