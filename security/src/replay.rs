//! Replay detection: "has this id been seen while it could still be valid?"
//!
//! A [`ReplayStore`] remembers identifiers (a JWT's `iss` + `jti`, a message-integrity message id,
//! a webhook id) until the moment the credential carrying them stops being acceptable anyway, and
//! answers a single atomic question: *insert this id, or tell me it is already there*.
//!
//! [`ReplayCache`] is the in-process implementation, a fixed-size hash table allocated once for
//! its capacity:
//!
//! - **Buckets of one 128-byte block** (two cache lines, fetched together): a lock word, an
//!   extension word and 14 slots of one `AtomicU64` each. An id lives only in its *home bucket*, so an
//!   operation touches one bucket and, in the common case, nothing else that another thread
//!   writes. There are `ceil(capacity / 2)` buckets, so a full cache averages two live ids per
//!   bucket (64 bytes of table per id of capacity; [`DEFAULT_CAPACITY`] takes 64 MiB).
//! - **Keys are keyed fingerprints**, not the ids themselves: one SipHash-1-3 of the id under a
//!   random key chosen at construction. Its high bits pick the home bucket (multiply-shift), its
//!   low 40 bits are the *tag*: 32 bits stored in the slot next to the expiry, 8 in the bucket's
//!   extension bytes (the spare bits of the lock word and the extension word, one byte per
//!   slot). Memory per entry is fixed whatever the length of the ids an attacker sends. An id is
//!   "seen" when a live slot of its home bucket holds its tag: a fresh id is falsely taken for a
//!   replay only if it shares its home bucket *and* its 40-bit tag with a live id, a
//!   probability of (live ids in the bucket, two on average at full capacity, at most 14) ×
//!   2⁻⁴⁰ ≈ 2 × 10⁻¹² per fresh id. (With 32-bit tags, 5 × 10⁻¹⁰, a benchmark of 30 million
//!   fresh ids was seen to hit one.) The key is secret and per process, so an attacker cannot
//!   aim at a collision, and a collision can only make a *fresh* id look replayed (a false
//!   rejection), never let a replay through.
//! - **One check-and-insert holds its bucket's lock**, a spin lock in the bucket's own first word
//!   (taken with one compare-and-swap on a line the operation reads anyway; held for a scan of
//!   16 words, no allocation, nothing that can panic). All operations on one id therefore run one
//!   at a time, which is what makes "exactly one of several racing inserts of the same id
//!   succeeds" hold: a lock-free claim of a slot by CAS is not enough when the id may land in one
//!   of several slots, because two racing inserts can each claim a different one. Distinct ids
//!   contend only when they share a bucket (1 in `capacity / 2`).
//! - **Expiry is tied to the credential**: callers pass the instant after which the credential is
//!   rejected on its own (a token's `exp` plus leeway, a message timestamp plus the window). A
//!   slot stores it as 32-bit seconds after the cache's epoch (the `now` of its first insert),
//!   rounded *up* only: an expiry beyond 136 years after the epoch is kept forever. An entry is
//!   therefore forgotten only after the caller's `expires_at`, so forgetting it never re-opens a
//!   replay. An expired slot is reused in place by the next id of its bucket.
//! - **Capacity is hard**: a slot is filled only with a *credit*, taken from counters that sum to
//!   [`ReplayCache::capacity`] and returned when a sweep empties a slot, so the cache never holds
//!   more than its capacity in entries (live or not yet swept), hence never more live ids. When
//!   no credit is left, the table is swept once (expired slots emptied); if every entry is still
//!   live the insert fails with [`ReplayError::Full`] (fail closed: the request is refused, no
//!   replay window opens). A cache found full of live entries is not swept again before its
//!   earliest expiry, so a flood costs O(1) per rejected request, not a scan. An insert also fails
//!   closed, with `Full`, in the unlikely case that its home bucket holds 14 live ids (with two
//!   live ids per bucket on average, about 3 × 10⁻⁸ per bucket: for a full cache of a million
//!   ids, a 1.5 % chance that one bucket of the 524 288 is in that state).
//! - **Credits are striped per thread**: a thread takes credits from its own counter (its own
//!   cache line) first and from the others only when that one is exhausted, so concurrent
//!   inserts do not bounce a shared counter between cores.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;
use std::hint;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread;

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

