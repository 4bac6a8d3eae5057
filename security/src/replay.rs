//! Replay detection: "has this id been seen while it could still be valid?"
//!
//! A [`ReplayStore`] remembers identifiers (a JWT's `iss` + `jti`, a message-integrity message id,
//! a webhook id) until the moment the credential carrying them stops being acceptable anyway, and
//! answers a single atomic question: *insert this id, or tell me it is already there*.
//!
//! [`ReplayCache`] is the in-process implementation:
//!
//! - **Keys are 128-bit keyed fingerprints**, not the ids themselves: two SipHash-1-3 outputs under
//!   independent random keys chosen at construction. Memory per entry is therefore fixed (24 bytes
//!   of payload) whatever the length of the ids an attacker sends. A fingerprint collision can only
//!   make a *fresh* id look replayed (a false rejection), never let a replay through.
//! - **Expiry is tied to the credential**: callers pass the instant after which the credential is
//!   rejected on its own (a token's `exp` plus leeway, a message timestamp plus the window). An
//!   entry is forgotten only after that instant, so forgetting it never re-opens a replay.
//! - **Capacity is hard**: the cache never holds more than [`ReplayCache::capacity`] entries. When a
//!   shard is full it first drops expired entries; if every entry is still live the insert fails
//!   with [`ReplayError::Full`] (fail closed: the request is refused, no replay window opens). A
//!   shard that was found full of live entries is not scanned again before its earliest expiry, so
//!   a flood costs O(1) per rejected request, not a scan.
//! - **Sharded**: 64 independently locked shards (fewer for small capacities), chosen by a
//!   fingerprint bit-range independent of the in-shard hash, so concurrent requests rarely contend.
//!
//! The capacity is enforced per shard (`capacity / shards` each). Because fingerprints are uniform,
//! shards fill evenly; a cache that is nearly full may refuse an id while another shard still has
//! room, which errs on the closed side.

use std::collections::HashMap;
use std::collections::hash_map::{Entry, RandomState};
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Mutex, MutexGuard};

use crate::clock::UnixTime;

/// Why an id was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplayError {
    /// The id was already seen and its credential has not expired.
    Replayed,
    /// The store is full of live entries and refuses new ids (fail-closed policy).
    Full {
        /// The configured capacity, in entries.
        capacity: usize,
    },
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Replayed => f.write_str("identifier already used (replay)"),
            Self::Full { capacity } => write!(
                f,
                "replay cache full: {capacity} live identifiers, refusing new ones until some expire"
            ),
        }
    }
}

impl std::error::Error for ReplayError {}

/// A store of seen identifiers. Implement it over a shared database to back a fleet of agents.
pub trait ReplayStore: Send + Sync + fmt::Debug {
    /// Atomically records `id` as seen until `expires_at`, or fails with
    /// [`ReplayError::Replayed`] if it is already recorded and `now < expiry`.
    ///
    /// `expires_at` must be the instant after which the credential carrying `id` is rejected
    /// for its own reasons; an `expires_at <= now` records nothing.
    fn check_and_insert(
        &self,
        id: &[u8],
        expires_at: UnixTime,
        now: UnixTime,
    ) -> Result<(), ReplayError>;
}

/// Default capacity of [`ReplayCache::default`]: one million live ids (about 50 MiB at full).
pub const DEFAULT_CAPACITY: usize = 1 << 20;

const MAX_SHARDS: usize = 64;

/// A bounded, sharded, in-memory [`ReplayStore`].
pub struct ReplayCache {
    shards: Box<[Mutex<Shard>]>,
    shard_mask: usize,
    per_shard: usize,
    fingerprint_a: RandomState,
    fingerprint_b: RandomState,
}

impl fmt::Debug for ReplayCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayCache")
            .field("shards", &self.shards.len())
            .field("capacity", &self.capacity())
            .finish_non_exhaustive()
    }
}

