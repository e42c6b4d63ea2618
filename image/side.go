package image

import (
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// The side table holds data about the world that is not part of the
// object graph and is written outside the VM's transactions: the
// generative kernel's cache of accepted methods and its failure metrics.
// Each Put or Delete is its own small synced commit, so the kernel keeps
// the model's work even when the statement that asked for it aborts.
//
//	'k' | table | 0x00 | key -> value (opaque bytes)
//
// gc and Check leave the side table alone; export does not carry it (it
// is a cache).

func sideKey(table, key string) []byte {
	b := make([]byte, 0, 2+len(table)+len(key))
	b = append(b, prefixSide)
	b = append(b, table...)
	b = append(b, 0)
	return append(b, key...)
}

// SideGet returns the value stored under table and key.
func (img *Image) SideGet(table, key string) ([]byte, bool, error) {
	if img.failed != nil {
		return nil, false, img.failed
	}
	return get(img.db, sideKey(table, key))
}

// SidePut stores value under table and key, durably, in a commit of its
// own.
func (img *Image) SidePut(table, key string, value []byte) error {
	if img.failed != nil {
		return img.failed
	}
	b := img.db.NewBatch()
	b.Set(sideKey(table, key), value, nil)
	return img.commitBatch(b, pebble.Sync) // closes b
}

// SideDelete removes key from table (absent keys are no error).
func (img *Image) SideDelete(table, key string) error {
	if img.failed != nil {
		return img.failed
	}
	b := img.db.NewBatch()
	b.Delete(sideKey(table, key), nil)
	return img.commitBatch(b, pebble.Sync) // closes b
}

// SideScan calls f for every key of table, in key order.
func (img *Image) SideScan(table string, f func(key string, value []byte) error) error {
	if img.failed != nil {
		return img.failed
	}
	lo := sideKey(table, "")
	hi := append(append([]byte(nil), lo[:len(lo)-1]...), 1)
	it, err := img.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return err
	}
	defer it.Close()
	for it.First(); it.Valid(); it.Next() {
		if err := f(string(it.Key()[len(lo):]), append([]byte(nil), it.Value()...)); err != nil {
			return err
		}
	}
	return it.Error()
}

// SideClear removes every key of table and returns how many there were.
func (img *Image) SideClear(table string) (int, error) {
	var keys []string
	if err := img.SideScan(table, func(k string, _ []byte) error { keys = append(keys, k); return nil }); err != nil {
		return 0, err
	}
	if len(keys) == 0 {
		return 0, nil
	}
	b := img.db.NewBatch() // commitBatch closes it
	for _, k := range keys {
		b.Delete(sideKey(table, k), nil)
	}
	if err := img.commitBatch(b, pebble.Sync); err != nil {
		return 0, fmt.Errorf("side table %s: %w", table, err)
	}
	return len(keys), nil
}
