//! Base64 and integer encodings exactly as itsdangerous and CPython do them.
//!
//! * [`urlsafe_b64encode_into`] is `itsdangerous.encoding.base64_encode`
//!   (URL-safe alphabet, `=` padding stripped).
//! * [`standard_b64encode`] is `base64.b64encode` (standard alphabet, padded),
//!   used by Flask's `" b"` tag.
//! * [`a2b_base64`] is CPython's lenient `binascii.a2b_base64(data,
//!   strict_mode=False)`, the decoder behind `base64.b64decode` and
//!   `base64.urlsafe_b64decode`, under each [`Padding`] rule CPython has had.
//! * [`itsdangerous_b64decode`] is `itsdangerous.encoding.base64_decode`
//!   under a [`B64Mode`] (what the running interpreter's `urlsafe_b64decode`
//!   does); [`itsdangerous_b64decode_small`] is the same for results of a few
//!   bytes (signatures, timestamps), without allocating whatever the input's
//!   size.
//! * [`int_to_bytes`] and [`bytes_to_int`] are itsdangerous' big-endian
//!   timestamp encoding (`struct.pack(">Q", n).lstrip(b"\x00")` and its inverse).
//!
//! Which [`B64Mode`] the running interpreter has is not decided here: the
//! binding probes the interpreter's `base64` module at import and passes it
//! in. Input on which that mode's stdlib does more than decode (it warns) is
//! [`B64Error::Deferred`]: stock code must decode it.
//!
//! Output buffers grow fallibly ([`crate::buf`]): an allocation failure is an
//! error, never an abort.

use base64::alphabet;
use base64::engine::general_purpose::{
    GeneralPurpose, GeneralPurposeConfig, STANDARD, URL_SAFE_NO_PAD,
};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

use crate::buf::{self, AllocError};

/// Fast path for [`itsdangerous_b64decode`]: accepts only unpadded URL-safe
/// input of a valid length, on which it agrees with CPython's lenient decoder
/// under every [`B64Mode`] (unused trailing bits are ignored there too).
/// Anything it rejects goes through the exact slow path.
const URL_SAFE_FAST: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// Fast path for [`a2b_base64`]: accepts only canonically padded
/// standard-alphabet input, on which it agrees with CPython under every
/// [`Padding`].
const STANDARD_FAST: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// What `=` does in CPython's lenient (`strict_mode=False`) base64 decoder.
/// A pad character only ever counts once at least two data characters of the
/// current quad were seen, and any data character resets the count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    /// A complete pad sequence (enough `=` to fill the quad) ends decoding:
    /// everything after it is ignored (CPython 3.11 to 3.13).
    EndsDecoding,
    /// `=` never ends decoding: data characters after it are decoded as if
    /// it were not there. A partial quad left at the end (two or three data
    /// characters) must be filled by the `=` counted since its last data
    /// character (CPython 3.14's `a2b_base64`).
    CheckedAtEnd,
    /// `=` is skipped wherever it is; only a single data character left at
    /// the end is an error (`a2b_base64(..., padded=False)`, what CPython
    /// 3.15's `urlsafe_b64decode` calls).
    Optional,
}

/// What the running interpreter's `base64.urlsafe_b64decode` does, as far as
/// `itsdangerous.encoding.base64_decode` can tell (itsdangerous pads its
/// input to a multiple of 4 first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct B64Mode {
    /// The decoder's rule for `=`.
    pub padding: Padding,
    /// Whether it warns (`FutureWarning`) when the input holds `+` or `/`
    /// (CPython 3.15): such input is [`B64Error::Deferred`], since a warning
    /// is not reproduced here (under `-W error` it is an exception).
    pub warns_on_plus_slash: bool,
}

impl B64Mode {
    /// CPython 3.11 to 3.13.
    pub const ENDS_AT_PADDING: B64Mode = B64Mode {
        padding: Padding::EndsDecoding,
        warns_on_plus_slash: false,
    };
    /// CPython 3.14.
    pub const PADDING_AT_END: B64Mode = B64Mode {
        padding: Padding::CheckedAtEnd,
        warns_on_plus_slash: false,
    };
    /// CPython 3.15.
    pub const PADDING_OPTIONAL: B64Mode = B64Mode {
        padding: Padding::Optional,
        warns_on_plus_slash: true,
    };
    /// Every mode there is (for tests).
    pub const ALL: [B64Mode; 6] = [
        B64Mode::ENDS_AT_PADDING,
        B64Mode::PADDING_AT_END,
        B64Mode::PADDING_OPTIONAL,
        B64Mode {
            padding: Padding::EndsDecoding,
            warns_on_plus_slash: true,
        },
        B64Mode {
            padding: Padding::CheckedAtEnd,
            warns_on_plus_slash: true,
        },
        B64Mode {
            padding: Padding::Optional,
            warns_on_plus_slash: false,
        },
    ];

