"The knowledge catalog (stdlib/mind/catalog.self): sentences, chunks,
 the BM25 index, hybrid search with the scripted model's embeddings,
 removal, merging and the consistency check. Its crash atomicity is
 tested by cmd/batos/catalog_crash_test.go."
lobby _AddSlots: (| c. ss. hs. h. m. docs. d. r |).

"sentences: abbreviations, initials, decimals, quotes, headings"
ss: 'Dr. Smith paid $3.50 for it. Then he left! Did J. R. R. Tolkien write "The Hobbit"? He said "Stop." Then we stopped, e.g. at noon.' _TextSentencesMax: 0.
assert equal: ss size To: 5.
assert equal: (ss at: 0) To: 'Dr. Smith paid $3.50 for it.'.
assert equal: (ss at: 2) To: 'Did J. R. R. Tolkien write "The Hobbit"?'.
assert equal: (ss at: 3) To: 'He said "Stop."'.
assert equal: (ss at: 4) To: 'Then we stopped, e.g. at noon.'.
ss: '# Title
Some text here. More text

Next paragraph without a stop' _TextSentencesMax: 0.
assert equal: ss size To: 4.
assert equal: (ss at: 0) To: 'Title'.
assert equal: (ss at: 3) To: 'Next paragraph without a stop'.
"a sentence longer than the limit is cut at spaces"
ss: 'aaaa bbbb cccc dddd' _TextSentencesMax: 10.
assert equal: ss size To: 2.
assert equal: (ss at: 0) To: 'aaaa bbbb'.
assert equal: (ss at: 1) To: 'cccc dddd'.
ss: 'The Quick brown fox, the FOX!' _TextTerms.
assert equal: ss size To: 3.
assert equal: (ss at: 0) To: 'quick'.
assert equal: (ss at: 2) To: 'fox'.

"lexical mode: chunks on sentence and size boundaries"
c: catalog copy removeAll.
assert equal: c mode To: 'bm25'.
c maxChunk: 40.
c index: 'Pebble stores the image. Every statement is a transaction. Blocks cannot be stored.' Id: 'doc-1' Metadata: 'image.md'.
assert equal: c size To: 1.
assert equal: c chunkCount To: 3.
assert equal: ((c chunksOf: 'doc-1') at: 0) text To: 'Pebble stores the image.'.
assert equal: ((c chunksOf: 'doc-1') at: 1) position To: 1.
assert equal: ((c chunksOf: 'doc-1') at: 2) metadata To: 'image.md'.
c maxChunk: 2000.
c index: 'Traits hold shared behaviour. A clone copies its slots.' Id: 'doc-2' Metadata: nil.
assert equal: (c chunksOf: 'doc-2') size To: 1.
"two segments of one and three chunks: no merge yet (the newer is smaller)"
assert equal: c segments size To: 2.

"BM25 finds the exact term, best first, with scores"
hs: c search: 'transaction' Top: 5.
assert equal: hs size To: 1.
assert equal: (hs at: 0) text To: 'Every statement is a transaction.'.
assert equal: (hs at: 0) docId To: 'doc-1'.
assert that: [ (hs at: 0) score > 0 ].
hs: c search: 'clone image' Top: 5.
assert equal: hs size To: 2.
assert equal: (c search: 'zebra' Top: 5) size To: 0.
assert equal: (c searchAll: 'pebble image' Top: 5) size To: 1.
assert equal: (c searchAll: 'pebble clone' Top: 5) size To: 0.
assert equal: (c search: 'the a of' Top: 5) size To: 0.
assert that: [ c check isEmpty ].

"re-indexing an id replaces the document; removal removes its chunks and index entries"
c index: 'Pebble keeps blobs in chunks.' Id: 'doc-1' Metadata: nil.
assert equal: c size To: 2.
assert equal: c chunkCount To: 2.
assert equal: (c search: 'transaction' Top: 5) size To: 0.
assert equal: ((c search: 'pebble' Top: 5) at: 0) text To: 'Pebble keeps blobs in chunks.'.
assert that: [ c check isEmpty ].
c remove: 'doc-1'.
assert equal: c size To: 1.
assert equal: (c search: 'pebble' Top: 5) size To: 0.
assert equal: ((c search: 'clone' Top: 5) at: 0) docId To: 'doc-2'.
c remove: 'doc-2'.
assert equal: c segments size To: 0.
assert equal: (c search: 'clone' Top: 5) size To: 0.
c remove: 'never-indexed'.
assert that: [ c check isEmpty ].

