//! One A2A operation over the selected binding: the JSON-RPC envelope or the HTTP+JSON route,
//! the version's service headers, the interface's tenant, and the answer split into result or
//! error. Responses stay raw JSON (`serde_json::Value`): the kit judges the wire, it does not
//! decode it through its own types.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

use crate::check::HarnessError;
use crate::context::Context;
use crate::scenario::{Binding, Family};
use crate::target::Target;
use crate::transport::http::{HttpRequest, HttpResponse};
use crate::transport::jsonrpc::{self, Operation};
use crate::transport::rest;

/// The answer to one operation.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP exchange (status, headers, raw body, SSE events).
    pub http: HttpResponse,
    /// The body as JSON, when it is.
    pub body: Option<Value>,
    /// The JSON-RPC request id sent (JSON-RPC only).
    pub request_id: Option<Value>,
    /// The result: JSON-RPC `result`, or a 2xx REST body.
    pub result: Option<Value>,
    /// The error: JSON-RPC `error`, or the REST error body (`error` member, or the whole body).
    pub error: Option<Value>,
}

impl Answer {
    /// The error code: JSON-RPC `error.code`, or the REST `error.code`/HTTP status.
    pub fn error_code(&self) -> Option<i64> {
        self.error.as_ref()?.get("code")?.as_i64()
    }
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// `params` with the interface's tenant (1.0, when the interface declares one and the caller
/// did not set it: A2A 1.0 §8.3.2 rule 4).
pub fn with_tenant(target: &Target, mut params: Value) -> Value {
    if let (Some(tenant), Family::V1_0, Some(object)) = (
        &target.tenant,
        target.version.family(),
        params.as_object_mut(),
    ) {
        object
            .entry("tenant")
            .or_insert_with(|| Value::from(tenant.clone()));
    }
    params
}

fn text<'a>(params: &'a Value, name: &str) -> &'a str {
    params.get(name).and_then(Value::as_str).unwrap_or("")
}

/// The REST path parameters of an operation, from its request message.
fn path_ids(op: Operation, family: Family, params: &Value) -> (String, String) {
    let push = matches!(
        op,
        Operation::CreatePushConfig
            | Operation::GetPushConfig
            | Operation::ListPushConfigs
            | Operation::DeletePushConfig
    );
    match (push, family) {
        (true, Family::V1_0) => (
            text(params, "taskId").to_owned(),
            text(params, "id").to_owned(),
        ),
        (true, Family::V0_3) => (
            text(params, "id").to_owned() + text(params, "taskId"),
            text(params, "pushNotificationConfigId").to_owned(),
        ),
        (false, _) => (text(params, "id").to_owned(), String::new()),
    }
}

/// The query string of a GET/DELETE: every scalar member of `params` except the path ones and
/// the tenant, in camelCase as sent, percent-encoded (A2A 1.0 §11.5).
fn query(params: &Value, skip: &[&str]) -> String {
    let mut out = String::new();
    if let Some(object) = params.as_object() {
        for (name, value) in object {
            if skip.contains(&name.as_str()) {
                continue;
            }
            let value = match value {
                Value::String(s) => s.clone(),
                Value::Bool(_) | Value::Number(_) => value.to_string(),
                _ => continue,
            };
            let _ = write!(
                out,
                "{}{}={}",
                if out.is_empty() { '?' } else { '&' },
                rest::encode(name),
                rest::encode(&value)
            );
        }
    }
    out
}

