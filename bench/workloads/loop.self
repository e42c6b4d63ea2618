"W2: sum 1..10,000,000 with a local accumulator"
lobby _AddSlots: (| result <- nil |).
lobby _AddSlots: (| runLoop = ( | s <- 0 | 1 to: 10000000 Do: [| :i | s: s + i ]. s ) |).
result: runLoop.