impl Default for ReplayCache {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl ReplayCache {
    /// A cache that holds at most `capacity` live ids (at least one).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        // Enough shards to spread contention, few enough that each holds a useful number of ids.
        // (the largest power of two not above capacity / 64, between 1 and MAX_SHARDS).
        let wanted = (capacity / 64).clamp(1, MAX_SHARDS);
        let shards = 1usize << (usize::BITS - 1 - wanted.leading_zeros());
        let per_shard = capacity / shards;
        Self {
            shards: (0..shards).map(|_| Mutex::new(Shard::default())).collect(),
            shard_mask: shards - 1,
            per_shard,
            fingerprint_a: RandomState::new(),
            fingerprint_b: RandomState::new(),
        }
    }

    /// The most ids this cache ever holds: `shards × per-shard capacity` (at most the requested
    /// capacity).
    pub fn capacity(&self) -> usize {
        self.per_shard * self.shards.len()
    }

    /// The number of entries held now, expired ones not yet swept included.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).map.len()).sum()
    }

    /// Whether the cache holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn fingerprint(&self, id: &[u8]) -> Fingerprint {
        Fingerprint(
            self.fingerprint_a.hash_one(id),
            self.fingerprint_b.hash_one(id),
        )
    }
}

impl ReplayStore for ReplayCache {
    fn check_and_insert(
        &self,
        id: &[u8],
        expires_at: UnixTime,
        now: UnixTime,
    ) -> Result<(), ReplayError> {
        let key = self.fingerprint(id);
        // Truncation is intended: the low bits of the second hash pick the shard.
        #[allow(clippy::cast_possible_truncation)]
        let shard = &self.shards[(key.1 as usize) & self.shard_mask];
        let mut shard = lock(shard);
        shard
            .check_and_insert(key, expires_at, now, self.per_shard)
            .map_err(|e| match e {
                // The shard knows only its share; callers are told the cache's capacity.
                ReplayError::Full { .. } => ReplayError::Full {
                    capacity: self.capacity(),
                },
                other => other,
            })
    }
}

impl<S: ReplayStore + ?Sized> ReplayStore for std::sync::Arc<S> {
    fn check_and_insert(
        &self,
        id: &[u8],
        expires_at: UnixTime,
        now: UnixTime,
    ) -> Result<(), ReplayError> {
        (**self).check_and_insert(id, expires_at, now)
    }
}

/// Shards hold no invariant that a panic elsewhere could break mid-update (every operation is a
/// single map call), so a poisoned lock is still safe to use.
fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    shard
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Two independent 64-bit keyed hashes of an id.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Fingerprint(u64, u64);

impl Hash for Fingerprint {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The first half is already a uniform keyed hash: the map uses it as is.
        state.write_u64(self.0);
    }
}

/// Passes a precomputed `u64` through as the hash.
#[derive(Default, Clone, Copy)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is ever called (see `Fingerprint::hash`); fold anything else in.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[derive(Default, Clone, Copy)]
struct BuildPassThrough;

impl BuildHasher for BuildPassThrough {
    type Hasher = PassThrough;
    fn build_hasher(&self) -> PassThrough {
        PassThrough::default()
    }
}

#[derive(Default)]
struct Shard {
    map: HashMap<Fingerprint, UnixTime, BuildPassThrough>,
    /// No entry expires before this instant, so a sweep before then frees nothing. Invariant:
    /// at most the earliest expiry held (lowered by every insert, recomputed by every sweep).
    next_sweep_at: UnixTime,
}

impl Shard {
    fn check_and_insert(
        &mut self,
        key: Fingerprint,
        expires_at: UnixTime,
        now: UnixTime,
        capacity: usize,
    ) -> Result<(), ReplayError> {
        let full = self.map.len() >= capacity;
        if full && now >= self.next_sweep_at {
            self.sweep(now);
        }
        let len = self.map.len();
        match self.map.entry(key) {
            Entry::Occupied(mut seen) => {
                if now < *seen.get() {
                    return Err(ReplayError::Replayed);
                }
                // Expired: the id may be used again (its credential is rejected anyway).
                if expires_at > now {
                    seen.insert(expires_at);
                    self.next_sweep_at = self.next_sweep_at.min(expires_at);
                } else {
                    seen.remove();
                }
                Ok(())
            }
            Entry::Vacant(slot) => {
                if expires_at <= now {
                    return Ok(());
                }
                if len >= capacity {
                    return Err(ReplayError::Full { capacity });
                }
                slot.insert(expires_at);
                self.next_sweep_at = self.next_sweep_at.min(expires_at);
                Ok(())
            }
        }
    }

