"blobs.self: large byte data (model weights, adapters, documents) kept by
 the image's blob store, content addressed and streamed; a blob object
 holds only its hash and size."

traits blob _AddSlots: (|
  parent* = traits oddball.
  size = ( _BlobSize ).
  hash = ( _BlobHash ).
  bytesFrom: offset Count: n = ( _BlobBytesFrom: offset Count: n ).
  asByteVector = ( _BlobBytesFrom: 0 Count: size ).
  asString = ( asByteVector asString ).
  writeToFile: path = ( _BlobWriteToFile: path IfFail: [| :e | error: 'blob writeToFile: ', e ] ).
  materialize = ( _BlobMaterializeIfFail: [| :e | error: 'blob materialize: ', e ] ).
  = b = ( (_Eq: b) || [ ((reflect: b) kindName = 'blob') && [ hash = b hash ] ] ).
  printString = ( 'blob(', (hash copyFrom: 0 UpTo: 12), '…, ', size printString, ' bytes)' ).
|).

lobby _AddSlots: (|
  blobs = (|
    {} = 'Makes blobs: from bytes or strings, or by streaming a file in.'.
    parent* = traits oddball.
    fromBytes: b = ( _BlobFromBytes: b IfFail: [| :e | error: 'blobs fromBytes: ', e ] ).
    fromFile: path = ( _BlobFromFile: path IfFail: [| :e | error: 'blobs fromFile: ', e ] ).
    withHash: h Size: n = ( _BlobWithHash: h Size: n IfFail: [| :e | error: 'blobs withHash:Size: ', e ] ).
    printString = ( 'blobs' ).
  |).
|).
