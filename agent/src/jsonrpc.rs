//! The JSON-RPC 2.0 binding for A2A 1.0 and 0.3 on one endpoint: the version is negotiated per
//! HTTP request (`A2A-Version`), then each call is dispatched by the method names of that version.
//!
//! JSON-RPC 2.0 to the letter: a parse error is -32700 with `id: null`; a value that is not a
//! request is -32600; an unknown method is -32601; bad params are -32602; a notification (no
//! `id` member) gets no response; string and number ids are echoed unchanged; batches are
//! supported for non-streaming methods.

use std::sync::Arc;

use axum::Extension;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::App;
use crate::auth::{self, Caller};
use crate::defects::{Defect, Defects};
use crate::errors::{A2aError, ErrorKind};
use crate::operations::{SendOutcome, StreamStart};
use crate::payload::{self, PayloadError};
use crate::sse::{self, Encoder};
use crate::task::{Owner, TaskView};
use crate::version::{self, ProtocolVersion};
use crate::wire::{v1, v03};

/// A response envelope.
fn envelope(id: &Value, body: (&str, Value)) -> Value {
    let mut o = Map::new();
    o.insert("jsonrpc".into(), "2.0".into());
    o.insert("id".into(), id.clone());
    o.insert(body.0.into(), body.1);
    Value::Object(o)
}

struct Ctx<'a> {
    app: &'a App,
    version: ProtocolVersion,
    defects: &'a Defects,
    caller: &'a Caller,
    /// Set when a call was refused for a missing scope: a lone call is then answered with HTTP
    /// 403 and its challenge.
    denied: std::sync::OnceLock<String>,
}

impl Ctx<'_> {
    fn error(&self, id: &Value, error: &A2aError) -> Value {
        let typed = self.version == ProtocolVersion::V1_0;
        envelope(id, ("error", error.to_jsonrpc(typed, self.defects)))
    }

    fn owner(&self, tenant: &str) -> Owner {
        Owner {
            tenant: tenant.to_owned(),
            principal: self.caller.principal.clone(),
        }
    }

    fn check_scope(&self, message: &crate::task::Message) -> Result<(), A2aError> {
        let r = self.app.check_scope(self.caller, message);
        if let Err(e) = &r
            && let Some(scope) = e.metadata.get("scope").and_then(Value::as_str)
        {
            let _ = self.denied.set(scope.to_owned());
        }
        r
    }

    fn echo_id(&self, id: &Value) -> Value {
        if self.defects.has(Defect::IntegerIdAsString) && (id.is_i64() || id.is_u64()) {
            return Value::String(id.to_string());
        }
        id.clone()
    }
}