    /// Whether decoding `input` (before itsdangerous's padding and the
    /// `-_` translation) is left to stock code.
    #[inline]
    fn defers(self, input: &[u8]) -> bool {
        self.warns_on_plus_slash && input.iter().any(|&c| c == b'+' || c == b'/')
    }
}

/// A base64 decoding failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum B64Error {
    /// Not decodable (CPython's `binascii.Error`). CPython distinguishes
    /// "Incorrect padding" from "number of data characters cannot be 1 more
    /// than a multiple of 4"; callers here only need to know that decoding
    /// failed.
    Invalid,
    /// The interpreter's decoder would warn on this input
    /// ([`B64Mode::warns_on_plus_slash`]): stock code must decode it.
    Deferred,
    /// The output buffer could not be allocated.
    Alloc(AllocError),
}

/// [`itsdangerous_b64decode_small`]'s [`B64Error::Deferred`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deferred;

impl From<AllocError> for B64Error {
    fn from(e: AllocError) -> Self {
        B64Error::Alloc(e)
    }
}

impl core::fmt::Display for B64Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            B64Error::Invalid => f.write_str("Invalid base64-encoded data"),
            B64Error::Deferred => f.write_str("base64 data the interpreter's decoder warns about"),
            B64Error::Alloc(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for B64Error {}

/// Appends the URL-safe base64 encoding of `input` to `out`, without `=`
/// padding (`base64.urlsafe_b64encode(s).rstrip(b"=")`).
///
/// # Errors
///
/// [`AllocError`] when `out` cannot grow (`out` is then unchanged).
pub fn urlsafe_b64encode_into(input: &[u8], out: &mut Vec<u8>) -> Result<(), AllocError> {
    encode_into(&URL_SAFE_NO_PAD, false, input, out)
}

/// Appends standard-alphabet base64 with `=` padding
/// (`base64.b64encode(s).decode()`) to `out`.
///
/// # Errors
///
/// [`AllocError`] when `out` cannot grow (`out` is then unchanged).
pub fn standard_b64encode_into(input: &[u8], out: &mut Vec<u8>) -> Result<(), AllocError> {
    encode_into(&STANDARD, true, input, out)
}

/// [`standard_b64encode_into`] as a new string.
///
/// # Panics
///
/// If the output cannot be allocated.
pub fn standard_b64encode(input: &[u8]) -> String {
    STANDARD.encode(input)
}

fn encode_into(
    engine: &GeneralPurpose,
    padding: bool,
    input: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), AllocError> {
    let start = out.len();
    // `None` only for inputs near `usize::MAX` bytes: no allocation can hold that.
    let len = base64::encoded_len(input.len(), padding).ok_or(AllocError)?;
    buf::reserve(out, len)?;
    out.resize(start + len, 0);
    let n = engine
        .encode_slice(input, &mut out[start..])
        .expect("the output was sized with encoded_len");
    out.truncate(start + n);
    Ok(())
}

/// Maps a byte to its 6-bit value in the standard base64 alphabet, or `None`
/// for every byte outside it (CPython's `table_a2b_base64`).
#[inline]
fn b64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// The lenient (`strict_mode=False`) decoding loop of CPython's
/// `binascii_a2b_base64_impl`, over any byte sequence, under `padding`.
///
/// * Bytes outside the alphabet (and not `=`) are skipped.
/// * `=` only counts towards a pad sequence once at least two data characters
///   of the current quad were seen (`quad_pos >= 2 && quad_pos + ++pads >= 4`,
///   note the short circuit); any data character resets the pad count. What
///   a complete pad sequence does is [`Padding`]'s business.
/// * At the end, one leftover data character is an error ("cannot be 1 more
///   than a multiple of 4"); two or three are "Incorrect padding" unless
///   [`Padding`] accepts them.
///
/// `capacity` must bound the output (see [`decoded_capacity`]): the buffer is
/// allocated fallibly once and never grows.
fn a2b_base64_iter(
    input: impl Iterator<Item = u8>,
    padding: Padding,
    capacity: usize,
) -> Result<Vec<u8>, B64Error> {
    let mut out = buf::with_capacity(capacity)?;
    a2b_loop(input, padding, |b| {
        out.push(b);
        true
    })?;
    Ok(out)
}

/// The loop of [`a2b_base64_iter`], handing each decoded byte to `emit`;
/// stops early (with `Ok`) when `emit` returns false.
fn a2b_loop(
    input: impl Iterator<Item = u8>,
    padding: Padding,
    mut emit: impl FnMut(u8) -> bool,
) -> Result<(), B64Error> {
    let mut quad_pos: u8 = 0;
    let mut leftchar: u8 = 0;
    let mut pads: u8 = 0;
    for ch in input {
        if ch == b'=' {
            if quad_pos >= 2 {
                pads = pads.saturating_add(1);
                if padding == Padding::EndsDecoding && quad_pos.saturating_add(pads) >= 4 {
                    return Ok(());
                }
            }
            continue;
        }
        let Some(v) = b64_value(ch) else {
            continue;
        };
        pads = 0;
        let more = match quad_pos {
            0 => {
                quad_pos = 1;
                leftchar = v;
                true
            }
            1 => {
                quad_pos = 2;
                let more = emit((leftchar << 2) | (v >> 4));
                leftchar = v & 0x0f;
                more
            }
            2 => {
                quad_pos = 3;
                let more = emit((leftchar << 4) | (v >> 2));
                leftchar = v & 0x03;
                more
            }
            _ => {
                quad_pos = 0;
                let more = emit((leftchar << 6) | v);
                leftchar = 0;
                more
            }
        };
        if !more {
            return Ok(());
        }
    }
    let complete = match padding {
        Padding::EndsDecoding => quad_pos == 0,
        Padding::CheckedAtEnd => quad_pos == 0 || quad_pos.saturating_add(pads) >= 4,
        Padding::Optional => quad_pos != 1,
    };
    if complete {
        Ok(())
    } else {
        Err(B64Error::Invalid)
    }
}

/// Upper bound of the decoded size of `n` base64 characters (as CPython
/// allocates: `((n + 3) / 4) * 3`).
#[inline]
fn decoded_capacity(n: usize) -> usize {
    (n / 4 + 1).saturating_mul(3)
}

/// `binascii.a2b_base64(data, strict_mode=False)` under `padding`, byte for
/// byte, including its error cases (see [`a2b_base64_iter`] for the rules).
///
/// Canonical padded input takes a fast path through the `base64` crate (every
/// [`Padding`] decodes it alike); all other input goes through the
/// re-implementation of CPython's loop.
///
/// # Errors
///
/// [`B64Error::Invalid`] where CPython raises `binascii.Error`,
/// [`B64Error::Alloc`] when the output cannot be allocated.
pub fn a2b_base64(input: &[u8], padding: Padding) -> Result<Vec<u8>, B64Error> {
    if let Some(decoded) = decode_fast(&STANDARD_FAST, input)? {
        return Ok(decoded);
    }
    a2b_base64_iter(
        input.iter().copied(),
        padding,
        decoded_capacity(input.len()),
    )
}

/// `base64.b64decode(input)` when `input` is canonically padded standard
/// base64 (what `b64encode` writes), `None` for any other input (the caller
/// asks CPython). Every [`Padding`] decodes canonical input alike.
///
/// # Errors
///
/// [`AllocError`] when the output cannot be allocated.
pub fn b64decode_canonical(input: &[u8]) -> Result<Option<Vec<u8>>, AllocError> {
    decode_fast(&STANDARD_FAST, input)
}

/// `engine`'s decoding of `input` into a fallibly allocated buffer; `None`
/// when the engine rejects it.
fn decode_fast(engine: &GeneralPurpose, input: &[u8]) -> Result<Option<Vec<u8>>, AllocError> {
    let estimate = base64::decoded_len_estimate(input.len());
    let mut out = buf::with_capacity(estimate)?;
    out.resize(estimate, 0);
    Ok(engine.decode_slice(input, &mut out).ok().map(|n| {
        out.truncate(n);
        out
    }))
}

/// `itsdangerous.encoding.base64_decode` on a bytes input, as the running
/// interpreter's `base64.urlsafe_b64decode` (`mode`) decodes it.
///
/// Appends `b"=" * (-len(input) % 4)` (the length of the whole input, junk
/// bytes included), translates `-`/`_` to `+`/`/` (`base64.urlsafe_b64decode`;
/// `+` and `/` already present stay valid, unless `mode` defers them) and
/// decodes leniently as [`a2b_base64`] does. Plain unpadded URL-safe input
/// takes a fast path (every mode decodes it alike).
///
/// # Errors
///
/// [`B64Error::Invalid`] where itsdangerous raises `binascii.Error`,
/// [`B64Error::Deferred`] where the interpreter's decoder would warn,
/// [`B64Error::Alloc`] when the output cannot be allocated.
pub fn itsdangerous_b64decode(input: &[u8], mode: B64Mode) -> Result<Vec<u8>, B64Error> {
    if let Some(decoded) = decode_fast(&URL_SAFE_FAST, input)? {
        return Ok(decoded);
    }
    itsdangerous_b64decode_exact(input, mode)
}

/// The input of CPython's decoder for `itsdangerous.encoding.base64_decode`:
/// `-`/`_` translated, `=` padding appended.
fn itsdangerous_translated(input: &[u8]) -> impl Iterator<Item = u8> + '_ {
    let pad = (4 - input.len() % 4) % 4;
    let translated = input.iter().map(|&c| match c {
        b'-' => b'+',
        b'_' => b'/',
        other => other,
    });
    translated.chain(core::iter::repeat_n(b'=', pad))
}

