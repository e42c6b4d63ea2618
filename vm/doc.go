// Package vm is the batos interpreter: the object model (objects, maps,
// slots), message lookup with inline caches, the compiler from lang's AST to
// closures, and the Thread that runs them with a step budget, a depth limit,
// cancellation and backtraces.
//
// # Values and objects
//
// A Value is either a small integer (held unboxed) or a reference to an
// *Object. Every object has a stable identity (an OID) and a *Map that
// describes its slots, as in Self: objects cloned from the same prototype
// share one map, constant slots (methods, constant parents) live in the map,
// and assignable slots live in the object's fields. Sends are cached per
// send site, keyed by the receiver's map and the VM's layout epoch.
//
// # Writes
//
// Every change to an object (a field write, adding or removing slots) goes
// through VM.setField or VM.setMap, which tell the Heap. The Heap interface
// is where the persistent store plugs in; MemHeap is the in-memory one.
//
// # Primitives
//
// vm does not know any primitive: they are registered by the embedder
// (package prims) through Options.Primitives, in one table.
package vm
