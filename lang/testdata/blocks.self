"Blocks, returns and control structures."
[].
[| |].
[3 + 4].
[| :x | x * x].
[| :x. :y | x + y] value: 3 With: 4.
[| :a. tmp <- 0 | tmp: a. tmp].
[| :x | ^ x].
[^ self].
[| :x | x].
(| assertPositive: x = (
      x > 0 ifTrue: [ ^ 'ok' ].
      error: 'non-positive x' ) |).
(| find: x In: list = (
      list do: [| :e | e = x ifTrue: [^ e]].
      nil) |).
1 to: 10 Do: [| :i | i printLine].
[x < 10] whileTrue: [x: x + 1].
x ifTrue: [
    'multi' printLine.
    'line' printLine.
] False: [
    ^ nil
].
[| :e | e printLine. ^ e] value: 'done'.
