package image_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"batos/image"
	"batos/vm"
)

// exportBody returns an export without its header (which holds the time).
func exportBody(t *testing.T, b []byte) []byte {
	t.Helper()
	r := bytes.NewReader(b)
	var h image.ExportHeader
	if err := msgpack.NewDecoder(r).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return b[len(b)-r.Len():]
}

func TestExportImport(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "img")
	img, th := open(t, dir, 0)
	toolsSetup(t, th)
	if _, err := th.EvalString("defs.self", "lobby _AddSlots: (| f = (\n  1 + 2.\n  nil zork ) |)."); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(tmp, "world.export")
	h, err := img.ExportFile(file, image.ExportOptions{Batos: "test"})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := img.Stats()
	img.Close()
	if h.Objects != st.Objects || h.Maps != st.Maps || h.Version != image.ExportVersion || h.Batos != "test" {
		t.Errorf("header %+v, stats %+v", h, st)
	}

	into := filepath.Join(tmp, "imported")
	if _, err := image.ImportFile(file, into, image.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	// the same records, so exporting again gives the same stream
	img2 := gcOpen(t, into)
	var again bytes.Buffer
	if _, err := img2.Export(&again, image.ExportOptions{Batos: "test"}); err != nil {
		t.Fatal(err)
	}
	st2, _ := img2.Stats()
	img2.Close()
	if st2.Objects != st.Objects || st2.Maps != st.Maps || st2.NextOID != vm.OID(h.NextOID) {
		t.Errorf("imported stats %+v, original %+v", st2, st)
	}
	first, _ := os.ReadFile(file)
	if !bytes.Equal(exportBody(t, first), exportBody(t, again.Bytes())) {
		t.Errorf("export of the imported image differs from the original export")
	}
	toolsVerify(t, into)

	// the imported world goes on: new objects get fresh identities
	img3, th3 := open(t, into, 0)
	defer img3.Close()
	eval(t, th3, `lobby _AddSlots: (| later = (| x <- 'new' |) |). 0`)
	if got := eval(t, th3, "later x, (words at: 0)"); got != "'newone'" {
		t.Errorf("after import: %s", got)
	}
	if p := img3.Check(); len(p) != 0 {
		t.Errorf("check: %v", p)
	}
	// methods keep the text they were written in and its position: an
	// error in one reads the same as in the original image
	_, err = th3.EvalString("call.self", "f")
	img4, th4 := open(t, dir, 0)
	defer img4.Close()
	_, want := th4.EvalString("call.self", "f")
	if err == nil || want == nil || err.Error() != want.Error() || !strings.HasPrefix(err.Error(), "defs.self:3:") {
		t.Errorf("error in a method after import:\n%v\nin the original image:\n%v", err, want)
	}
}

// The export is self-describing: plain msgpack maps with string keys and
// kind names, readable without this package.
func TestExportIsPortable(t *testing.T) {
	img, th := open(t, filepath.Join(t.TempDir(), "img"), 0)
	defer img.Close()
	toolsSetup(t, th)
	var buf bytes.Buffer
	h, err := img.Export(&buf, image.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dec := msgpack.NewDecoder(&buf)
	var kinds = map[string]bool{}
	var n int
	for {
		var v map[string]any
		if err := dec.Decode(&v); err != nil {
			break
		}
		n++
		if n == 1 && (v["magic"] != "batos-export" || v["version"] != int8(1)) {
			t.Fatalf("header: %v", v)
		}
		if k, ok := v["kind"].(string); ok {
			kinds[k] = true
		}
	}
	if n != h.Objects+h.Maps+3 {
		t.Errorf("%d values, want %d", n, h.Objects+h.Maps+3)
	}
	for _, k := range []string{"object", "string", "vector", "method", "bigInt", "float", "byteVector"} {
		if !kinds[k] {
			t.Errorf("no map of kind %q in %v", k, kinds)
		}
	}
}

func TestImportErrors(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "img")
	img, th := open(t, dir, 0)
	toolsSetup(t, th)
	var buf bytes.Buffer
	if _, err := img.Export(&buf, image.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	img.Close()
	good := buf.Bytes()

	newer := map[string]any{"magic": "batos-export", "version": 99}
	nb, _ := msgpack.Marshal(newer)
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"truncated": {good[:len(good)*2/3], "truncated"},
		"header":    {good[:20], "not a batos export"},
		"text":      {[]byte("hello"), "not a batos export"},
		"newer":     {nb, "version 99"},
	} {
		file := filepath.Join(tmp, name+".export")
		os.WriteFile(file, c.data, 0o644)
		into := filepath.Join(tmp, name+".image")
		_, err := image.ImportFile(file, into, image.ImportOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), file) {
			t.Errorf("%s: err = %v, want %q naming the file", name, err, c.want)
		}
		if _, err := os.Stat(into); !os.IsNotExist(err) {
			t.Errorf("%s: a failed import left %s", name, into)
		}
	}

	// only into a new or empty directory
	_, err := image.Import(bytes.NewReader(good), dir, image.ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("import into an image: %v", err)
	}
	empty := filepath.Join(tmp, "empty")
	os.Mkdir(empty, 0o755)
	if _, err := image.Import(bytes.NewReader(good), empty, image.ImportOptions{}); err != nil {
		t.Errorf("import into an empty directory: %v", err)
	}

	// an empty image has nothing to export
	e := gcOpen(t, filepath.Join(tmp, "new"))
	defer e.Close()
	if _, err := e.Export(&buf, image.ExportOptions{}); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("export of an empty image: %v", err)
	}
}
