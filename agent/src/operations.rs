//! The A2A operations (A2A 1.0 §3.1), independent of binding and version: the JSON-RPC and
//! HTTP+JSON front ends decode a request, call one of these, and encode the result.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast::error::RecvError;

use crate::behaviour::{self, Plan, Step};
use crate::config::Settings;
use crate::defects::Defect;
use crate::errors::{A2aError, ErrorKind};
use crate::task::Owner;
use crate::task::{
    ArtifactsShown, Message, Part, PartContent, PushConfig, Role, StoreError, Subscription, Task,
    TaskEvent, TaskPage, TaskQuery, TaskState, TaskStore, TaskView,
};

/// `SendMessage` / `message/send` (and the streaming variants).
#[derive(Debug, Clone, PartialEq)]
pub struct SendRequest {
    pub tenant: String,
    pub message: Message,
    pub history_limit: Option<usize>,
    pub return_immediately: bool,
    pub push: Option<PushConfig>,
    pub accepted_output_modes: Vec<String>,
}

/// `GetTask` / `tasks/get`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetRequest {
    pub tenant: String,
    pub id: String,
    pub history_limit: Option<usize>,
}

/// `ListTasks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRequest {
    pub tenant: String,
    pub query: TaskQuery,
    pub history_limit: Option<usize>,
    pub include_artifacts: bool,
}

/// A task named by id: `CancelTask`, `SubscribeToTask`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRef {
    pub tenant: String,
    pub id: String,
}

/// A push configuration named by task and id (an empty id: the task's first configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushRef {
    pub tenant: String,
    pub task_id: String,
    pub id: String,
}

/// `CreateTaskPushNotificationConfig` / `tasks/pushNotificationConfig/set`.
#[derive(Debug, Clone, PartialEq)]
pub struct PushCreate {
    pub tenant: String,
    pub config: PushConfig,
}

/// `ListTaskPushNotificationConfigs` / `tasks/pushNotificationConfig/list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushList {
    pub tenant: String,
    pub task_id: String,
    pub page_size: Option<usize>,
    pub page_token: Option<String>,
}

/// What a send produced.
#[derive(Debug, Clone, PartialEq)]
pub enum SendOutcome {
    Message(Message),
    Task(Task, TaskView),
}

/// When a task stream ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseAt {
    /// At a terminal state only (1.0 `SubscribeToTask`).
    Terminal,
    /// At a terminal or interrupted state (message streams; 0.3 `final`).
    TerminalOrInterrupted,
}

impl CloseAt {
    /// Whether a stream ends after a status in `state`.
    pub fn closes(self, state: TaskState) -> bool {
        state.is_terminal() || (self == Self::TerminalOrInterrupted && state.is_interrupted())
    }
}

/// What a streaming call produced.
#[derive(Debug)]
pub enum StreamStart {
    /// A single Message, then the stream closes.
    Message(Message),
    /// A task: its snapshot first, then its events until `close_at`.
    Task {
        subscription: Box<Subscription>,
        view: TaskView,
        close_at: CloseAt,
    },
}

/// A page of push configurations.
#[derive(Debug, Clone, PartialEq)]
pub struct PushPage {
    pub configs: Vec<PushConfig>,
    pub next_page_token: String,
}

/// The agent: settings, the task store and the operations.
#[derive(Debug)]
pub struct Agent {
    pub settings: Settings,
    pub store: Arc<TaskStore>,
    pub pusher: Arc<crate::push::Pusher>,
}

