//! The pure-Rust core of flask-fastsession against a floor of bare primitives.
//!
//! `cargo bench --bench core` (criterion; any criterion filter or option
//! works, e.g. `cargo bench --bench core -- typical`).
//!
//! The payloads are the workloads of `benches/workloads.py`: each
//! `benches/fixtures/<name>.json` holds the JSON stock Flask writes for the
//! session and the cookie stock signs for it (secret key and timestamp
//! included). Before timing anything, this file checks that the core
//! reproduces that cookie byte for byte and loads it back to the same JSON.
//!
//! For each workload:
//! * `dumps/{cold,warm}/core`: the native `dumps` minus the Python object walk:
//!   JSON written from a Rust value tree with `json::write_*`, then
//!   `payload::encode_into` (with `compress::compress_into`) and
//!   `signing::Keys::sign_into`. Cold rotates over 4,096 variant sessions (one
//!   value differs), warm repeats variant 0.
//! * `dumps/{cold,warm}/floor`: the same JSON bytes through the bare
//!   primitives only: one deflate with a reused flate2 compressor, one base64
//!   encode, one HMAC-SHA1 from a cached keyed state. No JSON writing.
//! * `loads/{cold,warm}/core`: `Keys::unsign`, `payload::decode` (base64,
//!   inflate), `json::parse` into a Rust value tree.
//! * `loads/{cold,warm}/floor`: HMAC-SHA1 over the signed part, base64 decode,
//!   one inflate with a reused decompressor. No JSON parsing.
//! * `part/*`: each core function next to its own primitive.
//!
//! At the end, a table of the medians and the core/floor ratios is printed.

use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use criterion::{criterion_group, Criterion};
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use std::fmt::Write as _;

use flask_fastsession::compress::{compress_into, decompress};
use flask_fastsession::encoding::{itsdangerous_b64decode, urlsafe_b64encode_into, B64Mode};
use flask_fastsession::json::{self, JsonString, Value, ValueBuilder};
use flask_fastsession::payload;
use flask_fastsession::signing::{Keys, SALT};

type HmacSha1 = Hmac<Sha1>;

/// Valid cookies decode alike in every mode (the fast path).
const MODE: B64Mode = B64Mode::PADDING_AT_END;

const WORKLOADS: [(&str, &str); 3] = [
    ("small", include_str!("fixtures/small.json")),
    ("typical", include_str!("fixtures/typical.json")),
    ("large", include_str!("fixtures/large.json")),
];
const MAX_DEPTH: usize = 512;

// ---------------------------------------------------------------------------
// The crate's JSON value tree, built by its parser and written by its writers.

fn parse(text: &str) -> Value {
    json::parse(text, &mut ValueBuilder::new(), MAX_DEPTH)
        .unwrap_or_else(|e| panic!("fixture JSON does not parse: {e}"))
}

/// `json.dumps(v, separators=(",", ":"), ensure_ascii=True)` of the tree.
fn write(v: &Value, out: &mut Vec<u8>) {
    json::write_value(v, true, out).expect("memory");
}
fn written(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write(v, &mut out);
    out
}

// ---------------------------------------------------------------------------
// Fixtures

struct Workload {
    name: &'static str,
    timestamp: u64,
    keys: Keys,
    /// Cached keyed HMAC state for the floor (itsdangerous' derived key).
    mac: HmacSha1,
    /// `"." b64(timestamp)`, precomputed for the floor.
    ts_segment: Vec<u8>,
    /// Variant i of the session, as a tree, its JSON and its cookie.
    trees: Vec<Value>,
    jsons: Vec<Vec<u8>>,
    cookies: Vec<Vec<u8>>,
}

fn field<'a>(meta: &'a Value, name: &str) -> &'a Value {
    match meta {
        Value::Object(entries) => entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(name))
            .map_or_else(|| panic!("fixture has no {name:?}"), |(_, v)| v),
        _ => panic!("fixture is not an object"),
    }
}

