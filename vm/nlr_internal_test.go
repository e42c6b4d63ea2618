package vm

import (
	"testing"

	"batos/lang"
)

// Only methods whose real blocks `^` pay for catching non-local returns in
// every activation; a `^` in an inlined control structure's block does not
// make its method pay (its fallback send catches it).
func TestHasNLR(t *testing.T) {
	v := New(Options{})
	th := v.NewThread()
	for _, c := range []struct {
		src  string
		want bool
	}{
		{"(| m: n = ( n < 2 ifTrue: [ ^ n ]. n ) |)", false},
		{"(| m: n = ( 1 to: n Do: [| :i | ^ i ]. n ) |)", false},
		{"(| m: n = ( n foo: [ ^ n ]. n ) |)", true},
		{"(| m: n = ( [ n ifTrue: [ ^ n ] ] value. n ) |)", true}, // the inline if is inside a real block
	} {
		e, err := lang.ParseExpr("t.self", c.src)
		if err != nil {
			t.Fatal(err)
		}
		s := e.(*lang.Object).Slots[0]
		c2 := &compiler{t: th, vm: v, file: "t.self", check: true}
		code := c2.method(&Method{Sel: s.Name, Args: s.Args, Body: MethodBody(s), File: "t.self"})
		if code.hasNLR != c.want {
			t.Errorf("%s: hasNLR = %v, want %v", c.src, code.hasNLR, c.want)
		}
	}
}
