//! Flask's tagged JSON, parsed straight into Python objects.
//!
//! The parser ([`crate::json::parse`]) accepts a subset of what `json.loads`
//! accepts and this builder untags bottom-up as `TaggedJSONSerializer.loads`
//! does. What it does not reproduce, and an ordinary exception from the
//! constructors it calls (`Markup`, `UUID`, `parse_date`, `b64decode`,
//! `int`), is [`Stop::Stock`]: the caller re-runs stock's `loads`, which then
//! returns stock's value or raises stock's `BadPayload`. An exception stock
//! lets through (`KeyboardInterrupt`, ...) is raised as is, and a
//! `MemoryError` as the `BadPayload` itsdangerous wraps it in.

use pyo3::exceptions::PyMemoryError;
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDict, PyFloat, PyList, PyString, PyTuple};

use crate::encoding::b64decode_canonical;
use crate::http_date;
use crate::json::parse::{parse, Builder, JsonStr, ParseError};
use crate::limits::MAX_DEPTH;
use crate::py::errors::{bad_payload, Stop};
use crate::py::keys::cached_key;
use crate::py::objects;

pub(crate) struct PyBuilder<'py> {
    py: Python<'py>,
}

/// `json.loads` + untag of `text`, as itsdangerous's `load_payload` runs them.
pub(crate) fn loads_tagged<'py>(py: Python<'py>, text: &str) -> Result<Bound<'py, PyAny>, Stop> {
    let mut builder = PyBuilder { py };
    match parse(text, &mut builder, MAX_DEPTH) {
        Ok(v) => Ok(v),
        // `load_payload` wraps every `Exception` in `BadPayload`; of those,
        // only a `MemoryError` is raised here (the others are `Stock`).
        Err(ParseError::Builder(Stop::Raise(e))) if e.is_instance_of::<PyMemoryError>(py) => {
            Err(Stop::Raise(bad_payload(py, &e)))
        }
        Err(ParseError::Builder(stop)) => Err(stop),
        Err(ParseError::Syntax { .. } | ParseError::TooDeep | ParseError::Alloc(_)) => {
            Err(Stop::Stock)
        }
    }
}

fn new_str<'py>(py: Python<'py>, s: JsonStr<'_>) -> PyResult<Bound<'py, PyAny>> {
    match s {
        JsonStr::Str(s) => Ok(objects::new_str(py, s)?.into_any()),
        JsonStr::CodePoints(cps) => {
            // SAFETY: cps is a valid slice of UCS4 code units; the call copies it.
            unsafe {
                Bound::from_owned_ptr_or_err(
                    py,
                    ffi::PyUnicode_FromKindAndData(
                        ffi::PyUnicode_4BYTE_KIND as std::os::raw::c_int,
                        cps.as_ptr().cast(),
                        ffi::Py_ssize_t::try_from(cps.len())?,
                    ),
                )
            }
        }
    }
}

type Built<T> = Result<T, Stop>;

impl<'py> Builder for PyBuilder<'py> {
    type Value = Bound<'py, PyAny>;
    type Array = Bound<'py, PyList>;
    type Object = Bound<'py, PyDict>;
    type Error = Stop;

    fn null(&mut self) -> Built<Self::Value> {
        Ok(self.py.None().into_bound(self.py))
    }

    fn boolean(&mut self, v: bool) -> Built<Self::Value> {
        Ok(pyo3::types::PyBool::new(self.py, v).to_owned().into_any())
    }

    fn int(&mut self, v: i64) -> Built<Self::Value> {
        let Ok(int) = v.into_pyobject(self.py);
        Ok(int.into_any())
    }

    fn big_int(&mut self, digits: &str) -> Built<Self::Value> {
        // int(str): the same conversion (and digit limit) as json.loads.
        Ok(self.py.get_type::<pyo3::types::PyInt>().call1((digits,))?)
    }

    fn float(&mut self, v: f64) -> Built<Self::Value> {
        Ok(PyFloat::new(self.py, v).into_any())
    }

    fn string(&mut self, s: JsonStr<'_>) -> Built<Self::Value> {
        Ok(new_str(self.py, s)?)
    }

    fn start_array(&mut self) -> Built<Self::Array> {
        Ok(PyList::empty(self.py))
    }

    fn array_push(&mut self, a: &mut Self::Array, v: Self::Value) -> Built<()> {
        Ok(a.append(v)?)
    }

    fn end_array(&mut self, a: Self::Array) -> Built<Self::Value> {
        Ok(a.into_any())
    }

    fn start_object(&mut self) -> Built<Self::Object> {
        Ok(PyDict::new(self.py))
    }

    fn object_insert(
        &mut self,
        o: &mut Self::Object,
        key: JsonStr<'_>,
        v: Self::Value,
    ) -> Built<()> {
        let key = match key {
            JsonStr::Str(k) => cached_key(self.py, k)?,
            cps @ JsonStr::CodePoints(_) => new_str(self.py, cps)?,
        };
        Ok(o.set_item(key, v)?)
    }

