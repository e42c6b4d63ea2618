package prims

import (
	"math"
	"math/big"
	"strconv"

	"batos/vm"
)

// bigOf returns an integer value as a big.Int (copy for small ints).
func bigOf(v vm.Value) (*big.Int, bool) { return v.Big() }

func intResult(t *vm.Thread, b *big.Int) vm.Value { return t.VM().Integer(b) }

// intOp builds an integer primitive with a small-int fast path.
func intOp(name string, small func(a, b int64) (int64, bool), bigf func(z, a, b *big.Int) *big.Int) vm.Primitive {
	return p(name, "integer arithmetic", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		x, y := r, a[0]
		if x.IsInt() && y.IsInt() {
			if v, ok := small(x.Int(), y.Int()); ok {
				return vm.Int(v), nil
			}
		}
		bx, ok1 := bigOf(x)
		by, ok2 := bigOf(y)
		if !ok1 || !ok2 {
			return vm.Value{}, badType
		}
		if (name == "_IntDiv:" || name == "_IntMod:" || name == "_IntRem:") && by.Sign() == 0 {
			return vm.Value{}, vm.Fail("divisionByZeroError")
		}
		return intResult(t, bigf(new(big.Int), bx, by)), nil
	})
}

func intCmp(name string, f func(c int) bool) vm.Primitive {
	return p(name, "integer comparison", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		if r.IsInt() && a[0].IsInt() {
			x, y := r.Int(), a[0].Int()
			c := 0
			if x < y {
				c = -1
			} else if x > y {
				c = 1
			}
			return t.VM().Bool(f(c)), nil
		}
		bx, ok1 := bigOf(r)
		by, ok2 := bigOf(a[0])
		if !ok1 || !ok2 {
			return vm.Value{}, badType
		}
		return t.VM().Bool(f(bx.Cmp(by))), nil
	})
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

var numberPrims = []vm.Primitive{
	intOp("_IntAdd:", func(a, b int64) (int64, bool) {
		s := a + b
		return s, (s > a) == (b > 0)
	}, (*big.Int).Add),
	intOp("_IntSub:", func(a, b int64) (int64, bool) {
		s := a - b
		return s, (s < a) == (b > 0)
	}, (*big.Int).Sub),
	intOp("_IntMul:", func(a, b int64) (int64, bool) {
		if a == 0 || b == 0 {
			return 0, true
		}
		s := a * b
		return s, s/b == a && !(a == -1 && b == math.MinInt64) && !(b == -1 && a == math.MinInt64)
	}, (*big.Int).Mul),
	// _IntDiv: rounds toward negative infinity, _IntMod: is its remainder
	// (sign of the divisor); _IntQuo:/_IntRem: truncate toward zero.
	intOp("_IntDiv:", func(a, b int64) (int64, bool) {
		if b == 0 || (a == math.MinInt64 && b == -1) {
			return 0, false
		}
		return floorDiv(a, b), true
	}, func(z, a, b *big.Int) *big.Int {
		m := new(big.Int)
		z.DivMod(a, b, m)
		if m.Sign() != 0 && b.Sign() < 0 {
			z.Add(z, big.NewInt(1))
		}
		return z
	}),
	intOp("_IntMod:", func(a, b int64) (int64, bool) {
		if b == 0 {
			return 0, false
		}
		m := a % b
		if m != 0 && (m < 0) != (b < 0) {
			m += b
		}
		return m, true
	}, func(z, a, b *big.Int) *big.Int {
		z.Mod(a, b) // Euclidean: non-negative
		if z.Sign() != 0 && b.Sign() < 0 {
			z.Add(z, b)
		}
		return z
	}),
	intOp("_IntRem:", func(a, b int64) (int64, bool) {
		if b == 0 || (a == math.MinInt64 && b == -1) {
			return 0, false
		}
		return a % b, true
	}, (*big.Int).Rem),
	intOp("_IntQuo:", func(a, b int64) (int64, bool) {
		if b == 0 || (a == math.MinInt64 && b == -1) {
			return 0, false
		}
		return a / b, true
	}, (*big.Int).Quo),
	intOp("_IntAnd:", func(a, b int64) (int64, bool) { return a & b, true }, (*big.Int).And),
	intOp("_IntOr:", func(a, b int64) (int64, bool) { return a | b, true }, (*big.Int).Or),
	intOp("_IntXor:", func(a, b int64) (int64, bool) { return a ^ b, true }, (*big.Int).Xor),
	p("_IntShift:", "shift left by n (right when n is negative)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		x, ok := bigOf(r)
		if !ok || !a[0].IsInt() {
			return vm.Value{}, badType
		}
		n := a[0].Int()
		if n > 1<<20 || n < -(1<<20) {
			return vm.Value{}, vm.Fail("overflowError")
		}
		z := new(big.Int)
		if n >= 0 {
			t.Charge(int64(x.BitLen())/8 + n/8)
			z.Lsh(x, uint(n))
		} else {
			z.Rsh(x, uint(-n))
		}
		return intResult(t, z), nil
	}),
	p("_IntPow:", "integer power with a non-negative integer exponent (exact)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		x, ok1 := bigOf(r)
		if !ok1 || !a[0].IsInt() || a[0].Int() < 0 {
			return vm.Value{}, badType
		}
		if a[0].Int() > 1<<16 && x.BitLen() > 1 {
			return vm.Value{}, vm.Fail("overflowError")
		}
		t.Charge(int64(x.BitLen()) * a[0].Int() / 8)
		return intResult(t, new(big.Int).Exp(x, big.NewInt(a[0].Int()), nil)), nil
	}),
	intCmp("_IntLT:", func(c int) bool { return c < 0 }),
	intCmp("_IntLE:", func(c int) bool { return c <= 0 }),
	intCmp("_IntGT:", func(c int) bool { return c > 0 }),
	intCmp("_IntGE:", func(c int) bool { return c >= 0 }),
	intCmp("_IntEQ:", func(c int) bool { return c == 0 }),
	intCmp("_IntNE:", func(c int) bool { return c != 0 }),
	p("_IntAsFloat", "the integer as a float", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		if r.IsInt() {
			return t.VM().Float(float64(r.Int())), nil
		}
		b, ok := bigOf(r)
		if !ok {
			return vm.Value{}, badType
		}
		f, _ := new(big.Float).SetInt(b).Float64()
		return t.VM().Float(f), nil
	}),
	p("_IntPrintStringBase:", "digits of the integer in base 2..36", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		if !a[0].IsInt() {
			return vm.Value{}, badType
		}
		base := a[0].Int()
		if base < 2 || base > 36 {
			return vm.Value{}, vm.Fail("badBaseError")
		}
		if r.IsInt() {
			var digits [72]byte // base 2: 64 digits and a sign
			return t.VM().StringBytes(strconv.AppendInt(digits[:0], r.Int(), int(base))), nil
		}
		b, ok := bigOf(r)
		if !ok {
			return vm.Value{}, badType
		}
		return t.VM().String(b.Text(int(base))), nil
	}),
	p("_IntAsCharacter", "the one-character string with this byte code", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		if !r.IsInt() || r.Int() < 0 || r.Int() > 255 {
			return vm.Value{}, badType
		}
		return t.VM().StringBytes([]byte{byte(r.Int())}), nil
	}),
	p("_IntIsBig", "whether the integer is a big integer", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		return t.VM().Bool(!r.IsInt()), nil
	}),
}

