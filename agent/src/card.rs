//! The agent card at `/.well-known/agent-card.json`: one document that is both a valid A2A 1.0
//! card (`supportedInterfaces`, one entry per binding and version served) and a valid A2A 0.3
//! card (`url`, `preferredTransport`, `protocolVersion`), served with `Cache-Control` and a
//! strong `ETag` (304 on a matching `If-None-Match`, A2A 1.0 §8.6).
//!
//! The card is signed (A2A 1.0 §8.4) with `a2a_security::card::sign`: a detached JWS over the
//! RFC 8785 form of the card without `signatures`, protected header `{alg, typ: "JOSE", kid,
//! jku}`; the public key is served as a JWKS at [`JWKS_PATH`], the URL the `jku` names.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use a2a_security::jws::{Algorithm, SigningKey};

use crate::config::{ExtendedCard, Settings};
use crate::defects::Defect;

/// Path of the JSON-RPC endpoint (both versions; the version is negotiated per request).
pub const JSONRPC_PATH: &str = "/jsonrpc";
/// Path of the public agent card.
pub const CARD_PATH: &str = "/.well-known/agent-card.json";
/// Path of the JWKS holding the card-signing key.
pub const JWKS_PATH: &str = "/.well-known/jwks.json";

/// A card rendered once, with its validator.
#[derive(Debug, Clone)]
pub struct RenderedCard {
    pub json: Value,
    body: Vec<u8>,
    etag: String,
    cache_control: String,
    with_cache_headers: bool,
}

impl RenderedCard {
    fn new(json: Value, settings: &Settings) -> Self {
        let body = serde_json::to_vec(&json).unwrap_or_default();
        let digest = Sha256::digest(&body);
        let hex = digest[..16]
            .iter()
            .fold(String::with_capacity(32), |mut s, b| {
                use std::fmt::Write as _;
                let _ = write!(s, "{b:02x}");
                s
            });
        Self {
            json,
            body,
            etag: format!("\"{hex}\""),
            cache_control: format!("public, max-age={}", settings.config.card.max_age_secs),
            with_cache_headers: !settings.defects.has(Defect::CardWithoutCacheHeaders),
        }
    }

    /// The HTTP response to a GET with these request headers.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let mut headers = HeaderMap::new();
        if self.with_cache_headers {
            if let Ok(v) = HeaderValue::from_str(&self.etag) {
                headers.insert(header::ETAG, v);
            }
            if let Ok(v) = HeaderValue::from_str(&self.cache_control) {
                headers.insert(header::CACHE_CONTROL, v);
            }
            let matches = request
                .get_all(header::IF_NONE_MATCH)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .any(|tag| tag == "*" || tag.trim_start_matches("W/") == self.etag);
            if matches {
                return (StatusCode::NOT_MODIFIED, headers).into_response();
            }
        }
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        (StatusCode::OK, headers, Body::from(self.body.clone())).into_response()
    }
}

/// The public and (when configured) extended cards, and the JWKS of the signing key.
#[derive(Debug, Clone)]
pub struct Cards {
    pub public: RenderedCard,
    pub extended: Option<RenderedCard>,
    pub jwks: Option<RenderedCard>,
}

/// Why the cards could not be made.
#[derive(Debug)]
pub enum CardSetupError {
    Key(String),
    Sign(a2a_security::card::CardError),
}

impl std::fmt::Display for CardSetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Key(e) => write!(f, "card signing key: {e}"),
            Self::Sign(e) => write!(f, "cannot sign the agent card: {e:?}"),
        }
    }
}

impl std::error::Error for CardSetupError {}

fn signing_key(settings: &Settings) -> Result<Option<SigningKey>, CardSetupError> {
    let card = &settings.config.card;
    if !card.sign {
        return Ok(None);
    }
    let key = match &card.signing_key_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CardSetupError::Key(format!("cannot read {path}: {e}")))?;
            let jwk: Value = serde_json::from_str(&text)
                .map_err(|e| CardSetupError::Key(format!("{path} is not JSON: {e}")))?;
            let key = a2a_security::jwk::signing_key(&jwk)
                .map_err(|e| CardSetupError::Key(format!("{path}: {e:?}")))?;
            if key.kid().is_some() {
                key
            } else {
                key.with_kid("agent-card")
            }
        }
        None => SigningKey::generate(Algorithm::ES256)
            .map_err(|e| CardSetupError::Key(format!("cannot generate an ES256 key: {e:?}")))?
            .with_kid(format!("agent-card-{}", uuid::Uuid::new_v4().simple())),
    };
    Ok(Some(key))
}

