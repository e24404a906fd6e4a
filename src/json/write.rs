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
use core::fmt::Write as _;

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

/// Two-digit decimal table for integer formatting.
const DEC2: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

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
    push_u64(v, out);
    Ok(())
}

/// [`write_u64`] into reserved space.
#[inline]
fn push_u64(mut v: u64, out: &mut Vec<u8>) {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    while v >= 100 {
        let r = (v % 100) as usize * 2;
        v /= 100;
        pos -= 2;
        buf[pos] = DEC2[r];
        buf[pos + 1] = DEC2[r + 1];
    }
    if v >= 10 {
        let r = v as usize * 2;
        pos -= 2;
        buf[pos] = DEC2[r];
        buf[pos + 1] = DEC2[r + 1];
    } else {
        pos -= 1;
        buf[pos] = b'0' + v as u8;
    }
    out.extend_from_slice(&buf[pos..]);
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
    if v < 0 {
        out.push(b'-');
    }
    push_u64(v.unsigned_abs(), out);
    Ok(())
}

// ---------------------------------------------------------------------------
// Floats
// ---------------------------------------------------------------------------

/// Fixed-size stack buffer for `core::fmt` output.
struct StackBuf {
    buf: [u8; 40],
    len: usize,
}

impl fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Appends `v` exactly as CPython 3.11's JSON encoder does: `NaN`,
/// `Infinity`, `-Infinity`, else `float.__repr__(v)`.
///
/// `repr` uses the shortest digit string that round-trips (which is what
/// Rust's `{:e}` produces) laid out in fixed notation when the decimal point
/// position `decpt` (value = 0.DIGITS × 10^decpt) satisfies
/// `-4 < decpt <= 16`, and in scientific notation (`1e+16`, `1.5e-07`,
/// exponent at least two digits) otherwise. Fixed notation always shows a
/// fractional part (`123.0`).
///
/// # Errors
///
/// [`AllocError`] when `out` cannot grow.
///
/// # Panics
///
/// Never: `{:e}` of an f64 takes at most 24 bytes of the 40-byte buffer.
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
    let mut sb = StackBuf {
        buf: [0; 40],
        len: 0,
    };
    write!(sb, "{:e}", v.abs()).expect("`{:e}` of an f64 fits in 40 bytes");
    let len = sb.len;
    layout_float(v.is_sign_negative(), v.abs().to_bits(), &sb.buf[..len], out);
    Ok(())
}

