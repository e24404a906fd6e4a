//! A bounded memo of the cookie's payload segment.
//!
//! The first segment of a session cookie (JSON → zlib if shorter → URL-safe
//! base64) is a pure function of the JSON bytes, and decoding it is the
//! inverse. A permanent session is re-saved on every request
//! (`SESSION_REFRESH_EACH_REQUEST`) with unchanged contents: only the
//! timestamp and signature change. Remembering recent JSON ↔ payload pairs
//! removes zlib and base64 from that path without changing a byte.
//!
//! The memo is direct-mapped: a fixed number of slots, each holding one
//! entry, chosen by a seeded hash of the key (so colliding inputs cannot be
//! chosen from outside). Its memory is bounded by a byte budget: an entry
//! that would take the total over it is not stored, and entries larger than
//! [`MAX_ENTRY`] never are. Each slot has its own lock; a poisoned or
//! contended slot is treated as a miss, and so is a failed allocation (an
//! entry that cannot be stored is not, a hit that cannot be copied out is a
//! miss).

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::buf;

/// Largest key or value kept.
pub const MAX_ENTRY: usize = 64 * 1024;

/// Default byte budget of one memo (keys and values together).
pub const DEFAULT_BUDGET: usize = 2 * 1024 * 1024;

type Entry = (Box<[u8]>, Box<[u8]>);

/// A fixed-size, thread-safe map from byte strings to byte strings.
pub struct Memo {
    slots: Box<[Mutex<Option<Entry>>]>,
    seed: u64,
    enabled: AtomicBool,
    budget: usize,
    used: AtomicUsize,
}

/// A copy of `bytes`, or None when it cannot be allocated.
fn boxed(bytes: &[u8]) -> Option<Box<[u8]>> {
    let mut v = buf::with_capacity(bytes.len()).ok()?;
    v.extend_from_slice(bytes);
    Some(v.into_boxed_slice())
}

/// A fast seeded hash, eight bytes at a time. Only slot choice depends on
/// it (keys are compared in full), so its quality bounds the hit rate, never
/// correctness; the per-process seed keeps slots unpredictable from outside.
fn mix(seed: u64, key: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = seed ^ (key.len() as u64).wrapping_mul(K);
    let mut chunks = key.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(29);
    }
    let mut w = [0u8; 8];
    let rest = chunks.remainder();
    w[..rest.len()].copy_from_slice(rest);
    h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K);
    h ^ (h >> 32)
}

impl Memo {
    /// A memo with `slots` entries (at least one) and [`DEFAULT_BUDGET`].
    pub fn new(slots: usize) -> Memo {
        Memo::with_budget(slots, DEFAULT_BUDGET)
    }

    /// A memo with `slots` entries holding at most `budget` bytes.
    pub fn with_budget(slots: usize, budget: usize) -> Memo {
        Memo {
            slots: (0..slots.max(1)).map(|_| Mutex::new(None)).collect(),
            seed: RandomState::new().hash_one(0x5eed_u64),
            enabled: AtomicBool::new(true),
            budget,
            used: AtomicUsize::new(0),
        }
    }

    /// Bytes held now (keys and values).
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    fn slot(&self, key: &[u8]) -> Option<&Mutex<Option<Entry>>> {
        let h = mix(self.seed, key);
        self.slots.get((h % self.slots.len() as u64) as usize)
    }

    /// Appends the value stored for `key` to `out`; false on a miss.
    pub fn get_into(&self, key: &[u8], out: &mut Vec<u8>) -> bool {
        if !self.enabled.load(Ordering::Relaxed) || key.len() > MAX_ENTRY {
            return false;
        }
        let Some(slot) = self.slot(key) else {
            return false;
        };
        let Ok(guard) = slot.try_lock() else {
            return false;
        };
        match guard.as_ref() {
            Some((k, v)) if **k == *key => buf::extend(out, v).is_ok(),
            _ => false,
        }
    }

    /// Remembers `key → value` (replacing whatever shared its slot).
    pub fn insert(&self, key: &[u8], value: &[u8]) {
        if !self.enabled.load(Ordering::Relaxed) || key.len() > MAX_ENTRY || value.len() > MAX_ENTRY
        {
            return;
        }
        let Some(slot) = self.slot(key) else {
            return;
        };
        if let Ok(mut guard) = slot.try_lock() {
            let old = guard.as_ref().map_or(0, |(k, v)| k.len() + v.len());
            let new = key.len() + value.len();
            // Reserve the growth first; back out if it would pass the budget.
            let grow = new.saturating_sub(old);
            let before = self.used.fetch_add(grow, Ordering::Relaxed);
            if before.saturating_add(grow) > self.budget {
                self.used.fetch_sub(grow, Ordering::Relaxed);
                return;
            }
            let (Some(key), Some(value)) = (boxed(key), boxed(value)) else {
                self.used.fetch_sub(grow, Ordering::Relaxed);
                return;
            };
            *guard = Some((key, value));
            self.used
                .fetch_sub(old.saturating_sub(new), Ordering::Relaxed);
        }
    }

