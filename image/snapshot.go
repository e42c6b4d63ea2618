package image

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// SnapshotVersion is the version of the snapshot file format (see the
// package documentation).
const SnapshotVersion = 1

const (
	snapshotMagic    = "batos-snapshot"
	manifestName     = "batos-snapshot.json"
	snapshotDataDir  = "image/"
	snapshotFileMode = 0o644
)

// Manifest describes a snapshot file; it is the file's first entry.
type Manifest struct {
	Magic       string    `json:"magic"`        // "batos-snapshot"
	Version     int       `json:"version"`      // SnapshotVersion
	ImageFormat int       `json:"image_format"` // FormatVersion of the records
	Objects     int       `json:"objects"`      // object records
	Maps        int       `json:"maps"`         // map records
	Created     time.Time `json:"created"`
	Batos       string    `json:"batos"` // the version of batos that wrote it
	Files       int       `json:"files"` // data entries after the manifest
	Bytes       int64     `json:"bytes"` // their total size
	SHA256      string    `json:"sha256"`
}

// SnapshotOptions configure Snapshot.
type SnapshotOptions struct {
	Batos    string    // the batos version, for the manifest
	Progress *Progress // nil: no progress report
}

// SnapshotFile writes a snapshot of the committed world to path (through
// a temporary file renamed into place, so path is never half written).
func (img *Image) SnapshotFile(path string, opts SnapshotOptions) (m Manifest, err error) {
	err = writeFileAtomically(path, "snapshot", func(f *os.File) error {
		m, err = img.Snapshot(f, opts)
		return err
	})
	if err != nil {
		return Manifest{}, err
	}
	return m, nil
}

// Snapshot writes a consistent snapshot of the committed world to w: a
// Pebble checkpoint of the image, packed as one tar file whose first entry
// is the manifest. It may run while the image is in use by this process
// (commits wait for nothing; the snapshot sees the last one made before
// it started).
func (img *Image) Snapshot(w io.Writer, opts SnapshotOptions) (Manifest, error) {
	if img.opts.FS != nil {
		return Manifest{}, fmt.Errorf("snapshots need an image on disk")
	}
	// the checkpoint hard-links the image's files: keep it on their file
	// system if we can
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(img.opts.Dir)), ".batos-snapshot-*")
	if err != nil {
		if tmp, err = os.MkdirTemp("", "batos-snapshot-*"); err != nil {
			return Manifest{}, err
		}
	}
	defer os.RemoveAll(tmp)
	ckpt := filepath.Join(tmp, "image")
	if err := img.db.Checkpoint(ckpt, pebble.WithFlushedWAL()); err != nil {
		return Manifest{}, fmt.Errorf("checkpoint: %w", err)
	}
	m := Manifest{Magic: snapshotMagic, Version: SnapshotVersion, ImageFormat: FormatVersion,
		Created: time.Now().UTC().Truncate(time.Second), Batos: opts.Batos}
	if m.Objects, m.Maps, err = countCheckpoint(ckpt, opts.Progress); err != nil {
		return Manifest{}, fmt.Errorf("checkpoint: %w", err)
	}
	entries, err := os.ReadDir(ckpt)
	if err != nil {
		return Manifest{}, err
	}
	var names []string
	for _, e := range entries {
		if !e.Type().IsRegular() {
			return Manifest{}, fmt.Errorf("checkpoint: unexpected entry %s", e.Name())
		}
		fi, err := e.Info()
		if err != nil {
			return Manifest{}, err
		}
		names = append(names, e.Name())
		m.Bytes += fi.Size()
	}
	sort.Strings(names)
	m.Files = len(names)
	p := opts.Progress
	p.Start("snapshot", 2*m.Bytes, "bytes")
	defer p.Done()

	// pass 1: the checksum, which the manifest (written first) carries
	h := sha256.New()
	for _, name := range names {
		if err := hashFile(h, filepath.Join(ckpt, name), snapshotDataDir+name, p); err != nil {
			return Manifest{}, err
		}
	}
	m.SHA256 = hex.EncodeToString(h.Sum(nil))

	// pass 2: the tar
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, err
	}
	mb = append(mb, '\n')
	tw := tar.NewWriter(w)
	hdr := &tar.Header{Name: manifestName, Mode: snapshotFileMode, Size: int64(len(mb)), ModTime: m.Created, Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return Manifest{}, err
	}
	if _, err := tw.Write(mb); err != nil {
		return Manifest{}, err
	}
	for _, name := range names {
		if err := packFile(tw, filepath.Join(ckpt, name), snapshotDataDir+name, m.Created, p); err != nil {
			return Manifest{}, err
		}
	}
	return m, tw.Close()
}

// countCheckpoint counts the object and map records of the image in dir,
// opened read-only.
func countCheckpoint(dir string, p *Progress) (objects, maps int, err error) {
	db, err := pebble.Open(dir, &pebble.Options{ReadOnly: true, Logger: quietLogger{}})
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	it, err := db.NewIter(nil)
	if err != nil {
		return 0, 0, err
	}
	defer it.Close()
	p.Start("snapshot: counting", 0, "records")
	defer p.Done()
	for ok := it.First(); ok; ok = it.Next() {
		switch parseKey(it.Key()).kind {
		case recObject:
			objects++
		case recMap:
			maps++
		}
		p.Add(1)
	}
	return objects, maps, it.Error()
}

// hashEntry starts an entry's contribution to the checksum: its name, a
// zero byte, its size as 8 bytes big-endian; its contents follow.
func hashEntry(h hash.Hash, name string, size int64) {
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(size)))
}

func hashFile(h hash.Hash, path, name string, p *Progress) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	hashEntry(h, name, fi.Size())
	n, err := io.Copy(progressWriter{h, p}, f)
	if err == nil && n != fi.Size() {
		err = fmt.Errorf("%s changed while being read", path)
	}
	return err
}

func packFile(tw *tar.Writer, path, name string, mtime time.Time, p *Progress) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	hdr := &tar.Header{Name: name, Mode: snapshotFileMode, Size: fi.Size(), ModTime: mtime, Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(progressWriter{tw, p}, f)
	return err
}
