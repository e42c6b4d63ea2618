"Numbers under Self's names, and Self's smallIntTests (smallIntTests.self)
 adapted to batos's integers (64-bit small integers that overflow into big
 integers instead of failing; >> is an arithmetic shift)."
lobby _AddSlots: (| r1 <- nil. r2 <- nil |).

assert equal: (12 gcd: 18) To: 6.
assert equal: (-12 gcd: 18) To: 6.
assert equal: (0 gcd: 5) To: 5.
assert equal: (4 lcm: 6) To: 12.
assert that: [ 97 isPrime ].
assert that: [ 91 isPrime not ].
assert that: [ 1 isPrime not ].
assert that: [ 0 isPrime not ].
assert that: [ -7 isPrime not ].
assert that: [ 2305843009213693951 isPrime ].
assert that: [ ((2 power: 127) - 1) isPrime ].
assert that: [ ((2 power: 127) + 1) isPrime not ].
assert equal: 13 nextPrime To: 17.
assert equal: 1 nextPrime To: 2.
assert equal: 0 factorial To: 1.
assert equal: 20 factorial To: 2432902008176640000.
assert equal: 25 factorial To: 15511210043330985984000000.
assert error: [ -1 factorial ] Matching: 'negative'.
assert equal: 0 fibonacci To: 0.
assert equal: 1 fibonacci To: 1.
assert equal: 10 fibonacci To: 55.
assert equal: 100 fibonacci To: 354224848179261915075.
assert equal: (2 power: 10) To: 1024.
assert equal: (2 power: 100) To: 1267650600228229401496703205376.
assert equal: (2 power: -1) To: 0.5.
assert equal: (2.0 power: 3) To: 8.0.
assert equal: (4 power: 13 Mod: 497) To: 445.
assert equal: (2 power: 1000 Mod: 1000000007) To: ((2 power: 1000) % 1000000007).
assert error: [ 2 power: -1 Mod: 7 ] Matching: 'negative'.
assert equal: (3 inverseMod: 11) To: 4.
assert equal: 7 square To: 49.
assert equal: 7 succ To: 8.
assert equal: 7 pred To: 6.
assert equal: -7 absoluteValue To: 7.
assert equal: 7 negate To: -7.
assert that: [ 4 even ].
assert that: [ 5 odd ].
assert equal: -3 sign To: -1.
assert equal: 0 sign To: 0.
assert equal: 2.5 sign To: 1.
assert equal: (255 printStringBase: 16) To: 'ff'.
assert equal: 255 hexPrintString To: 'ff'.
assert equal: 5 binaryPrintString To: '101'.
assert equal: (42 printStringPadWith: '0' ToSize: 5) To: '00042'.
assert equal: (42 printStringPadWith: ' ' ToSize: 1) To: '42'.
assert equal: (255 printStringBase: 2 PadWith: '0' ToSize: 10) To: '0011111111'.
assert equal: (1000 log: 10) round To: 3.
assert that: [ ((8 log: 2) - 3.0) abs < 0.0000001 ].
assert equal: 16 sqrt To: 4.0.
assert equal: (2.0 sqrt * 2.0 sqrt) round To: 2.
assert equal: 0.0 sin To: 0.0.
assert equal: 0.0 cos To: 1.0.
assert that: [ ((1.0 arcTan * 4.0) - 3.141592653589793) abs < 0.000000001 ].
assert that: [ (1.0 exp ln - 1.0) abs < 0.000000001 ].
assert equal: (17 roundTo: 5) To: 15.
assert equal: (18 roundTo: 5) To: 20.
assert equal: (3.14159 roundTo: 0.01) To: 3.14.
assert equal: (17 roundUpTo: 5) To: 20.
assert equal: (17 roundDownTo: 5) To: 15.
assert equal: (7 /+ 2) To: 4.
assert equal: (7 /- 2) To: 3.
assert equal: 12 factors asVector printString To: 'vector(2, 2, 3)'.
assert equal: 1234 asDigitList asVector printString To: 'vector(1, 2, 3, 4)'.
assert equal: (3.14159 printStringPrecision: 2) To: '3.14'.
assert equal: (1 sumTo: 100) To: 5050.
assert equal: (2 mean: 3) To: 2.5.
assert equal: 5 asVector printString To: 'vector(0, 1, 2, 3, 4)'.

"random: seeded and reproducible"
r1: random copySeed: 42. r2: random copySeed: 42.
assert equal: (r1 integer: 1000) To: (r2 integer: 1000).
r1: random copySeed: 7.
assert that: [ | ok <- true | 200 timesRepeat: [ | x | x: r1 integer: 6. ((x >= 0) && [ x < 6 ]) ifFalse: [ ok: false ] ]. ok ].
assert that: [ | f | f: r1 float. (f >= 0.0) && [ f < 1.0 ] ].
assert equal: (r1 permutation: 10) copySort printString To: 10 asVector printString.
assert that: [ | x | x: (random copySeed: 3) between: 5 And: 7. (x >= 5) && [ x <= 7 ] ].
assert equal: ((random copySeed: 1) integer: 1000000) To: ((random copySeed: 1) integer: 1000000).

