//! Judgement of the task-lifecycle scenarios: send, get, cancel and subscribe against tasks the
//! agent was asked (through the profile's scripted behaviours) to drive into each state.

use serde_json::{Value, json};

use crate::check::{BoxFuture, HarnessError};
use crate::context::Context;
use crate::rules::conversation::{
    self as talk, A2aError, Expect, Reached, conform, expect_error, family, state_of, state_text,
};
use crate::rules::state_machine::{self, Observation, State};
use crate::scenario::{Binding, Family};
use crate::transport::call;
use crate::transport::jsonrpc::{Operation, show};
use crate::verdict::{Failure, Outcome};

/// Unwraps a `Result<Result<T, Outcome>, HarnessError>`: the outcome ends the scenario.
macro_rules! reach {
    ($e:expr) => {
        match $e? {
            Ok(v) => v,
            Err(outcome) => return Ok(outcome),
        }
    };
}
pub(crate) use reach;

type StepResult<'a> = BoxFuture<'a, Result<Outcome, HarnessError>>;

fn observe(reached: &Reached, pointer: &str) -> Observation {
    Observation {
        text: reached
            .task
            .pointer("/status/state")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        pointer: pointer.to_owned(),
        exchange: reached.exchange.clone(),
    }
}

fn wrong_state(reached: &Reached, expected: &str) -> Failure {
    Failure::new("the task is not in the expected state")
        .expected(expected.to_owned())
        .actual(state_text(&reached.task))
        .at("/status/state")
        .in_exchange(&reached.exchange)
}

/// Starts a `long_running` task without waiting; a task that is not running when answered
/// leaves nothing to probe (the scenario is skipped; SEND-04 judges that answer).
async fn start_running(cx: &Context) -> Result<Result<Reached, Outcome>, HarnessError> {
    let fam = family(cx)?;
    let running = match talk::start(cx, "long_running", true).await? {
        Ok(r) => r,
        Err(o) => return Ok(Err(o)),
    };
    if matches!(
        state_of(fam, &running.task),
        Some(State::Submitted | State::Working)
    ) {
        Ok(Ok(running))
    } else {
        Ok(Err(Outcome::Skip(format!(
            "the `long_running` task was already {} when the send answered",
            state_text(&running.task)
        ))))
    }
}

/// The terminal states a scenario drives a task into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terminal {
    /// Via the `complete` behaviour.
    Completed,
    /// Via the `fail` behaviour.
    Failed,
    /// Via `long_running`, then `CancelTask`.
    Canceled,
    /// Via the `reject` behaviour.
    Rejected,
}

impl Terminal {
    fn state(self) -> State {
        match self {
            Self::Completed => State::Completed,
            Self::Failed => State::Failed,
            Self::Canceled => State::Canceled,
            Self::Rejected => State::Rejected,
        }
    }
}

/// Drives a new task into `terminal`; a task that ends elsewhere is the agent's failure.
async fn reach_terminal(
    cx: &Context,
    terminal: Terminal,
) -> Result<Result<Reached, Outcome>, HarnessError> {
    let fam = family(cx)?;
    let started = match terminal {
        Terminal::Completed => talk::start(cx, "complete", false).await?,
        Terminal::Failed => talk::start(cx, "fail", false).await?,
        Terminal::Rejected => talk::start(cx, "reject", false).await?,
        Terminal::Canceled => {
            let running = match start_running(cx).await? {
                Ok(r) => r,
                Err(o) => return Ok(Err(o)),
            };
            let answer = call::call(cx, Operation::CancelTask, &json!({"id": running.id})).await?;
            if let Err(o) = talk::task_answer(cx, &answer, "CancelTask")? {
                return Ok(Err(o));
            }
            Ok(running)
        }
    };
    let started = match started {
        Ok(r) => r,
        Err(o) => return Ok(Err(o)),
    };
    let settled = match talk::settle(cx, &started.id).await? {
        Ok(r) => r,
        Err(o) => return Ok(Err(o)),
    };
    if state_of(fam, &settled.task) != Some(terminal.state()) {
        return Ok(Err(Outcome::Fail(vec![wrong_state(
            &settled,
            terminal.state().name(),
        )])));
    }
    Ok(Ok(settled))
}

