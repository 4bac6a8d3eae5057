//! Entry point of the `agent_http` fuzz target (and of its seed replay in `cargo test`).
//!
//! Arbitrary requests (method, path, A2A headers, credentials, body) go to the whole app
//! in-process, through the same `Router` `serve` runs. Two configurations take turns: the open
//! default, and bearer JWT with `jti` replay plus the message-integrity extension required.
//! Properties, for every request:
//!
//! - never a panic and never a 5xx;
//! - a body is JSON whenever the response says so (SSE streams are read until they pause);
//! - on the JSON-RPC endpoint, a JSON body is a JSON-RPC 2.0 response (or a batch of them) with
//!   exactly one of `result` and `error`, an integer error code, and an id that is a string, an
//!   integer or null; `204` has an empty body.
//!
//! Push notifications are off here: registering a webhook resolves host names, and a fuzzer
//! must not make the agent send DNS queries (or anything else) off this machine.

// A fuzz target's job is to panic when a property breaks.
#![allow(clippy::expect_used, clippy::missing_panics_doc, clippy::panic)]

use std::sync::OnceLock;
use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt as _;
use serde_json::Value;
use tower::ServiceExt as _;

use crate::config::{Config, IntegrityKeyConfig};

const PATHS: &[&str] = &[
    "/jsonrpc",
    "/message:send",
    "/message:stream",
    "/tasks",
    "/tasks/TASK",
    "/tasks/TASK:cancel",
    "/tasks/TASK:subscribe",
    "/tasks/TASK/pushNotificationConfigs",
    "/tasks/TASK/pushNotificationConfigs/CFG",
    "/extendedAgentCard",
    "/.well-known/agent-card.json",
    "/.well-known/jwks.json",
    "/tenant-a/message:send",
    "/tenant-a/tasks",
    "/tenant-a/tasks/TASK",
];

const METHODS: &[&str] = &[
    "SendMessage",
    "SendStreamingMessage",
    "GetTask",
    "ListTasks",
    "CancelTask",
    "SubscribeToTask",
    "CreateTaskPushNotificationConfig",
    "GetTaskPushNotificationConfig",
    "ListTaskPushNotificationConfigs",
    "DeleteTaskPushNotificationConfig",
    "GetExtendedAgentCard",
    "message/send",
    "message/stream",
    "tasks/get",
    "tasks/cancel",
    "tasks/resubscribe",
    "tasks/pushNotificationConfig/set",
    "agent/getAuthenticatedExtendedCard",
];

const WORDS: &[&str] = &[
    "complete", "ask", "auth", "slow 2", "chunks", "fail", "reject", "message", "hello",
];

const VERSIONS: &[&str] = &["1.0", "0.3", "1.0.0", "0.3.0", "2.0", "1", "", "1.0.9"];

struct Fixture {
    runtime: tokio::runtime::Runtime,
    open: Router,
    guarded: Router,
}

fn base_config() -> Config {
    let mut config = Config {
        bind: "127.0.0.1:0".into(),
        public_url: Some("http://127.0.0.1:1".into()),
        ..Config::default()
    };
    config.capabilities.push_notifications = false;
    // A small store reaches its bounds (and its eviction and refusal paths) early.
    config.store.max_tasks = 2_000;
    config.store.max_live_tasks = 200;
    config.behaviour.slow_step_ms = 1;
    config.behaviour.slow_max_steps = 3;
    config.behaviour.resubscribe_wait_ms = 1;
    config.behaviour.step_delay_ms = 0;
    config
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime for the fuzz target");
        let open = runtime.block_on(async {
            crate::app(&base_config()).expect("the default configuration is valid")
        });
        let mut guarded = base_config();
        guarded.auth.mode = "bearer".into();
        guarded.auth.hs256_secret = Some("fuzzing-secret-fuzzing-secret-0123456789".into());
        guarded.auth.replay = true;
        guarded.integrity.enabled = true;
        guarded.integrity.required = true;
        guarded.integrity.keys = vec![IntegrityKeyConfig {
            id: "k1".into(),
            secret: "fuzzing-integrity-key-0123456789abcdef".into(),
        }];
        let guarded = runtime
            .block_on(async { crate::app(&guarded).expect("the guarded configuration is valid") });
        Fixture {
            runtime,
            open,
            guarded,
        }
    })
}

