package lang

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// agree checks, statement by statement, that the hand-written parser and
// participle read src alike: where participle accepts a statement,
// descent builds the same grammar structs; where participle rejects it,
// so does descent (and Parse reports participle's error). It returns how
// many statements were compared.
func agree(t *testing.T, name, src string) int {
	t.Helper()
	n := 0
	for _, exprOnly := range []bool{false, true} {
		s := scan(name, src)
		c := newConv(name, src, s)
		errs := s.errs
		for _, ch := range split(name, s.toks, c.posAt(len(src)), !exprOnly, &errs) {
			if ch.bad || len(ch.toks) == 0 {
				continue
			}
			n++
			c.end = ch.end
			want, err := c.participle(ch, exprOnly)
			got, ok := descend(name, ch.toks, exprOnly)
			switch {
			case err != nil && ok:
				t.Fatalf("%s: descent accepts what participle rejects (%v):\n%s", name, err, chunkText(src, ch))
			case err == nil && !ok:
				t.Fatalf("%s: descent rejects what participle accepts:\n%s", name, chunkText(src, ch))
			case err == nil && !reflect.DeepEqual(got, want):
				t.Fatalf("%s: the parsers build different trees for:\n%s", name, chunkText(src, ch))
			}
		}
	}
	return n
}

func chunkText(src string, ch chunk) string {
	return src[ch.toks[0].pos.Offset:ch.toks[len(ch.toks)-1].end()]
}

// TestDescentAgrees runs agree over the test corpus, the chunks of
// errors.txt, the library and, when $BATOS_SELF_CORPUS names a checkout
// of Self's objects/ directory, every .self file in it.
func TestDescentAgrees(t *testing.T) {
	var files []string
	for _, pat := range []string{"testdata/*.self", "../stdlib/*.self", "../stdlib/testdata/*.self"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if dir := os.Getenv("BATOS_SELF_CORPUS"); dir != "" {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".self") {
				files = append(files, path)
			}
			return nil
		})
	}
	n := 0
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		n += agree(t, name, string(b))
	}
	b, err := os.ReadFile("testdata/errors.txt")
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range strings.Split(string(b), "###") {
		src, _, _ := strings.Cut(c, "-- want:")
		n += agree(t, "errors.txt chunk "+string(rune('0'+i%10)), src)
	}
	if n < 1000 {
		t.Fatalf("only %d statements compared", n)
	}
	t.Logf("%d statements from %d files and errors.txt read alike", n, len(files))
}

// FuzzDescent checks agree on arbitrary input. Seeds: the corpus of
// FuzzParse.
func FuzzDescent(f *testing.F) {
	addParseSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		agree(t, "fuzz", src)
	})
}
