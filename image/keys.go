package image

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
	"github.com/vmihailenco/msgpack/v5"

	"batos/vm"
)

// The record schema: every key prefix, the one key parser, the roots
// record and the one getter (see the package documentation for the
// layout and its versions).

// FormatVersion is the on-disk format this package writes. Open reads
// every earlier version and upgrades it (upgrade.go).
const FormatVersion = 2

// Key prefixes, in key order. The meta keys sort after every other
// record, so a commit's small meta writes never overlap the bulk of the
// heap, which Pebble would otherwise have to compact with them.
const (
	prefixBlob   = 'B' // 'B' | sha256(blob)  -> [size, [chunk hashes]]
	prefixChunk  = 'c' // 'c' | sha256(chunk) -> the chunk's bytes
	prefixSide   = 'k' // 'k' | table | 0 | key -> opaque bytes (side.go)
	prefixMap    = 'm' // 'm' | OID (8 bytes, big-endian) -> map record
	prefixObject = 'o' // 'o' | OID -> object record
	prefixMeta   = '~' // '~' | name -> meta record
)

// The meta records.
var (
	keyFormat = []byte("~format") // uvarint format version
	keyRoots  = []byte("~roots")  // the roots record (rootIDs)
	keyNext   = []byte("~next")   // uvarint: the next free OID
	keyCommit = []byte("~commit") // msgpack [seq, unix nanos, objects written]
)

func oidKey(prefix byte, oid vm.OID) []byte {
	k := make([]byte, 9)
	k[0] = prefix
	binary.BigEndian.PutUint64(k[1:], uint64(oid))
	return k
}

func objKey(oid vm.OID) []byte { return oidKey(prefixObject, oid) }
func mapKey(oid vm.OID) []byte { return oidKey(prefixMap, oid) }

func blobKey(h [32]byte) []byte  { return append([]byte{prefixBlob}, h[:]...) }
func chunkKey(h [32]byte) []byte { return append([]byte{prefixChunk}, h[:]...) }

// recKind is the kind of record a key names.
type recKind uint8

const (
	recOther recKind = iota // not a key of this format
	recObject
	recMap
	recBlob
	recChunk
	recSide
	recMeta
)

// parsedKey is a key taken apart: its kind, and the OID (objects, maps)
// or hash (blobs, chunks) it names.
type parsedKey struct {
	kind recKind
	oid  vm.OID
	hash [32]byte
}

// parseKey takes a key apart.
func parseKey(k []byte) parsedKey {
	if len(k) == 0 {
		return parsedKey{}
	}
	switch k[0] {
	case prefixObject, prefixMap:
		if len(k) != 9 {
			return parsedKey{}
		}
		p := parsedKey{kind: recObject, oid: vm.OID(binary.BigEndian.Uint64(k[1:]))}
		if k[0] == prefixMap {
			p.kind = recMap
		}
		return p
	case prefixBlob, prefixChunk:
		if len(k) != 33 {
			return parsedKey{}
		}
		p := parsedKey{kind: recBlob}
		if k[0] == prefixChunk {
			p.kind = recChunk
		}
		copy(p.hash[:], k[1:])
		return p
	case prefixSide:
		return parsedKey{kind: recSide}
	case prefixMeta:
		return parsedKey{kind: recMeta}
	}
	return parsedKey{}
}

// prefixBounds returns iterator bounds covering the keys with prefix p.
func prefixBounds(p byte) *pebble.IterOptions {
	return &pebble.IterOptions{LowerBound: []byte{p}, UpperBound: []byte{p + 1}}
}

// get reads key from r (the database, a snapshot or a batch), copying the
// value out.
func get(r pebble.Reader, key []byte) ([]byte, bool, error) {
	v, closer, err := r.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	out := append([]byte(nil), v...)
	closer.Close()
	return out, true, nil
}

