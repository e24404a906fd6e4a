//! `DictWatch`: has any of these namespaces changed since it was last checked?
//!
//! The native path stands in for stock functions and class attributes
//! (itsdangerous's signer, Flask's tags, werkzeug's cookie writer, ...) and
//! keeps values read from an app's config. A test suite may patch any of
//! them, and then stock code must answer. The Python side keeps a snapshot
//! of every such name and compares it when a namespace changed; this class
//! makes "nothing changed" cheap to tell, through CPython's public means of
//! learning that a dict was modified:
//!
//! - CPython 3.12 and later: dict watchers (`PyDict_AddWatcher`,
//!   `PyDict_Watch`). One watcher per process; its callback gives the
//!   modified dict a new generation, drawn from one counter that only grows,
//!   so a generation is never seen twice.
//! - CPython 3.10 and 3.11: the dict's `ma_version_tag` (PEP 509), the field
//!   of `PyDictObject` as CPython's headers declare it, which CPython bumps
//!   on every modification from the same kind of global counter.
//!
//! A false "changed" only costs one comparison of the snapshot; a missed
//! change cannot happen, because every modification bumps the version.
//! No private field is read at a raw offset: where neither mechanism exists,
//! this module does not build.

use std::sync::atomic::{AtomicU64, Ordering};
#[cfg(Py_3_12)]
use std::sync::Arc;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyModule, PyType};

/// A dict whose modifications are tracked, and how to read its version.
pub(crate) struct Tracked {
    dict: Py<PyDict>,
    #[cfg(Py_3_12)]
    generation: Arc<AtomicU64>,
}

impl Tracked {
    /// Starts tracking `dict` (a dict may be tracked by any number of owners).
    #[cfg_attr(not(Py_3_12), allow(clippy::unnecessary_wraps))] // fails from 3.12 only
    pub(crate) fn new(dict: &Bound<'_, PyDict>) -> PyResult<Self> {
        Ok(Tracked {
            dict: dict.clone().unbind(),
            #[cfg(Py_3_12)]
            generation: watchers::watch(dict)?,
        })
    }

    /// The dict's version now: different from every earlier one once the
    /// dict was modified.
    pub(crate) fn version(&self, py: Python<'_>) -> u64 {
        #[cfg(Py_3_12)]
        {
            let _ = py;
            self.generation.load(Ordering::Acquire)
        }
        #[cfg(not(Py_3_12))]
        {
            // SAFETY: a live dict; `ma_version_tag` is a field of
            // `PyDictObject` as the headers of CPython 3.10 and 3.11 declare it.
            unsafe { (*self.dict.bind(py).as_ptr().cast::<ffi::PyDictObject>()).ma_version_tag }
        }
    }

    pub(crate) fn dict<'py>(&self, py: Python<'py>) -> &Bound<'py, PyDict> {
        self.dict.bind(py)
    }
}

#[cfg(Py_3_12)]
mod watchers {
    //! The process's one dict watcher and the generation of each dict it watches.

    use std::collections::BTreeMap;
    use std::os::raw::c_int;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex, PoisonError};

    use pyo3::exceptions::PyValueError;
    use pyo3::ffi;
    use pyo3::prelude::*;
    use pyo3::types::PyDict;

    type Callback = unsafe extern "C" fn(
        c_int,
        *mut ffi::PyObject,
        *mut ffi::PyObject,
        *mut ffi::PyObject,
    ) -> c_int;

    extern "C" {
        // Public API since CPython 3.12 (Include/cpython/dictobject.h).
        fn PyDict_AddWatcher(callback: Option<Callback>) -> c_int;
    }

    /// `PyDict_EVENT_DEALLOCATED`, the same in 3.12 to 3.15.
    const DEALLOCATED: c_int = 5;

    /// The generation counter: 0 is never handed out.
    static NEXT: AtomicU64 = AtomicU64::new(1);

    struct Registry {
        watcher: Option<c_int>,
        /// By the watched dict's address.
        dicts: BTreeMap<usize, Arc<AtomicU64>>,
    }

    static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
        watcher: None,
        dicts: BTreeMap::new(),
    });

    fn next() -> u64 {
        NEXT.fetch_add(1, Ordering::AcqRel) + 1
    }

    /// Called by CPython, with the GIL held, before a watched dict changes
    /// (or goes away). Calls no Python code; cannot unwind into CPython.
    unsafe extern "C" fn on_event(
        event: c_int,
        dict: *mut ffi::PyObject,
        _key: *mut ffi::PyObject,
        _value: *mut ffi::PyObject,
    ) -> c_int {
        let _ = std::panic::catch_unwind(|| {
            let mut registry = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
            let address = dict as usize;
            if event == DEALLOCATED {
                if let Some(generation) = registry.dicts.remove(&address) {
                    generation.store(next(), Ordering::Release);
                }
            } else if let Some(generation) = registry.dicts.get(&address) {
                generation.store(next(), Ordering::Release);
            }
        });
        0
    }

    /// The generation cell of `dict`, watching it from now on.
    pub(super) fn watch(dict: &Bound<'_, PyDict>) -> PyResult<Arc<AtomicU64>> {
        let mut registry = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
        let watcher = if let Some(id) = registry.watcher {
            id
        } else {
            // SAFETY: called with the GIL held; the callback is 'static.
            let id = unsafe { PyDict_AddWatcher(Some(on_event)) };
            if id < 0 {
                let why = PyErr::take(dict.py())
                    .map_or_else(|| "no dict watcher available".to_owned(), |e| e.to_string());
                return Err(PyValueError::new_err(format!(
                    "dict watchers unavailable: {why}"
                )));
            }
            registry.watcher = Some(id);
            id
        };
        let address = dict.as_ptr() as usize;
        if let Some(generation) = registry.dicts.get(&address) {
            return Ok(generation.clone());
        }
        // SAFETY: a live dict and a watcher id of this interpreter.
        if unsafe { ffi::PyDict_Watch(watcher, dict.as_ptr()) } < 0 {
            let why = PyErr::fetch(dict.py());
            return Err(PyValueError::new_err(format!(
                "a dict cannot be watched: {why}"
            )));
        }
        let generation = Arc::new(AtomicU64::new(next()));
        registry.dicts.insert(address, generation.clone());
        Ok(generation)
    }
}

