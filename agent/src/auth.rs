//! Authentication and authorization: `[auth] mode = "none" | "api_key" | "bearer"`.
//!
//! One axum middleware ([`middleware`]) runs in front of every route except the public agent card
//! and its JWKS: JSON-RPC, every HTTP+JSON route, SSE streams and push-configuration routes alike.
//! It authenticates the request from its headers only (the body is not read), and either puts a
//! [`Caller`] into the request extensions or answers 401:
//!
//! * bearer mode: `WWW-Authenticate: Bearer realm="a2a"` without a token, and
//!   `Bearer realm="a2a", error="invalid_token", error_description="…"` for a bad one (RFC 6750
//!   §3; the description names the failed check and never echoes the token);
//! * API-key mode: `ApiKey realm="a2a", header="X-API-Key"` (a 401 must carry a challenge,
//!   RFC 9110 §15.5.2; API keys have no registered scheme, so this one names the header).
//!
//! The 401 body follows the binding the path names: on `/jsonrpc` a JSON-RPC error with `id: null`
//! (the body is not parsed before authentication, so the id is unknown, JSON-RPC 2.0 §5) and code
//! **-32000**, a server error that A2A leaves unassigned (A2A 1.0 §3.3.2 asks for "a JSON-RPC custom
//! error" without a number), with an `ErrorInfo` whose reason is `UNAUTHENTICATED`; elsewhere a
//! `google.rpc.Status` `UNAUTHENTICATED`. A valid credential without the scope of the skill a
//! message would run is 403 (`error="insufficient_scope"`, reason `PERMISSION_DENIED`, JSON-RPC
//! -32000 again, with the request's id since the body was parsed by then).
//!
//! The caller's principal becomes part of the task store key, so another principal's task is an
//! unknown task on every operation.

use std::sync::Arc;

use a2a_security::jwk::JwkSet;
use a2a_security::jws::{Algorithm, VerifyingKey};
use a2a_security::jwt::{JwtError, Validation, Validator};
use a2a_security::{ReplayCache, SystemClock};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::App;
use crate::config::AuthConfig;
use crate::defects::Defect;
use crate::errors::{A2aError, ErrorKind};
use crate::version::{self, ProtocolVersion};

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Caller {
    /// The principal (`""` when the agent runs without authentication).
    pub principal: String,
    /// The caller's scopes; `None` when the agent runs without authentication (everything is
    /// allowed).
    pub scopes: Option<Vec<String>>,
}

impl Caller {
    /// Whether the caller holds `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes
            .as_ref()
            .is_none_or(|s| s.iter().any(|x| x == scope))
    }
}

/// Why a request was not authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthFailure {
    /// No credentials at all.
    Missing,
    /// Credentials that do not verify; the text says which check failed (never the token).
    Invalid(String),
}

/// One accepted API key, kept as its SHA-256 digest (compared without early exit).
#[derive(Debug)]
pub struct ApiKey {
    digest: [u8; 32],
    principal: String,
    scopes: Vec<String>,
}