fn str_field<'a>(meta: &'a Value, name: &str) -> &'a str {
    match field(meta, name) {
        Value::Str(JsonString::Str(s)) => s,
        other => panic!("fixture {name:?} is not a string: {other:?}"),
    }
}

fn int_field(meta: &Value, name: &str) -> i64 {
    match field(meta, name) {
        Value::Int(i) => *i,
        other => panic!("fixture {name:?} is not an int: {other:?}"),
    }
}

/// Variant `i` of the session: `workloads.py`'s rule (an int plus `i`, or a
/// hex token whose last four digits become `i`) applied to `vary_key`.
fn variant(base: &Value, vary_key: &str, i: usize) -> Value {
    let mut tree = base.clone();
    let Value::Object(entries) = &mut tree else {
        panic!("session is not an object")
    };
    let slot = entries
        .iter_mut()
        .find(|(k, _)| k.as_str() == Some(vary_key))
        .map(|(_, v)| v)
        .expect("vary_key present");
    match slot {
        Value::Int(n) => *n += i as i64,
        Value::Str(JsonString::Str(s)) => {
            // workloads.py's _token_variant: `i` added to the last four hex
            // digits, mod 16**4.
            let last = u32::from_str_radix(&s[s.len() - 4..], 16).expect("a hex token");
            s.truncate(s.len() - 4);
            write!(s, "{:04x}", (last + i as u32) % 0x10000).expect("writing to a String");
        }
        other => panic!("cannot vary {other:?}"),
    }
    tree
}

fn derived_mac(secret: &[u8]) -> HmacSha1 {
    let mut derive = <HmacSha1 as KeyInit>::new_from_slice(secret).expect("any key length");
    derive.update(SALT);
    let derived = derive.finalize().into_bytes();
    <HmacSha1 as KeyInit>::new_from_slice(&derived).expect("any key length")
}

/// The core `dumps` of one JSON value tree (everything but the Python walk).
fn core_dumps(keys: &Keys, ts: u64, tree: &Value, bufs: &mut Bufs) {
    bufs.json.clear();
    write(tree, &mut bufs.json);
    core_dumps_json(keys, ts, bufs);
}

/// `bufs.json` -> `bufs.cookie`, as the codec does it with the memo off:
/// `payload::encode_into` with this build's deflate, then `sign_into`.
fn core_dumps_json(keys: &Keys, ts: u64, bufs: &mut Bufs) {
    bufs.payload.clear();
    payload::encode_into(&bufs.json, &mut bufs.payload, compress_into).expect("memory");
    bufs.cookie.clear();
    keys.sign_into(&bufs.payload, ts, &mut bufs.cookie)
        .expect("memory");
}

/// The core `loads`: verify, decode, inflate, parse.
fn core_loads(keys: &Keys, now: i64, cookie: &[u8]) -> Value {
    let unsigned = keys
        .unsign(cookie, Some(31 * 86400), now, MODE)
        .expect("valid");
    let json = payload::decode(unsigned.payload, MODE).expect("payload");
    parse(std::str::from_utf8(&json).expect("utf-8"))
}

#[derive(Default)]
struct Bufs {
    json: Vec<u8>,
    compressed: Vec<u8>,
    payload: Vec<u8>,
    cookie: Vec<u8>,
    scratch: Vec<u8>,
}

