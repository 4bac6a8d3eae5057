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
        let Some(secret) = &jwt.hs256_secret else {
            return Err("token minting needs jwt.hs256_secret (private_jwk_file minting is not implemented yet)".into());
        };
        let mut key = SigningKey::hmac(Algorithm::HS256, secret.expose().as_bytes())
            .map_err(|e| format!("jwt.hs256_secret: {e}"))?;
        if let Some(kid) = &jwt.kid {
            key = key.with_kid(kid.clone());
        }
        Ok(Some(Self {
            key,
            iss: jwt.iss.clone(),
            aud: jwt.aud.clone(),
            scopes: jwt.scopes.clone(),
        }))
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

fn declares_security(cx: &Context) -> Result<(), Outcome> {
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

/// SEC-AUTH-06 / AUTH-04: principal B's operations on principal A's task answer exactly like
/// operations on an unknown id.
pub fn other_principal_task_hidden(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        let Some(mint) = minting(cx)? else {
            return Ok(Outcome::Skip(
                "needs two principals: the profile's [jwt] minting key".into(),
            ));
        };
        let target = cx.target()?.clone();
        let family = target.version.family();
        let owner = format!("Bearer {}", mint.token(PRINCIPAL_A)?);
        let created = call_as(
            cx,
            &target,
            Operation::SendMessage,
            &message(family, "hello"),
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
        let mut ops = vec![
            (
                Operation::GetTask,
                json!({"id": id}),
                json!({"id": unknown}),
            ),
            (
                Operation::CancelTask,
                json!({"id": id}),
                json!({"id": unknown}),
            ),
        ];
        if push_declared(cx) {
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
        Ok(Outcome::from_failures(failures))
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
            if !is_card {
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

/// SEC-JWT-06: an HS256 token whose HMAC key is the agent's public key.
pub fn algorithm_confusion(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        match control(cx).await? {
            Ok(_) => Ok(Outcome::NotApplicable(
                "the profile mints with an HS256 shared secret: the agent has no public key to confuse"
                    .into(),
            )),
            Err(outcome) => Ok(outcome),
        }
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
