//! Judgement of the extension scenarios (A2A 1.0 §3.3.4, §4.6; 0.3 extensions topic) and of the
//! message-integrity extension (`docs/extensions/message-integrity.md`, SEC-MI-*, SEC-REPLAY-03/04).
//!
//! Message-integrity requests are signed here by hand (the client's own signing is switched off
//! for them) so that each scenario can spoil exactly one thing; every spoiled request follows a
//! valid one signed the same way (the positive control), or the scenario reports `Error`.

use a2a_security::integrity::{
    ALGORITHM, EXTENSION_URI, IntegrityHeaders, IntegrityKey, SignedHeaders, Signer,
};
use a2a_security::{Clock, FixedClock, SystemClock};
use serde_json::Value;

use crate::check::{BoxFuture, HarnessError, Step};
use crate::context::Context;
use crate::rules::auth::{message, unique};
use crate::scenario::{Binding, Family};
use crate::transport::call;
use crate::transport::http::{HttpRequest, HttpResponse};
use crate::transport::jsonrpc::{self, Operation};
use crate::verdict::{Failure, Outcome};

type Judged<'a> = BoxFuture<'a, Result<Outcome, HarnessError>>;

/// `ExtensionSupportRequiredError` (A2A 1.0 §3.3.4).
pub const EXTENSION_SUPPORT_REQUIRED: i64 = -32008;

/// An extension URI no agent supports.
pub const UNKNOWN_EXTENSION: &str = "https://example.invalid/ext/x/v1";

fn activation_header(family: Family) -> &'static str {
    match family {
        Family::V1_0 => "A2A-Extensions",
        Family::V0_3 => "X-A2A-Extensions",
    }
}

/// The extensions the card declares: `(uri, required)`.
fn declared(cx: &Context) -> Vec<(String, bool)> {
    cx.card()
        .and_then(|c| c.pointer("/capabilities/extensions"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|e| {
                    let uri = e.get("uri").and_then(Value::as_str)?;
                    let required = e.get("required").and_then(Value::as_bool).unwrap_or(false);
                    Some((uri.to_owned(), required))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn required_extension(cx: &Context) -> Result<String, Outcome> {
    declared(cx)
        .into_iter()
        .find(|(_, required)| *required)
        .map(|(uri, _)| uri)
        .ok_or_else(|| Outcome::NotApplicable("the card declares no required extension".into()))
}

/// A `SendMessage` request on the selected target, without the client's signature.
fn send_request(cx: &Context) -> Result<HttpRequest, HarnessError> {
    let target = cx.target()?;
    let (mut request, _) = call::request(
        target,
        Operation::SendMessage,
        &message(target.version.family(), "hello"),
    )?;
    request.sign = false;
    Ok(request)
}

/// Replaces the activation header with `uris` (none: no header).
fn activate(request: &mut HttpRequest, family: Family, uris: &[&str]) {
    let name = activation_header(family);
    request
        .headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    if !uris.is_empty() {
        request.headers.push((name.to_owned(), uris.join(", ")));
    }
}

fn refused(response: &HttpResponse) -> bool {
    response.status >= 400
        || response
            .json()
            .ok()
            .is_some_and(|v| v.get("error").is_some())
}

fn describe(response: &HttpResponse) -> String {
    let code = response
        .json()
        .ok()
        .and_then(|v| v.pointer("/error/code").cloned())
        .map(|c| format!(", error {c}"))
        .unwrap_or_default();
    format!("HTTP {}{code}", response.status)
}

fn failure(message: &str, expected: &str, response: &HttpResponse) -> Outcome {
    Outcome::Fail(vec![
        Failure::new(message)
            .expected(expected)
            .actual(describe(response))
            .in_exchange(&response.exchange),
    ])
}

/// EXT-01 / SEC-MI-01: a request that does not activate a required extension is refused
/// (1.0: `ExtensionSupportRequiredError`; 0.3: an error).
fn refuses_without_activation<'a>(cx: &'a Context, uri: &str) -> Judged<'a> {
    let uri = uri.to_owned();
    Box::pin(async move {
        let family = cx.target()?.version.family();
        let binding = cx.target()?.binding;
        let mut request = send_request(cx)?;
        activate(&mut request, family, &[]);
        let response = cx.send(request).await?;
        let code = response
            .json()
            .ok()
            .and_then(|v| v.pointer("/error/code").and_then(Value::as_i64));
        Ok(match (family, binding) {
            (Family::V1_0, Binding::JsonRpc) if code != Some(EXTENSION_SUPPORT_REQUIRED) => {
                failure(
                    &format!(
                        "a request that does not activate the required extension {uri} is not refused with ExtensionSupportRequiredError"
                    ),
                    "JSON-RPC error -32008",
                    &response,
                )
            }
            (Family::V1_0, Binding::HttpJson) if response.status != 400 => failure(
                &format!(
                    "a request that does not activate the required extension {uri} is not refused with 400"
                ),
                "HTTP 400 (EXTENSION_SUPPORT_REQUIRED)",
                &response,
            ),
            (Family::V0_3, _) if !refused(&response) => failure(
                &format!("a request that does not activate the required extension {uri} is served"),
                "an error",
                &response,
            ),
            _ => Outcome::Pass,
        })
    })
}

/// EXT-01: any required extension.
pub fn required_extension_enforced(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        match required_extension(cx) {
            Ok(uri) => refuses_without_activation(cx, &uri).await,
            Err(outcome) => Ok(outcome),
        }
    })
}

