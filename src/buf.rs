//! Fallible growth of the buffers whose size depends on the input.
//!
//! A session can hold tens of MiB, and a process can run under an address
//! space limit (`ulimit -v`, uWSGI's `limit-as`). Where Python raises
//! `MemoryError`, Rust's infallible `Vec` growth aborts the whole process.
//! Every input-sized buffer is therefore grown with `try_reserve` through
//! these helpers, and a failure is reported as [`AllocError`] (the call then
//! goes to stock code, which raises its own `MemoryError` or succeeds).
//!
//! The fast path of each helper is one capacity comparison; growth is
//! amortised (doubling) as with `Vec::reserve`.

use core::fmt;

/// An allocation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllocError;

impl fmt::Display for AllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("memory allocation failed")
    }
}

impl std::error::Error for AllocError {}

/// Makes room for `additional` more items in `out`.
///
/// # Errors
///
/// [`AllocError`] when the allocator cannot provide it.
#[inline(always)]
pub fn reserve<T>(out: &mut Vec<T>, additional: usize) -> Result<(), AllocError> {
    if out.capacity() - out.len() >= additional {
        return Ok(());
    }
    grow(out, additional)
}

#[cold]
#[inline(never)]
fn grow<T>(out: &mut Vec<T>, additional: usize) -> Result<(), AllocError> {
    out.try_reserve(additional).map_err(|_| AllocError)
}

/// Makes room for `additional` more bytes in `out`.
///
/// # Errors
///
/// [`AllocError`] when the allocator cannot provide it.
#[inline(always)]
pub fn reserve_str(out: &mut String, additional: usize) -> Result<(), AllocError> {
    if out.capacity() - out.len() >= additional {
        return Ok(());
    }
    grow_str(out, additional)
}

#[cold]
#[inline(never)]
fn grow_str(out: &mut String, additional: usize) -> Result<(), AllocError> {
    out.try_reserve(additional).map_err(|_| AllocError)
}

/// Appends `bytes` to `out`.
///
/// # Errors
///
/// [`AllocError`] when `out` cannot grow.
#[inline(always)]
pub fn extend(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), AllocError> {
    reserve(out, bytes.len())?;
    out.extend_from_slice(bytes);
    Ok(())
}

/// Appends one byte to `out`.
///
/// # Errors
///
/// [`AllocError`] when `out` cannot grow.
#[inline(always)]
pub fn push(out: &mut Vec<u8>, byte: u8) -> Result<(), AllocError> {
    reserve(out, 1)?;
    out.push(byte);
    Ok(())
}

/// An empty vector with room for `capacity` items.
///
/// # Errors
///
/// [`AllocError`] when the allocator cannot provide it.
pub fn with_capacity<T>(capacity: usize) -> Result<Vec<T>, AllocError> {
    let mut v = Vec::new();
    v.try_reserve_exact(capacity).map_err(|_| AllocError)?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_and_appends() {
        let mut v = Vec::new();
        extend(&mut v, b"abc").unwrap();
        push(&mut v, b'd').unwrap();
        assert_eq!(v, b"abcd");
        reserve(&mut v, 100).unwrap();
        assert!(v.capacity() >= 104);
        let mut s = String::new();
        reserve_str(&mut s, 10).unwrap();
        assert!(s.capacity() >= 10);
        let w: Vec<u32> = with_capacity(7).unwrap();
        assert!(w.capacity() >= 7 && w.is_empty());
    }

    #[test]
    fn impossible_sizes_fail_instead_of_aborting() {
        let mut v = vec![0u8];
        assert_eq!(reserve(&mut v, usize::MAX), Err(AllocError));
        assert_eq!(reserve(&mut v, isize::MAX as usize), Err(AllocError));
        assert_eq!(v, [0]);
        assert!(with_capacity::<u64>(usize::MAX / 4).is_err());
        let mut s = String::from("x");
        assert_eq!(reserve_str(&mut s, usize::MAX), Err(AllocError));
    }
}
