//! Which zlib compresses the cookie payloads.
//!
//! Only the exact zlib the interpreter runs reproduces `zlib.compress` byte
//! for byte. `flask_fastsession._checks` compares this build's deflate with
//! the interpreter's at import and calls [`set`] once:
//!
//! - "native": they agree, payloads are compressed in Rust
//!   ([`crate::compress::compress_into`]);
//! - "interpreter": they differ (a wheel with a bundled zlib, an interpreter
//!   with its own, a zlib-ng system library), so payloads are compressed by
//!   calling the interpreter's own `zlib.compress`. Everything else (tagged
//!   JSON, base64, signing, loading) stays native.
//!
//! Inflating is deterministic (every zlib reads every valid stream the same
//! way), so loads use the native inflate in both modes.

use std::sync::{Mutex, PoisonError};

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::buf;
use crate::compress;
use crate::payload::PAYLOAD_MEMO;
use crate::py::errors::Stop;
use crate::py::objects;

/// The interpreter's `zlib.compress` while payloads go through it; `None`
/// while this build's zlib compresses them. The one setting of this module.
static INTERPRETER_COMPRESS: Mutex<Option<Py<PyAny>>> = Mutex::new(None);

/// Appends `zlib.compress(data)` to `out`, computed by the deflater chosen
/// with [`set`]. An exception `zlib.compress` raised is the one stock code
/// would raise too; a native buffer that cannot grow hands the call to stock.
pub(crate) fn compress_into(data: &[u8], out: &mut Vec<u8>) -> Result<(), Stop> {
    let interpreter = INTERPRETER_COMPRESS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .is_some();
    if !interpreter {
        compress::compress_into(data, out)?;
        return Ok(());
    }
    Python::attach(|py| {
        let function = INTERPRETER_COMPRESS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|f| f.clone_ref(py));
        match function {
            Some(f) => {
                let compressed = f.bind(py).call1((objects::new_bytes(py, data)?,))?;
                buf::extend(out, compressed.cast::<PyBytes>()?.as_bytes())?;
            }
            None => compress::compress_into(data, out)?,
        }
        Ok(())
    })
}

/// Chooses the deflater: "native" or "interpreter" (whose `zlib.compress`
/// is looked up now, once, and called from then on).
///
/// Forgets the payload memo (JSON → payload segment), so no segment written
/// by the previous deflater is served afterwards. In use, the mode is set
/// once at import, before any payload is written; switching again is for
/// tests. Both steps run with the interpreter attached, as does every native
/// compression and memo insert (none of them gives it up), so no native
/// result can be stored after the switch. A payload the interpreter's
/// `zlib.compress` was compressing during the switch (it releases the
/// interpreter around zlib) may still be stored: that is stock's exact
/// output, right whichever deflater runs next.
pub(crate) fn set(py: Python<'_>, name: &str) -> PyResult<()> {
    let function = match name {
        "native" => None,
        "interpreter" => Some(py.import("zlib")?.getattr("compress")?.unbind()),
        _ => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "deflater must be 'native' or 'interpreter', not {name:?}"
            )))
        }
    };
    let previous = std::mem::replace(
        &mut *INTERPRETER_COMPRESS
            .lock()
            .unwrap_or_else(PoisonError::into_inner),
        function,
    );
    // Dropped outside the lock: a decref may run arbitrary code.
    drop(previous);
    PAYLOAD_MEMO.clear();
    Ok(())
}

/// The deflater in use: "native" or "interpreter".
pub(crate) fn name() -> &'static str {
    let interpreter = INTERPRETER_COMPRESS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .is_some();
    if interpreter {
        "interpreter"
    } else {
        "native"
    }
}

/// The version of the zlib library this build runs with, as the library
/// itself reports it (`zlibVersion()`, e.g. "1.2.13"; zlib-ng in zlib-compat
/// mode reports "1.3.1.zlib-ng"). It is the library flate2 calls: libz-sys,
/// which flate2's `zlib` feature uses (were flate2's `zlib-ng` feature
/// enabled anywhere in the dependency graph, flate2 would call libz-ng-sys
/// instead and this would not say so; the import-time self-check still
/// sees the different output). Comparable with Python's
/// `zlib.ZLIB_RUNTIME_VERSION`.
pub(crate) fn zlib_version() -> String {
    // SAFETY: zlibVersion() takes no arguments and returns a pointer to a
    // static, NUL-terminated string (zlib.h: `ZEXTERN const char * ZEXPORT
    // zlibVersion(void)`), valid for the life of the process.
    let ptr = unsafe { libz_sys::zlibVersion() };
    if ptr.is_null() {
        return String::new();
    }
    // SAFETY: non-null, NUL-terminated and static, as above.
    unsafe { core::ffi::CStr::from_ptr(ptr) }
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zlib_version_is_reported() {
        let v = zlib_version();
        // "1.2.13", "1.3.2", "1.3.1.zlib-ng", ...: starts with a major.minor.
        let numeric: Vec<bool> = v.split('.').map(|p| p.parse::<u32>().is_ok()).collect();
        assert!(numeric.len() >= 2 && numeric[0] && numeric[1], "{v:?}");
    }
}
