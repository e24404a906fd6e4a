//! Dict bodies for the walk: items read with `PyDict_Next`, keys coerced
//! the way `json.dumps` coerces them and, under `sort_keys`, ordered as it
//! orders them.

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use super::{Dumper, Res};
use crate::buf;
use crate::json::write::write_float;
use crate::py::errors::Stop;

impl<'py> Dumper<'_, 'py> {
    /// `{key:value,...}` of an exact dict; values tagged or plain.
    pub(super) fn dict_body(&mut self, dict: &Bound<'py, PyDict>, tagged: bool) -> Res {
        self.put_byte(b'{')?;
        let len = dict.len();
        if self.opts.sort_keys && len > 1 {
            let mut items: Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)> = buf::with_capacity(len)?;
            let mut pos: ffi::Py_ssize_t = 0;
            while let Some((k, v)) = next_item(dict, &mut pos) {
                if !k.is_exact_instance_of::<PyString>() {
                    // Stock sorts the items with Python's `<` (and `==`):
                    // mixed key types, or a str subclass with its own
                    // ordering, are left to it.
                    return Err(Stop::Stock);
                }
                buf::reserve(&mut items, 1)?;
                items.push((k, v));
            }
            // Exact str keys order by code point, as `str.__lt__` does.
            items.sort_by(|(a, _), (b, _)| str_cmp(a, b));
            for (i, (k, v)) in items.iter().enumerate() {
                if i > 0 {
                    self.put_byte(b',')?;
                }
                self.string(k)?;
                self.put_byte(b':')?;
                if tagged {
                    self.tagged(v)?;
                } else {
                    self.plain(v)?;
                }
            }
        } else {
            let mut pos: ffi::Py_ssize_t = 0;
            let mut first = true;
            while let Some((k, v)) = next_item(dict, &mut pos) {
                if !first {
                    self.put_byte(b',')?;
                }
                first = false;
                self.key(&k)?;
                self.put_byte(b':')?;
                if tagged {
                    self.tagged(&v)?;
                } else {
                    self.plain(&v)?;
                }
                if dict.len() != len {
                    return Err(Stop::Stock);
                }
            }
        }
        self.put_byte(b'}')
    }

    /// A dict key, coerced the way `json.dumps` does.
    fn key(&mut self, k: &Bound<'py, PyAny>) -> Res {
        if k.is_instance_of::<PyString>() {
            return self.string(k);
        }
        // SAFETY: type checks on a live object.
        unsafe {
            if ffi::PyFloat_Check(k.as_ptr()) != 0 {
                self.put_byte(b'"')?;
                write_float(ffi::PyFloat_AsDouble(k.as_ptr()), self.out)?;
                return self.put_byte(b'"');
            }
            let p = k.as_ptr();
            if p == ffi::Py_True() {
                return self.put(b"\"true\"");
            }
            if p == ffi::Py_False() {
                return self.put(b"\"false\"");
            }
            if p == ffi::Py_None() {
                return self.put(b"\"null\"");
            }
            if ffi::PyLong_Check(p) != 0 {
                self.put_byte(b'"')?;
                self.int(k)?;
                return self.put_byte(b'"');
            }
        }
        Err(Stop::Stock)
    }
}

/// Code-point order of two exact str objects (`str.__lt__`).
fn str_cmp(a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> std::cmp::Ordering {
    // SAFETY: both are exact str objects (checked by the caller), for which
    // PyUnicode_Compare cannot fail.
    let c = unsafe { ffi::PyUnicode_Compare(a.as_ptr(), b.as_ptr()) };
    c.cmp(&0)
}

/// The first (key, value) of a dict, as new references.
pub(super) fn first_item<'py>(
    dict: &Bound<'py, PyDict>,
) -> Option<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let mut pos: ffi::Py_ssize_t = 0;
    next_item(dict, &mut pos)
}

/// `PyDict_Next` returning new references, so the items outlive any mutation
/// of the dict by Python code called while they are in use.
fn next_item<'py>(
    dict: &Bound<'py, PyDict>,
    pos: &mut ffi::Py_ssize_t,
) -> Option<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let mut k: *mut ffi::PyObject = std::ptr::null_mut();
    let mut v: *mut ffi::PyObject = std::ptr::null_mut();
    // SAFETY: dict is a live dict; PyDict_Next yields borrowed references that
    // are immediately turned into owned ones.
    unsafe {
        if ffi::PyDict_Next(dict.as_ptr(), pos, &raw mut k, &raw mut v) == 0 {
            return None;
        }
        Some((
            Bound::from_borrowed_ptr(dict.py(), k),
            Bound::from_borrowed_ptr(dict.py(), v),
        ))
    }
}
