//! Judgement of the push-notification configuration scenarios: create, get, list, delete and
//! their access rights (A2A 1.0 §3.1.7–3.1.10, §13.1; 0.3 §7.5–7.8; DIGEST §10 PUSH-03…10,
//! PUSH-16). Each works on a task kept running by the profile's `long_running` behaviour
//! (canceled at the end), and registers the kit's own receiver URL, the only one an agent's
//! webhook rules can be expected to accept.

use serde_json::{Value, json};

use crate::check::{BoxFuture, HarnessError, Step};
use crate::context::Context;
use crate::rules::auth::{Minting, PRINCIPAL_A, PRINCIPAL_B, message, unique};
use crate::rules::conversation::{A2aError, describe, expect_error};
use crate::rules::push::{config, preconditions, task_id};
use crate::scenario::{Binding, Family};
use crate::target::Target;
use crate::transport::call::{self, Answer};
use crate::transport::http::HttpRequest;
use crate::transport::jsonrpc::Operation;
use crate::verdict::{Failure, Outcome};

type Judged<'a> = BoxFuture<'a, Result<Outcome, HarnessError>>;

/// How long PUSH-05 lets the task run between Create and Get.
const PERSIST: std::time::Duration = std::time::Duration::from_secs(1);
/// Pages of `ListTaskPushNotificationConfigs` followed at most.
const MAX_PAGES: usize = 10;

/// What one configuration answer says (1.0 flat; 0.3 `{taskId, pushNotificationConfig}`).
#[derive(Debug, Default)]
struct Seen {
    id: Option<String>,
    task_id: Option<String>,
    url: Option<String>,
    token: Option<String>,
    authentication: Option<Value>,
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_owned)
}

fn seen(family: Family, v: &Value) -> Seen {
    let inner = match family {
        Family::V1_0 => Some(v),
        Family::V0_3 => v.get("pushNotificationConfig"),
    };
    Seen {
        id: text(inner.and_then(|i| i.get("id"))),
        task_id: text(v.get("taskId")),
        url: text(inner.and_then(|i| i.get("url"))),
        token: text(inner.and_then(|i| i.get("token"))),
        authentication: inner.and_then(|i| i.get("authentication")).cloned(),
    }
}

/// Where a member of a configuration is, for findings.
fn at(family: Family, member: &str) -> String {
    match (family, member) {
        (Family::V0_3, "taskId") | (Family::V1_0, _) => format!("/{member}"),
        (Family::V0_3, _) => format!("/pushNotificationConfig/{member}"),
    }
}

fn show(v: Option<&String>) -> String {
    v.map_or_else(|| "absent".to_owned(), |s| format!("{s:?}"))
}

