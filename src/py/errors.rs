//! The one place where the signing core's errors become itsdangerous's own
//! exceptions, with stock's messages and attributes.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::py::objects;
use crate::signing::UnsignError;

/// Latest Unix timestamp `datetime.fromtimestamp(ts, tz=utc)` accepts (9999-12-31T23:59:59).
pub(crate) const MAX_DATETIME_TS: u64 = 253_402_300_799;

/// `TimestampSigner.timestamp_to_datetime(ts)`; raises what stock raises.
/// Uses the `datetime` name itsdangerous sees now, so a patched clock
/// (freezegun) gives the same class as in stock.
fn timestamp_to_datetime<'py>(py: Python<'py>, ts: u64) -> PyResult<Bound<'py, PyAny>> {
    py.import("itsdangerous.timed")?
        .getattr("datetime")?
        .call_method1("fromtimestamp", (ts, objects::utc(py)?))
}

fn raise(
    py: Python<'_>,
    class: &Bound<'_, PyAny>,
    message: String,
    payload: Option<&[u8]>,
    date_signed: Option<Bound<'_, PyAny>>,
) -> PyResult<PyErr> {
    let kwargs = PyDict::new(py);
    if let Some(p) = payload {
        kwargs.set_item("payload", PyBytes::new(py, p))?;
    }
    if let Some(d) = date_signed {
        kwargs.set_item("date_signed", d)?;
    }
    Ok(PyErr::from_value(class.call((message,), Some(&kwargs))?))
}

fn sig_mismatch_message(py: Python<'_>, sig: &[u8]) -> PyResult<String> {
    Ok(format!(
        "Signature {} does not match",
        PyBytes::new(py, sig).repr()?.to_str()?
    ))
}

/// The exception stock's `URLSafeTimedSerializer.loads` raises for `err`.
pub(crate) fn unsign_error(py: Python<'_>, err: &UnsignError<'_>) -> PyErr {
    build(py, err).unwrap_or_else(|e| e)
}

fn build(py: Python<'_>, err: &UnsignError<'_>) -> PyResult<PyErr> {
    match *err {
        UnsignError::NoSeparator => raise(
            py,
            objects::bad_signature(py)?,
            "No b'.' found in value".to_owned(),
            None,
            None,
        ),
        UnsignError::BadSignature { value, sig } => raise(
            py,
            objects::bad_signature(py)?,
            sig_mismatch_message(py, sig)?,
            Some(value),
            None,
        ),
        UnsignError::BadTimeSignature {
            payload,
            sig,
            timestamp,
        } => {
            let class = objects::bad_time_signature(py)?;
            let date_signed = match timestamp {
                None => None,
                Some(ts) => match timestamp_to_datetime(py, ts) {
                    Ok(d) => Some(d),
                    Err(e)
                        if e.is_instance_of::<pyo3::exceptions::PyValueError>(py)
                            || e.is_instance_of::<pyo3::exceptions::PyOSError>(py)
                            || e.is_instance_of::<pyo3::exceptions::PyOverflowError>(py) =>
                    {
                        let new = raise(
                            py,
                            class,
                            "Malformed timestamp".to_owned(),
                            Some(payload),
                            None,
                        )?;
                        new.set_cause(py, Some(e));
                        return Ok(new);
                    }
                    Err(e) => return Err(e),
                },
            };
            raise(
                py,
                class,
                sig_mismatch_message(py, sig)?,
                Some(payload),
                date_signed,
            )
        }
        UnsignError::TimestampMissing { value } => raise(
            py,
            objects::bad_time_signature(py)?,
            "timestamp missing".to_owned(),
            Some(value),
            None,
        ),
        UnsignError::MalformedTimestamp { payload } => raise(
            py,
            objects::bad_time_signature(py)?,
            "Malformed timestamp".to_owned(),
            Some(payload),
            None,
        ),
        UnsignError::Expired {
            payload,
            timestamp,
            age,
            max_age,
        } => {
            let message = if i128::from(max_age) < age {
                format!("Signature age {age} > {max_age} seconds")
            } else {
                format!("Signature age {age} < 0 seconds")
            };
            // Stock computes date_signed here; out-of-range timestamps raise
            // datetime's own error out of loads(), as they do in stock.
            let date_signed = timestamp_to_datetime(py, timestamp)?;
            raise(
                py,
                objects::signature_expired(py)?,
                message,
                Some(payload),
                Some(date_signed),
            )
        }
    }
}

/// Whether stock's `open_session` swallows `err` (every `BadSignature`),
/// rather than letting an error from building it escape.
pub(crate) fn swallowed_by_open_session(err: &UnsignError<'_>) -> bool {
    match *err {
        UnsignError::Expired { timestamp, .. } => timestamp <= MAX_DATETIME_TS,
        _ => true,
    }
}