/// The outcome of one call.
enum Reply {
    /// A response object.
    Json(Value),
    /// Nothing (a notification).
    Nothing,
    /// An SSE stream.
    Stream(Response),
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// `POST /jsonrpc`.
#[allow(clippy::too_many_lines)] // One linear pipeline: read, parse, negotiate, dispatch, answer.
pub async fn handle(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    uri: Uri,
    body: Body,
) -> Response {
    let defects = &app.agent.settings.defects;
    let limits = &app.agent.settings.config.limits;
    let null = Value::Null;
    // Errors found before the version is known are written the 1.0 way (typed details).
    let pre = Ctx {
        app: &app,
        version: ProtocolVersion::V1_0,
        defects,
        caller: &caller,
        denied: std::sync::OnceLock::new(),
    };
    let Ok(bytes) = payload::read(&headers, body, limits.max_body_bytes).await else {
        let e = A2aError::new(ErrorKind::PayloadTooLarge).with_message(format!(
            "request body exceeds {} bytes",
            limits.max_body_bytes
        ));
        return json_response(StatusCode::PAYLOAD_TOO_LARGE, &pre.error(&null, &e));
    };
    let request = match payload::parse(&bytes, limits.max_json_depth) {
        Ok(v) => v,
        Err(e) => {
            let (kind, message) = match e {
                PayloadError::InvalidUtf8 => (
                    ErrorKind::ParseError,
                    "request body is not valid UTF-8".to_owned(),
                ),
                PayloadError::Syntax(s) => (ErrorKind::ParseError, format!("invalid JSON: {s}")),
                PayloadError::TooDeep { limit } => (
                    if defects.has(Defect::InvalidRequestWrongCode) {
                        ErrorKind::ParseError
                    } else {
                        ErrorKind::InvalidRequest
                    },
                    format!("JSON nested deeper than {limit} levels"),
                ),
                PayloadError::TooLarge { .. } => (ErrorKind::PayloadTooLarge, String::new()),
            };
            let id = if kind == ErrorKind::ParseError && defects.has(Defect::ParseErrorWithId) {
                json!(0)
            } else {
                Value::Null
            };
            let err = A2aError::new(kind).with_message(message);
            return json_response(StatusCode::OK, &pre.error(&id, &err));
        }
    };
    let version = match version::negotiate(
        &headers,
        uri.query(),
        app.agent.settings.missing_version,
        &[ProtocolVersion::V0_3, ProtocolVersion::V1_0],
        defects,
    ) {
        Ok(v) => v,
        Err(e) => {
            let id = request
                .get("id")
                .filter(|id| valid_id(id))
                .cloned()
                .unwrap_or(Value::Null);
            return json_response(StatusCode::OK, &pre.error(&id, &e));
        }
    };
    let ctx = Ctx {
        app: &app,
        version,
        defects,
        caller: &caller,
        denied: std::sync::OnceLock::new(),
    };
    match request {
        Value::Array(calls) => {
            if calls.is_empty() || calls.len() > limits.max_batch {
                let e = A2aError::new(ErrorKind::InvalidRequest).with_message(format!(
                    "a batch must hold between 1 and {} requests",
                    limits.max_batch
                ));
                return json_response(StatusCode::OK, &ctx.error(&null, &e));
            }
            let mut responses = Vec::new();
            for call in &calls {
                match one(&ctx, call, true).await {
                    Reply::Json(v) => responses.push(v),
                    Reply::Nothing | Reply::Stream(_) => {}
                }
            }
            if responses.is_empty() {
                StatusCode::NO_CONTENT.into_response()
            } else {
                json_response(StatusCode::OK, &Value::Array(responses))
            }
        }
        call => match one(&ctx, &call, false).await {
            Reply::Json(v) => match ctx.denied.get() {
                Some(scope) => {
                    let (e, challenge) = auth::insufficient_scope(&app, scope);
                    auth::refusal(
                        &app,
                        &headers,
                        uri.path(),
                        uri.query(),
                        &e,
                        &v["id"],
                        challenge,
                    )
                }
                None => json_response(StatusCode::OK, &v),
            },
            Reply::Nothing => StatusCode::NO_CONTENT.into_response(),
            Reply::Stream(r) => r,
        },
    }
}

fn valid_id(id: &Value) -> bool {
    matches!(id, Value::String(_) | Value::Number(_) | Value::Null)
}

fn invalid_request(ctx: &Ctx<'_>, id: &Value, why: &str) -> Reply {
    let kind = if ctx.defects.has(Defect::InvalidRequestWrongCode) {
        ErrorKind::ParseError
    } else {
        ErrorKind::InvalidRequest
    };
    Reply::Json(ctx.error(id, &A2aError::new(kind).with_message(why)))
}

/// One call (alone or in a batch).
async fn one(ctx: &Ctx<'_>, call: &Value, in_batch: bool) -> Reply {
    let Value::Object(obj) = call else {
        return invalid_request(ctx, &Value::Null, "a request must be a JSON object");
    };
    let id = obj.get("id");
    let echo = id
        .filter(|v| valid_id(v))
        .map_or(Value::Null, |v| ctx.echo_id(v));
    if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return invalid_request(ctx, &echo, "jsonrpc must be \"2.0\"");
    }
    if id.is_some_and(|v| !valid_id(v)) {
        return invalid_request(ctx, &Value::Null, "id must be a string, a number or null");
    }
    let Some(method) = obj.get("method").and_then(Value::as_str) else {
        return invalid_request(ctx, &echo, "method must be a string");
    };
    let params = obj.get("params");
    match params {
        None | Some(Value::Object(_)) => {}
        Some(Value::Array(_)) => {
            let e = A2aError::invalid_params(
                "params",
                "must be an object (A2A takes named parameters)",
            );
            return respond_unless_notification(ctx, id.is_none(), &echo, Err(e));
        }
        Some(_) => return invalid_request(ctx, &echo, "params must be an object or an array"),
    }
    let notification = id.is_none();
    let outcome = dispatch(ctx, method, params, &echo, in_batch || notification).await;
    match outcome {
        Dispatched::Stream(_) if notification => Reply::Nothing,
        Dispatched::Stream(r) => Reply::Stream(r),
        Dispatched::Done(r) => respond_unless_notification(ctx, notification, &echo, r),
    }
}

fn respond_unless_notification(
    ctx: &Ctx<'_>,
    notification: bool,
    id: &Value,
    result: Result<Value, A2aError>,
) -> Reply {
    if notification {
        return Reply::Nothing;
    }
    match result {
        Ok(v) => Reply::Json(envelope(id, ("result", v))),
        Err(e) => Reply::Json(ctx.error(id, &e)),
    }
}

