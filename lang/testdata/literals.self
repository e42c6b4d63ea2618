"Literals: integers of any size, radix integers, floats, strings."
0.
42.
-7.
1234567890123456789012345678901234567890.
-98765432109876543210987654321.
9223372036854775807.
-9223372036854775808.
9223372036854775808.
16rFF.
16rff + 2r1010.
36rZZ.
-8r777.
16rFFFFFFFFFFFFFFFFFFFF.
1.5.
1.0.
-0.5.
1.5e10.
2e-3.
1272.34e+15.
1e10 printString.
0.1 + 0.2.
'hello'.
''.
'it\'s a \"quoted\" string'.
'tab\there, newline\nthere, backslash \\ and \? and bell \a'.
'\b\f\r\v\0'.
'hex \x41\x7f decimal \d065 octal \o101'.
'continued \
line'.
'a multi-line
string literal'.
'unicode: héllo wörld'.
self.
self printString.
