package image

import (
	"encoding/binary"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// Format versions and their upgrades. Open reads every earlier version
// and upgrades it in place, in one synced batch, before the world runs;
// it never refuses an older image.
//
//	1  meta records under "\x00format", "\x00roots", "\x00next",
//	   "\x00commit" (before every other key, so every commit's table
//	   overlapped the whole heap); method records of 7 fields.
//	2  meta records under '~' (after every other key); method records
//	   carry the provenance of a generated method (8 fields). Method
//	   records of 7 fields still read, as having no provenance, so the
//	   upgrade rewrites only the meta records.

// The meta keys of format 1.
var (
	v1Format = []byte("\x00format")
	v1Meta   = map[string][]byte{"\x00roots": keyRoots, "\x00next": keyNext, "\x00commit": keyCommit}
)

// formatVersion returns the image's format version, 0 for a new (empty)
// image.
func (img *Image) formatVersion() (uint64, error) {
	f, ok, err := get(img.db, keyFormat)
	if err == nil && !ok {
		f, ok, err = get(img.db, v1Format)
	}
	if err != nil {
		return 0, err
	}
	if !ok {
		it, err := img.db.NewIter(nil)
		if err != nil {
			return 0, err
		}
		nonEmpty := it.First()
		it.Close()
		if nonEmpty {
			return 0, fmt.Errorf("not a batos image (no format record)")
		}
		img.next = 1
		return 0, nil
	}
	v, n := binary.Uvarint(f)
	if n <= 0 || v < 1 || v > FormatVersion {
		return 0, fmt.Errorf("unknown image format version %d (this batos reads versions 1 to %d)", v, FormatVersion)
	}
	return v, nil
}

// upgrade rewrites an image of an older format version as the current one.
func (img *Image) upgrade(from uint64) error {
	if img.readOnly != nil {
		return fmt.Errorf("the image has format version %d and upgrading it to %d needs a little free space: %w", from, FormatVersion, img.readOnly)
	}
	b := img.db.NewBatch()
	for old, key := range v1Meta {
		v, ok, err := get(img.db, []byte(old))
		if err != nil {
			b.Close()
			return err
		}
		if ok {
			b.Set(key, v, nil)
			b.Delete([]byte(old), nil)
		}
	}
	b.Delete(v1Format, nil)
	b.Set(keyFormat, binary.AppendUvarint(nil, FormatVersion), nil)
	if err := img.commitBatch(b, pebble.Sync); err != nil {
		return fmt.Errorf("upgrading the image from format version %d to %d: %w", from, FormatVersion, err)
	}
	return nil
}