/// SEND-05 (0.3) / SEND-06 (1.0): a message to a terminal task is refused (1.0:
/// `UnsupportedOperationError`; 0.3: any error) and the task is unchanged.
async fn terminal_refuses_messages(
    cx: &Context,
    terminal: Terminal,
) -> Result<Outcome, HarnessError> {
    let fam = family(cx)?;
    let before = reach!(reach_terminal(cx, terminal).await);
    let context_id = before.task.get("contextId").cloned().unwrap_or(Value::Null);
    let mut message = talk::user_message(fam, &talk::fresh_id("tck-again-"), "hello again");
    if let Some(m) = message.as_object_mut() {
        m.insert("taskId".into(), Value::from(before.id.clone()));
        if !context_id.is_null() {
            m.insert("contextId".into(), context_id);
        }
    }
    let answer = call::call(cx, Operation::SendMessage, &json!({"message": message})).await?;
    let mut failures = match fam {
        Family::V1_0 => expect_error(cx, &answer, A2aError::UnsupportedOperation)?,
        Family::V0_3 if answer.error.is_none() => vec![
            Failure::new("a message to a terminal task was accepted")
                .expected("an error (A2A 0.3 §7.1 names no code)")
                .actual(talk::describe(&answer))
                .in_exchange(&answer.http.exchange),
        ],
        Family::V0_3 => conform(cx, &answer, Expect::Error),
    };
    let after = reach!(talk::get_task(cx, &before.id, None).await);
    failures.extend(talk::unchanged(&before, &after));
    failures.extend(state_machine::judge(
        fam,
        &[
            observe(&before, "/status/state"),
            observe(&after, "/status/state"),
        ],
    ));
    Ok(Outcome::from_failures(failures))
}

/// SEND-0x on a completed task.
pub fn message_to_completed(cx: &Context) -> StepResult<'_> {
    Box::pin(terminal_refuses_messages(cx, Terminal::Completed))
}

/// SEND-0x on a failed task.
pub fn message_to_failed(cx: &Context) -> StepResult<'_> {
    Box::pin(terminal_refuses_messages(cx, Terminal::Failed))
}

/// SEND-0x on a canceled task.
pub fn message_to_canceled(cx: &Context) -> StepResult<'_> {
    Box::pin(terminal_refuses_messages(cx, Terminal::Canceled))
}

/// SEND-0x on a rejected task.
pub fn message_to_rejected(cx: &Context) -> StepResult<'_> {
    Box::pin(terminal_refuses_messages(cx, Terminal::Rejected))
}

