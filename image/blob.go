package image

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"

	"github.com/cockroachdb/pebble/v2"
	"github.com/vmihailenco/msgpack/v5"

	"batos/vm"
)

// Blobs: large byte data kept outside the object records, content
// addressed and chunked, streamed in and out (never held whole).
//
//	'c' | sha256(chunk)   -> the chunk's bytes (at most BlobChunk)
//	'B' | sha256(blob)    -> msgpack [size, [chunk hashes...]]
//
// Chunks are addressed by their own hash, so equal chunks are stored once.
// Objects refer to a blob through a blob object (kind blob) whose payload
// is the blob's hash and size. A blob written for a transaction that then
// aborts is simply unreferenced; gc reclaims unreferenced blobs and chunks.

// BlobChunk is the size of a blob chunk.
const BlobChunk = 1 << 20

// PutBlob implements vm.BlobStore: it streams r into the image and returns
// its reference. The blob is durable when PutBlob returns.
func (img *Image) PutBlob(r io.Reader) (vm.BlobRef, error) {
	if img.failed != nil {
		return vm.BlobRef{}, img.failed
	}
	whole := sha256.New()
	var chunks [][32]byte
	var size int64
	buf := make([]byte, BlobChunk)
	batch := img.db.NewBatch()
	defer func() {
		if batch != nil {
			batch.Close()
		}
	}()
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			c := buf[:n]
			whole.Write(c)
			h := sha256.Sum256(c)
			chunks = append(chunks, h)
			size += int64(n)
			if err := batch.Set(chunkKey(h), c, nil); err != nil {
				return vm.BlobRef{}, err
			}
			if batch.Len() >= 16*BlobChunk {
				b := batch
				batch = nil // commitBatch closes it
				if err := img.commitBatch(b, pebble.NoSync); err != nil {
					return vm.BlobRef{}, err
				}
				batch = img.db.NewBatch()
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return vm.BlobRef{}, err
		}
	}
	var ref vm.BlobRef
	copy(ref.Hash[:], whole.Sum(nil))
	ref.Size = size
	meta, err := msgpack.Marshal([]any{size, chunkList(chunks)})
	if err != nil {
		return vm.BlobRef{}, err
	}
	batch.Set(blobKey(ref.Hash), meta, nil)
	b := batch
	batch = nil
	if err := img.commitBatch(b, pebble.Sync); err != nil {
		return vm.BlobRef{}, err
	}
	return ref, nil
}

func chunkList(cs [][32]byte) [][]byte {
	out := make([][]byte, len(cs))
	for i := range cs {
		out[i] = cs[i][:]
	}
	return out
}

// blobMeta reads a blob's chunk list.
func blobMeta(r pebble.Reader, h [32]byte) (int64, [][32]byte, error) {
	b, ok, err := get(r, blobKey(h))
	if err != nil {
		return 0, nil, err
	}
	if !ok {
		return 0, nil, fmt.Errorf("blob %x is missing from the image", h[:6])
	}
	var rec struct {
		_msgpack struct{} `msgpack:",as_array"`
		Size     int64
		Chunks   [][]byte
	}
	if err := msgpack.Unmarshal(b, &rec); err != nil {
		return 0, nil, fmt.Errorf("blob %x: bad record: %v", h[:6], err)
	}
	cs := make([][32]byte, len(rec.Chunks))
	for i, c := range rec.Chunks {
		if len(c) != 32 {
			return 0, nil, fmt.Errorf("blob %x: bad chunk hash", h[:6])
		}
		copy(cs[i][:], c)
	}
	return rec.Size, cs, nil
}

// OpenBlob implements vm.BlobStore: it streams a blob out, chunk by chunk,
// verifying each chunk's hash.
func (img *Image) OpenBlob(ref vm.BlobRef) (io.ReadCloser, error) {
	size, chunks, err := blobMeta(img.db, ref.Hash)
	if err != nil {
		return nil, err
	}
	if size != ref.Size {
		return nil, fmt.Errorf("%v: the image says %d bytes", ref, size)
	}
	return &blobReader{img: img, chunks: chunks}, nil
}

type blobReader struct {
	img    *Image
	chunks [][32]byte
	cur    *bytes.Reader
}

func (r *blobReader) Read(p []byte) (int, error) {
	for r.cur == nil || r.cur.Len() == 0 {
		if len(r.chunks) == 0 {
			return 0, io.EOF
		}
		h := r.chunks[0]
		r.chunks = r.chunks[1:]
		b, ok, err := get(r.img.db, chunkKey(h))
		if err != nil {
			return 0, err
		}
		if !ok || sha256.Sum256(b) != h {
			return 0, fmt.Errorf("blob chunk %x is missing or damaged", h[:6])
		}
		r.cur = bytes.NewReader(b)
	}
	return r.cur.Read(p)
}

func (r *blobReader) Close() error { return nil }
