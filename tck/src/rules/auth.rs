//! Judgement of the authentication, authorization, JWT and token-replay scenarios: requests
//! with no, garbage, forged or foreign credentials, and what the agent must answer.
//!
//! Tokens are minted from the profile's `[jwt]` material with `a2a-security`; each request gets
//! a fresh `jti` unless a scenario replays one on purpose.

use std::sync::atomic::{AtomicU64, Ordering};

use a2a_security::jws::{Algorithm, SigningKey};
use a2a_security::{Clock, SystemClock};
use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::check::{BoxFuture, HarnessError};
use crate::context::Context;
use crate::rules::challenge;
use crate::rules::conversation::{self, A2aError};
use crate::scenario::Family;
use crate::target::{self, Target};
use crate::transport::call::{self, Answer};
use crate::transport::http::HttpRequest;
use crate::transport::jsonrpc::Operation;
use crate::verdict::{Failure, Outcome};

type Judged<'a> = BoxFuture<'a, Result<Outcome, HarnessError>>;

/// The two principals of the isolation scenarios.
pub const PRINCIPAL_A: &str = "tck-principal-a";
/// The second principal.
pub const PRINCIPAL_B: &str = "tck-principal-b";

static NONCE: AtomicU64 = AtomicU64::new(0);

/// A value unique within this process run (ids, `jti`s).
pub fn unique(prefix: &str) -> String {
    let n = NONCE.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{prefix}-{}-{nanos:08x}-{n}", SystemClock.now())
}

/// What the kit can mint tokens with.
pub struct Minting {
    key: SigningKey,
    iss: String,
    aud: String,
    scopes: Vec<String>,
    scoped: Option<crate::profile::ScopedMessage>,
}

impl std::fmt::Debug for Minting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Minting")
            .field("alg", &self.key.alg())
            .field("iss", &self.iss)
            .field("aud", &self.aud)
            .finish_non_exhaustive()
    }
}

impl Minting {
    /// The profile's minting material; `Ok(None)` without `[jwt]`.
    ///
    /// # Errors
    /// A key the kit cannot use.
    pub fn from_profile(profile: &crate::profile::Profile) -> Result<Option<Self>, String> {
        let Some(jwt) = &profile.jwt else {
            return Ok(None);
        };
        let mut key = match (&jwt.hs256_secret, &jwt.private_jwk_file, &jwt.private_jwk) {
            (Some(secret), None, None) => {
                SigningKey::hmac(Algorithm::HS256, secret.expose().as_bytes())
                    .map_err(|e| format!("jwt.hs256_secret: {e}"))?
            }
            (None, Some(path), None) => {
                let text = std::fs::read(path).map_err(|e| {
                    format!("jwt.private_jwk_file: cannot read {}: {e}", path.display())
                })?;
                private_jwk(&text).map_err(|e| format!("jwt.private_jwk_file: {e}"))?
            }
            (None, None, Some(jwk)) => {
                private_jwk(jwk.expose().as_bytes()).map_err(|e| format!("jwt.private_jwk: {e}"))?
            }
            _ => {
                return Err(
                    "[jwt] needs exactly one of hs256_secret, private_jwk_file and private_jwk"
                        .into(),
                );
            }
        };
        if let Some(kid) = &jwt.kid {
            key = key.with_kid(kid.clone());
        }
        Ok(Some(Self {
            key,
            iss: jwt.iss.clone(),
            aud: jwt.aud.clone(),
            scopes: jwt.scopes.clone(),
            scoped: jwt.scoped.clone(),
        }))
    }

    /// The public half of an asymmetric minting key; `None` for an HS256 secret.
    pub fn public_key(&self) -> Option<a2a_security::jws::VerifyingKey> {
        self.key
            .verifying_key()
            .ok()
            .filter(|k| k.spki_der().is_some())
    }

    /// Valid claims for `sub`, with a fresh `jti`.
    pub fn claims(&self, sub: &str) -> Map<String, Value> {
        let now = SystemClock.now();
        let mut claims = Map::new();
        claims.insert("iss".into(), self.iss.clone().into());
        claims.insert("aud".into(), self.aud.clone().into());
        claims.insert("sub".into(), sub.into());
        claims.insert("iat".into(), now.into());
        claims.insert("exp".into(), (now + 300).into());
        claims.insert("jti".into(), unique("tck-jti").into());
        if !self.scopes.is_empty() {
            claims.insert("scope".into(), self.scopes.join(" ").into());
        }
        claims
    }

    /// A signed token with these claims.
    ///
    /// # Errors
    /// The signer refused the claims.
    pub fn mint(&self, claims: Map<String, Value>) -> Result<String, HarnessError> {
        a2a_security::jwt::mint(&self.key, &Value::Object(claims))
            .map_err(|e| HarnessError(format!("cannot mint a token: {e}")))
    }

    /// A signed token with this extra header.
    ///
    /// # Errors
    /// The signer refused the header or the claims.
    pub fn mint_with_header(
        &self,
        header: &Map<String, Value>,
        claims: Map<String, Value>,
    ) -> Result<String, HarnessError> {
        a2a_security::jwt::mint_with_header(&self.key, header, &Value::Object(claims))
            .map_err(|e| HarnessError(format!("cannot mint a token: {e}")))
    }

    /// A fresh valid token for `sub`.
    ///
    /// # Errors
    /// The signer refused the claims.
    pub fn token(&self, sub: &str) -> Result<String, HarnessError> {
        self.mint(self.claims(sub))
    }
}

/// A private JWK (its errors never quote the key).
fn private_jwk(text: &[u8]) -> Result<SigningKey, String> {
    let jwk = a2a_security::json::parse_strict(text)
        .map_err(|_| "not a JSON object (the key text is not shown)".to_owned())?;
    if jwk.get("d").is_none() && jwk.get("k").is_none() {
        return Err("a public key: minting needs the private JWK (with `d`)".into());
    }
    a2a_security::jwk::signing_key(&jwk).map_err(|e| e.to_string())
}