/// The slow, exact path of [`itsdangerous_b64decode`], valid for any input.
fn itsdangerous_b64decode_exact(input: &[u8], mode: B64Mode) -> Result<Vec<u8>, B64Error> {
    if mode.defers(input) {
        return Err(B64Error::Deferred);
    }
    let capacity = decoded_capacity(input.len().saturating_add(3));
    a2b_base64_iter(itsdangerous_translated(input), mode.padding, capacity)
}

/// [`itsdangerous_b64decode`] for results of at most `N` bytes: the bytes in
/// a stack buffer and their count; `Ok(None)` when decoding fails or the
/// result would be longer than `N`, [`Deferred`] where the interpreter's
/// decoder would warn. Allocates nothing and stops decoding once more than
/// `N` bytes came out, however long the input.
///
/// # Errors
///
/// [`Deferred`] where stock code must decode `input`.
pub fn itsdangerous_b64decode_small<const N: usize>(
    input: &[u8],
    mode: B64Mode,
) -> Result<Option<([u8; N], usize)>, Deferred> {
    if mode.defers(input) {
        return Err(Deferred);
    }
    let mut out = [0u8; N];
    let mut len = 0usize;
    let mut too_long = false;
    let decoded = a2b_loop(itsdangerous_translated(input), mode.padding, |b| {
        if let Some(slot) = out.get_mut(len) {
            *slot = b;
            len += 1;
            true
        } else {
            too_long = true;
            false
        }
    });
    Ok((decoded.is_ok() && !too_long).then_some((out, len)))
}

