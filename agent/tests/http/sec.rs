//! Helpers for the security tests: tokens, message-integrity signing, and a webhook receiver on
//! 127.0.0.1.

use std::sync::Arc;
use std::time::Duration;

use a2a_reference_agent::config::{ApiKeyConfig, Config, IntegrityKeyConfig};
use a2a_security::integrity::{EXTENSION_URI, IntegrityKey, SignedHeaders, Signer};
use a2a_security::jws::{Algorithm, SigningKey};
use a2a_security::{FixedClock, SystemClock};
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Uri};
use serde_json::{Value, json};
use tokio::sync::{Mutex, mpsc};

use crate::client::fast_config;

pub const SECRET: &str = "an-hs256-secret-of-32-bytes-or-more!";
pub const ISSUER: &str = "https://issuer.a2a-kit.invalid";
pub const AUDIENCE: &str = "a2a-reference-agent";
pub const SCRIPTED_SCOPE: &str = "a2a.scripted";
pub const MI_KEY_ID: &str = "k1";
pub const MI_SECRET: &str = "a-message-integrity-secret-of-32-bytes";
pub const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A bearer configuration: HS256, iss/aud checked, jti replay protection, the `scripted` skill
/// behind a scope.
pub fn bearer_config() -> Config {
    let mut c = fast_config();
    c.auth.mode = "bearer".into();
    c.auth.hs256_secret = Some(SECRET.into());
    c.auth.issuer = Some(ISSUER.into());
    c.auth.audience = Some(AUDIENCE.into());
    c.auth.replay = true;
    c.auth
        .skill_scopes
        .insert("scripted".into(), SCRIPTED_SCOPE.into());
    c.capabilities.extended_card = "on".into();
    c
}

pub fn api_key_config() -> Config {
    let mut c = fast_config();
    c.auth.mode = "api_key".into();
    c.auth.api_keys = vec![
        ApiKeyConfig {
            key: "alice-key".into(),
            principal: "alice".into(),
            scopes: vec![SCRIPTED_SCOPE.into()],
        },
        ApiKeyConfig {
            key: "bob-key".into(),
            principal: "bob".into(),
            scopes: vec![SCRIPTED_SCOPE.into()],
        },
    ];
    c
}

pub fn with_integrity(mut c: Config, required: bool) -> Config {
    c.integrity.enabled = true;
    c.integrity.required = required;
    c.integrity.keys = vec![IntegrityKeyConfig {
        id: MI_KEY_ID.into(),
        secret: MI_SECRET.into(),
    }];
    c
}

fn key() -> SigningKey {
    SigningKey::hmac(Algorithm::HS256, SECRET.as_bytes()).unwrap()
}

pub fn mint(claims: &Value) -> String {
    a2a_security::jwt::mint(&key(), claims).unwrap()
}

/// A fresh, valid token for `sub` with `scope` (space-separated).
pub fn token(sub: &str, scope: &str) -> String {
    mint(&json!({
        "iss": ISSUER, "aud": AUDIENCE, "sub": sub, "scope": scope,
        "iat": now(), "exp": now() + 600, "jti": uuid::Uuid::new_v4().to_string(),
    }))
}

pub fn expired(sub: &str) -> String {
    mint(&json!({
        "iss": ISSUER, "aud": AUDIENCE, "sub": sub, "scope": SCRIPTED_SCOPE,
        "iat": now() - 7200, "exp": now() - 3600, "jti": uuid::Uuid::new_v4().to_string(),
    }))
}

pub fn unsigned(sub: &str) -> String {
    a2a_security::jwt::danger::mint_unsigned(&json!({
        "iss": ISSUER, "aud": AUDIENCE, "sub": sub, "scope": SCRIPTED_SCOPE,
        "iat": now(), "exp": now() + 600, "jti": uuid::Uuid::new_v4().to_string(),
    }))
}

/// An ES256 key (kid `es`) made once per test process, the agent's second accepted issuer key.
pub fn es256_private() -> &'static Value {
    static KEY: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    KEY.get_or_init(|| a2a_security::jwk::generate_private(Algorithm::ES256, "es").unwrap())
}

/// The JWKS holding the public half of [`es256_private`].
pub fn es256_jwks() -> String {
    let mut public = es256_private().clone();
    public.as_object_mut().unwrap().remove("d");
    json!({"keys": [public]}).to_string()
}

/// The algorithm-confusion forgery: an HS256 token for `sub` whose HMAC secret is the PEM of
/// the ES256 public key, naming that key's `kid`.
pub fn confused(sub: &str) -> String {
    let public = a2a_security::jwk::verifying_key(es256_private()).unwrap();
    let key = SigningKey::hmac(Algorithm::HS256, public.spki_pem().unwrap().as_bytes())
        .unwrap()
        .with_kid("es");
    a2a_security::jwt::mint(
        &key,
        &json!({
            "iss": ISSUER, "aud": AUDIENCE, "sub": sub, "scope": SCRIPTED_SCOPE,
            "iat": now(), "exp": now() + 600, "jti": uuid::Uuid::new_v4().to_string(),
        }),
    )
    .unwrap()
}