pub(crate) fn minting(cx: &Context) -> Result<Option<Minting>, HarnessError> {
    Minting::from_profile(&cx.profile).map_err(HarnessError)
}

/// Who a request is sent as.
#[derive(Clone, Copy)]
pub(crate) enum As<'a> {
    /// No credentials at all.
    Nobody,
    /// This `Authorization` value only.
    Authorization(&'a str),
    /// Garbage in every credential header the card declares.
    Garbage,
}

pub(crate) async fn call_as(
    cx: &Context,
    target: &Target,
    op: Operation,
    params: &Value,
    who: As<'_>,
) -> Result<Answer, HarnessError> {
    let api_key_headers = declared_api_key_headers(cx);
    call::call_with(cx, target, op, params, |r: &mut HttpRequest| {
        r.authenticate = false;
        match who {
            As::Nobody => {}
            As::Authorization(value) => r.headers.push(("Authorization".into(), value.into())),
            As::Garbage => {
                r.headers.push((
                    "Authorization".into(),
                    "Bearer tck.garbage.credential".into(),
                ));
                for h in &api_key_headers {
                    r.headers.push((h.clone(), "tck-garbage-credential".into()));
                }
            }
        }
    })
    .await
}

/// The scheme entries of the card's `securitySchemes` (1.0 oneof wrappers unwrapped).
fn schemes(cx: &Context) -> Vec<Value> {
    cx.card()
        .and_then(|c| c.get("securitySchemes"))
        .and_then(Value::as_object)
        .map(|m| {
            m.values()
                .map(|v| {
                    v.as_object()
                        .filter(|o| o.len() == 1 && !o.contains_key("type"))
                        .and_then(|o| o.values().next().cloned())
                        .unwrap_or_else(|| v.clone())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The challenge scheme names the declared schemes allow (lower-cased).
fn challenge_schemes(cx: &Context) -> Vec<String> {
    let mut out = Vec::new();
    for s in schemes(cx) {
        let kind = s.get("type").and_then(Value::as_str).unwrap_or("");
        if let Some(scheme) = s.get("scheme").and_then(Value::as_str) {
            out.push(scheme.to_ascii_lowercase());
        } else if s.get("flows").is_some()
            || s.get("openIdConnectUrl").is_some()
            || matches!(kind, "oauth2" | "openIdConnect")
        {
            out.push("bearer".into());
        } else if s.get("location").is_some() || s.get("in").is_some() || kind == "apiKey" {
            out.push("apikey".into());
        }
    }
    out
}

fn declared_api_key_headers(cx: &Context) -> Vec<String> {
    schemes(cx)
        .iter()
        .filter(|s| {
            let location = s.get("location").or_else(|| s.get("in"));
            location.and_then(Value::as_str) == Some("header")
        })
        .filter_map(|s| s.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// `Err(Skip)` when the card declares no security scheme.
pub(crate) fn declares_security(cx: &Context) -> Result<(), Outcome> {
    if schemes(cx).is_empty() {
        Err(Outcome::Skip("the card declares no securitySchemes".into()))
    } else {
        Ok(())
    }
}

/// Every interface the card declares for the run's version (the selected one first).
fn all_targets(cx: &Context) -> Result<Vec<Target>, HarnessError> {
    let selected = cx.target()?.clone();
    let mut out = vec![selected.clone()];
    if let Some(card) = cx.card() {
        for i in target::interfaces(card, selected.version.family()) {
            if out.iter().any(|t| t.url == i.url && t.binding == i.binding) {
                continue;
            }
            out.push(Target {
                version: selected.version,
                binding: i.binding,
                url: i.url,
                tenant: i.tenant,
                extensions: selected.extensions.clone(),
            });
        }
    }
    Ok(out)
}

/// A user message in the version's shape.
pub fn message(family: Family, text: &str) -> Value {
    match family {
        Family::V1_0 => json!({"message": {
            "messageId": unique("tck-msg"), "role": "ROLE_USER", "parts": [{"text": text}],
        }}),
        Family::V0_3 => json!({"message": {
            "kind": "message", "messageId": unique("tck-msg"), "role": "user",
            "parts": [{"kind": "text", "text": text}],
        }}),
    }
}

/// Each operation of the version with request parameters that would be valid but for the
/// credentials.
fn operations(family: Family) -> Vec<(Operation, Value)> {
    let task = unique("tck-unknown-task");
    let config = unique("tck-unknown-config");
    let push = match family {
        Family::V1_0 => vec![
            (
                Operation::CreatePushConfig,
                json!({"taskId": task, "url": "https://example.invalid/hook"}),
            ),
            (
                Operation::GetPushConfig,
                json!({"taskId": task, "id": config}),
            ),
            (Operation::ListPushConfigs, json!({"taskId": task})),
            (
                Operation::DeletePushConfig,
                json!({"taskId": task, "id": config}),
            ),
        ],
        Family::V0_3 => vec![
            (
                Operation::CreatePushConfig,
                json!({"taskId": task, "pushNotificationConfig": {"url": "https://example.invalid/hook"}}),
            ),
            (
                Operation::GetPushConfig,
                json!({"id": task, "pushNotificationConfigId": config}),
            ),
            (Operation::ListPushConfigs, json!({"id": task})),
            (
                Operation::DeletePushConfig,
                json!({"id": task, "pushNotificationConfigId": config}),
            ),
        ],
    };
    let mut ops = vec![
        (Operation::SendMessage, message(family, "hello")),
        (Operation::SendStreamingMessage, message(family, "hello")),
        (Operation::GetTask, json!({"id": task})),
        (Operation::CancelTask, json!({"id": task})),
        (Operation::SubscribeToTask, json!({"id": task})),
        (Operation::GetExtendedCard, json!({})),
    ];
    if family == Family::V1_0 {
        ops.push((Operation::ListTasks, json!({})));
    }
    ops.extend(push);
    ops
}

fn is_refusal(answer: &Answer) -> bool {
    matches!(answer.http.status, 401 | 403) && answer.result.is_none()
}

fn describe(answer: &Answer) -> String {
    let code = answer
        .error_code()
        .map(|c| format!(", error {c}"))
        .unwrap_or_default();
    let result = if answer.result.is_some() {
        ", with a result"
    } else {
        ""
    };
    format!("HTTP {}{code}{result}", answer.http.status)
}

/// SEC-AUTH-01 / AUTH-01: every operation on every interface of the version refuses `who`.
async fn every_operation_refuses(cx: &Context, who: As<'_>) -> Result<Outcome, HarnessError> {
    if let Err(skip) = declares_security(cx) {
        return Ok(skip);
    }
    let mut failures = Vec::new();
    for target in all_targets(cx)? {
        let family = target.version.family();
        for (op, params) in operations(family) {
            // An operation without an HTTP+JSON route in this version is not offered.
            if call::request(&target, op, &params).is_err() {
                continue;
            }
            let answer = call_as(cx, &target, op, &params, who).await?;
            if !is_refusal(&answer) {
                failures.push(
                    Failure::new(format!(
                        "{op:?} over {} is not refused without valid credentials",
                        target.binding
                    ))
                    .expected("HTTP 401 (or 403) and no result")
                    .actual(describe(&answer))
                    .in_exchange(&answer.http.exchange),
                );
            }
        }
    }
    Ok(Outcome::from_failures(failures))
}

/// SEC-AUTH-01: no credentials → 401/403 on every operation and binding.
pub fn missing_credentials_refused(cx: &Context) -> Judged<'_> {
    Box::pin(async move { every_operation_refuses(cx, As::Nobody).await })
}

/// AUTH-01: no and garbage credentials → 401/403 on every operation and binding.
pub fn bad_credentials_refused(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        let none = every_operation_refuses(cx, As::Nobody).await?;
        Ok(none.and(every_operation_refuses(cx, As::Garbage).await?))
    })
}

/// The 401 an anonymous `GetTask` gets, with its parsed challenges (or why there are none).
async fn anonymous_401(
    cx: &Context,
    who: As<'_>,
) -> Result<
    Result<(Answer, Option<Result<Vec<challenge::Challenge>, String>>), Outcome>,
    HarnessError,
> {
    if let Err(skip) = declares_security(cx) {
        return Ok(Err(skip));
    }
    let target = cx.target()?.clone();
    let answer = call_as(
        cx,
        &target,
        Operation::GetTask,
        &json!({"id": unique("tck-unknown-task")}),
        who,
    )
    .await?;
    if answer.http.status != 401 {
        return Ok(Err(Outcome::NotApplicable(format!(
            "the request was not answered with 401 ({}); SEC-AUTH-01 judges that",
            describe(&answer)
        ))));
    }
    let parsed = answer.http.header("www-authenticate").map(challenge::parse);
    Ok(Ok((answer, parsed)))
}

/// SEC-AUTH-02: a 401 carries a `WWW-Authenticate` that parses as a challenge list.
pub fn challenge_present_and_parses(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        let (answer, parsed) = match anonymous_401(cx, As::Nobody).await? {
            Ok(x) => x,
            Err(outcome) => return Ok(outcome),
        };
        let x = &answer.http.exchange;
        Ok(match parsed {
            None => Outcome::Fail(vec![
                Failure::new("a 401 carries no WWW-Authenticate header")
                    .expected("WWW-Authenticate with at least one challenge")
                    .actual("absent")
                    .in_exchange(x),
            ]),
            Some(Err(e)) => Outcome::Fail(vec![
                Failure::new(
                    "WWW-Authenticate does not parse as a challenge list (RFC 9110 §11.6.1)",
                )
                .expected("challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]")
                .actual(e)
                .in_exchange(x),
            ]),
            Some(Ok(_)) => Outcome::Pass,
        })
    })
}

/// AUTH-02 (0.3): a 401 carries `WWW-Authenticate`.
pub fn challenge_present(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        let (answer, parsed) = match anonymous_401(cx, As::Nobody).await? {
            Ok(x) => x,
            Err(outcome) => return Ok(outcome),
        };
        Ok(if parsed.is_some() {
            Outcome::Pass
        } else {
            Outcome::Fail(vec![
                Failure::new("a 401 carries no WWW-Authenticate header")
                    .expected("WWW-Authenticate")
                    .actual("absent")
                    .in_exchange(&answer.http.exchange),
            ])
        })
    })
}

