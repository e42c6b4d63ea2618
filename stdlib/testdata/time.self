"time: moments in UTC, arithmetic in milliseconds, the calendar."
lobby _AddSlots: (| t0 <- nil. t1 <- nil |).
t0: time copyMsec: 0.
assert equal: t0 printString To: '1970-01-01T00:00:00.000Z'.
assert equal: t0 weekdayName To: 'Thursday'.
t1: time copyMsec: 951782400000 + 3723004.
assert equal: t1 printString To: '2000-02-29T01:02:03.004Z'.
assert equal: t1 year To: 2000.
assert equal: t1 month To: 2.
assert equal: t1 day To: 29.
assert equal: t1 hour To: 1.
assert equal: t1 minute To: 2.
assert equal: t1 second To: 3.
assert equal: t1 millisecond To: 4.
assert equal: t1 weekdayName To: 'Tuesday'.
assert equal: t1 dateString To: '2000-02-29'.
assert equal: t1 timeString To: '01:02:03'.
assert equal: (time copyMsec: 1767225599999) printString To: '2025-12-31T23:59:59.999Z'.
assert equal: (time copyMsec: 1767225600000) printString To: '2026-01-01T00:00:00.000Z'.
assert equal: (time copyMsec: 4107542400000) printString To: '2100-03-01T00:00:00.000Z'.
"arithmetic and comparison"
assert equal: ((t1 + 1000) - t1) To: 1000.
assert equal: (t1 - 4) millisecond To: 0.
assert equal: (t1 addMsec: 86400000) dateString To: '2000-03-01'.
assert equal: (t1 subtractMsec: 86400000) dateString To: '2000-02-28'.
assert that: [ t0 < t1 ].
assert that: [ t1 > t0 ].
assert that: [ t1 = (time copyMsec: t1 msec) ].
assert that: [ (t1 = t0) not ].
assert that: [ (t1 = 3) not ].
assert equal: t1 hash To: (time copyMsec: t1 msec) hash.
"the clock"
assert that: [ time current year >= 2024 ].
assert that: [ (time current - time current) <= 0 ].
