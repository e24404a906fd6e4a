//! itsdangerous' `TimestampSigner` with Flask's session parameters.
//!
//! Flask's `SecureCookieSessionInterface` builds a `URLSafeTimedSerializer`
//! with `salt=b"cookie-session"`, `key_derivation="hmac"` and
//! `digest_method=hashlib.sha1`, so:
//!
//! ```text
//! derived = HMAC-SHA1(secret_key, b"cookie-session").digest()
//! signed  = value "." b64(int_to_bytes(ts)) "." b64(HMAC-SHA1(derived, value "." b64(ts)))
//! ```
//!
//! [`Keys::unsign`] reproduces the control flow of `Signer.unsign` followed by
//! `TimestampSigner.unsign` exactly and reports the outcome as data
//! ([`UnsignError`]); turning it into itsdangerous exceptions is the caller's job.

use core::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use zeroize::Zeroize;

use crate::buf::{self, AllocError};
use crate::encoding::{
    bytes_to_int, int_to_bytes, int_to_bytes_slice, itsdangerous_b64decode_small,
    urlsafe_b64encode_into, B64Mode, Deferred,
};

/// Flask's session salt.
pub const SALT: &[u8] = b"cookie-session";

/// itsdangerous' separator.
pub const SEP: u8 = b'.';

type HmacSha1 = Hmac<Sha1>;

/// Bytes of an HMAC-SHA1 signature.
const SIG_LEN: usize = 20;

/// The signing keys of one Flask app: one precomputed, keyed HMAC-SHA1 state
/// per secret key of itsdangerous's list (oldest first, current last).
///
/// Only the keyed HMAC states are kept (the derived key bytes are wiped right
/// after use). Those states hold the SHA-1 midstates of `derived ^ ipad` and
/// `derived ^ opad`, which are as sensitive as the key: they are wiped on drop
/// only when the `zeroize` features of `sha1` (which clears the SHA-1 cores)
/// and `hmac` (which clears the block buffers) are enabled in Cargo.toml;
/// without them, the `hmac`/`sha1` types offer no way to clear them.
///
/// Never empty: the signing key is a field of its own.
#[derive(Clone)]
pub struct Keys {
    /// The current key: it signs, and is tried first when verifying.
    current: HmacSha1,
    /// The older keys, oldest first.
    older: Vec<HmacSha1>,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys")
            .field("count", &self.len())
            .finish_non_exhaustive()
    }
}

/// A successfully verified and unexpired signed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsigned<'a> {
    /// The payload (everything before the timestamp).
    pub payload: &'a [u8],
    /// The signing time, in seconds since the Unix epoch.
    pub timestamp: u64,
}

/// Why [`Keys::unsign`] rejected a value, with the data stock itsdangerous
/// attaches to the exception it raises in that case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsignError<'a> {
    /// No `.` at all: `BadSignature("No b'.' found in value")`, no payload.
    NoSeparator,
    /// Signature mismatch and no `.` in the signed part: stock re-raises the
    /// `Signer`'s `BadSignature(f"Signature {sig!r} does not match",
    /// payload=value)`.
    BadSignature {
        /// Everything before the last `.`.
        value: &'a [u8],
        /// The raw (undecoded) signature after the last `.`.
        sig: &'a [u8],
    },
    /// Signature mismatch: `BadTimeSignature(f"Signature {sig!r} does not
    /// match", payload=payload, date_signed=...)`. `timestamp` is
    /// `bytes_to_int(base64_decode(ts))`, `None` when that fails (stock then
    /// has `date_signed=None`; note that stock raises `BadTimeSignature(
    /// "Malformed timestamp")` instead when the timestamp decodes but is
    /// outside `datetime`'s range).
    BadTimeSignature {
        /// The signed value before its timestamp.
        payload: &'a [u8],
        /// The raw (undecoded) signature.
        sig: &'a [u8],
        /// The decoded timestamp, if it decodes.
        timestamp: Option<u64>,
    },
    /// Valid signature, but no `.` before it:
    /// `BadTimeSignature("timestamp missing", payload=value)`.
    TimestampMissing {
        /// Everything before the signature.
        value: &'a [u8],
    },
    /// Valid signature, timestamp not decodable (bad base64 or more than 8
    /// bytes): `BadTimeSignature("Malformed timestamp", payload=payload)`.
    MalformedTimestamp {
        /// The signed value before its timestamp.
        payload: &'a [u8],
    },
    /// Valid signature, `age > max_age` or `age < 0` (checked in that order):
    /// `SignatureExpired(f"Signature age {age} > {max_age} seconds")` or
    /// `SignatureExpired(f"Signature age {age} < 0 seconds")`.
    Expired {
        /// The signed value before its timestamp.
        payload: &'a [u8],
        /// The decoded timestamp.
        timestamp: u64,
        /// `now - timestamp`.
        age: i128,
        /// The `max_age` that was checked.
        max_age: i64,
    },
    /// Stock decodes a segment (the signature, or the timestamp) on which
    /// the interpreter's base64 decoder warns ([`B64Mode`]): stock code must
    /// answer the whole call.
    Deferred,
}

