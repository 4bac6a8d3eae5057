//! A hostile endpoint (hangs, slow drip, endless SSE, huge bodies, invalid UTF-8, headers that
//! never end) must produce `Error` verdicts within the deadlines: never a hang, a panic or
//! unbounded memory. The server is raw TCP on 127.0.0.1 so it can misbehave in ways a
//! well-behaved HTTP library would not allow; every connection ends by itself within 10 s.

// Helpers outside #[test] functions panic on setup failure too: that is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use a2a_tck::catalogue;
use a2a_tck::evidence::{Recorder, Redactor};
use a2a_tck::profile::Mode;
use a2a_tck::runner::{self, RunConfig, RunReport, RunStatus, Silent};
use a2a_tck::transport::http::{Auth, HttpClient, HttpRequest, Limits, TransportError};
use a2a_tck::transport::sse::{SseError, SseLimits};
use a2a_tck::verdict::VerdictKind;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const CONNECTION_LIFETIME: Duration = Duration::from_secs(10);
const MAX_BODY: usize = 64 * 1024;

async fn start() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = tokio::time::timeout(CONNECTION_LIFETIME, serve(socket, addr)).await;
            });
        }
    });
    addr
}

async fn read_head(socket: &mut TcpStream) -> Option<(String, String)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 64 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    // Drain the request body, so that closing never resets a client still sending.
    let header_end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(buf.len(), |p| p + 4);
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0)
        .min(16 * 1024 * 1024);
    let mut remaining = length.saturating_sub(buf.len() - header_end);
    while remaining > 0 {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        remaining = remaining.saturating_sub(n);
    }
    let mut parts = head.split_whitespace();
    Some((parts.next()?.to_owned(), parts.next()?.to_owned()))
}

fn good_card(addr: SocketAddr, mode: &str) -> String {
    format!(
        r#"{{"name":"hostile","description":"d","version":"1","supportedInterfaces":[{{"url":"http://{addr}/{mode}/rpc","protocolBinding":"JSONRPC","protocolVersion":"1.0"}}],"capabilities":{{}},"defaultInputModes":["text/plain"],"defaultOutputModes":["text/plain"],"skills":[]}}"#
    )
}

