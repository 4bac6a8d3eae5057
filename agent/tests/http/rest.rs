//! A2A 1.0 over HTTP+JSON: every route, with and without a tenant.

use serde_json::{Value, json};

use crate::client::{Agent, fast_config, msg_v1, v1_state};

async fn each_prefix(check: impl AsyncFn(&Agent, &str)) {
    let a = Agent::new().await;
    for prefix in ["", "/acme"] {
        check(&a, prefix).await;
    }
}

#[tokio::test]
async fn send_get_list_cancel_on_every_route_form() {
    each_prefix(async |a: &Agent, p: &str| {
        let (status, ct, body) = a.rest("POST", &format!("{p}/message:send"), Some(json!({"message": msg_v1("hi")}))).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(ct, "application/a2a+json");
        let id = body["task"]["id"].as_str().unwrap().to_owned();
        assert_eq!(body["task"]["status"]["state"], "TASK_STATE_COMPLETED");

        let (status, _, t) = a.rest("GET", &format!("{p}/tasks/{id}?historyLength=0"), None).await;
        assert_eq!(status, 200);
        assert!(t.get("history").is_none());

        let (status, _, page) = a.rest("GET", &format!("{p}/tasks?pageSize=10&includeArtifacts=true"), None).await;
        assert_eq!(status, 200);
        assert_eq!(page["tasks"][0]["id"], id.as_str());
        assert!(page["tasks"][0]["artifacts"].is_array());
        assert_eq!(page["nextPageToken"], "");

        let (_, _, body) = a
            .rest("POST", &format!("{p}/message:send"), Some(json!({"message": msg_v1("slow 50"), "configuration": {"returnImmediately": true}})))
            .await;
        let slow = body["task"]["id"].as_str().unwrap().to_owned();
        let (status, _, t) = a.rest("POST", &format!("{p}/tasks/{slow}:cancel"), Some(json!({}))).await;
        assert_eq!((status, t["status"]["state"].clone()), (200, json!("TASK_STATE_CANCELED")));
        let (status, _, e) = a.rest("POST", &format!("{p}/tasks/{slow}:cancel"), None).await;
        assert_eq!(status, 400);
        assert_eq!(e["error"]["details"][0]["reason"], "TASK_NOT_CANCELABLE");
        assert_eq!(e["error"]["status"], "FAILED_PRECONDITION");
    })
    .await;
}

#[tokio::test]
async fn streams_on_both_route_forms_and_both_subscribe_verbs() {
    each_prefix(async |a: &Agent, p: &str| {
        let mut s = a.rest_stream("POST", &format!("{p}/message:stream"), Some(json!({"message": msg_v1("done")}))).await;
        assert!(s.is_event_stream());
        let events = s.rest().await;
        assert!(events[0].get("task").is_some(), "bare StreamResponse");
        assert_eq!(v1_state(events.last().unwrap()), Some("TASK_STATE_COMPLETED"));
        for verb in ["GET", "POST"] {
            let (_, _, body) = a
                .rest("POST", &format!("{p}/message:send"), Some(json!({"message": msg_v1("slow 3"), "configuration": {"returnImmediately": true}})))
                .await;
            let id = body["task"]["id"].as_str().unwrap().to_owned();
            let mut s = a.rest_stream(verb, &format!("{p}/tasks/{id}:subscribe"), None).await;
            let events = s.rest().await;
            assert!(events[0].get("task").is_some(), "{verb}");
            assert_eq!(v1_state(events.last().unwrap()), Some("TASK_STATE_COMPLETED"));
        }
    })
    .await;
}

#[tokio::test]
async fn push_config_routes() {
    let mut c = fast_config();
    c.capabilities.push_notifications = true;
    let a = Agent::start(c).await;
    for p in ["", "/acme"] {
        let (_, _, body) = a
            .rest(
                "POST",
                &format!("{p}/message:send"),
                Some(json!({"message": msg_v1("ask")})),
            )
            .await;
        let id = body["task"]["id"].as_str().unwrap().to_owned();
        let base = format!("{p}/tasks/{id}/pushNotificationConfigs");
        let (status, _, created) = a
            .rest("POST", &base, Some(json!({"url": "http://127.0.0.1:9/h"})))
            .await;
        assert_eq!(status, 200, "{created}");
        assert_eq!(created["taskId"], id.as_str());
        let cid = created["id"].as_str().unwrap().to_owned();
        let (_, _, got) = a.rest("GET", &format!("{base}/{cid}"), None).await;
        assert_eq!(got, created);
        let (_, _, list) = a.rest("GET", &base, None).await;
        assert_eq!(list["configs"], json!([created]));
        let (status, _, del) = a.rest("DELETE", &format!("{base}/{cid}"), None).await;
        assert_eq!((status, del), (200, json!({})));
        let (status, _, e) = a.rest("GET", &format!("{base}/{cid}"), None).await;
        assert_eq!(status, 404);
        assert_eq!(e["error"]["details"][0]["reason"], "TASK_NOT_FOUND");
        let (status, _, _) = a
            .rest(
                "POST",
                &base,
                Some(json!({"taskId": "other", "url": "http://127.0.0.1:9/"})),
            )
            .await;
        assert_eq!(status, 400, "a body taskId that differs from the path");
    }
}