fn load(name: &'static str, text: &str) -> Workload {
    let meta = parse(text);
    let secret = str_field(&meta, "secret_key");
    let timestamp = u64::try_from(int_field(&meta, "timestamp")).expect("timestamp");
    let pool = usize::try_from(int_field(&meta, "pool")).expect("pool");
    let vary_key = str_field(&meta, "vary_key");
    let base_json = str_field(&meta, "json");
    let keys = Keys::new(&[secret.as_bytes()]).expect("one key");

    // The core reproduces stock's JSON and cookie, and reads the cookie back.
    let base = parse(base_json);
    assert_eq!(
        written(&base),
        base_json.as_bytes(),
        "{name}: JSON round trip"
    );
    let mut bufs = Bufs::default();
    core_dumps(&keys, timestamp, &base, &mut bufs);
    assert_eq!(
        bufs.cookie,
        str_field(&meta, "cookie").as_bytes(),
        "{name}: core cookie differs from stock's"
    );
    assert_eq!(
        core_loads(&keys, timestamp as i64, &bufs.cookie),
        base,
        "{name}: loads"
    );

    let trees: Vec<Value> = (0..pool).map(|i| variant(&base, vary_key, i)).collect();
    let jsons: Vec<Vec<u8>> = trees.iter().map(written).collect();
    assert_eq!(
        jsons.last().map(Vec::as_slice),
        Some(str_field(&meta, "json_last_variant").as_bytes()),
        "{name}: variants follow workloads.py"
    );
    let cookies = trees
        .iter()
        .map(|t| {
            core_dumps(&keys, timestamp, t, &mut bufs);
            bufs.cookie.clone()
        })
        .collect();
    let ts_bytes = timestamp.to_be_bytes();
    let first = ts_bytes.iter().position(|&b| b != 0).unwrap_or(7);
    let mut ts_segment = b".".to_vec();
    b64(&ts_bytes[first..], &mut ts_segment);
    let w = Workload {
        name,
        timestamp,
        keys,
        mac: derived_mac(secret.as_bytes()),
        ts_segment,
        trees,
        jsons,
        cookies,
    };
    // The floor computes the same cookie: it is a fair floor.
    floor_dumps(&mut Floor::new(), &w, &w.jsons[0], &mut bufs);
    assert_eq!(bufs.cookie, w.cookies[0], "{name}: floor cookie");
    let mut floor = Floor::new();
    assert!(floor_loads(&mut floor, &w.mac, &w.cookies[0], &mut bufs));
    assert_eq!(bufs.json, w.jsons[0], "{name}: floor loads");
    w
}

// ---------------------------------------------------------------------------
// Floors: the bare primitives, state reused across calls.

struct Floor {
    compress: Compress,
    decompress: Decompress,
}

impl Floor {
    fn new() -> Floor {
        Floor {
            compress: Compress::new(Compression::new(6), true),
            decompress: Decompress::new(true),
        }
    }

    fn deflate(&mut self, data: &[u8], out: &mut Vec<u8>) {
        self.compress.reset();
        out.clear();
        out.reserve(data.len() + data.len() / 8 + 64);
        self.compress
            .compress_vec(data, out, FlushCompress::Finish)
            .expect("deflate");
    }

    fn inflate(&mut self, data: &[u8], out: &mut Vec<u8>) {
        self.decompress.reset(true);
        out.clear();
        out.reserve(data.len() * 4 + 64);
        loop {
            let status = self
                .decompress
                .decompress_vec(
                    data.get(self.decompress.total_in() as usize..)
                        .unwrap_or_default(),
                    out,
                    FlushDecompress::Finish,
                )
                .expect("inflate");
            if status == flate2::Status::StreamEnd {
                return;
            }
            out.reserve(out.capacity());
        }
    }
}

fn b64(data: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + data.len().div_ceil(3) * 4, 0);
    let n = URL_SAFE_NO_PAD
        .encode_slice(data, &mut out[start..])
        .expect("sized");
    out.truncate(start + n);
}

/// Floor of a dumps: deflate, base64, HMAC over `payload "." ts`, base64 tag.
fn floor_dumps(floor: &mut Floor, w: &Workload, json: &[u8], bufs: &mut Bufs) {
    floor.deflate(json, &mut bufs.compressed);
    bufs.cookie.clear();
    if bufs.compressed.len() + 1 < json.len() {
        bufs.cookie.push(b'.');
        b64(&bufs.compressed, &mut bufs.cookie);
    } else {
        b64(json, &mut bufs.cookie);
    }
    bufs.cookie.extend_from_slice(&w.ts_segment);
    let mut m = w.mac.clone();
    m.update(&bufs.cookie);
    let tag = m.finalize().into_bytes();
    bufs.cookie.push(b'.');
    b64(&tag, &mut bufs.cookie);
}

