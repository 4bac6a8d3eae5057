//! Judgement of the streaming scenarios: a `SendStreamingMessage` stream read to its close (or
//! to the stream deadline, which is itself evidence), each event parsed and judged.

use serde_json::Value;

use crate::check::{BoxFuture, HarnessError};
use crate::context::Context;
use crate::rules::conversation::{self as talk, Expect, conform_value, family};
use crate::rules::lifecycle::reach;
use crate::rules::state_machine::{self, Observation, State};
use crate::scenario::{Binding, Family};
use crate::transport::call;
use crate::transport::http::TransportError;
use crate::transport::jsonrpc::{self, Operation, show};
use crate::verdict::{Failure, Outcome};

type StepResult<'a> = BoxFuture<'a, Result<Outcome, HarnessError>>;

/// What one stream event carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// A Task.
    Task,
    /// A Message.
    Message,
    /// A status update.
    Status,
    /// An artifact update.
    Artifact,
    /// Anything else (an error, an unknown member).
    Other,
}

/// One parsed event.
#[derive(Debug, Clone)]
pub struct Event {
    /// The whole `data` document.
    pub doc: Value,
    /// What it carries.
    pub item: Item,
    /// The carried object (Task, Message, update).
    pub payload: Value,
}

/// A stream as read.
#[derive(Debug, Clone)]
pub struct Stream {
    /// HTTP status.
    pub status: u16,
    /// Media type.
    pub media_type: Option<String>,
    /// Events whose data parsed as JSON, with their index.
    pub events: Vec<(usize, Event)>,
    /// Indexes of events whose data is not JSON.
    pub unparsable: Vec<usize>,
    /// The agent closed the stream before the deadline.
    pub closed: bool,
    /// The JSON-RPC request id.
    pub request_id: Option<Value>,
    /// The recorded exchange.
    pub exchange: String,
    /// A plain (non-SSE) body, e.g. an error before the stream.
    pub body: Option<Value>,
}

fn classify(family: Family, binding: Binding, doc: &Value) -> (Item, Value) {
    let result = match binding {
        Binding::JsonRpc => match doc.get("result") {
            Some(r) => r,
            None => return (Item::Other, Value::Null),
        },
        Binding::HttpJson => doc,
    };
    match family {
        Family::V1_0 => {
            for (name, item) in [
                ("task", Item::Task),
                ("message", Item::Message),
                ("statusUpdate", Item::Status),
                ("artifactUpdate", Item::Artifact),
            ] {
                if let Some(p) = result.get(name) {
                    return (item, p.clone());
                }
            }
            (Item::Other, result.clone())
        }
        Family::V0_3 => {
            let item = match result.get("kind").and_then(Value::as_str) {
                Some("task") => Item::Task,
                Some("message") => Item::Message,
                Some("status-update") => Item::Status,
                Some("artifact-update") => Item::Artifact,
                _ => Item::Other,
            };
            (item, result.clone())
        }
    }
}

/// Opens a stream for `behaviour` and reads it to its close or the stream deadline.
pub async fn open(cx: &Context, behaviour: &str) -> Result<Result<Stream, Outcome>, HarnessError> {
    if let Err(o) = requires_streaming(cx) {
        return Ok(Err(o));
    }
    let fam = family(cx)?;
    let message = match talk::behaviour_message(cx, behaviour)? {
        Ok(m) => m,
        Err(o) => return Ok(Err(o)),
    };
    let params = talk::send_params(fam, &message, false);
    Ok(Ok(read(cx, Operation::SendStreamingMessage, &params).await?))
}

/// Calls a streaming operation and reads the answer to its close or the stream deadline
/// (HTTP+JSON subscribe: `POST`, then `GET` on 405, DIGEST §12.1).
pub async fn read(cx: &Context, op: Operation, params: &Value) -> Result<Stream, HarnessError> {
    read_until(cx, op, params, None).await
}

