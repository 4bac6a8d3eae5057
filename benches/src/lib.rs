//! Shared fixtures for the benchmarks: keys, tokens and documents, built the same way on every
//! run so that two runs measure the same work.
//!
//! Keys are fixed: the RSA-2048 and P-256 keys are PKCS#8 files under `keys/` (generated once
//! with `openssl genpkey`, see `README.md`; they protect nothing), the Ed25519 key comes from a
//! fixed seed and the HMAC secret is a constant. ECDSA signatures are randomised by `ring`, so an
//! ES256 token differs from run to run in its signature bytes only.
//!
//! Fixtures panic on failure: they are built from constants, so a failure is a bug in the
//! benchmark setup and nothing could be measured anyway.
#![allow(clippy::expect_used)]

use std::sync::Arc;

use a2a_security::jwk::JwkSet;
use a2a_security::jws::{Algorithm, SigningKey};
use a2a_security::jwt::{self, Validation, Validator};
use a2a_security::{Clock, UnixTime};
use ring::signature::{self as sig, KeyPair as _};
use serde_json::{Value, json};

/// The `iat` and `nbf` of every token, and the fixed "now" of the benchmarks that inject time.
pub const NOW: UnixTime = 1_700_000_000;
/// The `exp` of every token: 2100-01-01, so that validators that read the wall clock accept it.
pub const EXP: UnixTime = 4_102_444_800;
/// The accepted issuer.
pub const ISSUER: &str = "https://idp.example.com/realms/a2a";
/// The accepted audience.
pub const AUDIENCE: &str = "https://agent.example.com/a2a/v1";
/// The key id of every token.
pub const KID: &str = "bench-key-1";
/// The HS256 secret (32 bytes, the RFC 7518 §3.2 minimum).
pub const HMAC_SECRET: &[u8; 32] = b"a2a-benches: HS256 secret, 32 B.";

/// An RSA-2048 private key, PKCS#8 DER (`openssl genpkey -algorithm RSA`).
pub const RSA_PKCS8: &[u8] = include_bytes!("../keys/rsa2048.pk8.der");
/// A P-256 private key, PKCS#8 DER (`openssl genpkey -algorithm EC`).
pub const P256_PKCS8: &[u8] = include_bytes!("../keys/p256.pk8.der");
/// The Ed25519 seed.
pub const ED25519_SEED: &[u8; 32] = b"a2a-benches: Ed25519 seed 32 B.!";

/// The claims of every benchmark token: the registered claims a resource server checks, plus a
/// `scope`, about the size of a real access token's.
pub fn claims() -> Value {
    json!({
        "iss": ISSUER,
        "sub": "service-account-orchestrator-7f3c",
        "aud": AUDIENCE,
        "exp": EXP,
        "nbf": NOW,
        "iat": NOW,
        "jti": "b8e1c1d2-5f0a-4c55-9a61-0d4f3b2f9e17",
        "scope": "a2a:message:send a2a:tasks:read a2a:tasks:cancel"
    })
}

/// The validation policy matching [`claims`]: issuer, audience, `exp` and `sub` required, 60 s
/// leeway (`nbf` and `iat` are always checked when present).
pub fn validation() -> Validation {
    Validation {
        issuers: vec![ISSUER.to_owned()],
        audiences: vec![AUDIENCE.to_owned()],
        require_sub: true,
        ..Validation::default()
    }
}

/// The signing key for `alg` (HS256, RS256, ES256 or `EdDSA`), with [`KID`].
///
/// # Panics
///
/// For any other algorithm.
pub fn signing_key(alg: Algorithm) -> SigningKey {
    let key = match alg {
        Algorithm::HS256 => SigningKey::hmac(alg, HMAC_SECRET),
        Algorithm::RS256 | Algorithm::ES256 => {
            let der = if alg == Algorithm::RS256 {
                RSA_PKCS8
            } else {
                P256_PKCS8
            };
            SigningKey::from_pkcs8(alg, der)
        }
        Algorithm::EdDSA => SigningKey::ed25519(ED25519_SEED, &ed25519_public_key()),
        _ => panic!("no benchmark key for {alg}"),
    };
    key.expect("benchmark key").with_kid(KID)
}