// floatOf converts any number to float64.
func floatOf(v vm.Value) (float64, bool) {
	if v.IsInt() {
		return float64(v.Int()), true
	}
	if f, ok := v.Float(); ok {
		return f, true
	}
	if b, ok := v.Big(); ok {
		f, _ := new(big.Float).SetInt(b).Float64()
		return f, true
	}
	return 0, false
}

func floatOp(name string, f func(a, b float64) float64) vm.Primitive {
	return p(name, "float arithmetic (the argument may be any number)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		x, ok1 := floatOf(r)
		y, ok2 := floatOf(a[0])
		if !ok1 || !ok2 {
			return vm.Value{}, badType
		}
		return t.VM().Float(f(x, y)), nil
	})
}

func floatCmp(name string, f func(a, b float64) bool) vm.Primitive {
	return p(name, "float comparison (the argument may be any number)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		x, ok1 := floatOf(r)
		y, ok2 := floatOf(a[0])
		if !ok1 || !ok2 {
			return vm.Value{}, badType
		}
		return t.VM().Bool(f(x, y)), nil
	})
}

func floatToInt(name string, f func(float64) float64) vm.Primitive {
	return p(name, "float to integer", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		x, ok := floatOf(r)
		if !ok {
			return vm.Value{}, badType
		}
		y := f(x)
		if math.IsNaN(y) || math.IsInf(y, 0) {
			return vm.Value{}, vm.Fail("overflowError")
		}
		b, _ := new(big.Float).SetFloat64(y).Int(nil)
		return t.VM().Integer(b), nil
	})
}

// FormatFloat prints a float so that it reads back as the same float.
func FormatFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	for _, c := range s {
		if c == '.' || c == 'e' || c == 'n' || c == 'I' {
			return s
		}
	}
	return s + ".0"
}

var floatPrims = []vm.Primitive{
	floatOp("_FloatAdd:", func(a, b float64) float64 { return a + b }),
	floatOp("_FloatSub:", func(a, b float64) float64 { return a - b }),
	floatOp("_FloatMul:", func(a, b float64) float64 { return a * b }),
	floatOp("_FloatDiv:", func(a, b float64) float64 { return a / b }),
	floatOp("_FloatMod:", math.Mod),
	floatOp("_FloatPow:", math.Pow),
	floatCmp("_FloatLT:", func(a, b float64) bool { return a < b }),
	floatCmp("_FloatLE:", func(a, b float64) bool { return a <= b }),
	floatCmp("_FloatGT:", func(a, b float64) bool { return a > b }),
	floatCmp("_FloatGE:", func(a, b float64) bool { return a >= b }),
	floatCmp("_FloatEQ:", func(a, b float64) bool { return a == b }),
	floatCmp("_FloatNE:", func(a, b float64) bool { return a != b }),
	floatToInt("_FloatTruncate", math.Trunc),
	floatToInt("_FloatRound", math.Round),
	floatToInt("_FloatFloor", math.Floor),
	floatToInt("_FloatCeil", math.Ceil),
	p("_FloatSqrt", "square root", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		x, ok := floatOf(r)
		if !ok {
			return vm.Value{}, badType
		}
		return t.VM().Float(math.Sqrt(x)), nil
	}),
	p("_FloatPrintString", "shortest decimal that reads back as the same float", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		x, ok := r.Float()
		if !ok {
			return vm.Value{}, badType
		}
		return t.VM().String(FormatFloat(x)), nil
	}),
}
