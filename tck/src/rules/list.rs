//! Judgement of the List Tasks scenarios (A2A 1.0 §3.1.4). The agent under test is shared with
//! every other scenario of the run, so each scenario creates its own tasks in a fresh
//! `contextId` and lists with that filter: what it judges is what it made. Every page read is
//! validated against `ListTasksResponse` (JSON-RPC: `JsonRpcListTasksSuccess`).

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{Value, json};

use crate::check::{BoxFuture, HarnessError};
use crate::context::Context;
use crate::rules::auth::{self, As, PRINCIPAL_A, PRINCIPAL_B};
use crate::rules::conversation::{self as talk, Expect, Reached, conform, describe};
use crate::rules::lifecycle::reach;
use crate::scenario::Binding;
use crate::transport::call::{self, Answer};
use crate::transport::jsonrpc::{Operation, show};
use crate::verdict::{Failure, Outcome};

type StepResult<'a> = BoxFuture<'a, Result<Outcome, HarnessError>>;

/// Unwraps a `Result<Result<T, Outcome>, HarnessError>` inside a helper that returns one too.
macro_rules! made {
    ($e:expr) => {
        match $e? {
            Ok(v) => v,
            Err(outcome) => return Ok(Err(outcome)),
        }
    };
}

/// Pages a walk may read beyond one per expected task before it is judged endless.
const SLACK_PAGES: usize = 2;

/// The spacing between the tasks a scenario creates, so their status timestamps differ even
/// at millisecond precision.
const SPACING: Duration = Duration::from_millis(15);

/// The `ListTasksRequest.status` value of a completed task.
const COMPLETED: &str = "TASK_STATE_COMPLETED";

/// Where the `ListTasksResponse` sits in the answer body, for pointers.
fn base(cx: &Context) -> Result<&'static str, HarnessError> {
    Ok(match cx.target()?.binding {
        Binding::JsonRpc => "/result",
        Binding::HttpJson => "",
    })
}

fn id_of(task: &Value) -> &str {
    task.get("id").and_then(Value::as_str).unwrap_or("")
}

fn with(params: &Value, name: &str, value: Value) -> Value {
    let mut params = params.clone();
    if let Some(o) = params.as_object_mut() {
        o.insert(name.to_owned(), value);
    }
    params
}

/// Asks for `behaviour` in `context` and waits for the task to settle. An agent that does not
/// keep the client's `contextId` (SEND-13 judges that) leaves nothing to filter on: skip.
async fn create_in(
    cx: &Context,
    context: &str,
    behaviour: &str,
) -> Result<Result<Reached, Outcome>, HarnessError> {
    let family = talk::family(cx)?;
    let mut message = made!(talk::behaviour_message(cx, behaviour));
    if let Some(m) = message.as_object_mut() {
        m.insert("contextId".into(), Value::from(context));
    }
    let sent = made!(talk::send_for_task(cx, &talk::send_params(family, &message, false)).await);
    let settled = made!(talk::settle(cx, &sent.id).await);
    if settled.task.get("contextId").and_then(Value::as_str) != Some(context) {
        return Ok(Err(Outcome::Skip(format!(
            "the agent did not keep the client's contextId {context} (the task is in {}; SEND-13)",
            show(settled.task.get("contextId"))
        ))));
    }
    Ok(Ok(settled))
}

/// `n` tasks of `behaviour` in one fresh context, created one after another.
async fn tasks_in_context(
    cx: &Context,
    n: usize,
    behaviour: &str,
) -> Result<Result<(String, Vec<Reached>), Outcome>, HarnessError> {
    let context = talk::fresh_id("tck-list-");
    let mut tasks = Vec::with_capacity(n);
    for k in 0..n {
        if k > 0 {
            tokio::time::sleep(SPACING).await;
        }
        tasks.push(made!(create_in(cx, &context, behaviour).await));
    }
    Ok(Ok((context, tasks)))
}

/// One `ListTasksResponse` as read off the wire.
#[derive(Debug)]
struct Page {
    /// `tasks` (empty when it is not an array: the schema finding says so).
    tasks: Vec<Value>,
    /// `nextPageToken`; `None` when absent or not a string.
    next: Option<String>,
    /// `pageSize`.
    size: Option<i64>,
    /// `totalSize`.
    total: Option<i64>,
    /// The schema findings of the answer.
    findings: Vec<Failure>,
    /// The exchange it came in.
    exchange: String,
}