/// Floor of a loads: HMAC over the signed part, decode the signature and the
/// payload, inflate.
fn floor_loads(floor: &mut Floor, mac: &HmacSha1, cookie: &[u8], bufs: &mut Bufs) -> bool {
    let cut = cookie.iter().rposition(|&c| c == b'.').expect("sig");
    let (value, sig) = (&cookie[..cut], &cookie[cut + 1..]);
    let sig = URL_SAFE_NO_PAD.decode(sig).expect("sig b64");
    let mut m = mac.clone();
    m.update(value);
    let ok = m.verify_slice(&sig).is_ok();
    let ts_cut = value.iter().rposition(|&c| c == b'.').expect("ts");
    let payload = &value[..ts_cut];
    if let Some(rest) = payload.strip_prefix(b".") {
        {
            bufs.scratch.clear();
            bufs.scratch.resize(rest.len() * 3 / 4 + 3, 0);
            let n = URL_SAFE_NO_PAD
                .decode_slice(rest, &mut bufs.scratch)
                .expect("b64");
            bufs.scratch.truncate(n);
            let compressed = std::mem::take(&mut bufs.scratch);
            floor.inflate(&compressed, &mut bufs.json);
            bufs.scratch = compressed;
        }
    } else {
        {
            bufs.json.clear();
            bufs.json.resize(payload.len() * 3 / 4 + 3, 0);
            let n = URL_SAFE_NO_PAD
                .decode_slice(payload, &mut bufs.json)
                .expect("b64");
            bufs.json.truncate(n);
        }
    }
    ok
}

// ---------------------------------------------------------------------------
// Timing. Criterion times every routine on its own (its usual report,
// baselines and filters apply). Then, for the table, each core routine and
// its floor are re-timed interleaved: rounds of one core block and one floor
// block, in alternating order, so machine noise hits both alike (the method
// of benches/run.py); the table shows the medians over the rounds.

type Routine<'a> = Box<dyn FnMut(usize) + 'a>;

struct Row<'a> {
    /// `<workload>/<operation>`; criterion ids are `<row>/core` and `<row>/floor`
    /// (or just `<row>` when there is no floor).
    id: String,
    json_len: usize,
    core: Routine<'a>,
    floor: Option<Routine<'a>>,
}

/// The variant pool is `POOL` in workloads.py (a power of two).
const MASK: usize = 4095;