    fn end_object(&mut self, o: Self::Object) -> Built<Self::Value> {
        if o.len() == 1 {
            if let Some((k, v)) = o.iter().next() {
                if let Ok(key) = k.cast::<PyString>() {
                    if let Ok(pyo3::types::string::PyStringData::Ucs1(tag)) = unsafe { key.data() }
                    {
                        if let Some(value) = untag(self.py, tag, &v)? {
                            return Ok(value);
                        }
                    }
                }
            }
        }
        Ok(o.into_any())
    }
}

/// `UUID(value)` for the form dumps writes (32 lowercase hex digits), built
/// as `UUID.__init__` leaves it: `int` set, `is_safe` = `SafeUUID.unknown`.
fn fast_uuid<'py>(
    py: Python<'py>,
    value: &Bound<'py, PyAny>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let Ok(s) = value.cast_exact::<PyString>() else {
        return Ok(None);
    };
    let Ok(text) = s.to_str() else {
        return Ok(None);
    };
    if text.len() != 32 || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Ok(None);
    }
    let Ok(n) = u128::from_str_radix(text, 16) else {
        return Ok(None);
    };
    let class = objects::uuid_class(py)?;
    let obj = class.call_method1(intern!(py, "__new__"), (class,))?;
    let int = n.into_pyobject(py)?;
    let unknown = objects::safe_uuid_unknown(py)?;
    // SAFETY: obj is a fresh UUID instance; PyObject_GenericSetAttr is
    // `object.__setattr__`, which UUID.__init__ itself uses for its slots.
    unsafe {
        for (name, v) in [
            (intern!(py, "int"), int.as_any()),
            (intern!(py, "is_safe"), unknown),
        ] {
            if ffi::PyObject_GenericSetAttr(obj.as_ptr(), name.as_ptr(), v.as_ptr()) != 0 {
                return Err(PyErr::fetch(py));
            }
        }
    }
    Ok(Some(obj))
}

/// `TaggedJSONSerializer.untag` for a one-key object `{tag: value}`; None
/// when `tag` is not one of Flask's tag keys.
fn untag<'py>(
    py: Python<'py>,
    tag: &[u8],
    value: &Bound<'py, PyAny>,
) -> Built<Option<Bound<'py, PyAny>>> {
    let out = match tag {
        b" t" => match value.cast::<PyList>() {
            Ok(list) => list.to_tuple().into_any(),
            Err(_) => py.get_type::<PyTuple>().call1((value,))?,
        },
        b" b" => {
            let text = value.cast::<PyString>().ok().and_then(|s| s.to_str().ok());
            let fast = match text {
                Some(text) => b64decode_canonical(text.as_bytes())?,
                None => None,
            };
            match fast {
                Some(bytes) => objects::new_bytes(py, &bytes)?.into_any(),
                None => objects::b64decode(py)?.call1((value,))?,
            }
        }
        b" m" => objects::markup_class(py)?.call1((value,))?,
        b" u" => match fast_uuid(py, value)? {
            Some(u) => u,
            None => objects::uuid_class(py)?.call1((value,))?,
        },
        b" d" => {
            let fast = value
                .cast::<PyString>()
                .ok()
                .and_then(|s| s.to_str().ok().map(str::as_bytes))
                .and_then(http_date::parse_canonical_http_date);
            match fast {
                Some((y, mo, d, h, mi, s)) if objects::datetime_is_real(py)? => {
                    let utc = objects::utc(py)?.cast::<pyo3::types::PyTzInfo>()?;
                    PyDateTime::new(py, y, mo, d, h, mi, s, 0, Some(utc))?.into_any()
                }
                // Unparsed forms, or `datetime.datetime` replaced (freezegun):
                // werkzeug builds the value, exactly as in stock.
                _ => objects::parse_date(py)?.call1((value,))?,
            }
        }
        b" di" => {
            // `{key[:-2]: value[key]}` for the first key; anything but a
            // non-empty dict with a str first key is left to stock code.
            let dict = value.cast::<PyDict>()?;
            let (k, v) = dict.iter().next().ok_or(Stop::Stock)?;
            let k = k.cast::<PyString>()?;
            // SAFETY: k is a str; PyUnicode_Substring returns a new reference.
            let stripped = unsafe {
                let n = ffi::PyUnicode_GetLength(k.as_ptr());
                Bound::from_owned_ptr_or_err(
                    py,
                    ffi::PyUnicode_Substring(k.as_ptr(), 0, (n - 2).max(0)),
                )?
            };
            let out = PyDict::new(py);
            out.set_item(stripped, v)?;
            out.into_any()
        }
        _ => return Ok(None),
    };
    Ok(Some(out))
}
