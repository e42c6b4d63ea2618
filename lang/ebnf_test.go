package lang

import (
	"strings"
	"testing"
)

// TestEBNFIsPlain: the grammar text has no participle lookahead groups,
// which tools such as llm/grammar do not read, and still has every rule.
func TestEBNFIsPlain(t *testing.T) {
	text, err := EBNF()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "(?") {
		t.Errorf("EBNF has a lookahead group:\n%s", text)
	}
	if !strings.Contains(text, "GUnarySlot = ") {
		t.Errorf("EBNF lost the rule GUnarySlot:\n%s", text)
	}
}

func TestDropLookahead(t *testing.T) {
	tests := []struct{ in, want string }{
		{`A = B .`, `A = B .`},
		{`A = ((?! <lbrace>) B)? .`, `A = (B)? .`},
		{`A = (?! "(" <x>) B | (?= (C D) ")") E .`, `A = B | E .`},
		{`A = (?! <x>)`, `A = `},
	}
	for _, tt := range tests {
		if got := dropLookahead(tt.in); got != tt.want {
			t.Errorf("dropLookahead(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
