"Sending by name (perform:) and installing methods from text."
assert equal: (3 perform: '+' With: 4) To: 7.
assert equal: (3 perform: 'printString') To: '3'.
assert equal: (10 perform: 'between:And:' With: 1 With: 20) To: true.
lobby _AddSlots: (| argv = vector copy |).
argv add: 9.
assert equal: (3 perform: 'max:' WithArguments: argv) To: 9.
assert error: [ 3 perform: 'foo:' With: 1 ] Matching: 'does not understand \'foo:\''.
assert error: [ 3 perform: '+' ] Matching: '\'+\' takes 1 argument(s), given 0'.
assert error: [ 3 perform: '_IntAdd:' With: 4 ] Matching: 'cannot send a primitive'.

lobby _AddSlots: (| counter = (| parent* = traits clonable. n <- 2 |) |).
counter installMethod: 'double = ( n * 2 )'.
assert equal: counter double To: 4.
assert that: [ (reflect: counter) includes: 'double' ].
assert that: [ ((reflect: counter) isGenerated: 'double') not ].
counter installMethod: 'double = ( n * 3 )'.
assert equal: counter double To: 6.
assert error: [ counter installMethod: 'x = ( 1' ] Matching: 'method:'.
assert error: [ counter installMethod: 'x = 3' ] Matching: 'not a method'.
assert error: [ counter installMethod: 'x = ( _Nope )' ] Matching: 'unknown primitive'.
assert error: [ 3 installMethod: 'x = ( 1 )' ] Matching: 'cannot hold slots'.
