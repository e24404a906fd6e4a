//! `compress::decompress` (CPython's `zlib.decompress(data)`) and
//! `compress::compress_into` on arbitrary bytes.
//!
//! The oracle is CPython 3.11's `zlib_decompress_impl` loop transcribed over
//! the same system zlib (flate2's raw `Decompress`), but with a different
//! output-buffer growth pattern picked by the input: zlib's answer does not
//! depend on buffer sizes, so any difference is a bug in the crate's driver
//! loop (end-of-stream, truncation or progress detection, buffer growth).
//!
//! Input: `[mode, data...]`; `mode & 3` picks what is decompressed:
//! 0 the data as is; 1 `zlib.compress(data)` (round trip, truncations,
//! trailing garbage); 2 `zlib.compress(data)` with a few bytes flipped;
//! 3 a zlib header followed by the data as a raw deflate body.
//! `mode >> 2` picks the oracle's buffer sizes.
//!
//! The payload segment (`payload::decode`, `payload::encode_into`) is checked
//! on the same inputs against a transcription of itsdangerous's
//! `URLSafeSerializerMixin`: every input is decoded as a segment, and the
//! round trip (mode 1) also encodes the data as one.

#![no_main]

mod common;

use flask_fastsession::compress::{compress_into, decompress};
use flask_fastsession::encoding::B64Mode;
use flask_fastsession::payload;
use flate2::{Decompress, FlushDecompress, Status};
use libfuzzer_sys::fuzz_target;

/// `zlib.decompress(data)` as CPython 3.11 drives zlib (one input chunk,
/// `Z_FINISH`, inflate again while the output buffer is full, error unless
/// `Z_STREAM_END`). `None` is `zlib.error`.
fn cpython_decompress(data: &[u8], first: usize, grow: impl Fn(usize) -> usize) -> Option<Vec<u8>> {
    let mut zst = Decompress::new(true);
    let mut out: Vec<u8> = Vec::with_capacity(first);
    loop {
        if out.len() == out.capacity() {
            out.reserve_exact(grow(out.capacity()).max(1));
        }
        let consumed = zst.total_in() as usize;
        let end = match zst.decompress_vec(&data[consumed..], &mut out, FlushDecompress::Finish) {
            Err(_) => return None, // Z_DATA_ERROR, Z_NEED_DICT, ...
            Ok(Status::StreamEnd) => true,
            Ok(Status::Ok | Status::BufError) => false,
        };
        if out.len() < out.capacity() {
            // while (zst.avail_out == 0) ends; then `if (err != Z_STREAM_END)`.
            return end.then_some(out);
        }
    }
}

fn oracle(data: &[u8], sizes: u8) -> Option<Vec<u8>> {
    match sizes % 4 {
        0 => cpython_decompress(data, 1, |c| c), // doubling from one byte
        1 => cpython_decompress(data, 7, |_| 7), // seven bytes at a time
        2 => cpython_decompress(data, 16384, |c| c.min(1 << 22)), // CPython-like
        _ => cpython_decompress(data, 4096, |c| c),
    }
}

fn check(data: &[u8], sizes: u8) -> Option<Vec<u8>> {
    let got = decompress(data).ok();
    let want = oracle(data, sizes);
    assert_eq!(got, want, "decompress({data:?})");
    // The pooled (thread-local) decompressor must be fully reset: again.
    assert_eq!(decompress(data).ok(), got);
    got
}

/// `URLSafeSerializerMixin.load_payload` up to the JSON bytes: `None` is
/// `BadPayload`.
fn load_payload(segment: &[u8], sizes: u8) -> Option<Vec<u8>> {
    match segment.strip_prefix(b".") {
        Some(rest) => oracle(&common::itsdangerous_b64decode(rest)?, sizes),
        None => common::itsdangerous_b64decode(segment),
    }
}

/// `URLSafeSerializerMixin.dump_payload` from the JSON bytes on.
fn dump_payload(json: &[u8]) -> Vec<u8> {
    let compressed = compress(json);
    if compressed.len() < json.len().saturating_sub(1) {
        let mut out = b".".to_vec();
        out.extend(common::urlsafe_b64encode(&compressed));
        out
    } else {
        common::urlsafe_b64encode(json)
    }
}

fn check_payload(segment: &[u8], sizes: u8) {
    let want = load_payload(segment, sizes);
    assert_eq!(payload::decode(segment, B64Mode::ENDS_AT_PADDING), want, "payload::decode({segment:?})");
}

fn compress(data: &[u8]) -> Vec<u8> {
    let mut out = b"head".to_vec();
    compress_into(data, &mut out).expect("memory");
    assert_eq!(&out[..4], b"head");
    out.split_off(4)
}

fuzz_target!(|input: &[u8]| {
    let Some((&mode, data)) = input.split_first() else {
        assert!(decompress(b"").is_err());
        return;
    };
    let sizes = mode >> 2;
    check_payload(data, sizes);
    match mode & 3 {
        0 => {
            check(data, sizes);
        }
        1 => {
            let c = compress(data);
            assert_eq!(check(&c, sizes).as_deref(), Some(data));
            // Every proper prefix of a zlib stream is truncated.
            let cut = usize::from(sizes) * c.len() / 64;
            assert_eq!(check(&c[..cut], sizes), None);
            assert_eq!(check(&c[..c.len() - 1], sizes), None);
            // Trailing garbage after the end of the stream is ignored.
            let mut g = c.clone();
            g.extend_from_slice(data);
            g.push(0x78);
            assert_eq!(check(&g, sizes).as_deref(), Some(data));
            // The compressor is reused per thread: deterministic output.
            assert_eq!(compress(data), c);
            // The payload segment of the data, and back.
            let mut segment = b"head".to_vec();
            payload::encode_into(data, &mut segment, compress_into).expect("memory");
            assert_eq!(&segment[..4], b"head");
            let segment = segment.split_off(4);
            assert_eq!(segment, dump_payload(data));
            assert_eq!(payload::decode(&segment, B64Mode::ENDS_AT_PADDING).as_deref(), Some(data));
        }
        2 => {
            let mut c = compress(data);
            for (i, &b) in data.iter().take(4).enumerate() {
                let pos = (usize::from(b) * 7 + i * 13) % c.len();
                c[pos] ^= 1 << (b % 8);
            }
            check(&c, sizes);
        }
        _ => {
            let mut z = vec![0x78, 0x9c];
            z.extend_from_slice(data);
            check(&z, sizes);
        }
    }
});
