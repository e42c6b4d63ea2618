package repl

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"batos/lang"
	"batos/stdlib"
	"batos/vm"
)

// The REPL's looking commands: :inspect EXPR, :source EXPR SELECTOR,
// :browse and :more. They evaluate their expression as an entry is (one
// transaction, errors reported with their position) and print what they
// found.

// valueWidth is how much of a slot's printString :inspect and :browse
// show.
const valueWidth = 60

// Limits on a result's printString at the prompt; :more shows it whole.
const (
	maxResultBytes = 4000
	maxResultLines = 60
)

// withValue evaluates src as an entry and calls show with its value, in
// the entry's transaction; it prints what show returns, or the error.
func (s *session) withValue(src string, show func(v vm.Value) (string, error)) {
	src = strings.TrimSpace(src)
	s.n++
	name := fmt.Sprintf("<repl-%d>", s.n)
	f, err := lang.Parse(name, src)
	if err == nil && len(f.Stmts) == 0 {
		err = errors.New("want an expression")
	}
	if err != nil {
		s.report(err, name, src)
		return
	}
	if out, ok := s.transact(f, name, src, show); ok {
		fmt.Fprint(s.out, out)
	}
}

// inspect implements :inspect EXPR: the value's printString, its comment,
// its parents and its slots (name, kind, value).
func (s *session) inspect(args string) {
	if strings.TrimSpace(args) == "" {
		fmt.Fprintln(s.errs, ":inspect: want an expression, as in :inspect traits string")
		return
	}
	s.withValue(args, func(v vm.Value) (string, error) {
		return inspectValue(s.t, v)
	})
}

// inspectValue describes v for :inspect.
func inspectValue(t *vm.Thread, v vm.Value) (string, error) {
	str, err := printString(t, v)
	if err != nil {
		return "", err
	}
	w := t.VM()
	names := objectNames(w)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", clip(str, 2*valueWidth))
	m := w.MapOf(v)
	if a := strings.TrimSpace(m.Annotation); a != "" {
		fmt.Fprintf(&b, "comment: %s\n", clip(strings.Join(strings.Fields(a), " "), 2*valueWidth))
	}
	var parents, slots [][]string
	for _, sl := range m.Slots() {
		if sl.Kind == vm.SlotSetter || sl.Kind == vm.SlotBlockValue {
			continue
		}
		val := slotValue(v, sl)
		desc, err := describeValue(t, val, names)
		if err != nil {
			return "", err
		}
		if sl.Parent {
			kind := "="
			if sl.Kind == vm.SlotData {
				kind = "<-"
			}
			parents = append(parents, []string{sl.Name + "*", kind, desc})
			continue
		}
		kind := "constant"
		switch {
		case sl.Kind == vm.SlotData:
			kind = "assignable"
		case isMethod(val):
			kind = "method"
			m, _ := val.Method()
			desc = methodHead(m.Source, sl.Name)
			if c := lang.FirstCommentLine(methodText(m)); c != "" {
				desc += "  \"" + c + "\""
			}
			desc = clip(desc, valueWidth)
		}
		if c := category(sl.Category); c != "" {
			kind += " [" + c + "]"
		}
		slots = append(slots, []string{sl.Name, kind, desc})
	}
	if len(parents) > 0 {
		b.WriteString("parents:\n")
		writeColumns(&b, parents)
	}
	if len(slots) > 0 {
		b.WriteString("slots:\n")
		writeColumns(&b, slots)
	} else {
		b.WriteString("no slots of its own\n")
	}
	return b.String(), nil
}

// source implements :source EXPR SELECTOR: the source, as written, of
// the method that EXPR's value runs for SELECTOR.
func (s *session) source(args string) error {
	f := strings.Fields(args)
	if len(f) < 2 {
		return errors.New("want EXPR SELECTOR, as in :source 3 factorial")
	}
	sel := f[len(f)-1]
	expr := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(args), sel))
	s.withValue(expr, func(v vm.Value) (string, error) {
		return methodSource(s.t, v, sel)
	})
	return nil
}

