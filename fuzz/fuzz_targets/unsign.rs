//! `signing::Keys::unsign` (itsdangerous' `TimestampSigner.unsign` with
//! Flask's parameters) on arbitrary cookies.
//!
//! Input: `[keys_and_max_age, now, cookie...]`.
//! * byte 0, low 3 bits: which key list (see `KEY_SETS`); high bits: max_age.
//! * byte 1: the clock (see `NOWS`).
//! * the rest: the signed value, as bytes.
//!
//! Checks: no panic; the outcome (variant AND every field) equals a naive
//! transcription of itsdangerous's `Signer.unsign` + `TimestampSigner.unsign`
//! (`common::`); and `sign_into` round-trips through `unsign`, and agrees with
//! the reference signature.

#![no_main]

mod common;

use std::sync::OnceLock;

use flask_fastsession::encoding::B64Mode;
use flask_fastsession::signing::{Keys, UnsignError, Unsigned};
use libfuzzer_sys::fuzz_target;

/// The time the seed corpus was signed at (fuzz/make_corpus.py `NOW`).
const T0: i64 = 1_700_000_000;
/// The base64 rules `common::` transcribes (CPython 3.11 to 3.13).
const MODE: B64Mode = B64Mode::ENDS_AT_PADDING;

const KEY_SETS: [&[&[u8]]; 8] = [
    // make_corpus.py's keys: SECRET_KEY_FALLBACKS then SECRET_KEY.
    &[b"old-secret", b"current secret key"],
    &[b"current secret key"],
    &[b"old-secret"],
    &[b"unrelated"],
    &[b""],
    // Longer than the SHA-1 block (hashed first by HMAC).
    &[&[0x5a; 65], b"current secret key", &[0xff; 200]],
    // str keys with non-ASCII characters are UTF-8 encoded by want_bytes.
    &["cl\u{e9} \u{1f511}".as_bytes(), b"old-secret"],
    &[b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"current secret key"],
];

const MAX_AGES: [Option<i64>; 8] = [
    None,
    Some(0),
    Some(100),
    Some(-1),
    Some(i64::MAX),
    Some(i64::MIN),
    Some(2_678_400), // Flask's default: 31 days
    Some(1),
];

fn now_for(b: u8) -> i64 {
    match b {
        0 => 0,
        1 => i64::MIN,
        2 => i64::MAX,
        3 => -1,
        4 => u32::MAX as i64,
        5 => 253_402_300_799, // datetime.max as a timestamp
        // Around the signing time, -100..=+149 seconds.
        _ => T0 + i64::from(b) - 106,
    }
}

/// Per key set: the crate's `Keys` and the reference's derived keys, built once
/// (the derivation itself is checked by `sign_into` against `common::signature`).
fn key_set(i: usize) -> &'static (Keys, Vec<Vec<u8>>) {
    static SETS: OnceLock<Vec<(Keys, Vec<Vec<u8>>)>> = OnceLock::new();
    &SETS.get_or_init(|| {
        KEY_SETS
            .iter()
            .map(|set| {
                let keys = Keys::new(set).expect("non-empty key list");
                assert_eq!(keys.len(), set.len());
                (keys, set.iter().map(|k| common::derive_key(k)).collect())
            })
            .collect()
    })[i]
}

/// What itsdangerous does, as data (same shape as `UnsignError` / `Unsigned`).
/// `derived`: the derived keys, oldest first.
fn reference<'a>(
    derived: &[Vec<u8>],
    signed: &'a [u8],
    max_age: Option<i64>,
    now: i64,
) -> Result<Unsigned<'a>, UnsignError<'a>> {
    // Signer.unsign
    let Some((value, sig)) = common::rsplit_dot(signed) else {
        return Err(UnsignError::NoSeparator);
    };
    let sig_ok = match common::itsdangerous_b64decode(sig) {
        None => false,
        Some(sig) => derived
            .iter()
            .rev()
            .any(|k| common::hmac_sha1(k, value) == sig),
    };
    // TimestampSigner.unsign: `result = value` either way (e.payload).
    let Some((payload, ts)) = common::rsplit_dot(value) else {
        return Err(if sig_ok {
            UnsignError::TimestampMissing { value }
        } else {
            UnsignError::BadSignature { value, sig }
        });
    };
    let ts_int = common::itsdangerous_b64decode(ts).and_then(|b| common::bytes_to_int(&b));
    if !sig_ok {
        return Err(UnsignError::BadTimeSignature {
            payload,
            sig,
            timestamp: ts_int,
        });
    }
    let Some(ts_int) = ts_int else {
        return Err(UnsignError::MalformedTimestamp { payload });
    };
    if let Some(max_age) = max_age {
        let age = i128::from(now) - i128::from(ts_int);
        if age > i128::from(max_age) || age < 0 {
            return Err(UnsignError::Expired {
                payload,
                timestamp: ts_int,
                age,
                max_age,
            });
        }
    }
    Ok(Unsigned {
        payload,
        timestamp: ts_int,
    })
}

fuzz_target!(|data: &[u8]| {
    let (&c0, rest) = data.split_first().unwrap_or((&0, &[]));
    let (&c1, cookie) = rest.split_first().unwrap_or((&200, &[]));
    let (keys, derived) = key_set(usize::from(c0 & 7));
    let secrets = KEY_SETS[usize::from(c0 & 7)];
    let max_age = MAX_AGES[usize::from((c0 >> 3) & 7)];
    let now = now_for(c1);

    // 1. Arbitrary input: same verdict, same data as itsdangerous.
    let got = keys.unsign(cookie, max_age, now, MODE);
    let want = reference(derived, cookie, max_age, now);
    assert_eq!(got, want, "cookie {:?}", String::from_utf8_lossy(cookie));
    if let Ok(u) = got {
        // The payload is a prefix of the cookie, followed by ".".
        assert!(cookie.starts_with(u.payload));
        assert_eq!(cookie.get(u.payload.len()), Some(&b'.'));
    }

    // 2. Sign the input as a payload (timestamp from the clock byte) and
    //    unsign it back, with every max_age.
    let ts = now_for(c1).unsigned_abs();
    let mut out = b"prefix".to_vec();
    keys.sign_into(cookie, ts, &mut out).expect("memory");
    assert!(out.starts_with(b"prefix"));
    let signed = &out[6..];
    // The reference signature, computed from scratch with the current key.
    let mut expect = cookie.to_vec();
    expect.push(b'.');
    expect.extend(common::urlsafe_b64encode(&common::int_to_bytes(ts)));
    let sig = common::signature(secrets[secrets.len() - 1], &expect);
    expect.push(b'.');
    expect.extend(common::urlsafe_b64encode(&sig));
    assert_eq!(signed, &expect[..]);
    assert_eq!(
        keys.unsign(signed, None, now, MODE),
        Ok(Unsigned {
            payload: cookie,
            timestamp: ts
        })
    );
    let other = MAX_AGES[usize::from(c1 & 7)];
    for max_age in [max_age, other] {
        assert_eq!(
            keys.unsign(signed, max_age, now, MODE),
            reference(derived, signed, max_age, now)
        );
    }
    // Every key set holding the signing key as any of its keys accepts it.
    let (value, sig) = common::rsplit_dot(signed).expect("dot");
    for (i, set) in KEY_SETS.iter().enumerate() {
        let signer = secrets[secrets.len() - 1];
        assert_eq!(key_set(i).0.verify_signature(value, sig, MODE), Ok(set.contains(&signer)));
    }
});