#[derive(Arbitrary, Debug)]
enum PathChoice {
    Known(u8),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
enum BodyChoice {
    Raw(Vec<u8>),
    Rpc {
        method: u8,
        id: Option<i64>,
        text: u8,
        message_id: String,
        task_id: Option<String>,
        history_length: Option<i32>,
        extra: Vec<(String, String)>,
    },
}

/// The shape of one fuzzed request (flags are independent choices of the fuzzer).
#[allow(clippy::struct_excessive_bools)]
#[derive(Arbitrary, Debug)]
struct Input {
    guarded: bool,
    post: bool,
    path: PathChoice,
    version: Option<u8>,
    version_in_query: bool,
    json_content_type: bool,
    bearer: Option<String>,
    extensions: Option<String>,
    integrity: Vec<(u8, String)>,
    body: BodyChoice,
}

fn rpc_body(
    method: u8,
    id: Option<i64>,
    text: u8,
    message_id: &str,
    task_id: Option<&str>,
    history_length: Option<i32>,
    extra: &[(String, String)],
) -> Vec<u8> {
    let method = METHODS[usize::from(method) % METHODS.len()];
    let mut params = serde_json::json!({
        "message": {
            "messageId": message_id,
            "role": if method.contains('/') { "user" } else { "ROLE_USER" },
            "kind": "message",
            "parts": [{"text": WORDS[usize::from(text) % WORDS.len()], "kind": "text"}],
        },
        "id": task_id.unwrap_or("unknown"),
    });
    if let Some(task_id) = task_id {
        params["message"]["taskId"] = task_id.into();
    }
    if let Some(n) = history_length {
        params["historyLength"] = n.into();
    }
    for (k, v) in extra.iter().take(4) {
        params[k.as_str()] = Value::String(v.clone());
    }
    let mut request = serde_json::json!({"jsonrpc": "2.0", "method": method, "params": params});
    if let Some(id) = id {
        request["id"] = id.into();
    }
    request.to_string().into_bytes()
}

fn build(input: &Input) -> Option<Request<Body>> {
    let mut path = match &input.path {
        PathChoice::Known(i) => PATHS[usize::from(*i) % PATHS.len()].to_owned(),
        PathChoice::Raw(raw) => format!("/{raw}"),
    };
    let version = input
        .version
        .map(|v| VERSIONS[usize::from(v) % VERSIONS.len()]);
    if let (Some(v), true) = (version, input.version_in_query) {
        path = format!("{path}?A2A-Version={v}");
    }
    let mut request = Request::builder()
        .method(if input.post { "POST" } else { "GET" })
        .uri(path);
    if let (Some(v), false) = (version, input.version_in_query) {
        request = request.header("A2A-Version", v);
    }
    if input.json_content_type {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    if let Some(token) = &input.bearer {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if let Some(ext) = &input.extensions {
        request = request.header("A2A-Extensions", ext.as_str());
    }
    for (which, value) in input.integrity.iter().take(5) {
        let name = [
            "X-Message-ID",
            "X-Message-Timestamp",
            "X-Message-HMAC",
            "X-Message-HMAC-Algorithm",
            "X-Message-Key-ID",
        ][usize::from(*which) % 5];
        request = request.header(name, value.as_str());
    }
    let body = match &input.body {
        BodyChoice::Raw(bytes) => bytes.clone(),
        BodyChoice::Rpc {
            method,
            id,
            text,
            message_id,
            task_id,
            history_length,
            extra,
        } => rpc_body(
            *method,
            *id,
            *text,
            message_id,
            task_id.as_deref(),
            *history_length,
            extra,
        ),
    };
    // Requests the HTTP layer itself would refuse (an invalid URI or header value) never reach
    // the app: nothing to test.
    request.body(Body::from(body)).ok()
}

fn check_jsonrpc_response(value: &Value) {
    let Some(object) = value.as_object() else {
        panic!("JSON-RPC response is not an object: {value}");
    };
    assert_eq!(object.get("jsonrpc"), Some(&Value::from("2.0")), "{value}");
    assert!(
        object.get("result").is_some() != object.get("error").is_some(),
        "exactly one of result and error: {value}"
    );
    if let Some(error) = object.get("error") {
        assert!(error["code"].is_i64(), "error code is an integer: {value}");
        assert!(
            error["message"].is_string(),
            "error message is a string: {value}"
        );
    }
    let id = object.get("id").unwrap_or(&Value::Null);
    assert!(
        id.is_string() || id.is_i64() || id.is_u64() || id.is_null(),
        "id type: {value}"
    );
}

/// Sends one arbitrary request and checks the response. Panics on a violated property.
pub fn agent_http(data: &[u8]) {
    let Ok(input) = Input::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let Some(request) = build(&input) else {
        return;
    };
    let fixture = fixture();
    let router = if input.guarded {
        fixture.guarded.clone()
    } else {
        fixture.open.clone()
    };
    let jsonrpc = request.uri().path().ends_with("/jsonrpc");
    fixture.runtime.block_on(async move {
        let response = match router.oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let status = response.status();
        assert!(!status.is_server_error(), "5xx: {status}");
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let mut body = response.into_body();
        let mut bytes = Vec::new();
        // Streams of scripted tasks close quickly; a subscription left open is read until it
        // pauses.
        while let Ok(Some(frame)) =
            tokio::time::timeout(Duration::from_millis(50), body.frame()).await
        {
            let frame = frame.expect("the app's bodies never fail");
            if let Ok(data) = frame.into_data() {
                bytes.extend_from_slice(&data);
            }
            if bytes.len() > 1 << 20 {
                break;
            }
        }
        if status.as_u16() == 204 {
            assert!(bytes.is_empty(), "204 with a body");
            return;
        }
        if content_type.starts_with("text/event-stream") || !content_type.contains("json") {
            return;
        }
        let value: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "{content_type} body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&bytes)
            )
        });
        if jsonrpc && status.as_u16() != 413 {
            match &value {
                Value::Array(batch) => batch.iter().for_each(check_jsonrpc_response),
                single => check_jsonrpc_response(single),
            }
        }
    });
}

