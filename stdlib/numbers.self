"numbers.self: integers (small and big) and floats. Indices in batos are
 0-based, as in Self."

traits _AddSlots: (|
  number = (|
    parent* = traits oddball.
    isNumber = true.
    max: a = ( (self < a) ifTrue: [ a ] False: [ self ] ).
    min: a = ( (self < a) ifTrue: [ self ] False: [ a ] ).
    between: lo And: hi = ( (self >= lo) and: [ self <= hi ] ).
    negative = ( self < 0 ).
    abs = ( (self < 0) ifTrue: [ 0 - self ] False: [ self ] ).
    negate = ( 0 - self ).
    squared = ( self * self ).
    sign = ( (self < 0) ifTrue: [ -1 ] False: [ (self = 0) ifTrue: [ 0 ] False: [ 1 ] ] ).
  |).
|).

traits _AddSlots: (|
  integer = (|
    parent* = traits number.
    isInteger = true.
    + a = ( _IntAdd: a IfFail: [ asFloat + a ] ).
    - a = ( _IntSub: a IfFail: [ asFloat - a ] ).
    * a = ( _IntMul: a IfFail: [ asFloat * a ] ).
    / a = ( _IntDiv: a IfFail: [| :e | (e = 'badTypeError') ifTrue: [ asFloat / a ] False: [ error: 'integer division failed: ', e ] ] ).
    % a = ( _IntMod: a IfFail: [| :e | error: 'integer modulo failed: ', e ] ).
    rem: a = ( _IntRem: a ).
    quo: a = ( _IntQuo: a ).
    < a = ( _IntLT: a IfFail: [ asFloat < a ] ).
    <= a = ( _IntLE: a IfFail: [ asFloat <= a ] ).
    > a = ( _IntGT: a IfFail: [ asFloat > a ] ).
    >= a = ( _IntGE: a IfFail: [ asFloat >= a ] ).
    = a = ( _IntEQ: a IfFail: [ a isNumber ifTrue: [ asFloat = a ] False: [ false ] ] ).
    != a = ( (= a) not ).
    hash = ( self ).
    && a = ( _IntAnd: a ).
    || a = ( _IntOr: a ).
    bitXor: a = ( _IntXor: a ).
    << n = ( _IntShift: n ).
    >> n = ( _IntShift: 0 - n ).
    asFloat = ( _IntAsFloat ).
    asInteger = ( self ).
    truncate = ( self ).
    round = ( self ).
    even = ( (self % 2) = 0 ).
    odd = ( even not ).
    isBig = ( _IntIsBig ).
    asCharacter = ( _IntAsCharacter ).
    printString = ( _IntPrintStringBase: 10 ).
    printStringBase: b = ( _IntPrintStringBase: b ).
    to: stop Do: b = ( | i | i: self. [ i <= stop ] whileTrue: [ b value: i. i: i + 1 ]. self ).
    to: stop By: step Do: b = ( | i |
      (step = 0) ifTrue: [ ^ error: 'to:By:Do: with a step of 0' ].
      i: self.
      (step > 0)
        ifTrue: [ [ i <= stop ] whileTrue: [ b value: i. i: i + step ] ]
        False: [ [ i >= stop ] whileTrue: [ b value: i. i: i + step ] ].
      self ).
    upTo: stop Do: b = ( to: stop - 1 Do: b ).
    timesRepeat: b = ( | i <- 0 | [ i < self ] whileTrue: [ b value. i: i + 1 ]. self ).
    factorial = ( (self <= 1) ifTrue: [ 1 ] False: [ self * (self - 1) factorial ] ).
    gcd: a = ( (a = 0) ifTrue: [ abs ] False: [ a gcd: self % a ] ).
  |).
|).

traits smallInt _AddSlots: (| parent* = traits integer |).
traits bigInt _AddSlots: (| parent* = traits integer |).

traits float _AddSlots: (|
  parent* = traits number.
  isFloat = true.
  + a = ( _FloatAdd: a ).
  - a = ( _FloatSub: a ).
  * a = ( _FloatMul: a ).
  / a = ( _FloatDiv: a ).
  % a = ( _FloatMod: a ).
  ** a = ( _FloatPow: a ).
  < a = ( _FloatLT: a ).
  <= a = ( _FloatLE: a ).
  > a = ( _FloatGT: a ).
  >= a = ( _FloatGE: a ).
  = a = ( _FloatEQ: a IfFail: [ false ] ).
  != a = ( (= a) not ).
  hash = ( truncate hash ).
  asFloat = ( self ).
  truncate = ( _FloatTruncate ).
  round = ( _FloatRound ).
  floor = ( _FloatFloor ).
  ceil = ( _FloatCeil ).
  sqrt = ( _FloatSqrt ).
  printString = ( _FloatPrintString ).
|).

traits integer _AddSlots: (|
  sqrt = ( asFloat sqrt ).
  ** a = ( _IntPow: a IfFail: [ asFloat ** a ] ).
|).
