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
    absoluteValue = ( abs ).
    square = ( self * self ).
    double = ( self + self ).
    half = ( self / 2 ).
    succ = ( self + 1 ).
    pred = ( self - 1 ).
    successor = ( self + 1 ).
    predecessor = ( self - 1 ).
    zero = ( 0 ).
    one = ( 1 ).
    isZero = ( self = 0 ).
    positive = ( self >= 0 ).
    strictlyPositive = ( self > 0 ).
    inverse = ( 1.0 / self ).
    power: n = ( (n isInteger && [ n >= 0 ]) ifTrue: [ | r. b. e |
        r: 1. b: self. e: n.
        [ e > 0 ] whileTrue: [ e odd ifTrue: [ r: r * b ]. b: b * b. e: e / 2 ].
        r ] False: [ asFloat ** n ] ).
    log: b = ( asFloat ln / b asFloat ln ).
    ln = ( asFloat ln ).
    exp = ( asFloat exp ).
    log10 = ( asFloat log10 ).
    log2 = ( asFloat log2 ).
    sin = ( asFloat sin ).
    cos = ( asFloat cos ).
    tan = ( asFloat tan ).
    arcTan = ( asFloat arcTan ).
    mean: n = ( (self + n) / 2.0 ).
    interpolate: p From: x = ( (asFloat * (1.0 - p asFloat)) + (x asFloat * p asFloat) ).
    roundTo: q = ( (asFloat / q) round * q ).
    roundDownTo: q = ( (asFloat / q) floor * q ).
    roundUpTo: q = ( (asFloat / q) ceil * q ).
    truncateTo: q = ( (asFloat / q) truncate * q ).
    sumTo: n = ( | s <- 0 | self to: n Do: [| :i | s: s + i ]. s ).
    sumFrom: a To: b = ( | s <- 0 | a to: b Do: [| :i | s: s + i ]. s ).
    asBoolean = ( self != 0 ).
    two = ( 2 ).
    logBase: b = ( log: b ).
    %+ a = ( self % a abs ).
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
    factorial = ( | r <- 1 | self < 0 ifTrue: [ ^ error: 'factorial of a negative number' ]. 2 to: self Do: [| :i | r: r * i ]. r ).
    gcd: a = ( | x. y. t | x: abs. y: a abs. [ y = 0 ] whileFalse: [ t: x % y. x: y. y: t ]. x ).
    lcm: a = ( ((self = 0) || [ a = 0 ]) ifTrue: [ 0 ] False: [ (self * a) abs / (gcd: a) ] ).
    fibonacci = ( | a <- 0. b <- 1. t | self < 0 ifTrue: [ ^ error: 'fibonacci of a negative number' ]. self timesRepeat: [ t: a + b. a: b. b: t ]. a ).
    isPrime = ( _IntIsProbablyPrime ).
    nextPrime = ( | n | n: (self max: 1) + 1. [ n isPrime ] whileFalse: [ n: n + 1 ]. n ).
    factors = ( | n. p <- 2. r |
      r: list copyRemoveAll. n: abs.
      [ (p * p) <= n ] whileTrue: [ [ (n % p) = 0 ] whileTrue: [ r add: p. n: n / p ]. p: p + 1 ].
      n > 1 ifTrue: [ r add: n ].
      r ).
    power: e Mod: m = ( e < 0 ifTrue: [ ^ error: 'power:Mod: with a negative exponent' ]. m < 1 ifTrue: [ ^ error: 'power:Mod: with a modulus below 1' ]. _IntPower: e Mod: m ).
    inverseMod: m = ( | g. x <- 0. nx <- 1. r. nr. q. t |
      r: m. nr: self % m.
      [ nr = 0 ] whileFalse: [ q: r / nr. t: x - (q * nx). x: nx. nx: t. t: r - (q * nr). r: nr. nr: t ].
      r > 1 ifTrue: [ ^ error: 'inverseMod: not invertible' ].
      x % m ).
    floor = ( self ).
    ceil = ( self ).
    /+ a = ( 0 - ((0 - self) / a) ).
    /- a = ( self / a ).
    /~ a = ( (self + (a / 2)) / a ).
    gcdExtended: a = ( | r0. r1. s0 <- 1. s1 <- 0. t0 <- 0. t1 <- 1. q. tmp |
      r0: self. r1: a.
      [ r1 = 0 ] whileFalse: [
        q: r0 / r1.
        tmp: r0 - (q * r1). r0: r1. r1: tmp.
        tmp: s0 - (q * s1). s0: s1. s1: tmp.
        tmp: t0 - (q * t1). t0: t1. t1: tmp ].
      r0 < 0 ifTrue: [ r0: 0 - r0. s0: 0 - s0. t0: 0 - t0 ].
      (r0 & s0 & t0) asVector ).
    digitListBase: base Do: b = ( | n | base < 2 ifTrue: [ ^ error: 'digitListBase:Do: the base must be at least 2' ]. n: abs. [ b value: n % base. n: n / base. n > 0 ] whileTrue. self ).
    asCharacterIfFail: b = ( _IntAsCharacterIfFail: [ b value ] ).
    isPrime: rounds = ( isPrime ).
    nextPrime: rounds = ( nextPrime ).
    isPrime: rounds Random: r = ( isPrime ).
    nextPrime: rounds Random: r = ( nextPrime ).
    /= a = ( ((self % a) = 0) ifTrue: [ self / a ] False: [ asFloat / a asFloat ] ).
    high16Bits = ( (self >> 16) && 16rFFFF ).
    low16Bits = ( self && 16rFFFF ).
    printStringPrecision: n = ( asFloat printStringPrecision: n ).
    asSmallIntegerIfPossible = ( self ).
    asSmallInteger = ( isBig ifTrue: [ error: 'asSmallInteger: too big for 64 bits' ] False: [ self ] ).
    asDigitList: base = ( | r. n | r: list copyRemoveAll. n: abs. [ r addFirst: n % base. n: n / base. n > 0 ] whileTrue. r ).
    asDigitList = ( asDigitList: 10 ).
    printStringPadWith: c ToSize: n = ( printStringBase: 10 PadWith: c ToSize: n ).
    printStringBase: b PadWith: c ToSize: n = ( | s | s: printStringBase: b. ((c asString repeat: n - s size) , s) ).
    printStringPadWith0ToSize: n = ( printStringPadWith: '0' ToSize: n ).
    hexPrintString = ( printStringBase: 16 ).
    shortIfPossibleHexPrintStringPrefix: p = ( (abs <= 9) ifTrue: [ printString ] False: [ ((self < 0) ifTrue: [ '-' ] False: [ '' ]), p, abs hexPrintString ] ).
    shortIfPossibleHexPrintString = ( shortIfPossibleHexPrintStringPrefix: '16r' ).
    octalPrintString = ( printStringBase: 8 ).
    binaryPrintString = ( printStringBase: 2 ).
    decimalPrintString = ( printStringBase: 10 ).
    asUTF8Character = ( _IntAsUTF8Character ).
    asVector = ( | v | v: vector copy. 0 to: self - 1 Do: [| :i | v add: i ]. v ).
    do: b = ( 0 to: self - 1 Do: [| :i | b value: i ]. self ).
    random = ( lobby random integer: self ).
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
  sin = ( _FloatMath: 'sin' ).
  cos = ( _FloatMath: 'cos' ).
  tan = ( _FloatMath: 'tan' ).
  arcSin = ( _FloatMath: 'arcSin' ).
  arcCos = ( _FloatMath: 'arcCos' ).
  arcTan = ( _FloatMath: 'arcTan' ).
  arcTan: x = ( _FloatArcTan2: x ).
  sinh = ( _FloatMath: 'sinh' ).
  cosh = ( _FloatMath: 'cosh' ).
  tanh = ( _FloatMath: 'tanh' ).
  exp = ( _FloatMath: 'exp' ).
  ln = ( _FloatMath: 'ln' ).
  log10 = ( _FloatMath: 'log10' ).
  log2 = ( _FloatMath: 'log2' ).
  isNaN = ( self != self ).
  isInfinite = ( (self = (1.0 / 0.0)) || [ self = (-1.0 / 0.0) ] ).
  roundTo: q = ( ((self / q) round * q) asFloat ).
  asSmallInteger = ( truncate asSmallInteger ).
  asSmallIntegerIfPossible = ( (isNaN || [ isInfinite || [ truncate isBig ] ]) ifTrue: [ self ] False: [ truncate ] ).
  printStringPrecision: n = ( | m. s. neg. ip. fp |
    m: (10 power: n).
    neg: self < 0.
    s: ((self abs * m) round).
    ip: s / m. fp: (s % m) printStringPadWith: '0' ToSize: n.
    (neg && [ s != 0 ] ifTrue: [ '-' ] False: [ '' ]), ip printString, ((n > 0) ifTrue: [ '.', fp ] False: [ '' ]) ).

  printString = ( _FloatPrintString ).