impl Page {
    fn of(cx: &Context, answer: &Answer) -> Result<Self, Outcome> {
        let Some(result) = &answer.result else {
            return Err(Outcome::Fail(vec![
                Failure::new("ListTasks did not answer with a page")
                    .expected("a ListTasksResponse")
                    .actual(describe(answer))
                    .in_exchange(&answer.http.exchange),
            ]));
        };
        Ok(Self {
            tasks: result
                .get("tasks")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            next: result
                .get("nextPageToken")
                .and_then(Value::as_str)
                .map(str::to_owned),
            size: result.get("pageSize").and_then(Value::as_i64),
            total: result.get("totalSize").and_then(Value::as_i64),
            findings: conform(cx, answer, Expect::TaskPage),
            exchange: answer.http.exchange.clone(),
        })
    }

    fn ids(&self) -> impl Iterator<Item = &str> {
        self.tasks.iter().map(id_of)
    }

    fn lists(&self, id: &str) -> bool {
        self.ids().any(|i| i == id)
    }
}

/// One `ListTasks` call; an answer without a page is the agent's failure.
async fn list_page(cx: &Context, params: &Value) -> Result<Result<Page, Outcome>, HarnessError> {
    let answer = call::call(cx, Operation::ListTasks, params).await?;
    Ok(Page::of(cx, &answer))
}

/// The pages of a walk along `nextPageToken`.
#[derive(Debug)]
struct Walk {
    pages: Vec<Page>,
    /// The last page said `"nextPageToken": ""`.
    ended: bool,
}

impl Walk {
    fn tasks(&self) -> impl Iterator<Item = (usize, usize, &Value, &Page)> {
        self.pages.iter().enumerate().flat_map(|(p, page)| {
            page.tasks
                .iter()
                .enumerate()
                .map(move |(k, t)| (p, k, t, page))
        })
    }

    fn findings(&self) -> Vec<Failure> {
        self.pages
            .iter()
            .flat_map(|p| p.findings.iter().cloned())
            .collect()
    }

    /// A finding when the walk stopped at the page cap with a token still to follow.
    fn endless(&self) -> Option<Failure> {
        let last = self.pages.last()?;
        match &last.next {
            Some(token) if !token.is_empty() => Some(
                Failure::new("the pages never end")
                    .expected(format!(
                        "`\"nextPageToken\": \"\"` within {} pages",
                        self.pages.len()
                    ))
                    .actual(format!("page {} still names a next page", self.pages.len()))
                    .in_exchange(&last.exchange),
            ),
            _ => None,
        }
    }
}

/// Follows `nextPageToken` from `params` for at most `max_pages` pages; stops at `""` or at a
/// page without a token.
async fn walk(
    cx: &Context,
    params: &Value,
    max_pages: usize,
) -> Result<Result<Walk, Outcome>, HarnessError> {
    let mut pages: Vec<Page> = Vec::new();
    let mut request = params.clone();
    while pages.len() < max_pages {
        let page = made!(list_page(cx, &request).await);
        let next = page.next.clone();
        pages.push(page);
        match next.as_deref() {
            Some("") => return Ok(Ok(Walk { pages, ended: true })),
            Some(token) => request = with(params, "pageToken", Value::from(token)),
            None => break,
        }
    }
    Ok(Ok(Walk {
        pages,
        ended: false,
    }))
}

/// A finding when a task the scenario made is missing from what was listed.
fn not_listed(task: &Reached, context: &str, exchange: &str) -> Failure {
    Failure::new("a task of the context is not listed")
        .expected(format!("task {} (contextId {context})", task.id))
        .actual("absent from the list")
        .in_exchange(exchange)
}

/// LIST-01: `ListTasks` is not answered as an unknown method.
pub fn implemented(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let answer = call::call(cx, Operation::ListTasks, &json!({"pageSize": 1})).await?;
        let unimplemented = match cx.target()?.binding {
            Binding::JsonRpc => answer.error_code() == Some(-32601),
            Binding::HttpJson => {
                matches!(answer.http.status, 404 | 405 | 501)
                    || answer
                        .error
                        .as_ref()
                        .and_then(|e| e.get("status"))
                        .and_then(Value::as_str)
                        == Some("UNIMPLEMENTED")
            }
        };
        Ok(if unimplemented {
            Outcome::Fail(vec![
                Failure::new("ListTasks is not implemented")
                    .expected("a ListTasksResponse (any answer but method not found)")
                    .actual(describe(&answer))
                    .in_exchange(&answer.http.exchange),
            ])
        } else {
            Outcome::Pass
        })
    })
}

