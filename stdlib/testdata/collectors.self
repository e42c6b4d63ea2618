"Collectors (Self's &): each & answers a new collector; as... converts."
assert equal: (1 & 2 & 3) asVector printString To: 'vector(1, 2, 3)'.
assert equal: (1 & 2 & 3) asList printString To: 'list(1, 2, 3)'.
assert equal: (1 & 2 & 2 & 3) asSet size To: 3.
assert that: [ (1 & 2 & 2) asSet includes: 2 ].
assert equal: (1 & 2 & 3) size To: 3.
assert equal: (1 & 2 & 3) sum To: 6.
assert equal: ('a' & 'b' & 'c') asString To: 'abc'.
assert equal: ('this' & ' is' & ' a' & ' test') flatString To: 'this is a test'.
assert equal: ((1 & 2) asVector & (3 & 4) asVector) flatVector printString To: 'vector(1, 2, 3, 4)'.
assert equal: ((1 & 2) asList & (3 & 4) asList) flatList printString To: 'list(1, 2, 3, 4)'.
"a collector argument is appended element by element (collectors never nest)"
assert equal: ((1 & 2) & (3 & 4)) asVector printString To: 'vector(1, 2, 3, 4)'.
assert equal: (0 & (1 & 2)) asVector printString To: 'vector(0, 1, 2)'.
"& does not change its receiver"
lobby _AddSlots: (| c12 = 1 & 2 |).
assert equal: (c12 & 3) asVector printString To: 'vector(1, 2, 3)'.
assert equal: (c12 & 4) asVector printString To: 'vector(1, 2, 4)'.
assert equal: c12 size To: 2.
"Self's example from collector.self"
assert equal: (1 & ('A' & 'B') asString & 17) asList printString To: 'list(1, \'AB\', 17)'.
assert equal: ((1 & 2 & 3) copyMappedBy: [| :e | e * e ]) asVector printString To: 'vector(1, 4, 9)'.
assert error: [ (1 & 2) add: 3 ] Matching: 'immutable'.