impl Keys {
    /// Builds the keys from itsdangerous' `secret_keys` list: oldest first,
    /// current key LAST. Returns `None` for an empty list.
    pub fn new(secret_keys: &[&[u8]]) -> Option<Keys> {
        let (current, older) = secret_keys.split_last()?;
        Some(Keys {
            current: keyed_mac(current)?,
            older: older
                .iter()
                .map(|secret| keyed_mac(secret))
                .collect::<Option<Vec<_>>>()?,
        })
    }

    /// Number of keys (at least one).
    #[allow(clippy::len_without_is_empty)] // never empty by construction
    pub fn len(&self) -> usize {
        self.older.len() + 1
    }

    /// The keys newest first, the order `verify_signature` tries them in.
    fn newest_first(&self) -> impl Iterator<Item = &HmacSha1> {
        core::iter::once(&self.current).chain(self.older.iter().rev())
    }

    /// `TimestampSigner.sign`: appends `payload "." b64(ts) "." b64(sig)` to
    /// `out`, signed with the current (last) key.
    ///
    /// # Errors
    ///
    /// [`AllocError`] when `out` cannot grow.
    pub fn sign_into(
        &self,
        payload: &[u8],
        timestamp: u64,
        out: &mut Vec<u8>,
    ) -> Result<(), AllocError> {
        let start = out.len();
        // Timestamp: at most 8 bytes, 11 in base64; signature: 27.
        buf::reserve(out, payload.len() + 1 + 11 + 1 + 27)?;
        out.extend_from_slice(payload);
        out.push(SEP);
        let ts = int_to_bytes(timestamp);
        urlsafe_b64encode_into(int_to_bytes_slice(&ts), out)?;
        let mut mac = self.current.clone();
        mac.update(&out[start..]);
        let tag = mac.finalize().into_bytes();
        out.push(SEP);
        urlsafe_b64encode_into(&tag, out)
    }

    /// `Signer.verify_signature`: decodes `sig` leniently (as `mode` says the
    /// interpreter does) and compares it in constant time with the HMAC of
    /// `value` under each key, newest first. A `sig` that decodes to anything
    /// but 20 bytes matches no key; it is decoded without allocating, however
    /// long it is.
    ///
    /// # Errors
    ///
    /// [`Deferred`] where the interpreter's decoder would warn on `sig`.
    pub fn verify_signature(
        &self,
        value: &[u8],
        sig: &[u8],
        mode: B64Mode,
    ) -> Result<bool, Deferred> {
        let Some((sig, len)) = itsdangerous_b64decode_small::<SIG_LEN>(sig, mode)? else {
            return Ok(false);
        };
        let sig = &sig[..len];
        Ok(self.newest_first().any(|keyed| {
            let mut mac = keyed.clone();
            mac.update(value);
            mac.verify_slice(sig).is_ok()
        }))
    }

