//! `replay_cache`: [`ReplayCache`] against a `HashMap` model.

use std::collections::HashMap;

use arbitrary::Unstructured;

use crate::clock::UnixTime;
use crate::replay::{ReplayCache, ReplayError, ReplayStore};

/// Runs a sequence of operations on a [`ReplayCache`] and on a plain model (id → expiry) and
/// checks after each one:
///
/// - an id the model holds live (`now < expiry`) is refused with `Replayed`; one it does not hold
///   live is never refused as `Replayed` (only, possibly, as `Full`);
/// - `Full` carries the cache's capacity and is only returned for a credential still valid;
/// - `Full` means the cache is full of live ids (the model has at least `capacity` live ids), or
///   else the id's home bucket holds 14 live ids (asked of the cache: an overflow is possible,
///   if astronomically rare, and not visible from outside);
/// - `len() <= capacity()`, and every id the model holds live is still in the cache
///   (`len() >= live`).
///
/// Input layout: 2 bytes capacity (`1..=300`), then operations until the input ends, each an
/// opcode byte: `op % 4 == 3` advances the clock by the next byte in seconds; anything else
/// presents the id numbered by the next 2 bytes (`0..=511`) with `expires_at = now + b - 16` for
/// the byte `b` after it (saturating; `expires_at <= now` records nothing).
pub fn replay_cache(data: &[u8]) {
    let _ = run(&mut Unstructured::new(data));
}

const MAX_OPERATIONS: usize = 4096;

fn run(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let requested: u16 = u.int_in_range(1..=300)?;
    let requested = usize::from(requested);
    let cache = ReplayCache::new(requested);
    assert_eq!(cache.capacity(), requested, "capacity as requested");

    let mut model: HashMap<Vec<u8>, UnixTime> = HashMap::new();
    let mut now: UnixTime = 1_000;
    for _ in 0..MAX_OPERATIONS {
        if u.is_empty() {
            break;
        }
        let op: u8 = u.arbitrary()?;
        if op % 4 == 3 {
            now += u64::from(u.arbitrary::<u8>()?);
            continue;
        }
        let id: u16 = u.int_in_range(0..=511)?;
        let id = format!("id-{id}").into_bytes();
        let expires_at = (now + u64::from(u.arbitrary::<u8>()?)).saturating_sub(16);

        let live_before = model.get(&id).is_some_and(|&expiry| now < expiry);
        let result = cache.check_and_insert(&id, expires_at, now);
        match result {
            Ok(()) => {
                assert!(!live_before, "accepted a replay of a live id at {now}");
                if expires_at > now {
                    model.insert(id, expires_at);
                } else {
                    model.remove(&id);
                }
            }
            Err(ReplayError::Replayed) => {
                assert!(live_before, "refused an id that is not live as replayed");
            }
            Err(ReplayError::Full { capacity }) => {
                assert!(
                    !live_before,
                    "refused a live id as full instead of replayed"
                );
                assert_eq!(capacity, cache.capacity(), "Full carries the capacity");
                assert!(expires_at > now, "refused an expired credential as full");
                let live = model.values().filter(|&&expiry| now < expiry).count();
                assert!(
                    live >= requested || cache.home_bucket_is_full(&id, now),
                    "refused as full with {live} live ids (capacity {requested}, now {now})"
                );
            }
        }
        let live = model.values().filter(|&&expiry| now < expiry).count();
        let len = cache.len();
        assert!(len <= cache.capacity(), "holds {len} > capacity");
        assert!(len >= live, "holds {len} entries but {live} ids are live");
    }
    Ok(())
}
