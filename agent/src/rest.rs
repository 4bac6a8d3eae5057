//! The HTTP+JSON binding of A2A 1.0 (§11): every route of the proto's `google.api.http`
//! annotations, with and without the `/{tenant}` prefix. Bodies and responses are `ProtoJSON`;
//! errors are google.rpc.Status bodies carrying an `ErrorInfo`. Only 1.0 is served here, so a request
//! without `A2A-Version` (meaning 0.3) gets `VersionNotSupportedError`.
//!
//! Routing is done by hand: the custom verbs (`tasks/{id}:cancel`) and the optional tenant
//! segment do not fit a path-pattern router. When a path reads both ways, the form without a
//! tenant wins (`/tasks/tasks` is `GetTask` of the task `tasks`).

use std::sync::Arc;

use axum::Extension;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::App;
use crate::auth::{self, Caller};
use crate::errors::{A2aError, ErrorKind, ErrorTable};
use crate::operations::SendOutcome;
use crate::payload::{self, PayloadError};
use crate::sse::{self, Encoder};
use crate::task::{Owner, TaskView};
use crate::version::{self, ProtocolVersion};
use crate::wire::v1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Send,
    Stream,
    GetTask,
    ListTasks,
    Cancel,
    Subscribe,
    CreatePush,
    ListPush,
    GetPush,
    DeletePush,
    ExtendedCard,
}

#[derive(Debug)]
struct Route {
    op: Op,
    tenant: String,
    id: String,
    config_id: String,
}

/// A path that names a resource: the operations it allows, by method.
type Allowed = &'static [(Method, Op)];

fn shape(segments: &[String]) -> Option<(Allowed, String, String)> {
    const SEND: Allowed = &[(Method::POST, Op::Send)];
    const STREAM: Allowed = &[(Method::POST, Op::Stream)];
    const TASKS: Allowed = &[(Method::GET, Op::ListTasks)];
    const TASK: Allowed = &[(Method::GET, Op::GetTask)];
    const CANCEL: Allowed = &[(Method::POST, Op::Cancel)];
    // The spec text says POST, the proto says GET: both are served.
    const SUBSCRIBE: Allowed = &[(Method::GET, Op::Subscribe), (Method::POST, Op::Subscribe)];
    const CONFIGS: Allowed = &[(Method::POST, Op::CreatePush), (Method::GET, Op::ListPush)];
    const CONFIG: Allowed = &[(Method::GET, Op::GetPush), (Method::DELETE, Op::DeletePush)];
    const CARD: Allowed = &[(Method::GET, Op::ExtendedCard)];
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let none = String::new;
    match s.as_slice() {
        ["message:send"] => Some((SEND, none(), none())),
        ["message:stream"] => Some((STREAM, none(), none())),
        ["tasks"] => Some((TASKS, none(), none())),
        ["extendedAgentCard"] => Some((CARD, none(), none())),
        ["tasks", rest] => {
            if let Some(id) = rest.strip_suffix(":cancel").filter(|id| !id.is_empty()) {
                Some((CANCEL, id.to_owned(), none()))
            } else if let Some(id) = rest.strip_suffix(":subscribe").filter(|id| !id.is_empty()) {
                Some((SUBSCRIBE, id.to_owned(), none()))
            } else if rest.is_empty() {
                None
            } else {
                Some((TASK, (*rest).to_owned(), none()))
            }
        }
        ["tasks", id, "pushNotificationConfigs"] if !id.is_empty() => {
            Some((CONFIGS, (*id).to_owned(), none()))
        }
        ["tasks", id, "pushNotificationConfigs", cid] if !id.is_empty() && !cid.is_empty() => {
            Some((CONFIG, (*id).to_owned(), (*cid).to_owned()))
        }
        _ => None,
    }
}

/// Matches a path: without a tenant first, then with the first segment as the tenant.
fn route(method: &Method, path: &str) -> Result<Route, A2aError> {
    let segments: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let found = shape(&segments)
        .map(|(a, id, cid)| (a, String::new(), id, cid))
        .or_else(|| {
            let (tenant, rest) = segments.split_first()?;
            if tenant.is_empty() {
                return None;
            }
            shape(rest).map(|(a, id, cid)| (a, tenant.clone(), id, cid))
        });
    let Some((allowed, tenant, id, config_id)) = found else {
        return Err(A2aError::new(ErrorKind::RouteNotFound));
    };
    if let Some((_, op)) = allowed.iter().find(|(m, _)| m == method) {
        Ok(Route {
            op: *op,
            tenant,
            id,
            config_id,
        })
    } else {
        let names: Vec<&str> = allowed.iter().map(|(m, _)| m.as_str()).collect();
        Err(A2aError::new(ErrorKind::MethodNotAllowed)
            .with_message(format!("this route allows {}", names.join(", "))))
    }
}

