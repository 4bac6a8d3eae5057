//! A2A 1.0 `ProtoJSON` (the proto `lf.a2a.v1`, A2A 1.0 §5.5): camelCase names, `TASK_STATE_*` and
//! `ROLE_*` enum names, no `kind`, wrappers for oneofs, default values omitted.

use serde_json::{Map, Value, json};

use super::{Obj, decode_bytes, encode_bytes, history_length, limit_history, message_id_and_parts};
use crate::defects::{Defect, Defects};
use crate::errors::A2aError;
use crate::operations::{
    GetRequest, ListRequest, PushCreate, PushList, PushRef, SendRequest, TaskRef,
};
use crate::task::{
    Artifact, ArtifactsShown, Message, Part, PartContent, PushAuthentication, PushConfig, Role,
    Task, TaskPage, TaskQuery, TaskState, TaskStatus, TaskView,
};
use crate::timestamp;

/// The `ProtoJSON` name of a state (or its 0.3 name under the `v1-lowercase-states` defect).
pub fn state_name(state: TaskState, defects: &Defects) -> &'static str {
    if defects.has(Defect::V1LowercaseStates) {
        return super::v03::state_name(state);
    }
    match state {
        TaskState::Submitted => "TASK_STATE_SUBMITTED",
        TaskState::Working => "TASK_STATE_WORKING",
        TaskState::InputRequired => "TASK_STATE_INPUT_REQUIRED",
        TaskState::AuthRequired => "TASK_STATE_AUTH_REQUIRED",
        TaskState::Completed => "TASK_STATE_COMPLETED",
        TaskState::Failed => "TASK_STATE_FAILED",
        TaskState::Canceled => "TASK_STATE_CANCELED",
        TaskState::Rejected => "TASK_STATE_REJECTED",
    }
}

/// Reads a `TaskState` by name or number; `UNSPECIFIED` reads as `None`.
pub fn parse_state(value: &Value, path: &str) -> Result<Option<TaskState>, A2aError> {
    let state = match value {
        Value::String(s) => match s.as_str() {
            "TASK_STATE_UNSPECIFIED" => None,
            "TASK_STATE_SUBMITTED" => Some(TaskState::Submitted),
            "TASK_STATE_WORKING" => Some(TaskState::Working),
            "TASK_STATE_COMPLETED" => Some(TaskState::Completed),
            "TASK_STATE_FAILED" => Some(TaskState::Failed),
            "TASK_STATE_CANCELED" => Some(TaskState::Canceled),
            "TASK_STATE_INPUT_REQUIRED" => Some(TaskState::InputRequired),
            "TASK_STATE_REJECTED" => Some(TaskState::Rejected),
            "TASK_STATE_AUTH_REQUIRED" => Some(TaskState::AuthRequired),
            _ => return Err(A2aError::invalid_params(path, "is not a TaskState")),
        },
        Value::Number(n) => match n.as_u64() {
            Some(0) => None,
            Some(1) => Some(TaskState::Submitted),
            Some(2) => Some(TaskState::Working),
            Some(3) => Some(TaskState::Completed),
            Some(4) => Some(TaskState::Failed),
            Some(5) => Some(TaskState::Canceled),
            Some(6) => Some(TaskState::InputRequired),
            Some(7) => Some(TaskState::Rejected),
            Some(8) => Some(TaskState::AuthRequired),
            _ => return Err(A2aError::invalid_params(path, "is not a TaskState")),
        },
        _ => return Err(A2aError::invalid_params(path, "is not a TaskState")),
    };
    Ok(state)
}

fn timestamp(millis: i64, defects: &Defects) -> String {
    if defects.has(Defect::TimestampsWithOffset) {
        timestamp::format_with_offset(millis)
    } else {
        timestamp::format_utc(millis)
    }
}

fn kind(obj: &mut Map<String, Value>, kind: &str, defects: &Defects) {
    if defects.has(Defect::V1KindDiscriminator) {
        obj.insert("kind".into(), kind.into());
    }
}

/// This version's `Message`/`Artifact` differences.
const V1: super::Dialect = super::Dialect {
    roles: ["ROLE_USER", "ROLE_AGENT"],
    part,
    kind,
};

// ---------------------------------------------------------------- encoding

/// A `Part`.
pub fn part(p: &Part) -> Value {
    let mut o = Map::new();
    match &p.content {
        PartContent::Text(t) => o.insert("text".into(), t.clone().into()),
        PartContent::Raw(b) => o.insert("raw".into(), encode_bytes(b).into()),
        PartContent::Url(u) => o.insert("url".into(), u.clone().into()),
        PartContent::Data(d) => o.insert("data".into(), d.clone()),
    };
    if let Some(m) = &p.metadata {
        o.insert("metadata".into(), Value::Object(m.clone()));
    }
    if let Some(f) = &p.filename {
        o.insert("filename".into(), f.clone().into());
    }
    if let Some(t) = &p.media_type {
        o.insert("mediaType".into(), t.clone().into());
    }
    Value::Object(o)
}

