"Strings and the string builder."
assert equal: 'abc' size To: 3.
assert equal: ('abc' at: 0) To: 'a'.
assert equal: 'foo', 'bar' To: 'foobar'.
assert equal: 'x', 3 printString To: 'x3'.
assert that: [ 'abc' < 'abd' ].
assert that: [ 'abc' = 'abc' ].
assert that: [ ('abc' = 'abd') not ].
assert that: [ 'abc' != 3 ].
assert equal: ('hello world' copyFrom: 6 UpTo: 11) To: 'world'.
assert equal: 'tab\there' size To: 8.
assert equal: '\x41\d066\o103' To: 'ABC'.
assert equal: 'a\'b' size To: 3.
assert equal: 'abc' printString To: '\'abc\''.
assert equal: 'Hello' asUppercase To: 'HELLO'.
assert equal: '42' asInteger + 1 To: 43.
assert that: [ 'hello world' includesSubstring: 'o w' ].
assert that: [ 'hello' startsWith: 'he' ].
assert that: [ 'hello' endsWith: 'llo' ].
assert equal: 'abc' reverse To: 'cba'.
assert equal: ('a,b,c' split: ',') size To: 3.
assert equal: ('hello' select: [| :c | c != 'l' ]) To: 'heo'.
assert equal: 'abc' hash To: 'abc' hash.
assert error: [ 'abc' at: 3 ] Matching: 'badIndexError'.

"string builder"
lobby _AddSlots: (| sb = stringBuilder copy |).
1 to: 3 Do: [| :i | sb add: i printString ].
sb add: '!'.
assert equal: sb contents To: '123!'.
assert equal: sb size To: 4.

"printing"
'printed' printLine.
'no newline' print.
'' printLine.
42 printLine.
'quoted' printString printLine.
