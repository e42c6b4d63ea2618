"mind/mind.self: the composite mind's cognitive cycle and its personas.
 A cycle is an object whose current state is its assignable parent slot
 state*: a transition assigns the slot, and process, sent to the cycle, is
 found in the state. The state machine is delegation, not a switch.
 IDLE -> DECOMPOSING (BRICK writes a plan as JSON, under a JSON grammar)
 -> DELEGATING (every step really runs through the persona it names)
 -> SYNTHESIZING (ROBIN weaves the partial answers) -> COMPLETE; any
 failure -> FAILED. See docs/mind.md."

traits string _AddSlots: (|
  parseJSON = ( _JSONParseIfFail: [| :e | error: 'parseJSON: ', e ] ).
  parseJSONIfFail: blk = ( _JSONParseIfFail: [| :e | blk value: e ] ).
|).

traits _AddSlots: (|
  persona = (|
    {} = 'A persona: a name, a system prompt and, optionally, a LoRA adapter kept in the image (model adapter add NAME FILE). Without an adapter the system prompt alone shapes its answers.'.
    parent* = traits clonable.
    ask: question = ( ask: question Grammar: nil ).
    ask: question Grammar: g = ( | opts |
      opts: modelOptions copy system: systemPrompt.
      g isNil ifFalse: [ opts: (opts grammar: g) maxTokens: 1024 ]. "room for a whole JSON plan"
      adapter isNil ifFalse: [ opts: opts adapter: adapter ].
      calls: calls + 1.
      model infer: question With: opts ).
    printString = ( 'persona ', name ).
  |).
  cycleState = (|
    {} = 'A state of a cognitive cycle. Its methods run with self the cycle (they are found through the cycle\'s state* parent).'.
    isFinal = false.
    process = ( self ).
  |).
  cycle = (|
    {} = 'A cognitive cycle: a mission, its plan, the partial answers and the result. Its state is its parent slot state*.'.
    parent* = traits clonable.
    run = ( [ isFinal ] whileFalse: [ process ]. finish ).
    step = ( isFinal ifFalse: [ process. isFinal ifTrue: [ finish ] ]. self ).
    finish = ( finished isNil ifTrue: [
        finished: _TimeMillis.
        succeeded
          ifTrue: [ metrics add: 'mind.cycles.completed' Value: 1. metrics observe: 'mind.cycle.ms' Value: durationMs ]
          False: [ metrics add: 'mind.cycles.failed' Value: 1 ] ].
      self ).
    isInterrupted = ( isFinal not && [ stateName != 'IDLE' ] ).
    become: s = ( state: s. transitions add: s stateName. self ).
    fail: why = ( failure: why. become: mind failed ).
    succeeded = ( stateName = 'COMPLETE' ).
    durationMs = ( (finished isNil || [ started isNil ]) ifTrue: [ 0 ] False: [ finished - started ] ).
    printString = ( 'cycle ', id printString, ' (', stateName, ') ', mission printString ).
  |).
|).

