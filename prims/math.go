package prims

import (
	"math"
	"math/big"

	"batos/vm"
)

// Number theory on integers and the elementary functions on floats.

// floatFunctions are the functions _FloatMath: knows, by name.
var floatFunctions = map[string]func(float64) float64{
	"sin": math.Sin, "cos": math.Cos, "tan": math.Tan,
	"arcSin": math.Asin, "arcCos": math.Acos, "arcTan": math.Atan,
	"sinh": math.Sinh, "cosh": math.Cosh, "tanh": math.Tanh,
	"exp": math.Exp, "ln": math.Log, "log10": math.Log10, "log2": math.Log2,
	"cbrt": math.Cbrt,
}

func init() {
	floatPrims = append(floatPrims,
		p("_FloatMath:", "an elementary function of the receiver, by name (sin cos tan arcSin arcCos arcTan sinh cosh tanh exp ln log10 log2 cbrt)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
			x, ok := floatOf(r)
			name, ok2 := a[0].Str()
			if !ok || !ok2 {
				return vm.Value{}, badType
			}
			f := floatFunctions[name]
			if f == nil {
				return vm.Value{}, vm.Failf("unknown function '%s'", name)
			}
			return t.VM().Float(f(x)), nil
		}),
		floatOp("_FloatArcTan2:", math.Atan2),
	)
	numberPrims = append(numberPrims,
		p("_IntIsProbablyPrime", "whether the integer is prime (exact below 2^64; Baillie-PSW and 20 Miller-Rabin rounds above)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
			x, ok := bigOf(r)
			if !ok {
				return vm.Value{}, badType
			}
			t.Charge(int64(x.BitLen()) * 64)
			return t.VM().Bool(x.Sign() > 0 && x.ProbablyPrime(20)), nil
		}),
		p("_IntPower:Mod:", "the receiver to a non-negative integer power, modulo a positive integer", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
			x, ok1 := bigOf(r)
			e, ok2 := bigOf(a[0])
			m, ok3 := bigOf(a[1])
			if !ok1 || !ok2 || !ok3 || e.Sign() < 0 {
				return vm.Value{}, badType
			}
			if m.Sign() <= 0 {
				return vm.Value{}, vm.Fail("divisionByZeroError")
			}
			t.Charge(int64(m.BitLen()) * int64(e.BitLen()) / 8)
			return intResult(t, new(big.Int).Exp(x, e, m)), nil
		}),
	)
}
