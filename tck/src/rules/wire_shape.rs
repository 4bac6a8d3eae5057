//! Judgement of the wire-shape and error-mapping scenarios (TX-21, TX-23, TX-25, ERR-01,
//! ERR-02, ERR-03, ERR-06) and of malformed-message validation (SEND-14).
//!
//! Each shape scenario collects its own small set of representative answers (a blocking send,
//! a get, a cancel, a stream when the card declares streaming; for errors: an unknown task, a
//! cancel and a message to a completed task, an unsupported version, a message without
//! `messageId`) and judges every one of them with an explicit check of its requirement, so a
//! failure names that requirement and the JSON pointer of the finding (the schema validation
//! other rules do is not relied on here).

use serde_json::{Value, json};

use crate::check::{BoxFuture, HarnessError};
use crate::context::Context;
use crate::rules::conversation::{self as talk, A2aError, Expect, conform, expect_error, family};
use crate::rules::state_machine::State;
use crate::rules::streaming;
use crate::scenario::{Binding, Family, ProtocolVersion};
use crate::transport::call::{self, Answer};
use crate::transport::jsonrpc::{Operation, show};
use crate::verdict::{Failure, Outcome};

type StepResult<'a> = BoxFuture<'a, Result<Outcome, HarnessError>>;

/// A check of one member (name, value): `Some((expected, actual))` is a finding.
type MemberCheck = fn(&str, &Value) -> Option<(String, String)>;

/// `google.rpc.ErrorInfo`'s type URL (A2A 1.0 §11.6).
const ERROR_INFO: &str = "type.googleapis.com/google.rpc.ErrorInfo";
/// The `ErrorInfo.domain` of A2A errors.
const A2A_DOMAIN: &str = "a2a-protocol.org";

/// One JSON document an answer carried, with where it came from.
struct Doc {
    /// The document (a whole response body, or one stream event's data).
    value: Value,
    /// Prefix of the JSON pointers of findings in it (`""`, or `/events/3`).
    prefix: String,
    /// The exchange that carried it.
    exchange: String,
}

/// The bodies of a few representative successful calls: a blocking `complete` send, a
/// `GetTask` of that task, a `long_running` send and its `CancelTask`, and (when the card
/// declares streaming) every event of a `complete` stream. `Skip` without a `complete` trigger.
async fn success_docs(cx: &Context) -> Result<Result<Vec<Doc>, Outcome>, HarnessError> {
    let fam = family(cx)?;
    let message = match talk::behaviour_message(cx, "complete")? {
        Ok(m) => m,
        Err(o) => return Ok(Err(o)),
    };
    let mut answers = Vec::new();
    let sent = call::call(
        cx,
        Operation::SendMessage,
        &talk::send_params(fam, &message, false),
    )
    .await?;
    let task_id = talk::sent_task_id(fam, &sent);
    answers.push(sent);
    if let Some(id) = task_id {
        answers.push(call::call(cx, Operation::GetTask, &talk::get_params(&id, None)).await?);
    }
    if let Ok(long) = talk::behaviour_message(cx, "long_running")? {
        let started = call::call(
            cx,
            Operation::SendMessage,
            &talk::send_params(fam, &long, true),
        )
        .await?;
        let id = talk::sent_task_id(fam, &started);
        answers.push(started);
        if let Some(id) = id {
            answers.push(call::call(cx, Operation::CancelTask, &json!({"id": id})).await?);
        }
    }
    let mut docs: Vec<Doc> = answers
        .into_iter()
        .filter_map(|a| {
            a.body.map(|value| Doc {
                value,
                prefix: String::new(),
                exchange: a.http.exchange,
            })
        })
        .collect();
    let streams = cx
        .card()
        .and_then(|c| c.pointer("/capabilities/streaming"))
        .and_then(Value::as_bool)
        == Some(true);
    if streams && let Ok(stream) = streaming::open(cx, "complete").await? {
        docs.extend(stream.events.into_iter().map(|(i, e)| Doc {
            value: e.doc,
            prefix: format!("/events/{i}"),
            exchange: stream.exchange.clone(),
        }));
    }
    Ok(Ok(docs))
}

/// Visits every member of `value` (pointer, name, value), skipping the free-form maps
/// (`metadata`, `data`, `params`, `scopes`) whose members are not protocol fields.
fn walk(value: &Value, at: &str, visit: &mut dyn FnMut(&str, &str, &Value)) {
    match value {
        Value::Object(o) => {
            for (k, v) in o {
                let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                visit(&here, k, v);
                if !matches!(k.as_str(), "metadata" | "data" | "params" | "scopes") {
                    walk(v, &here, visit);
                }
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                walk(v, &format!("{at}/{i}"), visit);
            }
        }
        _ => {}
    }
}

