package image

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"batos/prims"
	"batos/vm"
)

// A damaged export is refused with an error, never a panic or an
// allocation its bytes cannot account for, and what an import accepts is
// an image that opens and passes Check. The export of a small world is
// damaged 1,000 ways: bytes changed, flipped or cut off, and lengths set
// to the largest msgpack can say (a map record claiming 2^31 slots made
// the decoder allocate 36 GB and end the process).
func TestImportDamaged(t *testing.T) {
	seed := smallExport(t)
	rng := rand.New(rand.NewPCG(1, 2))
	big := [][]byte{{0xff, 0xff, 0xff, 0xff}, {0xce, 0xff, 0xff, 0xff, 0xff}, {0xdd, 0x7f, 0xff, 0xff, 0xff},
		{0xdc, 0xff, 0xff}, {0xdf, 0x7f, 0xff, 0xff, 0xff}, {0xdb, 0x7f, 0xff, 0xff, 0xff}, {0xcf, 0x7f, 0, 0, 0, 0, 0, 0, 0}}
	refused := 0
	for i := range 1000 {
		data := append([]byte(nil), seed...)
		for range 1 + rng.IntN(3) {
			p := rng.IntN(len(data))
			switch rng.IntN(5) {
			case 0:
				data[p] = byte(rng.IntN(256))
			case 1:
				data[p] ^= 1 << rng.IntN(8)
			case 2:
				data = data[:max(p, 1)]
			default:
				copy(data[p:], big[rng.IntN(len(big))])
			}
		}
		dir := t.TempDir()
		if _, err := Import(bytes.NewReader(data), dir, ImportOptions{}); err != nil {
			refused++
			continue
		}
		img, err := Open(Options{Dir: dir, NoSync: true})
		if err != nil {
			t.Fatalf("damage %d: the import was accepted and does not open: %v", i, err)
		}
		if problems := img.Check(); len(problems) > 0 {
			t.Errorf("damage %d: the import was accepted and fails Check: %v", i, problems[0])
		}
		img.Close()
	}
	if refused < 500 {
		t.Errorf("only %d of 1,000 damaged exports were refused", refused)
	}
}

// smallExport exports a world without the library, with objects of
// several kinds.
func smallExport(t *testing.T) []byte {
	img, err := Open(Options{Dir: t.TempDir(), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	th, err := img.Thread(vm.Options{Primitives: prims.Table()}, func(o vm.Options) (*vm.Thread, error) {
		return vm.New(o).NewThread(), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	evalAll(t, th, "lobby _AddSlots: (| pts = 0 _NewVector: 4. pt = (| x <- 0. s <- 'text'. f <- 2.5. m = ( x ) |) |)",
		"pts _VectorAt: 0 Put: pt. pts _VectorAt: 1 Put: (0 _NewByteVector: 3). pts _VectorAt: 2 Put: 'a string'. 0")
	var buf bytes.Buffer
	if _, err := img.Export(&buf, ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