/// SEC-AUTH-03: the challenge names a scheme the card declares.
pub fn challenge_names_declared_scheme(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        let (answer, parsed) = match anonymous_401(cx, As::Nobody).await? {
            Ok(x) => x,
            Err(outcome) => return Ok(outcome),
        };
        let Some(Ok(challenges)) = parsed else {
            return Ok(Outcome::Skip(
                "no parseable WWW-Authenticate (SEC-AUTH-02 judges that)".into(),
            ));
        };
        let declared = challenge_schemes(cx);
        if declared.is_empty() {
            return Ok(Outcome::Skip(
                "the card's securitySchemes name no HTTP authentication scheme".into(),
            ));
        }
        let sent: Vec<String> = challenges.iter().map(|c| c.scheme.clone()).collect();
        Ok(
            if sent
                .iter()
                .any(|s| declared.contains(&s.to_ascii_lowercase()))
            {
                Outcome::Pass
            } else {
                Outcome::Fail(vec![
                    Failure::new("the challenge names no scheme the card declares")
                        .expected(format!("one of {declared:?}"))
                        .actual(format!("{sent:?}"))
                        .in_exchange(&answer.http.exchange),
                ])
            },
        )
    })
}

/// SEC-AUTH-04: an invalid bearer token gets `error="invalid_token"`.
pub fn invalid_bearer_token(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        if let Err(skip) = declares_security(cx) {
            return Ok(skip);
        }
        if !challenge_schemes(cx).iter().any(|s| s == "bearer") {
            return Ok(Outcome::NotApplicable(
                "the card declares no bearer or OAuth 2 scheme".into(),
            ));
        }
        let (answer, parsed) =
            match anonymous_401(cx, As::Authorization("Bearer tck.invalid.token")).await? {
                Ok(x) => x,
                Err(outcome) => return Ok(outcome),
            };
        let bearer = parsed
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .find(|c| c.scheme.eq_ignore_ascii_case("bearer"));
        let error = bearer.as_ref().and_then(|c| c.param("error"));
        Ok(if error == Some("invalid_token") {
            Outcome::Pass
        } else {
            Outcome::Fail(vec![
                Failure::new(
                    "an invalid bearer token is not answered with error=\"invalid_token\"",
                )
                .expected("WWW-Authenticate: Bearer …, error=\"invalid_token\"")
                .actual(
                    answer
                        .http
                        .header("www-authenticate")
                        .map_or_else(|| "no WWW-Authenticate".to_owned(), str::to_owned),
                )
                .in_exchange(&answer.http.exchange),
            ])
        })
    })
}

