//! The message-integrity extension (`docs/extensions/message-integrity.md`) on the agent side:
//! `[integrity] enabled = true` declares it in the card, `required = true` refuses requests that do
//! not activate it.
//!
//! A middleware, inside the authentication one, on the same routes:
//!
//! 1. activation is read from `A2A-Extensions` (1.0: REST, or JSON-RPC with `A2A-Version: 1.0`) or
//!    `X-A2A-Extensions` (0.3); a request that neither activates the extension nor carries
//!    `X-Message-HMAC` is refused when the extension is required (§2.2: 1.0 JSON-RPC -32008 under
//!    HTTP 200 like every JSON-RPC error, 1.0 REST 400 `EXTENSION_SUPPORT_REQUIRED`, 0.3 -32600
//!    as the extension recommends), and otherwise passes untouched;
//! 2. otherwise the raw body is read and verified with [`a2a_security::integrity::Verifier`]
//!    **before anything parses it** (headers, key, window, tag, then the replay store); a failure
//!    is answered per §9: 401 with `WWW-Authenticate: A2A-Message-Integrity error="<code>"` (503
//!    with `Retry-After` for a full replay store), a JSON-RPC body with `id: null` and code -32000,
//!    or a `google.rpc.Status` `UNAUTHENTICATED` (code 401, the HTTP status, as A2A 1.0 §11.6) on REST, with an `ErrorInfo` in the
//!    `a2a-conformance.dev` domain;
//! 3. the request then runs with the verified bytes; its response lists the extension in the
//!    version's extensions header and, unless it is an event stream (§8), is signed with the key
//!    that verified the request.

use std::sync::Arc;

use a2a_security::integrity::{
    EXTENSION_URI, Header, IntegrityError, IntegrityHeaders, IntegrityKey, Verified, Verifier,
    Window,
};
use a2a_security::{ReplayCache, SystemClock};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::App;
use crate::card::JSONRPC_PATH;
use crate::config::IntegrityConfig;
use crate::defects::Defect;
use crate::errors::{A2aError, ErrorKind};
use crate::version::{self, ProtocolVersion};

/// The 1.0 activation header.
pub const EXTENSIONS_V1: &str = "A2A-Extensions";
/// The 0.3 activation header.
pub const EXTENSIONS_V03: &str = "X-A2A-Extensions";
const DOMAIN: &str = "a2a-conformance.dev";

/// The configured extension.
#[derive(Debug)]
pub struct Integrity {
    pub required: bool,
    pub window: Window,
    verifier: Verifier,
    /// The same keys and replay store with an unbounded age, for `stale-integrity-accepted`.
    lenient: Verifier,
}

