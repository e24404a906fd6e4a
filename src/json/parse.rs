//! A JSON parser that accepts a subset of what CPython 3.11's
//! `json.loads(str)` accepts (default arguments, C scanner, strict mode) and,
//! for everything it accepts, produces exactly the value Python would.
//!
//! Any error means "not decided here": the caller is expected to fall back to
//! Python's own `json.loads`, which then either raises the proper exception
//! or (for [`ParseError::TooDeep`] and builder refusals) succeeds.
//!
//! Grammar, as `Modules/_json.c` scans it:
//! * whitespace is only ` \t\n\r`, allowed around every token;
//! * `null`, `true`, `false`, `NaN`, `Infinity`, `-Infinity`;
//! * numbers `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`: an int when
//!   there is neither fraction nor exponent (`-0` is the int 0), else a
//!   correctly rounded float (overflow gives ±inf, like `float()`);
//! * strings: raw chars `>= 0x20`, escapes `\" \\ \/ \b \f \n \r \t \uXXXX`
//!   (hex of either case); a high-surrogate escape directly followed by a
//!   low-surrogate escape is one char, any other surrogate escape stays a
//!   lone surrogate;
//! * arrays, and objects with string keys (duplicates passed on to the
//!   builder: Python keeps the first key's position and the last value);
//! * nothing but whitespace after the value.
//!
//! Nesting is handled with an explicit stack (no recursion); more than
//! `max_depth` open arrays/objects gives [`ParseError::TooDeep`]. The
//! scratch buffers for escaped strings grow fallibly: an allocation failure is
//! [`ParseError::Alloc`], never an abort.

use crate::buf::{reserve, reserve_str, AllocError};

/// A decoded JSON string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonStr<'a> {
    /// The usual case. Borrowed straight from the input when the literal has
    /// no escapes, else from a scratch buffer of the parser (valid only
    /// during the builder call).
    Str(&'a str),
    /// Only when the string holds at least one lone surrogate (from a `\uD8xx`
    /// style escape): every code point, surrogates included, unpaired.
    CodePoints(&'a [u32]),
}

/// Receives the parsed values, bottom-up. `Array`/`Object` are containers
/// under construction; the parser hands each back exactly once, to
/// `end_array`/`end_object`, unless it stops early on an error (then they are
/// simply dropped).
///
/// Object entries are inserted in document order; for duplicate keys the
/// builder decides (Python's `dict` keeps the first key's position and the
/// last value). Keys are passed as [`JsonStr`] borrowed for the call only.
pub trait Builder {
    type Value;
    type Array;
    type Object;
    type Error;
    fn null(&mut self) -> Result<Self::Value, Self::Error>;
    fn boolean(&mut self, v: bool) -> Result<Self::Value, Self::Error>;
    fn int(&mut self, v: i64) -> Result<Self::Value, Self::Error>;
    /// An int outside `i64`: `digits` is `-?[1-9][0-9]*` exactly as in the
    /// input, unbounded in length (Python applies its int-string-conversion
    /// digit limit, 4300 by default, in `PyLong_FromString`; a Python builder
    /// gets that check for free by using it, and should report its error so
    /// the caller falls back).
    fn big_int(&mut self, digits: &str) -> Result<Self::Value, Self::Error>;
    fn float(&mut self, v: f64) -> Result<Self::Value, Self::Error>;
    fn string(&mut self, s: JsonStr<'_>) -> Result<Self::Value, Self::Error>;
    fn start_array(&mut self) -> Result<Self::Array, Self::Error>;
    fn array_push(&mut self, a: &mut Self::Array, v: Self::Value) -> Result<(), Self::Error>;
    fn end_array(&mut self, a: Self::Array) -> Result<Self::Value, Self::Error>;
    fn start_object(&mut self) -> Result<Self::Object, Self::Error>;
    fn object_insert(
        &mut self,
        o: &mut Self::Object,
        key: JsonStr<'_>,
        v: Self::Value,
    ) -> Result<(), Self::Error>;
    fn end_object(&mut self, o: Self::Object) -> Result<Self::Value, Self::Error>;
}

/// Why [`parse`] gave up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError<E> {
    /// The input is not something this parser accepts. `position` is a BYTE
    /// offset into the input (Python reports char offsets; fall back to
    /// Python for its message).
    Syntax { position: usize },
    /// More than `max_depth` nested arrays/objects.
    TooDeep,
    /// The builder refused a value.
    Builder(E),
    /// A scratch buffer could not grow.
    Alloc(AllocError),
}

impl<E: core::fmt::Display> core::fmt::Display for ParseError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ParseError::Syntax { position } => write!(f, "JSON syntax error at byte {position}"),
            ParseError::TooDeep => f.write_str("JSON nested too deeply"),
            ParseError::Builder(e) => write!(f, "{e}"),
            ParseError::Alloc(e) => write!(f, "{e}"),
        }
    }
}

/// Where an object's pending key lives while its value is being parsed.
#[derive(Clone, Copy)]
enum KeyLoc {
    /// `input[start..end]`, no escapes.
    Input(usize, usize),
    /// `keys_utf8[start..]` (keys are stacked: nested objects append after
    /// and truncate back before this one's insert).
    Utf8(usize),
    /// `keys_cps[start..]`.
    Cps(usize),
}

enum Frame<A, O> {
    Array(A),
    Object(O, KeyLoc),
}

/// Why a string literal (or key) was not scanned.
enum ScanError {
    /// Not accepted here, at this byte offset.
    Syntax(usize),
    /// A scratch buffer could not grow.
    Alloc,
}

impl From<usize> for ScanError {
    fn from(position: usize) -> Self {
        ScanError::Syntax(position)
    }
}

