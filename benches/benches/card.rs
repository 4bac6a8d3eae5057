//! Agent card signatures (ES256): `card::sign` and `card::verify` (field-presence reduction,
//! RFC 8785, detached-payload JWS) next to bare `ring` ECDSA P-256 signing and verification of
//! the same signing input.
// Setup failures abort the run: nothing could be measured anyway.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use a2a_benches::{P256_PKCS8, agent_card, base64url_encode, signing_key};
use a2a_security::card::{self, Canonicalization};
use a2a_security::jwk::JwkSet;
use a2a_security::jws::Algorithm;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ring::rand::SystemRandom;
use ring::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _,
    UnparsedPublicKey,
};

fn cards(c: &mut Criterion) {
    let key = signing_key(Algorithm::ES256);
    let mut keys = JwkSet::new();
    keys.insert(key.verifying_key().expect("public key"))
        .expect("one key");
    let unsigned = agent_card();
    let mut signed = unsigned.clone();
    card::sign(&mut signed, &key, None).expect("signing");
    card::verify(&signed, &keys, Canonicalization::ProtoPresence).expect("verifies");

    // The baselines sign and verify the very bytes the card signature covers.
    let entry = &signed["signatures"][0];
    let protected = entry["protected"].as_str().expect("protected");
    let payload =
        card::signing_payload(&unsigned, Canonicalization::ProtoPresence).expect("payload");
    let signing_input = format!("{protected}.{}", base64url_encode(&payload));
    let rng = SystemRandom::new();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, P256_PKCS8, &rng)
        .expect("P-256 key");
    let public = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, pair.public_key().as_ref());
    let signature = pair
        .sign(&rng, signing_input.as_bytes())
        .expect("ring signs");
    public
        .verify(signing_input.as_bytes(), signature.as_ref())
        .expect("ring verifies");

    let mut group = c.benchmark_group("card/ES256 sign");
    group.bench_function("a2a-security card::sign", |b| {
        b.iter_batched_ref(
            || unsigned.clone(),
            |card| card::sign(card, &key, None).expect("signing"),
            BatchSize::SmallInput,
        );
    });
    group.bench_function("ring sign", |b| {
        b.iter(|| {
            pair.sign(&rng, black_box(signing_input.as_bytes()))
                .expect("ring signs")
        });
    });
    group.finish();

    let mut group = c.benchmark_group("card/ES256 verify");
    group.bench_function("a2a-security card::verify", |b| {
        b.iter(|| {
            card::verify(black_box(&signed), &keys, Canonicalization::ProtoPresence)
                .expect("verifies")
        });
    });
    group.bench_function("ring verify", |b| {
        b.iter(|| {
            public
                .verify(
                    black_box(signing_input.as_bytes()),
                    black_box(signature.as_ref()),
                )
                .expect("ring verifies");
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = cards
}
criterion_main!(benches);