#[allow(clippy::needless_pass_by_value)] // Called as `.map_err(|e| store_error(e, id))`.
fn store_error(e: StoreError, task_id: &str) -> A2aError {
    match e {
        StoreError::NotFound => A2aError::task_not_found(task_id),
        StoreError::Terminal(state) => A2aError::new(ErrorKind::UnsupportedOperation)
            .with_message(format!(
                "task {task_id} is in the terminal state {} and cannot accept messages",
                crate::wire::v03::state_name(state)
            ))
            .with_meta("taskId", task_id),
        StoreError::NotCancelable(state) => A2aError::new(ErrorKind::TaskNotCancelable)
            .with_message(format!(
                "task {task_id} is {} and cannot be canceled",
                crate::wire::v03::state_name(state)
            ))
            .with_meta("taskId", task_id),
        StoreError::ContextMismatch => A2aError::invalid_params(
            "message.contextId",
            "does not match the contextId of the task named by taskId",
        ),
        StoreError::Full { live, limit } => A2aError::new(ErrorKind::TaskStoreFull).with_message(
            format!("the task store is full ({live} live tasks, limit {limit}); retry later"),
        ),
        StoreError::TooManyPushConfigs { limit } => A2aError::new(ErrorKind::TaskStoreFull)
            .with_message(format!(
                "a task may have at most {limit} push configurations"
            )),
        StoreError::PushConfigNotFound => A2aError::new(ErrorKind::TaskNotFound)
            .with_message("push notification configuration not found")
            .with_meta("taskId", task_id),
        StoreError::IllegalTransition { .. } => A2aError::new(ErrorKind::Internal),
    }
}

fn media_type_of(part: &Part) -> Option<&str> {
    match (&part.media_type, &part.content) {
        (Some(t), _) => Some(t.as_str()),
        (None, PartContent::Text(_)) => Some("text/plain"),
        (None, PartContent::Data(_)) => Some("application/json"),
        (None, PartContent::Raw(_)) => Some("application/octet-stream"),
        // A URL's type is unknown until fetched.
        (None, PartContent::Url(_)) => None,
    }
}