/// Default capacity of [`ReplayCache::default`]: one million live ids (64 MiB, allocated up
/// front).
pub const DEFAULT_CAPACITY: usize = 1 << 20;

/// Slots per bucket: the bucket's 128 bytes less its lock word and extension word.
const SLOTS: usize = 14;

/// Ids of capacity per bucket: a full cache averages this many live ids per bucket, far enough
/// below [`SLOTS`] that a bucket is full with probability about 3 × 10⁻⁸ (Poisson tail).
const IDS_PER_BUCKET: usize = 2;

/// The most credit counters (one per thread, threads beyond this share).
const MAX_STRIPES: usize = 16;

/// A slot word: the id's tag in the high half, its expiry code in the low half. Code 0 is an
/// empty slot (a stored expiry is always after `now`, so never code 0), [`NEVER`] an entry kept
/// forever, any other code `c` an entry live until `epoch + c`.
const EMPTY: u64 = 0;
const NEVER: u32 = u32::MAX;
/// The lock bit of a bucket's lock word (whose bits 8 to 63 hold extensions, see [`Extensions`]).
const LOCKED: u64 = 1;
/// `ReplayCache::epoch` before the first insert.
const EPOCH_UNSET: u64 = u64::MAX;

fn pack(tag: u32, code: u32) -> u64 {
    (u64::from(tag) << 32) | u64::from(code)
}

// Truncations are the point of these two: the halves of a slot word.
#[allow(clippy::cast_possible_truncation)]
fn tag_of(word: u64) -> u32 {
    (word >> 32) as u32
}

#[allow(clippy::cast_possible_truncation)]
fn code_of(word: u64) -> u32 {
    word as u32
}

/// The code of `expires_at`: never early (rounded up to the epoch + 1 s, saturated to
/// [`NEVER`]), exact in between.
fn encode(epoch: UnixTime, expires_at: UnixTime) -> u32 {
    u32::try_from(expires_at.saturating_sub(epoch)).map_or(NEVER, |code| code.max(1))
}

/// The instant after which the entry of `code` (not empty) may be forgotten.
fn expiry(epoch: UnixTime, code: u32) -> UnixTime {
    if code == NEVER {
        UnixTime::MAX
    } else {
        epoch.saturating_add(u64::from(code))
    }
}

/// A bucket: one 128-byte block, a lock word, an extension word and [`SLOTS`] slots.
#[repr(align(128))]
#[derive(Default)]
struct Bucket {
    /// Bit 0: held (see [`Bucket::lock`]); bits 8 to 63: the tag extensions of slots 7 to 13.
    lock: AtomicU64,
    /// Bits 0 to 55: the tag extensions of slots 0 to 6.
    ext: AtomicU64,
    /// Slot words (see [`pack`]); read and written only under `lock`.
    slots: [AtomicU64; SLOTS],
}

impl Bucket {
    /// Takes the bucket's spin lock. Critical sections are a scan of 16 words and a store or
    /// two, with nothing that can block or panic, so waiting is short; a waiter that spins long
    /// (its holder was preempted) yields its time slice.
    fn lock(&self) -> BucketGuard<'_> {
        let mut spins = 0u32;
        loop {
            let word = self.lock.load(Ordering::Relaxed);
            if word & LOCKED == 0
                && self
                    .lock
                    .compare_exchange_weak(
                        word,
                        word | LOCKED,
                        Ordering::Acquire,
                        Ordering::Relaxed,
                    )
                    .is_ok()
            {
                let ext = self.ext.load(Ordering::Relaxed);
                return BucketGuard {
                    bucket: self,
                    extensions: Extensions::from_words(word, ext),
                    dirty: false,
                };
            }
            spins += 1;
            if spins < 64 {
                hint::spin_loop();
            } else {
                thread::yield_now();
            }
        }
    }
}