/// The task id in a `SendMessage` result (1.0 `{task}` wrapper, 0.3 Task, or a message's
/// `taskId`).
fn task_id(result: &Value) -> Option<String> {
    let id = if let Some(task) = result.get("task") {
        task.get("id")
    } else if result.get("status").is_some() {
        result.get("id")
    } else {
        result.get("taskId")
    };
    id.and_then(Value::as_str).map(str::to_owned)
}

fn push_declared(cx: &Context) -> bool {
    cx.card()
        .and_then(|c| c.pointer("/capabilities/pushNotifications"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// Which operations an isolation scenario judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// SEC-AUTH-06 / AUTH-04: `GetTask`, `CancelTask` (and the push-config list when push is
    /// declared) on a finished task.
    All,
    /// GET-05: `GetTask`.
    Get,
    /// CANCEL-05: `CancelTask` on a running task, which must still be running afterwards.
    Cancel,
}

/// Principal B's operations on principal A's task answer exactly like on an unknown id (A2A
/// 1.0 §13.1: "MUST NOT reveal the existence of unauthorized resources").
#[derive(Debug, Clone, Copy)]
pub struct OtherPrincipal(pub Isolation);

impl crate::check::Step for OtherPrincipal {
    fn run<'a>(&'a self, cx: &'a Context) -> Judged<'a> {
        let which = self.0;
        Box::pin(async move { other_principal(cx, which).await })
    }
}

/// CANCEL-05's second half: the owner still sees the task not canceled (then cancels it).
async fn not_canceled_by_another(
    cx: &Context,
    target: &Target,
    mint: &Minting,
    id: &str,
) -> Result<Vec<Failure>, HarnessError> {
    let family = target.version.family();
    let owner = format!("Bearer {}", mint.token(PRINCIPAL_A)?);
    let after = call_as(
        cx,
        target,
        Operation::GetTask,
        &json!({"id": id}),
        As::Authorization(&owner),
    )
    .await?;
    let state = after
        .result
        .as_ref()
        .and_then(|t| conversation::state_of(family, t));
    let mut failures = Vec::new();
    if state == Some(crate::rules::state_machine::State::Canceled) {
        failures.push(
            Failure::new("another principal's CancelTask canceled the task")
                .expected("the task still running for its owner")
                .actual(describe(&after))
                .at("/status/state")
                .in_exchange(&after.http.exchange),
        );
    }
    let owner = format!("Bearer {}", mint.token(PRINCIPAL_A)?);
    let _ = call_as(
        cx,
        target,
        Operation::CancelTask,
        &json!({"id": id}),
        As::Authorization(&owner),
    )
    .await;
    Ok(failures)
}

async fn other_principal(cx: &Context, which: Isolation) -> Result<Outcome, HarnessError> {
    let Some(mint) = minting(cx)? else {
        return Ok(Outcome::Skip(
            "needs two principals: the profile's [jwt] minting key".into(),
        ));
    };
    let target = cx.target()?.clone();
    let family = target.version.family();
    let params = if which == Isolation::Cancel {
        let message = match conversation::behaviour_message(cx, "long_running")? {
            Ok(m) => m,
            Err(outcome) => return Ok(outcome),
        };
        conversation::send_params(family, &message, true)
    } else {
        message(family, "hello")
    };
    let owner = format!("Bearer {}", mint.token(PRINCIPAL_A)?);
    let created = call_as(
        cx,
        &target,
        Operation::SendMessage,
        &params,
        As::Authorization(&owner),
    )
    .await?;
    let Some(id) = created.result.as_ref().and_then(task_id) else {
        return Err(HarnessError(format!(
            "principal A could not create a task ({}); the isolation check needs one",
            describe(&created)
        )));
    };
    let unknown = unique("tck-unknown-task");
    let by_id = |op| (op, json!({"id": id}), json!({"id": unknown}));
    let mut ops = match which {
        Isolation::All => vec![by_id(Operation::GetTask), by_id(Operation::CancelTask)],
        Isolation::Get => vec![by_id(Operation::GetTask)],
        Isolation::Cancel => vec![by_id(Operation::CancelTask)],
    };
    if which == Isolation::All && push_declared(cx) {
        let (real, random) = match family {
            Family::V1_0 => (json!({"taskId": id}), json!({"taskId": unknown})),
            Family::V0_3 => (json!({"id": id}), json!({"id": unknown})),
        };
        ops.push((Operation::ListPushConfigs, real, random));
    }
    let mut failures = Vec::new();
    for (op, real, random) in ops {
        let b = format!("Bearer {}", mint.token(PRINCIPAL_B)?);
        let on_real = call_as(cx, &target, op, &real, As::Authorization(&b)).await?;
        let b = format!("Bearer {}", mint.token(PRINCIPAL_B)?);
        let on_random = call_as(cx, &target, op, &random, As::Authorization(&b)).await?;
        let same = on_real.http.status == on_random.http.status
            && on_real.error_code() == on_random.error_code()
            && on_real.result.is_none();
        if !same {
            failures.push(
                Failure::new(format!(
                    "{op:?} by another principal on a task that exists differs from {op:?} on an unknown id"
                ))
                .expected(format!("as for an unknown id: {}", describe(&on_random)))
                .actual(describe(&on_real))
                .in_exchange(&on_real.http.exchange),
            );
        }
    }
    if which == Isolation::Cancel {
        failures.extend(not_canceled_by_another(cx, &target, &mint, &id).await?);
    }
    Ok(Outcome::from_failures(failures))
}

/// Whether an answer is `ExtendedAgentCardNotConfiguredError` in either binding.
fn not_configured(answer: &Answer) -> bool {
    answer.error_code() == Some(A2aError::ExtendedCardNotConfigured.code())
        || answer
            .error
            .as_ref()
            .and_then(|e| e.get("details"))
            .and_then(Value::as_array)
            .is_some_and(|d| {
                d.iter().any(|i| {
                    i.get("reason").and_then(Value::as_str)
                        == A2aError::ExtendedCardNotConfigured.reason()
                })
            })
}

/// AUTH-05 (1.0) / AUTH-08 (0.3): the extended card needs authentication; with credentials it
/// is a card.
pub fn extended_card_needs_authentication(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        let target = cx.target()?.clone();
        let flag = match target.version.family() {
            Family::V1_0 => "/capabilities/extendedAgentCard",
            Family::V0_3 => "/supportsAuthenticatedExtendedCard",
        };
        let declared = cx
            .card()
            .and_then(|c| c.pointer(flag))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if !declared {
            return Ok(Outcome::NotApplicable(format!(
                "the card does not declare {}",
                flag.rsplit('/').next().unwrap_or(flag)
            )));
        }
        let anonymous = call_as(
            cx,
            &target,
            Operation::GetExtendedCard,
            &json!({}),
            As::Nobody,
        )
        .await?;
        let mut failures = Vec::new();
        if !is_refusal(&anonymous) || anonymous.http.status != 401 {
            failures.push(
                Failure::new("the extended card is not refused with 401 without credentials")
                    .expected("HTTP 401 and no card")
                    .actual(describe(&anonymous))
                    .in_exchange(&anonymous.http.exchange),
            );
        }
        if let Some(mint) = minting(cx)? {
            let token = format!("Bearer {}", mint.token(PRINCIPAL_A)?);
            let with = call_as(
                cx,
                &target,
                Operation::GetExtendedCard,
                &json!({}),
                As::Authorization(&token),
            )
            .await?;
            let is_card = with
                .result
                .as_ref()
                .is_some_and(|r| r.get("name").and_then(Value::as_str).is_some());
            // Declared but not configured is AUTH-07/AUTH-09's concern, not a refusal.
            if !is_card && !not_configured(&with) {
                failures.push(
                    Failure::new("an authenticated caller does not get the extended card")
                        .expected("an AgentCard")
                        .actual(describe(&with))
                        .in_exchange(&with.http.exchange),
                );
            }
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// Whether the card declares the extended card (1.0 `capabilities.extendedAgentCard`, 0.3
/// `supportsAuthenticatedExtendedCard`).
fn extended_card_declared(cx: &Context, family: Family) -> bool {
    let flag = match family {
        Family::V1_0 => "/capabilities/extendedAgentCard",
        Family::V0_3 => "/supportsAuthenticatedExtendedCard",
    };
    cx.card()
        .and_then(|c| c.pointer(flag))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// The extended card fetched with the run's credentials; `Err(Skip)` when they are refused
/// (the capability errors cannot show behind a 401).
async fn fetch_extended_card(cx: &Context) -> Result<Result<Answer, Outcome>, HarnessError> {
    let answer = call::call(cx, Operation::GetExtendedCard, &json!({})).await?;
    if answer.result.is_none() && matches!(answer.http.status, 401 | 403) {
        return Ok(Err(Outcome::Skip(format!(
            "the agent refused the run's credentials ({}): configure [credentials] or [jwt]",
            describe(&answer)
        ))));
    }
    Ok(Ok(answer))
}

/// AUTH-06 (1.0): without `capabilities.extendedAgentCard`, `GetExtendedAgentCard` is
/// `UnsupportedOperationError` (-32004; HTTP+JSON 400 with reason `UNSUPPORTED_OPERATION`).
pub fn extended_card_unsupported_when_undeclared(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        if extended_card_declared(cx, Family::V1_0) {
            return Ok(Outcome::NotApplicable(
                "the card declares extendedAgentCard".into(),
            ));
        }
        let answer = match fetch_extended_card(cx).await? {
            Ok(a) => a,
            Err(outcome) => return Ok(outcome),
        };
        Ok(Outcome::from_failures(conversation::expect_error(
            cx,
            &answer,
            A2aError::UnsupportedOperation,
        )?))
    })
}

/// AUTH-07 (1.0) / AUTH-09 (0.3): an extended card that is declared but not configured is
/// `ExtendedAgentCardNotConfiguredError` (-32007). Observable only on such an agent: when the
/// card is served, the case does not arise (n/a).
pub fn extended_card_not_configured(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        let target = cx.target()?.clone();
        let family = target.version.family();
        if !extended_card_declared(cx, family) {
            return Ok(Outcome::NotApplicable(
                "the card declares no extended card".into(),
            ));
        }
        let answer = match fetch_extended_card(cx).await? {
            Ok(a) => a,
            Err(outcome) => return Ok(outcome),
        };
        if answer.result.is_some() && answer.error.is_none() {
            return Ok(Outcome::NotApplicable(
                "the agent serves its extended card: it is configured".into(),
            ));
        }
        Ok(Outcome::from_failures(conversation::expect_error(
            cx,
            &answer,
            A2aError::ExtendedCardNotConfigured,
        )?))
    })
}

/// AUTH-03 (1.0) / SEC-AUTH-05: a valid token without the scope a message needs is refused
/// with 403; the same message with the scope is served (the positive control).
pub fn missing_scope_forbidden(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        if let Err(outcome) = declares_security(cx) {
            return Ok(outcome);
        }
        let Some(mint) = minting(cx)? else {
            return Ok(Outcome::Skip(
                "needs [jwt] to mint tokens with and without the scope".into(),
            ));
        };
        let Some(scoped) = mint.scoped.clone() else {
            return Ok(Outcome::Skip(
                "the profile names no scoped message ([jwt.scoped]: scope and message_text or message_id_prefix)"
                    .into(),
            ));
        };
        let target = cx.target()?.clone();
        let family = target.version.family();
        let send = |scopes: Vec<String>| {
            let mut claims = mint.claims(PRINCIPAL_A);
            claims.insert("scope".into(), scopes.join(" ").into());
            let mut params = message(family, scoped.message_text.as_deref().unwrap_or("hello"));
            if let Some(prefix) = &scoped.message_id_prefix {
                params["message"]["messageId"] = Value::from(unique(prefix));
            }
            params["configuration"] = match family {
                Family::V1_0 => json!({"returnImmediately": true}),
                Family::V0_3 => json!({"blocking": false}),
            };
            (mint.mint(claims), params)
        };
        let mut held = mint.scopes.clone();
        if !held.contains(&scoped.scope) {
            held.push(scoped.scope.clone());
        }
        let (token, params) = send(held.clone());
        let value = format!("Bearer {}", token?);
        let with = call_as(
            cx,
            &target,
            Operation::SendMessage,
            &params,
            As::Authorization(&value),
        )
        .await?;
        if !accepted(&with) || with.result.is_none() {
            return Err(HarnessError(format!(
                "positive control failed: the scoped message with a token holding `{}` was not served ({}); check [jwt.scoped]",
                scoped.scope,
                describe(&with)
            )));
        }
        held.retain(|s| *s != scoped.scope);
        let (token, params) = send(held);
        let value = format!("Bearer {}", token?);
        let without = call_as(
            cx,
            &target,
            Operation::SendMessage,
            &params,
            As::Authorization(&value),
        )
        .await?;
        Ok(if without.http.status == 403 && without.result.is_none() {
            Outcome::Pass
        } else {
            Outcome::Fail(vec![
                Failure::new(format!(
                    "a valid token without the scope `{}` is not refused with 403",
                    scoped.scope
                ))
                .expected("HTTP 403 (insufficient scope) and no result")
                .actual(describe(&without))
                .in_exchange(&without.http.exchange),
            ])
        })
    })
}