impl Integrity {
    /// The extension as configured, or `None` when it is off.
    pub fn from_config(cfg: &IntegrityConfig) -> Result<Option<Self>, String> {
        if !cfg.enabled {
            return Ok(None);
        }
        let keys = cfg
            .keys
            .iter()
            .map(|k| {
                IntegrityKey::new(&k.id, k.secret.as_bytes())
                    .map_err(|e| format!("integrity.keys ({}): {e}", k.id))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err("integrity.enabled needs at least one [[integrity.keys]]".into());
        }
        let window = Window {
            max_age: cfg.max_age_secs,
            max_skew: cfg.max_skew_secs,
        };
        let replay = Arc::new(ReplayCache::new(1 << 16));
        let verifier = Verifier::new(keys.clone(), Arc::clone(&replay), SystemClock, window)
            .map_err(|e| format!("integrity: {e}"))?;
        let lenient_window = Window {
            max_age: u64::MAX / 4,
            max_skew: cfg.max_skew_secs,
        };
        let lenient = Verifier::new(keys, replay, SystemClock, lenient_window)
            .map_err(|e| format!("integrity: {e}"))?;
        Ok(Some(Self {
            required: cfg.required,
            window,
            verifier,
            lenient,
        }))
    }

    /// The card's `capabilities.extensions` entry.
    pub fn declaration(&self) -> Value {
        json!({
            "uri": EXTENSION_URI,
            "description": "Requests and responses are signed with HMAC-SHA256 in X-Message-* headers.",
            "required": self.required,
            "params": {
                "algorithms": ["HMAC-SHA256"],
                "maxAgeSeconds": self.window.max_age,
                "maxSkewSeconds": self.window.max_skew,
                "signsResponses": true,
            },
        })
    }
}

/// Whether a comma-separated extensions header lists the extension.
fn lists_extension(headers: &HeaderMap, name: &str) -> bool {
    headers.get_all(name).iter().any(|v| {
        v.to_str()
            .unwrap_or("")
            .split(',')
            .any(|uri| uri.trim() == EXTENSION_URI)
    })
}

/// The protocol version of a request, for the choice of header and error shape.
fn version_of(app: &App, request: &Request) -> ProtocolVersion {
    if request.uri().path() != JSONRPC_PATH {
        return ProtocolVersion::V1_0;
    }
    let settings = &app.agent.settings;
    version::negotiate(
        request.headers(),
        request.uri().query(),
        settings.missing_version,
        &[ProtocolVersion::V0_3, ProtocolVersion::V1_0],
        &settings.defects,
    )
    .unwrap_or(ProtocolVersion::V1_0)
}

/// The §9 code of a verification failure, the header it names, and whether it is the 503 case.
fn code_of(e: IntegrityError) -> (&'static str, Option<Header>) {
    match e {
        IntegrityError::MissingHeader(h) => ("missing_header", Some(h)),
        IntegrityError::MalformedHeader(h) => ("malformed_header", Some(h)),
        IntegrityError::UnsupportedAlgorithm => ("unsupported_algorithm", None),
        IntegrityError::UnknownKey => ("unknown_key", None),
        IntegrityError::StaleTimestamp { .. } => ("stale_timestamp", None),
        IntegrityError::FutureTimestamp { .. } => ("future_timestamp", None),
        IntegrityError::Replayed => ("replayed", None),
        IntegrityError::ReplayStoreFull => ("replay_store_full", None),
        IntegrityError::InvalidMethod | IntegrityError::InvalidPath => {
            ("invalid_request_target", None)
        }
        _ => ("bad_signature", None),
    }
}

/// The §9 response to a failed verification.
fn failure(app: &App, jsonrpc: bool, e: IntegrityError) -> Response {
    let (code, named) = code_of(e);
    let full = code == "replay_store_full";
    let reason = if full {
        "MESSAGE_INTEGRITY_UNAVAILABLE".to_owned()
    } else {
        format!("MESSAGE_INTEGRITY_{}", code.to_ascii_uppercase())
    };
    let mut metadata = json!({ "extension": EXTENSION_URI });
    if let Some(h) = named {
        metadata["header"] = h.name().into();
    }
    let info = json!({
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": reason,
        "domain": DOMAIN,
        "metadata": metadata,
    });
    let message = format!("message integrity: {e}");
    let status = if full {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::UNAUTHORIZED
    };
    let body = if jsonrpc {
        // The extension defines this body for both versions (§9), `data` included.
        json!({
            "jsonrpc": "2.0",
            "id": null,
            "error": { "code": -32000, "message": message, "data": [info] },
        })
    } else {
        // A2A 1.0 §11.6: the REST `google.rpc.Status` carries the HTTP status as its code.
        let name = if full {
            "UNAVAILABLE"
        } else {
            "UNAUTHENTICATED"
        };
        json!({ "error": { "code": status.as_u16(), "status": name, "message": message, "details": [info] } })
    };
    let content_type = if jsonrpc {
        "application/json"
    } else {
        crate::rest::content_type(app)
    };
    let mut response = (
        status,
        [(header::CONTENT_TYPE, content_type)],
        body.to_string(),
    )
        .into_response();
    let headers = response.headers_mut();
    if full {
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    } else if let Ok(v) = HeaderValue::from_str(&format!("A2A-Message-Integrity error=\"{code}\""))
    {
        headers.insert(header::WWW_AUTHENTICATE, v);
    }
    response
}

/// `ExtensionSupportRequiredError` for a request that did not activate the extension.
async fn not_activated(app: &App, request: Request, version: ProtocolVersion) -> Response {
    let jsonrpc = request.uri().path() == JSONRPC_PATH;
    let limit = app.agent.settings.config.limits.max_body_bytes;
    let kind = if version == ProtocolVersion::V1_0 {
        ErrorKind::ExtensionSupportRequired
    } else {
        ErrorKind::InvalidRequest
    };
    let e = A2aError::new(kind).with_message(format!(
        "this agent requires the message-integrity extension: activate {EXTENSION_URI} in {} and sign the request",
        if version == ProtocolVersion::V1_0 { EXTENSIONS_V1 } else { EXTENSIONS_V03 }
    ));
    if !jsonrpc {
        return crate::rest::error_response(app, &e);
    }
    // The id is read only to echo it (§2.2); nothing else in the body is acted on.
    let bytes = to_bytes(request.into_body(), limit)
        .await
        .unwrap_or_default();
    let id = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|v| v.get("id").cloned())
        .filter(|id| matches!(id, Value::String(_) | Value::Number(_)))
        .unwrap_or(Value::Null);
    let typed = version == ProtocolVersion::V1_0;
    let body = json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": e.to_jsonrpc(typed, &app.agent.settings.defects),
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn integrity_headers(map: &HeaderMap) -> Result<IntegrityHeaders<'_>, IntegrityError> {
    for h in [
        Header::MessageId,
        Header::Timestamp,
        Header::Signature,
        Header::Algorithm,
        Header::KeyId,
    ] {
        if map.get_all(h.name()).iter().count() > 1 {
            return Err(IntegrityError::MalformedHeader(h));
        }
    }
    Ok(IntegrityHeaders::from_fn(|name| {
        map.get(name).map(HeaderValue::as_bytes)
    }))
}

