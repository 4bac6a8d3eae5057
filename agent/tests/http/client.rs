//! A small A2A client for the tests: raw JSON over real HTTP on 127.0.0.1, so that what is
//! checked is the wire and never the agent's own Rust types.

use std::time::Duration;

use a2a_reference_agent::Running;
use a2a_reference_agent::config::Config;
use a2a_reference_agent::defects::Defect;
use serde_json::{Value, json};

/// How long a test waits for any one stream event before calling it a hang.
pub const EVENT_TIMEOUT: Duration = Duration::from_secs(5);

/// A running agent and a client for it.
pub struct Agent {
    /// Keeps the server alive as long as the client (`None` for a server the test runs itself).
    #[allow(dead_code)]
    pub running: Option<Running>,
    pub base: String,
    pub http: reqwest::Client,
}

/// A configuration that keeps scripted behaviours fast.
pub fn fast_config() -> Config {
    let mut c = Config {
        bind: "127.0.0.1:0".into(),
        ..Config::default()
    };
    c.behaviour.slow_step_ms = 40;
    c.behaviour.resubscribe_wait_ms = 300;
    // Webhooks in these tests are loopback URLs (nothing leaves the machine).
    c.push.allow_private_webhooks = true;
    c
}

impl Agent {
    pub async fn start(config: Config) -> Self {
        let running = a2a_reference_agent::serve(config)
            .await
            .expect("agent starts");
        let base = running.base_url();
        Self {
            running: Some(running),
            base,
            http: reqwest::Client::new(),
        }
    }

    /// The default (correct) agent with fast behaviours.
    pub async fn new() -> Self {
        Self::start(fast_config()).await
    }