/// Writes `fuzz/seeds/agent_http/`: byte strings whose decoded requests cover each JSON-RPC
/// method on both configurations and each known REST path, found by a seeded search (the
/// `arbitrary` encoding is not written by hand). Run with
/// `cargo test -p a2a-reference-agent --lib -- --ignored write_seeds`.
#[cfg(test)]
mod seeds {
    use super::*;
    use std::collections::BTreeMap;

    fn bucket(input: &Input) -> Option<String> {
        let config = if input.guarded { "guarded" } else { "open" };
        match (&input.path, &input.body) {
            (PathChoice::Known(p), BodyChoice::Rpc { method, text, .. })
                if PATHS[usize::from(*p) % PATHS.len()] == "/jsonrpc" && input.post =>
            {
                let method = METHODS[usize::from(*method) % METHODS.len()];
                let word = WORDS[usize::from(*text) % WORDS.len()];
                let word = if method.contains("end") || method.contains("stream") {
                    word
                } else {
                    ""
                };
                Some(format!("{config}-rpc-{method}-{word}"))
            }
            (PathChoice::Known(p), _) => Some(format!(
                "{config}-{}-{}",
                if input.post { "post" } else { "get" },
                PATHS[usize::from(*p) % PATHS.len()]
            )),
            (PathChoice::Raw(_), BodyChoice::Raw(_)) => Some(format!("{config}-raw")),
            _ => None,
        }
    }

    #[test]
    #[ignore = "writes fuzz/seeds/agent_http/"]
    fn write_seeds() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/agent_http");
        std::fs::create_dir_all(&dir).unwrap();
        let mut found: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        // xorshift: deterministic, so regenerating gives the same seeds.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..2_000_000 {
            let len = 48 + (state % 200) as usize;
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state.to_le_bytes()[0]
                })
                .collect();
            let Ok(input) = Input::arbitrary(&mut Unstructured::new(&data)) else {
                continue;
            };
            // Known paths are searched with the 1.0 header, so they reach the operations.
            let version = input
                .version
                .map(|v| VERSIONS[usize::from(v) % VERSIONS.len()]);
            if version != Some("1.0") && !matches!(input.path, PathChoice::Raw(_)) {
                continue;
            }
            if build(&input).is_none() {
                continue;
            }
            if let Some(name) = bucket(&input) {
                found.entry(name).or_insert(data);
            }
        }
        for (name, data) in &found {
            let file: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            std::fs::write(dir.join(file), data).unwrap();
        }
        assert!(found.len() > 20, "only {} buckets found", found.len());
    }
}
