//! `vectors/integrity/`: the `message-integrity/v1` extension (`docs/extensions/message-integrity.md`).
//!
//! The file's `shared` holds the key set (`keys`: `{id, secret}` with the secret in hex, the
//! first key primary) and optionally the `window` (`max_age`, `max_skew`). A case is one of:
//!
//! - `request` (`method`, `path`, `headers`, `body` or `body_hex`): `expect` is the outcome of
//!   `Verifier::verify_request` at the case's `now`. For a `valid` request, `Signer::sign_request`
//!   with the same key, message id and timestamp must also reproduce its `X-Message-HMAC`.
//! - `steps`: requests presented in order to one verifier (one replay store), each with `expect`.
//! - `sent` (the client's own request: `key_id`, `method`, `path`, `message_id`, `timestamp`,
//!   `body`) with `response` (`status`, `headers`, `body`): `expect` is the outcome of
//!   `Signer::verify_response` at `now`.
//!
//! `headers` maps field names to values; an absent header is simply not listed.

use std::collections::BTreeMap;
use std::sync::Arc;

use a2a_security::integrity::{Header, IntegrityHeaders, IntegrityKey, Signer, Verifier, Window};
use a2a_security::{FixedClock, ReplayCache};
use serde::Deserialize;

use crate::{Case, Expect, Outcome, check, check_eq, hex};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Shared {
    keys: Vec<Key>,
    #[serde(default)]
    window: Option<WindowData>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Key {
    id: String,
    /// Hex.
    secret: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowData {
    max_age: u64,
    max_skew: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inputs {
    #[serde(default)]
    request: Option<Request>,
    #[serde(default)]
    steps: Vec<Step>,
    #[serde(default)]
    sent: Option<Sent>,
    #[serde(default)]
    response: Option<Response>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    method: String,
    path: String,
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    body_hex: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    request: Request,
    expect: Expect,
    #[serde(default)]
    #[allow(dead_code)] // for the reader of the vector
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Sent {
    key_id: String,
    method: String,
    path: String,
    message_id: String,
    timestamp: u64,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    body_hex: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Response {
    status: u16,
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    body_hex: Option<String>,
}

/// A message body: `body` (UTF-8 text) or `body_hex`; absent is empty.
fn body(text: Option<&str>, hex_bytes: Option<&str>) -> Result<Vec<u8>, String> {
    match (text, hex_bytes) {
        (Some(text), None) => Ok(text.as_bytes().to_vec()),
        (None, Some(h)) => hex(h),
        (None, None) => Ok(Vec::new()),
        (Some(_), Some(_)) => Err("give `body` or `body_hex`, not both".into()),
    }
}

fn keys(shared: &Shared) -> Result<Vec<IntegrityKey>, String> {
    shared
        .keys
        .iter()
        .map(|k| {
            IntegrityKey::new(&k.id, &hex(&k.secret)?)
                .map_err(|e| format!("shared key {}: {e:?}", k.id))
        })
        .collect()
}

/// Header lookup as a server does it: field names are case-insensitive.
fn received(headers: &BTreeMap<String, String>) -> IntegrityHeaders<'_> {
    IntegrityHeaders::from_fn(|name| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_bytes())
    })
}

pub fn run(case: &Case) -> Result<(), String> {
    let shared: Shared = case.shared()?;
    let inputs: Inputs = case.inputs()?;
    let now = case.now()?;
    let window = shared.window.as_ref().map_or(Window::DEFAULT, |w| Window {
        max_age: w.max_age,
        max_skew: w.max_skew,
    });
    let verifier = || {
        Verifier::new(
            keys(&shared)?,
            ReplayCache::new(1024),
            FixedClock::new(now),
            window,
        )
        .map_err(|e| format!("Verifier::new: {e:?}"))
    };
    match inputs {
        Inputs {
            request: Some(request),
            steps,
            sent: None,
            response: None,
        } if steps.is_empty() => {
            let expect = case.expect()?;
            verify_request(&verifier()?, &request, expect, "Verifier::verify_request")?;
            if *expect == Expect::Valid {
                reproduce(&shared, window, &request)?;
            }
            Ok(())
        }
        Inputs {
            request: None,
            steps,
            sent: None,
            response: None,
        } if !steps.is_empty() => {
            if case.expect.is_some() {
                return Err("a case with `steps` has an `expect` per step, not its own".into());
            }
            let verifier = verifier()?;
            for (i, step) in steps.iter().enumerate() {
                let what = format!(
                    "step {} of {}: Verifier::verify_request",
                    i + 1,
                    steps.len()
                );
                verify_request(&verifier, &step.request, &step.expect, &what)?;
            }
            Ok(())
        }
        Inputs {
            request: None,
            steps,
            sent: Some(sent),
            response: Some(response),
        } if steps.is_empty() => {
            verify_response(&shared, window, now, &sent, &response, case.expect()?)
        }
        _ => Err("give `request`, `steps`, or `sent` with `response`".into()),
    }
}

fn verify_request(
    verifier: &Verifier,
    request: &Request,
    expect: &Expect,
    what: &str,
) -> Result<(), String> {
    let body = body(request.body.as_deref(), request.body_hex.as_deref())?;
    let outcome = Outcome::of(&verifier.verify_request(
        &request.method,
        &request.path,
        received(&request.headers),
        &body,
    ));
    check(what, expect, &outcome)
}

fn text(value: Option<&[u8]>, header: Header) -> Result<&str, String> {
    value
        .and_then(|v| std::str::from_utf8(v).ok())
        .ok_or_else(|| format!("valid request without a text {} header", header.name()))
}

/// A valid request's tag is what `Signer::sign_request` makes from the same inputs.
fn reproduce(shared: &Shared, window: Window, request: &Request) -> Result<(), String> {
    let headers = received(&request.headers);
    let key_id = headers
        .key_id
        .map(|id| String::from_utf8_lossy(id).into_owned())
        .or_else(|| shared.keys.first().map(|k| k.id.clone()))
        .unwrap_or_default();
    let key = keys(shared)?
        .into_iter()
        .find(|k| k.id() == key_id)
        .ok_or("valid request signed by an unknown key")?;
    let timestamp: u64 = text(headers.timestamp, Header::Timestamp)?
        .parse()
        .map_err(|_| "valid request with a non-numeric timestamp")?;
    let signer = Signer::new(key, FixedClock::new(timestamp)).with_window(window);
    let reproduced = signer
        .sign_request(
            &request.method,
            &request.path,
            text(headers.message_id, Header::MessageId)?,
            &body(request.body.as_deref(), request.body_hex.as_deref())?,
        )
        .map_err(|e| format!("Signer::sign_request: {e:?}"))?;
    check_eq(
        "Signer::sign_request reproduces X-Message-HMAC",
        text(headers.signature, Header::Signature)?,
        reproduced.signature(),
    )
}

fn verify_response(
    shared: &Shared,
    window: Window,
    now: u64,
    sent: &Sent,
    response: &Response,
    expect: &Expect,
) -> Result<(), String> {
    let key = keys(shared)?
        .into_iter()
        .find(|k| k.id() == sent.key_id)
        .ok_or_else(|| format!("sent.key_id {} is not in shared.keys", sent.key_id))?;
    // The client signs at the request's time, then reads the response at `now`.
    let clock = Arc::new(FixedClock::new(sent.timestamp));
    let signer = Signer::new(key, Arc::clone(&clock)).with_window(window);
    let request = signer
        .sign_request(
            &sent.method,
            &sent.path,
            &sent.message_id,
            &body(sent.body.as_deref(), sent.body_hex.as_deref())?,
        )
        .map_err(|e| format!("Signer::sign_request: {e:?}"))?;
    clock.set(now);
    let outcome = Outcome::of(&signer.verify_response(
        &request,
        response.status,
        received(&response.headers),
        &body(response.body.as_deref(), response.body_hex.as_deref())?,
    ));
    check("Signer::verify_response", expect, &outcome)
}
