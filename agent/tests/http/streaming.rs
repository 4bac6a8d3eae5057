//! SSE on both bindings: order, closure, concurrent subscribers.

use std::time::Duration;

use serde_json::{Value, json};

use crate::client::{Agent, Next, msg_v1, result, v1_state};

fn kinds(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| {
            let r = result(e);
            ["task", "message", "statusUpdate", "artifactUpdate"]
                .into_iter()
                .find(|k| r.get(*k).is_some())
                .expect("exactly one StreamResponse member")
        })
        .collect()
}

#[tokio::test]
async fn a_task_stream_begins_with_the_task_and_closes_at_the_terminal_state() {
    let a = Agent::new().await;
    let mut s = a
        .rpc_stream(
            Some("1.0"),
            "SendStreamingMessage",
            json!({"message": msg_v1("chunks")}),
        )
        .await;
    assert_eq!(s.status, 200);
    assert!(s.is_event_stream());
    let events = s.rest().await;
    assert!(events.iter().all(|e| e["jsonrpc"] == "2.0" && e["id"] == 7));
    assert_eq!(
        kinds(&events),
        [
            "task",
            "statusUpdate",
            "artifactUpdate",
            "artifactUpdate",
            "artifactUpdate",
            "artifactUpdate",
            "statusUpdate"
        ]
    );
    assert_eq!(
        v1_state(events.last().unwrap()),
        Some("TASK_STATE_COMPLETED")
    );
    let chunks: Vec<&Value> = events
        .iter()
        .filter_map(|e| result(e).get("artifactUpdate"))
        .collect();
    assert!(chunks[0].get("append").is_none());
    assert!(chunks[1..].iter().all(|c| c["append"] == true));
    assert_eq!(chunks[3]["lastChunk"], true);
    assert!(
        chunks
            .iter()
            .all(|c| c["contextId"].is_string() && c["taskId"].is_string())
    );
}

#[tokio::test]
async fn a_message_stream_holds_one_message_then_closes() {
    let a = Agent::new().await;
    let mut s = a
        .rpc_stream(
            Some("1.0"),
            "SendStreamingMessage",
            json!({"message": msg_v1("message")}),
        )
        .await;
    let events = s.rest().await;
    assert_eq!(kinds(&events), ["message"]);
}

#[tokio::test]
async fn a_message_stream_closes_at_input_required_and_the_next_one_continues() {
    let a = Agent::new().await;
    let mut s = a
        .rpc_stream(
            Some("1.0"),
            "SendStreamingMessage",
            json!({"message": msg_v1("ask")}),
        )
        .await;
    let events = s.rest().await;
    assert_eq!(
        v1_state(events.last().unwrap()),
        Some("TASK_STATE_INPUT_REQUIRED")
    );
    let id = result(&events[0])["task"]["id"].clone();
    let mut m = msg_v1("go on");
    m["taskId"] = id.clone();
    let mut s = a
        .rpc_stream(Some("1.0"), "SendStreamingMessage", json!({"message": m}))
        .await;
    let events = s.rest().await;
    assert_eq!(result(&events[0])["task"]["id"], id);
    assert_eq!(
        v1_state(events.last().unwrap()),
        Some("TASK_STATE_COMPLETED")
    );
}

#[tokio::test]
async fn stream_errors_before_the_stream_are_plain_responses() {
    let a = Agent::new().await;
    let s = a
        .rpc_stream(Some("1.0"), "SubscribeToTask", json!({"id": "nope"}))
        .await;
    assert!(!s.is_event_stream());
    assert_eq!(s.json().await["error"]["code"], -32001);
}

