//! Writers whose output equals CPython 3.11's
//! `json.dumps(x, separators=(",", ":"), ensure_ascii=...)` for scalars.
//!
//! Every function appends to a caller-provided `Vec<u8>` and allocates only
//! when that vector has to grow, fallibly: an allocation failure is an
//! [`AllocError`] (never an abort), and `out` is then left as it was.
//!
//! String escaping follows `Modules/_json.c`:
//! * `ensure_ascii=True` (`ascii_escape_unicode`): `"` → `\"`, `\` → `\\`,
//!   `\n \r \t \b \f` as such, every other char outside `0x20..=0x7E` as
//!   `\u00XX` / `\uXXXX` with lowercase hex; chars above U+FFFF as a
//!   surrogate pair of escapes; lone surrogates escaped as themselves.
//! * `ensure_ascii=False` (`escape_unicode`): only `"`, `\` and chars below
//!   0x20 are escaped (short forms, else `\u00XX`); everything else is raw
//!   UTF-8 (0x7F too). A surrogate code point cannot be UTF-8 encoded (Python
//!   raises `UnicodeEncodeError` when the session encodes the result), so the
//!   writers return [`StrError::LoneSurrogate`].

use core::fmt;

use crate::buf::reserve;
pub use crate::buf::AllocError;

/// Why a wide string was not written. The output vector is left as it was
/// before the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrError {
    /// The string holds a surrogate code point (U+D800..=U+DFFF; also any
    /// value above U+10FFFF) and was written with `ensure_ascii=False`:
    /// Python's result would not be encodable as UTF-8.
    LoneSurrogate,
    /// The output could not grow.
    Alloc(AllocError),
}

impl From<AllocError> for StrError {
    fn from(e: AllocError) -> Self {
        StrError::Alloc(e)
    }
}

