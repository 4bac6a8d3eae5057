//! Talking to the agent about tasks, whatever the version and binding: a message that asks for
//! a scripted behaviour, the task inside an answer, the A2A error an answer must be, and the
//! schema every answer must conform to.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::check::HarnessError;
use crate::context::Context;
use crate::rules::state_machine::State;
use crate::scenario::{Binding, Family, ProtocolVersion};
use crate::transport::call::{self, Answer};
use crate::transport::jsonrpc::{Operation, show};
use crate::verdict::{Failure, Outcome};

static SEQ: AtomicU64 = AtomicU64::new(1);

/// A fresh identifier (unique within the process and across runs).
pub fn fresh_id(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{prefix}{nanos:x}-{}", SEQ.fetch_add(1, Ordering::Relaxed))
}

/// The protocol family of the run.
pub fn family(cx: &Context) -> Result<Family, HarnessError> {
    Ok(cx.target()?.version.family())
}

/// A user message in the version's shape.
pub fn user_message(family: Family, message_id: &str, text: &str) -> Value {
    match family {
        Family::V1_0 => json!({
            "messageId": message_id,
            "role": "ROLE_USER",
            "parts": [{"text": text}]
        }),
        Family::V0_3 => json!({
            "kind": "message",
            "messageId": message_id,
            "role": "user",
            "parts": [{"kind": "text", "text": text}]
        }),
    }
}

/// The message that asks for `behaviour` through the profile's trigger, or `Skip` naming the
/// missing mapping.
pub fn behaviour_message(
    cx: &Context,
    behaviour: &str,
) -> Result<Result<Value, Outcome>, HarnessError> {
    let family = family(cx)?;
    let Some(trigger) = cx.profile.behaviours.trigger(behaviour) else {
        return Ok(Err(Outcome::Skip(format!(
            "no trigger for the `{behaviour}` behaviour (profile [behaviours])"
        ))));
    };
    let id = match &trigger.message_id_prefix {
        Some(prefix) => fresh_id(&format!("{prefix}-")),
        None => fresh_id("tck-"),
    };
    let text = trigger.message_text.as_deref().unwrap_or("hello");
    Ok(Ok(user_message(family, &id, text)))
}

/// `SendMessage` params for `message`, blocking or not.
pub fn send_params(family: Family, message: &Value, return_immediately: bool) -> Value {
    match (family, return_immediately) {
        (_, false) => json!({"message": message}),
        (Family::V1_0, true) => {
            json!({"message": message, "configuration": {"returnImmediately": true}})
        }
        (Family::V0_3, true) => json!({"message": message, "configuration": {"blocking": false}}),
    }
}

/// The task of a send answer: 1.0 `{task}`, 0.3 a bare Task (`kind: "task"`, or with `status`).
pub fn task_of_send(family: Family, result: &Value) -> Option<&Value> {
    match family {
        Family::V1_0 => result.get("task"),
        Family::V0_3 => (result.get("kind").and_then(Value::as_str) == Some("task")
            || result.get("status").is_some())
        .then_some(result),
    }
}

