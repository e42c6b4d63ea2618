//go:build invariants

package image

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/cockroachdb/pebble/v2"

	"batos/vm"
)

// Heap consistency checks, compiled in with the invariants build tag
// (make test runs go test -tags invariants ./image ./vm). Commit calls
// checkBatch on every batch just before writing it, so a bad batch never
// reaches the disk: the process panics instead.

// invariantsEnabled reports whether these checks are compiled in.
const invariantsEnabled = true

// checkBatch panics if the batch Commit is about to write breaks an
// invariant of the image (see batchProblems).
func (img *Image) checkBatch(b *pebble.Batch) {
	if p := img.batchProblems(b); len(p) > 0 {
		panic(fmt.Sprintf("image invariants: commit %d would write a bad batch:\n\t%s", img.seq+1, strings.Join(p, "\n\t")))
	}
}

// batchProblems checks a batch of Commit against the stored image (which
// does not contain it yet):
//   - it holds only sets of known keys, the OID counter among them, and
//     every record it writes has an OID below that counter;
//   - every record decodes;
//   - every reference inside a written record (an object's map, its
//     fields and payload, a map's constants, the roots) resolves to a
//     record written in the batch or already in the image;
//   - every written object has as many fields as its map says.
func (img *Image) batchProblems(b *pebble.Batch) []string {
	c := &checker{}
	bc, err := readBatch(b)
	if err != nil {
		c.add("%v", err)
		return c.problems
	}
	for _, p := range bc.problems {
		c.add("%s", p)
	}
	if bc.next == 0 {
		c.add("the batch does not write the OID counter")
	}
	// records are looked up in the batch, then in the image
	lookup := func(k []byte) ([]byte, bool, error) {
		pk := parseKey(k)
		if rec, ok := bc.records(pk.kind)[pk.oid]; ok {
			return rec, true, nil
		}
		return get(img.db, k)
	}
	exists := func(oid vm.OID) bool {
		_, ok, err := lookup(objKey(oid))
		if err != nil {
			c.add("reading object %d: %v", oid, err)
		}
		return ok
	}
	w := newRefWalker(lookup)
	bc.checkRecords(c, w, exists)
	if bc.roots != nil {
		checkBatchRoots(c, w, bc.roots, exists)
	}
	if len(c.problems) > 20 {
		c.problems = c.problems[:20]
	}
	return c.problems
}

// batchContents is what a commit's batch writes.
type batchContents struct {
	objs, maps map[vm.OID][]byte
	next       uint64
	roots      []byte
	problems   []string
}

func (bc *batchContents) records(k recKind) map[vm.OID][]byte {
	if k == recMap {
		return bc.maps
	}
	if k == recObject {
		return bc.objs
	}
	return nil
}

// readBatch sorts a batch's writes by key kind.
func readBatch(b *pebble.Batch) (*batchContents, error) {
	bc := &batchContents{objs: map[vm.OID][]byte{}, maps: map[vm.OID][]byte{}}
	r := b.Reader()
	for {
		kind, k, v, ok, err := r.Next()
		if err != nil {
			return nil, fmt.Errorf("unreadable batch: %v", err)
		}
		if !ok {
			return bc, nil
		}
		if kind != pebble.InternalKeyKindSet {
			bc.problems = append(bc.problems, fmt.Sprintf("key %q: a %v, not a set", k, kind))
			continue
		}
		pk := parseKey(k)
		switch {
		case pk.kind == recObject:
			bc.objs[pk.oid] = v
		case pk.kind == recMap:
			bc.maps[pk.oid] = v
		case bytes.Equal(k, keyNext):
			n, w := binary.Uvarint(v)
			if w <= 0 {
				bc.problems = append(bc.problems, fmt.Sprintf("bad OID counter %x", v))
			}
			bc.next = n
		case bytes.Equal(k, keyRoots):
			bc.roots = v
		case bytes.Equal(k, keyFormat), bytes.Equal(k, keyCommit):
		default:
			bc.problems = append(bc.problems, fmt.Sprintf("unexpected key %q", k))
		}
	}
}

// checkRecords checks the records a batch writes: below the counter,
// decodable, with as many fields as their maps, referring to records
// that exist.
func (bc *batchContents) checkRecords(c *checker, w *refWalker, exists func(vm.OID) bool) {
	for moid, rec := range bc.maps {
		if uint64(moid) >= bc.next {
			c.add("map %d is not below the OID counter %d", moid, bc.next)
		}
		refs, err := w.mapRefs(moid, rec)
		if err != nil {
			c.add("map %d: %v", moid, err)
			continue
		}
		for _, r := range refs {
			if !exists(r) {
				c.add("map %d refers to object %d, which is neither in the batch nor in the image", moid, r)
			}
		}
	}
	for oid, rec := range bc.objs {
		if uint64(oid) >= bc.next {
			c.add("object %d is not below the OID counter %d", oid, bc.next)
		}
		refs, err := w.objectRefs(rec)
		if err != nil {
			c.add("object %d: %v", oid, err)
			continue
		}
		if refs.fields != refs.want {
			c.add("object %d has %d fields but its map %d has %d", oid, refs.fields, refs.mapOID, refs.want)
		}
		for _, r := range refs.objs {
			if !exists(r) {
				c.add("object %d refers to object %d, which is neither in the batch nor in the image", oid, r)
			}
		}
	}
}

// checkBatchRoots checks a roots record a batch writes.
func checkBatchRoots(c *checker, w *refWalker, rec []byte, exists func(vm.OID) bool) {
	roots, err := decodeRoots(rec)
	if err != nil {
		c.add("roots: %v", err)
	}
	for _, id := range roots.maps() {
		if _, err := w.mapInfo(id); err != nil {
			c.add("root map %d: %v", id, err)
		}
	}
	for _, id := range roots.objects() {
		if !exists(id) {
			c.add("root object %d is neither in the batch nor in the image", id)
		}
	}
}