/// The REST content type of the configured revision.
pub fn content_type(app: &App) -> &'static str {
    match app.agent.settings.error_table {
        ErrorTable::V1_0_1 => "application/a2a+json",
        ErrorTable::V1_0_0 => "application/json",
    }
}

fn ok(app: &App, body: &Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, content_type(app))],
        body.to_string(),
    )
        .into_response()
}

/// An error as an HTTP+JSON response.
pub fn error_response(app: &App, e: &A2aError) -> Response {
    let (status, body) = e.to_rest(app.agent.settings.error_table, &app.agent.settings.defects);
    let mut response = (
        status,
        [(header::CONTENT_TYPE, content_type(app))],
        body.to_string(),
    )
        .into_response();
    if e.kind == ErrorKind::MethodNotAllowed
        && let Some(allow) = e.message.strip_prefix("this route allows ")
        && let Ok(v) = HeaderValue::from_str(allow)
    {
        response.headers_mut().insert(header::ALLOW, v);
    }
    response
}

/// An error response; a 403 also carries its `WWW-Authenticate` challenge.
fn auth_aware_error(app: &App, headers: &HeaderMap, uri: &Uri, e: &A2aError) -> Response {
    if e.kind == ErrorKind::PermissionDenied {
        let scope = e
            .metadata
            .get("scope")
            .and_then(Value::as_str)
            .unwrap_or("");
        let (_, challenge) = auth::insufficient_scope(app, scope);
        return auth::refusal(
            app,
            headers,
            uri.path(),
            uri.query(),
            e,
            &Value::Null,
            challenge,
        );
    }
    error_response(app, e)
}

/// The query string as a JSON object of strings (the last of repeated names wins).
fn query_object(uri: &Uri) -> Map<String, Value> {
    let mut out = Map::new();
    for pair in uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(&s.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        };
        out.insert(decode(name), Value::String(decode(value)));
    }
    out
}

/// Any route that is not the card or the JSON-RPC endpoint.
pub async fn handle(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match serve(&app, &caller, &method, &uri, &headers, body).await {
        Ok(r) => r,
        Err(e) => auth_aware_error(&app, &headers, &uri, &e),
    }
}

async fn read_body(
    app: &App,
    headers: &HeaderMap,
    body: Body,
) -> Result<Map<String, Value>, A2aError> {
    let limits = &app.agent.settings.config.limits;
    let bytes = payload::read(headers, body, limits.max_body_bytes)
        .await
        .map_err(|_| {
            A2aError::new(ErrorKind::PayloadTooLarge).with_message(format!(
                "request body exceeds {} bytes",
                limits.max_body_bytes
            ))
        })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match payload::parse(&bytes, limits.max_json_depth) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(A2aError::invalid_params(
            "",
            "the request body must be a JSON object",
        )),
        Err(PayloadError::InvalidUtf8) => {
            Err(A2aError::new(ErrorKind::ParseError)
                .with_message("request body is not valid UTF-8"))
        }
        Err(PayloadError::Syntax(s)) => {
            Err(A2aError::new(ErrorKind::ParseError).with_message(format!("invalid JSON: {s}")))
        }
        Err(PayloadError::TooDeep { limit }) => Err(A2aError::new(ErrorKind::InvalidRequest)
            .with_message(format!("JSON nested deeper than {limit} levels"))),
        Err(PayloadError::TooLarge { .. }) => Err(A2aError::new(ErrorKind::PayloadTooLarge)),
    }
}

