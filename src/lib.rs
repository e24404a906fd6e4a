//! flask-fastsession's native core.

pub mod compress;
pub mod encoding;
pub mod expiry;
pub mod json;
pub mod signing;

use pyo3::prelude::*;

#[pymodule]
mod _native {
    use pyo3::prelude::*;

    #[pyfunction]
    fn ping() -> &'static str {
        "pong"
    }
}
