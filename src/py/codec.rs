//! `SessionCodec`: the signing serializer for one list of secret keys.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyString};

use std::sync::LazyLock;

use crate::compress;
use crate::encoding::{itsdangerous_b64decode, urlsafe_b64encode_into};
use crate::memo::Memo;
use crate::py::dumps::{Dumper, Options};
use crate::py::errors::{swallowed_by_open_session, unsign_error, MAX_DATETIME_TS};
use crate::py::{deflate, loads, objects};
use crate::signing::Keys;

/// The URL-safe timed signing serializer Flask builds per call, built once
/// per key list: `dumps` and `loads` of the session cookie value.
#[pyclass(frozen, module = "flask_fastsession._native")]
pub(crate) struct SessionCodec {
    keys: Keys,
}

/// A secret key as itsdangerous's `want_bytes` sees it (str → UTF-8).
fn key_bytes(key: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(b) = key.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(s) = key.cast::<PyString>() {
        return Ok(s.to_str()?.as_bytes().to_vec());
    }
    Err(pyo3::exceptions::PyTypeError::new_err(
        "secret keys must be str or bytes",
    ))
}

/// JSON bytes → payload segment, for sessions re-saved unchanged.
pub(crate) static PAYLOAD_MEMO: LazyLock<Memo> = LazyLock::new(|| Memo::new(MEMO_SLOTS));
/// Verified payload segment → JSON bytes, for cookies loaded again.
pub(crate) static JSON_MEMO: LazyLock<Memo> = LazyLock::new(|| Memo::new(MEMO_SLOTS));
const MEMO_SLOTS: usize = 256;

/// `payload` (the JSON) as the cookie's first segment: zlib-compressed with a
/// leading "." when that is shorter by more than one byte, URL-safe base64.
pub(crate) fn encode_payload(json: &[u8], out: &mut Vec<u8>) -> PyResult<()> {
    if PAYLOAD_MEMO.get_into(json, out) {
        return Ok(());
    }
    let start = out.len();
    encode_payload_uncached(json, out)?;
    PAYLOAD_MEMO.insert(json, out.get(start..).unwrap_or_default());
    Ok(())
}

fn encode_payload_uncached(json: &[u8], out: &mut Vec<u8>) -> PyResult<()> {
    let mut compressed = Vec::with_capacity(json.len() / 2 + 64);
    deflate::compress_into(json, &mut compressed)?;
    if compressed.len() + 1 < json.len() {
        out.push(b'.');
        urlsafe_b64encode_into(&compressed, out);
    } else {
        urlsafe_b64encode_into(json, out);
    }
    Ok(())
}

/// The JSON text inside a verified payload segment, or None (stock decides).
fn decode_payload(payload: &[u8]) -> Option<Vec<u8>> {
    let mut json = Vec::new();
    if JSON_MEMO.get_into(payload, &mut json) {
        return Some(json);
    }
    let json = decode_payload_uncached(payload)?;
    JSON_MEMO.insert(payload, &json);
    Some(json)
}

fn decode_payload_uncached(payload: &[u8]) -> Option<Vec<u8>> {
    match payload.strip_prefix(b".") {
        Some(rest) => {
            let raw = itsdangerous_b64decode(rest).ok()?;
            compress::decompress(&raw).ok()
        }
        None => itsdangerous_b64decode(payload).ok(),
    }
}

/// Runs `f`; a panic (a bug, never expected) becomes the fallback sentinel,
/// so stock code answers the call instead of a `PanicException` escaping.
fn guarded<'py>(
    py: Python<'py>,
    f: impl FnOnce() -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(_) => objects::fallback(py).cloned(),
    }
}

#[pymethods]
impl SessionCodec {
    /// Keys oldest first, the current key last (itsdangerous's order).
    #[new]
    fn new(secret_keys: Vec<Bound<'_, PyAny>>) -> PyResult<Self> {
        let owned = secret_keys
            .iter()
            .map(key_bytes)
            .collect::<PyResult<Vec<_>>>()?;
        let refs: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
        let keys = Keys::new(&refs)
            .ok_or_else(|| pyo3::exceptions::PyValueError::new_err("no secret key"))?;
        Ok(SessionCodec { keys })
    }

