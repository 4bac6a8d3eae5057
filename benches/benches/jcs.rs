//! RFC 8785 canonicalization of a realistic agent card (about 2.6 KiB) next to plain
//! `serde_json::to_vec` of the same `Value` (the floor: serialization without the canonical
//! rules) and `serde_jcs` (another RFC 8785 implementation).
// Setup failures abort the run: nothing could be measured anyway.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use a2a_benches::agent_card;
use a2a_security::jcs;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn canonicalize(c: &mut Criterion) {
    let card = agent_card();
    let ours = jcs::canonicalize_value(&card);
    let theirs = serde_jcs::to_vec(&card).expect("serde_jcs");
    assert_eq!(
        String::from_utf8_lossy(&ours),
        String::from_utf8_lossy(&theirs),
        "both produce the same canonical bytes"
    );

    let mut group = c.benchmark_group(format!("jcs/agent card ({} B)", ours.len()));
    group.throughput(Throughput::Bytes(ours.len() as u64));
    group.bench_function("a2a-security canonicalize_value", |b| {
        b.iter(|| jcs::canonicalize_value(black_box(&card)));
    });
    group.bench_function("serde_json::to_vec", |b| {
        b.iter(|| serde_json::to_vec(black_box(&card)).expect("serializable"));
    });
    group.bench_function("serde_jcs::to_vec", |b| {
        b.iter(|| serde_jcs::to_vec(black_box(&card)).expect("serializable"));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = canonicalize
}
criterion_main!(benches);
