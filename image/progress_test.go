package image

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf)
	p.delay, p.every = 0, 0
	p.Start("export", 10, "records")
	p.Add(3)
	p.Add(7)
	p.Done()
	want := "\rexport: 0 of 10 records (0%)\x1b[K" +
		"\rexport: 3 of 10 records (30%)\x1b[K" +
		"\rexport: 10 of 10 records (100%)\x1b[K" +
		"\r\x1b[K" // cleared at the end
	if buf.String() != want {
		t.Errorf("got %q\nwant %q", buf.String(), want)
	}
	buf.Reset()
	p.Start("gc: marking", 0, "records")
	p.Add(5)
	p.Done()
	if !strings.HasSuffix(buf.String(), "\rgc: marking: 5 records\x1b[K\r\x1b[K") {
		t.Errorf("without a total: %q", buf.String())
	}
}

// Lines mode (files and pipes that asked): a line per tenth, at once.
func TestProgressLines(t *testing.T) {
	var buf bytes.Buffer
	p := NewProgressLines(&buf)
	p.Start("check", 200, "records")
	for i := 0; i < 200; i++ {
		p.Add(1)
	}
	p.Done()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 10 || lines[0] != "check: 20 of 200 records (10%)" || lines[9] != "check: 200 of 200 records (100%)" {
		t.Errorf("got %q", buf.String())
	}
	if strings.ContainsAny(buf.String(), "\r\x1b") {
		t.Errorf("terminal codes in lines: %q", buf.String())
	}
	buf.Reset()
	p.Start("scan", 0, "records")
	p.Add(25_000)
	p.Done()
	if buf.String() != "scan: 25000 records\n" {
		t.Errorf("without a total: %q", buf.String())
	}
}

func TestProgressThrottled(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf)
	// a quick phase shows nothing
	p.Start("import", 1000, "records")
	for i := 0; i < 1000; i++ {
		p.Add(1)
	}
	p.Done()
	if buf.Len() != 0 {
		t.Errorf("a quick phase showed %q", buf.String())
	}
	// a slow one is redrawn every 100ms, not on every step
	p.delay = 0
	p.Start("import", 1000, "records")
	for i := 0; i < 1000; i++ {
		p.Add(1)
	}
	p.Done()
	if n := strings.Count(buf.String(), "\r"); n > 3 {
		t.Errorf("%d updates for one burst: %q", n, buf.String())
	}
}

func TestProgressOnlyOnTerminals(t *testing.T) {
	var p *Progress // nil reports nothing, without failing
	p.Start("x", 1, "records")
	p.Add(1)
	p.Done()
	if NewProgress(&bytes.Buffer{}) != nil {
		t.Error("progress on a buffer")
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if NewProgress(f) != nil {
		t.Error("progress on a file")
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if NewProgress(null) != nil {
		t.Error("progress on /dev/null")
	}
}

// Every long-running operation reports its progress.
func TestProgressOfOperations(t *testing.T) {
	tmp := t.TempDir()
	img, err := Open(Options{Dir: filepath.Join(tmp, "img")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := img.Thread(vm.Options{Primitives: prims.Table()}, stdlib.Boot); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	p := newProgress(&buf)
	p.delay, p.every = 0, 0
	if _, err := img.SnapshotFile(filepath.Join(tmp, "snap"), SnapshotOptions{Progress: p}); err != nil {
		t.Fatal(err)
	}
	if _, err := img.ExportFile(filepath.Join(tmp, "export"), ExportOptions{Progress: p}); err != nil {
		t.Fatal(err)
	}
	img.Close()
	if _, err := Restore(filepath.Join(tmp, "snap"), filepath.Join(tmp, "restored"), RestoreOptions{Progress: p}); err != nil {
		t.Fatal(err)
	}
	if _, err := ImportFile(filepath.Join(tmp, "export"), filepath.Join(tmp, "imported"), ImportOptions{Progress: p}); err != nil {
		t.Fatal(err)
	}
	img, err = Open(Options{Dir: filepath.Join(tmp, "imported")})
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	if _, err := img.GC(false, p); err != nil {
		t.Fatal(err)
	}
	if probs := img.CheckProgress(p); len(probs) > 0 {
		t.Fatal(probs)
	}
	out := buf.String()
	for _, want := range []string{"snapshot: counting: ", "snapshot: ", "export: ", "restore: verifying: ", "restore: ", "import: ", "gc: marking: ", "check: "} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in %q", want, out)
		}
	}
	// every phase ends at its total, then its line is cleared
	lines := strings.Split(out, "\r")
	for i, line := range lines {
		if line == "\x1b[K" && strings.Contains(lines[i-1], " of ") && !strings.Contains(lines[i-1], "(100%)") {
			t.Errorf("a phase ended short of its total: %q", lines[i-1])
		}
	}
	if !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("the last line was not cleared: %q", out)
	}
}
