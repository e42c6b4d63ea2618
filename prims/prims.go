// Package prims implements batos's primitives: the `_Name:` sends that
// reach Go. They are registered in one table, returned by Table, which the
// embedder passes to vm.New. Each file holds one topic.
package prims

import (
	"batos/vm"
)

// Table returns every primitive, in one table.
func Table() []vm.Primitive {
	var t []vm.Primitive
	t = append(t, numberPrims...)
	t = append(t, floatPrims...)
	t = append(t, stringPrims...)
	t = append(t, vectorPrims...)
	t = append(t, objectPrims...)
	t = append(t, reflectPrims...)
	t = append(t, systemPrims...)
	t = append(t, blobPrims...)
	t = append(t, llmPrims...)
	return t
}

// badType is the failure for an argument of the wrong kind.
var badType = vm.Fail("badTypeError")

func p(name, doc string, fn vm.PrimFn) vm.Primitive {
	return vm.Primitive{Name: name, Fn: fn, Doc: doc}
}