impl From<AllocError> for ScanError {
    fn from(_: AllocError) -> Self {
        ScanError::Alloc
    }
}

impl<E> From<ScanError> for ParseError<E> {
    fn from(e: ScanError) -> Self {
        match e {
            ScanError::Syntax(position) => ParseError::Syntax { position },
            ScanError::Alloc => ParseError::Alloc(AllocError),
        }
    }
}

/// Result of scanning one string literal.
enum Decoded {
    /// `input[start..end]`, no escapes.
    Input(usize, usize),
    /// Appended to the UTF-8 buffer given, from this offset.
    Utf8(usize),
    /// Appended to the code-point buffer given, from this offset.
    Cps(usize),
}

struct Scratch {
    /// Escaped string values.
    s: String,
    cps: Vec<u32>,
    /// Stacked escaped keys of the open objects.
    keys_utf8: String,
    keys_cps: Vec<u32>,
}

#[inline(always)]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

#[inline(always)]
fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while let Some(&b) = bytes.get(i) {
        if !is_ws(b) {
            break;
        }
        i += 1;
    }
    i
}

#[inline(always)]
fn hex_val(b: u8) -> Option<u32> {
    match b {
        b'0'..=b'9' => Some((b - b'0') as u32),
        b'a'..=b'f' => Some((b - b'a' + 10) as u32),
        b'A'..=b'F' => Some((b - b'A' + 10) as u32),
        _ => None,
    }
}

#[inline(always)]
fn hex4(bytes: &[u8], i: usize) -> Option<u32> {
    let h = bytes.get(i..i.checked_add(4)?)?;
    let mut v = 0u32;
    for &b in h {
        v = (v << 4) | hex_val(b)?;
    }
    Some(v)
}

/// Decodes the escape whose backslash is at `bytes[i]`. Returns the code
/// point (possibly a lone surrogate) and the index after the escape, or the
/// error position.
#[inline]
fn escape(bytes: &[u8], i: usize) -> Result<(u32, usize), usize> {
    let c = match bytes.get(i + 1) {
        Some(b'"') => 0x22,
        Some(b'\\') => 0x5C,
        Some(b'/') => 0x2F,
        Some(b'b') => 0x08,
        Some(b'f') => 0x0C,
        Some(b'n') => 0x0A,
        Some(b'r') => 0x0D,
        Some(b't') => 0x09,
        Some(b'u') => {
            let c = hex4(bytes, i + 2).ok_or(i)?;
            if (0xD800..0xDC00).contains(&c)
                && bytes.get(i + 6) == Some(&b'\\')
                && bytes.get(i + 7) == Some(&b'u')
            {
                // CPython errors out on bad hex here; so must we (the
                // second escape would be rejected on its own anyway).
                let c2 = hex4(bytes, i + 8).ok_or(i + 6)?;
                if (0xDC00..0xE000).contains(&c2) {
                    return Ok((0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00), i + 12));
                }
            }
            return Ok((c, i + 6));
        }
        _ => return Err(i),
    };
    Ok((c, i + 2))
}

/// Scans the string literal whose contents start at `start` (just after the
/// opening quote). Escaped strings are appended to `s_out` (or, when they
/// hold a lone surrogate, to `cp_out`). Returns what was decoded and the
/// index after the closing quote. On error the buffers are as they were.
fn scan_string(
    input: &str,
    start: usize,
    s_out: &mut String,
    cp_out: &mut Vec<u32>,
) -> Result<(Decoded, usize), ScanError> {
    let bytes = input.as_bytes();
    let i = super::swar::find(bytes, start, false);
    match bytes.get(i) {
        Some(b'"') => return Ok((Decoded::Input(start, i), i + 1)),
        Some(b'\\') => {}
        _ => return Err(ScanError::Syntax(i)), // control character or end of input
    }
    let base = s_out.len();
    let r = scan_escaped(input, start, i, s_out, cp_out);
    if r.is_err() {
        s_out.truncate(base);
    }
    r
}

/// [`scan_string`] from the first backslash, at `i`: every run between
/// escapes is copied with room for the char of the escape that ends it.
fn scan_escaped(
    input: &str,
    start: usize,
    mut i: usize,
    s_out: &mut String,
    cp_out: &mut Vec<u32>,
) -> Result<(Decoded, usize), ScanError> {
    let bytes = input.as_bytes();
    let base = s_out.len();
    // `find` stops only at ASCII bytes, so every run ends on a char boundary.
    reserve_str(s_out, i - start + 4)?;
    s_out.push_str(&input[start..i]);
    loop {
        // bytes[i] == b'\\'
        let (c, next) = escape(bytes, i)?;
        let Some(ch) = char::from_u32(c) else {
            s_out.truncate(base);
            return scan_string_cps(input, start, cp_out);
        };
        s_out.push(ch);
        let j = super::swar::find(bytes, next, false);
        reserve_str(s_out, j - next + 4)?;
        s_out.push_str(&input[next..j]);
        match bytes.get(j) {
            Some(b'"') => return Ok((Decoded::Utf8(base), j + 1)),
            Some(b'\\') => i = j,
            _ => return Err(ScanError::Syntax(j)),
        }
    }
}

/// Slow path for strings holding a lone surrogate: decode into code points.
#[cold]
fn scan_string_cps(
    input: &str,
    start: usize,
    cp_out: &mut Vec<u32>,
) -> Result<(Decoded, usize), ScanError> {
    let base = cp_out.len();
    let r = scan_cps(input, start, cp_out);
    if r.is_err() {
        cp_out.truncate(base);
    }
    r
}