/// The public key for `alg` in the form `ring` verifies with, read by `ring` itself from the
/// same key material (so the baseline shares nothing with `a2a-security` but the bytes).
///
/// # Panics
///
/// For HMAC and any other algorithm without a `ring` public key.
pub fn ring_public_key(alg: Algorithm) -> RingPublicKey {
    match alg {
        Algorithm::RS256 => {
            let pair = sig::RsaKeyPair::from_pkcs8(RSA_PKCS8).expect("RSA key");
            RingPublicKey::Rsa(pair.public().into())
        }
        Algorithm::ES256 => {
            let rng = ring::rand::SystemRandom::new();
            let pair = sig::EcdsaKeyPair::from_pkcs8(
                &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
                P256_PKCS8,
                &rng,
            )
            .expect("P-256 key");
            RingPublicKey::Point(
                &sig::ECDSA_P256_SHA256_FIXED,
                pair.public_key().as_ref().to_vec(),
            )
        }
        Algorithm::EdDSA => RingPublicKey::Point(&sig::ED25519, ed25519_public_key()),
        _ => panic!("no ring public key for {alg}"),
    }
}

fn ed25519_public_key() -> Vec<u8> {
    sig::Ed25519KeyPair::from_seed_unchecked(ED25519_SEED)
        .expect("Ed25519 seed")
        .public_key()
        .as_ref()
        .to_vec()
}

