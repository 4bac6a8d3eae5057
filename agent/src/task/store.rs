//! The in-memory task store: bounded, with a TTL for terminal tasks, and the event fan-out to
//! subscribers.
//!
//! Bounds (all configurable, see `agent/README.md`):
//! * at most `max_live_tasks` non-terminal tasks; a new task beyond that is refused with
//!   [`StoreError::Full`], and a live task is never dropped to make room;
//! * at most `max_tasks` tasks in all; when a new task needs room, the terminal task that ended
//!   first is evicted; if every stored task is live, the new task is refused;
//! * a terminal task is purged `terminal_ttl` after it ended;
//! * a task keeps its `max_history` most recent messages and at most `max_artifacts` artifacts;
//! * each subscriber may fall `stream_buffer` events behind before it is disconnected.
//!
//! One mutex guards the whole store; it is never held across an `.await`. Events are broadcast
//! while the lock is held, so a subscriber that takes its snapshot under the same lock sees every
//! later event exactly once and in order.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{broadcast, watch};

use super::model::{Artifact, Message, PushConfig, Task, TaskEvent, TaskState, TaskStatus};
use crate::clock::{Clock, Millis};
use crate::defects::{Defect, Defects};

/// Who a task belongs to. Another owner's task behaves exactly like an unknown id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Owner {
    /// The tenant named by the request (`""` when none).
    pub tenant: String,
    /// The authenticated principal (`""` when the agent runs without authentication).
    pub principal: String,
}

/// The store's bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreLimits {
    pub max_live_tasks: usize,
    pub max_tasks: usize,
    pub terminal_ttl_ms: Millis,
    pub max_history: usize,
    pub max_artifacts: usize,
    pub max_push_configs: usize,
    pub stream_buffer: usize,
}

impl Default for StoreLimits {
    fn default() -> Self {
        Self {
            max_live_tasks: 1_000,
            max_tasks: 10_000,
            terminal_ttl_ms: 3_600_000,
            max_history: 200,
            max_artifacts: 64,
            max_push_configs: 10,
            stream_buffer: 1_024,
        }
    }
}

/// Why a store operation was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    /// No task with that id is visible to the caller.
    NotFound,
    /// The task is terminal and cannot accept messages.
    Terminal(TaskState),
    /// The task is terminal and cannot be canceled.
    NotCancelable(TaskState),
    /// The message's contextId is not the task's.
    ContextMismatch,
    /// The store holds its maximum of live tasks (or only live tasks at its total maximum).
    Full { live: usize, limit: usize },
    /// The task has its maximum of push configurations.
    TooManyPushConfigs { limit: usize },
    /// A state change the lifecycle forbids (the agent's own scripts run into this after a
    /// cancel; it never reaches a client).
    IllegalTransition { from: TaskState, to: TaskState },
    /// No push configuration with that id on the task.
    PushConfigNotFound,
}

/// What a subscriber gets: the task as it is now, and every event after it.
#[derive(Debug)]
pub struct Subscription {
    pub task: Task,
    pub events: broadcast::Receiver<TaskEvent>,
    /// Changes when the store asks the task's subscribers (as of then) to leave.
    pub kick: watch::Receiver<u64>,
}

/// A page of `ListTasks`.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskPage {
    pub tasks: Vec<Task>,
    pub next_page_token: String,
    pub total_size: usize,
}

/// `ListTasks` filters and paging.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskQuery {
    pub context_id: Option<String>,
    pub state: Option<TaskState>,
    pub status_timestamp_after: Option<Millis>,
    pub page_size: usize,
    pub page_token: Option<String>,
}

/// A `pageToken` the store did not issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadPageToken;

#[derive(Debug)]
struct Entry {
    owner: Owner,
    task: Task,
    seq: u64,
    ended_at: Option<Millis>,
    events: broadcast::Sender<TaskEvent>,
    kick: watch::Sender<u64>,
    push: Vec<PushConfig>,
}