/// AUTH-10 (1.0): a task that needs in-task authorization is `TASK_STATE_AUTH_REQUIRED` and its
/// status carries a message explaining what is needed (the `auth_required` behaviour).
pub fn in_task_auth_explained(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        let family = cx.target()?.version.family();
        let reached = match conversation::start(cx, "auth_required", false).await? {
            Ok(r) => r,
            Err(outcome) => return Ok(outcome),
        };
        let mut failures = Vec::new();
        let state = conversation::state_of(family, &reached.task);
        if state != Some(crate::rules::state_machine::State::AuthRequired) {
            failures.push(
                Failure::new("the task that needs authorization is not AUTH_REQUIRED")
                    .expected("TASK_STATE_AUTH_REQUIRED")
                    .actual(conversation::state_text(&reached.task))
                    .at("/status/state")
                    .in_exchange(&reached.exchange),
            );
        }
        let explained = reached
            .task
            .pointer("/status/message/parts")
            .and_then(Value::as_array)
            .is_some_and(|p| !p.is_empty());
        if !explained {
            failures.push(
                Failure::new(
                    "the AUTH_REQUIRED status carries no message explaining what is needed",
                )
                .expected("status.message with at least one part")
                .actual(crate::transport::jsonrpc::show(
                    reached.task.pointer("/status/message"),
                ))
                .at("/status/message")
                .in_exchange(&reached.exchange),
            );
        }
        let _ = call::call(cx, Operation::CancelTask, &json!({"id": reached.id})).await;
        Ok(Outcome::from_failures(failures))
    })
}

