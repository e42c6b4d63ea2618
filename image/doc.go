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
// # Key layout (format version 2)
//
//	'B' | sha256 (32 bytes)   -> blob record (blob.go)
//	'c' | sha256 (32 bytes)   -> blob chunk (blob.go)
//	'k' | table | 0 | key     -> side table entry (side.go)
//	'm' | OID (8 bytes, BE)   -> map record
//	'o' | OID (8 bytes, BE)   -> object record
//	"~format"                 -> uvarint format version (FormatVersion)
//	"~roots"                  -> msgpack [lobby, nil, true, false, traits,
//	                             kindTraits[NumKinds], kindMaps[NumKinds],
//	                             plainEmpty] (OIDs, 0 for none)
//	"~next"                   -> uvarint: the next free OID
//	"~commit"                 -> msgpack [seq, unix nanos, objects written]
//
// Objects and maps share one OID space. keys.go names every prefix and
// holds the one key parser and the roots record's codec. The meta keys
// sort after every other record, so the small table a commit leaves
// overlaps only the newest part of the heap (a commit that changes only
// new objects and the meta records never makes Pebble rewrite the bulk of
// the heap).
//
// Close writes what the process committed out of Pebble's log into a
// table, so that the next Open has no log to replay: that replay's flush
// could start a compaction, and Pebble's Open waits for compactions. The
// session that wrote pays for it; a reopen reads only the roots
// (BenchmarkReopen).
//
// # Format versions
//
// Open reads every earlier format and upgrades it in place before the
// world runs (upgrade.go); it never refuses an older image.
//
//	1  meta records under "\x00format", "\x00roots", "\x00next",
//	   "\x00commit"; method records of 7 fields (no provenance)
//	2  meta records under '~'; method records of 8 fields
//
// The upgrade from 1 moves the meta records; method records of 7 fields
// are read as they are.
//
// # Disk full
//
// A commit that cannot be made durable because the disk is full fails
// with ErrDiskFull within moments instead of waiting in Pebble's write
// stall, and the image then refuses writes and loads until it is
// reopened; an Open that meets a full disk fails with ErrDiskFull, or
// opens read-only when there is not room to flush its log (disk.go). An
// image open for writing keeps a preallocated RESERVE file of 4 MiB: a
// log write or sync that meets a full disk takes its room and is tried
// again (Pebble panics beyond recovery when closing a log fails as it
// switches logs), and the image then takes no more commits until it is
// reopened with room for a new reserve (reserve.go). A
// failed write of Pebble's MANIFEST, fatal to Pebble on its own
// goroutines, stops that goroutine instead of the process; the image
// then refuses commits and stays locked until the process exits
// (imageLogger).
//
// # Records (msgpack)
//
//	object: [mapOID, [field values], payload]
//	        payload by the map's kind: nil | string | float64 |
//	        bigint as decimal string | [values] (vector) | bin (byte vector) |
//	        [selector, file, source, text, line, col, offset, provenance]
//	        (method: the canonical source, and the text as written with
//	        where it started, so positions survive a reload; provenance is
//	        a reference to the provenance object of a method the kernel
//	        generated (vm.Method.Prov), the integer 0 for none; gc, check
//	        and export follow it like any reference; records of 7
//	        fields, from format 1, read as having none) |
//	        [sha256, size] (blob; see blob.go for blob and chunk records)
//	map:    [kind, annotation, nfields, [slot...]]
//	slot:   [name, slotKind, parent, field, constValue, category]
//	value:  a msgpack integer for a small integer, or an 8-byte bin
//	        holding the OID of an object
//
// Methods are stored as their source and recompiled on first use.
//
// # Snapshots (snapshot format version 1)
//
// Snapshot packs a Pebble checkpoint of the image (consistent, and taken
// while the image is open: the REPL's :snapshot) into one tar file:
//
//	batos-snapshot.json   the manifest, always the first entry (JSON):
//	                      {"magic": "batos-snapshot", "version": 1,
//	                       "image_format": FormatVersion, "objects": N,
//	                       "maps": N, "created": RFC 3339, "batos": version,
//	                       "files": N, "bytes": N, "sha256": hex}
//	image/NAME            the checkpoint's files, sorted by name
//
// sha256 covers every data entry in order: its tar name, a zero byte, its
// size as 8 bytes big-endian, its contents. Restore verifies the whole file
// against the manifest before writing anything, unpacks it next to the
// target, opens and checks it, then renames it into place. It refuses an
// image in use (its Pebble LOCK is held), a non-empty directory that holds
// no image, and without force any non-empty directory. A snapshot holds
// an image of its format: restore takes those of any format this batos
// reads (opening the restored image upgrades it); export moves worlds
// across versions of batos in general.
//
// # Garbage collection
//
// GC marks from the roots record through object fields, vector payloads,
// method provenance, object maps and map constants (walker.go: the
// reference walker gc, check and the invariants build share), and
// deletes the unmarked object and map records in one batch. It runs only
// on an image no world is using, and removes nothing from an image with
// dangling references.
//
// # Export (export format version 1)
//
// Export writes a portable, versioned dump that does not depend on the
// key layout or record format above: a stream of msgpack values, each a
// map with string keys (unknown keys are ignored, so later versions may
// add some):
//
//	header  {magic: "batos-export", version: 1, objects, maps, next,
//	         created, batos, blobs}
//	maps    {map: id, kind: "object"|"string"|"vector"|..., annotation,
//	         fields: n, slots: [{name, kind: "constant"|"assignable"|
//	         "assignment", parent, field, value, category}]}  (maps times)
//	objects {object: id, of: map id, fields: [value], and by the map's kind
//	         string | float | bigint (decimal) | vector: [value] | bytes |
//	         method: {selector, file, source, text, line, col, offset,
//	         provenance: id (generated methods only)} |
//	         blobref: {sha256, size}}  (objects times)
//	blobs   {blob: sha256, size, chunks: n} then n × {chunk: bytes}
//	         (blobs times; import verifies every hash)
//	roots   {lobby, nil, true, false, traits, plainEmpty: id,
//	         kindTraits, kindMaps: {kind name: id}}
//	end     {end: "batos-export-end", records: maps + objects}
//
// A value is ["i", integer] or ["r", id]. Ids name objects and maps (one
// space); import keeps them as OIDs. Import builds a new image in an empty
// directory, validating every record and reference, and checks it before
// moving it into place. Kind and slot-kind names are those of vm.Kind and
// vm.SlotKind.
package image