async fn serve(mut socket: TcpStream, addr: SocketAddr) {
    let Some((_method, target)) = read_head(&mut socket).await else {
        return;
    };
    let mode = target
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("")
        .to_owned();
    // `/<mode>/good/.well-known/agent-card.json` serves a good card whose interface misbehaves.
    if target.ends_with("/good/.well-known/agent-card.json") {
        let body = good_card(addr, &mode);
        let _ = socket
            .write_all(format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()).as_bytes())
            .await;
        return;
    }
    match mode.as_str() {
        "hang" => tokio::time::sleep(CONNECTION_LIFETIME).await,
        "headers" => {
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
                .await;
            loop {
                if socket.write_all(b"X-Drip: a\r\n").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        "drip" => {
            let _ = socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{").await;
            loop {
                tokio::time::sleep(Duration::from_millis(50)).await;
                if socket.write_all(b" ").await.is_err() {
                    return;
                }
            }
        }
        "sse" => {
            let _ = socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n").await;
            let event = b"data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n";
            let chunk = format!(
                "{:x}\r\n{}\r\n",
                event.len(),
                String::from_utf8_lossy(event)
            );
            loop {
                if socket.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        "comments" => {
            // An event stream that never dispatches an event: only comments, as fast as possible.
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n")
                .await;
            let comments =
                b": keep-alive padding padding padding padding padding padding\n".repeat(1024);
            loop {
                if socket.write_all(&comments).await.is_err() {
                    return;
                }
            }
        }
        "huge" => {
            let _ = socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n").await;
            let zeros = vec![b'0'; 64 * 1024];
            loop {
                if socket.write_all(&zeros).await.is_err() {
                    return;
                }
            }
        }
        "utf8" => {
            let body = b"{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"\xff\xfe\"}}";
            let _ = socket
                .write_all(format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes())
                .await;
            let _ = socket.write_all(body).await;
        }
        _ => {
            let _ = socket
                .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    }
}

/// Peak resident set size of this process in KiB (`VmHWM`), where the OS reports it.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn config(card_url: String) -> RunConfig {
    let mut config = RunConfig::new(card_url);
    config.profile.mode = Mode::Dev;
    config.profile.timeouts.request_ms = 400;
    config.profile.timeouts.stream_ms = 800;
    config.profile.timeouts.scenario_ms = 2_500;
    config.profile.limits.max_body_bytes = MAX_BODY;
    config.profile.limits.max_sse_events = 200;
    config
}

/// The run finishes well within the deadlines (a few timeouts in sequence at most).
const RUN_BUDGET: Duration = Duration::from_secs(8);

async fn timed_run(config: RunConfig) -> RunReport {
    let started = Instant::now();
    let report = tokio::time::timeout(RUN_BUDGET, runner::run(catalogue::all(), config, &Silent))
        .await
        .expect("the run must not hang");
    assert!(started.elapsed() < RUN_BUDGET);
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_card_endpoint_yields_error_verdicts_within_the_deadlines() {
    let addr = start().await;
    for mode in ["hang", "headers", "drip", "huge", "utf8", "sse"] {
        let report = timed_run(config(format!(
            "http://{addr}/{mode}/.well-known/agent-card.json"
        )))
        .await;
        let card01 = report
            .results
            .iter()
            .find(|r| r.scenario.id == "CARD-01")
            .unwrap();
        assert_eq!(
            card01.verdict.kind(),
            VerdictKind::Error,
            "{mode}: {:?}",
            card01.verdict
        );
        assert_eq!(report.status, RunStatus::HarnessError, "{mode}");
        // No scenario passed: nothing could be judged.
        assert_eq!(report.summary.all.get(VerdictKind::Pass), 0, "{mode}");
        // The process never held the 1 GiB body (nor an endless stream): peak memory stays
        // far below it (Linux reports the peak resident size).
        if let Some(peak) = peak_rss_kib() {
            assert!(peak < 512 * 1024, "{mode}: peak RSS {peak} KiB");
        }
        // What was kept of the body is bounded by the cap.
        if let Some(response) = report
            .discovery_exchange
            .as_ref()
            .and_then(|x| x.response.as_ref())
        {
            assert!(
                response.body_bytes <= MAX_BODY,
                "{mode}: {} bytes kept",
                response.body_bytes
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_rpc_interface_yields_error_verdicts_within_the_deadlines() {
    let addr = start().await;
    for mode in ["hang", "drip", "huge", "utf8", "headers"] {
        let mut config = config(format!(
            "http://{addr}/{mode}/good/.well-known/agent-card.json"
        ));
        config.selection.only = vec!["SEC-INPUT-*".into()];
        let report = timed_run(config).await;
        assert_eq!(report.results.len(), 5, "{mode}");
        for r in &report.results {
            // SEC-INPUT-05 judges only that the card still answers after the hostile requests
            // (which it sends first): an interface that answers, even with garbage, leaves the
            // agent healthy; one that hangs or floods makes it an error too.
            let expected = if mode == "utf8" && r.scenario.id == "SEC-INPUT-05" {
                VerdictKind::Pass
            } else {
                VerdictKind::Error
            };
            assert_eq!(
                r.verdict.kind(),
                expected,
                "{mode} {}: {:?} {:?}",
                r.scenario.id,
                r.verdict,
                r.failures
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_event_stream_ends_at_the_event_cap_or_the_deadline() {
    let addr = start().await;
    let limits = Limits {
        request_timeout: Duration::from_millis(400),
        stream_timeout: Duration::from_millis(1_500),
        max_body_bytes: MAX_BODY,
        max_stream_bytes: 1024 * 1024,
        sse: SseLimits {
            max_events: 50,
            ..SseLimits::default()
        },
    };
    let client = HttpClient::new(limits, Auth::none(), Redactor::new()).unwrap();
    let recorder = Recorder::new(Arc::new(AtomicU64::new(0)));
    let started = Instant::now();
    let err = client
        .stream(
            HttpRequest::post(format!("http://{addr}/sse/rpc"), "application/json", "{}"),
            &recorder,
        )
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(
        matches!(
            err,
            TransportError::Sse(SseError::TooManyEvents { limit: 50 })
                | TransportError::Timeout { .. }
        ),
        "{err:?}"
    );
    let exchange = &recorder.exchanges()[0];
    assert!(exchange.events.len() <= 50);
    assert!(exchange.error.is_some());

    // With a high event cap, the deadline ends it.
    let limits = Limits {
        sse: SseLimits::default(),
        stream_timeout: Duration::from_millis(500),
        ..limits
    };
    let client = HttpClient::new(limits, Auth::none(), Redactor::new()).unwrap();
    let started = Instant::now();
    let err = client
        .stream(
            HttpRequest::post(format!("http://{addr}/sse/rpc"), "application/json", "{}"),
            &recorder,
        )
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        matches!(
            err,
            TransportError::Timeout { .. } | TransportError::Sse(SseError::TooManyEvents { .. })
        ),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_endpoint_is_reported_as_such() {
    // Bind then drop: the port is closed, so the connection is refused.
    let addr = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let report = timed_run(config(format!("http://{addr}/.well-known/agent-card.json"))).await;
    assert_eq!(report.status, RunStatus::Unreachable);
    assert!(
        report
            .results
            .iter()
            .all(|r| r.verdict.kind() == VerdictKind::Error)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_of_comments_ends_at_the_stream_byte_cap() {
    let addr = start().await;
    let limits = Limits {
        request_timeout: Duration::from_millis(400),
        stream_timeout: Duration::from_secs(5),
        max_body_bytes: MAX_BODY,
        max_stream_bytes: 256 * 1024,
        sse: SseLimits::default(),
    };
    let client = HttpClient::new(limits, Auth::none(), Redactor::new()).unwrap();
    let recorder = Recorder::new(Arc::new(AtomicU64::new(0)));
    let started = Instant::now();
    let err = client
        .stream(
            HttpRequest::post(
                format!("http://{addr}/comments/rpc"),
                "application/json",
                "{}",
            ),
            &recorder,
        )
        .await
        .unwrap_err();
    assert_eq!(err, TransportError::BodyTooLarge { limit: 256 * 1024 });
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(recorder.exchanges()[0].events.is_empty());
}

/// An agent that refuses a large body the way RFC 9110 §15.5.14 allows: it reads the request
/// head and a little of the body, then (with `answer`) writes a 413 and closes with the rest of
/// the upload unread, so the kernel resets the connection under the client still writing;
/// without `answer` it closes and says nothing. Its card is at `/.well-known/agent-card.json`.
async fn start_refusing(answer: bool) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ =
                    tokio::time::timeout(CONNECTION_LIFETIME, refuse(socket, addr, answer)).await;
            });
        }
    });
    addr
}

async fn refuse(mut socket: TcpStream, addr: SocketAddr, answer: bool) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut chunk).await {
            Ok(n) if n > 0 && buf.len() < 64 * 1024 => buf.extend_from_slice(&chunk[..n]),
            _ => return,
        }
    }
    if buf.starts_with(b"GET /.well-known/agent-card.json ") {
        let body = good_card(addr, "refuse").replace("/refuse/rpc", "/rpc");
        let _ = socket
            .write_all(format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()).as_bytes())
            .await;
        return;
    }
    // A little of the body, no more.
    let _ = socket.read(&mut chunk).await;
    if answer {
        let body =
            r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"request too large"}}"#;
        let _ = socket
            .write_all(format!("HTTP/1.1 413 Content Too Large\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).as_bytes())
            .await;
    }
    // Dropped with the upload unread: a reset, not an orderly close.
}

fn oversized_only(addr: SocketAddr) -> RunConfig {
    let mut config = config(format!("http://{addr}/.well-known/agent-card.json"));
    config.profile.timeouts.request_ms = 5_000;
    config.selection.only = vec!["SEC-INPUT-02".into()];
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_413_sent_before_the_upload_ends_passes_every_time() {
    let addr = start_refusing(true).await;
    for i in 0..20 {
        let report = timed_run(oversized_only(addr)).await;
        let [r] = report.results.as_slice() else {
            panic!("one result expected: {:?}", report.results);
        };
        assert_eq!(
            r.verdict.kind(),
            VerdictKind::Pass,
            "iteration {i}: {:?} {:?} {:?}",
            r.verdict,
            r.failures,
            r.exchanges.iter().map(|x| &x.error).collect::<Vec<_>>()
        );
        // The evidence has the 413 and says the upload was cut short.
        let x = r.exchanges.last().unwrap();
        assert_eq!(x.response.as_ref().map(|r| r.status), Some(413), "{x:?}");
        assert!(x.request.body_bytes > 8 * 1024 * 1024 - 1);
        assert!(
            x.error
                .as_deref()
                .is_some_and(|e| e.contains("the response was read")),
            "{:?}",
            x.error
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_closed_with_no_answer_to_the_upload_is_a_warning() {
    let addr = start_refusing(false).await;
    let report = timed_run(oversized_only(addr)).await;
    let [r] = report.results.as_slice() else {
        panic!("one result expected: {:?}", report.results);
    };
    // SEC-INPUT-02 is a SHOULD: the dropped connection is a finding, reported as a warning.
    assert_eq!(r.verdict.kind(), VerdictKind::Warn, "{:?}", r.verdict);
    assert_eq!(r.failures.len(), 1);
    assert!(
        r.failures[0].message.contains("dropped the connection"),
        "{:?}",
        r.failures
    );
    let x = r.exchanges.last().unwrap();
    assert!(x.response.is_none());
    assert!(x.error.is_some());
}
