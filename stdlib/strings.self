"strings.self: immutable strings (a character is a one-character string, as
 in Self) and the string builder."

traits string _AddSlots: (|
  parent* = traits collection.
  isString = true.
  size = ( _StringSize ).
  at: i = ( _StringAt: i IfFail: [| :e | error: 'string at: ', i printString, ' failed: ', e, ' (size ', size printString, ')' ] ).
  byteAt: i = ( _StringByteAt: i ).
  do: b = ( 0 to: size - 1 Do: [| :i | b value: (_StringAt: i) ]. self ).
  , s = ( _StringConcat: s IfFail: [ _StringConcat: s asString ] ).
  = s = ( _StringEQ: s ).
  != s = ( (_StringEQ: s) not ).
  < s = ( (_StringCompare: s) < 0 ).
  <= s = ( (_StringCompare: s) <= 0 ).
  > s = ( (_StringCompare: s) > 0 ).
  >= s = ( (_StringCompare: s) >= 0 ).
  hash = ( _StringHash ).
  copyFrom: i UpTo: j = ( _StringCopyFrom: i UpTo: j IfFail: [| :e | error: 'copyFrom: ', i printString, ' UpTo: ', j printString, ' failed: ', e, ' (size ', size printString, ')' ] ).
  copyFrom: i = ( copyFrom: i UpTo: size ).
  indexOf: s = ( _StringIndexOf: s StartingAt: 0 ).
  indexOf: s StartingAt: i = ( _StringIndexOf: s StartingAt: i ).
  includesSubstring: s = ( (indexOf: s) >= 0 ).
  startsWith: s = ( (size >= s size) && [ (copyFrom: 0 UpTo: s size) = s ] ).
  endsWith: s = ( (size >= s size) && [ (copyFrom: size - s size) = s ] ).
  split: sep = ( _StringSplit: sep ).
  asUppercase = ( _StringAsUppercase ).
  asLowercase = ( _StringAsLowercase ).
  asInteger = ( _StringAsIntegerIfFail: [ error: 'not an integer: ', printString ] ).
  asFloat = ( _StringAsFloatIfFail: [ error: 'not a number: ', printString ] ).
  asByteVector = ( _StringAsByteVector ).
  asString = ( self ).
  reverse = ( | b | b: stringBuilder copy. size - 1 to: 0 By: -1 Do: [| :i | b add: (at: i) ]. b contents ).
  select: blk = ( | b | b: stringBuilder copy. do: [| :c | (blk value: c) ifTrue: [ b add: c ] ]. b contents ).
  copyEmpty = ( '' ).
  isEmpty = ( size = 0 ).
  printString = ( _StringPrintString ).
  print = ( _StringPrint. self ).
|).

traits _AddSlots: (|
  stringBuilder = (|
    {} = 'Builds a string from pieces in linear time: add: pieces, then ask for contents.'.
    parent* = traits clonable.
    copy = ( | c | c: resend.copy. c parts: vector copy. c ).
    add: s = ( parts _VectorAddLast: s asString. self ).
    , s = ( add: s ).
    addLine: s = ( add: s. parts add: '\n'. self ).
    contents = ( parts _VectorJoin: '' ).
    asString = ( contents ).
    size = ( parts inject: 0 Into: [| :n. :p | n + p size ] ).
    printString = ( 'a stringBuilder(', contents printString, ')' ).
  |).
|).

lobby _AddSlots: (|
  stringBuilder = (| parent* = traits stringBuilder. parts <- vector copy |).
|).
