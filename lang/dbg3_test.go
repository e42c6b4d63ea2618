package lang

import (
	"os"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
)

func TestDebugRaw(t *testing.T) {
	src := os.Getenv("SRC")
	s := scan("x", src)
	ps, _ := parsers()
	lex, _ := lexer.Upgrade(newSliceLexer("x", s.toks, Pos{}))
	_, err := ps.stmt.ParseFromLexer(lex)
	t.Logf("%#v", err)
	if err != nil {
		t.Log(err.Error())
	}
}