#[derive(Debug, Default)]
struct Inner {
    tasks: HashMap<String, Entry>,
    /// Terminal tasks by (end time, creation sequence): the purge and eviction order.
    ended: BTreeSet<(Millis, u64, String)>,
    live: usize,
    next_seq: u64,
}

/// The task store. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct TaskStore {
    inner: Mutex<Inner>,
    clock: Arc<dyn Clock>,
    limits: StoreLimits,
    defects: Defects,
}

impl TaskStore {
    /// An empty store.
    pub fn new(limits: StoreLimits, clock: Arc<dyn Clock>, defects: Defects) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            clock,
            limits,
            defects,
        }
    }

    /// The store's bounds.
    pub fn limits(&self) -> StoreLimits {
        self.limits
    }

    /// The current time by the store's clock.
    pub fn now(&self) -> Millis {
        self.clock.now_millis()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave an entry half-written in a way later
        // readers could misinterpret (every mutation is a single assignment or push), so a
        // poisoned lock is still safe to use.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Removes terminal tasks whose TTL has run out.
    fn purge(&self, inner: &mut Inner) {
        let now = self.now();
        while let Some((ended, _, _)) = inner.ended.first() {
            if ended.saturating_add(self.limits.terminal_ttl_ms) > now {
                break;
            }
            if let Some((_, _, id)) = inner.ended.pop_first() {
                inner.tasks.remove(&id);
            }
        }
    }

    /// Number of live (non-terminal) tasks and of all tasks.
    pub fn counts(&self) -> (usize, usize) {
        let mut inner = self.lock();
        self.purge(&mut inner);
        (inner.live, inner.tasks.len())
    }

    /// Creates a task in state `Submitted` whose history is `first`, and subscribes to it.
    pub fn create(
        &self,
        owner: &Owner,
        context_id: String,
        mut first: Message,
    ) -> Result<Subscription, StoreError> {
        let mut inner = self.lock();
        self.purge(&mut inner);
        if inner.live >= self.limits.max_live_tasks {
            return Err(StoreError::Full {
                live: inner.live,
                limit: self.limits.max_live_tasks,
            });
        }
        if inner.tasks.len() >= self.limits.max_tasks {
            // Room is made only by evicting a terminal task, oldest first.
            match inner.ended.pop_first() {
                Some((_, _, id)) => {
                    inner.tasks.remove(&id);
                }
                None => {
                    return Err(StoreError::Full {
                        live: inner.live,
                        limit: self.limits.max_tasks,
                    });
                }
            }
        }
        let id = uuid::Uuid::new_v4().to_string();
        first.task_id = Some(id.clone());
        first.context_id = Some(context_id.clone());
        let task = Task {
            id: id.clone(),
            context_id,
            status: TaskStatus {
                state: TaskState::Submitted,
                message: None,
                timestamp: self.now(),
            },
            artifacts: Vec::new(),
            history: vec![first],
            metadata: None,
        };
        let (events, rx) = broadcast::channel(self.limits.stream_buffer.max(1));
        let (kick, kick_rx) = watch::channel(0);
        let seq = inner.next_seq;
        inner.next_seq += 1;
        inner.live += 1;
        inner.tasks.insert(
            id,
            Entry {
                owner: owner.clone(),
                task: task.clone(),
                seq,
                ended_at: None,
                events,
                kick,
                push: Vec::new(),
            },
        );
        Ok(Subscription {
            task,
            events: rx,
            kick: kick_rx,
        })
    }

    fn visible<'a>(&self, inner: &'a mut Inner, owner: &Owner, id: &str) -> Option<&'a mut Entry> {
        inner
            .tasks
            .get_mut(id)
            .filter(|e| self.owns(&e.owner, owner))
    }

    /// Whether a task of `task_owner` is the caller's (`other-principal-task-visible` compares
    /// the tenant only).
    fn owns(&self, task_owner: &Owner, caller: &Owner) -> bool {
        if self.defects.has(Defect::OtherPrincipalTaskVisible) {
            task_owner.tenant == caller.tenant
        } else {
            task_owner == caller
        }
    }

    /// The task, if the caller may see it.
    pub fn get(&self, owner: &Owner, id: &str) -> Option<Task> {
        let mut inner = self.lock();
        self.purge(&mut inner);
        self.visible(&mut inner, owner, id).map(|e| e.task.clone())
    }

    /// The task and every later event, if the caller may see it.
    pub fn subscribe(&self, owner: &Owner, id: &str) -> Result<Subscription, StoreError> {
        let mut inner = self.lock();
        self.purge(&mut inner);
        let entry = self
            .visible(&mut inner, owner, id)
            .ok_or(StoreError::NotFound)?;
        if self.defects.has(Defect::NewSubscriberClosesOthers) {
            // Deliberately wrong: the earlier subscribers are told to leave.
            entry.kick.send_modify(|k| *k = k.wrapping_add(1));
        }
        Ok(Subscription {
            task: entry.task.clone(),
            events: entry.events.subscribe(),
            kick: entry.kick.subscribe(),
        })
    }

    /// Adds a client message to an existing task and subscribes to it. Returns the subscription
    /// (whose snapshot includes the message) and the state the task was in before.
    pub fn add_message(
        &self,
        owner: &Owner,
        id: &str,
        context_id: Option<&str>,
        mut message: Message,
    ) -> Result<(Subscription, TaskState), StoreError> {
        let mut inner = self.lock();
        self.purge(&mut inner);
        let now = self.now();
        let max_history = self.limits.max_history;
        let entry = self
            .visible(&mut inner, owner, id)
            .ok_or(StoreError::NotFound)?;
        if let Some(ctx) = context_id
            && ctx != entry.task.context_id
            && !self.defects.has(Defect::ContextMismatchAccepted)
        {
            return Err(StoreError::ContextMismatch);
        }
        let before = entry.task.status.state;
        let mut reopened = None;
        if before.is_terminal() {
            if !self.defects.has(Defect::TerminalAcceptsMessages) {
                return Err(StoreError::Terminal(before));
            }
            // Deliberately wrong: a terminal task is reopened.
            entry.task.status = TaskStatus {
                state: TaskState::Working,
                message: None,
                timestamp: now,
            };
            reopened = entry.ended_at.take().map(|t| (t, entry.seq));
            entry.events = broadcast::channel(self.limits.stream_buffer.max(1)).0;
        }
        message.task_id = Some(entry.task.id.clone());
        message.context_id = Some(entry.task.context_id.clone());
        push_bounded(&mut entry.task.history, message, max_history);
        let sub = Subscription {
            task: entry.task.clone(),
            events: entry.events.subscribe(),
            kick: entry.kick.subscribe(),
        };
        if let Some((ended, seq)) = reopened {
            inner.ended.remove(&(ended, seq, id.to_owned()));
            inner.live += 1;
        }
        Ok((sub, before))
    }

    /// Moves the task to `state` (with an optional agent message) and tells the subscribers.
    pub fn set_status(
        &self,
        id: &str,
        state: TaskState,
        message: Option<Message>,
    ) -> Result<(), StoreError> {
        let mut inner = self.lock();
        let now = self.now();
        let max_history = self.limits.max_history;
        let entry = inner.tasks.get_mut(id).ok_or(StoreError::NotFound)?;
        let from = entry.task.status.state;
        if !from.can_move_to(state) {
            return Err(StoreError::IllegalTransition { from, to: state });
        }
        let message = message.map(|mut m| {
            m.task_id = Some(entry.task.id.clone());
            m.context_id = Some(entry.task.context_id.clone());
            m
        });
        if let Some(m) = &message {
            push_bounded(&mut entry.task.history, m.clone(), max_history);
        }
        let status = TaskStatus {
            state,
            message,
            timestamp: now.max(entry.task.status.timestamp),
        };
        entry.task.status = status.clone();
        // No receiver is not an error: nobody is listening.
        let _ = entry.events.send(TaskEvent::Status(status));
        if state.is_terminal() {
            // No event follows a terminal state: release the `stream_buffer` slots the channel
            // preallocated (subscribers already attached drain the old one and see it close).
            // Without this, a full store of finished tasks holds ~100 KiB per task.
            entry.events = broadcast::channel(1).0;
            entry.ended_at = Some(now);
            let key = (now, entry.seq, id.to_owned());
            inner.ended.insert(key);
            inner.live -= 1;
        }
        Ok(())
    }

    /// Adds an artifact (or appends a chunk to one) and tells the subscribers.
    pub fn add_artifact(
        &self,
        id: &str,
        artifact: Artifact,
        append: bool,
        last_chunk: bool,
    ) -> Result<(), StoreError> {
        let mut inner = self.lock();
        let entry = inner.tasks.get_mut(id).ok_or(StoreError::NotFound)?;
        let state = entry.task.status.state;
        if state.is_terminal() {
            return Err(StoreError::IllegalTransition {
                from: state,
                to: state,
            });
        }
        let artifacts = &mut entry.task.artifacts;
        let count = artifacts.len();
        match artifacts
            .iter_mut()
            .find(|a| a.artifact_id == artifact.artifact_id)
        {
            Some(existing) if append => existing.parts.extend(artifact.parts.iter().cloned()),
            Some(existing) => *existing = artifact.clone(),
            None if count < self.limits.max_artifacts => artifacts.push(artifact.clone()),
            None => {
                return Err(StoreError::IllegalTransition {
                    from: state,
                    to: state,
                });
            }
        }
        let _ = entry.events.send(TaskEvent::Artifact {
            artifact,
            append,
            last_chunk,
        });
        Ok(())
    }

    /// Cancels a task on the client's request.
    pub fn cancel(&self, owner: &Owner, id: &str) -> Result<Task, StoreError> {
        {
            let mut inner = self.lock();
            self.purge(&mut inner);
            let entry = self
                .visible(&mut inner, owner, id)
                .ok_or(StoreError::NotFound)?;
            let state = entry.task.status.state;
            if state.is_terminal() && !self.defects.has(Defect::CancelTerminalSucceeds) {
                return Err(StoreError::NotCancelable(state));
            }
            if state.is_terminal() || self.defects.has(Defect::CancelIgnored) {
                // Deliberately wrong (either defect): the task is returned unchanged.
                return Ok(entry.task.clone());
            }
        }
        match self.set_status(id, TaskState::Canceled, None) {
            Ok(()) => {}
            // The task ended between the two locks: report what it became.
            Err(StoreError::IllegalTransition { from, .. }) => {
                return Err(StoreError::NotCancelable(from));
            }
            Err(e) => return Err(e),
        }
        self.get(owner, id).ok_or(StoreError::NotFound)
    }

    /// One page of the caller's tasks, newest status first.
    pub fn list(&self, owner: &Owner, query: &TaskQuery) -> Result<TaskPage, BadPageToken> {
        let cursor = match query.page_token.as_deref() {
            None | Some("") => None,
            Some(token) => Some(parse_token(token).ok_or(BadPageToken)?),
        };
        let mut inner = self.lock();
        self.purge(&mut inner);
        let ignore_filter = self.defects.has(Defect::ListFilterIgnored);
        let mut matching: Vec<(Millis, u64, &Task)> = inner
            .tasks
            .values()
            .filter(|e| self.owns(&e.owner, owner))
            .filter(|e| {
                ignore_filter
                    || query
                        .context_id
                        .as_ref()
                        .is_none_or(|c| &e.task.context_id == c)
            })
            .filter(|e| query.state.is_none_or(|s| e.task.status.state == s))
            .filter(|e| {
                query
                    .status_timestamp_after
                    .is_none_or(|t| e.task.status.timestamp >= t)
            })
            .map(|e| (e.task.status.timestamp, e.seq, &e.task))
            .collect();
        let oldest_first = self.defects.has(Defect::ListOldestFirst);
        if oldest_first {
            matching.sort_by_key(|(t, s, _)| (*t, *s));
        } else {
            matching.sort_by_key(|(t, s, _)| std::cmp::Reverse((*t, *s)));
        }
        let total_size = matching.len();
        let start = cursor.map_or(0, |c| {
            matching
                .iter()
                .position(|(t, s, _)| {
                    if oldest_first {
                        (*t, *s) > c
                    } else {
                        (*t, *s) < c
                    }
                })
                .unwrap_or(matching.len())
        });
        let page_size = if self.defects.has(Defect::ListPageSizeIgnored) {
            usize::MAX
        } else {
            query.page_size
        };
        let end = start.saturating_add(page_size).min(matching.len());
        let next_page_token = if end < matching.len() && end > start {
            let (t, s, _) = matching[end - 1];
            format!("{t}.{s}")
        } else {
            String::new()
        };
        Ok(TaskPage {
            tasks: matching[start..end]
                .iter()
                .map(|(_, _, t)| (*t).clone())
                .collect(),
            next_page_token,
            total_size,
        })
    }

    /// Registers (or replaces, by id) a push configuration on a task.
    pub fn put_push_config(
        &self,
        owner: &Owner,
        mut config: PushConfig,
    ) -> Result<PushConfig, StoreError> {
        let mut inner = self.lock();
        self.purge(&mut inner);
        let limit = self.limits.max_push_configs;
        let entry = self
            .visible(&mut inner, owner, &config.task_id)
            .ok_or(StoreError::NotFound)?;
        if config.id.is_empty() {
            config.id = uuid::Uuid::new_v4().to_string();
        }
        if let Some(existing) = entry.push.iter_mut().find(|c| c.id == config.id) {
            *existing = config.clone();
        } else if entry.push.len() >= limit {
            return Err(StoreError::TooManyPushConfigs { limit });
        } else {
            entry.push.push(config.clone());
        }
        Ok(config)
    }

    /// A task's push configuration by id.
    pub fn push_config(
        &self,
        owner: &Owner,
        task_id: &str,
        id: &str,
    ) -> Result<PushConfig, StoreError> {
        let mut inner = self.lock();
        self.purge(&mut inner);
        let entry = if self.defects.has(Defect::PushConfigOtherPrincipalVisible) {
            // Deliberately wrong: the principal is not checked (the tenant still is).
            inner
                .tasks
                .get_mut(task_id)
                .filter(|e| e.owner.tenant == owner.tenant)
        } else {
            self.visible(&mut inner, owner, task_id)
        }
        .ok_or(StoreError::NotFound)?;
        entry
            .push
            .iter()
            .find(|c| c.id == id)
            .cloned()
            .ok_or(StoreError::PushConfigNotFound)
    }

    /// A task's push configurations, in registration order.
    pub fn push_configs(
        &self,
        owner: &Owner,
        task_id: &str,
    ) -> Result<Vec<PushConfig>, StoreError> {
        let mut inner = self.lock();
        self.purge(&mut inner);
        let entry = self
            .visible(&mut inner, owner, task_id)
            .ok_or(StoreError::NotFound)?;
        Ok(entry.push.clone())
    }

    /// Removes a push configuration. Removing one that is not there succeeds (idempotent).
    pub fn delete_push_config(
        &self,
        owner: &Owner,
        task_id: &str,
        id: &str,
    ) -> Result<(), StoreError> {
        let mut inner = self.lock();
        self.purge(&mut inner);
        let entry = self
            .visible(&mut inner, owner, task_id)
            .ok_or(StoreError::NotFound)?;
        entry.push.retain(|c| c.id != id);
        Ok(())
    }
}

fn push_bounded(history: &mut Vec<Message>, message: Message, max: usize) {
    history.push(message);
    if history.len() > max {
        let excess = history.len() - max;
        history.drain(..excess);
    }
}

fn parse_token(token: &str) -> Option<(Millis, u64)> {
    let (t, s) = token.split_once('.')?;
    Some((t.parse().ok()?, s.parse().ok()?))
}