/// A `Message`.
pub fn message(m: &Message, defects: &Defects) -> Value {
    super::message(m, defects, &V1)
}

/// An `Artifact`.
pub fn artifact(a: &Artifact) -> Value {
    super::artifact(a, &V1)
}

/// A `TaskStatus`.
pub fn status(s: &TaskStatus, defects: &Defects) -> Value {
    let mut o = Map::new();
    o.insert("state".into(), state_name(s.state, defects).into());
    if let Some(m) = &s.message {
        o.insert("message".into(), message(m, defects));
    }
    o.insert("timestamp".into(), timestamp(s.timestamp, defects).into());
    Value::Object(o)
}

/// A `Task`, as much of it as `view` shows.
pub fn task(t: &Task, view: TaskView, defects: &Defects) -> Value {
    let mut o = Map::new();
    kind(&mut o, "task", defects);
    o.insert("id".into(), t.id.clone().into());
    o.insert("contextId".into(), t.context_id.clone().into());
    o.insert("status".into(), status(&t.status, defects));
    let show_artifacts = match view.artifacts {
        ArtifactsShown::Omit => false,
        ArtifactsShown::NonEmpty => !t.artifacts.is_empty(),
        ArtifactsShown::Always => true,
    };
    if show_artifacts {
        o.insert(
            "artifacts".into(),
            t.artifacts.iter().map(artifact).collect(),
        );
    }
    let history = limit_history(&t.history, view.history_limit);
    if !history.is_empty() {
        o.insert(
            "history".into(),
            history.iter().map(|m| message(m, defects)).collect(),
        );
    }
    if let Some(md) = &t.metadata {
        o.insert("metadata".into(), Value::Object(md.clone()));
    }
    Value::Object(o)
}

/// A `TaskStatusUpdateEvent`.
pub fn status_update(task_id: &str, context_id: &str, s: &TaskStatus, defects: &Defects) -> Value {
    let mut o = Map::new();
    kind(&mut o, "status-update", defects);
    o.insert("taskId".into(), task_id.into());
    o.insert("contextId".into(), context_id.into());
    o.insert("status".into(), status(s, defects));
    Value::Object(o)
}

/// A `TaskArtifactUpdateEvent`.
pub fn artifact_update(
    task_id: &str,
    context_id: &str,
    a: &Artifact,
    append: bool,
    last_chunk: bool,
    defects: &Defects,
) -> Value {
    let mut o = Map::new();
    kind(&mut o, "artifact-update", defects);
    o.insert("taskId".into(), task_id.into());
    o.insert("contextId".into(), context_id.into());
    o.insert("artifact".into(), artifact(a));
    if append {
        o.insert("append".into(), true.into());
    }
    if last_chunk {
        o.insert("lastChunk".into(), true.into());
    }
    Value::Object(o)
}

/// A `TaskPushNotificationConfig`.
pub fn push_config(c: &PushConfig) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), c.id.clone().into());
    o.insert("taskId".into(), c.task_id.clone().into());
    o.insert("url".into(), c.url.clone().into());
    if let Some(t) = &c.token {
        o.insert("token".into(), t.clone().into());
    }
    if let Some(a) = &c.authentication {
        let mut auth = Map::new();
        auth.insert(
            "scheme".into(),
            a.schemes.first().cloned().unwrap_or_default().into(),
        );
        if let Some(cred) = &a.credentials {
            auth.insert("credentials".into(), cred.clone().into());
        }
        o.insert("authentication".into(), Value::Object(auth));
    }
    Value::Object(o)
}

/// A `ListTasksResponse`.
pub fn task_page(page: &TaskPage, page_size: usize, view: TaskView, defects: &Defects) -> Value {
    let mut o = Map::new();
    o.insert(
        "tasks".into(),
        page.tasks.iter().map(|t| task(t, view, defects)).collect(),
    );
    if !(page.next_page_token.is_empty() && defects.has(Defect::NextPageTokenMissing)) {
        o.insert("nextPageToken".into(), page.next_page_token.clone().into());
    }
    o.insert("pageSize".into(), page_size.into());
    o.insert("totalSize".into(), page.total_size.into());
    Value::Object(o)
}

// ---------------------------------------------------------------- decoding

