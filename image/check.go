package image

import (
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"batos/vm"
)

// Check verifies the stored image without loading it into a VM: the
// format and roots are present, every record decodes, every reference
// (from object fields, payloads and map constants) resolves to a stored
// object, and every object's field count matches its map. It returns the
// problems found.
func (img *Image) Check() []string { return img.CheckProgress(nil) }

// CheckProgress is Check reporting its progress to p (records checked, of
// the maps and objects stored).
func (img *Image) CheckProgress(p *Progress) []string {
	c := &checker{p: p}
	if !img.hasRoot {
		if _, ok, _ := get(img.db, keyFormat); ok {
			c.add("roots are missing")
		}
		return c.problems // an empty image: nothing to check
	}
	snap := img.db.NewSnapshot()
	defer snap.Close()
	recs, err := scanHeap(snap)
	if err != nil {
		return []string{err.Error()}
	}
	c.recs = recs
	w := newRefWalker(func(k []byte) ([]byte, bool, error) { return get(snap, k) })
	p.Start("check", int64(len(recs.maps)+len(recs.objects)), "records")
	c.maps(snap, w)
	c.objects(snap, w)
	p.Done()
	c.roots(snap)
	return c.problems
}

// checker collects the problems Check finds (the first 100).
type checker struct {
	problems []string
	recs     *heapRecords
	p        *Progress
}

func (c *checker) add(format string, args ...any) {
	if len(c.problems) < 100 {
		c.problems = append(c.problems, fmt.Sprintf(format, args...))
	}
}

func (c *checker) hasObject(oid vm.OID) bool {
	_, ok := c.recs.objects[oid]
	return ok
}

// maps checks every map record and the objects its constants refer to.
func (c *checker) maps(r pebble.Reader, w *refWalker) {
	for moid := range c.recs.maps {
		c.p.Add(1)
		b, _, err := get(r, mapKey(moid))
		if err != nil {
			c.add("map %d: %v", moid, err)
			continue
		}
		refs, err := w.mapRefs(moid, b)
		if err != nil {
			c.add("map %d: %v", moid, err)
			continue
		}
		for _, ref := range refs {
			if !c.hasObject(ref) {
				c.add("map %d refers to missing object %d", moid, ref)
			}
		}
	}
}

// objects checks every object record: it decodes, its map exists and
// agrees on the field count, what it refers to exists, its blob is whole.
func (c *checker) objects(r pebble.Reader, w *refWalker) {
	for oid := range c.recs.objects {
		c.p.Add(1)
		b, _, err := get(r, objKey(oid))
		if err != nil {
			c.add("object %d: %v", oid, err)
			continue
		}
		refs, err := w.objectRefs(b)
		if err != nil {
			c.add("object %d: %v", oid, err)
			continue
		}
		if refs.fields != refs.want {
			c.add("object %d has %d fields but its map %d has %d", oid, refs.fields, refs.mapOID, refs.want)
		}
		for _, ref := range refs.objs {
			if !c.hasObject(ref) {
				c.add("object %d refers to missing object %d", oid, ref)
			}
		}
		if refs.blob != nil {
			if p := blobProblem(r, *refs.blob); p != "" {
				c.add("object %d: %s", oid, p)
			}
		}
	}
}

// blobProblem checks that a blob's record and chunks are there.
func blobProblem(r pebble.Reader, ref vm.BlobRef) string {
	size, chunks, err := blobMeta(r, ref.Hash)
	if err != nil {
		return err.Error()
	}
	if size != ref.Size {
		return fmt.Sprintf("blob %x is %d bytes, the object says %d", ref.Hash[:6], size, ref.Size)
	}
	for _, ch := range chunks {
		if _, ok, _ := get(r, chunkKey(ch)); !ok {
			return fmt.Sprintf("blob %x has lost chunk %x", ref.Hash[:6], ch[:6])
		}
	}
	return ""
}

// roots checks that the roots record decodes and names stored records.
func (c *checker) roots(r pebble.Reader) {
	roots, err := readRoots(r)
	if err != nil {
		c.add("roots: %v", err)
		return
	}
	for _, oid := range roots.objects() {
		if !c.hasObject(oid) {
			c.add("root object %d is missing", oid)
		}
	}
	for _, oid := range roots.maps() {
		if _, ok := c.recs.maps[oid]; !ok {
			c.add("root map %d is missing", oid)
		}
	}
}