/// The credential the run holds (a minted token, or the profile's static bearer or API key),
/// as `(header, value)`.
fn some_credential(cx: &Context) -> Result<Option<(String, String)>, HarnessError> {
    if let Some(mint) = minting(cx)? {
        return Ok(Some((
            "Authorization".into(),
            format!("Bearer {}", mint.token(PRINCIPAL_A)?),
        )));
    }
    let c = &cx.profile.credentials;
    if let Some(token) = &c.bearer {
        return Ok(Some((
            "Authorization".into(),
            format!("Bearer {}", token.expose()),
        )));
    }
    Ok(c.api_key
        .as_ref()
        .map(|k| (k.header.clone(), k.value.expose().to_owned())))
}

/// AUTH-11: credentials travel in HTTP headers only: a request without credential headers that
/// carries a valid credential in its payload (message and request metadata, under the names
/// an agent might look for) is refused like any unauthenticated request.
pub fn payload_credentials_ignored(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        if let Err(outcome) = declares_security(cx) {
            return Ok(outcome);
        }
        let Some((header, value)) = some_credential(cx)? else {
            return Ok(Outcome::Skip(
                "needs a credential to put in the payload: [jwt], credentials.bearer or credentials.api_key"
                    .into(),
            ));
        };
        let target = cx.target()?.clone();
        let family = target.version.family();
        let bare = value.strip_prefix("Bearer ").unwrap_or(&value).to_owned();
        let smuggled = json!({
            "authorization": value, "Authorization": value, header.clone(): value,
            "token": bare, "access_token": bare, "accessToken": bare, "apiKey": bare,
            "credentials": bare,
        });
        let mut params = message(family, "hello");
        params["message"]["metadata"] = smuggled.clone();
        params["metadata"] = smuggled;
        let answer = call_as(cx, &target, Operation::SendMessage, &params, As::Nobody).await?;
        Ok(
            if is_refusal(&answer) && matches!(answer.http.status, 401 | 403) {
                Outcome::Pass
            } else {
                Outcome::Fail(vec![
                    Failure::new("a request with credentials only in its payload is not refused")
                        .expected(
                            "HTTP 401 or 403 and no result (credentials travel in headers only)",
                        )
                        .actual(describe(&answer))
                        .in_exchange(&answer.http.exchange),
                ])
            },
        )
    })
}

