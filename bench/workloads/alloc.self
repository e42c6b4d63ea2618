"W4: 1,000,000 clones of a two-slot prototype, kept in a vector, then summed"
lobby _AddSlots: (| result <- nil |).
lobby _AddSlots: (| point = (| parent* = traits clonable. x <- 0. y <- 0 |) |).
lobby _AddSlots: (| runAlloc = ( | all. s <- 0 |
  all: vector copy.
  1 to: 1000000 Do: [| :i. o | o: point copy. o x: i. all add: o ].
  all do: [| :o | s: s + o x ].
  s ) |).
result: runAlloc.