/// The middleware (see the module documentation).
pub async fn middleware(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let Some(integrity) = &app.integrity else {
        return next.run(request).await;
    };
    let defects = &app.agent.settings.defects;
    let version = version_of(&app, &request);
    let echo_name = match version {
        ProtocolVersion::V1_0 => EXTENSIONS_V1,
        ProtocolVersion::V0_3 => EXTENSIONS_V03,
    };
    let activated = lists_extension(request.headers(), echo_name);
    let signed = request.headers().contains_key(Header::Signature.name());
    if !activated && !signed {
        if integrity.required && !defects.has(Defect::RequiredExtensionNotEnforced) {
            return not_activated(&app, request, version).await;
        }
        return next.run(request).await;
    }
    let jsonrpc = request.uri().path() == JSONRPC_PATH;
    let typed = version == ProtocolVersion::V1_0;
    let (parts, body) = request.into_parts();
    let limit = app.agent.settings.config.limits.max_body_bytes;
    let Ok(bytes) = to_bytes(body, limit).await else {
        let e = A2aError::new(ErrorKind::PayloadTooLarge)
            .with_message(format!("request body exceeds {limit} bytes"));
        return if jsonrpc {
            let body = json!({"jsonrpc": "2.0", "id": null, "error": e.to_jsonrpc(typed, defects)});
            (
                StatusCode::PAYLOAD_TOO_LARGE,
                [(header::CONTENT_TYPE, "application/json")],
                body.to_string(),
            )
                .into_response()
        } else {
            crate::rest::error_response(&app, &e)
        };
    };
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
    let method = parts.method.as_str().to_owned();
    let received = parts.headers.clone();
    let verified = integrity_headers(&received).and_then(|h| {
        match integrity
            .verifier
            .verify_request(&method, &target, h, &bytes)
        {
            Err(IntegrityError::StaleTimestamp { .. })
                if defects.has(Defect::StaleIntegrityAccepted) =>
            {
                // Deliberately wrong: a stale timestamp is let through.
                integrity
                    .lenient
                    .verify_request(&method, &target, h, &bytes)
            }
            other => other,
        }
    });
    let verified: Verified<'_> = match verified {
        Ok(v) => v,
        Err(e) => return failure(&app, jsonrpc, e),
    };
    let request = Request::from_parts(parts, Body::from(bytes));
    let mut response = next.run(request).await;
    if !defects.has(Defect::ExtensionNotEchoed) {
        response.headers_mut().insert(
            HeaderName::from_static(if echo_name == EXTENSIONS_V1 {
                "a2a-extensions"
            } else {
                "x-a2a-extensions"
            }),
            HeaderValue::from_static(EXTENSION_URI),
        );
    }
    let streaming = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    if streaming {
        return response;
    }
    sign(integrity, &verified, response).await
}

/// Signs a complete response with the key that verified its request (§8).
async fn sign(integrity: &Integrity, verified: &Verified<'_>, response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    // The agent's responses are built in memory, so reading them whole cannot fail.
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let id = uuid::Uuid::new_v4().to_string();
    if let Ok(signed) =
        integrity
            .verifier
            .sign_response(verified, parts.status.as_u16(), &id, &bytes)
    {
        for (name, value) in signed.iter() {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                parts.headers.insert(n, v);
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
