//! Judgement of the JSON-RPC envelope, standard-error and version-negotiation scenarios.

use serde_json::{Value, json};

use crate::check::{BoxFuture, HarnessError};
use crate::context::Context;
use crate::rules::conversation::{self as talk, A2aError, Expect, conform, expect_error};
use crate::scenario::{Binding, Family};
use crate::target;
use crate::transport::call::{self, Answer};
use crate::transport::http::HttpResponse;
use crate::transport::jsonrpc::{self, Operation, codes, show};
use crate::verdict::{Failure, Outcome};

type StepResult<'a> = BoxFuture<'a, Result<Outcome, HarnessError>>;

/// Posts raw bytes to the JSON-RPC URL with the version's headers.
async fn post_raw(
    cx: &Context,
    body: Vec<u8>,
) -> Result<(HttpResponse, Option<Value>), HarnessError> {
    let target = cx.target()?;
    let response = cx.send(jsonrpc::http_request(target, body)).await?;
    let doc = response.json().ok();
    Ok((response, doc))
}

fn code_failure(doc: Option<&Value>, code: i64, what: &str, exchange: &str) -> Option<Failure> {
    let got = doc.and_then(jsonrpc::error_code);
    (got != Some(code)).then(|| {
        Failure::new(format!("{what} is not answered with {code}"))
            .expected(format!("error {code}"))
            .actual(show(doc))
            .at("/error/code")
            .in_exchange(exchange)
    })
}

fn unknown_task_params() -> Value {
    json!({"id": talk::fresh_id("tck-no-such-task-")})
}

/// TX-06: string and integer ids are echoed; `jsonrpc` is "2.0"; exactly one of result/error.
pub fn ids_echoed(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let target = cx.target()?;
        let method = Operation::GetTask
            .method(target.version.family())
            .ok_or_else(|| HarnessError("no GetTask method".into()))?;
        let mut failures = Vec::new();
        for id in [json!(7), json!("tck-string-id"), json!(-2_147_483_649_i64)] {
            let params = call::with_tenant(target, unknown_task_params());
            let body = serde_json::to_vec(&jsonrpc::envelope(&id, method, &params))
                .map_err(|e| HarnessError(e.to_string()))?;
            let (response, doc) = post_raw(cx, body).await?;
            match doc {
                Some(doc) => failures.extend(
                    jsonrpc::envelope_failures(&doc, Some(&id))
                        .into_iter()
                        .map(|f| f.in_exchange(&response.exchange)),
                ),
                None => failures.push(
                    Failure::new("the answer is not JSON")
                        .expected("a JSON-RPC response")
                        .actual(format!("HTTP {}", response.status))
                        .in_exchange(&response.exchange),
                ),
            }
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// TX-07: a request whose id cannot be read is answered with `id: null`.
pub fn null_id_when_unreadable(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let (response, doc) = post_raw(cx, b"{bad json".to_vec()).await?;
        let Some(doc) = doc else {
            return Ok(Outcome::Fail(vec![
                Failure::new("malformed JSON is not answered with a JSON-RPC error")
                    .expected("a JSON-RPC error response with id null")
                    .actual(format!("HTTP {}", response.status))
                    .in_exchange(&response.exchange),
            ]));
        };
        let failures: Vec<Failure> = jsonrpc::envelope_failures(&doc, None)
            .into_iter()
            .map(|f| f.in_exchange(&response.exchange))
            .collect();
        Ok(Outcome::from_failures(failures))
    })
}

/// ERR-09: malformed JSON is -32700.
pub fn parse_error_code(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let (response, doc) = post_raw(cx, b"{bad json".to_vec()).await?;
        Ok(Outcome::from_failures(
            code_failure(
                doc.as_ref(),
                codes::PARSE_ERROR,
                "malformed JSON",
                &response.exchange,
            )
            .into_iter()
            .collect(),
        ))
    })
}

