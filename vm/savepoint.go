package vm

import "fmt"

// Savepoints and budgets: what the generative kernel's trial needs. A
// savepoint is a nested undo log inside the current transaction: while one
// is open, the first change to any object (old or created earlier in the
// transaction) saves the object's state, and rolling back restores those
// states without ending the transaction. The heap's own undo log is left
// alone, so an abort of the whole transaction still restores everything,
// and the objects a savepoint touched stay "changed" (o.txn), which keeps
// them in memory: eviction between the savepoint and its rollback cannot
// drop a state the rollback needs.

// Savepoint is an open nested undo log. Savepoints nest; the innermost is
// the one that records.
type Savepoint struct {
	vm     *VM
	outer  *Savepoint
	saved  []ObjectState
	seen   map[*Object]struct{}
	closed bool
}

// Savepoint opens a savepoint in the current transaction.
func (vm *VM) Savepoint() *Savepoint {
	sp := &Savepoint{vm: vm, outer: vm.sp, seen: map[*Object]struct{}{}}
	vm.sp = sp
	return sp
}

// save records o's state the first time it changes under sp.
func (sp *Savepoint) save(o *Object) {
	if _, ok := sp.seen[o]; ok {
		return
	}
	sp.seen[o] = struct{}{}
	sp.saved = append(sp.saved, o.State())
}

// Release closes the savepoint keeping its changes; an outer savepoint
// takes over the states it saved, so rolling that back still undoes them.
func (sp *Savepoint) Release() {
	if sp.closed {
		return
	}
	sp.pop()
	if o := sp.outer; o != nil {
		for _, s := range sp.saved {
			if _, ok := o.seen[s.o]; !ok {
				o.seen[s.o] = struct{}{}
				o.saved = append(o.saved, s)
			}
		}
	}
}

// Rollback closes the savepoint and puts every object it saved back as it
// was when the savepoint opened. The transaction goes on.
func (sp *Savepoint) Rollback() {
	if sp.closed {
		return
	}
	sp.pop()
	for i := len(sp.saved) - 1; i >= 0; i-- {
		sp.saved[i].restore()
	}
	sp.vm.epoch++
}

// Len returns how many objects the savepoint saved.
func (sp *Savepoint) Len() int { return len(sp.saved) }

func (sp *Savepoint) pop() {
	sp.closed = true
	// savepoints close innermost first; a stray order closes the inner ones
	for s := sp.vm.sp; s != nil && s != sp.outer; s = s.outer {
		s.closed = true
	}
	sp.vm.sp = sp.outer
}

// dropSavepoints forgets open savepoints when their transaction ends.
func (vm *VM) dropSavepoints() {
	for s := vm.sp; s != nil; s = s.outer {
		s.closed = true
	}
	vm.sp = nil
}

// Allocation accounting. The VM counts the bytes it allocates for objects
// and payloads (approximately: an object header, 16 bytes per field or
// element, a string's bytes). A thread with an allocation budget checks
// the count at its safe points, and primitives that allocate in proportion
// to their arguments call Charge before allocating, so one send cannot
// allocate gigabytes before the budget notices.

const (
	objectBytes = 64 // an Object (a string adds its header and, inline, its bytes)
	valueBytes  = 16 // one Value
)

// Allocated returns the bytes the VM has allocated since it started.
func (vm *VM) Allocated() int64 { return vm.allocated }

// SetMaxAlloc sets the thread's allocation budget in bytes for each
// subsequent evaluation (statement); 0 means unlimited.
func (t *Thread) SetMaxAlloc(n int64) { t.allocLimit = n }

// Charge raises a budget error if allocating n more bytes would exceed the
// thread's allocation budget. Primitives call it before large allocations.
// The work is charged to the step budget too (a step per 64 bytes), so a
// primitive's cost counts in proportion to what it does.
func (t *Thread) Charge(n int64) {
	if n > 0 {
		t.used += n / 64
	}
	if t.allocLimit > 0 && t.vm.allocated+n-t.allocBase > t.allocLimit {
		t.raiseAt(t.curSite(), ErrBudget, t.allocMessage())
	}
}

func (t *Thread) allocMessage() string {
	return "allocation budget of " + byteSize(t.allocLimit) + " exhausted (allocation bomb?)"
}

// checkAlloc is called at safe points.
func (t *Thread) checkAlloc(site *sendSite) {
	if t.allocLimit > 0 && t.vm.allocated-t.allocBase > t.allocLimit {
		t.raiseAt(site, ErrBudget, t.allocMessage())
	}
}

// byteSize renders n bytes for a message.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%d %ciB", n/div, "KMGTPE"[exp])
}

// Limits bound a nested evaluation (the kernel's trial): steps, bytes,
// depth counted from where it starts, and a wall-clock deadline (checked
// at safe points). Zero fields mean no limit of that kind.
type Limits struct {
	Steps    int64
	Bytes    int64
	Depth    int
	Deadline int64 // UnixNano
}

// Within runs f under lim, restoring the thread's own limits afterwards.
// A runtime error inside (including an exhausted budget and an
// interrupt) is returned, not raised, and the frame stack is unwound to
// where Within was called. Non-local returns pass through.
func (t *Thread) Within(lim Limits, f func() Value) (v Value, err *Error) {
	saved := struct {
		limit, used, allocLimit, allocBase int64
		maxDepth                           int
		deadline                           int64
		tick                               int32
	}{t.limit, t.used, t.allocLimit, t.allocBase, t.depthLimit, t.deadline, t.tick}
	t.used += int64(tickEvery - t.tick)
	t.tick = tickEvery
	if lim.Steps > 0 {
		t.limit = t.used + lim.Steps
	}
	if lim.Bytes > 0 {
		t.allocLimit, t.allocBase = lim.Bytes, t.vm.allocated
	}
	if lim.Depth > 0 {
		t.depthLimit = t.depth + lim.Depth
	}
	if lim.Deadline > 0 {
		t.deadline = lim.Deadline
	}
	d := t.depth
	defer func() {
		used := t.used + int64(tickEvery-t.tick)
		t.limit, t.allocLimit, t.allocBase = saved.limit, saved.allocLimit, saved.allocBase
		t.depthLimit, t.deadline = saved.maxDepth, saved.deadline
		t.used, t.tick = used, tickEvery
		if r := recover(); r != nil {
			e, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			t.unwindTo(d)
			err = e
		}
	}()
	return f(), nil
}