/// EXT-02: the required extension requested at a version the agent does not support → an
/// error, not a fallback.
pub fn unsupported_version_refused(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        let uri = match required_extension(cx) {
            Ok(uri) => uri,
            Err(outcome) => return Ok(outcome),
        };
        let trimmed = uri.trim_end_matches('/');
        let other = match trimmed.rsplit_once('/') {
            Some((base, last))
                if last.len() > 1
                    && last.starts_with('v')
                    && last[1..].bytes().all(|b| b.is_ascii_digit()) =>
            {
                format!("{base}/v999")
            }
            _ => format!("{trimmed}/v999"),
        };
        let family = cx.target()?.version.family();
        let mut request = send_request(cx)?;
        activate(&mut request, family, &[&other]);
        let response = cx.send(request).await?;
        Ok(if refused(&response) {
            Outcome::Pass
        } else {
            failure(
                &format!("the required extension requested as {other} is served (a fallback)"),
                "an error",
                &response,
            )
        })
    })
}

/// EXT-03: the JSON-RPC methods extensions add (profile `extensions.methods`) are behind the
/// same authentication: after a positive control (with credentials the method is known, not
/// -32601, and not refused), the same call without credentials is 401/403 with no result.
pub fn extension_methods_authenticated(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        if let Err(outcome) = crate::rules::auth::declares_security(cx) {
            return Ok(outcome);
        }
        let methods = &cx.profile.extensions.methods;
        if methods.is_empty() {
            return Ok(Outcome::Skip(
                "the profile names no extension methods (extensions.methods)".into(),
            ));
        }
        let target = cx.target()?.clone();
        let family = target.version.family();
        let mut failures = Vec::new();
        for m in methods {
            let params = m.params.clone().unwrap_or_else(|| serde_json::json!({}));
            let body = serde_json::to_vec(&jsonrpc::envelope(
                &Value::from(unique("tck-ext")),
                &m.method,
                &params,
            ))
            .map_err(|e| HarnessError(e.to_string()))?;
            let mut request = jsonrpc::http_request(&target, body);
            // The run's own activations (a required extension, say) plus the method's.
            let mut uris: Vec<&str> = target.extensions.iter().map(String::as_str).collect();
            if !uris.contains(&m.uri.as_str()) {
                uris.push(&m.uri);
            }
            activate(&mut request, family, &uris);
            let with = cx.send(request.clone()).await?;
            let code = with
                .json()
                .ok()
                .and_then(|v| v.pointer("/error/code").and_then(Value::as_i64));
            if matches!(with.status, 401 | 403) || code == Some(-32601) {
                return Err(HarnessError(format!(
                    "positive control failed: {} with the run's credentials answers {}; check extensions.methods and [credentials]",
                    m.method,
                    describe(&with)
                )));
            }
            let without = cx.send(request.anonymous()).await?;
            let has_result = without
                .json()
                .ok()
                .is_some_and(|v| v.get("result").is_some());
            if !matches!(without.status, 401 | 403) || has_result {
                failures.push(
                    Failure::new(format!(
                        "the extension method {} is served without credentials",
                        m.method
                    ))
                    .expected("HTTP 401 or 403 and no result")
                    .actual(describe(&without))
                    .in_exchange(&without.exchange),
                );
            }
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// The extensions the profile activates that the card declares.
fn activated_and_declared(cx: &Context) -> Result<Vec<String>, HarnessError> {
    let declared = declared(cx);
    Ok(cx
        .target()?
        .extensions
        .iter()
        .filter(|u| declared.iter().any(|(d, _)| d == *u))
        .cloned()
        .collect())
}

/// EXT-04: an unknown, non-required extension is ignored.
pub fn unknown_extension_ignored(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        let target = cx.target()?.clone();
        let family = target.version.family();
        let mut uris: Vec<&str> = target.extensions.iter().map(String::as_str).collect();
        uris.push(UNKNOWN_EXTENSION);
        let answer = call::call_with(
            cx,
            &target,
            Operation::SendMessage,
            &message(family, "hello"),
            |r| activate(r, family, &uris),
        )
        .await?;
        Ok(if refused(&answer.http) {
            failure(
                "a request that also activates an unknown, non-required extension is refused",
                "the request served, the unknown extension ignored",
                &answer.http,
            )
        } else {
            Outcome::Pass
        })
    })
}

