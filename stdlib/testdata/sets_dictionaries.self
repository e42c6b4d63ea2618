"Sets and dictionaries under Self's names."
lobby _AddSlots: (| s <- nil. d <- nil. acc <- nil |).
s: set copyRemoveAll.
assert that: [ (s add: 3) == s ].
s add: 1. s add: 3. s add: 2.
assert equal: s size To: 3.
assert that: [ s includes: 2 ].
assert that: [ (s includes: 7) not ].
assert equal: (s occurrencesOf: 3) To: 1.
assert equal: s printString To: 'set(3, 1, 2)'.
s remove: 1.
assert equal: s size To: 2.
assert equal: (s remove: 99 IfAbsent: [ 'absent' ]) To: 'absent'.
assert error: [ s remove: 99 ] Matching: 'not found'.
acc: 0. s do: [| :e. :k | acc: acc + (e * k) ].
assert equal: acc To: 13.
assert that: [ (1 & 2 & 3) asSet = (3 & 2 & 1) asSet ].
assert that: [ ((1 & 2) asSet = (1 & 3) asSet) not ].
assert equal: ((1 & 2 & 3) asSet union: (3 & 4) asSet) size To: 4.
assert equal: ((1 & 2 & 3) asSet intersect: (3 & 2 & 9) asSet) asVector sort printString To: 'vector(2, 3)'.
assert equal: ((1 & 2 & 3) asSet difference: (2 & 9) asSet) asVector sort printString To: 'vector(1, 3)'.
assert equal: ((1 & 2 & 3) asSet copyFilteredBy: [| :e | e odd ]) printString To: 'set(1, 3)'.
assert equal: ((1 & 2 & 3) asSet copyMappedBy: [| :e | e % 2 ]) size To: 2.
assert that: [ set isEmpty ].
assert equal: orderedSet copyRemoveAll collectionName To: 'set'.
s: set copyRemoveAll.
s if: 5 IsAbsentAddAndDo: [| :e | acc: e ].
assert equal: acc To: 5.
assert that: [ s includes: 5 ].
s removeAll.
assert that: [ s isEmpty ].

"dictionaries"
d: dictionary copyRemoveAll.
d at: 'one' Put: 1. d at: 'two' Put: 2. d at: 'three' Put: 3.
assert equal: (d at: 'four' IfAbsentPut: [ 4 ]) To: 4.
assert equal: (d at: 'four' IfAbsentPut: [ 44 ]) To: 4.
assert that: [ d includesKey: 'four' ].
assert equal: d keys printString To: 'vector(\'one\', \'two\', \'three\', \'four\')'.
assert equal: d values printString To: 'vector(1, 2, 3, 4)'.
acc: stringBuilder copy. d keysAndValuesDo: [| :k. :v | acc add: k. acc add: v printString ].
assert equal: acc contents To: 'one1two2three3four4'.
acc: stringBuilder copy. d do: [| :v. :k | acc add: k ].
assert equal: acc contents To: 'onetwothreefour'.
assert equal: (d if: 'two' IsPresentDo: [| :v | v * 10 ] IfAbsentDo: [ 0 ]) To: 20.
assert equal: (d if: 'ten' IsPresentDo: [| :v | v * 10 ] IfAbsentDo: [ 0 ]) To: 0.
assert that: [ (d removeKey: 'two') == d ].
assert that: [ (d includesKey: 'two') not ].
assert equal: (d removeKey: 'two' IfAbsent: [ 'gone' ]) To: 'gone'.
assert error: [ d removeKey: 'two' ] Matching: 'not found'.
"removal keeps the insertion order (an ordered dictionary)"
assert equal: d keys printString To: 'vector(\'one\', \'three\', \'four\')'.
assert equal: (d copyFilteredBy: [| :v | v > 1 ]) printString To: 'dictionary(\'three\' -> 3, \'four\' -> 4)'.
assert equal: (d copyMappedBy: [| :v | v * 2 ]) values printString To: 'vector(2, 6, 8)'.
assert equal: d values printString To: 'vector(1, 3, 4)'.
assert equal: d sum To: 8.
assert equal: d max To: 4.
assert that: [ d includes: 3 ].
assert equal: (d keyOf: 3) To: 'three'.
assert equal: (d findFirst: [| :v | v > 2 ] IfPresent: [| :v. :k | k ] IfAbsent: [ nil ]) To: 'three'.
assert that: [ d copy = d ].
assert that: [ ((d copy at: 'one' Put: 100) = 100) ].
assert equal: (dictionary copyRemoveAll at: 1 Put: 'a') To: 'a'.
assert equal: ((1 & 2) asVector asDictionary at: 1) To: 2.
assert equal: orderedDictionary copyRemoveAll collectionName To: 'dictionary'.
d removeAll.
assert that: [ d isEmpty ].
d: dictionary copyRemoveAll.
d at: 'a' Put: 1.
d if: 'a' IsPresentPut: [| :v | v + 10 ] AndDo: [| :v | acc: v ] IfAbsentDo: [ acc: 'absent' ].
assert equal: (d at: 'a') To: 11.
assert equal: acc To: 11.
d if: 'b' IsPresentDo: [| :v | acc: v ] IfAbsentPut: [ 5 ] AndDo: [| :v | acc: v * 2 ].
assert equal: (d at: 'b') To: 5.
assert equal: acc To: 10.
assert equal: (d selectAtRandom: 1) size To: 1.
assert equal: (d selectAtRandom: 5 IfFail: [| :e | e ]) To: 'not enough elements'.
assert that: [ d equalsDictionary: d copy ].
assert equal: ((1 & 2 & 3) asSet selectAtRandom: 2) size To: 2.

