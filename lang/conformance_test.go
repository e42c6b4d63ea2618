package lang

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConformance parses every *.self file under the directory named by
// $BATOS_SELF_CORPUS (Self's own sources, which are not kept in this
// repository) and checks that each parses and survives the printer. Each
// failure is reported with its file:line:col.
func TestConformance(t *testing.T) {
	dir := os.Getenv("BATOS_SELF_CORPUS")
	if dir == "" {
		t.Skip("BATOS_SELF_CORPUS is not set: set it to a directory of Self sources (*.self) to run the conformance check")
	}
	var files, lines, failed int
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".self") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := string(b)
		files++
		lines += strings.Count(src, "\n")
		f, err := Parse(path, src)
		if err != nil {
			failed++
			t.Errorf("%v", err)
			return nil
		}
		out := Format(f)
		g, err := Parse(path+" (formatted)", out)
		switch {
		case err != nil:
			failed++
			t.Errorf("%s: formatted source does not parse: %v", path, err)
		case !Equal(f, g):
			failed++
			t.Errorf("%s: round trip changed the tree", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatalf("no .self files under %s", dir)
	}
	t.Logf("conformance: %d files, %d lines: %d passed, %d failed", files, lines, files-failed, failed)
}
