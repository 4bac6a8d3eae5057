//! JSON-RPC 2.0 to the letter, and hostile input.

use serde_json::{Value, json};

use crate::client::{Agent, fast_config};

#[tokio::test]
async fn parse_errors_have_a_null_id() {
    let a = Agent::new().await;
    let (status, r) = a.rpc_raw(Some("1.0"), "{bad json").await;
    assert_eq!(status, 200);
    assert_eq!(r["error"]["code"], -32700);
    assert_eq!(r["id"], Value::Null);
    assert_eq!(r["jsonrpc"], "2.0");
    assert!(r.get("result").is_none());
}

#[tokio::test]
async fn invalid_requests_are_minus_32600() {
    let a = Agent::new().await;
    for body in [
        json!({"jsonrpc": "1.0", "method": 1}),
        json!({"jsonrpc": "2.0", "id": 1}),
        json!({"jsonrpc": "2.0", "id": 1, "method": 5}),
        json!({"jsonrpc": "2.0", "id": {"x": 1}, "method": "GetTask"}),
        json!({"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": "x"}),
        json!(42),
    ] {
        let (_, r) = a.rpc_raw(Some("1.0"), body.to_string()).await;
        assert_eq!(r["error"]["code"], -32600, "{body}");
    }
    let (_, r) = a
        .rpc_raw(
            Some("1.0"),
            json!({"jsonrpc": "1.0", "id": 3, "method": "GetTask"}).to_string(),
        )
        .await;
    assert_eq!(r["id"], 3, "a readable id is echoed");
}

#[tokio::test]
async fn unknown_methods_are_minus_32601_and_array_params_minus_32602() {
    let a = Agent::new().await;
    assert_eq!(a.v1_error("FooBar", json!({})).await, -32601);
    assert_eq!(
        a.rpc(None, "foo/bar", json!({})).await["error"]["code"],
        -32601
    );
    let (_, r) = a
        .rpc_raw(
            Some("1.0"),
            json!({"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": ["x"]}).to_string(),
        )
        .await;
    assert_eq!(r["error"]["code"], -32602);
}

#[tokio::test]
async fn string_integer_and_null_ids_are_echoed_unchanged() {
    let a = Agent::new().await;
    for id in [
        json!("abc"),
        json!(12345),
        json!(-7),
        json!(null),
        json!(1.5),
    ] {
        let body = json!({"jsonrpc": "2.0", "id": id, "method": "ListTasks", "params": {}});
        let (_, r) = a.rpc_raw(Some("1.0"), body.to_string()).await;
        assert_eq!(r["id"], id);
        assert!(r.get("result").is_some(), "{r}");
    }
}

#[tokio::test]
async fn notifications_get_no_response_but_are_carried_out() {
    let a = Agent::new().await;
    let body = json!({"jsonrpc": "2.0", "method": "SendMessage", "params": {"message": crate::client::msg_v1("done")}});
    let (status, r) = a.rpc_raw(Some("1.0"), body.to_string()).await;
    assert_eq!((status, r), (204, Value::Null));
    let (status, r) = a
        .rpc_raw(
            Some("1.0"),
            json!({"jsonrpc": "2.0", "method": "NoSuch"}).to_string(),
        )
        .await;
    assert_eq!((status, r), (204, Value::Null));
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let page = a.v1("ListTasks", json!({})).await;
    assert_eq!(page["totalSize"], 1);
}

#[tokio::test]
async fn batches_answer_each_call_but_no_notification() {
    let a = Agent::new().await;
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "ListTasks", "params": {}},
        {"jsonrpc": "2.0", "method": "ListTasks", "params": {}},
        {"jsonrpc": "2.0", "id": "b", "method": "GetTask", "params": {"id": "nope"}},
        {"jsonrpc": "2.0", "id": 3, "method": "SendStreamingMessage", "params": {}},
        7
    ]);
    let (_, r) = a.rpc_raw(Some("1.0"), batch.to_string()).await;
    let r = r.as_array().unwrap();
    assert_eq!(r.len(), 4);
    assert!(r[0]["result"].is_object());
    assert_eq!(r[1]["error"]["code"], -32001);
    assert_eq!(r[2]["error"]["code"], -32600);
    assert_eq!(r[3]["error"]["code"], -32600);
    let (_, r) = a.rpc_raw(Some("1.0"), "[]").await;
    assert_eq!(r["error"]["code"], -32600);
}

#[tokio::test]
async fn hostile_input_never_gets_a_5xx() {
    let mut c = fast_config();
    c.limits.max_body_bytes = 64 * 1024;
    let a = Agent::start(c).await;
    let (status, r) = a.rpc_raw(Some("1.0"), vec![0xff, 0xfe, b'{', b'}']).await;
    assert_eq!(
        (status, r["error"]["code"].clone(), r["id"].clone()),
        (200, json!(-32700), Value::Null)
    );
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let (status, r) = a.rpc_raw(Some("1.0"), deep.clone()).await;
    assert!(status < 500);
    assert_eq!(r["error"]["code"], -32600);
    let big = format!("{{\"x\":\"{}\"}}", "a".repeat(200_000));
    let (status, r) = a.rpc_raw(Some("1.0"), big.clone()).await;
    assert_eq!(status, 413);
    assert!(r["error"]["code"].is_i64());
    let (status, _, _) = a
        .rest(
            "POST",
            "/message:send",
            Some(json!({"x": "a".repeat(200_000)})),
        )
        .await;
    assert_eq!(status, 413);
    let resp = a
        .http
        .post(a.url("/message:send"))
        .header("A2A-Version", "1.0")
        .body(deep)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let resp = a
        .http
        .post(a.url("/message:send"))
        .header("A2A-Version", "1.0")
        .body(vec![0xc3, 0x28])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let card = a
        .http
        .get(a.url("/.well-known/agent-card.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(card.status().as_u16(), 200, "still healthy");
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let a = Agent::new().await;
    let mut m = crate::client::msg_v1("done");
    m["futureField"] = json!({"nested": true});
    let r = a
        .v1("SendMessage", json!({"message": m, "somethingNew": 1}))
        .await;
    assert_eq!(r["task"]["status"]["state"], "TASK_STATE_COMPLETED");
    let snake =
        json!({"message": {"message_id": "m-1", "role": "ROLE_USER", "parts": [{"text": "done"}]}});
    let r = a.v1("SendMessage", snake).await;
    assert_eq!(
        r["task"]["history"][0]["messageId"], "m-1",
        "ProtoJSON also reads snake_case names"
    );
}
