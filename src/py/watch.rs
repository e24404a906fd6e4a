//! `DictWatch`: has any of these namespaces changed since it was last checked?
//!
//! The native path stands in for stock functions and class attributes
//! (itsdangerous's signer, Flask's tags, werkzeug's cookie writer, ...). A
//! test suite may patch any of them, and then stock code must answer. The
//! Python side keeps a snapshot of every such name and compares it when a
//! namespace changed; this class makes "nothing changed" cheap to tell, by
//! the version tag CPython bumps on every modification of a dict (PEP 509).
//! A false "changed" only costs one comparison of the snapshot; a missed
//! change cannot happen, because every modification bumps the tag.

use std::sync::atomic::{AtomicU64, Ordering};

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyModule, PyType};

/// The namespaces (module globals and class dicts) of some objects, with the
/// version tags seen when they last matched the snapshot.
#[pyclass(frozen, module = "flask_fastsession._native")]
pub(crate) struct DictWatch {
    dicts: Vec<Py<PyDict>>,
    seen: Vec<AtomicU64>,
    tagged: bool,
}

/// The dict behind a module's or a class's namespace.
fn namespace<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    if let Ok(module) = obj.cast::<PyModule>() {
        return Ok(module.dict());
    }
    if let Ok(ty) = obj.cast::<PyType>() {
        // SAFETY: a live type object; heap types (every class defined in
        // Python) keep their namespace in `tp_dict`.
        let dict = unsafe { (*ty.as_type_ptr()).tp_dict };
        if !dict.is_null() {
            // SAFETY: tp_dict is a dict owned by the type; we take a new reference.
            let dict = unsafe { Bound::from_borrowed_ptr(obj.py(), dict) };
            return Ok(dict.cast_into::<PyDict>()?);
        }
    }
    Err(pyo3::exceptions::PyTypeError::new_err(
        "DictWatch watches modules and classes defined in Python",
    ))
}

/// The dict's version tag, or `None` where this CPython does not keep one.
///
/// CPython 3.10 to 3.13 bump `ma_version_tag`, the field right after the
/// object header and `ma_used`, on every modification (PEP 509; deprecated
/// for C extensions in 3.12 but still maintained). 3.14 stopped maintaining
/// it: there every check reports a change, and the snapshot decides.
fn version(dict: &Bound<'_, PyDict>, tagged: bool) -> Option<u64> {
    if !tagged {
        return None;
    }
    let offset = std::mem::size_of::<ffi::PyObject>() + std::mem::size_of::<ffi::Py_ssize_t>();
    // SAFETY: a live dict object of a CPython that keeps the tag at this
    // offset (checked by the caller through the running interpreter's version).
    let mut tag = [0u8; 8];
    unsafe {
        std::ptr::copy_nonoverlapping(dict.as_ptr().cast::<u8>().add(offset), tag.as_mut_ptr(), 8);
    }
    Some(u64::from_ne_bytes(tag))
}

/// Whether the running interpreter maintains dict version tags.
fn has_version_tags(py: Python<'_>) -> bool {
    static TAGGED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *TAGGED.get_or_init(|| {
        let v = py.version_info();
        (3, 10) <= (v.major, v.minor) && (v.major, v.minor) < (3, 14)
    })
}

/// `dict`'s version tag, or None where this CPython keeps none.
pub(crate) fn dict_version(dict: &Bound<'_, PyDict>) -> Option<u64> {
    version(dict, has_version_tags(dict.py()))
}

#[pymethods]
impl DictWatch {
    /// Watches the namespaces of `objects` (modules and classes), as they are now.
    #[new]
    fn new(objects: &Bound<'_, PyList>) -> PyResult<Self> {
        let tagged = has_version_tags(objects.py());
        let mut dicts = Vec::with_capacity(objects.len());
        let mut seen = Vec::with_capacity(objects.len());
        for obj in objects.iter() {
            let dict = namespace(&obj)?;
            seen.push(AtomicU64::new(version(&dict, tagged).unwrap_or(0)));
            dicts.push(dict.unbind());
        }
        Ok(DictWatch {
            dicts,
            seen,
            tagged,
        })
    }

    /// None if no namespace changed since it last matched; otherwise the
    /// `(index, version)` of each one that did, to be verified and then
    /// passed to :meth:`accept`.
    fn changed(&self, py: Python<'_>) -> Option<Vec<(usize, u64)>> {
        let mut changes: Option<Vec<(usize, u64)>> = None;
        for (i, (dict, seen)) in self.dicts.iter().zip(&self.seen).enumerate() {
            let now = version(dict.bind(py), self.tagged);
            if now.is_none() || now != Some(seen.load(Ordering::Relaxed)) {
                changes
                    .get_or_insert_with(Vec::new)
                    .push((i, now.unwrap_or(0)));
            }
        }
        changes
    }

    /// Records that the namespaces in `changes` (as :meth:`changed` returned
    /// them, read before the verification) matched the snapshot.
    fn accept(&self, changes: Vec<(usize, u64)>) {
        for (i, v) in changes {
            if let Some(seen) = self.seen.get(i) {
                seen.store(v, Ordering::Relaxed);
            }
        }
    }

    fn __len__(&self) -> usize {
        self.dicts.len()
    }
}

impl DictWatch {
    /// Whether no watched namespace changed since it last matched (what
    /// `changed() is None` says in Python).
    pub(crate) fn unchanged(&self, py: Python<'_>) -> bool {
        self.tagged
            && self.dicts.iter().zip(&self.seen).all(|(dict, seen)| {
                version(dict.bind(py), true) == Some(seen.load(Ordering::Relaxed))
            })
    }
}
