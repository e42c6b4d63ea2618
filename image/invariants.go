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
	var problems []string
	add := func(format string, args ...any) {
		if len(problems) < 20 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	objs := map[vm.OID][]byte{}
	maps := map[vm.OID][]byte{}
	var next uint64
	var roots []byte
	r := b.Reader()
	for {
		kind, k, v, ok, err := r.Next()
		if err != nil {
			add("unreadable batch: %v", err)
			return problems
		}
		if !ok {
			break
		}
		if kind != pebble.InternalKeyKindSet {
			add("key %q: a %v, not a set", k, kind)
			continue
		}
		switch {
		case len(k) == 9 && k[0] == 'o':
			objs[vm.OID(binary.BigEndian.Uint64(k[1:]))] = v
		case len(k) == 9 && k[0] == 'm':
			maps[vm.OID(binary.BigEndian.Uint64(k[1:]))] = v
		case bytes.Equal(k, keyNext):
			n, w := binary.Uvarint(v)
			if w <= 0 {
				add("bad OID counter %x", v)
			}
			next = n
		case bytes.Equal(k, keyRoots):
			roots = v
		case bytes.Equal(k, keyFormat), bytes.Equal(k, keyCommit):
		default:
			add("unexpected key %q", k)
		}
	}
	if next == 0 {
		add("the batch does not write the OID counter")
	}

	// what the image holds already, looked up once
	stored := map[vm.OID]bool{}
	objExists := func(oid vm.OID) bool {
		if _, ok := objs[oid]; ok {
			return true
		}
		ok, seen := stored[oid]
		if !seen {
			var err error
			if _, ok, err = img.get(objKey(oid)); err != nil {
				add("reading object %d: %v", oid, err)
			}
			stored[oid] = ok
		}
		return ok
	}
	type mapInfo struct {
		kind    vm.Kind
		nfields int
	}
	infos := map[vm.OID]mapInfo{}
	var refs []vm.OID
	collect := func(oid vm.OID) *vm.Object {
		refs = append(refs, oid)
		return vm.NewGhost(oid, nil)
	}
	mapOf := func(moid vm.OID) (mapInfo, error) {
		if mi, ok := infos[moid]; ok {
			return mi, nil
		}
		rec, ok := maps[moid]
		if !ok {
			var err error
			if rec, ok, err = img.get(mapKey(moid)); err != nil {
				return mapInfo{}, err
			}
			if !ok {
				return mapInfo{}, fmt.Errorf("its map %d is neither in the batch nor in the image", moid)
			}
		}
		m, err := newDecoder(func(oid vm.OID) *vm.Object { return vm.NewGhost(oid, nil) }).mapRecord(rec, moid)
		if err != nil {
			return mapInfo{}, fmt.Errorf("its map %d: %w", moid, err)
		}
		mi := mapInfo{m.Kind(), m.NumFields()}
		infos[moid] = mi
		return mi, nil
	}
	d := newDecoder(collect)
	for moid, rec := range maps {
		if uint64(moid) >= next {
			add("map %d is not below the OID counter %d", moid, next)
		}
		refs = refs[:0]
		if _, err := d.mapRecord(rec, moid); err != nil {
			add("map %d: %v", moid, err)
			continue
		}
		for _, r := range refs {
			if !objExists(r) {
				add("map %d refers to object %d, which is neither in the batch nor in the image", moid, r)
			}
		}
	}
	for oid, rec := range objs {
		if uint64(oid) >= next {
			add("object %d is not below the OID counter %d", oid, next)
		}
		refs = refs[:0]
		var mi mapInfo
		moid, fields, _, err := d.object(rec, func(moid vm.OID) (vm.Kind, error) {
			var err error
			mi, err = mapOf(moid)
			return mi.kind, err
		})
		if err != nil {
			add("object %d: %v", oid, err)
			continue
		}
		if len(fields) != mi.nfields {
			add("object %d has %d fields but its map %d has %d", oid, len(fields), moid, mi.nfields)
		}
		for _, r := range refs {
			if !objExists(r) {
				add("object %d refers to object %d, which is neither in the batch nor in the image", oid, r)
			}
		}
	}
	if roots != nil {
		var ids []uint64
		if err := decodeRoots(roots, &ids); err != nil {
			add("roots: %v", err)
		}
		k := vm.NumKinds
		for i, id := range ids {
			switch {
			case id == 0:
			case i >= 5+k:
				if _, err := mapOf(vm.OID(id)); err != nil {
					add("root map %d: %v", id, err)
				}
			case !objExists(vm.OID(id)):
				add("root object %d is neither in the batch nor in the image", id)
			}
		}
	}
	return problems
}
