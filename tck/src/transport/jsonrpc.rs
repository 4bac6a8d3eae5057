//! The JSON-RPC 2.0 binding: method names per version, request envelopes, and the envelope
//! rules every response must follow.

use serde_json::{Value, json};

use crate::scenario::Family;
use crate::target::Target;
use crate::transport::http::HttpRequest;
use crate::verdict::Failure;

/// An A2A operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Send a message.
    SendMessage,
    /// Send a message and stream the answer.
    SendStreamingMessage,
    /// Get a task.
    GetTask,
    /// List tasks (1.0 only).
    ListTasks,
    /// Cancel a task.
    CancelTask,
    /// Subscribe to a task's updates.
    SubscribeToTask,
    /// Create a push configuration.
    CreatePushConfig,
    /// Get a push configuration.
    GetPushConfig,
    /// List push configurations.
    ListPushConfigs,
    /// Delete a push configuration.
    DeletePushConfig,
    /// Get the authenticated extended card.
    GetExtendedCard,
}

impl Operation {
    /// The JSON-RPC method name in a version (DIGEST §1.1); `None` where the version lacks it.
    pub fn method(self, family: Family) -> Option<&'static str> {
        Some(match (self, family) {
            (Self::SendMessage, Family::V0_3) => "message/send",
            (Self::SendStreamingMessage, Family::V0_3) => "message/stream",
            (Self::GetTask, Family::V0_3) => "tasks/get",
            (Self::ListTasks, Family::V0_3) => return None,
            (Self::CancelTask, Family::V0_3) => "tasks/cancel",
            (Self::SubscribeToTask, Family::V0_3) => "tasks/resubscribe",
            (Self::CreatePushConfig, Family::V0_3) => "tasks/pushNotificationConfig/set",
            (Self::GetPushConfig, Family::V0_3) => "tasks/pushNotificationConfig/get",
            (Self::ListPushConfigs, Family::V0_3) => "tasks/pushNotificationConfig/list",
            (Self::DeletePushConfig, Family::V0_3) => "tasks/pushNotificationConfig/delete",
            (Self::GetExtendedCard, Family::V0_3) => "agent/getAuthenticatedExtendedCard",
            (Self::SendMessage, Family::V1_0) => "SendMessage",
            (Self::SendStreamingMessage, Family::V1_0) => "SendStreamingMessage",
            (Self::GetTask, Family::V1_0) => "GetTask",
            (Self::ListTasks, Family::V1_0) => "ListTasks",
            (Self::CancelTask, Family::V1_0) => "CancelTask",
            (Self::SubscribeToTask, Family::V1_0) => "SubscribeToTask",
            (Self::CreatePushConfig, Family::V1_0) => "CreateTaskPushNotificationConfig",
            (Self::GetPushConfig, Family::V1_0) => "GetTaskPushNotificationConfig",
            (Self::ListPushConfigs, Family::V1_0) => "ListTaskPushNotificationConfigs",
            (Self::DeletePushConfig, Family::V1_0) => "DeleteTaskPushNotificationConfig",
            (Self::GetExtendedCard, Family::V1_0) => "GetExtendedAgentCard",
        })
    }
}

/// Standard JSON-RPC error codes.
pub mod codes {
    /// Invalid JSON.
    pub const PARSE_ERROR: i64 = -32700;
    /// Not a valid request object.
    pub const INVALID_REQUEST: i64 = -32600;
    /// Unknown method.
    pub const METHOD_NOT_FOUND: i64 = -32601;
    /// Invalid parameters.
    pub const INVALID_PARAMS: i64 = -32602;
    /// Task not found.
    pub const TASK_NOT_FOUND: i64 = -32001;
}

