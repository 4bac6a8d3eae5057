//! Judgement of the hostile-input scenarios: what the agent must answer to malformed, huge,
//! deeply nested and non-UTF-8 requests.

use serde_json::Value;

use crate::check::{BoxFuture, HarnessError};
use crate::context::Context;
use crate::scenario::Binding;
use crate::transport::http::{BodyError, HttpRequest, HttpResponse, TransportError};
use crate::transport::jsonrpc::{self, Operation, codes};
use crate::transport::rest;
use crate::verdict::{Failure, Outcome};

/// Truncated JSON.
pub const MALFORMED: &[u8] = br#"{"jsonrpc": "2.0", "id": 1, "method": "#;

/// The size of the oversized body.
pub const OVERSIZED_BYTES: usize = 8 * 1024 * 1024;

/// The nesting depth of the deep document.
pub const NESTING: usize = 10_000;

/// A request whose `params` nest `depth` arrays.
pub fn nested(depth: usize) -> Vec<u8> {
    let mut body = br#"{"jsonrpc":"2.0","id":1,"method":"x","params":{"deep":"#.to_vec();
    body.extend(std::iter::repeat_n(b'[', depth));
    body.extend(std::iter::repeat_n(b']', depth));
    body.extend_from_slice(b"}}");
    body
}