    /// `TimestampSigner.unsign(signed, max_age)` with `get_timestamp() == now`.
    ///
    /// Follows stock's control flow: split at the last `.`; verify the
    /// signature; split the value at its last `.`; decode the timestamp; then
    /// check `age = now - ts` against `max_age` (`age > max_age` first, then
    /// `age < 0`). Base64 is decoded as `mode` says the interpreter's
    /// `base64.urlsafe_b64decode` does.
    pub fn unsign<'a>(
        &self,
        signed: &'a [u8],
        max_age: Option<i64>,
        now: i64,
        mode: B64Mode,
    ) -> Result<Unsigned<'a>, UnsignError<'a>> {
        let Some((value, sig)) = rsplit_sep(signed) else {
            return Err(UnsignError::NoSeparator);
        };
        let sig_ok = self
            .verify_signature(value, sig, mode)
            .map_err(|Deferred| UnsignError::Deferred)?;
        let Some((payload, ts_bytes)) = rsplit_sep(value) else {
            return Err(if sig_ok {
                UnsignError::TimestampMissing { value }
            } else {
                UnsignError::BadSignature { value, sig }
            });
        };
        let timestamp =
            decode_timestamp(ts_bytes, mode).map_err(|Deferred| UnsignError::Deferred)?;
        if !sig_ok {
            return Err(UnsignError::BadTimeSignature {
                payload,
                sig,
                timestamp,
            });
        }
        let Some(timestamp) = timestamp else {
            return Err(UnsignError::MalformedTimestamp { payload });
        };
        if let Some(max_age) = max_age {
            let age = i128::from(now) - i128::from(timestamp);
            if age > i128::from(max_age) || age < 0 {
                return Err(UnsignError::Expired {
                    payload,
                    timestamp,
                    age,
                    max_age,
                });
            }
        }
        Ok(Unsigned { payload, timestamp })
    }
}

/// The keyed HMAC state for one secret key: `HMAC-SHA1(derived, ...)` with
/// `derived = HMAC-SHA1(secret, SALT)` (itsdangerous' "hmac" derivation).
fn keyed_mac(secret: &[u8]) -> Option<HmacSha1> {
    let mut derive = HmacSha1::new_from_slice(secret).ok()?;
    derive.update(SALT);
    let mut derived = derive.finalize().into_bytes();
    let keyed = HmacSha1::new_from_slice(&derived).ok();
    derived.as_mut_slice().zeroize();
    keyed
}

/// `bytes.rsplit(b".", 1)` when the separator is present.
fn rsplit_sep(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let pos = s.iter().rposition(|&c| c == SEP)?;
    Some((s.get(..pos)?, s.get(pos + 1..)?))
}