/// Re-lays Rust's shortest `{:e}` output (`D[.DDDD]e[-]X`) the way
/// CPython's `format_float_short` does in `'r'` mode.
fn layout_float(negative: bool, abs_bits: u64, s: &[u8], out: &mut Vec<u8>) {
    let epos = s
        .iter()
        .position(|&b| b == b'e')
        .expect("`{:e}` output has an exponent");
    let (mant, exp_part) = s.split_at(epos);
    let mut digits = [0u8; 40];
    let mut nd = 0usize;
    // At most 17 significant digits: the 40-byte array holds them.
    for &b in mant {
        if b.is_ascii_digit() {
            digits[nd] = b;
            nd += 1;
        }
    }
    assert!(nd > 0, "`{{:e}}` output has a digit");
    let mut exp: i32 = 0;
    let mut exp_neg = false;
    for &b in exp_part.iter().skip(1) {
        if b == b'-' {
            exp_neg = true;
        } else if b.is_ascii_digit() {
            exp = exp.saturating_mul(10).saturating_add((b - b'0') as i32);
        }
    }
    if exp_neg {
        exp = -exp;
    }
    fix_tie(abs_bits, &mut digits, &mut nd, &mut exp);
    let digits = &digits[..nd];
    let decpt = exp + 1;

    if negative {
        out.push(b'-');
    }
    if decpt <= -4 || decpt > 16 {
        out.push(digits[0]);
        if nd > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        out.push(if exp < 0 { b'-' } else { b'+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            out.push(b'0');
        }
        push_u64(u64::from(e), out);
    } else if decpt <= 0 {
        out.extend_from_slice(b"0.");
        for _ in 0..(-decpt) {
            out.push(b'0');
        }
        out.extend_from_slice(digits);
    } else {
        let decpt = decpt as usize;
        if decpt >= nd {
            out.extend_from_slice(digits);
            for _ in nd..decpt {
                out.push(b'0');
            }
            out.extend_from_slice(b".0");
        } else {
            let (a, b) = digits.split_at(decpt);
            out.extend_from_slice(a);
            out.push(b'.');
            out.extend_from_slice(b);
        }
    }
}

/// `x * 5^k`, `None` on overflow.
fn mul_pow5(x: u128, k: i32) -> Option<u128> {
    let mut r = x;
    for _ in 0..k {
        r = r.checked_mul(5)?;
    }
    Some(r)
}

/// CPython's `_Py_dg_dtoa` (mode 0) breaks an exact tie between two shortest
/// candidates towards the EVEN last digit (`repr(1000000000000000.25)` is
/// `1000000000000000.2`); Rust's shortest formatting rounds such ties up
/// (`...0.3`). Detects the tie exactly and moves to the even neighbour.
///
/// `digits[..nd]` = D (no trailing zeros), value of the candidate
/// = D × 10^(exp − nd + 1). The double is x = m_odd × 2^(e+t). A tie means
/// x = (2D ∓ 1) × 5^(q+1) × 2^q with q = exp − nd, i.e. e + t = q and
/// m_odd × 5^max(0, −q−1) = (2D ∓ 1) × 5^max(0, q+1).
#[allow(clippy::many_single_char_names)] // the names of the math above
fn fix_tie(abs_bits: u64, digits: &mut [u8; 40], nd: &mut usize, exp: &mut i32) {
    let n = *nd;
    if n == 0 || n > 17 {
        return;
    }
    let frac = abs_bits & ((1u64 << 52) - 1);
    let bexp = ((abs_bits >> 52) & 0x7FF) as i32;
    let (m, e) = if bexp == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), bexp - 1075)
    };
    if m == 0 {
        return;
    }
    let t = m.trailing_zeros();
    let q = *exp - n as i32;
    if e + t as i32 != q {
        return; // the common case: cannot be a tie
    }
    let m_odd = (m >> t) as u128;
    let mut d: u64 = 0;
    for &c in &digits[..n] {
        d = d * 10 + (c.wrapping_sub(b'0') % 10) as u64;
    }
    if d & 1 == 0 || d < 2 {
        return; // already even (or degenerate): CPython agrees
    }
    let lhs = mul_pow5(m_odd, (-q - 1).max(0));
    let b = (q + 1).max(0);
    let d2 = 2 * d as u128;
    let new_d = if lhs.is_some() && lhs == mul_pow5(d2 - 1, b) {
        d - 1 // x is halfway below D: CPython keeps the even lower digit
    } else if lhs.is_some() && lhs == mul_pow5(d2 + 1, b) {
        d + 1 // x is halfway above D: CPython takes the even upper digit
    } else {
        return;
    };
    // Re-render new_d (it may have gained a digit through a carry, or end
    // in zeros that shortest output never shows).
    let mut tmp = [0u8; 20];
    let mut len = 0usize;
    let mut v = new_d;
    while v > 0 && len < tmp.len() {
        tmp[len] = b'0' + (v % 10) as u8;
        v /= 10;
        len += 1;
    }
    if len == 0 {
        return;
    }
    let new_exp = match len.cmp(&n) {
        core::cmp::Ordering::Greater => *exp + 1,
        core::cmp::Ordering::Less => *exp - 1,
        core::cmp::Ordering::Equal => *exp,
    };
    // The even neighbour must still round-trip: it may not, at a power of
    // two, whose lower rounding interval is half as wide (CPython then keeps
    // the only valid candidate, e.g. repr(2**-24) = 5.960464477539063e-08).
    let mut sb = StackBuf {
        buf: [0; 40],
        len: 0,
    };
    if write!(sb, "{new_d}e{}", new_exp - len as i32 + 1).is_err() {
        return;
    }
    let round_trips = core::str::from_utf8(&sb.buf[..sb.len])
        .ok()
        .and_then(|t| t.parse::<f64>().ok())
        .is_some_and(|back| back.to_bits() == abs_bits);
    if !round_trips {
        return;
    }
    *exp = new_exp;
    let mut k = 0usize;
    while k < len && tmp[k] == b'0' {
        k += 1; // trailing zeros (tmp is little-endian)
    }
    let mut out_n = 0usize;
    for idx in (k..len).rev() {
        digits[out_n] = tmp[idx];
        out_n += 1;
    }
    *nd = out_n;
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
#[rustfmt::skip]
mod py_vectors;