const TASK_STATES: &[&str] = &[
    "TASK_STATE_SUBMITTED",
    "TASK_STATE_WORKING",
    "TASK_STATE_INPUT_REQUIRED",
    "TASK_STATE_COMPLETED",
    "TASK_STATE_CANCELED",
    "TASK_STATE_FAILED",
    "TASK_STATE_REJECTED",
    "TASK_STATE_AUTH_REQUIRED",
];
const ROLES: &[&str] = &["ROLE_USER", "ROLE_AGENT"];
/// 0.3 `TaskState` and `Message.role` values (JSON schema).
const TASK_STATES_0_3: &[&str] = &[
    "submitted",
    "working",
    "input-required",
    "completed",
    "canceled",
    "failed",
    "rejected",
    "auth-required",
    "unknown",
];
const ROLES_0_3: &[&str] = &["user", "agent"];

/// Findings of `check` over every member of every document.
fn judge_docs(docs: &[Doc], check: MemberCheck, finding: &str) -> Vec<Failure> {
    let mut failures = Vec::new();
    for doc in docs {
        walk(&doc.value, &doc.prefix, &mut |at, name, value| {
            if let Some((expected, actual)) = check(name, value) {
                failures.push(
                    Failure::new(finding.to_owned())
                        .expected(expected)
                        .actual(actual)
                        .at(at.to_owned())
                        .in_exchange(&doc.exchange),
                );
            }
        });
    }
    failures
}

/// Runs a shape check over the success documents; no document at all is a skip.
async fn judge_success(
    cx: &Context,
    check: MemberCheck,
    finding: &str,
) -> Result<Outcome, HarnessError> {
    let docs = match success_docs(cx).await? {
        Ok(d) => d,
        Err(o) => return Ok(o),
    };
    if docs.is_empty() {
        return Ok(Outcome::Skip("no answer carried a JSON body".into()));
    }
    Ok(Outcome::from_failures(judge_docs(&docs, check, finding)))
}

/// TX-21 (1.0): every `state` is a `TASK_STATE_*` name and every `role` a `ROLE_*` name.
pub fn enum_names(cx: &Context) -> StepResult<'_> {
    Box::pin(judge_success(
        cx,
        |name, value| {
            let allowed = match name {
                "state" => TASK_STATES,
                "role" => ROLES,
                _ => return None,
            };
            (!value.as_str().is_some_and(|s| allowed.contains(&s)))
                .then(|| (format!("one of {}", allowed.join(", ")), show(Some(value))))
        },
        "TX-21: an enum is not written as its ProtoJSON name",
    ))
}

/// TX-22 (0.3): every `state` is a 0.3 `TaskState` value and every `role` `user` or `agent`.
pub fn enum_names_0_3(cx: &Context) -> StepResult<'_> {
    Box::pin(judge_success(
        cx,
        |name, value| {
            let allowed = match name {
                "state" => TASK_STATES_0_3,
                "role" => ROLES_0_3,
                _ => return None,
            };
            (!value.as_str().is_some_and(|s| allowed.contains(&s)))
                .then(|| (format!("one of {}", allowed.join(", ")), show(Some(value))))
        },
        "TX-22: an enum is not one of the 0.3 values",
    ))
}

/// A lowerCamelCase member name (`contextId`, `url`, `@type` aside).
fn is_camel_case(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// TX-20 (1.0): every member name is camelCase (free-form maps aside).
pub fn camel_case_names(cx: &Context) -> StepResult<'_> {
    Box::pin(judge_success(
        cx,
        |name, _| {
            (!is_camel_case(name) && !name.starts_with('@'))
                .then(|| ("a camelCase member name".to_owned(), format!("\"{name}\"")))
        },
        "TX-20: a member name is not camelCase",
    ))
}

/// What a 1.0 object is, for TX-24 and TX-26.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind1 {
    Task,
    Status,
    Message,
    Artifact,
    Part,
    StatusUpdate,
    ArtifactUpdate,
}