/// Like [`read`]; with `stop`, the kit closes the stream itself once that many events arrived
/// (the stream then counts as not closed by the agent).
pub async fn read_until(
    cx: &Context,
    op: Operation,
    params: &Value,
    stop: Option<usize>,
) -> Result<Stream, HarnessError> {
    let target = cx.target()?.clone();
    let fam = target.version.family();
    let (mut request, request_id) = call::request(&target, op, params)?;
    request
        .headers
        .push(("Accept".into(), "text/event-stream".into()));
    let as_get =
        (target.binding == Binding::HttpJson && op == Operation::SubscribeToTask).then(|| {
            let mut get = request.clone();
            "GET".clone_into(&mut get.method);
            get.body.clear();
            get.headers
                .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
            get
        });
    let client = &cx.client;
    let send = |r| async move {
        match stop {
            Some(n) => client.stream_until(r, &cx.recorder, n).await,
            None => client.stream(r, &cx.recorder).await,
        }
    };
    let mut answer = send(request).await;
    if let (Ok(first), Some(get)) = (&answer, as_get)
        && first.status == 405
    {
        // The spec's POST was refused: the proto's GET.
        answer = send(get).await;
    }
    let (status, media_type, raw, closed, exchange, body) = match answer {
        Ok(r) => {
            let raw: Vec<String> = r.events.iter().map(|e| e.data.clone()).collect();
            let body = if r.events.is_empty() {
                r.json().ok()
            } else {
                None
            };
            // A stream the kit left was not closed by the agent.
            let closed = stop.is_none_or(|n| r.events.len() < n);
            (
                r.status,
                r.media_type(),
                raw,
                closed,
                r.exchange.clone(),
                body,
            )
        }
        Err(e @ TransportError::Timeout { .. }) => timed_out(cx, &e)?,
        Err(e) => return Err(e.into()),
    };
    let mut events = Vec::new();
    let mut unparsable = Vec::new();
    for (i, data) in raw.iter().enumerate() {
        match serde_json::from_str::<Value>(data) {
            Ok(doc) => {
                let (item, payload) = classify(fam, target.binding, &doc);
                events.push((i, Event { doc, item, payload }));
            }
            Err(_) => unparsable.push(i),
        }
    }
    Ok(Stream {
        status,
        media_type,
        events,
        unparsable,
        closed,
        request_id,
        exchange,
        body,
    })
}

/// What a stream still open at its deadline delivered, from its record: the latest exchange
/// that timed out (a scenario may have other exchanges under way). Status, media type, event
/// data, closed (never), exchange id, body (none).
#[allow(clippy::type_complexity)] // the tuple `read_until` destructures
fn timed_out(
    cx: &Context,
    error: &TransportError,
) -> Result<
    (
        u16,
        Option<String>,
        Vec<String>,
        bool,
        String,
        Option<Value>,
    ),
    HarnessError,
> {
    let text = error.to_string();
    let Some(x) = cx
        .recorder
        .exchanges()
        .into_iter()
        .rev()
        .find(|x| x.error.as_deref() == Some(text.as_str()))
    else {
        return Err(HarnessError("the stream left no record".into()));
    };
    let Some(response) = &x.response else {
        return Err(HarnessError(
            "the stream timed out before any response".into(),
        ));
    };
    let media = response
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    let raw = x.events.iter().map(|e| e.data.clone()).collect();
    Ok((response.status, media, raw, false, x.id.clone(), None))
}

fn fail(
    stream: &Stream,
    message: &str,
    expected: &str,
    actual: String,
    pointer: String,
) -> Failure {
    Failure::new(message.to_owned())
        .expected(expected.to_owned())
        .actual(actual)
        .at(pointer)
        .in_exchange(&stream.exchange)
}

/// The states a stream reports, in order.
fn states(stream: &Stream) -> Vec<Observation> {
    stream
        .events
        .iter()
        .filter(|(_, e)| matches!(e.item, Item::Task | Item::Status))
        .filter_map(|(i, e)| {
            Some(Observation {
                text: e.payload.pointer("/status/state")?.as_str()?.to_owned(),
                pointer: format!("/events/{i}/status/state"),
                exchange: stream.exchange.clone(),
            })
        })
        .collect()
}

fn no_events(stream: &Stream) -> Outcome {
    Outcome::Fail(vec![fail(
        stream,
        "the stream carried no event",
        "at least one SSE event",
        format!("HTTP {} {}", stream.status, show(stream.body.as_ref())),
        String::new(),
    )])
}