fn rows<'a>(w: &'a Workload) -> Vec<Row<'a>> {
    assert_eq!(w.trees.len(), MASK + 1, "pool of 4096");
    let now = w.timestamp as i64;
    let json_len = w.jsons[0].len();
    let row = |op: &str, core: Routine<'a>, floor: Option<Routine<'a>>| -> Row<'a> {
        Row {
            id: format!("{}/{op}", w.name),
            json_len,
            core,
            floor,
        }
    };
    let mut out = Vec::new();
    for (cold, temp) in [(true, "cold"), (false, "warm")] {
        // Cold rotates over the 4,096 variants; warm repeats variant 0.
        let pick = move |i: usize| if cold { i & MASK } else { 0 };
        let mut b = Bufs::default();
        let core: Routine<'_> = Box::new(move |i| {
            core_dumps(&w.keys, w.timestamp, black_box(&w.trees[pick(i)]), &mut b);
            black_box(&b.cookie);
        });
        let (mut b, mut fl) = (Bufs::default(), Floor::new());
        let floor: Routine<'_> = Box::new(move |i| {
            floor_dumps(&mut fl, w, black_box(&w.jsons[pick(i)]), &mut b);
            black_box(&b.cookie);
        });
        out.push(row(&format!("dumps/{temp}"), core, Some(floor)));
        let core: Routine<'_> = Box::new(move |i| {
            black_box(core_loads(&w.keys, now, black_box(&w.cookies[pick(i)])));
        });
        let (mut b, mut fl) = (Bufs::default(), Floor::new());
        let floor: Routine<'_> = Box::new(move |i| {
            black_box(floor_loads(
                &mut fl,
                &w.mac,
                black_box(&w.cookies[pick(i)]),
                &mut b,
            ));
        });
        out.push(row(&format!("loads/{temp}"), core, Some(floor)));
    }

    // The parts, cold, each next to its own primitive.
    let mut b = Bufs::default();
    let core: Routine<'_> = Box::new(move |i| {
        b.compressed.clear();
        compress_into(&w.jsons[i & MASK], &mut b.compressed).expect("memory");
        black_box(&b.compressed);
    });
    let (mut b, mut fl) = (Bufs::default(), Floor::new());
    let floor: Routine<'_> = Box::new(move |i| {
        fl.deflate(&w.jsons[i & MASK], &mut b.compressed);
        black_box(&b.compressed);
    });
    out.push(row("part/compress", core, Some(floor)));

    let mut b = Bufs::default();
    let core: Routine<'_> = Box::new(move |i| {
        b.payload.clear();
        urlsafe_b64encode_into(&w.jsons[i & MASK], &mut b.payload).expect("memory");
        black_box(&b.payload);
    });
    let mut b = Bufs::default();
    let floor: Routine<'_> = Box::new(move |i| {
        b.payload.clear();
        b64(&w.jsons[i & MASK], &mut b.payload);
        black_box(&b.payload);
    });
    out.push(row("part/b64 encode", core, Some(floor)));

    // Signing: the JSON stands in for the payload segment.
    let mut b = Bufs::default();
    let core: Routine<'_> = Box::new(move |i| {
        b.cookie.clear();
        w.keys
            .sign_into(&w.jsons[i & MASK], w.timestamp, &mut b.cookie)
            .expect("memory");
        black_box(&b.cookie);
    });
    let mut b = Bufs::default();
    let floor: Routine<'_> = Box::new(move |i| {
        b.cookie.clear();
        b.cookie.extend_from_slice(&w.jsons[i & MASK]);
        b.cookie.extend_from_slice(&w.ts_segment);
        let mut m = w.mac.clone();
        m.update(&b.cookie);
        let tag = m.finalize().into_bytes();
        b.cookie.push(b'.');
        b64(&tag, &mut b.cookie);
        black_box(&b.cookie);
    });
    out.push(row("part/sign", core, Some(floor)));

    let core: Routine<'_> = Box::new(move |i| {
        black_box(
            w.keys
                .unsign(&w.cookies[i & MASK], Some(31 * 86400), now, MODE)
                .is_ok(),
        );
    });
    let floor: Routine<'_> = Box::new(move |i| {
        let cookie = &w.cookies[i & MASK];
        let cut = cookie.iter().rposition(|&c| c == b'.').unwrap_or(0);
        let sig = URL_SAFE_NO_PAD
            .decode(cookie.get(cut + 1..).unwrap_or_default())
            .unwrap_or_default();
        let mut m = w.mac.clone();
        m.update(cookie.get(..cut).unwrap_or_default());
        black_box(m.verify_slice(&sig).is_ok());
    });
    out.push(row("part/unsign", core, Some(floor)));

    // Decoding: the payload segment's base64, then its inflate.
    let mut fl = Floor::new();
    let compressed: Vec<Vec<u8>> = w
        .jsons
        .iter()
        .map(|j| {
            let mut c = Vec::new();
            fl.deflate(j, &mut c);
            c
        })
        .collect();
    let encoded: Vec<Vec<u8>> = compressed
        .iter()
        .map(|c| {
            let mut e = Vec::new();
            b64(c, &mut e);
            e
        })
        .collect();
    let core: Routine<'_> = Box::new(move |i| {
        black_box(itsdangerous_b64decode(&encoded[i & MASK], MODE).is_ok());
    });
    let encoded: Vec<Vec<u8>> = compressed
        .iter()
        .map(|c| {
            let mut e = Vec::new();
            b64(c, &mut e);
            e
        })
        .collect();
    let mut b = Bufs::default();
    let floor: Routine<'_> = Box::new(move |i| {
        let e = &encoded[i & MASK];
        b.scratch.clear();
        b.scratch.resize(e.len() * 3 / 4 + 3, 0);
        black_box(URL_SAFE_NO_PAD.decode_slice(e, &mut b.scratch).is_ok());
    });
    out.push(row("part/b64 decode", core, Some(floor)));
    let compressed_floor = compressed.clone();
    let core: Routine<'_> = Box::new(move |i| {
        black_box(decompress(&compressed[i & MASK]).is_ok());
    });
    let (mut b, mut fl) = (Bufs::default(), Floor::new());
    let floor: Routine<'_> = Box::new(move |i| {
        fl.inflate(&compressed_floor[i & MASK], &mut b.json);
        black_box(&b.json);
    });
    out.push(row("part/decompress", core, Some(floor)));

    let mut b = Bufs::default();
    let core: Routine<'_> = Box::new(move |i| {
        b.json.clear();
        write(&w.trees[i & MASK], &mut b.json);
        black_box(&b.json);
    });
    out.push(row("part/json write", core, None));
    let core: Routine<'_> = Box::new(move |i| {
        black_box(parse(
            std::str::from_utf8(&w.jsons[i & MASK]).unwrap_or_default(),
        ));
    });
    out.push(row("part/json parse", core, None));
    out
}

