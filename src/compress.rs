//! `zlib.compress(data)` and `zlib.decompress(data)` as CPython 3.11 does them.
//!
//! Byte identity with CPython requires the same zlib library (flate2 built on
//! the system zlib, see Cargo.toml) and the same parameters: level 6 (CPython
//! passes `Z_DEFAULT_COMPRESSION`, which zlib maps to 6), zlib wrapper,
//! 15 window bits, memory level 8, default strategy. flate2's `Compress::new`
//! uses exactly those.
//!
//! One compressor and one decompressor are kept per thread and reset before
//! each use: creating a deflate stream costs ~35 µs (allocation of ~256 KiB),
//! more than compressing a typical session.
//!
//! Output buffers grow fallibly ([`crate::buf`]); zlib's own allocations go
//! through flate2's allocator hook, which reports failure to zlib
//! (`Z_MEM_ERROR`) rather than aborting.

use core::cell::RefCell;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use crate::buf::{self, AllocError};

/// Why `decompress` gave up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecompressError {
    /// `zlib.decompress` fails (`zlib.error`): corrupt data, a preset
    /// dictionary, an incomplete/truncated stream (or zlib out of memory).
    Invalid,
    /// The output buffer could not grow.
    Alloc(AllocError),
}

impl From<AllocError> for DecompressError {
    fn from(e: AllocError) -> Self {
        DecompressError::Alloc(e)
    }
}

