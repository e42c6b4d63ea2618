package vm_test

import "testing"

// `s , n printString` (compile_concat.go) answers what the two sends
// answer, for every kind of operand, before and after the inline caches
// fill (each case runs three times), and follows a redefinition of either
// method.
func TestConcatPrintString(t *testing.T) {
	th, _ := boot(t)
	eval(t, th, `lobby _AddSlots: (|
		fused: x = ( 'n=', x printString ).
		apart: x = ( | p | p: x printString. 'n=', p ).
		joiner = (| , x = ( 'joined ', x ) |).
		counted = ( | r | r: ''. 1 to: 12 Do: [| :i | r: r, i printString ]. r ) |)`)
	operands := []string{"42", "-7", "0", "9223372036854775807", "9223372036854775807 + 1", "2.5", "'x'", "nil", "(1 & 2) asVector"}
	check := func() {
		t.Helper()
		for _, x := range operands {
			want := eval(t, th, "apart: "+x)
			for i := 0; i < 3; i++ {
				if got := eval(t, th, "fused: "+x); got != want {
					t.Fatalf("fused: %s = %s, want %s", x, got, want)
				}
			}
		}
	}
	check()
	if got := eval(t, th, "counted"); got != "'123456789101112'" {
		t.Errorf("counted = %s", got)
	}
	// a receiver whose , is not the string one
	if got := eval(t, th, "joiner , 5 printString"); got != "'joined 5'" {
		t.Errorf("joiner , 5 printString = %s", got)
	}
	// redefinitions are followed, after the caches were filled
	eval(t, th, "traits smallInt _AddSlots: (| printString = ( 'int' ) |). 0")
	if got := eval(t, th, "fused: 42"); got != "'n=int'" {
		t.Fatalf("after redefining printString: %s", got)
	}
	check()
	eval(t, th, "traits string _AddSlots: (| , x = ( 'cat' ) |). 0")
	if got := eval(t, th, "fused: 42"); got != "'cat'" {
		t.Fatalf("after redefining , : %s", got)
	}
}
