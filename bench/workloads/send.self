"W3: 3,000,000 sends of incr to a counter object"
lobby _AddSlots: (| result <- nil |).
lobby _AddSlots: (| counter = (| parent* = traits clonable. count <- 0. incr = ( count: count + 1 ) |) |).
lobby _AddSlots: (| runSend = ( | c | c: counter copy. 1 to: 3000000 Do: [| :i | c incr ]. c count ) |).
result: runSend.
