//! Flask's tagged JSON, written straight from Python objects into bytes.
//!
//! The output equals `TaggedJSONSerializer.dumps(value)` (tagging, then
//! `json.dumps(..., separators=(",", ":"))` with the app's `sort_keys`,
//! `ensure_ascii` and `default`). Exact built-in types are dispatched by type
//! pointer first; everything rarer goes through [`Dumper::tagged_cold`] in
//! Flask's tag order. Whatever this walker cannot guarantee (nesting deeper than
//! [`MAX_DEPTH`], a lone surrogate without `ensure_ascii`, keys under
//! `sort_keys` that are not all exact `str`, an ordinary exception from user
//! code, an output buffer that cannot grow) stops it with [`Stop::Stock`], and
//! the caller hands the whole call to stock code, which then gives stock's
//! result or raises stock's exception. An exception that must not be turned
//! into a re-run (`KeyboardInterrupt`, `MemoryError`, ...) stops it with
//! [`Stop::Raise`] and is raised to the caller.
//!
//! This module decides which of Flask's tags applies to a value, in Flask's
//! order; `plain` writes values as `json.dumps` does (no tags), and `dict`
//! writes dict bodies, with their keys coerced and ordered as `json.dumps`
//! does.
//!
//! The output grows fallibly: every write goes through [`buf`] or the
//! writers of [`crate::json::write`], which report an allocation failure.

use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::string::PyStringData;
use pyo3::types::{PyDateTime, PyDict, PyList, PyString, PyTuple, PyTzInfoAccess};

use crate::buf;
use crate::encoding::standard_b64encode_into;
use crate::json::write::write_float;
use crate::limits::MAX_DEPTH;
use crate::py::errors::Stop;
use crate::py::objects;
use dict::first_item;

mod dict;
mod plain;

/// The tag keys of Flask's default serializer.
const TAG_KEYS: [&[u8]; 6] = [b" di", b" t", b" b", b" m", b" u", b" d"];

type Res = Result<(), Stop>;

/// Options read from the app's JSON provider for one call.
pub(crate) struct Options<'a, 'py> {
    pub sort_keys: bool,
    pub ensure_ascii: bool,
    pub default: &'a Bound<'py, PyAny>,
}

/// Type objects of the rarer tagged types, looked up once per call.
struct ColdTypes<'py> {
    uuid: Bound<'py, PyAny>,
    datetime: Bound<'py, PyAny>,
    /// Exact `uuid.UUID`, when that class has no `__html__` (TagMarkup
    /// would come first); null otherwise.
    exact_uuid: *mut ffi::PyTypeObject,
}

pub(crate) struct Dumper<'a, 'py> {
    py: Python<'py>,
    opts: Options<'a, 'py>,
    out: &'a mut Vec<u8>,
    depth: usize,
    cold: Option<ColdTypes<'py>>,
}

#[inline]
fn type_of(obj: &Bound<'_, PyAny>) -> *mut ffi::PyTypeObject {
    // SAFETY: obj is a live object.
    unsafe { ffi::Py_TYPE(obj.as_ptr()) }
}

/// Whether `key` (any object) is a str equal to one of the default tag keys.
fn is_tag_key(key: &Bound<'_, PyAny>) -> bool {
    let Ok(s) = key.cast::<PyString>() else {
        return false;
    };
    // SAFETY: s is a str; the data is read while s is alive.
    match unsafe { s.data() } {
        Ok(PyStringData::Ucs1(b)) => TAG_KEYS.contains(&b),
        _ => false,
    }
}

impl<'a, 'py> Dumper<'a, 'py> {
    pub(crate) fn new(py: Python<'py>, opts: Options<'a, 'py>, out: &'a mut Vec<u8>) -> Self {
        Dumper {
            py,
            opts,
            out,
            depth: 0,
            cold: None,
        }
    }