enum Dispatched {
    Done(Result<Value, A2aError>),
    Stream(Response),
}

const V1_METHODS: &[&str] = &[
    "SendMessage",
    "SendStreamingMessage",
    "GetTask",
    "ListTasks",
    "CancelTask",
    "SubscribeToTask",
    "CreateTaskPushNotificationConfig",
    "GetTaskPushNotificationConfig",
    "ListTaskPushNotificationConfigs",
    "DeleteTaskPushNotificationConfig",
    "GetExtendedAgentCard",
];

const V03_METHODS: &[&str] = &[
    "message/send",
    "message/stream",
    "tasks/get",
    "tasks/cancel",
    "tasks/resubscribe",
    "tasks/pushNotificationConfig/set",
    "tasks/pushNotificationConfig/get",
    "tasks/pushNotificationConfig/list",
    "tasks/pushNotificationConfig/delete",
    "agent/getAuthenticatedExtendedCard",
];

fn method_not_found(ctx: &Ctx<'_>, method: &str) -> A2aError {
    let shown: String = method.chars().take(64).collect();
    let hint = match ctx.version {
        ProtocolVersion::V1_0 if V03_METHODS.contains(&method) => {
            " (an A2A 0.3 method: send it without A2A-Version, or with A2A-Version: 0.3)"
        }
        ProtocolVersion::V0_3 if V1_METHODS.contains(&method) => {
            " (an A2A 1.0 method: send A2A-Version: 1.0)"
        }
        _ => "",
    };
    let kind = if ctx.defects.has(Defect::UnknownMethodWrongCode) {
        ErrorKind::InvalidRequest
    } else {
        ErrorKind::MethodNotFound
    };
    A2aError::new(kind).with_message(format!("method {shown:?} not found{hint}"))
}

fn stream(ctx: &Ctx<'_>, start: StreamStart, id: &Value) -> Response {
    let defects = ctx.defects.clone();
    let id = id.clone();
    let encode: Encoder = match ctx.version {
        ProtocolVersion::V1_0 => {
            Arc::new(move |item| envelope(&id, ("result", v1::stream_response(item, &defects))))
        }
        ProtocolVersion::V0_3 => {
            Arc::new(move |item| envelope(&id, ("result", v03::stream_result(item, &defects))))
        }
    };
    sse::respond(start, ctx.defects, encode)
}

async fn dispatch(
    ctx: &Ctx<'_>,
    method: &str,
    params: Option<&Value>,
    id: &Value,
    no_stream: bool,
) -> Dispatched {
    let streaming = matches!(
        method,
        "SendStreamingMessage" | "SubscribeToTask" | "message/stream" | "tasks/resubscribe"
    );
    if streaming && no_stream {
        return Dispatched::Done(Err(A2aError::new(ErrorKind::InvalidRequest)
            .with_message("streaming methods cannot be batched or sent as notifications")));
    }
    let result = match ctx.version {
        ProtocolVersion::V1_0 => dispatch_v1(ctx, method, params, id).await,
        ProtocolVersion::V0_3 => dispatch_v03(ctx, method, params, id).await,
    };
    match result {
        Ok(d) => d,
        Err(e) => Dispatched::Done(Err(e)),
    }
}

