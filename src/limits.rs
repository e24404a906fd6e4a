//! Limits shared by the writer, the parser and the pyo3 edge, defined once.

/// Deepest container nesting handled natively, in both directions: the
/// tagged JSON writer and the parser stop there and stock code decides
/// (its tagger and `json` module recurse in Python and decide where they fail).
pub const MAX_DEPTH: usize = 64;

/// Unix time of `0001-01-01T00:00:00Z` (`datetime.min`): the earliest
/// instant an HTTP date is written for.
pub const MIN_UNIX_SECONDS: i64 = -62_135_596_800;

/// Unix time of `9999-12-31T23:59:59Z`, the last whole second of
/// `datetime.max`: the latest timestamp `datetime.fromtimestamp(ts, tz=utc)`
/// accepts and the latest instant an HTTP date is written for.
pub const MAX_UNIX_SECONDS: i64 = 253_402_300_799;

/// [`MAX_UNIX_SECONDS`] as the unsigned timestamp of a signed cookie.
#[allow(clippy::cast_sign_loss)] // a positive constant
pub const MAX_TIMESTAMP: u64 = MAX_UNIX_SECONDS as u64;