/// The dict behind a module's or a class's namespace, or a dict itself.
fn namespace<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    if let Ok(dict) = obj.cast::<PyDict>() {
        return Ok(dict.clone());
    }
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
        "DictWatch watches dicts, modules and classes defined in Python",
    ))
}

/// The namespaces (module globals, class dicts or plain dicts) of some
/// objects, with the versions seen when they last matched the snapshot.
#[pyclass(frozen, module = "flask_fastsession._native")]
pub(crate) struct DictWatch {
    dicts: Vec<Tracked>,
    seen: Vec<AtomicU64>,
}

#[pymethods]
impl DictWatch {
    /// Watches the namespaces of `objects` (dicts, modules and classes), as they are now.
    #[new]
    fn new(objects: &Bound<'_, PyList>) -> PyResult<Self> {
        let py = objects.py();
        let mut dicts = Vec::with_capacity(objects.len());
        let mut seen = Vec::with_capacity(objects.len());
        for obj in objects.iter() {
            let tracked = Tracked::new(&namespace(&obj)?)?;
            seen.push(AtomicU64::new(tracked.version(py)));
            dicts.push(tracked);
        }
        Ok(DictWatch { dicts, seen })
    }

    /// None if no namespace changed since it last matched; otherwise the
    /// `(index, version)` of each one that did, to be verified and then
    /// passed to :meth:`accept`.
    fn changed(&self, py: Python<'_>) -> Option<Vec<(usize, u64)>> {
        let mut changes: Option<Vec<(usize, u64)>> = None;
        for (i, (dict, seen)) in self.dicts.iter().zip(&self.seen).enumerate() {
            let now = dict.version(py);
            if now != seen.load(Ordering::Relaxed) {
                changes.get_or_insert_with(Vec::new).push((i, now));
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
        self.dicts
            .iter()
            .zip(&self.seen)
            .all(|(dict, seen)| dict.version(py) == seen.load(Ordering::Relaxed))
    }
}

/// A class's `tp_version_tag` (a field of `PyTypeObject` as CPython's
/// headers declare it), assigned first where the class has none yet; 0 when
/// none can be assigned (the plan then cannot tell the class changed).
///
/// CPython clears a class's tag whenever it or any base class is modified
/// (its attributes, its bases) and never hands an old tag out again: its
/// method cache relies on the same rule.
pub(crate) fn type_tag(ty: &Bound<'_, PyType>) -> u32 {
    // SAFETY: a live type object; `tp_version_tag` is a plain field.
    let tag = unsafe { (*ty.as_type_ptr()).tp_version_tag };
    if tag != 0 {
        return tag;
    }
    assign_tag(ty);
    // SAFETY: as above.
    unsafe { (*ty.as_type_ptr()).tp_version_tag }
}

/// The tag a class has now, without assigning one (0: none, which counts
/// as "changed").
pub(crate) fn current_tag(ty: &Bound<'_, PyType>) -> u32 {
    // SAFETY: a live type object; `tp_version_tag` is a plain field.
    unsafe { (*ty.as_type_ptr()).tp_version_tag }
}

#[cfg(Py_3_12)]
fn assign_tag(ty: &Bound<'_, PyType>) {
    extern "C" {
        // Public (unstable tier) API since CPython 3.12 (Include/cpython/object.h).
        fn PyUnstable_Type_AssignVersionTag(ty: *mut ffi::PyTypeObject) -> std::os::raw::c_int;
    }
    // SAFETY: a live type object, with the GIL held.
    unsafe {
        PyUnstable_Type_AssignVersionTag(ty.as_type_ptr());
    }
}

#[cfg(not(Py_3_12))]
fn assign_tag(ty: &Bound<'_, PyType>) {
    // Before 3.12 a lookup in the class's own MRO, through the method cache,
    // assigns the tag: a name the metaclass does not define reaches it.
    let _ = ty.hasattr(pyo3::intern!(ty.py(), "__fastsession_version_tag__"));
}
