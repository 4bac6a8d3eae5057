//! Tasks: the model, the lifecycle rules and the bounded in-memory store with event fan-out.

pub mod model;
pub mod store;

pub use model::{
    Artifact, ArtifactsShown, Message, Part, PartContent, PushAuthentication, PushConfig, Role,
    Task, TaskEvent, TaskState, TaskStatus, TaskView,
};
pub use store::{Owner, StoreError, StoreLimits, Subscription, TaskPage, TaskQuery, TaskStore};