/// Every typed 1.0 object under `value` (of kind `kind`), with its pointer.
fn objects_1_0<'a>(
    value: &'a Value,
    at: &str,
    kind: Kind1,
    out: &mut Vec<(Kind1, String, &'a Value)>,
) {
    if !value.is_object() {
        return;
    }
    out.push((kind, at.to_owned(), value));
    let mut child = |name: &str, k: Kind1| {
        if let Some(v) = value.get(name) {
            objects_1_0(v, &format!("{at}/{name}"), k, out);
        }
    };
    match kind {
        Kind1::Task | Kind1::StatusUpdate => {
            child("status", Kind1::Status);
            child("artifact", Kind1::Artifact);
        }
        Kind1::Status => child("message", Kind1::Message),
        Kind1::ArtifactUpdate => child("artifact", Kind1::Artifact),
        Kind1::Message | Kind1::Artifact | Kind1::Part => {}
    }
    for (list, k) in [
        ("history", Kind1::Message),
        ("artifacts", Kind1::Artifact),
        ("parts", Kind1::Part),
    ] {
        let applies = matches!(
            (kind, list),
            (Kind1::Task, "history" | "artifacts") | (Kind1::Message | Kind1::Artifact, "parts")
        );
        if let (true, Some(items)) = (applies, value.get(list).and_then(Value::as_array)) {
            for (i, item) in items.iter().enumerate() {
                objects_1_0(item, &format!("{at}/{list}/{i}"), k, out);
            }
        }
    }
}

/// The typed objects of one 1.0 answer document (a send, get or cancel body, a stream event);
/// error answers hold none.
fn doc_objects_1_0(doc: &Doc) -> Vec<(Kind1, String, &Value)> {
    let (root, at) = match doc.value.get("result") {
        Some(r) => (r, format!("{}/result", doc.prefix)),
        None if doc.value.get("error").is_some() => return Vec::new(),
        None => (&doc.value, doc.prefix.clone()),
    };
    let mut out = Vec::new();
    let mut wrapped = false;
    for (name, kind) in [
        ("task", Kind1::Task),
        ("message", Kind1::Message),
        ("statusUpdate", Kind1::StatusUpdate),
        ("artifactUpdate", Kind1::ArtifactUpdate),
    ] {
        if let Some(v) = root.get(name) {
            wrapped = true;
            objects_1_0(v, &format!("{at}/{name}"), kind, &mut out);
        }
    }
    if !wrapped && root.get("status").is_some() {
        objects_1_0(root, &at, Kind1::Task, &mut out);
    }
    out
}

/// A check of one typed object: findings as (member pointer, expected, actual).
type ObjectCheck = fn(Kind1, &Value) -> Vec<(&'static str, String, String)>;

/// Runs `check` on every typed object of the success documents.
async fn judge_objects(
    cx: &Context,
    check: ObjectCheck,
    finding: &str,
) -> Result<Outcome, HarnessError> {
    let docs = match success_docs(cx).await? {
        Ok(d) => d,
        Err(o) => return Ok(o),
    };
    let mut failures = Vec::new();
    let mut judged = 0;
    for doc in &docs {
        for (kind, at, value) in doc_objects_1_0(doc) {
            judged += 1;
            for (member, expected, actual) in check(kind, value) {
                failures.push(
                    Failure::new(finding.to_owned())
                        .expected(expected)
                        .actual(actual)
                        .at(format!("{at}{member}"))
                        .in_exchange(&doc.exchange),
                );
            }
        }
    }
    if judged == 0 {
        return Ok(Outcome::Skip(
            "no answer carried a task or a message".into(),
        ));
    }
    Ok(Outcome::from_failures(failures))
}

/// TX-24 (1.0): the REQUIRED members: Task {id, status}, `TaskStatus` {state}, Message
/// {messageId, role, parts ≥ 1}, Artifact {artifactId, parts ≥ 1}, status update {taskId,
/// contextId, status}, artifact update {taskId, contextId, artifact}.
pub fn v1_required_members(cx: &Context) -> StepResult<'_> {
    Box::pin(judge_objects(
        cx,
        |kind, value| {
            let (required, non_empty): (&[&'static str], Option<&'static str>) = match kind {
                Kind1::Task => (&["/id", "/status"], None),
                Kind1::Status => (&["/state"], None),
                Kind1::Message => (&["/messageId", "/role", "/parts"], Some("/parts")),
                Kind1::Artifact => (&["/artifactId", "/parts"], Some("/parts")),
                Kind1::StatusUpdate => (&["/taskId", "/contextId", "/status"], None),
                Kind1::ArtifactUpdate => (&["/taskId", "/contextId", "/artifact"], None),
                Kind1::Part => (&[], None),
            };
            let mut found: Vec<(&'static str, String, String)> = required
                .iter()
                .filter(|m| value.pointer(m).is_none_or(Value::is_null))
                .map(|m| {
                    (
                        *m,
                        format!("the REQUIRED `{}`", &m[1..]),
                        "absent".to_owned(),
                    )
                })
                .collect();
            if let Some(list) = non_empty
                && value
                    .pointer(list)
                    .and_then(Value::as_array)
                    .is_some_and(Vec::is_empty)
            {
                found.push((list, "at least one part".to_owned(), "[]".to_owned()));
            }
            found
        },
        "TX-24: a REQUIRED member is missing",
    ))
}

/// TX-26 (1.0): each Part has exactly one of `text` / `raw` / `url` / `data`; `raw` is base64.
pub fn part_content_oneof(cx: &Context) -> StepResult<'_> {
    Box::pin(judge_objects(
        cx,
        |kind, value| {
            if kind != Kind1::Part {
                return Vec::new();
            }
            let present: Vec<&str> = ["text", "raw", "url", "data"]
                .into_iter()
                .filter(|m| value.get(*m).is_some_and(|v| !v.is_null()))
                .collect();
            let mut found = Vec::new();
            if present.len() != 1 {
                found.push((
                    "",
                    "exactly one of text, raw, url, data".to_owned(),
                    format!("{present:?}"),
                ));
            }
            if let Some(raw) = value.get("raw")
                && !raw.as_str().is_some_and(is_base64)
            {
                found.push(("/raw", "a base64 string".to_owned(), show(Some(raw))));
            }
            found
        },
        "TX-26: a Part does not carry exactly one content",
    ))
}

/// Standard or URL-safe base64, padded or not.
fn is_base64(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    text.len() - body.len() <= 2
        && body
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_'))
        && body.len() % 4 != 1
}

/// An RFC 3339 UTC timestamp ending in `Z` (`2025-01-01T00:00:00Z`, fractions allowed).
fn is_utc_z(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && text.ends_with('Z')
        && b[..text.len() - 1]
            .iter()
            .all(|c| c.is_ascii_digit() || matches!(c, b'-' | b'T' | b':' | b'.'))
}

/// TX-23 (1.0): every `timestamp` is ISO 8601 UTC ending in `Z`.
pub fn timestamps_utc(cx: &Context) -> StepResult<'_> {
    Box::pin(judge_success(
        cx,
        |name, value| {
            (name == "timestamp" && !value.as_str().is_some_and(is_utc_z)).then(|| {
                (
                    "an ISO 8601 UTC timestamp ending in Z".to_owned(),
                    show(Some(value)),
                )
            })
        },
        "TX-23: a timestamp is not UTC with a Z suffix",
    ))
}