/// A member of the response: name, type test, type name.
type Member = (&'static str, fn(&Value) -> bool, &'static str);

/// LIST-02: the four REQUIRED members are present with their types.
pub fn response_members(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let (context, _) = reach!(tasks_in_context(cx, 1, "complete").await);
        let answer = call::call(cx, Operation::ListTasks, &json!({"contextId": context})).await?;
        let Some(result) = &answer.result else {
            return Ok(Outcome::Fail(vec![
                Failure::new("ListTasks did not answer with a page")
                    .expected("a ListTasksResponse")
                    .actual(describe(&answer))
                    .in_exchange(&answer.http.exchange),
            ]));
        };
        let base = base(cx)?;
        let members: [Member; 4] = [
            ("tasks", Value::is_array, "an array"),
            ("nextPageToken", Value::is_string, "a string"),
            ("pageSize", Value::is_i64, "an integer"),
            ("totalSize", Value::is_i64, "an integer"),
        ];
        let mut failures: Vec<Failure> = members
            .iter()
            .filter(|(name, is, _)| !result.get(*name).is_some_and(is))
            .map(|(name, _, what)| {
                Failure::new(format!("the response lacks `{name}`"))
                    .expected(format!("`{name}`: {what}"))
                    .actual(show(result.get(*name)))
                    .at(format!("{base}/{name}"))
                    .in_exchange(&answer.http.exchange)
            })
            .collect();
        failures.extend(conform(cx, &answer, Expect::TaskPage));
        Ok(Outcome::from_failures(failures))
    })
}

/// LIST-03: every page carries `nextPageToken`; the last one says `""`.
pub fn last_page_token_empty(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let (context, tasks) = reach!(tasks_in_context(cx, 2, "complete").await);
        let params = json!({"contextId": context, "pageSize": 1});
        let walk = reach!(walk(cx, &params, tasks.len() + SLACK_PAGES).await);
        let base = base(cx)?;
        let mut failures: Vec<Failure> = walk
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.next.is_none())
            .map(|(n, p)| {
                Failure::new("a page has no nextPageToken")
                    .expected(if walk.ended || n + 1 < walk.pages.len() {
                        "`nextPageToken` on every page".to_owned()
                    } else {
                        "`\"nextPageToken\": \"\"` on the last page".to_owned()
                    })
                    .actual(format!("page {} without `nextPageToken`", n + 1))
                    .at(format!("{base}/nextPageToken"))
                    .in_exchange(&p.exchange)
            })
            .collect();
        if let Some(endless) = walk.endless() {
            let mine: BTreeSet<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
            if walk.tasks().any(|(_, _, t, _)| !mine.contains(id_of(t))) && failures.is_empty() {
                // Tasks outside the context fill the pages (LIST-08 judges the filter): the
                // last page of the context was never reached.
                return Ok(Outcome::Skip(format!(
                    "the list of context {context} holds other tasks and did not end within {} pages",
                    walk.pages.len()
                )));
            }
            failures.push(endless);
        }
        failures.extend(walk.findings());
        Ok(Outcome::from_failures(failures))
    })
}

