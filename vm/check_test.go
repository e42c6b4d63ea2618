package vm_test

import (
	"strings"
	"testing"

	"batos/lang"
	"batos/vm"
)

// TestCheckArgumentSlotWithoutMethod: a slot with arguments whose value
// is not a method cannot be installed, and Check says so, with its
// position. (The parser rejects one written in text; this AST is built
// by hand.)
func TestCheckArgumentSlotWithoutMethod(t *testing.T) {
	for _, value := range []lang.Expr{&lang.Object{HasSlotList: true}, nil} {
		slot := &lang.Slot{Span: lang.Span{Start: lang.Pos{Line: 1, Col: 4}}, Name: "at:Put:", Args: []string{"i", "v"}, Value: value}
		f := &lang.File{Name: "x.self", Stmts: []lang.Expr{&lang.Object{Slots: []*lang.Slot{slot}}}}
		errs := vm.New(vm.Options{}).Check(f)
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), "x.self:1:4: slot 'at:Put:' has arguments but no method body") {
			t.Errorf("value %#v: %v", value, errs)
		}
	}
}
