//! The pyo3 edge: walking and building Python objects, exceptions, and the
//! classes and functions `flask_fastsession._native` exports.

pub(crate) mod b64mode;
pub(crate) mod codec;
pub(crate) mod deflate;
pub(crate) mod dumps;
pub(crate) mod errors;
pub(crate) mod interpreter;
pub(crate) mod keys;
pub(crate) mod loads;
pub(crate) mod module;
pub(crate) mod objects;
pub(crate) mod plan;
pub(crate) mod sentinels;
pub(crate) mod time;
pub(crate) mod watch;
