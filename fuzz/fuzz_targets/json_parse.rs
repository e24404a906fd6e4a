//! `json::parse` (CPython's `json.loads` subset) on arbitrary text, with a
//! test builder.
//!
//! Input: `[depth, builder_mode, text...]` (text: UTF-8, else lossily
//! converted). `depth` 255 means no limit, else `depth % 72`.
//!
//! Checks:
//! * no panic, no recursion (the parser must use its own stack);
//! * the builder never sees more than `max_depth` open containers, every
//!   container it gets back is one it made, each exactly once;
//! * `JsonStr::CodePoints` only for strings holding a lone surrogate;
//! * a big int is `-?[1-9][0-9]*` from the input and does not fit in i64;
//! * a syntax error position is inside the input;
//! * for an accepted document: re-serialising the value with the crate's
//!   own writers (Python's `json.dumps` format) and parsing again gives the
//!   same value; the document is accepted with `max_depth` = its depth and
//!   rejected as `TooDeep` with one less;
//! * builder errors (injected by `builder_mode`) propagate unchanged.

#![no_main]

use flask_fastsession::json::parse::{parse, Builder, JsonStr, ParseError};
use flask_fastsession::json::write::{write_float, write_i64, write_str_ucs4};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Clone)]
enum V {
    Null,
    Bool(bool),
    Int(i64),
    Big(String),
    Float(f64),
    Str(Vec<u32>),
    Arr(Vec<V>),
    Obj(Vec<(Vec<u32>, V)>),
}

impl PartialEq for V {
    fn eq(&self, other: &V) -> bool {
        match (self, other) {
            (V::Null, V::Null) => true,
            (V::Bool(a), V::Bool(b)) => a == b,
            (V::Int(a), V::Int(b)) => a == b,
            (V::Big(a), V::Big(b)) => a == b,
            // Bit-exact: NaN equals NaN, -0.0 differs from 0.0.
            (V::Float(a), V::Float(b)) => {
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
            }
            (V::Str(a), V::Str(b)) => a == b,
            (V::Arr(a), V::Arr(b)) => a == b,
            (V::Obj(a), V::Obj(b)) => a == b,
            _ => false,
        }
    }
}

impl V {
    /// Nesting depth (0 for scalars), without recursion.
    fn depth(&self) -> usize {
        let mut max = 0;
        let mut todo = vec![(self, 0usize)];
        while let Some((v, d)) = todo.pop() {
            match v {
                V::Arr(items) => {
                    max = max.max(d + 1);
                    todo.extend(items.iter().map(|x| (x, d + 1)));
                }
                V::Obj(items) => {
                    max = max.max(d + 1);
                    todo.extend(items.iter().map(|(_, x)| (x, d + 1)));
                }
                _ => {}
            }
        }
        max
    }
}

