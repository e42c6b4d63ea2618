"A script: statements end with '.', or with a newline once the brackets
 balance and the statement is complete."
x printLine
y printLine.
z printLine
'one'. 'two'. 'three'
(| a = 1.
   b = 2 |)
  bar
"a line ending in an operator or a keyword continues on the next line"
3 +
  4
dict at: 1
    Put: 2
foo: 1 Bar:
    2
"brackets keep a statement open across lines"
lobby foo: [
  1 printLine.
  2 printLine ]
  Bar: 3
a foo \
  bar
^ x
