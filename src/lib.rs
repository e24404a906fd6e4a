//! flask-fastsession's native core.
//!
//! The pure-Rust modules know nothing of Python and carry their own unit
//! tests: [`signing`] (itsdangerous's timed HMAC-SHA1 signer with Flask's
//! parameters), [`encoding`] (base64 as itsdangerous and CPython do it),
//! [`compress`] (zlib, byte-identical to CPython's `zlib.compress`),
//! [`expiry`] (HTTP dates), [`json`] (CPython-compatible JSON writer and
//! parser) and [`memo`] (the bounded payload memo), with [`buf`] (fallible
//! growth of input-sized buffers) and [`limits`] (limits shared by all of
//! them). The `py` module is the only place that touches Python objects.

pub mod buf;
pub mod compress;
pub mod encoding;
pub mod expiry;
pub mod json;
pub mod limits;
pub mod memo;
pub mod signing;

mod py;

use pyo3::prelude::*;

// The dict walker reads dicts with `PyDict_Next`, which needs the GIL's
// protection against concurrent mutation; free-threaded builds keep the GIL
// on for this module.
#[pymodule(gil_used = true)]
#[pyo3(name = "_native")]
mod native {
    use pyo3::prelude::*;
    use pyo3::types::PyBytes;

    #[pymodule_export]
    use crate::py::codec::SessionCodec;

    #[pymodule_export]
    use crate::py::objects::{Fallback, Invalid};

    /// `zlib.compress(data)` as this build computes it (used by the import-time self-check).
    #[pyfunction]
    fn compress<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
        crate::py::codec::compress_bytes(py, data)
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
        crate::py::codec::PAYLOAD_MEMO.set_enabled(enabled);
        crate::py::codec::JSON_MEMO.set_enabled(enabled);
    }

    /// Whether the payload memo is on.
    #[pyfunction]
    fn payload_memo_enabled() -> bool {
        crate::py::codec::PAYLOAD_MEMO.is_enabled()
    }

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
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
        m.add("FALLBACK", crate::py::objects::fallback(py)?)?;
        m.add("INVALID", crate::py::objects::invalid(py)?)?;
        Ok(())
    }
}
