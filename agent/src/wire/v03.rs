//! A2A 0.3 JSON (the 0.3.0 JSON Schema): `kind` discriminators, lower-case kebab states,
//! `user`/`agent` roles, `file`/`data` part shapes and `final` on status updates.

use serde_json::{Map, Value, json};

use super::{Obj, decode_bytes, encode_bytes, limit_history, message_id_and_parts};
use crate::defects::{Defect, Defects};
use crate::errors::A2aError;
use crate::operations::{GetRequest, PushCreate, PushList, PushRef, SendRequest, TaskRef};
use crate::task::{
    Artifact, ArtifactsShown, Message, Part, PartContent, PushAuthentication, PushConfig, Role,
    Task, TaskState, TaskStatus, TaskView,
};
use crate::timestamp;

/// The 0.3 name of a state.
pub fn state_name(state: TaskState) -> &'static str {
    match state {
        TaskState::Submitted => "submitted",
        TaskState::Working => "working",
        TaskState::InputRequired => "input-required",
        TaskState::AuthRequired => "auth-required",
        TaskState::Completed => "completed",
        TaskState::Failed => "failed",
        TaskState::Canceled => "canceled",
        TaskState::Rejected => "rejected",
    }
}

fn kind(obj: &mut Map<String, Value>, kind: &str, defects: &Defects) {
    if !defects.has(Defect::V03KindMissing) {
        obj.insert("kind".into(), kind.into());
    }
}

/// This version's `Message`/`Artifact` differences.
const V03: super::Dialect = super::Dialect {
    roles: ["user", "agent"],
    part,
    kind,
};

// ---------------------------------------------------------------- encoding

/// A 0.3 part (`text`, `file` or `data`).
pub fn part(p: &Part) -> Value {
    let mut o = Map::new();
    match &p.content {
        PartContent::Text(t) => {
            o.insert("kind".into(), "text".into());
            o.insert("text".into(), t.clone().into());
        }
        PartContent::Raw(_) | PartContent::Url(_) => {
            let mut file = Map::new();
            match &p.content {
                PartContent::Raw(b) => file.insert("bytes".into(), encode_bytes(b).into()),
                PartContent::Url(u) => file.insert("uri".into(), u.clone().into()),
                _ => None,
            };
            if let Some(n) = &p.filename {
                file.insert("name".into(), n.clone().into());
            }
            if let Some(t) = &p.media_type {
                file.insert("mimeType".into(), t.clone().into());
            }
            o.insert("kind".into(), "file".into());
            o.insert("file".into(), Value::Object(file));
        }
        PartContent::Data(d) => {
            o.insert("kind".into(), "data".into());
            // 0.3 data parts hold an object; any other JSON value is wrapped.
            let data = if d.is_object() {
                d.clone()
            } else {
                json!({ "value": d })
            };
            o.insert("data".into(), data);
        }
    }
    if let Some(m) = &p.metadata {
        o.insert("metadata".into(), Value::Object(m.clone()));
    }
    Value::Object(o)
}

/// A 0.3 `Message`.
pub fn message(m: &Message, defects: &Defects) -> Value {
    super::message(m, defects, &V03)
}

/// A 0.3 `Artifact`.
pub fn artifact(a: &Artifact) -> Value {
    super::artifact(a, &V03)
}

/// A 0.3 `TaskStatus`.
pub fn status(s: &TaskStatus, defects: &Defects) -> Value {
    let mut o = Map::new();
    o.insert("state".into(), state_name(s.state).into());
    if let Some(m) = &s.message {
        o.insert("message".into(), message(m, defects));
    }
    let ts = if defects.has(Defect::TimestampsWithOffset) {
        timestamp::format_with_offset(s.timestamp)
    } else {
        timestamp::format_utc(s.timestamp)
    };
    o.insert("timestamp".into(), ts.into());
    Value::Object(o)
}

