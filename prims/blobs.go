package prims

import (
	"bytes"
	"io"
	"os"

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
