//! Plain `json.dumps` writing of Python values (no tags): strs by code
//! point, ints as `int.__repr__`, floats as `float.__repr__`, and the
//! containers that `default()` results and untagged leftovers hold.

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::string::PyStringData;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use super::{Dumper, Res};
use crate::buf;
use crate::json::write::{
    write_float, write_i64, write_str_latin1, write_str_ucs2, write_str_ucs4, StrError,
};
use crate::py::errors::Stop;

impl<'py> Dumper<'_, 'py> {
    /// A str (or str subclass), by its code points.
    pub(super) fn string(&mut self, obj: &Bound<'py, PyAny>) -> Res {
        // SAFETY: the caller checked obj is a str (or a subclass); the data is
        // read while obj is alive.
        let s = unsafe { obj.cast_unchecked::<PyString>() };
        let ensure_ascii = self.opts.ensure_ascii;
        // A lone surrogate without ensure_ascii: stock's result cannot be
        // encoded, stock raises. A buffer that cannot grow: stock decides.
        let r = match unsafe { s.data() }? {
            PyStringData::Ucs1(b) => {
                write_str_latin1(b, ensure_ascii, self.out).map_err(StrError::from)
            }
            PyStringData::Ucs2(u) => write_str_ucs2(u, ensure_ascii, self.out),
            PyStringData::Ucs4(u) => write_str_ucs4(u, ensure_ascii, self.out),
        };
        r.map_err(|_| Stop::Stock)
    }

    /// An int (or subclass) by value, as `int.__repr__` writes it.
    pub(super) fn int(&mut self, obj: &Bound<'py, PyAny>) -> Res {
        let mut overflow: std::os::raw::c_int = 0;
        // SAFETY: obj is an int (or subclass).
        let v = unsafe { ffi::PyLong_AsLongLongAndOverflow(obj.as_ptr(), &raw mut overflow) };
        if overflow == 0 {
            if v == -1 {
                if let Some(e) = PyErr::take(self.py) {
                    return Err(e.into());
                }
            }
            return Ok(write_i64(v, self.out)?);
        }
        self.big_int(obj)
    }

    #[inline(never)]
    fn big_int(&mut self, obj: &Bound<'py, PyAny>) -> Res {
        // `int.__repr__`, not a subclass's; honours the int max-str-digits limit.
        // SAFETY: PyLong_Type always has tp_repr; obj is an int (or subclass).
        let repr = unsafe {
            let f = ffi::PyLong_Type.tp_repr.expect("int has a repr");
            Bound::from_owned_ptr_or_err(self.py, f(obj.as_ptr()))?
        };
        self.put(repr.cast::<PyString>()?.to_str()?.as_bytes())
    }

    /// Plain `json.dumps` encoding (no tags): what `default()` results and
    /// untagged leftovers get, in the C encoder's order of checks.
    pub(super) fn plain(&mut self, obj: &Bound<'py, PyAny>) -> Res {
        let p = obj.as_ptr();
        // SAFETY: type checks on a live object.
        unsafe {
            if p == ffi::Py_None() {
                return self.put(b"null");
            }
            if p == ffi::Py_True() {
                return self.put(b"true");
            }
            if p == ffi::Py_False() {
                return self.put(b"false");
            }
            if ffi::PyUnicode_Check(p) != 0 {
                return self.string(obj);
            }
            if ffi::PyLong_Check(p) != 0 {
                return self.int(obj);
            }
            if ffi::PyFloat_Check(p) != 0 {
                return Ok(write_float(ffi::PyFloat_AsDouble(p), self.out)?);
            }
            if ffi::PyList_Check(p) != 0 || ffi::PyTuple_Check(p) != 0 {
                // PySequence_Fast: the list/tuple storage itself, subclasses
                // too (a snapshot: the items encoded are those of now).
                let seq = if ffi::PyList_Check(p) != 0 {
                    snapshot(obj.cast_unchecked::<PyList>().iter())?
                } else {
                    snapshot(obj.cast_unchecked::<PyTuple>().iter())?
                };
                self.enter()?;
                self.put_byte(b'[')?;
                for (i, item) in seq.iter().enumerate() {
                    if i > 0 {
                        self.put_byte(b',')?;
                    }
                    self.plain(item)?;
                }
                self.put_byte(b']')?;
                self.leave();
                return Ok(());
            }
            if ffi::PyDict_Check(p) != 0 {
                self.enter()?;
                if ffi::PyDict_CheckExact(p) != 0 {
                    self.dict_body(obj.cast_unchecked::<PyDict>(), false)?;
                } else {
                    // PyMapping_Items: a subclass's own items().
                    let plain = PyDict::new(self.py);
                    for pair in obj.call_method0("items")?.try_iter()? {
                        let (k, v): (Bound<'py, PyAny>, Bound<'py, PyAny>) = pair?.extract()?;
                        plain.set_item(k, v)?;
                    }
                    self.dict_body(&plain, false)?;
                }
                self.leave();
                return Ok(());
            }
        }
        // Unknown type: the provider's default(), whose result is encoded plainly.
        self.enter()?;
        let converted = self.opts.default.call1((obj,))?;
        self.plain(&converted)?;
        self.leave();
        Ok(())
    }
}

/// The items of `iter` in a fallibly allocated vector.
fn snapshot<'py>(
    iter: impl ExactSizeIterator<Item = Bound<'py, PyAny>>,
) -> Result<Vec<Bound<'py, PyAny>>, Stop> {
    let mut items = buf::with_capacity(iter.len())?;
    items.extend(iter);
    Ok(items)
}