    /// Turns the memo on or off; turning it off also forgets every entry.
    pub fn set_enabled(&self, enabled: bool) {
        self.enabled.store(enabled, Ordering::Relaxed);
        if !enabled {
            self.clear();
        }
    }

    /// Forgets every entry (the memo stays on or off as it was).
    pub fn clear(&self) {
        for slot in &*self.slots {
            // A poisoned slot still holds a whole entry (or none): take it.
            let mut guard = slot
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((k, v)) = guard.take() {
                self.used.fetch_sub(k.len() + v.len(), Ordering::Relaxed);
            }
        }
    }

    /// Entries held now (slots in use); a slot another thread holds at
    /// this moment is not counted.
    pub fn len(&self) -> usize {
        self.slots
            .iter()
            .filter(|slot| slot.try_lock().is_ok_and(|guard| guard.is_some()))
            .count()
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of slots: entries held at most.
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Whether lookups and inserts are active.
    pub fn is_enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(m: &Memo, k: &[u8]) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        m.get_into(k, &mut out).then_some(out)
    }

    #[test]
    fn hit_after_insert() {
        let m = Memo::new(8);
        assert_eq!(get(&m, b"k"), None);
        m.insert(b"k", b"v");
        assert_eq!(get(&m, b"k").as_deref(), Some(&b"v"[..]));
    }

    #[test]
    fn only_exact_keys_hit() {
        let m = Memo::new(1);
        m.insert(b"abc", b"1");
        assert_eq!(get(&m, b"abd"), None);
        assert_eq!(get(&m, b"ab"), None);
        // One slot: a new key replaces the old one.
        m.insert(b"xyz", b"2");
        assert_eq!(get(&m, b"abc"), None);
        assert_eq!(get(&m, b"xyz").as_deref(), Some(&b"2"[..]));
    }

    #[test]
    fn appends_to_out() {
        let m = Memo::new(4);
        m.insert(b"k", b"value");
        let mut out = b"pre-".to_vec();
        assert!(m.get_into(b"k", &mut out));
        assert_eq!(out, b"pre-value");
    }

    #[test]
    fn large_entries_are_not_kept() {
        let m = Memo::new(4);
        let big = vec![b'x'; MAX_ENTRY + 1];
        m.insert(&big, b"v");
        assert_eq!(get(&m, &big), None);
        m.insert(b"k", &big);
        assert_eq!(get(&m, b"k"), None);
    }

    #[test]
    fn budget_bounds_memory() {
        let m = Memo::with_budget(64, 100);
        for i in 0..64u8 {
            m.insert(&[i; 10], &[i; 10]);
        }
        assert!(m.used() <= 100, "used {}", m.used());
        // Replacing an entry with one of the same size keeps the total.
        let m = Memo::with_budget(1, 20);
        m.insert(b"aaaaa", b"bbbbb");
        assert_eq!(m.used(), 10);
        m.insert(b"ccccc", b"ddddd");
        assert_eq!(m.used(), 10);
        assert_eq!(get(&m, b"ccccc").as_deref(), Some(&b"ddddd"[..]));
        // Too big for what is left: not stored, old entry kept.
        m.insert(b"eeeeeeeeee", b"ffffffffffff");
        assert_eq!(get(&m, b"eeeeeeeeee"), None);
        assert_eq!(m.used(), 10);
        m.set_enabled(false);
        assert_eq!(m.used(), 0);
    }

    #[test]
    fn disabling_forgets_and_stops() {
        let m = Memo::new(4);
        m.insert(b"k", b"v");
        m.set_enabled(false);
        assert!(!m.is_enabled());
        assert_eq!(get(&m, b"k"), None);
        m.insert(b"k", b"v");
        m.set_enabled(true);
        assert_eq!(get(&m, b"k"), None);
    }

    #[test]
    fn len_counts_entries() {
        let m = Memo::new(8);
        assert_eq!((m.len(), m.capacity()), (0, 8));
        m.insert(b"a", b"1");
        m.insert(b"a", b"2");
        assert_eq!(m.len(), 1);
        m.clear();
        assert!(m.is_empty());
    }

    #[test]
    fn clearing_forgets_but_stays_on() {
        let m = Memo::new(4);
        m.insert(b"k", b"v");
        m.clear();
        assert!(m.is_enabled());
        assert_eq!(get(&m, b"k"), None);
        assert_eq!(m.used(), 0);
        m.insert(b"k", b"w");
        assert_eq!(get(&m, b"k").as_deref(), Some(&b"w"[..]));
    }

    #[test]
    fn shared_between_threads() {
        let m = std::sync::Arc::new(Memo::new(64));
        let handles: Vec<_> = (0..8u8)
            .map(|t| {
                let m = m.clone();
                std::thread::spawn(move || {
                    for i in 0..1000u32 {
                        let key = format!("{t}-{i}");
                        m.insert(key.as_bytes(), key.as_bytes());
                        let mut out = Vec::new();
                        if m.get_into(key.as_bytes(), &mut out) {
                            assert_eq!(out, key.as_bytes());
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    }
}
