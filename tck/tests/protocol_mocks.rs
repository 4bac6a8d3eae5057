//! The protocol scenarios that no deliberate defect of the reference agent turns red for their
//! own reason are proven able to fail here: a wiremock agent scripted per JSON-RPC method
//! serves a deliberately wrong answer, and the scenario must FAIL. (Their PASS is proven by
//! the reference agent in `self_validation_core.rs`.)

// Helpers outside #[test] functions panic on setup failure too: that is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use a2a_tck::catalogue;
use a2a_tck::profile::{Mode, REFERENCE_AGENT};
use a2a_tck::runner::{self, RunConfig, Silent};
use a2a_tck::schema::SchemaSet;
use a2a_tck::verdict::VerdictKind;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

type Script = dyn Fn(&str, &Value, usize) -> ResponseTemplate + Send + Sync;

/// Answers `POST /rpc` by calling the script with the method, the params and the call count.
struct Scripted {
    script: Arc<Script>,
    calls: AtomicUsize,
}

impl Respond for Scripted {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        match serde_json::from_slice::<Value>(&request.body) {
            Ok(body) => (self.script)(body["method"].as_str().unwrap_or(""), &body["params"], n),
            Err(_) => (self.script)("", &Value::Null, n),
        }
    }
}

fn ok(result: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"jsonrpc": "2.0", "id": "tck-1", "result": result}))
}

fn task(id: &str, context: Option<&str>, state: &str) -> Value {
    let mut t = json!({"id": id, "status": {"state": state}});
    if let Some(c) = context {
        t["contextId"] = Value::from(c);
    }
    t
}

/// Runs scenario `id` against a mock agent answering with `script`; returns its verdict and
/// its findings' messages.
async fn verdict_of(
    id: &str,
    script: impl Fn(&str, &Value, usize) -> ResponseTemplate + Send + Sync + 'static,
) -> (VerdictKind, String) {
    verdict_with(id, |_| {}, script).await
}

