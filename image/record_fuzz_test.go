package image

import (
	"testing"

	"batos/vm"
)

// FuzzRecords: a damaged object or map record, whatever its bytes, is an
// error or a value, never a panic or an allocation its bytes cannot
// account for (a length that claims more elements than the record has
// bytes). Seeds: records the encoders write, for every payload kind.
func FuzzRecords(f *testing.F) {
	e := newEncoder()
	e.refObj = func(o *vm.Object) vm.OID { return 5 }
	e.refMap = func(m *vm.Map) vm.OID { return 3 }
	for _, payload := range []any{nil, "text", 2.5, []vm.Value{vm.Int(1), vm.Int(-70000)}, []byte{1, 2}} {
		rec, err := e.objectParts(3, []vm.Value{vm.Int(7), vm.Int(1 << 40)}, payload)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append([]byte(nil), rec...), uint8(0))
	}
	f.Add([]byte{0x93, 0x03, 0xdd, 0xff, 0xff, 0xff, 0xff}, uint8(0))
	f.Add([]byte{0x94, 0x00, 0xa0, 0x00, 0xdd, 0x7f, 0xff, 0xff, 0xff}, uint8(1))
	kinds := []vm.Kind{vm.KPlain, vm.KString, vm.KFloat, vm.KVector, vm.KBytes, vm.KBig, vm.KMethod, vm.KBlob}
	f.Fuzz(func(t *testing.T, b []byte, which uint8) {
		d := newDecoder(func(oid vm.OID) *vm.Object { return vm.NewGhost(oid, nil) })
		if which%2 == 1 {
			d.mapRecord(b, 9)
			return
		}
		kind := kinds[int(which/2)%len(kinds)]
		d.object(b, func(vm.OID) (vm.Kind, error) { return kind, nil })
	})
}
