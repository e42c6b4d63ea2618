"time.self: moments in time, as in Self's time object: 'time current'
 is now; subtracting two times gives milliseconds; the calendar fields
 are in UTC (GMT). Reading the clock is the 'clock' capability."

traits _AddSlots: (|
  time = (|
    {} = 'A moment: msec, milliseconds since 1970-01-01T00:00:00Z (UTC). time current is now; t1 - t0 is the milliseconds between them; t + ms and t - ms move it. Calendar fields (year, month, day, hour, minute, second, weekday) are UTC.'.
    parent* = traits clonable.
    current = ( copyMsec: _TimeMillis ).
    copyMsec: ms = ( copy msec: ms ).
    addMsec: ms = ( copyMsec: msec + ms ).
    subtractMsec: ms = ( copyMsec: msec - ms ).
    + ms = ( addMsec: ms ).
    - x = ( "a number: an earlier time; another time: the milliseconds between"
      x isNumber ifTrue: [ subtractMsec: x ] False: [ msec - x msec ] ).
    < t = ( msec < t msec ).
    > t = ( msec > t msec ).
    <= t = ( msec <= t msec ).
    >= t = ( msec >= t msec ).
    = t = ( (_Eq: t) || [ t isNumber not && [ ((reflect: t) includes: 'msec') && [ msec = t msec ] ] ] ).
    hash = ( msec hash ).
    "the calendar, from the days since 1970 (H. Hinnant's civil_from_days)"
    days = ( msec /- 86400000 ).
    civil = ( | z. era. doe. yoe. doy. mp. d. m. y |
      z: days + 719468.
      era: z /- 146097.
      doe: z - (era * 146097).
      yoe: (((doe - (doe / 1460)) + (doe / 36524)) - (doe / 146096)) / 365.
      doy: doe - (((365 * yoe) + (yoe / 4)) - (yoe / 100)).
      mp: ((5 * doy) + 2) / 153.
      d: (doy - ((((153 * mp) + 2)) / 5)) + 1.
      m: (mp < 10) ifTrue: [ mp + 3 ] False: [ mp - 9 ].
      y: (yoe + (era * 400)) + ((m <= 2) ifTrue: [ 1 ] False: [ 0 ]).
      (y & m & d) asVector ).
    year = ( civil at: 0 ).
    month = ( civil at: 1 ).
    day = ( civil at: 2 ).
    msOfDay = ( msec - (days * 86400000) ).
    hour = ( msOfDay / 3600000 ).
    minute = ( (msOfDay / 60000) % 60 ).
    second = ( (msOfDay / 1000) % 60 ).
    millisecond = ( msOfDay % 1000 ).
    weekday = ( "0 is Sunday" | n | n: days + 4. n - ((n /- 7) * 7) ).
    weekdayName = ( ('Sunday' & 'Monday' & 'Tuesday' & 'Wednesday' & 'Thursday' & 'Friday' & 'Saturday') asVector at: weekday ).
    dateString = ( (year printStringPadWith: '0' ToSize: 4), '-', (month printStringPadWith: '0' ToSize: 2), '-', (day printStringPadWith: '0' ToSize: 2) ).
    timeString = ( (hour printStringPadWith: '0' ToSize: 2), ':', (minute printStringPadWith: '0' ToSize: 2), ':', (second printStringPadWith: '0' ToSize: 2) ).
    printString = ( dateString, 'T', timeString, '.', (millisecond printStringPadWith: '0' ToSize: 3), 'Z' ).
  |).
|).

lobby _AddSlots: (|
  time = (| parent* = traits time. msec <- 0 |).
|).
