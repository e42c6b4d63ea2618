"Self's sending protocol on selector strings, yourself, blocks ignoring
 extra arguments, and _AddSlotsIfAbsent: (a re-run script keeps its state)."
assert equal: ('+' sendTo: 3 With: 4) To: 7.
assert equal: ('printString' sendTo: 42) To: '42'.
assert equal: ('between:And:' sendTo: 5 With: 1 With: 9) To: true.
assert equal: ('copyFrom:UpTo:' sendTo: 'hello' With: 1 With: 3) To: 'el'.
assert equal: ('max:' sendTo: 3 WithArguments: (9 & nil) asVector copyWithoutLast) To: 9.
assert error: [ 'frobnicate' sendTo: 3 ] Matching: 'does not understand'.
assert equal: 5 yourself To: 5.
lobby _AddSlots: (| v1 <- nil |).
v1: vector copy.
assert that: [ v1 yourself == v1 ].

"a block taking fewer arguments than sent ignores the extra ones (Self's defaultBehavior)"
assert equal: ([| :a | a * 2 ] value: 3 With: 4) To: 6.
assert equal: ([ 'none' ] value: 3) To: 'none'.
assert equal: ([| :a. :b | a + b ] value: 1 With: 2 With: 3) To: 3.
"an object that is not a block answers itself to value:..."
assert equal: (7 value: 1 With: 2) To: 7.

"_AddSlotsIfAbsent: adds only the slots that are missing"
lobby _AddSlotsIfAbsent: (| runs <- 0. settings = 'first' |).
runs: runs + 1.
lobby _AddSlotsIfAbsent: (| runs <- 0. settings = 'second'. extra <- 5 |).
assert equal: runs To: 1.
assert equal: settings To: 'first'.
assert equal: extra To: 5.
lobby _AddSlots: (| box = (| parent* = traits clonable. a <- 1 |) |).
box _AddSlotsIfAbsent: (| a <- 100. b <- 2. double = ( a * 2 ) |).
assert equal: box a To: 1.
assert equal: box b To: 2.
assert equal: box double To: 2.
"Self's mirror form"
(reflect: box) addSlotsIfAbsent: (reflect: (| a <- 50. c <- 3 |)).
assert equal: box a To: 1.
assert equal: box c To: 3.
assert error: [ 3 _AddSlotsIfAbsent: (| x = 1 |) ] Matching: 'badTypeError'.

"sendTo: with five to thirteen arguments, as in Self"
lobby _AddSlots: (| argsBox = (| parent* = traits clonable.
  a: a B: b C: c D: d E: e = ( (((((vector copy add: a) add: b) add: c) add: d) add: e) ).
  a: a B: b C: c D: d E: e F: f G: g H: h I: i J: j K: k L: l M: m = ( (a & b & c & d & e & f & g & h & i & j & k & l & m) asVector sum ) |) |).
assert equal: ('a:B:C:D:E:' sendTo: argsBox With: 1 With: 2 With: 3 With: 4 With: 5) To: (1 & 2 & 3 & 4 & 5) asVector.
assert equal: ('a:B:C:D:E:F:G:H:I:J:K:L:M:' sendTo: argsBox With: 1 With: 2 With: 3 With: 4 With: 5 With: 6 With: 7 With: 8 With: 9 With: 10 With: 11 With: 12 With: 13) To: 91.
assert equal: ('a:B:C:D:E:' sendTo: argsBox With: (1 & 2) With: 2 With: 3 With: 4 With: 5) first asVector To: (1 & 2) asVector.
assert equal: ('a:B:C:D:E:' sendTo: argsBox With: (1 & 2) With: 2 With: 3 With: 4 With: 5) size To: 5.
assert error: [ 'a:B:C:D:E:' sendTo: argsBox With: 1 With: 2 With: 3 With: 4 With: 5 With: 6 ] Matching: 'takes 5 argument(s), given 6'.
