//! Authentication, authorization, the message-integrity extension and webhook deliveries, over
//! real HTTP on 127.0.0.1.

use std::time::Duration;

use a2a_security::integrity::{EXTENSION_URI, IntegrityHeaders};
use a2a_security::webhook::{WebhookHeaders, WebhookSecret, WebhookVerifier};
use a2a_security::{ReplayCache, SystemClock};
use serde_json::{Value, json};

use crate::client::{Agent, msg_v1, msg_v03};
use crate::sec::{
    self, Call, Receiver, SCRIPTED_SCOPE, WEBHOOK_SECRET, api_key_config, bearer_config, token,
    with_integrity,
};

async fn start(config: a2a_reference_agent::config::Config) -> Agent {
    Agent::start(config).await
}

async fn send(a: &Agent, call: Call<'_>) -> sec::Reply {
    sec::send(&a.http, &a.base, call).await
}

fn send_params(text: &str) -> Value {
    json!({"message": msg_v1(text)})
}

#[tokio::test]
async fn every_binding_and_route_needs_a_bearer_token() {
    let a = start(bearer_config()).await;
    let calls = vec![
        Call::rpc(Some("1.0"), "SendMessage", send_params("hello")),
        Call::rpc(Some("1.0"), "GetTask", json!({"id": "x"})),
        Call::rpc(Some("1.0"), "SendStreamingMessage", send_params("hello")),
        Call::rpc(Some("1.0"), "GetExtendedAgentCard", json!({})),
        Call::rpc(None, "tasks/get", json!({"id": "x"})),
        Call::rpc(None, "agent/getAuthenticatedExtendedCard", json!({})),
        Call::new("POST", "/message:send").json(&send_params("hello")),
        Call::new("POST", "/message:stream").json(&send_params("hello")),
        Call::new("GET", "/tasks"),
        Call::new("GET", "/tasks/x"),
        Call::new("GET", "/tasks/x:subscribe"),
        Call::new("GET", "/tasks/x/pushNotificationConfigs"),
        Call::new("DELETE", "/tasks/x/pushNotificationConfigs/c"),
        Call::new("GET", "/extendedAgentCard"),
        Call::new("GET", "/acme/tasks"),
    ];
    for call in calls {
        let what = format!("{} {}", call.method, call.path);
        let r = send(&a, call).await;
        assert_eq!(r.status, 401, "{what}: {}", r.text);
        assert_eq!(
            r.header("www-authenticate").as_deref(),
            Some("Bearer realm=\"a2a\""),
            "{what}"
        );
        let body = r.json();
        if what.ends_with("/jsonrpc") {
            assert_eq!(body["id"], Value::Null);
            assert_eq!(body["error"]["code"], -32000);
        } else {
            assert_eq!(body["error"]["status"], "UNAUTHENTICATED", "{what}");
        }
    }
    // The public card and its JWKS stay public, and declare the scheme.
    let card: Value = a
        .http
        .get(a.url("/.well-known/agent-card.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        card["securitySchemes"]["bearer"]["httpAuthSecurityScheme"]["scheme"],
        "Bearer"
    );
    // The default card has the 1.0 shapes only (`card.security_shapes = "1.0"`).
    assert!(card["securitySchemes"]["bearer"].get("type").is_none());
    assert!(card.get("security").is_none());
    // ProtoJSON omits the empty `list` of a StringList.
    assert_eq!(
        card["securityRequirements"][0]["schemes"]["bearer"],
        json!({})
    );
    let scripted = card["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "scripted")
        .unwrap();
    assert_eq!(
        scripted["securityRequirements"][0]["schemes"]["bearer"]["list"],
        json!([SCRIPTED_SCOPE])
    );
}

#[tokio::test]
async fn bad_tokens_are_invalid_token_without_echo() {
    let a = start(bearer_config()).await;
    let wrong_aud = sec::mint(
        &json!({"iss": sec::ISSUER, "aud": "someone-else", "sub": "alice",
        "exp": sec::now() + 600, "jti": "j-aud"}),
    );
    for (name, t) in [
        ("garbage", "not.a.token".to_owned()),
        ("expired", sec::expired("alice")),
        ("unsigned", sec::unsigned("alice")),
        ("wrong audience", wrong_aud),
    ] {
        let r = send(
            &a,
            Call::rpc(Some("1.0"), "GetTask", json!({"id": "x"})).bearer(&t),
        )
        .await;
        assert_eq!(r.status, 401, "{name}");
        let challenge = r.header("www-authenticate").unwrap();
        assert!(
            challenge
                .starts_with("Bearer realm=\"a2a\", error=\"invalid_token\", error_description="),
            "{name}: {challenge}"
        );
        assert!(!challenge.contains(&t) && !r.text.contains(&t), "{name}");
    }
    // Another scheme is no bearer credential: a challenge without an error code.
    let r = send(
        &a,
        Call::rpc(Some("1.0"), "GetTask", json!({"id": "x"})).header("authorization", "Basic YTpi"),
    )
    .await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.header("www-authenticate").as_deref(),
        Some("Bearer realm=\"a2a\"")
    );
}

#[tokio::test]
async fn a_token_is_accepted_once() {
    let a = start(bearer_config()).await;
    let t = token("alice", "");
    let first = send(
        &a,
        Call::rpc(Some("1.0"), "SendMessage", send_params("hello")).bearer(&t),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(
        first.json()["result"]["task"]["status"]["state"],
        "TASK_STATE_COMPLETED"
    );
    let again = send(
        &a,
        Call::rpc(Some("1.0"), "GetTask", json!({"id": "x"})).bearer(&t),
    )
    .await;
    assert_eq!(again.status, 401);
    // A token without jti is refused when replay protection is on.
    let no_jti = sec::mint(
        &json!({"iss": sec::ISSUER, "aud": sec::AUDIENCE, "sub": "alice",
        "exp": sec::now() + 600}),
    );
    let r = send(
        &a,
        Call::rpc(Some("1.0"), "GetTask", json!({"id": "x"})).bearer(&no_jti),
    )
    .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn a_skill_scope_is_enforced_with_403() {
    let a = start(bearer_config()).await;
    // `ask` uses the scripted skill, which needs the scope.
    let r = send(
        &a,
        Call::rpc(Some("1.0"), "SendMessage", send_params("ask")).bearer(&token("alice", "")),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.json()["id"], 7);
    assert_eq!(r.json()["error"]["code"], -32000);
    let challenge = r.header("www-authenticate").unwrap();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    let r = send(
        &a,
        Call::new("POST", "/message:send")
            .json(&send_params("ask"))
            .bearer(&token("alice", "")),
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"]["status"], "PERMISSION_DENIED");
    // With the scope: served.
    let r = send(
        &a,
        Call::rpc(Some("1.0"), "SendMessage", send_params("ask"))
            .bearer(&token("alice", SCRIPTED_SCOPE)),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json()["result"]["task"]["status"]["state"],
        "TASK_STATE_INPUT_REQUIRED"
    );
    // The echo skill needs no scope.
    let r = send(
        &a,
        Call::rpc(Some("1.0"), "SendMessage", send_params("hello")).bearer(&token("alice", "")),
    )
    .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn the_extended_card_is_served_to_authenticated_callers() {
    let a = start(bearer_config()).await;
    let r = send(
        &a,
        Call::new("GET", "/extendedAgentCard").bearer(&token("alice", "")),
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(
        r.json()["skills"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "extended-echo")
    );
    let r = send(
        &a,
        Call::rpc(None, "agent/getAuthenticatedExtendedCard", json!({})).bearer(&token("bob", "")),
    )
    .await;
    assert_eq!(r.json()["result"]["name"], "A2A Reference Agent");
}

/// Another principal's task answers exactly like an unknown id, on every operation.
#[tokio::test]
async fn tasks_belong_to_their_principal() {
    let a = start(api_key_config()).await;
    let alice = |c: Call<'static>| c.header("X-API-Key", "alice-key");
    let r = send(
        &a,
        alice(Call::rpc(Some("1.0"), "SendMessage", send_params("ask"))),
    )
    .await;
    let id = r.json()["result"]["task"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let probes = |task: &str| {
        vec![
            Call::rpc(Some("1.0"), "GetTask", json!({"id": task})),
            Call::rpc(Some("1.0"), "CancelTask", json!({"id": task})),
            Call::rpc(Some("1.0"), "SubscribeToTask", json!({"id": task})),
            Call::rpc(
                Some("1.0"),
                "ListTaskPushNotificationConfigs",
                json!({"taskId": task}),
            ),
            Call::rpc(None, "tasks/get", json!({"id": task})),
            Call::rpc(
                Some("1.0"),
                "SendMessage",
                json!({"message": {"messageId": "m", "role": "ROLE_USER", "taskId": task,
                    "parts": [{"text": "more"}]}}),
            ),
        ]
    };
    for (mine, unknown) in probes(&id).into_iter().zip(probes("no-such-task")) {
        let b = send(&a, mine.header("X-API-Key", "bob-key")).await;
        let u = send(&a, unknown.header("X-API-Key", "bob-key")).await;
        assert_eq!(b.status, u.status);
        let strip = |v: Value| {
            let mut e = v["error"].clone();
            e["message"] = Value::Null;
            e["data"] = Value::Null;
            e
        };
        assert_eq!(strip(b.json()), strip(u.json()), "{}", b.text);
        assert_eq!(b.json()["error"]["code"], -32001);
    }
    let r = send(
        &a,
        Call::new("GET", "/tasks").header("X-API-Key", "bob-key"),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json()["tasks"].as_array().map_or(0, Vec::len),
        0,
        "{}",
        r.text
    );
    // Alice still sees hers.
    let r = send(
        &a,
        alice(Call::rpc(Some("1.0"), "GetTask", json!({"id": id}))),
    )
    .await;
    assert_eq!(r.json()["result"]["id"], json!(id));
}

#[tokio::test]
async fn api_keys_are_checked() {
    let a = start(api_key_config()).await;
    let r = send(&a, Call::new("GET", "/tasks")).await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.header("www-authenticate").as_deref(),
        Some("ApiKey realm=\"a2a\", header=\"x-api-key\"")
    );
    let r = send(&a, Call::new("GET", "/tasks").header("X-API-Key", "wrong")).await;
    assert_eq!(r.status, 401);
    let r = send(
        &a,
        Call::new("GET", "/tasks").header("X-API-Key", "alice-key"),
    )
    .await;
    assert_eq!(r.status, 200);
    let card: Value = a
        .http
        .get(a.url("/.well-known/agent-card.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        card["securitySchemes"]["apiKey"]["apiKeySecurityScheme"]["name"],
        "X-API-Key"
    );
    assert!(card["securitySchemes"]["apiKey"].get("in").is_none());
}

#[tokio::test]
async fn a_required_integrity_extension_is_enforced() {
    let a = start(with_integrity(crate::client::fast_config(), true)).await;
    let card: Value = a
        .http
        .get(a.url("/.well-known/agent-card.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(card["capabilities"]["extensions"][0]["uri"], EXTENSION_URI);
    assert_eq!(card["capabilities"]["extensions"][0]["required"], true);
    // Not activated: -32008 (1.0 JSON-RPC, with the id), 400 (REST), -32600 (0.3).
    let r = send(
        &a,
        Call::rpc(Some("1.0"), "SendMessage", send_params("hello")),
    )
    .await;
    assert_eq!(r.json()["error"]["code"], -32008);
    assert_eq!(r.json()["id"], 7);
    let r = send(
        &a,
        Call::new("POST", "/message:send").json(&send_params("hello")),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["error"]["details"][0]["reason"],
        "EXTENSION_SUPPORT_REQUIRED"
    );
    let r = send(
        &a,
        Call::rpc(None, "message/send", json!({"message": msg_v03("hello")})),
    )
    .await;
    assert_eq!(r.json()["error"]["code"], -32600);
    // Activated and signed: served, echoed, and the response is signed.
    for call in [
        Call::rpc(Some("1.0"), "SendMessage", send_params("hello")),
        Call::new("POST", "/message:send").json(&send_params("hello")),
        Call::rpc(None, "message/send", json!({"message": msg_v03("hello")})),
    ] {
        let v03 = call.headers.is_empty() && call.path == "/jsonrpc";
        let r = send(&a, call.signed(0)).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let echo = if v03 {
            "x-a2a-extensions"
        } else {
            "a2a-extensions"
        };
        assert_eq!(r.header(echo).as_deref(), Some(EXTENSION_URI));
        let headers =
            IntegrityHeaders::from_fn(|n| r.headers.get(n).map(axum::http::HeaderValue::as_bytes));
        sec::signer(0)
            .verify_response(
                r.signed.as_ref().unwrap(),
                r.status,
                headers,
                r.text.as_bytes(),
            )
            .unwrap();
    }
}

#[tokio::test]
async fn bad_integrity_headers_are_401_before_parsing() {
    let a = start(with_integrity(crate::client::fast_config(), true)).await;
    // Stale.
    let r = send(
        &a,
        Call::rpc(Some("1.0"), "GetTask", json!({"id": "x"})).signed(3600),
    )
    .await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.header("www-authenticate").as_deref(),
        Some("A2A-Message-Integrity error=\"stale_timestamp\"")
    );
    assert_eq!(r.json()["id"], Value::Null);
    assert_eq!(r.json()["error"]["code"], -32000);
    assert_eq!(
        r.json()["error"]["data"][0]["reason"],
        "MESSAGE_INTEGRITY_STALE_TIMESTAMP"
    );
    // Body changed after signing (a signed body that is not even JSON: never parsed).
    let body = "{not json";
    let signed = sec::signer(0)
        .sign_request("POST", "/message:send", "m-1", b"{}")
        .unwrap();
    let mut req = a
        .http
        .post(a.url("/message:send"))
        .header("A2A-Version", "1.0")
        .header("A2A-Extensions", EXTENSION_URI)
        .body(body);
    for (n, v) in signed.iter() {
        req = req.header(n, v);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(
        r.headers()["www-authenticate"],
        "A2A-Message-Integrity error=\"bad_signature\""
    );
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], 401);
    assert_eq!(v["error"]["status"], "UNAUTHENTICATED");
    // Replayed: the same signed request twice.
    let body = send_params("hello").to_string();
    let signed = sec::signer(0)
        .sign_request("POST", "/message:send", "m-2", body.as_bytes())
        .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..2 {
        let mut req = a
            .http
            .post(a.url("/message:send"))
            .header("A2A-Version", "1.0")
            .header("A2A-Extensions", EXTENSION_URI)
            .body(body.clone());
        for (n, v) in signed.iter() {
            req = req.header(n, v);
        }
        let r = req.send().await.unwrap();
        statuses.push((
            r.status().as_u16(),
            r.headers()
                .get("www-authenticate")
                .map(|v| v.to_str().unwrap().to_owned()),
        ));
    }
    assert_eq!(statuses[0].0, 200);
    assert_eq!(statuses[1].0, 401);
    assert_eq!(
        statuses[1].1.as_deref(),
        Some("A2A-Message-Integrity error=\"replayed\"")
    );
}

fn push_config(receiver: &Receiver) -> a2a_reference_agent::config::Config {
    let mut c = crate::client::fast_config();
    c.push.allow_private_webhooks = false;
    c.push.allowed_hosts = vec!["127.0.0.1".into()];
    c.push.signing_secret = Some(WEBHOOK_SECRET.into());
    c.push.backoff_ms = 10;
    let _ = receiver;
    c
}

const WAIT: Duration = Duration::from_secs(3);

#[tokio::test]
async fn webhooks_get_stream_responses_with_authorization_and_signatures() {
    let hook = Receiver::start().await;
    let a = start(push_config(&hook)).await;
    let t = a.task_v1("ask").await;
    let id = t["id"].as_str().unwrap().to_owned();
    let created = a
        .v1(
            "CreateTaskPushNotificationConfig",
            json!({"taskId": id, "url": hook.url("/hook"), "token": "tok-1",
                "authentication": {"scheme": "Bearer", "credentials": "secret-x"}}),
        )
        .await;
    assert!(created["id"].is_string(), "{created}");
    // Continue the task: it completes; every event is delivered.
    let mut m = msg_v1("finish");
    m["taskId"] = json!(id);
    a.v1("SendMessage", json!({"message": m})).await;
    let hits = hook.drain(Duration::from_millis(700)).await;
    assert!(!hits.is_empty());
    let verifier = WebhookVerifier::new(
        [WebhookSecret::parse(WEBHOOK_SECRET).unwrap()],
        ReplayCache::new(1024),
        SystemClock,
    )
    .unwrap();
    for h in &hits {
        assert_eq!(h.method, axum::http::Method::POST);
        assert_eq!(h.path, "/hook");
        assert_eq!(
            h.header("authorization").as_deref(),
            Some("Bearer secret-x")
        );
        assert_eq!(
            h.header("x-a2a-notification-token").as_deref(),
            Some("tok-1")
        );
        let body = h.json();
        let update = body
            .get("statusUpdate")
            .or_else(|| body.get("artifactUpdate"))
            .expect("a StreamResponse");
        assert_eq!(update["taskId"], json!(id));
        assert_eq!(body.as_object().unwrap().len(), 1);
        let headers =
            WebhookHeaders::from_fn(|n| h.headers.get(n).map(axum::http::HeaderValue::as_bytes));
        verifier.verify(headers, &h.body).unwrap();
    }
    let last = hits.last().unwrap().json();
    assert_eq!(
        last["statusUpdate"]["status"]["state"],
        "TASK_STATE_COMPLETED"
    );
}

#[tokio::test]
async fn v03_webhooks_get_the_task_and_the_token() {
    let hook = Receiver::start().await;
    let a = start(push_config(&hook)).await;
    let r = a
        .v03(
            "message/send",
            json!({"message": msg_v03("slow 2"), "configuration": {"blocking": false,
                "pushNotificationConfig": {"url": hook.url("/v03"), "token": "tok-03",
                    "authentication": {"schemes": ["Bearer"], "credentials": "c03"}}}}),
        )
        .await;
    let id = r["id"].clone();
    let hits = hook.drain(Duration::from_millis(700)).await;
    assert!(!hits.is_empty());
    for h in &hits {
        let body = h.json();
        assert_eq!(body["kind"], "task");
        assert_eq!(body["id"], id);
        assert_eq!(
            h.header("x-a2a-notification-token").as_deref(),
            Some("tok-03")
        );
        assert_eq!(h.header("authorization").as_deref(), Some("Bearer c03"));
    }
    assert_eq!(hits.last().unwrap().json()["status"]["state"], "completed");
}

#[tokio::test]
async fn private_webhooks_are_refused_and_nothing_follows_a_delete() {
    let hook = Receiver::start().await;
    let a = start(push_config(&hook)).await;
    let r = a
        .v1(
            "SendMessage",
            json!({"message": msg_v1("slow 20"), "configuration": {"returnImmediately": true}}),
        )
        .await;
    let id = r["task"]["id"].as_str().unwrap().to_owned();
    for url in [
        "http://127.0.0.2:9/x",
        "http://10.0.0.1/x",
        "http://169.254.169.254/latest",
        "http://[::1]:9/x",
        "https://127.0.0.1/x",
        "ftp://127.0.0.1/x",
    ] {
        let code = a
            .v1_error(
                "CreateTaskPushNotificationConfig",
                json!({"taskId": id, "url": url}),
            )
            .await;
        assert_eq!(code, -32602, "{url}");
    }
    let c = a
        .v1(
            "CreateTaskPushNotificationConfig",
            json!({"taskId": id, "url": hook.url("/d")}),
        )
        .await;
    assert!(
        hook.next(WAIT).await.is_some(),
        "a delivery before the delete"
    );
    a.v1(
        "DeleteTaskPushNotificationConfig",
        json!({"taskId": id, "id": c["id"]}),
    )
    .await;
    // In-flight deliveries may land right after the delete; then nothing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = hook.drain(Duration::from_millis(50)).await;
    assert!(hook.next(Duration::from_millis(500)).await.is_none());
}

#[tokio::test]
async fn a_dead_webhook_never_delays_the_task() {
    let hook = Receiver::start().await;
    let mut c = push_config(&hook);
    c.push.max_attempts = 5;
    c.push.backoff_ms = 200;
    let a = start(c).await;
    let t = a.task_v1("ask").await;
    let id = t["id"].as_str().unwrap().to_owned();
    // Port 9 on loopback: connection refused, retried in the background.
    a.v1(
        "CreateTaskPushNotificationConfig",
        json!({"taskId": id, "url": "http://127.0.0.1:9/dead"}),
    )
    .await;
    let mut m = msg_v1("finish");
    m["taskId"] = json!(id);
    let started = std::time::Instant::now();
    let r = a.v1("SendMessage", json!({"message": m})).await;
    assert_eq!(r["task"]["status"]["state"], "TASK_STATE_COMPLETED");
    assert!(started.elapsed() < Duration::from_millis(500));
}

#[tokio::test]
async fn bearer_tokens_verify_against_a_jwks() {
    use a2a_security::jws::{Algorithm, SigningKey};
    let es = SigningKey::generate(Algorithm::ES256)
        .unwrap()
        .with_kid("es-1");
    let ed = SigningKey::generate(Algorithm::EdDSA)
        .unwrap()
        .with_kid("ed-1");
    let jwks = json!({"keys": [es.public_jwk().unwrap(), ed.public_jwk().unwrap()]});
    let mut c = crate::client::fast_config();
    c.auth.mode = "bearer".into();
    c.auth.jwks = Some(jwks.to_string());
    c.auth.audience = Some(sec::AUDIENCE.into());
    let a = start(c).await;
    let claims = |sub: &str, nbf: u64| json!({"aud": sec::AUDIENCE, "sub": sub, "exp": sec::now() + 600, "nbf": nbf});
    for key in [&es, &ed] {
        let t = a2a_security::jwt::mint(key, &claims("carol", sec::now())).unwrap();
        let r = send(&a, Call::new("GET", "/tasks").bearer(&t)).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    // Not yet valid (beyond the leeway), and signed by a key outside the set.
    let early = a2a_security::jwt::mint(&es, &claims("carol", sec::now() + 3600)).unwrap();
    let r = send(&a, Call::new("GET", "/tasks").bearer(&early)).await;
    assert_eq!(r.status, 401);
    let stranger = SigningKey::generate(Algorithm::ES256)
        .unwrap()
        .with_kid("es-1");
    let forged = a2a_security::jwt::mint(&stranger, &claims("carol", sec::now())).unwrap();
    let r = send(&a, Call::new("GET", "/tasks").bearer(&forged)).await;
    assert_eq!(r.status, 401);
}

#[test]
fn the_security_sections_parse_from_toml() {
    let c = a2a_reference_agent::config::Config::from_toml(
        r#"
[auth]
mode = "api_key"
skill_scopes = { scripted = "a2a.scripted" }
[[auth.api_keys]]
key = "k"
principal = "p"
scopes = ["a2a.scripted"]
[integrity]
enabled = true
required = true
[[integrity.keys]]
id = "k1"
secret = "0123456789abcdef0123456789abcdef"
[push]
allowed_hosts = ["127.0.0.1"]
max_attempts = 2
"#,
    )
    .unwrap();
    assert_eq!(c.auth.api_keys[0].principal, "p");
    assert!(a2a_reference_agent::state(&c).is_ok());
    let mut bad = c.clone();
    bad.integrity.keys[0].secret = "short".into();
    assert!(a2a_reference_agent::state(&bad).is_err());
    let mut bad = c;
    bad.push.signing_secret = Some("not-a-secret".into());
    assert!(a2a_reference_agent::state(&bad).is_err());
}

#[tokio::test]
async fn failed_deliveries_are_retried_and_redirects_not_followed() {
    // Two 503s, then a redirect (not followed), then 200s.
    let hook = Receiver::scripted(vec![
        (503, None),
        (503, None),
        (302, Some("/elsewhere".into())),
    ])
    .await;
    let a = start(push_config(&hook)).await;
    let t = a.task_v1("ask").await;
    let id = t["id"].as_str().unwrap().to_owned();
    a.v1(
        "CreateTaskPushNotificationConfig",
        json!({"taskId": id, "url": hook.url("/r")}),
    )
    .await;
    // Canceling makes exactly one event, so one delivery: its attempts are all the hits.
    a.v1("CancelTask", json!({"id": id})).await;
    let hits = hook.drain(Duration::from_millis(800)).await;
    assert!(
        hits.iter().all(|h| h.path == "/r"),
        "a redirect was followed"
    );
    // Two 503s, then the redirect ends it; every attempt carries the event's webhook-id.
    assert_eq!(
        hits.len(),
        3,
        "two retries after two 503s, none after the 302"
    );
    assert!(hits.iter().all(|h| h.body == hits[0].body));
    let ids: Vec<_> = hits.iter().map(|h| h.header("webhook-id")).collect();
    assert!(ids[0].is_some() && ids.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(
        hits[0].json()["statusUpdate"]["status"]["state"],
        "TASK_STATE_CANCELED"
    );
}

#[tokio::test]
async fn host_names_are_resolved_before_they_are_trusted() {
    let hook = Receiver::start().await;
    let a = start(push_config(&hook)).await;
    let t = a.task_v1("ask").await;
    // `localhost` is in /etc/hosts: it resolves to loopback and is refused.
    let code = a
        .v1_error(
            "CreateTaskPushNotificationConfig",
            json!({"taskId": t["id"], "url": format!("http://localhost:{}/x", hook.port)}),
        )
        .await;
    assert_eq!(code, -32602);
}

#[tokio::test]
async fn the_card_gives_security_schemes_the_configured_shape() {
    for (shapes, has_wrapper, has_type) in [("0.3", false, true), ("both", true, true)] {
        let mut config = api_key_config();
        shapes.clone_into(&mut config.card.security_shapes);
        let a = start(config).await;
        let card: Value = a
            .http
            .get(a.url("/.well-known/agent-card.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let scheme = &card["securitySchemes"]["apiKey"];
        assert_eq!(
            scheme.get("apiKeySecurityScheme").is_some(),
            has_wrapper,
            "{shapes}"
        );
        assert_eq!(scheme.get("type").is_some(), has_type, "{shapes}");
        assert_eq!(card["security"], json!([{"apiKey": []}]), "{shapes}");
    }
    let mut config = api_key_config();
    "2.0".clone_into(&mut config.card.security_shapes);
    assert!(config.settings().is_err());
}
