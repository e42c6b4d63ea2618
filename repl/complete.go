package repl

import (
	"sort"
	"strings"
	"unicode"

	"batos/vm"
)

// completer proposes completions for the word before the cursor. It
// never runs batos code: it reads maps and slot values only.
//
// The receiver of the word is guessed from the text before it: nothing,
// an operator, a keyword or an opening bracket mean the implicit receiver
// (the lobby); a literal means its traits; a chain of unary names that
// are constant or assignable slots (`traits vector`, `list`) is followed
// slot by slot. When the receiver cannot be known without running code
// (`(...)`, a method's result), every selector of the lobby and of the
// traits is offered. A capitalised word continues a keyword message and
// is completed from the later parts of keyword selectors.
type completer struct {
	t        *vm.Thread
	commands []string // ":help", ... sorted

	epoch uint64   // VM epoch the caches below were built for
	valid bool     // the caches are built
	all   []string // every known first part
	caps  []string // every later keyword part ("Put:")
}

func newCompleter(t *vm.Thread, commands []string) *completer {
	return &completer{t: t, commands: commands}
}

// maxChain bounds how many unary sends are followed to find a receiver.
const maxChain = 8

// Complete implements liner.WordCompleter: line is the whole line, pos
// the cursor position in runes.
func (c *completer) Complete(line string, pos int) (head string, completions []string, tail string) {
	r := []rune(line)
	if pos > len(r) {
		pos = len(r)
	}
	before, tail := string(r[:pos]), string(r[pos:])

	if t := strings.TrimLeft(before, " \t"); strings.HasPrefix(t, ":") && !strings.ContainsAny(t, " \t") {
		head = before[:len(before)-len(t)]
		return head, withPrefix(c.commands, t), tail
	}

	start := len(before)
	for start > 0 && isIdentByte(before[start-1]) {
		start--
	}
	head, word := before[:start], before[start:]
	if word != "" && !isLetterOrUnderscore(word[0]) {
		return head, nil, tail // a number
	}
	if word != "" && unicode.IsUpper(rune(word[0])) {
		c.refresh()
		return head, withPrefix(c.caps, word), tail
	}
	if word == "" && (head == "" || !unicode.IsSpace(rune(head[len(head)-1]))) {
		return head, nil, tail
	}
	recv, ok := c.receiver(head, maxChain)
	if !ok {
		if word == "" {
			return head, nil, tail // too many to list
		}
		c.refresh()
		return head, withPrefix(c.all, word), tail
	}
	return head, withPrefix(firstParts(c.selectors(recv)), word), tail
}

// receiver guesses the value that the word following text is sent to.
// ok is false when it cannot be known without running code.
func (c *completer) receiver(text string, depth int) (v vm.Value, ok bool) {
	text = strings.TrimRight(text, " \t")
	lobby := vm.Ref(c.t.VM().Lobby)
	if text == "" {
		return lobby, true
	}
	traits := c.t.VM().Traits
	last := text[len(text)-1]
	switch {
	case last == ')':
		return v, false
	case last == ']':
		return vm.Ref(traits[vm.KBlock]), true
	case last == '\'':
		return vm.Ref(traits[vm.KString]), true
	case !isIdentByte(last):
		// an operator, a keyword's colon, an opening bracket, '.', '^':
		// the word starts a new expression, sent to the lobby
		return lobby, true
	}
	start := len(text)
	for start > 0 && isIdentByte(text[start-1]) {
		start--
	}
	tok, rest := text[start:], text[:start]
	if !isLetterOrUnderscore(tok[0]) { // a number
		if len(rest) >= 2 && rest[len(rest)-1] == '.' && isDigit(rest[len(rest)-2]) {
			return vm.Ref(traits[vm.KFloat]), true
		}
		if strings.ContainsAny(tok, "eE") && !strings.ContainsAny(tok, "rR") {
			return vm.Ref(traits[vm.KFloat]), true
		}
		return vm.Int(0), true
	}
	if depth == 0 {
		return v, false
	}
	if tok == "self" {
		return lobby, true
	}
	recv, ok := c.receiver(rest, depth-1)
	if !ok {
		return v, false
	}
	return c.slotValue(recv, tok)
}