    fn sweep(&mut self, now: UnixTime) {
        self.map.retain(|_, expiry| *expiry > now);
        self.next_sweep_at = self.map.values().copied().min().unwrap_or(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_an_id_seen_before_it_expires() {
        let cache = ReplayCache::new(16);
        assert_eq!(cache.check_and_insert(b"a", 100, 10), Ok(()));
        assert_eq!(
            cache.check_and_insert(b"a", 100, 99),
            Err(ReplayError::Replayed)
        );
        assert_eq!(cache.check_and_insert(b"b", 100, 99), Ok(()));
    }

    #[test]
    fn accepts_an_id_again_once_its_credential_has_expired() {
        let cache = ReplayCache::new(16);
        cache.check_and_insert(b"a", 100, 10).unwrap();
        assert_eq!(cache.check_and_insert(b"a", 200, 100), Ok(()));
        assert_eq!(
            cache.check_and_insert(b"a", 200, 150),
            Err(ReplayError::Replayed)
        );
    }

    #[test]
    fn records_nothing_for_an_already_expired_credential() {
        let cache = ReplayCache::new(16);
        assert_eq!(cache.check_and_insert(b"a", 10, 10), Ok(()));
        assert!(cache.is_empty());
    }

    #[test]
    fn fails_closed_when_full_of_live_entries_and_recovers_after_expiry() {
        let cache = ReplayCache::new(4);
        assert_eq!(cache.capacity(), 4);
        for i in 0..4u8 {
            cache.check_and_insert(&[i], 100, 0).unwrap();
        }
        assert_eq!(
            cache.check_and_insert(b"new", 100, 1),
            Err(ReplayError::Full { capacity: 4 })
        );
        // The full shard is not rescanned before its earliest expiry...
        assert_eq!(
            cache.check_and_insert(b"new", 100, 99),
            Err(ReplayError::Full { capacity: 4 })
        );
        // ...and is swept once entries expire.
        assert_eq!(cache.check_and_insert(b"new", 300, 100), Ok(()));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn sweeps_entries_inserted_after_a_sweep_that_expire_sooner() {
        // Found by the replay_cache fuzz target: a sweep that left room must not postpone the
        // next one past the expiry of entries inserted after it.
        let cache = ReplayCache::new(4);
        for id in [b"a", b"b", b"c"] {
            cache.check_and_insert(id, 1200, 1000).unwrap();
        }
        cache.check_and_insert(b"d", 1030, 1000).unwrap();
        // Full at 1030: sweeps `d` (expired) and re-inserts it until 1055.
        cache.check_and_insert(b"d", 1055, 1030).unwrap();
        // At 1060 `d` has expired again: room for a new id.
        assert_eq!(cache.check_and_insert(b"e", 1200, 1060), Ok(()));
    }

    #[test]
    fn full_error_reports_the_cache_capacity_not_a_shards() {
        let cache = ReplayCache::new(128);
        assert!(cache.shards.len() > 1);
        let mut full = None;
        for i in 0..1000u32 {
            if let Err(e) = cache.check_and_insert(&i.to_le_bytes(), 100, 0) {
                full = Some(e);
                break;
            }
        }
        assert_eq!(full, Some(ReplayError::Full { capacity: 128 }));
    }

    #[test]
    fn never_holds_more_than_its_capacity() {
        let cache = ReplayCache::new(1000);
        let mut accepted = 0;
        for i in 0..5000u32 {
            if cache.check_and_insert(&i.to_le_bytes(), 1000, 0).is_ok() {
                accepted += 1;
            }
        }
        assert!(cache.len() <= cache.capacity());
        assert_eq!(accepted, cache.len());
        assert!(cache.capacity() <= 1000 && cache.capacity() >= 900);
    }

    #[test]
    fn shards_are_used_for_large_capacities() {
        assert_eq!(ReplayCache::new(DEFAULT_CAPACITY).shards.len(), MAX_SHARDS);
        assert_eq!(ReplayCache::new(1).shards.len(), 1);
    }
}