/// `bytes_to_int(base64_decode(ts))`, `None` where stock's `except Exception`
/// swallows the error (more than 8 bytes is `struct.error` there);
/// [`Deferred`] where the interpreter's decoder would warn.
fn decode_timestamp(ts: &[u8], mode: B64Mode) -> Result<Option<u64>, Deferred> {
    Ok(itsdangerous_b64decode_small::<8>(ts, mode)?
        .and_then(|(raw, len)| bytes_to_int(&raw[..len])))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vectors come from CPython 3.11 (3.13 decodes alike).
    const MODE: B64Mode = B64Mode::ENDS_AT_PADDING;

    // Vectors produced by itsdangerous 2.2.0 on CPython 3.11.7:
    //
    //   s = URLSafeTimedSerializer(keys, salt="cookie-session",
    //         signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1})
    //   signer = s.make_signer()
    //   signer.get_timestamp = lambda: TS
    //   signer.sign(payload)
    const TS: u64 = 1_700_000_000;
    const OLD: &[u8] = b"old-secret";
    const CUR: &[u8] = b"current secret key";
    /// (payload, timestamp, signed with keys [OLD, CUR]).
    const SIGN_VECTORS: &[(&[u8], u64, &[u8])] = &[
        (b"", 1700000000, b".ZVPxAA.FjxgVrmg7IQUiG06QbgCqH8F5zQ"),
        (b"eyJhIjoxfQ", 1700000000, b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7KkNzHQ2A"),
        (b".eJyrVkrOzwMAA2EBKg", 1700000000, b".eJyrVkrOzwMAA2EBKg.ZVPxAA.VMkAhImHeo--al-Mvb4sgW1q3YU"),
        (b"\xff\x00.x", 1700000000, b"\xff\x00.x.ZVPxAA.4tJ0e4tZTmf8FY1w6mYMHLmUXHQ"),
        (b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 1700000000, b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.ZVPxAA.qIq4J0vKxf76739vKaLc4by6DBo"),
        (b"a", 0, b"a..xXmhVrzIZAsnAZRruvf-uhQbjiw"),
        (b"a", 1, b"a.AQ.3gQvUFTaKkFyjz0uNuo6jv9xP-I"),
        (b"a", 255, b"a._w.w3pjLZ1fMphpfygIF19ZCfQpzNQ"),
        (b"a", 256, b"a.AQA.vsRnVIdH8LpVIkJQBKclJMilrMA"),
        (b"a", 4294967296, b"a.AQAAAAA.uAgkyBWjSv5f1P1Tdtww3sd717w"),
        (b"a", 18446744073709551615, b"a.__________8.aFehonRk5fQTEWRX0ajv9zJhFLE"),
    ];

    /// (signed, max_age, now, expected)
    type UnsignCase = (
        &'static [u8],
        Option<i64>,
        i64,
        Result<Unsigned<'static>, UnsignError<'static>>,
    );

    fn unsign_vectors() -> Vec<UnsignCase> {
        vec![
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7KkNzHQ2A",
                None,
                1700000000,
                Ok(Unsigned {
                    payload: b"eyJhIjoxfQ",
                    timestamp: 1700000000,
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7KkNzHQ2A",
                Some(100),
                1700000100,
                Ok(Unsigned {
                    payload: b"eyJhIjoxfQ",
                    timestamp: 1700000000,
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7KkNzHQ2A",
                Some(100),
                1700000101,
                Err(UnsignError::Expired {
                    payload: b"eyJhIjoxfQ",
                    timestamp: 1700000000,
                    age: 101,
                    max_age: 100,
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7KkNzHQ2A",
                Some(0),
                1700000000,
                Ok(Unsigned {
                    payload: b"eyJhIjoxfQ",
                    timestamp: 1700000000,
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7KkNzHQ2A",
                Some(0),
                1699999999,
                Err(UnsignError::Expired {
                    payload: b"eyJhIjoxfQ",
                    timestamp: 1700000000,
                    age: -1,
                    max_age: 0,
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7KkNzHQ2A",
                Some(-1),
                1700000000,
                Err(UnsignError::Expired {
                    payload: b"eyJhIjoxfQ",
                    timestamp: 1700000000,
                    age: 0,
                    max_age: -1,
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7KkNzHQ2A",
                Some(10),
                1699999995,
                Err(UnsignError::Expired {
                    payload: b"eyJhIjoxfQ",
                    timestamp: 1700000000,
                    age: -5,
                    max_age: 10,
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.v5iXazXhBfQ_vUjMhYbkKiIpi4s",
                None,
                1700000000,
                Ok(Unsigned {
                    payload: b"eyJhIjoxfQ",
                    timestamp: 1700000000,
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.Ec6S6uTljfgZgoE-eYLLekywRuc",
                None,
                1700000000,
                Err(UnsignError::BadTimeSignature {
                    payload: b"eyJhIjoxfQ",
                    sig: b"Ec6S6uTljfgZgoE-eYLLekywRuc",
                    timestamp: Some(1700000000),
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.Ec6S6uTljfgZgoE-eYLLekywRuc",
                Some(5),
                1700000050,
                Err(UnsignError::BadTimeSignature {
                    payload: b"eyJhIjoxfQ",
                    sig: b"Ec6S6uTljfgZgoE-eYLLekywRuc",
                    timestamp: Some(1700000000),
                }),
            ),
            (
                b"no separator",
                None,
                1700000000,
                Err(UnsignError::NoSeparator),
            ),
            (b"", None, 1700000000, Err(UnsignError::NoSeparator)),
            (
                b"abc.sig",
                None,
                1700000000,
                Err(UnsignError::BadSignature {
                    value: b"abc",
                    sig: b"sig",
                }),
            ),
            (
                b".sig",
                None,
                1700000000,
                Err(UnsignError::BadSignature {
                    value: b"",
                    sig: b"sig",
                }),
            ),
            (
                b".",
                None,
                1700000000,
                Err(UnsignError::BadSignature {
                    value: b"",
                    sig: b"",
                }),
            ),
            (
                b"..",
                None,
                1700000000,
                Err(UnsignError::BadTimeSignature {
                    payload: b"",
                    sig: b"",
                    timestamp: Some(0),
                }),
            ),
            (
                b"...",
                None,
                1700000000,
                Err(UnsignError::BadTimeSignature {
                    payload: b".",
                    sig: b"",
                    timestamp: Some(0),
                }),
            ),
            (
                b"abc.qYimmbpMHsQ5sQZS4rWS-znldW0",
                None,
                1700000000,
                Err(UnsignError::TimestampMissing { value: b"abc" }),
            ),
            (
                b".cE9zxdVO3bdf3U4Zqg8zgVINDR8",
                None,
                1700000000,
                Err(UnsignError::TimestampMissing { value: b"" }),
            ),
            (
                b"payload.!!!.-9278eWUlYHXEwPS8UDfcsZ5Z-s",
                None,
                1700000000,
                Ok(Unsigned {
                    payload: b"payload",
                    timestamp: 0,
                }),
            ),
            (
                b"payload.!!!.-9278eWUlYHXEwPS8UDfcsZ5Z-s",
                Some(10),
                1700000000,
                Err(UnsignError::Expired {
                    payload: b"payload",
                    timestamp: 0,
                    age: 1700000000,
                    max_age: 10,
                }),
            ),
            (
                b"payload..WI5WyLQWLVpUv4ecW6lfSl0VMCE",
                None,
                1700000000,
                Ok(Unsigned {
                    payload: b"payload",
                    timestamp: 0,
                }),
            ),
            (
                b"payload.Z.2aJhn7N2D4JvlLPecwVgX0kQVbg",
                None,
                1700000000,
                Err(UnsignError::MalformedTimestamp {
                    payload: b"payload",
                }),
            ),
            (
                b"payload.AAAAAAAAAAAA.mMpRn8oiqOHPIe33mgUtChJm9GE",
                None,
                1700000000,
                Err(UnsignError::MalformedTimestamp {
                    payload: b"payload",
                }),
            ),
            (
                b"payload.AAAAAAAAAAA.mSQMDuwV1W5IzTgpCckonRQiE00",
                None,
                1700000000,
                Ok(Unsigned {
                    payload: b"payload",
                    timestamp: 0,
                }),
            ),
            (
                b"payload.__________8.HPUpjlEtrn5tTGcHt_k2_bSgvnw",
                None,
                1700000000,
                /* stock: OverflowError */
                Ok(Unsigned {
                    payload: b"payload",
                    timestamp: 18446744073709551615,
                }),
            ),
            (
                b"payload.Z.badsig",
                None,
                1700000000,
                Err(UnsignError::BadTimeSignature {
                    payload: b"payload",
                    sig: b"badsig",
                    timestamp: None,
                }),
            ),
            (
                b"payload.AAAAAAAAAAAA.badsig",
                None,
                1700000000,
                Err(UnsignError::BadTimeSignature {
                    payload: b"payload",
                    sig: b"badsig",
                    timestamp: None,
                }),
            ),
            (
                b"payload.ZVPxAA.",
                None,
                1700000000,
                Err(UnsignError::BadTimeSignature {
                    payload: b"payload",
                    sig: b"",
                    timestamp: Some(1700000000),
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7KkNzHQ2A=",
                None,
                1700000000,
                Ok(Unsigned {
                    payload: b"eyJhIjoxfQ",
                    timestamp: 1700000000,
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7KkNzHQ2A==",
                None,
                1700000000,
                Ok(Unsigned {
                    payload: b"eyJhIjoxfQ",
                    timestamp: 1700000000,
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7KkNzHQ2A!",
                None,
                1700000000,
                Err(UnsignError::BadTimeSignature {
                    payload: b"eyJhIjoxfQ",
                    sig: b"OVrZDrZFgEtaNM0D4X7KkNzHQ2A!",
                    timestamp: Some(1700000000),
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7KkNzHQ2A!!",
                None,
                1700000000,
                Ok(Unsigned {
                    payload: b"eyJhIjoxfQ",
                    timestamp: 1700000000,
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZD\x0arZFgEtaNM0D4X7KkNzHQ2A ",
                None,
                1700000000,
                Ok(Unsigned {
                    payload: b"eyJhIjoxfQ",
                    timestamp: 1700000000,
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7KkNzHQ2A",
                None,
                1700000000,
                Ok(Unsigned {
                    payload: b"eyJhIjoxfQ",
                    timestamp: 1700000000,
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7KkNzHQ2",
                None,
                1700000000,
                Err(UnsignError::BadTimeSignature {
                    payload: b"eyJhIjoxfQ",
                    sig: b"OVrZDrZFgEtaNM0D4X7KkNzHQ2",
                    timestamp: Some(1700000000),
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7KkNzHQ2AA",
                None,
                1700000000,
                Err(UnsignError::BadTimeSignature {
                    payload: b"eyJhIjoxfQ",
                    sig: b"OVrZDrZFgEtaNM0D4X7KkNzHQ2AA",
                    timestamp: Some(1700000000),
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7KkNzHQ2AAAAA",
                None,
                1700000000,
                Err(UnsignError::BadTimeSignature {
                    payload: b"eyJhIjoxfQ",
                    sig: b"OVrZDrZFgEtaNM0D4X7KkNzHQ2AAAAA",
                    timestamp: Some(1700000000),
                }),
            ),
            (
                b"eyJhIjoxfQ.ZVPxAA.OVrZDrZFgEtaNM0D4X7K==kNzHQ2A",
                None,
                1700000000,
                Ok(Unsigned {
                    payload: b"eyJhIjoxfQ",
                    timestamp: 1700000000,
                }),
            ),
            (
                b".eJyrVkrOzwMAA2EBKg.ZVPxAA.VMkAhImHeo--al-Mvb4sgW1q3YU",
                Some(3600),
                1700003600,
                Ok(Unsigned {
                    payload: b".eJyrVkrOzwMAA2EBKg",
                    timestamp: 1700000000,
                }),
            ),
            (
                b"a.b.c.ZVPxAA.hPQRGip93x8ecQHYKTldsSb3R88",
                None,
                1700000000,
                Ok(Unsigned {
                    payload: b"a.b.c",
                    timestamp: 1700000000,
                }),
            ),
            (
                b"payload.__________8.HPUpjlEtrn5tTGcHt_k2_bSgvnw",
                Some(100),
                1700000000,
                /* stock: OverflowError */
                Err(UnsignError::Expired {
                    payload: b"payload",
                    timestamp: 18446744073709551615,
                    age: -18446744072009551615,
                    max_age: 100,
                }),
            ),
            (
                b"payload.__________8.badsig",
                None,
                1700000000,
                /* stock: BadTimeSignature("Malformed timestamp") (date out of range) */
                Err(UnsignError::BadTimeSignature {
                    payload: b"payload",
                    sig: b"badsig",
                    timestamp: Some(18446744073709551615),
                }),
            ),
            (
                b"payload.AAAAAAAAAA8.badsig",
                None,
                1700000000,
                Err(UnsignError::BadTimeSignature {
                    payload: b"payload",
                    sig: b"badsig",
                    timestamp: Some(15),
                }),
            ),
            (
                b"payload.Zg.jkZAcPxyac8MZ92DyU9ZOmEDZ40",
                None,
                1700000000,
                Ok(Unsigned {
                    payload: b"payload",
                    timestamp: 102,
                }),
            ),
            (
                b"payload.Zg=x.qOi03hkHZGGKV9XqVcl0zJCd3BY",
                None,
                1700000000,
                Err(UnsignError::MalformedTimestamp {
                    payload: b"payload",
                }),
            ),
        ]
    }

    fn keys() -> Keys {
        Keys::new(&[OLD, CUR]).unwrap()
    }

    #[test]
    fn empty_key_list_is_rejected() {
        assert!(Keys::new(&[]).is_none());
    }

    #[test]
    fn keys_are_send_sync_and_debug_hides_material() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Keys>();
        let dbg = format!("{:?}", keys());
        assert_eq!(dbg, "Keys { count: 2, .. }");
    }

    #[test]
    fn sign_matches_itsdangerous() {
        let k = keys();
        for (payload, ts, expected) in SIGN_VECTORS {
            let mut out = b"x".to_vec();
            k.sign_into(payload, *ts, &mut out).unwrap();
            assert_eq!(&out[1..], *expected);
            // Whatever was signed verifies and round-trips.
            let got = k.unsign(expected, None, 0, MODE).unwrap();
            assert_eq!((got.payload, got.timestamp), (*payload, *ts));
        }
    }

    #[test]
    fn unsign_matches_itsdangerous() {
        let k = keys();
        for (signed, max_age, now, expected) in unsign_vectors() {
            assert_eq!(
                k.unsign(signed, max_age, now, MODE),
                expected,
                "{:?} max_age={max_age:?} now={now}",
                String::from_utf8_lossy(signed)
            );
        }
    }

    #[test]
    fn key_rotation() {
        let old_only = Keys::new(&[OLD]).unwrap();
        let rotated = keys();
        let new_only = Keys::new(&[CUR]).unwrap();
        let mut by_old = Vec::new();
        old_only.sign_into(b"payload", TS, &mut by_old).unwrap();
        // A cookie signed by a fallback key still verifies...
        assert!(rotated.unsign(&by_old, Some(10), TS as i64, MODE).is_ok());
        // ...but not once the fallback is dropped.
        assert!(matches!(
            new_only.unsign(&by_old, None, 0, MODE),
            Err(UnsignError::BadTimeSignature { .. })
        ));
        // Signing always uses the current (last) key.
        let (mut a, mut b) = (Vec::new(), Vec::new());
        rotated.sign_into(b"payload", TS, &mut a).unwrap();
        new_only.sign_into(b"payload", TS, &mut b).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, by_old);
        // Order matters: [CUR, OLD] signs with OLD.
        let reversed = Keys::new(&[CUR, OLD]).unwrap();
        let mut c = Vec::new();
        reversed.sign_into(b"payload", TS, &mut c).unwrap();
        assert_eq!(c, by_old);
    }

    #[test]
    fn signature_tampering_is_rejected() {
        let k = keys();
        let mut signed = Vec::new();
        k.sign_into(b"eyJhIjoxfQ", TS, &mut signed).unwrap();
        for i in 0..signed.len() {
            let mut t = signed.clone();
            t[i] ^= 0x01;
            let r = k.unsign(&t, None, TS as i64, MODE);
            // Flipping a bit in the last signature char may leave the decoded
            // bytes unchanged (unused low bits), which stock accepts too.
            if r.is_ok() {
                assert_eq!(i, signed.len() - 1);
            }
        }
    }

    #[test]
    fn unsign_never_panics_on_junk() {
        let k = keys();
        let samples: &[&[u8]] = &[
            b"",
            b".",
            b"..",
            b"...",
            b"\xff.\xff.\xff",
            b"=.=.=",
            b"a.====.b",
        ];
        for s in samples {
            for mode in B64Mode::ALL {
                let _ = k.unsign(s, Some(i64::MIN), i64::MAX, mode);
                let _ = k.unsign(s, Some(i64::MAX), i64::MIN, mode);
            }
        }
    }

    fn signed(payload: &[u8], ts: u64) -> Vec<u8> {
        let mut out = Vec::new();
        keys().sign_into(payload, ts, &mut out).unwrap();
        out
    }

    /// `payload.ts.sig` with `sig` changed by `edit`.
    fn with_sig(payload: &[u8], ts: &[u8], edit: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
        let good = signed(payload, TS);
        let pos = good.iter().rposition(|&c| c == SEP).unwrap();
        let mut sig = good[pos + 1..].to_vec();
        edit(&mut sig);
        [payload, b".", ts, b".", &sig].concat()
    }

    /// A `=` inserted into the 27-character signature: 28 characters, so
    /// itsdangerous appends no padding, and only CPython 3.15's decoder
    /// (padding optional) still reads the 20 bytes (3.13 and 3.14 stock
    /// loads alike).
    #[test]
    fn inserted_pad_in_signature_verifies_only_where_padding_is_optional() {
        let cookie = with_sig(b"eyJhIjoxfQ", b"ZVPxAA", |sig| sig.insert(5, b'='));
        let expected: [bool; 3] = [false, false, true];
        let modes = [
            B64Mode::ENDS_AT_PADDING,
            B64Mode::PADDING_AT_END,
            B64Mode::PADDING_OPTIONAL,
        ];
        for (mode, ok) in modes.into_iter().zip(expected) {
            let r = keys().unsign(&cookie, None, TS as i64, mode);
            assert_eq!(r.is_ok(), ok, "{mode:?}: {r:?}");
        }
    }

    /// A timestamp with a pad inside, as a bad signature carries it:
    /// `date_signed` is set where the pad ends decoding (CPython 3.13: the
    /// two bytes before it), `None` where decoding goes on and fails (3.14,
    /// 3.15: five data characters).
    #[test]
    fn pad_inside_timestamp_of_a_bad_signature() {
        let cookie = with_sig(b"eyJhIjoxfQ", b"ZeB=8A", |sig| sig[0] ^= 1);
        for (mode, ts) in [
            (B64Mode::ENDS_AT_PADDING, Some(0x65e0)),
            (B64Mode::PADDING_AT_END, None),
            (B64Mode::PADDING_OPTIONAL, None),
        ] {
            match keys().unsign(&cookie, None, TS as i64, mode) {
                Err(UnsignError::BadTimeSignature { timestamp, .. }) => {
                    assert_eq!(timestamp, ts, "{mode:?}");
                }
                r => panic!("{mode:?}: {r:?}"),
            }
        }
    }

    /// `+` or `/` in the signature or the timestamp is deferred where the
    /// decoder warns about them; in the payload it is not decoded by unsign.
    #[test]
    fn plus_slash_defers_where_the_decoder_warns() {
        let in_sig = with_sig(b"eyJhIjoxfQ", b"ZVPxAA", |sig| sig.insert(3, b'+'));
        let in_ts = with_sig(b"eyJhIjoxfQ", b"ZVP/xAA", |_| {});
        for mode in B64Mode::ALL {
            for cookie in [&in_sig, &in_ts] {
                let r = keys().unsign(cookie, None, TS as i64, mode);
                assert_eq!(
                    r == Err(UnsignError::Deferred),
                    mode.warns_on_plus_slash,
                    "{mode:?} {r:?}"
                );
            }
        }
        let payload = signed(b"eyJhIjox+Q", TS);
        for mode in B64Mode::ALL {
            assert!(keys().unsign(&payload, None, TS as i64, mode).is_ok());
        }
    }
}
