//! The cookie's payload segment, as itsdangerous's
//! `URLSafeSerializerMixin` (`url_safe.py`) writes and reads it.
//!
//! * [`encode_into`] (`dump_payload`): the JSON, zlib-compressed with a
//!   leading "." when that is shorter by more than one byte, in URL-safe
//!   base64 without padding.
//! * [`decode`] (`load_payload`): the inverse, for a segment whose signature
//!   verified; `None` where itsdangerous raises `BadPayload`.
//! * [`encode_memo_into`] and [`decode_memo`]: the same through the bounded
//!   memos [`PAYLOAD_MEMO`] and [`JSON_MEMO`] (see [`crate::memo`]).
//!
//! Which zlib compresses is the caller's choice (the function it passes):
//! only the interpreter's own zlib reproduces `zlib.compress` byte for byte
//! in every build, and choosing it is the binding's business.

use std::sync::LazyLock;

use crate::buf::{self, AllocError};
use crate::compress;
use crate::encoding::{itsdangerous_b64decode, urlsafe_b64encode_into, B64Mode};
use crate::memo::Memo;

/// JSON bytes → payload segment, for sessions re-saved unchanged.
///
/// Its entries were written by one deflater: whoever changes the function
/// passed to [`encode_memo_into`] clears it first.
pub static PAYLOAD_MEMO: LazyLock<Memo> = LazyLock::new(|| Memo::new(MEMO_SLOTS));
/// Verified payload segment → JSON bytes, for cookies loaded again.
pub static JSON_MEMO: LazyLock<Memo> = LazyLock::new(|| Memo::new(MEMO_SLOTS));
const MEMO_SLOTS: usize = 256;

