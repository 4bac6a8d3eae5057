//! A2A 0.3 over JSON-RPC (no `A2A-Version` header): every method.

use serde_json::json;

use crate::client::{Agent, fast_config, msg_v03, result};

#[tokio::test]
async fn message_send_returns_a_bare_task_with_kind() {
    let a = Agent::new().await;
    let t = a
        .v03("message/send", json!({"message": msg_v03("hello")}))
        .await;
    assert_eq!(t["kind"], "task");
    assert_eq!(t["status"]["state"], "completed");
    assert_eq!(
        t["artifacts"][0]["parts"][0],
        json!({"kind": "text", "text": "You said: hello"})
    );
    assert_eq!(t["history"][0]["kind"], "message");
    assert_eq!(t["history"][0]["role"], "user");
    let m = a
        .v03("message/send", json!({"message": msg_v03("message")}))
        .await;
    assert_eq!(m["kind"], "message");
    assert_eq!(m["role"], "agent");
}

#[tokio::test]
async fn message_send_non_blocking_and_tasks_get() {
    let a = Agent::new().await;
    let t = a
        .v03(
            "message/send",
            json!({"message": msg_v03("slow 3"), "configuration": {"blocking": false}}),
        )
        .await;
    assert!(["submitted", "working"].contains(&t["status"]["state"].as_str().unwrap()));
    let id = t["id"].clone();
    let mut state = String::new();
    for _ in 0..100 {
        let got = a.v03("tasks/get", json!({"id": id})).await;
        state = got["status"]["state"].as_str().unwrap().to_owned();
        if state == "completed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(state, "completed");
    let got = a
        .v03("tasks/get", json!({"id": id, "historyLength": 0}))
        .await;
    assert!(
        got["history"].as_array().is_some_and(|h| !h.is_empty()),
        "0 means all in 0.3"
    );
    let got = a
        .v03("tasks/get", json!({"id": id, "historyLength": 1}))
        .await;
    assert_eq!(got["history"].as_array().unwrap().len(), 1);
    let r = a.rpc(None, "tasks/get", json!({"id": "nope"})).await;
    assert_eq!(r["error"]["code"], -32001);
}

#[tokio::test]
async fn tasks_cancel_and_terminal_rules() {
    let a = Agent::new().await;
    let t = a
        .v03(
            "message/send",
            json!({"message": msg_v03("slow 50"), "configuration": {"blocking": false}}),
        )
        .await;
    let c = a.v03("tasks/cancel", json!({"id": t["id"]})).await;
    assert_eq!(c["status"]["state"], "canceled");
    assert_eq!(
        a.rpc(None, "tasks/cancel", json!({"id": t["id"]})).await["error"]["code"],
        -32002
    );
    let mut m = msg_v03("again");
    m["taskId"] = t["id"].clone();
    let r = a.rpc(None, "message/send", json!({"message": m})).await;
    assert_eq!(
        r["error"]["code"], -32004,
        "a message to a terminal task is an error"
    );
}

#[tokio::test]
async fn message_stream_ends_with_final_true() {
    let a = Agent::new().await;
    let mut s = a
        .rpc_stream(
            None,
            "message/stream",
            json!({"message": msg_v03("chunks")}),
        )
        .await;
    assert!(s.is_event_stream());
    let events = s.rest().await;
    assert_eq!(events[0]["id"], 7);
    assert_eq!(result(&events[0])["kind"], "task");
    let updates: Vec<_> = events
        .iter()
        .map(result)
        .filter(|r| r["kind"] == "status-update")
        .collect();
    assert!(updates.iter().all(|u| u["final"].is_boolean()));
    assert_eq!(updates.last().unwrap()["final"], true);
    assert_eq!(updates.iter().filter(|u| u["final"] == true).count(), 1);
    assert_eq!(result(events.last().unwrap())["final"], true);
    let chunks: Vec<_> = events
        .iter()
        .map(result)
        .filter(|r| r["kind"] == "artifact-update")
        .collect();
    assert_eq!(chunks.len(), 4);
    assert!(chunks[0].get("append").is_none() && chunks[1]["append"] == true);
}

#[tokio::test]
async fn resubscribe_follows_a_running_task_to_its_end() {
    let a = Agent::new().await;
    let t = a
        .v03(
            "message/send",
            json!({"message": msg_v03("slow 4"), "configuration": {"blocking": false}}),
        )
        .await;
    let mut s = a
        .rpc_stream(None, "tasks/resubscribe", json!({"id": t["id"]}))
        .await;
    let events = s.rest().await;
    assert_eq!(result(&events[0])["kind"], "task");
    let last = result(events.last().unwrap());
    assert_eq!(
        (last["kind"].clone(), last["final"].clone()),
        (json!("status-update"), json!(true))
    );
    assert_eq!(last["status"]["state"], "completed");
}

#[tokio::test]
async fn push_notification_config_methods() {
    let mut off = fast_config();
    off.capabilities.push_notifications = false;
    let a = Agent::start(off).await;
    let t = a
        .v03("message/send", json!({"message": msg_v03("ask")}))
        .await;
    let set = json!({"taskId": t["id"], "pushNotificationConfig": {"url": "http://127.0.0.1:9/h"}});
    assert_eq!(
        a.rpc(None, "tasks/pushNotificationConfig/set", set.clone())
            .await["error"]["code"],
        -32003
    );

    let mut c = fast_config();
    c.capabilities.push_notifications = true;
    let a = Agent::start(c).await;
    let t = a
        .v03("message/send", json!({"message": msg_v03("ask")}))
        .await;
    let id = t["id"].clone();
    let set = json!({"taskId": id, "pushNotificationConfig": {"id": "c1", "url": "http://127.0.0.1:9/h",
                     "authentication": {"schemes": ["Bearer"], "credentials": "x"}}});
    let created = a.v03("tasks/pushNotificationConfig/set", set).await;
    assert_eq!(created["taskId"], id);
    assert_eq!(created["pushNotificationConfig"]["id"], "c1");
    assert_eq!(
        created["pushNotificationConfig"]["authentication"]["schemes"],
        json!(["Bearer"])
    );
    let got = a
        .v03(
            "tasks/pushNotificationConfig/get",
            json!({"id": id, "pushNotificationConfigId": "c1"}),
        )
        .await;
    assert_eq!(got, created);
    let got = a
        .v03("tasks/pushNotificationConfig/get", json!({"id": id}))
        .await;
    assert_eq!(got, created);
    let list = a
        .v03("tasks/pushNotificationConfig/list", json!({"id": id}))
        .await;
    assert_eq!(list, json!([created]));
    let deleted = a
        .v03(
            "tasks/pushNotificationConfig/delete",
            json!({"id": id, "pushNotificationConfigId": "c1"}),
        )
        .await;
    assert_eq!(deleted, json!(null));
    assert_eq!(
        a.v03("tasks/pushNotificationConfig/list", json!({"id": id}))
            .await,
        json!([])
    );
}

#[tokio::test]
async fn authenticated_extended_card() {
    let a = Agent::new().await;
    let r = a
        .rpc(None, "agent/getAuthenticatedExtendedCard", json!({}))
        .await;
    assert_eq!(r["error"]["code"], -32004);
    let mut c = fast_config();
    c.capabilities.extended_card = "on".into();
    let a = Agent::start(c).await;
    let card = a.v03("agent/getAuthenticatedExtendedCard", json!({})).await;
    assert_eq!(card["supportsAuthenticatedExtendedCard"], true);
}

#[tokio::test]
async fn one_point_zero_method_names_are_unknown_in_0_3() {
    let a = Agent::new().await;
    let r = a.rpc(None, "SendMessage", json!({})).await;
    assert_eq!(r["error"]["code"], -32601);
    let r = a.rpc(Some("1.0"), "message/send", json!({})).await;
    assert_eq!(r["error"]["code"], -32601);
}

#[tokio::test]
async fn invalid_0_3_params_are_rejected() {
    let a = Agent::new().await;
    for m in [
        json!({"kind": "message", "role": "user", "parts": [{"kind": "text", "text": "x"}]}),
        json!({"kind": "message", "messageId": "m", "role": "ROLE_USER", "parts": [{"kind": "text", "text": "x"}]}),
        json!({"kind": "message", "messageId": "m", "role": "user", "parts": [{"kind": "file", "file": {}}]}),
        json!({"kind": "message", "messageId": "m", "role": "user", "parts": [{"kind": "data", "data": 3}]}),
        json!({"kind": "task", "messageId": "m", "role": "user", "parts": [{"kind": "text", "text": "x"}]}),
    ] {
        let r = a.rpc(None, "message/send", json!({"message": m})).await;
        assert_eq!(r["error"]["code"], -32602, "{m}");
    }
}