/// A request envelope.
pub fn envelope(id: &Value, method: &str, params: &Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

/// An HTTP request carrying `body` to the target's JSON-RPC URL with the version's service
/// headers.
pub fn http_request(target: &Target, body: impl Into<Vec<u8>>) -> HttpRequest {
    let mut request = HttpRequest::post(target.url.clone(), "application/json", body);
    request.headers.extend(target.service_headers());
    request
}

/// The envelope rules of a response to a request with `request_id` (`None` when the request id
/// could not be read, as for a parse error, which requires `id: null`).
pub fn envelope_failures(response: &Value, request_id: Option<&Value>) -> Vec<Failure> {
    let mut failures = Vec::new();
    let Some(object) = response.as_object() else {
        return vec![
            Failure::new("JSON-RPC response is not an object")
                .expected("an object")
                .actual(json_type(response))
                .at(""),
        ];
    };
    if object.get("jsonrpc") != Some(&Value::from("2.0")) {
        failures.push(
            Failure::new("`jsonrpc` is not \"2.0\"")
                .expected("\"2.0\"")
                .actual(show(object.get("jsonrpc")))
                .at("/jsonrpc"),
        );
    }
    let expected_id = request_id.cloned().unwrap_or(Value::Null);
    match object.get("id") {
        Some(id) if *id == expected_id => {}
        other => failures.push(
            Failure::new("response `id` does not match the request")
                .expected(expected_id.to_string())
                .actual(show(other))
                .at("/id"),
        ),
    }
    match (object.get("result"), object.get("error")) {
        (Some(_), None) => {}
        (None, Some(error)) => failures.extend(error_object_failures(error)),
        (Some(_), Some(_)) => failures.push(
            Failure::new("response has both `result` and `error`")
                .expected("exactly one of them")
                .at(""),
        ),
        (None, None) => failures.push(
            Failure::new("response has neither `result` nor `error`")
                .expected("exactly one of them")
                .at(""),
        ),
    }
    failures
}

fn error_object_failures(error: &Value) -> Vec<Failure> {
    let mut failures = Vec::new();
    if !error.get("code").is_some_and(Value::is_i64) {
        failures.push(
            Failure::new("`error.code` is not an integer")
                .actual(show(error.get("code")))
                .at("/error/code"),
        );
    }
    if !error.get("message").is_some_and(Value::is_string) {
        failures.push(
            Failure::new("`error.message` is not a string")
                .actual(show(error.get("message")))
                .at("/error/message"),
        );
    }
    failures
}

/// The `error.code` of a response, if it is an error response.
pub fn error_code(response: &Value) -> Option<i64> {
    response.get("error")?.get("code")?.as_i64()
}

/// A short rendering of an optional JSON value for findings.
pub fn show(value: Option<&Value>) -> String {
    match value {
        None => "absent".to_owned(),
        Some(v) => {
            let text = v.to_string();
            if text.len() > 120 {
                let mut cut = 120;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                format!("{}…", &text[..cut])
            } else {
                text
            }
        }
    }
}

/// The JSON type name of a value.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_follow_the_version() {
        assert_eq!(
            Operation::SendMessage.method(Family::V0_3),
            Some("message/send")
        );
        assert_eq!(
            Operation::SendMessage.method(Family::V1_0),
            Some("SendMessage")
        );
        assert_eq!(
            Operation::ListPushConfigs.method(Family::V1_0),
            Some("ListTaskPushNotificationConfigs")
        );
        assert_eq!(Operation::ListTasks.method(Family::V0_3), None);
    }

    #[test]
    fn parse_error_needs_null_id() {
        let ok = json!({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad"}});
        assert!(envelope_failures(&ok, None).is_empty());
        let bad = json!({"jsonrpc":"2.0","id":1,"error":{"code":-32700,"message":"bad"}});
        let failures = envelope_failures(&bad, None);
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].pointer.as_deref(), Some("/id"));
    }

    #[test]
    fn flags_result_and_error_together_and_bad_error_object() {
        let bad = json!({"jsonrpc":"1.0","id":"a","result":{},"error":{"code":"x"}});
        let failures = envelope_failures(&bad, Some(&json!("a")));
        let pointers: Vec<_> = failures
            .iter()
            .filter_map(|f| f.pointer.as_deref())
            .collect();
        assert_eq!(pointers, ["/jsonrpc", ""]);
        let bad = json!({"jsonrpc":"2.0","id":"a","error":{"code":"x"}});
        assert_eq!(envelope_failures(&bad, Some(&json!("a"))).len(), 2);
    }
}