/// A request with invalid UTF-8 inside a JSON string.
pub fn invalid_utf8() -> Vec<u8> {
    let mut body = br#"{"jsonrpc":"2.0","id":1,"method":"x","params":{"text":""#.to_vec();
    body.extend_from_slice(&[0xC3, 0x28, 0xFF, 0xFE]);
    body.extend_from_slice(br#""}}"#);
    body
}

/// A body of `size` bytes that is a syntactically open JSON string.
pub fn oversized(size: usize) -> Vec<u8> {
    let mut body = br#"{"jsonrpc":"2.0","id":1,"method":"x","params":{"pad":""#.to_vec();
    body.resize(size, b'a');
    body.extend_from_slice(br#""}}"#);
    body
}

/// The raw POST of `body` to the target's send endpoint (JSON-RPC URL or `message:send`).
fn raw_post(cx: &Context, body: Vec<u8>) -> Result<HttpRequest, HarnessError> {
    let target = cx.target()?;
    match target.binding {
        Binding::JsonRpc => Ok(jsonrpc::http_request(target, body)),
        Binding::HttpJson => rest::http_request(target, Operation::SendMessage, "", "", Some(body))
            .ok_or_else(|| HarnessError("no send route".into())),
    }
}

/// How a hostile body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sending {
    /// The ordinary exchange: the whole request, then the response.
    Whole,
    /// The response read while the body is written ([`crate::transport::upload`]), for a body
    /// the agent may refuse (413) and stop reading before its end.
    Upload,
}

/// Sends; a connection the agent drops (or resets) with no answer is evidence against it, not a
/// harness error.
async fn send_hostile(
    cx: &Context,
    body: Vec<u8>,
) -> Result<Result<HttpResponse, Failure>, HarnessError> {
    send_hostile_as(cx, body, Sending::Whole).await
}

async fn send_hostile_as(
    cx: &Context,
    body: Vec<u8>,
    sending: Sending,
) -> Result<Result<HttpResponse, Failure>, HarnessError> {
    let request = raw_post(cx, body)?;
    let answer = match sending {
        Sending::Whole => cx.client.send(request, &cx.recorder).await,
        Sending::Upload => cx.client.upload(request, &cx.recorder).await,
    };
    match answer {
        Ok(r) => Ok(Ok(r)),
        Err(TransportError::Io(e) | TransportError::Connect(e)) => {
            let exchange = cx
                .recorder
                .exchanges()
                .last()
                .map(|x| x.id.clone())
                .unwrap_or_default();
            Ok(Err(Failure::new("the agent dropped the connection")
                .expected("an error response")
                .actual(e)
                .in_exchange(&exchange)))
        }
        Err(e) => Err(e.into()),
    }
}

/// The answer is an error (HTTP 4xx, or a JSON-RPC error envelope), never 5xx or a result.
fn error_answer_failure(response: &HttpResponse, binding: Binding) -> Option<Failure> {
    let fail = |m: &str, actual: String| {
        Some(
            Failure::new(m.to_owned())
                .expected("HTTP 4xx or a JSON-RPC error response")
                .actual(actual)
                .in_exchange(&response.exchange),
        )
    };
    if response.status >= 500 {
        return fail(
            "the agent answered with a server error",
            format!("HTTP {}", response.status),
        );
    }
    if (400..500).contains(&response.status) {
        return None;
    }
    match (binding, response.json()) {
        (Binding::JsonRpc, Ok(v)) if jsonrpc::error_code(&v).is_some() => None,
        (_, Ok(v)) if v.get("error").is_some() => None,
        (_, _) => fail(
            "the agent did not answer with an error",
            format!(
                "HTTP {} {}",
                response.status,
                jsonrpc::show(response.json().ok().as_ref())
            ),
        ),
    }
}

/// SEC-INPUT-01: malformed JSON → -32700 with `id: null` (JSON-RPC), HTTP 200 or 400.
pub fn malformed_json(cx: &Context) -> BoxFuture<'_, Result<Outcome, HarnessError>> {
    Box::pin(async move {
        let binding = cx.target()?.binding;
        let response = match send_hostile(cx, MALFORMED.to_vec()).await? {
            Ok(r) => r,
            Err(f) => return Ok(Outcome::Fail(vec![f])),
        };
        judgeable(&response)?;
        let x = response.exchange.clone();
        let mut failures = Vec::new();
        if binding == Binding::HttpJson {
            if response.status != 400 {
                failures.push(
                    Failure::new("malformed JSON is not answered with 400")
                        .expected("HTTP 400")
                        .actual(format!("HTTP {}", response.status))
                        .in_exchange(&x),
                );
            }
            return Ok(Outcome::from_failures(failures));
        }
        if response.status != 200 && response.status != 400 {
            failures.push(
                Failure::new("malformed JSON is not answered with HTTP 200 or 400")
                    .expected("HTTP 200 or 400")
                    .actual(format!("HTTP {}", response.status))
                    .in_exchange(&x),
            );
        }
        match response.json() {
            Ok(v) => {
                failures.extend(
                    jsonrpc::envelope_failures(&v, None)
                        .into_iter()
                        .map(|f| f.in_exchange(&x)),
                );
                let code = jsonrpc::error_code(&v);
                if code != Some(codes::PARSE_ERROR) {
                    failures.push(
                        Failure::new("malformed JSON is not a parse error")
                            .expected(codes::PARSE_ERROR.to_string())
                            .actual(code.map_or_else(|| "no error code".into(), |c| c.to_string()))
                            .at("/error/code")
                            .in_exchange(&x),
                    );
                }
            }
            Err(e) => failures.push(
                Failure::new("the answer is not a JSON-RPC response")
                    .expected("a JSON-RPC error response")
                    .actual(HarnessError::from(e).0)
                    .in_exchange(&x),
            ),
        }
        Ok(Outcome::from_failures(failures))
    })
}

/// SEC-INPUT-02: an 8 MiB body → 413 or an error, never 5xx. An agent may answer 413 and close
/// before it has read the body (RFC 9110 §15.5.14): the answer is read while the body is sent,
/// and judged even when the upload is cut short. A connection closed with no answer at all is
/// a finding ("the agent dropped the connection"; a warning at this SHOULD level).
pub fn oversized_body(cx: &Context) -> BoxFuture<'_, Result<Outcome, HarnessError>> {
    Box::pin(async move { error_answer_as(cx, oversized(OVERSIZED_BYTES), Sending::Upload).await })
}