// ---- JWT validation and replay (SECURITY-PROFILE "JWT validation", "Replay rejection") ----

/// One probe with a bearer token: `GetTask` of an unknown id, harmless on any agent.
async fn probe(cx: &Context, token: &str) -> Result<Answer, HarnessError> {
    let target = cx.target()?.clone();
    let value = format!("Bearer {token}");
    call_as(
        cx,
        &target,
        Operation::GetTask,
        &json!({"id": unique("tck-unknown-task")}),
        As::Authorization(&value),
    )
    .await
}

fn accepted(answer: &Answer) -> bool {
    !matches!(answer.http.status, 401 | 403)
}

/// The positive control: a valid token minted the same way is accepted, or nothing the group
/// finds means anything (`Error`).
async fn control(cx: &Context) -> Result<Result<Minting, Outcome>, HarnessError> {
    let Some(mint) = minting(cx)? else {
        return Ok(Err(Outcome::Skip(
            "the profile gives no [jwt] minting key, issuer and audience".into(),
        )));
    };
    if !challenge_schemes(cx).iter().any(|s| s == "bearer") {
        return Ok(Err(Outcome::Skip(
            "the card declares no bearer or OAuth 2 scheme".into(),
        )));
    }
    let answer = probe(cx, &mint.token(PRINCIPAL_A)?).await?;
    if !accepted(&answer) {
        return Err(HarnessError(format!(
            "positive control failed: a valid token minted from the profile was refused ({}); check [jwt] iss, aud and key",
            describe(&answer)
        )));
    }
    Ok(Ok(mint))
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// How a JWT scenario spoils the token.
#[derive(Debug, Clone, Copy)]
pub enum Spoil {
    /// SEC-JWT-01: `exp` an hour ago.
    Expired,
    /// SEC-JWT-02: `nbf` an hour ahead.
    NotYetValid,
    /// SEC-JWT-03: another audience.
    WrongAudience,
    /// SEC-JWT-04: another issuer.
    WrongIssuer,
    /// SEC-JWT-05: `alg: none`, no signature.
    Unsigned,
    /// SEC-JWT-07: the payload changed after signing.
    Tampered,
    /// SEC-JWT-08: a `kid` the agent does not know.
    UnknownKid,
    /// SEC-REPLAY-02: no `jti` (judged only when replay protection is declared).
    NoJti,
}

fn spoiled(mint: &Minting, spoil: Spoil) -> Result<String, HarnessError> {
    let now = SystemClock.now();
    let mut claims = mint.claims(PRINCIPAL_A);
    match spoil {
        Spoil::Expired => {
            claims.insert("iat".into(), (now - 7200).into());
            claims.insert("exp".into(), (now - 3600).into());
        }
        Spoil::NotYetValid => {
            claims.insert("nbf".into(), (now + 3600).into());
            claims.insert("exp".into(), (now + 7200).into());
        }
        Spoil::WrongAudience => {
            claims.insert(
                "aud".into(),
                "https://not-this-agent.a2a-kit.invalid".into(),
            );
        }
        Spoil::WrongIssuer => {
            claims.insert(
                "iss".into(),
                "https://not-the-issuer.a2a-kit.invalid".into(),
            );
        }
        Spoil::Unsigned => {
            return Ok(a2a_security::jwt::danger::mint_unsigned(&Value::Object(
                claims,
            )));
        }
        Spoil::Tampered => {
            let token = mint.mint(claims.clone())?;
            let mut parts = token.split('.');
            let (Some(header), Some(_), Some(signature)) =
                (parts.next(), parts.next(), parts.next())
            else {
                return Err(HarnessError("minted token is not a compact JWS".into()));
            };
            claims.insert("sub".into(), PRINCIPAL_B.into());
            claims.insert("scope".into(), "admin".into());
            let payload = serde_json::to_vec(&Value::Object(claims))
                .map_err(|e| HarnessError(e.to_string()))?;
            return Ok(format!("{header}.{}.{signature}", b64(&payload)));
        }
        Spoil::UnknownKid => {
            let mut header = Map::new();
            header.insert("kid".into(), unique("tck-unknown-kid").into());
            return mint.mint_with_header(&header, claims);
        }
        Spoil::NoJti => {
            claims.remove("jti");
        }
    }
    mint.mint(claims)
}

/// SEC-JWT-01…05, 07, 08, SEC-REPLAY-02: after the positive control, the spoiled token is 401.
#[derive(Debug, Clone, Copy)]
pub struct SpoiledToken(pub Spoil);

impl crate::check::Step for SpoiledToken {
    fn run<'a>(&'a self, cx: &'a Context) -> Judged<'a> {
        let spoil = self.0;
        Box::pin(async move {
            if matches!(spoil, Spoil::NoJti) && !cx.profile.replay_protection {
                return Ok(Outcome::Skip(
                    "the profile does not declare replay_protection".into(),
                ));
            }
            let mint = match control(cx).await? {
                Ok(m) => m,
                Err(outcome) => return Ok(outcome),
            };
            let answer = probe(cx, &spoiled(&mint, spoil)?).await?;
            Ok(if answer.http.status == 401 {
                Outcome::Pass
            } else {
                Outcome::Fail(vec![
                    Failure::new(format!("a token spoiled as {spoil:?} is not refused"))
                        .expected("HTTP 401")
                        .actual(describe(&answer))
                        .in_exchange(&answer.http.exchange),
                ])
            })
        })
    }
}

/// The encodings of a public key that confused verifiers have been seen to use as an HMAC
/// secret: the PEM text (with and without its final newline), the DER `SubjectPublicKeyInfo`,
/// and the JWK as published.
fn confusion_secrets(public: &a2a_security::jws::VerifyingKey) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    if let Some(pem) = public.spki_pem() {
        out.push(("the SPKI PEM", pem.clone().into_bytes()));
        out.push((
            "the SPKI PEM without its final newline",
            pem.trim_end().as_bytes().to_vec(),
        ));
    }
    if let Some(der) = public.spki_der() {
        out.push(("the SPKI DER", der));
    }
    if let Some(jwk) = public.to_jwk() {
        out.push(("the public JWK", jwk.to_string().into_bytes()));
    }
    out
}