/// LIST-04: status timestamps never increase along the list.
pub fn newest_first(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let (context, tasks) = reach!(tasks_in_context(cx, 3, "complete").await);
        let params = json!({"contextId": context, "pageSize": 2});
        let walk = reach!(walk(cx, &params, tasks.len() + SLACK_PAGES).await);
        let base = base(cx)?;
        let mut failures = Vec::new();
        let mut seen = BTreeSet::new();
        let mut previous: Option<(i128, String, String)> = None;
        for (_, k, task, page) in walk.tasks() {
            let text = task.pointer("/status/timestamp").and_then(Value::as_str);
            let Some(time) = text.and_then(instant) else {
                failures.push(
                    Failure::new("a listed task has no RFC 3339 status timestamp")
                        .expected("status.timestamp, e.g. 2026-01-01T00:00:00.000Z")
                        .actual(show(task.pointer("/status/timestamp")))
                        .at(format!("{base}/tasks/{k}/status/timestamp"))
                        .in_exchange(&page.exchange),
                );
                continue;
            };
            let text = text.unwrap_or_default().to_owned();
            seen.insert(time);
            if let Some((before, before_text, before_id)) = &previous
                && time > *before
            {
                failures.push(
                    Failure::new("the tasks are not sorted by status timestamp, newest first")
                        .expected(format!(
                            "a status timestamp at or before {before_text} (task {before_id}, listed earlier)"
                        ))
                        .actual(format!("{text} (task {})", id_of(task)))
                        .at(format!("{base}/tasks/{k}/status/timestamp"))
                        .in_exchange(&page.exchange),
                );
            }
            previous = Some((time, text, id_of(task).to_owned()));
        }
        failures.extend(walk.findings());
        if failures.is_empty() && seen.len() < 2 {
            return Ok(Outcome::Skip(
                "the listed tasks share one status timestamp: their order proves nothing".into(),
            ));
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// A completed task with artifacts in a fresh context, and its artifacts as `GetTask` shows
/// them; a task without artifacts proves nothing (skip).
async fn task_with_artifacts(
    cx: &Context,
) -> Result<Result<(String, Reached, Value), Outcome>, HarnessError> {
    let (context, mut tasks) = made!(tasks_in_context(cx, 1, "complete").await);
    let Some(task) = tasks.pop() else {
        return Err(HarnessError("no task was created".into()));
    };
    let got = made!(talk::get_task(cx, &task.id, None).await);
    match got.task.get("artifacts") {
        Some(a) if a.as_array().is_some_and(|a| !a.is_empty()) => {
            Ok(Ok((context, task, a.clone())))
        }
        other => Ok(Err(Outcome::Skip(format!(
            "the `complete` task has no artifacts to list ({})",
            show(other)
        )))),
    }
}

/// LIST-05: without `includeArtifacts`, no listed task carries `artifacts`.
pub fn artifacts_omitted(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let (context, task, _) = reach!(task_with_artifacts(cx).await);
        let page = reach!(list_page(cx, &json!({"contextId": context})).await);
        let base = base(cx)?;
        let mut failures = Vec::new();
        if !page.lists(&task.id) {
            failures.push(not_listed(&task, &context, &page.exchange));
        }
        for (k, t) in page.tasks.iter().enumerate() {
            if let Some(a) = t.get("artifacts") {
                failures.push(
                    Failure::new("a task is listed with `artifacts` without includeArtifacts")
                        .expected("no `artifacts` member (not [] nor null)")
                        .actual(show(Some(a)))
                        .at(format!("{base}/tasks/{k}/artifacts"))
                        .in_exchange(&page.exchange),
                );
            }
        }
        failures.extend(page.findings);
        Ok(Outcome::from_failures(failures))
    })
}

/// LIST-06: with `includeArtifacts`, the task is listed with its artifacts.
pub fn artifacts_included(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let (context, task, artifacts) = reach!(task_with_artifacts(cx).await);
        let params = json!({"contextId": context, "includeArtifacts": true});
        let page = reach!(list_page(cx, &params).await);
        let base = base(cx)?;
        let mut failures = Vec::new();
        match page.tasks.iter().position(|t| id_of(t) == task.id) {
            None => failures.push(not_listed(&task, &context, &page.exchange)),
            Some(k) if page.tasks[k].get("artifacts") != Some(&artifacts) => failures.push(
                Failure::new("with includeArtifacts, the task is listed without its artifacts")
                    .expected(show(Some(&artifacts)))
                    .actual(show(page.tasks[k].get("artifacts")))
                    .at(format!("{base}/tasks/{k}/artifacts"))
                    .in_exchange(&page.exchange),
            ),
            Some(_) => {}
        }
        failures.extend(page.findings);
        Ok(Outcome::from_failures(failures))
    })
}