/// The 8-bit tag extensions of a bucket's 14 slots, bits `8 i .. 8 i + 8` for slot `i`: 56
/// bits in the extension word, 56 in the lock word above its lock byte.
#[derive(Clone, Copy)]
struct Extensions(u128);

impl Extensions {
    const LOW_56: u64 = (1 << 56) - 1;

    fn from_words(lock: u64, ext: u64) -> Self {
        Self(u128::from(ext & Self::LOW_56) | (u128::from(lock >> 8) << 56))
    }

    /// The lock word (unlocked) and the extension word.
    // Truncations are the point: the halves of the 112 bits.
    #[allow(clippy::cast_possible_truncation)]
    fn to_words(self) -> (u64, u64) {
        let ext = (self.0 as u64) & Self::LOW_56;
        let lock = ((self.0 >> 56) as u64) << 8;
        (lock, ext)
    }

    #[allow(clippy::cast_possible_truncation)]
    fn get(self, slot: usize) -> u8 {
        (self.0 >> (8 * slot)) as u8
    }

    fn set(&mut self, slot: usize, value: u8) {
        let shift = 8 * slot;
        self.0 = (self.0 & !(0xff << shift)) | (u128::from(value) << shift);
    }
}

/// A held bucket lock; releases it, with the extensions written under it, when dropped.
struct BucketGuard<'a> {
    bucket: &'a Bucket,
    extensions: Extensions,
    dirty: bool,
}

impl Drop for BucketGuard<'_> {
    fn drop(&mut self) {
        let (lock, ext) = self.extensions.to_words();
        if self.dirty {
            self.bucket.ext.store(ext, Ordering::Relaxed);
        }
        self.bucket.lock.store(lock, Ordering::Release);
    }
}

/// A thread's credit counter, on its own cache lines.
#[repr(align(128))]
struct Stripe {
    /// Credits taken: slots filled through this counter, less those returned to it.
    used: AtomicUsize,
    /// Credits this counter may hand out; the limits sum to the capacity.
    limit: usize,
}

/// Numbers threads in order of first use, to pick their credit counter.
static THREADS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static THREAD_INDEX: usize = THREADS.fetch_add(1, Ordering::Relaxed);
}

/// A bounded, in-memory [`ReplayStore`]: a fixed-size table of [`SLOTS`]-slot buckets.
pub struct ReplayCache {
    buckets: Box<[Bucket]>,
    stripes: Box<[Stripe]>,
    capacity: usize,
    keys: RandomState,
    /// The origin of the slots' expiry codes: the `now` of the first insert, then fixed.
    epoch: AtomicU64,
    /// No entry expires before this instant, so a sweep before then frees nothing. Invariant:
    /// at most the earliest expiry of any entry held (lowered after every store of a slot,
    /// recomputed by every sweep, which first raises it to the maximum; see [`Self::sweep`]).
    next_sweep_at: AtomicU64,
    /// Whether a thread is sweeping (one at a time; the others wait for its result).
    sweeping: AtomicBool,
}

