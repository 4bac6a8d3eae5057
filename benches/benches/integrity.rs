//! Message-integrity verification of a request (headers, window, HMAC-SHA256 over the raw body,
//! replay insert) next to a bare HMAC-SHA256 (`hmac` + `sha2`, keyed once, cloned per message)
//! of the same signed bytes, for 256 B, 4 KiB and 64 KiB bodies.
//!
//! Every verified request is fresh: setup (not timed) signs a request with a new message id.
//! Time: a fixed clock, advanced 200 s every 50 000 requests, so that recorded ids (kept until
//! their timestamp + 301 s) expire and are swept when a shard of the 1M-entry replay cache
//! fills; batches of 1 000 requests never straddle more than one advance, so every request is
//! verified inside its 300 s window.
// Setup failures abort the run: nothing could be measured anyway.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use a2a_benches::{INTEGRITY_KEY_ID, INTEGRITY_SECRET, NOW, request_body};
use a2a_security::integrity::{IntegrityKey, Signer, Verifier, Window};
use a2a_security::{FixedClock, ReplayCache};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const METHOD: &str = "POST";
const PATH: &str = "/a2a/v1";

fn integrity(c: &mut Criterion) {
    let clock = Arc::new(FixedClock::new(NOW));
    let key = IntegrityKey::new(INTEGRITY_KEY_ID, INTEGRITY_SECRET).expect("key");
    let signer = Signer::new(key.clone(), Arc::clone(&clock));
    let verifier = Verifier::new(
        [key],
        ReplayCache::new(1 << 20),
        Arc::clone(&clock),
        Window::DEFAULT,
    )
    .expect("verifier");
    let keyed = Hmac::<Sha256>::new_from_slice(INTEGRITY_SECRET).expect("HMAC key");
    let mut sequence = 0u64;

    for len in [256, 4 * 1024, 64 * 1024] {
        let body = request_body(len);

        // The baseline MACs exactly the bytes the extension signs (label, key id, method, path,
        // timestamp, id, body), fed as two slices as a streaming verifier would.
        let reference = signer
            .sign_request(METHOD, PATH, "baseline", &body)
            .expect("signing");
        let prefix = format!(
            "A2A-MI-1 request\n{INTEGRITY_KEY_ID}\n{METHOD}\n{PATH}\n{}\nbaseline\n",
            reference.timestamp()
        );
        let tag = keyed
            .clone()
            .chain_update(&prefix)
            .chain_update(&body)
            .finalize()
            .into_bytes();
        assert_eq!(
            a2a_benches::base64url_encode(&tag),
            reference.signature(),
            "the baseline MACs the same bytes"
        );

        let mut group = c.benchmark_group(format!("integrity/{}", size_name(len)));
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_function("a2a-security verify_request", |b| {
            b.iter_batched_ref(
                || {
                    sequence += 1;
                    if sequence.is_multiple_of(50_000) {
                        clock.advance(200);
                    }
                    signer
                        .sign_request(METHOD, PATH, &format!("msg-{sequence}"), &body)
                        .expect("signing")
                },
                |signed| {
                    verifier
                        .verify_request(METHOD, PATH, signed.as_received(), black_box(&body))
                        .map(|_| ())
                        .expect("a fresh request verifies");
                },
                BatchSize::NumIterations(1_000),
            );
        });
        // The same checks without the replay insert, to show what the insert costs (signed
        // now: the clock has moved on).
        let unrecorded = signer
            .sign_request(METHOD, PATH, "unrecorded", &body)
            .expect("signing");
        group.bench_function("a2a-security verify_request_signature (no replay)", |b| {
            b.iter(|| {
                verifier
                    .verify_request_signature(
                        METHOD,
                        PATH,
                        unrecorded.as_received(),
                        black_box(&body),
                    )
                    .map(|_| ())
                    .expect("the request verifies");
            });
        });
        group.bench_function("bare HMAC-SHA256", |b| {
            b.iter(|| {
                keyed
                    .clone()
                    .chain_update(black_box(&prefix))
                    .chain_update(black_box(&body))
                    .verify_slice(black_box(&tag))
                    .expect("the tag verifies");
            });
        });
        group.finish();
    }
}

fn size_name(len: usize) -> String {
    if len >= 1024 {
        format!("{} KiB", len / 1024)
    } else {
        format!("{len} B")
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = integrity
}
criterion_main!(benches);
