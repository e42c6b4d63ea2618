"Blobs: content addressed, streamed through the heap's blob store."
lobby _AddSlots: (| b1 <- nil. b2 <- nil |).
b1: blobs fromBytes: 'hello, blob'.
assert equal: b1 size To: 11.
assert equal: b1 asString To: 'hello, blob'.
assert equal: b1 hash size To: 64.
assert equal: (b1 bytesFrom: 7 Count: 4) asString To: 'blob'.
b2: blobs fromBytes: 'hello, blob' asByteVector.
assert that: [ b1 = b2 ].
assert that: [ b1 hash = b2 hash ].
assert that: [ (b1 printString startsWith: 'blob(') ].
assert error: [ blobs fromFile: '/nonexistent/file' ] Matching: 'fileError'.
assert error: [ b1 bytesFrom: 100 Count: 1 ] Matching: 'badIndexError'.
"materialising a blob writes it once into the blob cache"
assert that: [ (b1 materialize) endsWith: b1 hash ].
assert equal: (blobs withHash: b1 hash Size: 11) hash To: b1 hash.
assert error: [ blobs withHash: 'abc' Size: 1 ] Matching: 'badHashError'.
