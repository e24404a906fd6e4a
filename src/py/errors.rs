//! How the native code stops, and the one place where the signing core's
//! errors become itsdangerous's own exceptions, with stock's messages and
//! attributes.
//!
//! Every native call ends in one of three ways ([`guarded`]): a result, the
//! fallback sentinel ([`Stop::Stock`]: stock code answers the call), or an
//! exception raised as is ([`Stop::Raise`]). A panic is a bug: stock code
//! answers too, and a `RuntimeWarning` says so.

use std::ffi::CString;
use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::exceptions::{PyException, PyMemoryError, PyRuntimeWarning};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::buf::AllocError;
use crate::limits::MAX_TIMESTAMP;
use crate::py::objects;
use crate::signing::UnsignError;

/// Why the native code stopped before answering a call. The one error type
/// of the dumps walker, the loads builder and the codec.
#[derive(Debug)]
pub(crate) enum Stop {
    /// Stock code must answer the call; it then returns stock's result or
    /// raises stock's exception, with stock's traceback. Whatever the native
    /// path does not reproduce ends here, and so does an ordinary exception
    /// (an `Exception` other than `MemoryError`) from user code.
    Stock,
    /// Raised to the caller as it is: an exception stock code lets through
    /// as well (`KeyboardInterrupt`, `SystemExit`, `GeneratorExit`, any
    /// `BaseException` that is not an `Exception`, and `MemoryError`).
    /// Re-running the call through stock code would lose it (a signal's
    /// handler ran once) and run user callbacks a second time.
    Raise(PyErr),
}

impl From<PyErr> for Stop {
    fn from(err: PyErr) -> Self {
        // The native code runs attached to the interpreter: this only reads
        // the thread's attachment.
        Python::attach(|py| {
            if err.is_instance_of::<PyException>(py) && !err.is_instance_of::<PyMemoryError>(py) {
                Stop::Stock
            } else {
                Stop::Raise(err)
            }
        })
    }
}

impl From<pyo3::CastError<'_, '_>> for Stop {
    fn from(_: pyo3::CastError<'_, '_>) -> Self {
        Stop::Stock
    }
}

/// A native buffer could not grow: stock code answers, and raises its own
/// `MemoryError` if it runs out too (it needs different amounts, at other
/// moments).
impl From<AllocError> for Stop {
    fn from(_: AllocError) -> Self {
        Stop::Stock
    }
}

/// Runs the native body `f` of the call named `call` at the pyo3 boundary:
/// its result, `stock()` (the fallback) for [`Stop::Stock`], the exception
/// of [`Stop::Raise`]. A panic (a bug, never expected) is answered by
/// `stock()` too, after a `RuntimeWarning` (see [`warn_internal_error`]).
pub(crate) fn guarded<T>(
    py: Python<'_>,
    call: &str,
    stock: impl FnOnce() -> PyResult<T>,
    f: impl FnOnce() -> Result<T, Stop>,
) -> PyResult<T> {
    let f = || {
        #[cfg(feature = "testing")]
        testing::maybe_panic();
        f()
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(Stop::Stock)) => stock(),
        Ok(Err(Stop::Raise(e))) => Err(e),
        Err(payload) => {
            warn_internal_error(py, call, &panic_message(payload.as_ref()))?;
            stock()
        }
    }
}

/// Whether an internal error was reported (once per process).
static WARNED: AtomicBool = AtomicBool::new(false);

/// Warns (once per process) that stock code answered `call` because of an
/// internal error, so a bug shows up in logs instead of only costing speed.
/// When warnings are errors (`-W error`, pytest's `filterwarnings = error`)
/// the warning is raised, and every later internal error raises again.
fn warn_internal_error(py: Python<'_>, call: &str, message: &str) -> PyResult<()> {
    if WARNED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let text = format!(
        "flask-fastsession: internal error in {call} ({message}); stock Flask code \
         answered this call, please report it"
    )
    .replace('\0', "\\0");
    let text = CString::new(text).expect("NUL bytes were replaced");
    PyErr::warn(py, &py.get_type::<PyRuntimeWarning>(), &text, 1)?;
    WARNED.store(true, Ordering::Relaxed);
    Ok(())
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_owned()
    }
}

/// The `testing` cargo feature (on in `make develop`, off in wheels): a way
/// for the test suite to make the next native call panic, so that the panic
/// path (stock answers, a warning is issued) is exercised for real.
#[cfg(feature = "testing")]
pub(crate) mod testing {
    use std::sync::atomic::{AtomicBool, Ordering};

    static PANIC_NEXT: AtomicBool = AtomicBool::new(false);

    /// The next native call (on any thread) panics.
    pub(crate) fn panic_next_call() {
        PANIC_NEXT.store(true, Ordering::Relaxed);
    }

    /// Forgets that the internal-error warning was issued.
    pub(crate) fn reset_warning() {
        super::WARNED.store(false, Ordering::Relaxed);
    }

    pub(super) fn maybe_panic() {
        let requested =
            PANIC_NEXT.load(Ordering::Relaxed) && PANIC_NEXT.swap(false, Ordering::Relaxed);
        assert!(!requested, "panic requested by the test suite");
    }
}

