package textindex

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
)

// A segment indexes a run of documents (the catalog's chunks), numbered
// from 0 in the order they were added. It is immutable: adding documents
// makes a new segment, merging and removing make new ones from old ones.
// Format (version 1; integers little-endian):
//
//	header   "BTX1" | docs u32 | terms u32 | dim u32 | tokens u64 |
//	         termBytes u32 | postingBytes u32                  (32 bytes)
//	lengths  docs × u32: each document's length in terms
//	df       terms × u32: how many documents hold each term
//	termOff  (terms+1) × u32: offsets of the terms in the term area
//	postOff  (terms+1) × u32: offsets of their postings
//	term area     the terms, sorted, concatenated
//	posting area  per term, per document holding it, in order: uvarint
//	              (its number minus the previous one's; the first minus
//	              -1) and uvarint (the term's count in it)
//	vectors  docs × dim × f32: each document's embedding, unit length
//	         (dim 0: none)
const magic = "BTX1"

const headerLen = 32

// ErrSegment is the failure for bytes that are not a segment.
var ErrSegment = errors.New("not an index segment")

// Builder collects documents for a new segment.
type Builder struct {
	postings map[string]*posting
	lens     []uint32
	tokens   uint64
	dim      int
	vecs     []float32
}

type posting struct {
	docs []uint32
	tfs  []uint32
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder { return &Builder{postings: map[string]*posting{}} }

// Len returns the number of documents added.
func (b *Builder) Len() int { return len(b.lens) }

// Add indexes text as the next document, with its embedding (nil for
// none; every document of a segment has one, or none has).
func (b *Builder) Add(text string, vec []float32) error {
	doc := uint32(len(b.lens))
	if err := b.addVector(vec); err != nil {
		return err
	}
	n := uint32(0)
	Tokens(text, func(t []byte) {
		n++
		p := b.postings[string(t)]
		if p == nil {
			p = &posting{}
			b.postings[string(t)] = p
		}
		if k := len(p.docs); k > 0 && p.docs[k-1] == doc {
			p.tfs[k-1]++
		} else {
			p.docs = append(p.docs, doc)
			p.tfs = append(p.tfs, 1)
		}
	})
	b.lens = append(b.lens, n)
	b.tokens += uint64(n)
	return nil
}

func (b *Builder) addVector(vec []float32) error {
	if len(b.lens) == 0 {
		b.dim = len(vec)
	}
	if len(vec) != b.dim {
		if b.dim == 0 {
			return fmt.Errorf("document %d has an embedding and the ones before it have none", len(b.lens))
		}
		return fmt.Errorf("document %d has an embedding of %d numbers, the ones before it %d", len(b.lens), len(vec), b.dim)
	}
	if b.dim > 0 {
		b.vecs = append(b.vecs, unit(vec)...)
	}
	return nil
}

// unit returns v scaled to length 1 (a zero vector stays zero).
func unit(v []float32) []float32 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	out := make([]float32, len(v))
	if s == 0 {
		return out
	}
	k := 1 / math.Sqrt(s)
	for i, x := range v {
		out[i] = float32(float64(x) * k)
	}
	return out
}

// Bytes encodes the segment.
func (b *Builder) Bytes() []byte {
	terms := make([]string, 0, len(b.postings))
	termBytes := 0
	for t := range b.postings {
		terms = append(terms, t)
		termBytes += len(t)
	}
	sort.Strings(terms)
	var post []byte
	postOff := make([]uint32, 0, len(terms)+1)
	for _, t := range terms {
		postOff = append(postOff, uint32(len(post)))
		p := b.postings[t]
		prev := int64(-1)
		for i, d := range p.docs {
			post = binary.AppendUvarint(post, uint64(int64(d)-prev))
			post = binary.AppendUvarint(post, uint64(p.tfs[i]))
			prev = int64(d)
		}
	}
	postOff = append(postOff, uint32(len(post)))
	nd, nt := len(b.lens), len(terms)
	size := headerLen + 4*nd + 4*nt + 8*(nt+1) + termBytes + len(post) + 4*len(b.vecs)
	out := make([]byte, 0, size)
	out = append(out, magic...)
	le := binary.LittleEndian
	out = le.AppendUint32(out, uint32(nd))
	out = le.AppendUint32(out, uint32(nt))
	out = le.AppendUint32(out, uint32(b.dim))
	out = le.AppendUint64(out, b.tokens)
	out = le.AppendUint32(out, uint32(termBytes))
	out = le.AppendUint32(out, uint32(len(post)))
	for _, l := range b.lens {
		out = le.AppendUint32(out, l)
	}
	for _, t := range terms {
		out = le.AppendUint32(out, uint32(len(b.postings[t].docs)))
	}
	off := uint32(0)
	for _, t := range terms {
		out = le.AppendUint32(out, off)
		off += uint32(len(t))
	}
	out = le.AppendUint32(out, off)
	for _, o := range postOff {
		out = le.AppendUint32(out, o)
	}
	for _, t := range terms {
		out = append(out, t...)
	}
	out = append(out, post...)
	for _, x := range b.vecs {
		out = le.AppendUint32(out, math.Float32bits(x))
	}
	return out
}

// Segment is a read-only view of an encoded segment.
type Segment struct {
	data                       []byte
	docs, terms, dim           int
	tokens                     uint64
	lens, df, termOff, postOff []byte
	termArea, postArea, vecs   []byte
}