impl fmt::Debug for ReplayCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayCache")
            .field("buckets", &self.buckets.len())
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl Default for ReplayCache {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

/// The 40 bits of an id's hash compared in its home bucket: 32 in its slot, 8 in the bucket's
/// extensions.
#[derive(Clone, Copy)]
struct Tag {
    low: u32,
    extension: u8,
}

/// What one locked pass over a bucket decided.
enum Attempt {
    Done(Result<(), ReplayError>),
    /// The id is new and needs an empty slot, but no credit is left.
    NeedsCredit,
}

impl ReplayCache {
    /// A cache that holds at most `capacity` ids (at least one), allocating its whole table now:
    /// `ceil(capacity / 2)` buckets of 128 bytes.
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        let buckets = capacity.div_ceil(IDS_PER_BUCKET);
        let stripes = capacity.min(MAX_STRIPES);
        let (share, rest) = (capacity / stripes, capacity % stripes);
        Self {
            buckets: (0..buckets).map(|_| Bucket::default()).collect(),
            stripes: (0..stripes)
                .map(|i| Stripe {
                    used: AtomicUsize::new(0),
                    limit: share + usize::from(i < rest),
                })
                .collect(),
            capacity,
            keys: RandomState::new(),
            epoch: AtomicU64::new(EPOCH_UNSET),
            next_sweep_at: AtomicU64::new(UnixTime::MAX),
            sweeping: AtomicBool::new(false),
        }
    }

    /// The most ids this cache ever holds: the capacity it was created with (at least one).
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The number of entries held now, expired ones not yet swept included.
    pub fn len(&self) -> usize {
        self.stripes
            .iter()
            .map(|s| s.used.load(Ordering::Acquire))
            .sum()
    }

    /// Whether the cache holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The home bucket and the tag of `id`.
    fn locate(&self, id: &[u8]) -> (&Bucket, Tag) {
        let hash = self.keys.hash_one(id);
        // Multiply-shift: the high 64 bits of hash × buckets are below `buckets`.
        #[allow(clippy::cast_possible_truncation)]
        let index = ((u128::from(hash) * self.buckets.len() as u128) >> 64) as usize;
        // The low 40 bits of the hash are the tag; the high bits chose the bucket.
        #[allow(clippy::cast_possible_truncation)]
        let tag = Tag {
            low: hash as u32,
            extension: (hash >> 32) as u8,
        };
        (&self.buckets[index], tag)
    }

    /// The epoch, fixed by the first call (with its `now`).
    fn epoch(&self, now: UnixTime) -> UnixTime {
        let epoch = self.epoch.load(Ordering::Relaxed);
        if epoch != EPOCH_UNSET {
            return epoch;
        }
        let now = now.min(EPOCH_UNSET - 1);
        match self
            .epoch
            .compare_exchange(EPOCH_UNSET, now, Ordering::Relaxed, Ordering::Relaxed)
        {
            Ok(_) => now,
            Err(epoch) => epoch,
        }
    }

    /// One pass over `bucket` under its lock.
    fn attempt(
        &self,
        bucket: &Bucket,
        tag: Tag,
        epoch: UnixTime,
        expires_at: UnixTime,
        now: UnixTime,
    ) -> Attempt {
        // Start the miss on the bucket's second line before the lock's CAS waits on the first.
        hint::black_box(bucket.slots[SLOTS - 1].load(Ordering::Relaxed));
        let mut guard = bucket.lock();
        let mut dead = None;
        let mut empty = None;
        for (i, slot) in bucket.slots.iter().enumerate() {
            let word = slot.load(Ordering::Relaxed);
            let code = code_of(word);
            if code == 0 {
                empty = empty.or(Some(i));
                continue;
            }
            let live = now < expiry(epoch, code);
            if tag_of(word) == tag.low && guard.extensions.get(i) == tag.extension {
                // A bucket holds at most one slot per tag: this is the id (or its tag twin).
                if live {
                    return Attempt::Done(Err(ReplayError::Replayed));
                }
                // Expired: the id may be used again (its credential is rejected anyway).
                if expires_at > now {
                    self.store(&mut guard, i, tag, epoch, expires_at);
                }
                return Attempt::Done(Ok(()));
            }
            if !live {
                dead = dead.or(Some(i));
            }
        }
        if expires_at <= now {
            return Attempt::Done(Ok(()));
        }
        if let Some(i) = dead {
            // Reuse in place: one dead entry out, one live in, no credit needed.
            self.store(&mut guard, i, tag, epoch, expires_at);
            return Attempt::Done(Ok(()));
        }
        let Some(i) = empty else {
            // SLOTS live ids in this bucket: fail closed.
            return Attempt::Done(Err(self.full()));
        };
        if !self.take_credit() {
            return Attempt::NeedsCredit;
        }
        self.store(&mut guard, i, tag, epoch, expires_at);
        Attempt::Done(Ok(()))
    }

    /// Fills slot `i` of the locked bucket and keeps `next_sweep_at` at most its expiry.
    fn store(
        &self,
        guard: &mut BucketGuard<'_>,
        i: usize,
        tag: Tag,
        epoch: UnixTime,
        expires_at: UnixTime,
    ) {
        let code = encode(epoch, expires_at);
        guard.bucket.slots[i].store(pack(tag.low, code), Ordering::Relaxed);
        guard.extensions.set(i, tag.extension);
        guard.dirty = true;
        let expires = expiry(epoch, code);
        // Read first: the common case (expiries later than the earliest) writes nothing, so
        // the line stays shared between cores. Why skipping the write is safe: see `sweep`.
        if expires < self.next_sweep_at.load(Ordering::SeqCst) {
            self.next_sweep_at.fetch_min(expires, Ordering::SeqCst);
        }
    }

    fn full(&self) -> ReplayError {
        ReplayError::Full {
            capacity: self.capacity,
        }
    }

    /// This thread's credit counter.
    fn home_stripe(&self) -> usize {
        THREAD_INDEX.try_with(|i| *i).unwrap_or(0) % self.stripes.len()
    }

    /// Takes one credit: from this thread's counter, else from any other with some left.
    fn take_credit(&self) -> bool {
        let home = self.home_stripe();
        let (earlier, from_home) = self.stripes.split_at(home);
        from_home.iter().chain(earlier).any(|stripe| {
            stripe
                .used
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                    (used < stripe.limit).then_some(used + 1)
                })
                .is_ok()
        })
    }

    /// Returns `count` credits (slots just emptied), to whichever counters have taken some.
    fn return_credits(&self, mut count: usize) {
        let home = self.home_stripe();
        let (earlier, from_home) = self.stripes.split_at(home);
        for stripe in from_home.iter().chain(earlier) {
            if count == 0 {
                break;
            }
            if let Ok(used) =
                stripe
                    .used
                    .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                        (used > 0).then(|| used - used.min(count))
                    })
            {
                count -= used.min(count);
            }
        }
    }

    /// Called when no credit is left: sweeps unless nothing can have expired, or waits for the
    /// sweep another thread is running. Whether a retry can succeed.
    ///
    /// `next_sweep_at` is read *before* the `sweeping` flag: a sweep sets the flag before it
    /// raises `next_sweep_at` to the maximum for its scan, so a raised value is never taken for
    /// a real one (which would refuse an id as full while the sweep is freeing room).
    fn sweep_if_due(&self, epoch: UnixTime, now: UnixTime) -> bool {
        let next_sweep_at = self.next_sweep_at.load(Ordering::SeqCst);
        if !self.sweeping.load(Ordering::SeqCst) {
            if now < next_sweep_at {
                // Every entry is live: full (fail closed), without a scan.
                return false;
            }
            if self
                .sweeping
                .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                self.sweep(epoch, now);
                self.sweeping.store(false, Ordering::SeqCst);
                return true;
            }
        }
        // Another thread is sweeping: wait for it, then retry.
        while self.sweeping.load(Ordering::SeqCst) {
            thread::yield_now();
        }
        true
    }

    /// Empties every slot expired at `now` and returns their credits.
    ///
    /// `next_sweep_at` stays at most the earliest expiry held: it is raised to the maximum
    /// *before* the scan and lowered to the earliest expiry seen after it. An entry stored
    /// while the sweep runs is either seen by the scan (its bucket locked after the store), or
    /// was stored after the scan released its bucket; then its `store` reads `next_sweep_at`
    /// after the raise (the bucket lock orders the two) and lowers it itself.
    fn sweep(&self, epoch: UnixTime, now: UnixTime) {
        self.next_sweep_at.store(UnixTime::MAX, Ordering::SeqCst);
        let mut freed = 0;
        let mut earliest = UnixTime::MAX;
        for bucket in &self.buckets {
            let _guard = bucket.lock();
            for slot in &bucket.slots {
                let code = code_of(slot.load(Ordering::Relaxed));
                if code == 0 {
                    continue;
                }
                let expires = expiry(epoch, code);
                if now < expires {
                    earliest = earliest.min(expires);
                } else {
                    slot.store(EMPTY, Ordering::Relaxed);
                    freed += 1;
                }
            }
        }
        self.return_credits(freed);
        self.next_sweep_at.fetch_min(earliest, Ordering::SeqCst);
    }

    /// Whether `id`'s home bucket holds [`SLOTS`] ids live at `now`: the one reason besides a
    /// full capacity for `Full` (checked by the fuzz target).
    #[cfg(feature = "fuzzing")]
    pub(crate) fn home_bucket_is_full(&self, id: &[u8], now: UnixTime) -> bool {
        let epoch = self.epoch(now);
        let (bucket, _) = self.locate(id);
        let _guard = bucket.lock();
        bucket.slots.iter().all(|slot| {
            let code = code_of(slot.load(Ordering::Relaxed));
            code != 0 && now < expiry(epoch, code)
        })
    }
}