/// SEC-JWT-06 (RFC 8725 §2.1, §3.1): after the positive control with the profile's asymmetric
/// key, HS256 tokens whose HMAC secret is that key's public half (in each encoding of
/// [`confusion_secrets`]) must all be refused.
pub fn algorithm_confusion(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        let mint = match control(cx).await? {
            Ok(m) => m,
            Err(outcome) => return Ok(outcome),
        };
        let Some(public) = mint.public_key() else {
            return Ok(Outcome::NotApplicable(
                "the profile mints with an HS256 shared secret: the agent has no public key to confuse"
                    .into(),
            ));
        };
        let mut failures = Vec::new();
        for (what, secret) in confusion_secrets(&public) {
            let mut key = SigningKey::hmac(Algorithm::HS256, &secret)
                .map_err(|e| HarnessError(format!("cannot build the confused key: {e}")))?;
            if let Some(kid) = public.kid() {
                key = key.with_kid(kid.to_owned());
            }
            let token = a2a_security::jwt::mint(&key, &Value::Object(mint.claims(PRINCIPAL_A)))
                .map_err(|e| HarnessError(format!("cannot mint a token: {e}")))?;
            let answer = probe(cx, &token).await?;
            if answer.http.status != 401 {
                failures.push(
                    Failure::new(format!(
                        "an HS256 token keyed with {what} of the agent's {} key is not refused",
                        public.alg()
                    ))
                    .expected("HTTP 401")
                    .actual(describe(&answer))
                    .in_exchange(&answer.http.exchange),
                );
            }
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// SEC-REPLAY-01: the same token twice; the second is 401.
pub fn replayed_token_refused(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        if !cx.profile.replay_protection {
            return Ok(Outcome::Skip(
                "the profile does not declare replay_protection".into(),
            ));
        }
        let mint = match control(cx).await? {
            Ok(m) => m,
            Err(outcome) => return Ok(outcome),
        };
        let token = mint.token(PRINCIPAL_A)?;
        let first = probe(cx, &token).await?;
        if !accepted(&first) {
            return Err(HarnessError(format!(
                "the token's first use was refused ({})",
                describe(&first)
            )));
        }
        let second = probe(cx, &token).await?;
        Ok(if second.http.status == 401 {
            Outcome::Pass
        } else {
            Outcome::Fail(vec![
                Failure::new("a token presented a second time (same jti) is accepted")
                    .expected("HTTP 401 on the second use")
                    .actual(describe(&second))
                    .in_exchange(&second.http.exchange),
            ])
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;

    fn profile(jwt: &str) -> Profile {
        Profile::parse(&format!(
            "[jwt]\niss = \"https://i.invalid\"\naud = \"a\"\n{jwt}\n"
        ))
        .unwrap()
    }

    #[test]
    fn mints_from_a_private_jwk_inline_or_in_a_file() {
        let jwk = a2a_security::jwk::generate_private(Algorithm::ES256, "k9").unwrap();
        let inline = profile(&format!("private_jwk = '{jwk}'"));
        let mint = Minting::from_profile(&inline).unwrap().unwrap();
        let public = mint.public_key().unwrap();
        assert_eq!(public.kid(), Some("k9"));
        let token = mint.token(PRINCIPAL_A).unwrap();
        let (input, signature) = token.rsplit_once('.').unwrap();
        let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(signature)
            .unwrap();
        assert_eq!(public.verify(input.as_bytes(), &signature), Ok(()));

        let dir = std::env::temp_dir().join(unique("tck-jwk"));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("key.jwk");
        std::fs::write(&path, jwk.to_string()).unwrap();
        let file = profile(&format!(
            "private_jwk_file = {:?}",
            path.display().to_string()
        ));
        assert!(
            Minting::from_profile(&file)
                .unwrap()
                .unwrap()
                .public_key()
                .is_some()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_ambiguous_or_public_minting_material_without_quoting_it() {
        let jwk = a2a_security::jwk::generate_private(Algorithm::ES256, "k").unwrap();
        let both = profile(&format!(
            "hs256_secret = \"0123456789abcdef0123456789abcdef\"\nprivate_jwk = '{jwk}'"
        ));
        assert!(
            Minting::from_profile(&both)
                .unwrap_err()
                .contains("exactly one")
        );
        let mut public = jwk.clone();
        public.as_object_mut().unwrap().remove("d");
        let e = Minting::from_profile(&profile(&format!("private_jwk = '{public}'"))).unwrap_err();
        assert!(e.contains("public key"), "{e}");
        let e = Minting::from_profile(&profile("private_jwk = 'not json {secret}'")).unwrap_err();
        assert!(!e.contains("secret"), "{e}");
        // An HS256 secret has no public half: SEC-JWT-06 is not applicable then.
        let hs = profile("hs256_secret = \"0123456789abcdef0123456789abcdef\"");
        assert!(
            Minting::from_profile(&hs)
                .unwrap()
                .unwrap()
                .public_key()
                .is_none()
        );
    }
}