|).

traits integer _AddSlots: (|
  sqrt = ( asFloat sqrt ).
  ** a = ( _IntPow: a IfFail: [ asFloat ** a ] ).
|).

traits _AddSlots: (|
  random = (|
    {} = 'Reproducible pseudo-random numbers (Park and Miller\'s minimal standard generator, multiplier 48271): the same seed gives the same sequence in every run. random copySeed: 42 makes an independent generator.'.
    parent* = traits clonable.
    copySeed: s = ( copy seed: s ).
    seed: s = ( state: ((s abs % 2147483646) + 1). self ).
    next = ( state: (state * 48271) % 2147483647. state ).
    integer: n = ( n <= 0 ifTrue: [ ^ error: 'random integer: needs a positive bound' ]. (n <= 2147483646) ifTrue: [ next % n ] False: [ ((next * 2147483647) + next) % n ] ).
    between: lo And: hi = ( lo + (integer: (hi - lo) + 1) ).
    float = ( (next - 1) asFloat / 2147483646.0 ).
    boolean = ( (next % 2) = 0 ).
    permutation: n = ( | v | v: n asVector. n - 1 to: 1 By: -1 Do: [| :i. j. t | j: integer: i + 1. t: v at: i. v at: i Put: (v at: j). v at: j Put: t ]. v ).
    printString = ( 'a random generator' ).
  |).
|).

lobby _AddSlots: (|
  random = (| parent* = traits random. state <- 1 |).
|).
