package guard

import "batos/vm"

// What the library's methods answer on values of the built-in kinds, so
// that inference goes on through a send: `(x printString) frobnicate` is
// rejected as `3 frobnicate` is. Only answers that the library's
// protocol settles are listed, and TestProtocolAnswers checks every entry
// against the library by running it. A send not listed answers unknown,
// which is never rejected.

// answer is the kind of value a send answers.
type answer uint8

const (
	aString answer = iota + 1
	aInt           // a small integer, or a big one on overflow
	aFloat         //
	aBool          // true or false
	aArith         // float if the receiver or the argument is a float, integer if both are integers
	aEither        // the receiver or the argument: known when both are integers or both floats
)

// common is understood alike by every built-in kind here.
var common = map[string]answer{
	"printString": aString,
	"=":           aBool, "!=": aBool,
}

var numeric = map[string]answer{
	"<": aBool, ">": aBool, "<=": aBool, ">=": aBool,
	"+": aArith, "-": aArith, "*": aArith, "max:": aEither, "min:": aEither,
	"negate": aArith, "absoluteValue": aArith, "square": aArith,
	"sqrt": aFloat, "asFloat": aFloat,
	"isZero": aBool, "between:And:": aBool,
}

var integral = map[string]answer{
	"even": aBool, "odd": aBool, "isPrime": aBool,
	"succ": aInt, "pred": aInt, "factorial": aInt, "%": aInt, "gcd:": aInt,
	"printStringBase:": aString,
}

var protocols = map[vm.Kind][]map[string]answer{
	vm.KInt:   {common, numeric, integral},
	vm.KBig:   {common, numeric, integral},
	vm.KFloat: {common, numeric, {"floor": aInt}},
	vm.KString: {common, {
		"<": aBool, ">": aBool, "<=": aBool, ">=": aBool,
		"size": aInt, ",": aString, "copy": aString,
		"asUppercase": aString, "asLowercase": aString, "capitalize": aString,
		"reverse": aString, "shrinkwrapped": aString,
		"isEmpty": aBool, "nonEmpty": aBool,
		"includesSubstring:": aBool, "isPrefixOf:": aBool, "isSuffixOf:": aBool,
		"copyReplaceAll:With:": aString,
	}},
}

// protocolAnswer infers the result of sending sel to a value of type rcv
// with arguments args, from the table above; unknown if it is not listed.
func (c *checker) protocolAnswer(rcv ty, sel string, args []ty) ty {
	if !rcv.known || rcv.block {
		return unknown
	}
	rk := rcv.v.Kind()
	for _, m := range protocols[rk] {
		a, ok := m[sel]
		if !ok {
			continue
		}
		switch a {
		case aString:
			return ty{known: true, v: c.vm.KindValue(vm.KString)}
		case aInt:
			return c.integer()
		case aFloat:
			return ty{known: true, v: c.vm.KindValue(vm.KFloat)}
		case aBool:
			t, tok := c.global("true")
			f, fok := c.global("false")
			if !tok || !fok {
				return unknown
			}
			return ty{known: true, v: t, alt: f, hasAlt: true}
		case aEither:
			if len(args) != 1 || !args[0].known || isFloat(args[0].v.Kind()) != isFloat(rk) || !isNumber(args[0].v.Kind()) {
				return unknown
			}
			if isFloat(rk) {
				return ty{known: true, v: c.vm.KindValue(vm.KFloat)}
			}
			return c.integer()
		case aArith:
			float := rk == vm.KFloat
			for _, a := range args {
				if !a.known {
					return unknown
				}
				switch a.v.Kind() {
				case vm.KFloat:
					float = true
				case vm.KInt, vm.KBig:
				default:
					return unknown
				}
			}
			if float {
				return ty{known: true, v: c.vm.KindValue(vm.KFloat)}
			}
			return c.integer()
		}
	}
	return unknown
}

// integer is a small or big integer.
func (c *checker) integer() ty {
	return ty{known: true, v: vm.Int(0), alt: c.vm.KindValue(vm.KBig), hasAlt: true}
}

// global is the value of a constant slot of the lobby.
func (c *checker) global(name string) (vm.Value, bool) {
	r := c.vm.Lookup(vm.Ref(c.vm.Lobby), name)
	if !r.Found() || r.Slot.Kind != vm.SlotConst {
		return vm.Value{}, false
	}
	return r.Slot.Const, true
}

func isFloat(k vm.Kind) bool  { return k == vm.KFloat }
func isNumber(k vm.Kind) bool { return k == vm.KFloat || k == vm.KInt || k == vm.KBig }
