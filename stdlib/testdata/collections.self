"Vectors, lists and dictionaries."
lobby _AddSlots: (| v <- vector copy |).
v add: 3. v add: 1. v add: 2.
assert equal: v size To: 3.
assert equal: (v at: 0) To: 3.
assert equal: (v collect: [| :e | e * 10 ]) printString To: 'vector(30, 10, 20)'.
assert equal: (v select: [| :e | e > 1 ]) printString To: 'vector(3, 2)'.
assert equal: (v detect: [| :e | e < 3 ] IfNone: [ 0 ]) To: 1.
assert equal: (v detect: [| :e | e > 30 ] IfNone: [ 0 ]) To: 0.
assert equal: (v inject: 0 Into: [| :a. :e | a + e ]) To: 6.
assert that: [ v isEmpty not ].
assert that: [ vector copy isEmpty ].
assert that: [ v includes: 2 ].
assert equal: v copy sort printString To: 'vector(1, 2, 3)'.
assert equal: v printString To: 'vector(3, 1, 2)'.
assert equal: (v at: 1 Put: 7) To: 7.
assert error: [ v at: 3 ] Matching: 'badIndexError'.
assert equal: (vector copySize: 2) printString To: 'vector(nil, nil)'.
assert equal: v sum To: 12.
assert equal: v max To: 7.
assert that: [ v = (v copy) ].
assert equal: (v , v) size To: 6.
assert equal: (v joinedWith: '-') To: '3-7-2'.

"sorting a longer vector (merge sort)"
lobby _AddSlots: (| big <- vector copy |).
100 to: 1 By: -1 Do: [| :i | big add: (i * 7) % 101 ].
big sort.
assert that: [ | ok <- true | 0 to: big size - 2 Do: [| :i | (big at: i) > (big at: i + 1) ifTrue: [ ok: false ] ]. ok ].

"lists"
lobby _AddSlots: (| l <- list copy |).
l add: 2. l addFirst: 1. l addLast: 3.
assert equal: l printString To: 'list(1, 2, 3)'.
assert equal: l size To: 3.
assert equal: l removeFirst To: 1.
assert equal: l removeLast To: 3.
assert equal: l size To: 1.
assert equal: (l at: 0) To: 2.
assert that: [ list isEmpty ].
assert equal: (l collect: [| :e | e + 1 ]) printString To: 'list(3)'.
assert error: [ list copy removeFirst ] Matching: 'empty'.

"dictionaries"
lobby _AddSlots: (| d <- dictionary copy |).
d at: 'one' Put: 1.
d at: 'two' Put: 2.
d at: 3 Put: 'three'.
assert equal: (d at: 'one') To: 1.
assert equal: (d at: 3) To: 'three'.
assert equal: d size To: 3.
assert equal: (d at: 'zzz' IfAbsent: [ 0 ]) To: 0.
assert that: [ d includesKey: 'two' ].
d at: 'one' Put: 11.
assert equal: (d at: 'one') To: 11.
assert equal: d size To: 3.
d removeKey: 'one'.
assert that: [ (d includesKey: 'one') not ].
assert equal: d size To: 2.
assert equal: (d inject: 0 Into: [| :a. :e | a + (e isString ifTrue: [ 0 ] False: [ e ]) ]) To: 2.
assert error: [ d at: 'missing' ] Matching: 'not found'.
"many keys force rehashing"
lobby _AddSlots: (| d2 <- dictionary copy |).
0 to: 999 Do: [| :i | d2 at: i Put: i * i ].
assert equal: d2 size To: 1000.
assert equal: (d2 at: 999) To: 998001.
assert that: [ dictionary isEmpty ].
