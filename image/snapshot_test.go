package image_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"batos/image"
	"batos/vm"
)

// toolsWorld defines a small world exercising every kind of record: an
// object with a method, a vector of strings, a big integer, a float, a
// byte vector, a category annotation.
const toolsWorld = `lobby _AddSlots: (|
	counter = (| parent* = traits clonable. n <- 0. bump = ( n: n + 1 ) |).
	words <- vector copy.
	big <- 0.
	ratio <- 0.
	negZero <- 0.
	raw <- nil |)`

// toolsQueries are what the world answers after toolsSetup, in order.
var toolsQueries = [][2]string{
	{"counter n", "2"},
	{"words printString", `'vector(\'one\', \'two\')'`},
	{"big", "1267650600228229401496703205376"},
	{"ratio", "2.5"},
	{"1 / negZero", "-Inf"},
	{"(raw at: 1) + (raw size * 100)", "407"},
	{"counter bump. counter n", "3"},
}

func toolsSetup(t *testing.T, th *vm.Thread) {
	t.Helper()
	eval(t, th, toolsWorld)
	eval(t, th, `counter bump. counter bump. words add: 'one'. words add: 'two'. big: 2 ** 100. ratio: 5 / 2.0. negZero: (0 - 1.0) * 0.0. 0`)
	eval(t, th, `raw: (byteVector copySize: 4). raw at: 1 Put: 7. 0`)
}

// toolsVerify opens dir and checks that it answers toolsQueries and
// passes Check.
func toolsVerify(t *testing.T, dir string) {
	t.Helper()
	img, th := open(t, dir, 0)
	defer img.Close()
	if p := img.Check(); len(p) != 0 {
		t.Fatalf("check: %v", p)
	}
	for _, q := range toolsQueries {
		src, want := q[0], q[1]
		if got := eval(t, th, src); got != want {
			t.Errorf("%s = %s, want %s", src, got, want)
		}
	}
}

func TestSnapshotRestore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "img")
	img, th := open(t, dir, 0)
	toolsSetup(t, th)
	snap := filepath.Join(t.TempDir(), "world.snap")
	// online: the image stays open in this process
	m, err := img.SnapshotFile(snap, image.SnapshotOptions{Batos: "test"})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := img.Stats()
	if m.Objects != st.Objects || m.Maps != st.Maps || m.Version != image.SnapshotVersion || m.Batos != "test" || len(m.SHA256) != 64 {
		t.Errorf("manifest %+v, stats %+v", m, st)
	}
	// later changes are not in the snapshot
	eval(t, th, `counter bump. counter bump. 0`)
	img.Close()

	if got, err := image.ReadManifest(snap); err != nil || got != m {
		t.Errorf("ReadManifest = %+v, %v", got, err)
	}
	into := filepath.Join(t.TempDir(), "restored")
	if _, err := image.Restore(snap, into, image.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	toolsVerify(t, into)

	// a non-empty directory is refused, unless forced
	_, err = image.Restore(snap, dir, image.RestoreOptions{})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("restore over an image: %v", err)
	}
	if _, err := image.Restore(snap, dir, image.RestoreOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	toolsVerify(t, dir) // the bumps made after the snapshot are gone

	// --force replaces images, not any directory
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	_, err = image.Restore(snap, other, image.RestoreOptions{Force: true})
	if err == nil || !strings.Contains(err.Error(), "holds no image") {
		t.Errorf("forced restore over a directory of notes: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(other, "notes.txt")); err != nil || string(b) != "mine" {
		t.Errorf("the notes are gone: %q, %v", b, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("restore left files behind: %v", entries)
	}
}

func TestRestoreRefusesLiveImage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "img")
	img, th := open(t, dir, 0)
	defer img.Close()
	toolsSetup(t, th)
	snap := filepath.Join(t.TempDir(), "world.snap")
	if _, err := img.SnapshotFile(snap, image.SnapshotOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := image.Restore(snap, dir, image.RestoreOptions{Force: true})
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("restore over a live image: %v", err)
	}
}

func TestRestoreBadFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "img")
	img, th := open(t, dir, 0)
	toolsSetup(t, th)
	tmp := t.TempDir()
	snap := filepath.Join(tmp, "world.snap")
	if _, err := img.SnapshotFile(snap, image.SnapshotOptions{}); err != nil {
		t.Fatal(err)
	}
	img.Close()
	good, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// flip a byte in the middle of the data (past the manifest)
	flipped := bytes.Clone(good)
	flipped[len(good)/2] ^= 0xff
	for _, c := range []struct{ file, want string }{
		{write("truncated.snap", good[:len(good)/2]), "truncated"},
		{write("short.snap", good[:300]), "truncated"},
		{write("flipped.snap", flipped), "damaged"},
		{write("text.snap", []byte("hello, world\n")), "not a batos snapshot"},
		{write("empty.snap", nil), "not a batos snapshot"},
		{filepath.Join(tmp, "missing.snap"), "no such file"},
	} {
		into := filepath.Join(t.TempDir(), "restored")
		_, err := image.Restore(c.file, into, image.RestoreOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.file) {
			t.Errorf("%s: err = %v, want %q naming the file", filepath.Base(c.file), err, c.want)
		}
		if _, err := os.Stat(into); !os.IsNotExist(err) {
			t.Errorf("%s: restore wrote %s", filepath.Base(c.file), into)
		}
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 6 {
		t.Errorf("failed restores left files behind: %v", entries)
	}
}
