//! Evidence: every HTTP exchange a scenario makes is recorded, with credentials redacted, and
//! can be replayed with the `curl` command line it yields.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;

/// How much of a body the evidence keeps (the rest is counted, not stored).
pub const EVIDENCE_BODY_LIMIT: usize = 16 * 1024;

/// The placeholder every secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Header names whose values are always redacted.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "x-a2a-notification-token",
];

/// Replaces credentials in recorded text: known secret header names, and every secret value
/// the profile holds, wherever it appears.
#[derive(Clone, Default)]
pub struct Redactor {
    headers: Vec<String>,
    secrets: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("headers", &self.headers)
            .field("secrets", &self.secrets.len())
            .finish()
    }
}

impl Redactor {
    /// A redactor for the default secret headers and no known values.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also redacts the header `name` (case-insensitive).
    #[must_use]
    pub fn header(mut self, name: &str) -> Self {
        self.headers.push(name.to_ascii_lowercase());
        self
    }

    /// Also redacts every occurrence of `secret` (ignored when shorter than 4 bytes, which would
    /// mangle unrelated text).
    #[must_use]
    pub fn secret(mut self, secret: &str) -> Self {
        if secret.len() >= 4 {
            self.secrets.push(secret.to_owned());
            // Longest first, so a secret containing another is replaced whole.
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
        self
    }

    /// Whether a header's value is secret.
    pub fn is_secret_header(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        SECRET_HEADERS.contains(&name.as_str()) || self.headers.contains(&name)
    }

    /// Redacts known secret values in `text`.
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }

    /// Redacts known secret values in raw bytes.
    pub fn bytes(&self, bytes: &[u8]) -> Vec<u8> {
        let mut out = bytes.to_vec();
        for secret in &self.secrets {
            let needle = secret.as_bytes();
            let mut i = 0;
            while i + needle.len() <= out.len() {
                if out[i..].starts_with(needle) {
                    out.splice(i..i + needle.len(), REDACTED.bytes());
                    i += REDACTED.len();
                } else {
                    i += 1;
                }
            }
        }
        out
    }

    /// Redacts a header value: whole for secret headers, known values otherwise. For an
    /// `Authorization`-style value the scheme is kept (`Bearer [redacted]`).
    pub fn header_value(&self, name: &str, value: &str) -> String {
        if self.is_secret_header(name) {
            match value.split_once(' ') {
                Some((scheme, _))
                    if !scheme.is_empty()
                        && scheme
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
                {
                    format!("{scheme} {REDACTED}")
                }
                _ => REDACTED.to_owned(),
            }
        } else {
            self.text(value)
        }
    }
}

/// A recorded request.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// Full URL (redacted).
    pub url: String,
    /// Headers as sent (redacted).
    pub headers: Vec<(String, String)>,
    /// Body as text (lossy UTF-8, redacted, truncated to [`EVIDENCE_BODY_LIMIT`]).
    pub body: String,
    /// Body size in bytes.
    pub body_bytes: usize,
}

/// A recorded response.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers (redacted).
    pub headers: Vec<(String, String)>,
    /// Body as text (lossy UTF-8, redacted, truncated).
    pub body: String,
    /// Bytes read (up to the size cap).
    pub body_bytes: usize,
    /// The body was cut at the size cap or by a timeout.
    pub truncated: bool,
}

/// A recorded SSE event.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedEvent {
    /// Milliseconds since the request started.
    pub at_ms: u64,
    /// `event:` field, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// The data (redacted, truncated).
    pub data: String,
}

/// One HTTP exchange.
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    /// Id unique within the run (`x1`, `x2`, ...).
    pub id: String,
    /// What was sent.
    pub request: RecordedRequest,
    /// What came back (absent when nothing did).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<RecordedResponse>,
    /// SSE events, for streams.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<RecordedEvent>,
    /// Transport trouble, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Wall time of the exchange in milliseconds.
    pub duration_ms: u64,
    /// A `curl` command line that repeats the request (credentials redacted).
    pub curl: String,
}