    /// An agent with one deliberate defect.
    pub async fn with_defect(defect: Defect) -> Self {
        Self::start(fast_config().with_defect(defect)).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POSTs a raw body to the JSON-RPC endpoint; returns the status and the body as JSON
    /// (`Value::Null` for an empty body).
    pub async fn rpc_raw(
        &self,
        version: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .post(self.url("/jsonrpc"))
            .header("content-type", "application/json")
            .body(body);
        if let Some(v) = version {
            req = req.header("A2A-Version", v);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (status, json)
    }

    /// A JSON-RPC call; returns the whole response envelope.
    pub async fn rpc(&self, version: Option<&str>, method: &str, params: Value) -> Value {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        self.rpc_raw(version, body.to_string()).await.1
    }

    /// A 1.0 JSON-RPC call's `result`, or a panic with the error.
    pub async fn v1(&self, method: &str, params: Value) -> Value {
        let r = self.rpc(Some("1.0"), method, params).await;
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// A 1.0 JSON-RPC call's error code.
    pub async fn v1_error(&self, method: &str, params: Value) -> i64 {
        let r = self.rpc(Some("1.0"), method, params).await;
        r["error"]["code"]
            .as_i64()
            .unwrap_or_else(|| panic!("{method}: no error in {r}"))
    }

    /// A 0.3 JSON-RPC call's `result`.
    pub async fn v03(&self, method: &str, params: Value) -> Value {
        let r = self.rpc(None, method, params).await;
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// An HTTP+JSON request with `A2A-Version: 1.0`; returns status, content type and JSON body.
    pub async fn rest(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, String, Value) {
        self.rest_with(method, path, body, Some("1.0")).await
    }

    pub async fn rest_with(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        version: Option<&str>,
    ) -> (u16, String, Value) {
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.http.request(m, self.url(path));
        if let Some(v) = version {
            req = req.header("A2A-Version", v);
        }
        if let Some(b) = body {
            req = req
                .header("content-type", "application/a2a+json")
                .body(b.to_string());
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let text = resp.text().await.expect("body");
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, ct, json)
    }

    /// Opens a JSON-RPC stream.
    pub async fn rpc_stream(&self, version: Option<&str>, method: &str, params: Value) -> Sse {
        let body = json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params});
        let mut req = self.http.post(self.url("/jsonrpc")).body(body.to_string());
        if let Some(v) = version {
            req = req.header("A2A-Version", v);
        }
        Sse::new(req.send().await.expect("request"))
    }

    /// Opens an HTTP+JSON stream.
    pub async fn rest_stream(&self, method: &str, path: &str, body: Option<Value>) -> Sse {
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self
            .http
            .request(m, self.url(path))
            .header("A2A-Version", "1.0");
        if let Some(b) = body {
            req = req.body(b.to_string());
        }
        Sse::new(req.send().await.expect("request"))
    }

    /// Sends a 1.0 message with `text` and returns the task (or message) wrapper.
    pub async fn send_v1(&self, text: &str) -> Value {
        self.v1("SendMessage", json!({"message": msg_v1(text)}))
            .await
    }

    /// Sends a 1.0 message and returns the task.
    pub async fn task_v1(&self, text: &str) -> Value {
        let r = self.send_v1(text).await;
        assert!(r.get("task").is_some(), "expected a task: {r}");
        r["task"].clone()
    }

    /// Polls `GetTask` until the task is in `state` (or panics after a few seconds).
    pub async fn wait_state(&self, id: &str, state: &str) -> Value {
        for _ in 0..200 {
            let t = self.v1("GetTask", json!({"id": id})).await;
            if t["status"]["state"] == state {
                return t;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("task {id} never reached {state}");
    }
}

/// A 1.0 user message.
pub fn msg_v1(text: &str) -> Value {
    json!({"messageId": uuid::Uuid::new_v4().to_string(), "role": "ROLE_USER", "parts": [{"text": text}]})
}

/// A 0.3 user message.
pub fn msg_v03(text: &str) -> Value {
    json!({"kind": "message", "messageId": uuid::Uuid::new_v4().to_string(), "role": "user", "parts": [{"kind": "text", "text": text}]})
}

/// A server-sent event stream being read.
pub struct Sse {
    pub status: u16,
    pub content_type: String,
    resp: reqwest::Response,
    buf: String,
}

/// What reading the next event gave.
#[derive(Debug, PartialEq)]
pub enum Next {
    Event(Value),
    End,
    Timeout,
}

impl Sse {
    fn new(resp: reqwest::Response) -> Self {
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        Self {
            status,
            content_type,
            resp,
            buf: String::new(),
        }
    }

    pub fn is_event_stream(&self) -> bool {
        self.content_type.starts_with("text/event-stream")
    }

    /// A non-stream answer's JSON body.
    pub async fn json(self) -> Value {
        assert!(!self.is_event_stream(), "expected a plain JSON answer");
        self.resp.json().await.expect("json body")
    }

    /// The next `data:` event, the end of the stream, or a timeout.
    pub async fn next_within(&mut self, timeout: Duration) -> Next {
        loop {
            if let Some(i) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..i + 2).collect();
                let data: Vec<&str> = block
                    .lines()
                    .filter_map(|l| l.strip_prefix("data:"))
                    .map(str::trim_start)
                    .collect();
                if data.is_empty() {
                    continue; // A comment (keep-alive).
                }
                let json = serde_json::from_str(&data.join("\n")).expect("event data is JSON");
                return Next::Event(json);
            }
            match tokio::time::timeout(timeout, self.resp.chunk()).await {
                Err(_) => return Next::Timeout,
                Ok(Ok(Some(bytes))) => self.buf.push_str(&String::from_utf8_lossy(&bytes)),
                Ok(Ok(None) | Err(_)) => return Next::End,
            }
        }
    }

    /// The next event (panics at the end of the stream or on a timeout).
    pub async fn next(&mut self) -> Value {
        match self.next_within(EVENT_TIMEOUT).await {
            Next::Event(v) => v,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    /// Every remaining event up to the end of the stream (panics if it does not end).
    pub async fn rest(&mut self) -> Vec<Value> {
        let mut out = Vec::new();
        loop {
            match self.next_within(EVENT_TIMEOUT).await {
                Next::Event(v) => out.push(v),
                Next::End => return out,
                Next::Timeout => panic!("stream did not close; got {out:?}"),
            }
        }
    }
}

/// The `result` of a JSON-RPC stream event (or the event itself for REST).
pub fn result(event: &Value) -> &Value {
    event.get("result").unwrap_or(event)
}

/// The state carried by a 1.0 stream event (Task or statusUpdate).
pub fn v1_state(event: &Value) -> Option<&str> {
    let r = result(event);
    r.get("task")
        .map(|t| &t["status"]["state"])
        .or_else(|| r.get("statusUpdate").map(|s| &s["status"]["state"]))
        .and_then(Value::as_str)
}
