//! HTTP dates as werkzeug and CPython write them, and a strict reader of
//! that one form. They serve the cookie's `Expires` attribute and the tagged
//! JSON's `" d"` tag (a datetime is stored as its HTTP date).
//!
//! * [`http_date`]: `werkzeug.http.http_date(dt)` =
//!   `email.utils.format_datetime(dt, usegmt=True)`,
//!   e.g. `"Wed, 21 Oct 2015 07:28:00 GMT"`.
//! * [`parse_canonical_http_date`]: a strict parser for exactly that form,
//!   used as a fast path before asking werkzeug's own `parse_date`.

use time::{Date, Month, OffsetDateTime};

use crate::limits::{MAX_UNIX_SECONDS, MIN_UNIX_SECONDS};

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `(year, month, day, hour, minute, second)` of a parsed HTTP date (UTC).
pub type HttpDateParts = (i32, u8, u8, u8, u8, u8);

/// Formats a UTC instant like `email.utils.format_datetime(dt, usegmt=True)`:
/// `"%s, %02d %s %04d %02d:%02d:%02d GMT"` with English day and month names.
///
/// Returns `None` outside the years 1..=9999 (outside Python's `datetime`).
pub fn http_date(unix_seconds: i64) -> Option<String> {
    let mut out = Vec::with_capacity(29);
    write_http_date(unix_seconds, &mut out)?;
    String::from_utf8(out).ok()
}

/// [`http_date`], appended to `out` without allocating; `None` (and `out`
/// untouched) outside the years 1..=9999.
pub fn write_http_date(unix_seconds: i64, out: &mut Vec<u8>) -> Option<()> {
    if !(MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS).contains(&unix_seconds) {
        return None;
    }
    let dt = OffsetDateTime::from_unix_timestamp(unix_seconds).ok()?;
    let day_name = DAY_NAMES.get(usize::from(dt.weekday().number_days_from_monday()))?;
    let month_name = MONTH_NAMES.get(usize::from(u8::from(dt.month())).checked_sub(1)?)?;
    let year = u32::try_from(dt.year()).ok()?;
    out.extend_from_slice(day_name.as_bytes());
    out.extend_from_slice(b", ");
    push_2(out, dt.day());
    out.push(b' ');
    out.extend_from_slice(month_name.as_bytes());
    out.push(b' ');
    push_2(out, (year / 100) as u8);
    push_2(out, (year % 100) as u8);
    out.push(b' ');
    push_2(out, dt.hour());
    out.push(b':');
    push_2(out, dt.minute());
    out.push(b':');
    push_2(out, dt.second());
    out.extend_from_slice(b" GMT");
    Some(())
}

/// Two decimal digits of `n` (0..=99).
fn push_2(out: &mut Vec<u8>, n: u8) {
    out.push(b'0' + (n / 10) % 10);
    out.push(b'0' + n % 10);
}

/// Parses exactly `"Ddd, DD Mon YYYY HH:MM:SS GMT"` (the form [`http_date`]
/// writes) into `(year, month, day, hour, minute, second)`.
///
/// Accepts any of the seven English day names (Python ignores the weekday, so
/// it need not match the date), a year 1000..=9999, a day that exists in that
/// month (leap years included), hour < 24, minute < 60, second < 60. Anything
/// else, however harmless, is `None`: the caller then falls back to
/// `werkzeug.http.parse_date`, so this must never accept what it would read
/// differently.
pub fn parse_canonical_http_date(s: &[u8]) -> Option<HttpDateParts> {
    let s: &[u8; 29] = s.try_into().ok()?;
    let [d0, d1, d2, b',', b' ', day @ .., b' ', m0, m1, m2, b' ', y0, y1, y2, y3, b' ', h0, h1, b':', mi0, mi1, b':', s0, s1, b' ', b'G', b'M', b'T'] =
        *s
    else {
        return None;
    };
    let day_name = [d0, d1, d2];
    if !DAY_NAMES.iter().any(|name| name.as_bytes() == day_name) {
        return None;
    }
    let month_name = [m0, m1, m2];
    let month_index = MONTH_NAMES
        .iter()
        .position(|name| name.as_bytes() == month_name)?;
    let month = u8::try_from(month_index + 1).ok()?;
    let day = digits2(day)?;
    let year = i32::from(digits2([y0, y1])?) * 100 + i32::from(digits2([y2, y3])?);
    let hour = digits2([h0, h1])?;
    let minute = digits2([mi0, mi1])?;
    let second = digits2([s0, s1])?;
    if !(1000..=9999).contains(&year) || hour >= 24 || minute >= 60 || second >= 60 {
        return None;
    }
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    Some((year, month, day, hour, minute, second))
}

