"assert.self: assertions for tests written in batos. A failed assertion is
 reported with the file and line of the assert send; under the test runner
 the run continues."

lobby _AddSlots: (|
  assert = (|
    parent* = traits oddball.
    that: b = ( b value ifFalse: [ _AssertFail: 'assertion failed' ]. self ).
    that: b Says: msg = ( b value ifFalse: [ _AssertFail: msg ]. self ).
    equal: a To: b = ( (a = b) ifFalse: [ _AssertFail: 'expected ', b printString, ' but got ', a printString ]. self ).
    fail: msg = ( _AssertFail: msg. self ).
    error: blk Matching: s = ( | msg |
      msg: (blk onError: [| :e | ^ (e message includesSubstring: s) ifFalse: [ _AssertFail: 'expected an error matching ', s printString, ' but got ', e message printString ] ]).
      _AssertFail: 'expected an error matching ', s printString, ' but none was raised'.
      self ).
    printString = ( 'assert' ).
  |).
|).
