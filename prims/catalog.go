package prims

import (
	"batos/textindex"
	"batos/vm"
)

// The text-index primitives of the knowledge catalog
// (stdlib/mind/catalog.self, docs/catalog.md). A segment is a byte vector
// (package textindex); the catalog keeps segments and their chunks as
// ordinary objects, so they commit with the statement that made them.
// Searches take a vector of segments and answer a flat vector of
// (segment index, document, score) triples, best first.
var catalogPrims = []vm.Primitive{
	p("_TextSentencesMax:", "the sentences of a string (abbreviations, decimals and quotes handled), those longer than the argument cut at spaces", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		s, ok := r.Str()
		if !ok {
			return vm.Value{}, badType
		}
		max, err := size(a[0])
		if err != nil {
			return vm.Value{}, err
		}
		return stringVector(t, textindex.Sentences(s, max)), nil
	}),
	p("_TextTerms", "the distinct index terms of a string, in order", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		s, ok := r.Str()
		if !ok {
			return vm.Value{}, badType
		}
		return stringVector(t, textindex.Terms(s)), nil
	}),
	vecPrim("_FloatsCosine:", "the cosine similarity of two vectors of numbers", func(t *vm.Thread, r vm.Value, v []vm.Value, a []vm.Value) (vm.Value, error) {
		x, err := floats(v)
		if err != nil {
			return vm.Value{}, err
		}
		w, ok := a[0].Vector()
		if !ok {
			return vm.Value{}, badType
		}
		y, err := floats(w)
		if err != nil {
			return vm.Value{}, err
		}
		if len(x) != len(y) {
			return vm.Value{}, vm.Failf("the vectors have %d and %d numbers", len(x), len(y))
		}
		return t.VM().Float(textindex.CosineOf(x, y)), nil
	}),
	vecPrim("_IndexBuildVectors:", "a segment indexing the strings of the receiver, with their embeddings (a vector of vectors of numbers) or nil", func(t *vm.Thread, r vm.Value, v []vm.Value, a []vm.Value) (vm.Value, error) {
		var vecs []vm.Value
		if !a[0].Is(t.VM().NilValue()) {
			var ok bool
			if vecs, ok = a[0].Vector(); !ok {
				return vm.Value{}, badType
			}
			if len(vecs) != len(v) {
				return vm.Value{}, vm.Failf("%d texts and %d embeddings", len(v), len(vecs))
			}
		}
		b := textindex.NewBuilder()
		for i, e := range v {
			s, ok := e.Str()
			if !ok {
				return vm.Value{}, vm.Failf("element %d is not a string", i)
			}
			var vec []float32
			if vecs != nil {
				w, ok := vecs[i].Vector()
				if !ok {
					return vm.Value{}, vm.Failf("embedding %d is not a vector", i)
				}
				f, err := floats(w)
				if err != nil {
					return vm.Value{}, err
				}
				vec = f
			}
			if err := b.Add(s, vec); err != nil {
				return vm.Value{}, vm.Failf("%v", err)
			}
		}
		return t.VM().NewBytes(b.Bytes()), nil
	}),
	bytesPrim("_IndexSize", "how many documents a segment indexes", func(t *vm.Thread, r vm.Value, b []byte, a []vm.Value) (vm.Value, error) {
		s, err := textindex.Parse(b)
		if err != nil {
			return vm.Value{}, vm.Failf("%v", err)
		}
		return vm.Int(int64(s.Docs())), nil
	}),
	bytesPrim("_IndexDimension", "the length of a segment's embeddings (0: none)", func(t *vm.Thread, r vm.Value, b []byte, a []vm.Value) (vm.Value, error) {
		s, err := textindex.Parse(b)
		if err != nil {
			return vm.Value{}, vm.Failf("%v", err)
		}
		return vm.Int(int64(s.Dim())), nil
	}),
	bytesPrim("_IndexWithout:", "a segment without the documents numbered in the argument (a vector of integers)", func(t *vm.Thread, r vm.Value, b []byte, a []vm.Value) (vm.Value, error) {
		s, err := textindex.Parse(b)
		if err != nil {
			return vm.Value{}, vm.Failf("%v", err)
		}
		w, ok := a[0].Vector()
		if !ok {
			return vm.Value{}, badType
		}
		drop := make([]int, len(w))
		for i, x := range w {
			if !x.IsInt() {
				return vm.Value{}, badType
			}
			drop[i] = int(x.Int())
		}
		out, err := textindex.Without(s, drop)
		if err != nil {
			return vm.Value{}, vm.Failf("%v", err)
		}
		return t.VM().NewBytes(out), nil
	}),
	bytesPrim("_IndexCheck:", "nil when a segment indexes exactly the strings of the argument, in order; else what differs", func(t *vm.Thread, r vm.Value, b []byte, a []vm.Value) (vm.Value, error) {
		s, err := textindex.Parse(b)
		if err != nil {
			return t.VM().String(err.Error()), nil
		}
		w, ok := a[0].Vector()
		if !ok {
			return vm.Value{}, badType
		}
		texts := make([]string, len(w))
		for i, x := range w {
			if texts[i], ok = x.Str(); !ok {
				return vm.Value{}, vm.Failf("element %d is not a string", i)
			}
		}
		if err := textindex.SameText(s, texts); err != nil {
			return t.VM().String(err.Error()), nil
		}
		return t.VM().NilValue(), nil
	}),
	vecPrim("_IndexMerge", "one segment holding the documents of the receiver's segments, in order", func(t *vm.Thread, r vm.Value, v []vm.Value, a []vm.Value) (vm.Value, error) {
		segs, err := segments(v)
		if err != nil {
			return vm.Value{}, err
		}
		out, err := textindex.Merge(segs)
		if err != nil {
			return vm.Value{}, vm.Failf("%v", err)
		}
		return t.VM().NewBytes(out), nil
	}),
	vecPrim("_IndexSearch:Top:All:", "BM25 over the receiver's segments: (segment, document, score) triples, best first; with All: true every term must match", func(t *vm.Thread, r vm.Value, v []vm.Value, a []vm.Value) (vm.Value, error) {
		segs, err := segments(v)
		if err != nil {
			return vm.Value{}, err
		}
		q, ok := a[0].Str()
		if !ok {
			return vm.Value{}, badType
		}
		top, err := size(a[1])
		if err != nil {
			return vm.Value{}, err
		}
		return triples(t, textindex.Search(segs, q, top, a[2].Is(vm.Ref(t.VM().True)))), nil
	}),
	vecPrim("_IndexNearest:Top:", "cosine similarity of the segments' embeddings with a vector of numbers: (segment, document, score) triples, best first", func(t *vm.Thread, r vm.Value, v []vm.Value, a []vm.Value) (vm.Value, error) {
		segs, err := segments(v)
		if err != nil {
			return vm.Value{}, err
		}
		w, ok := a[0].Vector()
		if !ok {
			return vm.Value{}, badType
		}
		q, err := floats(w)
		if err != nil {
			return vm.Value{}, err
		}
		top, err := size(a[1])
		if err != nil {
			return vm.Value{}, err
		}
		return triples(t, textindex.Cosine(segs, q, top)), nil
	}),
	vecPrim("_VectorPositionsOf:", "the indices, in order, of the receiver's elements that are identical to an element of the argument (a vector)", func(t *vm.Thread, r vm.Value, v []vm.Value, a []vm.Value) (vm.Value, error) {
		w, ok := a[0].Vector()
		if !ok {
			return vm.Value{}, badType
		}
		objs := make(map[*vm.Object]bool, len(w))
		ints := map[int64]bool{}
		for _, x := range w {
			if x.IsInt() {
				ints[x.Int()] = true
			} else {
				objs[x.Obj()] = true
			}
		}
		var out []vm.Value
		for i, x := range v {
			if x.IsInt() && ints[x.Int()] || !x.IsInt() && objs[x.Obj()] {
				out = append(out, vm.Int(int64(i)))
			}
		}
		return t.VM().NewVector(out), nil
	}),
}

