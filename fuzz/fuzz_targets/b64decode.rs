//! `encoding::itsdangerous_b64decode` and `encoding::a2b_base64` on arbitrary
//! bytes.
//!
//! Both functions try a fast path (the `base64` crate with a strict config)
//! and fall back to a transcription of CPython's lenient loop. Whatever path
//! is taken, the result must equal a naive transcription of CPython 3.11's
//! `binascii.a2b_base64(strict_mode=False)` (`common::`). Also checks the
//! encoders round-trip and `int_to_bytes` / `bytes_to_int`.
//!
//! Input: the bytes to decode. Byte 0 also picks an extra transformation for
//! a second, derived input (so padding and alphabet variants get exercised
//! even from a corpus of clean cookie segments).

#![no_main]

mod common;

use flask_fastsession::encoding::{
    a2b_base64, bytes_to_int, int_to_bytes, int_to_bytes_slice, itsdangerous_b64decode,
    standard_b64encode, urlsafe_b64encode_into, B64Mode,
};

/// The rules `common::` transcribes (CPython 3.11 to 3.13); the other modes
/// are pinned by the unit tests in `src/encoding.rs`.
const MODE: B64Mode = B64Mode::ENDS_AT_PADDING;
use libfuzzer_sys::fuzz_target;

fn check_decoders(input: &[u8]) {
    let fast = itsdangerous_b64decode(input, MODE).ok();
    let slow = common::itsdangerous_b64decode(input);
    assert_eq!(fast, slow, "itsdangerous_b64decode({input:?})");

    let fast = a2b_base64(input, MODE.padding).ok();
    let slow = common::a2b_base64(input);
    assert_eq!(fast, slow, "a2b_base64({input:?})");
}

fuzz_target!(|data: &[u8]| {
    check_decoders(data);

    // Derived input: the same bytes with padding / alphabet changes.
    if let Some((&mode, rest)) = data.split_first() {
        let mut v = rest.to_vec();
        match mode % 6 {
            0 => v.extend(std::iter::repeat(b'=').take(usize::from(mode >> 3) % 5)),
            1 => v.iter_mut().for_each(|c| {
                *c = match *c {
                    b'-' => b'+',
                    b'_' => b'/',
                    x => x,
                }
            }),
            2 => {
                let at = usize::from(mode) % (v.len() + 1);
                v.insert(at, b'=');
            }
            3 => {
                let at = usize::from(mode) % (v.len() + 1);
                v.insert(at, [b'\n', b' ', 0xff, b'.', b'!', 0][usize::from(mode >> 3) % 6]);
            }
            4 => v.truncate(v.len().saturating_sub(1 + usize::from(mode >> 6))),
            _ => v.retain(|&c| c != b'='),
        }
        check_decoders(&v);
    }

    // Encoders round-trip, and the URL-safe one equals the hand-written one.
    let mut enc = b"x.".to_vec();
    urlsafe_b64encode_into(data, &mut enc).expect("memory");
    assert_eq!(&enc[..2], b"x.");
    assert_eq!(&enc[2..], &common::urlsafe_b64encode(data)[..]);
    assert_eq!(itsdangerous_b64decode(&enc[2..], MODE).ok().as_deref(), Some(data));
    let std_enc = standard_b64encode(data);
    assert_eq!(std_enc.len() % 4, 0);
    assert_eq!(a2b_base64(std_enc.as_bytes(), MODE.padding).ok().as_deref(), Some(data));

    // Timestamps: bytes_to_int on every prefix of up to 9 bytes.
    for n in 0..=data.len().min(9) {
        let b = &data[..n];
        assert_eq!(bytes_to_int(b), common::bytes_to_int(b));
        if let Some(v) = bytes_to_int(b) {
            let enc = int_to_bytes(v);
            let slice = int_to_bytes_slice(&enc);
            assert_eq!(slice, &common::int_to_bytes(v)[..]);
            assert_eq!(bytes_to_int(slice), Some(v));
        }
    }
});