// Parse checks the layout of data and returns a view of it (data is not
// copied; it must not change while the view is used).
func Parse(data []byte) (*Segment, error) {
	if len(data) < headerLen || string(data[:4]) != magic {
		return nil, ErrSegment
	}
	le := binary.LittleEndian
	s := &Segment{data: data, docs: int(le.Uint32(data[4:])), terms: int(le.Uint32(data[8:])), dim: int(le.Uint32(data[12:])), tokens: le.Uint64(data[16:])}
	termBytes, postBytes := int(le.Uint32(data[24:])), int(le.Uint32(data[28:]))
	need := headerLen + 4*s.docs + 4*s.terms + 8*(s.terms+1) + termBytes + postBytes + 4*s.docs*s.dim
	if s.docs < 0 || s.terms < 0 || s.dim < 0 || need != len(data) {
		return nil, fmt.Errorf("%w: %d bytes where the header says %d", ErrSegment, len(data), need)
	}
	rest := data[headerLen:]
	cut := func(n int) []byte { b := rest[:n:n]; rest = rest[n:]; return b }
	s.lens = cut(4 * s.docs)
	s.df = cut(4 * s.terms)
	s.termOff = cut(4 * (s.terms + 1))
	s.postOff = cut(4 * (s.terms + 1))
	s.termArea = cut(termBytes)
	s.postArea = cut(postBytes)
	s.vecs = cut(4 * s.docs * s.dim)
	if s.u32(s.termOff, s.terms) != uint32(termBytes) || s.u32(s.postOff, s.terms) != uint32(postBytes) {
		return nil, fmt.Errorf("%w: inconsistent offsets", ErrSegment)
	}
	return s, nil
}

func (s *Segment) u32(b []byte, i int) uint32 { return binary.LittleEndian.Uint32(b[4*i:]) }

// Docs returns the number of documents in the segment.
func (s *Segment) Docs() int { return s.docs }

// Dim returns the length of the segment's embeddings (0: none).
func (s *Segment) Dim() int { return s.dim }

// Terms returns the number of distinct terms.
func (s *Segment) Terms() int { return s.terms }

func (s *Segment) docLen(d int) uint32 { return s.u32(s.lens, d) }

// term returns term t (empty where the offsets are corrupt: a byte
// vector can be changed in place, so nothing here trusts its contents
// beyond what Parse checked).
func (s *Segment) term(t int) []byte {
	lo, hi := s.u32(s.termOff, t), s.u32(s.termOff, t+1)
	if lo > hi || int(hi) > len(s.termArea) {
		return nil
	}
	return s.termArea[lo:hi]
}

// find returns the index of term, or -1.
func (s *Segment) find(term []byte) int {
	lo, hi := 0, s.terms
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if bytes.Compare(s.term(m), term) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < s.terms && bytes.Equal(s.term(lo), term) {
		return lo
	}
	return -1
}

// eachPosting calls f with each document holding term t and the term's
// count there, in order; it stops at the first corrupt entry.
func (s *Segment) eachPosting(t int, f func(doc, tf uint32)) {
	lo, hi := s.u32(s.postOff, t), s.u32(s.postOff, t+1)
	if lo > hi || int(hi) > len(s.postArea) {
		return
	}
	p := s.postArea[lo:hi]
	d := int64(-1)
	for len(p) > 0 {
		delta, n := binary.Uvarint(p)
		if n <= 0 {
			return
		}
		tf, m := binary.Uvarint(p[n:])
		if m <= 0 || delta == 0 || delta > uint64(s.docs) {
			return
		}
		p = p[n+m:]
		d += int64(delta)
		if d >= int64(s.docs) {
			return
		}
		f(uint32(d), uint32(tf))
	}
}

func (s *Segment) vectorInto(d int, out []float32) {
	b := s.vecs[4*d*s.dim:]
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
}

// Postings returns, for each term the segment holds, its documents (for
// tests and checks).
func (s *Segment) Postings() map[string][]uint32 {
	out := map[string][]uint32{}
	for t := 0; t < s.terms; t++ {
		var ds []uint32
		s.eachPosting(t, func(d, _ uint32) { ds = append(ds, d) })
		out[string(s.term(t))] = ds
	}
	return out
}

// SameText reports whether s indexes exactly texts, in order (its terms,
// counts and lengths; embeddings are not compared): the check that a
// segment and the chunks it names agree.
func SameText(s *Segment, texts []string) error {
	if len(texts) != s.docs {
		return fmt.Errorf("the segment indexes %d documents, and %d chunks name it", s.docs, len(texts))
	}
	b := NewBuilder()
	for _, t := range texts {
		b.Add(t, nil)
	}
	r, err := Parse(b.Bytes())
	if err != nil {
		return err
	}
	for d := 0; d < s.docs; d++ {
		if s.docLen(d) != r.docLen(d) {
			return fmt.Errorf("document %d: %d terms indexed, its chunk has %d", d, s.docLen(d), r.docLen(d))
		}
	}
	if !bytes.Equal(s.termArea, r.termArea) || !bytes.Equal(s.postArea, r.postArea) || !bytes.Equal(s.df, r.df) {
		sp, rp := s.Postings(), r.Postings()
		for t, ds := range sp {
			if !slices.Equal(ds, rp[t]) {
				return fmt.Errorf("term %q: indexed in documents %v, the chunks hold it in %v", t, ds, rp[t])
			}
		}
		return errors.New("the postings differ from the chunks' text")
	}
	return nil
}