impl fmt::Display for StrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StrError::LoneSurrogate => f.write_str("surrogates not allowed"),
            StrError::Alloc(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for StrError {}

/// Most bytes [`write_float`] appends (`-` + 17 digits + `.` + `e-308` is 24).
const FLOAT_MAX_LEN: usize = 32;
/// Most bytes one escaped code point takes: two `\uXXXX` escapes.
const ESCAPE_MAX_LEN: usize = 12;

const HEX: &[u8; 16] = b"0123456789abcdef";

// ---------------------------------------------------------------------------
// Integers
// ---------------------------------------------------------------------------

/// Appends the decimal digits of `v` (same as Python `str(int)`).
///
/// # Errors
///
/// [`AllocError`] when `out` cannot grow.
#[inline]
pub fn write_u64(v: u64, out: &mut Vec<u8>) -> Result<(), AllocError> {
    reserve(out, 20)?;
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    Ok(())
}

/// Appends `v` in decimal, with a leading `-` when negative (Python
/// `str(int)`; `i64::MIN` included).
///
/// # Errors
///
/// [`AllocError`] when `out` cannot grow.
#[inline]
pub fn write_i64(v: i64, out: &mut Vec<u8>) -> Result<(), AllocError> {
    reserve(out, 21)?;
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    Ok(())
}

// ---------------------------------------------------------------------------
// Floats
// ---------------------------------------------------------------------------

/// Appends `v` exactly as CPython 3.11's JSON encoder does: `NaN`,
/// `Infinity`, `-Infinity`, else `float.__repr__(v)`.
///
/// `repr` writes the shortest digit string that round-trips, an exact tie
/// between two shortest candidates going to the even one (`_Py_dg_dtoa`
/// mode 0); `zmij` generates the same digits. `repr` lays them out in fixed
/// notation when the decimal exponent `e` (value = d.ddd × 10^e) satisfies
/// `-4 <= e < 16`, always with a fractional part (`123.0`), and otherwise
/// as `d[.ddd]e±XX` with at least two exponent digits (`1e+16`, `1.5e-07`).
/// `zmij` uses fixed notation for `-5 <= e < 16` and writes one-digit
/// exponents as such (`1.5e-7`): [`push_repr`] re-lays those two cases.
///
/// # Errors
///
/// [`AllocError`] when `out` cannot grow.
///
/// # Panics
///
/// Only if zmij's output broke the layout [`push_repr`] relies on.
pub fn write_float(v: f64, out: &mut Vec<u8>) -> Result<(), AllocError> {
    reserve(out, FLOAT_MAX_LEN)?;
    if v.is_nan() {
        out.extend_from_slice(b"NaN");
        return Ok(());
    }
    if v.is_infinite() {
        out.extend_from_slice(if v > 0.0 { b"Infinity" } else { b"-Infinity" });
        return Ok(());
    }
    let mut buf = zmij::Buffer::new();
    push_repr(buf.format_finite(v).as_bytes(), out);
    Ok(())
}

/// Appends zmij's output `s` for a finite double in CPython's `repr` layout.
/// Everything but the two cases below is already byte for byte `repr`.
#[inline]
fn push_repr(s: &[u8], out: &mut Vec<u8>) {
    let n = s.len();
    // `d[.ddd]e±X`: a one-digit exponent (e = -9..=-6 here; e >= 16 always
    // has two) gets its leading zero.
    if n >= 3 && s[n - 3] == b'e' {
        out.extend_from_slice(&s[..n - 1]);
        out.push(b'0');
        out.push(s[n - 1]);
        return;
    }
    // `0.0000ddd` (e = -5) is `d[.ddd]e-05` in `repr`: four zeros after
    // the point only occur at e = -5, zmij's lowest fixed exponent.
    let (sign, body) = match s.split_first() {
        Some((b'-', rest)) => (&s[..1], rest),
        _ => (&s[..0], s),
    };
    if let Some(digits) = body.strip_prefix(b"0.0000") {
        let (first, rest) = digits
            .split_first()
            .expect("zmij writes a digit after `0.0000`");
        assert!(*first != b'0', "zmij's fixed notation stops at e = -5");
        out.extend_from_slice(sign);
        out.push(*first);
        if !rest.is_empty() {
            out.push(b'.');
            out.extend_from_slice(rest);
        }
        out.extend_from_slice(b"e-05");
        return;
    }
    out.extend_from_slice(s);
}

// ---------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------

#[inline(always)]
fn push_u_escape(out: &mut Vec<u8>, c: u32) {
    out.extend_from_slice(&[
        b'\\',
        b'u',
        HEX[((c >> 12) & 0xF) as usize],
        HEX[((c >> 8) & 0xF) as usize],
        HEX[((c >> 4) & 0xF) as usize],
        HEX[(c & 0xF) as usize],
    ]);
}

/// Escapes an ASCII char that needs it in both modes (`"`, `\`, < 0x20), or
/// 0x7F (only ever passed here in ensure_ascii mode).
#[inline(always)]
fn push_ascii_escape(out: &mut Vec<u8>, c: u32) {
    let short = match c {
        0x22 => b'"',
        0x5C => b'\\',
        0x0A => b'n',
        0x0D => b'r',
        0x09 => b't',
        0x08 => b'b',
        0x0C => b'f',
        _ => {
            push_u_escape(out, c);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', short]);
}

/// ensure_ascii escape of a char `>= 0x7F` (`c <= 0x10FFFF` in Python; larger
/// values are masked like `_json.c` would, never panicking).
#[inline(always)]
fn push_non_ascii_escape(out: &mut Vec<u8>, c: u32) {
    if c >= 0x10000 {
        let v = c.wrapping_sub(0x10000);
        push_u_escape(out, 0xD800 | ((v >> 10) & 0x3FF));
        push_u_escape(out, 0xDC00 | (v & 0x3FF));
    } else {
        push_u_escape(out, c);
    }
}

/// Writes `s` (valid UTF-8) as a JSON string literal, quotes included.
///
/// # Errors
///
/// [`AllocError`] when `out` cannot grow (`out` is then left as it was).
pub fn write_str_utf8(s: &str, ensure_ascii: bool, out: &mut Vec<u8>) -> Result<(), AllocError> {
    let original_len = out.len();
    let r = utf8_body(s, ensure_ascii, out);
    if r.is_err() {
        out.truncate(original_len);
    }
    r
}

// Room is kept for every byte still to copy plus the closing quote: runs and
// the quote never grow `out`; each escape makes room for itself and the rest.
#[allow(clippy::many_single_char_names)] // bytes, char, width: as in UTF-8 texts
fn utf8_body(s: &str, ensure_ascii: bool, out: &mut Vec<u8>) -> Result<(), AllocError> {
    let bytes = s.as_bytes();
    reserve(out, bytes.len() + 2)?;
    out.push(b'"');
    let mut start = 0usize;
    loop {
        let i = crate::json::swar::find(bytes, start, ensure_ascii);
        out.extend_from_slice(&bytes[start..i]);
        let Some(&b) = bytes.get(i) else {
            break;
        };
        reserve(out, ESCAPE_MAX_LEN + (bytes.len() - i))?;
        if b < 0x80 {
            push_ascii_escape(out, b as u32);
            start = i + 1;
        } else {
            // ensure_ascii and a multi-byte char starts here (we only stop at
            // char boundaries: every byte skipped so far was ASCII or a whole
            // char). Decode it by hand; `s` is valid UTF-8.
            let at = |k: usize| u32::from(bytes[i + k] & 0x3F);
            let (c, w) = if b < 0xE0 {
                (((b as u32 & 0x1F) << 6) | at(1), 2)
            } else if b < 0xF0 {
                (((b as u32 & 0x0F) << 12) | (at(1) << 6) | at(2), 3)
            } else {
                (
                    ((b as u32 & 0x07) << 18) | (at(1) << 12) | (at(2) << 6) | at(3),
                    4,
                )
            };
            push_non_ascii_escape(out, c);
            start = i + w;
        }
    }
    out.push(b'"');
    Ok(())
}

/// Writes a latin-1 string (each byte one code point U+0000..=U+00FF, the
/// storage of Python's 1-byte-kind strings) as a JSON string literal.
///
/// # Errors
///
/// [`AllocError`] when `out` cannot grow (`out` is then left as it was).
pub fn write_str_latin1(s: &[u8], ensure_ascii: bool, out: &mut Vec<u8>) -> Result<(), AllocError> {
    let original_len = out.len();
    let r = latin1_body(s, ensure_ascii, out);
    if r.is_err() {
        out.truncate(original_len);
    }
    r
}

// Room as in `utf8_body`.
fn latin1_body(s: &[u8], ensure_ascii: bool, out: &mut Vec<u8>) -> Result<(), AllocError> {
    reserve(out, s.len() + 2)?;
    out.push(b'"');
    let mut start = 0usize;
    loop {
        // Always stop at bytes >= 0x7F: they need escaping (ensure_ascii) or
        // UTF-8 encoding (raw mode; 0x7F is then copied as is).
        let i = crate::json::swar::find(s, start, true);
        out.extend_from_slice(&s[start..i]);
        let Some(&b) = s.get(i) else {
            break;
        };
        reserve(out, ESCAPE_MAX_LEN + (s.len() - i))?;
        if b < 0x7F {
            push_ascii_escape(out, b as u32);
        } else if ensure_ascii {
            push_u_escape(out, b as u32);
        } else if b == 0x7F {
            out.push(b);
        } else {
            out.extend_from_slice(&[0xC0 | (b >> 6), 0x80 | (b & 0x3F)]);
        }
        start = i + 1;
    }
    out.push(b'"');
    Ok(())
}

/// True for code points copied verbatim in both modes.
#[inline(always)]
fn plain_ascii(c: u32) -> bool {
    (0x20..0x7F).contains(&c) && c != b'"' as u32 && c != b'\\' as u32
}

#[inline(always)]
fn write_wide<T: Copy + Into<u32>>(
    s: &[T],
    ensure_ascii: bool,
    out: &mut Vec<u8>,
) -> Result<(), StrError> {
    let original_len = out.len();
    let r = wide_body(s, ensure_ascii, out);
    if r.is_err() {
        out.truncate(original_len);
    }
    r
}

// Room as in `utf8_body`: one byte per code unit left, plus the quote.
#[inline(always)]
fn wide_body<T: Copy + Into<u32>>(
    s: &[T],
    ensure_ascii: bool,
    out: &mut Vec<u8>,
) -> Result<(), StrError> {
    reserve(out, s.len() + 2)?;
    out.push(b'"');
    let mut i = 0usize;
    while i < s.len() {
        // Copy a run of plain ASCII in one go.
        let run_start = i;
        while let Some(&u) = s.get(i) {
            if !plain_ascii(u.into()) {
                break;
            }
            i += 1;
        }
        if i > run_start {
            // Plain ASCII: each unit is one byte.
            #[allow(clippy::cast_possible_truncation)]
            out.extend(s[run_start..i].iter().map(|&u| Into::<u32>::into(u) as u8));
        }
        let Some(&u) = s.get(i) else {
            break;
        };
        let c: u32 = u.into();
        reserve(out, ESCAPE_MAX_LEN + (s.len() - i))?;
        i += 1;
        if c < 0x7F {
            push_ascii_escape(out, c);
        } else if ensure_ascii {
            push_non_ascii_escape(out, c);
        } else {
            match char::from_u32(c) {
                Some(ch) => {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                None => return Err(StrError::LoneSurrogate),
            }
        }
    }
    out.push(b'"');
    Ok(())
}

/// Writes a UCS-2 string (Python's 2-byte-kind storage: each unit is one
/// code point, surrogates are lone code points, never combined) as a JSON
/// string literal.
///
/// # Errors
///
/// [`StrError::LoneSurrogate`] when `!ensure_ascii` and a surrogate occurs,
/// [`StrError::Alloc`] when `out` cannot grow; `out` is then unchanged.
pub fn write_str_ucs2(s: &[u16], ensure_ascii: bool, out: &mut Vec<u8>) -> Result<(), StrError> {
    write_wide(s, ensure_ascii, out)
}

/// Writes a UCS-4 string (Python's 4-byte-kind storage) as a JSON string
/// literal.
///
/// # Errors
///
/// [`StrError::LoneSurrogate`] when `!ensure_ascii` and a surrogate (or a
/// value above U+10FFFF) occurs, [`StrError::Alloc`] when `out` cannot grow;
/// `out` is then unchanged.
pub fn write_str_ucs4(s: &[u32], ensure_ascii: bool, out: &mut Vec<u8>) -> Result<(), StrError> {
    write_wide(s, ensure_ascii, out)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod reference;

#[cfg(test)]
#[rustfmt::skip]
mod py_vectors;
