//! The webhook receiver the kit hosts for push-notification scenarios: a loopback HTTP listener
//! that records every delivery, and the checks each delivery must pass.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use a2a_security::webhook::{WebhookHeaders, WebhookVerifier, check_authorization};
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use serde::Serialize;
use serde_json::Value;

use crate::scenario::Family;
use crate::verdict::Failure;

/// One delivery received.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    /// Sequence number (1-based).
    pub seq: usize,
    /// Milliseconds since the receiver started.
    pub at_ms: u64,
    /// Method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Headers (names lower-cased; values not redacted here: redact when reporting).
    #[serde(skip)]
    pub headers: Vec<(String, String)>,
    /// The body.
    #[serde(skip)]
    pub body: Vec<u8>,
}

impl Delivery {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Largest delivery body kept.
const MAX_DELIVERY_BYTES: usize = 1024 * 1024;
/// Most deliveries kept.
const MAX_DELIVERIES: usize = 1000;

#[derive(Debug, Default)]
struct State {
    deliveries: Vec<Delivery>,
    dropped: usize,
}

/// A running receiver; stops when dropped.
#[derive(Debug)]
pub struct WebhookReceiver {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl WebhookReceiver {
    /// Binds `bind` (use port 0 for any) and starts serving. Only loopback addresses are
    /// accepted: the kit never listens on a public interface.
    pub async fn start(bind: SocketAddr) -> std::io::Result<Self> {
        if !bind.ip().is_loopback() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the webhook receiver binds loopback addresses only",
            ));
        }
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State::default()));
        let started = Instant::now();
        let handler_state = state.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let state = handler_state.clone();
                async move {
                    if body.len() > MAX_DELIVERY_BYTES {
                        return StatusCode::PAYLOAD_TOO_LARGE;
                    }
                    let Ok(mut state) = state.lock() else {
                        return StatusCode::INTERNAL_SERVER_ERROR;
                    };
                    if state.deliveries.len() >= MAX_DELIVERIES {
                        state.dropped += 1;
                        return StatusCode::TOO_MANY_REQUESTS;
                    }
                    let seq = state.deliveries.len() + 1;
                    state.deliveries.push(Delivery {
                        seq,
                        at_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                        method: method.to_string(),
                        path: uri.to_string(),
                        headers: headers
                            .iter()
                            .map(|(n, v)| {
                                (
                                    n.as_str().to_owned(),
                                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                                )
                            })
                            .collect(),
                        body: body.to_vec(),
                    });
                    StatusCode::OK
                }
            },
        );
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Self {
            addr,
            state,
            shutdown: Some(tx),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL to give the agent.
    pub fn url(&self) -> String {
        format!("http://{}/webhook", self.addr)
    }

    /// The deliveries so far.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state
            .lock()
            .map(|s| s.deliveries.clone())
            .unwrap_or_default()
    }

    /// A mark: the number of deliveries so far. `deliveries_after(mark)` then lists what came
    /// later (e.g. after a configuration was deleted, which must be nothing).
    pub fn mark(&self) -> usize {
        self.state.lock().map_or(0, |s| s.deliveries.len())
    }

    /// The deliveries received after `mark`.
    pub fn deliveries_after(&self, mark: usize) -> Vec<Delivery> {
        self.state
            .lock()
            .map(|s| s.deliveries.get(mark..).unwrap_or_default().to_vec())
            .unwrap_or_default()
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// What a delivery must carry.
#[derive(Debug, Clone)]
pub struct Expectation {
    /// Protocol family (body shape, token header).
    pub family: Family,
    /// The task the configuration was registered for.
    pub task_id: String,
    /// The exact `Authorization` value configured, if any.
    pub authorization: Option<String>,
    /// The 0.3 notification token configured, if any.
    pub token: Option<String>,
    /// When the agent declares signed deliveries: the verifier (Standard Webhooks signature and
    /// timestamp tolerance, checked by `a2a-security`).
    pub signature: Option<Arc<WebhookVerifier>>,
    /// Schemas to validate the body with (`v1.0#/$defs/StreamResponse`, `v0.3#/$defs/Task`).
    pub schemas: Option<Arc<crate::schema::SchemaSet>>,
}

/// Constant-time equality of two secrets (lengths may leak, contents do not).
fn secret_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The task id a delivery's body names: a 1.0 `StreamResponse` (`task.id`,
/// `statusUpdate.taskId`, `artifactUpdate.taskId`) or a 0.3 Task (`id`).
pub fn delivered_task_id(body: &Value, family: Family) -> Option<&str> {
    match family {
        Family::V0_3 => body.get("id").and_then(Value::as_str),
        Family::V1_0 => body
            .pointer("/task/id")
            .or_else(|| body.pointer("/statusUpdate/taskId"))
            .or_else(|| body.pointer("/artifactUpdate/taskId"))
            .and_then(Value::as_str),
    }
}

/// Checks one delivery: credentials exactly as configured (SEC-PUSH-01/02), and a body naming
/// the registered task (SEC-PUSH-03; schema validation is layered on by the scenario).
pub fn check_delivery(delivery: &Delivery, expected: &Expectation) -> Vec<Failure> {
    let mut failures = Vec::new();
    let at = format!("delivery {}", delivery.seq);
    if let Some(auth) = &expected.authorization {
        let (scheme, credentials) = auth.split_once(' ').unwrap_or((auth.as_str(), ""));
        // `a2a-security` compares in constant time and never echoes the credentials.
        if let Err(e) = check_authorization(delivery.header("authorization"), scheme, credentials) {
            failures.push(
                Failure::new(format!(
                    "{at}: Authorization is not the configured credentials ({e})"
                ))
                .expected("the configured value, verbatim"),
            );
        }
    }
    if let Some(verifier) = &expected.signature {
        let headers = WebhookHeaders::from_fn(|name| delivery.header(name).map(str::as_bytes));
        if let Err(e) = verifier.verify_signature(headers, &delivery.body) {
            failures.push(
                Failure::new(format!("{at}: signed delivery does not verify ({e})"))
                    .expected("a fresh Standard Webhooks signature over the body"),
            );
        }
    }
    if let (Family::V0_3, Some(token)) = (expected.family, &expected.token)
        && !delivery
            .header("x-a2a-notification-token")
            .is_some_and(|got| secret_eq(got, token))
    {
        failures.push(
            Failure::new(format!(
                "{at}: X-A2A-Notification-Token missing or different"
            ))
            .expected("the configured token"),
        );
    }
    match a2a_security::json::parse_strict(&delivery.body) {
        Err(e) => failures.push(Failure::new(format!("{at}: body is not JSON: {e}"))),
        Ok(body) => {
            failures.extend(schema_failures(&body, expected, &at));
            match delivered_task_id(&body, expected.family) {
                Some(id) if id == expected.task_id => {}
                other => failures.push(
                    Failure::new(format!("{at}: body does not name the registered task"))
                        .expected(expected.task_id.clone())
                        .actual(other.unwrap_or("no task id").to_owned()),
                ),
            }
        }
    }
    failures
}

/// Schema findings on a delivery body, when schemas are loaded and define the body's type.
fn schema_failures(body: &Value, expected: &Expectation, at: &str) -> Vec<Failure> {
    let Some(schemas) = &expected.schemas else {
        return Vec::new();
    };
    let (version, name) = match expected.family {
        Family::V1_0 => ("v1.0", "StreamResponse"),
        Family::V0_3 => ("v0.3", "Task"),
    };
    if !schemas.defines(version, name) {
        return Vec::new();
    }
    let reference = format!("{version}#/$defs/{name}");
    match schemas.validate(&reference, body) {
        Ok(findings) => findings
            .into_iter()
            .map(|f| {
                Failure::new(format!("{at}: {}", f.message))
                    .at(f.instance_path)
                    .schema_location(format!("{version}#{}", f.schema_location))
            })
            .collect(),
        Err(e) => vec![Failure::new(format!("{at}: schema unusable: {e}"))],
    }
}

/// Pairs of deliveries sharing a `webhook-id` with different bodies: an id must identify one
/// event (retries of that event reuse it; a new event needs a new id).
pub fn reused_ids(deliveries: &[Delivery]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, a) in deliveries.iter().enumerate() {
        let Some(id) = a.header("webhook-id") else {
            continue;
        };
        if let Some(b) = deliveries[..i]
            .iter()
            .find(|b| b.header("webhook-id") == Some(id) && b.body != a.body)
        {
            out.push((b.seq, a.seq));
        }
    }
    out
}

