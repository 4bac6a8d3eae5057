//! Standard Webhooks verification of a 1 KiB delivery (headers, tolerance, HMAC-SHA256 over
//! `{id}.{timestamp}.{body}`, replay insert) next to a bare HMAC-SHA256 (`hmac` + `sha2`,
//! keyed once, cloned per message) of the same signed bytes.
//!
//! Every verified delivery is fresh: setup (not timed) signs one with a new id. Time: a fixed
//! clock, advanced 200 s every 50 000 deliveries, so that recorded ids (kept until their
//! timestamp + 301 s) expire and are swept when a shard of the 1M-entry replay cache fills;
//! batches of 1 000 never straddle more than one advance, so every delivery is inside its
//! 300 s tolerance.
// Setup failures abort the run: nothing could be measured anyway.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use a2a_benches::{NOW, WEBHOOK_SECRET, request_body};
use a2a_security::webhook::{WebhookSecret, WebhookSigner, WebhookVerifier};
use a2a_security::{Clock, FixedClock, ReplayCache};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use sha2::Sha256;

fn webhook(c: &mut Criterion) {
    let clock = Arc::new(FixedClock::new(NOW));
    let secret = WebhookSecret::from_bytes(WEBHOOK_SECRET).expect("secret");
    let signer = WebhookSigner::new(secret.clone());
    let verifier = WebhookVerifier::new([secret], ReplayCache::new(1 << 20), Arc::clone(&clock))
        .expect("verifier");
    let keyed = Hmac::<Sha256>::new_from_slice(WEBHOOK_SECRET).expect("HMAC key");
    let body = request_body(1024);

    let signed_bytes = {
        let mut bytes = format!("msg_baseline.{NOW}.").into_bytes();
        bytes.extend_from_slice(&body);
        bytes
    };
    let tag = keyed
        .clone()
        .chain_update(&signed_bytes)
        .finalize()
        .into_bytes();

    let mut group = c.benchmark_group("webhook/1 KiB");
    group.throughput(Throughput::Bytes(body.len() as u64));
    let mut sequence = 0u64;
    group.bench_function("a2a-security verify", |b| {
        b.iter_batched_ref(
            || {
                sequence += 1;
                if sequence.is_multiple_of(50_000) {
                    clock.advance(200);
                }
                signer
                    .sign(&format!("msg_{sequence}"), clock.now(), &body)
                    .expect("signing")
            },
            |signed| {
                verifier
                    .verify(signed.as_received(), black_box(&body))
                    .expect("a fresh delivery verifies");
            },
            BatchSize::NumIterations(1_000),
        );
    });
    group.bench_function("bare HMAC-SHA256", |b| {
        b.iter(|| {
            keyed
                .clone()
                .chain_update(black_box(&signed_bytes))
                .verify_slice(black_box(&tag))
                .expect("the tag verifies");
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = webhook
}
criterion_main!(benches);
