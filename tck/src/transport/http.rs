//! The HTTP client every scenario goes through: deadlines on every exchange, capped bodies and
//! streams, credentials attached on request, and every exchange recorded as evidence.

use std::fmt;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::evidence::{
    Exchange, RecordedEvent, RecordedRequest, RecordedResponse, Recorder, Redactor, curl_command,
    evidence_text,
};
use crate::transport::sse::{SseError, SseEvent, SseLimits, SseParser};
use crate::transport::upload;

/// Caps and deadlines of the transport.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deadline of one request/response exchange, body included.
    pub request_timeout: Duration,
    /// Deadline of one SSE stream, from request to close.
    pub stream_timeout: Duration,
    /// Largest response body read.
    pub max_body_bytes: usize,
    /// Most bytes read from one SSE stream (events, comments and all).
    pub max_stream_bytes: usize,
    /// Caps of SSE streams.
    pub sse: SseLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(10),
            stream_timeout: Duration::from_secs(30),
            max_body_bytes: 4 * 1024 * 1024,
            max_stream_bytes: 16 * 1024 * 1024,
            sse: SseLimits::default(),
        }
    }
}

/// Why an exchange produced nothing the kit can judge.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportError {
    /// The request could not be built (bad URL, bad header).
    Request(String),
    /// No connection could be made.
    Connect(String),
    /// The deadline passed.
    Timeout {
        /// The deadline.
        after: Duration,
    },
    /// The body is larger than the cap.
    BodyTooLarge {
        /// The cap.
        limit: usize,
    },
    /// The stream was refused by the SSE parser.
    Sse(SseError),
    /// The connection failed mid-exchange.
    Io(String),
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Request(e) => write!(f, "request could not be built: {e}"),
            Self::Connect(e) => write!(f, "connection failed: {e}"),
            Self::Timeout { after } => {
                write!(f, "no complete response within {} ms", after.as_millis())
            }
            Self::BodyTooLarge { limit } => write!(f, "response body larger than {limit} bytes"),
            Self::Sse(e) => write!(f, "event stream refused: {e}"),
            Self::Io(e) => write!(f, "connection failed mid-exchange: {e}"),
        }
    }
}

impl std::error::Error for TransportError {}

/// A request to send.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    /// Method (`GET`, `POST`, ...).
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes (sent as is: hostile scenarios send non-JSON on purpose).
    pub body: Vec<u8>,
    /// Attach the profile's credentials.
    pub authenticate: bool,
    /// Sign with the profile's message-integrity key, when it has one.
    pub sign: bool,
}

impl HttpRequest {
    /// A GET.
    pub fn get(url: impl Into<String>) -> Self {
        Self {
            method: "GET".into(),
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
            authenticate: true,
            sign: true,
        }
    }

    /// A POST of `body` with a content type.
    pub fn post(url: impl Into<String>, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            method: "POST".into(),
            url: url.into(),
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            authenticate: true,
            sign: true,
        }
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The request target in origin form (path and query as sent), what message integrity
    /// signs.
    pub fn origin_form(&self) -> String {
        reqwest::Url::parse(&self.url).map_or_else(
            |_| "/".to_owned(),
            |u| match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_owned(),
            },
        )
    }

    /// Sends no credentials.
    #[must_use]
    pub fn anonymous(mut self) -> Self {
        self.authenticate = false;
        self
    }
}

/// A complete response.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// The recorded exchange's id.
    pub exchange: String,
    /// Status code.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// SSE events, when the response was a stream.
    pub events: Vec<SseEvent>,
}

/// Why a body is not a JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// Not UTF-8: JSON on the wire must be (RFC 8259 §8.1); the kit treats it as a hostile
    /// response it cannot judge.
    NotUtf8,
    /// UTF-8, but not strict JSON (syntax, duplicate member names, nesting).
    NotJson(String),
}

impl HttpResponse {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The media type of `Content-Type`, lower-cased, without parameters.
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }

    /// The body as strict JSON.
    pub fn json(&self) -> Result<Value, BodyError> {
        if std::str::from_utf8(&self.body).is_err() {
            return Err(BodyError::NotUtf8);
        }
        a2a_security::json::parse_strict(&self.body).map_err(|e| BodyError::NotJson(e.to_string()))
    }
}

