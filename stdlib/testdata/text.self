"Strings under Self's names, and text as UTF-8: characters for size, at:,
 do: and copyFrom:UpTo:, bytes for byteSize, byteAt:, bytesDo: and asByteVector."
lobby _AddSlots: (| acc <- nil |).

"UTF-8: character-level operations never cut a character"
assert equal: 'café' size To: 4.
assert equal: 'café' byteSize To: 5.
assert equal: ('café' at: 3) To: 'é'.
assert equal: ('café' byteAt: 3) To: 195.
assert equal: 'café' reverse To: 'éfac'.
assert equal: 'café' copyReversed To: 'éfac'.
assert equal: ('café' copyFrom: 2) To: 'fé'.
assert equal: ('日本語テキスト' copyFrom: 1 UpTo: 3) To: '本語'.
assert equal: ('naïve café' indexOf: 'café') To: 6.
assert equal: 'café' asUppercase To: 'CAFÉ'.
assert equal: 'ÉCOLE' asLowercase To: 'école'.
assert equal: 'élan' capitalize To: 'Élan'.
assert equal: 'é' codePoint To: 233.
assert equal: 233 asUTF8Character To: 'é'.
assert equal: 'café' asByteVector size To: 5.
assert equal: 'café' asByteVector asString To: 'café'.
acc: 0. 'café' bytesDo: [| :b | acc: acc + 1 ].
assert equal: acc To: 5.
acc: stringBuilder copy. 'añb' do: [| :c. :i | acc add: c. acc add: i printString ].
assert equal: acc contents To: 'a0ñ1b2'.
assert equal: ('über straße' asTokensSeparatedByWhiteSpace) printString To: 'list(\'über\', \'straße\')'.
assert that: [ 'é' isLetter ].
assert that: [ 'Ω' isUpperCase ].
assert equal: ('a€b' copyMappedBy: [| :c | c , c ]) To: 'aa€€bb'.
assert equal: ('a€b€' copyFilteredBy: [| :c | c != '€' ]) To: 'ab'.
assert equal: ('þ' , 'ü') size To: 2.
assert error: [ 'café' at: 4 ] Matching: 'badIndexError'.

"Self's string protocol"
assert equal: 'hello world ' asTokensSeparatedByWhiteSpace To: ('hello' & 'world') asList.
assert equal: ('aaaxbbxycx' asTokensSeparatedByCharactersIn: 'xy') To: ('aaa' & 'bb' & 'c') asList.
assert equal: ('aaaxbbxycx' asTokensSeparatedByCharactersSatisfying: [| :c | c asByte > 'w' asByte ]) To: ('aaa' & 'bb' & 'c') asList.
assert equal: ('a--b--c' asTokensSeparatedBySubstring: '--') To: ('a' & 'b' & 'c') asList.
assert equal: 'this_is_not_one_big_word' asWords To: ('this' & 'is' & 'not' & 'one' & 'big' & 'word') asList.
assert equal: 'hello' capitalize To: 'Hello'.
assert equal: 'Hello' uncapitalize To: 'hello'.
assert equal: 'hello big world' capitalizeAll To: 'Hello Big World'.
assert that: [ 'hello world' includesSubstring: 'o w' ].
assert equal: ('hello world' findSubstring: 'world' IfPresent: [| :i | i ] IfAbsent: [ -1 ]) To: 6.
assert equal: ('hello world' findSubstring: 'xyz' IfPresent: [| :i | i ] IfAbsent: [ -1 ]) To: -1.
assert that: [ 'he' isPrefixOf: 'hello' ].
assert that: [ 'llo' isSuffixOf: 'hello' ].
assert that: [ ('lo' isPrefixOf: 'hello') not ].
assert equal: '42' asInteger To: 42.
assert equal: '-7' asInteger To: -7.
assert equal: ('4x2' asIntegerIfFail: [ 'bad' ]) To: 'bad'.
assert error: [ 'x' asInteger ] Matching: 'not an integer'.
assert equal: '2.5' asFloat To: 2.5.
assert equal: ('two' asFloatIfFail: [ 0.0 ]) To: 0.0.
assert that: [ '7' isDigit ].
assert that: [ 'x' isDigit not ].
assert that: [ 'q' isLetter ].
assert that: [ 'e' isVowel ].
assert that: [ 'E' isVowel ].
assert that: [ 'x' isVowel not ].
assert equal: ('a-b-c' copyReplaceAll: '-' With: '+') To: 'a+b+c'.
assert equal: '  padded \t\n' shrinkwrapped To: 'padded'.
assert equal: '  left' leftShrinkwrapped To: 'left'.
assert equal: ('one\ntwo\r\nthree\n' lines) To: ('one' & 'two' & 'three') asList.
assert equal: 'one\ntwo' firstLine To: 'one'.
assert equal: 'one\ntwo' lastLine To: 'two'.
assert equal: ('a,b,,c' splitOn: ',') To: ('a' & 'b' & '' & 'c') asList.
assert equal: (('a' & 'b' & 'c') asVector joinUsing: '/') To: 'a/b/c'.
assert equal: ('hello' slice: 1 & 3) To: 'el'.
assert equal: ('hello' slice: -2 & -1) To: 'l'.
assert equal: ('hello' slice: 0 & nil) To: 'hello'.
assert equal: 'hello' first To: 'h'.
assert equal: 'hello' last To: 'o'.
assert equal: 'hello' copyWithoutFirst To: 'ello'.
assert equal: 'hello' copyWithoutLast To: 'hell'.
assert equal: ('hello' copyAddFirst: '>') To: '>hello'.
assert equal: ('hello' copyAddLast: '!') To: 'hello!'.
assert equal: ('ab' copySize: 4 FillingWith: '.') To: 'ab..'.
assert equal: ('abcdef' copySize: 3) To: 'abc'.
assert equal: 'banana' copySort To: 'aaabnn'.
assert equal: ('banana' occurrencesOf: 'a') To: 3.
assert equal: ('banana' occurrencesOfSubstring: 'an') To: 2.
assert equal: ('banana' copyWithoutPrefix: 'ban') To: 'ana'.
assert equal: ('x' padOnLeft: 3) To: '  x'.
assert equal: ('x' padOnRight: 3) To: 'x  '.
assert equal: ('abc' copyAtMostWithEllipsis: 10) To: 'abc'.
assert equal: ('abcdefghij' copyAtMostWithEllipsis: 6) To: 'abc...'.
assert equal: 'a' succ To: 'b'.
assert equal: 'canon' canonicalize To: 'canon'.
assert error: [ 'abc' at: 0 Put: 'x' ] Matching: 'immutable'.
assert error: [ 'abc' copyMappedBy: [| :c | 1 ] ] Matching: 'needs strings'.

