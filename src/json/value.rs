//! An owned JSON value tree: what [`parse`](super::parse) yields through
//! [`ValueBuilder`], written back by [`write_value`] with the crate's own
//! `write_*` functions.
//!
//! The Python extension builds Python objects directly and never uses this
//! tree; it exists so that the unit tests, the benches and the fuzz targets
//! exercise the parser and the writers through one value type instead of
//! each keeping its own.

use core::convert::Infallible;

use super::parse::{Builder, JsonStr};
use super::write::{
    write_float, write_i64, write_str_latin1, write_str_ucs4, write_str_utf8, StrError,
};
use crate::buf::reserve;

/// An owned [`JsonStr`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonString {
    /// Every string without a lone surrogate.
    Str(String),
    /// A string holding at least one lone surrogate (Rust's `String` cannot):
    /// every code point, surrogates included. Only such strings are kept
    /// here, as the parser hands them, so equal strings have equal
    /// representations.
    CodePoints(Box<[u32]>),
}

impl JsonString {
    /// The string, unless it holds a lone surrogate.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            JsonString::Str(s) => Some(s),
            JsonString::CodePoints(_) => None,
        }
    }
}

impl From<JsonStr<'_>> for JsonString {
    fn from(s: JsonStr<'_>) -> Self {
        match s {
            JsonStr::Str(s) => JsonString::Str(s.to_owned()),
            JsonStr::CodePoints(cps) => JsonString::CodePoints(cps.into()),
        }
    }
}

impl From<&str> for JsonString {
    fn from(s: &str) -> Self {
        JsonString::Str(s.to_owned())
    }
}

/// A JSON value as Python's `json.loads` sees it.
///
/// Equality is structural, with floats equal when they are the same value
/// bit for bit (`-0.0` differs from `0.0`) or both NaN: a value is equal to
/// itself, which is what round-trip checks need.
#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// An int outside `i64`: its digits `-?[1-9][0-9]*` as in the input
    /// (which is also how Python writes it back).
    BigInt(String),
    Float(f64),
    Str(JsonString),
    Array(Vec<Value>),
    /// Entries in document order. Duplicate keys are kept or merged as the
    /// [`ValueBuilder`] that built it was told.
    Object(Vec<(JsonString, Value)>),
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::BigInt(a), Value::BigInt(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => {
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
            }
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Value {}

impl Value {
    /// Nesting depth: 0 for a scalar, 1 for `[]`, and so on (computed
    /// without recursion, like the parser's own walk).
    pub fn depth(&self) -> usize {
        let mut max = 0;
        let mut todo = vec![(self, 0usize)];
        while let Some((v, d)) = todo.pop() {
            match v {
                Value::Array(items) => {
                    max = max.max(d + 1);
                    todo.extend(items.iter().map(|x| (x, d + 1)));
                }
                Value::Object(entries) => {
                    max = max.max(d + 1);
                    todo.extend(entries.iter().map(|(_, x)| (x, d + 1)));
                }
                _ => {}
            }
        }
        max
    }
}

/// Builds a [`Value`] from [`parse`](super::parse). It accepts everything
/// the parser hands it (big ints and lone surrogates included) and never
/// fails.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValueBuilder {
    dict_keys: bool,
}

impl ValueBuilder {
    /// Every object entry is kept, duplicates included, in document order.
    pub fn new() -> Self {
        ValueBuilder { dict_keys: false }
    }

    /// Duplicate keys are merged the way Python's `dict` merges them: the
    /// first key's position, the last value (a linear scan per key: fine
    /// for tests, quadratic on large objects).
    pub fn dict() -> Self {
        ValueBuilder { dict_keys: true }
    }
}

impl Builder for ValueBuilder {
    type Value = Value;
    type Array = Vec<Value>;
    type Object = Vec<(JsonString, Value)>;
    type Error = Infallible;

    fn null(&mut self) -> Result<Value, Infallible> {
        Ok(Value::Null)
    }
    fn boolean(&mut self, v: bool) -> Result<Value, Infallible> {
        Ok(Value::Bool(v))
    }
    fn int(&mut self, v: i64) -> Result<Value, Infallible> {
        Ok(Value::Int(v))
    }
    fn big_int(&mut self, digits: &str) -> Result<Value, Infallible> {
        Ok(Value::BigInt(digits.to_owned()))
    }
    fn float(&mut self, v: f64) -> Result<Value, Infallible> {
        Ok(Value::Float(v))
    }
    fn string(&mut self, s: JsonStr<'_>) -> Result<Value, Infallible> {
        Ok(Value::Str(s.into()))
    }
    fn start_array(&mut self) -> Result<Vec<Value>, Infallible> {
        Ok(Vec::new())
    }
    fn array_push(&mut self, a: &mut Vec<Value>, v: Value) -> Result<(), Infallible> {
        a.push(v);
        Ok(())
    }
    fn end_array(&mut self, a: Vec<Value>) -> Result<Value, Infallible> {
        Ok(Value::Array(a))
    }
    fn start_object(&mut self) -> Result<Self::Object, Infallible> {
        Ok(Vec::new())
    }
    fn object_insert(
        &mut self,
        o: &mut Self::Object,
        key: JsonStr<'_>,
        v: Value,
    ) -> Result<(), Infallible> {
        let key = JsonString::from(key);
        if self.dict_keys {
            if let Some(slot) = o.iter_mut().find(|(k, _)| *k == key) {
                slot.1 = v;
                return Ok(());
            }
        }
        o.push((key, v));
        Ok(())
    }
    fn end_object(&mut self, o: Self::Object) -> Result<Value, Infallible> {
        Ok(Value::Object(o))
    }
}