/// LIST-07: pageSize 1 along `nextPageToken` lists the context's tasks once each.
pub fn cursor_pagination(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let (context, tasks) = reach!(tasks_in_context(cx, 3, "complete").await);
        let params = json!({"contextId": context, "pageSize": 1});
        let walk = reach!(walk(cx, &params, tasks.len() + SLACK_PAGES).await);
        let base = base(cx)?;
        let mine: BTreeSet<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
        let mut failures = Vec::new();
        let mut listed = BTreeSet::new();
        for (n, page) in walk.pages.iter().enumerate() {
            if page.tasks.len() > 1 {
                failures.push(
                    Failure::new("a page holds more tasks than pageSize")
                        .expected("at most 1 task (pageSize 1)")
                        .actual(format!("{} tasks on page {}", page.tasks.len(), n + 1))
                        .at(format!("{base}/tasks"))
                        .in_exchange(&page.exchange),
                );
            }
            let expected = i64::try_from(mine.len()).unwrap_or(i64::MAX);
            if page.total != Some(expected) {
                failures.push(
                    Failure::new("totalSize is not the number of matching tasks")
                        .expected(format!("{expected} (the tasks of context {context})"))
                        .actual(format!(
                            "{} on page {}",
                            page.total
                                .map_or_else(|| "absent".to_owned(), |t| t.to_string()),
                            n + 1
                        ))
                        .at(format!("{base}/totalSize"))
                        .in_exchange(&page.exchange),
                );
            }
        }
        for (_, k, task, page) in walk.tasks() {
            let id = id_of(task);
            if !listed.insert(id) {
                failures.push(
                    Failure::new("a task is listed twice")
                        .expected("each task on one page only")
                        .actual(format!("task {id} again"))
                        .at(format!("{base}/tasks/{k}"))
                        .in_exchange(&page.exchange),
                );
            } else if !mine.contains(id) {
                failures.push(
                    Failure::new("a task outside the filtered set is listed")
                        .expected(format!("only tasks of context {context}"))
                        .actual(format!(
                            "task {id} in context {}",
                            show(task.get("contextId"))
                        ))
                        .at(format!("{base}/tasks/{k}"))
                        .in_exchange(&page.exchange),
                );
            }
        }
        let last = walk.pages.last().map_or("", |p| p.exchange.as_str());
        for task in &tasks {
            if !listed.contains(task.id.as_str()) {
                failures.push(not_listed(task, &context, last));
            }
        }
        if !walk.ended {
            failures.extend(walk.endless());
        }
        failures.extend(walk.findings());
        Ok(Outcome::from_failures(failures))
    })
}

/// Findings for every task of `page` that `keep` refuses, and for each of `present` missing /
/// each of `absent` listed.
fn judge_filter(
    page: &Page,
    filter: &str,
    base: &str,
    keep: impl Fn(&Value) -> Option<String>,
    present: &[&Reached],
    absent: &[&Reached],
) -> Vec<Failure> {
    let mut failures = Vec::new();
    for (k, task) in page.tasks.iter().enumerate() {
        if let Some(why) = keep(task) {
            failures.push(
                Failure::new(format!("a listed task does not match the filter {filter}"))
                    .expected(format!("only tasks with {filter}"))
                    .actual(format!("task {}: {why}", id_of(task)))
                    .at(format!("{base}/tasks/{k}"))
                    .in_exchange(&page.exchange),
            );
        }
    }
    for task in present {
        if !page.lists(&task.id) {
            failures.push(
                Failure::new(format!("a task matching the filter {filter} is not listed"))
                    .expected(format!("task {}", task.id))
                    .actual("absent from the list")
                    .in_exchange(&page.exchange),
            );
        }
    }
    for task in absent {
        if page.lists(&task.id) {
            failures.push(
                Failure::new(format!("a task outside the filter {filter} is listed"))
                    .expected(format!("no task {}", task.id))
                    .actual(format!("task {} listed", task.id))
                    .at(format!("{base}/tasks"))
                    .in_exchange(&page.exchange),
            );
        }
    }
    failures
}

