// Package stdlib is the batos standard library, written in batos itself and
// embedded in the binary. Load runs its files, in order, in a fresh VM.
// Tests of the library are batos files in testdata/, run by stdlib_test.go.
package stdlib

import (
	"embed"
	"fmt"

	"batos/lang"
	"batos/prims"
	"batos/vm"
)

//go:embed *.self mind/*.self
var files embed.FS

// Files lists the library's source files in load order.
var Files = []string{"core.self", "numbers.self", "blocks.self", "collections.self", "strings.self", "time.self", "assert.self", "blobs.self", "model.self", "kernel.self", "mind/catalog.self", "mind/mind.self"}

// Load runs the standard library in t's VM, as one transaction: a world
// never holds half a library.
func Load(t *vm.Thread) error {
	atomic := t.Atomic
	t.Atomic = true
	defer func() { t.Atomic = atomic }()
	if err := load(t); err != nil {
		t.VM().Abort()
		return err
	}
	return t.VM().Commit()
}

func load(t *vm.Thread) error {
	for _, name := range Files {
		src, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		f, err := lang.Parse(LibraryPrefix+name, string(src))
		if err != nil {
			return fmt.Errorf("stdlib: %w", err)
		}
		if _, err := t.EvalFile(f); err != nil {
			return fmt.Errorf("stdlib: %w", err)
		}
	}
	_, err := t.Call(func() vm.Value {
		if err := recordVersions(t); err != nil {
			t.Raise(vm.ErrError, err.Error())
		}
		return vm.Value{}
	})
	return err
}

// LibraryPrefix starts the names of the library's files in positions
// (vm.DefaultLibraryPrefix).
const LibraryPrefix = vm.DefaultLibraryPrefix

// Source returns the text of one library file.
func Source(name string) (string, error) {
	b, err := files.ReadFile(name)
	return string(b), err
}

// Boot creates a VM with the primitive table of package prims (unless
// opts names its own), loads the standard library, and returns a thread
// ready to evaluate user code.
func Boot(opts vm.Options) (*vm.Thread, error) {
	if opts.Primitives == nil {
		opts.Primitives = prims.Table()
	}
	t := vm.New(opts).NewThread()
	if err := Load(t); err != nil {
		return nil, err
	}
	return t, nil
}
