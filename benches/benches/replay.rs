//! The replay cache with one million live entries: the cost of one check-and-insert, its heap
//! bytes per entry, and how throughput scales from one thread to two.
//!
//! Time: the ids measured are fresh (first presentations) and live for [`LIFETIME`] ticks of a
//! clock that advances one tick per operation, so they expire soon after; their slots are reused
//! in place or swept when the cache runs out of room. The one million prefilled ids never expire.
//! The cache therefore holds 1M live entries (plus the last [`LIFETIME`] measured ones, and at
//! most a million dead ones awaiting reuse or a sweep) however many iterations criterion runs,
//! and the sweeps' cost is part of the measurement.
// Setup failures abort the run: nothing could be measured anyway.
#![allow(clippy::expect_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use a2a_security::{ReplayCache, ReplayStore};
use criterion::{Criterion, Throughput};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Counts live heap bytes, so that the cache's memory is measured, not estimated.
struct CountingAllocator;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

fn add(bytes: usize) {
    LIVE_BYTES.fetch_add(
        isize::try_from(bytes).unwrap_or(isize::MAX),
        Ordering::Relaxed,
    );
}

fn sub(bytes: usize) {
    LIVE_BYTES.fetch_sub(
        isize::try_from(bytes).unwrap_or(isize::MAX),
        Ordering::Relaxed,
    );
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counting has no
// effect on the memory handed out. `unsafe` is needed only because `GlobalAlloc` is an unsafe
// trait (this is why the benches crate denies rather than forbids `unsafe_code`).
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            add(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            add(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) };
        sub(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as ours.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            sub(layout.size());
            add(new_size);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Live entries in every measurement.
const LIVE: u64 = 1_000_000;

/// A 36-byte id (the length of a UUID, as message ids and `jti`s usually are), unique per
/// `(stream, n)`.
fn id(stream: u64, n: u64) -> [u8; 36] {
    let mut id = *b"00000000-0000-4000-8000-000000000000";
    id[..8].copy_from_slice(&n.to_le_bytes());
    id[28..36].copy_from_slice(&stream.to_le_bytes());
    id
}

/// How long a measured id lives, in operations: ids of recent requests are live, as on a
/// server, and older ones dead, awaiting a sweep.
const LIFETIME: u64 = 10_000;

/// Stream 0 holds the prefilled ids; measured ids use streams from 1.
fn prefilled(capacity: usize) -> ReplayCache {
    let cache = ReplayCache::new(capacity);
    for n in 0..LIVE {
        cache
            .check_and_insert(&id(0, n), u64::MAX, 0)
            .expect("room for the prefill");
    }
    cache
}

/// Inserts `ops` fresh ids of `stream`, each live for [`LIFETIME`] ticks of a clock that
/// advances one tick per operation from `start`. Returns the next start.
fn insert_fresh(cache: &ReplayCache, stream: u64, start: u64, ops: u64) -> u64 {
    for now in start..start + ops {
        cache
            .check_and_insert(black_box(&id(stream, now)), now + LIFETIME, now)
            .expect("a fresh id is accepted");
    }
    start + ops
}

fn memory() {
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let cache = prefilled(1 << 20);
    let after = LIVE_BYTES.load(Ordering::Relaxed);
    assert_eq!(cache.len(), usize::try_from(LIVE).expect("fits"));
    #[allow(clippy::cast_precision_loss)] // a ratio for display
    let per_entry = (after - before) as f64 / LIVE as f64;
    println!(
        "replay/memory: {} live entries, {} heap bytes, {per_entry:.1} bytes per entry",
        LIVE,
        after - before
    );
}

fn check_and_insert(c: &mut Criterion) {
    // Room for the prefill and as many dead ids again (see the module comment).
    let cache = prefilled(2 * (1 << 20));
    let mut group = c.benchmark_group("replay/1M live");
    group.throughput(Throughput::Elements(1));

    let mut now = 1;
    group.bench_function("fresh id", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            now = insert_fresh(&cache, 1, now, iters);
            start.elapsed()
        });
    });

    let mut n = 0;
    group.bench_function("replayed id", |b| {
        b.iter(|| {
            n = (n + 1) % LIVE;
            let replayed = cache.check_and_insert(black_box(&id(0, n)), u64::MAX, 1);
            assert!(replayed.is_err());
        });
    });

    // Fixed operations per thread: the 2-thread time for `iters` operations per thread is the
    // time for 2 × `iters` operations in all, so throughput(2) / throughput(1) = 2·t1 / t2.
    // Both threads share the clock's range, each with its own ids.
    for threads in [1u64, 2] {
        group.throughput(Throughput::Elements(threads));
        group.bench_function(format!("fresh id, {threads} thread(s)"), |b| {
            b.iter_custom(|iters| {
                let elapsed = on_threads(threads, |stream| {
                    // Streams 2 and 3: ids unique across threads and benchmarks.
                    insert_fresh(&cache, 2 + stream, now, iters);
                });
                now += iters;
                elapsed
            });
        });
    }
    group.finish();

    // The control: how much a second thread of pure computation (an HMAC-SHA256 of 36 bytes per
    // operation, nothing shared) gains on this machine at this moment. On a machine with two
    // idle cores it is 2.0; the cache's scaling is to be read against it.
    let mut group = c.benchmark_group("replay/control (no shared state)");
    let keyed = Hmac::<Sha256>::new_from_slice(&[7; 32]).expect("HMAC key");
    for threads in [1u64, 2] {
        group.throughput(Throughput::Elements(threads));
        group.bench_function(format!("HMAC-SHA256 36 B, {threads} thread(s)"), |b| {
            b.iter_custom(|iters| {
                on_threads(threads, |_| {
                    for n in 0..iters {
                        black_box(keyed.clone().chain_update(id(n, n)).finalize());
                    }
                })
            });
        });
    }
    group.finish();
}

/// Runs `work(0)` … `work(threads - 1)` on as many scoped threads; the wall time of all.
fn on_threads(threads: u64, work: impl Fn(u64) + Sync) -> Duration {
    let begin = Instant::now();
    thread::scope(|scope| {
        for stream in 0..threads {
            let work = &work;
            scope.spawn(move || work(stream));
        }
    });
    begin.elapsed()
}

fn main() {
    memory();
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    check_and_insert(&mut criterion);
    criterion.final_summary();
}