fn scan_cps(
    input: &str,
    start: usize,
    cp_out: &mut Vec<u32>,
) -> Result<(Decoded, usize), ScanError> {
    let bytes = input.as_bytes();
    let base = cp_out.len();
    let mut i = start;
    loop {
        let j = super::swar::find(bytes, i, false);
        // At most one code point per byte of the run, plus the escape's.
        reserve(cp_out, j - i + 1)?;
        cp_out.extend(input[i..j].chars().map(u32::from));
        match bytes.get(j) {
            Some(b'"') => return Ok((Decoded::Cps(base), j + 1)),
            Some(b'\\') => {
                let (c, next) = escape(bytes, j)?;
                cp_out.push(c);
                i = next;
            }
            _ => return Err(ScanError::Syntax(j)),
        }
    }
}

enum Number<'a> {
    Int(i64),
    Big(&'a str),
    Float(f64),
}

/// Scans a number starting at `start` the way `_match_number_unicode` does
/// (maximal munch with backtracking of a dangling `.` or exponent marker;
/// whatever follows is left to the grammar, which rejects it).
#[inline]
fn scan_number(input: &str, start: usize) -> Result<(Number<'_>, usize), usize> {
    let bytes = input.as_bytes();
    let digit_at = |k: usize| bytes.get(k).is_some_and(u8::is_ascii_digit);
    let mut i = start;
    let neg = bytes.get(i) == Some(&b'-');
    if neg {
        i += 1;
    }
    let int_start = i;
    match bytes.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            i += 1;
            while digit_at(i) {
                i += 1;
            }
        }
        _ => return Err(start),
    }
    let int_end = i;
    let mut is_float = false;
    if bytes.get(i) == Some(&b'.') && digit_at(i + 1) {
        is_float = true;
        i += 2;
        while digit_at(i) {
            i += 1;
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if digit_at(j) {
            while digit_at(j) {
                j += 1;
            }
            is_float = true;
            i = j;
        }
    }
    let text = input.get(start..i).ok_or(start)?;
    if is_float {
        let v: f64 = text.parse().map_err(|_| start)?;
        return Ok((Number::Float(v), i));
    }
    let digits = bytes.get(int_start..int_end).ok_or(start)?;
    if digits.len() <= 18 {
        let mut v: i64 = 0;
        for &d in digits {
            v = v * 10 + (d - b'0') as i64;
        }
        return Ok((Number::Int(if neg { -v } else { v }), i));
    }
    let mut mag: u64 = 0;
    let mut overflow = false;
    for &d in digits {
        if let Some(m) = mag
            .checked_mul(10)
            .and_then(|m| m.checked_add(u64::from(d - b'0')))
        {
            mag = m;
        } else {
            overflow = true;
            break;
        }
    }
    if !overflow {
        let v = if neg {
            if mag <= i64::MAX as u64 + 1 {
                Some((mag as i64).wrapping_neg())
            } else {
                None
            }
        } else {
            i64::try_from(mag).ok()
        };
        if let Some(v) = v {
            return Ok((Number::Int(v), i));
        }
    }
    Ok((Number::Big(text), i))
}