/// SEND-01 (0.3): the result is a Task or a Message carrying its `kind`.
pub fn send_result_kind(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let message = match talk::behaviour_message(cx, "complete")? {
            Ok(m) => m,
            Err(o) => return Ok(o),
        };
        let answer = call::call(
            cx,
            Operation::SendMessage,
            &talk::send_params(fam, &message, false),
        )
        .await?;
        let x = answer.http.exchange.clone();
        let mut failures = conform(cx, &answer, Expect::SendResult);
        let kind = answer.result.as_ref().and_then(|r| r.get("kind"));
        if !matches!(kind.and_then(Value::as_str), Some("task" | "message")) {
            failures.push(
                Failure::new("the result is not a Task or Message with its kind")
                    .expected("kind \"task\" or \"message\"")
                    .actual(show(kind))
                    .at("/result/kind")
                    .in_exchange(&x),
            );
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// SEND-02 (1.0): the result is exactly one of `{task}` / `{message}`.
pub fn send_result_wrapper(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let message = match talk::behaviour_message(cx, "complete")? {
            Ok(m) => m,
            Err(o) => return Ok(o),
        };
        let answer = call::call(
            cx,
            Operation::SendMessage,
            &talk::send_params(fam, &message, false),
        )
        .await?;
        let x = answer.http.exchange.clone();
        let mut failures = conform(cx, &answer, Expect::SendResult);
        let members: Vec<&str> = answer
            .result
            .as_ref()
            .and_then(Value::as_object)
            .map(|o| {
                o.keys()
                    .map(String::as_str)
                    .filter(|k| *k == "task" || *k == "message")
                    .collect()
            })
            .unwrap_or_default();
        if members.len() != 1 {
            failures.push(
                Failure::new("the result is not the SendMessageResponse wrapper")
                    .expected("exactly one of `task` / `message`")
                    .actual(show(answer.result.as_ref()))
                    .in_exchange(&x),
            );
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// SEND-03 (1.0): a blocking send answers with a terminal or interrupted task carrying all
/// its artifacts.
pub fn blocking_send_waits(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let sent = reach!(talk::start(cx, "complete", false).await);
        let mut failures = Vec::new();
        let settled =
            state_of(fam, &sent.task).is_some_and(|s| s.is_terminal() || s.is_interrupted());
        if !settled {
            failures.push(wrong_state(&sent, "a terminal or interrupted state"));
            return Ok(Outcome::Fail(failures));
        }
        let got = reach!(talk::get_task(cx, &sent.id, None).await);
        if sent.task.get("artifacts") != got.task.get("artifacts") {
            failures.push(
                Failure::new("the blocking answer lacks artifacts the task has")
                    .expected(show(got.task.get("artifacts")))
                    .actual(show(sent.task.get("artifacts")))
                    .at("/artifacts")
                    .in_exchange(&sent.exchange),
            );
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// SEND-04 (1.0): `returnImmediately` answers right after the task is created.
pub fn return_immediately(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let sent = reach!(talk::start(cx, "long_running", true).await);
        let early = matches!(
            state_of(fam, &sent.task),
            Some(State::Submitted | State::Working)
        );
        // Leave nothing running.
        let _ = call::call(cx, Operation::CancelTask, &json!({"id": sent.id})).await?;
        Ok(if early {
            Outcome::Pass
        } else {
            Outcome::Fail(vec![wrong_state(&sent, "SUBMITTED or WORKING")])
        })
    })
}

/// SEND-09 (1.0): a server-generated contextId appears in the response.
pub fn context_id_generated(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let sent = reach!(talk::start(cx, "complete", false).await);
        Ok(
            if sent
                .task
                .get("contextId")
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
            {
                Outcome::Pass
            } else {
                Outcome::Fail(vec![
                    Failure::new("the task has no contextId")
                        .expected("a non-empty contextId")
                        .actual(show(sent.task.get("contextId")))
                        .at("/contextId")
                        .in_exchange(&sent.exchange),
                ])
            },
        )
    })
}

/// SEND-10 (1.0): each new task gets its own id.
pub fn task_ids_unique(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let a = reach!(talk::start(cx, "complete", false).await);
        let b = reach!(talk::start(cx, "complete", false).await);
        Ok(if a.id == b.id {
            Outcome::Fail(vec![
                Failure::new("two new tasks share an id")
                    .expected("distinct task ids")
                    .actual(a.id.clone())
                    .at("/id")
                    .in_exchange(&b.exchange),
            ])
        } else {
            Outcome::Pass
        })
    })
}

