package grammar

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// JSON grammars. JSONValue accepts any JSON value; JSONSchema accepts the
// values of a JSON schema of the common shapes: object (properties in
// schema order; with "required", the others are optional and come after
// the required ones; without it, all are required), array (items, minItems, maxItems), string (enum, maxLength),
// number, integer, boolean, null, enum, const, anyOf/oneOf. White space
// is at most one space after ':' and ','.

// JSONValue is the grammar of any JSON value (objects and arrays nest up
// to depth levels).
func JSONValue(depth int) *Grammar {
	g := New("root")
	b := &jsonBuilder{g: g}
	b.basics()
	g.Rules["root"] = b.anyValue(depth)
	return g
}

// JSONSchema builds the grammar of the values of schema (a JSON
// document).
func JSONSchema(schema []byte) (*Grammar, error) {
	var s node
	if err := json.Unmarshal(schema, &s); err != nil {
		return nil, fmt.Errorf("json schema: %w", err)
	}
	g := New("root")
	b := &jsonBuilder{g: g}
	b.basics()
	e, err := b.schema(&s, "root", 0)
	if err != nil {
		return nil, err
	}
	g.Rules["root"] = e
	return g, g.Check()
}

// node is a JSON schema, keeping the order of properties.
type node struct {
	Type       any             `json:"type"`
	Properties orderedProps    `json:"properties"`
	Required   []string        `json:"required"`
	Items      *node           `json:"items"`
	MinItems   *int            `json:"minItems"`
	MaxItems   *int            `json:"maxItems"`
	MaxLength  *int            `json:"maxLength"`
	Enum       []any           `json:"enum"`
	Const      json.RawMessage `json:"const"`
	AnyOf      []*node         `json:"anyOf"`
	OneOf      []*node         `json:"oneOf"`
}

type prop struct {
	name string
	n    *node
}

type orderedProps []prop

func (o *orderedProps) UnmarshalJSON(b []byte) error {
	d := json.NewDecoder(bytes.NewReader(b))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("properties must be an object")
	}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return err
		}
		var n node
		if err := d.Decode(&n); err != nil {
			return err
		}
		*o = append(*o, prop{t.(string), &n})
	}
	return nil
}

type jsonBuilder struct {
	g *Grammar
	n int
}