// methodSource returns the text of the method v runs for sel.
func methodSource(t *vm.Thread, v vm.Value, sel string) (string, error) {
	w := t.VM()
	r := w.Lookup(v, sel)
	if !r.Found() {
		return "", fmt.Errorf("%s does not understand '%s'", w.Describe(v), sel)
	}
	var holder vm.Value
	if r.Holder != nil {
		holder = vm.Ref(r.Holder)
	}
	val := slotValue(holder, *r.Slot)
	m, ok := val.Method()
	if !ok {
		kind := "a constant slot"
		if r.Slot.Kind == vm.SlotData || r.Slot.Kind == vm.SlotSetter {
			kind = "an assignable slot"
		} else if r.Slot.Kind == vm.SlotBlockValue {
			kind = "a block's own value slot"
		}
		return "", fmt.Errorf("'%s' is %s, not a method", sel, kind)
	}
	text := methodText(m)
	where := ""
	if names := objectNames(w); r.Holder != nil {
		if n, ok := names[r.Holder.OID()]; ok {
			where = "in " + n
		} else {
			where = "in " + w.Describe(holder)
		}
	}
	if m.File != "" {
		if where != "" {
			where += ", "
		}
		where += "from " + m.File
		if m.At.IsValid() {
			where += fmt.Sprintf(":%d", m.At.Line)
		}
	}
	out := strings.TrimRight(text, " \t\n") + "\n"
	if where != "" {
		out = "\"" + where + "\"\n" + out
	}
	return out, nil
}

// methodText returns a method's text as written, else its canonical
// source.
func methodText(m *vm.Method) string {
	if m.Text != "" {
		return m.Text
	}
	if t := libraryText(m); t != "" {
		return t
	}
	return m.Source
}

// libraryText returns the text of a library method as written in its
// file (the library is loaded without keeping its texts), or "".
func libraryText(m *vm.Method) string {
	name, ok := strings.CutPrefix(m.File, stdlib.LibraryPrefix)
	if !ok || !m.At.IsValid() {
		return ""
	}
	src, err := stdlib.Source(name)
	off := m.At.Offset
	if err != nil || off < 0 || off >= len(src) {
		return ""
	}
	open := strings.IndexByte(src[off:], '(')
	if open < 0 {
		return ""
	}
	for j := off + open + 1; j < len(src); j++ {
		if src[j] == ')' && lang.Balanced(src[off:j+1]) {
			return src[off : j+1]
		}
	}
	return ""
}

// browse implements :browse: the lobby's slots by category.
func (s *session) browse() {
	w := s.t.VM()
	names := objectNames(w)
	lobby := vm.Ref(w.Lobby)
	var cats []string
	byCat := map[string][][]string{}
	_, err := s.t.Call(func() vm.Value {
		for _, sl := range w.MapOf(lobby).Slots() {
			if sl.Kind == vm.SlotSetter {
				continue
			}
			val := slotValue(lobby, sl)
			var desc string
			switch {
			case isMethod(val):
				m, _ := val.Method()
				desc = "method  " + clip(methodHead(m.Source, sl.Name), valueWidth)
			case val.Kind() == vm.KPlain && val.Obj() != nil && val.Obj() != w.Lobby:
				desc = "object"
				if a := strings.TrimSpace(w.MapOf(val).Annotation); a != "" {
					desc += "  " + clip(firstSentence(a), valueWidth)
				}
			default:
				d, err := describeValue(s.t, val, names)
				if err != nil {
					d = w.Describe(val)
				}
				desc = "value  " + d
				if sl.Kind == vm.SlotData {
					desc = "assignable  " + d
				}
			}
			name := sl.Name
			if sl.Parent {
				name += "*"
			}
			c := category(sl.Category)
			if _, ok := byCat[c]; !ok {
				cats = append(cats, c)
			}
			byCat[c] = append(byCat[c], []string{name, desc})
		}
		return vm.Value{}
	})
	s.t.VM().Abort() // printStrings change nothing that should stay
	if err != nil {
		s.report(err, "", "")
		return
	}
	var b strings.Builder
	for _, c := range cats {
		label := c
		if label == "" {
			label = "(no category)"
		}
		b.WriteString(label + ":\n")
		writeColumns(&b, byCat[c])
	}
	b.WriteString("(:inspect NAME shows one of them)\n")
	fmt.Fprint(s.out, b.String())
}

