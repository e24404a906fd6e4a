//! Cookie expiry times as Flask and CPython compute them.
//!
//! * [`expires_at`]: `datetime.now(timezone.utc) + PERMANENT_SESSION_LIFETIME`,
//!   truncated to whole seconds the way `http_date` drops microseconds
//!   (the date itself is written by [`crate::http_date`]).

use crate::limits::{MAX_UNIX_SECONDS, MIN_UNIX_SECONDS};

const MICROS_PER_SECOND: i128 = 1_000_000;
const SECONDS_PER_DAY: i128 = 86_400;

/// `now + timedelta(days, seconds, microseconds)` floored to whole seconds, as
/// Python's `datetime` arithmetic gives it (microseconds carry into seconds:
/// 0.9 s + 0.2 s is one more second) and `http_date` then truncates it.
///
/// `now` is `now_unix_seconds` plus `now_micros` microseconds. Returns `None`
/// when the exact result lies outside the years 1..=9999 (where Python raises
/// `OverflowError: date value out of range`).
pub fn expires_at(
    now_unix_seconds: i64,
    now_micros: u32,
    lifetime_days: i64,
    lifetime_seconds: i64,
    lifetime_micros: i64,
) -> Option<i64> {
    let total_micros = (i128::from(now_unix_seconds) * MICROS_PER_SECOND)
        + i128::from(now_micros)
        + (i128::from(lifetime_days) * SECONDS_PER_DAY * MICROS_PER_SECOND)
        + (i128::from(lifetime_seconds) * MICROS_PER_SECOND)
        + i128::from(lifetime_micros);
    let seconds = total_micros.div_euclid(MICROS_PER_SECOND);
    // The whole datetime is in range exactly when its floor is: the last
    // valid instant, 9999-12-31 23:59:59.999999, floors to MAX_UNIX_SECONDS.
    let seconds = i64::try_from(seconds).ok()?;
    (MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS)
        .contains(&seconds)
        .then_some(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    // (now seconds, now micros, days, seconds, micros, expected unix seconds
    // or None) computed with CPython 3.11.7:
    //   int((datetime.fromtimestamp(now, timezone.utc).replace(microsecond=us)
    //        + timedelta(days, seconds, micros)).timestamp() // 1)
    // None where Python raises OverflowError.
    type ExpiresCase = (i64, u32, i64, i64, i64, Option<i64>);
    const EXPIRES_VECTORS: &[ExpiresCase] = &[
        (1700000000, 900000, 0, 0, 200000, Some(1700000001)),
        (1700000000, 999999, 0, 0, 1, Some(1700000001)),
        (1700000000, 0, 31, 0, 0, Some(1702678400)),
        (1700000000, 123456, 0, 86399, 999999, Some(1700086400)),
        (1700000000, 500000, -1, 86399, 500000, Some(1700000000)),
        (0, 0, -1, 0, 0, Some(-86400)),
        (0, 1, -1, 0, 0, Some(-86400)),
        (-1, 999999, 0, 0, 0, Some(-1)),
        (253402300799, 999999, 0, 0, 0, Some(253402300799)),
        (253402300799, 0, 0, 1, 0, None),
        (253402300799, 999999, 0, 0, 1, None),
        (-62135596800, 0, 0, 0, 0, Some(-62135596800)),
        (-62135596800, 0, -1, 86399, 999999, None),
        (-62135596800, 1, -1, 86399, 999999, Some(-62135596800)),
        (1700000000, 0, 999999999, 86399, 999999, None),
        (1700000000, 0, -999999999, 0, 0, None),
        (
            1700000000,
            250000,
            2913221,
            6398,
            749999,
            Some(253402300798),
        ),
        (
            1700000000,
            250000,
            2913221,
            6398,
            750000,
            Some(253402300799),
        ),
        (1700000000, 0, 2913221, 6399, 999999, Some(253402300799)),
        (1700000000, 1, 2913221, 6399, 999999, None),
        (1700000000, 0, 2913222, 0, 0, None),
        (1700000000, 0, -19676, 0, 0, Some(-6400)),
        (1700000000, 0, -738837, 0, 0, Some(-62135516800)),
        (1700000000, 0, -738838, 0, 0, None),
        (1700000000, 0, -738838, 6399, 999999, None),
        (1700000000, 0, -738838, 6400, 0, Some(-62135596800)),
    ];

    #[test]
    fn expires_at_matches_python() {
        for &(now, us, d, s, m, expected) in EXPIRES_VECTORS {
            assert_eq!(
                expires_at(now, us, d, s, m),
                expected,
                "{now} {us} {d} {s} {m}"
            );
        }
    }

    #[test]
    fn expires_at_extremes_do_not_overflow() {
        assert_eq!(
            expires_at(i64::MAX, u32::MAX, i64::MAX, i64::MAX, i64::MAX),
            None
        );
        assert_eq!(expires_at(i64::MIN, 0, i64::MIN, i64::MIN, i64::MIN), None);
        assert_eq!(expires_at(0, 900_000, 0, 0, 200_000), Some(1));
        assert_eq!(expires_at(0, 0, 0, 0, -1), Some(-1));
    }
}
