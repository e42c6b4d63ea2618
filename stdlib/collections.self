"collections.self: the collection protocol (built on do:), vectors, ordered
 lists and dictionaries. Indices are 0-based."

traits _AddSlots: (|
  collection = (|
    {} = 'Abstract collection: children supply do:, add: and copyEmpty.'.
    parent* = traits clonable.
    isEmpty = ( size = 0 ).
    notEmpty = ( isEmpty not ).
    size = ( | n <- 0 | do: [| :e | n: n + 1 ]. n ).
    collect: b = ( | r | r: list copyRemoveAll. do: [| :e | r add: (b value: e) ]. r ).
    select: b = ( | r | r: copyEmpty. do: [| :e | (b value: e) ifTrue: [ r add: e ] ]. r ).
    reject: b = ( select: [| :e | (b value: e) not ] ).
    detect: b IfNone: n = ( do: [| :e | (b value: e) ifTrue: [ ^ e ] ]. n value ).
    detect: b = ( detect: b IfNone: [ error: 'detect: no element matched' ] ).
    inject: acc Into: b = ( | a | a: acc. do: [| :e | a: (b value: a With: e) ]. a ).
    anySatisfy: b = ( do: [| :e | (b value: e) ifTrue: [ ^ true ] ]. false ).
    allSatisfy: b = ( do: [| :e | (b value: e) ifFalse: [ ^ false ] ]. true ).
    count: b = ( | n <- 0 | do: [| :e | (b value: e) ifTrue: [ n: n + 1 ] ]. n ).
    includes: x = ( anySatisfy: [| :e | e = x ] ).
    do: b SeparatedBy: s = ( | first <- true | do: [| :e | first ifFalse: [ s value ]. first: false. b value: e ]. self ).
    sum = ( inject: 0 Into: [| :a. :e | a + e ] ).
    max = ( inject: nil Into: [| :a. :e | (a isNil || [ e > a ]) ifTrue: [ e ] False: [ a ] ] ).
    min = ( inject: nil Into: [| :a. :e | (a isNil || [ e < a ]) ifTrue: [ e ] False: [ a ] ] ).
    asVector = ( | v | v: vector copy. do: [| :e | v add: e ]. v ).
    asList = ( | l | l: list copyRemoveAll. do: [| :e | l add: e ]. l ).
    addAll: c = ( c do: [| :e | add: e ]. self ).
    joinedWith: sep = ( | b | b: stringBuilder copy. do: [| :e | b add: e asString ] SeparatedBy: [ b add: sep ]. b contents ).
    elementsString = ( | b | b: stringBuilder copy. do: [| :e | b add: e printString ] SeparatedBy: [ b add: ', ' ]. b contents ).
    printString = ( collectionName, '(', elementsString, ')' ).
    collectionName = ( 'collection' ).
  |).
|).