/// SEND-11 (1.0): only `taskId` given → the contextId is the task's.
pub fn context_inferred_from_task(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let asked = reach!(talk::start(cx, "input_required", false).await);
        let asked = reach!(talk::settle(cx, &asked.id).await);
        if state_of(fam, &asked.task) != Some(State::InputRequired) {
            return Ok(Outcome::Fail(vec![wrong_state(&asked, "INPUT_REQUIRED")]));
        }
        let mut message = talk::user_message(fam, &talk::fresh_id("tck-reply-"), "hello");
        if let Some(m) = message.as_object_mut() {
            m.insert("taskId".into(), Value::from(asked.id.clone()));
        }
        let reply = reach!(talk::send_for_task(cx, &json!({"message": message})).await);
        let (want, got) = (asked.task.get("contextId"), reply.task.get("contextId"));
        let mut failures = Vec::new();
        if want != got || reply.id != asked.id {
            failures.push(
                Failure::new("the continued task does not keep its contextId")
                    .expected(format!("task {} in context {}", asked.id, show(want)))
                    .actual(format!("task {} in context {}", reply.id, show(got)))
                    .at("/contextId")
                    .in_exchange(&reply.exchange),
            );
        }
        failures.extend(state_machine::judge(
            fam,
            &[
                observe(&asked, "/status/state"),
                observe(&reply, "/status/state"),
            ],
        ));
        Ok(Outcome::from_failures(failures))
    })
}

/// GET-01: `GetTask` returns the task.
pub fn get_existing(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let sent = reach!(talk::start(cx, "complete", false).await);
        let got = reach!(talk::get_task(cx, &sent.id, None).await);
        Ok(if got.id == sent.id {
            Outcome::Pass
        } else {
            Outcome::Fail(vec![
                Failure::new("GetTask answered with another task")
                    .expected(sent.id.clone())
                    .actual(got.id.clone())
                    .at("/id")
                    .in_exchange(&got.exchange),
            ])
        })
    })
}

async fn unknown_task(cx: &Context, op: Operation) -> Result<Outcome, HarnessError> {
    let id = talk::fresh_id("tck-no-such-task-");
    let answer = call::call(cx, op, &json!({"id": id})).await?;
    Ok(Outcome::from_failures(expect_error(
        cx,
        &answer,
        A2aError::TaskNotFound,
    )?))
}

/// GET-02: an unknown id is `TaskNotFoundError`.
pub fn get_unknown(cx: &Context) -> StepResult<'_> {
    Box::pin(unknown_task(cx, Operation::GetTask))
}

/// CANCEL-03: cancel of an unknown id is `TaskNotFoundError`.
pub fn cancel_unknown(cx: &Context) -> StepResult<'_> {
    Box::pin(unknown_task(cx, Operation::CancelTask))
}

fn history(task: &Value) -> Vec<Value> {
    task.get("history")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// GET-03 (1.0): `historyLength` N → at most N messages, the most recent.
pub fn history_truncated(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let sent = reach!(talk::start(cx, "complete", false).await);
        let full = reach!(talk::get_task(cx, &sent.id, None).await);
        let all = history(&full.task);
        if all.len() < 2 {
            return Ok(Outcome::Skip(
                "the task's history holds fewer than two messages".into(),
            ));
        }
        let one = reach!(talk::get_task(cx, &sent.id, Some(1)).await);
        let got = history(&one.task);
        let latest = all.last().map(|m| m.get("messageId"));
        Ok(
            if got.len() <= 1 && got.first().map(|m| m.get("messageId")) == latest {
                Outcome::Pass
            } else {
                Outcome::Fail(vec![
                    Failure::new("historyLength 1 did not return only the latest message")
                        .expected(format!("one message, {}", show(latest.flatten())))
                        .actual(format!("{} messages", got.len()))
                        .at("/history")
                        .in_exchange(&one.exchange),
                ])
            },
        )
    })
}

/// GET-04 (1.0): `historyLength` 0 → no messages.
pub fn history_zero(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let sent = reach!(talk::start(cx, "complete", false).await);
        let got = reach!(talk::get_task(cx, &sent.id, Some(0)).await);
        let n = history(&got.task).len();
        Ok(if n == 0 {
            Outcome::Pass
        } else {
            Outcome::Fail(vec![
                Failure::new("historyLength 0 returned messages")
                    .expected("no `history` (or an empty one)")
                    .actual(format!("{n} messages"))
                    .at("/history")
                    .in_exchange(&got.exchange),
            ])
        })
    })
}

