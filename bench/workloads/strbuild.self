"W5: join 200,000 short strings with a string builder; the result is the length"
lobby _AddSlots: (| result <- nil |).
lobby _AddSlots: (| runStrings = ( | b | b: stringBuilder copy. 1 to: 200000 Do: [| :i | b add: 'item', i printString ]. b contents size ) |).
result: runStrings.
