//! flask-fastsession's native core.

use pyo3::prelude::*;

#[pymodule]
mod _native {
    use pyo3::prelude::*;

    #[pyfunction]
    fn ping() -> &'static str {
        "pong"
    }
}