/// [`verdict_of`] with the run's profile adjusted by `patch`.
async fn verdict_with(
    id: &str,
    patch: impl FnOnce(&mut a2a_tck::profile::Profile),
    script: impl Fn(&str, &Value, usize) -> ResponseTemplate + Send + Sync + 'static,
) -> (VerdictKind, String) {
    let server = MockServer::start().await;
    let card = json!({
        "name": "Mock agent",
        "description": "Scripted per method.",
        "version": "1.0.0",
        "supportedInterfaces": [
            {"url": format!("{}/rpc", server.uri()), "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}
        ],
        "capabilities": {"streaming": true},
        "defaultInputModes": ["text/plain"],
        "defaultOutputModes": ["text/plain"],
        "skills": [{"id": "echo", "name": "Echo", "description": "Echoes.", "tags": ["test"]}]
    });
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(card))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rpc"))
        .respond_with(Scripted {
            script: Arc::new(script),
            calls: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    let mut config = RunConfig::new(format!("{}/.well-known/agent-card.json", server.uri()));
    config.profile.mode = Mode::Dev;
    config.profile.behaviours.preset = Some(REFERENCE_AGENT.to_owned());
    config.profile.timeouts.stream_ms = 2_000;
    config.schemas = Some(Arc::new(SchemaSet::embedded().unwrap()));
    config.selection.only = vec![id.to_owned()];
    patch(&mut config.profile);
    let report = runner::run(catalogue::all(), config, &Silent).await;
    let result = report.results.iter().find(|r| r.scenario.id == id).unwrap();
    let messages: Vec<String> = result.failures.iter().map(|f| f.message.clone()).collect();
    (result.verdict.kind(), messages.join("; "))
}

/// Asserts a FAIL whose findings include `finding`.
fn assert_fails_with(got: &(VerdictKind, String), finding: &str) {
    assert_eq!(got.0, VerdictKind::Fail, "{}", got.1);
    assert!(got.1.contains(finding), "{}", got.1);
}

#[tokio::test]
async fn send_09_fails_when_the_task_has_no_context_id() {
    let kind = verdict_of("SEND-09", |_, _, _| {
        ok(&json!({"task": task("t1", None, "TASK_STATE_COMPLETED")}))
    })
    .await;
    assert_fails_with(&kind, "the task has no contextId");
}

#[tokio::test]
async fn send_10_fails_when_two_new_tasks_share_an_id() {
    let kind = verdict_of("SEND-10", |_, _, _| {
        ok(&json!({"task": task("same", Some("c1"), "TASK_STATE_COMPLETED")}))
    })
    .await;
    assert_fails_with(&kind, "two new tasks share an id");
}

#[tokio::test]
async fn send_11_fails_when_a_continuation_changes_the_context() {
    let kind = verdict_of("SEND-11", |method, params, _| match method {
        "SendMessage" if params["message"].get("taskId").is_some() => {
            ok(&json!({"task": task("t1", Some("another"), "TASK_STATE_COMPLETED")}))
        }
        "SendMessage" => ok(&json!({"task": task("t1", Some("c1"), "TASK_STATE_INPUT_REQUIRED")})),
        _ => ok(&task("t1", Some("c1"), "TASK_STATE_INPUT_REQUIRED")),
    })
    .await;
    assert_fails_with(&kind, "does not keep its contextId");
}

#[tokio::test]
async fn get_01_fails_when_get_task_answers_with_another_task() {
    let kind = verdict_of("GET-01", |method, _, _| {
        if method == "SendMessage" {
            ok(&json!({"task": task("t1", Some("c1"), "TASK_STATE_COMPLETED")}))
        } else {
            ok(&task("t2", Some("c1"), "TASK_STATE_COMPLETED"))
        }
    })
    .await;
    assert_fails_with(&kind, "answered with another task");
}

#[tokio::test]
async fn get_06_fails_when_a_terminal_task_changes_between_reads() {
    let kind = verdict_of("GET-06", |method, _, n| {
        let mut t = task("t1", Some("c1"), "TASK_STATE_COMPLETED");
        if method == "SendMessage" {
            return ok(&json!({"task": t}));
        }
        t["artifacts"] = json!([{"artifactId": "a", "parts": [{"text": format!("read {n}")}]}]);
        ok(&t)
    })
    .await;
    assert_fails_with(&kind, "the terminal task changed");
}

#[tokio::test]
async fn strm_03_fails_when_a_stream_is_answered_as_plain_json() {
    let kind = verdict_of("STRM-03", |_, _, _| {
        ok(&json!({"task": task("t1", Some("c1"), "TASK_STATE_COMPLETED")}))
    })
    .await;
    assert_fails_with(&kind, "not an SSE stream");
}

#[tokio::test]
async fn err_09_fails_when_malformed_json_gets_another_code() {
    let kind = verdict_of("ERR-09", |_, _, _| {
        ResponseTemplate::new(200).set_body_json(json!({
            "jsonrpc": "2.0", "id": null,
            "error": {"code": -32600, "message": "Invalid request"}
        }))
    })
    .await;
    assert_fails_with(&kind, "is not answered with -32700");
}

#[tokio::test]
async fn cancel_04_warns_when_a_second_cancel_reopens_the_task() {
    let cancels = AtomicUsize::new(0);
    let kind = verdict_of("CANCEL-04", move |method, _, _| match method {
        "SendMessage" => ok(&json!({"task": task("t1", Some("c1"), "TASK_STATE_WORKING")})),
        "CancelTask" if cancels.fetch_add(1, Ordering::SeqCst) == 0 => {
            ok(&task("t1", Some("c1"), "TASK_STATE_CANCELED"))
        }
        "CancelTask" => ok(&task("t1", Some("c1"), "TASK_STATE_WORKING")),
        _ => ok(&task("t1", Some("c1"), "TASK_STATE_CANCELED")),
    })
    .await;
    assert_eq!(kind.0, VerdictKind::Warn, "{}", kind.1);
    assert!(
        kind.1
            .contains("a second cancel did not have the same effect"),
        "{}",
        kind.1
    );
}

/// A tiny task store for the `ListTasks` mocks: `SendMessage` makes a task in the message's
/// context (FAILED for the text "fail", else COMPLETED with one artifact), each a second after
/// the last; `GetTask` reads it back; `ListTasks` answers with the page `list` makes of the
/// tasks for the request's params.
fn task_store(
    list: impl Fn(&[Value], &Value) -> Value + Send + Sync + 'static,
) -> impl Fn(&str, &Value, usize) -> ResponseTemplate + Send + Sync + 'static {
    let tasks = Mutex::new(Vec::<Value>::new());
    move |method, params, _| {
        let mut tasks = tasks.lock().unwrap();
        match method {
            "SendMessage" => {
                let message = &params["message"];
                let n = tasks.len();
                let state = if message["parts"][0]["text"] == "fail" {
                    "TASK_STATE_FAILED"
                } else {
                    "TASK_STATE_COMPLETED"
                };
                let t = json!({
                    "id": format!("t{n}"),
                    "contextId": message.get("contextId").cloned().unwrap_or(json!("c0")),
                    "status": {"state": state, "timestamp": format!("2026-01-01T00:{:02}:{:02}.000Z", n / 60, n % 60)},
                    "history": [message],
                    "artifacts": [{"artifactId": "a", "parts": [{"text": "done"}]}]
                });
                tasks.push(t.clone());
                ok(&json!({"task": t}))
            }
            "GetTask" => ok(tasks
                .iter()
                .find(|t| t["id"] == params["id"])
                .unwrap_or(&Value::Null)),
            "ListTasks" => ok(&list(&tasks, params)),
            _ => ok(&Value::Null),
        }
    }
}

/// A last page holding `tasks`, newest first.
fn page(tasks: Vec<&Value>, page_size: usize) -> Value {
    let mut tasks: Vec<Value> = tasks.into_iter().cloned().collect();
    tasks.reverse();
    for t in &mut tasks {
        t.as_object_mut().unwrap().remove("artifacts");
    }
    json!({"tasks": tasks, "nextPageToken": "", "pageSize": page_size, "totalSize": tasks.len()})
}

#[tokio::test]
async fn list_01_warns_when_list_tasks_is_an_unknown_method() {
    let kind = verdict_of("LIST-01", |method, _, _| {
        if method == "ListTasks" {
            ResponseTemplate::new(200).set_body_json(json!({
                "jsonrpc": "2.0", "id": "tck-1",
                "error": {"code": -32601, "message": "Method not found"}
            }))
        } else {
            ok(&Value::Null)
        }
    })
    .await;
    assert_eq!(kind.0, VerdictKind::Warn, "{}", kind.1);
    assert!(
        kind.1.contains("ListTasks is not implemented"),
        "{}",
        kind.1
    );
}

#[tokio::test]
async fn list_08_fails_when_the_status_and_timestamp_filters_are_ignored() {
    // Only `contextId` is applied: `status` and `statusTimestampAfter` are not.
    let kind = verdict_of(
        "LIST-08",
        task_store(|tasks, params| {
            let listed = tasks
                .iter()
                .filter(|t| t["contextId"] == params["contextId"])
                .collect();
            page(listed, 50)
        }),
    )
    .await;
    assert_fails_with(&kind, "a listed task does not match the filter contextId");
    assert!(kind.1.contains("status TASK_STATE_COMPLETED"), "{}", kind.1);
    assert!(kind.1.contains("statusTimestampAfter"), "{}", kind.1);
}

#[tokio::test]
async fn list_08_passes_against_the_same_store_when_every_filter_holds() {
    // The positive control of the mock above: the same store with the filters applied.
    let kind = verdict_of(
        "LIST-08",
        task_store(|tasks, params| {
            let listed = tasks
                .iter()
                .filter(|t| t["contextId"] == params["contextId"])
                .filter(|t| {
                    params
                        .get("status")
                        .is_none_or(|s| t["status"]["state"] == *s)
                })
                .filter(|t| {
                    params
                        .get("statusTimestampAfter")
                        .is_none_or(|after| t["status"]["timestamp"].as_str() >= after.as_str())
                })
                .collect();
            page(listed, 50)
        }),
    )
    .await;
    assert_eq!(kind.0, VerdictKind::Pass, "{}", kind.1);
}

#[tokio::test]
async fn list_09_warns_when_pages_exceed_the_page_size_bounds() {
    // Every page claims a page size of 500, with or without pageSize in the request.
    let kind = verdict_of(
        "LIST-09",
        task_store(|tasks, _| page(tasks.iter().collect(), 500)),
    )
    .await;
    assert_eq!(kind.0, VerdictKind::Warn, "{}", kind.1);
    assert!(
        kind.1
            .contains("without pageSize, a page holds more than 50 tasks"),
        "{}",
        kind.1
    );
    assert!(
        kind.1
            .contains("pageSize 101 is neither refused nor clamped to 100"),
        "{}",
        kind.1
    );
}

#[tokio::test]
async fn list_09_warns_when_page_size_101_is_refused_with_another_error() {
    // Tasks are created and listed 50 to a page; pageSize in the request is an internal error.
    let store = task_store(|tasks, _| page(tasks.iter().take(50).collect(), 50));
    let kind = verdict_of("LIST-09", move |method, params, n| {
        if method == "ListTasks" && params.get("pageSize").is_some() {
            ResponseTemplate::new(200).set_body_json(json!({
                "jsonrpc": "2.0", "id": "tck-1",
                "error": {"code": -32603, "message": "Internal error"}
            }))
        } else {
            store(method, params, n)
        }
    })
    .await;
    assert_eq!(kind.0, VerdictKind::Warn, "{}", kind.1);
    assert!(
        kind.1
            .contains("pageSize 101 is refused with another error than InvalidParams"),
        "{}",
        kind.1
    );
}

/// STRM-14: a stream whose first event comes after `timeouts.first_event_ms` warns.
#[tokio::test]
async fn strm_14_warns_when_the_first_event_comes_late() {
    let got = verdict_with(
        "STRM-14",
        |p| p.timeouts.first_event_ms = 150,
        |method, _, _| match method {
            "SendStreamingMessage" => {
                let event = json!({"jsonrpc": "2.0", "id": "tck-1", "result": {
                    "task": task("t1", Some("c1"), "TASK_STATE_WORKING")}});
                ResponseTemplate::new(200)
                    .set_body_raw(format!("data: {event}\n\n"), "text/event-stream")
                    .set_delay(std::time::Duration::from_millis(400))
            }
            _ => ok(&task("t1", Some("c1"), "TASK_STATE_CANCELED")),
        },
    )
    .await;
    assert_eq!(got.0, VerdictKind::Warn, "{}", got.1);
    assert!(
        got.1.contains("the first event of the stream came late"),
        "{}",
        got.1
    );
}

/// STRM-13: an update that names another context than its task's fails, with the pointer.
#[tokio::test]
async fn strm_13_fails_when_an_update_names_another_context() {
    let got = verdict_of("STRM-13", |_, _, _| {
        let events = [
            json!({"task": task("t1", Some("c1"), "TASK_STATE_WORKING")}),
            json!({"statusUpdate": {"taskId": "t1", "contextId": "c2",
                "status": {"state": "TASK_STATE_COMPLETED"}}}),
        ];
        let mut body = String::new();
        for r in &events {
            let doc = json!({"jsonrpc": "2.0", "id": "tck-1", "result": r});
            body.push_str("data: ");
            body.push_str(&doc.to_string());
            body.push_str("\n\n");
        }
        ResponseTemplate::new(200).set_body_raw(body, "text/event-stream")
    })
    .await;
    assert_fails_with(&got, "an update's `contextId` is not the stream's task's");
}

#[tokio::test]
async fn err_01_fails_when_an_error_has_no_message() {
    let kind = verdict_of("ERR-01", |_, _, _| {
        ResponseTemplate::new(200)
            .set_body_json(json!({"jsonrpc": "2.0", "id": "tck-1", "error": {"code": -32001}}))
    })
    .await;
    assert_fails_with(&kind, "ERR-01: an error has no message");
}

/// A completed task whose one artifact is `artifact`, answered to every method.
fn task_with_artifact(artifact: Value) -> impl Fn(&str, &Value, usize) -> ResponseTemplate {
    move |_, _, _| {
        let mut t = task("t1", Some("c1"), "TASK_STATE_COMPLETED");
        t["artifacts"] = json!([artifact.clone()]);
        ok(&json!({"task": t}))
    }
}

#[tokio::test]
async fn tx_20_fails_on_a_snake_case_member() {
    let kind = verdict_of(
        "TX-20",
        task_with_artifact(
            json!({"artifactId": "a", "parts": [{"text": "x"}], "last_chunk": true}),
        ),
    )
    .await;
    assert_fails_with(&kind, "TX-20: a member name is not camelCase");
}

#[tokio::test]
async fn tx_24_fails_when_an_artifact_has_no_id() {
    let kind = verdict_of(
        "TX-24",
        task_with_artifact(json!({"parts": [{"text": "x"}]})),
    )
    .await;
    assert_fails_with(&kind, "TX-24: a REQUIRED member is missing");
}

#[tokio::test]
async fn tx_26_fails_when_a_part_carries_text_and_data() {
    let kind = verdict_of(
        "TX-26",
        task_with_artifact(json!({"artifactId": "a", "parts": [{"text": "x", "data": {}}]})),
    )
    .await;
    assert_fails_with(&kind, "TX-26: a Part does not carry exactly one content");
}

#[tokio::test]
async fn tx_09_fails_when_a_method_is_not_found() {
    let kind = verdict_of("TX-09", |method, _, _| {
        if method == "CancelTask" {
            ResponseTemplate::new(200).set_body_json(json!({
                "jsonrpc": "2.0", "id": "tck-1",
                "error": {"code": -32601, "message": "Method not found"}
            }))
        } else {
            ResponseTemplate::new(200).set_body_json(json!({
                "jsonrpc": "2.0", "id": "tck-1",
                "error": {"code": -32602, "message": "Invalid params"}
            }))
        }
    })
    .await;
    assert_fails_with(&kind, "the method CancelTask is not dispatched");
}

#[tokio::test]
async fn tx_03_fails_when_answers_are_not_application_json() {
    let kind = verdict_of("TX-03", |_, _, _| {
        let body = json!({
            "jsonrpc": "2.0", "id": "tck-1",
            "error": {"code": -32001, "message": "Task not found"}
        });
        ResponseTemplate::new(200).set_body_raw(body.to_string(), "text/plain")
    })
    .await;
    assert_fails_with(
        &kind,
        "the answer's Content-Type is not the binding's media type",
    );
}

/// Runs scenario `id` against a mock 1.0 HTTP+JSON agent answering every request under
/// `/rest` with `response`; returns its verdict and its findings' messages.
async fn rest_verdict_of(id: &str, response: ResponseTemplate) -> (VerdictKind, String) {
    use wiremock::matchers::path_regex;
    let server = MockServer::start().await;
    let card = json!({
        "name": "Mock agent",
        "description": "One answer to everything.",
        "version": "1.0.0",
        "supportedInterfaces": [
            {"url": format!("{}/rest", server.uri()), "protocolBinding": "HTTP+JSON", "protocolVersion": "1.0"}
        ],
        "capabilities": {},
        "defaultInputModes": ["text/plain"],
        "defaultOutputModes": ["text/plain"],
        "skills": [{"id": "echo", "name": "Echo", "description": "Echoes.", "tags": ["test"]}]
    });
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(card))
        .mount(&server)
        .await;
    Mock::given(path_regex("^/rest/"))
        .respond_with(response)
        .mount(&server)
        .await;
    let mut config = RunConfig::new(format!("{}/.well-known/agent-card.json", server.uri()));
    config.profile.mode = Mode::Dev;
    config.profile.behaviours.preset = Some(REFERENCE_AGENT.to_owned());
    config.schemas = Some(Arc::new(SchemaSet::embedded().unwrap()));
    config.selection.only = vec![id.to_owned()];
    let report = runner::run(catalogue::all(), config, &Silent).await;
    let result = report.results.iter().find(|r| r.scenario.id == id).unwrap();
    let messages: Vec<String> = result.failures.iter().map(|f| f.message.clone()).collect();
    (result.verdict.kind(), messages.join("; "))
}