/// SEND-16 (1.0): `configuration.historyLength` in `SendMessage`: N=1 → at most one history
/// message in the answer's task; N=0 → none. The task must hold at least two messages (checked
/// with an unlimited `GetTask`), else the limit proves nothing and the scenario is skipped.
pub fn send_history_length(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let pointer = match cx.target()?.binding {
            Binding::JsonRpc => "/result/task/history",
            Binding::HttpJson => "/task/history",
        };
        let mut failures = Vec::new();
        for limit in [1_usize, 0] {
            let message = match talk::behaviour_message(cx, "complete")? {
                Ok(m) => m,
                Err(o) => return Ok(o),
            };
            let params = json!({"message": message, "configuration": {"historyLength": limit}});
            let sent = reach!(talk::send_for_task(cx, &params).await);
            let full = reach!(talk::get_task(cx, &sent.id, None).await);
            if history(&full.task).len() < 2 {
                return Ok(Outcome::Skip(
                    "the task's history holds fewer than two messages".into(),
                ));
            }
            let got = history(&sent.task).len();
            if got > limit {
                failures.push(
                    Failure::new(format!(
                        "SEND-16: configuration.historyLength {limit} is not honoured in the send answer"
                    ))
                    .expected(format!("at most {limit} history messages"))
                    .actual(format!("{got} messages"))
                    .at(pointer)
                    .in_exchange(&sent.exchange),
                );
            }
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// GET-06: a terminal task reads the same on every `GetTask`.
pub fn terminal_task_stable(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let first = reach!(reach_terminal(cx, Terminal::Completed).await);
        let mut failures = Vec::new();
        let mut seen = vec![observe(&first, "/status/state")];
        for _ in 0..3 {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            let again = reach!(talk::get_task(cx, &first.id, None).await);
            failures.extend(talk::unchanged(&first, &again));
            seen.push(observe(&again, "/status/state"));
        }
        failures.extend(state_machine::judge(fam, &seen));
        Ok(Outcome::from_failures(failures))
    })
}

/// CANCEL-01: cancel of a running task returns it canceled (or in a later terminal state).
pub fn cancel_running(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let running = reach!(start_running(cx).await);
        let answer = call::call(cx, Operation::CancelTask, &json!({"id": running.id})).await?;
        let canceled = reach!(talk::task_answer(cx, &answer, "CancelTask"));
        let mut failures = Vec::new();
        if !state_of(fam, &canceled.task).is_some_and(State::is_terminal) {
            failures.push(wrong_state(
                &canceled,
                "CANCELED (or another terminal state)",
            ));
        }
        let after = reach!(talk::get_task(cx, &running.id, None).await);
        if !state_of(fam, &after.task).is_some_and(State::is_terminal) {
            failures.push(wrong_state(&after, "CANCELED (or another terminal state)"));
        }
        failures.extend(state_machine::judge(
            fam,
            &[
                observe(&running, "/status/state"),
                observe(&canceled, "/status/state"),
                observe(&after, "/status/state"),
            ],
        ));
        Ok(Outcome::from_failures(failures))
    })
}

/// CANCEL-02: cancel of a terminal task is `TaskNotCancelableError`; the task is unchanged.
pub fn cancel_terminal(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let before = reach!(reach_terminal(cx, Terminal::Completed).await);
        let answer = call::call(cx, Operation::CancelTask, &json!({"id": before.id})).await?;
        let mut failures = expect_error(cx, &answer, A2aError::TaskNotCancelable)?;
        let after = reach!(talk::get_task(cx, &before.id, None).await);
        failures.extend(talk::unchanged(&before, &after));
        Ok(Outcome::from_failures(failures))
    })
}

