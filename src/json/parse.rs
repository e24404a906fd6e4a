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
pub(crate) mod tests;
