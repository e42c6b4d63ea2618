package guard

import (
	"fmt"
	"strings"
	"testing"

	"batos/lang"
	"batos/stdlib"
	"batos/vm"
)

// TestProtocolAnswers runs every entry of the protocol table on a sample
// value of its kind and checks that the library answers what the table
// says, so that the table cannot drift from the library.
func TestProtocolAnswers(t *testing.T) {
	th, err := stdlib.Boot(vm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	samples := map[vm.Kind]string{vm.KInt: "7", vm.KBig: "100000000000000000000", vm.KFloat: "2.5", vm.KString: "'abc'"}
	args := map[vm.Kind][]string{vm.KInt: {"3", "2.5"}, vm.KBig: {"3", "2.5"}, vm.KFloat: {"3", "2.5"}, vm.KString: {"'b'"}}
	special := map[string]string{"between:And:": "between: 1 And: 9", "copyReplaceAll:With:": "copyReplaceAll: 'a' With: 'x'",
		"printStringBase:": "printStringBase: 16", "gcd:": "gcd: 6", "%": "% 4"}
	c := &checker{vm: th.VM()}
	n := 0
	for k, tables := range protocols {
		for _, table := range tables {
			for sel, want := range table {
				if k == vm.KBig && (sel == "factorial" || sel == "isPrime") {
					continue // far too long on 10^20; the same methods as on small integers
				}
				for _, arg := range args[k] {
					var send string
					switch {
					case special[sel] != "":
						send = special[sel]
					case lang.Arity(sel) == 0:
						send = sel
					case lang.Arity(sel) == 1:
						send = sel + " " + arg
					default:
						t.Fatalf("no sample arguments for %s", sel)
					}
					src := fmt.Sprintf("(%s) %s", samples[k], send)
					got, err := th.EvalString("protocol", src)
					if err != nil {
						t.Errorf("%s: %v", src, err)
						continue
					}
					n++
					var argTys []ty
					if lang.Arity(sel) > 0 {
						at, _ := th.EvalString("arg", strings.Fields(send)[1])
						argTys = []ty{{known: true, v: at}}
					}
					rcv, _ := th.EvalString("rcv", samples[k])
					inferred := c.protocolAnswer(ty{known: true, v: rcv}, sel, argTys)
					if want != aArith && want != aEither && !inferred.known {
						t.Errorf("%s: inferred nothing", src)
						continue
					}
					if inferred.known && !sameKind(got, inferred) {
						t.Errorf("%s answers %s (%v), inferred %v", src, th.VM().Describe(got), got.Kind(), inferred.v.Kind())
					}
				}
			}
		}
	}
	if n < 60 {
		t.Fatalf("only %d sends checked", n)
	}
}

// sameKind reports whether v is of the kind (or the alternative kind) of
// t; true and false are both plain objects, told apart by identity.
func sameKind(v vm.Value, t ty) bool {
	if v.Kind() == vm.KPlain {
		return v.Is(t.v) || t.hasAlt && v.Is(t.alt)
	}
	return v.Kind() == t.v.Kind() || t.hasAlt && v.Kind() == t.alt.Kind()
}

// TestInferenceThroughSends: what a send answers is known to the next
// send, and methods that use those answers correctly are accepted.
func TestInferenceThroughSends(t *testing.T) {
	th, err := stdlib.Boot(vm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := th.EvalString("def", "lobby _AddSlots: (| acct = (| parent* = traits clonable. balance <- 5. limit = 100 |) |). acct")
	if err != nil {
		t.Fatal(err)
	}
	check := func(text string) *Rejection {
		_, rej := Check(Request{Thread: th, Receiver: acct, Owner: acct.Obj(), Selector: "frob:", File: "gen:acct/frob:", Text: text, Policy: DefaultPolicy()})
		return rej
	}
	for _, good := range []string{
		"frob: x = ( ((limit + 1) even) ifTrue: [ limit printString size ] False: [ (limit * 2.5) floor ] )",
		"frob: x = ( ((limit max: 3) - 1) printString , 'abc' )",
		"frob: x = ( (limit sqrt + 1) printString isEmpty not )",
		"frob: x = ( ((limit printString , 'x') includesSubstring: '1') && [ true ] )",
	} {
		if rej := check(good); rej != nil {
			t.Errorf("%s: rejected: %v", good, rej)
		}
	}
	for text, msg := range map[string]string{
		"frob: x = ( limit printString even )":               "a string does not understand 'even'",
		"frob: x = ( (limit < 3) frob )":                     "does not understand 'frob'",
		"frob: x = ( (limit + 2.5) isPrime )":                "a float does not understand 'isPrime'",
		"frob: x = ( ((limit * 3) printString size) , 'a' )": "does not understand ','",
	} {
		rej := check(text)
		if rej == nil || rej.Code != CodeNotUnderstood || !strings.Contains(rej.Msg, msg) {
			t.Errorf("%s: got %v, want %s: ...%s", text, rej, CodeNotUnderstood, msg)
		}
	}
}