/// LIST-08: `contextId`, `status` and `statusTimestampAfter` each keep only matching tasks,
/// and the matching ones are listed. A task in another context (the decoy) is always there to
/// be wrongly listed.
pub fn filters_hold(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let context = talk::fresh_id("tck-list-");
        let decoy = reach!(create_in(cx, &talk::fresh_id("tck-list-decoy-"), "complete").await);
        tokio::time::sleep(SPACING).await;
        let done = reach!(create_in(cx, &context, "complete").await);
        tokio::time::sleep(SPACING).await;
        let failed = reach!(create_in(cx, &context, "fail").await);
        let base = base(cx)?;
        let in_context = |t: &Value| {
            let c = t.get("contextId").and_then(Value::as_str);
            (c != Some(context.as_str())).then(|| format!("contextId {}", show(t.get("contextId"))))
        };
        let mut failures = Vec::new();

        let filter = format!("contextId {context}");
        let page = reach!(list_page(cx, &json!({"contextId": context})).await);
        failures.extend(judge_filter(
            &page,
            &filter,
            base,
            in_context,
            &[&done, &failed],
            &[&decoy],
        ));
        failures.extend(page.findings);

        let filter = format!("contextId {context}, status {COMPLETED}");
        let params = json!({"contextId": context, "status": COMPLETED});
        let page = reach!(list_page(cx, &params).await);
        let completed = |t: &Value| {
            in_context(t).or_else(|| {
                let s = t.pointer("/status/state").and_then(Value::as_str);
                (s != Some(COMPLETED))
                    .then(|| format!("state {}", show(t.pointer("/status/state"))))
            })
        };
        failures.extend(judge_filter(
            &page,
            &filter,
            base,
            completed,
            &[&done],
            &[&failed, &decoy],
        ));
        failures.extend(page.findings);

        let after_text = failed
            .task
            .pointer("/status/timestamp")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let Some(after) = instant(&after_text) else {
            return Ok(Outcome::Fail(vec![
                Failure::new("the task has no RFC 3339 status timestamp")
                    .expected("status.timestamp, e.g. 2026-01-01T00:00:00.000Z")
                    .actual(show(failed.task.pointer("/status/timestamp")))
                    .at("/status/timestamp")
                    .in_exchange(&failed.exchange),
            ]));
        };
        let earlier = done
            .task
            .pointer("/status/timestamp")
            .and_then(Value::as_str)
            .and_then(instant)
            .is_some_and(|t| t < after);
        let filter = format!("contextId {context}, statusTimestampAfter {after_text}");
        let params = json!({"contextId": context, "statusTimestampAfter": after_text});
        let page = reach!(list_page(cx, &params).await);
        let recent = |t: &Value| {
            in_context(t).or_else(|| {
                let time = t
                    .pointer("/status/timestamp")
                    .and_then(Value::as_str)
                    .and_then(instant);
                time.is_none_or(|t| t < after)
                    .then(|| format!("status timestamp {}", show(t.pointer("/status/timestamp"))))
            })
        };
        let absent: Vec<&Reached> = if earlier { vec![&done] } else { vec![] };
        failures.extend(judge_filter(
            &page,
            &filter,
            base,
            recent,
            &[&failed],
            &absent,
        ));
        failures.extend(page.findings);
        Ok(Outcome::from_failures(failures))
    })
}

/// Tasks LIST-09 creates in its own context: more than the largest page allowed (100), so
/// both bounds can be exceeded whatever else the agent holds.
const BOUNDS_TASKS: usize = 101;

