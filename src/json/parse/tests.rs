#![allow(clippy::ignored_unit_patterns)] // builders of `()` values

use super::*;

use crate::json::value::{write_value, JsonString, Value, ValueBuilder};

/// Parses like `json.loads`: duplicate keys merged as Python's `dict` does.
fn p(s: &str) -> Result<Value, ParseError<core::convert::Infallible>> {
    parse(s, &mut ValueBuilder::dict(), 64)
}

/// Parses and re-dumps (ensure_ascii), for comparison with Python's
/// `json.dumps(json.loads(s), separators=(",", ":"))`.
fn rt(s: &str) -> String {
    let v = p(s).unwrap_or_else(|e| panic!("{s:?} rejected: {e:?}"));
    let mut out = Vec::new();
    write_value(&v, true, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn s(x: &str) -> Value {
    Value::Str(x.into())
}

/// A string holding a lone surrogate, as code points.
fn cp(x: &[u32]) -> Value {
    Value::Str(JsonString::CodePoints(x.into()))
}

#[test]
fn scalars() {
    assert_eq!(p("null"), Ok(Value::Null));
    assert_eq!(p(" \t\r\ntrue \n"), Ok(Value::Bool(true)));
    assert_eq!(p("false"), Ok(Value::Bool(false)));
    assert_eq!(p("0"), Ok(Value::Int(0)));
    assert_eq!(p("-0"), Ok(Value::Int(0)));
    assert_eq!(
        p("-0.0").map(|v| format!("{v:?}")),
        Ok("Float(-0.0)".into())
    );
    assert_eq!(p("12"), Ok(Value::Int(12)));
    assert_eq!(p("-12"), Ok(Value::Int(-12)));
    assert_eq!(p("1.5"), Ok(Value::Float(1.5)));
    assert_eq!(p("1E2"), Ok(Value::Float(100.0)));
    assert_eq!(p("1e-2"), Ok(Value::Float(0.01)));
    assert_eq!(p("1e+2"), Ok(Value::Float(100.0)));
    assert_eq!(p("1e999"), Ok(Value::Float(f64::INFINITY)));
    assert_eq!(p("-1e999"), Ok(Value::Float(f64::NEG_INFINITY)));
    assert_eq!(p("1e-999"), Ok(Value::Float(0.0)));
    assert_eq!(p("Infinity"), Ok(Value::Float(f64::INFINITY)));
    assert_eq!(p("-Infinity"), Ok(Value::Float(f64::NEG_INFINITY)));
    assert!(matches!(p("NaN"), Ok(Value::Float(x)) if x.is_nan()));
    assert_eq!(p("\"\""), Ok(s("")));
    assert_eq!(p("\"abc\""), Ok(s("abc")));
}

#[test]
fn int_boundaries() {
    assert_eq!(p("9223372036854775807"), Ok(Value::Int(i64::MAX)));
    assert_eq!(p("-9223372036854775808"), Ok(Value::Int(i64::MIN)));
    assert_eq!(
        p("9223372036854775808"),
        Ok(Value::BigInt("9223372036854775808".into()))
    );
    assert_eq!(
        p("-9223372036854775809"),
        Ok(Value::BigInt("-9223372036854775809".into()))
    );
    assert_eq!(
        p("999999999999999999"),
        Ok(Value::Int(999_999_999_999_999_999))
    );
    assert_eq!(
        p("-999999999999999999"),
        Ok(Value::Int(-999_999_999_999_999_999))
    );
    assert_eq!(
        p("1000000000000000000"),
        Ok(Value::Int(1_000_000_000_000_000_000))
    );
    assert_eq!(
        p("18446744073709551616"),
        Ok(Value::BigInt("18446744073709551616".into()))
    );
    let huge = "1".repeat(500);
    assert_eq!(p(&huge), Ok(Value::BigInt(huge.clone())));
}

#[test]
fn strings_and_escapes() {
    // Expected values from CPython 3.11 json.loads.
    assert_eq!(p(r#""\"\\\/\b\f\n\r\t""#), Ok(s("\"\\/\u{8}\u{c}\n\r\t")));
    assert_eq!(p(r#""\u00e9\u00E9\u20AC""#), Ok(s("éé\u{20ac}")));
    assert_eq!(p(r#""\ud83d\ude00""#), Ok(s("\u{1f600}")));
    assert_eq!(p(r#""\uD83D\uDE00x""#), Ok(s("\u{1f600}x")));
    assert_eq!(p(r#""\ud800""#), Ok(cp(&[0xD800])));
    assert_eq!(p(r#""\udc00\ud800""#), Ok(cp(&[0xDC00, 0xD800])));
    assert_eq!(p(r#""a\ud800b""#), Ok(cp(&[0x61, 0xD800, 0x62])));
    assert_eq!(p(r#""\ud800\u0041""#), Ok(cp(&[0xD800, 0x41])));
    assert_eq!(p(r#""\ud800\ud800\udc00""#), Ok(cp(&[0xD800, 0x10000])));
    assert_eq!(p(r#""\ud800\n""#), Ok(cp(&[0xD800, 0x0A])));
    assert_eq!(p(r#""é\ud800€""#), Ok(cp(&[0xE9, 0xD800, 0x20AC])));
    assert_eq!(p("\"\u{7f}é\u{1f600}\""), Ok(s("\u{7f}é\u{1f600}")));
    assert_eq!(p(r#""\u0000""#), Ok(s("\u{0}")));
}

#[test]
fn containers() {
    assert_eq!(p("[]"), Ok(Value::Array(vec![])));
    assert_eq!(p("[ ]"), Ok(Value::Array(vec![])));
    assert_eq!(p("{}"), Ok(Value::Object(vec![])));
    assert_eq!(p(" { \n} "), Ok(Value::Object(vec![])));
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
        parse(&huge, &mut ValueBuilder::dict(), usize::MAX),
        Err(ParseError::Syntax {
            position: 1_000_000
        })
    );
    assert_eq!(
        parse("[1]", &mut ValueBuilder::dict(), 0),
        Err(ParseError::TooDeep)
    );
    assert_eq!(parse("1", &mut ValueBuilder::dict(), 0), Ok(Value::Int(1)));
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
        fn object_insert(&mut self, _: &mut (), _: JsonStr<'_>, _: ()) -> Result<(), &'static str> {
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
