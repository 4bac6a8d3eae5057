//! Every error the agent can answer with, in one declarative table: the A2A error, its JSON-RPC
//! code, its HTTP status and google.rpc code under the 1.0.0 and the 1.0.1 mapping (A2A 1.0
//! §5.4), and the `google.rpc.ErrorInfo` reason (§9.5, §11.6).
//!
//! The JSON-RPC binding renders an error as `{code, message, data}` where, for A2A 1.0, `data` is
//! an array of `@type`d details (an `ErrorInfo` for A2A errors, a `BadRequest` naming the offending
//! field for invalid parameters). The HTTP+JSON binding renders it as a google.rpc.Status body
//! `{"error": {code, status, message, details}}`.

use std::fmt;

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::defects::{Defect, Defects};

/// The `domain` of every A2A `ErrorInfo`.
pub const A2A_DOMAIN: &str = "a2a-protocol.org";
/// The `domain` of `ErrorInfo` for this agent's own (non-A2A) errors.
pub const AGENT_DOMAIN: &str = "a2a-reference-agent";
const ERROR_INFO: &str = "type.googleapis.com/google.rpc.ErrorInfo";
const BAD_REQUEST: &str = "type.googleapis.com/google.rpc.BadRequest";

/// Which revision of the 1.0 error mapping the agent follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorTable {
    /// A2A 1.0.0: 409 for `TaskNotCancelable`, 415 for `ContentTypeNotSupported`, 502 for
    /// `InvalidAgentResponse`, UNIMPLEMENTED for the unsupported-feature errors.
    V1_0_0,
    /// A2A 1.0.1 (the default): google.rpc-consistent statuses.
    #[default]
    V1_0_1,
}

