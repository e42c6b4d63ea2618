// Package textindex holds the Go primitives of the knowledge catalog
// (stdlib/mind/catalog.self): sentence splitting, tokenization, and index
// segments, immutable byte strings holding a BM25 inverted index and
// optionally the embeddings of the chunks they index, which the catalog
// keeps as ordinary byte vectors in the image (docs/catalog.md). Search
// scores the segments with BM25 and with cosine similarity; the catalog
// fuses the two rankings in batos.
package textindex

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// isStopWord reports whether w is one of the English words the tokenizer
// drops (Lucene's and bleve's English stop list).
func isStopWord(w []byte) bool {
	switch string(w) {
	case "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
		"no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they",
		"this", "to", "was", "will", "with":
		return true
	}
	return false
}

// Tokens calls f with each term of s: the lower-cased runs of letters and
// digits, English stop words left out, English plurals made singular (the
// S-stemmer). The slice passed to f is reused.
func Tokens(s string, f func(term []byte)) {
	var buf []byte
	flush := func() {
		if len(buf) > 0 && !(len(buf) <= 5 && isStopWord(buf)) {
			f(sStem(buf))
		}
		buf = buf[:0]
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				buf = append(buf, c)
			case 'A' <= c && c <= 'Z':
				buf = append(buf, c+'a'-'A')
			default:
				flush()
			}
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		} else {
			flush()
		}
	}
	flush()
}

// Terms returns the distinct terms of s in the order they first appear.
func Terms(s string) []string {
	var out []string
	seen := map[string]bool{}
	Tokens(s, func(t []byte) {
		if !seen[string(t)] {
			seen[string(t)] = true
			out = append(out, string(t))
		}
	})
	return out
}

// SelectorWords turns a selector into a query: its keywords split at
// colons and at lower-to-upper case changes ("printOn:" is "print on"),
// and each keyword whole ("printon").
func SelectorWords(sel string) string {
	var b strings.Builder
	for _, part := range strings.Split(sel, ":") {
		if part == "" {
			continue
		}
		b.WriteString(part)
		b.WriteByte(' ')
		prev := rune(0)
		for _, r := range part {
			if unicode.IsUpper(r) && unicode.IsLower(prev) {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			prev = r
		}
		b.WriteByte(' ')
	}
	return b.String()
}

// abbreviations end with a period that does not end a sentence (compared
// lower-cased, without the period).
var abbreviations = map[string]bool{}

func init() {
	for _, w := range strings.Fields("mr mrs ms dr prof sr jr st vs etc e.g i.e cf al fig figs no nos vol eq approx inc ltd co corp dept est jan feb mar apr jun jul aug sep sept oct nov dec mt ft ca p pp ed eds rev gen col lt sgt u.s u.k a.m p.m") {
		abbreviations[w] = true
	}
}

// Sentences splits text into sentences. A sentence ends at '.', '!' or
// '?' (and runs of them) followed by optional closing quotes or brackets,
// then white space and the start of a new sentence (not a lower-case
// letter); a period after a known abbreviation or a single capital letter
// (an initial) ends none, and one inside a number (3.14) ends none.
// '。', '！' and '？' always end one, and so do a blank line and a
// Markdown heading line. A sentence longer than max bytes (max > 0) is
// cut at the last space before max (or at a character boundary).
// Sentences are trimmed; empty ones are dropped.
func Sentences(text string, max int) []string {
	var out []string
	emit := func(s string) {
		s = strings.TrimSpace(s)
		for max > 0 && len(s) > max {
			cut := strings.LastIndexAny(s[:max+1], " \t\n")
			if cut <= 0 {
				cut = max
				for cut > 0 && !utf8.RuneStart(s[cut]) {
					cut--
				}
				if cut == 0 {
					cut = max
				}
			}
			if h := strings.TrimSpace(s[:cut]); h != "" {
				out = append(out, h)
			}
			s = strings.TrimSpace(s[cut:])
		}
		if s != "" {
			out = append(out, s)
		}
	}
	for _, block := range blocks(text) {
		start := 0
		for i := 0; i < len(block); i++ {
			c := block[i]
			if c >= utf8.RuneSelf {
				// the ideographic full stop and the full-width ! and ? end a
				// sentence where they stand
				if r, w := utf8.DecodeRuneInString(block[i:]); r == '。' || r == '！' || r == '？' {
					emit(block[start : i+w])
					start = i + w
					i += w - 1
				}
				continue
			}
			if c != '.' && c != '!' && c != '?' {
				continue
			}
			j := i + 1
			for j < len(block) && (block[j] == '.' || block[j] == '!' || block[j] == '?') {
				j++
			}
			j = closers(block, j)
			if j < len(block) && !isSpace(block[j]) {
				i = j - 1
				continue // 3.14, e.g.x, a URL
			}
			k := j
			for k < len(block) && isSpace(block[k]) {
				k++
			}
			if k < len(block) {
				r, _ := utf8.DecodeRuneInString(block[k:])
				if unicode.IsLower(r) {
					i = j - 1
					continue
				}
			}
			if c == '.' && j == i+1 && abbreviationBefore(block[start:i]) {
				continue
			}
			emit(block[start:j])
			start = j
			i = j - 1
		}
		emit(block[start:])
	}
	return out
}

// blocks splits text at blank lines and around Markdown heading lines.
func blocks(text string) []string {
	var out []string
	var cur strings.Builder
	end := func() {
		if strings.TrimSpace(cur.String()) != "" {
			out = append(out, cur.String())
		}
		cur.Reset()
	}
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			end()
		case strings.HasPrefix(t, "#"):
			end()
			out = append(out, strings.TrimSpace(strings.TrimLeft(t, "#")))
		default:
			cur.WriteString(line)
			cur.WriteByte('\n')
		}
	}
	end()
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// abbreviationBefore reports whether the word ending s is an abbreviation
// or an initial.
func abbreviationBefore(s string) bool {
	k := len(s)
	for k > 0 && !isSpace(s[k-1]) && strings.IndexByte("\"'([“", s[k-1]) < 0 {
		k--
	}
	w := s[k:]
	if w == "" {
		return false
	}
	if len(w) == 1 && 'A' <= w[0] && w[0] <= 'Z' {
		return true
	}
	return abbreviations[strings.ToLower(w)]
}

// closers skips the closing quotes and brackets at block[j:].
func closers(block string, j int) int {
	for j < len(block) {
		switch {
		case strings.IndexByte("\"')]", block[j]) >= 0:
			j++
		case strings.HasPrefix(block[j:], "”"), strings.HasPrefix(block[j:], "’"):
			j += len("”")
		case strings.HasPrefix(block[j:], "»"):
			j += len("»")
		default:
			return j
		}
	}
	return j
}

// sStem is Harman's S-stemmer: "-ies" becomes "-y" (not after a or e),
// "-es" becomes "-e" (not after a, e or o), and a final "s" goes (not
// after u or s), in words of more than three letters.
func sStem(w []byte) []byte {
	n := len(w)
	if n <= 3 || w[n-1] != 's' {
		return w
	}
	switch {
	case w[n-3] == 'i' && w[n-2] == 'e':
		if w[n-4] != 'a' && w[n-4] != 'e' {
			w[n-3] = 'y'
			return w[:n-2]
		}
		return w
	case w[n-2] == 'e':
		if c := w[n-3]; c != 'a' && c != 'e' && c != 'o' {
			return w[:n-1]
		}
		return w
	case w[n-2] == 'u' || w[n-2] == 's':
		return w
	}
	return w[:n-1]
}