// rootIDs is the roots record: the OIDs of the VM's roots (0 for none).
// It is stored as one msgpack array of OIDs in this order: lobby, nil,
// true, false, traits, the traits of each kind, the map of each kind,
// the plain empty map.
type rootIDs struct {
	Lobby, Nil, True, False, Traits vm.OID
	KindTraits                      [vm.NumKinds]vm.OID
	KindMaps                        [vm.NumKinds]vm.OID
	PlainEmpty                      vm.OID
}

const rootCount = 5 + 2*vm.NumKinds + 1

// rootsOf returns the identities of a VM's roots (stored ones: the
// objects and maps must have OIDs).
func rootsOf(r vm.Roots) rootIDs {
	ids := rootIDs{Lobby: r.Lobby.OID(), Nil: r.Nil.OID(), True: r.True.OID(), False: r.False.OID(),
		Traits: r.Traits.OID(), PlainEmpty: r.PlainEmpty.OID()}
	for i := range r.KindTraits {
		if r.KindTraits[i] != nil {
			ids.KindTraits[i] = r.KindTraits[i].OID()
		}
		if r.KindMaps[i] != nil {
			ids.KindMaps[i] = r.KindMaps[i].OID()
		}
	}
	return ids
}

func (r *rootIDs) list() []uint64 {
	ids := []uint64{uint64(r.Lobby), uint64(r.Nil), uint64(r.True), uint64(r.False), uint64(r.Traits)}
	for _, id := range r.KindTraits {
		ids = append(ids, uint64(id))
	}
	for _, id := range r.KindMaps {
		ids = append(ids, uint64(id))
	}
	return append(ids, uint64(r.PlainEmpty))
}

func (r *rootIDs) encode() ([]byte, error) { return msgpack.Marshal(r.list()) }

// decodeRoots decodes a roots record.
func decodeRoots(b []byte) (rootIDs, error) {
	var r rootIDs
	var ids []uint64
	if err := msgpack.Unmarshal(b, &ids); err != nil {
		return r, fmt.Errorf("bad roots record (%v)", err)
	}
	if len(ids) != rootCount {
		return r, fmt.Errorf("bad roots record (%d entries, want %d)", len(ids), rootCount)
	}
	r.Lobby, r.Nil, r.True, r.False, r.Traits = vm.OID(ids[0]), vm.OID(ids[1]), vm.OID(ids[2]), vm.OID(ids[3]), vm.OID(ids[4])
	for i := 0; i < vm.NumKinds; i++ {
		r.KindTraits[i] = vm.OID(ids[5+i])
		r.KindMaps[i] = vm.OID(ids[5+vm.NumKinds+i])
	}
	r.PlainEmpty = vm.OID(ids[rootCount-1])
	return r, nil
}

// objects returns the root objects that are set.
func (r *rootIDs) objects() []vm.OID {
	out := []vm.OID{r.Lobby, r.Nil, r.True, r.False, r.Traits}
	for _, id := range r.KindTraits {
		if id != 0 {
			out = append(out, id)
		}
	}
	return out
}

// maps returns the root maps that are set.
func (r *rootIDs) maps() []vm.OID {
	var out []vm.OID
	for _, id := range r.KindMaps {
		if id != 0 {
			out = append(out, id)
		}
	}
	return append(out, r.PlainEmpty)
}

// required reports which root is missing, if one that must be set is 0.
func (r *rootIDs) required() error {
	for i, id := range []vm.OID{r.Lobby, r.Nil, r.True, r.False, r.Traits, r.PlainEmpty} {
		if id == 0 {
			return fmt.Errorf("a required root (%d) is missing", i)
		}
	}
	return nil
}

// readRoots reads and decodes the roots record.
func readRoots(r pebble.Reader) (rootIDs, error) {
	b, ok, err := get(r, keyRoots)
	if err != nil {
		return rootIDs{}, err
	}
	if !ok {
		return rootIDs{}, fmt.Errorf("the roots are missing")
	}
	return decodeRoots(b)
}
