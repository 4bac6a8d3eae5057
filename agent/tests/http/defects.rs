//! Each deliberate defect changes exactly the behaviour it names: with the defect on, the
//! probes of the requirements it lists in `breaks()` fail and every other probe still passes;
//! with no defect, every probe passes.

use std::collections::BTreeSet;
use std::time::Duration;

use a2a_reference_agent::defects::Defect;
use serde_json::{Value, json};

use crate::client::{Agent, Next, msg_v1, msg_v03, result};

const SHORT: Duration = Duration::from_millis(800);

/// The probed requirement ids.
const PROBES: &[&str] = &[
    "SEND-01",
    "SEND-02",
    "SEND-03",
    "SEND-04",
    "SEND-05",
    "SEND-06",
    "SEND-07",
    "SEND-08",
    "SEND-12",
    "SEND-13",
    "SEND-14",
    "SEND-15",
    "SEND-16",
    "CANCEL-01",
    "CANCEL-02",
    "CANCEL-03",
    "CANCEL-06",
    "GET-02",
    "GET-03",
    "GET-04",
    "SUB-01",
    "SUB-02",
    "SUB-03",
    "SUB-04",
    "STRM-06",
    "STRM-07",
    "STRM-08",
    "STRM-09",
    "STRM-10",
    "STRM-11",
    "STRM-12",
    "STRM-01",
    "STRM-13",
    "LIST-02",
    "LIST-03",
    "LIST-04",
    "LIST-05",
    "LIST-06",
    "LIST-07",
    "LIST-08",
    "LIST-11",
    "TX-06",
    "TX-07",
    "TX-10",
    "TX-11",
    "TX-12",
    "TX-21",
    "TX-23",
    "TX-25",
    "TX-28",
    "VER-01",
    "VER-02",
    "VER-04",
    "VER-05",
    "ERR-02",
    "ERR-03",
    "ERR-06",
    "CARD-03",
    "CARD-04",
    "CARD-19",
    "S-01",
    "SEC-INPUT-01",
];

/// A state name in 1.0 form whichever spelling the agent used (so that only TX-21 judges it).
fn state(v: &Value) -> String {
    let s = v.as_str().unwrap_or("");
    if s.starts_with("TASK_STATE_") || s.is_empty() {
        s.to_owned()
    } else {
        format!("TASK_STATE_{}", s.replace('-', "_").to_uppercase())
    }
}

fn is_final(state: &str) -> bool {
    [
        "COMPLETED",
        "FAILED",
        "CANCELED",
        "REJECTED",
        "INPUT_REQUIRED",
        "AUTH_REQUIRED",
    ]
    .iter()
    .any(|s| state.ends_with(s))
}

/// The task of a `SendMessage` result, wrapped or not.
fn task_of(r: &Value) -> &Value {
    r.get("task").unwrap_or(r)
}

