package image

import (
	"archive/tar"
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// RestoreOptions configure Restore.
type RestoreOptions struct {
	Force    bool      // replace an existing image (never a live one, nor a non-image directory)
	Progress *Progress // nil: no progress report
}

// Restore makes dir the image saved in the snapshot file. It verifies the
// whole file (its manifest and checksum) before writing anything, refuses
// an image in use by a process, and refuses a non-empty dir unless
// opts.Force. The snapshot is unpacked next to dir, opened and checked,
// then renamed into place.
func Restore(file, dir string, opts RestoreOptions) (Manifest, error) {
	if err := restoreTarget(dir, opts.Force); err != nil {
		return Manifest{}, err
	}
	m, err := verifySnapshot(file, opts.Progress)
	if err != nil {
		return Manifest{}, err
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return Manifest{}, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".restore-*")
	if err != nil {
		return Manifest{}, err
	}
	defer os.RemoveAll(tmp) // after the rename, a no-op
	if err := unpackSnapshot(file, tmp, m, opts.Progress); err != nil {
		return Manifest{}, err
	}
	img, err := Open(Options{Dir: tmp})
	if err != nil {
		return Manifest{}, fmt.Errorf("snapshot %s: the restored image does not open: %w", file, err)
	}
	problems := img.Check()
	img.Close()
	if len(problems) > 0 {
		return Manifest{}, fmt.Errorf("snapshot %s: the restored image has %d problem(s), the first: %s", file, len(problems), problems[0])
	}
	// the target may have changed while we worked: check it again
	if err := restoreTarget(dir, opts.Force); err != nil {
		return Manifest{}, err
	}
	if _, err := os.Stat(dir); err == nil {
		old, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".old-*")
		if err != nil {
			return Manifest{}, err
		}
		defer os.RemoveAll(old)
		if err := os.Rename(dir, filepath.Join(old, "image")); err != nil {
			return Manifest{}, err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		return Manifest{}, err
	}
	return m, syncDir(parent)
}

// restoreTarget checks that dir may become a restored image.
func restoreTarget(dir string, force bool) error {
	st, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("image %s: not a directory", dir)
	}
	if live(dir) {
		return fmt.Errorf("image %s is in use by a batos process: stop it before restoring", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 && !force {
		return fmt.Errorf("image %s is not empty (use --force to replace it)", dir)
	}
	if len(entries) > 0 && !looksLikeImage(entries) {
		return fmt.Errorf("%s is not empty and holds no image: not replacing it, even with --force", dir)
	}
	return nil
}

// looksLikeImage reports whether a directory's entries are those of a
// Pebble store (a LOCK file and a MANIFEST), so that --force never
// replaces some other directory.
func looksLikeImage(entries []os.DirEntry) bool {
	lock, manifest := false, false
	for _, e := range entries {
		lock = lock || e.Name() == "LOCK"
		manifest = manifest || strings.HasPrefix(e.Name(), "MANIFEST-")
	}
	return lock && manifest
}

// live reports whether dir holds an image some process has open: its
// Pebble LOCK file is locked.
func live(dir string) bool {
	lock := filepath.Join(dir, "LOCK")
	if _, err := os.Stat(lock); err != nil {
		return false
	}
	l, err := vfs.Default.Lock(lock)
	if err != nil {
		return true
	}
	l.Close()
	return false
}

// snapshotReader reads a snapshot file's manifest and data entries.
type snapshotReader struct {
	file string
	f    *os.File
	tr   *tar.Reader
	m    Manifest
}

func openSnapshot(file string) (*snapshotReader, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 1<<16)
	r := &snapshotReader{file: file, f: f, tr: tar.NewReader(br)}
	// a snapshot starts with the manifest's tar header, which starts
	// with its name
	start, _ := br.Peek(len(manifestName) + 1)
	if string(start) != manifestName+"\x00" {
		f.Close()
		return nil, fmt.Errorf("%s is not a batos snapshot", file)
	}
	hdr, err := r.tr.Next()
	var b []byte
	if err == nil && hdr.Name == manifestName && hdr.Size < 1<<20 {
		b, err = io.ReadAll(r.tr)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		f.Close()
		return nil, fmt.Errorf("snapshot %s is truncated", file)
	}
	if err != nil || hdr.Name != manifestName || hdr.Size >= 1<<20 {
		f.Close()
		return nil, fmt.Errorf("%s is not a batos snapshot", file)
	}
	if json.Unmarshal(b, &r.m) != nil || r.m.Magic != snapshotMagic {
		f.Close()
		return nil, fmt.Errorf("%s is not a batos snapshot (bad manifest)", file)
	}
	if r.m.Version != SnapshotVersion {
		f.Close()
		return nil, fmt.Errorf("snapshot %s has format version %d; this batos reads version %d", file, r.m.Version, SnapshotVersion)
	}
	if r.m.ImageFormat < 1 || r.m.ImageFormat > FormatVersion {
		f.Close()
		return nil, fmt.Errorf("snapshot %s holds an image of format %d; this batos reads formats 1 to %d (use export/import to move worlds between versions)", file, r.m.ImageFormat, FormatVersion)
	}
	return r, nil
}

// next returns the next data entry's file name, or io.EOF.
func (r *snapshotReader) next() (string, int64, error) {
	hdr, err := r.tr.Next()
	if err == io.EOF {
		return "", 0, io.EOF
	}
	if err != nil {
		return "", 0, r.damaged(err)
	}
	name := strings.TrimPrefix(hdr.Name, snapshotDataDir)
	if hdr.Typeflag != tar.TypeReg || name == hdr.Name || name == "" || name != filepath.Base(name) || name == "." || name == ".." {
		return "", 0, fmt.Errorf("snapshot %s: unexpected entry %q", r.file, hdr.Name)
	}
	return name, hdr.Size, nil
}

func (r *snapshotReader) damaged(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("snapshot %s is truncated", r.file)
	}
	return fmt.Errorf("snapshot %s is damaged: %v", r.file, err)
}

