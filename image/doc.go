// Package image keeps a batos world in Pebble: every object, map and
// method, the lobby and the library once loaded. Opening an image resumes
// the world as the last committed transaction left it; objects are read
// from disk the first time they are touched (they start as ghosts) and
// unchanged ones are evicted beyond a bounded cache.
//
// # Transactions
//
// The Image is the VM's Heap. The VM reports each object before its first
// change in a transaction; the image saves its old state (for abort) and
// marks it dirty. Commit writes the dirty objects that are stored, plus
// every object and map newly reachable from them (persistence by
// reachability), as one synced Pebble batch. Abort restores the saved
// states: nothing reaches the disk.
//
// # Key layout (format version 1)
//
//	"\x00format"             -> uvarint format version (FormatVersion)
//	"\x00roots"              -> msgpack [lobby, nil, true, false, traits,
//	                            kindTraits[10], kindMaps[10], plainEmpty] (OIDs)
//	"\x00next"               -> uvarint: the next free OID
//	"\x00commit"             -> msgpack [seq, unix nanos, objects written]
//	'o' | OID (8 bytes, BE)  -> object record
//	'm' | OID (8 bytes, BE)  -> map record
//
// Objects and maps share one OID space.
//
// # Records (msgpack)
//
//	object: [mapOID, [field values], payload]
//	        payload by the map's kind: nil | string | float64 |
//	        bigint as decimal string | [values] (vector) | bin (byte vector) |
//	        [selector, file, source, text, line, col, offset] (method:
//	        the canonical source, and the text as written with where it
//	        started, so positions survive a reload)
//	map:    [kind, annotation, nfields, [slot...]]
//	slot:   [name, slotKind, parent, field, constValue, category]
//	value:  a msgpack integer for a small integer, or an 8-byte bin
//	        holding the OID of an object
//
// Methods are stored as their source and recompiled on first use.
package image
