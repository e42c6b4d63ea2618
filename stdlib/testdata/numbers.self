"Integers, big integers and floats."
assert equal: 3 + 4 To: 7.
assert equal: 10 - 15 To: -5.
assert equal: 6 * 7 To: 42.
assert equal: 7 / 2 To: 3.
assert equal: -7 / 2 To: -4.
assert equal: 7 % 3 To: 1.
assert equal: -7 % 3 To: 2.
assert equal: (-7 rem: 3) To: -1.
assert equal: 16rFF To: 255.
assert equal: 2r1010 To: 10.
assert that: [ 3 < 4 ].
assert that: [ (4 < 3) not ].
assert that: [ 3 <= 3 ].
assert that: [ 3 != 4 ].
assert equal: (3 max: 9) To: 9.
assert equal: (3 min: 9) To: 3.
assert equal: -5 abs To: 5.
assert equal: 10 factorial To: 3628800.
assert equal: (12 gcd: 18) To: 6.

"Small integers overflow into big integers, and come back."
assert equal: (9223372036854775807 + 1) printString To: '9223372036854775808'.
assert that: [ (9223372036854775807 + 1) isBig ].
assert equal: ((9223372036854775807 + 1) - 1) To: 9223372036854775807.
assert that: [ ((9223372036854775807 + 1) - 1) isBig not ].
assert equal: 30 factorial printString To: '265252859812191058636308480000000'.
assert equal: 30 factorial / 29 factorial To: 30.
assert equal: 123456789012345678901234567890 * 0 To: 0.
assert that: [ 100000000000000000000 > 99999999999999999999 ].
assert equal: (2 << 100) printString To: '2535301200456458802993406410752'.
assert equal: (255 printStringBase: 16) To: 'ff'.

"Floats"
assert equal: 1.5 + 1.5 To: 3.0.
assert equal: (1 / 2.0) To: 0.5.
assert equal: 3 + 0.5 To: 3.5.
assert equal: 2.5e2 To: 250.0.
assert equal: 1.0e-2 printString To: '0.01'.
assert equal: 3.7 truncate To: 3.
assert equal: 3.5 round To: 4.
assert equal: 2 asFloat printString To: '2.0'.
assert equal: 16 sqrt To: 4.0.
assert that: [ 0.1 < 0.2 ].
assert that: [ 3 = 3.0 ].

"Errors from primitives"
assert error: [ 1 / 0 ] Matching: 'divisionByZeroError'.
assert error: [ 1 + 'a' ] Matching: 'badTypeError'.
assert error: [ 3 foo ] Matching: 'does not understand'.

"Iteration"
lobby _AddSlots: (| acc <- 0 |).
1 to: 10 Do: [| :i | acc: acc + i ].
assert equal: acc To: 55.
acc: 0.
10 to: 1 By: -2 Do: [| :i | acc: acc + i ].
assert equal: acc To: 30.
acc: 0.
5 timesRepeat: [ acc: acc + 1 ].
assert equal: acc To: 5.
"non-literal blocks take the library path"
acc: 0.
lobby _AddSlots: (| sumWith: blk = ( 1 to: 4 Do: blk. 5 timesRepeat: [ acc: acc + 100 ]. acc ) |).
assert equal: (sumWith: [| :i | acc: acc + i ]) To: 510.
"the fallback path of an inlined send: a non-integer receiver"
assert error: [ 'a' to: 3 Do: [| :i | i ] ] Matching: 'does not understand'.
assert equal: (2 ** 100) printString To: '1267650600228229401496703205376'.
assert equal: (2 ** -1) To: 0.5.
assert equal: (reflect: (| parent* = traits clonable. x = 3 |)) kindName To: 'object'.
