//! The task store's documented bounds, seen from the wire.

use std::sync::Arc;

use a2a_reference_agent::clock::ManualClock;
use serde_json::json;

use crate::client::{Agent, fast_config, msg_v1};

async fn start_slow(a: &Agent) -> serde_json::Value {
    let r = a
        .v1(
            "SendMessage",
            json!({"message": msg_v1("slow 500"), "configuration": {"returnImmediately": true}}),
        )
        .await;
    r["task"]["id"].clone()
}

#[tokio::test]
async fn a_full_store_refuses_new_tasks_and_never_drops_a_live_one() {
    let mut c = fast_config();
    c.store.max_live_tasks = 2;
    let a = Agent::start(c).await;
    let t1 = start_slow(&a).await;
    let t2 = start_slow(&a).await;
    let r = a
        .rpc(
            Some("1.0"),
            "SendMessage",
            json!({"message": msg_v1("slow 5")}),
        )
        .await;
    assert_eq!(r["error"]["code"], -32603);
    assert_eq!(r["error"]["data"][0]["reason"], "TASK_STORE_FULL");
    assert!(r["error"]["message"].as_str().unwrap().contains("full"));
    let (status, _, e) = a
        .rest(
            "POST",
            "/message:send",
            Some(json!({"message": msg_v1("x")})),
        )
        .await;
    assert_eq!(
        (status, e["error"]["status"].clone()),
        (429, json!("RESOURCE_EXHAUSTED"))
    );
    for id in [&t1, &t2] {
        let t = a.v1("GetTask", json!({"id": id})).await;
        assert_eq!(t["status"]["state"], "TASK_STATE_WORKING");
    }
    // A direct Message needs no task, so it is still answered.
    assert!(a.send_v1("message").await.get("message").is_some());
    a.v1("CancelTask", json!({"id": t1})).await;
    a.task_v1("done now").await;
}

#[tokio::test]
async fn at_the_total_bound_the_oldest_terminal_task_is_evicted() {
    let mut c = fast_config();
    c.store.max_tasks = 3;
    let a = Agent::start(c).await;
    let first = a.task_v1("one").await["id"].clone();
    let second = a.task_v1("two").await["id"].clone();
    let live = start_slow(&a).await;
    a.task_v1("four").await;
    assert_eq!(a.v1_error("GetTask", json!({"id": first})).await, -32001);
    a.v1("GetTask", json!({"id": second})).await;
    a.v1("GetTask", json!({"id": live})).await;
}

#[tokio::test]
async fn a_store_full_of_live_tasks_refuses_at_the_total_bound() {
    let mut c = fast_config();
    c.store.max_tasks = 2;
    let a = Agent::start(c).await;
    start_slow(&a).await;
    start_slow(&a).await;
    assert_eq!(
        a.v1_error("SendMessage", json!({"message": msg_v1("x")}))
            .await,
        -32603
    );
}

#[tokio::test]
async fn terminal_tasks_expire_after_their_ttl_and_live_ones_do_not() {
    let clock = Arc::new(ManualClock::new(1_700_000_000_000));
    let mut c = fast_config();
    c.store.terminal_ttl_secs = 60;
    let app = a2a_reference_agent::state_with_clock(&c, clock.clone()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server =
        tokio::spawn(axum::serve(listener, a2a_reference_agent::router(app)).into_future());
    let a = Agent {
        running: None,
        base: format!("http://{addr}"),
        http: reqwest::Client::new(),
    };
    let done = a.task_v1("done").await["id"].clone();
    let live = a.task_v1("ask").await["id"].clone();
    clock.advance(59_000);
    a.v1("GetTask", json!({"id": done})).await;
    clock.advance(2_000);
    assert_eq!(a.v1_error("GetTask", json!({"id": done})).await, -32001);
    a.v1("GetTask", json!({"id": live})).await;
    server.abort();
}