/// TX-10: an unknown method is -32601.
pub fn unknown_method(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let target = cx.target()?;
        let method = match target.version.family() {
            Family::V1_0 => "NoSuchMethod",
            Family::V0_3 => "tasks/noSuchMethod",
        };
        let body = serde_json::to_vec(&jsonrpc::envelope(
            &json!("tck-unknown"),
            method,
            &json!({}),
        ))
        .map_err(|e| HarnessError(e.to_string()))?;
        let (response, doc) = post_raw(cx, body).await?;
        let mut failures: Vec<Failure> = code_failure(
            doc.as_ref(),
            codes::METHOD_NOT_FOUND,
            "an unknown method",
            &response.exchange,
        )
        .into_iter()
        .collect();
        if let Some(doc) = &doc {
            failures.extend(
                jsonrpc::envelope_failures(doc, Some(&json!("tck-unknown")))
                    .into_iter()
                    .map(|f| f.in_exchange(&response.exchange)),
            );
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// TX-29 (0.3): the three methods every 0.3 agent implements are dispatched (not -32601).
pub fn core_methods_0_3(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = cx.target()?.version.family();
        let mut failures = Vec::new();
        for op in [
            Operation::SendMessage,
            Operation::GetTask,
            Operation::CancelTask,
        ] {
            let Some(method) = op.method(fam) else {
                continue;
            };
            let answer = call::call(cx, op, &json!({})).await?;
            if answer.error_code() == Some(codes::METHOD_NOT_FOUND) {
                failures.push(
                    Failure::new(format!("the required method {method} is not implemented"))
                        .expected("any answer but -32601 (the method exists)")
                        .actual(talk::describe(&answer))
                        .at("/error/code")
                        .in_exchange(&answer.http.exchange),
                );
            }
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// TX-08 (0.3) / TX-09 (1.0): every method name of the version dispatches: called with empty
/// params, none is answered -32601 (any other answer, an error included, shows it is known).
/// 0.3 push and extended-card methods only when the card declares them.
pub fn methods_dispatch(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let target = cx.target()?;
        let fam = target.version.family();
        let declared = |pointer: &str| {
            cx.card()
                .and_then(|c| c.pointer(pointer))
                .and_then(Value::as_bool)
                == Some(true)
        };
        let mut failures = Vec::new();
        for op in [
            Operation::SendMessage,
            Operation::SendStreamingMessage,
            Operation::GetTask,
            Operation::ListTasks,
            Operation::CancelTask,
            Operation::SubscribeToTask,
            Operation::CreatePushConfig,
            Operation::GetPushConfig,
            Operation::ListPushConfigs,
            Operation::DeletePushConfig,
            Operation::GetExtendedCard,
        ] {
            let Some(method) = op.method(fam) else {
                continue;
            };
            let optional_0_3 = match op {
                Operation::CreatePushConfig
                | Operation::GetPushConfig
                | Operation::ListPushConfigs
                | Operation::DeletePushConfig => !declared("/capabilities/pushNotifications"),
                Operation::GetExtendedCard => !declared("/supportsAuthenticatedExtendedCard"),
                _ => false,
            };
            if fam == Family::V0_3 && optional_0_3 {
                continue;
            }
            let answer = call::call(cx, op, &json!({})).await?;
            if answer.error_code() == Some(codes::METHOD_NOT_FOUND) {
                failures.push(
                    Failure::new(format!("the method {method} is not dispatched"))
                        .expected("any answer but -32601 (the method exists)")
                        .actual(talk::describe(&answer))
                        .at("/error/code")
                        .in_exchange(&answer.http.exchange),
                );
            }
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// TX-14 (1.0, HTTP+JSON): every route exists with its verb: answered neither 405 nor a bare
/// 404 (a 404 must carry an A2A error body, as an unknown task's does). `:subscribe` may take
/// GET instead of POST ([lenient]).
pub fn rest_routes_exist(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let target = cx.target()?;
        let fam = target.version.family();
        let task = talk::fresh_id("tck-no-such-task-");
        let invalid_message = json!({"message": {}});
        let by_task = json!({"id": task});
        let push = json!({"taskId": task, "id": "tck-no-such-config"});
        let routes = [
            (Operation::SendMessage, &invalid_message),
            (Operation::SendStreamingMessage, &invalid_message),
            (Operation::GetTask, &by_task),
            (Operation::ListTasks, &json!({})),
            (Operation::CancelTask, &by_task),
            (Operation::SubscribeToTask, &by_task),
            (
                Operation::CreatePushConfig,
                &json!({"taskId": task, "url": "https://example.com/hook"}),
            ),
            (Operation::GetPushConfig, &push),
            (Operation::ListPushConfigs, &push),
            (Operation::DeletePushConfig, &push),
            (Operation::GetExtendedCard, &json!({})),
        ];
        let mut failures = Vec::new();
        for (op, params) in routes {
            // An operation the version lacks has no route.
            let Ok((mut request, id)) = call::request(target, op, params) else {
                continue;
            };
            let mut http = cx.send(request.clone()).await?;
            if op == Operation::SubscribeToTask && http.status == 405 {
                "GET".clone_into(&mut request.method);
                request.body.clear();
                request
                    .headers
                    .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
                http = cx.send(request.clone()).await?;
            }
            let answer = call::answer(target, http, id);
            let bare_404 = answer.http.status == 404
                && !answer
                    .body
                    .as_ref()
                    .and_then(|b| b.get("error"))
                    .is_some_and(Value::is_object);
            if answer.http.status == 405 || bare_404 {
                failures.push(
                    Failure::new(format!(
                        "TX-14: the route {} {} is missing",
                        request.method,
                        op.method(fam).unwrap_or("?")
                    ))
                    .expected(
                        "the operation served (any answer but 405 or a 404 without an A2A error)",
                    )
                    .actual(talk::describe(&answer))
                    .in_exchange(&answer.http.exchange),
                );
            }
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// TX-11: valid JSON that is not a request is -32600.
pub fn invalid_request(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let (response, doc) = post_raw(cx, br#"{"jsonrpc":"1.0","method":1}"#.to_vec()).await?;
        Ok(Outcome::from_failures(
            code_failure(
                doc.as_ref(),
                codes::INVALID_REQUEST,
                "an invalid request",
                &response.exchange,
            )
            .into_iter()
            .collect(),
        ))
    })
}

/// TX-12: a message without `messageId` is invalid params (-32602 / HTTP 400).
pub fn invalid_params(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let target = cx.target()?;
        let fam = target.version.family();
        let mut message = talk::user_message(fam, "x", "hello");
        if let Some(m) = message.as_object_mut() {
            m.remove("messageId");
        }
        let answer = call::call(cx, Operation::SendMessage, &json!({"message": message})).await?;
        let failures = match target.binding {
            Binding::JsonRpc => expect_error(cx, &answer, A2aError::InvalidParams)?,
            Binding::HttpJson if answer.http.status == 400 => conform(cx, &answer, Expect::Error),
            Binding::HttpJson => vec![
                Failure::new("a message without messageId is not refused as invalid")
                    .expected("HTTP 400")
                    .actual(talk::describe(&answer))
                    .in_exchange(&answer.http.exchange),
            ],
        };
        Ok(Outcome::from_failures(failures))
    })
}

/// `GetTask` on a random id with `A2A-Version` replaced by `version`, and `query` appended.
async fn get_with_version(
    cx: &Context,
    version: Option<&str>,
    query: &str,
) -> Result<Answer, HarnessError> {
    let target = cx.target()?;
    let (mut request, id) = call::request(target, Operation::GetTask, &unknown_task_params())?;
    request
        .headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("a2a-version"));
    if let Some(v) = version {
        request.headers.push(("A2A-Version".into(), v.into()));
    }
    if !query.is_empty() {
        request
            .url
            .push(if request.url.contains('?') { '&' } else { '?' });
        request.url.push_str(query);
    }
    let http = cx.send(request).await?;
    Ok(call::answer(target, http, id))
}

/// VER-01: `A2A-Version: 99.0` → `VersionNotSupportedError`.
pub fn unsupported_version(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let answer = get_with_version(cx, Some("99.0"), "").await?;
        Ok(Outcome::from_failures(expect_error(
            cx,
            &answer,
            A2aError::VersionNotSupported,
        )?))
    })
}

/// TX-28: header names are case-insensitive: a lower-case `a2a-version: 99.0` header →
/// `VersionNotSupportedError`.
pub fn lowercase_version_header(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let target = cx.target()?;
        let (mut request, id) = call::request(target, Operation::GetTask, &unknown_task_params())?;
        request
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("a2a-version"));
        request.headers.push(("a2a-version".into(), "99.0".into()));
        let http = cx.send(request).await?;
        let answer = call::answer(target, http, id);
        let failures = expect_error(cx, &answer, A2aError::VersionNotSupported)?
            .into_iter()
            .map(|mut f| {
                f.message = format!(
                    "TX-28: a lower-case a2a-version header is ignored: {}",
                    f.message
                );
                f
            })
            .collect();
        Ok(Outcome::from_failures(failures))
    })
}

