//! `vectors/card/`: JWS signatures of agent cards (A2A 1.0 §8.4).
//!
//! The file's `shared` holds the verification keys (`keys`, a JWKS document) and optionally the
//! `canonicalization` (`"proto-presence"`, the default, A2A 1.0 §8.4.1; or `"as-served"`, A2A
//! 0.3). A case gives the card as a JSON value (`card`, through `card::verify`) or as the exact
//! text served (`card_text`, through `card::verify_bytes`, which parses strictly first), and,
//! for a `valid` case, optionally the `kid` of the signature that must be the one that verified
//! (`verified_kid`).

use a2a_security::card::{self, Canonicalization};
use a2a_security::jwk::JwkSet;
use serde::Deserialize;
use serde_json::Value;

use crate::{Case, Outcome, check, check_eq};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Shared {
    keys: Value,
    #[serde(default)]
    canonicalization: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inputs {
    #[serde(default)]
    card: Option<Value>,
    #[serde(default)]
    card_text: Option<String>,
    #[serde(default)]
    verified_kid: Option<String>,
}

pub fn run(case: &Case) -> Result<(), String> {
    let shared: Shared = case.shared()?;
    let inputs: Inputs = case.inputs()?;
    let expect = case.expect()?;
    let (keys, skipped) =
        JwkSet::from_json(&shared.keys).map_err(|e| format!("shared.keys: {e:?}"))?;
    if skipped != 0 {
        return Err(format!("shared.keys: {skipped} key(s) skipped"));
    }
    let canonicalization = match shared.canonicalization.as_deref() {
        None | Some("proto-presence") => Canonicalization::ProtoPresence,
        Some("as-served") => Canonicalization::AsServed,
        Some(other) => return Err(format!("unknown canonicalization {other:?}")),
    };
    let (result, what) = match (&inputs.card, &inputs.card_text) {
        (Some(card), None) => (card::verify(card, &keys, canonicalization), "card::verify"),
        (None, Some(text)) => (
            card::verify_bytes(text.as_bytes(), &keys, canonicalization),
            "card::verify_bytes",
        ),
        _ => return Err("give exactly one of `card` and `card_text`".into()),
    };
    check(what, expect, &Outcome::of(&result))?;
    match (&result, &inputs.verified_kid) {
        (Ok(verified), Some(kid)) => check_eq("kid of the verified signature", kid, &verified.kid),
        _ => Ok(()),
    }
}
