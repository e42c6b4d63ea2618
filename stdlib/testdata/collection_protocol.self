"Self's collection and indexable protocol on vectors and lists."
lobby _AddSlots: (| v = (3 & 1 & 4 & 1 & 5) asVector. acc <- 0. out <- nil |).

"do: passes the element and its index (0-based); one-argument blocks ignore the index"
acc: 0. v do: [| :e. :i | acc: acc + (e * i) ].
assert equal: acc To: 32.
acc: 0. v do: [| :e | acc: acc + e ].
assert equal: acc To: 14.
out: stringBuilder copy. v do: [| :e | out add: e printString ] SeparatedBy: [ out add: ', ' ].
assert equal: out contents To: '3, 1, 4, 1, 5'.
out: stringBuilder copy. v reverseDo: [| :e. :i | out add: i printString ].
assert equal: out contents To: '43210'.
out: stringBuilder copy. v doFirst: [| :e | out add: '<' ] Middle: [| :e | out add: '.' ] Last: [| :e | out add: '>' ] IfEmpty: [ out add: 'none' ].
assert equal: out contents To: '<...>'.
out: stringBuilder copy. vector copy doFirst: [| :e | out add: '<' ] Middle: [| :e | out add: '.' ] Last: [| :e | out add: '>' ] IfEmpty: [ out add: 'none' ].
assert equal: out contents To: 'none'.
acc: 0. v with: (10 & 20 & 30) asVector Do: [| :a. :b | acc: acc + (a * b) ].
assert equal: acc To: 30 + 20 + 120.
out: stringBuilder copy. v sortedDo: [| :e | out add: e printString ].
assert equal: out contents To: '11345'.
assert equal: v printString To: 'vector(3, 1, 4, 1, 5)'.

"testing"
assert that: [ v nonEmpty ].
assert that: [ vector copy isEmpty ].
assert that: [ v includes: 4 ].
assert that: [ (v includes: 9) not ].
assert that: [ v includesAll: (1 & 5) asList ].
assert that: [ (v includesAll: (1 & 7) asList) not ].
assert equal: (v occurrencesOf: 1) To: 2.
assert that: [ v anySatisfy: [| :e | e > 4 ] ].
assert that: [ v allSatisfy: [| :e | e > 0 ] ].
assert that: [ v noneSatisfy: [| :e | e > 5 ] ].
assert equal: (v countHowMany: [| :e | e odd ]) To: 4.
assert equal: (vector copy ifNone: [ 'empty' ]) To: 'empty'.
assert that: [ (v ifNone: [ 'empty' ]) == v ].
assert equal: (v ifNone: [ 0 ] IfOne: [| :e | e ] IfMany: [ 'many' ]) To: 'many'.
assert equal: ((7 & 8) asVector copyWithoutLast soleElement) To: 7.

"searching"
assert equal: (v findFirst: [| :e | e > 3 ] IfPresent: [| :e. :i | i ] IfAbsent: [ -1 ]) To: 2.
assert equal: (v findFirst: [| :e | e > 30 ] IfPresent: [| :e. :i | i ] IfAbsent: [ -1 ]) To: -1.
assert equal: (v detect: [| :e | e > 3 ]) To: 4.
assert equal: (v keyOf: 4) To: 2.
assert equal: (v indexOf: 5) To: 4.

"reducing"
assert equal: (v reduceWith: [| :a. :b | a + b ]) To: 14.
assert equal: ((7 & 8) asVector copyWithoutLast reduceWith: [| :a. :b | a + b ] IfSingleton: [| :e | e * 100 ]) To: 700.
assert equal: (vector copy reduceWith: [| :a. :b | a + b ] IfSingleton: [| :e | e ] IfEmpty: [ 'none' ]) To: 'none'.
assert error: [ vector copy reduceWith: [| :a. :b | a + b ] ] Matching: 'empty'.
assert equal: v max To: 5.
assert equal: v min To: 1.
assert equal: v sum To: 14.
assert equal: vector copy sum To: 0.
assert equal: v product To: 60.
assert equal: (2 & 4) asVector mean To: 3.
assert equal: v mean To: 2.8.
assert equal: v median To: 3.
assert equal: ((1 & 2 & 3) asVector dotProduct: (4 & 5 & 6) asVector) To: 32.
assert equal: (v inject: 0 Into: [| :a. :e | a + e ]) To: 14.

