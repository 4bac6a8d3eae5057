//! A2A 1.0 over JSON-RPC: every method.

use serde_json::json;

use crate::client::{Agent, fast_config, msg_v1};

#[tokio::test]
async fn send_message_completes_with_an_artifact_in_a_task_wrapper() {
    let a = Agent::new().await;
    let r = a.send_v1("hello there").await;
    let t = &r["task"];
    assert_eq!(t["status"]["state"], "TASK_STATE_COMPLETED");
    assert_eq!(
        t["artifacts"][0]["parts"][0]["text"],
        "You said: hello there"
    );
    assert!(t.get("kind").is_none() && r.get("kind").is_none());
    assert!(t["status"]["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(t["history"][0]["role"], "ROLE_USER");
    let got = a.v1("GetTask", json!({"id": t["id"]})).await;
    assert_eq!(got["artifacts"], t["artifacts"]);
}

#[tokio::test]
async fn send_message_answers_with_a_message_for_the_message_keyword() {
    let a = Agent::new().await;
    let r = a.send_v1("reply with a message").await;
    let m = &r["message"];
    assert_eq!(m["role"], "ROLE_AGENT");
    assert!(!m["contextId"].as_str().unwrap().is_empty());
    assert!(r.get("task").is_none());
}

#[tokio::test]
async fn send_message_reaches_every_scripted_state() {
    let a = Agent::new().await;
    for (text, state) in [
        ("fail please", "TASK_STATE_FAILED"),
        ("reject please", "TASK_STATE_REJECTED"),
        ("ask me", "TASK_STATE_INPUT_REQUIRED"),
        ("auth needed", "TASK_STATE_AUTH_REQUIRED"),
        ("chunks", "TASK_STATE_COMPLETED"),
        ("slow 2", "TASK_STATE_COMPLETED"),
    ] {
        let t = a.task_v1(text).await;
        assert_eq!(t["status"]["state"], state, "{text}");
    }
    let t = a.task_v1("auth").await;
    assert!(
        t["status"]["message"]["parts"][0]["text"]
            .as_str()
            .unwrap()
            .contains("authorization")
    );
    let t = a.task_v1("chunks").await;
    let parts = t["artifacts"][0]["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 4, "chunks are appended into one artifact");
}

#[tokio::test]
async fn return_immediately_answers_before_the_task_finishes() {
    let a = Agent::new().await;
    let r = a
        .v1(
            "SendMessage",
            json!({"message": msg_v1("slow 5"), "configuration": {"returnImmediately": true}}),
        )
        .await;
    let state = r["task"]["status"]["state"].as_str().unwrap();
    assert!(
        state == "TASK_STATE_SUBMITTED" || state == "TASK_STATE_WORKING",
        "{state}"
    );
    a.wait_state(r["task"]["id"].as_str().unwrap(), "TASK_STATE_COMPLETED")
        .await;
}

#[tokio::test]
async fn input_required_continues_on_the_same_task_and_context() {
    let a = Agent::new().await;
    let t = a.task_v1("ask").await;
    assert_eq!(t["status"]["state"], "TASK_STATE_INPUT_REQUIRED");
    let mut m = msg_v1("here is my answer");
    m["taskId"] = t["id"].clone();
    let t2 = a.v1("SendMessage", json!({"message": m})).await["task"].clone();
    assert_eq!(t2["id"], t["id"]);
    assert_eq!(t2["contextId"], t["contextId"]);
    assert_eq!(t2["status"]["state"], "TASK_STATE_COMPLETED");
}

#[tokio::test]
async fn a_message_to_a_terminal_task_is_an_unsupported_operation_and_changes_nothing() {
    let a = Agent::new().await;
    for text in ["done", "fail", "reject"] {
        let t = a.task_v1(text).await;
        let before = a.v1("GetTask", json!({"id": t["id"]})).await;
        let mut m = msg_v1("again");
        m["taskId"] = t["id"].clone();
        assert_eq!(
            a.v1_error("SendMessage", json!({"message": m})).await,
            -32004
        );
        let after = a.v1("GetTask", json!({"id": t["id"]})).await;
        assert_eq!(before, after, "{text}");
    }
}

#[tokio::test]
async fn task_and_context_id_rules_of_section_3_4() {
    let a = Agent::new().await;
    let mut m = msg_v1("hi");
    m["taskId"] = json!("no-such-task");
    assert_eq!(
        a.v1_error("SendMessage", json!({"message": m})).await,
        -32001
    );

    let mut m = msg_v1("hi");
    m["contextId"] = json!("my-context");
    let t = a.v1("SendMessage", json!({"message": m})).await["task"].clone();
    assert_eq!(t["contextId"], "my-context");

    let t = a.task_v1("ask").await;
    let mut m = msg_v1("hi");
    m["taskId"] = t["id"].clone();
    m["contextId"] = json!("another-context");
    assert_eq!(
        a.v1_error("SendMessage", json!({"message": m})).await,
        -32602
    );

    let t1 = a.task_v1("x").await;
    let t2 = a.task_v1("x").await;
    assert_ne!(t1["id"], t2["id"]);
}

#[tokio::test]
async fn history_length_unset_zero_and_n() {
    let a = Agent::new().await;
    let t = a.task_v1("ask").await;
    let mut m = msg_v1("second");
    m["taskId"] = t["id"].clone();
    a.v1("SendMessage", json!({"message": m})).await;
    let id = t["id"].clone();
    let all = a.v1("GetTask", json!({"id": id})).await;
    assert_eq!(all["history"].as_array().unwrap().len(), 4);
    let none = a.v1("GetTask", json!({"id": id, "historyLength": 0})).await;
    assert!(none.get("history").is_none());
    let one = a.v1("GetTask", json!({"id": id, "historyLength": 1})).await;
    assert_eq!(one["history"].as_array().unwrap().len(), 1);
    assert_eq!(one["history"][0], all["history"][3]);
    let mut m = msg_v1("ask");
    m["messageId"] = json!("x");
    let r = a
        .v1(
            "SendMessage",
            json!({"message": m, "configuration": {"historyLength": 1}}),
        )
        .await;
    assert_eq!(r["task"]["history"].as_array().unwrap().len(), 1);
    assert_eq!(
        a.v1_error("GetTask", json!({"id": id, "historyLength": -1}))
            .await,
        -32602
    );
}

#[tokio::test]
async fn get_task_of_an_unknown_id_is_task_not_found() {
    let a = Agent::new().await;
    let r = a.rpc(Some("1.0"), "GetTask", json!({"id": "nope"})).await;
    assert_eq!(r["error"]["code"], -32001);
    assert_eq!(
        r["error"]["data"][0]["@type"],
        "type.googleapis.com/google.rpc.ErrorInfo"
    );
    assert_eq!(r["error"]["data"][0]["reason"], "TASK_NOT_FOUND");
    assert_eq!(r["error"]["data"][0]["domain"], "a2a-protocol.org");
}

#[tokio::test]
async fn list_tasks_pages_newest_first_with_a_token_always_present() {
    let a = Agent::new().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut m = msg_v1(&format!("task {i}"));
        m["contextId"] = json!(if i % 2 == 0 { "even" } else { "odd" });
        ids.push(a.v1("SendMessage", json!({"message": m})).await["task"]["id"].clone());
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    let mut seen = Vec::new();
    let mut token = json!("");
    loop {
        let page = a
            .v1("ListTasks", json!({"pageSize": 2, "pageToken": token}))
            .await;
        assert_eq!(page["totalSize"], 5);
        assert_eq!(page["pageSize"], 2);
        for t in page["tasks"].as_array().unwrap() {
            assert!(
                t.get("artifacts").is_none(),
                "artifacts omitted without includeArtifacts"
            );
            seen.push(t["id"].clone());
        }
        token = page["nextPageToken"].clone();
        assert!(token.is_string(), "nextPageToken always present");
        if token == "" {
            break;
        }
    }
    ids.reverse();
    assert_eq!(seen, ids, "newest first, each task once");
    let page = a
        .v1(
            "ListTasks",
            json!({"contextId": "even", "includeArtifacts": true}),
        )
        .await;
    assert_eq!(page["tasks"].as_array().unwrap().len(), 3);
    assert!(page["tasks"][0]["artifacts"].is_array());
    let page = a
        .v1("ListTasks", json!({"status": "TASK_STATE_WORKING"}))
        .await;
    assert_eq!(page["tasks"].as_array().unwrap().len(), 0);
    let page = a.v1("ListTasks", json!({"historyLength": 0})).await;
    assert!(page["tasks"][0].get("history").is_none());
    let page = a
        .v1(
            "ListTasks",
            json!({"statusTimestampAfter": "2999-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(page["totalSize"], 0);
    assert_eq!(
        a.v1_error("ListTasks", json!({"pageSize": 101})).await,
        -32602
    );
    assert_eq!(
        a.v1_error("ListTasks", json!({"pageToken": "garbage"}))
            .await,
        -32602
    );
}

#[tokio::test]
async fn cancel_a_running_task_then_it_is_terminal() {
    let a = Agent::new().await;
    let r = a
        .v1(
            "SendMessage",
            json!({"message": msg_v1("slow 50"), "configuration": {"returnImmediately": true}}),
        )
        .await;
    let id = r["task"]["id"].clone();
    let t = a.v1("CancelTask", json!({"id": id})).await;
    assert_eq!(t["status"]["state"], "TASK_STATE_CANCELED");
    assert_eq!(a.v1_error("CancelTask", json!({"id": id})).await, -32002);
    assert_eq!(
        a.v1_error("CancelTask", json!({"id": "nope"})).await,
        -32001
    );
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let t = a.v1("GetTask", json!({"id": id})).await;
    assert_eq!(
        t["status"]["state"], "TASK_STATE_CANCELED",
        "the script stopped"
    );
    let mut m = msg_v1("more");
    m["taskId"] = id;
    assert_eq!(
        a.v1_error("SendMessage", json!({"message": m})).await,
        -32004
    );
}

#[tokio::test]
async fn subscribe_to_terminal_or_unknown_tasks_fails() {
    let a = Agent::new().await;
    let t = a.task_v1("done").await;
    assert_eq!(
        a.v1_error("SubscribeToTask", json!({"id": t["id"]})).await,
        -32004
    );
    assert_eq!(
        a.v1_error("SubscribeToTask", json!({"id": "nope"})).await,
        -32001
    );
}

#[tokio::test]
async fn push_config_methods_without_the_capability() {
    let mut c = crate::client::fast_config();
    c.capabilities.push_notifications = false;
    let a = Agent::start(c).await;
    let t = a.task_v1("ask").await;
    let id = t["id"].clone();
    for (method, params) in [
        (
            "CreateTaskPushNotificationConfig",
            json!({"taskId": id, "url": "http://127.0.0.1:9/hook"}),
        ),
        (
            "GetTaskPushNotificationConfig",
            json!({"taskId": id, "id": "c"}),
        ),
        ("ListTaskPushNotificationConfigs", json!({"taskId": id})),
        (
            "DeleteTaskPushNotificationConfig",
            json!({"taskId": id, "id": "c"}),
        ),
    ] {
        assert_eq!(a.v1_error(method, params).await, -32003, "{method}");
    }
}

#[tokio::test]
async fn push_config_methods_with_the_capability() {
    let mut c = fast_config();
    c.capabilities.push_notifications = true;
    let a = Agent::start(c).await;
    let t = a.task_v1("ask").await;
    let id = t["id"].clone();
    let created = a
        .v1(
            "CreateTaskPushNotificationConfig",
            json!({"taskId": id, "url": "http://127.0.0.1:9/hook", "token": "tok",
                   "authentication": {"scheme": "Bearer", "credentials": "secret"}}),
        )
        .await;
    let cid = created["id"].clone();
    assert!(!cid.as_str().unwrap().is_empty());
    assert_eq!(created["taskId"], id);
    assert_eq!(created["authentication"]["scheme"], "Bearer");
    let got = a
        .v1(
            "GetTaskPushNotificationConfig",
            json!({"taskId": id, "id": cid}),
        )
        .await;
    assert_eq!(got, created);
    a.v1(
        "CreateTaskPushNotificationConfig",
        json!({"taskId": id, "url": "http://127.0.0.1:9/two"}),
    )
    .await;
    let list = a
        .v1("ListTaskPushNotificationConfigs", json!({"taskId": id}))
        .await;
    assert_eq!(list["configs"].as_array().unwrap().len(), 2);
    assert_eq!(list["nextPageToken"], "");
    let page = a
        .v1(
            "ListTaskPushNotificationConfigs",
            json!({"taskId": id, "pageSize": 1}),
        )
        .await;
    assert_eq!(page["configs"].as_array().unwrap().len(), 1);
    assert_eq!(page["nextPageToken"], "1");
    assert_eq!(
        a.v1(
            "DeleteTaskPushNotificationConfig",
            json!({"taskId": id, "id": cid})
        )
        .await,
        json!({})
    );
    assert_eq!(
        a.v1(
            "DeleteTaskPushNotificationConfig",
            json!({"taskId": id, "id": cid})
        )
        .await,
        json!({})
    );
    assert_eq!(
        a.v1_error(
            "GetTaskPushNotificationConfig",
            json!({"taskId": id, "id": cid})
        )
        .await,
        -32001
    );
    assert_eq!(
        a.v1_error(
            "CreateTaskPushNotificationConfig",
            json!({"taskId": "nope", "url": "http://127.0.0.1:9/"})
        )
        .await,
        -32001
    );
    assert_eq!(
        a.v1_error(
            "CreateTaskPushNotificationConfig",
            json!({"taskId": id, "url": "ftp://e.com/"})
        )
        .await,
        -32602
    );
    let r = a
        .v1(
            "SendMessage",
            json!({"message": msg_v1("ask"), "configuration": {"taskPushNotificationConfig": {"url": "http://127.0.0.1:9/inline"}}}),
        )
        .await;
    let list = a
        .v1(
            "ListTaskPushNotificationConfigs",
            json!({"taskId": r["task"]["id"]}),
        )
        .await;
    assert_eq!(list["configs"][0]["url"], "http://127.0.0.1:9/inline");
}

#[tokio::test]
async fn extended_card_per_configuration() {
    let a = Agent::new().await;
    assert_eq!(a.v1_error("GetExtendedAgentCard", json!({})).await, -32004);
    let mut c = fast_config();
    c.capabilities.extended_card = "on".into();
    let a = Agent::start(c).await;
    let card = a.v1("GetExtendedAgentCard", json!({})).await;
    assert!(
        card["skills"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "extended-echo")
    );
    let mut c = fast_config();
    c.capabilities.extended_card = "unconfigured".into();
    let a = Agent::start(c).await;
    assert_eq!(a.v1_error("GetExtendedAgentCard", json!({})).await, -32007);
}

#[tokio::test]
async fn invalid_params_are_rejected_with_the_field_named() {
    let a = Agent::new().await;
    let bad = [
        json!({"message": {"role": "ROLE_USER", "parts": [{"text": "x"}]}}),
        json!({"message": {"messageId": "m", "role": "ROLE_USER", "parts": []}}),
        json!({"message": {"messageId": "m", "parts": [{"text": "x"}]}}),
        json!({"message": {"messageId": "m", "role": "ROLE_BOSS", "parts": [{"text": "x"}]}}),
        json!({"message": {"messageId": "m", "role": "ROLE_USER", "parts": [{"text": "x", "url": "https://e"}]}}),
        json!({"message": {"messageId": 5, "role": "ROLE_USER", "parts": [{"text": "x"}]}}),
        json!({}),
    ];
    for params in bad {
        let r = a.rpc(Some("1.0"), "SendMessage", params.clone()).await;
        assert_eq!(r["error"]["code"], -32602, "{params}");
        assert_eq!(
            r["error"]["data"][0]["@type"],
            "type.googleapis.com/google.rpc.BadRequest"
        );
    }
    assert_eq!(a.v1_error("GetTask", json!({})).await, -32602);
}

#[tokio::test]
async fn unsupported_media_types_are_refused() {
    let a = Agent::new().await;
    let m = json!({"messageId": "m", "role": "ROLE_USER",
                   "parts": [{"raw": "aGk=", "mediaType": "application/x-unsupported"}]});
    assert_eq!(
        a.v1_error("SendMessage", json!({"message": m})).await,
        -32005
    );
    let m = json!({"messageId": "m", "role": "ROLE_USER",
                   "parts": [{"data": {"a": 1}}, {"raw": "aGk="}]});
    a.v1("SendMessage", json!({"message": m})).await;
}

#[tokio::test]
async fn streaming_methods_without_the_capability() {
    let mut c = fast_config();
    c.capabilities.streaming = false;
    let a = Agent::start(c).await;
    assert_eq!(
        a.v1_error("SendStreamingMessage", json!({"message": msg_v1("x")}))
            .await,
        -32004
    );
    let t = a.task_v1("ask").await;
    assert_eq!(
        a.v1_error("SubscribeToTask", json!({"id": t["id"]})).await,
        -32004
    );
}

#[tokio::test]
async fn tck_message_id_prefixes_drive_the_official_scenarios() {
    let a = Agent::new().await;
    let send = |id: &str| {
        let mut m = msg_v1("anything");
        m["messageId"] = json!(format!("{id}-{}", uuid::Uuid::new_v4()));
        json!({"message": m})
    };
    let r = a.v1("SendMessage", send("tck-complete-task")).await;
    assert_eq!(
        r["task"]["status"]["message"]["parts"][0]["text"],
        "Hello from TCK"
    );
    let r = a.v1("SendMessage", send("tck-artifact-file")).await;
    let p = &r["task"]["artifacts"][0]["parts"][0];
    assert_eq!(
        (p["filename"].clone(), p["mediaType"].clone()),
        (json!("output.txt"), json!("text/plain"))
    );
    assert!(p["raw"].is_string());
    let r = a.v1("SendMessage", send("tck-artifact-file-url")).await;
    assert_eq!(
        r["task"]["artifacts"][0]["parts"][0]["url"],
        "https://example.com/output.txt"
    );
    let r = a.v1("SendMessage", send("tck-artifact-data")).await;
    assert_eq!(
        r["task"]["artifacts"][0]["parts"][0]["data"],
        json!({"key": "value", "count": 42})
    );
    let r = a.v1("SendMessage", send("tck-message-response")).await;
    assert_eq!(r["message"]["parts"][0]["text"], "Direct message response");
    let r = a.v1("SendMessage", send("tck-input-required")).await;
    assert_eq!(r["task"]["status"]["state"], "TASK_STATE_INPUT_REQUIRED");
    let r = a.v1("SendMessage", send("tck-reject-task")).await;
    assert_eq!(r["task"]["status"]["state"], "TASK_STATE_REJECTED");
}