/// Signs requests for the message-integrity extension, `age` seconds in the past.
pub fn signer(age: u64) -> Signer {
    let key = IntegrityKey::new(MI_KEY_ID, MI_SECRET.as_bytes()).unwrap();
    if age == 0 {
        Signer::new(key, SystemClock)
    } else {
        Signer::new(key, FixedClock::new(now() - age))
    }
}

/// One HTTP exchange, with optional bearer token, integrity signing and version.
pub struct Call<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub body: Option<String>,
    pub token: Option<String>,
    pub headers: Vec<(String, String)>,
    /// Sign (and activate the extension) with a signer this many seconds in the past.
    pub sign: Option<u64>,
}

impl<'a> Call<'a> {
    pub fn new(method: &'a str, path: &'a str) -> Self {
        Self {
            method,
            path,
            body: None,
            token: None,
            headers: Vec::new(),
            sign: None,
        }
    }

    #[allow(clippy::needless_pass_by_value)] // Called with `json!(..)` temporaries.
    pub fn rpc(version: Option<&str>, method: &str, params: Value) -> Call<'static> {
        let mut c = Call::new("POST", "/jsonrpc");
        c.body = Some(
            json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params}).to_string(),
        );
        if let Some(v) = version {
            c.headers.push(("A2A-Version".into(), v.into()));
        }
        c
    }

    pub fn json(mut self, body: &Value) -> Self {
        self.body = Some(body.to_string());
        self
    }

    pub fn bearer(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn signed(mut self, age: u64) -> Self {
        self.sign = Some(age);
        self
    }
}

/// What came back.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub signed: Option<SignedHeaders>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

pub async fn send(http: &reqwest::Client, base: &str, call: Call<'_>) -> Reply {
    let body = call.body.clone().unwrap_or_default();
    let mut req = http.request(call.method.parse().unwrap(), format!("{base}{}", call.path));
    req = req.header("content-type", "application/json");
    if call.path != "/jsonrpc" {
        req = req.header("A2A-Version", "1.0");
    }
    for (n, v) in &call.headers {
        req = req.header(n, v);
    }
    if let Some(t) = &call.token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let mut signed = None;
    if let Some(age) = call.sign {
        let s = signer(age)
            .sign_request(
                call.method,
                call.path,
                &uuid::Uuid::new_v4().to_string(),
                body.as_bytes(),
            )
            .unwrap();
        for (n, v) in s.iter() {
            req = req.header(n, v);
        }
        let v03 = call.path == "/jsonrpc"
            && !call
                .headers
                .iter()
                .any(|(n, v)| n == "A2A-Version" && v.starts_with('1'));
        req = req.header(
            if v03 {
                "X-A2A-Extensions"
            } else {
                "A2A-Extensions"
            },
            EXTENSION_URI,
        );
        signed = Some(s);
    }
    if !body.is_empty() {
        req = req.body(body);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    Reply {
        status,
        headers,
        text,
        signed,
    }
}

/// One request a webhook received.
#[derive(Debug, Clone)]
pub struct Hit {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Hit {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

/// A webhook receiver on 127.0.0.1:0: every request it gets, in order.
pub struct Receiver {
    pub port: u16,
    hits: Mutex<mpsc::UnboundedReceiver<Hit>>,
    _task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start() -> Arc<Self> {
        Self::scripted(Vec::new()).await
    }

    /// A receiver whose n-th response is `replies[n]` (status, optional `Location`), then 200.
    pub async fn scripted(replies: Vec<(u16, Option<String>)>) -> Arc<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = mpsc::unbounded_channel();
        let replies = Arc::new(std::sync::Mutex::new(replies.into_iter()));
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let tx = tx.clone();
                let replies = Arc::clone(&replies);
                async move {
                    let _ = tx.send(Hit {
                        method,
                        path: uri.path().to_owned(),
                        headers,
                        body,
                    });
                    let (status, location) = replies.lock().unwrap().next().unwrap_or((200, None));
                    let mut r = axum::response::IntoResponse::into_response("ok");
                    *r.status_mut() = axum::http::StatusCode::from_u16(status).unwrap();
                    if let Some(l) = location {
                        r.headers_mut()
                            .insert("location", axum::http::HeaderValue::from_str(&l).unwrap());
                    }
                    r
                }
            },
        );
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Arc::new(Self {
            port,
            hits: Mutex::new(rx),
            _task: task,
        })
    }

    /// A URL on this receiver, by IP literal.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The next hit within `wait`.
    pub async fn next(&self, wait: Duration) -> Option<Hit> {
        let mut rx = self.hits.lock().await;
        tokio::time::timeout(wait, rx.recv()).await.ok().flatten()
    }

    /// The next hit on `path` within `wait` (hits on other paths are skipped).
    pub async fn next_on(&self, path: &str, wait: Duration) -> Option<Hit> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return None;
            }
            match self.next(left).await {
                Some(h) if h.path == path => return Some(h),
                Some(_) => {}
                None => return None,
            }
        }
    }

    /// Every hit that arrives within `wait`.
    pub async fn drain(&self, wait: Duration) -> Vec<Hit> {
        let mut out = Vec::new();
        while let Some(h) = self.next(wait).await {
            out.push(h);
        }
        out
    }
}