/// The 0.3 object a document holds (`result` of a JSON-RPC response).
fn object_0_3(doc: &Doc) -> Option<(&Value, String)> {
    doc.value
        .get("result")
        .map(|r| (r, format!("{}/result", doc.prefix)))
}

/// Required members and `kind` of one 0.3 object, by its kind (or by its shape, when the kind
/// is missing): Task, Message, status update, artifact update; then its messages and parts.
fn judge_0_3(
    value: &Value,
    at: &str,
    expected_kind: Option<&str>,
    out: &mut Vec<(String, String, String)>,
) {
    let Some(o) = value.as_object() else {
        return;
    };
    let kind = o.get("kind").and_then(Value::as_str);
    let known =
        kind.filter(|k| matches!(*k, "task" | "message" | "status-update" | "artifact-update"));
    let inferred = expected_kind.or(known).or_else(|| {
        if o.contains_key("artifact") {
            Some("artifact-update")
        } else if o.contains_key("taskId") && o.contains_key("status") {
            Some("status-update")
        } else if o.contains_key("status") {
            Some("task")
        } else if o.contains_key("messageId") || o.contains_key("role") {
            Some("message")
        } else {
            None
        }
    });
    let required: &[&str] = match inferred {
        Some("task") => &["id", "contextId", "status"],
        Some("message") => &["messageId", "role", "parts"],
        Some("status-update") => &["taskId", "contextId", "status", "final"],
        Some("artifact-update") => &["taskId", "contextId", "artifact"],
        _ => return,
    };
    let Some(want) = inferred else { return };
    if kind != Some(want) {
        out.push((
            format!("{at}/kind"),
            format!("kind \"{want}\""),
            show(o.get("kind")),
        ));
    }
    for field in required {
        if !o.contains_key(*field) {
            out.push((
                format!("{at}/{field}"),
                format!("the required `{field}`"),
                "absent".into(),
            ));
        }
    }
    let mut messages: Vec<(String, &Value)> = Vec::new();
    if let Some(m) = value.pointer("/status/message") {
        messages.push((format!("{at}/status/message"), m));
    }
    if let Some(h) = o.get("history").and_then(Value::as_array) {
        messages.extend(
            h.iter()
                .enumerate()
                .map(|(i, m)| (format!("{at}/history/{i}"), m)),
        );
    }
    for (p, m) in messages {
        judge_0_3(m, &p, Some("message"), out);
    }
    let mut parts: Vec<(String, &Value)> = Vec::new();
    if let Some(ps) = o.get("parts").and_then(Value::as_array) {
        parts.extend(
            ps.iter()
                .enumerate()
                .map(|(i, p)| (format!("{at}/parts/{i}"), p)),
        );
    }
    let artifacts: Vec<(String, &Value)> = match (o.get("artifacts"), o.get("artifact")) {
        (Some(Value::Array(a)), _) => a
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("{at}/artifacts/{i}"), a))
            .collect(),
        (_, Some(a)) => vec![(format!("{at}/artifact"), a)],
        _ => Vec::new(),
    };
    for (p, a) in artifacts {
        if let Some(ps) = a.get("parts").and_then(Value::as_array) {
            parts.extend(
                ps.iter()
                    .enumerate()
                    .map(|(i, x)| (format!("{p}/parts/{i}"), x)),
            );
        }
    }
    for (p, part) in parts {
        let k = part.get("kind").and_then(Value::as_str);
        if !matches!(k, Some("text" | "file" | "data")) {
            out.push((
                format!("{p}/kind"),
                "kind text, file or data".into(),
                show(part.get("kind")),
            ));
        }
    }
}

