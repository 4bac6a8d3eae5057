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
    let mut answer = cx.client.stream(request, &cx.recorder).await;
    if let (Ok(first), Some(get)) = (&answer, as_get)
        && first.status == 405
    {
        // The spec's POST was refused: the proto's GET.
        answer = cx.client.stream(get, &cx.recorder).await;
    }
    let (status, media_type, raw, closed, exchange, body) = match answer {
        Ok(r) => {
            let raw: Vec<String> = r.events.iter().map(|e| e.data.clone()).collect();
            let body = if r.events.is_empty() {
                r.json().ok()
            } else {
                None
            };
            (
                r.status,
                r.media_type(),
                raw,
                true,
                r.exchange.clone(),
                body,
            )
        }
        Err(TransportError::Timeout { .. }) => {
            // The deadline passed with the stream still open: what arrived is in the record.
            let Some(x) = cx.recorder.exchanges().pop() else {
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
            (response.status, media, raw, false, x.id.clone(), None)
        }
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

/// STRM-09 (0.3): every status-update has a boolean `final`; exactly the last is `true`, then
/// the stream closes.
pub fn final_flag(cx: &Context) -> StepResult<'_> {
    Box::pin(async move {
        let s = reach!(open(cx, "complete").await);
        if s.events.is_empty() {
            return Ok(no_events(&s));
        }
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
                    &s,
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
                &s,
                "the stream does not end with exactly one `final: true`",
                "one final status-update, the last event",
                format!("final at events {finals:?} of {}", s.events.len()),
                "/events".into(),
            ));
        }
        if !s.closed {
            failures.push(fail(
                &s,
                "the stream was not closed after `final: true`",
                "the agent closes the stream",
                "still open at the stream deadline".into(),
                String::new(),
            ));
        }
        Ok(Outcome::from_failures(failures))
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
        let id = talk::fresh_id("tck-no-such-task-");
        let mut answer =
            call::call_streaming(cx, Operation::SubscribeToTask, &subscribe_params(&id)).await?;
        if answer.error.is_none()
            && let Some(first) = answer.http.events.first()
            && let Ok(doc) = serde_json::from_str::<Value>(&first.data)
            && let Some(error) = doc.get("error").cloned()
        {
            answer.error = Some(error);
            answer.result = None;
            answer.body = Some(doc);
        }
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
