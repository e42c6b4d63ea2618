package grammar_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"batos/llm/grammar"
)

const personSchema = `{
  "type": "object",
  "properties": {
    "name": {"type": "string", "maxLength": 20},
    "age": {"type": "integer"},
    "persona": {"enum": ["BRICK", "ROBIN", "BABS", "ALFRED"]},
    "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
    "score": {"type": "number"},
    "active": {"type": "boolean"}
  },
  "required": ["name", "age", "persona"]
}`

type person struct {
	Name    *string  `json:"name"`
	Age     *int     `json:"age"`
	Persona *string  `json:"persona"`
	Tags    []string `json:"tags"`
	Score   *float64 `json:"score"`
	Active  *bool    `json:"active"`
}

func TestJSONSchemaSamples(t *testing.T) {
	g, err := grammar.JSONSchema([]byte(personSchema))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := grammar.ParseGBNF(g.GBNF()); err != nil {
		t.Fatalf("%v\n%s", err, g.GBNF())
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 300 {
		s, ok := g.Sample(r, 100)
		if !ok {
			t.Fatal("sample did not finish")
		}
		var p person
		if err := json.Unmarshal([]byte(s), &p); err != nil {
			t.Fatalf("sample %d is not JSON of the schema: %s: %v", i, s, err)
		}
		if p.Name == nil || p.Age == nil || p.Persona == nil || len(*p.Name) > 20*6 || len(p.Tags) > 3 {
			t.Fatalf("sample %d misses required fields: %s", i, s)
		}
		if i < 3 {
			t.Log(s)
		}
	}
	for _, c := range []struct {
		text string
		ok   bool
	}{
		{`{"name": "Ada", "age": 36, "persona": "BABS"}`, true},
		{`{"name":"Ada","age":36,"persona":"BABS","tags":["x", "y"],"active":true}`, true},
		{`{"name": "Ada", "age": 36.5, "persona": "BABS"}`, false},
		{`{"name": "Ada", "persona": "BABS"}`, false},
		{`{"name": "Ada", "age": 36, "persona": "JOKER"}`, false},
	} {
		if got := g.Match(c.text); got != c.ok {
			t.Errorf("Match(%s) = %v", c.text, got)
		}
	}
}

func TestJSONValue(t *testing.T) {
	g := grammar.JSONValue(3)
	r := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		s, _ := g.Sample(r, 100)
		if !json.Valid([]byte(s)) {
			t.Fatalf("not JSON: %s", s)
		}
	}
	if !g.Match(`{"a": [1, 2.5e3, "x\n", null, true]}`) || g.Match(`{"a": }`) {
		t.Errorf("JSONValue matches wrongly")
	}
	if _, err := grammar.JSONSchema([]byte(`{"type": "frob"}`)); err == nil {
		t.Errorf("unknown type accepted")
	}
}

func TestParseGBNFErrors(t *testing.T) {
	for _, bad := range []string{
		`root ::= "x" undefined`,
		`start ::= "x"`,
		`root ::= root "x"`,
		`root ::= "unterminated`,
		`root ::= [a-z`,
		`root ::= "x"{3,1}`,
		`root ::= ( "x"`,
		`root ::= [\-+]`, // llama.cpp knows no \- escape
	} {
		if _, err := grammar.ParseGBNF(bad); err == nil {
			t.Errorf("ParseGBNF(%q) accepted", bad)
		}
	}
	g, err := grammar.ParseGBNF("# a comment\nroot ::= item (\",\" item)*\nitem ::= [a-z]+ | \"\\\"q\\\"\"\n")
	if err != nil {
		t.Fatal(err)
	}
	if !g.Match(`ab,"q",c`) || g.Match(`ab,`) {
		t.Errorf("match")
	}
}