fn decode_part(value: &Value, path: &str) -> Result<Part, A2aError> {
    let obj = Obj::new(Some(value), path)?;
    let mut contents = Vec::new();
    if let Some(t) = obj.get("text") {
        let t = t
            .as_str()
            .ok_or_else(|| A2aError::invalid_params(obj.path_of("text"), "must be a string"))?;
        contents.push(PartContent::Text(t.to_owned()));
    }
    if let Some(r) = obj.get("raw") {
        let bytes = r.as_str().and_then(decode_bytes).ok_or_else(|| {
            A2aError::invalid_params(obj.path_of("raw"), "must be base64-encoded bytes")
        })?;
        contents.push(PartContent::Raw(bytes));
    }
    if let Some(u) = obj.get("url") {
        let u = u
            .as_str()
            .ok_or_else(|| A2aError::invalid_params(obj.path_of("url"), "must be a string"))?;
        contents.push(PartContent::Url(u.to_owned()));
    }
    if let Some(d) = obj.get("data") {
        contents.push(PartContent::Data(d.clone()));
    }
    if contents.len() != 1 {
        return Err(A2aError::invalid_params(
            path,
            "must hold exactly one of text, raw, url, data",
        ));
    }
    Ok(Part {
        content: contents.remove(0),
        metadata: obj.structure("metadata")?,
        filename: obj.non_empty("filename")?,
        media_type: obj.non_empty("mediaType")?,
    })
}

