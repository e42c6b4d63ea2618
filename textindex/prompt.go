package textindex

import "batos/vm"

// Notes returns a function for the generative kernel's prompt seam
// (kernel.Config.Catalog): the texts of the n chunks of the lobby's catalog that
// BM25 ranks best for a selector's words (SelectorWords). It reads the
// catalog's objects directly and calls no model, so it is cheap while a
// prompt is built; it answers nothing when the lobby has no catalog or
// the catalog is empty or not as stdlib/mind/catalog.self makes it.
// batos sets it in cmd/batos/gen.go: Catalog: textindex.Notes(t.VM(), 3).
func Notes(v *vm.VM, n int) func(sel string) []string {
	return func(sel string) (out []string) {
		defer func() {
			if recover() != nil { // an object that cannot be loaded: no notes
				out = nil
			}
		}()
		cat, ok := v.FieldValue(v.Lobby, "catalog")
		if !ok || cat.IsInt() {
			return nil
		}
		segsV, ok := v.FieldValue(cat.Obj(), "segments")
		if !ok {
			return nil
		}
		segObjs, ok := segsV.Vector()
		if !ok {
			return nil
		}
		var segs []*Segment
		var chunks [][]vm.Value
		for _, so := range segObjs {
			if so.IsInt() {
				return nil
			}
			d, ok1 := v.FieldValue(so.Obj(), "data")
			c, ok2 := v.FieldValue(so.Obj(), "chunks")
			data, ok3 := d.Bytes()
			cs, ok4 := c.Vector()
			if !ok1 || !ok2 || !ok3 || !ok4 {
				return nil
			}
			s, err := Parse(data)
			if err != nil || s.Docs() != len(cs) {
				return nil
			}
			segs = append(segs, s)
			chunks = append(chunks, cs)
		}
		for _, h := range Search(segs, SelectorWords(sel), n, false) {
			c := chunks[h.Seg][h.Doc]
			if c.IsInt() {
				continue
			}
			if t, ok := v.FieldValue(c.Obj(), "text"); ok {
				if s, ok := t.Str(); ok {
					out = append(out, s)
				}
			}
		}
		return out
	}
}