#[tokio::test]
async fn extended_card_route() {
    let a = Agent::new().await;
    let (status, _, e) = a.rest("GET", "/extendedAgentCard", None).await;
    assert_eq!(status, 400);
    assert_eq!(e["error"]["details"][0]["reason"], "UNSUPPORTED_OPERATION");
    let mut c = fast_config();
    c.capabilities.extended_card = "on".into();
    let a = Agent::start(c).await;
    for path in ["/extendedAgentCard", "/acme/extendedAgentCard"] {
        let (status, _, card) = a.rest("GET", path, None).await;
        assert_eq!(status, 200);
        assert!(card["supportedInterfaces"].is_array());
    }
}

#[tokio::test]
async fn errors_are_google_rpc_status_with_error_info() {
    let a = Agent::new().await;
    let (status, ct, e) = a.rest("GET", "/tasks/nope", None).await;
    assert_eq!((status, ct.as_str()), (404, "application/a2a+json"));
    assert_eq!(e["error"]["code"], 404);
    assert_eq!(e["error"]["status"], "NOT_FOUND");
    let info = &e["error"]["details"][0];
    assert_eq!(info["@type"], "type.googleapis.com/google.rpc.ErrorInfo");
    assert_eq!(info["reason"], "TASK_NOT_FOUND");
    assert_eq!(info["domain"], "a2a-protocol.org");
    let (status, _, e) = a.rest("GET", "/tasks/done:subscribe", None).await;
    assert_eq!(status, 404, "{e}");
    let (status, _, _) = a.rest("GET", "/no/such/route/here", None).await;
    assert_eq!(status, 404);
    let (status, _, _) = a.rest("GET", "/message:send", None).await;
    assert_eq!(status, 405);
    let (status, _, e) = a
        .rest(
            "POST",
            "/message:send",
            Some(json!({"message": {"role": "ROLE_USER"}})),
        )
        .await;
    assert_eq!(
        (status, e["error"]["status"].clone()),
        (400, json!("INVALID_ARGUMENT"))
    );
    let (status, _, e) = a.rest("GET", "/tasks?pageSize=500", None).await;
    assert_eq!(status, 400, "{e}");
    let t = a.task_v1("done").await;
    let (status, _, e) = a
        .rest(
            "GET",
            &format!("/tasks/{}:subscribe", t["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(
        (status, e["error"]["details"][0]["reason"].clone()),
        (400, json!("UNSUPPORTED_OPERATION"))
    );
}

#[tokio::test]
async fn the_1_0_0_table_uses_its_own_statuses_and_content_type() {
    let mut c = fast_config();
    c.protocol.revision = "1.0.0".into();
    let a = Agent::start(c).await;
    let t = a.task_v1("done").await;
    let (status, ct, e) = a
        .rest(
            "POST",
            &format!("/tasks/{}:cancel", t["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!((status, ct.as_str()), (409, "application/json"));
    assert_eq!(e["error"]["status"], "FAILED_PRECONDITION");
    let (status, _, e) = a.rest_with("GET", "/tasks", None, Some("9.9")).await;
    assert_eq!(
        (status, e["error"]["status"].clone()),
        (400, json!("UNIMPLEMENTED"))
    );
}

#[tokio::test]
async fn tenants_do_not_see_each_others_tasks() {
    let a = Agent::new().await;
    let (_, _, body) = a
        .rest(
            "POST",
            "/acme/message:send",
            Some(json!({"message": msg_v1("ask")})),
        )
        .await;
    let id = body["task"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        a.rest("GET", &format!("/acme/tasks/{id}"), None).await.0,
        200
    );
    for path in [format!("/globex/tasks/{id}"), format!("/tasks/{id}")] {
        let (status, _, e) = a.rest("GET", &path, None).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(e["error"]["details"][0]["reason"], "TASK_NOT_FOUND");
    }
    let (_, _, page) = a.rest("GET", "/globex/tasks", None).await;
    assert_eq!(page["tasks"], json!([]));
    let r = a.v1("GetTask", json!({"id": id, "tenant": "acme"})).await;
    assert_eq!(r["id"], id.as_str());
}

#[tokio::test]
async fn a_request_without_a2a_version_means_0_3_which_rest_does_not_serve() {
    let a = Agent::new().await;
    let (status, _, e) = a.rest_with("GET", "/tasks", None, None).await;
    assert_eq!(status, 400);
    assert_eq!(e["error"]["details"][0]["reason"], "VERSION_NOT_SUPPORTED");
    let (status, _, _): (u16, String, Value) = a
        .rest_with("GET", "/tasks?A2A-Version=1.0", None, None)
        .await;
    assert_eq!(status, 200);
}