#[tokio::test]
async fn tx_05_warns_when_http_json_answers_are_plain_application_json() {
    let not_found = ResponseTemplate::new(404).set_body_json(json!({"error": {
        "code": 404, "status": "NOT_FOUND", "message": "task not found",
        "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                     "reason": "TASK_NOT_FOUND", "domain": "a2a-protocol.org"}]
    }}));
    let (kind, messages) = rest_verdict_of("TX-05", not_found).await;
    assert_eq!(kind, VerdictKind::Warn, "{messages}");
    assert!(
        messages.contains("the answer's Content-Type is not the binding's media type"),
        "{messages}"
    );
}

#[tokio::test]
async fn err_07_warns_on_a_problem_json_error_body() {
    let problem = ResponseTemplate::new(404).set_body_raw(
        json!({"type": "about:blank", "title": "Task not found", "status": 404}).to_string(),
        "application/problem+json",
    );
    let (kind, messages) = rest_verdict_of("ERR-07", problem).await;
    assert_eq!(kind, VerdictKind::Warn, "{messages}");
    assert!(
        messages.contains("ERR-07: the error body is not a google.rpc.Status"),
        "{messages}"
    );
}

#[tokio::test]
async fn tx_14_fails_when_the_routes_are_bare_404s() {
    let (kind, messages) = rest_verdict_of("TX-14", ResponseTemplate::new(404)).await;
    assert_eq!(kind, VerdictKind::Fail, "{messages}");
    assert!(
        messages.contains("TX-14: the route POST SendMessage is missing"),
        "{messages}"
    );
}

