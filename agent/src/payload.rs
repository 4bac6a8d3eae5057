//! Request bodies under hostile input: a size limit (413), a nesting limit checked before the
//! parser recurses, and invalid UTF-8 reported as a parse error. None of these ever becomes a
//! 5xx. The Content-Type of a request is not enforced: a body is read as JSON whatever it is
//! labelled (clients such as `curl -d` label JSON as a form).

use axum::body::Body;
use axum::http::{HeaderMap, header};
use serde_json::Value;

/// Why a body could not be read as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadError {
    /// Larger than the limit (or the connection broke while reading it).
    TooLarge { limit: usize },
    /// Not UTF-8.
    InvalidUtf8,
    /// Nested deeper than the limit.
    TooDeep { limit: usize },
    /// Not JSON.
    Syntax(String),
}

/// Reads the whole body, refusing more than `limit` bytes.
pub async fn read(headers: &HeaderMap, body: Body, limit: usize) -> Result<Vec<u8>, PayloadError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(PayloadError::TooLarge { limit });
    }
    axum::body::to_bytes(body, limit)
        .await
        .map(|b| b.to_vec())
        .map_err(|_| PayloadError::TooLarge { limit })
}

/// Whether the JSON text nests arrays and objects at most `limit` deep. Brackets inside strings
/// do not count; the text need not be valid JSON (the parser judges that afterwards).
pub fn depth_within(bytes: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return false;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

/// Parses a body as JSON within the nesting limit.
pub fn parse(bytes: &[u8], max_depth: usize) -> Result<Value, PayloadError> {
    let text = std::str::from_utf8(bytes).map_err(|_| PayloadError::InvalidUtf8)?;
    if !depth_within(bytes, max_depth) {
        return Err(PayloadError::TooDeep { limit: max_depth });
    }
    serde_json::from_str(text).map_err(|e| PayloadError::Syntax(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_ignores_brackets_in_strings() {
        assert!(depth_within(br#"{"a":"[[[[[[[[[[["}"#, 2));
        assert!(!depth_within(b"[[[1]]]", 2));
        assert!(depth_within(b"[[1]]", 2));
        assert!(depth_within(br#"["\"[[[["]"#, 1));
    }

    #[test]
    fn parse_reports_each_failure() {
        assert_eq!(parse(b"\xff", 8), Err(PayloadError::InvalidUtf8));
        assert!(matches!(parse(b"{bad", 8), Err(PayloadError::Syntax(_))));
        assert_eq!(
            parse(b"[[[[]]]]", 3),
            Err(PayloadError::TooDeep { limit: 3 })
        );
        assert!(parse(br#"{"ok":true}"#, 3).is_ok());
    }
}
