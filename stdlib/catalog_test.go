package stdlib_test

import (
	"encoding/json"
	"os"
	"sort"
	"testing"

	"batos/stdlib"
	"batos/vm"
)

// retrievalSet is testdata/retrieval/set.json.
type retrievalSet struct {
	Docs    map[string]string
	Queries []struct {
		Q        string
		Relevant []string
		Exact    bool
	}
}

// TestCatalogRecall indexes the labelled set through `catalog index:`
// and reports recall@5 (the share of relevant documents among the top 5
// chunks' documents, averaged over the queries), lexical and hybrid (the
// scripted model's trigram embeddings), and how often the first hit is
// relevant. Exact-term queries must find
// their documents.
func TestCatalogRecall(t *testing.T) {
	b, err := os.ReadFile("testdata/retrieval/set.json")
	if err != nil {
		t.Fatal(err)
	}
	var set retrievalSet
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(set.Docs))
	for id := range set.Docs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, mode := range []string{"bm25", "hybrid"} {
		th, err := stdlib.Boot(vm.Options{})
		if err != nil {
			t.Fatal(err)
		}
		v := th.VM()
		eval := func(src string) vm.Value {
			r, err := th.EvalString("test", src)
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			return r
		}
		if mode == "hybrid" {
			eval("catalog embedWith: (model scripted: vector copy)")
		}
		cat := eval("catalog")
		for _, id := range ids {
			if _, err := th.Call(func() vm.Value {
				return th.Send(cat, "index:Id:Metadata:", v.String(set.Docs[id]), v.String(id), v.NilValue())
			}); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := th.PrintString(eval("catalog mode")); got != "'"+mode+"'" {
			t.Fatalf("mode %s, want %s", got, mode)
		}
		var recall, first float64
		for _, q := range set.Queries {
			var found []string
			if _, err := th.Call(func() vm.Value {
				hits := th.Send(cat, "search:Top:", v.String(q.Q), vm.Int(5))
				hs, _ := hits.Vector()
				for _, h := range hs {
					id, _ := th.Send(h, "docId").Str()
					found = append(found, id)
				}
				return hits
			}); err != nil {
				t.Fatal(err)
			}
			hit := 0
			for _, r := range q.Relevant {
				for _, f := range found {
					if f == r {
						hit++
						break
					}
				}
			}
			recall += float64(hit) / float64(len(q.Relevant))
			for _, r := range q.Relevant {
				if len(found) > 0 && found[0] == r {
					first++
				}
			}
			if hit < len(q.Relevant) {
				t.Logf("%s: %q found %v, wanted %v", mode, q.Q, found, q.Relevant)
			}
			if q.Exact && hit != len(q.Relevant) {
				t.Errorf("%s: exact-term query %q found %v, want %v among them", mode, q.Q, found, q.Relevant)
			}
		}
		recall /= float64(len(set.Queries))
		first /= float64(len(set.Queries))
		t.Logf("%s: recall@5 %.3f (the first hit relevant: %.3f) over %d queries and %d documents", mode, recall, first, len(set.Queries), len(ids))
		if recall < 0.75 {
			t.Errorf("%s: recall@5 %.3f, below 0.75", mode, recall)
		}
	}
}