// verifySnapshot reads the whole file and checks it against its manifest.
func verifySnapshot(file string, p *Progress) (Manifest, error) {
	r, err := openSnapshot(file)
	if err != nil {
		return Manifest{}, err
	}
	defer r.f.Close()
	p.Start("restore: verifying", r.m.Bytes, "bytes")
	defer p.Done()
	h := sha256.New()
	if err := r.each(func(name string, size int64) error {
		hashEntry(h, snapshotDataDir+name, size)
		_, err := io.Copy(progressWriter{h, p}, r.tr)
		return err
	}); err != nil {
		return Manifest{}, err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != r.m.SHA256 {
		return Manifest{}, fmt.Errorf("snapshot %s is damaged: checksum mismatch", file)
	}
	return r.m, nil
}

// each calls f for every data entry and checks their count and size.
func (r *snapshotReader) each(f func(name string, size int64) error) error {
	files, total := 0, int64(0)
	for {
		name, size, err := r.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if err := f(name, size); err != nil {
			return r.damaged(err)
		}
		files++
		total += size
	}
	if files != r.m.Files || total != r.m.Bytes {
		return fmt.Errorf("snapshot %s is truncated or damaged: %d files of %d bytes, the manifest says %d of %d", r.file, files, total, r.m.Files, r.m.Bytes)
	}
	return nil
}

// unpackSnapshot writes the data entries into dir, checking the checksum
// again (the file may have changed since it was verified).
func unpackSnapshot(file, dir string, want Manifest, p *Progress) error {
	r, err := openSnapshot(file)
	if err != nil {
		return err
	}
	defer r.f.Close()
	if r.m != want {
		return fmt.Errorf("snapshot %s changed while being restored", file)
	}
	p.Start("restore", r.m.Bytes, "bytes")
	defer p.Done()
	h := sha256.New()
	err = r.each(func(name string, size int64) error {
		hashEntry(h, snapshotDataDir+name, size)
		out, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, snapshotFileMode)
		if err != nil {
			return err
		}
		_, err = io.Copy(progressWriter{io.MultiWriter(out, h), p}, r.tr)
		if err == nil {
			err = out.Sync()
		}
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		return err
	})
	if err != nil {
		return err
	}
	if hex.EncodeToString(h.Sum(nil)) != r.m.SHA256 {
		return fmt.Errorf("snapshot %s changed while being restored", file)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// ReadManifest returns the manifest of a snapshot file without verifying
// the rest.
func ReadManifest(file string) (Manifest, error) {
	r, err := openSnapshot(file)
	if err != nil {
		return Manifest{}, err
	}
	r.f.Close()
	return r.m, nil
}
