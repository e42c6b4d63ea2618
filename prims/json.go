package prims

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"batos/vm"
)

// JSON text into batos values: objects become dictionaries (the lobby's
// `dictionary`), arrays vectors, strings strings, numbers integers (when
// exact) or floats, true/false/null the booleans and nil. The composite
// mind reads the model's grammar-constrained plans with it.
var jsonPrims = []vm.Primitive{
	p("_JSONParse", "the value of the JSON text in the receiver (a string)", func(t *vm.Thread, r vm.Value, a []vm.Value) (vm.Value, error) {
		s, ok := r.Str()
		if !ok {
			return vm.Value{}, badType
		}
		t.Charge(int64(len(s)) * 4)
		dec := json.NewDecoder(bytes.NewReader([]byte(s)))
		dec.UseNumber()
		var x any
		if err := dec.Decode(&x); err != nil {
			return vm.Value{}, vm.Failf("not JSON: %v", err)
		}
		if dec.More() {
			return vm.Value{}, vm.Failf("not JSON: text after the value")
		}
		return jsonValue(t, x, 0)
	}),
}

const jsonMaxDepth = 100

func jsonValue(t *vm.Thread, x any, depth int) (vm.Value, error) {
	v := t.VM()
	if depth > jsonMaxDepth {
		return vm.Value{}, vm.Failf("JSON nested deeper than %d", jsonMaxDepth)
	}
	switch x := x.(type) {
	case nil:
		return v.NilValue(), nil
	case bool:
		return v.Bool(x), nil
	case string:
		return v.String(x), nil
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return vm.Int(i), nil
		}
		f, err := x.Float64()
		if err != nil || math.IsInf(f, 0) {
			return vm.Value{}, vm.Failf("JSON number %s out of range", x)
		}
		return v.Float(f), nil
	case []any:
		out := make([]vm.Value, len(x))
		for i, e := range x {
			ev, err := jsonValue(t, e, depth+1)
			if err != nil {
				return vm.Value{}, err
			}
			out[i] = ev
		}
		return v.NewVector(out), nil
	case map[string]any:
		proto, ok := v.FieldValue(v.Lobby, "dictionary")
		if !ok {
			return vm.Value{}, vm.Failf("no dictionary in the lobby")
		}
		d := t.Send(proto, "copyRemoveAll")
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys) // Go forgets the text's order; sorted is at least stable
		for _, k := range keys {
			e := x[k]
			ev, err := jsonValue(t, e, depth+1)
			if err != nil {
				return vm.Value{}, err
			}
			t.Send(d, "at:Put:", v.String(k), ev)
		}
		return d, nil
	}
	return vm.Value{}, fmt.Errorf("unexpected JSON value %T", x)
}
