"blocks.self: block behaviour. value, value:, value:With: ... are built into
 every block (their arity decides which one it has); loops and control
 structures are here. Sends of these selectors with literal block
 arguments are compiled inline (docs/language.md)."

traits block _AddSlots: (|
  parent* = traits oddball.
  isBlock = true.
  numArgs = ( _BlockArity ).
  whileTrue: b = ( [ value ] whileTrue: [ b value ]. nil ).
  whileFalse: b = ( [ value ] whileFalse: [ b value ]. nil ).
  whileTrue = ( [ value ] whileTrue: [ ]. nil ).
  whileFalse = ( [ value ] whileFalse: [ ]. nil ).
  repeat = ( [ true ] whileTrue: [ value ] ).
  onError: handler = ( _Catch: handler ).
  ensure: b = ( _Ensure: b ).
  printString = ( 'a block' ).
|).

traits method _AddSlots: (|
  parent* = traits oddball.
  source = ( _MethodSource ).
  printString = ( 'a method' ).
|).

traits foreign _AddSlots: (|
  parent* = traits oddball.
  printString = ( 'a foreign object' ).
|).