/// EXT-05 / EXT-06: the response lists the activated extensions (EXT-06: and a missing
/// required one is refused).
pub fn activated_extensions_echoed(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        let target = cx.target()?.clone();
        let family = target.version.family();
        let mut outcome = if family == Family::V0_3 {
            match required_extension(cx) {
                Ok(uri) => refuses_without_activation(cx, &uri).await?,
                Err(_) => Outcome::Pass,
            }
        } else {
            Outcome::Pass
        };
        let uris = activated_and_declared(cx)?;
        if uris.is_empty() {
            return Ok(outcome.and(Outcome::Skip(
                "the profile activates no extension the card declares (extensions.activate)".into(),
            )));
        }
        let answer = call::call(cx, Operation::SendMessage, &message(family, "hello")).await?;
        let name = activation_header(family);
        let echoed = answer.http.header(name).unwrap_or("");
        let missing: Vec<&String> = uris
            .iter()
            .filter(|u| !echoed.split(',').any(|e| e.trim() == u.as_str()))
            .collect();
        if !missing.is_empty() {
            outcome = outcome.and(Outcome::Fail(vec![
                Failure::new(format!(
                    "the response does not list the activated extensions in {name}"
                ))
                .expected(format!("{name} listing {missing:?}"))
                .actual(if echoed.is_empty() {
                    "no header".to_owned()
                } else {
                    echoed.to_owned()
                })
                .in_exchange(&answer.http.exchange),
            ]));
        }
        Ok(outcome)
    })
}

// ---- message integrity ----

fn integrity_key(cx: &Context) -> Result<Result<IntegrityKey, Outcome>, HarnessError> {
    if !declared(cx).iter().any(|(u, _)| u == EXTENSION_URI) {
        return Ok(Err(Outcome::NotApplicable(
            "the card does not declare the message-integrity extension".into(),
        )));
    }
    let Some(i) = &cx.profile.extensions.integrity else {
        return Ok(Err(Outcome::Skip(
            "the profile gives no message-integrity key (extensions.integrity)".into(),
        )));
    };
    IntegrityKey::new(&i.key_id, i.secret.expose().as_bytes())
        .map(Ok)
        .map_err(|e| HarnessError(format!("extensions.integrity: {e}")))
}

/// SEC-MI-01: the integrity extension, when required, is enforced.
pub fn integrity_required(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        if !declared(cx).iter().any(|(u, r)| u == EXTENSION_URI && *r) {
            return Ok(Outcome::NotApplicable(
                "the card does not declare the message-integrity extension required".into(),
            ));
        }
        refuses_without_activation(cx, EXTENSION_URI).await
    })
}

/// What a message-integrity scenario spoils.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spoil {
    /// SEC-MI-02: nothing (and the request must be served).
    Nothing,
    /// SEC-MI-03: a tag made with another key.
    WrongSignature,
    /// SEC-MI-04: the body changed after signing.
    BodyChanged,
    /// SEC-MI-05: an algorithm other than HMAC-SHA256.
    UnknownAlgorithm,
    /// SEC-REPLAY-03: the same signed request twice.
    Replayed,
    /// SEC-REPLAY-04: a timestamp ten minutes old.
    Stale,
    /// SEC-MI-06: nothing; the response must be signed and verify.
    CheckResponse,
}

