//! The object-key cache of the loads builder.
//!
//! Session dicts repeat the same few keys on every request; reusing their
//! str objects (with their cached hashes) saves building and hashing them.

use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::py::objects;

/// Direct-mapped by a hash of the key's bytes; only short keys are kept.
const KEY_CACHE_SLOTS: usize = 128;
const KEY_CACHE_MAX_LEN: usize = 40;

type KeySlot = Option<(Box<str>, Py<PyString>)>;

static KEY_CACHE: Mutex<[KeySlot; KEY_CACHE_SLOTS]> = Mutex::new([const { None }; KEY_CACHE_SLOTS]);

/// `(entries, slots)` of the object-key cache.
pub(crate) fn key_cache_usage() -> (usize, usize) {
    let cache = KEY_CACHE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    (
        cache.iter().filter(|slot| slot.is_some()).count(),
        KEY_CACHE_SLOTS,
    )
}

/// Forgets every cached object key.
pub(crate) fn key_cache_clear() {
    let mut cache = KEY_CACHE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for slot in cache.iter_mut() {
        *slot = None;
    }
}

fn key_slot(key: &str) -> usize {
    // FNV-1a: cheap, and a collision only costs a rebuilt key.
    let mut h: u32 = 0x811c_9dc5;
    for b in key.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h as usize % KEY_CACHE_SLOTS
}

/// The str object for an object key: the cached one when its slot holds
/// `key`, otherwise a new one (kept in the slot when the cache is free).
pub(crate) fn cached_key<'py>(py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
    if key.len() > KEY_CACHE_MAX_LEN {
        return Ok(objects::new_str(py, key)?.into_any());
    }
    let slot = key_slot(key);
    if let Ok(mut cache) = KEY_CACHE.try_lock() {
        if let Some(entry) = cache.get_mut(slot) {
            if let Some((k, v)) = entry {
                if **k == *key {
                    return Ok(v.bind(py).clone().into_any());
                }
            }
            let s = PyString::new(py, key);
            *entry = Some((key.into(), s.clone().unbind()));
            return Ok(s.into_any());
        }
    }
    Ok(PyString::new(py, key).into_any())
}
