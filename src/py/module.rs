//! The contents of `flask_fastsession._native`, added at initialisation
//! once the interpreter is known to own the module.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::py::{codec, interpreter, plan, sentinels, watch};

/// `zlib.compress(data)` as this build's own zlib computes it (used by
/// the import-time self-check), whichever deflater payloads use.
#[pyfunction]
fn compress<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    codec::compress_bytes(py, data)
}

/// What compresses payloads: "native" (this build's zlib) or
/// "interpreter" (the interpreter's `zlib.compress`, looked up now).
/// Chosen once at import by `flask_fastsession._checks`; calling it
/// again is for tests. Forgets the payload memo.
#[pyfunction]
fn set_deflater(py: Python<'_>, name: &str) -> PyResult<()> {
    crate::py::deflate::set(py, name)
}

/// The deflater in use: "native" or "interpreter".
#[pyfunction]
fn deflater() -> &'static str {
    crate::py::deflate::name()
}

/// How native `loads` decodes base64: `padding` is "ends-decoding",
/// "checked-at-end", "optional", or None when no native decoder reproduces
/// the interpreter's `base64.urlsafe_b64decode` (stock code then answers
/// every `loads`); `warns_on_plus_slash` hands input with `+` or `/` to stock
/// code. Chosen once at import by `flask_fastsession._checks`; calling it
/// again is for tests. Forgets the JSON memo.
#[pyfunction]
#[pyo3(signature = (padding, warns_on_plus_slash))]
fn set_base64_mode(padding: Option<&str>, warns_on_plus_slash: bool) -> PyResult<()> {
    crate::py::b64mode::set(padding, warns_on_plus_slash)
}

/// `(padding, warns_on_plus_slash)` as `set_base64_mode` took them;
/// `(None, False)` while no mode is set.
#[pyfunction]
fn base64_mode() -> (Option<&'static str>, bool) {
    crate::py::b64mode::describe()
}

/// `http_date(now + lifetime)` for an aware UTC `now` and a timedelta, or
/// None when stock code must compute it.
#[pyfunction]
fn expires_header(
    py: Python<'_>,
    now: &Bound<'_, PyAny>,
    lifetime: &Bound<'_, PyAny>,
) -> PyResult<Option<String>> {
    crate::py::time::expires_header(py, now, lifetime)
}

/// Turns the payload memo on or off (off also forgets it).
#[pyfunction]
fn set_payload_memo(enabled: bool) {
    crate::payload::set_memo_enabled(enabled);
}

/// Whether the payload memo is on.
#[pyfunction]
fn payload_memo_enabled() -> bool {
    crate::payload::memo_enabled()
}

/// How the session plans answered so far: `(answer, calls)` for every
/// kind of answer (`flask_fastsession.plan_answers()` adds Python's).
#[pyfunction]
fn plan_counts() -> Vec<(&'static str, u64)> {
    plan::plan_counts()
}

/// Sets the counts of `plan_counts` to 0.
#[pyfunction]
fn clear_plan_counts() {
    plan::clear_plan_counts();
}

/// The native caches: `(name, entries, capacity, bytes held)` for each
/// (bytes are counted for the memos only; the key cache holds Python str
/// objects of at most 40 characters).
#[pyfunction]
fn native_caches() -> Vec<(&'static str, usize, usize, usize)> {
    let memo = |name, m: &crate::memo::Memo| (name, m.len(), m.capacity(), m.used());
    let (keys, key_slots) = crate::py::keys::key_cache_usage();
    vec![
        memo("payload memo", &crate::payload::PAYLOAD_MEMO),
        memo("json memo", &crate::payload::JSON_MEMO),
        ("object keys", keys, key_slots, 0),
    ]
}

/// Empties the native caches (the memos stay on or off as they were).
#[pyfunction]
fn clear_native_caches() {
    crate::payload::PAYLOAD_MEMO.clear();
    crate::payload::JSON_MEMO.clear();
    crate::py::keys::key_cache_clear();
}

/// `(owner, current)`: the ID of the interpreter whose import initialised
/// this module first, and of the calling interpreter. The module serves only
/// its owner; anywhere else it exports only this function and its version.
#[pyfunction]
fn interpreter_ids(py: Python<'_>) -> PyResult<(i64, i64)> {
    interpreter::ids(py)
}

/// Fills the module. Everything is added here, after the interpreter check,
/// rather than exported declaratively: adding a class or a sentinel reaches
/// the process-wide statics, which belong to the owning interpreter.
pub(crate) fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add(
        "BUILD_PROFILE",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    )?;
    m.add_function(wrap_pyfunction!(interpreter_ids, m)?)?;
    // The library's own report, no Python object: useful in every interpreter.
    m.add("ZLIB_RUNTIME_VERSION", crate::py::deflate::zlib_version())?;
    m.add("ZLIB_LINKAGE", env!("FASTSESSION_ZLIB_LINKAGE"))?;
    let (owner, current) = interpreter::claim(py)?;
    if owner != current {
        return Ok(());
    }
    m.add_class::<codec::SessionCodec>()?;
    m.add_class::<sentinels::Fallback>()?;
    m.add_class::<sentinels::Invalid>()?;
    m.add_class::<watch::DictWatch>()?;
    m.add_class::<plan::SessionPlan>()?;
    m.add_class::<sentinels::Stale>()?;
    m.add_function(wrap_pyfunction!(compress, m)?)?;
    m.add_function(wrap_pyfunction!(set_deflater, m)?)?;
    m.add_function(wrap_pyfunction!(deflater, m)?)?;
    m.add_function(wrap_pyfunction!(set_base64_mode, m)?)?;
    m.add_function(wrap_pyfunction!(base64_mode, m)?)?;
    m.add_function(wrap_pyfunction!(expires_header, m)?)?;
    m.add_function(wrap_pyfunction!(set_payload_memo, m)?)?;
    m.add_function(wrap_pyfunction!(payload_memo_enabled, m)?)?;
    m.add_function(wrap_pyfunction!(native_caches, m)?)?;
    m.add_function(wrap_pyfunction!(plan_counts, m)?)?;
    m.add_function(wrap_pyfunction!(clear_plan_counts, m)?)?;
    m.add_function(wrap_pyfunction!(clear_native_caches, m)?)?;
    m.add("FALLBACK", sentinels::fallback(py)?)?;
    m.add("INVALID", sentinels::invalid(py)?)?;
    m.add("STALE", sentinels::stale(py)?)?;
    Ok(())
}