/// Runs scenario `id` on A2A 0.3 over `binding` against a mock 0.3 agent (JSON-RPC at `/rpc`,
/// HTTP+JSON under `/rest`) whose JSON-RPC answers come from `script` and whose HTTP+JSON
/// answers are all `rest`.
async fn v03_verdict_of(
    id: &str,
    binding: a2a_tck::scenario::Binding,
    script: impl Fn(&str, &Value, usize) -> ResponseTemplate + Send + Sync + 'static,
    rest: ResponseTemplate,
) -> (VerdictKind, String) {
    use wiremock::matchers::path_regex;
    let server = MockServer::start().await;
    let card = json!({
        "name": "Mock 0.3 agent", "description": "Scripted per method.", "version": "1.0.0",
        "protocolVersion": "0.3.0", "url": format!("{}/rpc", server.uri()),
        "preferredTransport": "JSONRPC",
        "additionalInterfaces": [
            {"url": format!("{}/rpc", server.uri()), "transport": "JSONRPC"},
            {"url": format!("{}/rest", server.uri()), "transport": "HTTP+JSON"}
        ],
        "capabilities": {}, "defaultInputModes": ["text/plain"], "defaultOutputModes": ["text/plain"],
        "skills": [{"id": "echo", "name": "Echo", "description": "Echoes.", "tags": ["test"]}]
    });
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(card))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rpc"))
        .respond_with(Scripted {
            script: Arc::new(script),
            calls: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    Mock::given(path_regex("^/rest/"))
        .respond_with(rest)
        .mount(&server)
        .await;
    let mut config = RunConfig::new(format!("{}/.well-known/agent-card.json", server.uri()));
    config.profile.mode = Mode::Dev;
    config.version = Some(a2a_tck::scenario::ProtocolVersion::V0_3);
    config.binding = Some(binding);
    config.profile.behaviours.preset = Some(REFERENCE_AGENT.to_owned());
    config.schemas = Some(Arc::new(SchemaSet::embedded().unwrap()));
    config.selection.only = vec![id.to_owned()];
    let report = runner::run(catalogue::all(), config, &Silent).await;
    let result = report.results.iter().find(|r| r.scenario.id == id).unwrap();
    let messages: Vec<String> = result.failures.iter().map(|f| f.message.clone()).collect();
    (result.verdict.kind(), messages.join("; "))
}

fn not_found_0_3() -> Value {
    json!({"jsonrpc": "2.0", "id": "tck-1", "error": {"code": -32001, "message": "Task not found"}})
}

/// TX-02 / TX-04: 0.3 answers (JSON-RPC, then HTTP+JSON) sent as `text/plain` fail; as
/// `application/json` they pass.
#[tokio::test]
async fn tx_02_and_tx_04_judge_the_0_3_media_type() {
    use a2a_tck::scenario::Binding;
    let plain =
        |body: &Value| ResponseTemplate::new(200).set_body_raw(body.to_string(), "text/plain");
    let rest_error =
        json!({"error": {"code": 404, "status": "NOT_FOUND", "message": "no such task"}});
    let got = v03_verdict_of(
        "TX-02",
        Binding::JsonRpc,
        move |_, _, _| plain(&not_found_0_3()),
        ResponseTemplate::new(404),
    )
    .await;
    assert_fails_with(
        &got,
        "the answer's Content-Type is not the binding's media type",
    );
    let got = v03_verdict_of(
        "TX-02",
        Binding::JsonRpc,
        |_, _, _| ResponseTemplate::new(200).set_body_json(not_found_0_3()),
        ResponseTemplate::new(404),
    )
    .await;
    assert_eq!(got.0, VerdictKind::Pass, "{}", got.1);

    let got = v03_verdict_of(
        "TX-04",
        Binding::HttpJson,
        |_, _, _| ResponseTemplate::new(404),
        ResponseTemplate::new(404).set_body_raw(rest_error.to_string(), "text/plain"),
    )
    .await;
    assert_fails_with(
        &got,
        "the answer's Content-Type is not the binding's media type",
    );
    let got = v03_verdict_of(
        "TX-04",
        Binding::HttpJson,
        |_, _, _| ResponseTemplate::new(404),
        ResponseTemplate::new(404).set_body_json(rest_error),
    )
    .await;
    assert_eq!(got.0, VerdictKind::Pass, "{}", got.1);
}

/// TX-08: a 0.3 method answered -32601 fails; every method dispatched (any other error) passes.
#[tokio::test]
async fn tx_08_fails_when_a_0_3_method_is_not_found() {
    use a2a_tck::scenario::Binding;
    let answer = |code: i64| {
        ResponseTemplate::new(200).set_body_json(json!({
            "jsonrpc": "2.0", "id": "tck-1", "error": {"code": code, "message": "x"}
        }))
    };
    let got = v03_verdict_of(
        "TX-08",
        Binding::JsonRpc,
        move |method, _, _| {
            answer(if method == "tasks/cancel" {
                -32601
            } else {
                -32602
            })
        },
        ResponseTemplate::new(404),
    )
    .await;
    assert_fails_with(&got, "tasks/cancel");
    let got = v03_verdict_of(
        "TX-29",
        Binding::JsonRpc,
        move |method, _, _| {
            answer(if method == "tasks/cancel" {
                -32601
            } else {
                -32602
            })
        },
        ResponseTemplate::new(404),
    )
    .await;
    assert_fails_with(&got, "the required method tasks/cancel is not implemented");
    let got = v03_verdict_of(
        "TX-08",
        Binding::JsonRpc,
        move |_, _, _| answer(-32602),
        ResponseTemplate::new(404),
    )
    .await;
    assert_eq!(got.0, VerdictKind::Pass, "{}", got.1);
}

/// TX-22: a 0.3 task whose state is written the 1.0 way fails; with 0.3 values it passes.
#[tokio::test]
async fn tx_22_fails_on_a_1_0_state_name_in_a_0_3_answer() {
    use a2a_tck::scenario::Binding;
    for (state, role, expected) in [
        ("TASK_STATE_COMPLETED", "agent", VerdictKind::Fail),
        ("completed", "ROLE_AGENT", VerdictKind::Fail),
        ("completed", "agent", VerdictKind::Pass),
    ] {
        let task = json!({"kind": "task", "id": "t1", "contextId": "c1",
            "status": {"state": state, "message": {"kind": "message", "messageId": "m1",
                "role": role, "parts": [{"kind": "text", "text": "done"}]}}});
        let got = v03_verdict_of(
            "TX-22",
            Binding::JsonRpc,
            move |_, _, _| ok(&task),
            ResponseTemplate::new(404),
        )
        .await;
        assert_eq!(got.0, expected, "{state} {role}: {}", got.1);
        if expected == VerdictKind::Fail {
            assert!(
                got.1
                    .contains("TX-22: an enum is not one of the 0.3 values"),
                "{}",
                got.1
            );
        }
    }
}