/// A signed `SendMessage`, signed by `signer`.
fn signed_request(
    cx: &Context,
    signer: &Signer,
) -> Result<(HttpRequest, SignedHeaders), HarnessError> {
    let family = cx.target()?.version.family();
    let mut request = send_request(cx)?;
    activate(&mut request, family, &[EXTENSION_URI]);
    let headers = signer
        .sign_request(
            &request.method,
            &request.origin_form(),
            &unique("tck-mi"),
            &request.body,
        )
        .map_err(|e| HarnessError(format!("cannot sign the request: {e}")))?;
    for (n, v) in headers.iter() {
        request.headers.push((n.to_owned(), v.to_owned()));
    }
    Ok((request, headers))
}

fn set_header(request: &mut HttpRequest, name: &str, value: &str) {
    request
        .headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    request.headers.push((name.to_owned(), value.to_owned()));
}

/// The message-integrity scenarios.
#[derive(Debug, Clone, Copy)]
pub struct Integrity(pub Spoil);

impl Step for Integrity {
    fn run<'a>(&'a self, cx: &'a Context) -> Judged<'a> {
        let spoil = self.0;
        Box::pin(async move {
            if spoil == Spoil::Replayed && !cx.profile.replay_protection {
                return Ok(Outcome::Skip(
                    "the profile does not declare replay_protection".into(),
                ));
            }
            let key = match integrity_key(cx)? {
                Ok(k) => k,
                Err(outcome) => return Ok(outcome),
            };
            let signer = Signer::new(key.clone(), SystemClock);
            // The positive control.
            let (request, sent) = signed_request(cx, &signer)?;
            let control = cx.send(request.clone()).await?;
            if spoil == Spoil::Nothing && refused(&control) {
                return Ok(failure(
                    "a request signed with the profile's key is refused",
                    "the request served",
                    &control,
                ));
            }
            if refused(&control) {
                return Err(HarnessError(format!(
                    "positive control failed: a request signed with the profile's key was refused ({}); check extensions.integrity",
                    describe(&control)
                )));
            }
            match spoil {
                Spoil::Nothing => return Ok(Outcome::Pass),
                Spoil::CheckResponse => {
                    let verdict = signer.verify_response(
                        &sent,
                        control.status,
                        IntegrityHeaders::from_fn(|name| control.header(name).map(str::as_bytes)),
                        &control.body,
                    );
                    return Ok(match verdict {
                        Ok(()) => Outcome::Pass,
                        Err(e) => Outcome::Fail(vec![
                            Failure::new(
                                "the response is not signed, or its signature does not verify",
                            )
                            .expected("X-Message-* headers verifying under the request's key")
                            .actual(e.to_string())
                            .in_exchange(&control.exchange),
                        ]),
                    });
                }
                _ => {}
            }
            let spoiled = match spoil {
                Spoil::Replayed => request,
                Spoil::WrongSignature => {
                    let other =
                        IntegrityKey::new(key.id(), b"another-key-of-at-least-32-bytes-long")
                            .map_err(|e| HarnessError(e.to_string()))?;
                    let (mut r, _) = signed_request(cx, &signer)?;
                    let forged = Signer::new(other, SystemClock)
                        .sign_request(&r.method, &r.origin_form(), &unique("tck-mi"), &r.body)
                        .map_err(|e| HarnessError(e.to_string()))?;
                    set_header(&mut r, "X-Message-ID", forged.message_id());
                    set_header(
                        &mut r,
                        "X-Message-Timestamp",
                        &forged.timestamp().to_string(),
                    );
                    set_header(&mut r, "X-Message-HMAC", forged.signature());
                    r
                }
                Spoil::BodyChanged => {
                    let (mut r, _) = signed_request(cx, &signer)?;
                    let text = String::from_utf8_lossy(&r.body).replace("hello", "HELLO");
                    r.body = text.into_bytes();
                    r
                }
                Spoil::UnknownAlgorithm => {
                    let (mut r, _) = signed_request(cx, &signer)?;
                    set_header(&mut r, "X-Message-HMAC-Algorithm", "HMAC-SHA512");
                    debug_assert_ne!(ALGORITHM, "HMAC-SHA512");
                    r
                }
                Spoil::Stale => {
                    let old = Signer::new(key, FixedClock::new(SystemClock.now() - 600));
                    signed_request(cx, &old)?.0
                }
                Spoil::Nothing | Spoil::CheckResponse => unreachable!("handled above"),
            };
            let response = cx.send(spoiled).await?;
            Ok(if refused(&response) {
                Outcome::Pass
            } else {
                failure(
                    &format!("a message-integrity request spoiled as {spoil:?} is served"),
                    "refused (HTTP 401 or an error)",
                    &response,
                )
            })
        })
    }
}
