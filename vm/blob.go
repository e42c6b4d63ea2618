package vm

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
)

// BlobRef is the payload of a blob object: the content address (sha256)
// and size of large byte data (model weights, adapters, documents) that the
// heap's blob store keeps outside the object records.
type BlobRef struct {
	Hash [32]byte
	Size int64
}

// Hex returns the hash in hexadecimal.
func (r BlobRef) Hex() string { return hex.EncodeToString(r.Hash[:]) }

func (r BlobRef) String() string { return fmt.Sprintf("blob %s… (%d bytes)", r.Hex()[:12], r.Size) }

// BlobStore is implemented by heaps that keep blobs. PutBlob streams r in
// (never holding it whole); OpenBlob streams a blob out.
type BlobStore interface {
	PutBlob(r io.Reader) (BlobRef, error)
	OpenBlob(ref BlobRef) (io.ReadCloser, error)
}

// ErrNoBlobStore is returned when the heap keeps no blobs.
var ErrNoBlobStore = errors.New("this world's heap has no blob store")

// Blobs returns the heap's blob store.
func (vm *VM) Blobs() (BlobStore, error) {
	if b, ok := vm.heap.(BlobStore); ok {
		return b, nil
	}
	return nil, ErrNoBlobStore
}

// NewBlob returns a blob object for ref.
func (vm *VM) NewBlob(ref BlobRef) Value {
	r := ref
	return Ref(vm.alloc(vm.maps[KBlob], nil, &r))
}

// Blob returns the reference of a blob object.
func (v Value) Blob() (BlobRef, bool) {
	if v.o != nil && v.o.kind() == KBlob {
		return *v.o.data.(*BlobRef), true
	}
	return BlobRef{}, false
}

// memBlobs keeps the blobs of an in-memory world (MemHeap), in memory.
type memBlobs struct {
	mu sync.Mutex
	m  map[[32]byte][]byte
}

// PutBlob implements BlobStore.
func (h *MemHeap) PutBlob(r io.Reader) (BlobRef, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return BlobRef{}, err
	}
	ref := BlobRef{Hash: sha256.Sum256(b), Size: int64(len(b))}
	h.blobs.mu.Lock()
	defer h.blobs.mu.Unlock()
	if h.blobs.m == nil {
		h.blobs.m = map[[32]byte][]byte{}
	}
	h.blobs.m[ref.Hash] = b
	return ref, nil
}

// OpenBlob implements BlobStore.
func (h *MemHeap) OpenBlob(ref BlobRef) (io.ReadCloser, error) {
	h.blobs.mu.Lock()
	defer h.blobs.mu.Unlock()
	b, ok := h.blobs.m[ref.Hash]
	if !ok {
		return nil, fmt.Errorf("%v is missing", ref)
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}
