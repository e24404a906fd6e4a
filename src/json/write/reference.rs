//! The number writers this crate used before `zmij` and `itoa`, kept as
//! independent references for the randomized comparison and the timing
//! loop below. The float writer re-lays Rust's shortest `{:e}` digits as
//! CPython's `repr`, with an exact half-even repair of ties (Rust rounds a
//! tie between two shortest candidates up, CPython to even); it was checked
//! against CPython 3.11 `repr` (the vectors in `py_vectors.rs`).

use core::fmt;
use core::fmt::Write as _;

use super::{AllocError, FLOAT_MAX_LEN};
use crate::buf::reserve;

/// Two-digit decimal table for integer formatting.
const DEC2: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

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

fn write_i64(v: i64, out: &mut Vec<u8>) -> Result<(), AllocError> {
    reserve(out, 21)?;
    if v < 0 {
        out.push(b'-');
    }
    push_u64(v.unsigned_abs(), out);
    Ok(())
}

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
pub(super) fn write_float(v: f64, out: &mut Vec<u8>) -> Result<(), AllocError> {
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
// The comparison
// ---------------------------------------------------------------------------

/// splitmix64: a fixed seed, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Doubles from families where a layout or rounding slip would show: any
/// bit pattern; short decimals (`round(x, k)`-like session data) at every
/// exponent, the layout boundaries included; integers and dyadic fractions
/// near 2^53 and above 10^16, where exact ties between two shortest
/// candidates live; powers of two and their neighbours; subnormals.
fn sample(rng: &mut Rng) -> f64 {
    let sign = if rng.next() & 1 == 0 { 1.0 } else { -1.0 };
    match rng.below(6) {
        0 => f64::from_bits(rng.next()),
        1 => {
            let digits = 1 + rng.below(17) as u32;
            let mant = rng.below(10u64.pow(digits));
            let exp = rng.below(60) as i32 - 30;
            let text = format!("{mant}e{}", exp - digits as i32);
            sign * text.parse::<f64>().expect("a decimal literal")
        }
        2 => {
            let m = (1u64 << 50) + rng.below(1u64 << 53);
            sign * m as f64 / f64::from(1u32 << rng.below(12))
        }
        3 => sign * (rng.below(1u64 << 63) as f64) * 10f64.powi(rng.below(8) as i32),
        4 => {
            let p = f64::from_bits((rng.below(2046) + 1) << 52);
            let bits = p.to_bits() as i64 + rng.below(5) as i64 - 2;
            sign * f64::from_bits(bits as u64)
        }
        _ => sign * f64::from_bits(rng.below(1u64 << 52)),
    }
}

fn both(v: f64, new: &mut Vec<u8>, old: &mut Vec<u8>) {
    new.clear();
    old.clear();
    super::write_float(v, new).unwrap();
    write_float(v, old).unwrap();
}

/// The zmij and itoa writers against the previous ones. The count defaults to 300,000
/// (a few seconds unoptimised); `FLOAT_REFERENCE_N` raises it.
#[test]
fn number_writers_match_reference() {
    let n: u64 = std::env::var("FLOAT_REFERENCE_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300_000);
    let mut rng = Rng(0x5EED_F10A_7000_0001);
    let (mut new, mut old) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let v = sample(&mut rng);
        both(v, &mut new, &mut old);
        assert_eq!(
            String::from_utf8_lossy(&new),
            String::from_utf8_lossy(&old),
            "bits {:#018x}",
            v.to_bits()
        );
    }
    // Integers: every length, both signs.
    for _ in 0..n / 4 {
        let v = (rng.next() >> rng.below(64)) as i64;
        for v in [v, v.wrapping_neg(), i64::MIN, i64::MAX] {
            new.clear();
            old.clear();
            super::write_i64(v, &mut new).unwrap();
            write_i64(v, &mut old).unwrap();
            assert_eq!(new, old, "{v}");
        }
    }
    // Every decimal exponent, each layout boundary with it, both signs.
    for e in -325..=309 {
        for m in ["1", "1.5", "9.999999999999999", "1.2345678901234567"] {
            let v: f64 = format!("{m}e{e}").parse().unwrap();
            for v in [v, -v] {
                both(v, &mut new, &mut old);
                assert_eq!(new, old, "{v:e}");
            }
        }
    }
}

/// Best of 15 runs of `f` over `values`, in ns per call.
fn best_ns<T: Copy>(values: &[T], f: fn(T, &mut Vec<u8>) -> Result<(), AllocError>) -> f64 {
    use std::hint::black_box;
    use std::time::Instant;

    let mut out = Vec::with_capacity(64);
    let mut best = f64::INFINITY;
    for _ in 0..15 {
        let start = Instant::now();
        for _ in 0..25 {
            for &v in values {
                out.clear();
                f(black_box(v), &mut out).unwrap();
                black_box(&out);
            }
        }
        let ns = start.elapsed().as_nanos() as f64 / (25 * values.len()) as f64;
        best = best.min(ns);
    }
    best
}

/// Number writer speed, old against new:
/// `cargo test --release --lib number_writer_speed -- --ignored --nocapture`.
#[test]
#[ignore = "a timing loop, run by hand in release mode"]
fn number_writer_speed() {
    let mut rng = Rng(7);
    let floats: [(&str, Vec<f64>); 3] = [
        (
            "prices (2 decimals)",
            (0..4096)
                .map(|_| rng.below(100_000_000) as f64 / 100.0)
                .collect(),
        ),
        (
            "any finite bit pattern",
            (0..4096)
                .map(|_| loop {
                    let v = f64::from_bits(rng.next());
                    if v.is_finite() {
                        break v;
                    }
                })
                .collect(),
        ),
        (
            "mixed families",
            (0..4096).map(|_| sample(&mut rng)).collect(),
        ),
    ];
    for (name, values) in &floats {
        let old = best_ns(values, write_float);
        let new = best_ns(values, super::write_float);
        println!("{name}: old {old:.1} ns, zmij {new:.1} ns per float");
    }
    let ints: [(&str, Vec<i64>); 2] = [
        (
            "ids (0..100000)",
            (0..4096).map(|_| rng.below(100_000) as i64).collect(),
        ),
        (
            "any length",
            (0..4096)
                .map(|_| (rng.next() >> rng.below(64)) as i64)
                .collect(),
        ),
    ];
    for (name, values) in &ints {
        let old = best_ns(values, write_i64);
        let new = best_ns(values, super::write_i64);
        println!("{name}: old {old:.1} ns, itoa {new:.1} ns per int");
    }
}
