package grammar

import (
	"container/list"
	"fmt"
	"strings"
	"sync"

	"batos/lang"
)

// A grammar pinned to one selector: what the generative kernel samples
// under when a send of that selector was not understood. It is the
// method-slot grammar with the head fixed to the selector's parts and
// its arity; argument names stay free.

// headRule is the variant of GHead the derivation makes (depth 0).
var headRule = variant("GHead", 0)

// MethodSlotFor is the method-slot grammar pinned to sel, in llama.cpp's
// format (root rule "root"): `reset = (...)` for a unary selector, `+ arg
// = (...)` for a binary one, `at: i Put: v = (...)` for a keyword one,
// with free argument names. Grammars are cached per selector (the most
// recently used pinnedCacheSize).
func MethodSlotFor(sel string) (string, error) {
	if text, ok := pinned.get(sel); ok {
		return text, nil
	}
	g, err := MethodSlotPinned(sel)
	if err != nil {
		return "", err
	}
	text := g.GBNF()
	pinned.put(sel, text)
	return text, nil
}

// MethodSlotPinned is the grammar of MethodSlotFor.
func MethodSlotPinned(sel string) (*Grammar, error) {
	g, err := MethodSlot()
	if err != nil {
		return nil, err
	}
	return Pin(g, sel)
}

// Pin returns a copy of the derived method-slot grammar g whose head is
// sel. The selector must be one a method slot can declare (checked with
// lang's parser).
func Pin(g *Grammar, sel string) (*Grammar, error) {
	if err := checkSelector(sel); err != nil {
		return nil, err
	}
	if _, ok := g.Rules[headRule]; !ok {
		return nil, fmt.Errorf("grammar: %s has no method head to pin", g.Root)
	}
	var head Expr
	switch parts := keywordParts(sel); {
	case len(parts) > 0:
		var items []Expr
		for i, p := range parts {
			if i > 0 {
				items = append(items, Lit{" "})
			}
			items = append(items, Lit{p}, Lit{" "}, Ref{"tok-name"})
		}
		head = Seq{items}
	case lang.Arity(sel) == 1:
		head = Seq{[]Expr{Lit{sel}, Opt(Lit{" "}), Ref{"tok-name"}}}
	default:
		head = Lit{sel}
	}
	out := New(g.Root)
	for name, e := range g.Rules {
		out.Rules[name] = e
	}
	out.Rules[headRule] = head
	if _, ok := out.Rules["tok-name"]; !ok {
		return nil, fmt.Errorf("grammar: %s has no names for arguments", g.Root)
	}
	out.prune()
	return out, out.Check()
}

// checkSelector reports a selector that cannot head a method slot.
func checkSelector(sel string) error {
	bad := func(why string) error { return fmt.Errorf("grammar: cannot pin a method to selector %q: %s", sel, why) }
	if sel == "" || strings.ContainsAny(sel, " \t\r\n") {
		return bad("not a selector")
	}
	head := sel
	if parts := keywordParts(sel); len(parts) > 0 {
		var b strings.Builder
		for i, p := range parts {
			fmt.Fprintf(&b, "%s a%d ", p, i)
		}
		head = b.String()
	} else if lang.Arity(sel) == 1 {
		head = sel + " a"
	}
	e, err := lang.ParseExpr("selector", "(| "+head+" = (self) |)")
	if err != nil {
		return bad(err.Error())
	}
	o, ok := e.(*lang.Object)
	if !ok || len(o.Slots) != 1 || o.Slots[0].Name != sel {
		return bad("it does not read back as one slot of that name")
	}
	return nil
}

// keywordParts splits a keyword selector ("at:Put:") into its parts, or
// returns nil for a unary or binary one.
func keywordParts(sel string) []string {
	if !strings.HasSuffix(sel, ":") {
		return nil
	}
	var parts []string
	for s := sel; s != ""; {
		i := strings.IndexByte(s, ':')
		parts = append(parts, s[:i+1])
		s = s[i+1:]
	}
	return parts
}

// prune removes the rules the root cannot reach.
func (g *Grammar) prune() {
	seen := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		e, ok := g.Rules[name]
		if !ok {
			return
		}
		walk(e, func(x Expr) {
			if r, ok := x.(Ref); ok {
				visit(r.Name)
			}
		})
	}
	visit(g.Root)
	for name := range g.Rules {
		if !seen[name] {
			delete(g.Rules, name)
		}
	}
}

// pinnedCacheSize bounds the cache of MethodSlotFor.
const pinnedCacheSize = 64

var pinned = newLRU(pinnedCacheSize)

// lru is a small least-recently-used cache of strings.
type lru struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *lruEntry, most recent first
	items map[string]*list.Element
}

type lruEntry struct{ key, val string }

func newLRU(max int) *lru {
	return &lru{max: max, order: list.New(), items: map[string]*list.Element{}}
}

func (c *lru) get(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return "", false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry).val, true
}

func (c *lru) put(key, val string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value.(*lruEntry).val = val
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&lruEntry{key, val})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*lruEntry).key)
	}
}

func (c *lru) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