// objectNames names the plain objects reachable from the lobby through
// constant slots by the first path that reaches them ("traits string").
func objectNames(w *vm.VM) map[vm.OID]string {
	lobby := vm.Ref(w.Lobby)
	names := map[vm.OID]string{w.Lobby.OID(): "lobby"}
	type entry struct {
		name string
		v    vm.Value
	}
	queue := []entry{{"lobby", lobby}}
	for i := 0; i < len(queue) && i < 2000; i++ {
		cur := queue[i]
		for _, sl := range w.MapOf(cur.v).Slots() {
			if sl.Kind != vm.SlotConst {
				continue
			}
			o := sl.Const.Obj()
			if sl.Const.Kind() != vm.KPlain || o == nil {
				continue
			}
			if _, seen := names[o.OID()]; seen {
				continue
			}
			name := sl.Name
			if cur.name != "lobby" && !sl.Parent {
				name = cur.name + " " + sl.Name
			}
			names[o.OID()] = name
			queue = append(queue, entry{name, sl.Const})
		}
	}
	return names
}

// slotValue returns the value of slot sl of holder.
func slotValue(holder vm.Value, sl vm.Slot) vm.Value {
	if sl.Kind == vm.SlotData {
		if o := holder.Obj(); o != nil {
			return o.SlotValue(&sl)
		}
	}
	return sl.Const
}

func isMethod(v vm.Value) bool {
	if v.Obj() == nil {
		return false
	}
	_, ok := v.Method()
	return ok
}

// describeValue names an object of the library by its path, anything
// else by its printString, clipped.
func describeValue(t *vm.Thread, v vm.Value, names map[vm.OID]string) (string, error) {
	if o := v.Obj(); o != nil {
		if n, ok := names[o.OID()]; ok {
			return n, nil
		}
	}
	if v.Kind() == vm.KBlock {
		return t.VM().Describe(v), nil
	}
	str, err := printString(t, v)
	if err != nil {
		var e *vm.Error
		if errors.As(err, &e) && e.Kind != vm.ErrInterrupted && e.Kind != vm.ErrBudget {
			return t.VM().Describe(v) + " (printString failed)", nil
		}
		return "", err
	}
	return clip(str, valueWidth), nil
}

// methodHead returns a method's selector with its argument names, from
// its canonical source.
func methodHead(src, sel string) string {
	if i := strings.Index(src, " = ("); i >= 0 {
		return strings.TrimSpace(src[:i])
	}
	return sel
}

// category returns the category named in a slot's annotation.
func category(annot string) string {
	if i := strings.LastIndex(annot, "Category:"); i >= 0 {
		annot = annot[i+len("Category:"):]
	}
	return strings.TrimSpace(annot)
}

// firstSentence returns the first line or sentence of a comment.
func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	return s
}

// clip shortens s to its first line and at most n characters, marking
// what it left out with "...".
func clip(s string, n int) string {
	cut := false
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s, cut = s[:i], true
	}
	if utf8.RuneCountInString(s) > n {
		r := []rune(s)
		s, cut = string(r[:n-3]), true
	}
	if cut {
		s += "..."
	}
	return s
}

// writeColumns writes rows of cells, each column but the last aligned
// (up to 24 characters wide).
func writeColumns(b *strings.Builder, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r[:len(r)-1] {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			if n := utf8.RuneCountInString(c); n > widths[i] {
				widths[i] = min(n, 24)
			}
		}
	}
	for _, r := range rows {
		b.WriteString("  ")
		for i, c := range r[:len(r)-1] {
			fmt.Fprintf(b, "%-*s  ", widths[i], c)
		}
		b.WriteString(r[len(r)-1] + "\n")
	}
}

// truncateResult shortens a long printString for the prompt. It reports
// whether it did.
func truncateResult(s string) (string, bool) {
	cut := len(s)
	if cut > maxResultBytes {
		cut = maxResultBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	lines := 0
	for i := 0; i < cut; i++ {
		if s[i] == '\n' {
			lines++
			if lines == maxResultLines {
				cut = i
				break
			}
		}
	}
	if cut == len(s) {
		return s, false
	}
	return s[:cut], true
}
