//! Unit tests of the JSON writer.

use super::*;

fn f(v: f64) -> String {
    let mut out = Vec::new();
    write_float(v, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn i(v: i64) -> String {
    let mut out = Vec::new();
    write_i64(v, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn ints() {
    for v in [
        0i64,
        1,
        -1,
        9,
        10,
        -10,
        99,
        100,
        101,
        12345,
        -987654321,
        i64::MAX,
        i64::MIN,
        i64::MIN + 1,
        1_000_000_000_000_000_000,
    ] {
        assert_eq!(i(v), v.to_string());
    }
    let mut out = Vec::new();
    write_u64(u64::MAX, &mut out).unwrap();
    assert_eq!(out, b"18446744073709551615");
    // Every power of ten and its neighbours.
    let mut p: i64 = 1;
    for _ in 0..19 {
        for d in [-1, 0, 1] {
            assert_eq!(i(p + d), (p + d).to_string());
            assert_eq!(i(-(p + d)), (-(p + d)).to_string());
        }
        p = p.saturating_mul(10);
    }
}

#[test]
fn float_specials() {
    assert_eq!(f(f64::NAN), "NaN");
    assert_eq!(f(-f64::NAN), "NaN");
    assert_eq!(f(f64::INFINITY), "Infinity");
    assert_eq!(f(f64::NEG_INFINITY), "-Infinity");
    assert_eq!(f(0.0), "0.0");
    assert_eq!(f(-0.0), "-0.0");
}

use super::py_vectors::PY_REPR;

#[test]
fn float_repr_matches_cpython_vectors() {
    assert!(PY_REPR.len() > 300);
    for &(bits, want) in PY_REPR {
        assert_eq!(f(f64::from_bits(bits)), want, "bits {bits:#018x}");
    }
}

#[test]
fn float_layout_examples() {
    // All from CPython 3.11 repr().
    let cases: &[(f64, &str)] = &[
        (1e16, "1e+16"),
        (1e15, "1000000000000000.0"),
        (1e-5, "1e-05"),
        (1.5e-7, "1.5e-07"),
        (123.0, "123.0"),
        (5e-324, "5e-324"),
        (f64::MAX, "1.7976931348623157e+308"),
        (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
        (0.0001, "0.0001"),
        (0.00012345, "0.00012345"),
        (0.1, "0.1"),
        (0.30000000000000004, "0.30000000000000004"),
        (1.0, "1.0"),
        (-1.5, "-1.5"),
        (1234567890123456.7, "1234567890123456.8"),
        (9007199254740993.0, "9007199254740992.0"),
        (12345678901234567.0, "1.2345678901234568e+16"),
        (1e100, "1e+100"),
        (1.25e-100, "1.25e-100"),
        (100.0, "100.0"),
        (2.5, "2.5"),
        (1e22, "1e+22"),
        (1e23, "1e+23"),
    ];
    for &(v, want) in cases {
        assert_eq!(f(v), want);
    }
}

fn s_utf8(s: &str, a: bool) -> String {
    let mut out = Vec::new();
    write_str_utf8(s, a, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Runs every applicable writer on the code points and checks they agree.
fn all_kinds(cps: &[u32], a: bool) -> Result<String, StrError> {
    let mut out4 = b"pre".to_vec();
    let r4 = write_str_ucs4(cps, a, &mut out4);
    if r4.is_err() {
        assert_eq!(out4, b"pre", "output restored on error");
    }
    if cps.iter().all(|&c| c <= 0xFFFF) {
        let u16s: Vec<u16> = cps.iter().map(|&c| c as u16).collect();
        let mut out2 = b"pre".to_vec();
        let r2 = write_str_ucs2(&u16s, a, &mut out2);
        assert_eq!(r2, r4);
        assert_eq!(out2, out4);
    }
    if cps.iter().all(|&c| c <= 0xFF) {
        let u8s: Vec<u8> = cps.iter().map(|&c| c as u8).collect();
        let mut out1 = b"pre".to_vec();
        write_str_latin1(&u8s, a, &mut out1).unwrap();
        assert_eq!(out1, out4);
    }
    if let Some(s) = cps
        .iter()
        .map(|&c| char::from_u32(c))
        .collect::<Option<String>>()
    {
        let mut out8 = b"pre".to_vec();
        write_str_utf8(&s, a, &mut out8).unwrap();
        assert_eq!(out8, out4);
    }
    r4?;
    Ok(String::from_utf8(out4[3..].to_vec()).unwrap())
}

#[test]
fn string_escapes_match_cpython() {
    // Expected outputs from CPython 3.11 json.dumps(s, ensure_ascii=...).
    let cases: &[(&[u32], &str, Option<&str>)] = &[
        (&[], r#""""#, Some(r#""""#)),
        (
            &[0x22, 0x5C, 0x2F, 0x0A, 0x0D, 0x09, 0x08, 0x0C],
            r#""\"\\/\n\r\t\b\f""#,
            Some(r#""\"\\/\n\r\t\b\f""#),
        ),
        (
            &[0x00, 0x01, 0x1F, 0x0B],
            r#""\u0000\u0001\u001f\u000b""#,
            Some(r#""\u0000\u0001\u001f\u000b""#),
        ),
        (
            &[0x7E, 0x7F, 0x80, 0xFF],
            r#""~\u007f\u0080\u00ff""#,
            Some("\"~\u{7f}\u{80}\u{ff}\""),
        ),
        (
            &[0xE9, 0x20AC, 0xFFFF],
            r#""\u00e9\u20ac\uffff""#,
            Some("\"\u{e9}\u{20ac}\u{ffff}\""),
        ),
        (&[0x1F600], r#""\ud83d\ude00""#, Some("\"\u{1f600}\"")),
        (
            &[0x10000, 0x10FFFF],
            r#""\ud800\udc00\udbff\udfff""#,
            Some("\"\u{10000}\u{10ffff}\""),
        ),
        (&[0xD800], r#""\ud800""#, None),
        (&[0x61, 0xDFFF, 0x62], r#""a\udfffb""#, None),
        (&[0xD83D, 0xDE00], r#""\ud83d\ude00""#, None),
        (&[0x3C, 0x3E, 0x26, 0x27], r#""<>&'""#, Some(r#""<>&'""#)),
    ];
    for (cps, ascii, raw) in cases {
        assert_eq!(all_kinds(cps, true).unwrap(), *ascii, "{cps:x?}");
        match raw {
            Some(r) => assert_eq!(all_kinds(cps, false).unwrap(), *r, "{cps:x?}"),
            None => assert_eq!(all_kinds(cps, false), Err(StrError::LoneSurrogate)),
        }
    }
}

#[test]
fn string_long_runs_and_lanes() {
    let long: String = "abcdefghij".repeat(50);
    assert_eq!(s_utf8(&long, true), format!("\"{long}\""));
    // An escape in every position relative to an 8-byte word.
    for pos in 0..24 {
        let mut s: Vec<char> = "x".repeat(24).chars().collect();
        s[pos] = 'é';
        let s: String = s.into_iter().collect();
        let want_a = format!("\"{}\"", s.replace('é', "\\u00e9"));
        assert_eq!(s_utf8(&s, true), want_a);
        assert_eq!(s_utf8(&s, false), format!("\"{s}\""));
        let cps: Vec<u32> = s.chars().map(|c| c as u32).collect();
        assert_eq!(all_kinds(&cps, true).unwrap(), want_a);
    }
}

#[test]
fn invalid_code_points_do_not_panic() {
    let mut out = Vec::new();
    assert_eq!(
        write_str_ucs4(&[0x110000, u32::MAX], false, &mut out),
        Err(StrError::LoneSurrogate)
    );
    assert!(out.is_empty());
    assert!(write_str_ucs4(&[0x110000, u32::MAX], true, &mut out).is_ok());
}

#[test]
fn appends_without_clobbering() {
    let mut out = b"[".to_vec();
    write_i64(-5, &mut out).unwrap();
    out.push(b',');
    write_float(0.5, &mut out).unwrap();
    out.push(b',');
    write_str_utf8("k", true, &mut out).unwrap();
    out.push(b']');
    assert_eq!(out, b"[-5,0.5,\"k\"]");
}

#[test]
fn escapes_keep_room_for_the_rest() {
    // Escapes everywhere: each one grows `out` for itself and what is left.
    for n in [1usize, 7, 64, 1000] {
        let cps: Vec<u32> = (0..n as u32)
            .map(|i| [0x0A, 0xE9, 0x1F600, 0x41][i as usize % 4])
            .collect();
        let want = all_kinds(&cps, true).unwrap();
        let mut out = Vec::new();
        write_str_ucs4(&cps, true, &mut out).unwrap();
        assert_eq!(out, want.as_bytes());
    }
}