async fn dispatch_v1(
    ctx: &Ctx<'_>,
    method: &str,
    params: Option<&Value>,
    id: &Value,
) -> Result<Dispatched, A2aError> {
    let agent = &ctx.app.agent;
    let d = ctx.defects;
    let done = |v: Value| Ok(Dispatched::Done(Ok(v)));
    match method {
        "SendMessage" => {
            let req = v1::send_request(params, d)?;
            ctx.check_scope(&req.message)?;
            let outcome = agent.send(req.clone(), &ctx.owner(&req.tenant)).await?;
            let unwrap = d.has(Defect::SendResultUnwrapped);
            done(match outcome {
                SendOutcome::Task(t, view) if unwrap => v1::task(&t, view, d),
                SendOutcome::Message(m) if unwrap => v1::message(&m, d),
                SendOutcome::Task(t, view) => json!({ "task": v1::task(&t, view, d) }),
                SendOutcome::Message(m) => json!({ "message": v1::message(&m, d) }),
            })
        }
        "SendStreamingMessage" => {
            let req = v1::send_request(params, d)?;
            ctx.check_scope(&req.message)?;
            let start = agent.send_streaming(&req, &ctx.owner(&req.tenant)).await?;
            Ok(Dispatched::Stream(stream(ctx, start, id)))
        }
        "GetTask" => {
            let req = v1::get_request(params)?;
            let (t, view) = agent.get(&req, &ctx.owner(&req.tenant))?;
            done(v1::task(&t, view, d))
        }
        "ListTasks" => {
            let req = v1::list_request(params)?;
            let (page, view) = agent.list(&req, &ctx.owner(&req.tenant))?;
            done(v1::task_page(&page, req.query.page_size, view, d))
        }
        "CancelTask" => {
            let req = v1::task_ref(params)?;
            let t = agent.cancel(&req, &ctx.owner(&req.tenant))?;
            done(v1::task(&t, TaskView::FULL, d))
        }
        "SubscribeToTask" => {
            let req = v1::task_ref(params)?;
            let start = agent.subscribe(&req, &ctx.owner(&req.tenant), true)?;
            Ok(Dispatched::Stream(stream(ctx, start, id)))
        }
        "CreateTaskPushNotificationConfig" => {
            let req = v1::push_create(params)?;
            done(v1::push_config(
                &agent.create_push(&req, &ctx.owner(&req.tenant)).await?,
            ))
        }
        "GetTaskPushNotificationConfig" => {
            let req = v1::push_ref(params)?;
            done(v1::push_config(
                &agent.get_push(&req, &ctx.owner(&req.tenant))?,
            ))
        }
        "ListTaskPushNotificationConfigs" => {
            let req = v1::push_list(params)?;
            let page = agent.list_push(&req, &ctx.owner(&req.tenant))?;
            let configs: Vec<Value> = page.configs.iter().map(v1::push_config).collect();
            done(json!({ "configs": configs, "nextPageToken": page.next_page_token }))
        }
        "DeleteTaskPushNotificationConfig" => {
            let req = v1::push_ref(params)?;
            agent.delete_push(&req, &ctx.owner(&req.tenant))?;
            done(json!({}))
        }
        "GetExtendedAgentCard" => {
            v1::tenant_only(params)?;
            done(ctx.app.extended_card()?.json.clone())
        }
        _ => Err(method_not_found(ctx, method)),
    }
}

async fn dispatch_v03(
    ctx: &Ctx<'_>,
    method: &str,
    params: Option<&Value>,
    id: &Value,
) -> Result<Dispatched, A2aError> {
    let agent = &ctx.app.agent;
    let d = ctx.defects;
    let anyone = ctx.owner("");
    let done = |v: Value| Ok(Dispatched::Done(Ok(v)));
    match method {
        "message/send" => {
            let req = v03::send_request(params, d)?;
            ctx.check_scope(&req.message)?;
            done(match agent.send(req, &anyone).await? {
                SendOutcome::Task(t, view) => v03::task(&t, view, d),
                SendOutcome::Message(m) => v03::message(&m, d),
            })
        }
        "message/stream" => {
            let req = v03::send_request(params, d)?;
            ctx.check_scope(&req.message)?;
            let start = agent.send_streaming(&req, &anyone).await?;
            Ok(Dispatched::Stream(stream(ctx, start, id)))
        }
        "tasks/get" => {
            let req = v03::get_request(params)?;
            let (t, view) = agent.get(&req, &anyone)?;
            done(v03::task(&t, view, d))
        }
        "tasks/cancel" => {
            let req = v03::task_ref(params)?;
            done(v03::task(&agent.cancel(&req, &anyone)?, TaskView::FULL, d))
        }
        "tasks/resubscribe" => {
            let req = v03::task_ref(params)?;
            let start = agent.subscribe(&req, &anyone, false)?;
            Ok(Dispatched::Stream(stream(ctx, start, id)))
        }
        "tasks/pushNotificationConfig/set" => {
            let req = v03::push_create(params)?;
            done(v03::push_config(&agent.create_push(&req, &anyone).await?))
        }
        "tasks/pushNotificationConfig/get" => {
            let req = v03::push_ref(params, false)?;
            done(v03::push_config(&agent.get_push(&req, &anyone)?))
        }
        "tasks/pushNotificationConfig/list" => {
            let req = v03::push_list(params)?;
            let page = agent.list_push(&req, &anyone)?;
            done(page.configs.iter().map(v03::push_config).collect())
        }
        "tasks/pushNotificationConfig/delete" => {
            let req = v03::push_ref(params, true)?;
            agent.delete_push(&req, &anyone)?;
            done(Value::Null)
        }
        "agent/getAuthenticatedExtendedCard" => done(ctx.app.extended_card()?.json.clone()),
        _ => Err(method_not_found(ctx, method)),
    }
}
