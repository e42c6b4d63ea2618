"blocks.self: block behaviour. value, value:, value:With: ... are built into
 every block (their arity decides which one it has); loops and control
 structures are here. Sends of these selectors with literal block
 arguments are compiled inline (docs/language.md)."

traits block _AddSlots: (|
  parent* = traits oddball.
  isBlock = true.
  numArgs = ( _BlockArity ).
  whileTrue: b = ( [ value ] whileTrue: [ b value ]. nil ).
  whileFalse: b = ( [ value ] whileFalse: [ b value ]. nil ).
  whileTrue = ( [ value ] whileTrue: [ ]. nil ).
  whileFalse = ( [ value ] whileFalse: [ ]. nil ).
  repeat = ( [ true ] whileTrue: [ value ] ).
  onError: handler = ( _OnError: handler Error: runtimeError ).
  ensure: b = ( _Ensure: b ).
  printString = ( 'a block' ).
|).

lobby _AddSlots: (|
  runtimeError = (|
    {} = 'A runtime error, as an onError: handler receives it: its message, kind, position and backtrace. signal raises it again as it was, at its own position with its own backtrace.'.
    parent* = traits clonable.
    message <- ''.
    kind <- 'error'.
    file <- ''.
    line <- 0.
    column <- 0.
    trace.  "a vector of traceEntry copies, innermost first"
    { 'Category: accessing'
      position = ( (line = 0) ifTrue: [ '' ] False: [ file, ':', line printString, ':', column printString ] ).
      backtrace = ( _ErrorBacktrace ).
      signal = ( _ErrorSignal ).
    }.
    { 'Category: as a string'
      asString = ( message ).
      includesSubstring: s = ( message includesSubstring: s ).
      printString = ( position isEmpty ifTrue: [ message ] False: [ position, ': ', message ] ).
    }.
    traceEntry = (|
      {} = 'One activation of a runtimeError\'s trace: the method or block and the send it was running.'.
      parent* = traits clonable.
      name <- ''.
      file <- ''.
      line <- 0.
      column <- 0.
      position = ( (line = 0) ifTrue: [ file ] False: [ file, ':', line printString, ':', column printString ] ).
      printString = ( position isEmpty ifTrue: [ name ] False: [ position, ' in ', name ] ).
    |).
  |).
|).

traits method _AddSlots: (|
  parent* = traits oddball.
  source = ( _MethodSource ).
  printString = ( 'a method' ).
|).

traits foreign _AddSlots: (|
  parent* = traits oddball.
  printString = ( 'a foreign object' ).
|).