/// Two ASCII digits as a number.
fn digits2(d: [u8; 2]) -> Option<u8> {
    let [a, b] = d;
    if a.is_ascii_digit() && b.is_ascii_digit() {
        Some((a - b'0') * 10 + (b - b'0'))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // (unix seconds, werkzeug.http.http_date(datetime.fromtimestamp(t, timezone.utc)))
    // produced by werkzeug 3.1 on CPython 3.11.7.
    const HTTP_DATE_VECTORS: &[(i64, &str)] = &[
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (1, "Thu, 01 Jan 1970 00:00:01 GMT"),
        (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
        (86399, "Thu, 01 Jan 1970 23:59:59 GMT"),
        (86400, "Fri, 02 Jan 1970 00:00:00 GMT"),
        (951782400, "Tue, 29 Feb 2000 00:00:00 GMT"),
        (951868799, "Tue, 29 Feb 2000 23:59:59 GMT"),
        (1445412480, "Wed, 21 Oct 2015 07:28:00 GMT"),
        (1700000000, "Tue, 14 Nov 2023 22:13:20 GMT"),
        (2147483647, "Tue, 19 Jan 2038 03:14:07 GMT"),
        (2147483648, "Tue, 19 Jan 2038 03:14:08 GMT"),
        (-62135596800, "Mon, 01 Jan 0001 00:00:00 GMT"),
        (253402300799, "Fri, 31 Dec 9999 23:59:59 GMT"),
        (-62130499200, "Thu, 01 Mar 0001 00:00:00 GMT"),
        (-2208988800, "Mon, 01 Jan 1900 00:00:00 GMT"),
        (-11644473600, "Mon, 01 Jan 1601 00:00:00 GMT"),
        (4107542400, "Mon, 01 Mar 2100 00:00:00 GMT"),
        (253402214400, "Fri, 31 Dec 9999 00:00:00 GMT"),
        (8921326666, "Wed, 15 Sep 2252 02:17:46 GMT"),
        (198156257789, "Sat, 28 Apr 8249 04:56:29 GMT"),
        (199159343273, "Tue, 08 Feb 8281 23:47:53 GMT"),
        (239626030916, "Thu, 13 Jun 9563 10:21:56 GMT"),
        (41950062131, "Wed, 06 May 3299 03:02:11 GMT"),
        (236236913012, "Sat, 19 Jan 9456 12:43:32 GMT"),
        (242104688501, "Sat, 28 Dec 9641 14:21:41 GMT"),
        (154658689456, "Tue, 09 Dec 6870 03:04:16 GMT"),
        (63065347397, "Tue, 18 Jun 3968 00:03:17 GMT"),
        (22195487615, "Wed, 07 May 2673 05:13:35 GMT"),
        (150564846896, "Tue, 18 Mar 6741 16:34:56 GMT"),
        (-54656976999, "Thu, 28 Dec 0237 02:23:21 GMT"),
        (24038762065, "Mon, 05 Oct 2731 09:54:25 GMT"),
        (-38122006934, "Mon, 18 Dec 0761 01:37:46 GMT"),
        (87610702432, "Wed, 10 Apr 4746 18:13:52 GMT"),
        (152092272952, "Sat, 12 Aug 6789 05:35:52 GMT"),
        (173748725854, "Wed, 17 Nov 7475 14:57:34 GMT"),
        (14897161608, "Sun, 26 Jan 2442 20:26:48 GMT"),
        (139207602397, "Sat, 25 Apr 6381 02:26:37 GMT"),
        (-44537164516, "Sun, 03 Sep 0558 13:24:44 GMT"),
        (209031324667, "Mon, 09 Dec 8593 00:51:07 GMT"),
        (80530275804, "Wed, 26 Nov 4521 09:03:24 GMT"),
        (166790567567, "Thu, 20 May 7255 09:12:47 GMT"),
        (253054298757, "Wed, 21 Dec 9988 04:45:57 GMT"),
        (231429328389, "Sat, 15 Sep 9303 04:33:09 GMT"),
    ];

    #[test]
    fn http_date_matches_werkzeug() {
        for (t, expected) in HTTP_DATE_VECTORS {
            assert_eq!(http_date(*t).as_deref(), Some(*expected), "{t}");
        }
    }

    #[test]
    fn http_date_range() {
        assert!(http_date(MIN_UNIX_SECONDS).is_some());
        assert!(http_date(MAX_UNIX_SECONDS).is_some());
        assert_eq!(http_date(MIN_UNIX_SECONDS - 1), None);
        assert_eq!(http_date(MAX_UNIX_SECONDS + 1), None);
        assert_eq!(http_date(i64::MIN), None);
        assert_eq!(http_date(i64::MAX), None);
    }

    #[test]
    fn http_date_round_trips_through_parser() {
        let mut t = MIN_UNIX_SECONDS;
        while t <= MAX_UNIX_SECONDS {
            let s = http_date(t).unwrap();
            let parsed = parse_canonical_http_date(s.as_bytes());
            let year: i32 = s[12..16].parse().unwrap();
            assert_eq!(parsed.is_some(), year >= 1000, "{s}");
            if let Some((y, mo, d, h, mi, se)) = parsed {
                let date = Date::from_calendar_date(y, Month::try_from(mo).unwrap(), d).unwrap();
                let back = date.with_hms(h, mi, se).unwrap().assume_utc();
                assert_eq!(back.unix_timestamp(), t);
            }
            t += 7_777_777;
        }
    }

    // (input, werkzeug.http.parse_date(input) as a tuple or None), CPython
    // 3.11.7 + werkzeug 3.1, for inputs that the strict parser accepts or that
    // Python rejects.
    const PARSE_VECTORS: &[(&[u8], Option<HttpDateParts>)] = &[
        (
            b"Wed, 21 Oct 2015 07:28:00 GMT",
            Some((2015, 10, 21, 7, 28, 0)),
        ),
        (
            b"Mon, 21 Oct 2015 07:28:00 GMT",
            Some((2015, 10, 21, 7, 28, 0)),
        ),
        (
            b"Sun, 29 Feb 2000 23:59:59 GMT",
            Some((2000, 2, 29, 23, 59, 59)),
        ),
        (
            b"Sat, 01 Jan 1000 00:00:00 GMT",
            Some((1000, 1, 1, 0, 0, 0)),
        ),
        (
            b"Fri, 31 Dec 9999 23:59:59 GMT",
            Some((9999, 12, 31, 23, 59, 59)),
        ),
        (
            b"Thu, 28 Feb 2023 12:00:00 GMT",
            Some((2023, 2, 28, 12, 0, 0)),
        ),
        (
            b"Tue, 29 Feb 2024 00:00:00 GMT",
            Some((2024, 2, 29, 0, 0, 0)),
        ),
        (b"Wed, 29 Feb 2023 00:00:00 GMT", None),
        (b"Wed, 31 Apr 2023 00:00:00 GMT", None),
        (b"Wed, 21 Oct 2015 07:28:60 GMT", None),
        (b"Wed, 21 Oct 2015 24:00:00 GMT", None),
        (b"Wed, 00 Oct 2015 07:28:00 GMT", None),
        (b"Wed, 29 Feb 1900 07:28:00 GMT", None),
        (
            b"Wed, 29 Feb 1600 07:28:00 GMT",
            Some((1600, 2, 29, 7, 28, 0)),
        ),
        (
            b"Wed, 31 Dec 1969 23:59:59 GMT",
            Some((1969, 12, 31, 23, 59, 59)),
        ),
    ];

    #[test]
    fn parse_matches_werkzeug_where_accepted() {
        for (input, expected) in PARSE_VECTORS {
            assert_eq!(
                parse_canonical_http_date(input),
                *expected,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn parse_rejects_non_canonical_forms() {
        let rejected: &[&[u8]] = &[
            b"",
            b"Wed, 21 Oct 2015 07:28:00 GMT ",
            b" Wed, 21 Oct 2015 07:28:00 GMT",
            b"wed, 21 Oct 2015 07:28:00 GMT",
            b"Wed, 21 oct 2015 07:28:00 GMT",
            b"Wed, 21 Oct 2015 07:28:00 UTC",
            b"Wed, 21 Oct 2015 07:28:00 gmt",
            b"Wed, 1 Oct 2015 07:28:00 GMT",
            b"Wed,  1 Oct 2015 07:28:00 GMT",
            b"Wed, 21-Oct-2015 07:28:00 GMT",
            b"Wed, 21 Oct 2015 07:28:0  GMT",
            b"Wed, 21 Oct 0999 07:28:00 GMT",
            b"Wed, 21 Oct 2015 24:00:00 GMT",
            b"Wed, 21 Oct 2015 23:60:00 GMT",
            b"Wed, 21 Oct 2015 23:59:60 GMT",
            b"Wed, 00 Oct 2015 07:28:00 GMT",
            b"Wed, 32 Oct 2015 07:28:00 GMT",
            b"Wed, 31 Sep 2015 07:28:00 GMT",
            b"Wed, 29 Feb 2015 07:28:00 GMT",
            b"Wed, 29 Feb 1900 07:28:00 GMT",
            b"Wed, +1 Oct 2015 07:28:00 GMT",
            b"Wed, 21 Oct 2015 07:28:00 +0000",
            b"Wednesday, 21 Oct 2015 07:28:00 GMT",
            b"Xyz, 21 Oct 2015 07:28:00 GMT",
            b"Wed, 21 Oct 2015 07:28:00 GMT\x00",
            "Wed, 21 Oct 2015 07:28:0\u{0661} GMT".as_bytes(),
        ];
        for input in rejected {
            assert_eq!(
                parse_canonical_http_date(input),
                None,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
        assert_eq!(
            parse_canonical_http_date(b"Sun, 29 Feb 2000 23:59:59 GMT"),
            Some((2000, 2, 29, 23, 59, 59))
        );
    }
}
