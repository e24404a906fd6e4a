//! The private sentinels the native calls return instead of a value, each
//! a frozen class with one instance, exported by `flask_fastsession._native`
//! as `FALLBACK`, `INVALID` and `STALE`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// A private sentinel: "this call must be answered by stock code".
#[pyclass(frozen, module = "flask_fastsession._native")]
pub(crate) struct Fallback;

#[pymethods]
impl Fallback {
    #[allow(clippy::unused_self)] // pyo3 methods take self
    fn __repr__(&self) -> &'static str {
        "<flask_fastsession fallback>"
    }
}

/// A private sentinel: "the signature did not verify" (`open_session` makes an empty session).
#[pyclass(frozen, module = "flask_fastsession._native")]
pub(crate) struct Invalid;

#[pymethods]
impl Invalid {
    #[allow(clippy::unused_self)] // pyo3 methods take self
    fn __repr__(&self) -> &'static str {
        "<flask_fastsession invalid>"
    }
}

/// The stale sentinel: the plan no longer describes the call's objects.
#[pyclass(frozen, module = "flask_fastsession._native")]
pub(crate) struct Stale;

#[pymethods]
impl Stale {
    #[allow(clippy::unused_self)] // pyo3 methods take self
    fn __repr__(&self) -> &'static str {
        "<flask_fastsession stale plan>"
    }
}

/// The one `Fallback` instance.
pub(crate) fn fallback(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static CELL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    CELL.get_or_try_init(py, || Py::new(py, Fallback).map(Py::into_any))
        .map(|o| o.bind(py))
}

/// The one `Invalid` instance.
pub(crate) fn invalid(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static CELL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    CELL.get_or_try_init(py, || Py::new(py, Invalid).map(Py::into_any))
        .map(|o| o.bind(py))
}

/// The one `Stale` instance.
pub(crate) fn stale(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static CELL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    CELL.get_or_try_init(py, || Py::new(py, Stale).map(Py::into_any))
        .map(|o| o.bind(py))
}
