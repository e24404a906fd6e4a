//! Datetimes in and out of Python: HTTP dates for the `" d"` tag and the
//! cookie's `Expires`, with the arithmetic and formatting in Rust.

use pyo3::prelude::*;
use pyo3::types::{PyDateAccess, PyDateTime, PyDelta, PyDeltaAccess, PyTimeAccess, PyTzInfoAccess};

use crate::py::errors::{guarded, Stop};
use crate::py::objects;
use crate::{expiry, http_date};

/// Seconds since the epoch of a datetime's fields read as UTC.
fn unix_seconds(dt: &Bound<'_, PyDateTime>) -> Option<i64> {
    let month = time::Month::try_from(dt.get_month()).ok()?;
    let date = time::Date::from_calendar_date(dt.get_year(), month, dt.get_day()).ok()?;
    Some(
        date.midnight().assume_utc().unix_timestamp()
            + i64::from(dt.get_hour()) * 3600
            + i64::from(dt.get_minute()) * 60
            + i64::from(dt.get_second()),
    )
}

/// `dt` as an aware UTC datetime, the way werkzeug's `_dt_as_utc` does it:
/// naive means UTC, any other zone is converted with `astimezone`.
fn as_utc<'py>(py: Python<'py>, dt: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDateTime>> {
    let d = dt.cast::<PyDateTime>()?;
    match d.get_tzinfo() {
        None => Ok(d.clone()),
        Some(tz) => {
            let utc = objects::utc(py)?;
            if tz.as_any().ne(utc)? {
                Ok(dt
                    .call_method1("astimezone", (utc,))?
                    .cast_into::<PyDateTime>()?)
            } else {
                Ok(d.clone())
            }
        }
    }
}

/// Appends `http_date(dt)` for a naive or UTC datetime (its fields read as
/// UTC); false when out of range.
pub(crate) fn write_http_date(dt: &Bound<'_, PyDateTime>, out: &mut Vec<u8>) -> bool {
    unix_seconds(dt)
        .and_then(|s| http_date::write_http_date(s, out))
        .is_some()
}

/// `werkzeug.http.http_date(dt)` for a datetime.
pub(crate) fn http_date_of(py: Python<'_>, dt: &Bound<'_, PyAny>) -> PyResult<String> {
    let utc = as_utc(py, dt)?;
    unix_seconds(&utc)
        .and_then(http_date::http_date)
        .ok_or_else(|| pyo3::exceptions::PyOverflowError::new_err("date out of range"))
}

/// `http_date(now + lifetime)` where `now` is an aware UTC datetime, or None
/// when the caller must compute it with stock code (other zones, overflow).
pub(crate) fn expires_header(
    py: Python<'_>,
    now: &Bound<'_, PyAny>,
    lifetime: &Bound<'_, PyAny>,
) -> PyResult<Option<String>> {
    guarded(
        py,
        "expires_header",
        || Ok(None),
        || expires_at_header(py, now, lifetime),
    )
}

pub(crate) fn expires_at_header(
    py: Python<'_>,
    now: &Bound<'_, PyAny>,
    lifetime: &Bound<'_, PyAny>,
) -> Result<Option<String>, Stop> {
    let (Ok(now), Ok(lifetime)) = (now.cast::<PyDateTime>(), lifetime.cast::<PyDelta>()) else {
        return Ok(None);
    };
    match now.get_tzinfo() {
        Some(tz) if tz.as_any().is(objects::utc(py)?) => {}
        _ => return Ok(None),
    }
    let Some(now_seconds) = unix_seconds(now) else {
        return Ok(None);
    };
    let at = expiry::expires_at(
        now_seconds,
        now.get_microsecond(),
        i64::from(lifetime.get_days()),
        i64::from(lifetime.get_seconds()),
        i64::from(lifetime.get_microseconds()),
    );
    Ok(at.and_then(http_date::http_date))
}
