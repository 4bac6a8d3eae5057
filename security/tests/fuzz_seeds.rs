//! Replays every committed fuzz input through its target's entry point, on stable, as plain
//! `cargo test`: the seeds in `fuzz/seeds/<target>/` and the crash reproducers in
//! `fuzz/regressions/<target>/`. A failure names the file.
//!
//! `write_seeds` (ignored) regenerates `fuzz/seeds/`: the seeds are built here, next to the
//! layouts documented in `a2a_security::fuzzing`, so they stay meaningful when a layout changes.

// Test code throughout: `allow-unwrap-in-tests` (clippy.toml) does not reach the helper functions
// of an integration test crate.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use a2a_security::fuzzing;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// Reproducers of open library bugs: skipped by the per-target replay, each replayed by its own
/// ignored test below until the bug is fixed (then delete the entry and the `#[ignore]`).
const KNOWN_FAILURES: &[&str] = &[
    "regressions/replay_cache/full-while-expired-entries-wait-for-a-stale-sweep-time",
    "regressions/replay_cache/full-error-reports-the-shard-capacity",
];

fn replay_one(name: &str, run: fn(&[u8])) {
    let data = fs::read(fuzz_dir().join(name)).unwrap();
    let outcome = catch_unwind(AssertUnwindSafe(|| run(&data)));
    assert!(outcome.is_ok(), "fuzz input failing: {name}");
}

