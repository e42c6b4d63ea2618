"Object literals and slot declarations."
().
(| |).
(| x. y. |).
(| x = 17. y = 18 |).
(| parent* = traits point. x = 3 + 4. y = 5 |).
(| parent* = traits point. x <- 3 + 4. y <- 5. |).
(| p* <- nil. q* |).
(| p*= traits clonable. q*<- 3 |).
(| + arg = ((clone x: x + arg x) y: y + arg y) |).
(| + = (| :arg | (clone x: x + arg x) y: y + arg y) |).
(| ifTrue: False: = (| :trueBlock. :falseBlock | trueBlock value) |).
(| ifTrue: trueBlock False: falseBlock = (trueBlock value) |).
(| at: i Put: v = (| old | old: at: i. _At: i Put: v. old) |).
(| isEmpty = (size = 0). size = 0 |).
(| data = (| a <- 1. b <- 2 |) |).
(| method = ( | t <- 0 | t: t + 1. ^ t ) |).
(| slot1. slot2 | 'here is some code' printLine).
(| | 3 + 4).
(3 + 4. 5).
(^ 3).
( | {} = 'this object has one slot' snort = 17. | ).
( |
    {} = 'A point, with annotations'.
    { 'Category: accessing'
        x <- 0.
        y <- 0.
        { 'Category: derived'
            r = ((x * x) + (y * y)) sqrt.
            theta = (y arcTan: x).
        }
        moveBy: d = (x: x + d x. y: y + d y).
    }
    { 'Category: printing'
        printString = (x printString, '@', y printString).
    }
    anUnannotatedSlot.
    = p = ((x = p x) && [y = p y]).
| ).
(|
    { 'Comment: nested\x7fCategory: one' a = 1 }
    b = 2.
    { 'Category: two' } c = 3
|).
{ 'an annotated expression object' (| x = 1 |) }.
{ 'annotated code object' (3 + 4) }.
{ 'annotated block' [| :unused | unused] } value: 3.
"As in Self (its parser tests slotList1, slotList4): an annotation group may follow a slot with no '.'."
(| a:B: = (| {'arg1' :a {'more' :b}} | self) |).
(| a. {'b' c. d {'e' f}. g. } h |).