/// A webhook delivery the kit's receiver got, as evidence (headers and body redacted).
#[derive(Debug, Clone, Serialize)]
pub struct RecordedDelivery {
    /// Sequence number at the receiver.
    pub seq: usize,
    /// Milliseconds since the receiver started.
    pub at_ms: u64,
    /// Method and path.
    pub request_line: String,
    /// Headers (redacted).
    pub headers: Vec<(String, String)>,
    /// Body (lossy UTF-8, redacted, truncated).
    pub body: String,
}

/// Shortens `bytes` to the evidence limit, as lossy UTF-8.
pub fn evidence_text(bytes: &[u8], redactor: &Redactor) -> String {
    let cut = bytes.len().min(EVIDENCE_BODY_LIMIT);
    let mut text = String::from_utf8_lossy(&bytes[..cut]).into_owned();
    if bytes.len() > cut {
        let _ = write!(text, "… [{} more bytes]", bytes.len() - cut);
    }
    redactor.text(&text)
}

/// Quotes `text` for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Bodies up to this size are inlined in reproducers; larger ones are described.
pub const CURL_BODY_LIMIT: usize = 2048;

/// Quotes bytes as a bash ANSI-C string (`$'...'`), with `\xHH` for every byte that is not
/// printable ASCII: exact for binary and non-UTF-8 bodies.
fn ansi_c_quote(bytes: &[u8]) -> String {
    let mut out = String::from("$'");
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push('\'');
    out
}

/// The `curl` command line for a request whose URL and headers are already redacted; the body
/// is redacted here. A body that is not printable UTF-8 is written with `$'...'` escapes; one
/// larger than [`CURL_BODY_LIMIT`] is not inlined (the command says how large it was).
pub fn curl_command(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    redactor: &Redactor,
) -> String {
    let mut cmd = String::from("curl -sS -i");
    if method != "GET" || !body.is_empty() {
        let _ = write!(cmd, " -X {method}");
    }
    let _ = write!(cmd, " {}", shell_quote(url));
    for (name, value) in headers {
        let _ = write!(cmd, " -H {}", shell_quote(&format!("{name}: {value}")));
    }
    if body.len() > CURL_BODY_LIMIT {
        let _ = write!(
            cmd,
            " --data-binary @request-body.bin  # {} bytes, too large to inline",
            body.len()
        );
    } else if !body.is_empty() {
        let body = redactor.bytes(body);
        match std::str::from_utf8(&body) {
            Ok(text) if !text.chars().any(char::is_control) => {
                let _ = write!(cmd, " --data-binary {}", shell_quote(text));
            }
            _ => {
                let _ = write!(cmd, " --data-binary {}", ansi_c_quote(&body));
            }
        }
    }
    cmd
}

/// Collects the exchanges of one scenario, and hands out run-unique ids.
#[derive(Debug, Clone)]
pub struct Recorder {
    ids: Arc<AtomicU64>,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    deliveries: Arc<Mutex<Vec<RecordedDelivery>>>,
}

impl Recorder {
    /// A recorder drawing ids from `ids`.
    pub fn new(ids: Arc<AtomicU64>) -> Self {
        Self {
            ids,
            exchanges: Arc::default(),
            deliveries: Arc::default(),
        }
    }

    /// The next exchange id.
    pub fn next_id(&self) -> String {
        format!("x{}", self.ids.fetch_add(1, Ordering::Relaxed) + 1)
    }

    /// Records an exchange.
    pub fn record(&self, exchange: Exchange) {
        if let Ok(mut list) = self.exchanges.lock() {
            list.push(exchange);
        }
    }