/// Schema findings of a configuration (`list`: a 1.0 list response) against the embedded
/// schemas, when loaded.
fn conform(cx: &Context, family: Family, list: bool, doc: &Value, exchange: &str) -> Vec<Failure> {
    let Some(schemas) = &cx.schemas else {
        return Vec::new();
    };
    let reference = match (family, list) {
        (Family::V1_0, false) => "v1.0#/$defs/TaskPushNotificationConfig",
        (Family::V1_0, true) => "v1.0#/$defs/ListTaskPushNotificationConfigsResponse",
        (Family::V0_3, _) => "v0.3#/$defs/TaskPushNotificationConfig",
    };
    match schemas.validate(reference, doc) {
        Ok(findings) => findings
            .into_iter()
            .map(|f| {
                Failure::new(format!("does not conform to {reference}: {}", f.message))
                    .at(f.instance_path)
                    .schema_location(format!("{reference}{}", f.schema_location))
                    .in_exchange(exchange)
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn is_terminal(state: &str) -> bool {
    let s = state.to_ascii_lowercase();
    ["completed", "failed", "canceled", "cancelled", "rejected"]
        .iter()
        .any(|t| s.ends_with(t))
}

/// A running task of the kit's, and how to address its push configurations.
struct Session<'a> {
    cx: &'a Context,
    target: Target,
    family: Family,
    /// The receiver URL registered.
    url: String,
    /// The `Authorization` value configured for deliveries (fresh, never the profile's).
    authorization: String,
    /// The principal the requests are sent as (a minted token each), or the run's credentials.
    principal: Option<(&'a Minting, &'static str)>,
    task: String,
}

/// A configuration the agent created.
struct Created {
    answer: Answer,
    seen: Seen,
    id: String,
    token: String,
}

impl<'a> Session<'a> {
    /// Checks the preconditions and starts the long-running task (as `principal`, when given).
    async fn begin(
        cx: &'a Context,
        principal: Option<(&'a Minting, &'static str)>,
    ) -> Result<Result<Self, Outcome>, HarnessError> {
        if let Err(outcome) = preconditions(cx) {
            return Ok(Err(outcome));
        }
        let Some(trigger) = cx.profile.behaviours.trigger("long_running") else {
            return Ok(Err(Outcome::Skip(
                "needs a long-running task: map the long_running behaviour in [behaviours]".into(),
            )));
        };
        let Some(url) = cx.webhook_url() else {
            return Ok(Err(Outcome::Skip("no webhook receiver".into())));
        };
        let target = cx.target()?.clone();
        let family = target.version.family();
        let text = trigger
            .message_text
            .clone()
            .unwrap_or_else(|| "hello".into());
        let mut params = message(family, &text);
        params["configuration"] = match family {
            Family::V1_0 => json!({"returnImmediately": true}),
            Family::V0_3 => json!({"blocking": false}),
        };
        if let Some(prefix) = &trigger.message_id_prefix {
            params["message"]["messageId"] = Value::from(unique(prefix));
        }
        let mut session = Self {
            cx,
            target,
            family,
            url,
            // Fresh values, not the profile's: configurations are read back into findings.
            authorization: format!("Bearer {}", unique("tck-config-credential")),
            principal,
            task: String::new(),
        };
        let answer = session.call(Operation::SendMessage, &params).await?;
        let Some(task) = task_id(&answer) else {
            return Err(HarnessError(format!(
                "the long-running message created no task ({})",
                describe(&answer)
            )));
        };
        session.task = task;
        Ok(Ok(session))
    }

    async fn call(&self, op: Operation, params: &Value) -> Result<Answer, HarnessError> {
        self.call_as(self.principal, op, params).await
    }

    async fn call_as(
        &self,
        principal: Option<(&Minting, &str)>,
        op: Operation,
        params: &Value,
    ) -> Result<Answer, HarnessError> {
        let Some((mint, sub)) = principal else {
            return call::call_on(self.cx, &self.target, op, params).await;
        };
        let value = format!("Bearer {}", mint.token(sub)?);
        call::call_with(self.cx, &self.target, op, params, |r: &mut HttpRequest| {
            r.authenticate = false;
            r.headers.push(("Authorization".into(), value));
        })
        .await
    }

    /// Cancels the task (its outcome is not judged).
    async fn end(&self) {
        let _ = self
            .call(Operation::CancelTask, &json!({"id": self.task}))
            .await;
    }

    fn create_params(&self, task: &str, token: &str) -> Value {
        let push = config(self.family, &self.url, &self.authorization, token);
        match self.family {
            Family::V1_0 => {
                let mut params = push;
                params["taskId"] = Value::from(task);
                params
            }
            Family::V0_3 => json!({"taskId": task, "pushNotificationConfig": push}),
        }
    }

    /// Get and Delete parameters.
    fn config_ref(&self, task: &str, id: &str) -> Value {
        match self.family {
            Family::V1_0 => json!({"taskId": task, "id": id}),
            Family::V0_3 => json!({"id": task, "pushNotificationConfigId": id}),
        }
    }

    fn list_params(&self, task: &str, page_token: Option<&str>) -> Value {
        match (self.family, page_token) {
            (Family::V1_0, Some(t)) => json!({"taskId": task, "pageToken": t}),
            (Family::V1_0, None) => json!({"taskId": task}),
            (Family::V0_3, _) => json!({"id": task}),
        }
    }

    async fn create(&self, token: &str) -> Result<Answer, HarnessError> {
        self.call(
            Operation::CreatePushConfig,
            &self.create_params(&self.task, token),
        )
        .await
    }

    /// A configuration on the task, the precondition of every scenario but PUSH-03: Skip when
    /// Create is refused or answers no id (PUSH-03 judges both).
    async fn created(&self) -> Result<Result<Created, Outcome>, HarnessError> {
        let token = unique("tck-config-token");
        let answer = self.create(&token).await?;
        let Some(result) = &answer.result else {
            return Ok(Err(Outcome::Skip(format!(
                "CreateTaskPushNotificationConfig on the running task was refused ({}); PUSH-03 judges that",
                describe(&answer)
            ))));
        };
        let seen = seen(self.family, result);
        let Some(id) = seen.id.clone().filter(|id| !id.is_empty()) else {
            return Ok(Err(Outcome::Skip(
                "CreateTaskPushNotificationConfig answered no configuration id; PUSH-03 judges that"
                    .into(),
            )));
        };
        Ok(Ok(Created {
            answer,
            seen,
            id,
            token,
        }))
    }

    async fn get(&self, id: &str) -> Result<Answer, HarnessError> {
        self.call(Operation::GetPushConfig, &self.config_ref(&self.task, id))
            .await
    }

    async fn delete(&self, id: &str) -> Result<Answer, HarnessError> {
        self.call(
            Operation::DeletePushConfig,
            &self.config_ref(&self.task, id),
        )
        .await
    }

    /// Every configuration id the list shows (following `nextPageToken`), or the findings
    /// about its shape.
    async fn listed(&self) -> Result<(Vec<String>, Vec<Failure>, Answer), HarnessError> {
        let mut ids = Vec::new();
        let mut failures = Vec::new();
        let mut page_token: Option<String> = None;
        let mut pages = 0;
        loop {
            pages += 1;
            let answer = self
                .call(
                    Operation::ListPushConfigs,
                    &self.list_params(&self.task, page_token.as_deref()),
                )
                .await?;
            let x = answer.http.exchange.clone();
            let Some(result) = &answer.result else {
                failures.push(
                    Failure::new("ListTaskPushNotificationConfigs of the running task failed")
                        .expected("the task's configurations")
                        .actual(describe(&answer))
                        .in_exchange(&x),
                );
                return Ok((ids, failures, answer));
            };
            let configs = match self.family {
                Family::V1_0 => {
                    failures.extend(conform(self.cx, self.family, true, result, &x));
                    page_token = match result.get("nextPageToken") {
                        None => None,
                        Some(Value::String(t)) => Some(t.clone()).filter(|t| !t.is_empty()),
                        Some(other) => {
                            failures.push(
                                Failure::new("nextPageToken is not a string")
                                    .expected("a string")
                                    .actual(other.to_string())
                                    .at("/nextPageToken")
                                    .in_exchange(&x),
                            );
                            None
                        }
                    };
                    result.get("configs")
                }
                Family::V0_3 => {
                    page_token = None;
                    Some(result)
                }
            };
            let Some(configs) = configs.and_then(Value::as_array) else {
                failures.push(
                    Failure::new("the list response has no array of configurations")
                        .expected(match self.family {
                            Family::V1_0 => "{\"configs\": [...], \"nextPageToken\": \"...\"}",
                            Family::V0_3 => "an array of TaskPushNotificationConfig",
                        })
                        .actual(describe(&answer))
                        .in_exchange(&x),
                );
                return Ok((ids, failures, answer));
            };
            for (i, c) in configs.iter().enumerate() {
                if self.family == Family::V0_3 {
                    failures.extend(conform(self.cx, self.family, false, c, &x).into_iter().map(
                        |f| {
                            let at = f.pointer.clone().unwrap_or_default();
                            f.at(format!("/{i}{at}"))
                        },
                    ));
                }
                if let Some(id) = seen(self.family, c).id {
                    ids.push(id);
                }
            }
            if page_token.is_none() || pages >= MAX_PAGES {
                return Ok((ids, failures, answer));
            }
        }
    }
}

/// Whether an error answer is `TaskNotFoundError` on the binding (JSON-RPC -32001, HTTP 404).
fn is_task_not_found(target: &Target, answer: &Answer) -> bool {
    answer.result.is_none()
        && match target.binding {
            Binding::JsonRpc => answer.error_code() == Some(A2aError::TaskNotFound.code()),
            Binding::HttpJson => answer.http.status == 404,
        }
}

fn succeeded(answer: &Answer) -> bool {
    answer.error.is_none() && (200..300).contains(&answer.http.status)
}

/// The push-configuration checks that run on one task of the kit's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// PUSH-03: Create answers the configuration with its assigned `id`, `taskId` and `url`.
    Create,
    /// PUSH-04: Create on an unknown task is `TaskNotFoundError`.
    CreateUnknownTask,
    /// PUSH-05: the configuration persists while the task runs (same url, token, authentication).
    Persists,
    /// PUSH-06: Get answers the configuration as created.
    Get,
    /// PUSH-07: Get of a configuration id the task does not have is `TaskNotFoundError`.
    GetMissing,
    /// PUSH-08: List answers every configuration of the task.
    List,
    /// PUSH-09: after Delete, Get fails and List omits the configuration.
    Delete,
    /// PUSH-10: a second Delete has the same effect (success; `TaskNotFoundError` tolerated).
    DeleteTwice,
}

/// The configuration scenarios: a long-running task, the check, then the task canceled.
#[derive(Debug, Clone, Copy)]
pub struct Configs(pub Check);

impl Step for Configs {
    fn run<'a>(&'a self, cx: &'a Context) -> Judged<'a> {
        let check = self.0;
        Box::pin(async move {
            let session = match Session::begin(cx, None).await? {
                Ok(s) => s,
                Err(outcome) => return Ok(outcome),
            };
            let outcome = match check {
                Check::Create => create(&session).await,
                Check::CreateUnknownTask => create_unknown_task(&session).await,
                Check::Persists => persists(&session).await,
                Check::Get => get(&session).await,
                Check::GetMissing => get_missing(&session).await,
                Check::List => list(&session).await,
                Check::Delete => delete(&session).await,
                Check::DeleteTwice => delete_twice(&session).await,
            };
            session.end().await;
            outcome
        })
    }
}

/// PUSH-03.
async fn create(s: &Session<'_>) -> Result<Outcome, HarnessError> {
    let answer = s.create(&unique("tck-config-token")).await?;
    let x = answer.http.exchange.clone();
    let Some(result) = &answer.result else {
        return Ok(Outcome::Fail(vec![
            Failure::new("CreateTaskPushNotificationConfig on a running task was refused")
                .expected("the created configuration, with its assigned id")
                .actual(describe(&answer))
                .in_exchange(&x),
        ]));
    };
    let got = seen(s.family, result);
    let mut failures = conform(s.cx, s.family, false, result, &x);
    if got.id.as_deref().is_none_or(str::is_empty) {
        failures.push(
            Failure::new("the created configuration has no assigned id")
                .expected("a non-empty id")
                .actual(show(got.id.as_ref()))
                .at(at(s.family, "id"))
                .in_exchange(&x),
        );
    }
    if got.task_id.as_deref() != Some(s.task.as_str()) {
        failures.push(
            Failure::new("the created configuration does not name its task")
                .expected(format!("taskId {:?}", s.task))
                .actual(show(got.task_id.as_ref()))
                .at(at(s.family, "taskId"))
                .in_exchange(&x),
        );
    }
    if got.url.as_deref() != Some(s.url.as_str()) {
        failures.push(
            Failure::new("the created configuration does not carry the registered url")
                .expected(format!("url {:?}", s.url))
                .actual(show(got.url.as_ref()))
                .at(at(s.family, "url"))
                .in_exchange(&x),
        );
    }
    Ok(Outcome::from_failures(failures))
}

/// PUSH-04: a positive control (Create on the running task) first, then an unknown task.
async fn create_unknown_task(s: &Session<'_>) -> Result<Outcome, HarnessError> {
    if let Err(outcome) = s.created().await? {
        return Ok(outcome);
    }
    let unknown = unique("tck-unknown-task");
    let answer = s
        .call(
            Operation::CreatePushConfig,
            &s.create_params(&unknown, &unique("tck-config-token")),
        )
        .await?;
    Ok(Outcome::from_failures(expect_error(
        s.cx,
        &answer,
        A2aError::TaskNotFound,
    )?))
}

/// PUSH-05: after a while, Get answers the url, token and authentication that were sent.
async fn persists(s: &Session<'_>) -> Result<Outcome, HarnessError> {
    let created = match s.created().await? {
        Ok(c) => c,
        Err(outcome) => return Ok(outcome),
    };
    tokio::time::sleep(PERSIST).await;
    let answer = s.get(&created.id).await?;
    let x = answer.http.exchange.clone();
    let Some(result) = &answer.result else {
        let task = s.call(Operation::GetTask, &json!({"id": s.task})).await?;
        let state = task
            .result
            .as_ref()
            .and_then(|t| t.pointer("/status/state"))
            .and_then(Value::as_str)
            .unwrap_or("");
        if is_terminal(state) {
            return Ok(Outcome::Skip(format!(
                "the long-running task ended ({state}) before the configuration was read back"
            )));
        }
        return Ok(Outcome::Fail(vec![
            Failure::new("the configuration is gone while its task still runs")
                .expected(format!("configuration {} of task {}", created.id, s.task))
                .actual(describe(&answer))
                .in_exchange(&x),
        ]));
    };
    let got = seen(s.family, result);
    let mut failures = Vec::new();
    if got.url.as_deref() != Some(s.url.as_str()) {
        failures.push(
            Failure::new("the configuration read back has another url")
                .expected(format!("{:?}", s.url))
                .actual(show(got.url.as_ref()))
                .at(at(s.family, "url"))
                .in_exchange(&x),
        );
    }
    if got.token.as_deref() != Some(created.token.as_str()) {
        failures.push(
            Failure::new("the configuration read back has another token")
                .expected(format!("{:?}", created.token))
                .actual(show(got.token.as_ref()))
                .at(at(s.family, "token"))
                .in_exchange(&x),
        );
    }
    let (scheme, credentials) = s
        .authorization
        .split_once(' ')
        .unwrap_or((s.authorization.as_str(), ""));
    let auth = got.authentication.as_ref();
    let got_scheme = match s.family {
        Family::V1_0 => text(auth.and_then(|a| a.get("scheme"))),
        Family::V0_3 => text(auth.and_then(|a| a.pointer("/schemes/0"))),
    };
    // The credentials may be withheld when read back; when shown, they must be the same.
    let got_credentials = text(auth.and_then(|a| a.get("credentials")));
    if !got_scheme
        .as_deref()
        .is_some_and(|g| g.eq_ignore_ascii_case(scheme))
        || got_credentials.as_deref().is_some_and(|c| c != credentials)
    {
        failures.push(
            Failure::new("the configuration read back has another authentication")
                .expected(format!("scheme {scheme:?} and the credentials sent"))
                .actual(if auth.is_none() {
                    "no authentication".to_owned()
                } else {
                    format!(
                        "scheme {}, credentials {}",
                        show(got_scheme.as_ref()),
                        match got_credentials.as_deref() {
                            None => "withheld",
                            Some(c) if c == credentials => "the same",
                            Some(_) => "different",
                        }
                    )
                })
                .at(at(s.family, "authentication"))
                .in_exchange(&x),
        );
    }
    Ok(Outcome::from_failures(failures))
}

/// PUSH-06: Get answers the configuration as Create did (id, taskId, url), schema-valid.
async fn get(s: &Session<'_>) -> Result<Outcome, HarnessError> {
    let created = match s.created().await? {
        Ok(c) => c,
        Err(outcome) => return Ok(outcome),
    };
    let answer = s.get(&created.id).await?;
    let x = answer.http.exchange.clone();
    let Some(result) = &answer.result else {
        return Ok(Outcome::Fail(vec![
            Failure::new("Get of the configuration just created failed")
                .expected(format!("configuration {} of task {}", created.id, s.task))
                .actual(describe(&answer))
                .in_exchange(&x),
        ]));
    };
    let got = seen(s.family, result);
    let mut failures = conform(s.cx, s.family, false, result, &x);
    for (member, want, have) in [
        ("id", created.seen.id.as_ref(), got.id.as_ref()),
        (
            "taskId",
            created.seen.task_id.as_ref(),
            got.task_id.as_ref(),
        ),
        ("url", created.seen.url.as_ref(), got.url.as_ref()),
    ] {
        if member == "url" && have.is_none_or(String::is_empty) {
            failures.push(
                Failure::new("Get answers no webhook url")
                    .expected(format!("{:?}", s.url))
                    .actual("absent")
                    .at(at(s.family, "url"))
                    .in_exchange(&x),
            );
        } else if have != want {
            failures.push(
                Failure::new(format!("Get answers another {member} than Create did"))
                    .expected(show(want))
                    .actual(show(have))
                    .at(at(s.family, member))
                    .in_exchange(&x),
            );
        }
    }
    Ok(Outcome::from_failures(failures))
}

/// The positive control of the scenarios that expect a Get to fail: Get of the configuration
/// just created succeeds (otherwise skip: PUSH-06 judges it).
async fn readable(s: &Session<'_>, created: &Created) -> Result<Option<Outcome>, HarnessError> {
    let answer = s.get(&created.id).await?;
    Ok(answer.result.is_none().then(|| {
        Outcome::Skip(format!(
            "Get of the configuration just created failed ({}); PUSH-06 judges that",
            describe(&answer)
        ))
    }))
}

/// PUSH-07: with a configuration on the task (readable: the control), Get of another id is
/// `TaskNotFoundError`.
async fn get_missing(s: &Session<'_>) -> Result<Outcome, HarnessError> {
    let created = match s.created().await? {
        Ok(c) => c,
        Err(outcome) => return Ok(outcome),
    };
    if let Some(outcome) = readable(s, &created).await? {
        return Ok(outcome);
    }
    let answer = s.get(&unique("tck-unknown-config")).await?;
    Ok(Outcome::from_failures(expect_error(
        s.cx,
        &answer,
        A2aError::TaskNotFound,
    )?))
}

/// PUSH-08: two configurations created, both listed.
async fn list(s: &Session<'_>) -> Result<Outcome, HarnessError> {
    let mut created = Vec::new();
    for _ in 0..2 {
        match s.created().await? {
            Ok(c) => created.push(c),
            Err(outcome) => return Ok(outcome),
        }
    }
    let mut failures = Vec::new();
    if created[0].id == created[1].id {
        failures.push(
            Failure::new("two Creates answered the same configuration id")
                .expected("a new id for each configuration")
                .actual(created[0].id.clone())
                .in_exchange(&created[1].answer.http.exchange),
        );
    }
    let (ids, shape, answer) = s.listed().await?;
    failures.extend(shape);
    for c in &created {
        if !ids.contains(&c.id) {
            failures.push(
                Failure::new("List omits a configuration of the task")
                    .expected(format!("configuration {} listed", c.id))
                    .actual(format!("listed: {ids:?}"))
                    .in_exchange(&answer.http.exchange),
            );
        }
    }
    Ok(Outcome::from_failures(failures))
}

/// PUSH-09: after Delete, Get fails and List omits the configuration (both showed it before:
/// the control).
async fn delete(s: &Session<'_>) -> Result<Outcome, HarnessError> {
    let created = match s.created().await? {
        Ok(c) => c,
        Err(outcome) => return Ok(outcome),
    };
    if let Some(outcome) = readable(s, &created).await? {
        return Ok(outcome);
    }
    let (before, _, _) = s.listed().await?;
    if !before.contains(&created.id) {
        return Ok(Outcome::Skip(
            "List does not show the configuration just created; PUSH-08 judges that".into(),
        ));
    }
    let deleted = s.delete(&created.id).await?;
    if !succeeded(&deleted) {
        return Ok(Outcome::Fail(vec![
            Failure::new("Delete of an existing configuration failed")
                .expected("success")
                .actual(describe(&deleted))
                .in_exchange(&deleted.http.exchange),
        ]));
    }
    let mut failures = Vec::new();
    let got = s.get(&created.id).await?;
    if got.result.is_some() || got.error.is_none() {
        failures.push(
            Failure::new("Get still answers the deleted configuration")
                .expected("an error")
                .actual(describe(&got))
                .in_exchange(&got.http.exchange),
        );
    }
    let (ids, shape, answer) = s.listed().await?;
    failures.extend(shape);
    if ids.contains(&created.id) {
        failures.push(
            Failure::new("List still shows the deleted configuration")
                .expected(format!("configuration {} gone", created.id))
                .actual(format!("listed: {ids:?}"))
                .in_exchange(&answer.http.exchange),
        );
    }
    Ok(Outcome::from_failures(failures))
}

/// PUSH-10: a second Delete succeeds (`TaskNotFoundError` tolerated), never a server error.
async fn delete_twice(s: &Session<'_>) -> Result<Outcome, HarnessError> {
    let created = match s.created().await? {
        Ok(c) => c,
        Err(outcome) => return Ok(outcome),
    };
    let first = s.delete(&created.id).await?;
    if !succeeded(&first) {
        return Ok(Outcome::Skip(format!(
            "the first Delete was refused ({}); PUSH-09 judges that",
            describe(&first)
        )));
    }
    let second = s.delete(&created.id).await?;
    Ok(
        if succeeded(&second) || is_task_not_found(&s.target, &second) {
            Outcome::Pass
        } else {
            Outcome::Fail(vec![
                Failure::new("a second Delete of the configuration did not have the same effect")
                    .expected("success (TaskNotFoundError tolerated)")
                    .actual(describe(&second))
                    .in_exchange(&second.http.exchange),
            ])
        },
    )
}

/// PUSH-16: principal B's Get and List of principal A's configuration answer exactly like the
/// same calls on an unknown task; A reads it first (the positive control).
pub fn other_principal_configs_hidden(cx: &Context) -> Judged<'_> {
    Box::pin(async move {
        let Some(mint) = Minting::from_profile(&cx.profile).map_err(HarnessError)? else {
            return Ok(Outcome::Skip(
                "needs two principals: the profile's [jwt] minting key".into(),
            ));
        };
        let session = match Session::begin(cx, Some((&mint, PRINCIPAL_A))).await? {
            Ok(s) => s,
            Err(outcome) => return Ok(outcome),
        };
        let outcome = other_principal(&session, &mint).await;
        session.end().await;
        outcome
    })
}

async fn other_principal(s: &Session<'_>, mint: &Minting) -> Result<Outcome, HarnessError> {
    let created = match s.created().await? {
        Ok(c) => c,
        Err(outcome) => return Ok(outcome),
    };
    let own = s.get(&created.id).await?;
    if own.result.is_none() {
        return Err(HarnessError(format!(
            "principal A cannot read its own push configuration ({}); the isolation check needs it",
            describe(&own)
        )));
    }
    let unknown = unique("tck-unknown-task");
    let b = Some((mint, PRINCIPAL_B));
    let mut failures = Vec::new();
    for (op, real, random) in [
        (
            Operation::GetPushConfig,
            s.config_ref(&s.task, &created.id),
            s.config_ref(&unknown, &created.id),
        ),
        (
            Operation::ListPushConfigs,
            s.list_params(&s.task, None),
            s.list_params(&unknown, None),
        ),
    ] {
        let on_real = s.call_as(b, op, &real).await?;
        let on_random = s.call_as(b, op, &random).await?;
        let same = on_real.result.is_none()
            && on_real.http.status == on_random.http.status
            && on_real.error_code() == on_random.error_code();
        if !same {
            failures.push(
                Failure::new(format!(
                    "{op:?} by another principal on a task's configuration differs from {op:?} on an unknown task"
                ))
                .expected(format!("as for an unknown task: {}", describe(&on_random)))
                .actual(describe(&on_real))
                .in_exchange(&on_real.http.exchange),
            );
        }
    }
    Ok(Outcome::from_failures(failures))
}