// slotValue returns the value of the slot name found by looking it up
// from v, if it is a data slot or a constant that is not a method.
func (c *completer) slotValue(v vm.Value, name string) (vm.Value, bool) {
	r := c.t.VM().Lookup(v, name)
	holder, slot := r.Holder, r.Slot
	if !r.Found() || r.Ambiguous {
		return vm.Value{}, false
	}
	switch slot.Kind {
	case vm.SlotConst:
		if _, isMethod := slot.Const.Method(); isMethod {
			return vm.Value{}, false
		}
		return slot.Const, true
	case vm.SlotData:
		if holder == nil {
			return vm.Value{}, false
		}
		return holder.SlotValue(slot), true
	}
	return vm.Value{}, false
}

// selectors returns the names of every slot of v and of its ancestors.
func (c *completer) selectors(v vm.Value) []string {
	var names []string
	c.walk(v, map[vm.Value]bool{}, func(s string) { names = append(names, s) })
	return names
}

// walk calls add for every slot name of v and its ancestors.
func (c *completer) walk(v vm.Value, seen map[vm.Value]bool, add func(string)) {
	if seen[v] {
		return
	}
	seen[v] = true
	m := c.t.VM().MapOf(v)
	for _, s := range m.Slots() {
		add(s.Name)
		if !s.Parent {
			continue
		}
		switch s.Kind {
		case vm.SlotConst:
			c.walk(s.Const, seen, add)
		case vm.SlotData:
			if o := v.Obj(); o != nil {
				c.walk(o.SlotValue(&s), seen, add)
			}
		}
	}
}

// refresh rebuilds the global candidate lists when the world changed:
// the selectors of the lobby and its ancestors, and of every traits
// object and its ancestors.
func (c *completer) refresh() {
	v := c.t.VM()
	if c.valid && c.epoch == v.Epoch() {
		return
	}
	seen := map[vm.Value]bool{}
	var names []string
	add := func(s string) { names = append(names, s) }
	c.walk(vm.Ref(v.Lobby), seen, add)
	for _, tr := range v.Traits {
		if tr != nil {
			c.walk(vm.Ref(tr), seen, add)
		}
	}
	if ns, ok := c.slotValue(vm.Ref(v.Lobby), "traits"); ok {
		for _, s := range v.MapOf(ns).Slots() {
			if s.Kind == vm.SlotConst {
				c.walk(s.Const, seen, add)
			}
		}
	}
	c.all = firstParts(names)
	c.caps = laterParts(names)
	c.epoch, c.valid = v.Epoch(), true
}

// firstParts turns selectors into what can be typed as one word: unary
// names and the first part of keyword selectors ("at:" of "at:Put:").
// Binary operators are left out. The result is sorted and unique.
func firstParts(sels []string) []string {
	var out []string
	for _, s := range sels {
		if s == "" || !isLetterOrUnderscore(s[0]) {
			continue
		}
		if i := strings.IndexByte(s, ':'); i >= 0 {
			s = s[:i+1]
		}
		out = append(out, s)
	}
	return uniq(out)
}

// laterParts returns the capitalised parts of keyword selectors ("Put:"
// of "at:Put:"), sorted and unique.
func laterParts(sels []string) []string {
	var out []string
	for _, s := range sels {
		parts := strings.SplitAfter(s, ":")
		for _, p := range parts[1:] {
			if p != "" && unicode.IsUpper(rune(p[0])) {
				out = append(out, p)
			}
		}
	}
	return uniq(out)
}

func uniq(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// withPrefix returns the elements of sorted that start with prefix.
func withPrefix(sorted []string, prefix string) []string {
	var out []string
	for _, s := range sorted {
		if strings.HasPrefix(s, prefix) {
			out = append(out, s)
		}
	}
	return out
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

func isLetterOrUnderscore(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || b == '_'
}

func isIdentByte(b byte) bool { return isLetterOrUnderscore(b) || isDigit(b) }