/// A 0.3 `Task`.
pub fn task(t: &Task, view: TaskView, defects: &Defects) -> Value {
    let mut o = Map::new();
    kind(&mut o, "task", defects);
    o.insert("id".into(), t.id.clone().into());
    o.insert("contextId".into(), t.context_id.clone().into());
    o.insert("status".into(), status(&t.status, defects));
    if view.artifacts != ArtifactsShown::Omit && !t.artifacts.is_empty() {
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

/// A 0.3 `TaskStatusUpdateEvent`; `final` is true at a terminal or interrupted state.
pub fn status_update(task_id: &str, context_id: &str, s: &TaskStatus, defects: &Defects) -> Value {
    let mut o = Map::new();
    o.insert("kind".into(), "status-update".into());
    o.insert("taskId".into(), task_id.into());
    o.insert("contextId".into(), context_id.into());
    o.insert("status".into(), status(s, defects));
    if !defects.has(Defect::V03StatusWithoutFinal) {
        let last = s.state.is_terminal() || s.state.is_interrupted();
        o.insert("final".into(), last.into());
    }
    Value::Object(o)
}

/// A 0.3 `TaskArtifactUpdateEvent`.
pub fn artifact_update(
    task_id: &str,
    context_id: &str,
    a: &Artifact,
    append: bool,
    last_chunk: bool,
) -> Value {
    let mut o = Map::new();
    o.insert("kind".into(), "artifact-update".into());
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

/// A 0.3 `TaskPushNotificationConfig`.
pub fn push_config(c: &PushConfig) -> Value {
    let mut inner = Map::new();
    inner.insert("id".into(), c.id.clone().into());
    inner.insert("url".into(), c.url.clone().into());
    if let Some(t) = &c.token {
        inner.insert("token".into(), t.clone().into());
    }
    if let Some(a) = &c.authentication {
        let mut auth = Map::new();
        auth.insert("schemes".into(), json!(a.schemes));
        if let Some(cred) = &a.credentials {
            auth.insert("credentials".into(), cred.clone().into());
        }
        inner.insert("authentication".into(), Value::Object(auth));
    }
    json!({ "taskId": c.task_id, "pushNotificationConfig": Value::Object(inner) })
}

// ---------------------------------------------------------------- decoding

fn check_kind(obj: &Obj<'_>, expected: &str) -> Result<(), A2aError> {
    match obj.string("kind")? {
        None => Ok(()),
        Some(k) if k == expected => Ok(()),
        Some(_) => Err(A2aError::invalid_params(
            obj.path_of("kind"),
            format!("must be \"{expected}\""),
        )),
    }
}

fn decode_part(value: &Value, path: &str) -> Result<Part, A2aError> {
    let obj = Obj::new(Some(value), path)?;
    let kind = match obj.string("kind")? {
        Some(k) => k,
        // Inferred from the content when a client leaves `kind` out.
        None if obj.get("text").is_some() => "text".into(),
        None if obj.get("file").is_some() => "file".into(),
        None if obj.get("data").is_some() => "data".into(),
        None => return Err(A2aError::invalid_params(obj.path_of("kind"), "is required")),
    };
    let metadata = obj.structure("metadata")?;
    let (content, filename, media_type) = match kind.as_str() {
        "text" => {
            let text = obj
                .string("text")?
                .ok_or_else(|| A2aError::invalid_params(obj.path_of("text"), "is required"))?;
            (PartContent::Text(text), None, None)
        }
        "file" => {
            let file_path = obj.path_of("file");
            if obj.get("file").is_none() {
                return Err(A2aError::invalid_params(file_path, "is required"));
            }
            let file = Obj::new(obj.get("file"), &file_path)?;
            let content = match (file.string("bytes")?, file.string("uri")?) {
                (Some(b), None) => PartContent::Raw(decode_bytes(&b).ok_or_else(|| {
                    A2aError::invalid_params(file.path_of("bytes"), "must be base64")
                })?),
                (None, Some(u)) => PartContent::Url(u),
                _ => {
                    return Err(A2aError::invalid_params(
                        file_path,
                        "must hold exactly one of bytes, uri",
                    ));
                }
            };
            (
                content,
                file.non_empty("name")?,
                file.non_empty("mimeType")?,
            )
        }
        "data" => {
            let data = obj.structure("data")?.ok_or_else(|| {
                A2aError::invalid_params(obj.path_of("data"), "is required (an object)")
            })?;
            (PartContent::Data(Value::Object(data)), None, None)
        }
        _ => {
            return Err(A2aError::invalid_params(
                obj.path_of("kind"),
                "must be text, file or data",
            ));
        }
    };
    Ok(Part {
        content,
        metadata,
        filename,
        media_type,
    })
}

/// Reads a 0.3 `Message` sent by a client.
pub fn decode_message(
    value: Option<&Value>,
    path: &str,
    defects: &Defects,
) -> Result<Message, A2aError> {
    if value.is_none_or(Value::is_null) {
        return Err(A2aError::invalid_params(path, "is required"));
    }
    let obj = Obj::new(value, path)?;
    check_kind(&obj, "message")?;
    let (message_id, parts) = message_id_and_parts(&obj, defects)?;
    let role = match obj.string("role")?.as_deref() {
        Some("user") => Role::User,
        Some("agent") => Role::Agent,
        // `invalid-params-accepted`: a missing role is taken for the user's.
        None if defects.has(Defect::InvalidParamsAccepted) => Role::User,
        None => return Err(A2aError::invalid_params(obj.path_of("role"), "is required")),
        Some(_) => {
            return Err(A2aError::invalid_params(
                obj.path_of("role"),
                "must be \"user\" or \"agent\"",
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

/// 0.3 history length: absent or 0 means the whole history (0.3 proto), N the N most recent.
fn history_length(obj: &Obj<'_>) -> Result<Option<usize>, A2aError> {
    Ok(super::history_length(obj)?.filter(|n| *n > 0))
}

fn decode_push(obj: &Obj<'_>, task_id: String) -> Result<PushConfig, A2aError> {
    let url = obj.required("url")?;
    let authentication = match obj.get("authentication") {
        None => None,
        Some(v) => {
            let path = obj.path_of("authentication");
            let a = Obj::new(Some(v), &path)?;
            let schemes = a.strings("schemes")?;
            if schemes.is_empty() {
                return Err(A2aError::invalid_params(
                    a.path_of("schemes"),
                    "must name at least one scheme",
                ));
            }
            Some(PushAuthentication {
                schemes,
                credentials: a.non_empty("credentials")?,
            })
        }
    };
    Ok(PushConfig {
        id: obj.non_empty("id")?.unwrap_or_default(),
        task_id,
        url,
        token: obj.non_empty("token")?,
        authentication,
        v03: true,
    })
}

/// `MessageSendParams`.
pub fn send_request(params: Option<&Value>, defects: &Defects) -> Result<SendRequest, A2aError> {
    let obj = Obj::new(params, "params")?;
    let message = decode_message(obj.get("message"), &obj.path_of("message"), defects)?;
    let config_path = obj.path_of("configuration");
    let config = Obj::new(obj.get("configuration"), &config_path)?;
    let push = match config.get("pushNotificationConfig") {
        None => None,
        Some(v) => {
            let path = config.path_of("pushNotificationConfig");
            Some(decode_push(&Obj::new(Some(v), &path)?, String::new())?)
        }
    };
    Ok(SendRequest {
        tenant: String::new(),
        message,
        history_limit: history_length(&config)?,
        return_immediately: !config.bool("blocking")?.unwrap_or(true),
        push,
        accepted_output_modes: config.strings("acceptedOutputModes")?,
    })
}

/// `TaskQueryParams`.
pub fn get_request(params: Option<&Value>) -> Result<GetRequest, A2aError> {
    let obj = Obj::new(params, "params")?;
    Ok(GetRequest {
        tenant: String::new(),
        id: obj.required("id")?,
        history_limit: history_length(&obj)?,
    })
}

/// `TaskIdParams`.
pub fn task_ref(params: Option<&Value>) -> Result<TaskRef, A2aError> {
    let obj = Obj::new(params, "params")?;
    obj.structure("metadata")?;
    Ok(TaskRef {
        tenant: String::new(),
        id: obj.required("id")?,
    })
}

/// `TaskPushNotificationConfig` (the set request).
pub fn push_create(params: Option<&Value>) -> Result<PushCreate, A2aError> {
    let obj = Obj::new(params, "params")?;
    let task_id = obj.required("taskId")?;
    let path = obj.path_of("pushNotificationConfig");
    if obj.get("pushNotificationConfig").is_none() {
        return Err(A2aError::invalid_params(path, "is required"));
    }
    let inner = Obj::new(obj.get("pushNotificationConfig"), &path)?;
    Ok(PushCreate {
        tenant: String::new(),
        config: decode_push(&inner, task_id)?,
    })
}

/// `GetTaskPushNotificationConfigParams` (the config id is optional: without it, the task's
/// first configuration) and `DeleteTaskPushNotificationConfigParams` (`require_config_id`).
pub fn push_ref(params: Option<&Value>, require_config_id: bool) -> Result<PushRef, A2aError> {
    let obj = Obj::new(params, "params")?;
    let id = if require_config_id {
        obj.required("pushNotificationConfigId")?
    } else {
        obj.non_empty("pushNotificationConfigId")?
            .unwrap_or_default()
    };
    Ok(PushRef {
        tenant: String::new(),
        task_id: obj.required("id")?,
        id,
    })
}

/// `ListTaskPushNotificationConfigParams`.
pub fn push_list(params: Option<&Value>) -> Result<PushList, A2aError> {
    let obj = Obj::new(params, "params")?;
    Ok(PushList {
        tenant: String::new(),
        task_id: obj.required("id")?,
        page_size: None,
        page_token: None,
    })
}

/// The `result` of one 0.3 stream event: a Task, Message, status-update or artifact-update,
/// discriminated by `kind`.
pub fn stream_result(item: crate::sse::StreamItem<'_>, defects: &Defects) -> Value {
    use crate::sse::StreamItem;
    match item {
        StreamItem::Task(t, view) => task(t, view, defects),
        StreamItem::Message(m) => message(m, defects),
        StreamItem::Status {
            task_id,
            context_id,
            status: s,
        } => status_update(task_id, context_id, s, defects),
        StreamItem::Artifact {
            task_id,
            context_id,
            artifact: a,
            append,
            last_chunk,
        } => artifact_update(task_id, context_id, a, append, last_chunk),
    }
}
