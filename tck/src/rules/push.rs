//! Judgement of the push-notification webhook scenarios (A2A 1.0 §4.3.3, §13.2, §3.1.10; 0.3 push
//! topic; SECURITY-PROFILE "Push-notification webhooks"). Deliveries go to the kit's own loopback
//! receiver; the SSRF probe watches a second loopback listener (the canary) that must never be
//! called. No other address is ever targeted.

use std::time::Duration;

use serde_json::{Value, json};

use crate::check::{BoxFuture, HarnessError, Step};
use crate::context::Context;
use crate::rules::auth::{message, unique};
use crate::scenario::Family;
use crate::transport::call::{self, Answer};
use crate::transport::jsonrpc::Operation;
use crate::verdict::{Failure, Outcome};
use crate::webhook_receiver::{
    Delivery, Expectation, WebhookReceiver, check_delivery, delivered_task_id,
};

type Judged<'a> = BoxFuture<'a, Result<Outcome, HarnessError>>;

/// How long the kit waits for a first delivery.
const FIRST_DELIVERY: Duration = Duration::from_secs(8);
/// How long the kit watches for deliveries that must not come.
const QUIET: Duration = Duration::from_millis(1500);

fn push_declared(cx: &Context) -> bool {
    cx.card()
        .and_then(|c| c.pointer("/capabilities/pushNotifications"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

pub(crate) fn preconditions(cx: &Context) -> Result<(), Outcome> {
    if !push_declared(cx) {
        return Err(Outcome::NotApplicable(
            "the card does not declare pushNotifications".into(),
        ));
    }
    if cx.webhook.is_none() {
        return Err(Outcome::Skip(
            "the profile configures no [webhook] receiver".into(),
        ));
    }
    Ok(())
}

/// The `Authorization` value the kit configures: the profile's, or a fresh one.
fn authorization(cx: &Context) -> String {
    cx.profile
        .webhook
        .as_ref()
        .and_then(|w| w.authorization.as_ref())
        .map_or_else(
            || format!("Bearer {}", unique("tck-webhook-credential")),
            |s| s.expose().to_owned(),
        )
}

fn token(cx: &Context) -> String {
    cx.profile
        .webhook
        .as_ref()
        .and_then(|w| w.token.as_ref())
        .map_or_else(|| unique("tck-webhook-token"), |s| s.expose().to_owned())
}

/// A push configuration in the version's shape (inline in `SendMessage`, without `taskId`).
pub(crate) fn config(family: Family, url: &str, authorization: &str, token: &str) -> Value {
    let (scheme, credentials) = authorization.split_once(' ').unwrap_or((authorization, ""));
    match family {
        Family::V1_0 => json!({
            "url": url, "token": token,
            "authentication": {"scheme": scheme, "credentials": credentials},
        }),
        Family::V0_3 => json!({
            "url": url, "token": token,
            "authentication": {"schemes": [scheme], "credentials": credentials},
        }),
    }
}

/// `SendMessage` with the push configuration inline.
fn send_with_push(family: Family, text: &str, push: &Value) -> Value {
    let mut params = message(family, text);
    let member = match family {
        Family::V1_0 => "taskPushNotificationConfig",
        Family::V0_3 => "pushNotificationConfig",
    };
    params["configuration"] = match family {
        Family::V1_0 => json!({ member: push, "returnImmediately": true }),
        Family::V0_3 => json!({ member: push, "blocking": false }),
    };
    params
}

pub(crate) fn task_id(answer: &Answer) -> Option<String> {
    let r = answer.result.as_ref()?;
    r.pointer("/task/id")
        .or_else(|| r.get("status").and(r.get("id")))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn for_task(deliveries: Vec<Delivery>, family: Family, task: &str) -> Vec<Delivery> {
    deliveries
        .into_iter()
        .filter(|d| {
            a2a_security::json::parse_strict(&d.body)
                .ok()
                .is_some_and(|b| delivered_task_id(&b, family) == Some(task))
        })
        .collect()
}

/// Waits until the receiver holds a delivery for `task` after `mark`, or `wait` passes.
async fn await_delivery(
    receiver: &WebhookReceiver,
    mark: usize,
    family: Family,
    task: &str,
    wait: Duration,
) -> Vec<Delivery> {
    let until = tokio::time::Instant::now() + wait;
    loop {
        let got = for_task(receiver.deliveries_after(mark), family, task);
        if !got.is_empty() || tokio::time::Instant::now() >= until {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The verifier of signed deliveries, from the profile's `webhook.signing_secret`.
fn signature_verifier(
    cx: &Context,
) -> Result<Result<std::sync::Arc<a2a_security::webhook::WebhookVerifier>, Outcome>, HarnessError> {
    let Some(secret) = cx
        .profile
        .webhook
        .as_ref()
        .and_then(|w| w.signing_secret.as_ref())
    else {
        return Ok(Err(Outcome::Skip(
            "the profile declares no signed deliveries (webhook.signing_secret)".into(),
        )));
    };
    let secret = a2a_security::webhook::WebhookSecret::parse(secret.expose())
        .map_err(|e| HarnessError(format!("webhook.signing_secret: {e}")))?;
    let verifier = a2a_security::webhook::WebhookVerifier::new(
        [secret],
        a2a_security::ReplayCache::new(1024),
        a2a_security::SystemClock,
    )
    .map_err(|e| HarnessError(format!("webhook.signing_secret: {e}")))?;
    Ok(Ok(std::sync::Arc::new(verifier)))
}

/// What a delivery scenario judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judge {
    /// PUSH-12, PUSH-17: at least one POST reaches the configured URL.
    Delivered,
    /// SEC-PUSH-01, PUSH-14, PUSH-15: `Authorization` exactly as configured.
    Authorization,
    /// SEC-PUSH-02: the 0.3 `X-A2A-Notification-Token`.
    Token,
    /// SEC-PUSH-03, PUSH-13: the body is a `StreamResponse` (1.0) / Task (0.3) of the task,
    /// schema-valid when schemas are loaded.
    Body,
    /// SEC-PUSH-05: Standard Webhooks signatures verify, timestamps are fresh, and an id is
    /// never reused for a different event.
    Signature,
}

/// The delivery scenarios: a task created with the push configuration inline, then its
/// deliveries judged.
#[derive(Debug, Clone, Copy)]
pub struct Deliveries(pub Judge);

impl Step for Deliveries {
    fn run<'a>(&'a self, cx: &'a Context) -> Judged<'a> {
        let judge = self.0;
        Box::pin(async move {
            if let Err(outcome) = preconditions(cx) {
                return Ok(outcome);
            }
            let (Some(receiver), Some(url)) = (cx.webhook.as_ref(), cx.webhook_url()) else {
                return Ok(Outcome::Skip("no webhook receiver".into()));
            };
            let verifier = if judge == Judge::Signature {
                match signature_verifier(cx)? {
                    Ok(v) => Some(v),
                    Err(outcome) => return Ok(outcome),
                }
            } else {
                None
            };
            let family = cx.target()?.version.family();
            let auth = authorization(cx);
            let token = token(cx);
            let mark = receiver.mark();
            let answer = call::call(
                cx,
                Operation::SendMessage,
                &send_with_push(family, "hello", &config(family, &url, &auth, &token)),
            )
            .await?;
            let Some(task) = task_id(&answer) else {
                return Err(HarnessError(format!(
                    "SendMessage with an inline push configuration created no task (HTTP {})",
                    answer.http.status
                )));
            };
            let mut got = await_delivery(receiver, mark, family, &task, FIRST_DELIVERY).await;
            if judge == Judge::Signature {
                // Several events (the task's states), to compare their ids.
                tokio::time::sleep(Duration::from_millis(500)).await;
                got = for_task(receiver.deliveries_after(mark), family, &task);
            }
            let x = answer.http.exchange.clone();
            if got.is_empty() {
                return Ok(Outcome::Fail(vec![
                    Failure::new("no delivery reached the configured webhook")
                        .expected(format!(
                            "at least one POST for task {task} within {} s",
                            FIRST_DELIVERY.as_secs()
                        ))
                        .actual("none")
                        .in_exchange(&x),
                ]));
            }
            let expectation = Expectation {
                family,
                task_id: task.clone(),
                authorization: (judge == Judge::Authorization).then(|| auth.clone()),
                token: (judge == Judge::Token).then(|| token.clone()),
                signature: verifier,
                schemas: (judge == Judge::Body).then(|| cx.schemas.clone()).flatten(),
            };
            let path = url::path_of(&url);
            let mut failures = Vec::new();
            for d in &got {
                match judge {
                    Judge::Delivered => {
                        if d.method != "POST" || d.path != path {
                            failures.push(
                                Failure::new(format!(
                                    "delivery {} is not a POST to the configured URL",
                                    d.seq
                                ))
                                .expected(format!("POST {path}"))
                                .actual(format!("{} {}", d.method, d.path))
                                .in_exchange(&x),
                            );
                        }
                    }
                    _ => failures.extend(
                        check_delivery(d, &expectation)
                            .into_iter()
                            .map(|f| f.in_exchange(&x)),
                    ),
                }
            }
            if judge == Judge::Signature {
                for (a, b) in crate::webhook_receiver::reused_ids(&got) {
                    failures.push(
                        Failure::new(format!(
                            "deliveries {a} and {b} carry the same webhook-id for different events"
                        ))
                        .expected("a new id per event (retries of one event may reuse it)")
                        .in_exchange(&x),
                    );
                }
            }
            Ok(Outcome::from_failures(failures))
        })
    }
}

mod url {
    /// The path (and query) of an absolute URL, `/` when it has none.
    pub fn path_of(url: &str) -> String {
        reqwest::Url::parse(url).map_or_else(
            |_| "/".to_owned(),
            |u| match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_owned(),
            },
        )
    }
}

/// SEC-PUSH-04: a webhook URL on loopback (a canary the kit listens on, not allow-listed by the
/// agent) is refused at registration, and nothing reaches it.
pub fn loopback_webhook_refused(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        if !push_declared(cx) {
            return Ok(Outcome::NotApplicable(
                "the card does not declare pushNotifications".into(),
            ));
        }
        let canary = WebhookReceiver::start(([127, 0, 0, 1], 0).into())
            .await
            .map_err(|e| HarnessError(format!("cannot start the loopback canary: {e}")))?;
        let family = cx.target()?.version.family();
        let url = format!("http://127.0.0.1:{}/tck-canary", canary.addr().port());
        let answer = call::call(
            cx,
            Operation::SendMessage,
            &send_with_push(
                family,
                "hello",
                &config(family, &url, "Bearer tck-canary", "tck-canary"),
            ),
        )
        .await?;
        tokio::time::sleep(QUIET).await;
        let mut failures = Vec::new();
        if answer.result.is_some() {
            failures.push(
                Failure::new("a webhook URL on a loopback address is accepted at registration")
                    .expected("an error refusing the URL")
                    .actual(format!("HTTP {} with a result", answer.http.status))
                    .in_exchange(&answer.http.exchange),
            );
        }
        let hits = canary.deliveries();
        if !hits.is_empty() {
            failures.push(
                Failure::new("the agent called a loopback webhook URL")
                    .expected("no request to the canary")
                    .actual(format!("{} request(s)", hits.len()))
                    .in_exchange(&answer.http.exchange),
            );
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// SEC-PUSH-06 / PUSH-11: after the configuration is deleted, no further deliveries.
pub fn no_delivery_after_delete(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        if let Err(outcome) = preconditions(cx) {
            return Ok(outcome);
        }
        let Some(trigger) = cx.profile.behaviours.trigger("long_running") else {
            return Ok(Outcome::Skip(
                "needs a long-running task: map the long_running behaviour in [behaviours]".into(),
            ));
        };
        let (Some(receiver), Some(url)) = (cx.webhook.as_ref(), cx.webhook_url()) else {
            return Ok(Outcome::Skip("no webhook receiver".into()));
        };
        let target = cx.target()?.clone();
        let family = target.version.family();
        let text = trigger
            .message_text
            .clone()
            .unwrap_or_else(|| "hello".into());
        let mut params = send_with_push(
            family,
            &text,
            &config(family, &url, &authorization(cx), &token(cx)),
        );
        if let Some(prefix) = &trigger.message_id_prefix {
            params["message"]["messageId"] = Value::from(unique(prefix));
        }
        let mark = receiver.mark();
        let answer = call::call(cx, Operation::SendMessage, &params).await?;
        let Some(task) = task_id(&answer) else {
            return Err(HarnessError(
                "the long-running message created no task".into(),
            ));
        };
        if await_delivery(receiver, mark, family, &task, FIRST_DELIVERY)
            .await
            .is_empty()
        {
            return Err(HarnessError(
                "no delivery arrived before the delete: nothing to judge".into(),
            ));
        }
        let list_params = match family {
            Family::V1_0 => json!({"taskId": task}),
            Family::V0_3 => json!({"id": task}),
        };
        let listed = call::call(cx, Operation::ListPushConfigs, &list_params).await?;
        let configs = listed
            .result
            .as_ref()
            .and_then(|r| r.get("configs").or(Some(r)))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if configs.is_empty() {
            return Err(HarnessError(
                "ListTaskPushNotificationConfigs returned no configuration to delete".into(),
            ));
        }
        for c in &configs {
            let id = c
                .get("id")
                .or_else(|| c.pointer("/pushNotificationConfig/id"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let params = match family {
                Family::V1_0 => json!({"taskId": task, "id": id}),
                Family::V0_3 => json!({"id": task, "pushNotificationConfigId": id}),
            };
            let deleted = call::call(cx, Operation::DeletePushConfig, &params).await?;
            if deleted.error.is_some() {
                return Err(HarnessError(format!(
                    "the delete was refused (HTTP {})",
                    deleted.http.status
                )));
            }
        }
        // A delivery already in flight when the delete was answered may still land.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let after = receiver.mark();
        tokio::time::sleep(QUIET).await;
        let late = for_task(receiver.deliveries_after(after), family, &task);
        let _ = call::call(cx, Operation::CancelTask, &json!({"id": task})).await;
        Ok(if late.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Fail(vec![
                Failure::new("deliveries continue after the push configuration was deleted")
                    .expected("no delivery")
                    .actual(format!("{} delivery(ies)", late.len()))
                    .in_exchange(&answer.http.exchange),
            ])
        })
    })
}

/// `PushNotificationNotSupportedError`.
pub const PUSH_NOT_SUPPORTED: i64 = -32003;

/// PUSH-01 (1.0) / PUSH-02 (0.3): without the capability, every push-configuration method
/// answers `PushNotificationNotSupportedError` (0.3: an error; the code is a SHOULD there).
pub fn unsupported_without_capability(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        if push_declared(cx) {
            return Ok(Outcome::NotApplicable(
                "the card declares pushNotifications".into(),
            ));
        }
        let target = cx.target()?.clone();
        let family = target.version.family();
        let task = unique("tck-unknown-task");
        let config_id = unique("tck-unknown-config");
        let ops = match family {
            Family::V1_0 => vec![
                (
                    Operation::CreatePushConfig,
                    json!({"taskId": task, "url": "https://example.invalid/hook"}),
                ),
                (
                    Operation::GetPushConfig,
                    json!({"taskId": task, "id": config_id}),
                ),
                (Operation::ListPushConfigs, json!({"taskId": task})),
                (
                    Operation::DeletePushConfig,
                    json!({"taskId": task, "id": config_id}),
                ),
            ],
            Family::V0_3 => vec![
                (
                    Operation::CreatePushConfig,
                    json!({"taskId": task, "pushNotificationConfig": {"url": "https://example.invalid/hook"}}),
                ),
                (
                    Operation::GetPushConfig,
                    json!({"id": task, "pushNotificationConfigId": config_id}),
                ),
                (Operation::ListPushConfigs, json!({"id": task})),
                (
                    Operation::DeletePushConfig,
                    json!({"id": task, "pushNotificationConfigId": config_id}),
                ),
            ],
        };
        let mut failures = Vec::new();
        for (op, params) in ops {
            if call::request(&target, op, &params).is_err() {
                continue;
            }
            let answer = call::call(cx, op, &params).await?;
            let ok = match (family, target.binding) {
                (Family::V1_0, crate::scenario::Binding::JsonRpc) => {
                    answer.error_code() == Some(PUSH_NOT_SUPPORTED)
                }
                (Family::V1_0, crate::scenario::Binding::HttpJson) => {
                    answer.http.status == 400 && answer.result.is_none()
                }
                (Family::V0_3, _) => answer.result.is_none() && answer.error.is_some(),
            };
            if !ok {
                failures.push(
                    Failure::new(format!(
                        "{op:?} without the pushNotifications capability is not PushNotificationNotSupportedError"
                    ))
                    .expected(match family {
                        Family::V1_0 => "-32003 (HTTP+JSON: 400)",
                        Family::V0_3 => "an error (-32003 recommended)",
                    })
                    .actual(format!(
                        "HTTP {}{}",
                        answer.http.status,
                        answer
                            .error_code()
                            .map(|c| format!(", error {c}"))
                            .unwrap_or_default()
                    ))
                    .in_exchange(&answer.http.exchange),
                );
            }
        }
        Ok(Outcome::from_failures(failures))
    })
}