lobby _AddSlots: (|
  metrics = (|
    {} = 'The process\'s metrics: counters kept in the image in hourly buckets (transactions, generations by guardian code, model tokens, adapter switches, cycles). metrics report shows the last day; batos metrics and :metrics too.'.
    parent* = traits oddball.
    add: name Value: n = ( _MetricAdd: name Value: n. self ).
    observe: name Value: n = ( _MetricObserve: name Value: n. self ).
    report = ( reportHours: 24 ).
    totalsHours: n = ( _MetricTotals: n ).
    at: name = ( (totalsHours: 24) at: name IfAbsent: [ 0 ] ).
    reportHours: n = ( _MetricReport: n ).
    printString = ( 'metrics' ).
  |).
  mind = (|
    {} = 'The composite mind: mind ask: \'question\' runs a cognitive cycle (BRICK decomposes, personas answer the steps, ROBIN synthesizes) and answers the result. mind cycles lists the cycles.'.
    parent* = traits clonable.
    cycles <- vector copy.
    personas <- dictionary copy.
    planSchema = ( | names |
      "the JSON schema of BRICK's plans: 1 to 4 steps, each naming a known persona"
      names: stringBuilder copy.
      (personas keys, facetNames) do: [| :k | names isEmpty ifFalse: [ names add: ', ' ]. names add: '"'. names add: k. names add: '"' ].
      '{"type": "object", "properties": {"steps": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": "object", "properties": {"persona": {"enum": [', names contents, ']}, "question": {"type": "string", "maxLength": 100}}, "required": ["persona", "question"]}}}, "required": ["steps"]}' ).
    idle = (| parent* = traits cycleState. stateName = 'IDLE'.
      process = ( started: _TimeMillis. become: mind decomposing ) |).
    decomposing = (| parent* = traits cycleState. stateName = 'DECOMPOSING'.
      process = ( | text. p |
        text: (mind persona: 'BRICK') ask: 'Decompose the mission into steps. Answer JSON: {"steps": [{"persona": one of ', mind personaNames, ', "question": a sub-question}]}. Mission: ', mission
          Grammar: (model jsonGrammar: mind planSchema).
        p: text parseJSONIfFail: [| :e | ^ fail: 'BRICK\'s plan is not JSON: ', e ].
        ((mind isDictionary: p) && [ (p at: 'steps' IfAbsent: [ nil ]) isCollection ])
          ifFalse: [ ^ fail: 'BRICK\'s plan has no steps' ].
        plan: (p at: 'steps').
        plan isEmpty ifTrue: [ ^ fail: 'BRICK\'s plan has no steps' ].
        plan do: [| :s |
          (mind isDictionary: s) ifFalse: [ ^ fail: 'a step of BRICK\'s plan is not an object: ', s printString ].
          (mind canDelegateTo: (s at: 'persona' IfAbsent: [ '' ]))
            ifFalse: [ ^ fail: 'the plan names an unknown persona: ', (s at: 'persona' IfAbsent: [ '(none)' ]) printString ] ].
        become: mind delegating ) |).
    delegating = (| parent* = traits cycleState. stateName = 'DELEGATING'.
      process = (
        plan do: [| :s. q |
          q: s at: 'question'.
          q isEmpty ifTrue: [ q: mission ]. "a step without a question works on the mission"
          partials add: (mind delegate: q To: (s at: 'persona')) ].
        become: mind synthesizing ) |).
    synthesizing = (| parent* = traits cycleState. stateName = 'SYNTHESIZING'.
      process = ( | notes |
        notes: stringBuilder copy.
        0 to: plan size - 1 Do: [| :i |
          notes add: '- '. notes add: ((plan at: i) at: 'question'). notes add: ': '. notes add: (partials at: i). notes add: '\n' ].
        result: (mind persona: 'ROBIN') ask: 'Weave these partial answers into one answer to: ', mission, '\n', notes contents.
        become: mind complete ) |).
    complete = (| parent* = traits cycleState. stateName = 'COMPLETE'. isFinal = true.
      process = ( self ) |).
    failed = (| parent* = traits cycleState. stateName = 'FAILED'. isFinal = true.
      process = ( self ) |).
    newCycle: m = ( | c |
      c: (| parent* = traits cycle. state* <- mind idle. id. mission. plan. partials <- vector copy. result. failure. started. finished. transitions <- vector copy |) copy.
      c id: cycles size + 1.
      c mission: m.
      c partials: vector copy.
      c transitions: vector copy.
      cycles add: c.
      c ).
    ask: m = ( | c |
      "the whole cycle is one transaction; the failure metric outlives it
       (metrics are kept outside transactions)"
      c: newCycle: m.
      c run.
      c succeeded ifFalse: [ error: 'the cognitive cycle failed: ', c failure ].
      c result ).
    begin: m = ( newCycle: m ).
    cycle: n = ( ((n isInteger && [ n >= 1 ]) && [ n <= cycles size ]) ifFalse: [ error: 'no cycle ', n printString, ' (there are ', cycles size printString, ')' ]. cycles at: n - 1 ).
    interrupted = ( cycles copyFilteredBy: [| :c | c isInterrupted ] ).
    resume: n = ( | c | c: cycle: n. c isFinal ifTrue: [ error: 'cycle ', n printString, ' has ended (', c stateName, ')' ]. c run. c result ).
    facetNames = ( (reflect: self) slotNames copyFilteredBy: [| :n | ('Facet:' isSuffixOf: n) && [ n size > 6 ] ] ).
    canDelegateTo: name = ( (personas includesKey: name) || [ facetNames includes: name ] ).
    delegate: question To: name = (
      "a persona answers through the model; a facet (a method of the mind
       whose selector ends in Facet:, perhaps one the kernel wrote) is sent"
      (personas includesKey: name)
        ifTrue: [ (persona: name) ask: question ]
        False: [ perform: name With: question ] ).
    isDictionary: x = ( x isCollection && [ x collectionName = 'dictionary' ] ).
    persona: n = ( personas at: n IfAbsent: [ error: 'no persona named ', n printString ] ).
    personaNames = ( | b | b: stringBuilder copy. personas keys do: [| :k | b isEmpty ifFalse: [ b add: ', ' ]. b add: k ]. b contents ).
    audit = (|
      {} = 'The self-audit: ALFRED reads the last hour\'s metrics; every rule that fires opens an optimisation mission (a cognitive cycle), and what it did is recorded in records. batos serve --audit-every runs it.'.
      parent* = traits clonable.
      rules <- vector copy.
      records <- vector copy.
      run = ( | totals. fired |
        totals: metrics totalsHours: 1.
        fired: rules copyFilteredBy: [| :r | r firesOn: totals ].
        fired do: [| :r. answer |
          answer: [ mind ask: r mission ] onError: [| :e | 'the mission failed: ', e message ].
          records add: ((mind auditRecord copy rule: r name) answer: answer).
          metrics add: 'mind.audit.missions' Value: 1 ].
        metrics add: 'mind.audit.runs' Value: 1.
        fired size ).
      printString = ( 'the self-audit (', rules size printString, ' rule(s), ', records size printString, ' record(s))' ).
    |).
    auditRecord = (| parent* = traits clonable. rule. answer. time <- 0.
      printString = ( 'audit: ', rule, ' -> ', answer printString ) |).
    abortRateRule = (|
      {} = 'Fires when more than a fifth of the last hour\'s changing transactions aborted.'.
      parent* = traits clonable.
      name = 'abort rate'.
      threshold <- 0.2.
      firesOn: t = ( | a. c |
        a: t at: 'txn.aborts' IfAbsent: [ 0 ].
        c: t at: 'txn.commits' IfAbsent: [ 0 ].
        (a + c) > 0 and: [ (a asFloat / (a + c) asFloat) > threshold ] ).
      mission = ( 'Too many transactions abort (more than ', (threshold * 100) printString, '% in the last hour). Find the cause and propose a fix.' ).
    |).
    printString = ( 'the mind (', cycles size printString, ' cycle(s))' ).
  |).
|).

mind audit rules add: mind abortRateRule.

mind personas at: 'BRICK' Put: (| parent* = traits persona. name = 'BRICK'. systemPrompt = 'You are BRICK: you deconstruct a mission into clear, numbered steps and assign each to the persona best suited to it.'. adapter. calls <- 0 |).
mind personas at: 'ROBIN' Put: (| parent* = traits persona. name = 'ROBIN'. systemPrompt = 'You are ROBIN: you weave partial answers into one warm, coherent answer.'. adapter. calls <- 0 |).
mind personas at: 'BABS' Put: (| parent* = traits persona. name = 'BABS'. systemPrompt = 'You are BABS: you retrieve facts and answer precisely, citing what you know.'. adapter. calls <- 0 |).
mind personas at: 'ALFRED' Put: (| parent* = traits persona. name = 'ALFRED'. systemPrompt = 'You are ALFRED: you steward the system, audit its metrics and propose careful improvements.'. adapter. calls <- 0 |).
