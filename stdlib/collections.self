"collections.self: Self's collection protocol (built on do:), indexables,
 vectors, byte vectors, lists, sets and dictionaries. Indices are 0-based.
 As in Self, do: passes each element and its key (the index, or the
 dictionary key) to the block; a block that takes one argument ignores the
 key (defaultBehavior's value:With:). Modifiers (add:, sort, mapBy:...)
 answer the receiver; copy... messages answer a new collection."

traits _AddSlots: (|
  collection = (|
    {} = 'Abstract collection: children supply do: (element and key), size, add: and copyRemoveAll; everything else is built on them.'.
    parent* = traits clonable.
    { 'Category: testing'
      isCollection = true.
      isEmpty = ( size = 0 ).
      nonEmpty = ( isEmpty not ).
      notEmpty = ( isEmpty not ).
      size = ( | n <- 0 | do: [| :e | n: n + 1 ]. n ).
      includes: x = ( do: [| :e | (e = x) ifTrue: [ ^ true ] ]. false ).
      includesAll: c = ( c allSatisfy: [| :e | includes: e ] ).
      occurrencesOf: x = ( countHowMany: [| :e | e = x ] ).
      anySatisfy: b = ( do: [| :e. :k | (b value: e With: k) ifTrue: [ ^ true ] ]. false ).
      allSatisfy: b = ( do: [| :e. :k | (b value: e With: k) ifFalse: [ ^ false ] ]. true ).
      noneSatisfy: b = ( (anySatisfy: b) not ).
      countHowMany: b = ( | n <- 0 | do: [| :e. :k | (b value: e With: k) ifTrue: [ n: n + 1 ] ]. n ).
      count: b = ( countHowMany: b ).
      isPrefixOf: c = ( (size <= c size) && [ with: c Do: [| :a. :b | (a = b) ifFalse: [ ^ false ] ]. true ] ).
      isSuffixOf: c = ( (size <= c size) && [ asVector isPrefixOf: (c asVector copyFrom: c size - size) ] ).
      ifNone: b = ( isEmpty ifTrue: [ ^ b value ]. self ).
      ifNone: n IfOne: o IfMany: m = ( isEmpty ifTrue: [ ^ n value ]. (size = 1) ifTrue: [ ^ o value: first ]. m value ).
    }.
    { 'Category: iterating'
      do: b SeparatedBy: s = ( | first <- true | do: [| :e. :k | first ifFalse: [ s value ]. first: false. b value: e With: k ]. self ).
      doFirst: f Middle: m Last: l IfEmpty: mt = ( | n <- 0. last |
        last: size - 1.
        last < 0 ifTrue: [ mt value. ^ self ].
        do: [| :e. :k | (n = 0) ifTrue: [ f value: e With: k ] False: [ (n = last) ifTrue: [ l value: e With: k ] False: [ m value: e With: k ] ]. n: n + 1 ].
        self ).
      doFirst: f Middle: m Last: l = ( doFirst: f Middle: m Last: l IfEmpty: [] ).
      doFirst: f MiddleLast: ml = ( doFirst: f Middle: ml Last: ml IfEmpty: [] ).
      doFirstLast: fl Middle: m = ( doFirst: fl Middle: m Last: fl IfEmpty: [] ).
      doFirst: f MiddleLast: ml IfEmpty: mt = ( doFirst: f Middle: ml Last: ml IfEmpty: mt ).
      doFirstLast: fl Middle: m IfEmpty: mt = ( doFirst: fl Middle: m Last: fl IfEmpty: mt ).
      doFirstMiddle: fm Last: l = ( doFirst: fm Middle: fm Last: l IfEmpty: [] ).
      doFirstMiddle: fm Last: l IfEmpty: mt = ( doFirst: fm Middle: fm Last: l IfEmpty: mt ).
      reverseDo: b = ( asVector reverseDo: b. self ).
      with: c Do: b = ( | v | v: c asVector. do: [| :e. :k | (k < v size) ifTrue: [ b value: e With: (v at: k) With: k ] ]. self ).
      sortedDo: b = ( asVector sort do: b. self ).
      sortedBy: lt Do: b = ( (asVector sortBy: lt) do: b. self ).
      doWithIndex: b = ( do: [| :e. :k | b value: e With: k ] ).
    }.
    { 'Category: searching'
      findFirst: eb IfPresent: fb IfAbsent: nb = ( do: [| :e. :k | (eb value: e With: k) ifTrue: [ ^ fb value: e With: k ] ]. nb value ).
      findFirst: eb IfPresent: fb = ( findFirst: eb IfPresent: fb IfAbsent: [ nil ] ).
      detect: b IfNone: n = ( findFirst: b IfPresent: [| :e | e ] IfAbsent: n ).
      detect: b = ( detect: b IfNone: [ error: 'detect: no element matched' ] ).
      keyOf: x IfAbsent: b = ( findFirst: [| :e | e = x ] IfPresent: [| :e. :k | k ] IfAbsent: b ).
      keyOf: x = ( keyOf: x IfAbsent: [ error: 'keyOf: not found: ', x printString ] ).
    }.
    { 'Category: accessing'
      at: k = ( at: k IfAbsent: [ error: 'at: ', k printString, ': no such key in the ', collectionName ] ).
      first = ( firstIfAbsent: [ error: 'first: the ', collectionName, ' is empty' ] ).
      firstIfAbsent: b = ( do: [| :e | ^ e ]. b value ).
      soleElement = ( ifNone: [ error: 'soleElement: the ', collectionName, ' is empty' ] IfOne: [| :e | e ] IfMany: [ error: 'soleElement: the ', collectionName, ' has ', size printString, ' elements' ] ).
      keys = ( | r | r: vector copy. do: [| :e. :k | r add: k ]. r ).
      values = ( asVector ).
    }.
    { 'Category: reducing'
      reduceWith: b IfSingleton: sb IfEmpty: mt = ( | r. started <- false |
        isEmpty ifTrue: [ ^ mt value ].
        (size = 1) ifTrue: [ ^ sb value: first ].
        do: [| :e | started ifTrue: [ r: b value: r With: e ] False: [ r: e. started: true ] ].
        r ).
      reduceWith: b IfSingleton: sb = ( reduceWith: b IfSingleton: sb IfEmpty: [ error: 'reduceWith: the ', collectionName, ' is empty' ] ).
      reduceWith: b = ( reduceWith: b IfSingleton: [| :e | e ] ).
      reduceWith: b IfEmpty: mt = ( reduceWith: b IfSingleton: [| :e | e ] IfEmpty: mt ).
      inject: acc Into: b = ( | a | a: acc. do: [| :e | a: (b value: a With: e) ]. a ).
      sum = ( reduceWith: [| :a. :b | a + b ] IfEmpty: [ 0 ] ).
      product = ( reduceWith: [| :a. :b | a * b ] IfEmpty: [ 1 ] ).
      max = ( reduceWith: [| :a. :b | a max: b ] ).
      min = ( reduceWith: [| :a. :b | a min: b ] ).
      mean = ( | s | s: sum. (s isInteger && [ (s % size) = 0 ]) ifTrue: [ s / size ] False: [ s asFloat / size ] ).
      median = ( | v. n | v: asVector sort. n: v size. n odd ifTrue: [ v at: n / 2 ] False: [ ((v at: (n / 2) - 1) + (v at: n / 2)) / 2.0 ] ).
      dotProduct: c = ( | s <- 0 | with: c Do: [| :a. :b | s: s + (a * b) ]. s ).
      rootMeanSquare = ( ((inject: 0 Into: [| :a. :e | a + (e * e) ]) / size asFloat) sqrt ).
      harmonicMean = ( size asFloat / (inject: 0.0 Into: [| :a. :e | a + (1.0 / e) ]) ).
      percentile: n = ( asVector sort at: ((size * n) / 100 min: size - 1) ).
      occurrencesOfEachElement = ( | d | d: dictionary copyRemoveAll. do: [| :e | d at: e Put: (d at: e IfAbsent: 0) + 1 ]. d ).
      standardDeviation = ( | m | m: mean asFloat. ((inject: 0 Into: [| :a. :e | a + ((e - m) * (e - m)) ]) / size asFloat) sqrt ).
    }.
    { 'Category: transforming'
      filterBy: eb Into: c = ( do: [| :e. :k | (eb value: e With: k) ifTrue: [ c add: e WithKey: k ] ]. c ).
      copyFilteredBy: eb = ( filterBy: eb Into: copyRemoveAll ).
      mapBy: eb Into: c = ( do: [| :e. :k | c add: (eb value: e With: k) WithKey: k ]. c ).
      copyMappedBy: eb = ( copy mapBy: eb ).
      gather: b Into: c = ( do: [| :e. :k | c addAll: (b value: e With: k) ]. c ).
      gather: b = ( gather: b Into: list copyRemoveAll ).
      collect: b = ( mapBy: b Into: list copyRemoveAll ).
      select: b = ( copyFilteredBy: b ).
      reject: b = ( copyFilteredBy: [| :e. :k | (b value: e With: k) not ] ).
      copyContaining: c = ( copyRemoveAll addAll: c ).
      union: c = ( | r | r: copy. c do: [| :e | (r includes: e) ifFalse: [ r add: e ] ]. r ).
      intersect: c = ( copyFilteredBy: [| :e | c includes: e ] ).
      difference: c = ( copyFilteredBy: [| :e | (c includes: e) not ] ).
    }.
    { 'Category: sorting'
      ascendingOrder = ( [| :a. :b | a < b ] ).
      copySort = ( copySortBy: [| :a. :b | a < b ] ).
      copySortBy: lt = ( asVector sortBy: lt ).
      copySortBySelector: sel = ( copySortBy: [| :a. :b | sel sendTo: a With: b ] ).
      compare: c IfLess: lb Equal: eb Greater: gb = ( | v. w |
        (self == c) ifTrue: [ ^ eb value ].
        v: asVector. w: c asVector.
        0 to: (v size min: w size) - 1 Do: [| :i | ((v at: i) = (w at: i)) ifFalse: [ ^ ((v at: i) < (w at: i)) ifTrue: [ lb value ] False: [ gb value ] ] ].
        (v size = w size) ifTrue: [ eb value ] False: [ (v size < w size) ifTrue: [ lb value ] False: [ gb value ] ] ).
      < c = ( compare: c IfLess: [ true ] Equal: [ false ] Greater: [ false ] ).
    }.
    { 'Category: adding and removing'
      add: x WithKey: k = ( add: x ).
      addAll: c = ( c do: [| :e | add: e ]. self ).
      , c = ( (copyRemoveAll addAll: self) addAll: c ).
      remove: x = ( remove: x IfAbsent: [ error: 'remove: not found: ', x printString ] ).
      removeAll: c = ( c do: [| :e | remove: e ]. self ).
    }.
    { 'Category: converting'
      asVector = ( | v | v: vector copy. do: [| :e | v add: e ]. v ).
      asList = ( list copyRemoveAll addAll: self ).
      asSet = ( set copyRemoveAll addAll: self ).
      asSequence = ( asList ).
      asDictionary = ( | d | d: dictionary copyRemoveAll. do: [| :e. :k | d at: k Put: e ]. d ).
      asString = ( | b | b: stringBuilder copy. do: [| :e | b add: e asString ]. b contents ).
      asByteVector = ( | v | v: byteVector copySize: size. do: [| :e. :i | v at: i Put: e ]. v ).
      joinedWith: sep = ( | b | b: stringBuilder copy. do: [| :e | b add: e asString ] SeparatedBy: [ b add: sep ]. b contents ).
    }.
    { 'Category: printing'
      elementsString = ( | b | b: stringBuilder copy. do: [| :e | b add: e printString ] SeparatedBy: [ b add: ', ' ]. b contents ).
      printString = ( collectionName, '(', elementsString, ')' ).
      collectionName = ( 'collection' ).
    }.
  |).
|).

traits _AddSlots: (|
  indexable = (|
    {} = 'Collections indexed by integers from 0 to size - 1: children supply at:, at:Put: (when mutable), size and copySize:.'.
    parent* = traits collection.
    { 'Category: accessing'
      at: i IfAbsent: b = ( ((i < 0) || [ i >= size ]) ifTrue: [ b value ] False: [ at: i ] ).
      first = ( isEmpty ifTrue: [ ^ error: 'first: the ', collectionName, ' is empty' ]. at: 0 ).
      last = ( isEmpty ifTrue: [ ^ error: 'last: the ', collectionName, ' is empty' ]. at: size - 1 ).
      firstIfAbsent: b = ( isEmpty ifTrue: [ b value ] False: [ at: 0 ] ).
      lastIfAbsent: b = ( isEmpty ifTrue: [ b value ] False: [ at: size - 1 ] ).
      first: x = ( at: 0 Put: x. self ).
      last: x = ( at: size - 1 Put: x. self ).
      firstKey = ( 0 ).
      lastKey = ( size - 1 ).
      keyAt: i = ( i ).
      keyAt: i IfAbsent: b = ( ((i < 0) || [ i >= size ]) ifTrue: [ b value ] False: [ i ] ).
      isOrdered = ( true ).
    }.
    { 'Category: iterating'
      reverseDo: b = ( size - 1 to: 0 By: -1 Do: [| :i | b value: (at: i) With: i ]. self ).
      with: c Do: b = ( | n | n: size min: c size. 0 to: n - 1 Do: [| :i | b value: (at: i) With: (c at: i) With: i ]. self ).
      with: c ReverseDo: b = ( | n | n: size min: c size. n - 1 to: 0 By: -1 Do: [| :i | b value: (at: i) With: (c at: i) With: i ]. self ).
    }.
    { 'Category: searching'
      indexOf: x = ( keyOf: x IfAbsent: [ -1 ] ).
      matches: s At: j = ( 0 to: s size - 1 Do: [| :k | ((at: j + k) = (s at: k)) ifFalse: [ ^ false ] ]. true ).
      findSubstring: s StartingAt: i IfPresent: pb IfAbsent: ab = (
        i to: size - s size Do: [| :j | (matches: s At: j) ifTrue: [ ^ pb value: j ] ].
        ab value ).
      findSubstring: s IfPresent: pb IfAbsent: ab = ( findSubstring: s StartingAt: 0 IfPresent: pb IfAbsent: ab ).
      includesSubstring: s = ( findSubstring: s IfPresent: [ true ] IfAbsent: [ false ] ).
    }.
    { 'Category: copying'
      copyFrom: i UpTo: j = ( | r | r: copyRemoveAll. i to: j - 1 Do: [| :k | r add: (at: k) ]. r ).
      copyFrom: i = ( copyFrom: i UpTo: size ).
      copyFrom: i Size: n = ( copyFrom: i UpTo: i + n ).
      copyAtMost: n = ( copyFrom: 0 UpTo: (n min: size) ).
      copyWithoutFirst = ( copyFrom: 1 ).
      copyWithoutLast = ( copyFrom: 0 UpTo: size - 1 ).
      copyWithoutPrefix: p = ( (p isPrefixOf: self) ifTrue: [ copyFrom: p size ] False: [ copy ] ).
      copyWithoutSuffix: p = ( (p isSuffixOf: self) ifTrue: [ copyFrom: 0 UpTo: size - p size ] False: [ copy ] ).
      copyAddFirst: x = ( | r | r: copyRemoveAll. r add: x. r addAll: self ).
      copyAddLast: x = ( | r | r: copy. r add: x. r ).
      copyReversed = ( | r | r: copyRemoveAll. reverseDo: [| :e | r add: e ]. r ).
      slice: pair = ( | start. stop. n |
        n: size.
        start: pair first. stop: pair last.
        start < 0 ifTrue: [ start: n + start ].
        stop isNil ifTrue: [ stop: n ] False: [ stop < 0 ifTrue: [ stop: n + stop ] ].
        copyFrom: start UpTo: stop ).
      splitOn: sep = ( | r. i <- 0. j |
        sep isEmpty ifTrue: [ ^ error: 'splitOn: an empty separator' ].
        r: list copyRemoveAll.
        [ j: findSubstring: sep StartingAt: i IfPresent: [| :k | k ] IfAbsent: [ -1 ]. j >= 0 ] whileTrue: [
          r add: (copyFrom: i UpTo: j). i: j + sep size ].
        r add: (copyFrom: i).
        r ).
      replaceFrom: i UpTo: j With: c = ( | r | r: copyFrom: 0 UpTo: i. c do: [| :e | r: r copyAddLast: e ]. r , (copyFrom: j) ).
      joinUsing: sep = ( | r. started <- false |
        r: sep copyRemoveAll.
        do: [| :e | started ifTrue: [ r: r , sep ]. started: true. r: r , e ].
        r ).
    }.
    { 'Category: sorting'
      sort = ( sortBy: [| :a. :b | a < b ] ).
      reverse = ( | i <- 0. j. t | j: size - 1. [ i < j ] whileTrue: [ t: at: i. at: i Put: (at: j). at: j Put: t. i: i + 1. j: j - 1 ]. self ).
      copySortBy: lt = ( copy sortBy: lt ).
      sortBy: lt = ( | v | v: asVector sortBy: lt. v do: [| :e. :i | at: i Put: e ]. self ).
      mergeSortFirst: k Count: n By: lt = ( | v |
        ((k < 0) || [ (n < 0) || [ (k + n) > size ] ]) ifTrue: [ ^ error: 'mergeSortFirst: ', k printString, ' Count: ', n printString, ': out of range (size ', size printString, ')' ].
        v: (vector copy addAll: (copyFrom: k UpTo: k + n)) sortBy: lt.
        v do: [| :e. :i | at: k + i Put: e ].
        self ).
    }.
    { 'Category: filling'
      fillWith: x = ( 0 to: size - 1 Do: [| :i | at: i Put: x ]. self ).
      replaceAllSatisfying: c With: x = ( 0 to: size - 1 Do: [| :i | (c value: (at: i)) ifTrue: [ at: i Put: x ] ]. self ).
      replace: old With: x = ( replaceAllSatisfying: [| :e | e = old ] With: x ).
      mapBy: eb = ( 0 to: size - 1 Do: [| :i | at: i Put: (eb value: (at: i) With: i) ]. self ).
      fillFrom: c = ( with: c Do: [| :e. :x. :i | at: i Put: x ]. self ).
      interpolate: p From: c = ( | r | r: copy. do: [| :e. :i | r at: i Put: (e interpolate: p From: (c at: i)) ]. r ).
    }.
  |).
|).

traits vector _AddSlots: (|
  {} = 'Vectors: indexable, growable at the end (add:), 0-based.'.
  parent* = traits indexable.
  isVector = true.
  size = ( _VectorSize ).
  at: i = ( _VectorAt: i IfFail: [| :e | error: 'vector at: ', i printString, ' failed: ', e, ' (size ', size printString, ')' ] ).
  at: i Put: v = ( _VectorAt: i Put: v IfFail: [| :e | error: 'vector at: ', i printString, ' Put: failed: ', e, ' (size ', size printString, ')' ] ).
  at: i IfAbsent: b = ( _VectorAt: i IfFail: [ b value ] ).
  do: b = ( (b isBlock && [ b numArgs < 2 ])
      ifTrue: [ 0 to: size - 1 Do: [| :i | b value: (_VectorAt: i) ] ]
      False: [ 0 to: size - 1 Do: [| :i | b value: (_VectorAt: i) With: i ] ].
    self ).
  collect: b = ( | r | r: copySize: size. 0 to: size - 1 Do: [| :i | r at: i Put: (b value: (_VectorAt: i)) ]. r ).
  add: x = ( _VectorAddLast: x ).
  addLast: x = ( _VectorAddLast: x ).
  removeLast = ( _VectorRemoveLastIfFail: [ error: 'removeLast: the vector is empty' ] ).
  removeAll = ( [ size > 0 ] whileTrue: [ _VectorRemoveLast ]. self ).
  remove: x IfAbsent: b = ( | i | i: indexOf: x. (i < 0) ifTrue: [ ^ b value ]. removeAt: i. self ).
  removeAt: i = ( | x | x: at: i. i to: size - 2 Do: [| :k | at: k Put: (at: k + 1) ]. _VectorRemoveLast. x ).
  copySize: n = ( _VectorCopySize: n ).
  copySize: n FillingWith: x = ( | r | r: _VectorCopySize: n. size to: n - 1 Do: [| :i | r at: i Put: x ]. r ).
  copyEmpty = ( _VectorCopySize: 0 ).
  copyRemoveAll = ( _VectorCopySize: 0 ).
  copyFrom: i UpTo: j = ( | r |
    ((i < 0) || [ (j > size) || [ i > j ] ]) ifTrue: [ ^ error: 'copyFrom: ', i printString, ' UpTo: ', j printString, ': out of range (size ', size printString, ')' ].
    r: _VectorCopySize: j - i. i to: j - 1 Do: [| :k | r at: k - i Put: (_VectorAt: k) ]. r ).
  asVector = ( copy ).
  , v = ( | r | r: copy. v do: [| :e | r add: e ]. r ).
  indexOf: x = ( 0 to: size - 1 Do: [| :i | ((_VectorAt: i) = x) ifTrue: [ ^ i ] ]. -1 ).
  = v = ( (_Eq: v) || [ v isVector && [ (v size = size) && [ | same <- true | 0 to: size - 1 Do: [| :i | ((at: i) = (v at: i)) ifFalse: [ same: false ] ]. same ] ] ] ).
  hash = ( inject: size Into: [| :h. :e | ((h * 31) + e hash) && 16r3FFFFFFFFFFF ] ).
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
  asVectorFrom: start = ( copyFrom: start ).
  randomlyDo: b = ( (random permutation: size) do: [| :i | b value: (at: i) With: i ]. self ).
  at: i Put: x IfAbsent: b = ( _VectorAt: i Put: x IfFail: [ b value ] ).
  rehashEmpty = ( 0 to: size - 1 Do: [| :i | at: i Put: vector copy ]. self ).
  collectionName = ( 'vector' ).
|).

traits byteVector _AddSlots: (|
  {} = 'Byte vectors: fixed-size vectors of integers 0..255.'.
  parent* = traits indexable.
  size = ( _ByteVectorSize ).
  at: i = ( _ByteVectorAt: i ).
  at: i Put: b = ( _ByteVectorAt: i Put: b ).
  do: b = ( 0 to: size - 1 Do: [| :i | b value: (_ByteVectorAt: i) With: i ]. self ).
  bytesDo: b = ( do: b ).
  at: i Put: x IfAbsent: b = ( _ByteVectorAt: i Put: x IfFail: [ b value ] ).
  fillFrom: c = ( c do: [| :e. :i | at: i Put: e ]. self ).
  bytewise: v With: b = ( | r |
    (v size = size) ifFalse: [ ^ error: 'byteVector: sizes differ (', size printString, ' and ', v size printString, ')' ].
    r: copy. 0 to: size - 1 Do: [| :i | r at: i Put: (b value: (at: i) With: (v at: i)) ]. r ).
  && v = ( bytewise: v With: [| :a. :b | a && b ] ).
  || v = ( bytewise: v With: [| :a. :b | a || b ] ).
  ^^ v = ( bytewise: v With: [| :a. :b | a bitXor: b ] ).
  intSize: bits Signed: s At: i BigEndian: big IfFail: fb = ( | n <- 0. k |
    k: bits / 8.
    (((bits % 8) != 0) || [ (i < 0) || [ (i + k) > size ] ]) ifTrue: [ ^ fb value: 'badIndexError' ].
    0 to: k - 1 Do: [| :j | n: (n << 8) || (at: (big ifTrue: [ i + j ] False: [ ((i + k) - 1) - j ])) ].
    (s && [ n >= (1 << (bits - 1)) ]) ifTrue: [ n: n - (1 << bits) ].
    n ).
  intSize: bits Signed: s At: i Put: x BigEndian: big IfFail: fb = ( | v. k |
    k: bits / 8. v: x.
    (((bits % 8) != 0) || [ (i < 0) || [ (i + k) > size ] ]) ifTrue: [ ^ fb value: 'badIndexError' ].
    (s && [ v < 0 ]) ifTrue: [ v: v + (1 << bits) ].
    ((v < 0) || [ v >= (1 << bits) ]) ifTrue: [ ^ fb value: 'overflowError' ].
    k - 1 to: 0 By: -1 Do: [| :j | at: (big ifTrue: [ i + j ] False: [ ((i + k) - 1) - j ]) Put: (v && 255). v: v >> 8 ].
    self ).
  bigEndianIntSize: bits Signed: s At: i IfFail: fb = ( intSize: bits Signed: s At: i BigEndian: true IfFail: fb ).
  bigEndianIntSize: bits Signed: s At: i = ( intSize: bits Signed: s At: i BigEndian: true IfFail: [| :e | error: 'bigEndianIntSize:Signed:At: ', e ] ).
  littleEndianIntSize: bits Signed: s At: i IfFail: fb = ( intSize: bits Signed: s At: i BigEndian: false IfFail: fb ).
  littleEndianIntSize: bits Signed: s At: i = ( intSize: bits Signed: s At: i BigEndian: false IfFail: [| :e | error: 'littleEndianIntSize:Signed:At: ', e ] ).
  bigEndianIntSize: bits Signed: s At: i Put: x IfFail: fb = ( intSize: bits Signed: s At: i Put: x BigEndian: true IfFail: fb ).
  bigEndianIntSize: bits Signed: s At: i Put: x = ( intSize: bits Signed: s At: i Put: x BigEndian: true IfFail: [| :e | error: 'bigEndianIntSize:Signed:At:Put: ', e ] ).
  littleEndianIntSize: bits Signed: s At: i Put: x IfFail: fb = ( intSize: bits Signed: s At: i Put: x BigEndian: false IfFail: fb ).
  littleEndianIntSize: bits Signed: s At: i Put: x = ( intSize: bits Signed: s At: i Put: x BigEndian: false IfFail: [| :e | error: 'littleEndianIntSize:Signed:At:Put: ', e ] ).
  copySize: n = ( _ByteVectorCopySize: n ).
  copySize: n FillingWith: x = ( | r | r: _ByteVectorCopySize: n. size to: n - 1 Do: [| :i | r at: i Put: x ]. r ).
  copyEmpty = ( _ByteVectorCopySize: 0 ).
  copyRemoveAll = ( _ByteVectorCopySize: 0 ).
  copyFrom: i UpTo: j = ( | r | r: _ByteVectorCopySize: j - i. i to: j - 1 Do: [| :k | r at: k - i Put: (at: k) ]. r ).
  copyAddLast: x = ( | r | r: copySize: size + 1. r at: size Put: x. r ).
  copyAddFirst: x = ( | r | r: _ByteVectorCopySize: size + 1. r at: 0 Put: x. 0 to: size - 1 Do: [| :i | r at: i + 1 Put: (at: i) ]. r ).
  copyReversed = ( copy reverse ).
  , v = ( | r. n | n: size. r: copySize: n + v size. v do: [| :e. :i | r at: n + i Put: e ]. r ).
  hexPrintString = ( | b | b: stringBuilder copy. do: [| :x | b add: (x printStringBase: 16 PadWith: '0' ToSize: 2) ]. b contents ).
  add: x = ( error: 'a byteVector has a fixed size: use copyAddLast: or copySize:' ).
  asString = ( _ByteVectorAsString ).
  asByteVector = ( self ).
  = v = ( (_Eq: v) || [ (v isCollection && [ v collectionName = 'byteVector' ]) && [ asString = v asString ] ] ).
  hash = ( asString hash ).
  collectionName = ( 'byteVector' ).
|).


lobby _AddSlots: (|
  vector = 0 _NewVector: 0.
  byteVector = 0 _NewByteVector: 0.
|).

traits _AddSlots: (|
  list = (|
    {} = 'Ordered lists (Self\'s list and sequence): add and remove at either end, insert anywhere, index from 0.'.
    parent* = traits indexable.
    copy = ( | c | c: resend.copy. c items: items copy. c ).
    copyRemoveAll = ( | c | c: resend.copy. c items: vector copy. c head: 0. c ).
    copyEmpty = ( copyRemoveAll ).
    copySize: n = ( | c | c: copyRemoveAll. 0 to: n - 1 Do: [| :i | c add: (at: i IfAbsent: nil) ]. c ).
    size = ( items size - head ).
    isEmpty = ( items size = head ).
    compact = ( ((head > 32) and: [ (head * 2) > items size ]) ifTrue: [ items: (items copyFrom: head). head: 0 ]. self ).
    at: i = ( ((i < 0) || [ i >= size ]) ifTrue: [ error: 'list at: ', i printString, ': index out of range (size ', size printString, ')' ]. items at: i + head ).
    at: i Put: v = ( ((i < 0) || [ i >= size ]) ifTrue: [ error: 'list at: ', i printString, ' Put: index out of range (size ', size printString, ')' ]. items at: i + head Put: v ).
    add: x = ( items add: x. self ).
    addLast: x = ( items add: x. self ).
    addFirst: x = ( | v |
      head > 0
        ifTrue: [ head: head - 1. items at: head Put: x ]
        False: [ v: vector copy. v add: x. do: [| :e | v add: e ]. items: v. head: 0 ].
      self ).
    addAllFirst: c = ( c asVector reverseDo: [| :e | addFirst: e ]. self ).
    addAllLast: c = ( addAll: c ).
    insert: x At: i = ( | v |
      ((i < 0) || [ i > size ]) ifTrue: [ ^ error: 'insert:At: index ', i printString, ' out of range (size ', size printString, ')' ].
      v: items copyFrom: head UpTo: head + i. v add: x. head + i to: items size - 1 Do: [| :k | v add: (items at: k) ].
      items: v. head: 0. self ).
    insertAll: c At: i = ( c asVector reverseDo: [| :e | insert: e At: i ]. self ).
    insert: x At: i IfAbsent: b = ( ((i < 0) || [ i > size ]) ifTrue: [ ^ b value ]. insert: x At: i ).
    insertAll: c At: i IfAbsent: b = ( ((i < 0) || [ i > size ]) ifTrue: [ ^ b value ]. insertAll: c At: i ).
    insert: x AfterElementSatisfying: blk IfAbsent: ab = ( findFirst: blk IfPresent: [| :e. :k | insert: x At: k + 1 ] IfAbsent: ab ).
    insert: x BeforeElementSatisfying: blk IfAbsent: ab = ( findFirst: blk IfPresent: [| :e. :k | insert: x At: k ] IfAbsent: ab ).
    insertAll: c AfterElementSatisfying: blk IfAbsent: ab = ( findFirst: blk IfPresent: [| :e. :k | insertAll: c At: k + 1 ] IfAbsent: ab ).
    insertAll: c BeforeElementSatisfying: blk IfAbsent: ab = ( findFirst: blk IfPresent: [| :e. :k | insertAll: c At: k ] IfAbsent: ab ).
    removeKeysFrom: i To: j IfAbsent: b = ( | v |
      ((i < 0) || [ (j >= size) || [ i > j ] ]) ifTrue: [ ^ b value ].
      v: items copyFrom: head UpTo: head + i. v addAll: (items copyFrom: head + j + 1). items: v. head: 0. self ).
    removeKeysFrom: i To: j = ( removeKeysFrom: i To: j IfAbsent: [ error: 'removeKeysFrom:To: out of range' ] ).
    compress = ( compact ).
    removeFirst = ( removeFirstIfAbsent: [ error: 'removeFirst: the list is empty' ] ).
    removeFirstIfAbsent: b = ( | x |
      isEmpty ifTrue: [ ^ b value ].
      x: items at: head. items at: head Put: nil. head: head + 1. compact. x ).
    removeLast = ( removeLastIfAbsent: [ error: 'removeLast: the list is empty' ] ).
    removeLastIfAbsent: b = ( isEmpty ifTrue: [ ^ b value ]. items removeLast ).
    removeAll = ( items: vector copy. head: 0. self ).
    remove: x IfAbsent: b = ( | i | i: indexOf: x. (i < 0) ifTrue: [ ^ b value ]. removeKey: i. self ).
    removeKey: i = ( | x | x: at: i. items: (items copyFrom: head UpTo: head + i) , (items copyFrom: head + i + 1). head: 0. x ).
    removeKey: i IfAbsent: b = ( ((i < 0) || [ i >= size ]) ifTrue: [ ^ b value ]. removeKey: i ).
    at: i Put: v IfAbsent: b = ( ((i < 0) || [ i >= size ]) ifTrue: [ ^ b value ]. at: i Put: v ).
    copySize: n FillingWith: x = ( | c | c: copySize: n. size to: n - 1 Do: [| :i | c at: i Put: x ]. c ).
    filterBy: b = ( | v | v: vector copy. do: [| :e. :k | (b value: e With: k) ifTrue: [ v add: e ] ]. items: v. head: 0. self ).
    do: b = ( | h | h: head.
      (b isBlock && [ b numArgs < 2 ])
        ifTrue: [ h to: items size - 1 Do: [| :i | b value: (items at: i) ] ]
        False: [ h to: items size - 1 Do: [| :i | b value: (items at: i) With: i - h ] ].
      self ).
    asVector = ( items copyFrom: head ).
    asList = ( copy ).
    copyFrom: i UpTo: j = ( | c | c: copyRemoveAll. c items: (items copyFrom: head + i UpTo: head + j). c ).
    sortBy: lt = ( items: (items copyFrom: head) sortBy: lt. head: 0. self ).
    = l = ( (_Eq: l) || [ (l isCollection && [ l collectionName = 'list' ]) && [ asVector = l asVector ] ] ).
    hash = ( asVector hash ).
    collectionName = ( 'list' ).
  |).
|).

lobby _AddSlots: (|
  list = (| parent* = traits list. items <- vector copy. head <- 0 |).
|).

traits _AddSlots: (|
  dictionary = (|
    {} = 'Hash dictionaries keyed by = and hash. Iteration follows insertion order; removals keep it (so a dictionary is also Self\'s orderedDictionary). do: passes each value and its key. A removal leaves a hole in ks and vs (the key hole), compacted once holes are half the entries, so removing is O(1) amortised.'.
    parent* = traits collection.
    hole = (| {} = 'The key of a removed entry of a dictionary, until it is compacted.' |).
    holes = 0.
    holes: n = ( "a dictionary made before holes has no slot for them: give it one"
      _AddSlotsIfAbsent: (| holes <- 0 |). holes: n ).
    entriesDo: b = ( "b value: key With: value, for each entry (not the holes)"
      0 to: ks size - 1 Do: [| :i. k | k: ks at: i. (k _Eq: hole) ifFalse: [ b value: k With: (vs at: i) ] ]. self ).
    copy = ( | c | c: resend.copy. c ks: ks copy. c vs: vs copy. c buckets: (buckets collect: [| :b | b copy ]). c ).
    copyRemoveAll = ( | c | c: resend.copy. c ks: vector copy. c vs: vector copy. c holes: 0. c buckets: (vector copySize: 8) rehashEmpty. c ).
    copyEmpty = ( copyRemoveAll ).
    size = ( ks size - holes ).
    isEmpty = ( size = 0 ).
    bucketFor: k = ( buckets at: (k hash % buckets size) ).
    indexOf: k = ( (bucketFor: k) do: [| :i | ((ks at: i) = k) ifTrue: [ ^ i ] ]. -1 ).
    at: k IfAbsent: b = ( | i | i: indexOf: k. (i < 0) ifTrue: [ b value ] False: [ vs at: i ] ).
    at: k = ( at: k IfAbsent: [ error: 'dictionary at: key not found: ', k printString ] ).
    at: k IfAbsentPut: b = ( | i | i: indexOf: k. (i < 0) ifTrue: [ at: k Put: b value ] False: [ vs at: i ] ).
    includesKey: k = ( (indexOf: k) >= 0 ).
    if: k IsPresentDo: pb IfAbsentDo: ab = ( | i | i: indexOf: k. (i < 0) ifTrue: [ ab value ] False: [ pb value: (vs at: i) ] ).
    if: k IsPresentDo: pb = ( if: k IsPresentDo: pb IfAbsentDo: [ nil ] ).
    if: k IsPresentPut: pb AndDo: pd IfAbsentDo: ab = ( | i | i: indexOf: k. (i < 0) ifTrue: [ ab value ] False: [ vs at: i Put: (pb value: (vs at: i)). pd value: (vs at: i) ] ).
    if: k IsPresentDo: pd IfAbsentPut: ab AndDo: ad = ( | i | i: indexOf: k. (i < 0) ifTrue: [ ad value: (at: k Put: ab value) ] False: [ pd value: (vs at: i) ] ).
    if: k IsPresentPut: pb AndDo: pd IfAbsentPut: ab AndDo: ad = ( | i | i: indexOf: k. (i < 0) ifTrue: [ ad value: (at: k Put: ab value) ] False: [ vs at: i Put: (pb value: (vs at: i)). pd value: (vs at: i) ] ).
    equalsDictionary: d = ( self = d ).
    isOrdered = ( true ).
    selectAtRandom: n IfFail: fb = ( | r. ks2 |
      size < n ifTrue: [ ^ fb value: 'not enough elements' ].
      r: copyRemoveAll. ks2: keys.
      (random permutation: ks2 size) do: [| :i. :j | j < n ifTrue: [ r add: (at: (ks2 at: i)) WithKey: (ks2 at: i) ] ].
      r ).
    selectAtRandom: n = ( selectAtRandom: n IfFail: [| :e | error: 'selectAtRandom: ', e ] ).
    at: k Put: v = ( | i |
      i: indexOf: k.
      (i >= 0) ifTrue: [ vs at: i Put: v. ^ v ].
      ks add: k. vs add: v.
      (bucketFor: k) add: ks size - 1.
      (ks size > (buckets size * 2)) ifTrue: [ rehash: buckets size * 4 ].
      v ).
    add: v WithKey: k = ( at: k Put: v. self ).
    removeKey: k = ( removeKey: k IfAbsent: [ ^ error: 'removeKey: key not found: ', k printString ]. self ).
    removeKey: k IfAbsent: b = ( | i. v |
      i: indexOf: k.
      (i < 0) ifTrue: [ ^ b value ].
      v: vs at: i.
      (bucketFor: k) remove: i.
      ks at: i Put: hole. vs at: i Put: nil.
      holes: holes + 1.
      ((holes * 2) > ks size) ifTrue: [ compact ].
      v ).
    compact = ( "drop the holes; the entries keep their order" | nk. nv |
      nk: vector copy. nv: vector copy.
      entriesDo: [| :k. :v | nk add: k. nv add: v ].
      ks: nk. vs: nv. holes: 0.
      rehash: buckets size ).
    remove: v IfAbsent: b = ( removeKey: (keyOf: v IfAbsent: [ ^ b value ]). self ).
    removeAll = ( ks: vector copy. vs: vector copy. holes: 0. rehash: 8 ).
    removeFirstIfAbsent: b = ( entriesDo: [| :k. :v | ^ removeKey: k IfAbsent: [ nil ] ]. b value ).
    removeFirst = ( removeFirstIfAbsent: [ error: 'removeFirst: the dictionary is empty' ] ).
    addAll: c = ( c do: [| :v. :k | at: k Put: v ]. self ).
    rehash: n = ( buckets: (vector copySize: n) rehashEmpty. 0 to: ks size - 1 Do: [| :i. k | k: ks at: i. (k _Eq: hole) ifFalse: [ (bucketFor: k) add: i ] ]. self ).
    do: b = ( entriesDo: [| :k. :v | b value: v With: k ] ).
    keysDo: b = ( keys do: b ).
    keysAndValuesDo: b = ( entriesDo: b ).
    keys = ( | r | holes = 0 ifTrue: [ ^ ks copy ]. r: vector copy. entriesDo: [| :k. :v | r add: k ]. r ).
    values = ( | r | holes = 0 ifTrue: [ ^ vs copy ]. r: vector copy. entriesDo: [| :k. :v | r add: v ]. r ).
    asVector = ( values ).
    mapBy: eb = ( 0 to: ks size - 1 Do: [| :i. k | k: ks at: i. (k _Eq: hole) ifFalse: [ vs at: i Put: (eb value: (vs at: i) With: k) ] ]. self ).
    add: v = ( error: 'dictionary add: use at:Put:' ).
    = d = ( (_Eq: d) || [ (d isCollection && [ d collectionName = 'dictionary' ]) && [ (d size = size) && [ keysAndValuesDo: [| :k. :v | (d at: k IfAbsent: [ ^ false ]) = v ifFalse: [ ^ false ] ]. true ] ] ] ).
    hash = ( size hash ).
    elementsString = ( | b. first <- true | b: stringBuilder copy. entriesDo: [| :k. :v | first ifFalse: [ b add: ', ' ]. first: false. b add: k printString. b add: ' -> '. b add: v printString ]. b contents ).
    collectionName = ( 'dictionary' ).
  |).
|).

lobby _AddSlots: (|
  dictionary = (| parent* = traits dictionary. ks <- vector copy. vs <- vector copy. holes <- 0. buckets <- (vector copySize: 8) rehashEmpty |).
|).

traits _AddSlots: (|
  set = (|
    {} = 'Hash sets of elements compared by = and hash (a dictionary whose keys are its elements). Iteration follows insertion order; do: passes each element as its own key.'.
    parent* = traits collection.
    copy = ( | c | c: resend.copy. c table: table copy. c ).
    copyRemoveAll = ( | c | c: resend.copy. c table: dictionary copyRemoveAll. c ).
    copyEmpty = ( copyRemoveAll ).
    size = ( table size ).
    isEmpty = ( table isEmpty ).
    includes: x = ( table includesKey: x ).
    includesKey: x = ( table includesKey: x ).
    occurrencesOf: x = ( (includes: x) ifTrue: [ 1 ] False: [ 0 ] ).
    add: x = ( table at: x Put: x. self ).
    add: x WithKey: k = ( add: x ).
    at: x IfAbsent: b = ( table at: x IfAbsent: b ).
    if: x IsAbsentAddAndDo: b = ( (includes: x) ifFalse: [ add: x. b value: x ]. self ).
    if: x IsPresentDo: pb IfAbsentDo: ab = ( table if: x IsPresentDo: pb IfAbsentDo: ab ).
    if: x IsPresentDo: pb IfAbsentAddAndDo: ab = ( (includes: x) ifTrue: [ pb value: x ] False: [ add: x. ab value: x ]. self ).
    isOrdered = ( true ).
    selectAtRandom: n IfFail: fb = ( | v. r | size < n ifTrue: [ ^ fb value: 'not enough elements' ]. v: asVector. r: copyRemoveAll. (random permutation: v size) do: [| :i. :j | j < n ifTrue: [ r add: (v at: i) ] ]. r ).
    selectAtRandom: n = ( selectAtRandom: n IfFail: [| :e | error: 'selectAtRandom: ', e ] ).
    remove: x IfAbsent: b = ( table removeKey: x IfAbsent: [ ^ b value ]. self ).
    removeKey: x IfAbsent: b = ( table removeKey: x IfAbsent: b ).
    removeKey: x = ( removeKey: x IfAbsent: [ error: 'removeKey: not in the set: ', x printString ] ).
    removeFirstIfAbsent: b = ( isEmpty ifTrue: [ ^ b value ]. table removeFirst ).
    removeFirst = ( removeFirstIfAbsent: [ error: 'removeFirst: the set is empty' ] ).
    if: x IsPresentDo: pb = ( table if: x IsPresentDo: pb IfAbsentDo: [ nil ] ).
    removeAll = ( table removeAll. self ).
    do: b = ( table keysDo: [| :k | b value: k With: k ]. self ).
    mapBy: eb = ( | old | old: table. table: dictionary copyRemoveAll. old keysDo: [| :k | add: (eb value: k With: k) ]. self ).
    asVector = ( table keys ).
    = s = ( (_Eq: s) || [ (s isCollection && [ s collectionName = 'set' ]) && [ (s size = size) && [ allSatisfy: [| :e | s includes: e ] ] ] ] ).
    hash = ( size hash ).
    collectionName = ( 'set' ).
  |).
|).

lobby _AddSlots: (|
  set = (| parent* = traits set. table <- dictionary copyRemoveAll |).
  orderedSet = (| parent* = traits set. table <- dictionary copyRemoveAll |).
  orderedDictionary = (| parent* = traits dictionary. ks <- vector copy. vs <- vector copy. holes <- 0. buckets <- (vector copySize: 8) rehashEmpty |).
|).

traits _AddSlots: (|
  collector = (|
    {} = 'Collectors, built by &: (1 & 2 & 3) asVector. Each & answers a new collector; asVector, asList, asSet and asString convert; flatString, flatVector and flatList concatenate the elements, themselves collections.'.
    parent* = traits collection.
    & x = ( x appendToCollector: self ).
    appendToCollector: c = ( | r | r: c. asVector do: [| :e | r: r with: e ]. r ).
    with: x = ( | c | c: collector clone. c prev: self. c element: x. c count: count + 1. c ).
    copyFirst: x = ( collector with: x ).
    size = ( count ).
    last = ( (count = 0) ifTrue: [ error: 'last: the collector is empty' ] False: [ element ] ).
    isEmpty = ( count = 0 ).
    asVector = ( | v. c | v: vector copySize: count. c: self. count - 1 to: 0 By: -1 Do: [| :i | v at: i Put: c element. c: c prev ]. v ).
    do: b = ( asVector do: b. self ).
    reverseDo: b = ( asVector reverseDo: b. self ).
    copy = ( self ).
    copyRemoveAll = ( list copyRemoveAll ).
    add: x = ( error: 'a collector is immutable: use &' ).
    mapBy: eb = ( asList mapBy: eb ).
    copyMappedBy: eb = ( asList mapBy: eb ).
    asString = ( | b | b: stringBuilder copy. asVector do: [| :e | b add: e asString ]. b contents ).
    flatString = ( asString ).
    flatVector = ( | v | v: vector copy. asVector do: [| :e | v addAll: e ]. v ).
    flatList = ( | l | l: list copyRemoveAll. asVector do: [| :e | l addAll: e ]. l ).
    flatSet = ( | s | s: set copyRemoveAll. asVector do: [| :e | s addAll: e ]. s ).
    flatByteVector = ( | v | v: vector copy. asVector do: [| :e | e isString ifTrue: [ e bytesDo: [| :b | v add: b ] ] False: [ v addAll: e ] ]. v asByteVector ).
    flatSizeHint = ( asVector inject: 0 Into: [| :n. :e | n + e size ] ).
    collectionName = ( 'collector' ).
  |).
|).

lobby _AddSlots: (|
  collector = (| parent* = traits collector. prev. element. count <- 0 |).
|).

defaultBehavior _AddSlots: (|
  { 'Category: collecting'
    isCollection = false.
    & x = ( (collector copyFirst: self) & x ).
    appendToCollector: c = ( c with: self ).
  }.
|).