/// The id of the task a send answer carries, if it carries one.
pub fn sent_task_id(family: Family, answer: &Answer) -> Option<String> {
    answer
        .result
        .as_ref()
        .and_then(|r| task_of_send(family, r))
        .and_then(|t| t.get("id"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The state of a task, parsed.
pub fn state_of(family: Family, task: &Value) -> Option<State> {
    State::parse(family, task.pointer("/status/state")?.as_str()?)
}

/// The wire text of a task's state.
pub fn state_text(task: &Value) -> String {
    show(task.pointer("/status/state"))
}

/// A task that has reached a state, with the exchange that showed it.
#[derive(Debug, Clone)]
pub struct Reached {
    /// The task as last seen.
    pub task: Value,
    /// Its id.
    pub id: String,
    /// The exchange.
    pub exchange: String,
}

impl Reached {
    fn from(task: &Value, exchange: &str) -> Result<Self, Outcome> {
        let id = task
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                Outcome::Fail(vec![
                    Failure::new("the task has no id")
                        .expected("a non-empty string")
                        .actual(show(task.get("id")))
                        .at("/id")
                        .in_exchange(exchange),
                ])
            })?;
        Ok(Self {
            id: id.to_owned(),
            task: task.clone(),
            exchange: exchange.to_owned(),
        })
    }
}

/// Sends `params` and returns the task of the answer; an answer without one (error, message,
/// schema finding) is the agent's failure.
pub async fn send_for_task(
    cx: &Context,
    params: &Value,
) -> Result<Result<Reached, Outcome>, HarnessError> {
    let answer = call::call(cx, Operation::SendMessage, params).await?;
    send_answer_task(cx, &answer)
}

/// The task of a send answer; an answer without one (error, message, schema finding) is the
/// agent's failure.
pub fn send_answer_task(
    cx: &Context,
    answer: &Answer,
) -> Result<Result<Reached, Outcome>, HarnessError> {
    let family = family(cx)?;
    let x = answer.http.exchange.clone();
    let mut failures = conform(cx, answer, Expect::SendResult);
    let task = answer.result.as_ref().and_then(|r| task_of_send(family, r));
    let Some(task) = task else {
        failures.push(
            Failure::new("the send did not answer with a task")
                .expected("a Task")
                .actual(show(answer.body.as_ref()))
                .in_exchange(&x),
        );
        return Ok(Err(Outcome::Fail(failures)));
    };
    if !failures.is_empty() {
        return Ok(Err(Outcome::Fail(failures)));
    }
    Ok(Reached::from(task, &x))
}

/// Asks for `behaviour` and returns the task it created.
pub async fn start(
    cx: &Context,
    behaviour: &str,
    return_immediately: bool,
) -> Result<Result<Reached, Outcome>, HarnessError> {
    let family = family(cx)?;
    let message = match behaviour_message(cx, behaviour)? {
        Ok(m) => m,
        Err(skip) => return Ok(Err(skip)),
    };
    send_for_task(cx, &send_params(family, &message, return_immediately)).await
}

/// `GetTask` params.
pub fn get_params(id: &str, history_length: Option<u32>) -> Value {
    match history_length {
        Some(n) => json!({"id": id, "historyLength": n}),
        None => json!({"id": id}),
    }
}

/// Gets a task; an answer that is not a conforming Task is the agent's failure.
pub async fn get_task(
    cx: &Context,
    id: &str,
    history_length: Option<u32>,
) -> Result<Result<Reached, Outcome>, HarnessError> {
    let answer = call::call(cx, Operation::GetTask, &get_params(id, history_length)).await?;
    task_answer(cx, &answer, "GetTask")
}

/// The Task of a `GetTask` / `CancelTask` answer.
pub fn task_answer(
    cx: &Context,
    answer: &Answer,
    what: &str,
) -> Result<Result<Reached, Outcome>, HarnessError> {
    let x = answer.http.exchange.clone();
    let mut failures = conform(cx, answer, Expect::Task);
    match &answer.result {
        Some(task) if failures.is_empty() => Ok(Reached::from(task, &x)),
        Some(_) => Ok(Err(Outcome::Fail(failures))),
        None => {
            failures.push(
                Failure::new(format!("{what} did not answer with the task"))
                    .expected("a Task")
                    .actual(show(answer.body.as_ref()))
                    .in_exchange(&x),
            );
            Ok(Err(Outcome::Fail(failures)))
        }
    }
}

/// Polls `GetTask` until the task is terminal or interrupted (or the request deadline passes).
pub async fn settle(cx: &Context, id: &str) -> Result<Result<Reached, Outcome>, HarnessError> {
    let family = family(cx)?;
    let deadline = std::time::Instant::now()
        + std::time::Duration::from_millis(cx.profile.timeouts.request_ms);
    loop {
        let reached = match get_task(cx, id, None).await? {
            Ok(r) => r,
            Err(o) => return Ok(Err(o)),
        };
        let settled =
            state_of(family, &reached.task).is_some_and(|s| s.is_terminal() || s.is_interrupted());
        if settled || std::time::Instant::now() >= deadline {
            return Ok(Ok(reached));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// An A2A error (DIGEST §2.2, §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum A2aError {
    /// -32001.
    TaskNotFound,
    /// -32002.
    TaskNotCancelable,
    /// -32004.
    UnsupportedOperation,
    /// -32009.
    VersionNotSupported,
    /// -32602 (validation).
    InvalidParams,
    /// -32007 (0.3: `AuthenticatedExtendedCardNotConfiguredError`).
    ExtendedCardNotConfigured,
}

impl A2aError {
    /// JSON-RPC code.
    pub fn code(self) -> i64 {
        match self {
            Self::TaskNotFound => -32001,
            Self::TaskNotCancelable => -32002,
            Self::UnsupportedOperation => -32004,
            Self::VersionNotSupported => -32009,
            Self::InvalidParams => -32602,
            Self::ExtendedCardNotConfigured => -32007,
        }
    }

    /// HTTP status in the target's revision of the 1.0 table.
    pub fn http_status(self, version: ProtocolVersion) -> u16 {
        match (self, version) {
            (Self::TaskNotFound, _) => 404,
            (Self::TaskNotCancelable, ProtocolVersion::V1_0_0) => 409,
            _ => 400,
        }
    }

    /// `ErrorInfo.reason` (none for the standard validation error).
    pub fn reason(self) -> Option<&'static str> {
        match self {
            Self::TaskNotFound => Some("TASK_NOT_FOUND"),
            Self::TaskNotCancelable => Some("TASK_NOT_CANCELABLE"),
            Self::UnsupportedOperation => Some("UNSUPPORTED_OPERATION"),
            Self::VersionNotSupported => Some("VERSION_NOT_SUPPORTED"),
            Self::ExtendedCardNotConfigured => Some("EXTENDED_AGENT_CARD_NOT_CONFIGURED"),
            Self::InvalidParams => None,
        }
    }

    /// The spec's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::TaskNotFound => "TaskNotFoundError",
            Self::TaskNotCancelable => "TaskNotCancelableError",
            Self::UnsupportedOperation => "UnsupportedOperationError",
            Self::VersionNotSupported => "VersionNotSupportedError",
            Self::InvalidParams => "InvalidParamsError",
            Self::ExtendedCardNotConfigured => "ExtendedAgentCardNotConfiguredError",
        }
    }
}