/// TX-25 (0.3): Task, Message and update events carry their required members and `kind`.
pub fn v03_required_and_kind(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let docs = match success_docs(cx).await? {
            Ok(d) => d,
            Err(o) => return Ok(o),
        };
        let mut failures = Vec::new();
        let mut judged = 0;
        for doc in &docs {
            let Some((object, at)) = object_0_3(doc) else {
                continue;
            };
            judged += 1;
            let mut found = Vec::new();
            judge_0_3(object, &at, None, &mut found);
            failures.extend(found.into_iter().map(|(p, expected, actual)| {
                Failure::new("TX-25: a 0.3 object lacks a required member or its kind")
                    .expected(expected)
                    .actual(actual)
                    .at(p)
                    .in_exchange(&doc.exchange)
            }));
        }
        if judged == 0 {
            return Ok(Outcome::Skip("no answer carried a result".into()));
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// TX-02 (0.3 JSON-RPC), TX-03 (1.0 JSON-RPC), TX-04 (0.3 HTTP+JSON): answers are
/// `application/json`; TX-05 (1.0 HTTP+JSON, a SHOULD): `application/a2a+json` (1.0.0:
/// `application/json` too). Judged on a `GetTask` of an unknown id (an error answer) and, with
/// a `complete` trigger, a blocking send (a success answer); parameters are ignored.
pub fn content_types(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let target = cx.target()?;
        let fam = target.version.family();
        let accepted: &[&str] = match (target.binding, target.version) {
            (Binding::HttpJson, ProtocolVersion::V1_0) => &["application/a2a+json"],
            (Binding::HttpJson, ProtocolVersion::V1_0_0) => {
                &["application/a2a+json", "application/json"]
            }
            _ => &["application/json"],
        };
        let mut answers = vec![
            call::call(
                cx,
                Operation::GetTask,
                &json!({"id": talk::fresh_id("tck-no-such-task-")}),
            )
            .await?,
        ];
        if let Ok(message) = talk::behaviour_message(cx, "complete")? {
            answers.push(
                call::call(
                    cx,
                    Operation::SendMessage,
                    &talk::send_params(fam, &message, false),
                )
                .await?,
            );
        }
        let failures = answers
            .iter()
            .filter_map(|a| {
                let got = a.http.media_type();
                (!got.as_deref().is_some_and(|m| accepted.contains(&m))).then(|| {
                    Failure::new("the answer's Content-Type is not the binding's media type")
                        .expected(accepted.join(" or "))
                        .actual(got.unwrap_or_else(|| "no Content-Type".into()))
                        .in_exchange(&a.http.exchange)
                })
            })
            .collect();
        Ok(Outcome::from_failures(failures))
    })
}

/// An error answer the kit provoked on purpose, with the A2A error it must be.
struct Provoked {
    expected: A2aError,
    answer: Answer,
}