/// The kinds of error, A2A-defined first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    TaskNotFound,
    TaskNotCancelable,
    PushNotificationNotSupported,
    UnsupportedOperation,
    ContentTypeNotSupported,
    InvalidAgentResponse,
    ExtendedAgentCardNotConfigured,
    ExtensionSupportRequired,
    VersionNotSupported,
    ParseError,
    InvalidRequest,
    MethodNotFound,
    InvalidParams,
    Internal,
    /// The task store is at its bound (this agent's own error).
    TaskStoreFull,
    /// The request body exceeds the agent's limit (HTTP only).
    PayloadTooLarge,
    /// No such HTTP+JSON route.
    RouteNotFound,
    /// The route exists but not with this HTTP method.
    MethodNotAllowed,
    /// Missing or invalid credentials (HTTP 401; JSON-RPC -32000, a server error A2A leaves
    /// unassigned, since A2A 1.0 §3.3.2 names no code).
    Unauthenticated,
    /// Valid credentials without the scope an operation needs (HTTP 403; JSON-RPC -32000).
    PermissionDenied,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct ErrorRow {
    pub kind: ErrorKind,
    /// JSON-RPC `error.code`.
    pub jsonrpc: i32,
    /// HTTP status under 1.0.0 and 1.0.1.
    pub http: [u16; 2],
    /// google.rpc code name under 1.0.0 and 1.0.1.
    pub grpc: [&'static str; 2],
    /// `ErrorInfo` `reason` (A2A errors and the agent's own); `None` for generic errors.
    pub reason: Option<&'static str>,
    /// Whether the reason belongs to the A2A domain.
    pub a2a: bool,
    /// The default message (the 0.3 schema's wording for A2A errors).
    pub message: &'static str,
}

macro_rules! row {
    ($kind:ident, $rpc:expr, [$h0:expr, $h1:expr], [$g0:literal, $g1:literal], $reason:expr, $a2a:expr, $msg:literal) => {
        ErrorRow {
            kind: ErrorKind::$kind,
            jsonrpc: $rpc,
            http: [$h0, $h1],
            grpc: [$g0, $g1],
            reason: $reason,
            a2a: $a2a,
            message: $msg,
        }
    };
}

/// The table (A2A 1.0 §5.4; JSON-RPC 2.0 §5.1; DIGEST §2).
#[rustfmt::skip]
pub const TABLE: &[ErrorRow] = &[
    row!(TaskNotFound, -32001, [404, 404], ["NOT_FOUND", "NOT_FOUND"], Some("TASK_NOT_FOUND"), true, "Task not found"),
    row!(TaskNotCancelable, -32002, [409, 400], ["FAILED_PRECONDITION", "FAILED_PRECONDITION"], Some("TASK_NOT_CANCELABLE"), true, "Task cannot be canceled"),
    row!(PushNotificationNotSupported, -32003, [400, 400], ["UNIMPLEMENTED", "FAILED_PRECONDITION"], Some("PUSH_NOTIFICATION_NOT_SUPPORTED"), true, "Push Notification is not supported"),
    row!(UnsupportedOperation, -32004, [400, 400], ["UNIMPLEMENTED", "FAILED_PRECONDITION"], Some("UNSUPPORTED_OPERATION"), true, "This operation is not supported"),
    row!(ContentTypeNotSupported, -32005, [415, 400], ["INVALID_ARGUMENT", "INVALID_ARGUMENT"], Some("CONTENT_TYPE_NOT_SUPPORTED"), true, "Incompatible content types"),
    row!(InvalidAgentResponse, -32006, [502, 500], ["INTERNAL", "INTERNAL"], Some("INVALID_AGENT_RESPONSE"), true, "Invalid agent response"),
    row!(ExtendedAgentCardNotConfigured, -32007, [400, 400], ["FAILED_PRECONDITION", "FAILED_PRECONDITION"], Some("EXTENDED_AGENT_CARD_NOT_CONFIGURED"), true, "Extended agent card is not configured"),
    row!(ExtensionSupportRequired, -32008, [400, 400], ["FAILED_PRECONDITION", "FAILED_PRECONDITION"], Some("EXTENSION_SUPPORT_REQUIRED"), true, "A required extension was not activated"),
    row!(VersionNotSupported, -32009, [400, 400], ["UNIMPLEMENTED", "FAILED_PRECONDITION"], Some("VERSION_NOT_SUPPORTED"), true, "Protocol version not supported"),
    row!(ParseError, -32700, [400, 400], ["INVALID_ARGUMENT", "INVALID_ARGUMENT"], None, false, "Invalid JSON payload"),
    row!(InvalidRequest, -32600, [400, 400], ["INVALID_ARGUMENT", "INVALID_ARGUMENT"], None, false, "Request payload validation error"),
    row!(MethodNotFound, -32601, [404, 404], ["UNIMPLEMENTED", "UNIMPLEMENTED"], None, false, "Method not found"),
    row!(InvalidParams, -32602, [400, 400], ["INVALID_ARGUMENT", "INVALID_ARGUMENT"], None, false, "Invalid parameters"),
    row!(Internal, -32603, [500, 500], ["INTERNAL", "INTERNAL"], None, false, "Internal error"),
    row!(TaskStoreFull, -32603, [429, 429], ["RESOURCE_EXHAUSTED", "RESOURCE_EXHAUSTED"], Some("TASK_STORE_FULL"), false, "The task store is full"),
    row!(PayloadTooLarge, -32600, [413, 413], ["INVALID_ARGUMENT", "INVALID_ARGUMENT"], Some("PAYLOAD_TOO_LARGE"), false, "Request body too large"),
    row!(RouteNotFound, -32601, [404, 404], ["NOT_FOUND", "NOT_FOUND"], None, false, "No such route"),
    row!(MethodNotAllowed, -32601, [405, 405], ["UNIMPLEMENTED", "UNIMPLEMENTED"], None, false, "Method not allowed on this route"),
    row!(Unauthenticated, -32000, [401, 401], ["UNAUTHENTICATED", "UNAUTHENTICATED"], Some("UNAUTHENTICATED"), false, "Authentication required"),
    row!(PermissionDenied, -32000, [403, 403], ["PERMISSION_DENIED", "PERMISSION_DENIED"], Some("PERMISSION_DENIED"), false, "Permission denied"),
];

impl ErrorKind {
    /// This kind's row of [`TABLE`].
    pub fn row(self) -> &'static ErrorRow {
        // Every kind has exactly one row: `every_kind_has_one_row` checks it.
        TABLE.iter().find(|r| r.kind == self).unwrap_or(&TABLE[13])
    }
}

/// An error to answer with.
#[derive(Debug, Clone, PartialEq)]
pub struct A2aError {
    pub kind: ErrorKind,
    pub message: String,
    /// `ErrorInfo` metadata (e.g. `taskId`).
    pub metadata: Map<String, Value>,
    /// The offending request field, for a `BadRequest` detail.
    pub field: Option<String>,
}

impl A2aError {
    /// An error of `kind` with its default message.
    pub fn new(kind: ErrorKind) -> Self {
        Self {
            kind,
            message: kind.row().message.to_owned(),
            metadata: Map::new(),
            field: None,
        }
    }

    /// Replaces the message.
    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Adds `ErrorInfo` metadata.
    #[must_use]
    pub fn with_meta(mut self, key: &str, value: impl Into<String>) -> Self {
        self.metadata
            .insert(key.to_owned(), Value::String(value.into()));
        self
    }

    /// `TaskNotFoundError` for `id`.
    pub fn task_not_found(id: &str) -> Self {
        Self::new(ErrorKind::TaskNotFound).with_meta("taskId", id)
    }

    /// Invalid parameters, naming the field.
    pub fn invalid_params(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let message = message.into();
        Self {
            kind: ErrorKind::InvalidParams,
            message: if field.is_empty() {
                message
            } else {
                format!("{field}: {message}")
            },
            metadata: Map::new(),
            field: Some(field).filter(|f| !f.is_empty()),
        }
    }

