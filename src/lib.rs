//! flask-fastsession's native core.
//!
//! The pure-Rust modules know nothing of Python and carry their own unit
//! tests: [`signing`] (itsdangerous's timed HMAC-SHA1 signer with Flask's
//! parameters), [`payload`] (itsdangerous's URL-safe payload segment: zlib
//! if shorter, base64), [`encoding`] (base64 as itsdangerous and CPython do
//! it), [`compress`] (zlib, byte-identical to CPython's `zlib.compress`),
//! [`http_date`] (werkzeug's HTTP dates), [`expiry`] (the cookie's expiry
//! instant), [`json`] (CPython-compatible JSON writer and parser) and
//! [`memo`] (the bounded payload memo), with [`buf`] (fallible growth of
//! input-sized buffers) and [`limits`] (limits shared by all of them). The
//! `py` module is the only place that touches Python objects.

pub mod buf;
pub mod compress;
pub mod encoding;
pub mod expiry;
pub mod http_date;
pub mod json;
pub mod limits;
pub mod memo;
pub mod payload;
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

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        crate::py::module::init(m)
    }
}