"merging: the newest four segments merge when they are of a size (4 x 1, then 4 x 4); search sees every chunk"
c: catalog copy removeAll.
1 to: 8 Do: [| :i | c index: 'note number ', i printString, ' about topic', i printString Id: i Metadata: nil ].
assert equal: (c segments collect: [| :s | s size ]) To: (vector copySize: 2 FillingWith: 4).
assert equal: c chunkCount To: 8.
c index: 'one more note' Id: 9 Metadata: nil.
assert equal: c segments size To: 3.
assert equal: ((c search: 'topic5' Top: 3) at: 0) docId To: 5.
assert equal: (c search: 'note' Top: 20) size To: 9.
10 to: 16 Do: [| :i | c index: 'note ', i printString Id: i Metadata: nil ].
assert equal: c segments size To: 1.
assert equal: c chunkCount To: 16.
assert that: [ c check isEmpty ].
docs: vector copy.
1 to: 3 Do: [| :i | d: vector copySize: 3. d at: 0 Put: 'b', i printString. d at: 1 Put: 'batch text ', i printString. docs add: d ].
c indexAll: docs.
assert equal: c size To: 19.
docs: vector copy. docs add: d. docs add: d.
assert error: [ c indexAll: docs ] Matching: 'given twice'.
assert equal: c size To: 19.

"the check notices a segment that disagrees with its chunks"
((c segments at: 0) chunks at: 0) text: 'something else entirely'.
assert that: [ c check first includesSubstring: 'segment 0' ].

"hybrid mode: the scripted model's embeddings (character trigrams), cuts at the 5th percentile, fusion"
m: model scripted: vector copy.
c: catalog copy removeAll embedWith: m.
assert equal: c mode To: 'hybrid'.
r: vector copy. r add: 1.0. r add: 0.0.
r: c percentile: 5 Of: r.
assert equal: r To: 0.05.
c index: 'Cats purr softly. Cats nap in the sun. Kittens purr too. Stock markets fell sharply today. Bond yields rose.' Id: 'mixed' Metadata: nil.
assert that: [ (c chunksOf: 'mixed') size >= 2 ].
assert equal: ((c chunksOf: 'mixed') inject: 0 Into: [| :n. :k | n + (k text _TextSentencesMax: 0) size ]) To: 5.
hs: c search: 'markets' Top: 3.
assert that: [ (hs at: 0) text includesSubstring: 'markets' ].
assert that: [ (hs at: 0) bm25 notNil ].
assert that: [ (hs at: 0) cosine notNil ].
"a query with no shared term still ranks by its embedding"
hs: c search: 'kitty' Top: 3.
assert that: [ hs size > 0 ].
assert that: [ (hs at: 0) bm25 isNil ].
assert that: [ c check isEmpty ].

"turning embeddings on (or changing the model) after indexing: the older segments keep their mode and are not merged with the new ones; re-indexing a document embeds it"
c: catalog copy removeAll.
c index: 'Lexical only. Indexed before the model.' Id: 'old' Metadata: nil.
c embedWith: (model scripted: vector copy).
c index: 'Embedded text. Indexed with the model.' Id: 'new' Metadata: nil.
c index: 'More embedded text. Also with the model.' Id: 'new2' Metadata: nil.
c index: 'Yet more embedded text.' Id: 'new3' Metadata: nil.
c index: 'The last embedded text.' Id: 'new4' Metadata: nil.
"the four embedded segments merge; the lexical one stays apart"
assert equal: c segments size To: 2.
assert equal: (c segments collect: [| :s | s data _IndexDimension ]) printString To: 'vector(0, 16)'.
assert equal: ((c search: 'lexical' Top: 3) at: 0) docId To: 'old'.
assert that: [ c check isEmpty ].
c index: 'Lexical only. Indexed again with the model.' Id: 'old' Metadata: nil.
assert that: [ c segments allSatisfy: [| :s | (s data _IndexDimension) = 16 ] ].
assert equal: ((c search: 'lexical' Top: 3) at: 0) docId To: 'old'.
assert that: [ ((c search: 'lexical' Top: 3) at: 0) cosine notNil ].
assert that: [ c check isEmpty ].

"a catalog from before the documents were sharded (one dictionary) is spread on first use"
c: catalog copy removeAll.
c index: 'Old style.' Id: 'o1' Metadata: nil.
c index: 'Old style too.' Id: 'o2' Metadata: nil.
d: dictionary copy.
d at: 'o1' Put: (c chunksOf: 'o1'). d at: 'o2' Put: (c chunksOf: 'o2').
c documents: d.
assert equal: c size To: 2.
assert that: [ c documents isVector ].
c remove: 'o1'.
assert equal: c size To: 1.
assert that: [ c check isEmpty ].
