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
mod tests {
    use super::*;

    fn f(v: f64) -> String {
        let mut out = Vec::new();
        write_float(v, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn i(v: i64) -> String {
        let mut out = Vec::new();
        write_i64(v, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn ints() {
        for v in [
            0i64,
            1,
            -1,
            9,
            10,
            -10,
            99,
            100,
            101,
            12345,
            -987654321,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
            1_000_000_000_000_000_000,
        ] {
            assert_eq!(i(v), v.to_string());
        }
        let mut out = Vec::new();
        write_u64(u64::MAX, &mut out).unwrap();
        assert_eq!(out, b"18446744073709551615");
        // Every power of ten and its neighbours.
        let mut p: i64 = 1;
        for _ in 0..19 {
            for d in [-1, 0, 1] {
                assert_eq!(i(p + d), (p + d).to_string());
                assert_eq!(i(-(p + d)), (-(p + d)).to_string());
            }
            p = p.saturating_mul(10);
        }
    }

    #[test]
    fn float_specials() {
        assert_eq!(f(f64::NAN), "NaN");
        assert_eq!(f(-f64::NAN), "NaN");
        assert_eq!(f(f64::INFINITY), "Infinity");
        assert_eq!(f(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(f(0.0), "0.0");
        assert_eq!(f(-0.0), "-0.0");
    }

    use super::py_vectors::PY_REPR;

    #[test]
    fn float_repr_matches_cpython_vectors() {
        assert!(PY_REPR.len() > 300);
        for &(bits, want) in PY_REPR {
            assert_eq!(f(f64::from_bits(bits)), want, "bits {bits:#018x}");
        }
    }

    #[test]
    fn float_layout_examples() {
        // All from CPython 3.11 repr().
        let cases: &[(f64, &str)] = &[
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1e-5, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (123.0, "123.0"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (0.0001, "0.0001"),
            (0.00012345, "0.00012345"),
            (0.1, "0.1"),
            (0.30000000000000004, "0.30000000000000004"),
            (1.0, "1.0"),
            (-1.5, "-1.5"),
            (1234567890123456.7, "1234567890123456.8"),
            (9007199254740993.0, "9007199254740992.0"),
            (12345678901234567.0, "1.2345678901234568e+16"),
            (1e100, "1e+100"),
            (1.25e-100, "1.25e-100"),
            (100.0, "100.0"),
            (2.5, "2.5"),
            (1e22, "1e+22"),
            (1e23, "1e+23"),
        ];
        for &(v, want) in cases {
            assert_eq!(f(v), want);
        }
    }

    fn s_utf8(s: &str, a: bool) -> String {
        let mut out = Vec::new();
        write_str_utf8(s, a, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Runs every applicable writer on the code points and checks they agree.
    fn all_kinds(cps: &[u32], a: bool) -> Result<String, StrError> {
        let mut out4 = b"pre".to_vec();
        let r4 = write_str_ucs4(cps, a, &mut out4);
        if r4.is_err() {
            assert_eq!(out4, b"pre", "output restored on error");
        }
        if cps.iter().all(|&c| c <= 0xFFFF) {
            let u16s: Vec<u16> = cps.iter().map(|&c| c as u16).collect();
            let mut out2 = b"pre".to_vec();
            let r2 = write_str_ucs2(&u16s, a, &mut out2);
            assert_eq!(r2, r4);
            assert_eq!(out2, out4);
        }
        if cps.iter().all(|&c| c <= 0xFF) {
            let u8s: Vec<u8> = cps.iter().map(|&c| c as u8).collect();
            let mut out1 = b"pre".to_vec();
            write_str_latin1(&u8s, a, &mut out1).unwrap();
            assert_eq!(out1, out4);
        }
        if let Some(s) = cps
            .iter()
            .map(|&c| char::from_u32(c))
            .collect::<Option<String>>()
        {
            let mut out8 = b"pre".to_vec();
            write_str_utf8(&s, a, &mut out8).unwrap();
            assert_eq!(out8, out4);
        }
        r4?;
        Ok(String::from_utf8(out4[3..].to_vec()).unwrap())
    }

    #[test]
    fn string_escapes_match_cpython() {
        // Expected outputs from CPython 3.11 json.dumps(s, ensure_ascii=...).
        let cases: &[(&[u32], &str, Option<&str>)] = &[
            (&[], r#""""#, Some(r#""""#)),
            (
                &[0x22, 0x5C, 0x2F, 0x0A, 0x0D, 0x09, 0x08, 0x0C],
                r#""\"\\/\n\r\t\b\f""#,
                Some(r#""\"\\/\n\r\t\b\f""#),
            ),
            (
                &[0x00, 0x01, 0x1F, 0x0B],
                r#""\u0000\u0001\u001f\u000b""#,
                Some(r#""\u0000\u0001\u001f\u000b""#),
            ),
            (
                &[0x7E, 0x7F, 0x80, 0xFF],
                r#""~\u007f\u0080\u00ff""#,
                Some("\"~\u{7f}\u{80}\u{ff}\""),
            ),
            (
                &[0xE9, 0x20AC, 0xFFFF],
                r#""\u00e9\u20ac\uffff""#,
                Some("\"\u{e9}\u{20ac}\u{ffff}\""),
            ),
            (&[0x1F600], r#""\ud83d\ude00""#, Some("\"\u{1f600}\"")),
            (
                &[0x10000, 0x10FFFF],
                r#""\ud800\udc00\udbff\udfff""#,
                Some("\"\u{10000}\u{10ffff}\""),
            ),
            (&[0xD800], r#""\ud800""#, None),
            (&[0x61, 0xDFFF, 0x62], r#""a\udfffb""#, None),
            (&[0xD83D, 0xDE00], r#""\ud83d\ude00""#, None),
            (&[0x3C, 0x3E, 0x26, 0x27], r#""<>&'""#, Some(r#""<>&'""#)),
        ];
        for (cps, ascii, raw) in cases {
            assert_eq!(all_kinds(cps, true).unwrap(), *ascii, "{cps:x?}");
            match raw {
                Some(r) => assert_eq!(all_kinds(cps, false).unwrap(), *r, "{cps:x?}"),
                None => assert_eq!(all_kinds(cps, false), Err(StrError::LoneSurrogate)),
            }
        }
    }

    #[test]
    fn string_long_runs_and_lanes() {
        let long: String = "abcdefghij".repeat(50);
        assert_eq!(s_utf8(&long, true), format!("\"{long}\""));
        // An escape in every position relative to an 8-byte word.
        for pos in 0..24 {
            let mut s: Vec<char> = "x".repeat(24).chars().collect();
            s[pos] = 'é';
            let s: String = s.into_iter().collect();
            let want_a = format!("\"{}\"", s.replace('é', "\\u00e9"));
            assert_eq!(s_utf8(&s, true), want_a);
            assert_eq!(s_utf8(&s, false), format!("\"{s}\""));
            let cps: Vec<u32> = s.chars().map(|c| c as u32).collect();
            assert_eq!(all_kinds(&cps, true).unwrap(), want_a);
        }
    }

    #[test]
    fn invalid_code_points_do_not_panic() {
        let mut out = Vec::new();
        assert_eq!(
            write_str_ucs4(&[0x110000, u32::MAX], false, &mut out),
            Err(StrError::LoneSurrogate)
        );
        assert!(out.is_empty());
        assert!(write_str_ucs4(&[0x110000, u32::MAX], true, &mut out).is_ok());
    }

    #[test]
    fn appends_without_clobbering() {
        let mut out = b"[".to_vec();
        write_i64(-5, &mut out).unwrap();
        out.push(b',');
        write_float(0.5, &mut out).unwrap();
        out.push(b',');
        write_str_utf8("k", true, &mut out).unwrap();
        out.push(b']');
        assert_eq!(out, b"[-5,0.5,\"k\"]");
    }

    #[test]
    fn escapes_keep_room_for_the_rest() {
        // Escapes everywhere: each one grows `out` for itself and what is left.
        for n in [1usize, 7, 64, 1000] {
            let cps: Vec<u32> = (0..n as u32)
                .map(|i| [0x0A, 0xE9, 0x1F600, 0x41][i as usize % 4])
                .collect();
            let want = all_kinds(&cps, true).unwrap();
            let mut out = Vec::new();
            write_str_ucs4(&cps, true, &mut out).unwrap();
            assert_eq!(out, want.as_bytes());
        }
    }
}

/// `(f64 bits, repr)` vectors produced by CPython 3.11.7 `repr(float)`:
/// edge cases, layout boundaries around decpt -4/16, powers of two, exact
/// ties between two shortest candidates (half-even in CPython), random
/// bit patterns and random decimals.
#[cfg(test)]
#[rustfmt::skip]
mod py_vectors {
    pub(super) const PY_REPR: &[(u64, &str)] = &[
        (0x3bc79ca10c924223, "1e-20"),
        (0x3bd1b578c96db19a, "1.4999999999999998e-20"),
        (0x3bd1b578c96db19b, "1.5e-20"),
        (0x3bfd83c94fb6d2aa, "9.999999999999997e-20"),
        (0x3bfd83c94fb6d2ab, "9.999999999999999e-20"),
        (0x3bcd2681472afff8, "1.2345678901234566e-20"),
        (0x3bcd2681472afff9, "1.2345678901234567e-20"),
        (0x3bfc09ff3eedae8a, "9.5e-20"),
        (0x3bc79ca10c924224, "1.0000000000000001e-20"),
        (0x3bc79ca10c924225, "1.0000000000000002e-20"),
        (0x3bfd83c94fb6d2ac, "1e-19"),
        (0x3c0622d6fbc91e01, "1.5e-19"),
        (0x3c32725dd1d243ab, "9.999999999999999e-19"),
        (0x3c023810cc7adffb, "1.2345678901234566e-19"),
        (0x3c023810cc7adffc, "1.2345678901234568e-19"),
        (0x3c31863f87548d16, "9.5e-19"),
        (0x3bfd83c94fb6d2ae, "1.0000000000000002e-19"),
        (0x3c32725dd1d243ac, "1e-18"),
        (0x3c3bab8cbabb6582, "1.5000000000000001e-18"),
        (0x3c3bab8cbabb6581, "1.5e-18"),
        (0x3c670ef54646d496, "9.999999999999999e-18"),
        (0x3c670ef54646d495, "9.999999999999998e-18"),
        (0x3c36c614ff9997fb, "1.2345678901234568e-18"),
        (0x3c36c614ff9997fa, "1.2345678901234566e-18"),
        (0x3c65e7cf6929b05c, "9.5e-18"),
        (0x3c32725dd1d243ad, "1.0000000000000003e-18"),
        (0x3c670ef54646d497, "1e-17"),
        (0x3c714b37f4b51f71, "1.5e-17"),
        (0x3c9cd2b297d889bb, "9.999999999999999e-17"),
        (0x3c6c779a3f7ffdfa, "1.2345678901234568e-17"),
        (0x3c6c779a3f7ffdf9, "1.2345678901234567e-17"),
        (0x3c9b61c343741c73, "9.5e-17"),
        (0x3c670ef54646d498, "1.0000000000000002e-17"),
        (0x3c9cd2b297d889bc, "1e-16"),
        (0x3ca59e05f1e2674d, "1.5e-16"),
        (0x3cd203af9ee75615, "9.999999999999999e-16"),
        (0x3ca1cac067affebc, "1.2345678901234568e-16"),
        (0x3cd11d1a0a2891c8, "9.5e-16"),
        (0x3c9cd2b297d889be, "1.0000000000000002e-16"),
        (0x3cd203af9ee75616, "1e-15"),
        (0x3cdb05876e5b0121, "1.5000000000000001e-15"),
        (0x3cdb05876e5b0120, "1.5e-15"),
        (0x3d06849b86a12b9a, "9.999999999999998e-15"),
        (0x3cd63d70819bfe6b, "1.2345678901234568e-15"),
        (0x3d0564608cb2b63a, "9.5e-15"),
        (0x3cd203af9ee75617, "1.0000000000000003e-15"),
        (0x3d06849b86a12b9b, "1e-14"),
        (0x3d10e374a4f8e0b4, "1.5e-14"),
        (0x3d3c25c268497680, "9.999999999999998e-14"),
        (0x3d0bcccca202fe05, "1.2345678901234567e-14"),
        (0x3d3abd78afdf63c8, "9.5e-14"),
        (0x3d06849b86a12b9c, "1.0000000000000002e-14"),
        (0x3d3c25c268497682, "1e-13"),
        (0x3d451c51ce3718e2, "1.5000000000000002e-13"),
        (0x3d451c51ce3718e1, "1.5e-13"),
        (0x3d719799812dea10, "9.999999999999998e-13"),
        (0x3d415fffe541dec3, "1.2345678901234566e-13"),
        (0x3d70b66b6deb9e5d, "9.5e-13"),
        (0x3d3c25c268497684, "1.0000000000000003e-13"),
        (0x3d3c25c268497683, "1.0000000000000002e-13"),
        (0x3d719799812dea11, "1e-12"),
        (0x3d7a636641c4df1a, "1.5e-12"),
        (0x3da5fd7fe1796494, "9.999999999999998e-12"),
        (0x3d75b7ffde925674, "1.2345678901234567e-12"),
        (0x3da4e406496685f4, "9.5e-12"),
        (0x3d719799812dea12, "1.0000000000000002e-12"),
        (0x3da5fd7fe1796495, "1e-11"),
        (0x3db07e1fe91b0b70, "1.5e-11"),
        (0x3ddb7cdfd9d7bdb9, "9.999999999999998e-11"),
        (0x3dab25ffd636ec11, "1.2345678901234567e-11"),
        (0x3dda1d07dbc02771, "9.5e-11"),
        (0x3da5fd7fe1796496, "1.0000000000000001e-11"),
        (0x3da5fd7fe1796497, "1.0000000000000003e-11"),
        (0x3ddb7cdfd9d7bdbb, "1e-10"),
        (0x3de49da7e361ce4c, "1.5e-10"),
        (0x3e112e0be826d694, "9.999999999999999e-10"),
        (0x3de0f7bfe5e2538b, "1.2345678901234568e-10"),
        (0x3e105224e95818a7, "9.5e-10"),
        (0x3ddb7cdfd9d7bdbd, "1.0000000000000003e-10"),
        (0x3ddb7cdfd9d7bdbc, "1.0000000000000002e-10"),
        (0x3e112e0be826d695, "1e-09"),
        (0x3e19c511dc3a41e0, "1.5000000000000002e-09"),
        (0x3e19c511dc3a41df, "1.5e-09"),
        (0x3e45798ee2308c39, "9.999999999999999e-09"),
        (0x3e1535afdf5ae86e, "1.2345678901234568e-09"),
        (0x3e1535afdf5ae86d, "1.2345678901234566e-09"),
        (0x3e4466ae23ae1ed1, "9.5e-09"),
        (0x3e112e0be826d696, "1.0000000000000003e-09"),
        (0x3e45798ee2308c3a, "1e-08"),
        (0x3e501b2b29a4692c, "1.5000000000000002e-08"),
        (0x3e501b2b29a4692b, "1.5e-08"),
        (0x3e7ad7f29abcaf47, "9.999999999999998e-08"),
        (0x3e4a831bd731a289, "1.2345678901234567e-08"),
        (0x3e798059ac99a685, "9.5e-08"),
        (0x3e45798ee2308c3b, "1.0000000000000002e-08"),
        (0x3e7ad7f29abcaf48, "1e-07"),
        (0x3e8421f5f40d8376, "1.5e-07"),
        (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-07"),
        (0x3e8091f1667f0595, "1.2345678901234566e-07"),
        (0x3eafe07017c01026, "9.5e-07"),
        (0x3e7ad7f29abcaf4a, "1.0000000000000002e-07"),
        (0x3eb0c6f7a0b5ed8d, "1e-06"),
        (0x3eb92a737110e454, "1.5e-06"),
        (0x3ee4f8b588e368ef, "9.999999999999997e-06"),
        (0x3eb4b66dc01ec6fb, "1.2345678901234567e-06"),
        (0x3ee3ec460ed80a17, "9.499999999999999e-06"),
        (0x3ee3ec460ed80a18, "9.5e-06"),
        (0x3eb0c6f7a0b5ed8e, "1.0000000000000002e-06"),
        (0x3ee4f8b588e368f1, "1e-05"),
        (0x3eef75104d551d6a, "1.5000000000000002e-05"),
        (0x3eef75104d551d69, "1.5e-05"),
        (0x3f1a36e2eb1c432c, "9.999999999999999e-05"),
        (0x3f1a36e2eb1c432b, "9.999999999999998e-05"),
        (0x3ee9e409302678ba, "1.2345678901234568e-05"),
        (0x3f18e757928e0c9e, "9.5e-05"),
        (0x3ee4f8b588e368f2, "1.0000000000000003e-05"),
        (0x3f1a36e2eb1c432d, "0.0001"),
        (0x3f23a92a30553262, "0.00015000000000000001"),
        (0x3f23a92a30553261, "0.00015"),
        (0x3f50624dd2f1a9fb, "0.0009999999999999998"),
        (0x3f202e85be180b74, "0.00012345678901234567"),
        (0x3f4f212d77318fc5, "0.00095"),
        (0x3f1a36e2eb1c432f, "0.00010000000000000003"),
        (0x3f1a36e2eb1c432e, "0.00010000000000000002"),
        (0x3f50624dd2f1a9fc, "0.001"),
        (0x3f589374bc6a7efa, "0.0015"),
        (0x3f847ae147ae147a, "0.009999999999999998"),
        (0x3f543a272d9e0e51, "0.0012345678901234567"),
        (0x3f8374bc6a7ef9db, "0.0095"),
        (0x3f50624dd2f1a9fd, "0.0010000000000000002"),
        (0x3f847ae147ae147b, "0.01"),
        (0x3f8eb851eb851eb8, "0.015"),
        (0x3fb9999999999998, "0.09999999999999998"),
        (0x3f8948b0f90591e5, "0.012345678901234567"),
        (0x3fb851eb851eb852, "0.095"),
        (0x3f847ae147ae147c, "0.010000000000000002"),
        (0x3fb999999999999a, "0.1"),
        (0x3fc3333333333334, "0.15000000000000002"),
        (0x3fc3333333333333, "0.15"),
        (0x3fefffffffffffff, "0.9999999999999999"),
        (0x3feffffffffffffe, "0.9999999999999998"),
        (0x3fbf9add3746f65f, "0.12345678901234568"),
        (0x3fbf9add3746f65e, "0.12345678901234566"),
        (0x3fee666666666667, "0.9500000000000001"),
        (0x3fee666666666666, "0.95"),
        (0x3fb999999999999c, "0.10000000000000003"),
        (0x3fb999999999999b, "0.10000000000000002"),
        (0x3ff0000000000000, "1.0"),
        (0x3ff8000000000000, "1.5"),
        (0x4023ffffffffffff, "9.999999999999998"),
        (0x3ff3c0ca428c59fb, "1.2345678901234567"),
        (0x4023000000000000, "9.5"),
        (0x3ff0000000000001, "1.0000000000000002"),
        (0x4024000000000000, "10.0"),
        (0x402e000000000000, "15.0"),
        (0x4058ffffffffffff, "99.99999999999999"),
        (0x4028b0fcd32f707a, "12.345678901234567"),
        (0x4057c00000000000, "95.0"),
        (0x4024000000000001, "10.000000000000002"),
        (0x4059000000000000, "100.0"),
        (0x4062c00000000000, "150.0"),
        (0x408f3ffffffffffe, "999.9999999999998"),
        (0x405edd3c07fb4c98, "123.45678901234567"),
        (0x408db00000000000, "950.0"),
        (0x4059000000000002, "100.00000000000003"),
        (0x4059000000000001, "100.00000000000001"),
        (0x408f400000000000, "1000.0"),
        (0x4097700000000000, "1500.0"),
        (0x40c387ffffffffff, "9999.999999999998"),
        (0x40934a4584fd0fdf, "1234.5678901234567"),
        (0x40c28e0000000000, "9500.0"),
        (0x408f400000000002, "1000.0000000000002"),
        (0x40c3880000000000, "10000.0"),
        (0x40cd4c0000000000, "15000.0"),
        (0x40f869ffffffffff, "99999.99999999999"),
        (0x40c81cd6e63c53d7, "12345.678901234567"),
        (0x40f7318000000000, "95000.0"),
        (0x40c3880000000001, "10000.000000000002"),
        (0x40f86a0000000000, "100000.0"),
        (0x41024f8000000000, "150000.0"),
        (0x412e847ffffffffe, "999999.9999999998"),
        (0x40fe240c9fcb68cd, "123456.78901234567"),
        (0x412cfde000000000, "950000.0"),
        (0x40f86a0000000002, "100000.00000000003"),
        (0x40f86a0000000001, "100000.00000000001"),
        (0x412e848000000000, "1000000.0"),
        (0x4136e36000000000, "1500000.0"),
        (0x416312cfffffffff, "9999999.999999998"),
        (0x4132d687e3df2180, "1234567.8901234567"),
        (0x41621eac00000000, "9500000.0"),
        (0x412e848000000002, "1000000.0000000002"),
        (0x416312d000000000, "10000000.0"),
        (0x416c9c3800000000, "15000000.0"),
        (0x4197d783ffffffff, "99999999.99999999"),
        (0x41678c29dcd6e9e0, "12345678.901234567"),
        (0x4196a65700000000, "95000000.0"),
        (0x416312d000000001, "10000000.000000002"),
        (0x4197d78400000000, "100000000.0"),
        (0x41a1e1a300000000, "150000000.0"),
        (0x41cdcd64ffffffff, "999999999.9999999"),
        (0x41cdcd64fffffffe, "999999999.9999998"),
        (0x419d6f34540ca458, "123456789.01234567"),
        (0x41cc4fecc0000000, "950000000.0"),
        (0x4197d78400000001, "100000000.00000001"),
        (0x41cdcd6500000000, "1000000000.0"),
        (0x41d65a0bc0000000, "1500000000.0"),
        (0x4202a05f1fffffff, "9999999999.999998"),
        (0x41d26580b487e6b7, "1234567890.1234567"),
        (0x4201b1f3f8000000, "9500000000.0"),
        (0x41cdcd6500000002, "1000000000.0000002"),
        (0x4202a05f20000000, "10000000000.0"),
        (0x420bf08eb0000000, "15000000000.0"),
        (0x42374876e7ffffff, "99999999999.99998"),
        (0x4206fee0e1a9e065, "12345678901.234568"),
        (0x42361e70f6000000, "95000000000.0"),
        (0x4202a05f20000001, "10000000000.000002"),
        (0x42374876e8000000, "100000000000.0"),
        (0x424176592e000000, "150000000000.0"),
        (0x426d1a94a1ffffff, "999999999999.9999"),
        (0x426d1a94a1fffffe, "999999999999.9998"),
        (0x423cbe991a14587e, "123456789012.34567"),
        (0x426ba60d33800000, "950000000000.0"),
        (0x42374876e8000001, "100000000000.00002"),
        (0x426d1a94a2000000, "1000000000000.0"),
        (0x4275d3ef79800000, "1500000000000.0"),
        (0x42a2309ce53fffff, "9999999999999.998"),
        (0x4271f71fb04cb74f, "1234567890123.4568"),
        (0x42a147c840300000, "9500000000000.0"),
        (0x426d1a94a2000002, "1000000000000.0002"),
        (0x42a2309ce5400000, "10000000000000.0"),
        (0x42ab48eb57e00000, "15000000000000.0"),
        (0x42d6bcc41e8fffff, "99999999999999.98"),
        (0x42a674e79c5fe522, "12345678901234.566"),
        (0x42d599ba503c0000, "95000000000000.0"),
        (0x42a2309ce5400001, "10000000000000.002"),
        (0x42d6bcc41e900000, "100000000000000.0"),
        (0x42e10d9316ec0000, "150000000000000.0"),
        (0x430c6bf52633ffff, "999999999999999.9"),
        (0x430c6bf52633fffe, "999999999999999.8"),
        (0x42dc12218377de6b, "123456789012345.67"),
        (0x430b0028e44b0000, "950000000000000.0"),
        (0x42d6bcc41e900001, "100000000000000.02"),
        (0x430c6bf526340000, "1000000000000000.0"),
        (0x431550f7dca70000, "1500000000000000.0"),
        (0x4341c37937e07fff, "9999999999999998.0"),
        (0x43118b54f22aeb03, "1234567890123456.8"),
        (0x4340e0198eaee000, "9500000000000000.0"),
        (0x430c6bf526340002, "1000000000000000.2"),
        (0x4341c37937e08000, "1e+16"),
        (0x434aa535d3d0c000, "1.5e+16"),
        (0x4376345785d89fff, "9.999999999999998e+16"),
        (0x4345ee2a2eb5a5c3, "1.2345678901234566e+16"),
        (0x4345ee2a2eb5a5c4, "1.2345678901234568e+16"),
        (0x4375181ff25a9800, "9.5e+16"),
        (0x4341c37937e08001, "1.0000000000000002e+16"),
        (0x4376345785d8a000, "1e+17"),
        (0x4380a741a4627800, "1.5e+17"),
        (0x43abc16d674ec7ff, "9.999999999999999e+17"),
        (0x43abc16d674ec7fe, "9.999999999999997e+17"),
        (0x437b69b4ba630f34, "1.2345678901234566e+17"),
        (0x43aa5e27eef13e00, "9.5e+17"),
        (0x4376345785d8a001, "1.0000000000000002e+17"),
        (0x43abc16d674ec800, "1e+18"),
        (0x43b4d1120d7b1600, "1.5e+18"),
        (0x43e158e460913cff, "9.999999999999998e+18"),
        (0x43b12210f47de981, "1.2345678901234568e+18"),
        (0x43e07ad8f556c6c0, "9.5e+18"),
        (0x43abc16d674ec802, "1.0000000000000003e+18"),
        (0x43e158e460913d00, "1e+19"),
        (0x43ea055690d9db80, "1.5e+19"),
        (0x4415af1d78b58c3f, "9.999999999999998e+19"),
        (0x43e56a95319d63e1, "1.2345678901234567e+19"),
        (0x4414998f32ac7870, "9.5e+19"),
        (0x43e158e460913d01, "1.0000000000000002e+19"),
        (0x4415af1d78b58c40, "1e+20"),
        (0x442043561a882930, "1.5e+20"),
        (0x444b1ae4d6e2ef4f, "9.999999999999999e+20"),
        (0x444b1ae4d6e2ef4e, "9.999999999999997e+20"),
        (0x441ac53a7e04bcd9, "1.2345678901234567e+20"),
        (0x4449bff2ff57968c, "9.5e+20"),
        (0x4415af1d78b58c41, "1.0000000000000002e+20"),
        (0x444b1ae4d6e2ef50, "1e+21"),
        (0x4454542ba12a337c, "1.5e+21"),
        (0x4480f0cf064dd591, "9.999999999999998e+21"),
        (0x4450bb448ec2f608, "1.2345678901234568e+21"),
        (0x448017f7df96be18, "9.5e+21"),
        (0x444b1ae4d6e2ef52, "1.0000000000000003e+21"),
        (0x4480f0cf064dd592, "1e+22"),
        (0x448969368974c05b, "1.5e+22"),
        (0x44b52d02c7e14af5, "9.999999999999997e+22"),
        (0x4484ea15b273b38a, "1.2345678901234568e+22"),
        (0x44b41df5d77c6d9d, "9.5e+22"),
        (0x4480f0cf064dd593, "1.0000000000000002e+22"),
        (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
        (0x44b52d02c7e14af6, "1e+23"),
        (0x44bfc3842bd1f072, "1.5e+23"),
        (0x44ea784379d99db3, "9.999999999999998e+23"),
        (0x44ba249b1f10a06d, "1.2345678901234569e+23"),
        (0x44ba249b1f10a06c, "1.2345678901234567e+23"),
        (0x44e925734d5b8905, "9.5e+23"),
        (0x44b52d02c7e14af8, "1.0000000000000003e+23"),
        (0x44ea784379d99db4, "1e+24"),
        (0x44f3da329b633647, "1.5e+24"),
        (0x45208b2a2c280290, "9.999999999999999e+24"),
        (0x44f056e0f36a6443, "1.2345678901234566e+24"),
        (0x44f056e0f36a6444, "1.2345678901234568e+24"),
        (0x451f6ed020b26b46, "9.5e+24"),
        (0x44ea784379d99db6, "1.0000000000000003e+24"),
        (0x0000000000000000, "0.0"),
        (0x8000000000000000, "-0.0"),
        (0x0000000000000001, "5e-324"),
        (0x8000000000000001, "-5e-324"),
        (0x0000000000000002, "1e-323"),
        (0x0010000000000000, "2.2250738585072014e-308"),
        (0x000fffffffffffff, "2.225073858507201e-308"),
        (0x7fefffffffffffff, "1.7976931348623157e+308"),
        (0xffefffffffffffff, "-1.7976931348623157e+308"),
        (0x3fc999999999999a, "0.2"),
        (0x3fd3333333333333, "0.3"),
        (0x3fd3333333333334, "0.30000000000000004"),
        (0x3fd5555555555555, "0.3333333333333333"),
        (0x3fe5555555555555, "0.6666666666666666"),
        (0xbff0000000000000, "-1.0"),
        (0x3fe0000000000000, "0.5"),
        (0x405ec00000000000, "123.0"),
        (0x4340000000000000, "9007199254740992.0"),
        (0x4340000000000001, "9007199254740994.0"),
        (0x4330000000000000, "4503599627370496.0"),
        (0x43e0000000000000, "9.223372036854776e+18"),
        (0x43f0000000000000, "1.8446744073709552e+19"),
        (0x7fe1ccf385ebc8a0, "1e+308"),
        (0x0000002000000000, "6.7903865311e-313"),
        (0x0170000000000000, "9.332636185032189e-302"),
        (0x03c0000000000000, "1.2826677504057426e-290"),
        (0x0610000000000000, "1.7628851326804976e-279"),
        (0x0860000000000000, "2.4228908772695546e-268"),
        (0x0ab0000000000000, "3.329995865487836e-257"),
        (0x0d00000000000000, "4.5767114681873503e-246"),
        (0x0f50000000000000, "6.290184345309701e-235"),
        (0x11a0000000000000, "8.645163535653227e-224"),
        (0x13f0000000000000, "1.188182228934475e-212"),
        (0x1640000000000000, "1.6330252207878255e-201"),
        (0x1890000000000000, "2.2444127733846047e-190"),
        (0x1ae0000000000000, "3.084697427331692e-179"),
        (0x1d30000000000000, "4.239575861902385e-168"),
        (0x1f80000000000000, "5.826828696250162e-157"),
        (0x21d0000000000000, "8.008332380732404e-146"),
        (0x2420000000000000, "1.1006568214637918e-134"),
        (0x2670000000000000, "1.512731216738015e-123"),
        (0x28c0000000000000, "2.07908195312898e-112"),
        (0x2b10000000000000, "2.8574684782056875e-101"),
        (0x2d60000000000000, "3.9272747722381812e-90"),
        (0x2fb0000000000000, "5.397605346934028e-79"),
        (0x3200000000000000, "7.418412301374843e-68"),
        (0x3450000000000000, "1.0195788231247695e-56"),
        (0x36a0000000000000, "1.401298464324817e-45"),
        (0x38f0000000000000, "1.925929944387236e-34"),
        (0x3b40000000000000, "2.6469779601696886e-23"),
        (0x3d90000000000000, "3.637978807091713e-12"),
        (0x4230000000000000, "68719476736.0"),
        (0x4480000000000000, "9.44473296573929e+21"),
        (0x46d0000000000000, "1.298074214633707e+33"),
        (0x4920000000000000, "1.78405961588245e+44"),
        (0x4b70000000000000, "2.4519928653854222e+55"),
        (0x4dc0000000000000, "3.36999333339383e+66"),
        (0x5010000000000000, "4.631683569492648e+77"),
        (0x5260000000000000, "6.365737426045269e+88"),
        (0x54b0000000000000, "8.749002899132048e+99"),
        (0x5700000000000000, "1.2024538023802026e+111"),
        (0x5950000000000000, "1.6526399219756215e+122"),
        (0x5ba0000000000000, "2.2713710134237715e+133"),
        (0x5df0000000000000, "3.1217485503159922e+144"),
        (0x6040000000000000, "4.290498537581631e+155"),
        (0x6290000000000000, "5.896816288783659e+166"),
        (0x64e0000000000000, "8.10452259547069e+177"),
        (0x6730000000000000, "1.1138771039116688e+189"),
        (0x6980000000000000, "1.5309010345804195e+200"),
        (0x6bd0000000000000, "2.1040543606193494e+211"),
        (0x6e20000000000000, "2.891790293717215e+222"),
        (0x7070000000000000, "3.974446316289815e+233"),
        (0x72c0000000000000, "5.462437423415177e+244"),
        (0x7510000000000000, "7.5075168288047e+255"),
        (0x7760000000000000, "1.0318252561243462e+267"),
        (0x79b0000000000000, "1.418129833677085e+278"),
        (0x7c00000000000000, "1.94906280228e+289"),
        (0x7e50000000000000, "2.6787715179656683e+300"),
        (0x43b72a11d2087d68, "1.6691662056774308e+18"),
        (0xb99d31ea41d68fa0, "-3.598559207388581e-31"),
        (0xf8a672e6122b7ec9, "-1.518027580996695e+273"),
        (0x797881de6f95daf9, "1.3575989754808231e+277"),
        (0xe29328faf876bcba, "-7.061466808153802e+166"),
        (0x47cf8f7d279116a9, "8.390220951220878e+37"),
        (0x0b025cd28d64bad9, "1.222946827302325e-255"),
        (0x6d6bdfc98872b618, "1.2299537821827474e+219"),
        (0xb6c749af3a14e7f9, "-8.158300104122382e-45"),
        (0xecd227f352559152, "-1.5647264744025237e+216"),
        (0x183027904efa28ca, "3.540768434472536e-192"),
        (0x273b39fcbe0df63f, "1.0543717331162432e-119"),
        (0x421d9e719e254237, "31803074441.314663"),
        (0xec08b472bb055f08, "-2.5990200669205062e+212"),
        (0xd7ab4aa7b29bdc09, "-2.100282488440877e+114"),
        (0xf76938ab49ff2d11, "-1.626502501367321e+267"),
        (0x1101b800da157b9a, "9.349463120985843e-227"),
        (0x3a50cc5c92dc85e2, "8.480967892795449e-28"),
        (0xfa5dd3d29b963a5d, "-2.7071469891220977e+281"),
        (0x5f56496042ffc53a, "1.8238207310542092e+151"),
        (0x726b8c164f185a33, "1.4694818393986873e+243"),
        (0x760fcd94eaa25fbc, "4.889844933211148e+260"),
        (0xef9714afc6e9067c, "-3.4993526050838106e+229"),
        (0x092be11dea3c316c, "1.7292455318941926e-264"),
        (0xc06617ed4270b14d, "-176.74771234522123"),
        (0xc69a79df1f21a329, "-1.3424957753797696e+32"),
        (0xbdfb1cf8ecb22cfe, "-3.945485992570821e-10"),
        (0xb8e71220fe036086, "-1.3885242257776925e-34"),
        (0x06e1178bc95a7479, "1.542717012663338e-275"),
        (0x9277ead98817bad0, "-1.0586607448960582e-219"),
        (0xb5cfa0c2935e7c52, "-1.6906823873116556e-49"),
        (0x7775d1de1a4b4845, "2.814276980177369e+267"),
        (0x2110ccad36683be0, "2.052858338739449e-149"),
        (0xfb6ffd25ca352392, "-3.805437803763316e+286"),
        (0xb627a7a60dd50fd2, "-8.092662002299318e-48"),
        (0x4c1e5b23703caeda, "4.763693997399002e+58"),
        (0xd45b5db0bb0159f2, "-2.3381349644838842e+98"),
        (0xd358dd039b8f57c9, "-3.2414406740268607e+93"),
        (0x34dc49790581baed, "4.614532658888237e-54"),
        (0x0cb566c016af6dae, "1.9130447037169486e-247"),
        (0xc6b3f5b693bf979c, "-4.048331871740282e+32"),
        (0xb3cc02a2326347c1, "-3.4861689319319442e-59"),
        (0x83871decae71f2d9, "-1.1582536243767317e-291"),
        (0xa0294f707939f9c8, "-9.438645784711767e-154"),
        (0x0ea9d6ab9e4db249, "4.960000050129559e-238"),
        (0x1f09eb8c49690296, "3.687305590962341e-159"),
        (0xd16210a4501ef1e6, "-1.096697736195803e+84"),
        (0x87b13c40ec3e195e, "-1.2743960627568411e-271"),
        (0x03afc02ce7af9180, "6.363371867896839e-291"),
        (0x8eb844e3e1273c5f, "-9.317451569511505e-238"),
        (0x7c9e85ca5858d0be, "1.9036960292560988e+292"),
        (0x254ebc6b4ce60feb, "5.542674689870387e-129"),
        (0xcc47d147cca5ffea, "-2.9900976403916414e+59"),
        (0xbc02b67cc8505586, "-1.2680314649772417e-19"),
        (0x30a89a9291ac2dbb, "2.7197767035613803e-74"),
        (0x1893cf79df656a2e, "2.7789271631374407e-190"),
        (0x9b1132441d097f5e, "-2.652277112228155e-178"),
        (0xd35f9220826182f8, "-4.1158958607058e+93"),
        (0xc24172fc2bacea31, "-149887145817.82962"),
        (0x08540ead911387ba, "1.518648006793607e-268"),
        (0xcf77924713b92b5d, "-6.66352859037687e+74"),
        (0x99d66d514f2aaa9a, "-3.298786966899856e-184"),
        (0xb7a8d3e3a1086925, "-1.425039638660851e-40"),
        (0x5c97482889b64f80, "1.0830184731684285e+138"),
        (0xc8b11ff1ffcbaaae, "-1.4917792863280082e+42"),
        (0x94006a39ad41df78, "-2.4379928825076556e-212"),
        (0x353d6246a1f8b4d4, "3.067821287402762e-52"),
        (0xe0ead9f9bdbefdc4, "-7.373195512819034e+158"),
        (0x39aaafd3ece32cb8, "6.5788108995878015e-31"),
        (0x9fbe9320da069a14, "-8.907682801540275e-156"),
        (0xaf5b9966b5824c5b, "-1.45478238425125e-80"),
        (0x43aa9acc5020e0bc, "9.585346179603082e+17"),
        (0xcef62fdc9a477596, "-2.4500603086987476e+72"),
        (0xd139f91490654725, "-1.9709719109653986e+83"),
        (0x369bd53adcb20e9f, "1.2188200389325634e-45"),
        (0xd385af7f5894539a, "-2.261720003747251e+94"),
        (0x4554c9ac332c3890, "1.0052355433085779e+26"),
        (0x8a578ec56e382893, "-7.66084411819707e-259"),
        (0xc97e773780f90307, "-1.087052167913769e+46"),
        (0x0af78e0d620c6910, "7.84376920009941e-256"),
        (0xa7d4cda14783fa27, "-8.249596667904244e-117"),
        (0xcf7c6d6570e4bb18, "-8.036278881484702e+74"),
        (0xad27e3d63e5ffe51, "-3.664943226065103e-91"),
        (0x52f4aec8983ea8c1, "4.2131502442382445e+91"),
        (0xaa730099319563f4, "-3.3141223487390306e-104"),
        (0xbc4ac1800ace2961, "-2.9008761559369018e-18"),
        (0x0d1ca0b1fb9975ae, "1.6377599402469249e-245"),
        (0x54d84426b974b0ee, "5.307629828879732e+100"),
        (0x4d9818766d72149a, "6.343895832699641e+65"),
        (0x09662623c13341fe, "2.1981007474266272e-263"),
        (0xc840cfd0a3b1772d, "-1.1441502767404203e+40"),
        (0x709f95931f0a953d, "3.138250249151198e+234"),
        (0x0f5ee3513a1cef1d, "1.2143184435968495e-234"),
        (0xd4efc22a76791e26, "-1.3892743119003265e+101"),
        (0x0015abcf87d10959, "3.0137423059543566e-308"),
        (0xcd0bb22858b735c4, "-1.4241804991459265e+63"),
        (0xf4b7a12463e174eb, "-1.732408007960802e+254"),
        (0x309434d547286958, "1.1168364676517325e-74"),
        (0x418b62782e1c45ee, "57429765.763805255"),
        (0x6978b7d4a77929a4, "1.1825296063641053e+200"),
        (0x0bb905a51087a4a9, "3.41292330316119e-252"),
        (0xc4e1091365b293c8, "-6.43581189000436e+23"),
        (0xe9df16011b435dce, "-9.517903945415658e+201"),
        (0xcd266552be16eb51, "-4.6065475955303804e+63"),
        (0x7e111c05824cdd68, "1.790325453864117e+299"),
        (0xa9dd60ec162eaf0d, "-5.0037163663758935e-107"),
        (0x57946d708f22f642, "7.86019954056603e+113"),
        (0x07997f4ccbb0febc, "4.7132180876182666e-272"),
        (0x5f1ddf41dc5b7fcc, "1.5278601147047775e+150"),
        (0x55840e48e47d7a57, "8.983974408891788e+103"),
        (0xf7de4bfd3358b6cd, "-2.500882938505895e+269"),
        (0xd716dbb3ee765696, "-3.4357433355830473e+111"),
        (0xdd0d10c2fce3f693, "-1.7306347907062921e+140"),
        (0x13eacd82518381ce, "9.952054595177038e-213"),
        (0xe19619fa177ef4a3, "-1.2429077353115594e+162"),
        (0xbfe33acf11197c97, "-0.6009288152671556"),
        (0x3a06065ee3c984de, "3.4749142073345214e-29"),
        (0x3ab05c94537b2ca3, "5.286730457830748e-26"),
        (0x4d63b1fe8b3afaa3, "6.481737983095609e+64"),
        (0x17092abc9c81f531, "1.0521151625067274e-197"),
        (0x40b9f49be0ded289, "6644.6089"),
        (0x43d2b47615eb053a, "5.3913281e+18"),
        (0x412cbc486ff8b36d, "941604.2186943121"),
        (0x45ef75a32217d561, "7.789e+28"),
        (0x3e0eec7bd512b572, "9e-10"),
        (0x3f689374bc6a7efa, "0.003"),
        (0x44e203e2e83fd39c, "6.805942985e+23"),
        (0x45b73b6e4fc6537c, "7.190002781145e+27"),
        (0x447ad5814560aa5c, "7.92e+21"),
        (0x3be02354b3eb6ca2, "2.73388544e-20"),
        (0x40e5fae000000000, "45015.0"),
        (0x3a2fb0f6be506019, "2e-28"),
        (0x4479ea7c109a631e, "7.64904e+21"),
        (0x3d67ab2497a0d85a, "6.727e-13"),
        (0x402e333333333333, "15.1"),
        (0x46262708b16e7727, "8.7755e+29"),
        (0x3d71739221f01b65, "9.92e-13"),
        (0x4471478b7c30abc3, "5.1e+21"),
        (0x3fad1697f1f9ad00, "0.056813"),
        (0x3f09669413b84bb7, "4.844798465e-05"),
        (0x3d9464e631e83334, "4.63709e-12"),
        (0x43e14c26ec8db0e0, "9.97131195444881e+18"),
        (0x3d6822a1e7d93899, "6.85966e-13"),
        (0x417f856c44ce0ee9, "33052356.30030719"),
        (0x41d56cc0255dbc02, "1437794453.4646"),
        (0x4370ad43e90ff844, "7.510570899076e+16"),
        (0x4316fe25d9442000, "1617972000000000.0"),
        (0x4200163dd5266666, "8636578468.8"),
        (0x41e65a0bc0000000, "3000000000.0"),
        (0x46130ddf26054a78, "3.77407040726e+29"),
        (0x3bfa90352e248a68, "9e-20"),
        (0x3c233b989af69f95, "5.21306016e-19"),
        (0x3d29c879c1d4b335, "4.58e-14"),
        (0x438192e4a437bf8b, "1.582907299007e+17"),
        (0x4549bc1c8c551d43, "6.222295402e+25"),
        (0x4756dc78a61ab05e, "4.748088791473914e+35"),
        (0x4330ef0a4cb4cfc0, "4766427143000000.0"),
        (0x44c650b371ddeeb5, "2.1076146501810285e+23"),
        (0x42574876e8000000, "400000000000.0"),
        (0x44626370f2fc7364, "2.7136551e+21"),
        (0x456d64276a4d531b, "2.842545e+26"),
        (0x3a9d372377721897, "2.36e-26"),
        (0x437433280c9c6e60, "9.09719462e+16"),
        (0x482a218772d66e09, "4.44595467653239e+39"),
        (0x47ce5fa40e1375a6, "8.0746871011e+37"),
        (0x45e05b9a12e90f89, "4.05e+28"),
        (0x43f22f52768cde6b, "2.096570697137774e+19"),
        (0x46e6d0177dd82696, "3.701597915e+33"),
        (0x401b5a13aff9dc10, "6.837965726495"),
        (0x3a1c85aade7b89b0, "9e-29"),
        (0x43096705359f3660, "893768311236300.0"),
        (0x3fb47ae147ae147b, "0.08"),
        (0x468ec3fcbe3babbd, "7.8e+31"),
        (0x43d800b77b96da00, "6.9183359934e+18"),
        (0x47d87be80c5b6e19, "1.30179323642e+38"),
        (0x48a30c3b7b033b6b, "8.296479421381578e+41"),
        (0x4226a62a5a88a3d7, "48638537028.32"),
        (0x3e0c3212ed5716a6, "8.206e-10"),
        (0x4006226471789a63, "2.7667931427889"),
        (0x464dfb478f56fe0f, "4.7507679220303e+30"),
        (0x40b8a2399999999a, "6306.225"),
        (0x3cf843f128a6a3d0, "5.3880008324178e-15"),
        (0x41b9918df4c48794, "428969460.76769376"),
        (0x43d38109cbf63b69, "5.62166132132162e+18"),
        (0x412e3e3000000000, "991000.0"),
        (0x41ba6dbf40000000, "443400000.0"),
        (0x472934ec24837567, "6.5440407954749e+34"),
        (0x400c0653bb35c50d, "3.50308939226"),
        (0x47817d2f37acfea5, "2.90585884e+36"),
        (0x4044243d4f119c46, "40.283120998"),
        (0x46c4c06b697b0639, "8.4178648338e+32"),
        (0x3c58eeecfa620e35, "5.406548364e-18"),
        (0x406aa4324e316eeb, "213.131140801"),
        (0x3d751c51ce3718e1, "1.2e-12"),
        (0x44d44bc5748b138e, "3.8338025445184e+23"),
        (0x4329f322ac61385c, "3652102332128302.0"),
        (0x4188138b408f5c29, "50491752.07"),
        (0x44c620a6388ca177, "2.0898867182265e+23"),
        (0x47d2561034491656, "9.749188046e+37"),
        (0x431cbb933f63af83, "2021885111495648.8"),
        (0x42ef0ae53a12917c, "273053247378571.88"),
        (0x431abb0b00460d69, "1881001329525594.2"),
        (0x42d412ef8cd3e418, "88286243803024.38"),
        (0x431d3581dee0a843, "2055401557731856.8"),
        (0x4316b85c862fe231, "1598789253855372.2"),
        (0x4317f355e59409c1, "1685368678449776.2"),
        (0x42ee487aeb64c5c4, "266373189805614.12"),
        (0x43137b3b112d4095, "1370879544741925.2"),
        (0x431b797220e27c17, "1933338864033541.8"),
        (0x4315d3bb32eddf6f, "1535943869429723.8"),
        (0x430b872d256d1082, "968556542796304.2"),
        (0x4317c1b56b699f07, "1671727349917633.8"),
        (0x4316ac5d2715818d, "1595491393822819.2"),
        (0x430521a501b0fb6a, "743495886577517.2"),
        (0x431fcca3d3e66159, "2237682071214166.2"),
        (0x431f832c8dbd9a53, "2217487914460820.8"),
        (0x42b0e170156a8110, "18560434137729.062"),
        (0x4318396e5f26f21f, "1704636411657351.8"),
        (0x42dc260f7b375698, "123799176273242.38"),
        (0x43188652263e8db3, "1725771707032428.8"),
        (0x431a4299e9ab5979, "1847894553056862.2"),
        (0x4310236b1a7592a5, "1135635634939049.2"),
        (0x4302d0523b603d92, "661950147856306.2"),
        (0x4307c3cfd691305e, "836152736228875.8"),
        (0x42b9f1fb25234bb0, "28527091327819.688"),
        (0x43114b61ad6b4d7f, "1216989374370655.8"),
        (0x42edc8512979b0ac, "261969538698629.38"),
        (0x431b2b4e1705e32d, "1911859691223243.2"),
        (0x4307b46590325da2, "834034096032692.2"),
        (0x43004402526256de, "572297048771291.8"),
        (0x4315434bb9895415, "1496241756329221.2"),
        (0x4303304b5a7b356a, "675140594525869.2"),
        (0x430825b33e112fe6, "849606401467900.8"),
        (0x42d844fdccfa3368, "106738379647181.62"),
        (0x431e5ad3d8593f6f, "2136028803911643.8"),
        (0x43026da38459f072, "648387331046926.2"),
        (0x431efd2d93b90dcb, "2180655373763442.8"),
        (0x42d4d36f596787a8, "91593355140638.62"),
        (0x431e8003abe09cbf, "2146250639550255.8"),
        (0x4306ca8e070f104a, "801895105028617.2"),
        (0x4300d2de037b4b62, "591931326294380.2"),
        (0x431a6ef6340542bb, "1860088277061806.8"),
        (0x43052bce3fee7e7e, "744892418346959.8"),
        (0x431cc6ed44c25dc5, "2025005427758961.2"),
        (0x43180c23b3df0515, "1692186730545477.2"),
        (0x4302c58b4328ec4e, "660468937334153.8"),
        (0x43122a1f8877dd0b, "1278216125675330.8"),
        (0x43119b42b5dc8f9b, "1238946356339686.8"),
        (0x431e251ee3b9e7fd, "2121265975294463.2"),
        (0x43097779f5354d3a, "896030013303207.2"),
        (0x430ae21befaf8512, "945869875966114.2"),
        (0x4301c04efee5bf02, "624565015066592.2"),
        (0x4304ec8cdbae282a, "736198657426693.2"),
        (0x42df3d60518addb8, "137393877691254.88"),
        (0x4315683b787d1653, "1506394786186644.8"),
        (0x431ca20c4d9c350f, "2014868268322115.8"),
        (0x430ebd7feeabd1de, "1081575808006715.8"),
        (0x4310fb7834bfcd25, "1195023331750729.2"),
        (0x4311d4e3fb9254ef, "1254787561854267.8"),
        (0x430883cf11623eae, "862540601771989.8"),
        (0x4318c3b71edb7001, "1742647676296192.2"),
        (0x430ed05139ef8ace, "1084162073031001.8"),
        (0x42da1cbb12156cb8, "114842799723954.88"),
        (0x42da07b9523cb258, "114481905070793.38"),
        (0x431b4acc9e2a1449, "1920516764632338.2"),
        (0x431f40b4cd6a098f, "2199217390649955.8"),
        (0x431a1f802948d82b, "1838246175847946.8"),
        (0x42e993f2b8c828bc, "224985784664389.88"),
        (0x43133237a0e1ed39, "1350809765313358.2"),
        (0x431f7a46112e45ab, "2215041408143722.8"),
        (0x4303a6755f2c126a, "691380949451341.2"),
        (0x4319f66370c524f7, "1826945342982461.8"),
        (0x4303a55ed852d066, "691231416539660.8"),
        (0x431a1a5937be4621, "1836829971026312.2"),
        (0x430724427625218a, "814224041616433.2"),
        (0x42d8c8c879da6448, "109002543819153.12"),
        (0x42df0a2431505618, "136513669382488.38"),
        (0x431336c81ca35f11, "1352064414832580.2"),
        (0x43174f41f2060d25, "1640267279074121.2"),
        (0x431d4dc17dd1cd31, "2062066939884364.2"),
        (0x4310eea8a8ecbb87, "1191501945843425.8"),
        (0x43093ea2c6289f5a, "888217905992683.2"),
        (0x4309cd80019d9426, "907853010547332.8"),
        (0x4311afb8a9e1586d, "1244570565760539.2"),
        (0x42e3c091bd3bc0c4, "173742397971974.12"),
        (0x4306fac7e3881cbe, "808523238802327.8"),
        (0x4303bc8e491070b6, "694417981836822.8"),
        (0x4314c1669f7cc625, "1460536510198153.2"),
        (0x431ad0647a88af21, "1886869841390536.2"),
        (0x431de96f00d6e005, "2104859322333185.2"),
        (0x42d6e2e9848c3778, "100655344791773.88"),
        (0x4306afebd3036212, "798234610003010.2"),
        (0x4313a658b8b3866b, "1382731135902106.8"),
        (0x42ee0951b3819c04, "264202994060512.12"),
        (0x42bdc746f6d6dcf0, "32741726279388.938"),
        (0x431268a46e4dc7bd, "1295401253827055.2"),
        (0x43100c5f77f85353, "1129300950389972.8"),
        (0x43086c676a1c1706, "859323857339104.8"),
        (0x42e3b6ff58a428e4, "173413511799111.12"),
        (0x4318528d3280dcfd, "1711541458057023.2"),
        (0x43035c611492ee7e, "681199573032399.8"),
        (0x42ee109365f5533c, "264452329941657.88"),
        (0x4317322e5e6fbef9, "1632274799652798.2"),
        (0x431913857d700d07, "1764584618459969.8"),
        (0x4312a860c0234ee9, "1312920768664506.2"),
        (0x431125430b15f44d, "1206511120776467.2"),
        (0x4312d3f512ff4119, "1324899779989574.2"),
        (0x43158ee574950fe7, "1517022666376185.8"),
        (0x42df5bbd33b86508, "137915507073428.12"),
        (0x431ee6a431eb5bdf, "2174460546963191.8"),
        (0x430695136fd6d416, "794545025112706.8"),
        (0x4301f2dc2c1d5eca, "631512756366297.2"),
        (0x431d4185ba6ad9cf, "2058704234657395.8"),
        (0x42e0f0cc64e84154, "149011258884618.62"),
        (0x42b39e6ed808fe90, "21571185412350.562"),
        (0x43163118ad38dd5d, "1561607885698903.2"),
        (0x42e9f984e4f2b0a4, "228475737183621.12"),
        (0x42ee319f1f36bd24, "265587774830057.12"),
        (0x430ad00fec1e0126, "943389524869156.8"),
        (0x3e70000000000000, "5.960464477539063e-08"),
        (0x3e60000000000000, "2.9802322387695312e-08"),
        (0x3e40000000000000, "7.450580596923828e-09"),
        (0x43b0000000000000, "1.152921504606847e+18"),
        (0x0000000000000003, "1.5e-323"),
        (0x430c6bf526340006, "1000000000000000.8"),
    ];
}