traits vector _AddSlots: (|
  parent* = traits collection.
  isVector = true.
  size = ( _VectorSize ).
  at: i = ( _VectorAt: i IfFail: [| :e | error: 'vector at: ', i printString, ' failed: ', e, ' (size ', size printString, ')' ] ).
  at: i Put: v = ( _VectorAt: i Put: v IfFail: [| :e | error: 'vector at: ', i printString, ' Put: failed: ', e, ' (size ', size printString, ')' ] ).
  at: i IfAbsent: b = ( _VectorAt: i IfFail: [ b value ] ).
  do: b = ( 0 to: size - 1 Do: [| :i | b value: (_VectorAt: i) ]. self ).
  doWithIndex: b = ( 0 to: size - 1 Do: [| :i | b value: (_VectorAt: i) With: i ]. self ).
  reverseDo: b = ( size - 1 to: 0 By: -1 Do: [| :i | b value: (_VectorAt: i) ]. self ).
  collect: b = ( | r | r: copySize: size. 0 to: size - 1 Do: [| :i | r at: i Put: (b value: (_VectorAt: i)) ]. r ).
  add: x = ( _VectorAddLast: x. x ).
  addLast: x = ( add: x ).
  removeLast = ( _VectorRemoveLastIfFail: [ error: 'removeLast: the vector is empty' ] ).
  first = ( at: 0 ).
  last = ( at: size - 1 ).
  copySize: n = ( _VectorCopySize: n ).
  copySize: n FillingWith: x = ( | r | r: _VectorCopySize: n. size to: n - 1 Do: [| :i | r at: i Put: x ]. r ).
  copyEmpty = ( _VectorCopySize: 0 ).
  copyRemoveAll = ( _VectorCopySize: 0 ).
  , v = ( | r | r: copy. v do: [| :e | r add: e ]. r ).
  indexOf: x = ( 0 to: size - 1 Do: [| :i | ((_VectorAt: i) = x) ifTrue: [ ^ i ] ]. -1 ).
  reverse = ( | r | r: copyEmpty. reverseDo: [| :e | r add: e ]. r ).
  = v = ( (_Eq: v) || [ v isVector && [ (v size = size) && [ | same <- true | 0 to: size - 1 Do: [| :i | ((at: i) = (v at: i)) ifFalse: [ same: false ] ]. same ] ] ] ).
  hash = ( inject: size Into: [| :h. :e | ((h * 31) + e hash) && 16r3FFFFFFFFFFF ] ).
  sort = ( sortBy: [| :a. :b | a < b ] ).
  sortBy: lt = ( | n. x. j |
    "insertion sort for short vectors, merge sort otherwise; stable"
    n: size.
    n < 2 ifTrue: [ ^ self ].
    n <= 16 ifTrue: [
      1 to: n - 1 Do: [| :i |
        x: at: i.
        j: i - 1.
        [ (j >= 0) and: [ lt value: x With: (at: j) ] ] whileTrue: [ at: j + 1 Put: (at: j). j: j - 1 ].
        at: j + 1 Put: x ].
      ^ self ].
    mergeSortBy: lt Buffer: (copySize: n) From: 0 To: n ).
  mergeSortBy: lt Buffer: buf From: lo To: hi = ( | mid. i. j. k |
    (hi - lo) < 2 ifTrue: [ ^ self ].
    mid: (lo + hi) / 2.
    mergeSortBy: lt Buffer: buf From: lo To: mid.
    mergeSortBy: lt Buffer: buf From: mid To: hi.
    i: lo. j: mid. k: lo.
    [ k < hi ] whileTrue: [
      ((j >= hi) or: [ (i < mid) and: [ (lt value: (at: j) With: (at: i)) not ] ])
        ifTrue: [ buf at: k Put: (at: i). i: i + 1 ]
        False: [ buf at: k Put: (at: j). j: j + 1 ].
      k: k + 1 ].
    lo to: hi - 1 Do: [| :p | at: p Put: (buf at: p) ].
    self ).
  collectionName = ( 'vector' ).
|).

traits byteVector _AddSlots: (|
  parent* = traits collection.
  size = ( _ByteVectorSize ).
  at: i = ( _ByteVectorAt: i ).
  at: i Put: b = ( _ByteVectorAt: i Put: b ).
  do: b = ( 0 to: size - 1 Do: [| :i | b value: (_ByteVectorAt: i) ]. self ).
  copySize: n = ( _ByteVectorCopySize: n ).
  copyEmpty = ( _ByteVectorCopySize: 0 ).
  asString = ( _ByteVectorAsString ).
  collectionName = ( 'byteVector' ).
|).

lobby _AddSlots: (|
  vector = 0 _NewVector: 0.
  byteVector = 0 _NewByteVector: 0.
|).

traits _AddSlots: (|
  list = (|
    {} = 'Ordered lists: add at either end, remove at either end, index from 0.'.
    parent* = traits collection.
    copy = ( | c | c: resend.copy. c items: items copy. c ).
    copyRemoveAll = ( | c | c: resend.copy. c items: vector copy. c head: 0. c ).
    copyEmpty = ( copyRemoveAll ).
    size = ( items size - head ).
    compact = ( ((head > 32) and: [ (head * 2) > items size ]) ifTrue: [ items: (items asVectorFrom: head). head: 0 ]. self ).
    at: i = ( ((i < 0) || [ i >= size ]) ifTrue: [ error: 'list at: ', i printString, ': index out of range (size ', size printString, ')' ]. items at: i + head ).
    at: i Put: v = ( ((i < 0) || [ i >= size ]) ifTrue: [ error: 'list at:Put: index out of range' ]. items at: i + head Put: v ).
    add: x = ( items add: x. x ).
    addLast: x = ( add: x ).
    addFirst: x = ( | v |
      head > 0
        ifTrue: [ head: head - 1. items at: head Put: x ]
        False: [ v: vector copy. v add: x. do: [| :e | v add: e ]. items: v. head: 0 ].
      x ).
    removeFirst = ( | x |
      isEmpty ifTrue: [ ^ error: 'removeFirst: the list is empty' ].
      x: items at: head. items at: head Put: nil. head: head + 1. compact. x ).
    removeLast = ( isEmpty ifTrue: [ ^ error: 'removeLast: the list is empty' ]. items removeLast ).
    first = ( at: 0 ).
    last = ( at: size - 1 ).
    do: b = ( head to: items size - 1 Do: [| :i | b value: (items at: i) ]. self ).
    collectionName = ( 'list' ).
  |).
|).