/// Provokes the errors this kit can trigger on any agent: `GetTask` of an unknown id, and a
/// message without `messageId`; with a `complete` trigger, `CancelTask` of the completed task
/// and (1.0) a message to it; (1.0) `GetTask` with `A2A-Version: 99.0`.
async fn provoke_errors(cx: &Context) -> Result<Vec<Provoked>, HarnessError> {
    let target = cx.target()?;
    let fam = target.version.family();
    let mut out = Vec::new();
    let unknown = json!({"id": talk::fresh_id("tck-no-such-task-")});
    out.push(Provoked {
        expected: A2aError::TaskNotFound,
        answer: call::call(cx, Operation::GetTask, &unknown).await?,
    });
    let mut no_id = talk::user_message(fam, "x", "hello");
    if let Some(m) = no_id.as_object_mut() {
        m.remove("messageId");
    }
    out.push(Provoked {
        expected: A2aError::InvalidParams,
        answer: call::call(cx, Operation::SendMessage, &json!({"message": no_id})).await?,
    });
    if let Ok(Ok(done)) = talk::start(cx, "complete", false).await {
        let settled = talk::settle(cx, &done.id).await?;
        if settled
            .as_ref()
            .is_ok_and(|s| talk::state_of(fam, &s.task).is_some_and(State::is_terminal))
        {
            out.push(Provoked {
                expected: A2aError::TaskNotCancelable,
                answer: call::call(cx, Operation::CancelTask, &json!({"id": done.id})).await?,
            });
            if fam == Family::V1_0 {
                let mut again = talk::user_message(fam, &talk::fresh_id("tck-again-"), "again");
                if let Some(m) = again.as_object_mut() {
                    m.insert("taskId".into(), Value::from(done.id.clone()));
                }
                out.push(Provoked {
                    expected: A2aError::UnsupportedOperation,
                    answer: call::call(cx, Operation::SendMessage, &json!({"message": again}))
                        .await?,
                });
            }
        }
    }
    if fam == Family::V1_0 {
        let (mut request, id) = call::request(target, Operation::GetTask, &unknown)?;
        request
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("a2a-version"));
        request.headers.push(("A2A-Version".into(), "99.0".into()));
        let http = cx.send(request).await?;
        out.push(Provoked {
            expected: A2aError::VersionNotSupported,
            answer: call::answer(target, http, id),
        });
    }
    Ok(out)
}

/// The error-detail array of an error (`data` in JSON-RPC, `details` in HTTP+JSON), with its
/// pointer.
fn details(binding: Binding, error: &Value) -> Option<(&Vec<Value>, &'static str)> {
    match binding {
        Binding::JsonRpc => error.get("data")?.as_array().map(|d| (d, "/error/data")),
        Binding::HttpJson => error
            .get("details")?
            .as_array()
            .map(|d| (d, "/error/details")),
    }
}