"transforming: copy... answers a new collection, mapBy: and sort modify and answer the receiver"
assert equal: (v copyMappedBy: [| :e | e * 10 ]) printString To: 'vector(30, 10, 40, 10, 50)'.
assert equal: (v copyMappedBy: [| :e. :i | i ]) printString To: 'vector(0, 1, 2, 3, 4)'.
assert equal: (v copyFilteredBy: [| :e | e > 2 ]) printString To: 'vector(3, 4, 5)'.
assert equal: (v filterBy: [| :e | e > 2 ] Into: list copyRemoveAll) printString To: 'list(3, 4, 5)'.
assert equal: ((1 & 2) asVector gather: [| :e | (e & (e * 10)) asVector ]) printString To: 'list(1, 10, 2, 20)'.
assert equal: v copySort printString To: 'vector(1, 1, 3, 4, 5)'.
assert equal: (v copySortBy: [| :a. :b | a > b ]) printString To: 'vector(5, 4, 3, 1, 1)'.
assert equal: v printString To: 'vector(3, 1, 4, 1, 5)'.
lobby _AddSlots: (| w <- nil |).
w: v copy.
assert that: [ (w mapBy: [| :e | e + 1 ]) == w ].
assert equal: w printString To: 'vector(4, 2, 5, 2, 6)'.
assert that: [ w sort == w ].
assert equal: w printString To: 'vector(2, 2, 4, 5, 6)'.
assert that: [ w reverse == w ].
assert equal: w printString To: 'vector(6, 5, 4, 2, 2)'.
assert equal: ((1 & 2 & 3) asVector union: (3 & 4) asVector) printString To: 'vector(1, 2, 3, 4)'.
assert equal: ((1 & 2 & 3) asVector intersect: (3 & 2 & 9) asVector) printString To: 'vector(2, 3)'.
assert equal: ((1 & 2 & 3) asVector difference: (2 & 9) asVector) printString To: 'vector(1, 3)'.

"indexables"
assert equal: v first To: 3.
assert equal: v last To: 5.
assert equal: (v copyFrom: 1 UpTo: 3) printString To: 'vector(1, 4)'.
assert equal: (v copyFrom: 3) printString To: 'vector(1, 5)'.
assert equal: (v copyAddFirst: 0) printString To: 'vector(0, 3, 1, 4, 1, 5)'.
assert equal: (v copyAddLast: 9) printString To: 'vector(3, 1, 4, 1, 5, 9)'.
assert equal: v copyReversed printString To: 'vector(5, 1, 4, 1, 3)'.
assert equal: v copyWithoutFirst printString To: 'vector(1, 4, 1, 5)'.
assert equal: v copyWithoutLast printString To: 'vector(3, 1, 4, 1)'.
assert equal: (v copyAtMost: 2) printString To: 'vector(3, 1)'.
assert equal: ((1 & 2) asVector copySize: 4 FillingWith: 0) printString To: 'vector(1, 2, 0, 0)'.
assert equal: (v slice: 1 & 3) printString To: 'vector(1, 4)'.
assert equal: (v slice: -2 & nil) printString To: 'vector(1, 5)'.
assert equal: ((1 & 0 & 2 & 0 & 3) asVector splitOn: (0 & 0) asVector copyWithoutLast) printString To: 'list(vector(1), vector(2), vector(3))'.
assert equal: (('a' & 'b' & 'c') asVector joinUsing: ', ') To: 'a, b, c'.
assert equal: (((1 & 2) asVector & (3 & 4) asVector) asVector joinUsing: (0 & 0) asVector copyWithoutLast) printString To: 'vector(1, 2, 0, 3, 4)'.
assert that: [ (3 & 1) asVector isPrefixOf: v ].
assert that: [ (1 & 5) asVector isSuffixOf: v ].
assert equal: (v at: 10 IfAbsent: [ 'none' ]) To: 'none'.
w: v copy. w first: 100. w last: 200.
assert equal: w printString To: 'vector(100, 1, 4, 1, 200)'.
assert error: [ vector copy first ] Matching: 'empty'.