"Self's float parsing test (stringTests.self), adapted"
lobby _AddSlots: (| floatStrings = ('0.2' & '0.2e9' & '0.2e+9' & '0.2e-9' & '-0.0' & '0.0' & '0.0e9' & '-0.0e9' & '0.2e11' & '0.1e-8' & '0.1e-9' & ' 1.0 ') asVector.
                    floatValues = (0.2 & 0.2e9 & 0.2e+9 & 0.2e-9 & -0.0 & 0.0 & 0.0e9 & -0.0e9 & 0.2e11 & 0.1e-8 & 0.1e-9 & 1.0) asVector |).
floatStrings do: [| :s. :i | assert equal: s asFloat To: (floatValues at: i) ].
assert equal: ('abcdefghij' copyAtMostWithLeadingEllipsis: 6) To: '...hij'.
assert equal: ('abcdefghij' copyAtMostWithTrailingEllipsis: 6) To: 'abc...'.
assert equal: ('key=value=x' breakOnFirstSubstring: '=') To: ('key' & 'value=x') asList.
assert equal: ('plain' breakOnFirstSubstring: '=') To: 'plain'.
assert equal: ('a\n\nb' indent: 2) To: '  a\n\n  b'.
assert equal: ('a\tb' detabified: 4) To: 'a   b'.
assert equal: 'tab\there' escaped To: 'tab\\there'.
assert equal: 'Hello Big World' uncapitalizeAll To: 'hello big world'.
assert equal: '   x' leadingWhiteSpace To: 3.
assert equal: 'apple' prependAOrAn To: 'an apple'.
assert equal: 'pear' prependAOrAn To: 'a pear'.
assert equal: 'ff' hexAsInteger To: 255.
assert equal: ('fg' hexAsIntegerIfFail: [ 'bad' ]) To: 'bad'.
assert equal: ('99999999999999999999' asSmallIntegerIfFail: [ 'too big' ]) To: 'too big'.
assert equal: ('hello' printStringSize: 5) To: '\'h...'.
assert that: [ 'hello.self' matchesPattern: '*.self' ].
assert that: [ 'hello' matchesPattern: 'h?llo' ].
assert that: [ ('hello' matchesPattern: 'h?lo') not ].
assert that: [ 'café au lait' matchesPattern: 'caf? *' ].
assert that: [ 'HELLO' matchesPattern: 'h*o' IgnoreCase: true ].
assert that: [ ('HELLO' matchesPattern: 'h*o') not ].

"more of Self's string protocol"
assert equal: 'abc' flatString To: 'abc'.
assert equal: '42' asSmallInteger To: 42.
assert error: [ '123456789012345678901234567890' asSmallInteger ] Matching: 'too big'.
assert equal: 'a' successor To: 'b'.
assert equal: 'b' predecessor To: 'a'.
assert equal: ('' characterFor: 65 IfFail: [ 'bad' ]) To: 'A'.
assert equal: ('' characterFor: 300 IfFail: [ 'bad' ]) To: 'bad'.

"stringBuilder copies its pieces into one byte vector as they come; one
made before that (its pieces in parts) moves them over when first used."
lobby _AddSlots: (| sb <- nil. oldsb <- nil |).
sb: stringBuilder copy.
sb add: 'café'. sb add: 42. sb , ' ok'. sb addLine: '!'.
assert equal: sb contents To: 'café42 ok!\n'.
assert equal: sb size To: 11.
assert that: [ stringBuilder copy isEmpty ].
assert that: [ sb isEmpty not ].
assert equal: sb copy contents To: ''.
oldsb: (| parent* = traits stringBuilder. parts <- vector copy |).
oldsb parts add: 'made '. oldsb parts add: 'before'.
oldsb add: '!'.
assert equal: oldsb contents To: 'made before!'.
assert that: [ (reflect: oldsb) slotNames includes: 'bytes' ].
assert equal: (oldsb copy add: 'x') contents To: 'x'.