/// Reads a `Message` sent by a client.
pub fn decode_message(
    value: Option<&Value>,
    path: &str,
    defects: &Defects,
) -> Result<Message, A2aError> {
    if value.is_none_or(Value::is_null) {
        return Err(A2aError::invalid_params(path, "is required"));
    }
    let obj = Obj::new(value, path)?;
    let (message_id, parts) = message_id_and_parts(&obj, defects)?;
    let role = match obj.get("role") {
        Some(Value::String(s)) if s == "ROLE_USER" => Role::User,
        Some(Value::String(s)) if s == "ROLE_AGENT" => Role::Agent,
        Some(Value::Number(n)) if n.as_u64() == Some(1) => Role::User,
        Some(Value::Number(n)) if n.as_u64() == Some(2) => Role::Agent,
        // `invalid-params-accepted`: a missing role is taken for the user's.
        None if defects.has(Defect::InvalidParamsAccepted) => Role::User,
        None => return Err(A2aError::invalid_params(obj.path_of("role"), "is required")),
        Some(_) => {
            return Err(A2aError::invalid_params(
                obj.path_of("role"),
                "must be ROLE_USER or ROLE_AGENT",
            ));
        }
    };
    let parts_path = obj.path_of("parts");
    let parts = parts
        .iter()
        .enumerate()
        .map(|(i, p)| decode_part(p, &format!("{parts_path}[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Message {
        message_id,
        context_id: obj.non_empty("contextId")?,
        task_id: obj.non_empty("taskId")?,
        role,
        parts,
        metadata: obj.structure("metadata")?,
        extensions: obj.strings("extensions")?,
        reference_task_ids: obj.strings("referenceTaskIds")?,
    })
}

fn decode_push(obj: &Obj<'_>, task_id: Option<String>) -> Result<PushConfig, A2aError> {
    let url = obj.required("url")?;
    let authentication = match obj.get("authentication") {
        None => None,
        Some(v) => {
            let path = obj.path_of("authentication");
            let a = Obj::new(Some(v), &path)?;
            Some(PushAuthentication {
                schemes: vec![a.required("scheme")?],
                credentials: a.non_empty("credentials")?,
            })
        }
    };
    Ok(PushConfig {
        id: obj.non_empty("id")?.unwrap_or_default(),
        task_id: task_id.unwrap_or_default(),
        url,
        token: obj.non_empty("token")?,
        authentication,
        v03: false,
    })
}

/// `SendMessageRequest`.
pub fn send_request(params: Option<&Value>, defects: &Defects) -> Result<SendRequest, A2aError> {
    let obj = Obj::new(params, "params")?;
    let message = decode_message(obj.get("message"), &obj.path_of("message"), defects)?;
    let config_path = obj.path_of("configuration");
    let config = Obj::new(obj.get("configuration"), &config_path)?;
    let push = match config.get("taskPushNotificationConfig") {
        None => None,
        Some(v) => {
            let path = config.path_of("taskPushNotificationConfig");
            Some(decode_push(&Obj::new(Some(v), &path)?, None)?)
        }
    };
    Ok(SendRequest {
        tenant: obj.string("tenant")?.unwrap_or_default(),
        message,
        history_limit: history_length(&config)?,
        return_immediately: config.bool("returnImmediately")?.unwrap_or(false),
        push,
        accepted_output_modes: config.strings("acceptedOutputModes")?,
    })
}

/// `GetTaskRequest`.
pub fn get_request(params: Option<&Value>) -> Result<GetRequest, A2aError> {
    let obj = Obj::new(params, "params")?;
    Ok(GetRequest {
        tenant: obj.string("tenant")?.unwrap_or_default(),
        id: obj.required("id")?,
        history_limit: history_length(&obj)?,
    })
}

/// `CancelTaskRequest` and `SubscribeToTaskRequest`.
pub fn task_ref(params: Option<&Value>) -> Result<TaskRef, A2aError> {
    let obj = Obj::new(params, "params")?;
    obj.structure("metadata")?;
    Ok(TaskRef {
        tenant: obj.string("tenant")?.unwrap_or_default(),
        id: obj.required("id")?,
    })
}

/// The largest `pageSize` (A2A 1.0 `ListTasksRequest`).
pub const MAX_PAGE_SIZE: usize = 100;
/// The `pageSize` when none is given.
pub const DEFAULT_PAGE_SIZE: usize = 50;

/// `ListTasksRequest`.
pub fn list_request(params: Option<&Value>) -> Result<ListRequest, A2aError> {
    let obj = Obj::new(params, "params")?;
    let page_size = match obj.int("pageSize")? {
        None => DEFAULT_PAGE_SIZE,
        Some(n) if (1..=100).contains(&n) => usize::try_from(n).unwrap_or(DEFAULT_PAGE_SIZE),
        Some(_) => {
            return Err(A2aError::invalid_params(
                obj.path_of("pageSize"),
                "must be between 1 and 100",
            ));
        }
    };
    let state = match obj.get("status") {
        None => None,
        Some(v) => parse_state(v, &obj.path_of("status"))?,
    };
    let after = match obj.string("statusTimestampAfter")? {
        None => None,
        Some(s) => Some(timestamp::parse(&s).ok_or_else(|| {
            A2aError::invalid_params(
                obj.path_of("statusTimestampAfter"),
                "must be an RFC 3339 timestamp",
            )
        })?),
    };
    Ok(ListRequest {
        tenant: obj.string("tenant")?.unwrap_or_default(),
        query: TaskQuery {
            context_id: obj.non_empty("contextId")?,
            state,
            status_timestamp_after: after,
            page_size,
            page_token: obj.non_empty("pageToken")?,
        },
        history_limit: history_length(&obj)?,
        include_artifacts: obj.bool("includeArtifacts")?.unwrap_or(false),
    })
}

/// `TaskPushNotificationConfig` (the create request).
pub fn push_create(params: Option<&Value>) -> Result<PushCreate, A2aError> {
    let obj = Obj::new(params, "params")?;
    let task_id = obj.required("taskId")?;
    Ok(PushCreate {
        tenant: obj.string("tenant")?.unwrap_or_default(),
        config: decode_push(&obj, Some(task_id))?,
    })
}

/// `GetTaskPushNotificationConfigRequest` and `DeleteTaskPushNotificationConfigRequest`.
pub fn push_ref(params: Option<&Value>) -> Result<PushRef, A2aError> {
    let obj = Obj::new(params, "params")?;
    Ok(PushRef {
        tenant: obj.string("tenant")?.unwrap_or_default(),
        task_id: obj.required("taskId")?,
        id: obj.required("id")?,
    })
}

/// `ListTaskPushNotificationConfigsRequest`.
pub fn push_list(params: Option<&Value>) -> Result<PushList, A2aError> {
    let obj = Obj::new(params, "params")?;
    let page_size = match obj.int("pageSize")? {
        None | Some(0) => None,
        Some(n) => Some(usize::try_from(n).map_err(|_| {
            A2aError::invalid_params(obj.path_of("pageSize"), "must not be negative")
        })?),
    };
    Ok(PushList {
        tenant: obj.string("tenant")?.unwrap_or_default(),
        task_id: obj.required("taskId")?,
        page_size,
        page_token: obj.non_empty("pageToken")?,
    })
}

/// `GetExtendedAgentCardRequest`: only the tenant.
pub fn tenant_only(params: Option<&Value>) -> Result<String, A2aError> {
    let obj = Obj::new(params, "params")?;
    Ok(obj.string("tenant")?.unwrap_or_default())
}

/// A `StreamResponse`: exactly one of `task`, `message`, `statusUpdate`, `artifactUpdate`.
pub fn stream_response(item: crate::sse::StreamItem<'_>, defects: &Defects) -> Value {
    use crate::sse::StreamItem;
    match item {
        StreamItem::Task(t, view) => json!({ "task": task(t, view, defects) }),
        StreamItem::Message(m) => json!({ "message": message(m, defects) }),
        StreamItem::Status {
            task_id,
            context_id,
            status,
        } => json!({ "statusUpdate": status_update(task_id, context_id, status, defects) }),
        StreamItem::Artifact {
            task_id,
            context_id,
            artifact: a,
            append,
            last_chunk,
        } => json!({
            "artifactUpdate": artifact_update(task_id, context_id, a, append, last_chunk, defects)
        }),
    }
}
