package prims

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"batos/vm"
)

// Text as UTF-8. A string holds bytes; these primitives count, index and
// cut it by character (a UTF-8 sequence; a byte that is not valid UTF-8
// is a character of its own, kept as it is, so that cutting and joining
// never changes the bytes). The byte-level primitives (_StringSize,
// _StringAt:, _StringByteAt:) are in strings.go.

// charOffset returns the byte offset of the character at index i (0-based;
// i may equal the number of characters, for the end).
func charOffset(s string, i int64) (int, bool) {
	if i < 0 {
		return 0, false
	}
	off := 0
	for n := int64(0); n < i; n++ {
		if off >= len(s) {
			return 0, false
		}
		if s[off] < utf8.RuneSelf {
			off++
			continue
		}
		_, w := utf8.DecodeRuneInString(s[off:])
		off += w
	}
	return off, true
}

// charLen returns the byte length of the character starting at off.
func charLen(s string, off int) int {
	if s[off] < utf8.RuneSelf {
		return 1
	}
	_, w := utf8.DecodeRuneInString(s[off:])
	return w
}

// chars splits s into its characters.
func chars(s string) []string {
	out := make([]string, 0, len(s))
	for off := 0; off < len(s); {
		w := charLen(s, off)
		out = append(out, s[off:off+w])
		off += w
	}
	return out
}

// charClasses are the classes _StringIs: knows, by name.
var charClasses = map[string]func(rune) bool{
	"digit":   func(r rune) bool { return r >= '0' && r <= '9' },
	"letter":  unicode.IsLetter,
	"space":   unicode.IsSpace,
	"upper":   unicode.IsUpper,
	"lower":   unicode.IsLower,
	"alnum":   func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) },
	"punct":   unicode.IsPunct,
	"control": unicode.IsControl,
	"print":   unicode.IsPrint,
}

func init() {
	stringPrims = append(stringPrims,
		strPrim("_StringCharSize", "number of characters (UTF-8 sequences)", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
			return vm.Int(int64(utf8.RuneCountInString(s))), nil
		}),
		strPrim("_StringCharAt:", "the character at a 0-based character index", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
			if !a[0].IsInt() {
				return vm.Value{}, badType
			}
			off, ok := charOffset(s, a[0].Int())
			if !ok || off >= len(s) {
				return vm.Value{}, vm.Fail("badIndexError")
			}
			return t.VM().String(s[off : off+charLen(s, off)]), nil
		}),
		strPrim("_StringCharacters", "a vector of the characters", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
			t.Charge(int64(len(s)) * 16)
			cs := chars(s)
			out := make([]vm.Value, len(cs))
			for i, c := range cs {
				out[i] = t.VM().String(c)
			}
			return t.VM().NewVector(out), nil
		}),
		strPrim("_StringCharCopyFrom:UpTo:", "the substring between two character indices [from, upTo)", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
			if !a[0].IsInt() || !a[1].IsInt() {
				return vm.Value{}, badType
			}
			i, ok1 := charOffset(s, a[0].Int())
			j, ok2 := charOffset(s, a[1].Int())
			if !ok1 || !ok2 || i > j {
				return vm.Value{}, vm.Fail("badIndexError")
			}
			return t.VM().String(s[i:j]), nil
		}),
		strPrim("_StringCharIndexOf:StartingAt:", "character index of a substring at or after a character index, or -1", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
			o, ok := str(a[0])
			if !ok || !a[1].IsInt() {
				return vm.Value{}, badType
			}
			from, ok := charOffset(s, a[1].Int())
			if !ok {
				return vm.Value{}, vm.Fail("badIndexError")
			}
			i := strings.Index(s[from:], o)
			if i < 0 {
				return vm.Int(-1), nil
			}
			return vm.Int(a[1].Int() + int64(utf8.RuneCountInString(s[from:from+i]))), nil
		}),
		strPrim("_StringIs:", "whether the string is not empty and every character is in the class named (digit, letter, space, upper, lower, alnum, punct, control, print)", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
			name, ok := str(a[0])
			if !ok {
				return vm.Value{}, badType
			}
			f := charClasses[name]
			if f == nil {
				return vm.Value{}, vm.Failf("unknown character class '%s'", name)
			}
			for _, r := range s {
				if !f(r) {
					return t.VM().Bool(false), nil
				}
			}
			return t.VM().Bool(s != ""), nil
		}),
		strPrim("_StringTrim:", "the string without white space at the 'left', 'right' or 'both' ends", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
			side, _ := str(a[0])
			switch side {
			case "left":
				s = strings.TrimLeftFunc(s, unicode.IsSpace)
			case "right":
				s = strings.TrimRightFunc(s, unicode.IsSpace)
			case "both":
				s = strings.TrimSpace(s)
			default:
				return vm.Value{}, badType
			}
			return t.VM().String(s), nil
		}),
		strPrim("_StringFields", "a vector of the words between runs of white space", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
			fs := strings.Fields(s)
			out := make([]vm.Value, len(fs))
			for i, f := range fs {
				out[i] = t.VM().String(f)
			}
			return t.VM().NewVector(out), nil
		}),
		strPrim("_StringReplaceAll:With:", "a copy with every occurrence of a substring replaced", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
			old, ok1 := str(a[0])
			nw, ok2 := str(a[1])
			if !ok1 || !ok2 {
				return vm.Value{}, badType
			}
			if old == "" {
				return vm.Value{}, vm.Fail("emptySubstringError")
			}
			if n := strings.Count(s, old); n > 0 {
				t.Charge(int64(len(s) + n*len(nw)))
			}
			return t.VM().String(strings.ReplaceAll(s, old, nw)), nil
		}),
		strPrim("_StringCodePoint", "the Unicode code point of a one-character string", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
			r, w := utf8.DecodeRuneInString(s)
			if w == 0 || w != len(s) {
				return vm.Value{}, vm.Fail("notACharacterError")
			}
			if r == utf8.RuneError && w == 1 {
				return vm.Int(int64(s[0])), nil
			}
			return vm.Int(int64(r)), nil
		}),
		strPrim("_StringMatchesPattern:IgnoreCase:", "whether the string matches a pattern where ? is any one character and * any run of characters", func(t *vm.Thread, s string, a []vm.Value) (vm.Value, error) {
			pat, ok := str(a[0])
			if !ok {
				return vm.Value{}, badType
			}
			if a[1].Is(t.VM().Bool(true)) {
				s, pat = strings.ToLower(s), strings.ToLower(pat)
			}
			return t.VM().Bool(globMatch([]rune(pat), []rune(s))), nil
		}),
		p("_IntAsUTF8Character", "the one-character string (UTF-8) for this Unicode code point", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
			if !r.IsInt() || r.Int() < 0 || r.Int() > unicode.MaxRune || !utf8.ValidRune(rune(r.Int())) {
				return vm.Value{}, vm.Fail("badCodePointError")
			}
			return t.VM().String(string(rune(r.Int()))), nil
		}),
	)
}

// globMatch reports whether text matches pattern, where '?' matches any
// one character and '*' any run of characters (linear backtracking over
// the last star).
func globMatch(pattern, text []rune) bool {
	p, t, star, mark := 0, 0, -1, 0
	for t < len(text) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == text[t]):
			p++
			t++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, t
			p++
		case star >= 0:
			p = star + 1
			mark++
			t = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