/// The findings of an answer that must be `expected`: the JSON-RPC code, or the REST status
/// and `ErrorInfo.reason` (A2A 1.0 §5.4, §11.6); schema conformance of the error body.
pub fn expect_error(
    cx: &Context,
    answer: &Answer,
    expected: A2aError,
) -> Result<Vec<Failure>, HarnessError> {
    let target = cx.target()?;
    let x = answer.http.exchange.clone();
    let mut failures = Vec::new();
    match target.binding {
        Binding::JsonRpc => {
            if answer.error_code() != Some(expected.code()) {
                failures.push(
                    Failure::new(format!("the answer is not {}", expected.name()))
                        .expected(format!("JSON-RPC error {}", expected.code()))
                        .actual(describe(answer))
                        .at("/error/code")
                        .in_exchange(&x),
                );
            }
        }
        Binding::HttpJson => {
            let status = expected.http_status(target.version);
            if answer.http.status != status {
                failures.push(
                    Failure::new(format!("the answer is not {}", expected.name()))
                        .expected(format!("HTTP {status}"))
                        .actual(describe(answer))
                        .in_exchange(&x),
                );
            } else if let Some(reason) = expected.reason() {
                let reasons: Vec<&str> = answer
                    .error
                    .as_ref()
                    .and_then(|e| e.get("details"))
                    .and_then(Value::as_array)
                    .map(|d| {
                        d.iter()
                            .filter_map(|i| i.get("reason").and_then(Value::as_str))
                            .collect()
                    })
                    .unwrap_or_default();
                if !reasons.contains(&reason) {
                    failures.push(
                        Failure::new(format!("the error does not name {}", expected.name()))
                            .expected(format!("an ErrorInfo with reason {reason}"))
                            .actual(format!("{reasons:?}"))
                            .at("/error/details")
                            .in_exchange(&x),
                    );
                }
            }
        }
    }
    if answer.error.is_some() {
        failures.extend(conform(cx, answer, Expect::Error));
    }
    Ok(failures)
}

/// One line about an answer for findings.
pub fn describe(answer: &Answer) -> String {
    match (&answer.error, &answer.result) {
        (Some(e), _) => format!("HTTP {}, error {}", answer.http.status, show(Some(e))),
        (None, Some(r)) => format!("HTTP {}, result {}", answer.http.status, show(Some(r))),
        (None, None) => format!(
            "HTTP {}, {}",
            answer.http.status,
            show(answer.body.as_ref())
        ),
    }
}