func stringVector(t *vm.Thread, ss []string) vm.Value {
	out := make([]vm.Value, len(ss))
	for i, s := range ss {
		out[i] = t.VM().String(s)
	}
	return t.VM().NewVector(out)
}

// floats reads a vector of numbers.
func floats(v []vm.Value) ([]float32, error) {
	out := make([]float32, len(v))
	for i, x := range v {
		if x.IsInt() {
			out[i] = float32(x.Int())
		} else if f, ok := x.Float(); ok {
			out[i] = float32(f)
		} else {
			return nil, vm.Failf("element %d is not a number", i)
		}
	}
	return out, nil
}

// segments parses a vector of segments.
func segments(v []vm.Value) ([]*textindex.Segment, error) {
	out := make([]*textindex.Segment, len(v))
	for i, x := range v {
		b, ok := x.Bytes()
		if !ok {
			return nil, vm.Failf("element %d is not a segment (a byte vector)", i)
		}
		s, err := textindex.Parse(b)
		if err != nil {
			return nil, vm.Failf("element %d: %v", i, err)
		}
		out[i] = s
	}
	return out, nil
}

func triples(t *vm.Thread, hs []textindex.Hit) vm.Value {
	out := make([]vm.Value, 0, 3*len(hs))
	for _, h := range hs {
		out = append(out, vm.Int(int64(h.Seg)), vm.Int(int64(h.Doc)), t.VM().Float(h.Score))
	}
	return t.VM().NewVector(out)
}