/// SUB-02 (1.0): subscribing to a terminal task is `UnsupportedOperationError` (as a plain
/// error body or as the stream's first event).
pub fn subscribe_terminal(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let before = reach!(reach_terminal(cx, Terminal::Completed).await);
        let mut answer =
            call::call_streaming(cx, Operation::SubscribeToTask, &json!({"id": before.id})).await?;
        if answer.error.is_none()
            && let Some(first) = answer.http.events.first()
            && let Ok(doc) = serde_json::from_str::<Value>(&first.data)
        {
            let error = doc.get("error").cloned();
            if error.is_some() {
                answer.error = error;
                answer.result = None;
                answer.body = Some(doc);
            }
        }
        let mut failures = expect_error(cx, &answer, A2aError::UnsupportedOperation)?;
        let after = reach!(talk::get_task(cx, &before.id, None).await);
        failures.extend(talk::unchanged(&before, &after));
        Ok(Outcome::from_failures(failures))
    })
}

/// A message naming `task_id` / `context_id` (either may be absent), asking for `behaviour`.
fn continuation(
    cx: &Context,
    behaviour: &str,
    task_id: Option<&str>,
    context_id: Option<&str>,
) -> Result<Result<Value, Outcome>, HarnessError> {
    let mut message = match talk::behaviour_message(cx, behaviour)? {
        Ok(m) => m,
        Err(o) => return Ok(Err(o)),
    };
    if let Some(m) = message.as_object_mut() {
        if let Some(t) = task_id {
            m.insert("taskId".into(), Value::from(t));
        }
        if let Some(c) = context_id {
            m.insert("contextId".into(), Value::from(c));
        }
    }
    Ok(Ok(json!({"message": message})))
}

/// SEND-07 (1.0): a `taskId` that matches no task is `TaskNotFoundError`.
pub fn unknown_task_id_in_message(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let id = talk::fresh_id("tck-no-such-task-");
        let params = reach!(continuation(cx, "complete", Some(&id), None));
        let answer = call::call(cx, Operation::SendMessage, &params).await?;
        Ok(Outcome::from_failures(expect_error(
            cx,
            &answer,
            A2aError::TaskNotFound,
        )?))
    })
}

/// SEND-12 (1.0): a `contextId` that is not the task's is refused.
pub fn context_mismatch_refused(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let asked = reach!(talk::start(cx, "input_required", false).await);
        let asked = reach!(talk::settle(cx, &asked.id).await);
        if state_of(fam, &asked.task) != Some(State::InputRequired) {
            return Ok(Outcome::Fail(vec![wrong_state(&asked, "INPUT_REQUIRED")]));
        }
        let other = talk::fresh_id("tck-other-context-");
        let params = reach!(continuation(cx, "complete", Some(&asked.id), Some(&other)));
        let answer = call::call(cx, Operation::SendMessage, &params).await?;
        let mut failures = Vec::new();
        if answer.error.is_none() {
            failures.push(
                Failure::new("a message whose contextId is not its task's was accepted")
                    .expected("an error")
                    .actual(talk::describe(&answer))
                    .in_exchange(&answer.http.exchange),
            );
        } else {
            failures.extend(conform(cx, &answer, Expect::Error));
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// SEND-13 (1.0): a client-provided contextId is kept (or refused), never replaced.
pub fn client_context_kept(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let mine = talk::fresh_id("tck-client-context-");
        let params = reach!(continuation(cx, "complete", None, Some(&mine)));
        let answer = call::call(cx, Operation::SendMessage, &params).await?;
        if answer.error.is_some() {
            return Ok(Outcome::from_failures(conform(cx, &answer, Expect::Error)));
        }
        let sent = reach!(talk::send_answer_task(cx, &answer));
        let got = sent.task.get("contextId").and_then(Value::as_str);
        Ok(if got == Some(mine.as_str()) {
            Outcome::Pass
        } else {
            Outcome::Fail(vec![
                Failure::new("the client's contextId was replaced")
                    .expected(mine.clone())
                    .actual(show(sent.task.get("contextId")))
                    .at("/contextId")
                    .in_exchange(&sent.exchange),
            ])
        })
    })
}