traits vector _AddSlots: (|
  asVectorFrom: start = ( | r | r: copyEmpty. start to: size - 1 Do: [| :i | r add: (_VectorAt: i) ]. r ).
|).

lobby _AddSlots: (|
  list = (| parent* = traits list. items <- vector copy. head <- 0 |).
|).

traits _AddSlots: (|
  dictionary = (|
    {} = 'Hash dictionaries keyed by = and hash. Iteration follows insertion order (until a removal).'.
    parent* = traits collection.
    copy = ( | c | c: resend.copy. c ks: ks copy. c vs: vs copy. c buckets: (buckets collect: [| :b | b copy ]). c ).
    copyRemoveAll = ( | c | c: resend.copy. c ks: vector copy. c vs: vector copy. c buckets: (vector copySize: 8) rehashEmpty. c ).
    copyEmpty = ( copyRemoveAll ).
    size = ( ks size ).
    bucketFor: k = ( buckets at: (k hash % buckets size) ).
    indexOf: k = ( (bucketFor: k) do: [| :i | ((ks at: i) = k) ifTrue: [ ^ i ] ]. -1 ).
    at: k IfAbsent: b = ( | i | i: indexOf: k. (i < 0) ifTrue: [ b value ] False: [ vs at: i ] ).
    at: k = ( at: k IfAbsent: [ error: 'dictionary at: key not found: ', k printString ] ).
    includesKey: k = ( (indexOf: k) >= 0 ).
    at: k Put: v = ( | i |
      i: indexOf: k.
      (i >= 0) ifTrue: [ vs at: i Put: v. ^ v ].
      ks add: k. vs add: v.
      (bucketFor: k) add: ks size - 1.
      (ks size > (buckets size * 2)) ifTrue: [ rehash: buckets size * 4 ].
      v ).
    removeKey: k = ( | i. last |
      i: indexOf: k.
      (i < 0) ifTrue: [ ^ error: 'removeKey: key not found: ', k printString ].
      last: ks size - 1.
      ks at: i Put: (ks at: last). vs at: i Put: (vs at: last).
      ks removeLast. vs removeLast.
      rehash: buckets size.
      self ).
    rehash: n = ( buckets: (vector copySize: n) rehashEmpty. 0 to: ks size - 1 Do: [| :i | (bucketFor: (ks at: i)) add: i ]. self ).
    do: b = ( vs do: b ).
    keysDo: b = ( ks do: b ).
    keysAndValuesDo: b = ( 0 to: ks size - 1 Do: [| :i | b value: (ks at: i) With: (vs at: i) ]. self ).
    keys = ( ks copy ).
    values = ( vs copy ).
    add: v = ( error: 'dictionary add: use at:Put:' ).
    elementsString = ( | b | b: stringBuilder copy. 0 to: ks size - 1 Do: [| :i | (i > 0) ifTrue: [ b add: ', ' ]. b add: (ks at: i) printString. b add: ' -> '. b add: (vs at: i) printString ]. b contents ).
    collectionName = ( 'dictionary' ).
  |).
|).

traits vector _AddSlots: (|
  rehashEmpty = ( 0 to: size - 1 Do: [| :i | at: i Put: vector copy ]. self ).
|).

lobby _AddSlots: (|
  dictionary = (| parent* = traits dictionary. ks <- vector copy. vs <- vector copy. buckets <- (vector copySize: 8) rehashEmpty |).
|).