/// `BadPayload` as itsdangerous's `Serializer.load_payload` raises it for an
/// exception from the JSON serializer: `raise BadPayload(..., original_error=e)
/// from e`, inside the `except` block handling `e`.
pub(crate) fn bad_payload(py: Python<'_>, cause: &PyErr) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("original_error", cause.value(py))?;
        let err = PyErr::from_value(objects::bad_payload(py)?.call(
            (
                "Could not load the payload because an exception occurred on \
                 unserializing the data.",
            ),
            Some(&kwargs),
        )?);
        err.set_cause(py, Some(cause.clone_ref(py)));
        // `raise ... from e` in an `except` block: `__context__` is `e` too.
        // SAFETY: both are live exception instances; SetContext steals the
        // (new) reference it is given.
        unsafe {
            let context = cause.value(py).clone().into_ptr();
            pyo3::ffi::PyException_SetContext(err.value(py).as_ptr(), context);
        }
        Ok(err)
    };
    build().unwrap_or_else(|e| e)
}

/// `TimestampSigner.timestamp_to_datetime(ts)`; raises what stock raises.
/// Uses the `datetime` name itsdangerous sees now, so a patched clock
/// (freezegun) gives the same class as in stock.
fn timestamp_to_datetime(py: Python<'_>, ts: u64) -> PyResult<Bound<'_, PyAny>> {
    py.import("itsdangerous.timed")?
        .getattr("datetime")?
        .call_method1("fromtimestamp", (ts, objects::utc(py)?))
}

fn raise(
    py: Python<'_>,
    class: &Bound<'_, PyAny>,
    message: String,
    payload: Option<&[u8]>,
    date_signed: Option<Bound<'_, PyAny>>,
) -> PyResult<PyErr> {
    let kwargs = PyDict::new(py);
    if let Some(p) = payload {
        kwargs.set_item("payload", PyBytes::new(py, p))?;
    }
    if let Some(d) = date_signed {
        kwargs.set_item("date_signed", d)?;
    }
    Ok(PyErr::from_value(class.call((message,), Some(&kwargs))?))
}

fn sig_mismatch_message(py: Python<'_>, sig: &[u8]) -> PyResult<String> {
    Ok(format!(
        "Signature {} does not match",
        PyBytes::new(py, sig).repr()?.to_str()?
    ))
}

/// The exception stock's `URLSafeTimedSerializer.loads` raises for `err`.
pub(crate) fn unsign_error(py: Python<'_>, err: &UnsignError<'_>) -> PyErr {
    build(py, err).unwrap_or_else(|e| e)
}

fn build(py: Python<'_>, err: &UnsignError<'_>) -> PyResult<PyErr> {
    match *err {
        UnsignError::NoSeparator => raise(
            py,
            objects::bad_signature(py)?,
            "No b'.' found in value".to_owned(),
            None,
            None,
        ),
        UnsignError::BadSignature { value, sig } => raise(
            py,
            objects::bad_signature(py)?,
            sig_mismatch_message(py, sig)?,
            Some(value),
            None,
        ),
        UnsignError::BadTimeSignature {
            payload,
            sig,
            timestamp,
        } => {
            let class = objects::bad_time_signature(py)?;
            let date_signed = match timestamp {
                None => None,
                Some(ts) => match timestamp_to_datetime(py, ts) {
                    Ok(d) => Some(d),
                    Err(e)
                        if e.is_instance_of::<pyo3::exceptions::PyValueError>(py)
                            || e.is_instance_of::<pyo3::exceptions::PyOSError>(py)
                            || e.is_instance_of::<pyo3::exceptions::PyOverflowError>(py) =>
                    {
                        let new = raise(
                            py,
                            class,
                            "Malformed timestamp".to_owned(),
                            Some(payload),
                            None,
                        )?;
                        new.set_cause(py, Some(e));
                        return Ok(new);
                    }
                    Err(e) => return Err(e),
                },
            };
            raise(
                py,
                class,
                sig_mismatch_message(py, sig)?,
                Some(payload),
                date_signed,
            )
        }
        UnsignError::TimestampMissing { value } => raise(
            py,
            objects::bad_time_signature(py)?,
            "timestamp missing".to_owned(),
            Some(value),
            None,
        ),
        UnsignError::MalformedTimestamp { payload } => raise(
            py,
            objects::bad_time_signature(py)?,
            "Malformed timestamp".to_owned(),
            Some(payload),
            None,
        ),
        // The codec hands these to stock code before asking for an exception.
        UnsignError::Deferred => unreachable!("a deferred unsign has no exception of its own"),
        UnsignError::Expired {
            payload,
            timestamp,
            age,
            max_age,
        } => {
            let message = if i128::from(max_age) < age {
                format!("Signature age {age} > {max_age} seconds")
            } else {
                format!("Signature age {age} < 0 seconds")
            };
            // Stock computes date_signed here; out-of-range timestamps raise
            // datetime's own error out of loads(), as they do in stock.
            let date_signed = timestamp_to_datetime(py, timestamp)?;
            raise(
                py,
                objects::signature_expired(py)?,
                message,
                Some(payload),
                Some(date_signed),
            )
        }
    }
}

/// Whether stock's `open_session` swallows `err` (every `BadSignature`),
/// rather than letting an error from building it escape.
pub(crate) fn swallowed_by_open_session(err: &UnsignError<'_>) -> bool {
    match *err {
        UnsignError::Expired { timestamp, .. } => timestamp <= MAX_TIMESTAMP,
        UnsignError::Deferred => false,
        _ => true,
    }
}
