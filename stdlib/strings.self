"strings.self: immutable strings of UTF-8 text, and the string builder. A
 character is a one-character string, as in Self. size, at:, do:, indices
 and copyFrom:UpTo: count characters (UTF-8 sequences), so non-ASCII text
 is never cut inside a character; byteSize, byteAt:, bytesDo: and
 asByteVector see the bytes (docs/language.md, 'Text')."

traits string _AddSlots: (|
  {} = 'Strings: immutable UTF-8 text, indexable by character from 0. Messages that modify in Self (reverse, sort, mapBy:, filterBy:) answer a new string here.'.
  parent* = traits indexable.
  isString = true.
  { 'Category: characters'
    size = ( _StringCharSize ).
    isEmpty = ( _StringSize = 0 ).
    at: i = ( _StringCharAt: i IfFail: [| :e | error: 'string at: ', i printString, ' failed: ', e, ' (size ', size printString, ')' ] ).
    at: i IfAbsent: b = ( _StringCharAt: i IfFail: [ b value ] ).
    at: i Put: x = ( error: 'strings are immutable: build a new one (copyFrom:UpTo:, , or a stringBuilder)' ).
    characters = ( _StringCharacters ).
    do: b = ( _StringCharacters do: b. self ).
    reverseDo: b = ( _StringCharacters reverseDo: b. self ).
    codePoint = ( _StringCodePoint ).
  }.
  { 'Category: bytes'
    byteSize = ( _StringSize ).
    byteAt: i = ( _StringByteAt: i ).
    bytesDo: b = ( 0 to: _StringSize - 1 Do: [| :i | b value: (_StringByteAt: i) With: i ]. self ).
    asByte = ( _StringByteAt: 0 ).
    asByteVector = ( _StringAsByteVector ).
  }.
  { 'Category: comparing'
    = s = ( _StringEQ: s ).
    != s = ( (_StringEQ: s) not ).
    < s = ( (_StringCompare: s) < 0 ).
    <= s = ( (_StringCompare: s) <= 0 ).
    > s = ( (_StringCompare: s) > 0 ).
    >= s = ( (_StringCompare: s) >= 0 ).
    hash = ( _StringHash ).
    isPrefixOf: s = ( s isString && [ (s _StringSize >= _StringSize) && [ (s _StringCopyFrom: 0 UpTo: _StringSize) = self ] ] ).
    isSuffixOf: s = ( s isString && [ (s _StringSize >= _StringSize) && [ (s _StringCopyFrom: s _StringSize - _StringSize UpTo: s _StringSize) = self ] ] ).
    startsWith: s = ( s isPrefixOf: self ).
    endsWith: s = ( s isSuffixOf: self ).
    equalsIgnoringCase: s = ( asLowercase = s asLowercase ).
  }.
  { 'Category: copying'
    , s = ( _StringConcat: s IfFail: [ _StringConcat: s asString ] ).
    copyFrom: i UpTo: j = ( _StringCharCopyFrom: i UpTo: j IfFail: [| :e | error: 'copyFrom: ', i printString, ' UpTo: ', j printString, ' failed: ', e, ' (size ', size printString, ')' ] ).
    copyFrom: i = ( copyFrom: i UpTo: size ).
    copyRemoveAll = ( '' ).
    copyEmpty = ( '' ).
    copySize: n = ( copySize: n FillingWith: ' ' ).
    copySize: n FillingWith: c = ( | s | s: size. (n <= s) ifTrue: [ copyFrom: 0 UpTo: n ] False: [ self , (c repeat: n - s) ] ).
    repeat: n = ( | b | b: stringBuilder copy. n timesRepeat: [ b add: self ]. b contents ).
    copyAddFirst: c = ( c asString , self ).
    copyAddLast: c = ( self , c asString ).
    copyReversed = ( _StringCharacters reverse _VectorJoin: '' ).
    reverse = ( copyReversed ).
    copyAtMost: n = ( (size <= n) ifTrue: [ self ] False: [ copyFrom: 0 UpTo: n ] ).
    copyAtMostWithEllipsis: n = ( (size <= n) ifTrue: [ self ] False: [ (copyFrom: 0 UpTo: (n - 3 max: 0)) , '...' ] ).
    copyAtMost: n WithEllipsisAt: f = ( | l. k |
      n <= 3 ifTrue: [ ^ '...' copyAtMost: n ].
      size <= n ifTrue: [ ^ self ].
      k: n - 3. l: (k * f) truncate.
      (copyFrom: 0 UpTo: l) , '...' , (copyFrom: size - (k - l)) ).
    copyAtMostWithLeadingEllipsis: n = ( copyAtMost: n WithEllipsisAt: 0 ).
    copyAtMostWithTrailingEllipsis: n = ( copyAtMost: n WithEllipsisAt: 1 ).
    printStringSize: n = ( printString copyAtMostWithEllipsis: n ).
    breakOnFirstSubstring: s = ( | i | i: indexOf: s. (i < 0) ifTrue: [ self ] False: [ (list copyRemoveAll add: (copyFrom: 0 UpTo: i)) add: (copyFrom: i + s size) ] ).
    indent: n = ( | pad | pad: ' ' repeat: n. (lines copyMappedBy: [| :l | l isEmpty ifTrue: [ l ] False: [ pad , l ] ]) asVector joinUsing: '\n' ).
    detabified: w = ( | sb. col <- 0 | sb: stringBuilder copy.
      do: [| :c | (c = '\t') ifTrue: [ sb add: (' ' repeat: w - (col % w)). col: col + (w - (col % w)) ] False: [ sb add: c. col: (c = '\n') ifTrue: [ 0 ] False: [ col + 1 ] ] ].
      sb contents ).
    detabified = ( detabified: 8 ).
    escaped = ( | p | p: _StringPrintString. p copyFrom: 1 UpTo: p size - 1 ).
    asEscapeSequence = ( escaped ).
    copyReplaceAll: old With: new = ( _StringReplaceAll: old With: new asString IfFail: [| :e | error: 'copyReplaceAll:With: ', e ] ).
    copyMappedBy: b = ( | sb | sb: stringBuilder copy.
      _StringCharacters do: [| :c. :i. r | r: b value: c With: i. r isString ifFalse: [ ^ error: 'copyMappedBy: on a string needs strings, got ', r printString, ' (map asVector instead)' ]. sb add: r ].
      sb contents ).
    mapBy: b = ( copyMappedBy: b ).
    copyFilteredBy: b = ( | sb | sb: stringBuilder copy. _StringCharacters do: [| :c. :i | (b value: c With: i) ifTrue: [ sb add: c ] ]. sb contents ).
    filterBy: b = ( copyFilteredBy: b ).
    copySortBy: lt = ( (_StringCharacters sortBy: lt) _VectorJoin: '' ).
    sortBy: lt = ( copySortBy: lt ).
    copy = ( self ).
  }.
  { 'Category: searching'
    indexOf: s = ( _StringCharIndexOf: s StartingAt: 0 ).
    indexOf: s StartingAt: i = ( _StringCharIndexOf: s StartingAt: i ).
    findSubstring: s StartingAt: i IfPresent: pb IfAbsent: ab = ( | k | k: _StringCharIndexOf: s StartingAt: i IfFail: [ -1 ]. (k < 0) ifTrue: [ ab value ] False: [ pb value: k ] ).
    includesSubstring: s = ( (_StringCharIndexOf: s StartingAt: 0) >= 0 ).
    includes: c = ( c isString && [ (_StringCharIndexOf: c StartingAt: 0) >= 0 ] ).
    occurrencesOfSubstring: s = ( | n <- 0. i <- 0 | [ i: _StringCharIndexOf: s StartingAt: i. i >= 0 ] whileTrue: [ n: n + 1. i: i + (s size max: 1) ]. n ).
  }.
  { 'Category: splitting'
    split: sep = ( _StringSplit: sep ).
    splitOn: sep = ( sep isEmpty ifTrue: [ ^ error: 'splitOn: an empty separator' ]. list copyRemoveAll addAll: (_StringSplit: sep) ).
    asTokensSeparatedByWhiteSpace = ( list copyRemoveAll addAll: _StringFields ).
    asTokensSeparatedByCharactersSatisfying: b = ( | r. sb |
      r: list copyRemoveAll. sb: stringBuilder copy.
      do: [| :c | (b value: c) ifTrue: [ sb isEmpty ifFalse: [ r add: sb contents. sb: stringBuilder copy ] ] False: [ sb add: c ] ].
      sb isEmpty ifFalse: [ r add: sb contents ].
      r ).
    asTokensSeparatedByCharactersIn: cs = ( asTokensSeparatedByCharactersSatisfying: [| :c | cs includes: c ] ).
    asTokensSeparatedBySubstring: s = ( (splitOn: s) copyFilteredBy: [| :t | t nonEmpty ] ).
    asWords = ( asTokensSeparatedByCharactersSatisfying: [| :c | c isWordSeparator ] ).
    lines = ( | r | r: (_StringReplaceAll: '\r\n' With: '\n') splitOn: '\n'. (r nonEmpty && [ r last isEmpty ]) ifTrue: [ r removeLast ]. r ).
    firstLine = ( | i | i: indexOf: '\n'. (i < 0) ifTrue: [ self ] False: [ copyFrom: 0 UpTo: i ] ).
    lastLine = ( lines isEmpty ifTrue: [ '' ] False: [ lines last ] ).
  }.
  { 'Category: character classes'
    isDigit = ( _StringIs: 'digit' ).
    isLetter = ( _StringIs: 'letter' ).
    isVowel = ( (size = 1) && [ 'aeiouAEIOU' includesSubstring: self ] ).
    isUpperCase = ( _StringIs: 'upper' ).
    isLowerCase = ( _StringIs: 'lower' ).
    isAlphaNumeric = ( _StringIs: 'alnum' ).
    isPunctuation = ( _StringIs: 'punct' ).
    isControlCharacter = ( _StringIs: 'control' ).
    isPrintable = ( _StringIs: 'print' ).
    isWhiteSpace = ( _StringIs: 'space' ).
    isAllWhiteSpace = ( isEmpty || [ _StringIs: 'space' ] ).
    isWordSeparator = ( (_StringIs: 'alnum') not ).
    isLineBreak = ( (self = '\n') || [ self = '\r' ] ).
    isCapitalized = ( isEmpty not && [ first isUpperCase ] ).
    isUncapitalized = ( isEmpty not && [ first isLowerCase ] ).
  }.
  { 'Category: converting'
    asUppercase = ( _StringAsUppercase ).
    asLowercase = ( _StringAsLowercase ).
    capitalize = ( isEmpty ifTrue: [ self ] False: [ first asUppercase , copyWithoutFirst ] ).
    uncapitalize = ( isEmpty ifTrue: [ self ] False: [ first asLowercase , copyWithoutFirst ] ).
    capitalizeAll = ( | sb. start <- true | sb: stringBuilder copy.
      do: [| :c | sb add: (start ifTrue: [ c asUppercase ] False: [ c ]). start: c isWordSeparator ].
      sb contents ).
    shrinkwrapped = ( _StringTrim: 'both' ).
    trimmed = ( _StringTrim: 'both' ).
    leftShrinkwrapped = ( _StringTrim: 'left' ).
    rightShrinkwrapped = ( _StringTrim: 'right' ).
    uncapitalizeAll = ( | sb. start <- true | sb: stringBuilder copy.
      do: [| :c | sb add: (start ifTrue: [ c asLowercase ] False: [ c ]). start: c isWordSeparator ].
      sb contents ).
    leadingWhiteSpace = ( findFirst: [| :c | c isWhiteSpace not ] IfPresent: [| :c. :i | i ] IfAbsent: [ size ] ).
    leadingSpaces = ( findFirst: [| :c | c != ' ' ] IfPresent: [| :c. :i | i ] IfAbsent: [ size ] ).
    prependAOrAn = ( (isEmpty not && [ first isVowel ]) ifTrue: [ 'an ' , self ] False: [ 'a ' , self ] ).
    hexAsIntegerIfFail: b = ( | n <- 0. d | isEmpty ifTrue: [ ^ b value ].
      do: [| :c | d: '0123456789abcdef' indexOf: c asLowercase. ((d < 0) || [ c size != 1 ]) ifTrue: [ ^ b value ]. n: (n * 16) + d ].
      n ).
    hexAsInteger = ( hexAsIntegerIfFail: [ error: 'not a hexadecimal integer: ', printString ] ).
    asSmallIntegerIfFail: b = ( | n | n: asIntegerIfFail: [ ^ b value ]. n isBig ifTrue: [ b value ] False: [ n ] ).
    asBigInteger = ( asInteger ).
    isCanonical = ( true ).
    matchesPattern: p IgnoreCase: c = ( _StringMatchesPattern: p IgnoreCase: c ).
    matchesPattern: p = ( _StringMatchesPattern: p IgnoreCase: false ).
    equalsCanonicalString: s = ( self = s ).
    padOnLeft: n = ( (' ' repeat: n - size) , self ).
    padOnRight: n = ( self , (' ' repeat: n - size) ).
    canonicalize = ( self ).
    asInteger = ( asIntegerIfFail: [ error: 'not an integer: ', printString ] ).
    asIntegerIfFail: b = ( _StringAsIntegerIfFail: [ b value ] ).
    asFloat = ( asFloatIfFail: [ error: 'not a number: ', printString ] ).
    asFloatIfFail: b = ( _StringAsFloatIfFail: [ b value ] ).
    asString = ( self ).
    flatString = ( self ).
    asSmallInteger = ( asInteger asSmallInteger ).
    asSelector = ( self ).
    succ = ( (codePoint + 1) asUTF8Character ).
    pred = ( (codePoint - 1) asUTF8Character ).
    successor = ( succ ).
    predecessor = ( pred ).
    characterFor: i IfFail: b = ( i asCharacterIfFail: b ).
    printString = ( _StringPrintString ).
    print = ( _StringPrint. self ).
  }.
  { 'Category: sending'
    sendTo: r = ( r perform: self ).
    sendTo: r With: a = ( r perform: self With: a ).
    sendTo: r With: a With: b = ( r perform: self With: a With: b ).
    sendTo: r With: a With: b With: c = ( r perform: self With: a With: b With: c ).
    sendTo: r With: a With: b With: c With: d = ( r perform: self With: a With: b With: c With: d ).
    sendTo: r WithArguments: args = ( r perform: self WithArguments: args asVector ).
    sendTo: r With: a With: b With: c With: d With: e = ( sendTo: r WithArguments: (((((vector copy add: a) add: b) add: c) add: d) add: e) ).
    sendTo: r With: a With: b With: c With: d With: e With: f = ( sendTo: r WithArguments: ((((((vector copy add: a) add: b) add: c) add: d) add: e) add: f) ).
    sendTo: r With: a With: b With: c With: d With: e With: f With: g = ( sendTo: r WithArguments: (((((((vector copy add: a) add: b) add: c) add: d) add: e) add: f) add: g) ).
    sendTo: r With: a With: b With: c With: d With: e With: f With: g With: h = ( sendTo: r WithArguments: ((((((((vector copy add: a) add: b) add: c) add: d) add: e) add: f) add: g) add: h) ).
    sendTo: r With: a With: b With: c With: d With: e With: f With: g With: h With: i = ( sendTo: r WithArguments: (((((((((vector copy add: a) add: b) add: c) add: d) add: e) add: f) add: g) add: h) add: i) ).
    sendTo: r With: a With: b With: c With: d With: e With: f With: g With: h With: i With: j = ( sendTo: r WithArguments: ((((((((((vector copy add: a) add: b) add: c) add: d) add: e) add: f) add: g) add: h) add: i) add: j) ).
    sendTo: r With: a With: b With: c With: d With: e With: f With: g With: h With: i With: j With: k = ( sendTo: r WithArguments: (((((((((((vector copy add: a) add: b) add: c) add: d) add: e) add: f) add: g) add: h) add: i) add: j) add: k) ).
    sendTo: r With: a With: b With: c With: d With: e With: f With: g With: h With: i With: j With: k With: l = ( sendTo: r WithArguments: ((((((((((((vector copy add: a) add: b) add: c) add: d) add: e) add: f) add: g) add: h) add: i) add: j) add: k) add: l) ).
    sendTo: r With: a With: b With: c With: d With: e With: f With: g With: h With: i With: j With: k With: l With: m = ( sendTo: r WithArguments: (((((((((((((vector copy add: a) add: b) add: c) add: d) add: e) add: f) add: g) add: h) add: i) add: j) add: k) add: l) add: m) ).
  }.
  collectionName = ( 'string' ).
|).

traits _AddSlots: (|
  stringBuilder = (|
    {} = 'Builds a string from pieces in linear time: add: pieces, then ask for contents. The pieces are copied into one growing byte vector as they come, so they are not kept.'.
    parent* = traits clonable.
    copy = ( | c | c: resend.copy. c bytes: byteVector copy. c ).
    bytes = ( "a builder made before the byte vector keeps its pieces in parts: move them over"
      | b | b: byteVector copy. parts do: [| :p | b _ByteVectorAppend: p ]. bytes: b. b ).
    bytes: b = ( "a builder made before the byte vector has no slot for it: give it one"
      _AddSlotsIfAbsent: (| bytes <- nil |). bytes: b ).
    add: s = ( bytes _ByteVectorAppend: s asString. self ).
    , s = ( add: s ).
    addLine: s = ( add: s. add: '\n' ).
    contents = ( bytes _ByteVectorAsString ).
    asString = ( contents ).
    isEmpty = ( bytes _ByteVectorSize = 0 ).
    size = ( contents size ).
    printString = ( 'a stringBuilder(', contents printString, ')' ).
  |).
|).

lobby _AddSlots: (|
  stringBuilder = (| parent* = traits stringBuilder. bytes <- byteVector copy |).
|).