/// ERR-01: every error has an integer `code` and a string `message`.
pub fn errors_have_code_and_message(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let mut failures = Vec::new();
        for p in provoke_errors(cx).await? {
            let Some(error) = &p.answer.error else {
                continue;
            };
            let x = &p.answer.http.exchange;
            if !error.get("code").is_some_and(Value::is_i64) {
                failures.push(
                    Failure::new("ERR-01: an error has no integer code")
                        .expected("an integer `code`")
                        .actual(show(error.get("code")))
                        .at("/error/code")
                        .in_exchange(x),
                );
            }
            if !error.get("message").is_some_and(Value::is_string) {
                failures.push(
                    Failure::new("ERR-01: an error has no message")
                        .expected("a string `message`")
                        .actual(show(error.get("message")))
                        .at("/error/message")
                        .in_exchange(x),
                );
            }
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// ERR-02 (1.0.1): every error-detail element is an object with a string `@type`.
pub fn details_typed(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let target = cx.target()?;
        if target.version == ProtocolVersion::V1_0_0 {
            return Ok(Outcome::NotApplicable(
                "A2A 1.0.0 does not require @type on error details (1.0.1 does)".into(),
            ));
        }
        let mut failures = Vec::new();
        for p in provoke_errors(cx).await? {
            let Some((items, at)) = p
                .answer
                .error
                .as_ref()
                .and_then(|e| details(target.binding, e))
            else {
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                if !item.get("@type").is_some_and(Value::is_string) {
                    failures.push(
                        Failure::new("ERR-02: an error-detail element has no @type")
                            .expected("an object with a string `@type`")
                            .actual(show(Some(item)))
                            .at(format!("{at}/{i}"))
                            .in_exchange(&p.answer.http.exchange),
                    );
                }
            }
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// ERR-03 (1.0, HTTP+JSON): each A2A error carries an `ErrorInfo` naming its reason in the
/// `a2a-protocol.org` domain.
pub fn rest_error_info(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let target = cx.target()?;
        let mut failures = Vec::new();
        let mut judged = 0;
        for p in provoke_errors(cx).await? {
            let (Some(error), Some(reason)) = (&p.answer.error, p.expected.reason()) else {
                continue;
            };
            judged += 1;
            let infos: Vec<&Value> = details(target.binding, error)
                .map(|(d, _)| {
                    d.iter()
                        .filter(|i| i.get("@type").and_then(Value::as_str) == Some(ERROR_INFO))
                        .collect()
                })
                .unwrap_or_default();
            // The reason must name the provoked error when the status says it is that error;
            // an answer with another status (ERR-06 judges that) needs some UPPER_SNAKE reason.
            let same_error = p.answer.http.status == p.expected.http_status(target.version);
            let ok = infos.iter().any(|i| {
                let r = i.get("reason").and_then(Value::as_str).unwrap_or("");
                let reason_ok = if same_error {
                    r == reason
                } else {
                    !r.is_empty()
                        && r.bytes()
                            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
                };
                reason_ok && i.get("domain").and_then(Value::as_str) == Some(A2A_DOMAIN)
            });
            if !ok {
                failures.push(
                    Failure::new(format!(
                        "ERR-03: the {} error carries no matching ErrorInfo",
                        p.expected.name()
                    ))
                    .expected(format!(
                        "{{\"@type\": \"{ERROR_INFO}\", \"reason\": \"{reason}\", \"domain\": \"{A2A_DOMAIN}\"}}"
                    ))
                    .actual(show(error.get("details")))
                    .at("/error/details")
                    .in_exchange(&p.answer.http.exchange),
                );
            }
        }
        if judged == 0 {
            return Ok(Outcome::Skip(
                "the agent answered none of the provoked A2A errors with an error".into(),
            ));
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// ERR-07 (1.0, HTTP+JSON): an error body is google.rpc.Status JSON: `{"error": {code (the
/// HTTP status), status, message, details (an array, when present)}}`.
pub fn rest_error_body(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let mut failures = Vec::new();
        let mut judged = 0;
        for p in provoke_errors(cx).await? {
            let a = &p.answer;
            if a.http.status < 400 {
                continue;
            }
            judged += 1;
            let x = &a.http.exchange;
            let Some(error) = a
                .body
                .as_ref()
                .and_then(|b| b.get("error"))
                .filter(|e| e.is_object())
            else {
                failures.push(
                    Failure::new("ERR-07: the error body is not a google.rpc.Status")
                        .expected("{\"error\": {\"code\", \"status\", \"message\", \"details\"}}")
                        .actual(show(a.body.as_ref()))
                        .at("/error")
                        .in_exchange(x),
                );
                continue;
            };
            let checks: [(&str, bool, String); 4] = [
                (
                    "/error/code",
                    error.get("code").and_then(Value::as_u64) == Some(u64::from(a.http.status)),
                    format!("the HTTP status {}", a.http.status),
                ),
                (
                    "/error/status",
                    error.get("status").is_some_and(Value::is_string),
                    "a status name (NOT_FOUND, …)".into(),
                ),
                (
                    "/error/message",
                    error.get("message").is_some_and(Value::is_string),
                    "a string".into(),
                ),
                (
                    "/error/details",
                    error.get("details").is_none_or(Value::is_array),
                    "an array".into(),
                ),
            ];
            for (at, ok, expected) in checks {
                if !ok {
                    failures.push(
                        Failure::new("ERR-07: the error body is not a google.rpc.Status")
                            .expected(expected)
                            .actual(show(a.body.as_ref().and_then(|b| b.pointer(at))))
                            .at(at)
                            .in_exchange(x),
                    );
                }
            }
        }
        if judged == 0 {
            return Ok(Outcome::Skip(
                "the agent answered none of the provoked errors with an error".into(),
            ));
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// ERR-06 (1.0): each error answer to a provoked condition has the table's JSON-RPC code or
/// HTTP status (1.0.0 or 1.0.1 table by target). Success answers are judged by the scenario
/// of their condition.
pub fn error_mapping(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let target = cx.target()?;
        let mut failures = Vec::new();
        let mut judged = 0;
        for p in provoke_errors(cx).await? {
            if p.answer.error.is_none() && p.answer.http.status < 400 {
                continue;
            }
            judged += 1;
            let x = &p.answer.http.exchange;
            match target.binding {
                Binding::JsonRpc if p.answer.error_code() != Some(p.expected.code()) => {
                    failures.push(
                        Failure::new(format!(
                            "ERR-06: {} is not mapped to its JSON-RPC code",
                            p.expected.name()
                        ))
                        .expected(format!("error {}", p.expected.code()))
                        .actual(talk::describe(&p.answer))
                        .at("/error/code")
                        .in_exchange(x),
                    );
                }
                Binding::HttpJson
                    if p.answer.http.status != p.expected.http_status(target.version) =>
                {
                    failures.push(
                        Failure::new(format!(
                            "ERR-06: {} is not mapped to its HTTP status",
                            p.expected.name()
                        ))
                        .expected(format!("HTTP {}", p.expected.http_status(target.version)))
                        .actual(talk::describe(&p.answer))
                        .in_exchange(x),
                    );
                }
                _ => {}
            }
        }
        if judged == 0 {
            return Ok(Outcome::Skip(
                "the agent answered none of the provoked errors with an error".into(),
            ));
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// SEND-14: malformed messages (no role, an unknown role, `parts` not an array) are invalid
/// params: -32602, or HTTP 400; never a success or a server error. (No probe sends an empty
/// `parts`: an agent accepting it would keep a task that fails the schema in every later
/// `ListTasks` of the run, turning unrelated scenarios red.)
pub fn malformed_messages(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let target = cx.target()?;
        let fam = target.version.family();
        let unknown_role = match fam {
            Family::V1_0 => "ROLE_ROBOT",
            Family::V0_3 => "robot",
        };
        // (what, member, its new value: none removes it)
        let probes = [
            ("without role", "role", None),
            ("with an unknown role", "role", Some(json!(unknown_role))),
            ("whose parts is a string", "parts", Some(json!("hello"))),
        ];
        let mut failures = Vec::new();
        for (what, member, value) in probes {
            let mut message = talk::user_message(fam, &talk::fresh_id("tck-malformed-"), "hello");
            if let Some(m) = message.as_object_mut() {
                match value {
                    Some(v) => m.insert(member.into(), v),
                    None => m.remove(member),
                };
            }
            let answer =
                call::call(cx, Operation::SendMessage, &json!({"message": message})).await?;
            let found = match target.binding {
                Binding::JsonRpc => expect_error(cx, &answer, A2aError::InvalidParams)?,
                Binding::HttpJson if answer.http.status == 400 => {
                    conform(cx, &answer, Expect::Error)
                }
                Binding::HttpJson => vec![
                    Failure::new("not refused as invalid")
                        .expected("HTTP 400")
                        .actual(talk::describe(&answer))
                        .in_exchange(&answer.http.exchange),
                ],
            };
            failures.extend(found.into_iter().map(|mut f| {
                f.message = format!("SEND-14: a message {what}: {}", f.message);
                f
            }));
        }
        Ok(Outcome::from_failures(failures))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{is_base64, is_camel_case, is_utc_z, judge_0_3};

    #[test]
    fn tells_camel_case_from_other_spellings() {
        assert!(is_camel_case("contextId"));
        assert!(is_camel_case("url"));
        assert!(!is_camel_case("context_id"));
        assert!(!is_camel_case("ContextId"));
        assert!(!is_camel_case(""));
    }

    #[test]
    fn tells_base64_from_other_text() {
        assert!(is_base64("aGVsbG8="));
        assert!(is_base64("aGVsbG8"));
        assert!(is_base64("_-8="));
        assert!(!is_base64("not base64!"));
        assert!(!is_base64("a"));
    }

    #[test]
    fn accepts_only_utc_timestamps_with_z() {
        assert!(is_utc_z("2025-01-01T00:00:00Z"));
        assert!(is_utc_z("2025-01-01T00:00:00.123456Z"));
        assert!(!is_utc_z("2025-01-01T00:00:00+00:00"));
        assert!(!is_utc_z("2025-01-01 00:00:00Z"));
        assert!(!is_utc_z("1735689600"));
    }

    #[test]
    fn finds_missing_kind_and_required_members_of_0_3_objects() {
        let task = json!({
            "id": "t", "status": {"state": "completed"},
            "history": [{"kind": "message", "messageId": "m", "role": "user", "parts": [{"text": "x"}]}]
        });
        let mut found = Vec::new();
        judge_0_3(&task, "/result", None, &mut found);
        let pointers: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/result/kind",
                "/result/contextId",
                "/result/history/0/parts/0/kind"
            ]
        );
    }

    #[test]
    fn a_complete_0_3_task_has_no_finding() {
        let task = json!({
            "kind": "task", "id": "t", "contextId": "c", "status": {"state": "completed"},
            "artifacts": [{"artifactId": "a", "parts": [{"kind": "data", "data": {}}]}]
        });
        let mut found = Vec::new();
        judge_0_3(&task, "", None, &mut found);
        assert!(found.is_empty(), "{found:?}");
    }
}