/// This thread's CPU time (Linux): time the scheduler gives to other
/// processes on a busy machine is not counted. `CORE_BENCH_CLOCK=wall`
/// switches to wall time (`Instant`), as do other platforms.
#[cfg(target_os = "linux")]
fn thread_cpu_time() -> Option<Duration> {
    #[repr(C)]
    struct Timespec {
        tv_sec: std::ffi::c_long,
        tv_nsec: std::ffi::c_long,
    }
    extern "C" {
        fn clock_gettime(clock: std::ffi::c_int, tp: *mut Timespec) -> std::ffi::c_int;
    }
    const CLOCK_THREAD_CPUTIME_ID: std::ffi::c_int = 3;
    let mut ts = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &raw mut ts) };
    (rc == 0).then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

#[cfg(not(target_os = "linux"))]
fn thread_cpu_time() -> Option<Duration> {
    None
}

fn use_cpu_clock() -> bool {
    static CPU: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *CPU.get_or_init(|| {
        std::env::var("CORE_BENCH_CLOCK").as_deref() != Ok("wall") && thread_cpu_time().is_some()
    })
}

/// Runs `f` for i in 0..n, returns the time taken (see [`thread_cpu_time`]).
fn block(f: &mut dyn FnMut(usize), n: u64) -> Duration {
    if use_cpu_clock() {
        let start = thread_cpu_time().unwrap_or_default();
        for i in 0..n {
            f(i as usize);
        }
        thread_cpu_time().unwrap_or_default().saturating_sub(start)
    } else {
        let start = Instant::now();
        for i in 0..n {
            f(i as usize);
        }
        start.elapsed()
    }
}