fn mode_accepts(mode: &str, media_type: &str) -> bool {
    let essence = |s: &str| {
        s.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    let (mode, ty) = (essence(mode), essence(media_type));
    mode == "*/*"
        || mode == ty
        || mode
            .strip_suffix("/*")
            .is_some_and(|major| ty.split('/').next() == Some(major))
}

fn agent_message(parts: Vec<Part>, context_id: Option<String>) -> Message {
    Message {
        message_id: uuid::Uuid::new_v4().to_string(),
        context_id,
        task_id: None,
        role: Role::Agent,
        parts,
        metadata: None,
        extensions: Vec::new(),
        reference_task_ids: Vec::new(),
    }
}

async fn run_script(store: Arc<TaskStore>, task_id: String, steps: Vec<Step>, delay: Duration) {
    for step in steps {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let applied = match step {
            Step::Sleep(d) => {
                tokio::time::sleep(d).await;
                Ok(())
            }
            Step::Status(state, text) => {
                let message = text.map(|t| agent_message(vec![Part::text(t)], None));
                store.set_status(&task_id, state, message)
            }
            Step::Artifact {
                artifact,
                append,
                last_chunk,
            } => store.add_artifact(&task_id, artifact, append, last_chunk),
        };
        // Refused: the task was canceled (or purged) meanwhile; the script stops.
        if applied.is_err() {
            return;
        }
    }
}

impl Agent {
    /// An agent with an empty store.
    pub fn new(
        settings: Settings,
        store: Arc<TaskStore>,
        pusher: Arc<crate::push::Pusher>,
    ) -> Self {
        Self {
            settings,
            store,
            pusher,
        }
    }

    fn defect(&self, d: Defect) -> bool {
        self.settings.defects.has(d)
    }

    /// The history a response shows (`history-not-truncated` ignores the client's limit).
    fn history_limit(&self, requested: Option<usize>) -> Option<usize> {
        if self.defect(Defect::HistoryNotTruncated) {
            None
        } else {
            requested
        }
    }

    fn check_media_types(&self, message: &Message) -> Result<(), A2aError> {
        if self.defect(Defect::MediaTypeNotChecked) {
            return Ok(());
        }
        let modes = &self.settings.config.card.input_modes;
        for part in &message.parts {
            if let Some(ty) = media_type_of(part)
                && !modes.iter().any(|m| mode_accepts(m, ty))
            {
                let shown: String = ty.chars().take(64).collect();
                return Err(A2aError::new(ErrorKind::ContentTypeNotSupported)
                    .with_message(format!(
                        "media type {shown:?} is not among the agent's input modes"
                    ))
                    .with_meta("mediaType", shown));
            }
        }
        Ok(())
    }

    fn require_streaming(&self) -> Result<(), A2aError> {
        if self.settings.config.capabilities.streaming
            || self.defect(Defect::StreamingWhenUndeclared)
        {
            Ok(())
        } else {
            Err(A2aError::new(ErrorKind::UnsupportedOperation)
                .with_message("streaming is not supported by this agent"))
        }
    }

    fn require_push(&self) -> Result<(), A2aError> {
        if self.settings.config.capabilities.push_notifications {
            Ok(())
        } else {
            Err(A2aError::new(ErrorKind::PushNotificationNotSupported))
        }
    }

    fn spawn(&self, task_id: &str, steps: Vec<Step>) {
        let delay = Duration::from_millis(self.settings.config.behaviour.step_delay_ms);
        tokio::spawn(run_script(
            Arc::clone(&self.store),
            task_id.to_owned(),
            steps,
            delay,
        ));
    }

    /// Starts a send: a Message reply, or a task (new or continued) with its script running.
    async fn start(&self, req: &SendRequest, owner: &Owner) -> Result<StreamStart, A2aError> {
        self.check_media_types(&req.message)?;
        if req.push.is_some() {
            self.require_push()?;
        }
        let cfg = &self.settings.config.behaviour;
        let view = TaskView {
            history_limit: self.history_limit(req.history_limit),
            artifacts: ArtifactsShown::NonEmpty,
        };
        let message = req.message.clone();
        if let Some(task_id) = message.task_id.clone() {
            match self.store.add_message(
                owner,
                &task_id,
                message.context_id.as_deref(),
                message.clone(),
            ) {
                Ok((subscription, before)) => {
                    if before.is_interrupted() || before.is_terminal() {
                        let steps = match behaviour::plan(&message, true, cfg) {
                            Plan::Script(steps) => steps,
                            Plan::Reply(_) => Vec::new(),
                        };
                        self.spawn(&task_id, steps);
                    }
                    self.register_push(req, owner, &task_id).await?;
                    return Ok(StreamStart::Task {
                        subscription: Box::new(subscription),
                        view,
                        close_at: CloseAt::TerminalOrInterrupted,
                    });
                }
                Err(StoreError::NotFound) if self.defect(Defect::UnknownTaskIdCreatesTask) => {
                    // Deliberately wrong: fall through and start a new task.
                }
                Err(e) => return Err(store_error(e, &task_id)),
            }
        }
        let context_id = match &message.context_id {
            Some(c) if !self.defect(Defect::ContextIdSubstituted) => c.clone(),
            _ => uuid::Uuid::new_v4().to_string(),
        };
        match behaviour::plan(&message, false, cfg) {
            Plan::Reply(parts) => {
                let context = if self.defect(Defect::MessageWithoutContextId) {
                    None
                } else {
                    Some(context_id)
                };
                Ok(StreamStart::Message(agent_message(parts, context)))
            }
            Plan::Script(steps) => {
                let mut first = message;
                first.task_id = None;
                let subscription = self
                    .store
                    .create(owner, context_id, first)
                    .map_err(|e| store_error(e, ""))?;
                let task_id = subscription.task.id.clone();
                self.register_push(req, owner, &task_id).await?;
                self.spawn(&task_id, steps);
                Ok(StreamStart::Task {
                    subscription: Box::new(subscription),
                    view,
                    close_at: CloseAt::TerminalOrInterrupted,
                })
            }
        }
    }

    async fn register_push(
        &self,
        req: &SendRequest,
        owner: &Owner,
        task_id: &str,
    ) -> Result<(), A2aError> {
        if let Some(push) = &req.push {
            let mut config = push.clone();
            task_id.clone_into(&mut config.task_id);
            self.pusher.check_url(&config.url).await?;
            self.store
                .put_push_config(owner, config)
                .map_err(|e| store_error(e, task_id))?;
            self.pusher.watch(&self.store, owner, task_id);
        }
        Ok(())
    }

    /// `SendMessage`: blocking by default (waits for a terminal or interrupted state);
    /// `returnImmediately` answers as soon as the task exists.
    pub async fn send(&self, req: SendRequest, owner: &Owner) -> Result<SendOutcome, A2aError> {
        let (mut subscription, view) = match self.start(&req, owner).await? {
            StreamStart::Message(m) => return Ok(SendOutcome::Message(m)),
            StreamStart::Task {
                subscription, view, ..
            } => (subscription, view),
        };
        let immediately = if self.defect(Defect::ReturnImmediatelyIgnored) {
            false
        } else {
            req.return_immediately
        };
        let task_id = subscription.task.id.clone();
        if immediately || self.defect(Defect::BlockingReturnsEarly) {
            return Ok(SendOutcome::Task(subscription.task, view));
        }
        if !(subscription.task.status.state.is_terminal()) {
            loop {
                match subscription.events.recv().await {
                    Ok(TaskEvent::Status(s))
                        if s.state.is_terminal() || s.state.is_interrupted() =>
                    {
                        break;
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => {
                        let now = self.store.get(owner, &task_id);
                        if now.is_none_or(|t| {
                            t.status.state.is_terminal() || t.status.state.is_interrupted()
                        }) {
                            break;
                        }
                    }
                    Err(RecvError::Closed) => break,
                }
            }
        }
        let task = self.store.get(owner, &task_id).unwrap_or(subscription.task);
        Ok(SendOutcome::Task(task, view))
    }

    /// `SendStreamingMessage`: the Task (or one Message) first, then its events.
    pub async fn send_streaming(
        &self,
        req: &SendRequest,
        owner: &Owner,
    ) -> Result<StreamStart, A2aError> {
        self.require_streaming()?;
        self.start(req, owner).await
    }

    /// `GetTask`.
    pub fn get(&self, req: &GetRequest, owner: &Owner) -> Result<(Task, TaskView), A2aError> {
        let task = self
            .store
            .get(owner, &req.id)
            .ok_or_else(|| A2aError::task_not_found(&req.id))?;
        let view = TaskView {
            history_limit: self.history_limit(req.history_limit),
            artifacts: ArtifactsShown::NonEmpty,
        };
        Ok((task, view))
    }

    /// `ListTasks`.
    pub fn list(&self, req: &ListRequest, owner: &Owner) -> Result<(TaskPage, TaskView), A2aError> {
        let page = self.store.list(owner, &req.query).map_err(|_| {
            A2aError::invalid_params("pageToken", "is not a token this agent issued")
        })?;
        let include = req.include_artifacts && !self.defect(Defect::ListArtifactsNever);
        let artifacts = if include || self.defect(Defect::ListArtifactsAlways) {
            ArtifactsShown::Always
        } else {
            ArtifactsShown::Omit
        };
        let view = TaskView {
            history_limit: self.history_limit(req.history_limit),
            artifacts,
        };
        Ok((page, view))
    }

    /// `CancelTask`.
    pub fn cancel(&self, req: &TaskRef, owner: &Owner) -> Result<Task, A2aError> {
        self.store
            .cancel(owner, &req.id)
            .map_err(|e| store_error(e, &req.id))
    }

    /// `SubscribeToTask` (1.0: a terminal task is `UnsupportedOperationError`) and
    /// `tasks/resubscribe` (0.3: a terminal task is streamed once and the stream closes).
    pub fn subscribe(
        &self,
        req: &TaskRef,
        owner: &Owner,
        v1: bool,
    ) -> Result<StreamStart, A2aError> {
        self.require_streaming()?;
        let subscription = self
            .store
            .subscribe(owner, &req.id)
            .map_err(|e| store_error(e, &req.id))?;
        let state = subscription.task.status.state;
        if v1 && state.is_terminal() && !self.defect(Defect::SubscribeTerminalAccepted) {
            return Err(A2aError::new(ErrorKind::UnsupportedOperation)
                .with_message(format!(
                    "task {} is in a terminal state; there is nothing to subscribe to",
                    req.id
                ))
                .with_meta("taskId", &req.id));
        }
        Ok(StreamStart::Task {
            subscription: Box::new(subscription),
            view: TaskView::FULL,
            close_at: if v1 {
                CloseAt::Terminal
            } else {
                CloseAt::TerminalOrInterrupted
            },
        })
    }

    /// `CreateTaskPushNotificationConfig`.
    pub async fn create_push(
        &self,
        req: &PushCreate,
        owner: &Owner,
    ) -> Result<PushConfig, A2aError> {
        self.require_push()?;
        self.pusher.check_url(&req.config.url).await?;
        let config = match self.store.put_push_config(owner, req.config.clone()) {
            Err(StoreError::NotFound) if self.defect(Defect::PushCreateUnknownTaskAccepted) => {
                // Deliberately wrong: an unknown task gets a configuration (stored nowhere).
                let mut config = req.config.clone();
                if config.id.is_empty() {
                    config.id = uuid::Uuid::new_v4().to_string();
                }
                return Ok(config);
            }
            other => other.map_err(|e| store_error(e, &req.config.task_id))?,
        };
        self.pusher.watch(&self.store, owner, &config.task_id);
        if self.defect(Defect::PushConfigWithoutId) {
            // Deliberately wrong: stored under its id, answered without it.
            return Ok(PushConfig {
                id: String::new(),
                ..config
            });
        }
        Ok(config)
    }

    /// `GetTaskPushNotificationConfig`.
    pub fn get_push(&self, req: &PushRef, owner: &Owner) -> Result<PushConfig, A2aError> {
        self.require_push()?;
        if req.id.is_empty() {
            let configs = self
                .store
                .push_configs(owner, &req.task_id)
                .map_err(|e| store_error(e, &req.task_id))?;
            return configs
                .into_iter()
                .next()
                .ok_or_else(|| store_error(StoreError::PushConfigNotFound, &req.task_id));
        }
        match self.store.push_config(owner, &req.task_id, &req.id) {
            Err(StoreError::PushConfigNotFound)
                if self.defect(Defect::PushGetMissingConfigSucceeds) =>
            {
                // Deliberately wrong: an unknown configuration id answers the first one.
                self.store
                    .push_configs(owner, &req.task_id)
                    .map_err(|e| store_error(e, &req.task_id))?
                    .into_iter()
                    .next()
                    .ok_or_else(|| store_error(StoreError::PushConfigNotFound, &req.task_id))
            }
            other => other.map_err(|e| store_error(e, &req.task_id)),
        }
    }

    /// `ListTaskPushNotificationConfigs`.
    pub fn list_push(&self, req: &PushList, owner: &Owner) -> Result<PushPage, A2aError> {
        self.require_push()?;
        let mut configs = self
            .store
            .push_configs(owner, &req.task_id)
            .map_err(|e| store_error(e, &req.task_id))?;
        if self.defect(Defect::PushListDropsConfigs) {
            // Deliberately wrong: every configuration but the first is left out.
            configs.truncate(1);
        }
        let start = match req.page_token.as_deref() {
            None => 0,
            Some(t) => t
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= configs.len())
                .ok_or_else(|| {
                    A2aError::invalid_params("pageToken", "is not a token this agent issued")
                })?,
        };
        let size = req.page_size.unwrap_or(configs.len().max(1));
        let end = start.saturating_add(size).min(configs.len());
        let next_page_token = if end < configs.len() {
            end.to_string()
        } else {
            String::new()
        };
        Ok(PushPage {
            configs: configs[start..end].to_vec(),
            next_page_token,
        })
    }

    /// `DeleteTaskPushNotificationConfig` (idempotent).
    pub fn delete_push(&self, req: &PushRef, owner: &Owner) -> Result<(), A2aError> {
        self.require_push()?;
        if self.defect(Defect::PushDeleteIgnored) {
            // Deliberately wrong: success is answered and the configuration kept.
            return self
                .store
                .push_configs(owner, &req.task_id)
                .map(|_| ())
                .map_err(|e| store_error(e, &req.task_id));
        }
        if self.defect(Defect::PushDeleteTwiceErrors)
            && let Err(StoreError::PushConfigNotFound) =
                self.store.push_config(owner, &req.task_id, &req.id)
        {
            // Deliberately wrong: deleting what is already gone is an internal error.
            return Err(A2aError::new(ErrorKind::Internal)
                .with_message("push notification configuration already deleted"));
        }
        self.store
            .delete_push_config(owner, &req.task_id, &req.id)
            .map_err(|e| store_error(e, &req.task_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_type_modes_match_with_wildcards() {
        assert!(mode_accepts("text/plain", "text/plain; charset=utf-8"));
        assert!(mode_accepts("image/*", "image/png"));
        assert!(mode_accepts("*/*", "application/x-anything"));
        assert!(!mode_accepts("text/plain", "application/x-unsupported"));
    }
}