/// SEND-15 (1.0): a direct Message answer carries a contextId.
pub fn message_has_context(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let message = match talk::behaviour_message(cx, "message_only")? {
            Ok(m) => m,
            Err(o) => return Ok(o),
        };
        let answer = call::call(
            cx,
            Operation::SendMessage,
            &talk::send_params(fam, &message, false),
        )
        .await?;
        let mut failures = conform(cx, &answer, Expect::SendResult);
        let Some(reply) = answer.result.as_ref().and_then(|r| r.get("message")) else {
            return Ok(Outcome::Skip(
                "the `message_only` behaviour did not answer with a Message".into(),
            ));
        };
        if reply
            .get("contextId")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            failures.push(
                Failure::new("the agent's Message carries no contextId")
                    .expected("a non-empty contextId")
                    .actual(show(reply.get("contextId")))
                    .at("/message/contextId")
                    .in_exchange(&answer.http.exchange),
            );
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// SEND-08 (1.0): a part whose media type the agent does not accept is
/// `ContentTypeNotSupportedError` (-32005; HTTP 400, 1.0.0: 415).
pub fn unsupported_media_type(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let target = cx.target()?;
        let mut message = talk::user_message(Family::V1_0, &talk::fresh_id("tck-media-"), "x");
        message["parts"] = json!([{"raw": "AAEC", "mediaType": "application/x-tck-unsupported"}]);
        let answer = call::call(cx, Operation::SendMessage, &json!({"message": message})).await?;
        let x = answer.http.exchange.clone();
        let (ok, expected) = match target.binding {
            crate::scenario::Binding::JsonRpc => {
                (answer.error_code() == Some(-32005), "-32005".to_owned())
            }
            crate::scenario::Binding::HttpJson => {
                let status = if target.version == crate::scenario::ProtocolVersion::V1_0_0 {
                    415
                } else {
                    400
                };
                let reason = answer
                    .error
                    .as_ref()
                    .and_then(|e| e.get("details"))
                    .and_then(Value::as_array)
                    .is_some_and(|d| {
                        d.iter().any(|i| {
                            i.get("reason").and_then(Value::as_str)
                                == Some("CONTENT_TYPE_NOT_SUPPORTED")
                        })
                    });
                (
                    answer.http.status == status && reason,
                    format!("HTTP {status} with ErrorInfo CONTENT_TYPE_NOT_SUPPORTED"),
                )
            }
        };
        Ok(if ok {
            Outcome::from_failures(conform(cx, &answer, Expect::Error))
        } else {
            Outcome::Fail(vec![
                Failure::new(
                    "a part of an unaccepted media type is not ContentTypeNotSupportedError",
                )
                .expected(expected)
                .actual(talk::describe(&answer))
                .in_exchange(&x),
            ])
        })
    })
}

/// CANCEL-04 (1.0): a second cancel has the same effect: Task(CANCELED),
/// `TaskNotCancelableError` or `TaskNotFoundError`, and the task stays canceled.
pub fn cancel_idempotent(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let first = reach!(reach_terminal(cx, Terminal::Canceled).await);
        let answer = call::call(cx, Operation::CancelTask, &json!({"id": first.id})).await?;
        let mut failures = Vec::new();
        let acceptable = match (&answer.result, answer.error_code()) {
            (Some(t), _) => state_of(fam, t) == Some(State::Canceled),
            (None, Some(code)) => {
                code == A2aError::TaskNotCancelable.code()
                    || code == A2aError::TaskNotFound.code()
                    || (400..=409).contains(&code)
            }
            (None, None) => false,
        };
        if !acceptable {
            failures.push(
                Failure::new("a second cancel did not have the same effect")
                    .expected("Task(CANCELED), TaskNotCancelableError or TaskNotFoundError")
                    .actual(talk::describe(&answer))
                    .in_exchange(&answer.http.exchange),
            );
        }
        if let Ok(after) = talk::get_task(cx, &first.id, None).await?
            && state_of(fam, &after.task) != Some(State::Canceled)
        {
            failures.push(wrong_state(&after, "CANCELED"));
        }
        Ok(Outcome::from_failures(failures))
    })
}