/// SEC-INPUT-04: invalid UTF-8 → an error, never 5xx.
pub fn invalid_utf8_body(cx: &Context) -> BoxFuture<'_, Result<Outcome, HarnessError>> {
    Box::pin(async move { error_answer(cx, invalid_utf8()).await })
}

/// A 2xx-4xx answer whose body is not UTF-8 cannot be judged: the harness reports an error
/// (a 5xx is a failure whatever its body).
fn judgeable(response: &HttpResponse) -> Result<(), HarnessError> {
    if response.status < 500 && std::str::from_utf8(&response.body).is_err() {
        return Err(BodyError::NotUtf8.into());
    }
    Ok(())
}

async fn error_answer(cx: &Context, body: Vec<u8>) -> Result<Outcome, HarnessError> {
    error_answer_as(cx, body, Sending::Whole).await
}

async fn error_answer_as(
    cx: &Context,
    body: Vec<u8>,
    sending: Sending,
) -> Result<Outcome, HarnessError> {
    let binding = cx.target()?.binding;
    let answer = send_hostile_as(cx, body, sending).await?;
    if let Ok(response) = &answer {
        judgeable(response)?;
    }
    Ok(match answer {
        Ok(response) => error_answer_failure(&response, binding)
            .map_or(Outcome::Pass, |f| Outcome::Fail(vec![f])),
        Err(f) => Outcome::Fail(vec![f]),
    })
}

/// GET the card again: the agent is still healthy.
async fn still_healthy(cx: &Context) -> Result<Option<Failure>, HarnessError> {
    let request =
        HttpRequest::get(cx.discovery.card_url.clone()).header("Accept", "application/json");
    match cx.client.send(request, &cx.recorder).await {
        Ok(r) if r.status == 200 && r.json().is_ok_and(|v: Value| v.is_object()) => Ok(None),
        Ok(r) => Ok(Some(
            Failure::new("the agent card no longer answers after hostile input")
                .expected("HTTP 200 with the card")
                .actual(format!("HTTP {}", r.status))
                .in_exchange(&r.exchange),
        )),
        Err(
            e @ (TransportError::Connect(_)
            | TransportError::Io(_)
            | TransportError::Timeout { .. }),
        ) => {
            let x = cx
                .recorder
                .exchanges()
                .last()
                .map(|x| x.id.clone())
                .unwrap_or_default();
            Ok(Some(
                Failure::new("the agent no longer answers after hostile input")
                    .expected("HTTP 200 with the card")
                    .actual(e.to_string())
                    .in_exchange(&x),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// SEC-INPUT-03: 10,000 levels of nesting → an error, and the agent still answers.
pub fn deep_nesting(cx: &Context) -> BoxFuture<'_, Result<Outcome, HarnessError>> {
    Box::pin(async move {
        let first = error_answer(cx, nested(NESTING)).await?;
        let after = still_healthy(cx).await?;
        Ok(first.and(after.map_or(Outcome::Pass, |f| Outcome::Fail(vec![f]))))
    })
}

/// SEC-INPUT-05: after the hostile group (replayed here so the scenario stands alone), the card
/// still answers.
pub fn healthy_after(cx: &Context) -> BoxFuture<'_, Result<Outcome, HarnessError>> {
    Box::pin(async move {
        for body in [MALFORMED.to_vec(), invalid_utf8(), nested(NESTING)] {
            // What the agent answers is judged by the other scenarios; only survival matters here.
            let _ = send_hostile(cx, body).await?;
        }
        Ok(still_healthy(cx)
            .await?
            .map_or(Outcome::Pass, |f| Outcome::Fail(vec![f])))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_have_the_advertised_shapes() {
        assert!(serde_json::from_slice::<Value>(MALFORMED).is_err());
        assert!(std::str::from_utf8(&invalid_utf8()).is_err());
        assert_eq!(oversized(1024).len(), 1024 + 3);
        let deep = nested(3);
        assert!(deep.windows(6).any(|w| w == b"[[[]]]"));
    }
}