    /// The signed cookie value for `obj`, or the fallback sentinel when stock
    /// code must produce it.
    #[pyo3(signature = (obj, timestamp, sort_keys, ensure_ascii, default))]
    fn dumps<'py>(
        &self,
        py: Python<'py>,
        obj: &Bound<'py, PyAny>,
        timestamp: &Bound<'py, PyAny>,
        sort_keys: &Bound<'py, PyAny>,
        ensure_ascii: &Bound<'py, PyAny>,
        default: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, || {
            self.dumps_inner(py, obj, timestamp, sort_keys, ensure_ascii, default)
        })
    }

    /// `dumps` with the options of a Flask JSON provider (its `sort_keys`,
    /// `ensure_ascii` and `default`), or Flask's no-app-context defaults
    /// (`sort_keys=False`, `ensure_ascii=True`, `flask.json.provider._default`)
    /// when `provider` is None.
    #[pyo3(signature = (obj, timestamp, provider))]
    fn dumps_for<'py>(
        &self,
        py: Python<'py>,
        obj: &Bound<'py, PyAny>,
        timestamp: &Bound<'py, PyAny>,
        provider: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, || {
            if provider.is_none() {
                let no = PyBool::new(py, false);
                let yes = PyBool::new(py, true);
                let default = objects::flask_default(py)?;
                self.dumps_inner(py, obj, timestamp, no.as_any(), yes.as_any(), default)
            } else {
                let sort_keys = provider.getattr(intern!(py, "sort_keys"))?;
                let ensure_ascii = provider.getattr(intern!(py, "ensure_ascii"))?;
                let default = provider.getattr(intern!(py, "default"))?;
                self.dumps_inner(py, obj, timestamp, &sort_keys, &ensure_ascii, &default)
            }
        })
    }

    /// The session data in `value`, raising stock's itsdangerous exception
    /// for a bad signature. With `quiet`, a bad signature returns the
    /// `invalid` sentinel instead (what `open_session` needs). Returns the
    /// fallback sentinel when stock code must decide.
    #[pyo3(signature = (value, max_age, now, quiet))]
    fn loads<'py>(
        &self,
        py: Python<'py>,
        value: &Bound<'py, PyAny>,
        max_age: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        quiet: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, || self.loads_inner(py, value, max_age, now, quiet))
    }
}

impl SessionCodec {
    fn dumps_inner<'py>(
        &self,
        py: Python<'py>,
        obj: &Bound<'py, PyAny>,
        timestamp: &Bound<'py, PyAny>,
        sort_keys: &Bound<'py, PyAny>,
        ensure_ascii: &Bound<'py, PyAny>,
        default: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let Ok(ts) = timestamp.extract::<u64>() else {
            return Ok(objects::fallback(py)?.clone());
        };
        let opts = Options {
            sort_keys: sort_keys.is_truthy()?,
            ensure_ascii: ensure_ascii.is_truthy()?,
            default,
        };
        let mut json = Vec::with_capacity(256);
        if Dumper::new(py, opts, &mut json).tagged(obj).is_err() {
            return Ok(objects::fallback(py)?.clone());
        }
        let mut payload = Vec::with_capacity(json.len() + 8);
        encode_payload(&json, &mut payload)?;
        let mut out = Vec::with_capacity(payload.len() + 48);
        self.keys.sign_into(&payload, ts, &mut out);
        // The signed value is ASCII by construction.
        let text = std::str::from_utf8(&out)
            .map_err(|_| pyo3::exceptions::PyRuntimeError::new_err("non-ASCII cookie"))?;
        Ok(PyString::new(py, text).into_any())
    }

    fn loads_inner<'py>(
        &self,
        py: Python<'py>,
        value: &Bound<'py, PyAny>,
        max_age: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        quiet: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let fallback = || objects::fallback(py).cloned();
        let bytes: &[u8] = if let Ok(s) = value.cast::<PyString>() {
            match s.to_str() {
                Ok(s) => s.as_bytes(),
                Err(_) => return fallback(),
            }
        } else if let Ok(b) = value.cast::<PyBytes>() {
            b.as_bytes()
        } else {
            return fallback();
        };
        let max_age = if max_age.is_none() {
            None
        } else if !max_age.is_exact_instance_of::<pyo3::types::PyInt>() {
            // A bool or int subclass formats differently in stock's messages.
            return fallback();
        } else {
            match max_age.extract::<i64>() {
                Ok(m) => Some(m),
                Err(_) => return fallback(),
            }
        };
        let Ok(now) = now.extract::<i64>() else {
            return fallback();
        };
        match self.keys.unsign(bytes, max_age, now) {
            Ok(unsigned) => {
                if unsigned.timestamp > MAX_DATETIME_TS {
                    return fallback();
                }
                let Some(json) = decode_payload(unsigned.payload) else {
                    return fallback();
                };
                let Ok(text) = std::str::from_utf8(&json) else {
                    return fallback();
                };
                match loads::loads_tagged(py, text) {
                    Some(v) => Ok(v),
                    None => fallback(),
                }
            }
            Err(err) => {
                if quiet {
                    if swallowed_by_open_session(&err) {
                        Ok(objects::invalid(py)?.clone())
                    } else {
                        fallback()
                    }
                } else {
                    Err(unsign_error(py, &err))
                }
            }
        }
    }
}