"smallIntTests: testSuccess"
assert that: [ 5 = 5 ].
assert that: [ (5 = 4) not ].
assert that: [ 5 != 4 ].
assert that: [ (5 != 5) not ].
assert that: [ 4 <= 5 ].
assert that: [ (5 <= 4) not ].
assert that: [ -4 <= 5 ].
assert that: [ (-4 <= -5) not ].
assert that: [ 4 < 5 ].
assert that: [ (4 < 4) not ].
assert that: [ (-4 < -5) not ].
assert that: [ 5 > 4 ].
assert that: [ (5 > 5) not ].
assert that: [ (-5 > -4) not ].
assert that: [ 5 >= 4 ].
assert that: [ 5 >= 5 ].
assert that: [ (-5 >= -4) not ].
assert equal: 5 + 4 To: 9.
assert equal: 30 + -3 To: 27.
assert equal: -30 + 3 To: -27.
assert equal: -30 + -3 To: -33.
assert equal: 30 - -3 To: 33.
assert equal: -30 - 3 To: -33.
assert equal: -30 - -3 To: -27.
assert equal: 30 * -3 To: -90.
assert equal: -30 * -3 To: 90.
assert equal: 5 / 4 To: 1.
assert equal: 30 / -3 To: -10.
assert equal: -30 / 3 To: -10.
assert equal: -30 / -3 To: 10.
assert equal: 19 % 7 To: 5.
assert equal: 21 % 7 To: 0.
assert equal: 21 % 1 To: 0.
assert equal: 5 << 4 To: 80.
assert equal: -5 << 4 To: -80.
assert equal: -30 << 3 To: -240.
assert equal: 5 >> 4 To: 0.
assert equal: 30 >> 3 To: 3.
assert equal: -5 >> 4 To: -1.
assert equal: -30 >> 3 To: -4.
assert equal: 1 && 1 To: 1.
assert equal: 14 && 6 To: 6.
assert equal: 14 && 7 To: 6.
assert equal: 0 && 7 To: 0.
assert equal: -5 && 7 To: 3.
assert equal: 14 || 7 To: 15.
assert equal: 0 || 5 To: 5.
assert equal: (14 bitXor: 7) To: 9.
"smallIntTests: testFailure, adapted: overflow gives big integers, division by zero fails"
assert equal: 9223372036854775807 + 1 To: 9223372036854775808.
assert that: [ (9223372036854775807 + 1) isBig ].
assert equal: -9223372036854775808 - 1 To: -9223372036854775809.
assert error: [ 42 / 0 ] Matching: 'divisionByZeroError'.
assert error: [ 42 % 0 ] Matching: 'divisionByZeroError'.
assert equal: (7 /~ 2) To: 4.
assert equal: (5 /~ 3) To: 2.
assert equal: (240 gcdExtended: 46) printString To: 'vector(2, -9, 47)'.
assert equal: 16r12345678 high16Bits To: 16r1234.
assert equal: 16r12345678 low16Bits To: 16r5678.
assert equal: (65 asCharacterIfFail: [ nil ]) To: 'A'.
assert equal: (300 asCharacterIfFail: [ 'bad' ]) To: 'bad'.
assert equal: (7 printStringPrecision: 2) To: '7.00'.
assert equal: (-7 %+ 3) To: 2.

"more of Self's integer and number protocol"
assert equal: (12 /= 4) To: 3.
assert equal: (7 /= 2) To: 3.5.
assert equal: 7 half To: 3.
assert equal: 2.5 half To: 1.25.
assert that: [ 97 isPrime: 10 Random: (random copySeed: 1) ].
assert equal: (97 nextPrime: 10 Random: (random copySeed: 1)) To: 101.
assert equal: 9 shortIfPossibleHexPrintString To: '9'.
assert equal: 255 shortIfPossibleHexPrintString To: '16rff'.
assert equal: -255 shortIfPossibleHexPrintString To: '-16rff'.
assert equal: (-10 shortIfPossibleHexPrintStringPrefix: '0x') To: '-0xa'.
assert equal: 2.7 asSmallInteger To: 2.
assert equal: -2.7 asSmallInteger To: -2.
assert equal: 2.7 asSmallIntegerIfPossible To: 2.
assert equal: 1.0e30 asSmallIntegerIfPossible To: 1.0e30.
assert error: [ 1.0e30 asSmallInteger ] Matching: 'too big'.