impl ReplayStore for ReplayCache {
    fn check_and_insert(
        &self,
        id: &[u8],
        expires_at: UnixTime,
        now: UnixTime,
    ) -> Result<(), ReplayError> {
        let (bucket, tag) = self.locate(id);
        let epoch = self.epoch(now);
        match self.attempt(bucket, tag, epoch, expires_at, now) {
            Attempt::Done(result) => result,
            // Out of credits: sweep (if anything can have expired) and try once more. The bucket
            // is unlocked meanwhile, so the second pass starts over.
            Attempt::NeedsCredit if self.sweep_if_due(epoch, now) => {
                match self.attempt(bucket, tag, epoch, expires_at, now) {
                    Attempt::Done(result) => result,
                    Attempt::NeedsCredit => Err(self.full()),
                }
            }
            Attempt::NeedsCredit => Err(self.full()),
        }
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

#[cfg(test)]
mod tests {
    use std::sync::Barrier;

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
        // The full cache is not rescanned before its earliest expiry...
        assert_eq!(
            cache.check_and_insert(b"new", 100, 99),
            Err(ReplayError::Full { capacity: 4 })
        );
        // ...and accepts new ids again once entries expire (their slots reused or swept).
        for id in [b"new", b"ne2", b"ne3", b"ne4"] {
            assert_eq!(cache.check_and_insert(id, 300, 100), Ok(()));
        }
        assert_eq!(cache.len(), 4);
        assert_eq!(
            cache.check_and_insert(b"ne5", 300, 100),
            Err(ReplayError::Full { capacity: 4 })
        );
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
    fn full_error_reports_the_cache_capacity() {
        let cache = ReplayCache::new(128);
        assert!(cache.stripes.len() > 1);
        let mut full = None;
        for i in 0..1000u32 {
            if let Err(e) = cache.check_and_insert(&i.to_le_bytes(), 100, 0) {
                full = Some(e);
                break;
            }
        }
        assert_eq!(full, Some(ReplayError::Full { capacity: 128 }));
        assert_eq!(cache.len(), 128);
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
        assert_eq!(cache.capacity(), 1000);
        assert_eq!(accepted, 1000);
        assert_eq!(cache.len(), 1000);
    }

    #[test]
    fn never_holds_more_than_its_capacity_under_concurrent_inserts() {
        let cache = ReplayCache::new(1000);
        let accepted = AtomicUsize::new(0);
        thread::scope(|scope| {
            for t in 0..4u32 {
                let (cache, accepted) = (&cache, &accepted);
                scope.spawn(move || {
                    for i in 0..2000u32 {
                        let id = [t.to_le_bytes(), i.to_le_bytes()].concat();
                        if cache.check_and_insert(&id, 1000, 0).is_ok() {
                            accepted.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                });
            }
        });
        assert_eq!(accepted.into_inner(), 1000);
        assert_eq!(cache.len(), 1000);
    }

    #[test]
    fn accepts_exactly_one_of_concurrent_inserts_of_the_same_id() {
        let cache = ReplayCache::new(64);
        let threads = 8;
        for round in 0..200u32 {
            let id = round.to_le_bytes();
            let barrier = Barrier::new(threads);
            let accepted = AtomicUsize::new(0);
            thread::scope(|scope| {
                for _ in 0..threads {
                    let (cache, barrier, accepted) = (&cache, &barrier, &accepted);
                    scope.spawn(move || {
                        barrier.wait();
                        match cache.check_and_insert(&id, u64::from(round) + 10, u64::from(round)) {
                            Ok(()) => {
                                accepted.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(e) => assert_eq!(e, ReplayError::Replayed),
                        }
                    });
                }
            });
            assert_eq!(accepted.into_inner(), 1, "round {round}");
        }
    }

    #[test]
    fn accepts_exactly_one_of_concurrent_reuses_of_an_expired_id() {
        let cache = ReplayCache::new(64);
        let threads = 8;
        cache.check_and_insert(b"id", 10, 0).unwrap();
        for round in 1..100u64 {
            // Each round the previous entry has expired; several threads present the id again.
            let now = round * 10;
            let barrier = Barrier::new(threads);
            let accepted = AtomicUsize::new(0);
            thread::scope(|scope| {
                for _ in 0..threads {
                    let (cache, barrier, accepted) = (&cache, &barrier, &accepted);
                    scope.spawn(move || {
                        barrier.wait();
                        if cache.check_and_insert(b"id", now + 10, now).is_ok() {
                            accepted.fetch_add(1, Ordering::Relaxed);
                        }
                    });
                }
            });
            assert_eq!(accepted.into_inner(), 1, "round {round}");
        }
    }

    #[test]
    fn full_cache_accepts_new_ids_again_after_expiry_under_concurrency() {
        let cache = ReplayCache::new(256);
        for i in 0..256u32 {
            cache.check_and_insert(&i.to_le_bytes(), 100, 0).unwrap();
        }
        assert_eq!(
            cache.check_and_insert(b"one more", 200, 50),
            Err(ReplayError::Full { capacity: 256 })
        );
        // At 100 every entry has expired: two threads refill the whole capacity (one sweeps, the
        // other waits for it), and every prefilled id is accepted again.
        let accepted = AtomicUsize::new(0);
        thread::scope(|scope| {
            for t in 0..2u32 {
                let (cache, accepted) = (&cache, &accepted);
                scope.spawn(move || {
                    for i in (t..256).step_by(2) {
                        if cache.check_and_insert(&i.to_le_bytes(), 300, 100).is_ok() {
                            accepted.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                });
            }
        });
        assert_eq!(accepted.into_inner(), 256);
        assert_eq!(cache.len(), 256);
        assert_eq!(
            cache.check_and_insert(b"one more", 300, 150),
            Err(ReplayError::Full { capacity: 256 })
        );
    }

    #[test]
    fn does_not_refuse_as_full_while_another_thread_sweeps() {
        // Found by the replay benchmark: a thread out of credits while another swept saw the
        // sweep's temporary `next_sweep_at` and answered `Full` with the cache mostly expired.
        let cache = ReplayCache::new(256);
        let clock = AtomicU64::new(0);
        thread::scope(|scope| {
            for t in 0..2u64 {
                let (cache, clock) = (&cache, &clock);
                scope.spawn(move || {
                    for i in 0..30_000u64 {
                        let now = clock.fetch_add(1, Ordering::Relaxed);
                        let id = [t.to_le_bytes(), i.to_le_bytes()].concat();
                        assert_eq!(
                            cache.check_and_insert(&id, now + 50, now),
                            Ok(()),
                            "at {now}"
                        );
                    }
                });
            }
        });
    }

    #[test]
    fn never_forgets_an_entry_before_its_expiry() {
        // Expiries spread over a wide range, including ones past the 32-bit code range, and
        // sweeps forced by a small capacity: at every instant before its expiry each id is
        // still refused.
        let cache = ReplayCache::new(64);
        let epoch = 1_000_000;
        let expiries: Vec<u64> = (0..32u64)
            .map(|i| match i {
                0 => epoch + 1,
                1 => epoch + u64::from(u32::MAX) - 1,
                2 => epoch + u64::from(u32::MAX),
                3 => epoch + u64::from(u32::MAX) + 7,
                4 => u64::MAX,
                _ => epoch + i * 37,
            })
            .collect();
        for (i, &expires_at) in expiries.iter().enumerate() {
            cache
                .check_and_insert(&[u8::try_from(i).unwrap()], expires_at, epoch)
                .unwrap();
        }
        let instants = [
            epoch,
            epoch + 1,
            epoch + 500,
            epoch + u64::from(u32::MAX),
            u64::MAX - 1,
        ];
        for now in instants {
            // Churn: fill the rest of the capacity with short-lived ids so that sweeps run.
            for j in 0..64u32 {
                let _ = cache.check_and_insert(
                    &[b'x', 0, 0, 0]
                        .iter()
                        .copied()
                        .chain(j.to_le_bytes())
                        .collect::<Vec<_>>(),
                    now + 1,
                    now,
                );
            }
            for (i, &expires_at) in expiries.iter().enumerate() {
                if now < expires_at {
                    assert_eq!(
                        cache.check_and_insert(&[u8::try_from(i).unwrap()], u64::MAX, now),
                        Err(ReplayError::Replayed),
                        "id {i} (expires {expires_at}) forgotten at {now}"
                    );
                }
            }
        }
    }

    #[test]
    fn expiry_codes_round_up_never_down() {
        for epoch in [0, 1000, u64::MAX - 5] {
            for expires_at in [
                epoch.saturating_sub(3),
                epoch,
                epoch.saturating_add(1),
                epoch.saturating_add(12_345),
                epoch.saturating_add(u64::from(u32::MAX) - 1),
                epoch.saturating_add(u64::from(u32::MAX)),
                u64::MAX,
            ] {
                let code = encode(epoch, expires_at);
                assert_ne!(code, 0);
                assert!(expiry(epoch, code) >= expires_at, "{epoch} {expires_at}");
                if expires_at > epoch && expires_at - epoch < u64::from(NEVER) {
                    assert_eq!(expiry(epoch, code), expires_at);
                }
            }
        }
    }

    #[test]
    fn tag_extensions_round_trip_through_the_lock_and_extension_words() {
        let mut extensions = Extensions::from_words(0, 0);
        for i in 0..SLOTS {
            extensions.set(i, u8::try_from(0x10 + i).unwrap());
        }
        extensions.set(3, 0xff);
        let (lock, ext) = extensions.to_words();
        assert_eq!(lock & 0xff, 0, "the lock byte stays clear");
        let back = Extensions::from_words(lock | LOCKED, ext);
        for i in 0..SLOTS {
            let want = if i == 3 { 0xff } else { 0x10 + i };
            assert_eq!(usize::from(back.get(i)), want, "slot {i}");
        }
    }

    #[test]
    fn ids_differing_only_in_their_tag_extension_are_told_apart() {
        let cache = ReplayCache::new(16);
        let (bucket, tag) = cache.locate(b"a");
        let twin = Tag {
            low: tag.low,
            extension: tag.extension ^ 1,
        };
        let epoch = cache.epoch(0);
        assert!(matches!(
            cache.attempt(bucket, tag, epoch, 100, 0),
            Attempt::Done(Ok(()))
        ));
        assert!(matches!(
            cache.attempt(bucket, twin, epoch, 100, 0),
            Attempt::Done(Ok(()))
        ));
        assert!(matches!(
            cache.attempt(bucket, twin, epoch, 100, 0),
            Attempt::Done(Err(ReplayError::Replayed))
        ));
        assert_eq!(
            cache.check_and_insert(b"a", 100, 1),
            Err(ReplayError::Replayed)
        );
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn a_bucket_is_one_aligned_128_byte_block() {
        assert_eq!(std::mem::size_of::<Bucket>(), 128);
        assert_eq!(std::mem::align_of::<Bucket>(), 128);
        assert_eq!(
            ReplayCache::new(DEFAULT_CAPACITY).buckets.len(),
            DEFAULT_CAPACITY / 2
        );
        assert_eq!(ReplayCache::new(1).buckets.len(), 1);
        assert_eq!(ReplayCache::new(1).capacity(), 1);
    }
}
