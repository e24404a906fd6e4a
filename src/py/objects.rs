//! Python objects the native code needs, imported once per process, in the
//! interpreter that owns the module (see `interpreter.rs`).

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyString};

/// Imports `module.name` once and returns it, borrowed for `'py`.
macro_rules! cached_attr {
    ($fn_name:ident, $module:literal, $attr:literal) => {
        pub(crate) fn $fn_name(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
            static CELL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
            CELL.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
                Ok(py.import($module)?.getattr($attr)?.unbind())
            })
            .map(|o| o.bind(py))
        }
    };
}

cached_attr!(bad_signature, "itsdangerous.exc", "BadSignature");
cached_attr!(bad_time_signature, "itsdangerous.exc", "BadTimeSignature");
cached_attr!(signature_expired, "itsdangerous.exc", "SignatureExpired");
cached_attr!(bad_payload, "itsdangerous.exc", "BadPayload");
cached_attr!(uuid_class, "uuid", "UUID");
cached_attr!(markup_class, "markupsafe", "Markup");
cached_attr!(parse_date, "werkzeug.http", "parse_date");
cached_attr!(b64decode, "base64", "b64decode");
cached_attr!(flask_default, "flask.json.provider", "_default");

/// A new str holding `s`; `MemoryError` (never a panic, unlike
/// `PyString::new`) when it cannot be allocated, as sizes come from the input.
pub(crate) fn new_str<'py>(py: Python<'py>, s: &str) -> PyResult<Bound<'py, PyString>> {
    PyString::from_bytes(py, s.as_bytes())
}

/// A new bytes object holding `b`; `MemoryError` (never a panic, unlike
/// `PyBytes::new`) when it cannot be allocated.
pub(crate) fn new_bytes<'py>(py: Python<'py>, b: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    PyBytes::new_with(py, b.len(), |dst| {
        dst.copy_from_slice(b);
        Ok(())
    })
}

/// `uuid.SafeUUID.unknown`, what `UUID(hex)` stores in `is_safe`.
pub(crate) fn safe_uuid_unknown(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static CELL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    CELL.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py
            .import("uuid")?
            .getattr("SafeUUID")?
            .getattr("unknown")?
            .unbind())
    })
    .map(|o| o.bind(py))
}

/// The interpreter's own `datetime.datetime` (never a patched stand-in).
pub(crate) fn datetime_class(py: Python<'_>) -> Bound<'_, PyAny> {
    py.get_type::<pyo3::types::PyDateTime>().into_any()
}

/// Whether `datetime.datetime` is still the interpreter's own class (time
/// freezers such as freezegun replace it, and stock code then builds their
/// subclass).
pub(crate) fn datetime_is_real(py: Python<'_>) -> PyResult<bool> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let module = MODULE.get_or_try_init(py, || -> PyResult<Py<PyModule>> {
        Ok(py.import("datetime")?.unbind())
    })?;
    let current = module.bind(py).getattr("datetime")?;
    Ok(current.is(datetime_class(py)))
}

/// `datetime.timezone.utc`.
pub(crate) fn utc(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static CELL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    CELL.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py
            .import("datetime")?
            .getattr("timezone")?
            .getattr("utc")?
            .unbind())
    })
    .map(|o| o.bind(py))
}