/// A string as the native dumper writes Python's strings: ASCII ones (1-byte
/// kind) through the latin-1 writer, other valid ones as UTF-8 (the same
/// bytes as its UCS-2/UCS-4 writers), lone surrogates from code points.
fn write_string(s: &JsonString, ensure_ascii: bool, out: &mut Vec<u8>) -> Result<(), StrError> {
    match s {
        JsonString::Str(s) if s.is_ascii() => write_str_latin1(s.as_bytes(), ensure_ascii, out)?,
        JsonString::Str(s) => write_str_utf8(s, ensure_ascii, out)?,
        JsonString::CodePoints(cps) => write_str_ucs4(cps, ensure_ascii, out)?,
    }
    Ok(())
}

fn push(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), StrError> {
    reserve(out, bytes.len())?;
    out.extend_from_slice(bytes);
    Ok(())
}

/// A container being written: the entries still to write, and whether one
/// was written already (then the next needs a comma).
enum Open<'a> {
    Array(core::slice::Iter<'a, Value>, bool),
    Object(core::slice::Iter<'a, (JsonString, Value)>, bool),
}

/// Appends `json.dumps(v, separators=(",", ":"), ensure_ascii=...)` of the
/// tree, without recursion (any depth the parser accepted can be written).
///
/// # Errors
///
/// [`StrError::LoneSurrogate`] when `!ensure_ascii` and a string holds a lone
/// surrogate, [`StrError::Alloc`] when `out` cannot grow; `out` is then left
/// as it was.
pub fn write_value(v: &Value, ensure_ascii: bool, out: &mut Vec<u8>) -> Result<(), StrError> {
    let original_len = out.len();
    let r = write_tree(v, ensure_ascii, out);
    if r.is_err() {
        out.truncate(original_len);
    }
    r
}

fn write_tree(root: &Value, ensure_ascii: bool, out: &mut Vec<u8>) -> Result<(), StrError> {
    let mut open: Vec<Open<'_>> = Vec::new();
    let mut next = Some(root);
    loop {
        match next.take() {
            None => {}
            Some(Value::Null) => push(out, b"null")?,
            Some(Value::Bool(true)) => push(out, b"true")?,
            Some(Value::Bool(false)) => push(out, b"false")?,
            Some(Value::Int(i)) => write_i64(*i, out)?,
            Some(Value::BigInt(digits)) => push(out, digits.as_bytes())?,
            Some(Value::Float(f)) => write_float(*f, out)?,
            Some(Value::Str(s)) => write_string(s, ensure_ascii, out)?,
            Some(Value::Array(items)) => {
                push(out, b"[")?;
                reserve(&mut open, 1)?;
                open.push(Open::Array(items.iter(), false));
            }
            Some(Value::Object(entries)) => {
                push(out, b"{")?;
                reserve(&mut open, 1)?;
                open.push(Open::Object(entries.iter(), false));
            }
        }
        // The next value to write, closing the containers that are done.
        let Some(top) = open.last_mut() else {
            return Ok(());
        };
        match top {
            Open::Array(items, any) => {
                if let Some(item) = items.next() {
                    if *any {
                        push(out, b",")?;
                    }
                    *any = true;
                    next = Some(item);
                } else {
                    push(out, b"]")?;
                    open.pop();
                }
            }
            Open::Object(entries, any) => {
                if let Some((k, item)) = entries.next() {
                    if *any {
                        push(out, b",")?;
                    }
                    *any = true;
                    write_string(k, ensure_ascii, out)?;
                    push(out, b":")?;
                    next = Some(item);
                } else {
                    push(out, b"}")?;
                    open.pop();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse::parse;

    fn load(src: &str) -> Value {
        parse(src, &mut ValueBuilder::dict(), 64).unwrap_or_else(|e| panic!("{src:?}: {e}"))
    }

    fn dumps(v: &Value, ensure_ascii: bool) -> Result<String, StrError> {
        let mut out = b"pre".to_vec();
        let r = write_value(v, ensure_ascii, &mut out);
        if r.is_err() {
            assert_eq!(out, b"pre", "output restored on error");
        }
        r?;
        Ok(String::from_utf8(out.split_off(3)).expect("the writers write UTF-8"))
    }

    /// `(src, json.dumps(json.loads(src), separators=(",", ":")),
    /// the same with ensure_ascii=False if UTF-8 encodable)`, printed by
    /// CPython 3.11.7 from a script and pasted here.
    const PY_ROUND_TRIPS: &[(&str, &str, Option<&str>)] = &[
        (
            r#"{"a":[1,-2,2.5,"x",null,true,false],"b":{}}"#,
            r#"{"a":[1,-2,2.5,"x",null,true,false],"b":{}}"#,
            Some(r#"{"a":[1,-2,2.5,"x",null,true,false],"b":{}}"#),
        ),
        (
            r#" { "b" : 1 , "a" : 2 , "b" : [ 3 ] } "#,
            r#"{"b":[3],"a":2}"#,
            Some(r#"{"b":[3],"a":2}"#),
        ),
        (
            "[0,-0,-0.0,0.1,1e16,1E2,1e-7,1e-5,123456789012345678901234567890,-9223372036854775809,9223372036854775807,NaN,-Infinity,1e999]",
            "[0,0,-0.0,0.1,1e+16,100.0,1e-07,1e-05,123456789012345678901234567890,-9223372036854775809,9223372036854775807,NaN,-Infinity,Infinity]",
            Some(
                "[0,0,-0.0,0.1,1e+16,100.0,1e-07,1e-05,123456789012345678901234567890,-9223372036854775809,9223372036854775807,NaN,-Infinity,Infinity]",
            ),
        ),
        (
            r#"{"\u00e9":"caf\u00e9 \u20ac \ud83d\ude00","\ud800":"\udc00x","r\u00e9":["\ud83d"]}"#,
            r#"{"\u00e9":"caf\u00e9 \u20ac \ud83d\ude00","\ud800":"\udc00x","r\u00e9":["\ud83d"]}"#,
            None,
        ),
        (
            r#""\"\\\/\b\f\n\r\t\u0000\u001f\u007f<>&""#,
            r#""\"\\/\b\f\n\r\t\u0000\u001f\u007f<>&""#,
            Some("\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\u{7f}<>&\""),
        ),
        (
            r#"[[[{"a":[{},[]],"":""}]]]"#,
            r#"[[[{"a":[{},[]],"":""}]]]"#,
            Some(r#"[[[{"a":[{},[]],"":""}]]]"#),
        ),
        (
            r#"{"café":"€😀","ÿ":["Ā"]}"#,
            r#"{"caf\u00e9":"\u20ac\ud83d\ude00","\u00ff":["\u0100"]}"#,
            Some(r#"{"café":"€😀","ÿ":["Ā"]}"#),
        ),
    ];

    #[test]
    fn round_trips_match_cpython() {
        for &(src, ascii, raw) in PY_ROUND_TRIPS {
            let v = load(src);
            assert_eq!(dumps(&v, true).as_deref(), Ok(ascii), "{src:?}");
            match raw {
                Some(raw) => assert_eq!(dumps(&v, false).as_deref(), Ok(raw), "{src:?}"),
                None => assert_eq!(dumps(&v, false), Err(StrError::LoneSurrogate), "{src:?}"),
            }
            // What was written parses back to the same value.
            assert_eq!(load(ascii), v, "{src:?}");
        }
    }

    #[test]
    fn builds_what_the_parser_hands_it() {
        let v = load(r#"{"k":["\ud800",99999999999999999999,-0.0,NaN],"k":1,"\u00e9":{}}"#);
        let want = Value::Object(vec![
            ("k".into(), Value::Int(1)),
            ("é".into(), Value::Object(vec![])),
        ]);
        assert_eq!(v, want);
        let all = parse(
            r#"{"k":["\ud800",99999999999999999999,-0.0,NaN],"k":1}"#,
            &mut ValueBuilder::new(),
            8,
        );
        let want = Value::Object(vec![
            (
                "k".into(),
                Value::Array(vec![
                    Value::Str(JsonString::CodePoints(Box::new([0xD800]))),
                    Value::BigInt("99999999999999999999".into()),
                    Value::Float(-0.0),
                    Value::Float(f64::NAN),
                ]),
            ),
            ("k".into(), Value::Int(1)),
        ]);
        assert_eq!(all, Ok(want));
        assert_ne!(Value::Float(0.0), Value::Float(-0.0));
        assert_ne!(Value::Int(1), Value::Float(1.0));
    }

    #[test]
    fn depth() {
        assert_eq!(load("1").depth(), 0);
        assert_eq!(load("[]").depth(), 1);
        assert_eq!(load(r#"[1,{"a":[[]]},[]]"#).depth(), 4);
    }

    #[test]
    fn writes_deep_trees_without_recursion() {
        let n = 200_000;
        let mut v = Value::Null;
        for _ in 0..n {
            v = Value::Array(vec![v]);
        }
        let mut out = Vec::new();
        write_value(&v, true, &mut out).unwrap();
        assert_eq!(
            out,
            format!("{}null{}", "[".repeat(n), "]".repeat(n)).as_bytes()
        );
        // Dropping is recursive: unwrap by hand.
        while let Value::Array(mut items) = v {
            v = items.pop().unwrap_or(Value::Null);
        }
    }
}
