package prims

import (
	"fmt"
	"hash/fnv"
	"math/big"
	"strconv"
	"strings"

	"batos/lang"
	"batos/vm"
)

func str(v vm.Value) (string, bool) { return v.Str() }

// index checks a 0-based index against n.
func index(v vm.Value, n int) (int, error) {
	if !v.IsInt() {
		return 0, badType
	}
	i := v.Int()
	if i < 0 || i >= int64(n) {
		return 0, vm.Fail("badIndexError")
	}
	return int(i), nil
}

func strPrim(name, doc string, f func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error)) vm.Primitive {
	return p(name, doc, func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		s, ok := r.Str()
		if !ok {
			return vm.Value{}, badType
		}
		return f(t, s, a)
	})
}

var stringPrims = []vm.Primitive{
	strPrim("_StringSize", "number of bytes", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		return vm.Int(int64(len(s))), nil
	}),
	strPrim("_StringAt:", "the one-character string at a 0-based index", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		i, err := index(a[0], len(s))
		if err != nil {
			return vm.Value{}, err
		}
		return t.VM().String(s[i : i+1]), nil
	}),
	strPrim("_StringByteAt:", "the byte code at a 0-based index", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		i, err := index(a[0], len(s))
		if err != nil {
			return vm.Value{}, err
		}
		return vm.Int(int64(s[i])), nil
	}),
	strPrim("_StringConcat:", "concatenation", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		o, ok := str(a[0])
		if !ok {
			return vm.Value{}, badType
		}
		t.Charge(int64(len(s) + len(o)))
		return t.VM().Concat(s, o), nil
	}),
	strPrim("_StringCompare:", "-1, 0 or 1 comparing bytewise", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		o, ok := str(a[0])
		if !ok {
			return vm.Value{}, badType
		}
		return vm.Int(int64(strings.Compare(s, o))), nil
	}),
	strPrim("_StringEQ:", "equal contents (false for non-strings)", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		o, ok := str(a[0])
		return t.VM().Bool(ok && s == o), nil
	}),
	strPrim("_StringCopyFrom:UpTo:", "the substring [from, upTo)", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		if !a[0].IsInt() || !a[1].IsInt() {
			return vm.Value{}, badType
		}
		i, j := a[0].Int(), a[1].Int()
		if i < 0 || j > int64(len(s)) || i > j {
			return vm.Value{}, vm.Fail("badIndexError")
		}
		return t.VM().String(s[i:j]), nil
	}),
	strPrim("_StringIndexOf:StartingAt:", "0-based index of a substring, or -1", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		o, ok := str(a[0])
		if !ok || !a[1].IsInt() {
			return vm.Value{}, badType
		}
		from := a[1].Int()
		if from < 0 || from > int64(len(s)) {
			return vm.Value{}, vm.Fail("badIndexError")
		}
		i := strings.Index(s[from:], o)
		if i >= 0 {
			i += int(from)
		}
		return vm.Int(int64(i)), nil
	}),
	strPrim("_StringHash", "a hash of the contents", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		h := fnv.New64a()
		h.Write([]byte(s))
		return vm.Int(int64(h.Sum64() >> 2)), nil
	}),
	strPrim("_StringPrintString", "the string as a literal, quoted", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		return t.VM().String(lang.Quote(s)), nil
	}),
	strPrim("_StringAsUppercase", "upper-cased copy", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		return t.VM().String(strings.ToUpper(s)), nil
	}),
	strPrim("_StringAsLowercase", "lower-cased copy", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		return t.VM().String(strings.ToLower(s)), nil
	}),
	strPrim("_StringAsInteger", "parse a decimal integer", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		b, ok := new(big.Int).SetString(strings.TrimSpace(s), 10)
		if !ok {
			return vm.Value{}, vm.Fail("badNumberError")
		}
		return t.VM().Integer(b), nil
	}),
	strPrim("_StringAsFloat", "parse a float", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return vm.Value{}, vm.Fail("badNumberError")
		}
		return t.VM().Float(f), nil
	}),
	strPrim("_StringAsByteVector", "the bytes of the string", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		return t.VM().NewBytes([]byte(s)), nil
	}),
	strPrim("_StringSplit:", "a vector of the pieces between separators", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		sep, ok := str(a[0])
		if !ok {
			return vm.Value{}, badType
		}
		var out []vm.Value
		for _, part := range strings.Split(s, sep) {
			out = append(out, t.VM().String(part))
		}
		return t.VM().NewVector(out), nil
	}),
	strPrim("_StringPrint", "write the string to standard output", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
		_, err := fmt.Fprint(t.VM().Stdout, s)
		if err != nil {
			return vm.Value{}, vm.Failf("ioError: %v", err)
		}
		return vm.Value{}, nil
	}),
}
