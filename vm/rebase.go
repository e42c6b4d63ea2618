package vm

import (
	"fmt"

	"batos/lang"
)

// Methods keep the text they were written as and where it started, so a
// method read back from an image reports the same file:line:col as when
// it was defined.

// AddSource tells the VM the text of a file (or REPL entry) whose code it
// is about to run, so methods defined there can keep their original text.
func (vm *VM) AddSource(name, src string) {
	if vm.sources == nil {
		vm.sources = map[string]string{}
	}
	vm.sources[name] = src
}

// slotText returns the text of s as written in file, if known.
func (vm *VM) slotText(s *lang.Slot, file string) string {
	src, ok := vm.sources[file]
	start, end := s.Pos().Offset, s.End().Offset
	if !ok || start < 0 || end > len(src) || start >= end {
		return ""
	}
	return src[start:end]
}

// MethodFromRecord rebuilds a method from what an image stores: the text
// as written and where it started (when known), else the canonical source.
func MethodFromRecord(sel, file, source, text string, at lang.Pos) (*Method, error) {
	if text == "" {
		return MethodFromSource(source, file)
	}
	m, err := MethodFromSource(text, file)
	if err != nil {
		return nil, err
	}
	if m.Sel != sel {
		return nil, fmt.Errorf("method text defines %q, not %q", m.Sel, sel)
	}
	rebase(m.Body, at)
	m.Source, m.Text, m.At = source, text, at
	return m, nil
}

// rebase moves positions parsed from "(| " + text + " |)" to where the
// text started in its file.
func rebase(n lang.Node, at lang.Pos) {
	const wrap = 3 // len("(| ")
	fix := func(p *lang.Pos) {
		if !p.IsValid() {
			return
		}
		if p.Line == 1 {
			p.Col += at.Col - 1 - wrap
		}
		p.Line += at.Line - 1
		p.Offset += at.Offset - wrap
	}
	span := func(s *lang.Span) { fix(&s.Start); fix(&s.Stop) }
	var walk func(n lang.Node)
	slots := func(ss []*lang.Slot) {
		for _, s := range ss {
			span(&s.Span)
			if s.Value != nil {
				walk(s.Value)
			}
		}
	}
	walk = func(n lang.Node) {
		switch x := n.(type) {
		case *lang.Int:
			span(&x.Span)
		case *lang.Float:
			span(&x.Span)
		case *lang.String:
			span(&x.Span)
		case *lang.Self:
			span(&x.Span)
		case *lang.Return:
			span(&x.Span)
			walk(x.X)
		case *lang.Paren:
			span(&x.Span)
			walk(x.X)
		case *lang.Send:
			span(&x.Span)
			fix(&x.SelPos)
			if x.Recv != nil {
				walk(x.Recv)
			}
			for _, a := range x.Args {
				walk(a)
			}
		case *lang.Object:
			span(&x.Span)
			slots(x.Slots)
			for _, e := range x.Code {
				walk(e)
			}
		case *lang.Block:
			span(&x.Span)
			slots(x.Slots)
			for _, e := range x.Code {
				walk(e)
			}
		}
	}
	walk(n)
}
