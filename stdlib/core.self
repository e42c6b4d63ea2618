"core.self: the lobby's behaviour, the basic traits, nil, true and false.
 Loaded first, into a fresh world made by the VM (see vm.New)."

lobby _AddSlots: (|
  {} = 'The lobby: the root namespace. Every traits object inherits from it, so global names are found by lookup.'.
  defaultBehavior* = (|
    {} = 'Behaviour shared by every object that inherits from the lobby.'.
    { 'Category: identity'
      == x = ( _Eq: x ).
      !== x = ( (_Eq: x) not ).
      = x = ( _Eq: x ).
      != x = ( (= x) not ).
      hash = ( _IdentityHash ).
      identityHash = ( _IdentityHash ).
      oid = ( _OID ).
    }.
    { 'Category: testing'
      isNil = false.
      notNil = true.
      isString = false.
      isNumber = false.
      isInteger = false.
      isFloat = false.
      isBlock = false.
      isVector = false.
      ifNil: b = ( self ).
      ifNotNil: b = ( b value: self ).
      ifNil: n IfNotNil: b = ( b value: self ).
      value = ( self ).
    }.
    { 'Category: evaluating'
      value: a = ( value ).
      value: a With: b = ( value: a ).
      value: a With: b With: c = ( value: a With: b ).
      value: a With: b With: c With: d = ( value: a With: b With: c ).
      yourself = ( self ).
    }.
    { 'Category: printing'
      printString = ( _ObjectPrintString ).
      asString = ( printString ).
      print = ( printString _StringPrint. self ).
      printLine = ( print. '\n' _StringPrint. self ).
    }.
    { 'Category: errors'
      error: msg = ( _Error: msg asString ).
      undefinedSelector: sel Arguments: args = ( _UndefinedSelectorError: sel Arguments: args ).
      primitive: name FailedWith: err = ( _PrimitiveFailedError: name With: err ).
    }.
    { 'Category: reflection'
      reflect: x = ( mirror copy reflectee: x ).
      installMethod: source = ( _InstallMethod: source IfFail: [| :e | error: 'installMethod: ', e ] ).
    }.
    { 'Category: sending'
      perform: sel = ( perform: sel WithArguments: vector copy ).
      perform: sel With: a = ( | v | v: vector copy. v add: a. perform: sel WithArguments: v ).
      perform: sel With: a With: b = ( | v | v: vector copy. v add: a. v add: b. perform: sel WithArguments: v ).
      perform: sel With: a With: b With: c = ( | v | v: vector copy. v add: a. v add: b. v add: c. perform: sel WithArguments: v ).
      perform: sel With: a With: b With: c With: d = ( | v | v: vector copy. v add: a. v add: b. v add: c. v add: d. perform: sel WithArguments: v ).
      perform: sel WithArguments: args = ( _Perform: sel WithArguments: args IfFail: [| :e | error: 'perform: ', e ] ).
    }.
  |).
|).

traits _AddSlots: (|
  clonable = (|
    {} = 'Objects that copy by cloning: the parent of most traits.'.
    parent* = lobby.
    copy = ( _Clone ).
    clone = ( _Clone ).
  |).
  oddball = (|
    {} = 'Unique objects (nil, true, false, numbers): copying answers the object itself.'.
    parent* = lobby.
    copy = ( self ).
    clone = ( self ).
  |).
|).

traits _AddSlots: (|
  boolean = (| parent* = traits oddball |).
|).

traits _AddSlots: (|
  true = (|
    parent* = traits boolean.
    ifTrue: b = ( b value ).
    ifFalse: b = ( nil ).
    ifTrue: t False: f = ( t value ).
    ifFalse: f True: t = ( t value ).
    and: b = ( b value ).
    or: b = ( true ).
    && b = ( b value ).
    || b = ( true ).
    not = ( false ).
    printString = ( 'true' ).
  |).
  false = (|
    parent* = traits boolean.
    ifTrue: b = ( nil ).
    ifFalse: b = ( b value ).
    ifTrue: t False: f = ( f value ).
    ifFalse: f True: t = ( f value ).
    and: b = ( false ).
    or: b = ( b value ).
    && b = ( false ).
    || b = ( b value ).
    not = ( true ).
    printString = ( 'false' ).
  |).
|).

true _AddSlots: (| parent* = traits true |).
false _AddSlots: (| parent* = traits false |).
nil _AddSlots: (|
  parent* = traits oddball.
  isNil = true.
  notNil = false.
  ifNil: b = ( b value ).
  ifNotNil: b = ( nil ).
  ifNil: n IfNotNil: b = ( n value ).
  printString = ( 'nil' ).
|).

lobby _AddSlots: (|
  mirror = (|
    {} = 'A mirror: reflection on one object (its reflectee) without sending it messages.'.
    parent* = traits clonable.
    reflectee.
    slotNames = ( reflectee _SlotNames ).
    kindOf: name = ( reflectee _SlotKind: name ).
    isParent: name = ( reflectee _SlotIsParent: name ).
    categoryOf: name = ( reflectee _SlotCategory: name ).
    contentsOf: name = ( reflectee _SlotContents: name ).
    sourceOf: name = ( reflectee _SlotSource: name ).
    provenanceOf: name = ( reflectee _SlotProvenance: name ).
    isGenerated: name = ( (includes: name) and: [ (provenanceOf: name) isNil not ] ).
    includes: name = ( slotNames includes: name ).
    addSlots: m = ( reflectee _AddSlots: m reflectee. self ).
    addSlotsIfAbsent: m = ( reflectee _AddSlotsIfAbsent: m reflectee. self ).
    annotation = ( reflectee _Annotation ).
    kindName = ( reflectee _KindName ).
    printString = ( 'a mirror on ', reflectee _Describe ).
  |).
|).