/// Builds the HTTP request of an operation on the target.
pub fn request(
    target: &Target,
    op: Operation,
    params: &Value,
) -> Result<(HttpRequest, Option<Value>), HarnessError> {
    let family = target.version.family();
    let params = with_tenant(target, params.clone());
    match target.binding {
        Binding::JsonRpc => {
            let method = op.method(family).ok_or_else(|| {
                HarnessError(format!("{op:?} does not exist in A2A {}", target.version))
            })?;
            let id = Value::from(format!("tck-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed)));
            let body = jsonrpc::envelope(&id, method, &params);
            let bytes = serde_json::to_vec(&body).map_err(|e| HarnessError(e.to_string()))?;
            Ok((jsonrpc::http_request(target, bytes), Some(id)))
        }
        Binding::HttpJson => {
            let (task, config) = path_ids(op, family, &params);
            let (method, _) = rest::route(op, family, &task, &config).ok_or_else(|| {
                HarnessError(format!(
                    "{op:?} has no HTTP+JSON route in A2A {}",
                    target.version
                ))
            })?;
            let body = (method == "POST").then(|| serde_json::to_vec(&params).unwrap_or_default());
            let mut request = rest::http_request(target, op, &task, &config, body)
                .ok_or_else(|| HarnessError(format!("{op:?} has no HTTP+JSON route")))?;
            if method != "POST" {
                request.url.push_str(&query(
                    &params,
                    &["id", "taskId", "tenant", "pushNotificationConfigId"],
                ));
            }
            Ok((request, None))
        }
    }
}

fn answer(target: &Target, http: HttpResponse, request_id: Option<Value>) -> Answer {
    let body = http.json().ok();
    let (result, error) = match (target.binding, &body) {
        (Binding::JsonRpc, Some(b)) => (b.get("result").cloned(), b.get("error").cloned()),
        (Binding::HttpJson, Some(b)) if (200..300).contains(&http.status) => {
            (Some(b.clone()), None)
        }
        (Binding::HttpJson, Some(b)) => (
            None,
            Some(b.get("error").cloned().unwrap_or_else(|| b.clone())),
        ),
        (Binding::HttpJson, None) if !(200..300).contains(&http.status) => {
            (None, Some(json!({"code": http.status})))
        }
        _ => (None, None),
    };
    Answer {
        http,
        body,
        request_id,
        result,
        error,
    }
}

/// Calls `op` with its request message `params` (`ProtoJSON` for 1.0, the 0.3 params object).
pub async fn call(cx: &Context, op: Operation, params: &Value) -> Result<Answer, HarnessError> {
    call_on(cx, cx.target()?, op, params).await
}

/// Calls `op` on another interface than the selected one (interface probes).
pub async fn call_on(
    cx: &Context,
    target: &Target,
    op: Operation,
    params: &Value,
) -> Result<Answer, HarnessError> {
    let (request, id) = request(target, op, params)?;
    let http = cx.send(request).await?;
    Ok(answer(target, http, id))
}

/// Calls `op` on `target` after `edit` has adjusted the request (the security scenarios send
/// no, foreign or forged credentials this way).
pub async fn call_with(
    cx: &Context,
    target: &Target,
    op: Operation,
    params: &Value,
    edit: impl FnOnce(&mut HttpRequest),
) -> Result<Answer, HarnessError> {
    let (mut request, id) = request(target, op, params)?;
    edit(&mut request);
    let http = cx.send(request).await?;
    Ok(answer(target, http, id))
}

/// Calls a streaming operation; the answer's `http.events` holds the SSE events (an error may
/// also come as a plain JSON body, which both versions allow).
///
/// HTTP+JSON `SubscribeToTask` is `POST` in the spec text and `GET` in the proto annotations
/// (DIGEST §12.1): the kit sends `POST` and, on 405, retries with `GET`; both exchanges are
/// recorded.
pub async fn call_streaming(
    cx: &Context,
    op: Operation,
    params: &Value,
) -> Result<Answer, HarnessError> {
    let target = cx.target()?;
    let (mut request, id) = request(target, op, params)?;
    request
        .headers
        .push(("Accept".into(), "text/event-stream".into()));
    let retry_as_get = (target.binding == Binding::HttpJson && op == Operation::SubscribeToTask)
        .then(|| {
            let mut get = request.clone();
            "GET".clone_into(&mut get.method);
            get.body.clear();
            get.headers
                .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
            get
        });
    let mut http = cx.stream(request).await?;
    if let (405, Some(get)) = (http.status, retry_as_get) {
        http = cx.stream(get).await?;
    }
    Ok(answer(target, http, id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ProtocolVersion;

    fn target(binding: Binding, version: ProtocolVersion, tenant: Option<&str>) -> Target {
        Target {
            version,
            binding,
            url: "http://127.0.0.1:9/a2a".into(),
            tenant: tenant.map(str::to_owned),
            extensions: vec![],
        }
    }

    #[test]
    fn jsonrpc_request_carries_method_version_header_and_tenant() {
        let t = target(Binding::JsonRpc, ProtocolVersion::V1_0, Some("acme"));
        let (req, id) = request(&t, Operation::GetTask, &json!({"id": "t-1"})).unwrap();
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        assert_eq!(body["method"], "GetTask");
        assert_eq!(body["params"], json!({"id": "t-1", "tenant": "acme"}));
        assert_eq!(Some(&body["id"]), id.as_ref());
        assert!(req.headers.contains(&("A2A-Version".into(), "1.0".into())));
        assert_eq!(req.url, "http://127.0.0.1:9/a2a");
    }

    #[test]
    fn rest_request_routes_with_tenant_prefix_and_query() {
        let t = target(Binding::HttpJson, ProtocolVersion::V1_0, Some("acme"));
        let (req, id) = request(
            &t,
            Operation::GetTask,
            &json!({"id": "t 1", "historyLength": 2}),
        )
        .unwrap();
        assert_eq!(id, None);
        assert_eq!(req.method, "GET");
        assert_eq!(
            req.url,
            "http://127.0.0.1:9/a2a/acme/tasks/t%201?historyLength=2"
        );
        let t = target(Binding::HttpJson, ProtocolVersion::V0_3, None);
        let (req, _) = request(&t, Operation::CancelTask, &json!({"id": "t"})).unwrap();
        assert_eq!(
            (req.method.as_str(), req.url.as_str()),
            ("POST", "http://127.0.0.1:9/a2a/v1/tasks/t:cancel")
        );
        let t = target(Binding::HttpJson, ProtocolVersion::V1_0, None);
        let (req, _) = request(
            &t,
            Operation::DeletePushConfig,
            &json!({"taskId": "t", "id": "c"}),
        )
        .unwrap();
        assert_eq!(
            (req.method.as_str(), req.url.as_str()),
            (
                "DELETE",
                "http://127.0.0.1:9/a2a/tasks/t/pushNotificationConfigs/c"
            )
        );
    }

    #[test]
    fn operations_missing_from_a_version_are_harness_errors() {
        let t = target(Binding::JsonRpc, ProtocolVersion::V0_3, None);
        assert!(request(&t, Operation::ListTasks, &json!({})).is_err());
    }
}
