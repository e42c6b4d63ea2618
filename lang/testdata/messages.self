"Message syntax: unary > binary > keyword; keywords associate right."
x.
x y z.
3 factorial print.
3 + 4.
3 + 4 + 5.
3 factorial + pi sine.
(3 + 4) * 7.
3 + (4 * 7).
a <-> b.
a && b.
a || b.
a ^^ b.
a == b.
a = b.
a ~= b.
a -> b -> c.
x <- 3.
'a', 'b', 'c'.
5 min: 4 Max: 7.
5 min: 4 max: 7.
5 min: 6 min: 7 Max: 8 Max: 9 min: 10 Max: 11.
i: m min: n.
i: 5 factorial + pi sine.
1 + power: 3.
1 to: 5 * i By: 2 * j Do: [| :k | k print].
at: 1 Put: 2.
+ 3.
factorial.
a - 1.
a -1.
a -1 abs.
3 - -1.
a foo: -1 Bar: -2.5.
"primitives"
_IntAdd: 3.
x _IntAdd: y.
x _IntAdd: y IfFail: [| :e. :n | e printLine. 0].
_Clone.
x _Clone.
_CurrentTimeString.
"resends"
resend.copy.
resend.display.
resend.+ 5.
resend.min: 17 Max: 23.
listParent.height.
intParent.min: 17 Max: 23.
traits.copy size.
resend.copy printString size.
"keyword arguments can be any expression"
dict at: key printString IfAbsent: [nil] IfPresent: [| :v | v + 1].
(a foo: b) bar: c.
a foo: (b bar: c) Baz: d.
a foo: b bar: c Baz: d.
x ifTrue: [a] False: [b].
(x > 0) ifTrue: ['positive' printLine] False: ['not positive' printLine].
