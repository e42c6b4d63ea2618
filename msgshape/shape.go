// Package msgshape checks that bytes are one well-formed msgpack value
// before anything decodes them. msgpack decoders allocate what a
// container's header claims (msgpack v5 does for typed slices, whatever
// its allocation limit says), so a few hostile or damaged bytes claiming
// 2^31 elements would end the process: Go cannot recover from running out
// of memory. Check walks the encoding instead, and refuses a container
// that claims more values than the bytes left could hold. The bridge
// checks every request with it, and the image every record of an export
// it imports.
package msgshape

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrTooDeep is Check's error for a value nested too deep.
var ErrTooDeep = errors.New("nested deeper than allowed")

// Check verifies that b is exactly one well-formed msgpack value
// nested at most maxDepth deep, without decoding it: it walks the
// encoding with an explicit stack, so a hostile payload (a million nested
// arrays, a map claiming 2^32 entries) costs no recursion and no
// allocation. It returns the offset of the first problem.
func Check(b []byte, maxDepth int) (int, error) {
	// pending[i] is the number of values the i-th open container still
	// holds; pending[0] is the top-level value.
	pending := make([]uint64, 1, 8)
	pending[0] = 1
	i := 0
	for len(pending) > 0 {
		if pending[len(pending)-1] == 0 {
			pending = pending[:len(pending)-1]
			continue
		}
		pending[len(pending)-1]--
		if i >= len(b) {
			return i, errors.New("the msgpack value ends early")
		}
		c := b[i]
		at := i
		i++
		var skip, n uint64 // bytes of payload to skip; values of a container
		container := false
		need := func(k int) (uint64, bool) {
			if len(b)-i < k {
				return 0, false
			}
			var v uint64
			switch k {
			case 1:
				v = uint64(b[i])
			case 2:
				v = uint64(binary.BigEndian.Uint16(b[i:]))
			case 4:
				v = uint64(binary.BigEndian.Uint32(b[i:]))
			}
			i += k
			return v, true
		}
		ok := true
		switch {
		case c <= 0x7f, c >= 0xe0, c == 0xc0, c == 0xc2, c == 0xc3:
		case c >= 0x80 && c <= 0x8f:
			n, container = 2*uint64(c&0x0f), true
		case c >= 0x90 && c <= 0x9f:
			n, container = uint64(c&0x0f), true
		case c >= 0xa0 && c <= 0xbf:
			skip = uint64(c & 0x1f)
		case c == 0xc4 || c == 0xd9:
			skip, ok = need(1)
		case c == 0xc5 || c == 0xda:
			skip, ok = need(2)
		case c == 0xc6 || c == 0xdb:
			skip, ok = need(4)
		case c == 0xc7 || c == 0xc8 || c == 0xc9: // ext: length, then a type byte
			skip, ok = need(1 << (c - 0xc7))
			skip++
		case c == 0xca:
			skip = 4
		case c == 0xcb:
			skip = 8
		case c >= 0xcc && c <= 0xcf:
			skip = 1 << (c - 0xcc)
		case c >= 0xd0 && c <= 0xd3:
			skip = 1 << (c - 0xd0)
		case c >= 0xd4 && c <= 0xd8: // fixext: a type byte and 1 to 16 bytes
			skip = 1 + 1<<(c-0xd4)
		case c == 0xdc:
			n, ok = need(2)
			container = true
		case c == 0xdd:
			n, ok = need(4)
			container = true
		case c == 0xde:
			n, ok = need(2)
			n *= 2
			container = true
		case c == 0xdf:
			n, ok = need(4)
			n *= 2
			container = true
		default: // 0xc1 is never used
			return at, fmt.Errorf("0x%02x is not a msgpack type", c)
		}
		if !ok {
			return at, errors.New("the msgpack value ends early")
		}
		if container {
			// every value takes at least one byte
			if n > uint64(len(b)-i) {
				return at, fmt.Errorf("a container of %d values in %d bytes", n, len(b)-i)
			}
			if len(pending) >= maxDepth+1 && n > 0 {
				return at, fmt.Errorf("%w (%d)", ErrTooDeep, maxDepth)
			}
			if n > 0 {
				pending = append(pending, n)
			}
			continue
		}
		if skip > uint64(len(b)-i) {
			return at, errors.New("the msgpack value ends early")
		}
		i += int(skip)
	}
	if i != len(b) {
		return i, fmt.Errorf("%d bytes after the msgpack value", len(b)-i)
	}
	return 0, nil
}