/// Iterations per block so one block lasts about `target`.
fn calibrate(f: &mut dyn FnMut(usize), target: Duration) -> u64 {
    let mut n = 1u64;
    loop {
        let t = block(f, n);
        if t >= Duration::from_millis(2) || n >= 1 << 26 {
            let per = t.as_nanos().max(1) as f64 / n as f64;
            return ((target.as_nanos() as f64 / per) as u64).max(1);
        }
        n *= 4;
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Median ns per call of core and of floor, timed in alternating blocks, and
/// the median of the per-round core/floor ratios.
fn interleaved(row: &mut Row<'_>, rounds: usize, target: Duration) -> (f64, Option<(f64, f64)>) {
    let n_core = calibrate(&mut *row.core, target);
    let n_floor = row.floor.as_mut().map(|f| calibrate(&mut **f, target));
    let (mut core, mut floor) = (Vec::new(), Vec::new());
    for r in 0..rounds {
        let mut run_core = || {
            let t = block(&mut *row.core, n_core);
            core.push(t.as_nanos() as f64 / n_core as f64);
        };
        if r % 2 == 0 {
            run_core();
        }
        if let (Some(f), Some(n)) = (row.floor.as_mut(), n_floor) {
            let t = block(&mut **f, n);
            floor.push(t.as_nanos() as f64 / n as f64);
        }
        if r % 2 == 1 {
            run_core();
        }
    }
    let ratios = core.iter().zip(&floor).map(|(c, f)| c / f).collect();
    let floor = (!floor.is_empty()).then(|| (median(floor), median(ratios)));
    (median(core), floor)
}

fn benches(c: &mut Criterion) {
    let workloads: Vec<Workload> = WORKLOADS
        .iter()
        .map(|(name, text)| load(name, text))
        .collect();
    println!(
        "identity check ok: the core writes stock's JSON and cookie for {} and reads them back; \
         so does the floor",
        WORKLOADS.map(|(n, _)| n).join(", ")
    );
    let mut all: Vec<Row<'_>> = workloads.iter().flat_map(rows).collect();
    let mut ran = Vec::new();
    for row in &mut all {
        let mut any = false;
        let mut bench = |id: String, f: &mut Routine<'_>| {
            c.bench_function(&id, |b| {
                any = true;
                b.iter_custom(|iters| block(&mut **f, iters));
            });
        };
        match row.floor.as_mut() {
            Some(floor) => {
                bench(format!("{}/core", row.id), &mut row.core);
                bench(format!("{}/floor", row.id), floor);
            }
            None => bench(row.id.clone(), &mut row.core),
        }
        ran.push(any);
    }
    // As criterion does: without `--bench` (cargo test), or in list, test or
    // profile mode, the routines only run once; no table then.
    let args: Vec<String> = std::env::args().collect();
    let table_wanted = args.iter().any(|a| a == "--bench")
        && !args
            .iter()
            .any(|a| a == "--test" || a == "--list" || a.starts_with("--profile-time"));
    let selected: Vec<&mut Row<'_>> = all
        .iter_mut()
        .zip(ran)
        .filter_map(|(row, ran)| ran.then_some(row))
        .collect();
    if table_wanted && !selected.is_empty() {
        print_table(selected);
    }
}

fn fmt_ns(ns: f64) -> String {
    if ns < 10_000.0 {
        format!("{ns:.0} ns")
    } else {
        format!("{:.1} µs", ns / 1000.0)
    }
}

const ROUNDS: usize = 41;
const BLOCK: Duration = Duration::from_millis(5);

fn print_table(rows: Vec<&mut Row<'_>>) {
    eprintln!(
        "\ntiming core vs floor interleaved ({ROUNDS} rounds of ~{BLOCK:?} blocks per side)..."
    );
    let mut lines = vec![
        "| workload | operation | JSON B | core | floor | core / floor |".to_owned(),
        "|---|---|---:|---:|---:|---:|".to_owned(),
    ];
    for row in rows {
        let (core, floor) = interleaved(row, ROUNDS, BLOCK);
        let (workload, op) = row.id.split_once('/').unwrap_or((&row.id, ""));
        let last = match floor {
            Some((floor, ratio)) => format!("{} | {ratio:.2}×", fmt_ns(floor)),
            None => format!(" | {:.0} MB/s", row.json_len as f64 / core * 1000.0),
        };
        lines.push(format!(
            "| {workload} | {op} | {} | {} | {last} |",
            row.json_len,
            fmt_ns(core)
        ));
    }
    println!("\n## Rust core vs floor (median ns per call, interleaved)\n");
    for line in lines {
        println!("{line}");
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "\ncore / floor = the core's cost over the bare primitives (deflate with a reused \
         compressor, base64, HMAC-SHA1 from a cached key); dumps/loads core also write/parse \
         the JSON, which the floor does not. Times: medians over {ROUNDS} interleaved rounds; \
         ratio: median of the per-round ratios. Clock: {}. Load average at the end: {}",
        if use_cpu_clock() {
            "this thread's CPU time"
        } else {
            "wall time"
        },
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(30)
}

criterion_group! {
    name = core_benches;
    config = config();
    targets = benches
}

fn main() {
    core_benches();
    Criterion::default().configure_from_args().final_summary();
}