/// `itsdangerous.encoding.int_to_bytes`: the big-endian bytes of `n` with
/// leading zero bytes stripped (`0` gives no bytes).
///
/// Returns the 8-byte big-endian buffer and the index where the significant
/// bytes start; use [`int_to_bytes_slice`] to get the slice directly.
pub fn int_to_bytes(n: u64) -> ([u8; 8], usize) {
    let bytes = n.to_be_bytes();
    let skip = (n.leading_zeros() / 8) as usize;
    (bytes, skip)
}

/// The significant bytes of an [`int_to_bytes`] result.
#[inline]
pub fn int_to_bytes_slice(encoded: &([u8; 8], usize)) -> &[u8] {
    &encoded.0[encoded.1..]
}

/// `itsdangerous.encoding.bytes_to_int`: big-endian unsigned integer of at
/// most 8 bytes (`struct.unpack(">Q", b.rjust(8, b"\x00"))`). More than 8
/// bytes is `None` (`struct.error` in Python); empty is `Some(0)`.
pub fn bytes_to_int(b: &[u8]) -> Option<u64> {
    if b.len() > 8 {
        return None;
    }
    Some(b.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(input: &[u8]) -> String {
        let mut out = Vec::new();
        urlsafe_b64encode_into(input, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn urlsafe_encode_strips_padding_and_appends() {
        assert_eq!(enc(b""), "");
        assert_eq!(enc(b"f"), "Zg");
        assert_eq!(enc(b"fo"), "Zm8");
        assert_eq!(enc(b"foo"), "Zm9v");
        assert_eq!(enc(&[0xfb, 0xff, 0xbf]), "-_-_");
        let mut out = b"prefix.".to_vec();
        urlsafe_b64encode_into(b"\xff\xfe", &mut out).unwrap();
        assert_eq!(out, b"prefix.__4");
    }

    #[test]
    fn standard_encode_pads() {
        assert_eq!(standard_b64encode(b""), "");
        assert_eq!(standard_b64encode(b"f"), "Zg==");
        assert_eq!(standard_b64encode(b"fo"), "Zm8=");
        assert_eq!(standard_b64encode(&[0xfb, 0xff, 0xbf]), "+/+/");
        let mut out = b"x".to_vec();
        standard_b64encode_into(b"fo", &mut out).unwrap();
        assert_eq!(out, b"xZm8=");
    }

    /// The three [`Padding`] rules, in the column order of the vectors.
    const PADDINGS: [Padding; 3] = [
        Padding::EndsDecoding,
        Padding::CheckedAtEnd,
        Padding::Optional,
    ];

    /// `(input, expected output hex or None for binascii.Error)` per
    /// [`PADDINGS`] column, produced by `binascii.a2b_base64(data)` on CPython
    /// 3.13.0 (`EndsDecoding`; 3.11.7 agrees) and 3.14.10 (`CheckedAtEnd`;
    /// 3.15.2 agrees), and by `binascii.a2b_base64(data, padded=False)` on
    /// CPython 3.15.2 (`Optional`).
    type Vectors = &'static [(&'static [u8], [Option<&'static str>; 3])];
    const A2B_VECTORS: Vectors = &[
        (b"", [Some(""), Some(""), Some("")]),
        (b"Zg==", [Some("66"), Some("66"), Some("66")]),
        (b"Zg=", [None, None, Some("66")]),
        (b"Zg", [None, None, Some("66")]),
        (b"Z", [None, None, None]),
        (b"Zm8=", [Some("666f"), Some("666f"), Some("666f")]),
        (b"Zm9v", [Some("666f6f"), Some("666f6f"), Some("666f6f")]),
        (b"Zg==Zm9v", [Some("66"), None, Some("660666f6")]),
        (b"Zm8=Zm9v", [Some("666f"), None, Some("666f199bdb")]),
        (b"Z=g==", [Some("66"), Some("66"), Some("66")]),
        (b"=Zg==", [Some("66"), Some("66"), Some("66")]),
        (b"Zg=x=", [Some("660c"), Some("660c"), Some("660c")]),
        (b"Zm=8=", [Some("666f"), Some("666f"), Some("666f")]),
        (b"Zm9=v", [Some("666f"), Some("666f6f"), Some("666f6f")]),
        (b"Z\x00g\xff=\x0a=", [Some("66"), Some("66"), Some("66")]),
        (
            b"Zm9v\x0a",
            [Some("666f6f"), Some("666f6f"), Some("666f6f")],
        ),
        (b"Zg=====", [Some("66"), Some("66"), Some("66")]),
        (b"====", [Some(""), Some(""), Some("")]),
        (b"Zm9vYg", [None, None, Some("666f6f62")]),
        (b"Zm9vYg=", [None, None, Some("666f6f62")]),
        (b"+/+/", [Some("fbffbf"), Some("fbffbf"), Some("fbffbf")]),
        (b"-_-_", [Some(""), Some(""), Some("")]),
        (b"Zh==", [Some("66"), Some("66"), Some("66")]),
        (b"Zm9vY", [None, None, None]),
        (b"Z.m.9.v", [Some("666f6f"), Some("666f6f"), Some("666f6f")]),
        (
            b"Zm9vYmFy",
            [
                Some("666f6f626172"),
                Some("666f6f626172"),
                Some("666f6f626172"),
            ],
        ),
        (
            b"Zm9vYmE=x",
            [
                Some("666f6f6261"),
                Some("666f6f626131"),
                Some("666f6f626131"),
            ],
        ),
        (b"Zm9vYmE", [None, None, Some("666f6f6261")]),
        (b"YQ", [None, None, Some("61")]),
        (b"YQ=", [None, None, Some("61")]),
        (b"YR==", [Some("61"), Some("61"), Some("61")]),
        (b"Y=Q=", [None, None, Some("61")]),
        (b"YWI=\x80", [Some("6162"), Some("6162"), Some("6162")]),
        (b"YW=I=", [Some("6162"), Some("6162"), Some("6162")]),
        (b"==YWI=", [Some("6162"), Some("6162"), Some("6162")]),
        (
            b"Y\x80W\x80I\x80=",
            [Some("6162"), Some("6162"), Some("6162")],
        ),
        (b"YWJj=", [Some("616263"), Some("616263"), Some("616263")]),
        (
            b"YWJjZA=Z=",
            [Some("6162636406"), Some("6162636406"), Some("6162636406")],
        ),
        (
            b"YWJjZA=ZQ",
            [
                Some("616263640650"),
                Some("616263640650"),
                Some("616263640650"),
            ],
        ),
        (b"Q===", [None, None, None]),
        (b"QQ=Q=", [Some("4104"), Some("4104"), Some("4104")]),
        (b"QQ==Q", [Some("41"), None, Some("4104")]),
        (b"QQQ=Q", [Some("4104"), Some("410410"), Some("410410")]),
        (
            b"Zg==Zm9v==",
            [Some("66"), Some("660666f6"), Some("660666f6")],
        ),
        (b"Zg==Zm8=", [Some("66"), None, None]),
        (b"Zm9vYg==Z", [Some("666f6f62"), None, Some("666f6f6206")]),
        (b"ZeB=8A==", [Some("65e0"), None, None]),
        (b"Zm=8", [None, None, Some("666f")]),
    ];

    #[test]
    fn a2b_matches_cpython_vectors() {
        for (input, expected) in A2B_VECTORS {
            for (padding, expected) in PADDINGS.into_iter().zip(expected) {
                let slow = a2b_base64_iter(input.iter().copied(), padding, 0)
                    .ok()
                    .map(hex);
                assert_eq!(slow.as_deref(), *expected, "{padding:?} {input:?}");
                let got = a2b_base64(input, padding).ok().map(hex);
                assert_eq!(
                    got.as_deref(),
                    *expected,
                    "{padding:?} input {:?}",
                    String::from_utf8_lossy(input)
                );
            }
        }
    }

    /// The modes of the interpreters the vectors below come from, in their
    /// column order.
    const MODES: [B64Mode; 3] = [
        B64Mode::ENDS_AT_PADDING,
        B64Mode::PADDING_AT_END,
        B64Mode::PADDING_OPTIONAL,
    ];

    /// `(input, expected output hex or None for BadData)` per [`MODES`]
    /// column, produced by `itsdangerous.encoding.base64_decode` (itsdangerous
    /// 2.2) on CPython 3.13.0, 3.14.10 and 3.15.2. On 3.15, an input with `+`
    /// or `/` warns (`FutureWarning`, an error under `-W error`): those are
    /// [`B64Error::Deferred`] whatever the column says.
    const ITSD_VECTORS: Vectors = &[
        (b"", [Some(""), Some(""), Some("")]),
        (b"Zg", [Some("66"), Some("66"), Some("66")]),
        (b"Z", [None, None, None]),
        (b"Zm8", [Some("666f"), Some("666f"), Some("666f")]),
        (b"Zm9v", [Some("666f6f"), Some("666f6f"), Some("666f6f")]),
        (b"-_-_", [Some("fbffbf"), Some("fbffbf"), Some("fbffbf")]),
        (b"+/+/", [Some("fbffbf"), Some("fbffbf"), None]),
        (b"Zg=", [Some("66"), Some("66"), Some("66")]),
        (b"Zg==", [Some("66"), Some("66"), Some("66")]),
        (b"Z g", [None, None, Some("66")]),
        (b"Zg!", [None, None, Some("66")]),
        (b"Zm9vY", [None, None, None]),
        (b"Zm 9v", [Some("666f6f"), Some("666f6f"), Some("666f6f")]),
        (
            b"Z\xffm9v",
            [Some("666f6f"), Some("666f6f"), Some("666f6f")],
        ),
        (
            b"Zm\xff9v\xff\xff",
            [Some("666f6f"), Some("666f6f"), Some("666f6f")],
        ),
        (b"Zg==junk", [Some("66"), None, Some("6608ee9e")]),
        (b"====", [Some(""), Some(""), Some("")]),
        (b"YQ-", [Some("610f"), Some("610f"), Some("610f")]),
        (b"Y_Q", [Some("63f4"), Some("63f4"), Some("63f4")]),
        (b"YW=I", [None, None, Some("6162")]),
        (b"YWI=", [Some("6162"), Some("6162"), Some("6162")]),
        (b"Y==", [None, None, None]),
        (b".Zg", [None, None, Some("66")]),
        (b"Zg.", [None, None, Some("66")]),
        (b"\xff\xff\xff\xff", [Some(""), Some(""), Some("")]),
        (b"ZeB=8A", [Some("65e0"), None, None]),
        (b"ZV!Px-AA", [None, None, Some("6553f1f800")]),
        (b"Zm=8", [None, None, Some("666f")]),
        (b"Zg==Zm9v", [Some("66"), None, Some("660666f6")]),
        (b"Zm9v!", [Some("666f6f"), Some("666f6f"), Some("666f6f")]),
        (b"Zm9vYg==Zm8", [Some("666f6f62"), None, None]),
        (b"Q=Q", [None, None, Some("41")]),
        (b"QQ=Q", [None, None, Some("4104")]),
    ];

    fn plus_slash(input: &[u8]) -> bool {
        input.iter().any(|&c| c == b'+' || c == b'/')
    }

    #[test]
    fn itsdangerous_decode_matches_python_vectors() {
        for (input, expected) in ITSD_VECTORS {
            for (mode, expected) in MODES.into_iter().zip(expected) {
                let slow = itsdangerous_b64decode_exact(input, mode);
                let got = itsdangerous_b64decode(input, mode);
                if mode.warns_on_plus_slash && plus_slash(input) {
                    assert_eq!(slow, Err(B64Error::Deferred), "{input:?}");
                    assert_eq!(got, Err(B64Error::Deferred), "{input:?}");
                    assert_eq!(
                        itsdangerous_b64decode_small::<8>(input, mode),
                        Err(Deferred)
                    );
                    continue;
                }
                assert_eq!(
                    slow.ok().map(hex).as_deref(),
                    *expected,
                    "{mode:?} {input:?}"
                );
                assert_eq!(
                    got.ok().map(hex).as_deref(),
                    *expected,
                    "{mode:?} input {:?}",
                    String::from_utf8_lossy(input)
                );
            }
        }
    }

    /// Deferring looks at the input as given: `-` and `_` never defer, and a
    /// `+` or `/` anywhere (even past a complete pad sequence, or in input the
    /// decoder would refuse) does.
    #[test]
    fn plus_and_slash_defer_only_where_the_decoder_warns() {
        for input in [&b"Zm9v+"[..], b"/", b"Zg==+", b"Z/", b"\xff+\xff"] {
            for mode in B64Mode::ALL {
                let got = itsdangerous_b64decode(input, mode);
                assert_eq!(
                    got == Err(B64Error::Deferred),
                    mode.warns_on_plus_slash,
                    "{mode:?} {input:?}"
                );
                let small = itsdangerous_b64decode_small::<20>(input, mode);
                assert_eq!(
                    small == Err(Deferred),
                    mode.warns_on_plus_slash,
                    "{mode:?} {input:?}"
                );
            }
        }
        for mode in B64Mode::ALL {
            assert_eq!(
                itsdangerous_b64decode(b"-_-_", mode),
                Ok(vec![0xfb, 0xff, 0xbf])
            );
        }
    }

    /// The `base64`-crate fast paths must agree with the exact CPython loop on
    /// everything they accept, in every mode (checked exhaustively against
    /// CPython when written; this keeps the property pinned).
    #[test]
    fn fast_paths_agree_with_exact_paths() {
        let alphabet = b"Qh=+/-_A.";
        let mut input = Vec::new();
        for n in 0..=5u32 {
            for mut code in 0..alphabet.len().pow(n) {
                input.clear();
                for _ in 0..n {
                    input.push(alphabet[code % alphabet.len()]);
                    code /= alphabet.len();
                }
                for mode in B64Mode::ALL {
                    assert_eq!(
                        itsdangerous_b64decode(&input, mode),
                        itsdangerous_b64decode_exact(&input, mode),
                        "{mode:?} {input:?}"
                    );
                    assert_eq!(
                        a2b_base64(&input, mode.padding),
                        a2b_base64_iter(input.iter().copied(), mode.padding, 0),
                        "{mode:?} {input:?}"
                    );
                    let small = itsdangerous_b64decode_small::<2>(&input, mode)
                        .map(|r| r.map(|(b, n)| b[..n].to_vec()));
                    let full = match itsdangerous_b64decode(&input, mode) {
                        Err(B64Error::Deferred) => Err(Deferred),
                        r => Ok(r.ok().filter(|v| v.len() <= 2)),
                    };
                    assert_eq!(small, full, "{mode:?} {input:?}");
                }
            }
        }
    }

    /// Each [`Padding`] rule against a plain transcription of its
    /// description, on every string of up to 7 characters over an alphabet
    /// with data, pad and junk characters.
    #[test]
    fn padding_rules_match_their_description() {
        fn reference(input: &[u8], padding: Padding) -> Option<Vec<u8>> {
            let (mut quad, mut pads, mut bits, mut nbits, mut out) =
                (0u32, 0u32, 0u32, 0u32, Vec::new());
            for &c in input {
                if c == b'=' {
                    if quad >= 2 {
                        pads += 1;
                        if padding == Padding::EndsDecoding && quad + pads >= 4 {
                            return Some(out);
                        }
                    }
                    continue;
                }
                let Some(v) = b64_value(c) else { continue };
                pads = 0;
                quad = (quad + 1) % 4;
                bits = (bits << 6) | u32::from(v);
                nbits += 6;
                if nbits >= 8 {
                    nbits -= 8;
                    out.push((bits >> nbits) as u8);
                    bits &= (1 << nbits) - 1;
                }
            }
            let ok = match padding {
                Padding::EndsDecoding => quad == 0,
                Padding::CheckedAtEnd => quad == 0 || quad + pads >= 4,
                Padding::Optional => quad != 1,
            };
            ok.then_some(out)
        }
        let alphabet = b"QAh=!";
        let mut input = Vec::new();
        for n in 0..=7u32 {
            for mut code in 0..alphabet.len().pow(n) {
                input.clear();
                for _ in 0..n {
                    input.push(alphabet[code % alphabet.len()]);
                    code /= alphabet.len();
                }
                for padding in PADDINGS {
                    assert_eq!(
                        a2b_base64(&input, padding).ok(),
                        reference(&input, padding),
                        "{padding:?} {input:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn urlsafe_round_trip() {
        let data: Vec<u8> = (0u16..600).map(|i| (i * 37 % 256) as u8).collect();
        for n in 0..data.len() {
            let mut out = Vec::new();
            urlsafe_b64encode_into(&data[..n], &mut out).unwrap();
            for mode in B64Mode::ALL {
                assert_eq!(itsdangerous_b64decode(&out, mode).unwrap(), &data[..n]);
            }
            let small =
                itsdangerous_b64decode_small::<20>(&out, B64Mode::PADDING_OPTIONAL).unwrap();
            if n <= 20 {
                let (b, len) = small.unwrap();
                assert_eq!(&b[..len], &data[..n]);
            } else {
                assert!(small.is_none());
            }
        }
    }

    #[test]
    fn int_bytes_round_trip() {
        for (n, expected) in [
            (0u64, &b""[..]),
            (1, b"\x01"),
            (255, b"\xff"),
            (256, b"\x01\x00"),
            (1_700_000_000, b"\x65\x53\xf1\x00"),
            (u64::MAX, b"\xff\xff\xff\xff\xff\xff\xff\xff"),
        ] {
            let encoded = int_to_bytes(n);
            assert_eq!(int_to_bytes_slice(&encoded), expected);
            assert_eq!(bytes_to_int(expected), Some(n));
        }
        assert_eq!(bytes_to_int(b"\x00\x00\x01"), Some(1));
        assert_eq!(bytes_to_int(&[0; 9]), None);
        assert_eq!(bytes_to_int(b""), Some(0));
    }

    #[test]
    fn small_decode_ignores_junk_without_allocating() {
        // Junk bytes are skipped by CPython's lenient decoder, however many.
        let mut sig = vec![b'!'; 1 << 20];
        sig.extend_from_slice(b"Zm9v");
        for mode in B64Mode::ALL {
            let (b, n) = itsdangerous_b64decode_small::<8>(&sig, mode)
                .unwrap()
                .unwrap();
            assert_eq!(&b[..n], b"foo");
            assert_eq!(itsdangerous_b64decode_small::<2>(b"Zm9v", mode), Ok(None));
            assert_eq!(itsdangerous_b64decode_small::<8>(b"Zm9vY", mode), Ok(None));
        }
    }

    #[allow(clippy::needless_pass_by_value)] // used as `.map(hex)`
    fn hex(b: Vec<u8>) -> String {
        use core::fmt::Write as _;
        b.iter().fold(String::new(), |mut s, x| {
            let _ = write!(s, "{x:02x}");
            s
        })
    }
}