/// Sends `text` and waits (by polling) until the task is terminal or interrupted.
async fn finished(a: &Agent, message: Value) -> Value {
    let r = a.v1("SendMessage", json!({"message": message})).await;
    let id = task_of(&r)["id"].clone();
    for _ in 0..250 {
        let t = a.v1("GetTask", json!({"id": id})).await;
        if is_final(&state(&t["status"]["state"])) {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("task never finished");
}

async fn done(a: &Agent, text: &str) -> Value {
    finished(a, msg_v1(text)).await
}

/// Starts a long task without waiting for it; returns its id.
async fn running(a: &Agent, text: &str) -> Value {
    let mut s = a
        .rpc_stream(
            Some("1.0"),
            "SendStreamingMessage",
            json!({"message": msg_v1(text)}),
        )
        .await;
    let first = result(&s.next().await).clone();
    first
        .get("task")
        .map(|t| t["id"].clone())
        .or_else(|| first.get("statusUpdate").map(|u| u["taskId"].clone()))
        .expect("a task id")
}

/// Every event until the stream ends or is quiet for `SHORT`, and whether it ended.
async fn drain(s: &mut crate::client::Sse) -> (Vec<Value>, bool) {
    let mut out = Vec::new();
    loop {
        match s.next_within(SHORT).await {
            Next::Event(v) => out.push(result(&v).clone()),
            Next::End => return (out, true),
            Next::Timeout => return (out, false),
        }
    }
}

fn event_state(e: &Value) -> Option<String> {
    e.get("task")
        .map(|t| &t["status"]["state"])
        .or_else(|| e.get("statusUpdate").map(|u| &u["status"]["state"]))
        .or_else(|| {
            (e["kind"] == "status-update" || e["kind"] == "task").then(|| &e["status"]["state"])
        })
        .map(state)
}

fn with_task(text: &str, task: &Value) -> Value {
    let mut m = msg_v1(text);
    m["taskId"] = task["id"].clone();
    m
}

async fn code(a: &Agent, version: Option<&str>, method: &str, params: Value) -> Option<i64> {
    a.rpc(version, method, params).await["error"]["code"].as_i64()
}

async fn card(a: &Agent) -> (reqwest::header::HeaderMap, Value) {
    let r = a
        .http
        .get(a.url("/.well-known/agent-card.json"))
        .send()
        .await
        .unwrap();
    let h = r.headers().clone();
    (h, r.json().await.unwrap())
}

/// Whether the requirement `id` holds on the agent.
#[allow(clippy::too_many_lines)]
async fn holds(a: &Agent, id: &str) -> bool {
    match id {
        "SEND-01" => {
            let t = a
                .v03("message/send", json!({"message": msg_v03("done")}))
                .await;
            t["kind"] == "task"
        }
        "SEND-02" => {
            let r = a.send_v1("done").await;
            r.as_object().is_some_and(|o| {
                o.len() == 1 && (o.contains_key("task") || o.contains_key("message"))
            })
        }
        "SEND-03" => {
            let r = a.send_v1("done").await;
            is_final(&state(&task_of(&r)["status"]["state"]))
        }
        "SEND-04" => {
            let r = a.v1("SendMessage", json!({"message": msg_v1("slow 10"), "configuration": {"returnImmediately": true}})).await;
            !is_final(&state(&task_of(&r)["status"]["state"]))
        }
        "SEND-05" => {
            let t = a
                .v03("message/send", json!({"message": msg_v03("done")}))
                .await;
            let mut m = msg_v03("again");
            m["taskId"] = t["id"].clone();
            code(a, None, "message/send", json!({"message": m}))
                .await
                .is_some()
        }
        "SEND-06" => {
            let t = done(a, "done").await;
            let c = code(
                a,
                Some("1.0"),
                "SendMessage",
                json!({"message": with_task("again", &t)}),
            )
            .await;
            let after = a.v1("GetTask", json!({"id": t["id"]})).await;
            c == Some(-32004) && after["status"] == t["status"]
        }
        "SEND-07" => {
            let m = with_task("x", &json!({"id": "no-such-task"}));
            code(a, Some("1.0"), "SendMessage", json!({"message": m})).await == Some(-32001)
        }
        "SEND-08" => {
            let m = json!({"messageId": "m", "role": "ROLE_USER", "parts": [{"raw": "aGk=", "mediaType": "application/x-unsupported"}]});
            code(a, Some("1.0"), "SendMessage", json!({"message": m})).await == Some(-32005)
        }
        "SEND-12" => {
            let t = done(a, "ask").await;
            let mut m = with_task("x", &t);
            m["contextId"] = json!("some-other-context");
            code(a, Some("1.0"), "SendMessage", json!({"message": m}))
                .await
                .is_some()
        }
        "SEND-13" => {
            let mut m = msg_v1("done");
            m["contextId"] = json!("client-context");
            let r = a.v1("SendMessage", json!({"message": m})).await;
            task_of(&r)["contextId"] == "client-context"
        }
        "SEND-14" => {
            let no_parts = json!({"messageId": "m", "role": "ROLE_USER", "parts": []});
            let no_role = json!({"messageId": "m2", "parts": [{"text": "hi"}]});
            code(a, Some("1.0"), "SendMessage", json!({"message": no_parts})).await == Some(-32602)
                && code(a, Some("1.0"), "SendMessage", json!({"message": no_role})).await
                    == Some(-32602)
        }
        "SEND-15" => {
            let r = a.send_v1("message").await;
            r.get("message").unwrap_or(&r)["contextId"]
                .as_str()
                .is_some_and(|c| !c.is_empty())
        }
        "SEND-16" => {
            let r = a
                .v1(
                    "SendMessage",
                    json!({"message": msg_v1("ask"), "configuration": {"historyLength": 1}}),
                )
                .await;
            task_of(&r)["history"]
                .as_array()
                .is_none_or(|h| h.len() <= 1)
        }
        "CANCEL-01" => {
            let id = running(a, "slow 100").await;
            let t = a.v1("CancelTask", json!({"id": id})).await;
            state(&t["status"]["state"]) == "TASK_STATE_CANCELED"
        }
        "CANCEL-02" => {
            let t = done(a, "done").await;
            code(a, Some("1.0"), "CancelTask", json!({"id": t["id"]})).await == Some(-32002)
        }
        "CANCEL-03" => {
            code(a, Some("1.0"), "CancelTask", json!({"id": "nope"})).await == Some(-32001)
        }
        "CANCEL-06" => {
            let id = running(a, "slow 100").await;
            a.v1("CancelTask", json!({"id": id})).await;
            let c = code(
                a,
                Some("1.0"),
                "SendMessage",
                json!({"message": with_task("x", &json!({"id": id}))}),
            )
            .await;
            c.is_some()
        }
        "GET-02" => code(a, Some("1.0"), "GetTask", json!({"id": "nope"})).await == Some(-32001),
        "GET-03" => {
            let t = done(a, "ask").await;
            finished(a, with_task("more", &t)).await;
            let all = a.v1("GetTask", json!({"id": t["id"]})).await;
            let one = a
                .v1("GetTask", json!({"id": t["id"], "historyLength": 1}))
                .await;
            let h = one["history"].as_array().cloned().unwrap_or_default();
            h.len() <= 1 && h.last() == all["history"].as_array().unwrap().last()
        }
        "GET-04" => {
            let t = done(a, "ask").await;
            let got = a
                .v1("GetTask", json!({"id": t["id"], "historyLength": 0}))
                .await;
            got["history"].as_array().is_none_or(Vec::is_empty)
        }
        "SUB-01" => {
            let id = running(a, "slow 10").await;
            let mut s = a
                .rpc_stream(Some("1.0"), "SubscribeToTask", json!({"id": id}))
                .await;
            result(&s.next().await).get("task").is_some()
        }
        "SUB-02" => {
            let t = done(a, "done").await;
            let s = a
                .rpc_stream(Some("1.0"), "SubscribeToTask", json!({"id": t["id"]}))
                .await;
            !s.is_event_stream() && s.json().await["error"]["code"] == -32004
        }
        "SUB-03" => {
            let s = a
                .rpc_stream(Some("1.0"), "SubscribeToTask", json!({"id": "nope"}))
                .await;
            !s.is_event_stream() && s.json().await["error"]["code"] == -32001
        }
        "SUB-04" => {
            let id = running(a, "slow 3").await;
            let mut s = a
                .rpc_stream(Some("1.0"), "SubscribeToTask", json!({"id": id}))
                .await;
            let (events, ended) = drain(&mut s).await;
            let states: Vec<String> = events.iter().filter_map(event_state).collect();
            ended && states.last().is_some_and(|s| s == "TASK_STATE_COMPLETED")
        }
        "STRM-06" => {
            let mut s = a
                .rpc_stream(
                    Some("1.0"),
                    "SendStreamingMessage",
                    json!({"message": msg_v1("done")}),
                )
                .await;
            result(&s.next().await).get("task").is_some()
        }
        "STRM-07" => {
            let mut s = a
                .rpc_stream(
                    Some("1.0"),
                    "SendStreamingMessage",
                    json!({"message": msg_v1("message")}),
                )
                .await;
            let (events, ended) = drain(&mut s).await;
            ended && events.len() == 1 && events[0].get("message").is_some()
        }
        "STRM-08" => {
            let mut s = a
                .rpc_stream(
                    Some("1.0"),
                    "SendStreamingMessage",
                    json!({"message": msg_v1("done")}),
                )
                .await;
            let (events, ended) = drain(&mut s).await;
            let states: Vec<String> = events.iter().filter_map(event_state).collect();
            ended && states.last().is_some_and(|s| s == "TASK_STATE_COMPLETED")
        }
        "STRM-09" => {
            let mut s = a
                .rpc_stream(None, "message/stream", json!({"message": msg_v03("done")}))
                .await;
            let (events, _) = drain(&mut s).await;
            let updates: Vec<&Value> = events
                .iter()
                .filter(|e| e["kind"] == "status-update")
                .collect();
            updates.iter().all(|u| u["final"].is_boolean())
                && updates.iter().filter(|u| u["final"] == true).count() == 1
                && updates.last().is_some_and(|u| u["final"] == true)
                && events.last().is_some_and(|e| e["final"] == true)
        }
        "STRM-10" => {
            let mut s = a
                .rpc_stream(
                    Some("1.0"),
                    "SendStreamingMessage",
                    json!({"message": msg_v1("chunks")}),
                )
                .await;
            let (events, _) = drain(&mut s).await;
            let states: Vec<String> = events.iter().filter_map(event_state).collect();
            let first_terminal = states.iter().position(|s| s.ends_with("COMPLETED"));
            first_terminal.is_some_and(|i| i == states.len() - 1)
        }
        "STRM-12" => {
            let id = running(a, "slow 5").await;
            let mut s1 = a
                .rpc_stream(Some("1.0"), "SubscribeToTask", json!({"id": id}))
                .await;
            let mut s2 = a
                .rpc_stream(Some("1.0"), "SubscribeToTask", json!({"id": id}))
                .await;
            s1.next().await;
            s2.next().await;
            drop(s1);
            tokio::time::sleep(Duration::from_millis(30)).await;
            let (events, _) = drain(&mut s2).await;
            events
                .iter()
                .filter_map(event_state)
                .any(|s| s == "TASK_STATE_COMPLETED")
        }
        "STRM-01" => {
            // Only an agent whose card does not declare streaming is concerned.
            let (_, c) = card(a).await;
            if c["capabilities"]["streaming"] == true {
                return true;
            }
            let s = a
                .rpc_stream(
                    Some("1.0"),
                    "SendStreamingMessage",
                    json!({"message": msg_v1("done")}),
                )
                .await;
            !s.is_event_stream() && s.json().await["error"]["code"] == -32004
        }
        "STRM-13" => {
            let mut s = a
                .rpc_stream(
                    Some("1.0"),
                    "SendStreamingMessage",
                    json!({"message": msg_v1("chunks")}),
                )
                .await;
            let (events, _) = drain(&mut s).await;
            let updates: Vec<&Value> = events
                .iter()
                .filter_map(|e| e.get("statusUpdate").or_else(|| e.get("artifactUpdate")))
                .collect();
            !updates.is_empty()
                && updates
                    .iter()
                    .all(|u| u["contextId"].as_str().is_some_and(|c| !c.is_empty()))
        }
        "STRM-11" => {
            let id = running(a, "slow 5").await;
            let mut s1 = a
                .rpc_stream(Some("1.0"), "SubscribeToTask", json!({"id": id}))
                .await;
            let mut s2 = a
                .rpc_stream(Some("1.0"), "SubscribeToTask", json!({"id": id}))
                .await;
            let ((e1, _), (e2, _)) = tokio::join!(drain(&mut s1), drain(&mut s2));
            let completed = |e: &[Value]| {
                e.iter()
                    .filter_map(event_state)
                    .any(|s| s == "TASK_STATE_COMPLETED")
            };
            completed(&e1) && completed(&e2) && e1.len() > 1 && e1[1..].ends_with(&e2[1..])
        }
        "LIST-02" => {
            done(a, "done").await;
            let p = a.v1("ListTasks", json!({})).await;
            ["tasks", "nextPageToken", "pageSize", "totalSize"]
                .iter()
                .all(|k| p.get(*k).is_some())
        }
        "LIST-03" => {
            done(a, "one").await;
            let p = a.v1("ListTasks", json!({"pageSize": 100})).await;
            p["nextPageToken"] == ""
        }
        "LIST-04" => {
            done(a, "older").await;
            tokio::time::sleep(Duration::from_millis(5)).await;
            done(a, "newer").await;
            let p = a.v1("ListTasks", json!({"pageSize": 100})).await;
            let stamps: Vec<String> = p["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["status"]["timestamp"].as_str().unwrap_or("").to_owned())
                .collect();
            stamps.len() >= 2 && stamps.windows(2).all(|w| w[0] >= w[1])
        }
        "LIST-05" => {
            done(a, "done").await;
            let p = a.v1("ListTasks", json!({})).await;
            p["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t.get("artifacts").is_none())
        }
        "LIST-06" => {
            let t = done(a, "done").await;
            let p = a
                .v1(
                    "ListTasks",
                    json!({"contextId": t["contextId"], "includeArtifacts": true}),
                )
                .await;
            let artifacts = &t["artifacts"];
            artifacts.as_array().is_some_and(|a| !a.is_empty())
                && p["tasks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|l| l["id"] == t["id"] && &l["artifacts"] == artifacts)
        }
        "LIST-07" => {
            for i in 0..3 {
                done(a, &format!("t{i}")).await;
            }
            let mut seen = BTreeSet::new();
            let mut token = json!("");
            let mut pages_ok = true;
            let mut total = 0;
            for _ in 0..200 {
                let p = a
                    .v1("ListTasks", json!({"pageSize": 2, "pageToken": token}))
                    .await;
                total = p["totalSize"].as_u64().unwrap_or(0);
                let tasks = p["tasks"].as_array().unwrap();
                pages_ok &= tasks.len() <= 2;
                for t in tasks {
                    pages_ok &= seen.insert(t["id"].to_string());
                }
                token = p.get("nextPageToken").cloned().unwrap_or(json!(""));
                if token == "" {
                    break;
                }
            }
            pages_ok && seen.len() as u64 == total && total >= 3
        }
        "LIST-08" => {
            let mut m = msg_v1("done");
            m["contextId"] = json!("ctx-a");
            finished(a, m).await;
            done(a, "elsewhere").await;
            let p = a.v1("ListTasks", json!({"contextId": "ctx-a"})).await;
            p["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["contextId"] == "ctx-a")
        }
        "LIST-11" => {
            done(a, "ask").await;
            let p = a.v1("ListTasks", json!({"historyLength": 0})).await;
            p["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["history"].as_array().is_none_or(Vec::is_empty))
        }
        "TX-06" => {
            let mut ok = true;
            for id in [json!(42), json!("s-1")] {
                let body = json!({"jsonrpc": "2.0", "id": id, "method": "ListTasks", "params": {}});
                let (_, r) = a.rpc_raw(Some("1.0"), body.to_string()).await;
                ok &= r["id"] == id
                    && r["jsonrpc"] == "2.0"
                    && (r.get("result").is_some() != r.get("error").is_some());
            }
            ok
        }
        "TX-07" | "SEC-INPUT-01" => {
            let (status, r) = a.rpc_raw(Some("1.0"), "{bad").await;
            status < 500 && r["error"]["code"] == -32700 && r["id"].is_null()
        }
        "TX-10" => code(a, Some("1.0"), "FooBar", json!({})).await == Some(-32601),
        "TX-11" => {
            let (_, r) = a
                .rpc_raw(Some("1.0"), r#"{"jsonrpc":"1.0","method":1}"#)
                .await;
            r["error"]["code"] == -32600
        }
        "TX-12" => {
            let m = json!({"role": "ROLE_USER", "parts": [{"text": "x"}]});
            code(a, Some("1.0"), "SendMessage", json!({"message": m})).await == Some(-32602)
        }
        "TX-21" => {
            let t = done(a, "done").await;
            t["status"]["state"]
                .as_str()
                .is_some_and(|s| s.starts_with("TASK_STATE_"))
                && t["history"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|m| m["role"].as_str().is_some_and(|r| r.starts_with("ROLE_")))
        }
        "TX-23" => {
            let t = done(a, "done").await;
            t["status"]["timestamp"]
                .as_str()
                .is_some_and(|s| s.ends_with('Z'))
        }
        "TX-25" => {
            let t = a
                .v03("message/send", json!({"message": msg_v03("done")}))
                .await;
            let mut s = a
                .rpc_stream(None, "message/stream", json!({"message": msg_v03("done")}))
                .await;
            let (events, _) = drain(&mut s).await;
            t["kind"] == "task"
                && events.iter().all(|e| e["kind"].is_string())
                && events
                    .iter()
                    .filter(|e| e["kind"] == "status-update")
                    .all(|e| e["final"].is_boolean())
        }
        "TX-28" => {
            let r = a
                .http
                .post(a.url("/jsonrpc"))
                .header("a2a-version", "99.0")
                .body(
                    json!({"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": "x"}})
                        .to_string(),
                )
                .send()
                .await
                .unwrap();
            r.json::<Value>().await.unwrap()["error"]["code"] == -32009
        }
        "VER-01" => code(a, Some("99.0"), "GetTask", json!({"id": "x"})).await == Some(-32009),
        "VER-02" => {
            let r = a.send_v1("done").await;
            !r.to_string().contains("\"kind\"")
        }
        "VER-04" => {
            a.rpc(Some("1.0.1"), "ListTasks", json!({})).await["result"]["tasks"].is_array()
        }
        "VER-05" => {
            let (status, _, e) = a
                .rest_with("GET", "/tasks/x?A2A-Version=99.0", None, None)
                .await;
            status == 400 && e["error"]["details"][0]["reason"] == "VERSION_NOT_SUPPORTED"
        }
        "ERR-02" => {
            let r = a.rpc(Some("1.0"), "GetTask", json!({"id": "x"})).await;
            r["error"]["data"]
                .as_array()
                .is_none_or(|d| d.iter().all(|x| x["@type"].is_string()))
        }
        "ERR-03" => {
            let (_, _, e) = a.rest("GET", "/tasks/nope", None).await;
            let d = &e["error"]["details"][0];
            d["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
                && d["reason"] == "TASK_NOT_FOUND"
                && d["domain"] == "a2a-protocol.org"
        }
        "ERR-06" => {
            let (s1, _, _) = a.rest("GET", "/tasks/nope", None).await;
            let (s2, _, _) = a
                .rest("GET", "/tasks/nope/pushNotificationConfigs", None)
                .await;
            let c1 = code(a, Some("1.0"), "GetTask", json!({"id": "nope"})).await;
            let c2 = code(
                a,
                Some("1.0"),
                "ListTaskPushNotificationConfigs",
                json!({"taskId": "nope"}),
            )
            .await;
            // Push is on by default: an unknown task is -32001 / 404 on its push routes too.
            s1 == 404 && s2 == 404 && c1 == Some(-32001) && c2 == Some(-32001)
        }
        "CARD-03" | "CARD-19" => {
            let (_, c) = card(a).await;
            [
                "name",
                "description",
                "url",
                "version",
                "protocolVersion",
                "capabilities",
                "defaultInputModes",
                "defaultOutputModes",
                "skills",
            ]
            .iter()
            .all(|k| c.get(*k).is_some())
        }
        "CARD-04" => {
            let (_, c) = card(a).await;
            [
                "name",
                "description",
                "supportedInterfaces",
                "version",
                "capabilities",
                "defaultInputModes",
                "defaultOutputModes",
                "skills",
            ]
            .iter()
            .all(|k| c.get(*k).is_some())
        }
        "S-01" => {
            let (h, _) = card(a).await;
            h.contains_key("etag")
                && h.get("cache-control")
                    .is_some_and(|v| v.to_str().unwrap_or("").contains("max-age"))
        }
        other => panic!("no probe for {other}"),
    }
}

/// The probes that fail on an agent.
async fn failing(a: &Agent) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for id in PROBES {
        if !holds(a, id).await {
            out.insert((*id).to_owned());
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_correct_agent_passes_every_probe() {
    let a = Agent::new().await;
    assert_eq!(failing(&a).await, BTreeSet::new());
}

#[test]
fn every_listed_requirement_has_a_probe() {
    // Security defects are probed in `security_defects.rs`.
    for d in Defect::ALL.iter().filter(|d| !d.is_security()) {
        for id in d.breaks() {
            assert!(
                PROBES.contains(id),
                "{} lists {id}, which has no probe",
                d.name()
            );
        }
    }
}

async fn exactly(defect: Defect) {
    let a = Agent::with_defect(defect).await;
    let expected: BTreeSet<String> = defect.breaks().iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(failing(&a).await, expected, "defect {}", defect.name());
}

macro_rules! defect_tests {
    ($($name:ident => $variant:ident,)+) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                exactly(Defect::$variant).await;
            }
        )+

        #[test]
        fn every_defect_has_a_test() {
            let tested = [$(Defect::$variant),+];
            for d in Defect::ALL.iter().filter(|d| !d.is_security()) {
                assert!(tested.contains(d), "no test for {}", d.name());
            }
        }
    };
}

defect_tests! {
    terminal_accepts_messages => TerminalAcceptsMessages,
    cancel_terminal_succeeds => CancelTerminalSucceeds,
    cancel_ignored => CancelIgnored,
    unknown_task_wrong_code => UnknownTaskWrongCode,
    unknown_task_id_creates_task => UnknownTaskIdCreatesTask,
    stream_not_closed_at_terminal => StreamNotClosedAtTerminal,
    stream_without_task => StreamWithoutTask,
    state_regresses_after_completed => StateRegressesAfterCompleted,
    message_stream_continues => MessageStreamContinues,
    new_subscriber_closes_others => NewSubscriberClosesOthers,
    subscribe_terminal_accepted => SubscribeTerminalAccepted,
    streaming_when_undeclared => StreamingWhenUndeclared,
    event_without_context_id => EventWithoutContextId,
    history_not_truncated => HistoryNotTruncated,
    next_page_token_missing => NextPageTokenMissing,
    list_oldest_first => ListOldestFirst,
    list_artifacts_always => ListArtifactsAlways,
    list_artifacts_never => ListArtifactsNever,
    list_page_size_ignored => ListPageSizeIgnored,
    list_filter_ignored => ListFilterIgnored,
    parse_error_with_id => ParseErrorWithId,
    integer_id_as_string => IntegerIdAsString,
    unknown_method_wrong_code => UnknownMethodWrongCode,
    invalid_request_wrong_code => InvalidRequestWrongCode,
    invalid_params_accepted => InvalidParamsAccepted,
    v03_status_without_final => V03StatusWithoutFinal,
    v03_kind_missing => V03KindMissing,
    v1_kind_discriminator => V1KindDiscriminator,
    v1_lowercase_states => V1LowercaseStates,
    timestamps_with_offset => TimestampsWithOffset,
    send_result_unwrapped => SendResultUnwrapped,
    blocking_returns_early => BlockingReturnsEarly,
    return_immediately_ignored => ReturnImmediatelyIgnored,
    context_id_substituted => ContextIdSubstituted,
    context_mismatch_accepted => ContextMismatchAccepted,
    message_without_context_id => MessageWithoutContextId,
    media_type_not_checked => MediaTypeNotChecked,
    version_header_ignored => VersionHeaderIgnored,
    patch_version_rejected => PatchVersionRejected,
    rest_error_without_error_info => RestErrorWithoutErrorInfo,
    error_data_without_type => ErrorDataWithoutType,
    card_missing_description => CardMissingDescription,
    card_without_cache_headers => CardWithoutCacheHeaders,
}