/// How requests are authenticated.
#[derive(Debug)]
pub enum Authenticator {
    None,
    ApiKey {
        header: HeaderName,
        keys: Vec<ApiKey>,
    },
    Bearer(Box<Validator>),
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Authenticator {
    /// Builds the authenticator a configuration describes.
    pub fn from_config(cfg: &AuthConfig) -> Result<Self, String> {
        match cfg.mode.as_str() {
            "none" => Ok(Self::None),
            "api_key" => {
                let header = HeaderName::from_bytes(cfg.api_key_header.as_bytes())
                    .map_err(|_| "auth.api_key_header is not a header name".to_owned())?;
                if cfg.api_keys.is_empty() {
                    return Err(
                        "auth.mode = \"api_key\" needs at least one [[auth.api_keys]]".into(),
                    );
                }
                let keys = cfg
                    .api_keys
                    .iter()
                    .map(|k| {
                        if k.key.is_empty() || k.principal.is_empty() {
                            return Err("auth.api_keys: key and principal must be non-empty".into());
                        }
                        Ok(ApiKey {
                            digest: digest(k.key.as_bytes()),
                            principal: k.principal.clone(),
                            scopes: k.scopes.clone(),
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                Ok(Self::ApiKey { header, keys })
            }
            "bearer" => {
                let mut keys = JwkSet::new();
                if let Some(secret) = &cfg.hs256_secret {
                    if secret.len() < 32 {
                        return Err("auth.hs256_secret must be at least 32 bytes".into());
                    }
                    let key = VerifyingKey::hmac(Algorithm::HS256, secret.as_bytes())
                        .map_err(|e| format!("auth.hs256_secret: {e:?}"))?;
                    keys.insert(key)
                        .map_err(|e| format!("auth.hs256_secret: {e}"))?;
                }
                let mut add_jwks = |text: &[u8], what: &str| -> Result<(), String> {
                    let (set, _) = JwkSet::from_slice(text).map_err(|e| format!("{what}: {e}"))?;
                    for key in set.keys() {
                        keys.insert(key.clone())
                            .map_err(|e| format!("{what}: {e}"))?;
                    }
                    Ok(())
                };
                if let Some(path) = &cfg.jwks_file {
                    let text = std::fs::read(path)
                        .map_err(|e| format!("auth.jwks_file: cannot read {path}: {e}"))?;
                    add_jwks(&text, "auth.jwks_file")?;
                }
                if let Some(text) = &cfg.jwks {
                    add_jwks(text.as_bytes(), "auth.jwks")?;
                }
                if keys.keys().is_empty() {
                    return Err(
                        "auth.mode = \"bearer\" needs auth.hs256_secret, auth.jwks_file or auth.jwks"
                            .into(),
                    );
                }
                let validation = Validation {
                    issuers: cfg.issuer.iter().cloned().collect(),
                    audiences: cfg.audience.iter().cloned().collect(),
                    leeway: cfg.leeway_secs,
                    require_sub: true,
                    ..Validation::default()
                };
                let mut validator = Validator::new(keys, validation, Arc::new(SystemClock));
                if cfg.replay {
                    validator = validator.with_replay_store(Arc::new(ReplayCache::new(1 << 16)));
                }
                Ok(Self::Bearer(Box::new(validator)))
            }
            other => Err(format!(
                "auth.mode must be \"none\", \"api_key\" or \"bearer\", not {other:?}"
            )),
        }
    }

    /// Authenticates a request from its headers.
    pub fn authenticate(&self, headers: &HeaderMap, app: &App) -> Result<Caller, AuthFailure> {
        match self {
            Self::None => Ok(Caller::default()),
            Self::ApiKey { header, keys } => {
                let Some(value) = headers.get(header) else {
                    return Err(AuthFailure::Missing);
                };
                let d = digest(value.as_bytes());
                let mut found = None;
                for k in keys {
                    if same(&k.digest, &d) {
                        found = Some(k);
                    }
                }
                found
                    .map(|k| Caller {
                        principal: k.principal.clone(),
                        scopes: Some(k.scopes.clone()),
                    })
                    .ok_or_else(|| AuthFailure::Invalid("unknown API key".into()))
            }
            Self::Bearer(validator) => {
                let Some(value) = headers.get(header::AUTHORIZATION) else {
                    return Err(AuthFailure::Missing);
                };
                let text = value.to_str().unwrap_or("").trim();
                let token = match text.split_once(' ') {
                    Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
                    // Another scheme is no bearer credential at all: RFC 6750 §3.1 asks for a
                    // challenge without an error code then.
                    _ => return Err(AuthFailure::Missing),
                };
                match validator.validate(token) {
                    Ok(v) => Ok(Caller {
                        principal: v.claims.sub.clone().unwrap_or_default(),
                        scopes: Some(v.claims.scopes().map(str::to_owned).collect()),
                    }),
                    Err(e) => match deliberately_accepted(&e, token, app, validator.keys()) {
                        Some(caller) => Ok(caller),
                        None => Err(AuthFailure::Invalid(e.to_string())),
                    },
                }
            }
        }
    }

    /// The scheme of the challenge (`Bearer` or `ApiKey`), `None` without authentication.
    fn challenge(&self, realm: &str, failure: &AuthFailure) -> Option<String> {
        match self {
            Self::None => None,
            Self::ApiKey { header, .. } => {
                Some(format!("ApiKey realm=\"{realm}\", header=\"{header}\""))
            }
            Self::Bearer(_) => Some(match failure {
                AuthFailure::Missing => format!("Bearer realm=\"{realm}\""),
                AuthFailure::Invalid(why) => format!(
                    "Bearer realm=\"{realm}\", error=\"invalid_token\", error_description=\"{}\"",
                    why.replace(['"', '\\'], "'")
                ),
            }),
        }
    }
}

/// The deliberate defects that accept a refused token: its caller, read from the unverified
/// claims.
fn deliberately_accepted(e: &JwtError, token: &str, app: &App, keys: &JwkSet) -> Option<Caller> {
    let d = &app.agent.settings.defects;
    let accept = match e {
        JwtError::Replayed => d.has(Defect::ReplayedJtiAccepted),
        JwtError::Expired => d.has(Defect::ExpiredTokenAccepted),
        JwtError::Unsigned => d.has(Defect::AlgNoneAccepted),
        _ => d.has(Defect::AlgConfusionAccepted) && confused(token, keys),
    };
    if !accept {
        return None;
    }
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let claims = a2a_security::jwt::parse_claims_unverified(&bytes).ok()?;
    Some(Caller {
        principal: claims.sub.clone().unwrap_or_default(),
        scopes: Some(claims.scopes().map(str::to_owned).collect()),
    })
}

/// The algorithm-confusion bug (defect `alg-confusion-accepted`): an HS256 token whose HMAC
/// verifies with the PEM text of one of the agent's public keys as the secret.
fn confused(token: &str, keys: &JwkSet) -> bool {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let b64 = &base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let hs256 = b64
        .decode(header)
        .ok()
        .and_then(|h| serde_json::from_slice::<serde_json::Value>(&h).ok())
        .is_some_and(|h| h["alg"] == "HS256");
    let Ok(signature) = b64.decode(signature) else {
        return false;
    };
    let input = format!("{header}.{payload}");
    hs256
        && keys
            .keys()
            .iter()
            .filter_map(VerifyingKey::spki_pem)
            .any(|pem| {
                VerifyingKey::hmac(Algorithm::HS256, pem.as_bytes())
                    .is_ok_and(|k| k.verify(input.as_bytes(), &signature).is_ok())
            })
}

/// Whether the path is the JSON-RPC endpoint (the error body is then a JSON-RPC envelope).
fn is_jsonrpc(path: &str) -> bool {
    path == crate::card::JSONRPC_PATH
}

/// A 401 or 403 in the body shape of the request's binding, with its challenge.
pub fn refusal(
    app: &App,
    headers: &HeaderMap,
    path: &str,
    query: Option<&str>,
    error: &A2aError,
    id: &Value,
    challenge: Option<String>,
) -> Response {
    let settings = &app.agent.settings;
    let mut response = if is_jsonrpc(path) {
        let version = version::negotiate(
            headers,
            query,
            settings.missing_version,
            &[ProtocolVersion::V0_3, ProtocolVersion::V1_0],
            &settings.defects,
        )
        .unwrap_or(ProtocolVersion::V1_0);
        let typed = version == ProtocolVersion::V1_0;
        let body = json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": error.to_jsonrpc(typed, &settings.defects),
        });
        let status =
            StatusCode::from_u16(error.kind.row().http[1]).unwrap_or(StatusCode::UNAUTHORIZED);
        (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    } else {
        crate::rest::error_response(app, error)
    };
    if let Some(c) = challenge
        && !(error.kind == ErrorKind::Unauthenticated
            && settings.defects.has(Defect::UnauthorizedWithoutChallenge))
        && let Ok(v) = HeaderValue::from_str(&c)
    {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    response
}

/// The 403 for a caller without `scope`, as an [`A2aError`] plus its challenge.
pub fn insufficient_scope(app: &App, scope: &str) -> (A2aError, Option<String>) {
    let realm = &app.agent.settings.config.auth.realm;
    let e = A2aError::new(ErrorKind::PermissionDenied)
        .with_message(format!("this skill needs the scope {scope:?}"))
        .with_meta("scope", scope);
    let challenge = match app.auth {
        Authenticator::Bearer(_) => Some(format!(
            "Bearer realm=\"{realm}\", error=\"insufficient_scope\", scope=\"{scope}\""
        )),
        _ => None,
    };
    (e, challenge)
}

/// The authentication middleware (see the module documentation).
pub async fn middleware(State(app): State<Arc<App>>, mut request: Request, next: Next) -> Response {
    let result = app.auth.authenticate(request.headers(), &app);
    let caller = match result {
        Ok(caller) => caller,
        Err(AuthFailure::Missing)
            if app
                .agent
                .settings
                .defects
                .has(Defect::MissingCredentialsAccepted)
                && request.method() == Method::GET
                && request.uri().path().ends_with("/tasks") =>
        {
            // Deliberately wrong: ListTasks over HTTP+JSON runs without credentials.
            Caller::default()
        }
        Err(failure) => {
            let realm = &app.agent.settings.config.auth.realm;
            let challenge = app.auth.challenge(realm, &failure);
            let message = match &failure {
                AuthFailure::Missing => "credentials required".to_owned(),
                AuthFailure::Invalid(why) => format!("invalid credentials: {why}"),
            };
            let e = A2aError::new(ErrorKind::Unauthenticated).with_message(message);
            return refusal(
                &app,
                request.headers(),
                request.uri().path(),
                request.uri().query(),
                &e,
                &Value::Null,
                challenge,
            );
        }
    };
    request.extensions_mut().insert(caller);
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_compare_whole() {
        let a = digest(b"k1");
        assert!(same(&a, &digest(b"k1")));
        assert!(!same(&a, &digest(b"k2")));
    }

    #[test]
    fn refuses_bad_configurations() {
        let mut c = AuthConfig {
            mode: "bearer".into(),
            ..AuthConfig::default()
        };
        assert!(Authenticator::from_config(&c).is_err());
        c.hs256_secret = Some("short".into());
        assert!(Authenticator::from_config(&c).is_err());
        c.hs256_secret = Some("0123456789abcdef0123456789abcdef".into());
        assert!(Authenticator::from_config(&c).is_ok());
        c.mode = "api_key".into();
        assert!(Authenticator::from_config(&c).is_err());
        c.mode = "magic".into();
        assert!(Authenticator::from_config(&c).is_err());
    }
}
