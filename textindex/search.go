package textindex

import (
	"container/heap"
	"math"
)

// BM25's parameters (bleve's and Lucene's defaults).
const (
	k1 = 1.2
	b  = 0.75
)

// Hit is a scored document: its segment (an index into the slice
// searched) and its number there.
type Hit struct {
	Seg, Doc int
	Score    float64
}

// Search ranks the documents of segs against query by BM25, with the
// collection statistics of all the segments together, and returns the
// best top (fewer when fewer match), best first; ties go to the earlier
// document. With all, a document must hold every term of the query.
func Search(segs []*Segment, query string, top int, all bool) []Hit {
	terms := Terms(query)
	if len(terms) == 0 || top <= 0 {
		return nil
	}
	// collection statistics
	var n int
	var tokens uint64
	df := make([]int, len(terms))
	where := make([][]int, len(segs)) // per segment, each term's index (-1: absent)
	for i, s := range segs {
		n += s.docs
		tokens += s.tokens
		where[i] = make([]int, len(terms))
		for j, t := range terms {
			k := s.find([]byte(t))
			where[i][j] = k
			if k >= 0 {
				df[j] += int(s.u32(s.df, k))
			}
		}
	}
	if n == 0 {
		return nil
	}
	avg := float64(tokens) / float64(n)
	idf := make([]float64, len(terms))
	for j := range terms {
		idf[j] = math.Log(1 + (float64(n)-float64(df[j])+0.5)/(float64(df[j])+0.5))
	}
	h := &hits{}
	var score []float64
	var count []uint16
	for i, s := range segs {
		if all && slicesContains(where[i], -1) {
			continue
		}
		score = grow(score, s.docs)
		if all {
			count = grow16(count, s.docs)
		}
		for j, k := range where[i] {
			if k < 0 {
				continue
			}
			w := idf[j]
			s.eachPosting(k, func(d, tf uint32) {
				f := float64(tf)
				norm := k1 * (1 - b + b*float64(s.docLen(int(d)))/avg)
				score[d] += w * f * (k1 + 1) / (f + norm)
				if all {
					count[d]++
				}
			})
		}
		for d := 0; d < s.docs; d++ {
			if score[d] > 0 && (!all || int(count[d]) == len(terms)) {
				h.offer(Hit{Seg: i, Doc: d, Score: score[d]}, top)
			}
		}
	}
	return h.sorted()
}

// Cosine ranks the documents of segs by the cosine similarity of their
// embeddings with vec (segments of another dimension are skipped) and
// returns the best top, best first.
func Cosine(segs []*Segment, vec []float32, top int) []Hit {
	q := unit(vec)
	h := &hits{}
	row := make([]float32, len(q))
	for i, s := range segs {
		if s.dim != len(q) || s.dim == 0 {
			continue
		}
		for d := 0; d < s.docs; d++ {
			s.vectorInto(d, row)
			var dot float64
			for k, x := range row {
				dot += float64(x) * float64(q[k])
			}
			h.offer(Hit{Seg: i, Doc: d, Score: dot}, top)
		}
	}
	return h.sorted()
}

func slicesContains(s []int, x int) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	s = s[:n]
	clear(s)
	return s
}

func grow16(s []uint16, n int) []uint16 {
	if cap(s) < n {
		return make([]uint16, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// hits is a min-heap of the best hits so far (the worst on top).
type hits []Hit

func worse(a, b Hit) bool {
	if a.Score != b.Score {
		return a.Score < b.Score
	}
	if a.Seg != b.Seg {
		return a.Seg > b.Seg
	}
	return a.Doc > b.Doc
}

func (h hits) Len() int           { return len(h) }
func (h hits) Less(i, j int) bool { return worse(h[i], h[j]) }
func (h hits) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *hits) Push(x any)        { *h = append(*h, x.(Hit)) }
func (h *hits) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (h *hits) offer(x Hit, top int) {
	if len(*h) < top {
		heap.Push(h, x)
	} else if worse((*h)[0], x) {
		(*h)[0] = x
		heap.Fix(h, 0)
	}
}

func (h *hits) sorted() []Hit {
	out := make([]Hit, len(*h))
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(h).(Hit)
	}
	return out
}

// CosineOf returns the cosine similarity of x and y (0 when either is
// zero).
func CosineOf(x, y []float32) float64 {
	var dot, nx, ny float64
	for i := range x {
		dot += float64(x[i]) * float64(y[i])
		nx += float64(x[i]) * float64(x[i])
		ny += float64(y[i]) * float64(y[i])
	}
	if nx == 0 || ny == 0 {
		return 0
	}
	return dot / math.Sqrt(nx*ny)
}