func (b *jsonBuilder) basics() {
	sp := Opt(Lit{" "})
	b.g.Rules["json-ws"] = sp
	b.g.Rules["json-char"] = Alt{[]Expr{
		Class{Neg: true, Ranges: [][2]rune{{'"', '"'}, {'\\', '\\'}, {0, 0x1f}, {0x7f, 0x7f}}},
		Seq{[]Expr{Lit{`\`}, Alt{[]Expr{ClassOf(`"\/bfnrt`), Seq{[]Expr{Lit{"u"}, Rep{ClassOf("0-9a-fA-F"), 4, 4}}}}}}},
	}}
	b.g.Rules["json-string"] = Seq{[]Expr{Lit{`"`}, Rep{Ref{"json-char"}, 0, 200}, Lit{`"`}}}
	integer := Seq{[]Expr{Opt(Lit{"-"}), Alt{[]Expr{Lit{"0"}, Seq{[]Expr{ClassOf("1-9"), Rep{ClassOf("0-9"), 0, 15}}}}}}}
	b.g.Rules["json-integer"] = integer
	b.g.Rules["json-number"] = Seq{[]Expr{integer,
		Opt(Seq{[]Expr{Lit{"."}, Rep{ClassOf("0-9"), 1, 15}}}),
		Opt(Seq{[]Expr{ClassOf("eE"), Opt(ClassOf("-+")), Rep{ClassOf("0-9"), 1, 2}}})}}
	b.g.Rules["json-boolean"] = Alt{[]Expr{Lit{"true"}, Lit{"false"}}}
	b.g.Rules["json-null"] = Lit{"null"}
}

// anyValue is a rule for any JSON value nesting up to depth levels.
func (b *jsonBuilder) anyValue(depth int) Expr {
	name := fmt.Sprintf("json-value-%d", depth)
	if _, ok := b.g.Rules[name]; ok {
		return Ref{name}
	}
	alts := []Expr{Ref{"json-string"}, Ref{"json-number"}, Ref{"json-boolean"}, Ref{"json-null"}}
	if depth > 0 {
		v := b.anyValue(depth - 1)
		ws := Ref{"json-ws"}
		kv := Seq{[]Expr{Ref{"json-string"}, Lit{":"}, ws, v}}
		alts = append(alts,
			Seq{[]Expr{Lit{"{"}, Opt(Seq{[]Expr{kv, Rep{Seq{[]Expr{Lit{","}, ws, kv}}, 0, 50}}}), Lit{"}"}}},
			Seq{[]Expr{Lit{"["}, Opt(Seq{[]Expr{v, Rep{Seq{[]Expr{Lit{","}, ws, v}}, 0, 50}}}), Lit{"]"}}})
	}
	b.g.Rules[name] = Alt{alts}
	return Ref{name}
}

func (b *jsonBuilder) rule(e Expr) Expr {
	b.n++
	name := fmt.Sprintf("json-%d", b.n)
	b.g.Rules[name] = e
	return Ref{name}
}

func literal(v any) (Expr, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return Lit{string(j)}, nil
}

func (b *jsonBuilder) schema(s *node, where string, depth int) (Expr, error) {
	if depth > 20 {
		return nil, fmt.Errorf("json schema: nested too deeply at %s", where)
	}
	if len(s.Const) > 0 {
		var v any
		if err := json.Unmarshal(s.Const, &v); err != nil {
			return nil, err
		}
		return literal(v)
	}
	if len(s.Enum) > 0 {
		var alts []Expr
		for _, v := range s.Enum {
			l, err := literal(v)
			if err != nil {
				return nil, err
			}
			alts = append(alts, l)
		}
		return Alt{alts}, nil
	}
	if alts := append(s.AnyOf, s.OneOf...); len(alts) > 0 {
		var out []Expr
		for i, a := range alts {
			e, err := b.schema(a, where+"/anyOf/"+strconv.Itoa(i), depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		return Alt{out}, nil
	}
	switch t := s.Type.(type) {
	case []any:
		var out []Expr
		for _, x := range t {
			c := *s
			c.Type = x
			e, err := b.schema(&c, where, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		return Alt{out}, nil
	case nil:
		if len(s.Properties) > 0 {
			return b.object(s, where, depth)
		}
		return b.anyValue(3), nil
	case string:
		switch t {
		case "object":
			return b.object(s, where, depth)
		case "array":
			return b.array(s, where, depth)
		case "string":
			if s.MaxLength != nil {
				return b.rule(Seq{[]Expr{Lit{`"`}, Rep{Ref{"json-char"}, 0, *s.MaxLength}, Lit{`"`}}}), nil
			}
			return Ref{"json-string"}, nil
		case "number":
			return Ref{"json-number"}, nil
		case "integer":
			return Ref{"json-integer"}, nil
		case "boolean":
			return Ref{"json-boolean"}, nil
		case "null":
			return Ref{"json-null"}, nil
		}
		return nil, fmt.Errorf("json schema: unsupported type %q at %s", t, where)
	}
	return nil, fmt.Errorf("json schema: bad type at %s", where)
}

func (b *jsonBuilder) object(s *node, where string, depth int) (Expr, error) {
	if len(s.Properties) == 0 {
		return b.anyValue(2), nil
	}
	req := map[string]bool{}
	for _, r := range s.Required {
		req[r] = true
	}
	props := append(orderedProps(nil), s.Properties...)
	if len(s.Required) > 0 { // required first, each group in schema order
		sort.SliceStable(props, func(i, j int) bool { return req[props[i].name] && !req[props[j].name] })
	}
	ws := Ref{"json-ws"}
	items := []Expr{Lit{"{"}}
	for i, p := range props {
		v, err := b.schema(p.n, where+"/"+p.name, depth+1)
		if err != nil {
			return nil, err
		}
		key, _ := literal(p.name)
		kv := []Expr{key, Lit{":"}, ws, v}
		if i > 0 {
			kv = append([]Expr{Lit{","}, ws}, kv...)
		}
		if len(s.Required) > 0 && !req[p.name] && i > 0 {
			items = append(items, Opt(Seq{kv}))
		} else {
			items = append(items, kv...)
		}
	}
	items = append(items, Lit{"}"})
	return b.rule(Seq{items}), nil
}

func (b *jsonBuilder) array(s *node, where string, depth int) (Expr, error) {
	var item Expr = b.anyValue(2)
	if s.Items != nil {
		var err error
		if item, err = b.schema(s.Items, where+"/items", depth+1); err != nil {
			return nil, err
		}
	}
	lo, hi := 0, 50
	if s.MinItems != nil {
		lo = *s.MinItems
	}
	if s.MaxItems != nil {
		hi = *s.MaxItems
	}
	if lo < 0 || hi < lo || hi > 1000 {
		return nil, fmt.Errorf("json schema: bad minItems/maxItems at %s", where)
	}
	more := Rep{Seq{[]Expr{Lit{","}, Ref{"json-ws"}, item}}, max(lo-1, 0), max(hi-1, 0)}
	var body Expr = Seq{[]Expr{item, more}}
	if hi == 0 {
		body = Seq{}
	} else if lo == 0 {
		body = Opt(body)
	}
	return b.rule(Seq{[]Expr{Lit{"["}, body, Lit{"]"}}}), nil
}