"lists: modifiers answer the list"
lobby _AddSlots: (| l <- nil |).
l: list copyRemoveAll.
assert that: [ (l addLast: 2) == l ].
l addFirst: 1. l addAll: (3 & 4) asVector.
assert equal: l printString To: 'list(1, 2, 3, 4)'.
l insert: 9 At: 2.
assert equal: l printString To: 'list(1, 2, 9, 3, 4)'.
l remove: 9.
assert equal: l printString To: 'list(1, 2, 3, 4)'.
assert equal: (l remove: 42 IfAbsent: [ 'absent' ]) To: 'absent'.
assert error: [ l remove: 42 ] Matching: 'not found'.
assert equal: l removeFirst To: 1.
assert equal: l removeLast To: 4.
assert equal: l printString To: 'list(2, 3)'.
l do: [| :e. :i | acc: i ].
assert equal: acc To: 1.
assert that: [ l removeAll == l ].
assert that: [ l isEmpty ].
assert equal: (l removeFirstIfAbsent: [ 'empty' ]) To: 'empty'.
l addAll: (5 & 3 & 4) asList.
assert equal: l sort printString To: 'list(3, 4, 5)'.
assert equal: (l copyMappedBy: [| :e | e * 2 ]) printString To: 'list(6, 8, 10)'.
assert equal: (l copyFilteredBy: [| :e | e > 3 ]) printString To: 'list(4, 5)'.
assert equal: l copyReversed printString To: 'list(5, 4, 3)'.
assert equal: (l copyAddFirst: 0) printString To: 'list(0, 3, 4, 5)'.
assert that: [ l = (3 & 4 & 5) asList ].
l addAllFirst: (1 & 2) asList.
assert equal: l printString To: 'list(1, 2, 3, 4, 5)'.
assert equal: (l filterBy: [| :e | e odd ]) printString To: 'list(1, 3, 5)'.
"vectors as sequences"
w: vector copy.
assert that: [ (w add: 1) == w ].
w add: 2. w add: 3.
w remove: 2.
assert equal: w printString To: 'vector(1, 3)'.
assert that: [ w removeAll isEmpty ].

"more of Self's collection protocol"
out: stringBuilder copy. v doFirst: [| :e | out add: 'F' ] MiddleLast: [| :e | out add: 'm' ] IfEmpty: [ out add: 'none' ].
assert equal: out contents To: 'Fmmmm'.
out: stringBuilder copy. v doFirstMiddle: [| :e | out add: 'f' ] Last: [| :e | out add: 'L' ].
assert equal: out contents To: 'ffffL'.
assert equal: (v occurrencesOfEachElement at: 1) To: 2.
assert equal: (v percentile: 50) To: 3.
assert equal: (1 & 4 & 4) asVector harmonicMean To: 2.0.
assert equal: (v copySortBySelector: '>') printString To: 'vector(5, 4, 3, 1, 1)'.
assert that: [ (1 & 2) asVector < (1 & 3) asVector ].
assert that: [ ((1 & 2) asVector < (1 & 2) asVector) not ].
assert that: [ (1 & 2) asVector < (1 & 2 & 0) asVector ].
assert equal: ((1 & 2) asVector compare: (1 & 2) asVector IfLess: [ 'lt' ] Equal: [ 'eq' ] Greater: [ 'gt' ]) To: 'eq'.
assert equal: ((1 & 2 & 3 & 4) asVector replaceFrom: 1 UpTo: 3 With: (9 & 9 & 9) asVector) printString To: 'vector(1, 9, 9, 9, 4)'.
assert equal: (v keyAt: 2 IfAbsent: [ -1 ]) To: 2.
assert equal: (v keyAt: 20 IfAbsent: [ -1 ]) To: -1.
acc: 0. v randomlyDo: [| :e | acc: acc + e ].
assert equal: acc To: 14.
l: (1 & 2 & 5) asList.
l insert: 3 AfterElementSatisfying: [| :e | e = 2 ] IfAbsent: [ nil ].
l insert: 4 BeforeElementSatisfying: [| :e | e = 5 ] IfAbsent: [ nil ].
assert equal: l printString To: 'list(1, 2, 3, 4, 5)'.
assert equal: (l insert: 0 AfterElementSatisfying: [| :e | e > 10 ] IfAbsent: [ 'absent' ]) To: 'absent'.
l removeKeysFrom: 1 To: 3.
assert equal: l printString To: 'list(1, 5)'.
assert equal: (l insert: 7 At: 9 IfAbsent: [ 'bad index' ]) To: 'bad index'.
assert equal: ((byteVector copySize: 3) fillFrom: (7 & 8 & 9) asVector) printString To: 'byteVector(7, 8, 9)'.
assert equal: ('ab' & 'cd') flatByteVector size To: 4.
"byte vectors: integers in big- and little-endian byte order, bitwise operations"
lobby _AddSlots: (| bv <- nil |).
bv: byteVector copySize: 8.
bv bigEndianIntSize: 32 Signed: false At: 0 Put: 16r01020304.
assert equal: bv printString To: 'byteVector(1, 2, 3, 4, 0, 0, 0, 0)'.
assert equal: (bv bigEndianIntSize: 32 Signed: false At: 0) To: 16r01020304.
assert equal: (bv littleEndianIntSize: 16 Signed: false At: 0) To: 16r0201.
bv littleEndianIntSize: 16 Signed: true At: 4 Put: -2.
assert equal: (bv at: 4) To: 254.
assert equal: (bv at: 5) To: 255.
assert equal: (bv littleEndianIntSize: 16 Signed: true At: 4) To: -2.
assert equal: (bv littleEndianIntSize: 16 Signed: false At: 4) To: 65534.
assert equal: (bv bigEndianIntSize: 32 Signed: false At: 6 IfFail: [| :e | e ]) To: 'badIndexError'.
assert equal: (bv bigEndianIntSize: 8 Signed: false At: 0 Put: 256 IfFail: [| :e | e ]) To: 'overflowError'.
assert equal: (((3 & 5) asVector asByteVector) && ((6 & 4) asVector asByteVector)) printString To: 'byteVector(2, 4)'.
assert equal: (((3 & 5) asVector asByteVector) || ((6 & 4) asVector asByteVector)) printString To: 'byteVector(7, 5)'.
assert equal: (((3 & 5) asVector asByteVector) ^^ ((6 & 4) asVector asByteVector)) printString To: 'byteVector(5, 1)'.