    /// Everything recorded so far.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Records a webhook delivery the scenario judged, redacted.
    pub fn record_delivery(
        &self,
        delivery: &crate::webhook_receiver::Delivery,
        redactor: &Redactor,
    ) {
        let recorded = RecordedDelivery {
            seq: delivery.seq,
            at_ms: delivery.at_ms,
            request_line: format!("{} {}", delivery.method, redactor.text(&delivery.path)),
            headers: delivery
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), redactor.header_value(n, v)))
                .collect(),
            body: evidence_text(&delivery.body, redactor),
        };
        if let Ok(mut list) = self.deliveries.lock() {
            list.push(recorded);
        }
    }

    /// The webhook deliveries recorded so far.
    pub fn deliveries(&self) -> Vec<RecordedDelivery> {
        self.deliveries
            .lock()
            .map(|l| l.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_authorization_but_keeps_scheme() {
        let r = Redactor::new();
        assert_eq!(
            r.header_value("Authorization", "Bearer abc.def.ghi"),
            "Bearer [redacted]"
        );
        assert_eq!(r.header_value("X-API-Key", "k3y-value"), "[redacted]");
        assert_eq!(
            r.header_value("Accept", "application/json"),
            "application/json"
        );
    }

    #[test]
    fn redacts_known_secret_values_anywhere() {
        let r = Redactor::new()
            .secret("s3cret-token")
            .header("X-Custom-Key");
        assert_eq!(r.text("url?key=s3cret-token&x=1"), "url?key=[redacted]&x=1");
        assert!(r.is_secret_header("x-custom-key"));
        // Too short to redact safely.
        let r = Redactor::new().secret("ab");
        assert_eq!(r.text("abc"), "abc");
    }

    #[test]
    fn curl_reproducer_escapes_binary_redacts_and_describes_large_bodies() {
        let r = Redactor::new().secret("s3cret-value");
        let cmd = curl_command(
            "POST",
            "http://h/x",
            &[],
            b"{\"a\":\"\xff'\\ s3cret-value\"}",
            &r,
        );
        assert_eq!(
            cmd,
            r#"curl -sS -i -X POST 'http://h/x' --data-binary $'{"a":"\xff\'\\ [redacted]"}'"#
        );
        let cmd = curl_command("POST", "http://h/x", &[], &[b'a'; CURL_BODY_LIMIT + 1], &r);
        assert!(
            cmd.ends_with(&format!(
                "# {} bytes, too large to inline",
                CURL_BODY_LIMIT + 1
            )),
            "{cmd}"
        );
    }

    #[test]
    fn curl_reproducer_quotes_shell_metacharacters() {
        let cmd = curl_command(
            "POST",
            "http://127.0.0.1:1/rpc",
            &[("Content-Type".into(), "application/json".into())],
            br#"{"a":"it's"}"#,
            &Redactor::new(),
        );
        assert_eq!(
            cmd,
            r#"curl -sS -i -X POST 'http://127.0.0.1:1/rpc' -H 'Content-Type: application/json' --data-binary '{"a":"it'\''s"}'"#
        );
    }

    #[test]
    fn evidence_text_truncates_and_counts() {
        let body = vec![b'a'; EVIDENCE_BODY_LIMIT + 10];
        let text = evidence_text(&body, &Redactor::new());
        assert!(text.ends_with("… [10 more bytes]"));
    }

    #[test]
    fn deliveries_are_recorded_redacted() {
        let recorder = Recorder::new(Arc::new(AtomicU64::new(0)));
        let delivery = crate::webhook_receiver::Delivery {
            seq: 1,
            at_ms: 5,
            method: "POST".into(),
            path: "/webhook".into(),
            headers: vec![("authorization".into(), "Bearer push-secret-1".into())],
            body: br#"{"token":"push-secret-1"}"#.to_vec(),
        };
        recorder.record_delivery(&delivery, &Redactor::new().secret("push-secret-1"));
        let kept = &recorder.deliveries()[0];
        assert_eq!(kept.headers[0].1, "Bearer [redacted]");
        assert_eq!(kept.body, r#"{"token":"[redacted]"}"#);
    }

    #[test]
    fn recorder_hands_out_unique_ids() {
        let ids = Arc::new(AtomicU64::new(0));
        let a = Recorder::new(ids.clone());
        let b = Recorder::new(ids);
        assert_eq!(a.next_id(), "x1");
        assert_eq!(b.next_id(), "x2");
    }
}
