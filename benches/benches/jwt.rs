//! JWT validation: `a2a-security` next to `jsonwebtoken` (HS256) and next to bare `ring`
//! signature verification of the same signing input (RS256, ES256, `EdDSA`).
// Setup failures abort the run: nothing could be measured anyway.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use a2a_benches::{AUDIENCE, HMAC_SECRET, ISSUER, RingPublicKey, ring_public_key, signed_token};
use a2a_security::SystemClock;
use a2a_security::jws::Algorithm;
use criterion::{Criterion, criterion_group, criterion_main};
use serde::Deserialize;

/// The claims `jsonwebtoken` deserializes into: the same members our validator reads.
#[derive(Deserialize)]
#[allow(dead_code)] // read only by the deserializer; the point is the parsing work
struct TokenClaims {
    iss: String,
    sub: String,
    aud: String,
    exp: u64,
    nbf: u64,
    iat: u64,
    jti: String,
    scope: String,
}

fn hs256(c: &mut Criterion) {
    // Both validators read the wall clock, as a server does.
    let fixture = signed_token(Algorithm::HS256, Arc::new(SystemClock));
    let token = fixture.token.as_str();

    let key = jsonwebtoken::DecodingKey::from_secret(HMAC_SECRET);
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
    validation.validate_nbf = true;
    validation.leeway = 60;
    let leeway = validation.leeway;
    // The checks `jsonwebtoken` leaves to the application: `iat` not in the future (ours
    // always checks it).
    let jsonwebtoken_validate = |token: &str| {
        let data = jsonwebtoken::decode::<TokenClaims>(token, &key, &validation)
            .expect("jsonwebtoken accepts the fixture");
        assert!(data.claims.iat <= jsonwebtoken::get_current_timestamp() + leeway);
        data
    };
    jsonwebtoken_validate(token);

    let mut group = c.benchmark_group("jwt/HS256");
    group.bench_function("a2a-security", |b| {
        b.iter(|| fixture.validator.validate(black_box(token)).expect("valid"));
    });
    group.bench_function("jsonwebtoken", |b| {
        b.iter(|| jsonwebtoken_validate(black_box(token)));
    });
    group.finish();
}

fn ring_verify(key: &RingPublicKey, input: &[u8], signature: &[u8]) {
    let result = match key {
        RingPublicKey::Rsa(components) => components.verify(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            input,
            signature,
        ),
        RingPublicKey::Point(alg, point) => {
            ring::signature::UnparsedPublicKey::new(*alg, point).verify(input, signature)
        }
    };
    result.expect("ring verifies the fixture");
}

fn asymmetric(c: &mut Criterion) {
    for alg in [Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA] {
        let fixture = signed_token(alg, Arc::new(SystemClock));
        let public = ring_public_key(alg);
        ring_verify(&public, &fixture.signing_input, &fixture.signature);

        let mut group = c.benchmark_group(format!("jwt/{alg}"));
        group.bench_function("a2a-security", |b| {
            b.iter(|| {
                fixture
                    .validator
                    .validate(black_box(&fixture.token))
                    .expect("valid")
            });
        });
        group.bench_function("ring verify", |b| {
            b.iter(|| {
                ring_verify(
                    &public,
                    black_box(&fixture.signing_input),
                    black_box(&fixture.signature),
                );
            });
        });
        group.finish();
    }
}

criterion_group! {
    name = jwt;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = hs256, asymmetric
}
criterion_main!(jwt);
