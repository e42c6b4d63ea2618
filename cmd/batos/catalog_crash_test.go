//go:build unix

package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKillDuringIndexing kills batos (SIGKILL) at random moments while a
// script indexes documents into the catalog, one statement (one
// transaction) each; every tenth statement also removes the document
// indexed five statements before, in the same statement. After reopening, the catalog holds
// exactly the documents of the statements that committed, a prefix of
// the script: every chunk is indexed and every index entry has its chunk
// (catalog check), each document is found by its own term, and the image
// checks clean.
func TestKillDuringIndexing(t *testing.T) {
	dir := t.TempDir()
	bin := batosBin(t)
	img := filepath.Join(dir, "img")
	batos := onImage(img)
	state := func(round int) (last int) {
		out, code := batos("-e", `(catalog documentIds inject: 0 Into: [| :m. :x | m max: x ]) printString, ' ', catalog size printString, ' ', catalog chunkCount printString, ' ', catalog check size printString, ' ', (catalog documentIds allSatisfy: [| :id | ((catalog searchAll: 'uniq', id printString Top: 2) collect: [| :h | h docId ]) = (vector copySize: 1 FillingWith: id) ]) printString`)
		if code != 0 {
			t.Fatalf("round %d: reopening: %s", round, out)
		}
		var size, chunks, problems int
		var found string
		line, _, _ := strings.Cut(out, "\n") // stdout's line; stderr may say the image was just created
		if _, err := fmt.Sscanf(strings.Trim(strings.TrimSpace(line), "'"), "%d %d %d %d %s", &last, &size, &chunks, &problems, &found); err != nil {
			t.Fatalf("round %d: %q: %v", round, out, err)
		}
		want := last - last/10 // every tenth statement removed one document
		if size != want || chunks != size || problems != 0 || found != "true" {
			out, _ := batos("-e", "catalog check")
			t.Fatalf("round %d: after statement %d: %d documents (want %d), %d chunks, %d problems, each found by its term: %s\n%s", round, last, size, want, chunks, problems, found, out)
		}
		if out, code := batos("image", "check"); code != 0 || !strings.Contains(out, "ok") {
			t.Fatalf("round %d: image check: %s", round, out)
		}
		return last
	}
	script := filepath.Join(dir, "index.self")
	last, kills := 0, 0
	for round := range 10 {
		var src strings.Builder
		for i := last + 1; i <= last+2000; i++ {
			stmt := fmt.Sprintf("catalog index: 'Document %d is about uniq%d and topic%d. It has a second sentence, e.g. this one.' Id: %d Metadata: nil", i, i, i%7, i)
			if i%10 == 0 {
				stmt = fmt.Sprintf("(%s) remove: %d", stmt, i-5)
			}
			src.WriteString(stmt + ".\n")
		}
		os.WriteFile(script, []byte(src.String()), 0o644)
		cmd := exec.Command(bin, "--image", img, "run", script)
		var errs bytes.Buffer
		cmd.Stderr = &errs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(50+rand.IntN(750)) * time.Millisecond)
		if cmd.Process.Signal(syscall.SIGKILL) == nil {
			kills++
		}
		cmd.Wait()
		next := state(round)
		if next < last {
			t.Fatalf("round %d: the catalog went back from statement %d to %d", round, last, next)
		}
		t.Logf("round %d: statements %d to %d committed", round, last+1, next)
		last = next
	}
	t.Logf("%d kills; %d statements committed in all", kills, last)
}
