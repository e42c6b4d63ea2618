"Objects, slots, parents, clones, resend and reflection."
lobby _AddSlots: (|
  point = (|
    parent* = traits clonable.
    x <- 0.
    y <- 0.
    + p = ( (copy x: x + p x) y: y + p y ).
    = p = ( (x = p x) && [ y = p y ] ).
    printString = ( x printString, '@', y printString ).
  |).
|).
lobby _AddSlots: (| p1 = (point copy x: 1) y: 2 |).
assert equal: p1 x To: 1.
assert equal: (p1 + p1) printString To: '2@4'.
assert that: [ (p1 + p1) = ((point copy x: 2) y: 4) ].
assert that: [ point x = 0 ].
"clones are independent"
lobby _AddSlots: (| p2 = p1 copy |).
p2 x: 100.
assert equal: p1 x To: 1.
assert equal: p2 x To: 100.
assert that: [ (p1 == p2) not ].
assert that: [ p1 == p1 ].

"a setter answers the receiver"
assert that: [ (p2 x: 5) == p2 ].

"resend and directed resend"
lobby _AddSlots: (|
  animal = (| parent* = traits clonable. speak = ( 'generic noise' ). name = ( 'animal' ) |).
|).
lobby _AddSlots: (|
  dog = (| parent* = animal. speak = ( 'woof and ', resend.speak ). describe = ( parent.name ) |).
|).
assert equal: dog speak To: 'woof and generic noise'.
assert equal: dog describe To: 'animal'.

"assignable parents change lookup (a state machine)"
lobby _AddSlots: (|
  idle = (| parent* = traits clonable. state = ( 'idle' ) |).
  busy = (| parent* = traits clonable. state = ( 'busy' ) |).
|).
lobby _AddSlots: (| machine = (| parent* <- idle |) |).
assert equal: machine state To: 'idle'.
machine parent: busy.
assert equal: machine state To: 'busy'.

"ambiguous selectors are errors"
lobby _AddSlots: (| amb = (| a* = (| foo = 1 |). b* = (| foo = 2 |) |) |).
assert error: [ amb foo ] Matching: 'ambiguous'.
"the same slot through two paths is not ambiguous"
lobby _AddSlots: (| base = (| foo = 3 |) |).
lobby _AddSlots: (| diamond = (| a* = (| p* = base |). b* = (| p* = base |) |) |).
assert equal: diamond foo To: 3.
"parent cycles are safe"
lobby _AddSlots: (| cyc1 = (| bar = 1 |). cyc2 = (| |) |).
cyc1 _AddSlots: (| p* = cyc2 |).
cyc2 _AddSlots: (| p* = cyc1 |).
assert equal: cyc2 bar To: 1.
assert error: [ cyc1 nothingHere ] Matching: 'does not understand'.

"_AddSlots:, _Define:, _RemoveSlot:"
lobby _AddSlots: (| thing = (| parent* = traits clonable. a = 1 |) |).
thing _AddSlots: (| b <- 2 |).
assert equal: thing b To: 2.
thing b: 3.
assert equal: thing b To: 3.
thing _RemoveSlot: 'a'.
assert error: [ thing a ] Matching: 'does not understand'.
thing _Define: (| parent* = traits clonable. c = 9 |).
assert equal: thing c To: 9.
assert error: [ thing b ] Matching: 'does not understand'.

"redefining a method is seen by existing sends"
lobby _AddSlots: (| greet = ( 'hello' ) |).
lobby _AddSlots: (| callGreet = ( greet ) |).
assert equal: callGreet To: 'hello'.
lobby _AddSlots: (| greet = ( 'bonjour' ) |).
assert equal: callGreet To: 'bonjour'.

"reflection"
lobby _AddSlots: (| refl = (|
  {} = 'a reflected object'.
  parent* = traits clonable.
  { 'Category: data' count <- 0 }.
  { 'Category: actions' bump = ( count: count + 1 ) }.
|) |).
assert equal: (reflect: refl) slotNames asList printString To: 'list(\'parent\', \'count\', \'bump\')'.
assert equal: ((reflect: refl) kindOf: 'count') To: 'assignable'.
assert equal: ((reflect: refl) kindOf: 'bump') To: 'method'.
assert equal: ((reflect: refl) kindOf: 'parent') To: 'constant'.
assert that: [ (reflect: refl) isParent: 'parent' ].
assert equal: ((reflect: refl) categoryOf: 'bump') To: 'Category: actions'.
assert that: [ ((reflect: refl) sourceOf: 'bump') includesSubstring: 'count: count + 1' ].
assert equal: (reflect: refl) annotation To: 'a reflected object'.
assert equal: 3 identityHash To: 3 identityHash.
assert that: [ refl oid > 0 ].

"object literals in code are created once, as in Self"
lobby _AddSlots: (| lit = ( (| n <- 0 |) ) |).
assert that: [ lit _Eq: lit ].

"primitive failure without IfFail: reaches primitive:FailedWith:"
assert error: [ 3 _IntAdd: 'x' ] Matching: '_IntAdd: failed: badTypeError'.
assert equal: (3 _IntAdd: 'x' IfFail: [| :e. :n | n, ' ', e ]) To: '_IntAdd: badTypeError'.
