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
	t = append(t, errorPrims...)
	t = append(t, reflectPrims...)
	t = append(t, systemPrims...)
	t = append(t, blobPrims...)
	t = append(t, llmPrims...)
	t = append(t, performPrims...)
	t = append(t, jsonPrims...)
	t = append(t, metricPrims...)
	t = append(t, catalogPrims...)
	for i := range t {
		t[i].Cap = Capabilities[t[i].Name]
	}
	return t
}

// Capabilities declares the outside effect of every primitive that has
// one. While a method the generative kernel wrote is active on a thread,
// these primitives run only if the kernel's policy (`kernel policy
// grants` in the image) grants their capability, however many library
// methods lie between (vm.Primitive.Cap; docs/kernel.md).
var Capabilities = map[string]string{
	"_BlobFromFile:":         "files",
	"_BlobWriteToFile:":      "files",
	"_ModelAddAdapter:Path:": "files",
	"_BlobFromBytes:":        "blobs",
	"_BlobBytesFrom:Count:":  "blobs",
	"_ModelGenerate:Each:":   "model",
	"_ModelEmbed:":           "model",
	"_ModelTokenize:":        "model",
	"_ModelCountTokens:":     "model",
	"_ModelInfo":             "model",
	"_ModelUseAdapter:":      "model",
	"_ModelAdapters":         "model",
	"_ModelScripted:":        "model",
	"_StringPrint":           "output",
	"_TimeMillis":            "clock",
	"_TimeNanos":             "clock",
	"_AddSlots:":             "reflection",
	"_Define:":               "reflection",
	"_RemoveSlot:":           "reflection",
	"_InstallMethod:":        "reflection",
}

// badType is the failure for an argument of the wrong kind.
var badType = vm.Fail("badTypeError")

func p(name, doc string, fn vm.PrimFn) vm.Primitive {
	return vm.Primitive{Name: name, Fn: fn, Doc: doc}
}
