"W1: recursive fib: 27"
lobby _AddSlots: (| result <- nil |).
lobby _AddSlots: (| fib: n = ( n < 2 ifTrue: [ ^ n ]. (fib: n - 1) + (fib: n - 2) ) |).
result: fib: 27.
