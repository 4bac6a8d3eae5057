//! The agent's own task model, independent of any wire version. The `wire` modules translate it
//! to A2A 1.0 `ProtoJSON` and to A2A 0.3 JSON.

use serde_json::{Map, Value};

use crate::clock::Millis;

/// The lifecycle state of a task (A2A 1.0 `TaskState` without `UNSPECIFIED`, which the agent never
/// assigns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskState {
    Submitted,
    Working,
    InputRequired,
    AuthRequired,
    Completed,
    Failed,
    Canceled,
    Rejected,
}

impl TaskState {
    /// Every state, for tests and enumerations.
    pub const ALL: [Self; 8] = [
        Self::Submitted,
        Self::Working,
        Self::InputRequired,
        Self::AuthRequired,
        Self::Completed,
        Self::Failed,
        Self::Canceled,
        Self::Rejected,
    ];

    /// Completed, failed, canceled and rejected: the task can never change again.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Failed | Self::Canceled | Self::Rejected
        )
    }

    /// Input-required and auth-required: the agent waits for the client.
    pub const fn is_interrupted(self) -> bool {
        matches!(self, Self::InputRequired | Self::AuthRequired)
    }

    /// Whether a task may move from `self` to `next`: never out of a terminal state, never back
    /// to `Submitted` (which is only ever the first state). Every other move is legal, including
    /// `Working` → `Working` (a progress update).
    pub const fn can_move_to(self, next: Self) -> bool {
        !self.is_terminal() && !matches!(next, Self::Submitted)
    }
}

/// Who sent a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Agent,
}

/// The content of a part: exactly one of these (A2A 1.0 `Part.content` oneof).
#[derive(Debug, Clone, PartialEq)]
pub enum PartContent {
    Text(String),
    Raw(Vec<u8>),
    Url(String),
    Data(Value),
}

/// A piece of message or artifact content.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub content: PartContent,
    pub metadata: Option<Map<String, Value>>,
    pub filename: Option<String>,
    pub media_type: Option<String>,
}

impl Part {
    /// A plain text part.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            content: PartContent::Text(text.into()),
            metadata: None,
            filename: None,
            media_type: None,
        }
    }
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub message_id: String,
    pub context_id: Option<String>,
    pub task_id: Option<String>,
    pub role: Role,
    pub parts: Vec<Part>,
    pub metadata: Option<Map<String, Value>>,
    pub extensions: Vec<String>,
    pub reference_task_ids: Vec<String>,
}

impl Message {
    /// The concatenated text of the message's text parts.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            if let PartContent::Text(t) = &part.content {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(t);
            }
        }
        out
    }
}

/// An output of a task.
#[derive(Debug, Clone, PartialEq)]
pub struct Artifact {
    pub artifact_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub parts: Vec<Part>,
    pub metadata: Option<Map<String, Value>>,
    pub extensions: Vec<String>,
}

/// A task's state at an instant, with an optional message from the agent.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskStatus {
    pub state: TaskState,
    pub message: Option<Message>,
    pub timestamp: Millis,
}

/// A unit of work.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: String,
    pub context_id: String,
    pub status: TaskStatus,
    pub artifacts: Vec<Artifact>,
    pub history: Vec<Message>,
    pub metadata: Option<Map<String, Value>>,
}

/// Something that happened to a task, as streamed to subscribers.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskEvent {
    /// The task's status changed (or a progress update in the same state).
    Status(TaskStatus),
    /// An artifact was produced, or a chunk appended to one.
    Artifact {
        artifact: Artifact,
        append: bool,
        last_chunk: bool,
    },
}

/// How a push-notification endpoint authenticates deliveries (1.0 `AuthenticationInfo`; the 0.3
/// `schemes` list is kept whole so a 0.3 client reads back what it wrote).
#[derive(Debug, Clone, PartialEq)]
pub struct PushAuthentication {
    pub schemes: Vec<String>,
    pub credentials: Option<String>,
}

/// A webhook registered for a task.
#[derive(Debug, Clone, PartialEq)]
pub struct PushConfig {
    pub id: String,
    pub task_id: String,
    pub url: String,
    pub token: Option<String>,
    pub authentication: Option<PushAuthentication>,
    /// Registered through A2A 0.3: deliveries carry the Task (1.0: a `StreamResponse`).
    pub v03: bool,
}

/// Whether a response shows a task's `artifacts` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArtifactsShown {
    /// Never (`ListTasks` without `includeArtifacts`: the field MUST be absent).
    Omit,
    /// When there is at least one (`ProtoJSON` omits empty repeated fields).
    #[default]
    NonEmpty,
    /// Always, `[]` included (`ListTasks` with `includeArtifacts: true`).
    Always,
}

/// How much of a task a response shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TaskView {
    /// `None`: the whole history; `Some(n)`: the `n` most recent messages (0: none).
    pub history_limit: Option<usize>,
    pub artifacts: ArtifactsShown,
}

impl TaskView {
    /// Everything.
    pub const FULL: Self = Self {
        history_limit: None,
        artifacts: ArtifactsShown::NonEmpty,
    };
}