/// Mints a fresh `Authorization` value for each request (a JWT with its own `jti`, for agents
/// that refuse a token presented twice).
pub type Minter = std::sync::Arc<dyn Fn() -> Option<String> + Send + Sync>;

/// Credentials as HTTP headers (values secret).
#[derive(Clone, Default)]
pub struct Auth {
    headers: Vec<(String, String)>,
    minter: Option<Minter>,
    signer: Option<std::sync::Arc<a2a_security::integrity::Signer>>,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Auth")
            .field("headers", &names)
            .field("minted", &self.minter.is_some())
            .field("signed", &self.signer.is_some())
            .finish()
    }
}

impl Auth {
    /// No credentials.
    pub fn none() -> Self {
        Self::default()
    }

    /// Adds a credential header.
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Mints a fresh `Authorization` header value for every request.
    #[must_use]
    pub fn with_minter(mut self, minter: Minter) -> Self {
        self.minter = Some(minter);
        self
    }

    /// Signs every request with the message-integrity extension.
    #[must_use]
    pub fn with_signer(mut self, signer: std::sync::Arc<a2a_security::integrity::Signer>) -> Self {
        self.signer = Some(signer);
        self
    }

    /// The message-integrity headers of `request` (none without a signer, or when the request
    /// opts out).
    pub fn signature(&self, request: &HttpRequest) -> Vec<(String, String)> {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let Some(signer) = self.signer.as_ref().filter(|_| request.sign) else {
            return Vec::new();
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let id = format!(
            "tck-{nanos:x}-{}",
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        signer
            .sign_request(&request.method, &request.origin_form(), &id, &request.body)
            .map(|s| {
                s.iter()
                    .map(|(n, v)| (n.to_owned(), v.to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether any credentials are configured.
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.minter.is_none()
    }

    /// The credential headers of one request (a minted token is fresh each time).
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut out = self.headers.clone();
        if let Some(value) = self.minter.as_ref().and_then(|m| m()) {
            out.push(("Authorization".to_owned(), value));
        }
        out
    }

    /// Adds every credential this holds to `redactor`: the header names, the whole values, and
    /// the credential after an auth scheme (`Basic <base64>`, a fetched `OAuth2` token).
    #[must_use]
    pub fn redact_in(&self, mut redactor: Redactor) -> Redactor {
        if self.minter.is_some() {
            redactor = redactor.header("Authorization");
        }
        for (name, value) in &self.headers {
            redactor = redactor.header(name).secret(value);
            if let Some((_, credential)) = value.split_once(' ') {
                redactor = redactor.secret(credential.trim());
            }
        }
        redactor
    }
}

/// The client.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    limits: Limits,
    auth: Auth,
    redactor: Redactor,
}

impl HttpClient {
    /// Builds a client. Redirects are not followed (the kit judges what the endpoint says), no
    /// proxy from the environment is used, and connections are not reused: each exchange gets
    /// its own, so a connection the agent closed after one answer is never blamed on the next.
    pub fn new(limits: Limits, auth: Auth, redactor: Redactor) -> Result<Self, TransportError> {
        let inner = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .pool_max_idle_per_host(0)
            .connect_timeout(limits.request_timeout)
            .user_agent(USER_AGENT)
            .build()
            .map_err(|e| TransportError::Request(e.to_string()))?;
        Ok(Self {
            inner,
            limits,
            auth,
            redactor,
        })
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The redactor in force.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Sends a request and reads the whole body (capped) before the request deadline.
    pub async fn send(
        &self,
        request: HttpRequest,
        recorder: &Recorder,
    ) -> Result<HttpResponse, TransportError> {
        self.exchange(request, recorder, Read::Body).await
    }

    /// Sends a request whose response may be an SSE stream, read to its close (capped, before
    /// the stream deadline). A response that is not `text/event-stream` is read as a body.
    pub async fn stream(
        &self,
        request: HttpRequest,
        recorder: &Recorder,
    ) -> Result<HttpResponse, TransportError> {
        self.exchange(request, recorder, Read::Stream(None)).await
    }

    /// Like [`Self::stream`], but the kit closes the stream itself once `events` events have
    /// arrived (a subscriber that leaves mid-task, or a reader that needs only the first event);
    /// the evidence notes it.
    pub async fn stream_until(
        &self,
        request: HttpRequest,
        recorder: &Recorder,
        events: usize,
    ) -> Result<HttpResponse, TransportError> {
        self.exchange(request, recorder, Read::Stream(Some(events)))
            .await
    }

    /// Sends a request whose body the agent may refuse before reading all of it (a 413 and a
    /// close, RFC 9110 §15.5.14): over plain `http`, on a raw connection whose response is read
    /// while the body is written, so the answer is judged even when the upload is cut short
    /// ([`crate::transport::upload`]); the evidence notes how far the upload got. Over `https`,
    /// the ordinary exchange.
    pub async fn upload(
        &self,
        request: HttpRequest,
        recorder: &Recorder,
    ) -> Result<HttpResponse, TransportError> {
        self.exchange(request, recorder, Read::Upload).await
    }

    async fn exchange(
        &self,
        request: HttpRequest,
        recorder: &Recorder,
        read: Read,
    ) -> Result<HttpResponse, TransportError> {
        let id = recorder.next_id();
        let started = Instant::now();
        let budget = if read.is_stream() {
            self.limits.stream_timeout
        } else {
            self.limits.request_timeout
        };
        let mut headers = request.headers.clone();
        if request.authenticate {
            headers.extend(self.auth.headers());
        }
        headers.extend(self.auth.signature(&request));
        let recorded_headers: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| (n.clone(), self.redactor.header_value(n, v)))
            .collect();
        let url = self.redactor.text(&request.url);
        let body_text = evidence_text(&request.body, &self.redactor);
        let mut record = Exchange {
            id: id.clone(),
            curl: curl_command(
                &request.method,
                &url,
                &recorded_headers,
                &request.body,
                &self.redactor,
            ),
            request: RecordedRequest {
                method: request.method.clone(),
                url,
                headers: recorded_headers,
                body: body_text,
                body_bytes: request.body.len(),
            },
            response: None,
            events: Vec::new(),
            error: None,
            duration_ms: 0,
        };
        let mut partial = Partial::default();
        let raw = read == Read::Upload
            && request
                .url
                .get(..7)
                .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"));
        let outcome = tokio::time::timeout(budget, async {
            if raw {
                self.drive_upload(&request, &headers, &mut partial).await
            } else {
                self.drive(&request, &headers, read, started, &mut partial)
                    .await
            }
        })
        .await
        .unwrap_or(Err(TransportError::Timeout { after: budget }));
        record.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        if let Some((status, response_headers)) = &partial.head {
            record.response = Some(RecordedResponse {
                status: *status,
                headers: response_headers
                    .iter()
                    .map(|(n, v)| (n.clone(), self.redactor.header_value(n, v)))
                    .collect(),
                body: evidence_text(&partial.body, &self.redactor),
                body_bytes: partial.body.len(),
                truncated: outcome.is_err(),
            });
        }
        record.events = std::mem::take(&mut partial.recorded_events);
        record.error = match &outcome {
            Err(e) => Some(e.to_string()),
            Ok(()) => partial.note.take(),
        };
        recorder.record(record);
        outcome?;
        let (status, headers) = partial.head.unwrap_or_default();
        Ok(HttpResponse {
            exchange: id,
            status,
            headers,
            body: partial.body,
            events: partial.events,
        })
    }

    async fn drive_upload(
        &self,
        request: &HttpRequest,
        headers: &[(String, String)],
        partial: &mut Partial,
    ) -> Result<(), TransportError> {
        let upload = upload::Upload {
            method: &request.method,
            url: &request.url,
            headers,
            body: &request.body,
            user_agent: USER_AGENT,
            max_body_bytes: self.limits.max_body_bytes,
        };
        partial.note = upload::send(upload, &mut partial.head, &mut partial.body).await?;
        Ok(())
    }

    async fn drive(
        &self,
        request: &HttpRequest,
        headers: &[(String, String)],
        read: Read,
        started: Instant,
        partial: &mut Partial,
    ) -> Result<(), TransportError> {
        let streaming = read.is_stream();
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| TransportError::Request(e.to_string()))?;
        let mut builder = self.inner.request(method, &request.url);
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body.clone());
        }
        let mut response = builder.send().await.map_err(|e| {
            if e.is_builder() {
                TransportError::Request(e.to_string())
            } else {
                TransportError::Connect(root_cause(&e))
            }
        })?;
        let response_headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let is_sse = streaming
            && response_headers.iter().any(|(n, v)| {
                n == "content-type"
                    && v.trim()
                        .to_ascii_lowercase()
                        .starts_with("text/event-stream")
            });
        partial.head = Some((response.status().as_u16(), response_headers));
        let mut parser = is_sse.then(|| SseParser::new(self.limits.sse));
        let mut stream_bytes = 0usize;
        loop {
            let chunk = response
                .chunk()
                .await
                .map_err(|e| TransportError::Io(root_cause(&e)))?;
            let Some(chunk) = chunk else { break };
            if let Some(parser) = parser.as_mut() {
                // Events are capped in number and size; the whole stream is capped too, so a
                // stream of comments or of many large events cannot grow without bound.
                stream_bytes += chunk.len();
                if stream_bytes > self.limits.max_stream_bytes {
                    return Err(TransportError::BodyTooLarge {
                        limit: self.limits.max_stream_bytes,
                    });
                }
                let events = parser.push(&chunk).map_err(TransportError::Sse)?;
                let at_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                for event in events {
                    partial.recorded_events.push(RecordedEvent {
                        at_ms,
                        event: event.event.clone(),
                        data: evidence_text(event.data.as_bytes(), &self.redactor),
                    });
                    partial.events.push(event);
                }
                // The raw stream is kept only up to the evidence size.
                if partial.body.len() < crate::evidence::EVIDENCE_BODY_LIMIT {
                    partial.body.extend_from_slice(&chunk);
                }
                if let Read::Stream(Some(n)) = read
                    && partial.events.len() >= n
                {
                    // Dropping the response closes the connection (none is reused).
                    partial.note = Some(format!("the kit closed the stream after {n} event(s)"));
                    return Ok(());
                }
            } else {
                if partial.body.len() + chunk.len() > self.limits.max_body_bytes {
                    let room = self.limits.max_body_bytes - partial.body.len();
                    partial.body.extend_from_slice(&chunk[..room]);
                    return Err(TransportError::BodyTooLarge {
                        limit: self.limits.max_body_bytes,
                    });
                }
                partial.body.extend_from_slice(&chunk);
            }
        }
        if let Some(parser) = parser.as_mut() {
            parser.finish().map_err(TransportError::Sse)?;
        }
        Ok(())
    }
}

/// What an exchange reads: a body, a body or an SSE stream, or the answer to an upload the
/// agent may cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    Body,
    /// A stream, read to its close or (the kit leaving) to this many events.
    Stream(Option<usize>),
    Upload,
}

impl Read {
    fn is_stream(self) -> bool {
        matches!(self, Self::Stream(_))
    }
}

const USER_AGENT: &str = concat!("a2a-tck/", env!("CARGO_PKG_VERSION"));

#[derive(Default)]
struct Partial {
    /// Something the evidence should say about an exchange that succeeded (an upload cut short).
    note: Option<String>,
    head: Option<(u16, Vec<(String, String)>)>,
    body: Vec<u8>,
    events: Vec<SseEvent>,
    recorded_events: Vec<RecordedEvent>,
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_values_and_their_credentials_are_redacted() {
        let auth = Auth::none()
            .with_header("Authorization", "Basic dXNlcjpwYXNzd29yZA==")
            .with_header("X-Custom", "custom-key-value");
        let redactor = auth.redact_in(Redactor::new());
        assert_eq!(
            redactor.text("echo dXNlcjpwYXNzd29yZA== back"),
            "echo [redacted] back"
        );
        assert_eq!(
            redactor.header_value("x-custom", "custom-key-value"),
            "[redacted]"
        );
        assert!(!format!("{auth:?}").contains("dXNlcj"));
    }
}