async fn serve(
    app: &App,
    caller: &Caller,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, A2aError> {
    let route = route(method, uri.path())?;
    let defects = &app.agent.settings.defects;
    version::negotiate(
        headers,
        uri.query(),
        app.agent.settings.missing_version,
        &[ProtocolVersion::V1_0],
        defects,
    )?;
    let agent = &app.agent;
    let owner = Owner {
        tenant: route.tenant.clone(),
        principal: caller.principal.clone(),
    };
    // GET and DELETE take their parameters from the path and query (§11.5); POST from the body.
    let mut params = if *method == Method::POST {
        read_body(app, headers, body).await?
    } else {
        query_object(uri)
    };
    params.insert("tenant".into(), Value::String(route.tenant.clone()));
    let id_field = match route.op {
        Op::CreatePush | Op::ListPush | Op::GetPush | Op::DeletePush => "taskId",
        _ => "id",
    };
    if !route.id.is_empty() {
        let from_body = params
            .get(id_field)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        if from_body.is_some_and(|b| b != route.id) {
            return Err(A2aError::invalid_params(
                id_field,
                "differs from the task id in the path",
            ));
        }
        params.insert(id_field.into(), Value::String(route.id.clone()));
    }
    if !route.config_id.is_empty() {
        params.insert("id".into(), Value::String(route.config_id.clone()));
    }
    let params = Value::Object(params);
    let p = Some(&params);
    let stream_encoder = || -> Encoder {
        let d = defects.clone();
        Arc::new(move |item| v1::stream_response(item, &d))
    };
    let body = match route.op {
        Op::Send => {
            let req = v1::send_request(p, defects)?;
            app.check_scope(caller, &req.message)?;
            match agent.send(req, &owner).await? {
                SendOutcome::Task(t, view) => json!({ "task": v1::task(&t, view, defects) }),
                SendOutcome::Message(m) => json!({ "message": v1::message(&m, defects) }),
            }
        }
        Op::Stream => {
            let req = v1::send_request(p, defects)?;
            app.check_scope(caller, &req.message)?;
            let start = agent.send_streaming(&req, &owner).await?;
            return Ok(sse::respond(start, defects, stream_encoder()));
        }
        Op::GetTask => {
            let (t, view) = agent.get(&v1::get_request(p)?, &owner)?;
            v1::task(&t, view, defects)
        }
        Op::ListTasks => {
            let req = v1::list_request(p)?;
            let (page, view) = agent.list(&req, &owner)?;
            v1::task_page(&page, req.query.page_size, view, defects)
        }
        Op::Cancel => v1::task(
            &agent.cancel(&v1::task_ref(p)?, &owner)?,
            TaskView::FULL,
            defects,
        ),
        Op::Subscribe => {
            let start = agent.subscribe(&v1::task_ref(p)?, &owner, true)?;
            return Ok(sse::respond(start, defects, stream_encoder()));
        }
        Op::CreatePush => v1::push_config(&agent.create_push(&v1::push_create(p)?, &owner).await?),
        Op::GetPush => v1::push_config(&agent.get_push(&v1::push_ref(p)?, &owner)?),
        Op::ListPush => {
            let page = agent.list_push(&v1::push_list(p)?, &owner)?;
            let configs: Vec<Value> = page.configs.iter().map(v1::push_config).collect();
            json!({ "configs": configs, "nextPageToken": page.next_page_token })
        }
        Op::DeletePush => {
            agent.delete_push(&v1::push_ref(p)?, &owner)?;
            json!({})
        }
        Op::ExtendedCard => app.extended_card()?.json.clone(),
    };
    Ok(ok(app, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_with_and_without_a_tenant() {
        let r = route(&Method::POST, "/tasks/t-1:cancel").unwrap();
        assert_eq!(
            (r.op, r.tenant.as_str(), r.id.as_str()),
            (Op::Cancel, "", "t-1")
        );
        let r = route(&Method::GET, "/acme/tasks/t-1").unwrap();
        assert_eq!(
            (r.op, r.tenant.as_str(), r.id.as_str()),
            (Op::GetTask, "acme", "t-1")
        );
        let r = route(&Method::DELETE, "/acme/tasks/t/pushNotificationConfigs/c").unwrap();
        assert_eq!((r.op, r.config_id.as_str()), (Op::DeletePush, "c"));
        let r = route(&Method::GET, "/tasks/tasks").unwrap();
        assert_eq!((r.op, r.tenant.as_str()), (Op::GetTask, ""));
        let r = route(&Method::GET, "/tasks/t%3Asubscribe").unwrap();
        assert_eq!(r.op, Op::Subscribe);
        assert_eq!(
            route(&Method::GET, "/message:send").unwrap_err().kind,
            ErrorKind::MethodNotAllowed
        );
        assert_eq!(
            route(&Method::GET, "/nope").unwrap_err().kind,
            ErrorKind::RouteNotFound
        );
        assert_eq!(
            route(&Method::GET, "/").unwrap_err().kind,
            ErrorKind::RouteNotFound
        );
    }
}
