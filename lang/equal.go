package lang

import "math"

// Equal reports whether a and b are the same tree, ignoring positions. For
// a *File only the statements are compared (not its name or source).
func Equal(a, b Node) bool {
	if isNil(a) || isNil(b) {
		return isNil(a) && isNil(b)
	}
	switch a := a.(type) {
	case *File:
		b, ok := b.(*File)
		return ok && exprsEqual(a.Stmts, b.Stmts)
	case *Slot:
		b, ok := b.(*Slot)
		return ok && slotEqual(a, b)
	case Expr:
		b, ok := b.(Expr)
		return ok && exprEqual(a, b)
	}
	return false
}

// isNil reports whether n is nil or a typed nil pointer.
func isNil(n Node) bool {
	switch n := n.(type) {
	case nil:
		return true
	case *File:
		return n == nil
	case *Slot:
		return n == nil
	case *Int:
		return n == nil
	case *Float:
		return n == nil
	case *String:
		return n == nil
	case *Self:
		return n == nil
	case *Send:
		return n == nil
	case *Return:
		return n == nil
	case *Paren:
		return n == nil
	case *Object:
		return n == nil
	case *Block:
		return n == nil
	}
	return false
}

func exprsEqual(a, b []Expr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !exprEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

func exprEqual(a, b Expr) bool {
	if isNil(a) || isNil(b) {
		return isNil(a) && isNil(b)
	}
	switch a := a.(type) {
	case *Int:
		b, ok := b.(*Int)
		if !ok || a.Val != b.Val || (a.Big == nil) != (b.Big == nil) {
			return false
		}
		return a.Big == nil || a.Big.Cmp(b.Big) == 0
	case *Float:
		b, ok := b.(*Float)
		return ok && math.Float64bits(a.Val) == math.Float64bits(b.Val)
	case *String:
		b, ok := b.(*String)
		return ok && a.Val == b.Val
	case *Self:
		_, ok := b.(*Self)
		return ok
	case *Send:
		b, ok := b.(*Send)
		return ok && a.Kind == b.Kind && a.Sel == b.Sel && a.Resend == b.Resend &&
			a.Delegate == b.Delegate && exprEqual(a.Recv, b.Recv) && exprsEqual(a.Args, b.Args)
	case *Return:
		b, ok := b.(*Return)
		return ok && exprEqual(a.X, b.X)
	case *Paren:
		b, ok := b.(*Paren)
		return ok && exprEqual(a.X, b.X)
	case *Object:
		b, ok := b.(*Object)
		return ok && a.HasSlotList == b.HasSlotList && a.Annotation == b.Annotation &&
			slotsEqual(a.Slots, b.Slots) && exprsEqual(a.Code, b.Code)
	case *Block:
		b, ok := b.(*Block)
		return ok && a.HasSlotList == b.HasSlotList && a.Annotation == b.Annotation &&
			slotsEqual(a.Slots, b.Slots) && exprsEqual(a.Code, b.Code)
	}
	return false
}

func slotsEqual(a, b []*Slot) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !slotEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

func slotEqual(a, b *Slot) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Name != b.Name || a.Kind != b.Kind || a.Parent != b.Parent || a.Category != b.Category ||
		len(a.Args) != len(b.Args) {
		return false
	}
	for i := range a.Args {
		if a.Args[i] != b.Args[i] {
			return false
		}
	}
	return exprEqual(a.Value, b.Value)
}
