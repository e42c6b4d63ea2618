"The model object on scripted models (canned completions): the real
 llama.cpp path is tested in llm/llama and cmd/batos/testdata/model.txtar."
lobby _AddSlots: (| m. v. r. o. pieces |).
v: vector copy. v add: 'Hello there'. v add: 'second reply'. v add: 'x. y. z'. v add: 'one two three'. v add: 'chatted'.
m: model scripted: v.
assert that: [ (m printString startsWith: 'model (scripted:') ].
assert equal: (m infer: 'hi') To: 'Hello there'.
r: m generate: 'again' With: (modelOptions copy stop: ' ').
assert equal: r text To: 'second'.
assert equal: r stopReason To: 'stop'.
assert equal: r promptTokens To: 5.
r: m generate: 'more' With: (modelOptions copy maxTokens: 3).
assert equal: r text To: 'x. '.
assert equal: r stopReason To: 'length'.
assert equal: r tokens To: 3.
pieces: vector copy.
assert equal: (m infer: 'stream it' Each: [| :p | pieces add: p ]) To: 'one two three'.
assert equal: pieces size To: 3.
assert equal: (pieces at: 0) To: 'one '.
assert equal: (m chat: ((chat copy system: 'Be brief.') user: 'Hi')) To: 'chatted'.
"the script is exhausted: the failure goes to IfFail:"
assert that: [ ((m infer: 'one more' IfFail: [| :e | e ]) includesSubstring: 'no reply left') ].
assert error: [ m infer: 'one more' ] Matching: 'no reply left'.
assert that: [ ((m infer: '' IfFail: [| :e | e ]) includesSubstring: 'empty prompt') ].
assert equal: (m countTokens: 'hello') To: 5.
assert equal: (m tokenize: 'ab') printString To: 'vector(97, 98)'.
assert equal: (m embed: 'a cat') size To: 16.
assert that: [ (m embed: 'a cat') = (m embed: 'a cat') ].
assert that: [ ((m embed: '' IfFail: [| :e | e ]) includesSubstring: 'empty') ].
assert equal: (m info at: 'architecture') To: 'scripted'.
assert error: [ m useAdapter: 'BRICK' ] Matching: 'takes no adapters'.
"names recorded in the image (batos model add) resolve to their source"
model add: 'tiny' Path: '/models/tiny.gguf'.
assert equal: (model named: 'tiny') source To: '/models/tiny.gguf'.
assert equal: (model named: 'other.gguf') source To: 'other.gguf'.
assert that: [ model isDefault ].
assert that: [ ((model named: '/no/such/model.gguf') countTokens: 'x' IfFail: [| :e | e ]) includesSubstring: 'model' ].
assert that: [ (model slotGrammar startsWith: 'root ::= ') ].
assert that: [ ((model jsonGrammar: '{"type": "integer"}') includesSubstring: 'json-integer') ].
assert error: [ model jsonGrammar: '{"type": "frob"}' ] Matching: 'unsupported type'.