fn replay(target: &str, run: fn(&[u8])) {
    let mut replayed = 0;
    let mut failed = Vec::new();
    for kind in ["seeds", "regressions"] {
        let Ok(entries) = fs::read_dir(fuzz_dir().join(kind).join(target)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for file in files {
            let name = format!(
                "{kind}/{target}/{}",
                file.file_name().unwrap().to_string_lossy()
            );
            if KNOWN_FAILURES.contains(&name.as_str()) {
                continue;
            }
            let data = fs::read(&file).unwrap();
            if catch_unwind(AssertUnwindSafe(|| run(&data))).is_err() {
                failed.push(name);
            }
            replayed += 1;
        }
    }
    assert!(failed.is_empty(), "fuzz inputs failing: {failed:?}");
    assert!(replayed > 0, "no seeds for {target}");
}

#[test]
fn jwt_validate_seeds_hold() {
    replay("jwt_validate", fuzzing::jwt_validate);
}

#[test]
fn replay_cache_seeds_hold() {
    replay("replay_cache", fuzzing::replay_cache);
}

#[test]
fn jcs_seeds_hold() {
    replay("jcs", fuzzing::jcs);
}

#[test]
fn integrity_verify_seeds_hold() {
    replay("integrity_verify", fuzzing::integrity_verify);
}

#[test]
fn webhook_verify_seeds_hold() {
    replay("webhook_verify", fuzzing::webhook_verify);
}

#[test]
fn card_signature_seeds_hold() {
    replay("card_signature", fuzzing::card_signature);
}

#[test]
fn replay_cache_sweeps_entries_that_expire_before_the_next_sweep_time() {
    replay_one(KNOWN_FAILURES[0], fuzzing::replay_cache);
}

#[test]
fn replay_cache_full_error_carries_the_cache_capacity() {
    replay_one(KNOWN_FAILURES[1], fuzzing::replay_cache);
}

// ---- seed generation ------------------------------------------------------------------------

mod seeds {
    use a2a_security::jws::{Algorithm, SigningKey};
    use a2a_security::jwt::{self, danger};
    use serde_json::{Map, Value, json};

    const NOW: u64 = 1_700_000_000;
    const SECRET: [u8; 32] = [0x2a; 32];

    /// The common prefix of a `jwt_validate` input: flags, flags2 (leeway 60), a 32-byte secret
    /// with kid "hs", then the kids of the optional keys ("hs2", "ec", "ed").
    fn jwt_prefix(flags: u8) -> Vec<u8> {
        let mut out = vec![flags, 60 << 2, 0];
        out.extend_from_slice(&SECRET);
        out.push(1); // kid "hs"
        for (bit, kid) in [(128, 2), (32, 3), (64, 4)] {
            if flags & bit != 0 {
                out.push(kid);
            }
        }
        out
    }

    /// A date `offset` seconds after `NOW - 300`, as an integer.
    fn date(offset: u16) -> [u8; 3] {
        let [hi, lo] = offset.to_be_bytes();
        [hi, lo, 0]
    }

    /// Claims: exp in 300 s, iat now, the accepted issuer and audience, jti "id-0".
    fn good_claims() -> Vec<u8> {
        let mut out = vec![0b0011_1011];
        out.extend(date(600));
        out.extend(date(300));
        out.extend([0, 1, 0]); // iss, aud ["other", AUDIENCE], jti
        out
    }

    /// A minted-path input: signer, kid index, good claims, header edits, mutations.
    fn minted(flags: u8, signer: u8, kid: u8, edits: &[u8], mutations: &[&[u8]]) -> Vec<u8> {
        let mut out = jwt_prefix(flags | 1);
        out.extend([signer, kid]);
        out.extend(good_claims());
        out.push(u8::try_from(edits.len()).unwrap());
        out.extend_from_slice(edits);
        out.push(u8::try_from(mutations.len()).unwrap());
        for m in mutations {
            out.extend_from_slice(m);
        }
        out
    }

    fn raw(flags: u8, token: &str) -> Vec<u8> {
        let mut out = jwt_prefix(flags & !1);
        out.extend_from_slice(token.as_bytes());
        out
    }

    fn claims() -> Value {
        json!({
            "iss": "https://issuer.example",
            "aud": "https://agent.example",
            "exp": NOW + 300,
            "iat": NOW,
            "jti": "id-0",
        })
    }

    pub fn jwt_validate() -> Vec<(&'static str, Vec<u8>)> {
        // Replay cache, issuer and audience checked; ES256 and EdDSA keys in the set.
        let policy = 0b0001_1010;
        let all_keys = policy | 32 | 64;
        let hs = SigningKey::hmac(Algorithm::HS256, &SECRET)
            .unwrap()
            .with_kid("hs");
        let valid = jwt::mint(&hs, &claims()).unwrap();
        let none = Map::from_iter([("alg".to_owned(), json!("none"))]);
        vec![
            ("minted-hs256", minted(policy, 0, 1, &[], &[])),
            ("minted-es256", minted(all_keys, 1, 3, &[], &[])),
            ("minted-eddsa", minted(all_keys, 2, 4, &[], &[])),
            (
                "minted-no-kid-two-keys",
                minted(policy | 128, 0, 0, &[], &[]),
            ),
            ("minted-alg-none", minted(policy, 0, 1, &[0], &[])),
            ("minted-crit-b64", minted(policy, 0, 1, &[11, 12], &[])),
            (
                "confusion-ec-point-as-hmac",
                minted(all_keys, 5, 3, &[], &[]),
            ),
            ("confusion-ed-key-as-hmac", minted(all_keys, 6, 4, &[], &[])),
            ("confusion-es256-kid-hs", minted(all_keys, 1, 1, &[], &[])),
            ("mutated-flip", minted(policy, 0, 1, &[], &[&[0, 0, 40, 3]])),
            (
                "mutated-splice-payload",
                minted(policy, 0, 1, &[], &[&[4, 0, 0, 1, 0]]),
            ),
            (
                "mutated-raw-header",
                minted(policy, 0, 1, &[], &[&[5, 0, 1, 0]]),
            ),
            (
                "mutated-payload-exp",
                minted(policy, 0, 1, &[], &[&[6, 0, 6, 0]]),
            ),
            (
                "mutated-signature-empty",
                minted(policy, 0, 1, &[], &[&[7, 0, 0, 0]]),
            ),
            (
                "mutated-kid-swap",
                minted(all_keys, 0, 1, &[], &[&[9, 0, 0, 3]]),
            ),
            ("raw-valid-hs256", raw(policy, &valid)),
            (
                "raw-unsigned",
                raw(policy, &danger::mint_unsigned(&claims())),
            ),
            ("raw-not-compact", raw(policy, "a.b")),
            (
                "raw-none-capitalised",
                raw(
                    policy,
                    &jwt::mint_with_header(&hs, &none, &claims()).unwrap(),
                ),
            ),
        ]
    }

    pub fn jcs() -> Vec<(&'static str, Vec<u8>)> {
        let text = |json: &str| [&[0u8][..], json.as_bytes()].concat();
        vec![
            (
                "rfc8785-example",
                text(
                    r#"{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","literals":[null,true,false]}"#,
                ),
            ),
            (
                "utf16-member-order",
                text(r#"{"\u20ac":1,"\ud83d\ude00":2,"\ue000":3,"a":4,"":5,"\u0080":6}"#),
            ),
            (
                "number-boundaries",
                text(
                    "[0,-0,-0.0,1e21,1e20,1e-6,1e-7,5e-324,1.7976931348623157e308,\
                     9007199254740992,9007199254740993,18446744073709551615,\
                     -9223372036854775808,18446744073709551616,0.1,1.5e-7]",
                ),
            ),
            // 158935853700.515625 lies exactly between two 17-digit decimals; next to 2^-1007 the
            // closest 16-digit decimal does not read back.
            (
                "number-closest-digits",
                text("[158935853700.51562,158935853700.51563,7.291122019556398e-304]"),
            ),
            (
                "string-escapes",
                text("\"\\u0000\\u001f\\u007f\\\"\\\\\\/\\b\\f\\n\\r\\t\u{2028}\""),
            ),
            ("whitespace", text(" {\n\t\"a\" : [ 1 , { } , [ ] ] \r\n} ")),
            ("duplicate-member", text(r#"{"a":1,"b":{"c":1,"c":2}}"#)),
            (
                "too-deep",
                text(&format!("{}{}", "[".repeat(101), "]".repeat(101))),
            ),
            ("out-of-range", text("[1e400]")),
            ("lone-surrogate", text(r#"["\ud800"]"#)),
            ("trailing-comma", text("[1,]")),
            // Structured: an object of a string (class 4: U+E000..) and a double.
            (
                "value-object",
                vec![
                    1, 7, 2, 2, 4, 3, 5, 0, 1, 5, 0x41, 4, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99,
                    0x99, 0x9a,
                ],
            ),
            // Structured: an array of an integer, a u64 and an astral string.
            (
                "value-array",
                vec![
                    1, 6, 3, 2, 0x80, 0, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                    0xff, 0xff, 5, 1, 5, 0x01, 0xf6, 0x00,
                ],
            ),
        ]
    }

    /// The common prefix of an `integrity_verify` input: flags, a 300 s / 60 s window, a 32-byte
    /// secret with key id "k1", the second key's id "k2".
    fn integrity_prefix(flags: u8) -> Vec<u8> {
        let mut out = vec![flags, 75, 60, 0];
        out.extend_from_slice(&[7u8; 32]);
        out.push(0);
        if flags & 2 != 0 {
            out.push(1);
        }
        out
    }

    /// A minted `integrity_verify` input: signer, offset from now, method POST, path with a
    /// query, the UUID message id, a JSON-RPC body, then `tail` (drop-key-id byte, mutations,
    /// response status and body).
    fn integrity_minted(flags: u8, signer: u8, offset: i16, tail: &[u8]) -> Vec<u8> {
        let mut out = integrity_prefix(flags | 1);
        out.push(signer);
        out.extend(
            u16::try_from(i32::from(offset) + 400)
                .unwrap()
                .to_be_bytes(),
        );
        out.extend([0, 2, 2]);
        let body = br#"{"jsonrpc":"2.0","id":1,"method":"GetTask"}"#;
        out.push(u8::try_from(body.len()).unwrap());
        out.extend_from_slice(body);
        out.extend_from_slice(tail);
        out
    }

    fn raw_value(value: &[u8]) -> Vec<u8> {
        let mut out = vec![255, u8::try_from(value.len()).unwrap()];
        out.extend_from_slice(value);
        out
    }

    pub fn integrity_verify() -> Vec<(&'static str, Vec<u8>)> {
        use a2a_security::clock::FixedClock;
        use a2a_security::integrity::{IntegrityKey, Signer};
        let client = Signer::new(
            IntegrityKey::new("k1", &[7u8; 32]).unwrap(),
            FixedClock::new(1_800_000_000),
        );
        let body = br#"{"jsonrpc":"2.0","id":7,"method":"SendMessage","params":{}}"#;
        let signed = client
            .sign_request("POST", "/a2a?x=1", "raw-id-1", body)
            .unwrap();
        let mut raw = integrity_prefix(0);
        raw.extend([1]); // POST
        raw.extend(raw_value(b"/a2a?x=1"));
        raw.extend(raw_value(signed.message_id().as_bytes()));
        raw.extend(raw_value(signed.timestamp().to_string().as_bytes()));
        raw.extend(raw_value(signed.signature().as_bytes()));
        raw.extend([1]); // HMAC-SHA256
        raw.extend([1]); // key id "k1"
        raw.extend_from_slice(body);
        vec![
            ("minted-clean", integrity_minted(0, 0, 0, &[0, 0, 0, 0])),
            (
                "minted-no-key-id",
                integrity_minted(0, 0, -30, &[1, 0, 1, 2, b'{', b'}']),
            ),
            (
                "minted-second-key",
                integrity_minted(2, 1, 50, &[0, 0, 0, 0]),
            ),
            ("minted-stale", integrity_minted(0, 0, -400, &[0, 0])),
            ("minted-future", integrity_minted(0, 0, 61, &[0, 0])),
            ("minted-wrong-secret", integrity_minted(0, 2, 0, &[0, 0])),
            ("minted-other-key-id", integrity_minted(0, 3, 0, &[1, 0])),
            (
                "minted-body-changed",
                integrity_minted(0, 0, 0, &[0, 1, 7, 1, 0, 0, 1]),
            ),
            (
                "minted-algorithm-removed",
                integrity_minted(0, 0, 0, &[0, 1, 3, 0]),
            ),
            (
                "minted-path-changed",
                integrity_minted(0, 0, 0, &[0, 1, 6, 1, 4, 0, b'/']),
            ),
            ("raw-signed", raw),
        ]
    }

    /// A minted `webhook_verify` input: flags, a 300 s tolerance, a 24-byte secret, signer,
    /// id index, offset from now, a body, then `tail` (signature edit, mutations).
    fn webhook_minted(flags: u8, signer: u8, offset: i16, tail: &[u8]) -> Vec<u8> {
        let mut out = vec![flags | 1, 75, 0];
        out.extend_from_slice(&[9u8; 24]);
        out.extend([signer, 0]);
        out.extend(
            u16::try_from(i32::from(offset) + 1200)
                .unwrap()
                .to_be_bytes(),
        );
        let body = br#"{"kind":"task","id":"task-1","status":{"state":"completed"}}"#;
        out.push(u8::try_from(body.len()).unwrap());
        out.extend_from_slice(body);
        out.extend_from_slice(tail);
        out
    }

    pub fn webhook_verify() -> Vec<(&'static str, Vec<u8>)> {
        use a2a_security::webhook::{WebhookSecret, WebhookSigner};
        let sender = WebhookSigner::new(WebhookSecret::from_bytes(&[9u8; 24]).unwrap());
        let body = br#"{"test": 2432232314}"#;
        let signed = sender
            .sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1_800_000_000, body)
            .unwrap();
        let mut raw = vec![0, 75, 0];
        raw.extend_from_slice(&[9u8; 24]);
        raw.extend(raw_value(signed.id().as_bytes()));
        raw.extend([1]); // now
        raw.extend(raw_value(signed.signature().as_bytes()));
        raw.extend_from_slice(body);
        vec![
            ("minted-clean", webhook_minted(0, 0, 0, &[0, 0])),
            (
                "minted-rotation-two-entries",
                webhook_minted(2, 2, -100, &[0, 0]),
            ),
            ("minted-second-secret", webhook_minted(2, 1, 100, &[0, 0])),
            ("minted-v1a-entry-first", webhook_minted(0, 0, 0, &[1, 0])),
            ("minted-extra-v1-entry", webhook_minted(0, 0, 0, &[3, 0])),
            ("minted-stale", webhook_minted(0, 0, -301, &[0, 0])),
            ("minted-unknown-secret", webhook_minted(0, 3, 0, &[0, 0])),
            (
                "minted-body-changed",
                webhook_minted(0, 0, 0, &[0, 1, 3, 1, 0, 0, 1]),
            ),
            (
                "minted-id-with-dot",
                webhook_minted(0, 0, 0, &[0, 1, 0, 1, 1, 0, b'.']),
            ),
            ("raw-signed", raw),
        ]
    }

    /// A minted `card_signature` input: flags, card choices, signers, edits, pretty, mutations.
    fn card_minted(flags: u8, bits: u8, signers: &[u8], edits: &[u8], tail: &[u8]) -> Vec<u8> {
        let mut out = vec![flags | 1, bits];
        if bits & 0x80 != 0 {
            // The unknown member's value: a string of an astral character and "A".
            out.extend([5, 2, 5, 0x01, 0xf6, 0x00, 0, 0x21]);
        }
        out.push(u8::try_from(signers.len() - 1).unwrap());
        out.extend_from_slice(signers);
        out.push(u8::try_from(edits.len()).unwrap());
        out.extend_from_slice(edits);
        out.extend_from_slice(tail);
        out
    }

    pub fn card_signature() -> Vec<(&'static str, Vec<u8>)> {
        use a2a_security::card;
        let key = SigningKey::hmac(Algorithm::HS256, &[0x2a; 32])
            .unwrap()
            .with_kid("card-hs");
        let mut signed = json!({
            "name": "Example Agent",
            "description": "",
            "supportedInterfaces": [{"url": "https://agent.example/a2a", "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}],
            "version": "1.0.0",
            "capabilities": {"streaming": true, "extensions": []},
            "defaultInputModes": ["text/plain"],
            "defaultOutputModes": ["text/plain"],
            "skills": [],
            "x-price": 1.50,
        });
        card::sign(&mut signed, &key, Some("https://agent.example/jwks.json")).unwrap();
        let raw = [&[4u8][..], &serde_json::to_vec_pretty(&signed).unwrap()].concat();
        vec![
            ("minted-es256", card_minted(0, 0, &[0], &[], &[0, 0])),
            (
                "minted-eddsa-all-fields",
                card_minted(0, 0x7f, &[1], &[], &[1, 0]),
            ),
            ("minted-hs256", card_minted(4, 0x01, &[2], &[], &[0, 0])),
            (
                "minted-first-entry-mismatched",
                card_minted(0, 0x20, &[3, 0], &[], &[0, 0]),
            ),
            (
                "minted-edit-dropped-defaults",
                card_minted(0, 0, &[0], &[0, 1], &[0, 0]),
            ),
            ("minted-edit-name", card_minted(0, 0, &[1], &[3], &[0, 0])),
            ("minted-as-served", card_minted(2, 0, &[0], &[], &[0, 0])),
            (
                "minted-byte-flipped",
                card_minted(0, 0, &[1], &[], &[0, 1, 0, 40, 1]),
            ),
            (
                "minted-extension-value",
                card_minted(0, 0x80, &[1], &[], &[0, 0]),
            ),
            ("raw-signed-hs256", raw),
            ("raw-not-json", vec![0, b'{']),
        ]
    }

    /// Capacity as `int_in_range(1..=300)` reads it.
    fn capacity(capacity: u16) -> Vec<u8> {
        (capacity - 1).to_be_bytes().to_vec()
    }

    fn insert(id: u16, lifetime: u8) -> [u8; 4] {
        let [hi, lo] = id.to_be_bytes();
        [0, hi, lo, lifetime.saturating_add(16)]
    }

    fn advance(seconds: u8) -> [u8; 2] {
        [3, seconds]
    }

    pub fn replay_cache() -> Vec<(&'static str, Vec<u8>)> {
        let mut fill = capacity(4);
        for id in 0..5 {
            fill.extend(insert(id, 100));
        }
        fill.extend(advance(200));
        fill.extend(insert(9, 100));

        let mut replay = capacity(16);
        replay.extend(insert(1, 50));
        replay.extend(insert(1, 50));
        replay.extend(advance(49));
        replay.extend(insert(1, 50));
        replay.extend(advance(1));
        replay.extend(insert(1, 50));
        replay.extend(insert(2, 0));
        replay.extend(insert(2, 10));

        // 150 ids over four shards of 75: no shard fills (a full shard is a matter of chance, as
        // fingerprints are keyed at random).
        let mut sharded = capacity(300);
        for id in 0..150 {
            sharded.extend(insert(id, 200));
            if id % 50 == 0 {
                sharded.extend(advance(30));
            }
        }
        vec![
            ("fill-full-then-expire", fill),
            ("replay-until-expiry", replay),
            ("four-shards-half-full", sharded),
        ]
    }
}

#[test]
#[ignore = "writes fuzz/seeds/; run `cargo test -p a2a-security --test fuzz_seeds -- --ignored write_seeds` to regenerate"]
fn write_seeds() {
    for (target, seeds) in [
        ("jwt_validate", seeds::jwt_validate()),
        ("replay_cache", seeds::replay_cache()),
        ("jcs", seeds::jcs()),
        ("integrity_verify", seeds::integrity_verify()),
        ("webhook_verify", seeds::webhook_verify()),
        ("card_signature", seeds::card_signature()),
    ] {
        let dir = fuzz_dir().join("seeds").join(target);
        fs::create_dir_all(&dir).unwrap();
        for (name, data) in seeds {
            fs::write(dir.join(name), data).unwrap();
        }
    }
}
