package image_test

import (
	"bytes"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"batos/image"
)

// TestBlobs: a blob larger than a chunk is streamed in from a file, kept
// across a reopen, read back whole and in ranges, found by check, and
// reclaimed by gc once nothing refers to it.
func TestBlobs(t *testing.T) {
	dir := t.TempDir()
	data := make([]byte, 3*image.BlobChunk+12345)
	rand.Read(data)
	file := filepath.Join(t.TempDir(), "weights.bin")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	img, th := open(t, dir, 0)
	eval(t, th, "lobby _AddSlots: (| weights <- nil. other <- nil |)")
	eval(t, th, "weights: blobs fromFile: '"+file+"'. other: blobs fromBytes: 'small'. 0")
	img.Close()

	img, th = open(t, dir, 0)
	if got := eval(t, th, "weights size"); got != "3158073" {
		t.Errorf("size %s", got)
	}
	if got := eval(t, th, "(weights bytesFrom: 1048570 Count: 10) size"); got != "10" {
		t.Errorf("range %s", got)
	}
	out := filepath.Join(t.TempDir(), "out.bin")
	eval(t, th, "weights writeToFile: '"+out+"'")
	back, _ := os.ReadFile(out)
	if !bytes.Equal(back, data) {
		t.Error("blob read back differs")
	}
	v, err := th.EvalString("t", "weights")
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := v.Blob()
	rc, err := img.OpenBlob(ref)
	if err != nil {
		t.Fatal(err)
	}
	streamed, _ := io.ReadAll(rc)
	if !bytes.Equal(streamed, data) {
		t.Error("streamed blob differs")
	}
	if p := img.Check(); len(p) != 0 {
		t.Fatalf("check: %v", p)
	}
	eval(t, th, "weights: nil. 0")
	img.Close()

	img, err = image.Open(image.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	st, err := img.GC(false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.DeadBlobs != 1 || st.DeadChunks != 4 {
		t.Errorf("gc reclaimed %d blobs and %d chunks, want 1 and 4", st.DeadBlobs, st.DeadChunks)
	}
	if p := img.Check(); len(p) != 0 {
		t.Fatalf("check after gc: %v", p)
	}
	if _, err := img.OpenBlob(ref); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("collected blob still opens: %v", err)
	}
}

// TestBlobExportImport: an export carries blobs, and an import brings them
// back verified.
func TestBlobExportImport(t *testing.T) {
	dir := t.TempDir()
	img, th := open(t, dir, 0)
	data := make([]byte, image.BlobChunk+77)
	rand.Read(data)
	file := filepath.Join(t.TempDir(), "doc.bin")
	os.WriteFile(file, data, 0o644)
	eval(t, th, "lobby _AddSlots: (| doc <- nil |). doc: blobs fromFile: '"+file+"'. 0")
	dump := filepath.Join(t.TempDir(), "world.export")
	if _, err := img.ExportFile(dump, image.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	img.Close()
	dir2 := filepath.Join(t.TempDir(), "imported")
	if _, err := image.ImportFile(dump, dir2, image.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	img2, th2 := open(t, dir2, 0)
	defer img2.Close()
	out := filepath.Join(t.TempDir(), "out.bin")
	eval(t, th2, "doc writeToFile: '"+out+"'")
	back, _ := os.ReadFile(out)
	if !bytes.Equal(back, data) {
		t.Error("imported blob differs")
	}
	if p := img2.Check(); len(p) != 0 {
		t.Errorf("check: %v", p)
	}
}
