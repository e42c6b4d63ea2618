"mind/catalog.self: the knowledge catalog of the composite mind
 (docs/catalog.md). Documents are split into sentences, the sentences
 packed into chunks, and the chunks stored as objects and indexed.

 'catalog index: text Id: id Metadata: d' adds (or replaces) a document;
 'catalog indexAll: docs' adds many in one segment (each doc a vector of
 id, text and metadata); 'catalog search: q Top: n' ranks the chunks by
 BM25 and, with an embedding model, by the cosine of their embeddings,
 fused by reciprocal rank; 'catalog searchAll: q Top: n' wants every
 term; 'catalog remove: id' takes a document out. 'catalog embedWith:
 model' turns embeddings on (mode hybrid); without one the catalog is
 lexical (mode bm25) and cuts chunks at sentence and size boundaries.

 The index is made of segments: a segment is an immutable byte vector
 (the _Index primitives, Go package textindex) and the vector of the
 chunks it indexes, in order. They are ordinary objects, so a statement
 that indexes commits its chunks and their index entries together, or
 neither. The newest mergeFactor (4) segments are merged into one when
 they are of a size, so there are a few segments per power of 4."

traits _AddSlots: (|
  catalogChunk = (|
    {} = 'A chunk of a catalogued document: its text, the document id, its place in the document (from 0) and the document metadata.'.
    parent* = traits clonable.
    printString = ( | t |
      t: (text size > 60) ifTrue: [ (text copyFrom: 0 UpTo: 60), '...' ] False: [ text ].
      'chunk ', position printString, ' of ', docId printString, ': ', t printString ).
  |).
  catalogHit = (|
    {} = 'A search result: the chunk, its fused score, and its BM25 score and cosine (nil where that ranking did not find it).'.
    parent* = traits clonable.
    text = ( chunk text ).
    docId = ( chunk docId ).
    printString = ( score printString, ' ', chunk printString ).
  |).
  catalogSegment = (|
    {} = 'A segment of the catalog index: data, a byte vector built by _IndexBuildVectors:, and chunks, the chunks it indexes in order.'.
    parent* = traits clonable.
    size = ( data _IndexSize ).
  |).
  catalog = (|
    {} = 'The knowledge catalog: documents cut into chunks, indexed by BM25 and optionally by embeddings (see mind/catalog.self).'.
    parent* = traits clonable.
    { 'Category: state'
      mode = ( embedder isNil ifTrue: [ 'bm25' ] False: [ 'hybrid' ] ).
      embedWith: m = ( embedder: m. self ).
      lexical = ( embedder: nil. self ).
      size = ( shards inject: 0 Into: [| :n. :d | d isNil ifTrue: [ n ] False: [ n + d size ] ] ).
      chunkCount = ( segments inject: 0 Into: [| :n. :s | n + s chunks size ] ).
      documentIds = ( | ids | ids: vector copy. shards do: [| :d | d isNil ifFalse: [ ids addAll: d keys ] ]. ids ).
      chunksOf: id = ( chunksOf: id IfAbsent: [ vector copy ] ).
      chunksOf: id IfAbsent: b = ( (shardOf: id) ifNil: [ b value ] IfNotNil: [| :d | d at: id IfAbsent: b ] ).
      shardOf: id = (
        "documents is a vector of dictionaries (made when first needed) from ids to their chunks, by the id's hash (made when a dictionary's removeKey: copied the whole dictionary; kept, as they cost nothing)"
        shards at: id hash % shards size ).
      shardFor: id = ( | i. d |
        i: id hash % shards size.
        d: shards at: i.
        d isNil ifTrue: [ d: dictionary copy. shards at: i Put: d ].
        d ).
      shards = ( | old |
        "a catalog made before documents was sharded held one dictionary: spread it"
        documents isVector ifTrue: [ ^ documents ].
        old: documents.
        documents: (vector copySize: 256).
        old keysAndValuesDo: [| :k. :v | (shardFor: k) at: k Put: v ].
        documents ).
      printString = ( 'catalog (', size printString, ' document(s), ', chunkCount printString, ' chunk(s), ', segments size printString, ' segment(s); mode ', mode, ')' ).
    }.
    { 'Category: indexing'
      index: text Id: id Metadata: md = ( | d. ds |
        d: vector copySize: 3.
        d at: 0 Put: id. d at: 1 Put: text. d at: 2 Put: md.
        ds: vector copy. ds add: d.
        indexAll: ds ).
      index: text Id: id = ( index: text Id: id Metadata: nil ).
      indexAll: docs = ( | texts. vecs. chunks. s |
        texts: vector copy. chunks: vector copy.
        vecs: embedder isNil ifTrue: [ nil ] False: [ vector copy ].
        docs do: [| :d. id. text. pieces. cs |
          id: d at: 0. text: d at: 1.
          text isString ifFalse: [ ^ error: 'catalog index: the text of ', id printString, ' is not a string' ].
          (shardFor: id) if: id IsPresentDo: [| :old |
            "the chunks of a document given earlier in this batch are in no segment yet"
            (removeChunks: old) < old size ifTrue: [ ^ error: 'catalog index: document ', id printString, ' is given twice' ] ].
          pieces: chunkText: text.
          cs: vector copy.
          (pieces at: 0) do: [| :t. :i. c |
            c: chunk copy.
            c text: t. c docId: id. c position: i. c metadata: (d at: 2).
            cs add: c. chunks add: c. texts add: t.
            vecs isNil ifFalse: [ vecs add: ((pieces at: 1) at: i) ] ].
          (shardFor: id) at: id Put: cs ].
        chunks isEmpty ifTrue: [ ^ self ].
        s: segment copy.
        s data: (texts _IndexBuildVectors: vecs IfFail: [| :e | ^ error: 'catalog index: ', e ]).
        s chunks: chunks.
        segments add: s.
        mergeTail.
        self ).
      mergeTail = (
        "while the newest mergeFactor segments are alike (the oldest of them at most twice the newest, embeddings of one length), merge them into one: a tiered merge, so a document is rewritten about log(documents) / log(mergeFactor) times and there are at most about mergeFactor segments per tier"
        [ mergeable ] whileTrue: [ | tail. m. cs |
          tail: segments copyFrom: segments size - mergeFactor.
          cs: vector copy. tail do: [| :s | cs addAll: s chunks ].
          m: segment copy.
          m data: ((tail collect: [| :s | s data ]) _IndexMergeIfFail: [| :e | ^ error: 'catalog merge: ', e ]).
          m chunks: cs.
          mergeFactor timesRepeat: [ segments removeLast ].
          segments add: m ].
        self ).
      mergeable = ( | tail. dim |
        segments size < mergeFactor ifTrue: [ ^ false ].
        tail: segments copyFrom: segments size - mergeFactor.
        ((tail at: 0) size > (tail last size * 2)) ifTrue: [ ^ false ].
        dim: tail last data _IndexDimension.
        tail allSatisfy: [| :s | s data _IndexDimension = dim ] ).
      remove: id = (
        (shardOf: id) ifNotNil: [| :d | d if: id IsPresentDo: [| :cs | removeChunks: cs. d removeKey: id ] ].
        self ).
      removeChunks: cs = ( | kept. n |
        "rewrite the segments that hold any of the chunks cs without them; answer how many were found"
        kept: vector copy. n: 0.
        segments do: [| :s. drop |
          drop: s chunks _VectorPositionsOf: cs.
          drop isEmpty
            ifTrue: [ kept add: s ]
            False: [ | rest |
              n: n + drop size.
              rest: s chunks copy.
              drop reverseDo: [| :i | rest removeAt: i ].
              rest isEmpty ifFalse: [ | m |
                m: segment copy.
                m data: (s data _IndexWithout: drop IfFail: [| :e | ^ error: 'catalog remove: ', e ]).
                m chunks: rest.
                kept add: m ] ] ].
        segments: kept.
        n ).
      removeAll = ( segments: vector copy. documents: (vector copySize: 256). self ).
    }.
    { 'Category: chunking'
      chunkText: text = ( | ss. vs |
        "a vector of the chunk texts and a vector of their embeddings (nil without a model)"
        ss: text _TextSentencesMax: maxChunk.
        embedder isNil ifTrue: [ | r | r: vector copySize: 2. r at: 0 Put: (pack: ss). ^ r ].
        vs: ss collect: [| :s | embedder embed: s ].
        cutSentences: ss Vectors: vs ).
      pack: sentences = ( | out. cur |
        "sentences joined into chunks of at most maxChunk bytes"
        out: vector copy. cur: nil.
        sentences do: [| :s |
          (cur notNil && [ (cur byteSize + 1 + s byteSize) <= maxChunk ])
            ifTrue: [ cur: cur, ' ', s ]
            False: [ cur isNil ifFalse: [ out add: cur ]. cur: s ] ].
        cur isNil ifFalse: [ out add: cur ].
        out ).
      similarities: vs = ( | sims |
        sims: vector copy.
        1 to: vs size - 1 Do: [| :i | sims add: ((vs at: i - 1) _FloatsCosine: (vs at: i)) ].
        sims ).
      percentile: p Of: xs = ( | s. r. lo |
        "linear interpolation between the closest ranks (numpy's default)"
        s: xs copy sort.
        r: ((s size - 1) * p) / 100.0.
        lo: r floor.
        (lo + 1) < s size
          ifTrue: [ (s at: lo) + (((s at: lo + 1) - (s at: lo)) * (r - lo)) ]
          False: [ s at: lo ] ).
      cutSentences: ss Vectors: vs = ( | sims. limit. texts. vecs. cur. curVecs. r |
        "a cut where neighbouring sentences are less similar than the document's 5th percentile, or where a chunk would pass maxChunk bytes"
        sims: similarities: vs.
        limit: sims isEmpty ifTrue: [ 0 ] False: [ percentile: 5 Of: sims ].
        texts: vector copy. vecs: vector copy.
        cur: nil. curVecs: vector copy.
        ss do: [| :s. :i |
          (cur notNil && [ ((sims at: i - 1) >= limit) && [ (cur byteSize + 1 + s byteSize) <= maxChunk ] ])
            ifTrue: [ cur: cur, ' ', s ]
            False: [
              cur isNil ifFalse: [ texts add: cur. vecs add: (mean: curVecs) ].
              cur: s. curVecs: vector copy ].
          curVecs add: (vs at: i) ].
        cur isNil ifFalse: [ texts add: cur. vecs add: (mean: curVecs) ].
        r: vector copySize: 2. r at: 0 Put: texts. r at: 1 Put: vecs.
        r ).
      mean: vectors = ( | m |
        m: (vectors at: 0) copy.
        1 to: vectors size - 1 Do: [| :k. v | v: vectors at: k. 0 to: m size - 1 Do: [| :j | m at: j Put: (m at: j) + (v at: j) ] ].
        0 to: m size - 1 Do: [| :j | m at: j Put: (m at: j) / vectors size ].
        m ).
    }.
    { 'Category: searching'
      data = ( segments collect: [| :s | s data ] ).
      search: q Top: n = ( | lex. sem. depth |
        segments isEmpty ifTrue: [ ^ vector copy ].
        embedder isNil ifTrue: [ ^ hits: (data _IndexSearch: q Top: n All: false) ].
        depth: (n * 5) max: 50.
        lex: data _IndexSearch: q Top: depth All: false.
        sem: data _IndexNearest: (embedder embed: q) Top: depth.
        fuse: lex With: sem Top: n ).
      searchAll: q Top: n = (
        segments isEmpty ifTrue: [ ^ vector copy ].
        hits: (data _IndexSearch: q Top: n All: true) ).
      chunkAt: seg Doc: d = ( (segments at: seg) chunks at: d ).
      hits: triples = ( | out |
        out: vector copy.
        0 to: triples size - 1 By: 3 Do: [| :i. h |
          h: hit copy.
          h chunk: (chunkAt: (triples at: i) Doc: (triples at: i + 1)).
          h score: (triples at: i + 2). h bm25: h score.
          out add: h ].
        out ).
      fuse: lex With: sem Top: n = ( | cs. fused. bm. cos. order. out |
        "reciprocal rank fusion: each ranking gives 1 / (fusionK + rank), rank from 1; hits are made for the best n only"
        cs: vector copy. fused: vector copy. bm: vector copy. cos: vector copy.
        0 to: lex size - 1 By: 3 Do: [| :i |
          cs add: (chunkAt: (lex at: i) Doc: (lex at: i + 1)).
          fused add: 1.0 / (fusionK + (i / 3) + 1).
          bm add: (lex at: i + 2). cos add: nil ].
        0 to: sem size - 1 By: 3 Do: [| :i. c. k. at |
          c: chunkAt: (sem at: i) Doc: (sem at: i + 1).
          at: cs _VectorPositionsOf: (vector copySize: 1 FillingWith: c).
          at isEmpty
            ifTrue: [ k: cs size. cs add: c. fused add: 0. bm add: nil. cos add: nil ]
            False: [ k: at first ].
          fused at: k Put: (fused at: k) + (1.0 / (fusionK + (i / 3) + 1)).
          cos at: k Put: (sem at: i + 2) ].
        order: vector copy.
        0 to: cs size - 1 Do: [| :k | order add: k ].
        order sortBy: [| :a. :b | (fused at: a) > (fused at: b) ].
        out: vector copy.
        (order copyAtMost: n) do: [| :k. h |
          h: hit copy.
          h chunk: (cs at: k). h score: (fused at: k). h bm25: (bm at: k). h cosine: (cos at: k).
          out add: h ].
        out ).
    }.
    { 'Category: checking'
      check = ( | problems. seen. listed |
        "what is inconsistent between the chunks, the segments and the documents (empty: nothing)"
        problems: vector copy. seen: 0.
        segments do: [| :s. :i. why |
          why: s data _IndexCheck: (s chunks collect: [| :c | c text ]).
          why isNil ifFalse: [ problems add: 'segment ', i printString, ': ', why ].
          s chunks do: [| :c |
            ((chunksOf: c docId) includes: c)
              ifFalse: [ problems add: 'segment ', i printString, ' indexes a chunk of ', c docId printString, ' that its document does not list' ] ].
          seen: seen + s chunks size ].
        listed: 0.
        shards do: [| :d | d isNil ifFalse: [ d do: [| :cs | listed: listed + cs size ] ] ].
        listed = seen
          ifFalse: [ problems add: 'the documents list ', listed printString, ' chunks; the segments index ', seen printString ].
        problems ).
    }.
  |).
|).

traits catalog _AddSlots: (|
  "the prototypes the catalog clones"
  chunk = (| parent* = traits catalogChunk. text <- ''. docId <- nil. position <- 0. metadata <- nil |).
  hit = (| parent* = traits catalogHit. chunk <- nil. score <- 0. bm25 <- nil. cosine <- nil |).
  segment = (| parent* = traits catalogSegment. data <- nil. chunks <- nil |).
|).

lobby _AddSlots: (|
  catalog = (| parent* = traits catalog. segments <- vector copy. documents <- vector copySize: 256. embedder <- nil. maxChunk <- 2000. fusionK <- 60. mergeFactor <- 4 |).
|).
