package prims

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"batos/vm"
)

// Blobs: large byte data kept by the heap's blob store (the image),
// streamed in and out. A blob object holds only the content address.

func blobPrim(name, doc string, f func(t *vm.Thread, ref vm.BlobRef, a []vm.Value) (vm.Value, error)) vm.Primitive {
	return p(name, doc, func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		ref, ok := r.Blob()
		if !ok {
			return vm.Value{}, badType
		}
		return f(t, ref, a)
	})
}

func putBlob(t *vm.Thread, r io.Reader) (vm.Value, error) {
	store, err := t.VM().Blobs()
	if err != nil {
		return vm.Value{}, vm.Failf("noBlobStoreError: %v", err)
	}
	ref, err := store.PutBlob(r)
	if err != nil {
		return vm.Value{}, vm.Failf("blobError: %v", err)
	}
	return t.VM().NewBlob(ref), nil
}

// openBlob streams a blob, skipping to offset.
func openBlob(t *vm.Thread, ref vm.BlobRef, offset int64) (io.ReadCloser, error) {
	store, err := t.VM().Blobs()
	if err != nil {
		return nil, vm.Failf("noBlobStoreError: %v", err)
	}
	rc, err := store.OpenBlob(ref)
	if err != nil {
		return nil, vm.Failf("blobError: %v", err)
	}
	if _, err := io.CopyN(io.Discard, rc, offset); err != nil {
		rc.Close()
		return nil, vm.Failf("blobError: %v", err)
	}
	return rc, nil
}

var blobPrims = []vm.Primitive{
	p("_BlobFromBytes:", "a blob holding the bytes of a byte vector or string", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		if b, ok := a[0].Bytes(); ok {
			return putBlob(t, bytes.NewReader(b))
		}
		if s, ok := a[0].Str(); ok {
			return putBlob(t, bytes.NewReader([]byte(s)))
		}
		return vm.Value{}, badType
	}),
	p("_BlobFromFile:", "a blob holding a file's contents, streamed in", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		path, ok := a[0].Str()
		if !ok {
			return vm.Value{}, badType
		}
		f, err := os.Open(path)
		if err != nil {
			return vm.Value{}, vm.Failf("fileError: %v", err)
		}
		defer f.Close()
		return putBlob(t, f)
	}),
	blobPrim("_BlobSize", "the blob's size in bytes", func(t *vm.Thread, ref vm.BlobRef, a []vm.Value) (vm.Value, error) {
		return vm.Int(ref.Size), nil
	}),
	blobPrim("_BlobHash", "the blob's sha256, in hex", func(t *vm.Thread, ref vm.BlobRef, a []vm.Value) (vm.Value, error) {
		return t.VM().String(ref.Hex()), nil
	}),
	blobPrim("_BlobBytesFrom:Count:", "a byte vector of up to count bytes from a 0-based offset", func(t *vm.Thread, ref vm.BlobRef, a []vm.Value) (vm.Value, error) {
		if !a[0].IsInt() || !a[1].IsInt() {
			return vm.Value{}, badType
		}
		off, n := a[0].Int(), a[1].Int()
		if off < 0 || n < 0 || off > ref.Size || n > 64<<20 {
			return vm.Value{}, vm.Fail("badIndexError")
		}
		rc, err := openBlob(t, ref, off)
		if err != nil {
			return vm.Value{}, err
		}
		defer rc.Close()
		buf := make([]byte, min(n, ref.Size-off))
		if _, err := io.ReadFull(rc, buf); err != nil {
			return vm.Value{}, vm.Failf("blobError: %v", err)
		}
		return t.VM().NewBytes(buf), nil
	}),
	blobPrim("_BlobWriteToFile:", "stream the blob into a file", func(t *vm.Thread, ref vm.BlobRef, a []vm.Value) (vm.Value, error) {
		path, ok := a[0].Str()
		if !ok {
			return vm.Value{}, badType
		}
		rc, err := openBlob(t, ref, 0)
		if err != nil {
			return vm.Value{}, err
		}
		defer rc.Close()
		f, err := os.Create(path)
		if err != nil {
			return vm.Value{}, vm.Failf("fileError: %v", err)
		}
		if _, err := io.Copy(f, rc); err != nil {
			f.Close()
			return vm.Value{}, vm.Failf("fileError: %v", err)
		}
		if err := f.Close(); err != nil {
			return vm.Value{}, vm.Failf("fileError: %v", err)
		}
		return vm.Int(ref.Size), nil
	}),
}

// BlobCacheDir is where blobs are materialised as files for consumers that
// need a path (llama.cpp loads model weights from a file): $BATOS_CACHE,
// else the user cache directory's batos/blobs.
func BlobCacheDir() (string, error) {
	if d := os.Getenv("BATOS_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "batos", "blobs"), nil
}

// materialize writes the blob to the cache directory unless a file of the
// right size is already there, and returns its path.
func materialize(t *vm.Thread, ref vm.BlobRef) (string, error) {
	dir, err := BlobCacheDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, ref.Hex())
	if st, err := os.Stat(path); err == nil && st.Size() == ref.Size {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	rc, err := openBlob(t, ref, 0)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	f, err := os.CreateTemp(dir, ref.Hex()+".tmp*")
	if err != nil {
		return "", err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), rc); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	if hex.EncodeToString(h.Sum(nil)) != ref.Hex() {
		os.Remove(f.Name())
		return "", fmt.Errorf("blob %s: the data read back does not match its hash", ref.Hex()[:12])
	}
	return path, os.Rename(f.Name(), path)
}

func init() {
	blobPrims = append(blobPrims,
		blobPrim("_BlobMaterialize", "the path of a file holding the blob (written once into the blob cache)", func(t *vm.Thread, ref vm.BlobRef, a []vm.Value) (vm.Value, error) {
			path, err := materialize(t, ref)
			if err != nil {
				return vm.Value{}, vm.Failf("blobError: %v", err)
			}
			return t.VM().String(path), nil
		}),
		p("_BlobWithHash:Size:", "the blob with this sha256 (hex) and size, if the store has it", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
			hs, ok := a[0].Str()
			if !ok || !a[1].IsInt() {
				return vm.Value{}, badType
			}
			var ref vm.BlobRef
			b, err := hex.DecodeString(hs)
			if err != nil || len(b) != 32 {
				return vm.Value{}, vm.Fail("badHashError")
			}
			copy(ref.Hash[:], b)
			ref.Size = a[1].Int()
			rc, err := openBlob(t, ref, 0)
			if err != nil {
				return vm.Value{}, err
			}
			rc.Close()
			return t.VM().NewBlob(ref), nil
		}),
	)
}
