package vm_test

import (
	"fmt"
	"testing"

	"batos/vm"
)

// The specialised integer sends (compile_arith.go) answer what the
// ordinary send answers: for every operator and operand shape (a local of
// the method, of the enclosing method from a block, a literal), on small
// integers, at the edges of overflow, and on other receivers (floats,
// big integers, user objects that define the operator), each result is
// compared with the same send made through a non-specialised path (the
// operand wrapped in parentheses and a unary send, which the compiler
// does not specialise).
func TestSpecialisedIntegerSends(t *testing.T) {
	th, _ := boot(t)
	eval(t, th, `lobby _AddSlots: (| money = (| parent* = traits clonable. v <- 0.
		+ x = ( (copy) v: v + 100 ). - x = ( 'minus' ). < x = ( 'less' ). <= x = ( 'le' ).
		> x = ( 'gt' ). >= x = ( 'ge' ). = x = ( 'eq' ). printString = ( 'money ', v printString ) |) |)`)
	values := []string{"0", "1", "-1", "7", "9223372036854775807", "-9223372036854775808",
		"9223372036854775806", "-9223372036854775807", "2.5", "100000000000000000000", "money"}
	consts := []string{"0", "1", "-1", "2", "9223372036854775807", "-9223372036854775808"}
	ops := []string{"+", "-", "<", "<=", ">", ">=", "="}
	n := 0
	check := func(src, want string) {
		t.Helper()
		if got := evalOrError(th, src); got != want {
			t.Errorf("%s = %s, want %s", src, got, want)
		}
		n++
	}
	for _, op := range ops {
		for _, a := range values {
			for _, k := range consts {
				// the reference: neither operand is a bare local or literal
				want := evalOrError(th, fmt.Sprintf("(%s yourself) %s (%s yourself)", a, op, k))
				// a method's argument with a literal; a block's argument
				// and the method's local with a literal
				check(fmt.Sprintf("[| :x | x %s %s ] value: %s", op, k, a), want)
				check(fmt.Sprintf("(| m: x = ( x %s %s ) |) m: %s", op, k, a), want)
				check(fmt.Sprintf("(| m: x = ( | y | y: x. [ y %s %s ] value ) |) m: %s", op, k, a), want)
				// two locals
				check(fmt.Sprintf("(| m: x With: y = ( x %s y ) |) m: %s With: %s", op, a, k), want)
				check(fmt.Sprintf("(| m: x With: y = ( [| :z | x %s z ] value: y ) |) m: %s With: %s", op, a, k), want)
				if op == "+" || op == "-" {
					// an accumulator: a local assigned the sum of locals
					// or of a local and a literal (compile_arith.go)
					check(fmt.Sprintf("(| m: x = ( | a | a: x %s %s. a ) |) m: %s", op, k, a), want)
					check(fmt.Sprintf("(| m: x With: y = ( | a | a: x %s y. a ) |) m: %s With: %s", op, a, k), want)
					check(fmt.Sprintf("(| m: x = ( | a <- 0 | 1 to: 1 Do: [| :i | a: x %s %s ]. a ) |) m: %s", op, k, a), want)
				}
			}
		}
	}
	if n < 2500 {
		t.Fatalf("only %d sends checked", n)
	}
}

// evalOrError answers the printString of src's value, or "error: " and
// the error's message.
func evalOrError(th *vm.Thread, src string) string {
	v, err := th.EvalString("test.self", src)
	if err != nil {
		if e, ok := err.(*vm.Error); ok {
			return "error: " + e.Msg
		}
		return "error: " + err.Error()
	}
	s, err := th.PrintString(v)
	if err != nil {
		return "error: " + err.Error()
	}
	return s
}