/// Appends the payload segment of `json` to `out`: `compress(json)` with a
/// leading "." when it is shorter than `json` by more than one byte, else
/// `json` itself, in URL-safe base64 without padding.
///
/// `compress` appends `zlib.compress(data)` to its buffer.
///
/// # Errors
///
/// Whatever `compress` returns, or [`AllocError`] (converted) when a buffer
/// cannot grow.
pub fn encode_into<E: From<AllocError>>(
    json: &[u8],
    out: &mut Vec<u8>,
    compress: impl FnOnce(&[u8], &mut Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    let mut compressed = buf::with_capacity(json.len() / 2 + 64)?;
    compress(json, &mut compressed)?;
    if compressed.len() + 1 < json.len() {
        buf::push(out, b'.')?;
        urlsafe_b64encode_into(&compressed, out)?;
    } else {
        urlsafe_b64encode_into(json, out)?;
    }
    Ok(())
}

/// [`encode_into`] through [`PAYLOAD_MEMO`]: a segment stored for `json` is
/// copied out, and a new one is stored.
///
/// # Errors
///
/// As [`encode_into`].
pub fn encode_memo_into<E: From<AllocError>>(
    json: &[u8],
    out: &mut Vec<u8>,
    compress: impl FnOnce(&[u8], &mut Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    if PAYLOAD_MEMO.get_into(json, out) {
        return Ok(());
    }
    let start = out.len();
    encode_into(json, out, compress)?;
    PAYLOAD_MEMO.insert(json, &out[start..]);
    Ok(())
}

/// The JSON text inside a payload segment: after a leading ".", the base64
/// decoded and inflated; else the base64 decoded (base64 as `mode` says the
/// interpreter decodes it). `None` where itsdangerous raises `BadPayload`
/// (bad base64, bad zlib stream), where the interpreter's base64 decoder
/// would warn, or when a buffer cannot grow: the caller leaves those to
/// stock code.
pub fn decode(payload: &[u8], mode: B64Mode) -> Option<Vec<u8>> {
    match payload.strip_prefix(b".") {
        Some(rest) => {
            let raw = itsdangerous_b64decode(rest, mode).ok()?;
            compress::decompress(&raw).ok()
        }
        None => itsdangerous_b64decode(payload, mode).ok(),
    }
}

/// [`decode`] through [`JSON_MEMO`]. Its entries were decoded under one
/// `mode`: whoever changes the mode clears it first.
pub fn decode_memo(payload: &[u8], mode: B64Mode) -> Option<Vec<u8>> {
    let mut json = Vec::new();
    if JSON_MEMO.get_into(payload, &mut json) {
        return Some(json);
    }
    let json = decode(payload, mode)?;
    JSON_MEMO.insert(payload, &json);
    Some(json)
}

/// Turns both memos on or off (off also forgets them).
pub fn set_memo_enabled(enabled: bool) {
    PAYLOAD_MEMO.set_enabled(enabled);
    JSON_MEMO.set_enabled(enabled);
}

/// Whether the memos are on.
pub fn memo_enabled() -> bool {
    PAYLOAD_MEMO.is_enabled()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(json: &[u8]) -> Vec<u8> {
        let mut out = b"pre".to_vec();
        encode_into(json, &mut out, compress::compress_into).expect("memory");
        assert_eq!(&out[..3], b"pre");
        out.split_off(3)
    }

    // (JSON bytes, segment) from itsdangerous 2.2.0 on CPython 3.11.7 with
    // zlib 1.2.13: `URLSafeSerializer("k", serializer=Raw).dump_payload(json)`
    // where `Raw.dumps` returns its argument unchanged. The comment is
    // `len(json) -> len(zlib.compress(json))`.
    const ENCODE_VECTORS: &[(&[u8], &[u8])] = &[
        (b"", b""),   // 0 -> 8
        (b"{}", b"e30"), // 2 -> 10
        (b"{\"a\":1}", b"eyJhIjoxfQ"), // 7 -> 15
        (
            b"{\"_permanent\":true,\"user_id\":42}",
            b"eyJfcGVybWFuZW50Ijp0cnVlLCJ1c2VyX2lkIjo0Mn0",
        ), // 32 -> 40
        (
            b"{\"k\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
            b".eJyrVspWslKqIBIo1QIA7RAU5g",
        ), // 48 -> 19
        (
            b"{\"csrf_token\":\"abababababababababababababababababababababababababababababab\",\"user\":\"\\u00e9\"}",
            b".eJyrVkouLkqLL8nPTs1TslJKTCIfKukolRanFgFNiSk1MEi1VKoFAE3dIT8",
        ), // 93 -> 44
        (
            b"{\"t\":\" b\",\"v\":\"\\u00ff\"}",
            b"eyJ0IjoiIGIiLCJ2IjoiXHUwMGZmIn0",
        ), // 23 -> 29
        (b"{\"\xc3\xa9\":\"\xe2\x98\x83\"}", b"eyLDqSI6IuKYgyJ9"), // 12 -> 20
        (b"\x00\xfb\xff\xfe>?", b"APv__j4_"),                 // 6 -> 14
        // Shorter by exactly one byte: not compressed.
        (b"daaaaaaaaaaa", b"ZGFhYWFhYWFhYWFh"), // 12 -> 11
        // Shorter by two: compressed.
        (b"}aaaaaaaaaaaa", b".eJyrTUQCACP0BQo"), // 13 -> 11
    ];

    // (segment, JSON bytes or None for `BadPayload`) from the same
    // itsdangerous: `URLSafeSerializer("k", serializer=Raw).load_payload(seg)`.
    const DECODE_VECTORS: &[(&[u8], Option<&[u8]>)] = &[
        (b".eJyrVkpUsjKsBQAIKgIJ", Some(b"{\"a\":1}")),
        // Truncated zlib stream.
        (b".eJyrVkpUsjKsBQAIKgI", None),
        // Bytes after the end of the zlib stream are ignored.
        (b".eJyrVkpUsjKsBQAIKgIJdHJhaWxpbmc", Some(b"{\"a\":1}")),
        (b".eJwDAAAAAAE", Some(b"")),
        // Compressed although not shorter: still read.
        (b".eNqrrgUAAXUA-Q", Some(b"{}")),
        (b".eJw", None),
        (b"", Some(b"")),
        (b".", None),
        (b"e30", Some(b"{}")),
        (b"e30=", Some(b"{}")),
        (b"e30==", Some(b"{}")),
        (b"e3", Some(b"{")),
        (b"e", None),
        (b"eyJhIjoxfQ", Some(b"{\"a\":1}")),
        (b"..eJyrVkpUsjKsBQAIKgIJ", Some(b"{\"a\":1}")),
        (b".e30", None),
        (b"+/8", Some(b"\xfb\xff")),
        (b"-_8", Some(b"\xfb\xff")),
        (b"e30.", None),
        (b"e 30", None),
        (b"e30!", None),
        (b"\xff", Some(b"")),
    ];

    #[test]
    fn encode_matches_itsdangerous() {
        for (json, segment) in ENCODE_VECTORS {
            assert_eq!(
                encode(json),
                *segment,
                "{:?}",
                String::from_utf8_lossy(json)
            );
        }
    }

    #[test]
    fn decode_matches_itsdangerous() {
        for (segment, json) in DECODE_VECTORS {
            assert_eq!(
                decode(segment, B64Mode::ENDS_AT_PADDING).as_deref(),
                *json,
                "{:?}",
                String::from_utf8_lossy(segment)
            );
        }
    }

    #[test]
    fn round_trip() {
        for (json, segment) in ENCODE_VECTORS {
            for mode in B64Mode::ALL {
                assert_eq!(decode(segment, mode).as_deref(), Some(*json));
            }
        }
    }

    #[test]
    fn memos_give_the_same_bytes() {
        for (json, segment) in ENCODE_VECTORS {
            for _ in 0..2 {
                let mut out = b"pre".to_vec();
                encode_memo_into(json, &mut out, compress::compress_into).expect("memory");
                assert_eq!(&out[3..], *segment);
                assert_eq!(
                    decode_memo(segment, B64Mode::ENDS_AT_PADDING).as_deref(),
                    Some(*json)
                );
            }
        }
        for (segment, json) in DECODE_VECTORS {
            assert_eq!(
                decode_memo(segment, B64Mode::ENDS_AT_PADDING).as_deref(),
                *json
            );
        }
    }

    #[test]
    fn compress_is_the_callers() {
        // A deflater's output decides the segment, and its error is returned.
        let mut out = Vec::new();
        let json = b"{\"k\":\"xxxxxxxxxxxxxxxxxxxxxxxx\"}";
        encode_into(json, &mut out, |_, c: &mut Vec<u8>| {
            c.extend_from_slice(b"z");
            Ok::<(), AllocError>(())
        })
        .expect("no error");
        assert_eq!(out, b".eg");
        let err = encode_into(json, &mut Vec::new(), |_, _| Err(AllocError));
        assert_eq!(err, Err(AllocError));
    }
}
