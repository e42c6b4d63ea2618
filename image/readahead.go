package image

import "batos/vm"

// Read-ahead for faulting. A Pebble Get costs several microseconds (a
// seek through every level), while stepping an iterator to the next
// record costs a fraction of that; and objects made together have
// neighbouring OIDs and are often walked together (a list, a vector's
// elements, a tree built in order). So a load that misses reads the
// record it needs and the next readAheadRecords object records in the
// direction the loads are going (down when the last load was of a larger
// OID), keeping their bytes until they are loaded or the next miss
// replaces them. Any write to the image drops them (a record read ahead
// may be rewritten by the commit of an object loaded meanwhile).

const readAheadRecords = 64

type readAhead struct {
	recs map[vm.OID][]byte
	last vm.OID // the last OID loaded
}

// record returns object oid's record, from the records read ahead or by
// reading ahead from oid.
func (img *Image) record(oid vm.OID) ([]byte, bool, error) {
	ra := &img.ahead
	down := oid < ra.last
	ra.last = oid
	if b, ok := ra.recs[oid]; ok {
		delete(ra.recs, oid)
		return b, true, nil
	}
	it, err := img.db.NewIter(prefixBounds(prefixObject))
	if err != nil {
		return nil, false, err
	}
	defer it.Close()
	var ok bool
	if down {
		ok = it.SeekLT(objKey(oid + 1))
	} else {
		ok = it.SeekGE(objKey(oid))
	}
	recs := make(map[vm.OID][]byte, readAheadRecords)
	var found []byte
	for n := 0; ok && n <= readAheadRecords; n++ {
		k := parseKey(it.Key())
		rec := append([]byte(nil), it.Value()...)
		if k.oid == oid {
			found = rec
		} else if n == 0 {
			break // oid has no record
		} else {
			recs[k.oid] = rec
		}
		if down {
			ok = it.Prev()
		} else {
			ok = it.Next()
		}
	}
	if err := it.Error(); err != nil {
		return nil, false, err
	}
	ra.recs = recs
	return found, found != nil, nil
}

// dropReadAhead forgets the records read ahead (the image was written).
func (img *Image) dropReadAhead() { img.ahead.recs = nil }
