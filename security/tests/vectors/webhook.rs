//! `vectors/webhook/`: push-notification deliveries.
//!
//! A case is one of:
//!
//! - `delivery` (`headers`, `body`): a Standard Webhooks delivery; `expect` is the outcome of
//!   `WebhookVerifier::verify` at the case's `now`, with the file's `shared.secrets` (text form,
//!   `whsec_...`) and `shared.tolerance` (default 300 s). With `reproduce: true`, a valid
//!   delivery's `webhook-signature` must also be exactly what `WebhookSigner` (first secret)
//!   makes of its id, timestamp and body.
//! - `steps`: deliveries presented in order to one verifier (one replay store).
//! - `authorization` (the received `Authorization` value, or null when absent) with `scheme` and
//!   `credentials` (the push-notification config's): `webhook::check_authorization`.
//! - `bearer` (the received `Authorization` value, or null) and `body`: a JWT-signed delivery,
//!   through `JwtDeliveryVerifier::verify` with `shared.jwt` (`keys`, `issuer`, `webhook_url`).

use std::collections::BTreeMap;
use std::sync::Arc;

use a2a_security::jwk::JwkSet;
use a2a_security::webhook::{
    self, JwtDeliveryVerifier, WebhookHeaders, WebhookSecret, WebhookSigner, WebhookVerifier,
};
use a2a_security::{FixedClock, ReplayCache};
use serde::Deserialize;
use serde_json::Value;

use crate::{Case, Expect, Outcome, check, check_eq};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Shared {
    #[serde(default)]
    secrets: Vec<String>,
    #[serde(default)]
    tolerance: Option<u64>,
    #[serde(default)]
    jwt: Option<JwtConfig>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JwtConfig {
    keys: Value,
    issuer: String,
    webhook_url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inputs {
    #[serde(default)]
    delivery: Option<Delivery>,
    #[serde(default)]
    reproduce: bool,
    #[serde(default)]
    steps: Vec<Step>,
    #[serde(default, deserialize_with = "member")]
    authorization: Option<Received>,
    #[serde(default)]
    scheme: Option<String>,
    #[serde(default)]
    credentials: Option<String>,
    #[serde(default, deserialize_with = "member")]
    bearer: Option<Received>,
    #[serde(default)]
    body: Option<String>,
}

/// A received header value: a string, or `null` for a header that is absent.
#[derive(Deserialize)]
#[serde(untagged)]
enum Received {
    Present(String),
    Absent(()),
}

/// A member that is there, even as `null` (which `Option` alone would read as absent).
fn member<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Received>, D::Error> {
    Received::deserialize(d).map(Some)
}

impl Received {
    fn value(&self) -> Option<&str> {
        match self {
            Self::Present(value) => Some(value),
            Self::Absent(()) => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Delivery {
    headers: BTreeMap<String, String>,
    body: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    delivery: Delivery,
    expect: Expect,
    #[serde(default)]
    #[allow(dead_code)] // for the reader of the vector
    note: Option<String>,
}

fn received(headers: &BTreeMap<String, String>) -> WebhookHeaders<'_> {
    WebhookHeaders::from_fn(|name| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_bytes())
    })
}

fn secrets(shared: &Shared) -> Result<Vec<WebhookSecret>, String> {
    shared
        .secrets
        .iter()
        .map(|s| WebhookSecret::parse(s).map_err(|e| format!("shared secret: {e:?}")))
        .collect()
}

fn verifier(shared: &Shared, now: u64) -> Result<WebhookVerifier, String> {
    let verifier = WebhookVerifier::new(
        secrets(shared)?,
        ReplayCache::new(1024),
        FixedClock::new(now),
    )
    .map_err(|e| format!("WebhookVerifier::new: {e:?}"))?;
    Ok(match shared.tolerance {
        Some(seconds) => verifier.with_tolerance(seconds),
        None => verifier,
    })
}

pub fn run(case: &Case) -> Result<(), String> {
    let shared: Shared = case.shared()?;
    let inputs: Inputs = case.inputs()?;
    if let Some(delivery) = &inputs.delivery {
        let expect = case.expect()?;
        let verifier = verifier(&shared, case.now()?)?;
        let outcome =
            Outcome::of(&verifier.verify(received(&delivery.headers), delivery.body.as_bytes()));
        check("WebhookVerifier::verify", expect, &outcome)?;
        if inputs.reproduce {
            reproduce(&shared, delivery)?;
        }
        return Ok(());
    }
    if !inputs.steps.is_empty() {
        if case.expect.is_some() {
            return Err("a case with `steps` has an `expect` per step, not its own".into());
        }
        let verifier = verifier(&shared, case.now()?)?;
        for (i, step) in inputs.steps.iter().enumerate() {
            let d = &step.delivery;
            let outcome = Outcome::of(&verifier.verify(received(&d.headers), d.body.as_bytes()));
            let what = format!(
                "step {} of {}: WebhookVerifier::verify",
                i + 1,
                inputs.steps.len()
            );
            check(&what, &step.expect, &outcome)?;
        }
        return Ok(());
    }
    if let Some(header) = &inputs.authorization {
        let (Some(scheme), Some(credentials)) = (&inputs.scheme, &inputs.credentials) else {
            return Err("an `authorization` case needs `scheme` and `credentials`".into());
        };
        let outcome = Outcome::of(&webhook::check_authorization(
            header.value(),
            scheme,
            credentials,
        ));
        return check("webhook::check_authorization", case.expect()?, &outcome);
    }
    if let Some(header) = &inputs.bearer {
        let config = shared
            .jwt
            .as_ref()
            .ok_or("a `bearer` case needs `shared.jwt`")?;
        let (keys, skipped) =
            JwkSet::from_json(&config.keys).map_err(|e| format!("shared.jwt.keys: {e:?}"))?;
        if skipped != 0 {
            return Err(format!("shared.jwt.keys: {skipped} key(s) skipped"));
        }
        let verifier = JwtDeliveryVerifier::new(
            keys,
            config.issuer.clone(),
            config.webhook_url.clone(),
            Arc::new(ReplayCache::new(1024)),
            Arc::new(FixedClock::new(case.now()?)),
        );
        let body = inputs.body.as_deref().unwrap_or_default();
        let outcome = Outcome::of(&verifier.verify(header.value(), body.as_bytes()));
        return check("JwtDeliveryVerifier::verify", case.expect()?, &outcome);
    }
    Err("give `delivery`, `steps`, `authorization` or `bearer`".into())
}

fn text(value: Option<&[u8]>) -> &str {
    value
        .and_then(|v| std::str::from_utf8(v).ok())
        .unwrap_or_default()
}

fn reproduce(shared: &Shared, delivery: &Delivery) -> Result<(), String> {
    let secret = secrets(shared)?
        .into_iter()
        .next()
        .ok_or("`reproduce` needs a secret")?;
    let headers = received(&delivery.headers);
    let timestamp: u64 = text(headers.timestamp)
        .parse()
        .map_err(|_| "`reproduce` needs a numeric webhook-timestamp")?;
    let signed = WebhookSigner::new(secret)
        .sign(text(headers.id), timestamp, delivery.body.as_bytes())
        .map_err(|e| format!("WebhookSigner::sign: {e:?}"))?;
    check_eq(
        "WebhookSigner::sign reproduces webhook-signature",
        text(headers.signature),
        signed.signature(),
    )
}