/// What an answer should be, for schema validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A send result.
    SendResult,
    /// A Task (`GetTask`, `CancelTask`).
    Task,
    /// An error.
    Error,
    /// One stream event.
    StreamEvent,
    /// A page of `ListTasks` (1.0 only).
    TaskPage,
}

/// The schema definition an answer body must conform to, by version and binding.
pub fn schema_ref(version: ProtocolVersion, binding: Binding, expect: Expect) -> &'static str {
    match (version.family(), binding, expect) {
        (Family::V1_0, Binding::JsonRpc, Expect::SendResult) => {
            "v1.0#/$defs/JsonRpcSendMessageSuccess"
        }
        (Family::V1_0, Binding::JsonRpc, Expect::Task) => "v1.0#/$defs/JsonRpcTaskSuccess",
        (Family::V1_0, Binding::JsonRpc, Expect::Error) => "v1.0#/$defs/JsonRpcError",
        (Family::V1_0, Binding::JsonRpc, Expect::StreamEvent) => "v1.0#/$defs/JsonRpcStreamSuccess",
        (Family::V1_0, Binding::HttpJson, Expect::SendResult) => "v1.0#/$defs/SendMessageResponse",
        (Family::V1_0, Binding::HttpJson, Expect::Task) => "v1.0#/$defs/Task",
        (Family::V1_0, Binding::HttpJson, Expect::Error) => "v1.0#/$defs/RestError",
        (Family::V1_0, Binding::HttpJson, Expect::StreamEvent) => "v1.0#/$defs/StreamResponse",
        (Family::V1_0, Binding::JsonRpc, Expect::TaskPage) => "v1.0#/$defs/JsonRpcListTasksSuccess",
        (Family::V1_0, Binding::HttpJson, Expect::TaskPage) => "v1.0#/$defs/ListTasksResponse",
        (Family::V0_3, _, Expect::SendResult) => "v0.3#/$defs/JsonRpcSendMessageSuccess",
        (Family::V0_3, _, Expect::Task) => "v0.3#/$defs/JsonRpcTaskSuccess",
        (Family::V0_3, _, Expect::Error) => "v0.3#/$defs/JsonRpcError",
        (Family::V0_3, _, Expect::StreamEvent) => "v0.3#/$defs/JsonRpcStreamSuccess",
        // 0.3 has no ListTasks: the schema set has no such definition, so nothing is judged.
        (Family::V0_3, _, Expect::TaskPage) => "v0.3#/$defs/ListTasksResponse",
    }
}

/// Schema findings of a whole answer body (nothing when no schemas are loaded, or the body is
/// not JSON: the rules report that).
pub fn conform(cx: &Context, answer: &Answer, expect: Expect) -> Vec<Failure> {
    let Some(body) = &answer.body else {
        return Vec::new();
    };
    conform_value(cx, body, expect, "", &answer.http.exchange)
}

/// Schema findings of one document; pointers are prefixed with `prefix`.
pub fn conform_value(
    cx: &Context,
    doc: &Value,
    expect: Expect,
    prefix: &str,
    exchange: &str,
) -> Vec<Failure> {
    let (Some(schemas), Ok(target)) = (&cx.schemas, cx.target()) else {
        return Vec::new();
    };
    let reference = schema_ref(target.version, target.binding, expect);
    match schemas.validate(reference, doc) {
        Ok(findings) => findings
            .into_iter()
            .map(|f| {
                Failure::new(format!("does not conform to {reference}: {}", f.message))
                    .at(format!("{prefix}{}", f.instance_path))
                    .schema_location(format!("{reference}{}", f.schema_location))
                    .in_exchange(exchange)
            })
            .collect(),
        // The schema set lacks the definition: nothing to judge against.
        Err(_) => Vec::new(),
    }
}

/// Findings when `after` differs from `before` in status, artifacts or history.
pub fn unchanged(before: &Reached, after: &Reached) -> Vec<Failure> {
    ["/status", "/artifacts", "/history"]
        .iter()
        .filter(|p| before.task.pointer(p) != after.task.pointer(p))
        .map(|p| {
            Failure::new("the terminal task changed")
                .expected(show(before.task.pointer(p)))
                .actual(show(after.task.pointer(p)))
                .at(*p)
                .in_exchange(&after.exchange)
        })
        .collect()
}
