//! Server-sent event streams, shared by both bindings and both versions: the Task (or a single
//! Message) first, then the task's events in the order they happened, closed at a terminal (or,
//! for message streams and 0.3, interrupted) state. Each subscriber has its own receiver, so one
//! leaving affects no other.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;

use crate::defects::{Defect, Defects};
use crate::operations::{CloseAt, StreamStart};
use crate::task::{
    Artifact, Message, Subscription, Task, TaskEvent, TaskState, TaskStatus, TaskView,
};

/// How long a stream is held open after its terminal event under the
/// `stream-not-closed-at-terminal` defect.
const LINGER: Duration = Duration::from_secs(120);

/// One item of a stream, before it is written for a binding and version.
#[derive(Debug, Clone, Copy)]
pub enum StreamItem<'a> {
    Task(&'a Task, TaskView),
    Message(&'a Message),
    Status {
        task_id: &'a str,
        context_id: &'a str,
        status: &'a TaskStatus,
    },
    Artifact {
        task_id: &'a str,
        context_id: &'a str,
        artifact: &'a Artifact,
        append: bool,
        last_chunk: bool,
    },
}

/// Writes an item as the JSON of one `data:` line.
pub type Encoder = Arc<dyn Fn(StreamItem<'_>) -> Value + Send + Sync>;

enum Phase {
    Start,
    Events,
    Regress(TaskStatus),
    Linger,
    Done,
}

struct State {
    phase: Phase,
    first: Option<StreamStart>,
    sub: Option<(Box<Subscription>, CloseAt)>,
    task_id: String,
    context_id: String,
    defects: Defects,
    encode: Encoder,
}

impl State {
    fn data(&self, item: StreamItem<'_>) -> Event {
        let mut json = (self.encode)(item);
        if self.defects.has(Defect::EventWithoutContextId)
            && matches!(
                item,
                StreamItem::Status { .. } | StreamItem::Artifact { .. }
            )
        {
            // Deliberately wrong: the update loses its REQUIRED contextId.
            drop_update_context(&mut json);
        }
        Event::default().data(json.to_string())
    }

    /// The end of the stream.
    fn finish(&mut self) {
        self.phase = Phase::Done;
    }

    fn after_status(&mut self, state: TaskState) {
        let closes = self.sub.as_ref().is_some_and(|(_, c)| c.closes(state));
        if !closes {
            return;
        }
        if self.defects.has(Defect::StateRegressesAfterCompleted) && state == TaskState::Completed {
            let regressed = TaskStatus {
                state: TaskState::Working,
                message: None,
                timestamp: self
                    .sub
                    .as_ref()
                    .map_or(0, |(s, _)| s.task.status.timestamp),
            };
            self.phase = Phase::Regress(regressed);
        } else if self.defects.has(Defect::StreamNotClosedAtTerminal) {
            self.phase = Phase::Linger;
        } else {
            self.finish();
        }
    }

    async fn next(self) -> Option<(Result<Event, Infallible>, Self)> {
        let mut this = self;
        let event = this.step().await?;
        Some((Ok(event), this))
    }

    async fn step(&mut self) -> Option<Event> {
        {
            match std::mem::replace(&mut self.phase, Phase::Done) {
                Phase::Done => None,
                Phase::Linger => {
                    tokio::time::sleep(LINGER).await;
                    self.finish();
                    None
                }
                Phase::Regress(status) => {
                    let event = self.data(StreamItem::Status {
                        task_id: &self.task_id,
                        context_id: &self.context_id,
                        status: &status,
                    });
                    self.finish();
                    Some(event)
                }
                Phase::Start => match self.first.take() {
                    Some(StreamStart::Message(m)) => {
                        let event = self.data(StreamItem::Message(&m));
                        if self.defects.has(Defect::MessageStreamContinues) {
                            self.first = Some(StreamStart::Message(m));
                            self.defects = Defects::none();
                            self.phase = Phase::Start;
                        } else {
                            self.finish();
                        }
                        Some(event)
                    }
                    Some(StreamStart::Task {
                        subscription,
                        view,
                        close_at,
                    }) => {
                        let task = subscription.task.clone();
                        self.sub = Some((subscription, close_at));
                        self.phase = Phase::Events;
                        let event = if self.defects.has(Defect::StreamWithoutTask) {
                            self.data(StreamItem::Status {
                                task_id: &task.id,
                                context_id: &task.context_id,
                                status: &task.status,
                            })
                        } else {
                            self.data(StreamItem::Task(&task, view))
                        };
                        if task.status.state.is_terminal() {
                            self.after_status(task.status.state);
                        }
                        Some(event)
                    }
                    None => None,
                },
                Phase::Events => {
                    let (sub, _) = self.sub.as_mut()?;
                    let received = tokio::select! {
                        r = sub.events.recv() => Some(r),
                        _ = sub.kick.changed() => None,
                    };
                    match received {
                        Some(Ok(TaskEvent::Status(status))) => {
                            self.phase = Phase::Events;
                            let event = self.data(StreamItem::Status {
                                task_id: &self.task_id,
                                context_id: &self.context_id,
                                status: &status,
                            });
                            self.after_status(status.state);
                            Some(event)
                        }
                        Some(Ok(TaskEvent::Artifact {
                            artifact,
                            append,
                            last_chunk,
                        })) => {
                            self.phase = Phase::Events;
                            let event = self.data(StreamItem::Artifact {
                                task_id: &self.task_id,
                                context_id: &self.context_id,
                                artifact: &artifact,
                                append,
                                last_chunk,
                            });
                            Some(event)
                        }
                        // Fell too far behind, the task is gone, or (a defect) told to leave.
                        Some(Err(RecvError::Lagged(_) | RecvError::Closed)) | None => {
                            self.finish();
                            None
                        }
                    }
                }
            }
        }
    }
}

/// Removes `contextId` from the update object in an encoded event (whatever its envelope: the
/// object that carries `taskId`; a status message inside keeps its own).
fn drop_update_context(json: &mut Value) {
    if let Value::Object(map) = json {
        if map.contains_key("taskId") && !map.contains_key("messageId") {
            map.remove("contextId");
        }
        for (key, child) in map.iter_mut() {
            if key != "status" {
                drop_update_context(child);
            }
        }
    }
}

/// The SSE response for a stream.
pub fn respond(start: StreamStart, defects: &Defects, encode: Encoder) -> Response {
    let (task_id, context_id) = match &start {
        StreamStart::Task { subscription, .. } => (
            subscription.task.id.clone(),
            subscription.task.context_id.clone(),
        ),
        StreamStart::Message(_) => (String::new(), String::new()),
    };
    let state = State {
        phase: Phase::Start,
        first: Some(start),
        sub: None,
        task_id,
        context_id,
        defects: defects.clone(),
        encode,
    };
    sse(stream::unfold(state, State::next))
}

fn sse<S>(events: S) -> Response
where
    S: Stream<Item = Result<Event, Infallible>> + Send + 'static,
{
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