    /// The kind as it is reported (a deliberate defect may misreport `TaskNotFound`).
    fn reported_kind(&self, defects: &Defects) -> ErrorKind {
        if self.kind == ErrorKind::TaskNotFound && defects.has(Defect::UnknownTaskWrongCode) {
            ErrorKind::InvalidParams
        } else {
            self.kind
        }
    }

    fn details(&self, row: &ErrorRow, typed: bool) -> Vec<Value> {
        let mut details = Vec::new();
        if let Some(reason) = row.reason {
            let mut info = Map::new();
            if typed {
                info.insert("@type".into(), ERROR_INFO.into());
            }
            info.insert("reason".into(), reason.into());
            info.insert(
                "domain".into(),
                if row.a2a { A2A_DOMAIN } else { AGENT_DOMAIN }.into(),
            );
            if !self.metadata.is_empty() {
                info.insert("metadata".into(), Value::Object(self.metadata.clone()));
            }
            details.push(Value::Object(info));
        }
        if let (ErrorKind::InvalidParams, Some(field)) = (row.kind, &self.field) {
            let mut bad = Map::new();
            if typed {
                bad.insert("@type".into(), BAD_REQUEST.into());
            }
            bad.insert(
                "fieldViolations".into(),
                json!([{ "field": field, "description": self.message }]),
            );
            details.push(Value::Object(bad));
        }
        details
    }

    /// The JSON-RPC `error` object. `typed_details` is true for A2A 1.0 (an array of `@type`d
    /// details in `data`); A2A 0.3 gets no `data`.
    pub fn to_jsonrpc(&self, typed_details: bool, defects: &Defects) -> Value {
        let row = self.reported_kind(defects).row();
        let mut error = Map::new();
        error.insert("code".into(), row.jsonrpc.into());
        error.insert("message".into(), self.message.clone().into());
        if typed_details {
            let details = self.details(row, !defects.has(Defect::ErrorDataWithoutType));
            if !details.is_empty() {
                error.insert("data".into(), Value::Array(details));
            }
        }
        Value::Object(error)
    }

    /// The HTTP status and google.rpc.Status body for the HTTP+JSON binding.
    pub fn to_rest(&self, table: ErrorTable, defects: &Defects) -> (StatusCode, Value) {
        let row = self.reported_kind(defects).row();
        let i = usize::from(table == ErrorTable::V1_0_1);
        let status = StatusCode::from_u16(row.http[i]).unwrap_or(StatusCode::BAD_REQUEST);
        let mut details = self.details(row, true);
        if defects.has(Defect::RestErrorWithoutErrorInfo) {
            details.retain(|d| d.get("@type").and_then(Value::as_str) != Some(ERROR_INFO));
        }
        let body = json!({
            "error": {
                "code": row.http[i],
                "status": row.grpc[i],
                "message": self.message,
                "details": details,
            }
        });
        (status, body)
    }
}

impl fmt::Display for A2aError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for A2aError {}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: [ErrorKind; 20] = [
        ErrorKind::TaskNotFound,
        ErrorKind::TaskNotCancelable,
        ErrorKind::PushNotificationNotSupported,
        ErrorKind::UnsupportedOperation,
        ErrorKind::ContentTypeNotSupported,
        ErrorKind::InvalidAgentResponse,
        ErrorKind::ExtendedAgentCardNotConfigured,
        ErrorKind::ExtensionSupportRequired,
        ErrorKind::VersionNotSupported,
        ErrorKind::ParseError,
        ErrorKind::InvalidRequest,
        ErrorKind::MethodNotFound,
        ErrorKind::InvalidParams,
        ErrorKind::Internal,
        ErrorKind::TaskStoreFull,
        ErrorKind::PayloadTooLarge,
        ErrorKind::RouteNotFound,
        ErrorKind::MethodNotAllowed,
        ErrorKind::Unauthenticated,
        ErrorKind::PermissionDenied,
    ];

    #[test]
    fn every_kind_has_one_row() {
        assert_eq!(TABLE.len(), KINDS.len());
        for kind in KINDS {
            assert_eq!(TABLE.iter().filter(|r| r.kind == kind).count(), 1);
            assert_eq!(kind.row().kind, kind);
        }
    }

    #[test]
    fn the_two_revisions_differ_where_the_spec_changed() {
        let nc = ErrorKind::TaskNotCancelable.row();
        assert_eq!(nc.http, [409, 400]);
        let v = ErrorKind::VersionNotSupported.row();
        assert_eq!(v.grpc, ["UNIMPLEMENTED", "FAILED_PRECONDITION"]);
    }

    #[test]
    fn rest_errors_carry_error_info() {
        let (status, body) =
            A2aError::task_not_found("t-1").to_rest(ErrorTable::V1_0_1, &Defects::none());
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["status"], "NOT_FOUND");
        assert_eq!(body["error"]["details"][0]["reason"], "TASK_NOT_FOUND");
        assert_eq!(body["error"]["details"][0]["domain"], A2A_DOMAIN);
        assert_eq!(body["error"]["details"][0]["metadata"]["taskId"], "t-1");
    }
}