/// Deliveries with byte-identical bodies (a duplicate without a new event).
pub fn duplicates(deliveries: &[Delivery]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, a) in deliveries.iter().enumerate() {
        if let Some(b) = deliveries[..i].iter().find(|b| b.body == a.body) {
            out.push((b.seq, a.seq));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn records_deliveries_and_checks_credentials_and_task() {
        let receiver = WebhookReceiver::start("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let body = r#"{"statusUpdate":{"taskId":"t-1","contextId":"c","status":{"state":"TASK_STATE_WORKING"}}}"#;
        for auth in ["Bearer right", "Bearer wrong"] {
            let status = client
                .post(receiver.url())
                .header("Authorization", auth)
                .body(body)
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(status, 200);
        }
        let deliveries = receiver.deliveries();
        assert_eq!(deliveries.len(), 2);
        let expected = Expectation {
            family: Family::V1_0,
            task_id: "t-1".into(),
            authorization: Some("Bearer right".into()),
            token: None,
            signature: None,
            schemas: None,
        };
        assert!(check_delivery(&deliveries[0], &expected).is_empty());
        let failures = check_delivery(&deliveries[1], &expected);
        assert_eq!(failures.len(), 1);
        assert!(
            !failures[0].to_string().contains("wrong"),
            "must not echo credentials"
        );
        assert_eq!(duplicates(&deliveries), vec![(1, 2)]);
        let schemas = crate::schema::SchemaSet::from_documents(vec![(
            "v1.0",
            "a2a.json",
            serde_json::json!({"$defs": {"StreamResponse": {"type": "object", "required": ["task"]}}}),
        )])
        .unwrap();
        let with_schema = Expectation {
            schemas: Some(Arc::new(schemas)),
            authorization: None,
            ..expected.clone()
        };
        let failures = check_delivery(&deliveries[0], &with_schema);
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert_eq!(
            failures[0].schema_location.as_deref(),
            Some("v1.0#/$defs/StreamResponse/required")
        );
        let other_task = Expectation {
            task_id: "t-2".into(),
            authorization: None,
            ..expected
        };
        assert_eq!(check_delivery(&deliveries[0], &other_task).len(), 1);
    }

    #[tokio::test]
    async fn verifies_standard_webhooks_signatures_and_flags_reused_ids() {
        use a2a_security::clock::{Clock as _, SystemClock};
        use a2a_security::replay::ReplayCache;
        use a2a_security::webhook::{WebhookSecret, WebhookSigner};

        let receiver = WebhookReceiver::start("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let secret = || WebhookSecret::from_bytes(&[7u8; 32]).unwrap();
        let signer = WebhookSigner::new(secret());
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let body =
            br#"{"task":{"id":"t-1","contextId":"c","status":{"state":"TASK_STATE_COMPLETED"}}}"#;
        let headers = signer.sign("msg_1", SystemClock.now(), body).unwrap();
        // The event, then a different event under the same id (its signature cannot match).
        let other =
            br#"{"task":{"id":"t-1","contextId":"c","status":{"state":"TASK_STATE_FAILED"}}}"#;
        for payload in [&body[..], &other[..]] {
            let mut request = client.post(receiver.url()).body(payload.to_vec());
            for (name, value) in headers.iter() {
                request = request.header(name, value);
            }
            request.send().await.unwrap();
        }
        let deliveries = receiver.deliveries();
        let verifier = WebhookVerifier::new([secret()], ReplayCache::new(16), SystemClock).unwrap();
        let expected = Expectation {
            family: Family::V1_0,
            task_id: "t-1".into(),
            authorization: None,
            token: None,
            signature: Some(Arc::new(verifier)),
            schemas: None,
        };
        assert!(check_delivery(&deliveries[0], &expected).is_empty());
        assert_eq!(check_delivery(&deliveries[1], &expected).len(), 1);
        assert_eq!(reused_ids(&deliveries), vec![(1, 2)]);
        assert_eq!(receiver.deliveries_after(1).len(), 1);
        assert_eq!(receiver.mark(), 2);
    }

    #[tokio::test]
    async fn refuses_non_loopback_bind() {
        assert!(
            WebhookReceiver::start("0.0.0.0:0".parse().unwrap())
                .await
                .is_err()
        );
    }
}
