package kernel

import (
	"fmt"
	"strings"

	"batos/guard"
	"batos/llm"
	"batos/llm/grammar"
	"batos/vm"
)

// The prompt is built from the live image: the language's rules, a few
// library methods as examples, the receiver's slots and parents with the
// source of some of their methods, the failed send, and the guardian's
// rejections of earlier attempts. It is budgeted in the model's tokens.

const rules = `You write one method for batos, a Self-like language.
Rules: a method slot is "selector = ( code )"; unary "name = ( ... )",
binary "+ arg = ( ... )", keyword "at: i Put: v = ( ... )" (keyword parts
after the first are capitalised). Statements end with ".". "^ expr"
returns. Blocks are "[| :x | ... ]". Binary messages have no precedence:
parenthesise "(a + b) * c". Unary binds tighter than binary, binary tighter
than keyword. Locals: "( | tmp | ... )". Assign a slot x with "x: value".
"resend.sel" calls the parent's method. Strings use single quotes; indices
start at 0. Do not use primitives (names starting with "_").
`

func (k *Kernel) prompt(t *vm.Thread, m *miss, rejections []guardRejection) (string, int) {
	v := t.VM()
	var head strings.Builder
	head.WriteString(rules)
	var examples, methods []string
	examples = libraryExamples(v)
	var ctx strings.Builder
	fmt.Fprintf(&ctx, "\nThe receiver: %s.\n", m.where)
	if m.traits {
		fmt.Fprintf(&ctx, "The method goes into %s, shared by every %s.\n", m.ownerID, strings.TrimPrefix(m.ownerID, "traits "))
	}
	ctx.WriteString("Its slots:\n")
	seen := map[*vm.Object]bool{}
	var describe func(o *vm.Object, depth int, who string)
	describe = func(o *vm.Object, depth int, who string) {
		if o == nil || seen[o] || depth > 2 {
			return
		}
		seen[o] = true
		for _, s := range v.MapOf(vm.Ref(o)).Slots() {
			if s.Kind == vm.SlotSetter || strings.HasPrefix(s.Name, "{") {
				continue
			}
			kind := s.Kind.String()
			val := o.SlotValue(&s)
			if mm, ok := val.Method(); ok && s.Kind == vm.SlotConst {
				kind = "method"
				if len(methods) < 12 {
					methods = append(methods, mm.Source)
				}
			}
			if s.Parent {
				kind = "parent"
			}
			if depth == 0 {
				line := fmt.Sprintf("  %s (%s)", s.Name, kind)
				if s.Category != "" {
					line += " category " + s.Category
				}
				if kind == "assignable" {
					line += " = " + truncate(v.Describe(val), 40)
				}
				ctx.WriteString(line + "\n")
			}
			if s.Parent {
				describe(val.Obj(), depth+1, s.Name)
			}
		}
	}
	if m.rcv.Obj() != nil {
		describe(m.rcv.Obj(), 0, "receiver")
	} else {
		ctx.WriteString("  (a small integer has no slots of its own)\n")
	}
	if m.traits {
		describe(m.owner, 1, "traits")
	}
	fmt.Fprintf(&ctx, "\nMissing selector: %s\n", m.sel)
	if len(m.args) > 0 {
		ctx.WriteString("Arguments of the failed send:\n")
		for i, a := range m.args {
			fmt.Fprintf(&ctx, "  %d: %s\n", i+1, truncate(v.Describe(a), 60))
		}
	}
	if guard.IsFacet(m.sel) {
		arg := "input"
		fmt.Fprintf(&ctx, `This selector is a cognitive facet: a method that asks the receiver's model
(the name model, found through self) with a system prompt specialised for
its intent. Intent: %s.
Write it as: %s %s = ( model infer: %s With: (modelOptions copy system: '<one or two sentences for the intent>') )
`, facetIntent(v, m), m.sel, arg, arg)
	}
	if k.cfg.Catalog != nil {
		for _, c := range k.cfg.Catalog(m.sel) {
			ctx.WriteString("Note: " + c + "\n")
		}
	}
	var tail strings.Builder
	for i, r := range rejections {
		fmt.Fprintf(&tail, "Attempt %d was rejected: %s\n", i+1, r.Error())
	}
	fmt.Fprintf(&tail, "\nWrite the method slot for '%s' (answer with the slot only):\n", m.sel)

	// fit the context: the completion gets at most half of it; then drop
	// method sources, examples, the rules and the receiver's slots, in
	// that order (the selector and the instruction always stay)
	maxTok := k.cfg.MaxTokens
	model, err := k.cfg.Registry.Get(k.cfg.Model)
	budget := 1 << 30
	count := func(s string) int { return len(s) / 3 }
	if err == nil {
		if c := model.Info().ContextLen; c > 0 {
			maxTok = min(maxTok, c/2)
			budget = c - maxTok - 8
		}
		ctx, stop := t.CancelContext() // Ctrl-C stops a remote tokenizer
		defer stop()
		count = func(s string) int {
			toks, err := llm.Tokenize(ctx, model, s)
			if err != nil {
				return len(s) / 3
			}
			return len(toks)
		}
	}
	withRules, withCtx := true, true
	build := func() string {
		var b strings.Builder
		if withRules {
			b.WriteString(head.String())
		}
		if len(examples) > 0 {
			b.WriteString("Examples from the library:\n")
			for _, e := range examples {
				b.WriteString("  " + e + "\n")
			}
		}
		if withCtx {
			b.WriteString(ctx.String())
		} else {
			fmt.Fprintf(&b, "Missing selector: %s\n", m.sel)
		}
		if len(methods) > 0 {
			b.WriteString("Methods of the receiver and its parents:\n")
			for _, s := range methods {
				b.WriteString("  " + s + "\n")
			}
		}
		b.WriteString(tail.String())
		return b.String()
	}
	p := build()
	for count(p) > budget {
		switch {
		case len(methods) > 0:
			methods = methods[:len(methods)-1]
		case len(examples) > 0:
			examples = examples[:len(examples)-1]
		case withRules:
			withRules = false
		case withCtx:
			withCtx = false
		default:
			return p, maxTok // the model reports what still does not fit
		}
		p = build()
	}
	return p, maxTok
}