/// Parses `input` (the whole of it, surrounding whitespace allowed) into a
/// value built by `builder`. At most `max_depth` arrays/objects may be open
/// at once.
pub fn parse<B: Builder>(
    input: &str,
    builder: &mut B,
    max_depth: usize,
) -> Result<B::Value, ParseError<B::Error>> {
    let bytes = input.as_bytes();
    let syntax = |position: usize| ParseError::Syntax { position };
    let mut sc = Scratch {
        s: String::new(),
        cps: Vec::new(),
        keys_utf8: String::new(),
        keys_cps: Vec::new(),
    };
    let mut stack: Vec<Frame<B::Array, B::Object>> = Vec::new();
    let alloc = |_: AllocError| ParseError::Alloc(AllocError);
    let mut pos = skip_ws(bytes, 0);

    // Scans the key at `pos` (must be a string), then `:` and whitespace.
    // Returns where the key lives and the position of the value.
    let scan_key = |sc: &mut Scratch, pos: usize| -> Result<(KeyLoc, usize), ScanError> {
        if bytes.get(pos) != Some(&b'"') {
            return Err(ScanError::Syntax(pos));
        }
        let (d, after) = scan_string(input, pos + 1, &mut sc.keys_utf8, &mut sc.keys_cps)?;
        let loc = match d {
            Decoded::Input(a, b) => KeyLoc::Input(a, b),
            Decoded::Utf8(a) => KeyLoc::Utf8(a),
            Decoded::Cps(a) => KeyLoc::Cps(a),
        };
        let p = skip_ws(bytes, after);
        if bytes.get(p) != Some(&b':') {
            return Err(ScanError::Syntax(p));
        }
        Ok((loc, skip_ws(bytes, p + 1)))
    };

    'value: loop {
        // Parse one value at `pos` (whitespace already skipped).
        let mut value = match bytes.get(pos) {
            Some(b'"') => {
                sc.s.clear();
                sc.cps.clear();
                let (d, after) = scan_string(input, pos + 1, &mut sc.s, &mut sc.cps)?;
                let js = match d {
                    Decoded::Input(a, b) => JsonStr::Str(&input[a..b]),
                    Decoded::Utf8(a) => JsonStr::Str(&sc.s[a..]),
                    Decoded::Cps(a) => JsonStr::CodePoints(&sc.cps[a..]),
                };
                pos = after;
                builder.string(js).map_err(ParseError::Builder)?
            }
            Some(b'[') => {
                if stack.len() >= max_depth {
                    return Err(ParseError::TooDeep);
                }
                let a = builder.start_array().map_err(ParseError::Builder)?;
                pos = skip_ws(bytes, pos + 1);
                if bytes.get(pos) == Some(&b']') {
                    pos += 1;
                    builder.end_array(a).map_err(ParseError::Builder)?
                } else {
                    reserve(&mut stack, 1).map_err(alloc)?;
                    stack.push(Frame::Array(a));
                    continue 'value;
                }
            }
            Some(b'{') => {
                if stack.len() >= max_depth {
                    return Err(ParseError::TooDeep);
                }
                let o = builder.start_object().map_err(ParseError::Builder)?;
                pos = skip_ws(bytes, pos + 1);
                if bytes.get(pos) == Some(&b'}') {
                    pos += 1;
                    builder.end_object(o).map_err(ParseError::Builder)?
                } else {
                    let (key, p) = scan_key(&mut sc, pos)?;
                    pos = p;
                    reserve(&mut stack, 1).map_err(alloc)?;
                    stack.push(Frame::Object(o, key));
                    continue 'value;
                }
            }
            Some(b'n') if bytes.get(pos..pos + 4) == Some(b"null") => {
                pos += 4;
                builder.null().map_err(ParseError::Builder)?
            }
            Some(b't') if bytes.get(pos..pos + 4) == Some(b"true") => {
                pos += 4;
                builder.boolean(true).map_err(ParseError::Builder)?
            }
            Some(b'f') if bytes.get(pos..pos + 5) == Some(b"false") => {
                pos += 5;
                builder.boolean(false).map_err(ParseError::Builder)?
            }
            Some(b'N') if bytes.get(pos..pos + 3) == Some(b"NaN") => {
                pos += 3;
                builder.float(f64::NAN).map_err(ParseError::Builder)?
            }
            Some(b'I') if bytes.get(pos..pos + 8) == Some(b"Infinity") => {
                pos += 8;
                builder.float(f64::INFINITY).map_err(ParseError::Builder)?
            }
            Some(b'-') if bytes.get(pos..pos + 9) == Some(b"-Infinity") => {
                pos += 9;
                builder
                    .float(f64::NEG_INFINITY)
                    .map_err(ParseError::Builder)?
            }
            Some(b'-' | b'0'..=b'9') => {
                let (n, after) = scan_number(input, pos).map_err(syntax)?;
                pos = after;
                match n {
                    Number::Int(v) => builder.int(v),
                    Number::Big(d) => builder.big_int(d),
                    Number::Float(v) => builder.float(v),
                }
                .map_err(ParseError::Builder)?
            }
            _ => return Err(syntax(pos)),
        };

        // Hand the finished value to its parent; close containers as needed.
        loop {
            let Some(frame) = stack.last_mut() else {
                pos = skip_ws(bytes, pos);
                if pos != bytes.len() {
                    return Err(syntax(pos)); // "Extra data"
                }
                return Ok(value);
            };
            match frame {
                Frame::Array(a) => {
                    builder.array_push(a, value).map_err(ParseError::Builder)?;
                    pos = skip_ws(bytes, pos);
                    match bytes.get(pos) {
                        Some(b',') => {
                            pos = skip_ws(bytes, pos + 1);
                            continue 'value;
                        }
                        Some(b']') => {
                            pos += 1;
                            let Some(Frame::Array(a)) = stack.pop() else {
                                unreachable!("the innermost frame is this array");
                            };
                            value = builder.end_array(a).map_err(ParseError::Builder)?;
                        }
                        _ => return Err(syntax(pos)),
                    }
                }
                Frame::Object(o, key) => {
                    let r = match *key {
                        KeyLoc::Input(a, b) => {
                            builder.object_insert(o, JsonStr::Str(&input[a..b]), value)
                        }
                        KeyLoc::Utf8(a) => {
                            let r =
                                builder.object_insert(o, JsonStr::Str(&sc.keys_utf8[a..]), value);
                            sc.keys_utf8.truncate(a);
                            r
                        }
                        KeyLoc::Cps(a) => {
                            let r = builder.object_insert(
                                o,
                                JsonStr::CodePoints(&sc.keys_cps[a..]),
                                value,
                            );
                            sc.keys_cps.truncate(a);
                            r
                        }
                    };
                    r.map_err(ParseError::Builder)?;
                    pos = skip_ws(bytes, pos);
                    match bytes.get(pos) {
                        Some(b',') => {
                            let (k, p) = scan_key(&mut sc, skip_ws(bytes, pos + 1))?;
                            *key = k;
                            pos = p;
                            continue 'value;
                        }
                        Some(b'}') => {
                            pos += 1;
                            let Some(Frame::Object(o, _)) = stack.pop() else {
                                unreachable!("the innermost frame is this object");
                            };
                            value = builder.end_object(o).map_err(ParseError::Builder)?;
                        }
                        _ => return Err(syntax(pos)),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::ignored_unit_patterns)] // builders of `()` values

    use super::*;

    /// A Python-like value for tests. Strings are kept as code points so lone
    /// surrogates compare naturally; objects keep insertion order and, like
    /// `dict`, the first position and last value of duplicate keys.
    #[derive(Debug, Clone, PartialEq)]
    pub(crate) enum V {
        Null,
        Bool(bool),
        Int(i64),
        Big(String),
        Float(f64),
        Str(Vec<u32>),
        Arr(Vec<V>),
        Obj(Vec<(Vec<u32>, V)>),
    }

    fn cps(s: JsonStr<'_>) -> Vec<u32> {
        match s {
            JsonStr::Str(s) => s.chars().map(|c| c as u32).collect(),
            JsonStr::CodePoints(c) => {
                assert!(
                    c.iter().any(|&c| (0xD800..0xE000).contains(&c)),
                    "CodePoints only for lone surrogates"
                );
                c.to_vec()
            }
        }
    }

    pub(crate) struct VB;

    impl Builder for VB {
        type Value = V;
        type Array = Vec<V>;
        type Object = Vec<(Vec<u32>, V)>;
        type Error = ();
        fn null(&mut self) -> Result<V, ()> {
            Ok(V::Null)
        }
        fn boolean(&mut self, v: bool) -> Result<V, ()> {
            Ok(V::Bool(v))
        }
        fn int(&mut self, v: i64) -> Result<V, ()> {
            Ok(V::Int(v))
        }
        fn big_int(&mut self, digits: &str) -> Result<V, ()> {
            Ok(V::Big(digits.to_owned()))
        }
        fn float(&mut self, v: f64) -> Result<V, ()> {
            Ok(V::Float(v))
        }
        fn string(&mut self, s: JsonStr<'_>) -> Result<V, ()> {
            Ok(V::Str(cps(s)))
        }
        fn start_array(&mut self) -> Result<Vec<V>, ()> {
            Ok(Vec::new())
        }
        fn array_push(&mut self, a: &mut Vec<V>, v: V) -> Result<(), ()> {
            a.push(v);
            Ok(())
        }
        fn end_array(&mut self, a: Vec<V>) -> Result<V, ()> {
            Ok(V::Arr(a))
        }
        fn start_object(&mut self) -> Result<Self::Object, ()> {
            Ok(Vec::new())
        }
        fn object_insert(
            &mut self,
            o: &mut Self::Object,
            key: JsonStr<'_>,
            v: V,
        ) -> Result<(), ()> {
            let k = cps(key);
            match o.iter_mut().find(|(ek, _)| *ek == k) {
                Some(slot) => slot.1 = v,
                None => o.push((k, v)),
            }
            Ok(())
        }
        fn end_object(&mut self, o: Self::Object) -> Result<V, ()> {
            Ok(V::Obj(o))
        }
    }

    /// Serializes like `json.dumps(v, ensure_ascii=True, separators=(",", ":"))`.
    pub(crate) fn dump(v: &V, out: &mut Vec<u8>) {
        use crate::json::write::*;
        match v {
            V::Null => out.extend_from_slice(b"null"),
            V::Bool(true) => out.extend_from_slice(b"true"),
            V::Bool(false) => out.extend_from_slice(b"false"),
            V::Int(i) => write_i64(*i, out).unwrap(),
            V::Big(d) => out.extend_from_slice(d.as_bytes()),
            V::Float(f) => write_float(*f, out).unwrap(),
            V::Str(s) => write_str_ucs4(s, true, out).unwrap(),
            V::Arr(a) => {
                out.push(b'[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    dump(x, out);
                }
                out.push(b']');
            }
            V::Obj(o) => {
                out.push(b'{');
                for (i, (k, x)) in o.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_str_ucs4(k, true, out).unwrap();
                    out.push(b':');
                    dump(x, out);
                }
                out.push(b'}');
            }
        }
    }

    pub(crate) fn p(s: &str) -> Result<V, ParseError<()>> {
        parse(s, &mut VB, 64)
    }

    /// Parses and re-dumps (ensure_ascii), for comparison with Python's
    /// `json.dumps(json.loads(s), separators=(",", ":"))`.
    fn rt(s: &str) -> String {
        let v = p(s).unwrap_or_else(|e| panic!("{s:?} rejected: {e:?}"));
        let mut out = Vec::new();
        dump(&v, &mut out);
        String::from_utf8(out).unwrap()
    }

    fn s(x: &str) -> V {
        V::Str(x.chars().map(|c| c as u32).collect())
    }

    #[test]
    fn scalars() {
        assert_eq!(p("null"), Ok(V::Null));
        assert_eq!(p(" \t\r\ntrue \n"), Ok(V::Bool(true)));
        assert_eq!(p("false"), Ok(V::Bool(false)));
        assert_eq!(p("0"), Ok(V::Int(0)));
        assert_eq!(p("-0"), Ok(V::Int(0)));
        assert_eq!(
            p("-0.0").map(|v| format!("{v:?}")),
            Ok("Float(-0.0)".into())
        );
        assert_eq!(p("12"), Ok(V::Int(12)));
        assert_eq!(p("-12"), Ok(V::Int(-12)));
        assert_eq!(p("1.5"), Ok(V::Float(1.5)));
        assert_eq!(p("1E2"), Ok(V::Float(100.0)));
        assert_eq!(p("1e-2"), Ok(V::Float(0.01)));
        assert_eq!(p("1e+2"), Ok(V::Float(100.0)));
        assert_eq!(p("1e999"), Ok(V::Float(f64::INFINITY)));
        assert_eq!(p("-1e999"), Ok(V::Float(f64::NEG_INFINITY)));
        assert_eq!(p("1e-999"), Ok(V::Float(0.0)));
        assert_eq!(p("Infinity"), Ok(V::Float(f64::INFINITY)));
        assert_eq!(p("-Infinity"), Ok(V::Float(f64::NEG_INFINITY)));
        assert!(matches!(p("NaN"), Ok(V::Float(x)) if x.is_nan()));
        assert_eq!(p("\"\""), Ok(s("")));
        assert_eq!(p("\"abc\""), Ok(s("abc")));
    }

    #[test]
    fn int_boundaries() {
        assert_eq!(p("9223372036854775807"), Ok(V::Int(i64::MAX)));
        assert_eq!(p("-9223372036854775808"), Ok(V::Int(i64::MIN)));
        assert_eq!(
            p("9223372036854775808"),
            Ok(V::Big("9223372036854775808".into()))
        );
        assert_eq!(
            p("-9223372036854775809"),
            Ok(V::Big("-9223372036854775809".into()))
        );
        assert_eq!(p("999999999999999999"), Ok(V::Int(999_999_999_999_999_999)));
        assert_eq!(
            p("-999999999999999999"),
            Ok(V::Int(-999_999_999_999_999_999))
        );
        assert_eq!(
            p("1000000000000000000"),
            Ok(V::Int(1_000_000_000_000_000_000))
        );
        assert_eq!(
            p("18446744073709551616"),
            Ok(V::Big("18446744073709551616".into()))
        );
        let huge = "1".repeat(500);
        assert_eq!(p(&huge), Ok(V::Big(huge.clone())));
    }

    #[test]
    fn strings_and_escapes() {
        // Expected values from CPython 3.11 json.loads.
        assert_eq!(p(r#""\"\\\/\b\f\n\r\t""#), Ok(s("\"\\/\u{8}\u{c}\n\r\t")));
        assert_eq!(p(r#""\u00e9\u00E9\u20AC""#), Ok(s("éé\u{20ac}")));
        assert_eq!(p(r#""\ud83d\ude00""#), Ok(s("\u{1f600}")));
        assert_eq!(p(r#""\uD83D\uDE00x""#), Ok(s("\u{1f600}x")));
        assert_eq!(p(r#""\ud800""#), Ok(V::Str(vec![0xD800])));
        assert_eq!(p(r#""\udc00\ud800""#), Ok(V::Str(vec![0xDC00, 0xD800])));
        assert_eq!(p(r#""a\ud800b""#), Ok(V::Str(vec![0x61, 0xD800, 0x62])));
        assert_eq!(p(r#""\ud800\u0041""#), Ok(V::Str(vec![0xD800, 0x41])));
        assert_eq!(
            p(r#""\ud800\ud800\udc00""#),
            Ok(V::Str(vec![0xD800, 0x10000]))
        );
        assert_eq!(p(r#""\ud800\n""#), Ok(V::Str(vec![0xD800, 0x0A])));
        assert_eq!(p(r#""é\ud800€""#), Ok(V::Str(vec![0xE9, 0xD800, 0x20AC])));
        assert_eq!(p("\"\u{7f}é\u{1f600}\""), Ok(s("\u{7f}é\u{1f600}")));
        assert_eq!(p(r#""\u0000""#), Ok(s("\u{0}")));
    }

    #[test]
    fn containers() {
        assert_eq!(p("[]"), Ok(V::Arr(vec![])));
        assert_eq!(p("[ ]"), Ok(V::Arr(vec![])));
        assert_eq!(p("{}"), Ok(V::Obj(vec![])));
        assert_eq!(p(" { \n} "), Ok(V::Obj(vec![])));
        assert_eq!(
            rt(r#" [ 1 , "a" , [ ] , { } , null ] "#),
            r#"[1,"a",[],{},null]"#
        );
        assert_eq!(
            rt(r#"{"a" : 1 , "b":[true,false]}"#),
            r#"{"a":1,"b":[true,false]}"#
        );
        // Python: dict keeps first position, last value.
        assert_eq!(rt(r#"{"a":1,"b":2,"a":3}"#), r#"{"a":3,"b":2}"#);
        assert_eq!(rt(r#"{"\u0061":1,"a":2}"#), r#"{"a":2}"#);
        assert_eq!(
            rt(r#"{" t":["a\"b",{"k\n":[1.5,-0,-0.0,1e16]}]}"#),
            r#"{" t":["a\"b",{"k\n":[1.5,0,-0.0,1e+16]}]}"#
        );
        // Escaped keys at several nesting levels (key stack discipline).
        assert_eq!(
            rt(r#"{"\u00e9":{"\u00e8":{"\ud800":1,"x\u0041":2},"\u00e7":3},"\u00e6":4}"#),
            r#"{"\u00e9":{"\u00e8":{"\ud800":1,"xA":2},"\u00e7":3},"\u00e6":4}"#
        );
        assert_eq!(
            rt(r#"[{"\ud800":{"\udc00":[{"\u0041":"\ud801"}]},"b":"\u00ff"}]"#),
            r#"[{"\ud800":{"\udc00":[{"A":"\ud801"}]},"b":"\u00ff"}]"#
        );
    }

    #[test]
    fn rejects_what_python_rejects() {
        // Every one raises JSONDecodeError in CPython 3.11.
        for bad in [
            "",
            " ",
            "nul",
            "nulll",
            "True",
            "none",
            "nan",
            "inf",
            "-inf",
            "-NaN",
            "+1",
            "01",
            "-01",
            "00",
            "1.",
            "1.e5",
            ".5",
            "-",
            "-.5",
            "1e",
            "1e+",
            "1E-",
            "1.5e",
            "0x10",
            "1 2",
            "[1,]",
            "[,1]",
            "[1 2]",
            "[",
            "]",
            "[1",
            "{",
            "}",
            "{,}",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\" 1}",
            "{\"a\":1,}",
            "{a:1}",
            "{'a':1}",
            "{1:1}",
            "{\"a\":1 \"b\":2}",
            "\"",
            "\"abc",
            "\"\\\"",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\u12g4\"",
            "\"\\U0041\"",
            "\"\\ud800\\u12\"",
            "\"\\ud800\\uzzzz\"",
            "\"a\nb\"",
            "\"\t\"",
            "\"\u{1f}\"",
            "\"\\u0041",
            "\u{feff}1",
            "[]]",
            "{}}",
            "1 ,",
            "\u{a0}1",
            "\u{b}1",
            "\u{c}1",
            "[1]x",
            "Infinityx",
            "-Infinit",
            "NaN1",
            "\"\\",
            "[\"\\u",
            "\"\\ud800\\",
            "\"\\ud800\\u",
            "1_000",
            "１",
        ] {
            assert!(
                matches!(p(bad), Err(ParseError::Syntax { .. })),
                "{bad:?} accepted: {:?}",
                p(bad)
            );
        }
    }

    #[test]
    fn depth_limit() {
        let ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert!(p(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert_eq!(p(&deep), Err(ParseError::TooDeep));
        let deep_obj = "{\"a\":".repeat(65) + "1" + &"}".repeat(65);
        assert_eq!(p(&deep_obj), Err(ParseError::TooDeep));
        let ok_obj = "{\"a\":".repeat(64) + "1" + &"}".repeat(64);
        assert!(p(&ok_obj).is_ok());
        // Huge unclosed nesting: no recursion, no stack overflow.
        let huge = "[".repeat(1_000_000);
        assert_eq!(
            parse(&huge, &mut VB, usize::MAX),
            Err(ParseError::Syntax {
                position: 1_000_000
            })
        );
        assert_eq!(parse("[1]", &mut VB, 0), Err(ParseError::TooDeep));
        assert_eq!(parse("1", &mut VB, 0), Ok(V::Int(1)));
    }

    #[test]
    fn zero_copy_for_plain_strings() {
        struct Check<'i>(&'i str, usize);
        impl Builder for Check<'_> {
            type Value = ();
            type Array = ();
            type Object = ();
            type Error = ();
            fn null(&mut self) -> Result<(), ()> {
                Ok(())
            }
            fn boolean(&mut self, _: bool) -> Result<(), ()> {
                Ok(())
            }
            fn int(&mut self, _: i64) -> Result<(), ()> {
                Ok(())
            }
            fn big_int(&mut self, _: &str) -> Result<(), ()> {
                Ok(())
            }
            fn float(&mut self, _: f64) -> Result<(), ()> {
                Ok(())
            }
            fn string(&mut self, s: JsonStr<'_>) -> Result<(), ()> {
                if let JsonStr::Str(s) = s {
                    let r = self.0.as_bytes().as_ptr_range();
                    if r.contains(&s.as_ptr()) {
                        self.1 += 1;
                    }
                }
                Ok(())
            }
            fn start_array(&mut self) -> Result<(), ()> {
                Ok(())
            }
            fn array_push(&mut self, _: &mut (), _: ()) -> Result<(), ()> {
                Ok(())
            }
            fn end_array(&mut self, _: ()) -> Result<(), ()> {
                Ok(())
            }
            fn start_object(&mut self) -> Result<(), ()> {
                Ok(())
            }
            fn object_insert(&mut self, _: &mut (), k: JsonStr<'_>, _: ()) -> Result<(), ()> {
                self.string(k)
            }
            fn end_object(&mut self, _: ()) -> Result<(), ()> {
                Ok(())
            }
        }
        let input = r#"{"plain key":["plain value","esc\n","é€"],"k\u0041":"v"}"#;
        let mut c = Check(input, 0);
        parse(input, &mut c, 8).unwrap();
        assert_eq!(c.1, 4); // "plain key", "plain value", "é€", "v"
    }

    #[test]
    fn builder_errors_propagate() {
        struct NoFloats;
        impl Builder for NoFloats {
            type Value = ();
            type Array = ();
            type Object = ();
            type Error = &'static str;
            fn null(&mut self) -> Result<(), &'static str> {
                Ok(())
            }
            fn boolean(&mut self, _: bool) -> Result<(), &'static str> {
                Ok(())
            }
            fn int(&mut self, _: i64) -> Result<(), &'static str> {
                Ok(())
            }
            fn big_int(&mut self, _: &str) -> Result<(), &'static str> {
                Err("too big")
            }
            fn float(&mut self, _: f64) -> Result<(), &'static str> {
                Err("float")
            }
            fn string(&mut self, _: JsonStr<'_>) -> Result<(), &'static str> {
                Ok(())
            }
            fn start_array(&mut self) -> Result<(), &'static str> {
                Ok(())
            }
            fn array_push(&mut self, _: &mut (), _: ()) -> Result<(), &'static str> {
                Ok(())
            }
            fn end_array(&mut self, _: ()) -> Result<(), &'static str> {
                Ok(())
            }
            fn start_object(&mut self) -> Result<(), &'static str> {
                Ok(())
            }
            fn object_insert(
                &mut self,
                _: &mut (),
                _: JsonStr<'_>,
                _: (),
            ) -> Result<(), &'static str> {
                Ok(())
            }
            fn end_object(&mut self, _: ()) -> Result<(), &'static str> {
                Ok(())
            }
        }
        assert_eq!(
            parse("[1,{\"a\":2.5}]", &mut NoFloats, 8),
            Err(ParseError::Builder("float"))
        );
        assert_eq!(parse("[1,2]", &mut NoFloats, 8), Ok(()));
        assert_eq!(
            parse("99999999999999999999", &mut NoFloats, 8),
            Err(ParseError::Builder("too big"))
        );
    }

    /// Cases checked against CPython 3.11.7:
    /// `json.dumps(json.loads(src), separators=(",", ":"))`.
    #[test]
    fn python_vectors() {
        for (src, want) in PY_LOADS {
            assert_eq!(rt(src), *want, "{src:?}");
        }
    }

    const PY_LOADS: &[(&str, &str)] = &[
        ("{\"a\":1}", "{\"a\":1}"),
        ("[1,2,3]", "[1,2,3]"),
        (" {\"a\" :\u{9}[ 1 ,\u{a}2 ]\u{d}} ", "{\"a\":[1,2]}"),
        ("{\"a\":1,\"a\":2}", "{\"a\":2}"),
        ("{\"b\":1,\"a\":2,\"b\":3}", "{\"b\":3,\"a\":2}"),
        ("-0", "0"),
        ("-0.0", "-0.0"),
        ("0.0", "0.0"),
        ("1E2", "100.0"),
        ("1e-7", "1e-07"),
        ("1.5e+300", "1.5e+300"),
        ("1e309", "Infinity"),
        ("-1e309", "-Infinity"),
        ("1e-400", "0.0"),
        (
            "123456789012345678901234567890",
            "123456789012345678901234567890",
        ),
        (
            "-123456789012345678901234567890",
            "-123456789012345678901234567890",
        ),
        ("9223372036854775807", "9223372036854775807"),
        ("9223372036854775808", "9223372036854775808"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("-9223372036854775809", "-9223372036854775809"),
        ("0.1", "0.1"),
        ("0.30000000000000004", "0.30000000000000004"),
        ("1.7976931348623157e308", "1.7976931348623157e+308"),
        ("1.7976931348623159e308", "Infinity"),
        ("4.9406564584124654e-324", "5e-324"),
        ("2.4703282292062328e-324", "5e-324"),
        ("2.4703282292062327e-324", "0.0"),
        ("9007199254740993", "9007199254740993"),
        ("9007199254740993.0", "9007199254740992.0"),
        ("1000000000000000.25", "1000000000000000.2"),
        ("12345678901234567890.5e-5", "123456789012345.67"),
        ("0.000001", "1e-06"),
        ("1e16", "1e+16"),
        ("1e15", "1000000000000000.0"),
        ("100", "100"),
        ("[NaN,Infinity,-Infinity]", "[NaN,Infinity,-Infinity]"),
        ("{\"x\":NaN}", "{\"x\":NaN}"),
        ("\"\\ud83d\\ude00\"", "\"\\ud83d\\ude00\""),
        ("\"\\ud800\"", "\"\\ud800\""),
        ("\"\\udc00\"", "\"\\udc00\""),
        ("\"\\ud800\\ud800\"", "\"\\ud800\\ud800\""),
        ("\"\\ud800\\udbff\\udfff\"", "\"\\ud800\\udbff\\udfff\""),
        ("\"\\udbff\\udfffx\"", "\"\\udbff\\udfffx\""),
        ("\"\\u00e9\\u00C9\"", "\"\\u00e9\\u00c9\""),
        (
            "\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"",
            "\"/\\b\\f\\n\\r\\t\\\"\\\\\"",
        ),
        (
            "\"\u{e9}\u{20ac}\u{1f600}\"",
            "\"\\u00e9\\u20ac\\ud83d\\ude00\"",
        ),
        ("\"\u{7f}\"", "\"\\u007f\""),
        ("\"\\u0000\"", "\"\\u0000\""),
        ("{\"\\ud800\":\"\\udc00\"}", "{\"\\ud800\":\"\\udc00\"}"),
        ("{\"\\u0061\":1,\"a\":2}", "{\"a\":2}"),
        ("{\" t\":[\"a\",1]}", "{\" t\":[\"a\",1]}"),
        ("{\" di\":{\" t__\":[1]}}", "{\" di\":{\" t__\":[1]}}"),
        ("{\" b\":\"aGVsbG8=\"}", "{\" b\":\"aGVsbG8=\"}"),
        ("[[[[[]]]]]", "[[[[[]]]]]"),
        ("[{},{\"\":{}}]", "[{},{\"\":{}}]"),
        ("{\"\":\"\"}", "{\"\":\"\"}"),
        ("[true,false,null]", "[true,false,null]"),
        ("  \"s\"  ", "\"s\""),
        ("[1.0,1,1e0,10e-1]", "[1.0,1,1.0,1.0]"),
        ("[-0,-0.0,0e0,0E+0,0e-0]", "[0,-0.0,0.0,0.0,0.0]"),
        (
            "{\"a\":[{\"b\":[{\"c\":\"\\u2603\"}]}]}",
            "{\"a\":[{\"b\":[{\"c\":\"\\u2603\"}]}]}",
        ),
        ("\"\\uD834\\uDD1E\"", "\"\\ud834\\udd1e\""),
        ("\"a\\u0022b\"", "\"a\\\"b\""),
    ];

    /// Every prefix and every single-byte corruption of a few documents must
    /// not panic (accept/reject is checked by the differential harness).
    #[test]
    fn no_panic_on_mutations() {
        let docs = [
            r#"{"a":[1,-2.5e-3,"x\u00e9\ud83d\ude00\ud800",true,null,{"\u0062":NaN}],"c":-Infinity}"#,
            r#"[{"":[[[]]]},"\\\"\/\b\f\n\r\t",12345678901234567890123,0.1e1]"#,
        ];
        let alphabet = b"[]{},:\"\\/-+.0123456789eEuUabfnrtxINaIl \t\n";
        for d in docs {
            let b = d.as_bytes();
            for cut in 0..=b.len() {
                if let Some(prefix) = d.get(..cut) {
                    let _ = p(prefix);
                }
            }
            for i in 0..b.len() {
                for &c in alphabet {
                    let mut m = b.to_vec();
                    m[i] = c;
                    if let Ok(s) = std::str::from_utf8(&m) {
                        let _ = p(s);
                    }
                    let mut m = b.to_vec();
                    m.insert(i, c);
                    if let Ok(s) = std::str::from_utf8(&m) {
                        let _ = p(s);
                    }
                    let mut m = b.to_vec();
                    m.remove(i);
                    if let Ok(s) = std::str::from_utf8(&m) {
                        let _ = p(s);
                    }
                }
            }
        }
    }
}