/// The card's security scheme for the configured authentication: its name, and the entry of
/// `securitySchemes` in the shape `card.security_shapes` asks for (1.0: a `ProtoJSON` oneof
/// wrapper; 0.3: a `type`-tagged object; both: one object carrying the two).
fn security(settings: &Settings) -> Option<(&'static str, Value)> {
    let auth = &settings.config.auth;
    let (name, v1, v03) = match auth.mode.as_str() {
        "api_key" => (
            "apiKey",
            json!({"apiKeySecurityScheme": {"location": "header", "name": auth.api_key_header,
                "description": "An API key issued by the operator."}}),
            json!({"type": "apiKey", "in": "header", "name": auth.api_key_header,
                "description": "An API key issued by the operator."}),
        ),
        "bearer" => (
            "bearer",
            json!({"httpAuthSecurityScheme": {"scheme": "Bearer", "bearerFormat": "JWT",
                "description": "A JWT bearer token (RFC 6750)."}}),
            json!({"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "A JWT bearer token (RFC 6750)."}),
        ),
        _ => return None,
    };
    let scheme = match settings.config.card.security_shapes.as_str() {
        "0.3" => v03,
        "both" => {
            let (mut both, Value::Object(extra)) = (v1, v03) else {
                return None;
            };
            if let Some(object) = both.as_object_mut() {
                object.extend(extra);
            }
            both
        }
        _ => v1,
    };
    Some((name, scheme))
}

/// Adds the 1.0 `securityRequirements` member and, unless the card has only 1.0 shapes
/// (`card.security_shapes`), the 0.3 `security` member, for `scheme` with `scopes`.
fn add_requirements(object: &mut Map<String, Value>, shapes: &str, scheme: &str, scopes: &[&str]) {
    object.insert(
        "securityRequirements".into(),
        // ProtoJSON omits an empty repeated field: `{}`, not `{"list": []}` (which would also
        // make the 1.0 §8.4.1 signing payload differ from the card as served).
        if scopes.is_empty() {
            json!([{ "schemes": { scheme: {} } }])
        } else {
            json!([{ "schemes": { scheme: { "list": scopes } } }])
        },
    );
    if shapes != "1.0" {
        object.insert("security".into(), json!([{ scheme: scopes }]));
    }
}

fn skills(extended: bool) -> Value {
    let mut skills = vec![
        json!({
            "id": "echo",
            "name": "Echo",
            "description": "Completes the task with an artifact that echoes the message text.",
            "tags": ["echo", "testing"],
            "examples": ["hello", "complete this"],
            "inputModes": ["text/plain"],
            "outputModes": ["text/plain"],
        }),
        json!({
            "id": "scripted",
            "name": "Scripted behaviours",
            "description": "Reaches any task state on request: keywords ask, auth, slow N, chunks, \
                            fail, reject, message; or the official TCK's messageId prefixes.",
            "tags": ["conformance", "testing"],
            "examples": ["ask", "slow 3", "chunks", "fail", "reject", "message"],
        }),
    ];
    if extended {
        skills.push(json!({
            "id": "extended-echo",
            "name": "Extended echo",
            "description": "Listed only on the extended agent card.",
            "tags": ["echo", "extended"],
        }));
    }
    Value::Array(skills)
}

fn card_json(settings: &Settings, base: &str, extended: bool, extension: Option<&Value>) -> Value {
    let cfg = &settings.config;
    let jsonrpc = format!("{base}{JSONRPC_PATH}");
    let declares_extended = settings.extended_card != ExtendedCard::Off;
    let mut card = Map::new();
    card.insert("name".into(), cfg.card.name.clone().into());
    if !settings.defects.has(Defect::CardMissingDescription) {
        let mut description = cfg.card.description.clone();
        if extended {
            description.push_str(" (extended card)");
        }
        card.insert("description".into(), description.into());
    }
    card.insert(
        "supportedInterfaces".into(),
        json!([
            {"url": jsonrpc, "protocolBinding": "JSONRPC", "protocolVersion": "1.0"},
            {"url": base, "protocolBinding": "HTTP+JSON", "protocolVersion": "1.0"},
            {"url": jsonrpc, "protocolBinding": "JSONRPC", "protocolVersion": "0.3"},
        ]),
    );
    card.insert(
        "provider".into(),
        json!({"organization": cfg.card.organization, "url": cfg.card.organization_url}),
    );
    card.insert("version".into(), cfg.card.version.clone().into());
    card.insert("capabilities".into(), {
        let mut caps = json!({
            // Deliberately wrong under the defect: streams are served all the same.
            "streaming": cfg.capabilities.streaming
                && !settings.defects.has(Defect::StreamingWhenUndeclared),
            "pushNotifications": cfg.capabilities.push_notifications,
            "extendedAgentCard": declares_extended,
        });
        if let Some(integrity) = extension {
            caps["extensions"] = json!([integrity]);
        }
        caps
    });
    card.insert("defaultInputModes".into(), json!(cfg.card.input_modes));
    card.insert("defaultOutputModes".into(), json!(cfg.card.output_modes));
    let mut skills = skills(extended);
    if let Some((name, scheme)) = security(settings) {
        card.insert("securitySchemes".into(), json!({ name: scheme }));
        let shapes = cfg.card.security_shapes.as_str();
        add_requirements(&mut card, shapes, name, &[]);
        for skill in skills.as_array_mut().into_iter().flatten() {
            let scope = skill
                .get("id")
                .and_then(Value::as_str)
                .and_then(|id| cfg.auth.skill_scopes.get(id));
            if let (Some(scope), Some(object)) = (scope, skill.as_object_mut()) {
                add_requirements(object, shapes, name, &[scope.as_str()]);
            }
        }
    }
    card.insert("skills".into(), skills);
    // The A2A 0.3 view of the same agent (ignored by 1.0 clients).
    card.insert("protocolVersion".into(), "0.3.0".into());
    card.insert("url".into(), jsonrpc.clone().into());
    card.insert("preferredTransport".into(), "JSONRPC".into());
    card.insert(
        "additionalInterfaces".into(),
        json!([{"url": jsonrpc, "transport": "JSONRPC"}]),
    );
    card.insert(
        "supportsAuthenticatedExtendedCard".into(),
        declares_extended.into(),
    );
    Value::Object(card)
}

/// Deliberately wrong (`card-signature-invalid`): flips one bit of the first signature's
/// first byte, so the JWS no longer verifies while staying well-formed base64url.
fn corrupt_signature(card: &mut Value) {
    let Some(Value::String(sig)) = card.pointer_mut("/signatures/0/signature") else {
        return;
    };
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    if let Some(first) = sig.chars().next()
        && let Some(i) = alphabet.find(first)
    {
        let flipped = alphabet.as_bytes()[i ^ 32] as char;
        sig.replace_range(0..1, &flipped.to_string());
    }
}

/// Renders (and signs) the cards for an agent reachable at `base` (no trailing slash).
pub fn render(
    settings: &Settings,
    base: &str,
    extension: Option<&Value>,
) -> Result<Cards, CardSetupError> {
    let base = base.trim_end_matches('/');
    let key = signing_key(settings)?;
    let jku = format!("{base}{JWKS_PATH}");
    let finish = |mut json: Value| -> Result<RenderedCard, CardSetupError> {
        if let Some(key) = &key {
            a2a_security::card::sign(&mut json, key, Some(&jku)).map_err(CardSetupError::Sign)?;
            if settings.defects.has(Defect::CardSignatureInvalid) {
                corrupt_signature(&mut json);
            }
        }
        Ok(RenderedCard::new(json, settings))
    };
    let public = finish(card_json(settings, base, false, extension))?;
    let extended = match settings.extended_card {
        ExtendedCard::On => Some(finish(card_json(settings, base, true, extension))?),
        _ => None,
    };
    let jwks = key
        .as_ref()
        .and_then(SigningKey::public_jwk)
        .map(|jwk| RenderedCard::new(json!({ "keys": [jwk] }), settings));
    Ok(Cards {
        public,
        extended,
        jwks,
    })
}