/// VER-04: `A2A-Version: 1.0.1` is served exactly like `1.0` (the same `GetTask` answer).
pub fn patch_ignored(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let reference = get_with_version(cx, Some("1.0"), "").await?;
        let patched = get_with_version(cx, Some("1.0.1"), "").await?;
        let class = |a: &Answer| (a.http.status, a.error_code(), a.result.is_some());
        Ok(if class(&reference) == class(&patched) {
            Outcome::Pass
        } else {
            Outcome::Fail(vec![
                Failure::new("A2A-Version 1.0.1 is not served like 1.0")
                    .expected(talk::describe(&reference))
                    .actual(talk::describe(&patched))
                    .in_exchange(&patched.http.exchange),
            ])
        })
    })
}

/// VER-05: the version as a query parameter (`?A2A-Version=99.0`) is honoured.
pub fn version_query_parameter(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let answer = get_with_version(cx, None, "A2A-Version=99.0").await?;
        Ok(Outcome::from_failures(expect_error(
            cx,
            &answer,
            A2aError::VersionNotSupported,
        )?))
    })
}

/// VER-03: no version means 0.3: a 1.0 request without `A2A-Version` is not served as 1.0
/// (`VersionNotSupportedError`, or 0.3 handling when the card declares 0.3).
pub fn missing_version_is_0_3(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let answer = get_with_version(cx, None, "").await?;
        let declares_0_3 = cx.card().is_some_and(|c| {
            target::declared_versions(c)
                .iter()
                .any(|v| v.family() == Family::V0_3)
        });
        let unsupported = expect_error(cx, &answer, A2aError::VersionNotSupported)?.is_empty();
        let served_as_1_0 = expect_error(cx, &answer, A2aError::TaskNotFound)?.is_empty()
            && (cx.target()?.binding == Binding::HttpJson
                || answer
                    .error
                    .as_ref()
                    .and_then(|e| e.get("data"))
                    .is_some_and(Value::is_array));
        let ok = unsupported || (declares_0_3 && answer.error.is_some() && !served_as_1_0);
        Ok(if ok {
            Outcome::Pass
        } else {
            Outcome::Fail(vec![
                Failure::new("a request without A2A-Version was served as 1.0")
                    .expected(if declares_0_3 {
                        "VersionNotSupportedError or 0.3 handling"
                    } else {
                        "VersionNotSupportedError (the card declares only 1.0)"
                    })
                    .actual(talk::describe(&answer))
                    .in_exchange(&answer.http.exchange),
            ])
        })
    })
}

