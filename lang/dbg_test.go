package lang

import (
	"os"
	"testing"
)

func TestDebug(t *testing.T) {
	src := os.Getenv("SRC")
	f, err := Parse("x.self", src)
	if err != nil {
		t.Log(FormatError(err, src))
	}
	t.Logf("\n%s", Format(f))
}