/// LIST-09 ([lenient]): in a context holding 101 tasks, no pageSize → at most 50; pageSize
/// 101 → refused or at most 100.
pub fn page_size_bounds(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let base = base(cx)?;
        let context = talk::fresh_id("tck-list-");
        for _ in 0..BOUNDS_TASKS {
            reach!(create_in(cx, &context, "complete").await);
        }
        let filter = json!({"contextId": context});
        let mut failures = Vec::new();
        let page = reach!(list_page(cx, &filter).await);
        let listed = page.tasks.len();
        if listed > 50 || page.size.is_some_and(|s| s > 50) {
            failures.push(
                Failure::new("without pageSize, a page holds more than 50 tasks")
                    .expected("at most 50 tasks and a pageSize of at most 50")
                    .actual(format!(
                        "{listed} tasks, pageSize {}",
                        page.size
                            .map_or_else(|| "absent".to_owned(), |s| s.to_string())
                    ))
                    .at(format!("{base}/pageSize"))
                    .in_exchange(&page.exchange),
            );
        }
        failures.extend(page.findings);

        let answer = call::call(
            cx,
            Operation::ListTasks,
            &with(&filter, "pageSize", json!(101)),
        )
        .await?;
        if answer.result.is_some() {
            let page = match Page::of(cx, &answer) {
                Ok(p) => p,
                Err(o) => return Ok(o),
            };
            if page.tasks.len() > 100 || page.size.is_some_and(|s| s > 100) {
                failures.push(
                    Failure::new("pageSize 101 is neither refused nor clamped to 100")
                        .expected("InvalidParams (-32602 / HTTP 400), or at most 100 tasks and a pageSize of at most 100")
                        .actual(format!(
                            "{} tasks, pageSize {}",
                            page.tasks.len(),
                            page.size
                                .map_or_else(|| "absent".to_owned(), |s| s.to_string())
                        ))
                        .at(format!("{base}/pageSize"))
                        .in_exchange(&page.exchange),
                );
            }
            failures.extend(page.findings);
        } else {
            let refused = match cx.target()?.binding {
                Binding::JsonRpc => answer.error_code() == Some(-32602),
                Binding::HttpJson => answer.http.status == 400,
            };
            if !refused {
                failures.push(
                    Failure::new("pageSize 101 is refused with another error than InvalidParams")
                        .expected("-32602 / HTTP 400, or a page clamped to at most 100")
                        .actual(describe(&answer))
                        .in_exchange(&answer.http.exchange),
                );
            }
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// Pages principal B reads of its whole, unfiltered list before giving up looking.
const UNFILTERED_PAGES: usize = 10;

async fn list_as(
    cx: &Context,
    mint: &auth::Minting,
    principal: &str,
    params: &Value,
) -> Result<Answer, HarnessError> {
    let target = cx.target()?.clone();
    let token = format!("Bearer {}", mint.token(principal)?);
    auth::call_as(
        cx,
        &target,
        Operation::ListTasks,
        params,
        As::Authorization(&token),
    )
    .await
}

fn listed_ids(answer: &Answer) -> Vec<String> {
    answer
        .result
        .as_ref()
        .and_then(|r| r.get("tasks"))
        .and_then(Value::as_array)
        .map(|ts| ts.iter().map(|t| id_of(t).to_owned()).collect())
        .unwrap_or_default()
}

/// LIST-10: a task principal A created is in A's list and in none of principal B's, filtered
/// on its context or not filtered at all.
pub fn other_principal_not_listed(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let Some(mint) = auth::minting(cx)? else {
            return Ok(Outcome::Skip(
                "needs two principals: the profile's [jwt] minting key".into(),
            ));
        };
        let family = talk::family(cx)?;
        let target = cx.target()?.clone();
        let context = talk::fresh_id("tck-list-");
        let mut message = talk::user_message(family, &talk::fresh_id("tck-list-msg-"), "hello");
        if let Some(m) = message.as_object_mut() {
            m.insert("contextId".into(), Value::from(context.as_str()));
        }
        let owner = format!("Bearer {}", mint.token(PRINCIPAL_A)?);
        let created = auth::call_as(
            cx,
            &target,
            Operation::SendMessage,
            &json!({"message": message}),
            As::Authorization(&owner),
        )
        .await?;
        let Some(id) = created
            .result
            .as_ref()
            .and_then(|r| talk::task_of_send(family, r))
            .map(|t| id_of(t).to_owned())
            .filter(|id| !id.is_empty())
        else {
            return Err(HarnessError(format!(
                "principal A could not create a task ({}); the isolation check needs one",
                describe(&created)
            )));
        };
        // The positive control: A sees its own task.
        let filter = json!({"contextId": context});
        let own = list_as(cx, &mint, PRINCIPAL_A, &filter).await?;
        if !listed_ids(&own).contains(&id) {
            return Err(HarnessError(format!(
                "principal A's own ListTasks on context {context} does not list task {id} ({}); \
                 the isolation check needs it",
                describe(&own)
            )));
        }
        let mut failures = Vec::new();
        let filtered = list_as(cx, &mint, PRINCIPAL_B, &filter).await?;
        if listed_ids(&filtered).contains(&id) {
            failures.push(
                Failure::new("another principal's task is listed (filtered on its context)")
                    .expected(format!("no task {id}: it belongs to principal A"))
                    .actual(format!("task {id} in principal B's list"))
                    .in_exchange(&filtered.http.exchange),
            );
        }
        let mut params = json!({"pageSize": 100});
        for _ in 0..UNFILTERED_PAGES {
            let page = list_as(cx, &mint, PRINCIPAL_B, &params).await?;
            if listed_ids(&page).contains(&id) {
                failures.push(
                    Failure::new("another principal's task is listed (no filter)")
                        .expected(format!("no task {id}: it belongs to principal A"))
                        .actual(format!("task {id} in principal B's list"))
                        .in_exchange(&page.http.exchange),
                );
                break;
            }
            let next = page
                .result
                .as_ref()
                .and_then(|r| r.get("nextPageToken"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            if next.is_empty() {
                break;
            }
            params = json!({"pageSize": 100, "pageToken": next});
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// LIST-11: `historyLength` 0 → no listed task carries history messages.
pub fn history_zero(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let (context, mut tasks) = reach!(tasks_in_context(cx, 1, "complete").await);
        let Some(task) = tasks.pop() else {
            return Err(HarnessError("no task was created".into()));
        };
        let full = reach!(talk::get_task(cx, &task.id, None).await);
        if full
            .task
            .get("history")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
        {
            return Ok(Outcome::Skip(
                "the task has no history: historyLength 0 would prove nothing".into(),
            ));
        }
        let params = json!({"contextId": context, "historyLength": 0});
        let page = reach!(list_page(cx, &params).await);
        let base = base(cx)?;
        let mut failures = Vec::new();
        if !page.lists(&task.id) {
            failures.push(not_listed(&task, &context, &page.exchange));
        }
        for (k, t) in page.tasks.iter().enumerate() {
            let n = t
                .get("history")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            if n > 0 {
                failures.push(
                    Failure::new("historyLength 0 listed a task with history messages")
                        .expected("no `history` (or an empty one)")
                        .actual(format!("{n} messages in task {}", id_of(t)))
                        .at(format!("{base}/tasks/{k}/history"))
                        .in_exchange(&page.exchange),
                );
            }
        }
        failures.extend(page.findings);
        Ok(Outcome::from_failures(failures))
    })
}

/// An RFC 3339 date-time (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`) as nanoseconds since
/// the Unix epoch; `None` when it is not one. Written here, not shared with the agent, so a
/// wrong parse cannot confirm itself.
pub fn instant(text: &str) -> Option<i128> {
    let bytes = text.as_bytes();
    let digits = |from: usize, to: usize| -> Option<i64> {
        let part = text.get(from..to)?;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let at = |i: usize| bytes.get(i).copied();
    if at(4) != Some(b'-')
        || at(7) != Some(b'-')
        || !matches!(at(10), Some(b'T' | b't'))
        || at(13) != Some(b':')
        || at(16) != Some(b':')
    {
        return None;
    }
    let (year, month, day) = (digits(0, 4)?, digits(5, 7)?, digits(8, 10)?);
    let (hour, minute, second) = (digits(11, 13)?, digits(14, 16)?, digits(17, 19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut nanos: i64 = 0;
    if at(i) == Some(b'.') {
        i += 1;
        let start = i;
        while at(i).is_some_and(|b| b.is_ascii_digit()) {
            i += 1;
        }
        if i == start {
            return None;
        }
        for k in 0..9 {
            let digit = if start + k < i {
                i64::from(bytes.get(start + k).copied().unwrap_or(b'0') - b'0')
            } else {
                0
            };
            nanos = nanos * 10 + digit;
        }
    }
    let offset_minutes = match text.get(i..)? {
        "Z" | "z" => 0,
        zone if zone.len() == 6 && zone.as_bytes().get(3) == Some(&b':') => {
            let sign = match zone.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            let (h, m) = (digits(i + 1, i + 3)?, digits(i + 4, i + 6)?);
            if h > 23 || m > 59 {
                return None;
            }
            sign * (h * 60 + m)
        }
        _ => return None,
    };
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second
        - offset_minutes * 60;
    Some(i128::from(seconds) * 1_000_000_000 + i128::from(nanos))
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::instant;

    #[test]
    fn reads_rfc3339_instants_in_order() {
        assert_eq!(instant("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(instant("1970-01-01T00:00:01.5Z"), Some(1_500_000_000));
        assert_eq!(
            instant("2026-11-22T10:00:00.000Z"),
            instant("2026-11-22T11:00:00+01:00")
        );
        assert_eq!(
            instant("2000-03-01T00:00:00Z").map(|n| n / 1_000_000_000),
            Some(951_868_800)
        );
        assert!(instant("2026-11-22T10:00:00.001Z") > instant("2026-11-22T10:00:00Z"));
        assert!(instant("2026-11-22T10:00:00.123456789123Z").is_some());
    }

    #[test]
    fn refuses_what_is_not_an_instant() {
        for bad in [
            "",
            "2026-11-22",
            "2026-11-22T10:00:00",
            "2026-13-22T10:00:00Z",
            "2026-11-22T10:00:00.Z",
            "2026-11-22T10:00:00+0100",
            "2026-11-22 10:00:00Z",
            "२०२६-11-22T10:00:00Z",
        ] {
            assert_eq!(instant(bad), None, "{bad}");
        }
    }
}
