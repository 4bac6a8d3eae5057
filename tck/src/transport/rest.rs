//! The HTTP+JSON (REST) binding: routes per version (DIGEST §1.1).

use std::fmt::Write as _;

use crate::scenario::Family;
use crate::target::Target;
use crate::transport::http::HttpRequest;
use crate::transport::jsonrpc::Operation;

/// The method and path (relative to the interface URL) of an operation. `task` and `config`
/// fill the path parameters; they are percent-encoded here.
pub fn route(
    op: Operation,
    family: Family,
    task: &str,
    config: &str,
) -> Option<(&'static str, String)> {
    let prefix = match family {
        Family::V0_3 => "/v1",
        Family::V1_0 => "",
    };
    let task = encode(task);
    let config = encode(config);
    let (method, path) = match op {
        Operation::SendMessage => ("POST", "/message:send".to_owned()),
        Operation::SendStreamingMessage => ("POST", "/message:stream".to_owned()),
        Operation::GetTask => ("GET", format!("/tasks/{task}")),
        Operation::ListTasks if family == Family::V1_0 => ("GET", "/tasks".to_owned()),
        Operation::ListTasks => return None,
        Operation::CancelTask => ("POST", format!("/tasks/{task}:cancel")),
        Operation::SubscribeToTask => ("POST", format!("/tasks/{task}:subscribe")),
        Operation::CreatePushConfig => ("POST", format!("/tasks/{task}/pushNotificationConfigs")),
        Operation::GetPushConfig => (
            "GET",
            format!("/tasks/{task}/pushNotificationConfigs/{config}"),
        ),
        Operation::ListPushConfigs => ("GET", format!("/tasks/{task}/pushNotificationConfigs")),
        Operation::DeletePushConfig => (
            "DELETE",
            format!("/tasks/{task}/pushNotificationConfigs/{config}"),
        ),
        Operation::GetExtendedCard => match family {
            Family::V0_3 => ("GET", "/card".to_owned()),
            Family::V1_0 => ("GET", "/extendedAgentCard".to_owned()),
        },
    };
    Some((method, format!("{prefix}{path}")))
}

/// An HTTP request for `op` on the target, with the tenant prefix (1.0) and service headers.
pub fn http_request(
    target: &Target,
    op: Operation,
    task: &str,
    config: &str,
    body: Option<Vec<u8>>,
) -> Option<HttpRequest> {
    let (method, path) = route(op, target.version.family(), task, config)?;
    let base = target.url.trim_end_matches('/');
    let url = match &target.tenant {
        Some(tenant) if target.version.family() == Family::V1_0 => {
            format!("{base}/{}{path}", encode(tenant))
        }
        _ => format!("{base}{path}"),
    };
    let content_type = match target.version {
        crate::scenario::ProtocolVersion::V1_0 => "application/a2a+json",
        _ => "application/json",
    };
    let mut request = match body {
        Some(body) => HttpRequest::post(url, content_type, body),
        None => HttpRequest::get(url),
    };
    method.clone_into(&mut request.method);
    request.headers.extend(target.service_headers());
    Some(request)
}

/// Percent-encodes a path segment (RFC 3986 unreserved characters kept).
pub fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_drop_v1_prefix_in_1_0() {
        assert_eq!(
            route(Operation::GetTask, Family::V0_3, "t 1", ""),
            Some(("GET", "/v1/tasks/t%201".to_owned()))
        );
        assert_eq!(
            route(Operation::CancelTask, Family::V1_0, "t", ""),
            Some(("POST", "/tasks/t:cancel".to_owned()))
        );
        assert_eq!(route(Operation::ListTasks, Family::V0_3, "", ""), None);
    }
}