"more of Self's set and dictionary protocol"
lobby _AddSlots: (| s2 <- nil. d2 <- nil |).
s2: (3 & 1 & 2) asSet.
assert equal: (s2 at: 1) To: 1.
assert error: [ s2 at: 7 ] Matching: 'no such key in the set'.
assert equal: (s2 if: 2 IsPresentDo: [| :e | e * 10 ]) To: 20.
assert equal: (s2 if: 9 IsPresentDo: [| :e | e * 10 ]) To: nil.
assert equal: s2 removeFirst To: 3.
assert equal: (s2 removeKey: 2) To: 2.
assert equal: (s2 removeKey: 2 IfAbsent: [ 'absent' ]) To: 'absent'.
assert error: [ s2 removeKey: 2 ] Matching: 'not in the set'.
assert equal: s2 asVector To: (1 & nil) asVector copyWithoutLast.
assert equal: (set copy removeFirstIfAbsent: [ 'empty' ]) To: 'empty'.
assert equal: ((1 & 2) asSet , (2 & 3) asSet) To: (1 & 2 & 3) asSet.
d2: dictionary copyRemoveAll.
d2 at: 'a' Put: 1. d2 at: 'b' Put: 2.
assert equal: ((d2 copy addAll: (10 & 20) asVector) at: 1) To: 20.
lobby _AddSlots: (| d3 <- nil |).
d3: dictionary copyRemoveAll. d3 at: 'c' Put: 3. d3 at: 'a' Put: 0.
assert equal: (d2 , d3) keys To: ('a' & 'b' & 'c') asVector.
assert equal: ((d2 , d3) at: 'a') To: 0.
assert equal: d2 size To: 2.
assert equal: d2 removeFirst To: 1.
assert equal: d2 keys To: ('b' & nil) asVector copyWithoutLast.
assert equal: (dictionary copy removeFirstIfAbsent: [ 'empty' ]) To: 'empty'.
assert error: [ dictionary copy removeFirst ] Matching: 'the dictionary is empty'.

"Removal leaves holes, compacted when they are half the entries: order,
size, lookups and printing see only the entries."
lobby _AddSlots: (| d4 <- nil. d5 <- nil |).
d4: dictionary copyRemoveAll.
0 to: 99 Do: [| :i | d4 at: i Put: i * i ].
0 to: 99 By: 3 Do: [| :i | d4 removeKey: i ].
assert equal: d4 size To: 66.
assert equal: (d4 at: 4) To: 16.
assert equal: (d4 at: 3 IfAbsent: [ 'gone' ]) To: 'gone'.
assert that: [ (d4 includesKey: 99) not ].
assert equal: (d4 keys copyFrom: 0 UpTo: 4) To: (1 & 2 & 4 & 5) asVector.
assert equal: (d4 values copyFrom: 0 UpTo: 3) To: (1 & 4 & 16) asVector.
lobby _AddSlots: (| sum4 <- 0 |).
0 to: 99 Do: [| :i | (i % 3) = 0 ifFalse: [ sum4: sum4 + (i * i) ] ].
assert equal: (d4 inject: 0 Into: [| :a. :v | a + v ]) To: sum4.
d4 at: 3 Put: 'back'.
assert equal: d4 keys last To: 3.
assert equal: d4 size To: 67.
assert equal: d4 removeFirst To: 1.
"removing all but one compacts on the way; what is left is whole"
d4 keys do: [| :k | (k = 98) ifFalse: [ d4 removeKey: k ] ].
assert equal: d4 size To: 1.
assert equal: d4 printString To: 'dictionary(98 -> 9604)'.
assert equal: d4 copy size To: 1.
assert equal: (d4 = d4 copy) To: true.
d4 removeKey: 98.
assert that: [ d4 isEmpty ].
assert equal: (d4 removeFirstIfAbsent: [ 'empty' ]) To: 'empty'.
"a dictionary made before holes (no slot for them) gets one on its first removal"
d5: (| parent* = traits dictionary. ks <- vector copy. vs <- vector copy. buckets <- (vector copySize: 8) rehashEmpty |).
d5 at: 'x' Put: 1. d5 at: 'y' Put: 2. d5 at: 'z' Put: 3.
assert equal: d5 size To: 3.
assert equal: (d5 removeKey: 'y') To: d5.
assert equal: d5 keys To: ('x' & 'z') asVector.
assert equal: d5 size To: 2.
assert that: [ (reflect: d5) slotNames includes: 'holes' ].
