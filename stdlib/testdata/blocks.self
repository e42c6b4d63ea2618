"Blocks, returns and control structures."
assert equal: [ 3 ] value To: 3.
assert equal: ([| :x | x * 2 ] value: 21) To: 42.
assert equal: ([| :a. :b | a - b ] value: 10 With: 4) To: 6.
assert equal: [| :a. :b. :c | a + b + c ] numArgs To: 3.
assert equal: [] value To: nil.

lobby _AddSlots: (| counter <- 0 |).
[ counter < 10 ] whileTrue: [ counter: counter + 1 ].
assert equal: counter To: 10.
[ counter = 0 ] whileFalse: [ counter: counter - 1 ].
assert equal: counter To: 0.

"ifTrue:False: and friends, with literal and non-literal blocks"
assert equal: (true ifTrue: [ 1 ] False: [ 2 ]) To: 1.
assert equal: (false ifTrue: [ 1 ] False: [ 2 ]) To: 2.
assert equal: (false ifTrue: [ 1 ]) To: nil.
assert equal: (true ifFalse: [ 1 ]) To: nil.
lobby _AddSlots: (| pick: c = ( | y. n | y: [ 'yes' ]. n: [ 'no' ]. c ifTrue: y False: n ) |).
assert equal: (pick: true) To: 'yes'.
assert equal: (pick: false) To: 'no'.
assert that: [ true and: [ true ] ].
assert that: [ (true and: [ false ]) not ].
assert that: [ false or: [ true ] ].
assert that: [ (true && false) not ].
assert that: [ false || true ].

"^ inside a block returns from the enclosing method"
lobby _AddSlots: (| firstOver: n In: v = ( v do: [| :e | e > n ifTrue: [ ^ e ] ]. nil ) |).
lobby _AddSlots: (| nums <- vector copy |).
nums add: 1. nums add: 5. nums add: 9.
assert equal: (firstOver: 4 In: nums) To: 5.
assert equal: (firstOver: 10 In: nums) To: nil.

"a ^ inside an inlined block returns from the method"
lobby _AddSlots: (| sign: n = ( n < 0 ifTrue: [ ^ -1 ]. n = 0 ifTrue: [ ^ 0 ]. 1 ) |).
assert equal: (sign: -5) To: -1.
assert equal: (sign: 0) To: 0.
assert equal: (sign: 7) To: 1.
"a ^ in a loop body"
lobby _AddSlots: (| findSquare: n = ( | i <- 0 | [ true ] whileTrue: [ (i * i) >= n ifTrue: [ ^ i ]. i: i + 1 ] ) |).
assert equal: (findSquare: 50) To: 8.

"methods return their last expression; ( ) is an empty data object, not a method"
lobby _AddSlots: (| last = ( 1. 2. 3 ). empty = ( ) |).
assert equal: last To: 3.
assert that: [ (reflect: empty) slotNames isEmpty ].

"blocks see and assign the locals of their method"
lobby _AddSlots: (| total: v = ( | t <- 0 | v do: [| :e | t: t + e ]. t ) |).
assert equal: (total: nums) To: 15.

"a block whose method has returned cannot be invoked"
lobby _AddSlots: (| makeBlock = ( [ 42 ] ). saved |).
saved: makeBlock.
assert error: [ saved value ] Matching: 'returned'.

"onError: catches runtime errors"
assert equal: ([ 1 foo ] onError: [| :e | 'caught' ]) To: 'caught'.
assert equal: ([ 7 ] onError: [| :e | 'caught' ]) To: 7.

"ensure: runs its block however the receiver ends, and an error keeps its
 own position (the original send's, not ensure:'s)"
lobby _AddSlots: (| ensureLog <- '' |).
assert equal: ([ 1 ] ensure: [ ensureLog: ensureLog, 'a' ]) To: 1.
assert error: [ [ 3 zork ] ensure: [ ensureLog: ensureLog, 'b' ] ] Matching: 'zork'.
lobby _AddSlots: (| nlrEnsure = ( [ ^ 7 ] ensure: [ ensureLog: ensureLog, 'c' ]. 8 ) |).
assert equal: nlrEnsure To: 7.
assert equal: ensureLog To: 'abc'.

"onError: handlers receive the error: its message, kind, position and
 backtrace; signal raises it again at its own position, with its own trace"
lobby _AddSlots: (| failing = ( 3 zork ). caught. resignalled |).
caught: ([ failing ] onError: [| :e | e ]).
assert that: [ caught message includesSubstring: '3 does not understand \'zork\'' ].
assert equal: caught kind To: 'undefinedSelector'.
assert equal: caught position To: 'testdata/blocks.self:73:35'.
assert equal: caught printString To: 'testdata/blocks.self:73:35: ', caught message.
assert equal: caught trace first printString To: 'testdata/blocks.self:73:35 in failing'.
assert that: [ caught backtrace startsWith: '  testdata/blocks.self:73:35 in failing' ].
resignalled: ([ [ failing ] onError: [| :e | e signal ] ] onError: [| :e | e ]).
assert equal: resignalled position To: caught position.
assert equal: resignalled trace first printString To: caught trace first printString.
assert that: [ resignalled backtrace includesSubstring: '[] in' ].
"an error raised by the handler itself is its own, at the handler"
assert equal: ([ [ failing ] onError: [| :e | e frob ] ] onError: [| :e | e position ]) To: 'testdata/blocks.self:86:49'.
"handlers written for a message string still work"
assert equal: ([ error: 'boom' ] onError: [| :e | 'caught: ', e ]) To: 'caught: boom'.
assert that: [ [ error: 'boom' ] onError: [| :e | e includesSubstring: 'oo' ] ].
assert equal: ([ error: 'boom' ] onError: [ 'no argument' ]) To: 'no argument'.