#[tokio::test]
async fn concurrent_subscribers_see_the_same_events_and_one_leaving_affects_no_other() {
    let a = Agent::new().await;
    let r = a
        .v1(
            "SendMessage",
            json!({"message": msg_v1("slow 6"), "configuration": {"returnImmediately": true}}),
        )
        .await;
    let id = r["task"]["id"].clone();
    let mut s1 = a
        .rpc_stream(Some("1.0"), "SubscribeToTask", json!({"id": id}))
        .await;
    let mut s2 = a
        .rest_stream(
            "GET",
            &format!("/tasks/{}:subscribe", id.as_str().unwrap()),
            None,
        )
        .await;
    let mut s3 = a
        .rpc_stream(Some("1.0"), "SubscribeToTask", json!({"id": id}))
        .await;
    let first = s3.next().await;
    assert!(result(&first).get("task").is_some());
    drop(s3);
    let e1: Vec<Value> = s1.rest().await.iter().map(|e| result(e).clone()).collect();
    let e2 = s2.rest().await;
    assert!(e1[0].get("task").is_some() && e2[0].get("task").is_some());
    // After their first (snapshot) events, both saw the events that followed their subscription:
    // the later subscriber's sequence is a suffix of the earlier one's.
    let tail1: Vec<&Value> = e1[1..].iter().collect();
    let tail2: Vec<&Value> = e2[1..].iter().collect();
    assert!(tail1.ends_with(&tail2), "{tail1:?} vs {tail2:?}");
    assert_eq!(v1_state(e1.last().unwrap()), Some("TASK_STATE_COMPLETED"));
    let states: Vec<&str> = e1.iter().filter_map(|e| v1_state(e)).collect();
    let terminal = states
        .iter()
        .position(|s| *s == "TASK_STATE_COMPLETED")
        .unwrap();
    assert_eq!(
        terminal,
        states.len() - 1,
        "nothing after the terminal state"
    );
}

#[tokio::test]
async fn a_subscriber_of_an_input_required_task_stays_until_the_terminal_state() {
    let a = Agent::new().await;
    let t = a.task_v1("ask").await;
    let id = t["id"].clone();
    let mut s = a
        .rpc_stream(Some("1.0"), "SubscribeToTask", json!({"id": id}))
        .await;
    assert_eq!(v1_state(&s.next().await), Some("TASK_STATE_INPUT_REQUIRED"));
    assert_eq!(
        s.next_within(Duration::from_millis(200)).await,
        Next::Timeout
    );
    let mut m = msg_v1("continue");
    m["taskId"] = id;
    a.v1("SendMessage", json!({"message": m})).await;
    let events = s.rest().await;
    assert_eq!(
        v1_state(events.last().unwrap()),
        Some("TASK_STATE_COMPLETED")
    );
}

#[tokio::test]
async fn the_official_tck_stream_scripts() {
    let a = Agent::new().await;
    for (prefix, expected) in [
        (
            "tck-stream-001",
            vec!["task", "statusUpdate", "artifactUpdate", "statusUpdate"],
        ),
        ("tck-stream-002", vec!["task", "statusUpdate"]),
        (
            "tck-stream-artifact-chunked",
            vec![
                "task",
                "statusUpdate",
                "artifactUpdate",
                "artifactUpdate",
                "statusUpdate",
            ],
        ),
    ] {
        let mut m = msg_v1("x");
        m["messageId"] = json!(format!("{prefix}-1"));
        let mut s = a
            .rpc_stream(Some("1.0"), "SendStreamingMessage", json!({"message": m}))
            .await;
        let events = s.rest().await;
        assert_eq!(kinds(&events), expected, "{prefix}");
    }
    let mut m = msg_v1("x");
    m["messageId"] = json!("test-resubscribe-message-id-1");
    let r = a
        .v1(
            "SendMessage",
            json!({"message": m, "configuration": {"returnImmediately": true}}),
        )
        .await;
    let mut s = a
        .rpc_stream(
            Some("1.0"),
            "SubscribeToTask",
            json!({"id": r["task"]["id"]}),
        )
        .await;
    let events = s.rest().await;
    assert_eq!(
        v1_state(events.last().unwrap()),
        Some("TASK_STATE_COMPLETED")
    );
}
