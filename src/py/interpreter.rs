//! The one interpreter of the process this module may serve.
//!
//! The native code keeps Python objects in process-wide statics: the classes
//! and singletons of `objects.rs`, the type objects of its classes, the
//! datetime C API. Each belongs to the interpreter that created it; used from
//! another interpreter of the same process (a mod_wsgi or uWSGI
//! sub-interpreter) it gives that interpreter foreign classes and exceptions,
//! or crashes once its interpreter is gone. So the first interpreter whose
//! import runs the module's initialisation owns it, and every other one gets
//! a module that exports nothing reaching those statics: the Python package
//! then sends every call to stock code there.

use std::sync::atomic::{AtomicI64, Ordering};

use pyo3::prelude::*;

/// The owning interpreter's ID; -1 until a module initialisation claims it.
/// Interpreter IDs are never reused within a process.
static OWNER: AtomicI64 = AtomicI64::new(-1);

/// The ID of the interpreter running this call.
pub(crate) fn current(py: Python<'_>) -> PyResult<i64> {
    // SAFETY: attached to an interpreter (`py`), so `PyInterpreterState_Get`
    // returns its state (it never returns NULL, it aborts instead).
    let id = unsafe { pyo3::ffi::PyInterpreterState_GetID(pyo3::ffi::PyInterpreterState_Get()) };
    if id < 0 {
        return Err(PyErr::take(py)
            .unwrap_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("no interpreter ID")));
    }
    Ok(id)
}

/// Makes the current interpreter the owner if none is yet; `(owner, current)`.
pub(crate) fn claim(py: Python<'_>) -> PyResult<(i64, i64)> {
    let current = current(py)?;
    let owner = match OWNER.compare_exchange(-1, current, Ordering::SeqCst, Ordering::SeqCst) {
        Ok(_) => current,
        Err(owner) => owner,
    };
    Ok((owner, current))
}

/// `(owner, current)`: the interpreter that owns the module (-1 if none) and
/// the one running this call.
pub(crate) fn ids(py: Python<'_>) -> PyResult<(i64, i64)> {
    Ok((OWNER.load(Ordering::SeqCst), current(py)?))
}