/// `json.dumps(v, separators=(",", ":"))` (ensure_ascii, so lone surrogates
/// are writable), without recursion.
fn dump(v: &V, out: &mut Vec<u8>) {
    enum Step<'a> {
        Val(&'a V),
        Raw(&'static [u8]),
        Key(&'a [u32]),
    }
    let mut todo = vec![Step::Val(v)];
    while let Some(step) = todo.pop() {
        match step {
            Step::Raw(s) => out.extend_from_slice(s),
            Step::Key(k) => {
                write_str_ucs4(k, true, out).expect("ensure_ascii never fails");
                out.push(b':');
            }
            Step::Val(v) => match v {
                V::Null => out.extend_from_slice(b"null"),
                V::Bool(true) => out.extend_from_slice(b"true"),
                V::Bool(false) => out.extend_from_slice(b"false"),
                V::Int(i) => write_i64(*i, out).expect("memory"),
                V::Big(d) => out.extend_from_slice(d.as_bytes()),
                V::Float(f) => write_float(*f, out).expect("memory"),
                V::Str(s) => write_str_ucs4(s, true, out).expect("ensure_ascii never fails"),
                V::Arr(items) => {
                    out.push(b'[');
                    todo.push(Step::Raw(b"]"));
                    for (i, x) in items.iter().enumerate().rev() {
                        todo.push(Step::Val(x));
                        if i > 0 {
                            todo.push(Step::Raw(b","));
                        }
                    }
                }
                V::Obj(items) => {
                    out.push(b'{');
                    todo.push(Step::Raw(b"}"));
                    for (i, (k, x)) in items.iter().enumerate().rev() {
                        todo.push(Step::Val(x));
                        todo.push(Step::Key(k));
                        if i > 0 {
                            todo.push(Step::Raw(b","));
                        }
                    }
                }
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refuse {
    Nothing,
    Floats,
    BigInts,
    /// The n-th builder call fails.
    Call(u32),
}

#[derive(Debug, PartialEq, Eq)]
struct Refused(u32);

/// Containers carry a serial number so the builder can check it gets back
/// exactly the ones it handed out.
struct TB<'i> {
    input: &'i str,
    max_depth: usize,
    open: Vec<u64>,
    serial: u64,
    calls: u32,
    refuse: Refuse,
}

impl TB<'_> {
    fn call(&mut self) -> Result<(), Refused> {
        self.calls += 1;
        match self.refuse {
            Refuse::Call(n) if n == self.calls => Err(Refused(n)),
            _ => Ok(()),
        }
    }

    fn start(&mut self) -> Result<u64, Refused> {
        self.call()?;
        self.serial += 1;
        self.open.push(self.serial);
        assert!(
            self.open.len() <= self.max_depth,
            "{} containers open, max_depth {}",
            self.open.len(),
            self.max_depth
        );
        Ok(self.serial)
    }

    /// A container is handed back: it must be the innermost open one.
    fn end(&mut self, id: u64) -> Result<(), Refused> {
        assert_eq!(self.open.pop(), Some(id), "containers closed out of order");
        self.call()
    }

    fn chars(&self, s: JsonStr<'_>) -> Vec<u32> {
        match s {
            JsonStr::Str(s) => s.chars().map(u32::from).collect(),
            JsonStr::CodePoints(cps) => {
                assert!(
                    cps.iter().any(|c| (0xD800..0xE000).contains(c)),
                    "CodePoints without a surrogate: {cps:?}"
                );
                assert!(cps.iter().all(|&c| c <= 0x10FFFF));
                cps.to_vec()
            }
        }
    }
}

impl Builder for TB<'_> {
    type Value = V;
    type Array = (u64, Vec<V>);
    type Object = (u64, Vec<(Vec<u32>, V)>);
    type Error = Refused;

    fn null(&mut self) -> Result<V, Refused> {
        self.call()?;
        Ok(V::Null)
    }
    fn boolean(&mut self, v: bool) -> Result<V, Refused> {
        self.call()?;
        Ok(V::Bool(v))
    }
    fn int(&mut self, v: i64) -> Result<V, Refused> {
        self.call()?;
        Ok(V::Int(v))
    }
    fn big_int(&mut self, digits: &str) -> Result<V, Refused> {
        self.call()?;
        if self.refuse == Refuse::BigInts {
            return Err(Refused(0));
        }
        // Exactly `-?[1-9][0-9]*`, outside i64, and taken from the input.
        let mag = digits.strip_prefix('-').unwrap_or(digits);
        assert!(mag.len() >= 19 && mag.bytes().all(|b| b.is_ascii_digit()));
        assert!(!mag.starts_with('0'), "{digits}");
        assert!(digits.parse::<i64>().is_err(), "{digits} fits in i64");
        assert!(self.input.contains(digits));
        Ok(V::Big(digits.to_owned()))
    }
    fn float(&mut self, v: f64) -> Result<V, Refused> {
        self.call()?;
        if self.refuse == Refuse::Floats {
            return Err(Refused(0));
        }
        Ok(V::Float(v))
    }
    fn string(&mut self, s: JsonStr<'_>) -> Result<V, Refused> {
        self.call()?;
        Ok(V::Str(self.chars(s)))
    }
    fn start_array(&mut self) -> Result<(u64, Vec<V>), Refused> {
        Ok((self.start()?, Vec::new()))
    }
    fn array_push(&mut self, a: &mut (u64, Vec<V>), v: V) -> Result<(), Refused> {
        assert_eq!(self.open.last(), Some(&a.0), "push into a closed array");
        self.call()?;
        a.1.push(v);
        Ok(())
    }
    fn end_array(&mut self, a: (u64, Vec<V>)) -> Result<V, Refused> {
        self.end(a.0)?;
        Ok(V::Arr(a.1))
    }
    fn start_object(&mut self) -> Result<(u64, Vec<(Vec<u32>, V)>), Refused> {
        Ok((self.start()?, Vec::new()))
    }
    fn object_insert(
        &mut self,
        o: &mut (u64, Vec<(Vec<u32>, V)>),
        key: JsonStr<'_>,
        v: V,
    ) -> Result<(), Refused> {
        assert_eq!(self.open.last(), Some(&o.0), "insert into a closed object");
        self.call()?;
        let k = self.chars(key);
        o.1.push((k, v));
        Ok(())
    }
    fn end_object(&mut self, o: (u64, Vec<(Vec<u32>, V)>)) -> Result<V, Refused> {
        self.end(o.0)?;
        Ok(V::Obj(o.1))
    }
}

fn run(text: &str, max_depth: usize, refuse: Refuse) -> (Result<V, ParseError<Refused>>, u32) {
    let mut b = TB {
        input: text,
        max_depth,
        open: Vec::new(),
        serial: 0,
        calls: 0,
        refuse,
    };
    let r = parse(text, &mut b, max_depth);
    if r.is_ok() {
        assert!(b.open.is_empty(), "accepted with containers still open");
    }
    (r, b.calls)
}

fuzz_target!(|data: &[u8]| {
    let (&d, rest) = data.split_first().unwrap_or((&255, &[]));
    let (&m, bytes) = rest.split_first().unwrap_or((&0, &[]));
    let max_depth = if d == 255 { usize::MAX } else { usize::from(d % 72) };
    let owned;
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            owned = String::from_utf8_lossy(bytes).into_owned();
            &owned
        }
    };

    let (r, calls) = run(text, max_depth, Refuse::Nothing);
    match &r {
        Ok(v) => {
            let depth = v.depth();
            assert!(depth <= max_depth);
            // Accepted exactly down to its own depth.
            assert_eq!(run(text, depth, Refuse::Nothing).0.as_ref(), Ok(v));
            if depth > 0 {
                assert_eq!(run(text, depth - 1, Refuse::Nothing).0, Err(ParseError::TooDeep));
            }
            // Python's json.dumps of the value parses back to the same value.
            let mut out = Vec::new();
            dump(v, &mut out);
            let again = std::str::from_utf8(&out).expect("ensure_ascii output is ASCII");
            assert_eq!(
                run(again, usize::MAX, Refuse::Nothing).0.as_ref(),
                Ok(v),
                "re-dumped as {again}"
            );
        }
        Err(ParseError::Syntax { position }) => {
            assert!(*position <= text.len(), "position {position} > {}", text.len());
        }
        Err(ParseError::TooDeep) => assert!(max_depth != usize::MAX),
        Err(ParseError::Builder(e)) => panic!("builder never refuses here: {e:?}"),
        Err(ParseError::Alloc(e)) => panic!("fuzz inputs are small: {e}"),
    }

    // Injected builder failures propagate as such and nothing else changes.
    let refuse = match m % 4 {
        0 => Refuse::Floats,
        1 => Refuse::BigInts,
        _ if calls > 0 => Refuse::Call(1 + u32::from(m) % calls),
        _ => Refuse::Nothing,
    };
    let (r2, _) = run(text, max_depth, refuse);
    match (&r, &r2) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (_, Err(ParseError::Builder(Refused(n)))) => {
            if let Refuse::Call(k) = refuse {
                assert_eq!(*n, k);
            }
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        (a, b) => panic!("refusing {refuse:?} turned {a:?} into {b:?}"),
    }
});
