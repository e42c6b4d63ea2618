package textindex

import (
	"bytes"
	"container/heap"
	"encoding/binary"
	"fmt"
)

// writer assembles a segment from terms given in sorted order, with their
// postings already in document order: what merging and removing need,
// since the segments they read are sorted already (no map, no sort).
type writer struct {
	lens     []uint32
	tokens   uint64
	dim      int
	vecs     []byte // encoded as in the segment
	termArea []byte
	termOff  []uint32
	df       []uint32
	post     []byte
	postOff  []uint32
}

func (w *writer) addDoc(s *Segment, d int) {
	l := s.docLen(d)
	w.lens = append(w.lens, l)
	w.tokens += uint64(l)
	if s.dim > 0 {
		w.vecs = append(w.vecs, s.vecs[4*d*s.dim:4*(d+1)*s.dim]...)
	}
}

// term starts a term; postings follow with posting; end closes it (a term
// without postings is dropped).
type termWriter struct {
	w       *writer
	start   int
	n       uint32
	prev    int64
	termLen int
}

func (w *writer) term(t []byte) termWriter {
	return termWriter{w: w, start: len(w.post), prev: -1, termLen: len(t)}
}

func (tw *termWriter) posting(doc, tf uint32) {
	tw.w.post = binary.AppendUvarint(tw.w.post, uint64(int64(doc)-tw.prev))
	tw.w.post = binary.AppendUvarint(tw.w.post, uint64(tf))
	tw.prev = int64(doc)
	tw.n++
}

func (tw *termWriter) end(t []byte) {
	if tw.n == 0 {
		tw.w.post = tw.w.post[:tw.start]
		return
	}
	w := tw.w
	w.termOff = append(w.termOff, uint32(len(w.termArea)))
	w.termArea = append(w.termArea, t...)
	w.postOff = append(w.postOff, uint32(tw.start))
	w.df = append(w.df, tw.n)
}

// bytes encodes the segment (the layout of Builder.Bytes).
func (w *writer) bytes() []byte {
	nd, nt := len(w.lens), len(w.df)
	le := binary.LittleEndian
	out := make([]byte, 0, headerLen+4*nd+4*nt+8*(nt+1)+len(w.termArea)+len(w.post)+len(w.vecs))
	out = append(out, magic...)
	out = le.AppendUint32(out, uint32(nd))
	out = le.AppendUint32(out, uint32(nt))
	out = le.AppendUint32(out, uint32(w.dim))
	out = le.AppendUint64(out, w.tokens)
	out = le.AppendUint32(out, uint32(len(w.termArea)))
	out = le.AppendUint32(out, uint32(len(w.post)))
	for _, l := range w.lens {
		out = le.AppendUint32(out, l)
	}
	for _, x := range w.df {
		out = le.AppendUint32(out, x)
	}
	for _, o := range w.termOff {
		out = le.AppendUint32(out, o)
	}
	out = le.AppendUint32(out, uint32(len(w.termArea)))
	for _, o := range w.postOff {
		out = le.AppendUint32(out, o)
	}
	out = le.AppendUint32(out, uint32(len(w.post)))
	out = append(out, w.termArea...)
	out = append(out, w.post...)
	return append(out, w.vecs...)
}

// Without returns s without the documents listed in drop (the others keep
// their order, renumbered from 0).
func Without(s *Segment, drop []int) ([]byte, error) {
	keep := make([]bool, s.docs)
	for i := range keep {
		keep[i] = true
	}
	for _, d := range drop {
		if d < 0 || d >= s.docs {
			return nil, fmt.Errorf("document %d is not in a segment of %d", d, s.docs)
		}
		keep[d] = false
	}
	w := &writer{dim: s.dim}
	renum := make([]uint32, s.docs)
	for d := 0; d < s.docs; d++ {
		if keep[d] {
			renum[d] = uint32(len(w.lens))
			w.addDoc(s, d)
		}
	}
	for t := 0; t < s.terms; t++ {
		term := s.term(t)
		tw := w.term(term)
		s.eachPosting(t, func(d, tf uint32) {
			if keep[d] {
				tw.posting(renum[d], tf)
			}
		})
		tw.end(term)
	}
	return w.bytes(), nil
}

// Merge returns one segment holding the documents of segs in order.
func Merge(segs []*Segment) ([]byte, error) {
	w := &writer{}
	base := make([]uint32, len(segs))
	seen := false
	for i, s := range segs {
		if s.docs == 0 {
			continue
		}
		if !seen {
			w.dim, seen = s.dim, true
		} else if s.dim != w.dim {
			return nil, fmt.Errorf("merging segments with embeddings of %d and %d numbers", w.dim, s.dim)
		}
		base[i] = uint32(len(w.lens))
		for d := 0; d < s.docs; d++ {
			w.addDoc(s, d)
		}
	}
	// a k-way merge of the sorted term lists
	h := &cursors{}
	for i, s := range segs {
		if s.terms > 0 {
			*h = append(*h, cursor{seg: i, s: s})
		}
	}
	heap.Init(h)
	for h.Len() > 0 {
		term := append([]byte(nil), (*h)[0].term()...)
		tw := w.term(term)
		for h.Len() > 0 && bytes.Equal((*h)[0].term(), term) {
			c := &(*h)[0]
			b := base[c.seg]
			c.s.eachPosting(c.t, func(d, tf uint32) { tw.posting(b+d, tf) })
			c.t++
			if c.t == c.s.terms {
				heap.Pop(h)
			} else {
				heap.Fix(h, 0)
			}
		}
		tw.end(term)
	}
	if w.dim > 0 && len(w.vecs) != 4*w.dim*len(w.lens) {
		return nil, fmt.Errorf("merging: %d bytes of embeddings for %d documents", len(w.vecs), len(w.lens))
	}
	return w.bytes(), nil
}

// cursor is a position in one segment's term list.
type cursor struct {
	seg, t int
	s      *Segment
}

func (c *cursor) term() []byte { return c.s.term(c.t) }

// cursors is a min-heap by current term, then by segment (so postings
// come in document order).
type cursors []cursor

func (h cursors) Len() int { return len(h) }
func (h cursors) Less(i, j int) bool {
	if c := bytes.Compare(h[i].term(), h[j].term()); c != 0 {
		return c < 0
	}
	return h[i].seg < h[j].seg
}
func (h cursors) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursors) Push(x any)   { *h = append(*h, x.(cursor)) }
func (h *cursors) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