/// STRM-03: `200`, `text/event-stream`, each `data` one JSON document.
pub fn is_event_stream(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let s = reach!(open(cx, "complete").await);
        let mut failures = Vec::new();
        if s.status != 200 || s.media_type.as_deref() != Some("text/event-stream") {
            failures.push(fail(
                &s,
                "the streaming answer is not an SSE stream",
                "HTTP 200 text/event-stream",
                format!(
                    "HTTP {} {}",
                    s.status,
                    s.media_type.as_deref().unwrap_or("(no type)")
                ),
                String::new(),
            ));
        }
        for i in &s.unparsable {
            failures.push(fail(
                &s,
                "an event's data is not JSON",
                "one JSON document",
                "unparsable".into(),
                format!("/events/{i}"),
            ));
        }
        if failures.is_empty() && s.events.is_empty() {
            return Ok(no_events(&s));
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// STRM-04 (0.3) / STRM-05 (1.0): each event is a JSON-RPC response to the request (JSON-RPC)
/// carrying one `StreamResponse` / kind'ed object, valid against the schema; 1.0 without `kind`.
pub fn events_well_formed(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let target = cx.target()?.clone();
        let s = reach!(open(cx, "complete").await);
        if s.events.is_empty() {
            return Ok(no_events(&s));
        }
        let mut failures = Vec::new();
        for (i, e) in &s.events {
            let prefix = format!("/events/{i}");
            if target.binding == Binding::JsonRpc {
                failures.extend(
                    jsonrpc::envelope_failures(&e.doc, s.request_id.as_ref())
                        .into_iter()
                        .map(|f| {
                            let at = format!("{prefix}{}", f.pointer.clone().unwrap_or_default());
                            f.at(at).in_exchange(&s.exchange)
                        }),
                );
            }
            if e.item == Item::Other {
                failures.push(fail(
                    &s,
                    "the event carries no Task, Message or update",
                    "one of task / message / statusUpdate / artifactUpdate",
                    show(Some(&e.doc)),
                    prefix.clone(),
                ));
            }
            failures.extend(conform_value(
                cx,
                &e.doc,
                Expect::StreamEvent,
                &prefix,
                &s.exchange,
            ));
            if target.version.family() == Family::V1_0 && e.payload.get("kind").is_some() {
                failures.push(fail(
                    &s,
                    "a 1.0 event carries the 0.3 `kind` discriminator",
                    "no `kind`",
                    show(e.payload.get("kind")),
                    format!("{prefix}/kind"),
                ));
            }
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// STRM-06 (1.0): a task stream begins with the Task.
pub fn begins_with_task(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let s = reach!(open(cx, "complete").await);
        let Some((_, first)) = s.events.first() else {
            return Ok(no_events(&s));
        };
        Ok(match first.item {
            Item::Task => Outcome::Pass,
            Item::Message if s.events.len() == 1 => Outcome::Pass,
            _ => Outcome::Fail(vec![fail(
                &s,
                "the stream does not begin with the Task",
                "a `task` event first",
                show(Some(&first.doc)),
                "/events/0".into(),
            )]),
        })
    })
}

/// STRM-07 (1.0): a message-only stream holds one Message and closes.
pub fn message_stream_single(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let s = reach!(open(cx, "message_only").await);
        let Some((_, first)) = s.events.first() else {
            return Ok(no_events(&s));
        };
        if first.item != Item::Message {
            return Ok(Outcome::Skip(
                "the `message_only` behaviour did not answer with a Message".into(),
            ));
        }
        let mut failures = Vec::new();
        if s.events.len() + s.unparsable.len() != 1 {
            failures.push(fail(
                &s,
                "a message-only stream goes on after its Message",
                "exactly one event",
                format!("{} events", s.events.len() + s.unparsable.len()),
                "/events/1".into(),
            ));
        }
        if !s.closed {
            failures.push(fail(
                &s,
                "the message-only stream was not closed",
                "the stream closes after the Message",
                "still open at the stream deadline".into(),
                String::new(),
            ));
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// STRM-08 (1.0): the stream closes at the terminal state, with nothing after it but an
/// optional final Task snapshot.
pub fn closes_at_terminal(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let s = reach!(open(cx, "complete").await);
        if s.events.is_empty() {
            return Ok(no_events(&s));
        }
        let mut failures = Vec::new();
        let terminal_at = s.events.iter().position(|(_, e)| {
            matches!(e.item, Item::Task | Item::Status)
                && talk::state_of(fam, &e.payload).is_some_and(State::is_terminal)
        });
        match terminal_at {
            None => failures.push(fail(
                &s,
                "the stream never reported a terminal state",
                "a terminal status",
                format!("{} events", s.events.len()),
                String::new(),
            )),
            Some(t) => {
                let terminal = talk::state_of(fam, &s.events[t].1.payload);
                for (i, e) in &s.events[t + 1..] {
                    let snapshot =
                        e.item == Item::Task && talk::state_of(fam, &e.payload) == terminal;
                    if !snapshot {
                        failures.push(fail(
                            &s,
                            "an event follows the terminal state",
                            "nothing but a final Task snapshot",
                            show(Some(&e.doc)),
                            format!("/events/{i}"),
                        ));
                    }
                }
            }
        }
        if !s.closed {
            failures.push(fail(
                &s,
                "the stream was not closed at the terminal state",
                "the agent closes the stream",
                "still open at the stream deadline".into(),
                String::new(),
            ));
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// The findings of STRM-09's rule on a 0.3 stream: every status-update has a boolean `final`,
/// exactly one is `true` and it is the last event, and the agent closed the stream.
fn final_findings(s: &Stream) -> Vec<Failure> {
    let mut failures = Vec::new();
    let mut finals = Vec::new();
    for (i, e) in &s.events {
        if e.item != Item::Status {
            continue;
        }
        match e.payload.get("final") {
            Some(Value::Bool(true)) => finals.push(*i),
            Some(Value::Bool(false)) => {}
            other => failures.push(fail(
                s,
                "a status-update has no boolean `final`",
                "final: true | false",
                show(other),
                format!("/events/{i}/result/final"),
            )),
        }
    }
    let last = s.events.last().map(|(i, _)| *i);
    if finals.len() != 1 || finals.last().copied() != last {
        failures.push(fail(
            s,
            "the stream does not end with exactly one `final: true`",
            "one final status-update, the last event",
            format!("final at events {finals:?} of {}", s.events.len()),
            "/events".into(),
        ));
    }
    if !s.closed {
        failures.push(fail(
            s,
            "the stream was not closed after `final: true`",
            "the agent closes the stream",
            "still open at the stream deadline".into(),
            String::new(),
        ));
    }
    failures
}

/// STRM-09 (0.3): every status-update has a boolean `final`; exactly the last is `true`, then
/// the stream closes.
pub fn final_flag(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let s = reach!(open(cx, "complete").await);
        if s.events.is_empty() {
            return Ok(no_events(&s));
        }
        Ok(Outcome::from_failures(final_findings(&s)))
    })
}

/// STRM-10 (1.0): events in generation order: states never regress, and an `append` chunk
/// follows a first chunk of the same artifact.
pub fn events_in_order(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let s = reach!(open(cx, "stream_chunks").await);
        if s.events.is_empty() {
            return Ok(no_events(&s));
        }
        let mut failures = state_machine::judge(fam, &states(&s));
        let mut started: Vec<String> = Vec::new();
        for (i, e) in &s.events {
            if e.item != Item::Artifact {
                continue;
            }
            let id = e
                .payload
                .pointer("/artifact/artifactId")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let append = e
                .payload
                .get("append")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if append && !started.contains(&id) {
                failures.push(fail(
                    &s,
                    "an appended chunk comes before its artifact's first chunk",
                    "a first chunk of the artifact earlier in the stream",
                    format!("append to {id:?}"),
                    format!("/events/{i}"),
                ));
            }
            started.push(id);
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// Starts a `long_running` task without waiting and returns its id, or the outcome that ends
/// the scenario (no trigger; the task was not running when answered).
async fn running_task(cx: &Context) -> Result<Result<String, Outcome>, HarnessError> {
    if let Err(o) = requires_streaming(cx) {
        return Ok(Err(o));
    }
    let fam = family(cx)?;
    let started = match talk::start(cx, "long_running", true).await? {
        Ok(r) => r,
        Err(o) => return Ok(Err(o)),
    };
    if matches!(
        talk::state_of(fam, &started.task),
        Some(State::Submitted | State::Working)
    ) {
        Ok(Ok(started.id))
    } else {
        Ok(Err(Outcome::Skip(format!(
            "the `long_running` task was already {} when the send answered",
            talk::state_text(&started.task)
        ))))
    }
}

fn subscribe_params(id: &str) -> Value {
    serde_json::json!({ "id": id })
}

/// SUB-01 (1.0): the first event of a subscription is the Task in its current state.
pub fn subscription_begins_with_task(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let id = reach!(running_task(cx).await);
        let s = read(cx, Operation::SubscribeToTask, &subscribe_params(&id)).await?;
        let Some((_, first)) = s.events.first() else {
            return Ok(no_events(&s));
        };
        let mut failures = Vec::new();
        if first.item != Item::Task
            || first.payload.get("id").and_then(Value::as_str) != Some(id.as_str())
        {
            failures.push(fail(
                &s,
                "the subscription does not begin with the Task",
                "a `task` event for the subscribed task",
                show(Some(&first.doc)),
                "/events/0".into(),
            ));
        } else if !talk::state_of(fam, &first.payload)
            .is_some_and(|st| !st.is_terminal() || s.events.len() == 1)
        {
            failures.push(fail(
                &s,
                "the first event does not carry the task's current state",
                "the running task's state",
                talk::state_text(&first.payload),
                "/events/0".into(),
            ));
        }
        failures.extend(state_machine::judge(fam, &states(&s)));
        Ok(Outcome::from_failures(failures))
    })
}

/// SUB-03 (1.0): subscribing to an unknown task is `TaskNotFoundError`.
pub fn subscribe_unknown(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        if let Err(o) = requires_streaming(cx) {
            return Ok(o);
        }
        let id = talk::fresh_id("tck-no-such-task-");
        let answer = error_answer(cx, Operation::SubscribeToTask, &subscribe_params(&id)).await?;
        Ok(Outcome::from_failures(talk::expect_error(
            cx,
            &answer,
            talk::A2aError::TaskNotFound,
        )?))
    })
}

/// SUB-04 (1.0): a subscription ends at the terminal state: the last state is terminal and the
/// stream closes.
pub fn subscription_closes_at_terminal(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let id = reach!(running_task(cx).await);
        let s = read(cx, Operation::SubscribeToTask, &subscribe_params(&id)).await?;
        if s.events.is_empty() {
            return Ok(no_events(&s));
        }
        let mut failures = state_machine::judge(fam, &states(&s));
        let last = states(&s).last().and_then(|o| State::parse(fam, &o.text));
        if !last.is_some_and(State::is_terminal) {
            failures.push(fail(
                &s,
                "the subscription did not reach the terminal state",
                "a terminal status as the last state",
                format!("{last:?}"),
                String::new(),
            ));
        }
        if !s.closed {
            failures.push(fail(
                &s,
                "the subscription was not closed at the terminal state",
                "the agent closes the stream",
                "still open at the stream deadline".into(),
                String::new(),
            ));
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// STRM-11 (1.0): two concurrent subscriptions to one task get the same events in the same
/// order (after each one's first Task event), both to the terminal state.
pub fn concurrent_subscriptions_agree(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let id = reach!(running_task(cx).await);
        let params = subscribe_params(&id);
        let first = read(cx, Operation::SubscribeToTask, &params);
        let second = async {
            // The second subscriber joins while the first is open.
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            read(cx, Operation::SubscribeToTask, &params).await
        };
        let (a, b) = tokio::join!(first, second);
        let (a, b) = (a?, b?);
        let tail = |s: &Stream| -> Vec<Value> {
            s.events
                .iter()
                .skip(1)
                .filter(|(_, e)| e.item != Item::Task)
                .map(|(_, e)| e.payload.clone())
                .collect()
        };
        let (ta, tb) = (tail(&a), tail(&b));
        let mut failures = Vec::new();
        // The later subscriber may miss events sent before it joined: it must see a suffix.
        if tb.len() > ta.len() || ta[ta.len() - tb.len()..] != tb[..] {
            failures.push(fail(
                &b,
                "the two subscriptions saw different events",
                "the same events in the same order",
                format!("{} vs {} events after the Task", ta.len(), tb.len()),
                String::new(),
            ));
        }
        for s in [&a, &b] {
            let last = states(s).last().and_then(|o| State::parse(fam, &o.text));
            if !s.closed || !last.is_some_and(State::is_terminal) {
                failures.push(fail(
                    s,
                    "a subscription did not run to the terminal state",
                    "both streams reach the terminal state and close",
                    format!("last state {last:?}, closed: {}", s.closed),
                    String::new(),
                ));
            }
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// Whether the card declares `capabilities.streaming: true` (absent means false).
fn streaming_declared(cx: &Context) -> bool {
    cx.card()
        .and_then(|c| c.pointer("/capabilities/streaming"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// The scenarios that read streams concern only agents that declare streaming.
fn requires_streaming(cx: &Context) -> Result<(), Outcome> {
    if streaming_declared(cx) {
        Ok(())
    } else {
        Err(Outcome::NotApplicable(
            "the card does not declare capabilities.streaming".into(),
        ))
    }
}

/// Calls a streaming operation expected to fail: the error may come as a plain JSON body or
/// as the first SSE event (both versions allow either); the latter is lifted into the answer.
async fn error_answer(
    cx: &Context,
    op: Operation,
    params: &Value,
) -> Result<call::Answer, HarnessError> {
    let mut answer = call::call_streaming(cx, op, params).await?;
    if answer.error.is_none()
        && let Some(first) = answer.http.events.first()
        && let Ok(doc) = serde_json::from_str::<Value>(&first.data)
        && let Some(error) = doc.get("error").cloned()
    {
        answer.error = Some(error);
        answer.result = None;
        answer.body = Some(doc);
    }
    Ok(answer)
}

/// Cancels a task the scenario no longer needs, so it does not run on (best effort: the
/// answer is recorded, not judged).
async fn end_task(cx: &Context, id: &str) {
    let _ = call::call(cx, Operation::CancelTask, &subscribe_params(id)).await;
}

/// The id of the task an event is about (a Task's `id`, an update's `taskId`).
fn task_id_of(event: &Event) -> Option<&str> {
    match event.item {
        Item::Task => event.payload.get("id"),
        Item::Status | Item::Artifact => event.payload.get("taskId"),
        Item::Message | Item::Other => None,
    }
    .and_then(Value::as_str)
}

/// STRM-01 (1.0) / STRM-02 (0.3): without `capabilities.streaming`, `SendStreamingMessage` and
/// `SubscribeToTask` answer `UnsupportedOperationError` (0.3: an error; it names no code).
pub fn unsupported_without_streaming(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        if streaming_declared(cx) {
            return Ok(Outcome::NotApplicable(
                "the card declares capabilities.streaming".into(),
            ));
        }
        let fam = family(cx)?;
        // A running task when `long_running` is mapped, so that only the missing capability
        // explains an error to the subscription; else a plain task (terminal: the error is due
        // anyway, SUB-02).
        let (task, running) = if let Ok(r) = talk::start(cx, "long_running", true).await? {
            (r, true)
        } else {
            let message = talk::user_message(fam, &talk::fresh_id("tck-"), "hello");
            match talk::send_for_task(cx, &talk::send_params(fam, &message, false)).await? {
                Ok(r) => (r, false),
                Err(_) => {
                    return Ok(Outcome::Skip(
                        "SendMessage answered no task to subscribe to".into(),
                    ));
                }
            }
        };
        let message = talk::user_message(fam, &talk::fresh_id("tck-"), "hello");
        let calls = [
            (
                Operation::SendStreamingMessage,
                talk::send_params(fam, &message, false),
            ),
            (Operation::SubscribeToTask, subscribe_params(&task.id)),
        ];
        let mut failures = Vec::new();
        for (op, params) in calls {
            let answer = error_answer(cx, op, &params).await?;
            match fam {
                Family::V1_0 => {
                    for mut f in
                        talk::expect_error(cx, &answer, talk::A2aError::UnsupportedOperation)?
                    {
                        f.message =
                            format!("{op:?} without the streaming capability: {}", f.message);
                        failures.push(f);
                    }
                }
                Family::V0_3 => {
                    if answer.error.is_none() || answer.result.is_some() {
                        failures.push(
                            Failure::new(format!(
                                "{op:?} without the streaming capability is not refused"
                            ))
                            .expected("a JSON-RPC error (-32004 is what 1.0 chose)")
                            .actual(format!(
                                "{}; {} SSE event(s)",
                                talk::describe(&answer),
                                answer.http.events.len()
                            ))
                            .in_exchange(&answer.http.exchange),
                        );
                    }
                }
            }
        }
        if running {
            end_task(cx, &task.id).await;
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// STRM-12 (1.0): closing one stream leaves the others: subscription B is open when
/// subscription A joins, receives its first event and is closed by the kit; the task is then
/// canceled (so its end comes soon), and B must still report the terminal state and close.
pub fn closing_one_leaves_others(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let id = reach!(running_task(cx).await);
        let params = subscribe_params(&id);
        let survivor = read(cx, Operation::SubscribeToTask, &params);
        let leaver = async {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            let a = read_until(cx, Operation::SubscribeToTask, &params, Some(1)).await;
            // Time for the agent to see the closed connection, then the task's end.
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            end_task(cx, &id).await;
            a
        };
        let (b, a) = tokio::join!(survivor, leaver);
        let (a, b) = (a?, b?);
        if a.events.is_empty() {
            return Ok(Outcome::Skip(format!(
                "the second subscription carried no event (HTTP {}), so none was closed mid-task",
                a.status
            )));
        }
        if b.events.is_empty() {
            return Ok(no_events(&b));
        }
        let last = states(&b).last().and_then(|o| State::parse(fam, &o.text));
        let mut failures = state_machine::judge(fam, &states(&b));
        if !b.closed || !last.is_some_and(State::is_terminal) {
            failures.push(fail(
                &b,
                "a subscription did not reach the terminal state after another one was closed",
                "the terminal state, then the close",
                format!(
                    "last state {}, closed by the agent: {}",
                    last.map_or_else(|| "none".to_owned(), |s| format!("{s:?}")),
                    b.closed
                ),
                String::new(),
            ));
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// STRM-13 (1.0): every event carries its REQUIRED members (Task: id, contextId, status;
/// status update: taskId, contextId, status; artifact update: taskId, contextId, artifact;
/// Message: messageId, role, parts), and an update names the task (and context) of the stream.
pub fn events_carry_required_fields(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let binding = cx.target()?.binding;
        let s = reach!(open(cx, "stream_chunks").await);
        if s.events.is_empty() {
            return Ok(no_events(&s));
        }
        let base = |i: usize| match binding {
            Binding::JsonRpc => format!("/events/{i}/result"),
            Binding::HttpJson => format!("/events/{i}"),
        };
        let text = |v: Option<&Value>| v.and_then(Value::as_str).is_some_and(|t| !t.is_empty());
        let mut failures = Vec::new();
        let mut task: Option<(Value, Value)> = None;
        let mut updates = 0;
        for (i, e) in &s.events {
            let (member, required): (&str, &[&str]) = match e.item {
                Item::Task => ("task", &["id", "contextId", "status"]),
                Item::Status => ("statusUpdate", &["taskId", "contextId", "status"]),
                Item::Artifact => ("artifactUpdate", &["taskId", "contextId", "artifact"]),
                Item::Message => ("message", &["messageId", "role", "parts"]),
                Item::Other => continue,
            };
            for field in required {
                let v = e.payload.get(*field);
                let present = match *field {
                    "status" => text(v.and_then(|st| st.get("state"))),
                    "artifact" => {
                        text(v.and_then(|a| a.get("artifactId")))
                            && v.and_then(|a| a.get("parts")).is_some_and(Value::is_array)
                    }
                    "parts" => v.is_some_and(Value::is_array),
                    _ => text(v),
                };
                if !present {
                    failures.push(fail(
                        &s,
                        &format!("a `{member}` event lacks its REQUIRED `{field}`"),
                        match *field {
                            "status" => "a TaskStatus with a state",
                            "artifact" => "an Artifact with artifactId and parts",
                            "parts" => "an array of parts",
                            _ => "a non-empty string",
                        },
                        show(v),
                        format!("{}/{member}/{field}", base(*i)),
                    ));
                }
            }
            match e.item {
                Item::Task if task.is_none() => {
                    task = Some((
                        e.payload.get("id").cloned().unwrap_or(Value::Null),
                        e.payload.get("contextId").cloned().unwrap_or(Value::Null),
                    ));
                }
                Item::Status | Item::Artifact => {
                    updates += 1;
                    if let Some((id, context)) = &task {
                        for (field, want) in [("taskId", id), ("contextId", context)] {
                            let got = e.payload.get(field);
                            if text(got) && got != Some(want) {
                                failures.push(fail(
                                    &s,
                                    &format!("an update's `{field}` is not the stream's task's"),
                                    &show(Some(want)),
                                    show(got),
                                    format!("{}/{member}/{field}", base(*i)),
                                ));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        if updates == 0 && failures.is_empty() {
            return Ok(Outcome::Skip(
                "the `stream_chunks` stream carried no status or artifact update".into(),
            ));
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// STRM-14 (1.0): the first event of a stream for a long task arrives within
/// `timeouts.first_event_ms` ("immediate feedback"); the kit then leaves and cancels the task.
pub fn first_event_promptly(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        if let Err(o) = requires_streaming(cx) {
            return Ok(o);
        }
        let fam = family(cx)?;
        let message = match talk::behaviour_message(cx, "long_running")? {
            Ok(m) => m,
            Err(o) => return Ok(o),
        };
        let params = talk::send_params(fam, &message, false);
        let s = read_until(cx, Operation::SendStreamingMessage, &params, Some(1)).await?;
        let Some((_, first)) = s.events.first() else {
            return Ok(no_events(&s));
        };
        if let Some(id) = task_id_of(first) {
            end_task(cx, id).await;
        }
        let limit = cx.profile.timeouts.first_event_ms;
        let at = cx
            .recorder
            .exchanges()
            .into_iter()
            .find(|x| x.id == s.exchange)
            .and_then(|x| x.events.first().map(|e| e.at_ms))
            .ok_or_else(|| HarnessError("the stream's first event left no record".into()))?;
        if at <= limit {
            return Ok(Outcome::Pass);
        }
        Ok(Outcome::Fail(vec![fail(
            &s,
            "the first event of the stream came late",
            &format!("within {limit} ms (timeouts.first_event_ms)"),
            format!("{at} ms after the request"),
            "/events/0".into(),
        )]))
    })
}

/// SUB-05 (0.3): `tasks/resubscribe` to a running task streams its later events and ends with
/// `final: true`. The task is canceled 500 ms into the subscription, so its end comes soon.
pub fn resubscribe_follows_to_final(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let fam = family(cx)?;
        let id = reach!(running_task(cx).await);
        let params = subscribe_params(&id);
        let stream = read(cx, Operation::SubscribeToTask, &params);
        let end = async {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            end_task(cx, &id).await;
        };
        let (s, ()) = tokio::join!(stream, end);
        let s = s?;
        let Some((_, first)) = s.events.first() else {
            return Ok(no_events(&s));
        };
        if first.item == Item::Task
            && talk::state_of(fam, &first.payload).is_some_and(State::is_terminal)
        {
            return Ok(Outcome::Skip(
                "the task had ended before the resubscription began".into(),
            ));
        }
        let mut failures = state_machine::judge(fam, &states(&s));
        if !s.events.iter().any(|(_, e)| e.item == Item::Status) {
            failures.push(fail(
                &s,
                "the resubscription carried no later status-update",
                "the task's later status-updates, the last with final: true",
                format!("{} event(s), none a status-update", s.events.len()),
                "/events".into(),
            ));
        }
        failures.extend(final_findings(&s));
        Ok(Outcome::from_failures(failures))
    })
}

/// SUB-06 (0.3, lenient): `tasks/resubscribe` to a completed task. 0.3 says nothing for
/// JSON-RPC (its proto says gRPC answers the Task and closes), so an error (plain or as the
/// first event) or a stream of that task's terminal snapshot that closes are both accepted;
/// a stream that stays open, carries unreadable or foreign events, or reports a non-terminal
/// state is not.
pub fn resubscribe_completed(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        if let Err(o) = requires_streaming(cx) {
            return Ok(o);
        }
        let fam = family(cx)?;
        let done = match talk::start(cx, "complete", false).await? {
            Ok(r) => r,
            Err(o) => return Ok(o),
        };
        if !talk::state_of(fam, &done.task).is_some_and(State::is_terminal) {
            return Ok(Outcome::Skip(format!(
                "the `complete` task was {} when the send answered",
                talk::state_text(&done.task)
            )));
        }
        let s = read(cx, Operation::SubscribeToTask, &subscribe_params(&done.id)).await?;
        let is_error = |doc: &Value| doc.get("error").is_some() && doc.get("result").is_none();
        let mut failures = Vec::new();
        match s.events.first() {
            None if s.body.as_ref().is_some_and(is_error) && s.unparsable.is_empty() => {}
            None => failures.push(fail(
                &s,
                "the resubscription answered neither an error nor an event",
                "a JSON-RPC error, or the Task and a close",
                format!("HTTP {} {}", s.status, show(s.body.as_ref())),
                String::new(),
            )),
            Some((_, first)) if is_error(&first.doc) => {}
            Some(_) => {
                for (i, e) in &s.events {
                    let terminal = matches!(e.item, Item::Task | Item::Status)
                        && talk::state_of(fam, &e.payload).is_some_and(State::is_terminal);
                    let ours = task_id_of(e) == Some(done.id.as_str());
                    let fits = ours && (terminal || e.item == Item::Artifact);
                    if !fits {
                        failures.push(fail(
                            &s,
                            "the resubscription to a completed task streams something else than its final state",
                            "the completed Task (or its final status-update)",
                            show(Some(&e.doc)),
                            format!("/events/{i}"),
                        ));
                    }
                }
            }
        }
        for i in &s.unparsable {
            failures.push(fail(
                &s,
                "an event's data is not JSON",
                "one JSON document",
                "unparsable".into(),
                format!("/events/{i}"),
            ));
        }
        if !s.closed {
            failures.push(fail(
                &s,
                "the resubscription to a completed task stays open",
                "the stream closes",
                "still open at the stream deadline".into(),
                String::new(),
            ));
        }
        Ok(Outcome::from_failures(failures))
    })
}
