package grammar

import (
	"fmt"
	"testing"
)

// TestPinnedCacheBounded: the cache keeps the most recently used
// grammars, pinnedCacheSize at most.
func TestPinnedCacheBounded(t *testing.T) {
	c := newLRU(4)
	for i := range 4 {
		c.put(fmt.Sprint(i), fmt.Sprint("g", i))
	}
	c.get("0") // used: kept
	c.put("4", "g4")
	c.put("5", "g5")
	if c.len() != 4 {
		t.Errorf("%d entries, want 4", c.len())
	}
	for key, want := range map[string]bool{"0": true, "1": false, "2": false, "3": true, "4": true, "5": true} {
		if v, ok := c.get(key); ok != want || ok && v != "g"+key {
			t.Errorf("%s: %q %v, want kept %v", key, v, ok, want)
		}
	}
	for i := range pinnedCacheSize + 10 {
		if _, err := MethodSlotFor(fmt.Sprintf("sel%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := pinned.len(); n != pinnedCacheSize {
		t.Errorf("MethodSlotFor's cache holds %d grammars, want %d", n, pinnedCacheSize)
	}
}