impl core::fmt::Display for DecompressError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DecompressError::Invalid => f.write_str("Error while decompressing data"),
            DecompressError::Alloc(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for DecompressError {}

thread_local! {
    static COMPRESSOR: RefCell<Compress> = RefCell::new(new_compressor());
    static DECOMPRESSOR: RefCell<Decompress> = RefCell::new(Decompress::new(true));
}

/// zlib is fed at most `u32::MAX` bytes per call (`avail_in` is 32 bits).
const MAX_CHUNK: usize = u32::MAX as usize;

/// A level-6, zlib-wrapped, 15-bit-window deflate stream.
fn new_compressor() -> Compress {
    Compress::new(Compression::new(6), true)
}

/// Appends `zlib.compress(data)` (level 6, zlib wrapper) to `out`.
///
/// Uses this thread's compressor, reset before use. If that one is
/// unavailable (thread-local storage being torn down) or reports a stream
/// error (which zlib never does for a valid stream), a fresh compressor is
/// used instead.
///
/// # Errors
///
/// [`AllocError`] when `out` cannot grow (`out` is then as it was).
///
/// # Panics
///
/// If a freshly initialised zlib stream reports a stream error, or cannot be
/// initialised (flate2 asserts); neither happens with a working zlib and
/// memory for its state.
pub fn compress_into(data: &[u8], out: &mut Vec<u8>) -> Result<(), AllocError> {
    let start = out.len();
    let pooled = COMPRESSOR.try_with(|cell| match cell.try_borrow_mut() {
        Ok(mut c) => {
            c.reset();
            Some(deflate_all(&mut c, data, out))
        }
        Err(_) => None,
    });
    match pooled {
        Ok(Some(Ok(()))) => return Ok(()),
        Ok(Some(Err(Deflate::Alloc(e)))) => {
            out.truncate(start);
            return Err(e);
        }
        _ => out.truncate(start),
    }
    match deflate_all(&mut new_compressor(), data, out) {
        Ok(()) => Ok(()),
        Err(Deflate::Alloc(e)) => {
            out.truncate(start);
            Err(e)
        }
        Err(Deflate::Stream) => panic!("zlib reported a stream error on a fresh deflate stream"),
    }
}

/// Why [`deflate_all`] stopped.
enum Deflate {
    /// The stream reported an error (or made no progress).
    Stream,
    Alloc(AllocError),
}

/// Runs a (reset) compressor over all of `data` with `Z_FINISH`, growing
/// `out` as needed. Input larger than `u32::MAX` bytes is fed in chunks with
/// `Z_NO_FLUSH` first, as CPython does.
fn deflate_all(c: &mut Compress, data: &[u8], out: &mut Vec<u8>) -> Result<(), Deflate> {
    // zlib's deflateBound for these parameters is about n + n/1000 + 20;
    // this covers it, so a single call usually suffices.
    buf::reserve(out, data.len() + data.len() / 8 + 64).map_err(Deflate::Alloc)?;
    loop {
        let consumed = usize::try_from(c.total_in()).map_err(|_| Deflate::Stream)?;
        let rest = data.get(consumed..).ok_or(Deflate::Stream)?;
        let flush = if rest.len() > MAX_CHUNK {
            FlushCompress::None
        } else {
            FlushCompress::Finish
        };
        if out.len() == out.capacity() {
            let grow = out.capacity().max(64);
            buf::reserve(out, grow).map_err(Deflate::Alloc)?;
        }
        let (before_in, before_out) = (c.total_in(), c.total_out());
        match c.compress_vec(rest, out, flush) {
            Ok(Status::StreamEnd) => return Ok(()),
            Ok(Status::Ok | Status::BufError) => {
                let progressed = c.total_in() != before_in || c.total_out() != before_out;
                // With output space left, zlib always makes progress; no
                // progress with free space means the stream is broken.
                if !progressed && out.len() < out.capacity() {
                    return Err(Deflate::Stream);
                }
            }
            Err(_) => return Err(Deflate::Stream),
        }
    }
}

/// `zlib.decompress(data)` (CPython 3.11, `wbits=15`): inflates a zlib stream
/// until its end. Bytes after the end of the stream are ignored, as CPython
/// ignores them; corrupt data, a preset-dictionary stream, or input that ends
/// before the stream does is an error. The output size is bounded only by
/// memory, as in CPython.
///
/// # Errors
///
/// [`DecompressError::Invalid`] where CPython raises `zlib.error`,
/// [`DecompressError::Alloc`] when the output cannot grow.
pub fn decompress(data: &[u8]) -> Result<Vec<u8>, DecompressError> {
    let pooled = DECOMPRESSOR.try_with(|cell| match cell.try_borrow_mut() {
        Ok(mut d) => {
            d.reset(true);
            Some(inflate_all(&mut d, data))
        }
        Err(_) => None,
    });
    match pooled {
        Ok(Some(result)) => result,
        _ => inflate_all(&mut Decompress::new(true), data),
    }
}

/// Runs a (reset) decompressor over `data` until `Z_STREAM_END`.
fn inflate_all(d: &mut Decompress, data: &[u8]) -> Result<Vec<u8>, DecompressError> {
    let mut out = buf::with_capacity(data.len().saturating_mul(4).clamp(256, 1 << 20))?;
    loop {
        let consumed = usize::try_from(d.total_in()).map_err(|_| DecompressError::Invalid)?;
        let rest = data.get(consumed..).ok_or(DecompressError::Invalid)?;
        let chunk = &rest[..rest.len().min(MAX_CHUNK)];
        if out.len() == out.capacity() {
            // Double, so a large output costs O(n) copying overall.
            let grow = out.capacity().max(256);
            buf::reserve(&mut out, grow)?;
        }
        let (before_in, before_out) = (d.total_in(), d.total_out());
        let status = d
            .decompress_vec(chunk, &mut out, FlushDecompress::None)
            .map_err(|_| DecompressError::Invalid)?;
        if status == Status::StreamEnd {
            return Ok(out);
        }
        let output_full = out.len() == out.capacity();
        let input_done = d.total_in() >= data.len() as u64;
        let progressed = d.total_in() != before_in || d.total_out() != before_out;
        if !output_full && (input_done || !progressed) {
            // All input consumed (or zlib cannot go on) before the end of
            // the stream: CPython's "incomplete or truncated stream".
            return Err(DecompressError::Invalid);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compress(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        compress_into(data, &mut out).unwrap();
        out
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// (input, `zlib.compress(input).hex()`) produced by CPython 3.11.7
    /// (`zlib.ZLIB_RUNTIME_VERSION` 1.2.13).
    const PY_VECTORS: &[(&[u8], &str)] = &[
        (b"", "789c030000000001"),
        (b"a", "789c4b040000620062"),
        (b"abc", "789c4b4c4a0600024d0127"),
        (b"{\x22_permanent\x22:true}", "789cab568a2f482dca4dcc4bcd2b51b22a292a4dad050048490760"),
        (b"{\x22_flashes\x22:[{\x22 t\x22:[\x22message\x22,\x22Logged in\x22]}],\x22_fresh\x22:true,\x22_id\x22:\x22b1f4e5c2d0a9\x22,\x22_user_id\x22:\x2242\x22,\x22csrf_token\x22:\x226f1c0f9a1d2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d\x22}", "789c258b410e83201045af6266ed42106de10cbd8131069819346d35617065bc7b49bafa79fffd7fc1c21f2f2b09b8e982a6d4802f89f844d0c2eb4889b0d97698efb9addb4cb2822bf9a44a1b8283a0d8d0103576ded6c7720ae5bf31ba7294cc4b39deb4d76664153bb65ea10e7d3438d0c80fff0c3676a84873ef4d18e28870ff006fdb2f30"),
        (b"{\x22cart\x22:[{\x22sku\x22:\x22SKU-0000\x22,\x22qty\x22:1,\x22price\x22:0.0},{\x22sku\x22:\x22SKU-0001\x22,\x22qty\x22:2,\x22price\x22:1.25},{\x22sku\x22:\x22SKU-0002\x22,\x22qty\x22:3,\x22price\x22:2.5},{\x22sku\x22:\x22SKU-0003\x22,\x22qty\x22:4,\x22price\x22:3.75},{\x22sku\x22:\x22SKU-0004\x22,\x22qty\x22:5,\x22price\x22:5.0},{\x22sku\x22:\x22SKU-0005\x22,\x22qty\x22:1,\x22price\x22:6.25},{\x22sku\x22:\x22SKU-0006\x22,\x22qty\x22:2,\x22price\x22:7.5},{\x22sku\x22:\x22SKU-0007\x22,\x22qty\x22:3,\x22price\x22:8.75},{\x22sku\x22:\x22SKU-0008\x22,\x22qty\x22:4,\x22price\x22:10.0},{\x22sku\x22:\x22SKU-0009\x22,\x22qty\x22:5,\x22price\x22:11.25},{\x22sku\x22:\x22SKU-0010\x22,\x22qty\x22:1,\x22price\x22:12.5},{\x22sku\x22:\x22SKU-0011\x22,\x22qty\x22:2,\x22price\x22:13.75},{\x22sku\x22:\x22SKU-0012\x22,\x22qty\x22:3,\x22price\x22:15.0},{\x22sku\x22:\x22SKU-0013\x22,\x22qty\x22:4,\x22price\x22:16.25},{\x22sku\x22:\x22SKU-0014\x22,\x22qty\x22:5,\x22price\x22:17.5},{\x22sku\x22:\x22SKU-0015\x22,\x22qty\x22:1,\x22price\x22:18.75},{\x22sku\x22:\x22SKU-0016\x22,\x22qty\x22:2,\x22price\x22:20.0},{\x22sku\x22:\x22SKU-0017\x22,\x22qty\x22:3,\x22price\x22:21.25},{\x22sku\x22:\x22SKU-0018\x22,\x22qty\x22:4,\x22price\x22:22.5},{\x22sku\x22:\x22SKU-0019\x22,\x22qty\x22:5,\x22price\x22:23.75},{\x22sku\x22:\x22SKU-0020\x22,\x22qty\x22:1,\x22price\x22:25.0},{\x22sku\x22:\x22SKU-0021\x22,\x22qty\x22:2,\x22price\x22:26.25},{\x22sku\x22:\x22SKU-0022\x22,\x22qty\x22:3,\x22price\x22:27.5},{\x22sku\x22:\x22SKU-0023\x22,\x22qty\x22:4,\x22price\x22:28.75},{\x22sku\x22:\x22SKU-0024\x22,\x22qty\x22:5,\x22price\x22:30.0},{\x22sku\x22:\x22SKU-0025\x22,\x22qty\x22:1,\x22price\x22:31.25},{\x22sku\x22:\x22SKU-0026\x22,\x22qty\x22:2,\x22price\x22:32.5},{\x22sku\x22:\x22SKU-0027\x22,\x22qty\x22:3,\x22price\x22:33.75},{\x22sku\x22:\x22SKU-0028\x22,\x22qty\x22:4,\x22price\x22:35.0},{\x22sku\x22:\x22SKU-0029\x22,\x22qty\x22:5,\x22price\x22:36.25},{\x22sku\x22:\x22SKU-0030\x22,\x22qty\x22:1,\x22price\x22:37.5},{\x22sku\x22:\x22SKU-0031\x22,\x22qty\x22:2,\x22price\x22:38.75},{\x22sku\x22:\x22SKU-0032\x22,\x22qty\x22:3,\x22price\x22:40.0},{\x22sku\x22:\x22SKU-0033\x22,\x22qty\x22:4,\x22price\x22:41.25},{\x22sku\x22:\x22SKU-0034\x22,\x22qty\x22:5,\x22price\x22:42.5},{\x22sku\x22:\x22SKU-0035\x22,\x22qty\x22:1,\x22price\x22:43.75},{\x22sku\x22:\x22SKU-0036\x22,\x22qty\x22:2,\x22price\x22:45.0},{\x22sku\x22:\x22SKU-0037\x22,\x22qty\x22:3,\x22price\x22:46.25},{\x22sku\x22:\x22SKU-0038\x22,\x22qty\x22:4,\x22price\x22:47.5},{\x22sku\x22:\x22SKU-0039\x22,\x22qty\x22:5,\x22price\x22:48.75}],\x22user\x22:\x22\x5cu00e9l\x5cu00e8ve\x22}", "789c6dd3314ec3501045d1bd4c6dac3ff3c6b1e32da4445440812217080a7062241465ef4491ec827fd3a479c59f73e58b1ddfe6b38dcf173b7d2c36dae3e1e9a1dc7ed6d8f7f9d7466fec6b7e3f4e3696b65c9b7f335f67b1cdbc8daedac5bad3b68bb69e699de53653dbd7bb5c77ddb6ebe0755d7dc48e5eb7abafe8e1757d7dc440af1bea2b9cf0f6f5154e7a0e311cf89c6a909f430e0740871e4e820e411c081d8a38193a240930746812680851820c214a9061409400c38028418641df0818064409320c8822300c8822320c8822300c88223484282243882232144411180aa2880c0551120c0551920c0551120c0551920c0551120c0551120d214a922144c9bbe16b63cb699a6fcb97a59469ff79ff1b7e26bbfe01a8ebc0b5"),
        (b"\xa5M\xca\x18%0\xbb\x1dm\x13,\xde\xd6#{.\xd9\x1e?r\x1f\xcb\x19q\x17D\x94\xd6I<\x9d\x5c4`\xbe1 \x1ei\xfe\xda\xa0\xee\xe8\xb9\x99\x7f\x5c|)\x99\xfd\xaf\xe5\x93%<\xd6T\xafM\xfa\xd7\x14'\xa0\xae\xb3\xfe\xe9#/\x8a\xf2!\x1f\x9e\xe4\x91\xc5\xb1\x0b\xec\xb5V;\xfc\x1eo\x93B~\xcb\xc8\xfe)U\xe5\xcd\x8eF\xdc\x8e\xd4\xb7\xc2vM*ZMvw\x06\xf8]\x86\x90\x02J\xd6\xbd\xa3@\x1b\xe9\xc8\xcb\xcc\xc95\xf6\xcd\x1fa\x22j\xe1S8\xae\x1a4\x00M3\xba\x0d$j\xc0L\x81\xb1\xba\xf2>;\xf9\xee\xf5\xf7\x9f+I4\xaf\x87\xf5R\x0bi\xb9K\x0d\x98.\x85\xbbU\xb6r\xa8rcz\xcdtf\xfc\xb6\x0e\x0e\x8f\xf1\x84c\xb0\xe4\xb2\xba)p4t\xf0d\xach\xf7\x00\xf5\xb0+=\xc6f\xf4[\xde\xaa,\xca\xed\xcd+QWA\x0eM\xeeJ\xf2\xb3OC\x0a\x074G\xdecl\x0e\x80l\x95{\xa6\x84\xd6C\x1f\xb5\xea\xd7BM\x09\xe1]\x02LXH\xf2=\x1f\xa6\xf76\x1d\x7fa\x8d\x152\xe7\x0e \xe2\xa6f\x8d\xe7\xf4~\x84g\xe5F\xd5>\xc8\xe2\xa1%{\xdb", "789c012c01d3fea54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad71427a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cbccc935f6cd1f61226ae15338ae1a34004d33ba0d246ac04c81b1baf23e3bf9eef5f79f2b4934af87f5520b69b94b0d982e85bb55b672a872637acd7466fcb60e0e8ff18463b0e4b2ba29703474f064ac68f700f5b02b3dc666f45bdeaa2ccaedcd2b5157410e4dee4af2b34f430a073447de636c0e806c957ba684d6431fb5ead7424d09e15d024c5848f23d1fa6f7361d7f618d1532e70e20e2a6668de7f47e8467e546d53ec8e2a1257bdb133a94e8"),
        (b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "789caba81805a360140c770000aaf4d4d0"),
        (b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f !\x22#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\x5c]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f !\x22#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\x5c]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f !\x22#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\x5c]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f !\x22#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\x5c]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff", "789c6360646266616563e7e0e4e2e6e1e5e3171014121611151397909492969195935750545256515553d7d0d4d2d6d1d5d33730343236313533b7b0b4b2b6b1b5b37770747276717573f7f0f4f2f6f1f5f30f080c0a0e090d0b8f888c8a8e898d8b4f484c4a4e494d4bcfc8cccacec9cdcb2f282c2a2e292d2bafa8acaaaea9adab6f686c6a6e696d6befe8eceaeee9edeb9f3071d2e42953a74d9f3173d6ec3973e7cd5fb070d1e2254b972d5fb172d5ea356bd7addfb071d3e62d5bb76ddfb173d7ee3d7bf7ed3f70f0d0e123478f1d3f71f2d4e93367cf9dbf70f1d2e52b57af5dbf71f3d6ed3b77efdd7ff0f0d1e3274f9f3d7ff1f2d5eb376fdfbdfff0f1d3e72f5fbf7dfff1f3d7ef3f7ffffd6718f5ffa8ff47b0ff01e4c9fe10"),
    ];

    #[test]
    fn compress_matches_cpython() {
        for (input, expected) in PY_VECTORS {
            assert_eq!(compress(input), unhex(expected), "{input:?}");
            // And again, through the reset (reused) compressor.
            assert_eq!(compress(input), unhex(expected));
        }
    }

    #[test]
    fn compress_appends() {
        let mut out = b"head".to_vec();
        compress_into(b"hello hello hello", &mut out).unwrap();
        assert_eq!(&out[..4], b"head");
        assert_eq!(decompress(&out[4..]).unwrap(), b"hello hello hello");
    }

    #[test]
    fn round_trips() {
        let mut state = 0x1234_5678_u32;
        let mut noise = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        };
        let sizes = [0usize, 1, 2, 100, 4096, 65_535, 65_536, 300_000];
        for &n in &sizes {
            let random: Vec<u8> = (0..n).map(|_| noise()).collect();
            let text: Vec<u8> = b"{\"_permanent\":true,\"user\":42}"
                .iter()
                .copied()
                .cycle()
                .take(n)
                .collect();
            for data in [random, text] {
                assert_eq!(decompress(&compress(&data)).unwrap(), data);
            }
        }
    }

    #[test]
    fn empty_input_is_an_error() {
        assert!(decompress(b"").is_err());
    }

    #[test]
    fn trailing_garbage_is_ignored() {
        // CPython: zlib.decompress(zlib.compress(b"abc") + b"garbage") == b"abc"
        let mut data = compress(b"abc");
        data.extend_from_slice(b"garbage");
        assert_eq!(decompress(&data).unwrap(), b"abc");
        let mut twice = compress(b"first");
        twice.extend_from_slice(&compress(b"second"));
        assert_eq!(decompress(&twice).unwrap(), b"first");
    }

    #[test]
    fn truncated_and_corrupt_streams_are_rejected() {
        let data = compress(&[b'x'; 1000]);
        for n in 0..data.len() {
            assert!(decompress(&data[..n]).is_err(), "prefix of {n} bytes");
        }
        // Corrupt Adler-32 trailer.
        let mut bad = data.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert!(decompress(&bad).is_err());
        // Raw deflate and gzip are not accepted with wbits=15.
        assert!(decompress(&data[2..]).is_err());
        assert!(decompress(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03").is_err());
        // The pooled decompressor recovers after an error.
        assert_eq!(decompress(&data).unwrap(), vec![b'x'; 1000]);
    }

    #[test]
    fn large_expansion() {
        let data = vec![0u8; 5_000_000];
        let c = compress(&data);
        assert!(c.len() < 10_000);
        assert_eq!(decompress(&c).unwrap(), data);
    }

    #[test]
    fn works_on_other_threads() {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                std::thread::spawn(move || {
                    let data = format!("thread {i} payload payload payload").into_bytes();
                    decompress(&compress(&data)).unwrap() == data
                })
            })
            .collect();
        for h in handles {
            assert!(h.join().unwrap());
        }
    }
}
