package image

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"batos/vm"
)

// Check verifies the stored image without loading it into a VM: the
// format and roots are present, every record decodes, every reference
// (from object fields, payloads and map constants) resolves to a stored
// object, and every object's field count matches its map. It returns the
// problems found.
func (img *Image) Check() []string {
	var problems []string
	add := func(format string, args ...any) {
		if len(problems) < 100 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	if !img.hasRoot {
		if _, ok, _ := img.get(keyFormat); !ok {
			return nil // empty image: nothing to check
		}
		add("roots are missing")
		return problems
	}
	objects := map[vm.OID]bool{}
	maps := map[vm.OID]bool{}
	it, err := img.db.NewIter(nil)
	if err != nil {
		return []string{err.Error()}
	}
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) == 9 && k[0] == 'o' {
			objects[vm.OID(binary.BigEndian.Uint64(k[1:]))] = true
		} else if len(k) == 9 && k[0] == 'm' {
			maps[vm.OID(binary.BigEndian.Uint64(k[1:]))] = true
		}
	}
	it.Close()

	var refs []vm.OID
	collect := func(oid vm.OID) *vm.Object {
		refs = append(refs, oid)
		return vm.NewGhost(oid, nil)
	}
	mapNFields := map[vm.OID]int{}
	mapKind := map[vm.OID]vm.Kind{}
	for moid := range maps {
		b, _, _ := img.get(mapKey(moid))
		refs = refs[:0]
		d := newDecoder(collect)
		m, err := d.mapRecord(b, moid)
		if err != nil {
			add("map %d: %v", moid, err)
			continue
		}
		mapNFields[moid] = m.NumFields()
		mapKind[moid] = m.Kind()
		for _, r := range refs {
			if !objects[r] {
				add("map %d refers to missing object %d", moid, r)
			}
		}
	}
	for oid := range objects {
		b, _, _ := img.get(objKey(oid))
		refs = refs[:0]
		d := newDecoder(collect)
		moid, fields, payload, err := d.object(b, func(moid vm.OID) (vm.Kind, error) {
			if !maps[moid] {
				return 0, fmt.Errorf("its map %d is missing", moid)
			}
			return mapKind[moid], nil
		})
		if err != nil {
			add("object %d: %v", oid, err)
			continue
		}
		if ref, ok := payload.(vm.BlobRef); ok {
			if size, chunks, err := img.blobMeta(ref.Hash); err != nil {
				add("object %d: %v", oid, err)
			} else if size != ref.Size {
				add("object %d: blob %x is %d bytes, the object says %d", oid, ref.Hash[:6], size, ref.Size)
			} else {
				for _, c := range chunks {
					if _, ok, _ := img.get(chunkKey(c)); !ok {
						add("object %d: blob %x has lost chunk %x", oid, ref.Hash[:6], c[:6])
						break
					}
				}
			}
		}
		if len(fields) != mapNFields[moid] {
			add("object %d has %d fields but its map %d has %d", oid, len(fields), moid, mapNFields[moid])
		}
		for _, r := range refs {
			if !objects[r] {
				add("object %d refers to missing object %d", oid, r)
			}
		}
	}
	rb, _, _ := img.get(keyRoots)
	var ids []uint64
	if err := decodeRoots(rb, &ids); err != nil {
		add("roots: %v", err)
	}
	k := vm.NumKinds
	for i, id := range ids {
		if id == 0 {
			continue
		}
		if i >= 5+k && i < 5+2*k || i == 5+2*k {
			if !maps[vm.OID(id)] {
				add("root map %d is missing", id)
			}
		} else if !objects[vm.OID(id)] {
			add("root object %d is missing", id)
		}
	}
	return problems
}

func decodeRoots(b []byte, ids *[]uint64) error {
	d := newDecoder(nil)
	d.dec.Reset(bytes.NewReader(b))
	return d.dec.Decode(ids)
}
