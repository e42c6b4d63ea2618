package textindex

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestSentences(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"It costs 3.14 dollars. Mr. Brown paid.", []string{"It costs 3.14 dollars.", "Mr. Brown paid."}},
		{"Wait... What? Yes!", []string{"Wait...", "What?", "Yes!"}},
		{`She said "Go home." He went.`, []string{`She said "Go home."`, "He went."}},
		{"Visit e.g. the park. Then go, i.e. leave.", []string{"Visit e.g. the park.", "Then go, i.e. leave."}},
		{"It ended (finally.) Next one.", []string{"It ended (finally.)", "Next one."}},
		{"see www.example.com for more. ok", []string{"see www.example.com for more. ok"}},
		{"# Heading\ntext one\ncontinues. Two.", []string{"Heading", "text one\ncontinues.", "Two."}},
		{"", nil},
		{"今日は晴れ。明日は雨？はい！", []string{"今日は晴れ。", "明日は雨？", "はい！"}},
	} {
		if got := Sentences(c.in, 0); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Sentences(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, s := range Sentences(strings.Repeat("word ", 100), 42) {
		if len(s) > 42 {
			t.Errorf("a piece of %d bytes, limit 42: %q", len(s), s)
		}
	}
}

func TestTokens(t *testing.T) {
	if got := Terms("The Über-Café, and 42 CATS; the cats!"); !reflect.DeepEqual(got, []string{"über", "café", "42", "cat"}) {
		t.Errorf("Terms = %q", got)
	}
	if got := Terms("queries boxes parents class status gas does toes"); !reflect.DeepEqual(got, []string{"query", "boxe", "parent", "class", "status", "gas", "does", "toes"}) {
		t.Errorf("Terms (plurals) = %q", got)
	}
	if got := SelectorWords("printOn:With:"); !strings.Contains(got, "print On") || !strings.Contains(got, "printOn") {
		t.Errorf("SelectorWords = %q", got)
	}
}

// randomDocs are n documents over a small vocabulary.
func randomDocs(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	docs := make([]string, n)
	for i := range docs {
		ws := make([]string, 3+r.IntN(20))
		for j := range ws {
			ws[j] = fmt.Sprintf("w%d", r.IntN(40))
		}
		docs[i] = strings.Join(ws, " ")
	}
	return docs
}

func build(t *testing.T, docs []string, vecs [][]float32) *Segment {
	t.Helper()
	b := NewBuilder()
	for i, d := range docs {
		var v []float32
		if vecs != nil {
			v = vecs[i]
		}
		if err := b.Add(d, v); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Parse(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Merging and removing give the bytes a fresh build of the same
// documents gives; searching many segments gives the scores of one.
func TestMergeWithoutSearch(t *testing.T) {
	docs := randomDocs(60, 3)
	whole := build(t, docs, nil)
	parts := []*Segment{build(t, docs[:25], nil), build(t, docs[25:40], nil), build(t, docs[40:], nil)}
	m, err := Merge(parts)
	if err != nil {
		t.Fatal(err)
	}
	if string(m) != string(whole.data) {
		t.Fatal("a merge differs from a build of the same documents")
	}
	drop := []int{0, 7, 59}
	w, err := Without(whole, drop)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for i, d := range docs {
		if i != 0 && i != 7 && i != 59 {
			kept = append(kept, d)
		}
	}
	if string(w) != string(build(t, kept, nil).data) {
		t.Fatal("removing documents differs from a build without them")
	}
	if err := SameText(whole, docs); err != nil {
		t.Fatal(err)
	}
	if err := SameText(whole, append(append([]string(nil), docs[:59]...), "other words")); err == nil {
		t.Fatal("SameText missed a changed document")
	}
	for _, q := range []string{"w1 w2", "w39", "w5 w6 w7"} {
		for _, all := range []bool{false, true} {
			a, b := Search([]*Segment{whole}, q, 10, all), Search(parts, q, 10, all)
			if len(a) != len(b) {
				t.Fatalf("%q all=%v: %d hits in one segment, %d in three", q, all, len(a), len(b))
			}
			off := []int{0, 25, 40}
			for i := range a {
				if a[i].Doc != off[b[i].Seg]+b[i].Doc || fmt.Sprintf("%.9f", a[i].Score) != fmt.Sprintf("%.9f", b[i].Score) {
					t.Fatalf("%q all=%v hit %d: %+v in one segment, %+v in three", q, all, i, a[i], b[i])
				}
			}
		}
	}
}

// BM25 finds exact terms, ranks the document that repeats the rarer term
// first, and AND wants every term.
func TestSearchBM25(t *testing.T) {
	s := build(t, []string{
		"the cat sat on the mat",
		"a dog and a cat",
		"zebra zebra zebra crossing",
		"a dog",
	}, nil)
	hs := Search([]*Segment{s}, "zebra", 5, false)
	if len(hs) != 1 || hs[0].Doc != 2 {
		t.Fatalf("zebra: %+v", hs)
	}
	hs = Search([]*Segment{s}, "cat dog", 5, false)
	if len(hs) != 3 || hs[0].Doc != 1 {
		t.Fatalf("cat dog: %+v", hs)
	}
	if hs := Search([]*Segment{s}, "cat dog", 5, true); len(hs) != 1 || hs[0].Doc != 1 {
		t.Fatalf("cat AND dog: %+v", hs)
	}
	if hs := Search([]*Segment{s}, "cat unicorn", 5, true); len(hs) != 0 {
		t.Fatalf("cat AND unicorn: %+v", hs)
	}
	if hs := Search([]*Segment{s}, "the and", 5, false); len(hs) != 0 {
		t.Fatalf("stop words matched: %+v", hs)
	}
}

func TestCosineAndErrors(t *testing.T) {
	s := build(t, []string{"a", "b", "c"}, [][]float32{{1, 0}, {0, 1}, {1, 1}})
	hs := Cosine([]*Segment{s}, []float32{2, 0.1}, 2)
	if len(hs) != 2 || hs[0].Doc != 0 || hs[1].Doc != 2 {
		t.Fatalf("cosine: %+v", hs)
	}
	if len(Cosine([]*Segment{s}, []float32{1, 2, 3}, 2)) != 0 {
		t.Fatal("a vector of another dimension matched")
	}
	b := NewBuilder()
	b.Add("x", []float32{1})
	if err := b.Add("y", nil); err == nil {
		t.Fatal("a document without an embedding after one with")
	}
	if _, err := Parse([]byte("BTX1 and garbage")); err == nil {
		t.Fatal("garbage parsed")
	}
	if _, err := Merge([]*Segment{s, build(t, []string{"d"}, nil)}); err == nil {
		t.Fatal("merged segments with and without embeddings")
	}
}

// A segment changed in place (a byte vector is mutable) answers less,
// never panics, and SameText reports it.
func TestCorruptSegment(t *testing.T) {
	docs := randomDocs(30, 5)
	good := build(t, docs, nil).data
	r := rand.New(rand.NewPCG(9, 9))
	for range 2000 {
		b := append([]byte(nil), good...)
		for range 1 + r.IntN(8) {
			b[headerLen+r.IntN(len(b)-headerLen)] = byte(r.IntN(256))
		}
		s, err := Parse(b)
		if err != nil {
			continue
		}
		Search([]*Segment{s}, "w1 w2 w3", 5, false)
		Search([]*Segment{s}, "w1 w2", 5, true)
		s.Postings()
		Without(s, []int{0})
		Merge([]*Segment{s, s})
		SameText(s, docs)
	}
}