    /// Appends `bytes`.
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) -> Res {
        Ok(buf::extend(self.out, bytes)?)
    }

    /// Appends one byte.
    #[inline(always)]
    fn put_byte(&mut self, byte: u8) -> Res {
        Ok(buf::push(self.out, byte)?)
    }

    fn enter(&mut self) -> Res {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Stop::Stock);
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn cold_types(&mut self) -> Result<&ColdTypes<'py>, Stop> {
        if self.cold.is_none() {
            let uuid = objects::uuid_class(self.py)?.clone();
            let exact_uuid = match uuid.cast::<pyo3::types::PyType>() {
                Ok(t) if !uuid.hasattr(intern!(self.py, "__html__"))? => t.as_type_ptr(),
                _ => std::ptr::null_mut(),
            };
            self.cold = Some(ColdTypes {
                uuid,
                datetime: objects::datetime_class(self.py),
                exact_uuid,
            });
        }
        Ok(self.cold.as_ref().expect("set just above"))
    }

    /// `tag(value)` followed by JSON encoding of the result.
    pub(crate) fn tagged(&mut self, obj: &Bound<'py, PyAny>) -> Res {
        let ty = type_of(obj);
        // SAFETY: taking the address of the interpreter's static type objects.
        unsafe {
            if ty == &raw mut ffi::PyUnicode_Type {
                return self.string(obj);
            }
            if ty == &raw mut ffi::PyLong_Type {
                return self.int(obj);
            }
            if ty == &raw mut ffi::PyDict_Type {
                return self.dict_tagged(obj.cast_unchecked::<PyDict>());
            }
            if ty == &raw mut ffi::PyList_Type {
                return self.list_tagged(obj.cast_unchecked::<PyList>());
            }
            if ty == &raw mut ffi::PyBool_Type {
                return self.put(if obj.as_ptr() == ffi::Py_True() {
                    b"true"
                } else {
                    b"false"
                });
            }
            if obj.is_none() {
                return self.put(b"null");
            }
            if ty == &raw mut ffi::PyFloat_Type {
                return Ok(write_float(ffi::PyFloat_AS_DOUBLE(obj.as_ptr()), self.out)?);
            }
            if ty == &raw mut ffi::PyTuple_Type {
                return self.tuple_tagged(obj.cast_unchecked::<PyTuple>());
            }
            if ty == &raw mut ffi::PyBytes_Type {
                return self.bytes_tagged(obj);
            }
        }
        self.tagged_cold(obj)
    }

    /// Everything that is not an exact built-in type, in Flask's tag order.
    #[inline(never)]
    fn tagged_cold(&mut self, obj: &Bound<'py, PyAny>) -> Res {
        // Exact datetime (a C type: no `__html__`) and exact uuid.UUID first:
        // the common tagged values, written without Python calls.
        if obj.is_exact_instance_of::<PyDateTime>() {
            if let Some(()) = self.datetime_fast(obj)? {
                return Ok(());
            }
        } else if type_of(obj) == self.cold_types()?.exact_uuid {
            let n: u128 = obj.getattr(intern!(self.py, "int"))?.extract()?;
            // `{" u":"` + 32 lowercase hex digits + `"}`.
            let mut text = *b"{\" u\":\"00000000000000000000000000000000\"}";
            let digits = b"0123456789abcdef";
            for (i, d) in text[7..39].iter_mut().enumerate() {
                *d = digits[((n >> (4 * (31 - i))) & 0xf) as usize];
            }
            return self.put(&text);
        }
        // TagDict / PassDict (dict subclasses).
        if obj.is_instance_of::<PyDict>() {
            return self.dict_subclass_tagged(obj);
        }
        // TagTuple (tuple subclasses, namedtuples).
        if obj.is_instance_of::<PyTuple>() {
            self.enter()?;
            self.put(b"{\" t\":[")?;
            self.iter_tagged(obj)?;
            self.put(b"]}")?;
            self.leave();
            return Ok(());
        }
        // PassList (list subclasses).
        if obj.is_instance_of::<PyList>() {
            self.enter()?;
            self.put_byte(b'[')?;
            self.iter_tagged(obj)?;
            self.put_byte(b']')?;
            self.leave();
            return Ok(());
        }
        // TagBytes (bytes subclasses).
        if obj.is_instance_of::<pyo3::types::PyBytes>() {
            return self.bytes_tagged(obj);
        }
        // TagMarkup: anything with a callable `__html__`.
        if let Some(html) = obj.getattr_opt("__html__")? {
            if html.is_callable() {
                let text = html.call0()?.str()?;
                self.put(b"{\" m\":")?;
                self.string(text.as_any())?;
                return self.put_byte(b'}');
            }
        }
        let (is_uuid, is_datetime) = {
            let cold = self.cold_types()?;
            let uuid = cold.uuid.clone();
            let datetime = cold.datetime.clone();
            (obj.is_instance(&uuid)?, obj.is_instance(&datetime)?)
        };
        // TagUUID.
        if is_uuid {
            let hex = obj.getattr("hex")?;
            self.put(b"{\" u\":")?;
            // `value.hex` is a str for any well-behaved subclass; anything
            // else is encoded (or refused) by stock's json.dumps.
            if !hex.is_instance_of::<PyString>() {
                return Err(Stop::Stock);
            }
            self.string(&hex)?;
            return self.put_byte(b'}');
        }
        // TagDateTime.
        if is_datetime {
            let date = crate::py::time::http_date_of(self.py, obj)?;
            self.put(b"{\" d\":\"")?;
            self.put(date.as_bytes())?;
            return self.put(b"\"}");
        }
        // Untagged: left to json.dumps.
        self.plain(obj)
    }

    /// TagDateTime for an exact naive or UTC datetime; None for other zones.
    fn datetime_fast(&mut self, obj: &Bound<'py, PyAny>) -> Result<Option<()>, Stop> {
        let dt = obj.cast::<PyDateTime>()?;
        if let Some(tz) = dt.get_tzinfo() {
            if !tz.as_any().is(objects::utc(self.py)?) {
                return Ok(None);
            }
        }
        // `{" d":"` + a 29-byte HTTP date + `"}`.
        buf::reserve(self.out, 40)?;
        self.out.extend_from_slice(b"{\" d\":\"");
        if !crate::py::time::write_http_date(dt, self.out) {
            return Err(Stop::Stock);
        }
        self.out.extend_from_slice(b"\"}");
        Ok(Some(()))
    }

    fn dict_tagged(&mut self, dict: &Bound<'py, PyDict>) -> Res {
        if dict.len() == 1 {
            if let Some((key, value)) = first_item(dict) {
                if is_tag_key(&key) {
                    return self.tag_dict(&key, &value);
                }
            }
        }
        self.enter()?;
        self.dict_body(dict, true)?;
        self.leave();
        Ok(())
    }

    /// TagDict: `{" di": {key + "__": tag(value)}}`.
    fn tag_dict(&mut self, key: &Bound<'py, PyAny>, value: &Bound<'py, PyAny>) -> Res {
        self.enter()?;
        self.put(b"{\" di\":{")?;
        // `f"{key}__"`: format(key, "") calls a str subclass's own __str__.
        let formatted = if key.is_exact_instance_of::<PyString>() {
            key.clone()
        } else {
            let spec = PyString::new(self.py, "");
            // SAFETY: key is a live object; PyObject_Format returns a new reference.
            unsafe {
                Bound::from_owned_ptr_or_err(
                    self.py,
                    ffi::PyObject_Format(key.as_ptr(), spec.as_ptr()),
                )?
            }
        };
        let suffixed = objects::new_str(
            self.py,
            &format!("{}__", formatted.cast::<PyString>()?.to_str()?),
        )?;
        self.string(suffixed.as_any())?;
        self.put_byte(b':')?;
        self.tagged(value)?;
        self.put(b"}}")?;
        self.leave();
        Ok(())
    }

    #[inline(never)]
    fn dict_subclass_tagged(&mut self, obj: &Bound<'py, PyAny>) -> Res {
        if obj.len()? == 1 {
            let key = obj.try_iter()?.next().ok_or(Stop::Stock)??;
            if is_tag_key(&key) {
                let value = obj.get_item(&key)?;
                return self.tag_dict(&key, &value);
            }
        }
        // PassDict builds `{k: tag(v) for k, v in value.items()}`.
        let plain = PyDict::new(self.py);
        for pair in obj.call_method0("items")?.try_iter()? {
            let (k, v): (Bound<'py, PyAny>, Bound<'py, PyAny>) = pair?.extract()?;
            plain.set_item(k, v)?;
        }
        self.enter()?;
        self.dict_body(&plain, true)?;
        self.leave();
        Ok(())
    }

    fn list_tagged(&mut self, list: &Bound<'py, PyList>) -> Res {
        self.enter()?;
        self.put_byte(b'[')?;
        let mut i = 0;
        while i < list.len() {
            if i > 0 {
                self.put_byte(b',')?;
            }
            let item = list.get_item(i)?;
            self.tagged(&item)?;
            i += 1;
        }
        self.put_byte(b']')?;
        self.leave();
        Ok(())
    }

    fn tuple_tagged(&mut self, tuple: &Bound<'py, PyTuple>) -> Res {
        self.enter()?;
        self.put(b"{\" t\":[")?;
        for (i, item) in tuple.iter().enumerate() {
            if i > 0 {
                self.put_byte(b',')?;
            }
            self.tagged(&item)?;
        }
        self.put(b"]}")?;
        self.leave();
        Ok(())
    }

    /// `[tag(x) for x in obj]` through the iterator protocol.
    fn iter_tagged(&mut self, obj: &Bound<'py, PyAny>) -> Res {
        for (i, item) in obj.try_iter()?.enumerate() {
            if i > 0 {
                self.put_byte(b',')?;
            }
            self.tagged(&item?)?;
        }
        Ok(())
    }

    fn bytes_tagged(&mut self, obj: &Bound<'py, PyAny>) -> Res {
        let bytes = obj.cast::<pyo3::types::PyBytes>()?;
        self.put(b"{\" b\":\"")?;
        standard_b64encode_into(bytes.as_bytes(), self.out)?;
        self.put(b"\"}")
    }
}
