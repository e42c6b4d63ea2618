package vm_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// Inlined control structures behave as the real sends they stand for.
// Random methods mix ifTrue:, ifFalse:, ifTrue:False:, ifFalse:True:,
// and:, or:, to:Do:, timesRepeat:, whileTrue: and whileFalse: with side
// effects (appending to log) and `^` anywhere: in
// statements, inside expressions whose value is used, and in loop bodies.
// Each runs twice: with true or false and the integer 1, whose sends are
// compiled inline, and with objects of the library's shape (yes, no,
// one) whose sends are real (and, for whileTrue: and whileFalse:, with
// the condition block passed through a send, so that it is not a literal
// and the library's method loops), so the blocks run as blocks and their `^`
// are real non-local returns. The two runs must answer the same value
// and leave the same log.
func TestInlineEqualsRealSends(t *testing.T) {
	th, _ := boot(t)
	eval(t, th, `lobby _AddSlots: (| log <- ''.
		yes = (| parent* = lobby. ifTrue: b = ( b value ). ifFalse: b = ( nil ). ifTrue: t False: f = ( t value ).
			ifFalse: f True: t = ( t value ). and: b = ( b value ). or: b = ( true ) |).
		no = (| parent* = lobby. ifTrue: b = ( nil ). ifFalse: b = ( b value ). ifTrue: t False: f = ( f value ).
			ifFalse: f True: t = ( f value ). and: b = ( false ). or: b = ( b value ) |).
		pass: b = ( b ).
		one = (| to: n Do: b = ( 1 to: n Do: [| :i | b value: i ] ). timesRepeat: b = ( b value ) |) |)`)
	rng := rand.New(rand.NewPCG(12, 7))
	programs := 300
	if testing.Short() {
		programs = 50
	}
	for p := 0; p < programs; p++ {
		g := &progGen{rng: rng}
		body := g.stmts(3, 1+rng.IntN(4))
		// a loop's condition is inlined when it is a literal block; passed
		// through a send (pass:), it is a block the library's whileTrue:
		// runs
		inlined := strings.ReplaceAll(strings.ReplaceAll(body, "«", "["), "»", "]")
		sent := strings.ReplaceAll(strings.ReplaceAll(body, "«", "(pass: ["), "»", "])")
		locals := "| k1 <- 0. k2 <- 0. k3 <- 0 | "
		eval(t, th, fmt.Sprintf("lobby _AddSlots: (| m%d: c R: r = ( %s%s. 'end' ). s%d: c R: r = ( %s%s. 'end' ) |)",
			p, locals, inlined, p, locals, sent))
		for _, run := range [][2]string{{"m%d: true R: 1", "s%d: yes R: one"}, {"m%d: false R: 1", "s%d: no R: one"}, {"m%d: true R: one", "s%d: yes R: 1"}} {
			var got [2]string
			for i, call := range run {
				eval(t, th, "log: ''")
				v := eval(t, th, fmt.Sprintf(call, p))
				got[i] = v + " log " + eval(t, th, "log")
			}
			if got[0] != got[1] {
				t.Fatalf("%s: inlined %s; %s: sent %s\nbody: %s", fmt.Sprintf(run[0], p), got[0], fmt.Sprintf(run[1], p), got[1], sent)
			}
		}
	}
}

// progGen writes random statement lists for TestInlineEqualsRealSends.
type progGen struct {
	rng *rand.Rand
	n   int
}

func (g *progGen) tag() string {
	g.n++
	return fmt.Sprint(g.n)
}

// stmts returns n statements, nesting at most depth deep.
func (g *progGen) stmts(depth, n int) string {
	var ss []string
	for range n {
		ss = append(ss, g.stmt(depth))
	}
	return strings.Join(ss, ". ")
}

func (g *progGen) block(depth int) string {
	return g.stmts(depth-1, 1+g.rng.IntN(3))
}

func (g *progGen) stmt(depth int) string {
	k := g.rng.IntN(14)
	if depth <= 0 {
		k = g.rng.IntN(3)
	}
	switch k {
	case 0, 1:
		return "log: log, '" + g.tag() + "'"
	case 2:
		return "^ 'r" + g.tag() + "'"
	case 3:
		return "c ifTrue: [ " + g.block(depth) + " ]"
	case 4:
		return "c ifFalse: [ " + g.block(depth) + " ]"
	case 5:
		return "c and: [ " + g.block(depth) + ". true ]"
	case 6:
		return "c or: [ " + g.block(depth) + ". true ]"
	case 7:
		return "r to: 2 Do: [| :i | log: log, i printString. " + g.block(depth) + " ]"
	case 8:
		return "r timesRepeat: [ log: log, 't'. " + g.block(depth) + " ]"
	case 10, 11:
		// a loop of two rounds; its counter is the method's local for
		// this depth, so nested loops do not share one
		k := fmt.Sprint("k", depth)
		sel := []string{"whileTrue:", "whileFalse:"}[g.rng.IntN(2)]
		cond := "log: log, 'w'. " + k + " < 2"
		if sel == "whileFalse:" {
			cond = "log: log, 'w'. " + k + " >= 2"
		}
		return k + ": 0. « " + cond + " » " + sel + " [ " + k + ": " + k + " + 1. " + g.block(depth) + " ]"
	case 9:
		return "log: log, (c ifFalse: [ " + g.block(depth) + ". " + g.expr(depth-1) + " ] True: [ " + g.block(depth) + ". " + g.expr(depth-1) + " ])"
	default:
		return "log: log, " + g.expr(depth)
	}
}

// expr returns a string-valued expression.
func (g *progGen) expr(depth int) string {
	k := g.rng.IntN(4)
	if depth <= 0 {
		k = 0
	}
	switch k {
	case 0:
		return "'e" + g.tag() + "'"
	case 1:
		return "(" + g.expr(depth-1) + ", " + g.expr(depth-1) + ")"
	default:
		return "(c ifTrue: [ " + g.block(depth) + ". " + g.expr(depth-1) + " ] False: [ " + g.block(depth) + ". " + g.expr(depth-1) + " ])"
	}
}
