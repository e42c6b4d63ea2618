package prims

import (
	"sort"
	"strings"

	"batos/lang"
	"batos/vm"
)

// suggest returns up to three selectors r understands that are near sel
// (by edit distance, with the same number of arguments), for "did you
// mean" hints.
func suggest(t *vm.Thread, r vm.Value, sel string) []string {
	type cand struct {
		s string
		d int
	}
	if lang.Arity(sel) == 1 && !strings.HasSuffix(sel, ":") {
		return nil // a binary operator: its neighbours are other operators, not typos
	}
	limit := max(1, len(sel)/4)
	var cs []cand
	for _, s := range t.VM().Selectors(r) {
		if s == sel || strings.HasPrefix(s, "_") || lang.Arity(s) != lang.Arity(sel) {
			continue
		}
		if d := editDistance(strings.ToLower(s), strings.ToLower(sel)); d <= limit {
			cs = append(cs, cand{s, d})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].s < cs[j].s
	})
	var out []string
	for i := 0; i < len(cs) && i < 3; i++ {
		out = append(out, cs[i].s)
	}
	return out
}

// didYouMean renders suggestions: " (did you mean 'reverse'?)".
func didYouMean(s []string) string {
	if len(s) == 0 {
		return ""
	}
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = "'" + x + "'"
	}
	return " (did you mean " + strings.Join(q, " or ") + "?)"
}

// editDistance is the Levenshtein distance of a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
