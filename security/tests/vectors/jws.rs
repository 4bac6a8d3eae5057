//! `vectors/jws/`: published JWS examples, verified byte for byte.
//!
//! Each case names a compact `token` and how it is checked (`entry`):
//!
//! - `"signature"` (default): the key is `jwk::verifying_key(jwk)`, and `expect` is the outcome
//!   of `VerifyingKey::verify` over the token's exact `header.payload` bytes (or over
//!   `signing_input`, for RFC 7797's unencoded payloads). Optionally the token's decoded
//!   `protected` header and `payload` must be these exact bytes (so a vector cannot lose, say,
//!   the CRLF in RFC 7515 A.1's header), and `sign_with` (a private JWK) must reproduce the
//!   signature exactly (deterministic algorithms: HMAC, RSASSA-PKCS1-v1_5, Ed25519).
//! - `"jwt"`: `expect` is the outcome of `jwt::Validator::validate` with `jwk` as the only key,
//!   the default `Validation`, and the case's fixed `now`.

use std::sync::Arc;

use a2a_security::FixedClock;
use a2a_security::jwk::{self, JwkSet};
use a2a_security::jwt::{Validation, Validator};
use serde::Deserialize;
use serde_json::Value;

use crate::{Case, Outcome, b64url, check, check_eq};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inputs {
    #[serde(default)]
    entry: Entry,
    token: String,
    /// The verification key (public JWK or `oct` secret); absent only for a `jwt` case that
    /// must fail before any key is looked up.
    #[serde(default)]
    jwk: Option<Value>,
    /// The exact decoded protected header.
    #[serde(default)]
    protected: Option<String>,
    /// The exact decoded payload (UTF-8).
    #[serde(default)]
    payload: Option<String>,
    /// The JWS signing input when it is not the token's first two segments (RFC 7797).
    #[serde(default)]
    signing_input: Option<String>,
    /// A private JWK that must reproduce the signature byte for byte.
    #[serde(default)]
    sign_with: Option<Value>,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Entry {
    #[default]
    Signature,
    Jwt,
}

pub fn run(case: &Case) -> Result<(), String> {
    let inputs: Inputs = case.inputs()?;
    let expect = case.expect()?;
    match inputs.entry {
        Entry::Signature => signature(&inputs, expect),
        Entry::Jwt => {
            let mut keys = JwkSet::new();
            if let Some(jwk) = &inputs.jwk {
                let key = jwk::verifying_key(jwk).map_err(|e| format!("jwk refused: {e:?}"))?;
                keys.insert(key).map_err(|e| format!("{e:?}"))?;
            }
            let clock = Arc::new(FixedClock::new(case.now()?));
            let validator = Validator::new(keys, Validation::default(), clock);
            check(
                "jwt::Validator::validate",
                expect,
                &Outcome::of(&validator.validate(&inputs.token)),
            )
        }
    }
}

fn signature(inputs: &Inputs, expect: &crate::Expect) -> Result<(), String> {
    let segments: Vec<&str> = inputs.token.split('.').collect();
    let [header, payload, signature] = segments[..] else {
        return Err(format!(
            "token has {} segments, a compact JWS has 3",
            segments.len()
        ));
    };
    if let Some(protected) = &inputs.protected {
        check_eq(
            "decoded protected header",
            protected.as_bytes(),
            &b64url(header)?[..],
        )?;
    }
    if let Some(expected) = &inputs.payload {
        check_eq(
            "decoded payload",
            expected.as_bytes(),
            &b64url(payload)?[..],
        )?;
    }
    let signing_input = match &inputs.signing_input {
        Some(input) => input.clone(),
        None => format!("{header}.{payload}"),
    };
    let signature = b64url(signature)?;

    let jwk = inputs
        .jwk
        .as_ref()
        .ok_or("a signature case needs a `jwk`")?;
    let key = jwk::verifying_key(jwk);
    let outcome = match &key {
        Ok(key) => Outcome::of(&key.verify(signing_input.as_bytes(), &signature)),
        Err(e) => Outcome::Error(format!("{e:?}")),
    };
    check(
        "jwk::verifying_key + VerifyingKey::verify",
        expect,
        &outcome,
    )?;

    if let Some(private) = &inputs.sign_with {
        let signer = jwk::signing_key(private).map_err(|e| format!("sign_with refused: {e:?}"))?;
        let again = signer
            .sign(signing_input.as_bytes())
            .map_err(|e| format!("SigningKey::sign failed: {e:?}"))?;
        check_eq(
            "SigningKey::sign reproduces the published signature",
            &signature[..],
            &again[..],
        )?;
    }
    Ok(())
}
