package textindex_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"batos/kernel"
	"batos/llm"
	"batos/stdlib"
	"batos/textindex"
	"batos/vm"
)

// Notes finds the catalog's chunks for a selector's words.
func TestNotes(t *testing.T) {
	th, err := stdlib.Boot(vm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	notes := textindex.Notes(th.VM(), 2)
	if got := notes("printOn:"); len(got) != 0 {
		t.Fatalf("an empty catalog gave %q", got)
	}
	if _, err := th.EvalString("t", "catalog index: 'To print an object on a stream, send printOn: with the stream. Unrelated text about zebras.' Id: 'p' Metadata: nil"); err != nil {
		t.Fatal(err)
	}
	got := notes("printOn:")
	if len(got) != 1 || !strings.Contains(got[0], "printOn:") {
		t.Fatalf("notes for printOn: = %q", got)
	}
}

// capture is a scripted model that keeps the prompts it is given.
type capture struct {
	*llm.Scripted
	prompts []string
}

func (c *capture) Generate(ctx context.Context, req llm.Request, onPiece func(string) error) (llm.Result, error) {
	c.prompts = append(c.prompts, req.Prompt+strings.Join(messages(req), "\n"))
	return llm.Result{Text: "frobnicate: x = ( x * 2 )", StopReason: "eog", Tokens: 8}, nil
}

func messages(req llm.Request) []string {
	var out []string
	for _, m := range req.Messages {
		out = append(out, m.Content)
	}
	return out
}

// Plugged into the kernel's seam, Notes puts the catalog's chunk about a
// missing selector into the prompt the model is given.
func TestNotesInKernelPrompt(t *testing.T) {
	m := &capture{Scripted: llm.NewScripted()}
	llm.RegisterBackend("scripted", func(string, llm.Options) (llm.Model, error) { return m, nil })
	th, err := stdlib.Boot(vm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := th.EvalString("t", "catalog index: 'To frobnicate a number, double it. Zebras are striped.' Id: 'f' Metadata: nil. lobby _AddSlots: (| a = (| parent* = traits clonable |) |)"); err != nil {
		t.Fatal(err)
	}
	th.VM().SetGenerator(kernel.New(kernel.Config{Generate: true, MaxAttempts: 1, Registry: &llm.Registry{Default: "scripted:capture"}, Log: &bytes.Buffer{},
		Catalog: textindex.Notes(th.VM(), 3)}))
	v, err := th.EvalString("t", "a frobnicate: 21")
	if err != nil {
		t.Fatal(err)
	}
	if v.Int() != 42 {
		t.Fatalf("a frobnicate: 21 = %v", v)
	}
	if len(m.prompts) != 1 || !strings.Contains(m.prompts[0], "Note: To frobnicate a number, double it.") {
		t.Fatalf("the prompt has no note from the catalog: %q", m.prompts)
	}
}