/// VER-02: `A2A-Version: 1.0` gets 1.0 shapes: the send wrapper, `TASK_STATE_*`, no `kind`.
pub fn one_point_zero_shapes(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let message = match talk::behaviour_message(cx, "complete")? {
            Ok(m) => m,
            Err(o) => return Ok(o),
        };
        let answer = call::call(
            cx,
            Operation::SendMessage,
            &talk::send_params(Family::V1_0, &message, false),
        )
        .await?;
        let x = answer.http.exchange.clone();
        let mut failures = conform(cx, &answer, Expect::SendResult);
        let Some(result) = &answer.result else {
            failures.push(
                Failure::new("the send failed")
                    .expected("a SendMessageResponse")
                    .actual(talk::describe(&answer))
                    .in_exchange(&x),
            );
            return Ok(Outcome::Fail(failures));
        };
        let mut kinds = Vec::new();
        find_kind(result, "/result", &mut kinds);
        failures.extend(kinds.into_iter().map(|p| {
            Failure::new("a 1.0 object carries the 0.3 `kind` discriminator")
                .expected("no `kind` member")
                .actual("kind")
                .at(p)
                .in_exchange(&x)
        }));
        Ok(Outcome::from_failures(failures))
    })
}

/// Pointers of every `kind` member, skipping free-form `metadata` and `data`.
fn find_kind(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(o) => {
            for (k, v) in o {
                if k == "kind" {
                    out.push(format!("{at}/kind"));
                } else if k != "metadata" && k != "data" {
                    find_kind(v, &format!("{at}/{k}"), out);
                }
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                find_kind(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}