/// A public key as bare `ring` takes it.
#[derive(Debug)]
pub enum RingPublicKey {
    /// RSA modulus and exponent.
    Rsa(sig::RsaPublicKeyComponents<Vec<u8>>),
    /// An EC point or Ed25519 key, with its verification algorithm.
    Point(&'static dyn sig::VerificationAlgorithm, Vec<u8>),
}

/// A signed token and everything needed to check it.
#[derive(Debug)]
pub struct SignedToken {
    /// The compact JWS.
    pub token: String,
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: Vec<u8>,
    /// The decoded signature.
    pub signature: Vec<u8>,
    /// A validator holding the verifying key, with [`validation`] and the given clock.
    pub validator: Validator,
}

/// A token over [`claims`] signed with the benchmark key for `alg`, and its validator.
///
/// # Panics
///
/// For an algorithm without a benchmark key.
pub fn signed_token(alg: Algorithm, clock: Arc<dyn Clock>) -> SignedToken {
    let key = signing_key(alg);
    let token = jwt::mint(&key, &claims()).expect("minting");
    let (signing_input, signature) = token.rsplit_once('.').expect("compact JWS");
    let signature = base64url_decode(signature);
    let mut keys = JwkSet::new();
    keys.insert(key.verifying_key().expect("verifying key"))
        .expect("one key");
    let validator = Validator::new(keys, validation(), clock);
    validator
        .validate(&token)
        .expect("the fixture token is valid");
    SignedToken {
        signing_input: signing_input.as_bytes().to_vec(),
        signature,
        token,
        validator,
    }
}

/// Decodes unpadded base64url (fixture helper, not the code under test).
fn base64url_decode(text: &str) -> Vec<u8> {
    fn value(c: u8) -> u32 {
        u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => panic!("not base64url"),
        })
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in text.as_bytes() {
        acc = (acc << 6) | value(c);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            // Truncation intended: the low byte of the accumulator above `bits`.
            #[allow(clippy::cast_possible_truncation)]
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// The message-integrity key id and secret (32 bytes, the extension's minimum).
pub const INTEGRITY_KEY_ID: &str = "bench-key-1";
/// The message-integrity secret.
pub const INTEGRITY_SECRET: &[u8; 32] = b"a2a-benches: integrity secret 32";
/// The Standard Webhooks secret (32 bytes).
pub const WEBHOOK_SECRET: &[u8; 32] = b"a2a-benches: webhook secret, 32B";

/// A JSON-RPC `SendMessage` request body of exactly `len` bytes (at least 200): a user message
/// whose text part is padded with deterministic prose.
///
/// # Panics
///
/// If `len` is below 200.
pub fn request_body(len: usize) -> Vec<u8> {
    let head = r#"{"jsonrpc":"2.0","id":"4f1c2b7e-0a9d-4e55-8c1b-2f6d0e9a7b31","method":"SendMessage","params":{"message":{"role":"ROLE_USER","messageId":"9b2e7c10-5d4f-4a3b-9e8d-1c6f0b2a4d57","parts":[{"text":""#;
    let tail = r#""}]}}}"#;
    let filler = "Plan a four-day trip from Lyon to Kyoto in April; prefer trains, quiet hotels. ";
    let text_len = len
        .checked_sub(head.len() + tail.len())
        .expect("bodies are at least 200 bytes");
    let mut body = String::with_capacity(len);
    body.push_str(head);
    body.extend(filler.chars().cycle().take(text_len));
    body.push_str(tail);
    assert_eq!(body.len(), len);
    body.into_bytes()
}

/// Encodes unpadded base64url (fixture helper, not the code under test).
pub fn base64url_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let bits = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(bits >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

/// A realistic A2A v1.0 agent card of about 2.6 KiB (canonical): three interfaces, two skills, OAuth 2.0
/// and bearer security schemes, capabilities with extensions, some non-ASCII text and numbers.
/// (A `Value` keeps members in a sorted map, so the order written here does not reach the
/// serializers.)
pub fn agent_card() -> Value {
    json!({
        "name": "Itinéraire — Travel Planner Agent",
        "description": "Plans multi-city trips: flights, trains and hotels, with fare alerts. Speaks English, français and 日本語.",
        "supportedInterfaces": [
            {"url": "https://travel.example.com/a2a/v1", "protocolBinding": "JSONRPC", "protocolVersion": "1.0"},
            {"url": "https://travel.example.com/a2a/rest", "protocolBinding": "HTTP+JSON", "protocolVersion": "1.0"},
            {"url": "https://travel.example.com/a2a/v03", "protocolBinding": "JSONRPC", "protocolVersion": "0.3"}
        ],
        "provider": {"organization": "Example Voyages S.A.", "url": "https://www.example.com"},
        "version": "2.14.3",
        "documentationUrl": "https://docs.example.com/agents/travel",
        "iconUrl": "https://cdn.example.com/icons/travel-512.png",
        "capabilities": {
            "streaming": true,
            "pushNotifications": true,
            "extendedAgentCard": false,
            "extensions": [
                {
                    "uri": "https://example.com/extensions/geolocation/v1",
                    "description": "Location-aware search near a point",
                    "required": false,
                    "params": {"defaultRadiusKm": 25, "maxResults": 50, "precision": 0.0001, "origin": {"latitude": 48.8566, "longitude": 2.3522}}
                },
                {
                    "uri": "https://example.com/extensions/pricing/v2",
                    "description": "Fares in the traveller's currency (€, ¥, $)",
                    "required": true,
                    "params": {"markup": 0.035, "roundTo": 1e-2, "maxFareEur": 25000}
                }
            ]
        },
        "securitySchemes": {
            "oauth": {
                "oauth2SecurityScheme": {
                    "description": "Client credentials for partner agents",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": "https://idp.example.com/realms/a2a/protocol/openid-connect/token",
                            "scopes": {
                                "a2a:message:send": "Send messages to the agent",
                                "a2a:tasks:read": "Read task status and artifacts",
                                "a2a:tasks:cancel": "Cancel running tasks"
                            }
                        }
                    }
                }
            },
            "bearer": {"httpAuthSecurityScheme": {"scheme": "Bearer", "bearerFormat": "JWT", "description": "A JWT from the partner IdP"}}
        },
        "securityRequirements": [
            {"schemes": {"oauth": {"list": ["a2a:message:send", "a2a:tasks:read"]}}},
            {"schemes": {"bearer": {"list": []}}}
        ],
        "defaultInputModes": ["text/plain", "application/json"],
        "defaultOutputModes": ["text/plain", "application/json", "text/calendar"],
        "skills": [
            {
                "id": "plan-trip",
                "name": "Plan a trip",
                "description": "Builds an itinerary across cities with transport and stays, respecting a budget.",
                "tags": ["travel", "itinerary", "budget"],
                "examples": ["Paris → Kyoto in April, 10 days, under 3000 €", "Un week-end à Lisbonne en train"],
                "inputModes": ["text/plain", "application/json"],
                "outputModes": ["application/json", "text/calendar"]
            },
            {
                "id": "fare-alerts",
                "name": "Fare alerts",
                "description": "Watches fares and notifies by push when a price drops below a threshold.",
                "tags": ["alerts", "pricing"],
                "examples": ["Tell me when CDG-HND drops below ¥95000"],
                "inputModes": ["text/plain"],
                "outputModes": ["text/plain"]
            }
        ],
        "signatures": []
    })
}