// facetIntent is what a facet is for: the words of its selector's stem
// (summaryFacet: -> "summary"; riskAssessmentFacet: -> "risk assessment")
// and, when the receiver has one, its annotation (its {} = '...' comment).
func facetIntent(v *vm.VM, m *miss) string {
	stem := strings.TrimSuffix(m.sel, "Facet:")
	var words []string
	start := 0
	for i := 1; i <= len(stem); i++ {
		if i == len(stem) || (stem[i] >= 'A' && stem[i] <= 'Z') {
			words = append(words, strings.ToLower(stem[start:i]))
			start = i
		}
	}
	intent := strings.Join(words, " ")
	if ann := v.MapOf(m.rcv).Annotation; ann != "" {
		intent += " (the receiver: " + truncate(ann, 200) + ")"
	}
	return intent
}

type guardRejection interface{ Error() string }

// libraryExamples picks a few short library methods as examples.
func libraryExamples(v *vm.VM) []string {
	var out []string
	for _, k := range []vm.Kind{vm.KInt, vm.KVector, vm.KString} {
		tr := v.Traits[k]
		if tr == nil {
			continue
		}
		n := 0
		for _, s := range v.MapOf(vm.Ref(tr)).Slots() {
			if mm, ok := tr.SlotValue(&s).Method(); ok && len(mm.Source) < 90 && !strings.Contains(mm.Source, "_") {
				out = append(out, mm.Source)
				if n++; n == 2 {
					break
				}
			}
		}
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

// grammar is the method-slot grammar the model samples under, pinned to
// the missing selector and its arity (the general one for a selector no
// slot can declare, which the guardian then rejects).
func (k *Kernel) grammar(sel string) string {
	g, err := grammar.MethodSlotFor(sel)
	if err != nil {
		g, err = grammar.MethodSlotGBNF()
	}
	if err != nil {
		return ""
	}
	return g
}
