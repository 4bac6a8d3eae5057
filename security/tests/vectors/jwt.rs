//! `vectors/jwt/`: tokens through `jwt::Validator::validate`.
//!
//! The file's `shared` holds the verification keys (`keys`, a JWKS document: public JWKs and
//! `oct` secrets) and the `validation` policy; `now` is the file's fixed clock. A case is either
//! one `token` with its `expect`, or `steps`: tokens presented in order to the *same* validator
//! (so a replay cache sees them all), each with its own `expect`.

use std::sync::Arc;

use a2a_security::jwk::JwkSet;
use a2a_security::jwt::{Validation, Validator};
use a2a_security::{FixedClock, ReplayCache};
use serde::Deserialize;
use serde_json::Value;

use crate::{Case, Expect, Outcome, check};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Shared {
    keys: Value,
    #[serde(default)]
    validation: Policy,
}

/// `jwt::Validation` as vector data; absent members keep the crate's defaults.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Policy {
    #[serde(default)]
    issuers: Vec<String>,
    #[serde(default)]
    audiences: Vec<String>,
    leeway: Option<u64>,
    require_exp: Option<bool>,
    require_sub: Option<bool>,
    max_age: Option<u64>,
    typ: Option<String>,
    max_token_len: Option<usize>,
    /// Whether a replay cache is attached (`Validator::with_replay_store`).
    #[serde(default)]
    replay: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inputs {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    steps: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    token: String,
    expect: Expect,
    #[serde(default)]
    #[allow(dead_code)] // documentation for the reader of the vector
    note: Option<String>,
}

pub fn run(case: &Case) -> Result<(), String> {
    let shared: Shared = case.shared()?;
    let inputs: Inputs = case.inputs()?;
    let validator = validator(&shared, case.now()?)?;
    match (inputs.token, inputs.steps.is_empty()) {
        (Some(token), true) => check(
            "jwt::Validator::validate",
            case.expect()?,
            &Outcome::of(&validator.validate(&token)),
        ),
        (None, false) => {
            if case.expect.is_some() {
                return Err("a case with `steps` has an `expect` per step, not its own".into());
            }
            for (i, step) in inputs.steps.iter().enumerate() {
                check(
                    &format!(
                        "step {} of {}: jwt::Validator::validate",
                        i + 1,
                        inputs.steps.len()
                    ),
                    &step.expect,
                    &Outcome::of(&validator.validate(&step.token)),
                )?;
            }
            Ok(())
        }
        _ => Err("give either `token` or a non-empty `steps`".into()),
    }
}

fn validator(shared: &Shared, now: u64) -> Result<Validator, String> {
    let (keys, skipped) =
        JwkSet::from_json(&shared.keys).map_err(|e| format!("shared.keys refused: {e:?}"))?;
    if skipped != 0 {
        return Err(format!(
            "shared.keys: {skipped} key(s) skipped as unsupported"
        ));
    }
    let p = &shared.validation;
    let defaults = Validation::default();
    let validation = Validation {
        issuers: p.issuers.clone(),
        audiences: p.audiences.clone(),
        leeway: p.leeway.unwrap_or(defaults.leeway),
        require_exp: p.require_exp.unwrap_or(defaults.require_exp),
        require_sub: p.require_sub.unwrap_or(defaults.require_sub),
        max_age: p.max_age.or(defaults.max_age),
        typ: p.typ.clone().or(defaults.typ),
        max_token_len: p.max_token_len.unwrap_or(defaults.max_token_len),
    };
    let validator = Validator::new(keys, validation, Arc::new(FixedClock::new(now)));
    Ok(if p.replay {
        validator.with_replay_store(Arc::new(ReplayCache::new(1024)))
    } else {
        validator
    })
}
