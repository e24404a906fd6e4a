//! Pure-Rust JSON that behaves exactly like CPython 3.11's `json` module
//! (the C-accelerated encoder and scanner), as Flask's tagged JSON needs it.
//!
//! * [`write`] produces the bytes of
//!   `json.dumps(x, separators=(",", ":"), ensure_ascii=...)` piece by piece
//!   (floats as `repr`, strings escaped the way `_json.c` escapes them), always
//!   appending to a caller-provided `Vec<u8>`.
//! * [`parse`] accepts a subset of what `json.loads(str)` accepts and, for
//!   everything it accepts, yields exactly the value Python would. Any error
//!   means "let Python decide" (the caller falls back to `json.loads`).
//! * [`value`] is an owned value tree built by the parser and written by the
//!   writers, for the tests, benches and fuzz targets (the extension builds
//!   Python objects instead).
//!
//! This module has no pyo3 dependency: values are built through the
//! [`parse::Builder`] trait and strings are written from raw storage (latin-1
//! bytes, UCS-2 or UCS-4 code units, or UTF-8).

pub mod parse;
pub mod value;
pub mod write;

pub use parse::{parse, Builder, JsonStr, ParseError};
pub use value::{write_value, JsonString, Value, ValueBuilder};
pub use write::{
    write_float, write_i64, write_str_latin1, write_str_ucs2, write_str_ucs4, write_str_utf8,
    write_u64, AllocError, StrError,
};

/// Word-at-a-time byte classification shared by the writer and the parser.
pub(crate) mod swar {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;

    /// Mask whose LOWEST set bit marks the first byte (in little-endian
    /// order) that is `< 0x20`, `"` or `\`; zero if there is none. Bits above
    /// the lowest may be false positives (borrows only travel upwards).
    #[inline(always)]
    pub(crate) fn special(w: u64) -> u64 {
        let lt20 = w.wrapping_sub(LO * 0x20) & !w & HI;
        let q = w ^ (LO * b'"' as u64);
        let quote = q.wrapping_sub(LO) & !q & HI;
        let b = w ^ (LO * b'\\' as u64);
        let bslash = b.wrapping_sub(LO) & !b & HI;
        lt20 | quote | bslash
    }

    /// Like [`special`], but also flags every byte `>= 0x7F`.
    #[inline(always)]
    pub(crate) fn special_or_non_ascii(w: u64) -> u64 {
        special(w) | ((w | w.wrapping_add(LO)) & HI)
    }

    #[inline(always)]
    fn byte_special(b: u8) -> bool {
        b < 0x20 || b == b'"' || b == b'\\'
    }

    /// Index of the first byte at or after `i` that is `< 0x20`, `"` or `\`
    /// (or `>= 0x7F` too when `non_ascii`); `bytes.len()` if none.
    #[inline(always)]
    pub(crate) fn find(bytes: &[u8], mut i: usize, non_ascii: bool) -> usize {
        while let Some(chunk) = bytes.get(i..i.wrapping_add(8)) {
            let Ok(arr) = <[u8; 8]>::try_from(chunk) else {
                break;
            };
            let w = u64::from_le_bytes(arr);
            let m = if non_ascii {
                special_or_non_ascii(w)
            } else {
                special(w)
            };
            if m != 0 {
                return i + (m.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
        while let Some(&b) = bytes.get(i) {
            if byte_special(b) || (non_ascii && b >= 0x7F) {
                return i;
            }
            i += 1;
        }
        bytes.len().max(i)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn naive(bytes: &[u8], i: usize, non_ascii: bool) -> usize {
            (i..bytes.len())
                .find(|&j| byte_special(bytes[j]) || (non_ascii && bytes[j] >= 0x7F))
                .unwrap_or(bytes.len())
        }

        #[test]
        fn find_matches_naive_for_every_byte_in_every_lane() {
            for lane in 0..8 {
                for b in 0..=255u8 {
                    for fill in [b'a', 0x7E, b'0', 0xFF] {
                        let mut v = vec![fill; 19];
                        v[3 + lane] = b;
                        for start in [0usize, 1, 3, 5] {
                            for na in [false, true] {
                                assert_eq!(
                                    find(&v, start, na),
                                    naive(&v, start, na),
                                    "lane {lane} byte {b:#x} fill {fill:#x} start {start} na {na}"
                                );
                            }
                        }
                    }
                }
            }
        }

        #[test]
        fn find_pairs_of_specials() {
            // Two flagged bytes in one word: the lowest must win, including
            // when a borrow/carry from the first could corrupt the second.
            let interesting = [0u8, 0x1F, 0x20, b'"', b'\\', 0x7E, 0x7F, 0x80, 0xFF, b'a'];
            for &x in &interesting {
                for &y in &interesting {
                    for p in 0..8 {
                        for q in 0..8 {
                            let mut v = [b'a'; 8];
                            v[p] = x;
                            v[q] = y;
                            for na in [false, true] {
                                assert_eq!(find(&v, 0, na), naive(&v, 0, na));
                            }
                        }
                    }
                }
            }
        }
    }
}
