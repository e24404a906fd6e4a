//! `json::parse` (CPython's `json.loads` subset) on arbitrary text, with a
//! checking builder around the crate's value tree (`json::value`).
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

use std::convert::Infallible;

use flask_fastsession::json::parse::{parse, Builder, JsonStr, ParseError};
use flask_fastsession::json::value::{write_value, Value, ValueBuilder};
use libfuzzer_sys::fuzz_target;

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

/// The crate's value tree, built through a builder that checks what the
/// parser hands it. Containers carry a serial number so the builder can
/// check it gets back exactly the ones it handed out.
struct TB<'i> {
    input: &'i str,
    max_depth: usize,
    open: Vec<u64>,
    serial: u64,
    calls: u32,
    refuse: Refuse,
    tree: ValueBuilder,
}

/// The tree's builder never fails.
fn built<T>(r: Result<T, Infallible>) -> T {
    match r {
        Ok(v) => v,
        Err(never) => match never {},
    }
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

    fn check_str(s: JsonStr<'_>) {
        if let JsonStr::CodePoints(cps) = s {
            assert!(
                cps.iter().any(|c| (0xD800..0xE000).contains(c)),
                "CodePoints without a surrogate: {cps:?}"
            );
            assert!(cps.iter().all(|&c| c <= 0x10FFFF));
        }
    }
}

type Arr = (u64, <ValueBuilder as Builder>::Array);
type Obj = (u64, <ValueBuilder as Builder>::Object);

impl Builder for TB<'_> {
    type Value = Value;
    type Array = Arr;
    type Object = Obj;
    type Error = Refused;

    fn null(&mut self) -> Result<Value, Refused> {
        self.call()?;
        Ok(built(self.tree.null()))
    }
    fn boolean(&mut self, v: bool) -> Result<Value, Refused> {
        self.call()?;
        Ok(built(self.tree.boolean(v)))
    }
    fn int(&mut self, v: i64) -> Result<Value, Refused> {
        self.call()?;
        Ok(built(self.tree.int(v)))
    }
    fn big_int(&mut self, digits: &str) -> Result<Value, Refused> {
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
        Ok(built(self.tree.big_int(digits)))
    }
    fn float(&mut self, v: f64) -> Result<Value, Refused> {
        self.call()?;
        if self.refuse == Refuse::Floats {
            return Err(Refused(0));
        }
        Ok(built(self.tree.float(v)))
    }
    fn string(&mut self, s: JsonStr<'_>) -> Result<Value, Refused> {
        self.call()?;
        Self::check_str(s);
        Ok(built(self.tree.string(s)))
    }
    fn start_array(&mut self) -> Result<Arr, Refused> {
        Ok((self.start()?, built(self.tree.start_array())))
    }
    fn array_push(&mut self, a: &mut Arr, v: Value) -> Result<(), Refused> {
        assert_eq!(self.open.last(), Some(&a.0), "push into a closed array");
        self.call()?;
        built(self.tree.array_push(&mut a.1, v));
        Ok(())
    }
    fn end_array(&mut self, a: Arr) -> Result<Value, Refused> {
        self.end(a.0)?;
        Ok(built(self.tree.end_array(a.1)))
    }
    fn start_object(&mut self) -> Result<Obj, Refused> {
        Ok((self.start()?, built(self.tree.start_object())))
    }
    fn object_insert(&mut self, o: &mut Obj, key: JsonStr<'_>, v: Value) -> Result<(), Refused> {
        assert_eq!(self.open.last(), Some(&o.0), "insert into a closed object");
        self.call()?;
        Self::check_str(key);
        built(self.tree.object_insert(&mut o.1, key, v));
        Ok(())
    }
    fn end_object(&mut self, o: Obj) -> Result<Value, Refused> {
        self.end(o.0)?;
        Ok(built(self.tree.end_object(o.1)))
    }
}

fn run(text: &str, max_depth: usize, refuse: Refuse) -> (Result<Value, ParseError<Refused>>, u32) {
    let mut b = TB {
        input: text,
        max_depth,
        open: Vec::new(),
        serial: 0,
        calls: 0,
        refuse,
        // Every entry kept, duplicate keys included: the document as parsed.
        tree: ValueBuilder::new(),
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
            // (ensure_ascii, so lone surrogates are writable.)
            let mut out = Vec::new();
            write_value(v, true, &mut out).expect("ensure_ascii never fails");
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
