//! How the running interpreter's `base64.urlsafe_b64decode` decodes, the
//! [`B64Mode`] every native `loads` decodes the cookie's segments with.
//!
//! CPython's lenient base64 decoder changed in 3.14 (`=` no longer ends
//! decoding) and in 3.15 (`urlsafe_b64decode` no longer requires padding,
//! and warns about `+` and `/`). `flask_fastsession._checks` probes what the
//! running interpreter's `base64` module does with a fixed set of inputs at
//! import and calls [`set`] once with the mode that reproduces all of them,
//! or with none when no mode does: then stock code answers every `loads`.
//! Until it is called, no mode is known either.

use std::sync::atomic::{AtomicU8, Ordering};

use pyo3::prelude::*;

use crate::encoding::{B64Mode, Padding};
use crate::payload::JSON_MEMO;

/// The mode: 0 while none is known, else [`encode`]'s byte.
static MODE: AtomicU8 = AtomicU8::new(0);

const WARNS: u8 = 4;

const NAMES: [(&str, Padding); 3] = [
    ("ends-decoding", Padding::EndsDecoding),
    ("checked-at-end", Padding::CheckedAtEnd),
    ("optional", Padding::Optional),
];

fn encode(mode: B64Mode) -> u8 {
    let padding = match mode.padding {
        Padding::EndsDecoding => 1,
        Padding::CheckedAtEnd => 2,
        Padding::Optional => 3,
    };
    padding | if mode.warns_on_plus_slash { WARNS } else { 0 }
}

/// The mode in use; `None` while none is known (stock code decodes).
pub(crate) fn get() -> Option<B64Mode> {
    let v = MODE.load(Ordering::Relaxed);
    let padding = match v & 3 {
        1 => Padding::EndsDecoding,
        2 => Padding::CheckedAtEnd,
        3 => Padding::Optional,
        _ => return None,
    };
    Some(B64Mode {
        padding,
        warns_on_plus_slash: v & WARNS != 0,
    })
}

/// Sets the mode: `padding` one of "ends-decoding", "checked-at-end",
/// "optional" (see [`Padding`]), or `None` for "no mode reproduces this
/// interpreter". Forgets the JSON memo (its entries were decoded under the
/// previous mode); both steps run with the interpreter attached, as does
/// every native decode and memo insert, so no entry of the previous mode is
/// stored afterwards.
pub(crate) fn set(padding: Option<&str>, warns_on_plus_slash: bool) -> PyResult<()> {
    let byte = match padding {
        None => 0,
        Some(name) => {
            let Some(&(_, padding)) = NAMES.iter().find(|(n, _)| *n == name) else {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "padding must be 'ends-decoding', 'checked-at-end', 'optional' or None, not {name:?}"
                )));
            };
            encode(B64Mode {
                padding,
                warns_on_plus_slash,
            })
        }
    };
    MODE.store(byte, Ordering::Relaxed);
    JSON_MEMO.clear();
    Ok(())
}

/// `(padding, warns_on_plus_slash)` as [`set`] takes them; `(None, False)`
/// while no mode is known.
pub(crate) fn describe() -> (Option<&'static str>, bool) {
    match get() {
        None => (None, false),
        Some(mode) => {
            let name = NAMES
                .iter()
                .find(|(_, p)| *p == mode.padding)
                .map(|(n, _)| *n);
            (name, mode.warns_on_plus_slash)
        }
    }
}
