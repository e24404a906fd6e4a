//! `SessionCodec`: the signing serializer for one list of secret keys.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyString};

use crate::buf;
use crate::compress;
use crate::limits::MAX_TIMESTAMP;
use crate::payload;
use crate::py::dumps::{Dumper, Options};
use crate::py::errors::{guarded, swallowed_by_open_session, unsign_error, Stop};
use crate::py::{b64mode, deflate, loads, objects, sentinels};
use crate::signing::{Keys, UnsignError};

/// The URL-safe timed signing serializer Flask builds per call, built once
/// per key list: `dumps_for` and `loads` of the session cookie value.
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

/// `zlib.compress(data)` as this build computes it (for the import-time
/// self-check); a buffer that cannot grow, or a panic, is answered by the
/// interpreter's own `zlib.compress`.
pub(crate) fn compress_bytes<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    guarded(
        py,
        "compress",
        || {
            let zlib = py.import("zlib")?;
            Ok(zlib
                .call_method1("compress", (PyBytes::new(py, data),))?
                .cast_into::<PyBytes>()?)
        },
        || {
            let mut out = buf::with_capacity(data.len() / 2 + 64)?;
            compress::compress_into(data, &mut out)?;
            Ok(objects::new_bytes(py, &out)?)
        },
    )
}

/// The fallback sentinel: stock code answers the call.
fn fallback(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    sentinels::fallback(py).cloned()
}

#[pymethods]
impl SessionCodec {
    /// Keys oldest first, the current key last (itsdangerous's order).
    #[new]
    #[allow(clippy::needless_pass_by_value)] // pyo3 extracts the list into a Vec
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

    /// The signed cookie value for `obj`, written with the options of a
    /// Flask JSON provider (its `sort_keys`, `ensure_ascii` and `default`),
    /// or Flask's no-app-context defaults (`sort_keys=False`,
    /// `ensure_ascii=True`, `flask.json.provider._default`) when `provider`
    /// is None; the fallback sentinel when stock code must produce it.
    #[pyo3(signature = (obj, timestamp, provider))]
    fn dumps_for<'py>(
        &self,
        py: Python<'py>,
        obj: &Bound<'py, PyAny>,
        timestamp: &Bound<'py, PyAny>,
        provider: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guarded(
            py,
            "SessionCodec.dumps_for",
            || fallback(py),
            || self.dumps_for_provider(py, obj, timestamp, provider),
        )
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
        guarded(
            py,
            "SessionCodec.loads",
            || fallback(py),
            || self.loads_inner(py, value, max_age, now, quiet),
        )
    }

    /// Makes the next native call panic (test builds only: the `testing`
    /// cargo feature).
    #[cfg(feature = "testing")]
    #[staticmethod]
    fn _panic_next_call() {
        crate::py::errors::testing::panic_next_call();
    }

    /// Forgets that the internal-error warning was issued, so the next
    /// internal error warns again (test builds only).
    #[cfg(feature = "testing")]
    #[staticmethod]
    fn _reset_internal_error_warning() {
        crate::py::errors::testing::reset_warning();
    }
}

impl SessionCodec {
    /// `dumps_for`'s body: the provider's options (or the no-app defaults).
    pub(crate) fn dumps_for_provider<'py>(
        &self,
        py: Python<'py>,
        obj: &Bound<'py, PyAny>,
        timestamp: &Bound<'py, PyAny>,
        provider: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyAny>, Stop> {
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
    }

    fn dumps_inner<'py>(
        &self,
        py: Python<'py>,
        obj: &Bound<'py, PyAny>,
        timestamp: &Bound<'py, PyAny>,
        sort_keys: &Bound<'py, PyAny>,
        ensure_ascii: &Bound<'py, PyAny>,
        default: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyAny>, Stop> {
        let ts = timestamp.extract::<u64>().map_err(|_| Stop::Stock)?;
        let opts = Options {
            sort_keys: sort_keys.is_truthy()?,
            ensure_ascii: ensure_ascii.is_truthy()?,
            default,
        };
        let mut json = buf::with_capacity(256)?;
        Dumper::new(py, opts, &mut json).tagged(obj)?;
        let mut segment = buf::with_capacity(json.len() + 8)?;
        payload::encode_memo_into(&json, &mut segment, deflate::compress_into)?;
        drop(json);
        let mut out = buf::with_capacity(segment.len() + 48)?;
        self.keys.sign_into(&segment, ts, &mut out)?;
        drop(segment);
        let text = std::str::from_utf8(&out).expect("a signed value is ASCII");
        Ok(objects::new_str(py, text)?.into_any())
    }

    pub(crate) fn loads_inner<'py>(
        &self,
        py: Python<'py>,
        value: &Bound<'py, PyAny>,
        max_age: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        quiet: bool,
    ) -> Result<Bound<'py, PyAny>, Stop> {
        let bytes: &[u8] = if let Ok(s) = value.cast::<PyString>() {
            s.to_str().map_err(|_| Stop::Stock)?.as_bytes()
        } else if let Ok(b) = value.cast::<PyBytes>() {
            b.as_bytes()
        } else {
            return Err(Stop::Stock);
        };
        let max_age = if max_age.is_none() {
            None
        } else if !max_age.is_exact_instance_of::<pyo3::types::PyInt>() {
            // A bool or int subclass formats differently in stock's messages.
            return Err(Stop::Stock);
        } else {
            Some(max_age.extract::<i64>().map_err(|_| Stop::Stock)?)
        };
        let now = now.extract::<i64>().map_err(|_| Stop::Stock)?;
        // No native decoder reproduces this interpreter's base64: stock decodes.
        let mode = b64mode::get().ok_or(Stop::Stock)?;
        match self.keys.unsign(bytes, max_age, now, mode) {
            Ok(unsigned) => {
                if unsigned.timestamp > MAX_TIMESTAMP {
                    return Err(Stop::Stock);
                }
                // Stock code decides about a segment that does not decode (or
                // that the interpreter's decoder would warn about).
                let json = payload::decode_memo(unsigned.payload, mode).ok_or(Stop::Stock)?;
                let text = std::str::from_utf8(&json).map_err(|_| Stop::Stock)?;
                loads::loads_tagged(py, text)
            }
            // Stock decodes a segment the interpreter's decoder warns about.
            Err(UnsignError::Deferred) => Err(Stop::Stock),
            Err(err) => {
                if quiet {
                    if swallowed_by_open_session(&err) {
                        Ok(sentinels::invalid(py)?.clone())
                    } else {
                        Err(Stop::Stock)
                    }
                } else {
                    // Stock's own exception (or whatever building it raised).
                    Err(Stop::Raise(unsign_error(py, &err)))
                }
            }
        }
    }
}
