"model.self: the language model, a primitive of the VM (package llm).

 'model' is the default model: batos --model PATH.gguf (or --model-url
 URL, or BATOS_MODEL). 'model named: x' is another: a name recorded with
 'batos model add NAME PATH.gguf', a .gguf path or an http:// URL.
 'model scripted: replies' answers canned completions (for tests).
 Failures (no model, a broken file, an empty prompt, a prompt longer than
 the context) fail into the IfFail: forms, else raise an error. Pieces of
 text reach an Each: block as they are generated (stream: prints them);
 Ctrl-C stops a generation."

traits _AddSlots: (|
  model = (|
    {} = 'Models: generation, chat, embeddings, tokens and LoRA adapters, through the _Model primitives. The receiver names its model by its source (empty: the default).'.
    parent* = traits clonable.
    { 'Category: generation'
      infer: prompt = ( infer: prompt With: modelOptions ).
      infer: prompt IfFail: blk = ( infer: prompt With: modelOptions IfFail: blk ).
      infer: prompt With: options = ( (generate: prompt With: options) text ).
      infer: prompt With: options IfFail: blk = ( (generate: prompt With: options Each: nil IfFail: [| :e | ^ blk value: e ]) text ).
      infer: prompt Each: pieceBlock = ( (generate: prompt With: modelOptions Each: pieceBlock) text ).
      infer: prompt With: options Each: pieceBlock = ( (generate: prompt With: options Each: pieceBlock) text ).
      stream: prompt = ( infer: prompt With: (modelOptions copy stream: true) ).
      generate: prompt With: options = ( generate: prompt With: options Each: nil ).
      generate: prompt With: options Each: pieceBlock = ( generate: prompt With: options Each: pieceBlock IfFail: [| :e | error: 'model: ', e ] ).
      generate: prompt With: options Each: pieceBlock IfFail: blk = ( | r |
        r: source _ModelGenerate: (options requestFor: prompt) Each: pieceBlock IfFail: [| :e | ^ blk value: e ].
        modelResult copyFrom: r ).
    }.
    { 'Category: chat'
      chat: messages = ( chat: messages With: modelOptions ).
      chat: messages IfFail: blk = ( chat: messages With: modelOptions IfFail: blk ).
      chat: messages With: options = ( chat: messages With: options IfFail: [| :e | error: 'model: ', e ] ).
      chat: messages With: options IfFail: blk = ( | r |
        r: source _ModelGenerate: (options requestForMessages: messages asChatMessages) Each: nil IfFail: [| :e | ^ blk value: e ].
        (modelResult copyFrom: r) text ).
    }.
    { 'Category: embeddings and tokens'
      embed: text = ( source _ModelEmbed: text IfFail: [| :e | error: 'model: ', e ] ).
      embed: text IfFail: blk = ( source _ModelEmbed: text IfFail: [| :e | blk value: e ] ).
      tokenize: text = ( source _ModelTokenize: text IfFail: [| :e | error: 'model: ', e ] ).
      countTokens: text = ( source _ModelCountTokens: text IfFail: [| :e | error: 'model: ', e ] ).
      countTokens: text IfFail: blk = ( source _ModelCountTokens: text IfFail: [| :e | blk value: e ] ).
    }.
    { 'Category: adapters'
      addAdapter: name Path: path = ( source _ModelAddAdapter: name Path: path IfFail: [| :e | error: 'model: ', e ]. self ).
      useAdapter: name = (
        "an adapter kept in the image (batos model adapter add) is registered from its blob on first use"
        (name notNil && [ (adapterNames includes: name) not ]) ifTrue: [
          (modelAdapters at: name IfAbsent: [ nil ]) ifNotNil: [| :b | addAdapter: name Path: b materialize ] ].
        source _ModelUseAdapter: name IfFail: [| :e | error: 'model: ', e ] ).
      adapterNames = ( (source _ModelAdaptersIfFail: [| :e | ^ vector copy ]) collect: [| :a | a at: 0 ] ).
      storeAdapter: name Blob: weights = ( modelAdapters at: name Put: weights. self ).
      clearAdapter = ( useAdapter: nil ).
      adapters = ( source _ModelAdaptersIfFail: [| :e | error: 'model: ', e ] ).
    }.
    { 'Category: grammars'
      slotGrammar = ( _ModelSlotGrammarIfFail: [| :e | error: 'model: ', e ] ).
      jsonGrammar: schema = ( _ModelJSONGrammar: schema IfFail: [| :e | error: 'model: ', e ] ).
    }.
    { 'Category: models'
      info = ( | d. p |
        p: source _ModelInfoIfFail: [| :e | error: 'model: ', e ].
        d: dictionary copy.
        0 to: p size - 1 By: 2 Do: [| :i | d at: (p at: i) Put: (p at: i + 1) ].
        d ).
      named: spec = ( copy source: (modelSource: spec) ).
      modelSource: spec = ( | s |
        "a recorded name gives a path, a URL or a blob (weights kept in the image)"
        s: modelNames at: spec IfAbsent: [ spec ].
        s isString ifTrue: [ s ] False: [ s materialize ] ).
      add: name Path: path = ( modelNames at: name Put: path. self ).
      add: name Blob: weights = ( modelNames at: name Put: weights. self ).
      scripted: replies = ( copy source: (_ModelScripted: replies) ).
      isDefault = ( source isEmpty ).
      printString = ( isDefault ifTrue: [ 'model (default: ', (_ModelDefault ifNil: [ 'none' ]), ')' ] False: [ 'model (', source, ')' ] ).
    }.
  |).

  modelOptions = (|
    {} = 'Options of a generation. Each setter answers the options, so they chain: (modelOptions copy maxTokens: 20) seed: 1.'.
    parent* = traits clonable.
    requestFor: prompt = ( | r | r: fields. r add: 'prompt'. r add: prompt. r ).
    requestForMessages: msgs = ( | r | r: fields. r add: 'messages'. r add: msgs. r ).
    fields = ( | r |
      r: vector copy.
      r add: 'system'. r add: system.
      r add: 'maxTokens'. r add: maxTokens.
      r add: 'temperature'. r add: temperature.
      r add: 'topK'. r add: topK.
      r add: 'topP'. r add: topP.
      r add: 'seed'. r add: seed.
      r add: 'stop'. r add: stop.
      r add: 'grammar'. r add: grammar.
      r add: 'grammarAlways'. r add: grammarAlways.
      r add: 'adapter'. r add: adapter.
      r add: 'stream'. r add: stream.
      r add: 'ignoreEOG'. r add: ignoreEOG.
      r ).
  |).

  modelResult = (|
    {} = 'What a generation produced: its text, token counts, why it stopped, and its timings.'.
    parent* = traits clonable.
    copyFrom: v = ( | r |
      r: copy.
      r text: (v at: 0). r promptTokens: (v at: 1). r tokens: (v at: 2). r stopReason: (v at: 3).
      r promptMs: (v at: 4). r generationMs: (v at: 5). r resampled: (v at: 6).
      r ).
    tokensPerSecond = ( generationMs > 0 ifTrue: [ (tokens * 1000.0) / generationMs ] False: [ 0 ] ).
    printString = ( 'modelResult(', text printString, ', ', tokens printString, ' tokens, ', stopReason, ')' ).
  |).

  chat = (|
    {} = 'A chat: messages with roles. (chat copy system: \'Be brief.\') user: \'Hi\'.'.
    parent* = traits clonable.
    copy = ( | c | c: resend.copy. c messages: vector copy. c ).
    add: role Content: text = ( | m | m: vector copy. m add: role. m add: text. messages add: m. self ).
    system: text = ( add: 'system' Content: text ).
    user: text = ( add: 'user' Content: text ).
    assistant: text = ( add: 'assistant' Content: text ).
    asChatMessages = ( messages ).
    printString = ( 'chat(', messages size printString, ' messages)' ).
  |).
|).

traits vector _AddSlots: (|
  asChatMessages = ( self ).
|).

lobby _AddSlots: (|
  model = (| parent* = traits model. source <- '' |).
  modelNames <- dictionary copy.
  modelAdapters <- dictionary copy.
  modelOptions = (| parent* = traits modelOptions.
    system. maxTokens. temperature. topK. topP. seed. stop. grammar. grammarAlways. adapter.
    stream <- false. ignoreEOG |).
  modelResult = (| parent* = traits modelResult. text. promptTokens. tokens. stopReason. promptMs. generationMs. resampled |).
  chat = (| parent* = traits chat. messages <- vector copy |).
|).