"more of Self's core protocol (lang/conformance TestCoreSelectors counts it)"
assert equal: ((1 & 2) asList , (3 & 4) asVector) asVector To: (1 & 2 & 3 & 4) asVector.
assert equal: ((1 & 2) asList , (3 & 4) asVector) collectionName To: 'list'.
assert equal: ((1 & 2) asVector asByteVector , (3 & 4) asList) printString To: 'byteVector(1, 2, 3, 4)'.
assert equal: ((10 & 255 & 0) asVector asByteVector) hexPrintString To: '0aff00'.
assert equal: ((vector copySize: 3) fillFrom: (7 & 8) asList) printString To: 'vector(7, 8, nil)'.
assert equal: ((list copySize: 2) fillFrom: (7 & 8 & 9) asVector) asVector To: (7 & 8) asVector.
assert equal: (((0 & 10) asVector interpolate: 0.5 From: (10 & 20) asVector) asVector) To: (5.0 & 15.0) asVector.
assert equal: ((5 & 4 & 3 & 2 & 1) asVector mergeSortFirst: 1 Count: 3 By: [| :a. :b | a < b ]) To: (5 & 2 & 3 & 4 & 1) asVector.
assert equal: (((5 & 4 & 3) asList mergeSortFirst: 0 Count: 3 By: [| :a. :b | a < b ]) asVector) To: (3 & 4 & 5) asVector.
assert error: [ (1 & 2) asVector mergeSortFirst: 1 Count: 5 By: [| :a. :b | a < b ] ] Matching: 'out of range'.
lobby _AddSlots: (| l2 <- nil |).
l2: (1 & 2 & 3) asList.
assert equal: (l2 removeKey: 5 IfAbsent: [ 'absent' ]) To: 'absent'.
assert equal: (l2 removeKey: 1 IfAbsent: [ 'absent' ]) To: 2.
assert equal: l2 asVector To: (1 & 3) asVector.
assert equal: (l2 at: 1 Put: 9 IfAbsent: [ 'absent' ]) To: 9.
assert equal: (l2 at: 2 Put: 9 IfAbsent: [ 'absent' ]) To: 'absent'.
assert equal: (l2 copySize: 4 FillingWith: 0) asVector To: (1 & 9 & 0 & 0) asVector.
assert equal: (l2 copySize: 1 FillingWith: 0) asVector To: (1 & nil) asVector copyWithoutLast.
