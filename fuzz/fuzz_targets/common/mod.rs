//! Reference implementations the fuzz targets compare the crate against.
//!
//! Each one is a deliberately naive, line-by-line transcription of the Python
//! (or C) code stock Flask runs, written without looking at the crate's
//! optimised paths: no fast paths, no buffer reuse, no cleverness.

#![allow(dead_code)]

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// CPython 3.11 `Modules/binascii.c` `table_a2b_base64` (standard alphabet).
fn table_a2b(c: u8) -> u8 {
    const ALPHABET: &[u8; 64] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    ALPHABET
        .iter()
        .position(|&a| a == c)
        .map_or(255, |p| p as u8)
}

/// `binascii.a2b_base64(data, strict_mode=False)` (CPython 3.11): the C loop,
/// transcribed. `None` is `binascii.Error`.
pub fn a2b_base64(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut quad_pos = 0u32;
    let mut leftchar = 0u8;
    let mut pads = 0u32;
    for &ch in data {
        if ch == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Some(out); // goto done
                }
            }
            continue;
        }
        let v = table_a2b(ch);
        if v >= 64 {
            continue;
        }
        pads = 0;
        match quad_pos {
            0 => {
                quad_pos = 1;
                leftchar = v;
            }
            1 => {
                quad_pos = 2;
                out.push((leftchar << 2) | (v >> 4));
                leftchar = v & 0x0f;
            }
            2 => {
                quad_pos = 3;
                out.push((leftchar << 4) | (v >> 2));
                leftchar = v & 0x03;
            }
            _ => {
                quad_pos = 0;
                out.push((leftchar << 6) | v);
                leftchar = 0;
            }
        }
    }
    if quad_pos != 0 {
        None
    } else {
        Some(out)
    }
}

/// `itsdangerous.encoding.base64_decode(bytes)`:
/// `urlsafe_b64decode(s + b"=" * (-len(s) % 4))`.
pub fn itsdangerous_b64decode(s: &[u8]) -> Option<Vec<u8>> {
    let mut padded: Vec<u8> = s.to_vec();
    let pad = (4 - s.len() % 4) % 4;
    padded.extend(std::iter::repeat(b'=').take(pad));
    // base64.urlsafe_b64decode: s.translate(bytes.maketrans(b"-_", b"+/"))
    for c in padded.iter_mut() {
        if *c == b'-' {
            *c = b'+';
        } else if *c == b'_' {
            *c = b'/';
        }
    }
    a2b_base64(&padded)
}

/// `base64.urlsafe_b64encode(s).rstrip(b"=")`, by hand.
pub fn urlsafe_b64encode(s: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8; 64] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = Vec::new();
    for chunk in s.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for k in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]);
        }
    }
    out
}

/// `itsdangerous.encoding.bytes_to_int`: `struct.unpack(">Q", b.rjust(8, b"\0"))`.
pub fn bytes_to_int(b: &[u8]) -> Option<u64> {
    if b.len() > 8 {
        return None; // struct.error
    }
    let mut buf = [0u8; 8];
    buf[8 - b.len()..].copy_from_slice(b);
    Some(u64::from_be_bytes(buf))
}

/// `itsdangerous.encoding.int_to_bytes`: `struct.pack(">Q", n).lstrip(b"\0")`.
pub fn int_to_bytes(n: u64) -> Vec<u8> {
    let b = n.to_be_bytes();
    let first = b.iter().position(|&x| x != 0).unwrap_or(8);
    b[first..].to_vec()
}

pub fn hmac_sha1(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = <Hmac<Sha1> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

/// `Signer.derive_key` with Flask's parameters (`key_derivation="hmac"`,
/// salt `b"cookie-session"`).
pub fn derive_key(secret: &[u8]) -> Vec<u8> {
    hmac_sha1(secret, b"cookie-session")
}

/// `Signer.get_signature` with Flask's parameters: derive the key, then
/// HMAC-SHA1 the value with it.
pub fn signature(secret: &[u8], value: &[u8]) -> Vec<u8> {
    hmac_sha1(&derive_key(secret), value)
}

/// `bytes.rsplit(b".", 1)` when there is a `.`.
pub fn rsplit_dot(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let i = s.iter().rposition(|&c| c == b'.')?;
    Some((&s[..i], &s[i + 1..]))
}
