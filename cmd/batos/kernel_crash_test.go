//go:build unix

package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKillDuringGeneration kills batos (SIGKILL) while the kernel writes a
// method, at random moments: before the model answers, while the trial
// runs, around the commit. After reopening, the method is either absent
// or whole (installed, with its provenance, listed by gen list), and the
// image checks clean.
func TestKillDuringGeneration(t *testing.T) {
	dir := t.TempDir()
	bin := batosBin(t)
	img := filepath.Join(dir, "img")
	batos := onImage(img)
	if out, code := batos("-e", "lobby _AddSlots: (| acct = (| parent* = traits clonable. balance <- 5 |) |)"); code != 0 {
		t.Fatal(out)
	}
	replay := filepath.Join(dir, "slow.jsonl")
	// the model waits 0-80 ms; the trial loops a while before answering
	line := `{"text": "reset = ( | i <- 0 | [ i < 200000 ] whileTrue: [ i: i + 1 ]. balance: 0. self )", "delay_ms": %d}`
	installed, absent := 0, 0
	for round := range 12 {
		os.WriteFile(replay, []byte(strings.Replace(line, "%d", string(rune('0'+round%9))+"0", 1)+"\n"), 0o644)
		cmd := exec.Command(bin, "--image", img, "--generate", "--model", "replay:"+replay, "-e", "acct reset. acct balance: 5")
		var errs bytes.Buffer
		cmd.Stderr = &errs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.IntN(150)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()

		out, code := batos("-e", "((reflect: acct) includes: 'reset') printString, ' ', ((reflect: acct) isGenerated: 'reset') printString, ' ', kernel generated size printString")
		if code != 0 {
			t.Fatalf("round %d: reopening: %s", round, out)
		}
		switch strings.TrimSpace(out) {
		case "'false false 0'":
			absent++
		case "'true true 1'":
			installed++
			if out, code := batos("gen", "forget", "acct", "reset"); code != 0 {
				t.Fatalf("round %d: forget: %s", round, out)
			}
			if out, code := batos("gen", "clear-cache"); code != 0 {
				t.Fatalf("round %d: clear-cache: %s", round, out)
			}
		default:
			t.Fatalf("round %d: half a method after kill -9: %s (stderr of the killed run: %s)", round, out, errs.String())
		}
		if out, code := batos("image", "check"); code != 0 || !strings.Contains(out, "ok") {
			t.Fatalf("round %d: image check: %s", round, out)
		}
	}
	t.Logf("12 kills: %d with the method whole, %d without it", installed, absent)
}
