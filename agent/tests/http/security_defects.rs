//! The security and push defects, like `defects.rs` for the protocol ones: against an agent with
//! bearer authentication (HS256, `jti` replay protection), the message-integrity extension
//! required, and webhooks allow-listed on 127.0.0.1 only, each security defect makes exactly the
//! probes of the requirements it lists fail, and the correct agent passes them all.

use std::collections::BTreeSet;
use std::time::Duration;

use a2a_reference_agent::config::Config;
use a2a_reference_agent::defects::Defect;
use a2a_security::card::Canonicalization;
use a2a_security::integrity::EXTENSION_URI;
use a2a_security::jwk::JwkSet;
use serde_json::{Value, json};

use crate::client::{Agent, msg_v1};
use crate::sec::{self, Call, Receiver, Reply, bearer_config, token, with_integrity};

const PROBES: &[&str] = &[
    "SEC-AUTH-01",
    "AUTH-01",
    "SEC-AUTH-02",
    "AUTH-02",
    "SEC-AUTH-05",
    "AUTH-03",
    "SEC-AUTH-06",
    "AUTH-04",
    "GET-05",
    "CANCEL-05",
    "LIST-10",
    "SEC-REPLAY-01",
    "SEC-JWT-01",
    "SEC-JWT-05",
    "SEC-JWT-06",
    "SEC-MI-01",
    "EXT-01",
    "EXT-05",
    "SEC-REPLAY-04",
    "SEC-PUSH-01",
    "PUSH-14",
    "SEC-PUSH-04",
    "SEC-PUSH-06",
    "PUSH-11",
    "SEC-CARD-01",
    "CARD-14",
    "PUSH-03",
    "PUSH-04",
    "PUSH-07",
    "PUSH-08",
    "PUSH-09",
    "PUSH-10",
    "PUSH-16",
];

fn config() -> Config {
    let mut c = with_integrity(bearer_config(), true);
    c.auth.jwks = Some(sec::es256_jwks());
    c.push.allow_private_webhooks = false;
    c.push.allowed_hosts = vec!["127.0.0.1".into()];
    c.push.backoff_ms = 10;
    c
}

struct Probe {
    a: Agent,
    hook: std::sync::Arc<Receiver>,
}

impl Probe {
    async fn send(&self, call: Call<'_>) -> Reply {
        sec::send(&self.a.http, &self.a.base, call).await
    }

    /// A JSON-RPC 1.0 call, authenticated as `sub` and signed: its `result` or `error`.
    async fn rpc(&self, sub: &str, method: &str, params: Value) -> Value {
        self.send(
            Call::rpc(Some("1.0"), method, params)
                .bearer(&token(sub, sec::SCRIPTED_SCOPE))
                .signed(0),
        )
        .await
        .json()
    }

    /// Starts a `slow 20` task for alice without waiting; its id.
    /// A task that stays `working` (with an update every step) for far longer than any probe
    /// waits, so a probe never races its end, however loaded the machine is.
    async fn running(&self) -> String {
        let r = self
            .rpc(
                "alice",
                "SendMessage",
                json!({"message": msg_v1("slow 200"), "configuration": {"returnImmediately": true}}),
            )
            .await;
        r["result"]["task"]["id"].as_str().unwrap_or("").to_owned()
    }

    /// Registers a configuration on alice's `task`; its id, read back from the list (the
    /// last one), so that a create answer without its id spoils no other probe.
    async fn configure(&self, task: &str, path: &str) -> Option<String> {
        let c = self
            .rpc(
                "alice",
                "CreateTaskPushNotificationConfig",
                json!({"taskId": task, "url": self.hook.url(path)}),
            )
            .await;
        c.get("result")?;
        let list = self.list(task).await;
        list.last()?["id"].as_str().map(str::to_owned)
    }

    /// Alice's list of the task's configurations.
    async fn list(&self, task: &str) -> Vec<Value> {
        let r = self
            .rpc(
                "alice",
                "ListTaskPushNotificationConfigs",
                json!({"taskId": task}),
            )
            .await;
        r["result"]["configs"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// `method` on alice's configuration `id` of `task`, as `sub`.
    async fn on_config(&self, sub: &str, method: &str, task: &str, id: &str) -> Value {
        self.rpc(sub, method, json!({"taskId": task, "id": id}))
            .await
    }
}

/// Whether the requirement `id` holds on the agent.
#[allow(clippy::too_many_lines)]
async fn holds(p: &Probe, id: &str) -> bool {
    let get_x = || Call::rpc(Some("1.0"), "GetTask", json!({"id": "x"}));
    match id {
        "SEC-AUTH-01" | "AUTH-01" => {
            let calls = [
                get_x(),
                Call::new("GET", "/tasks"),
                Call::new("GET", "/tasks/x"),
                Call::new("POST", "/message:send").json(&json!({"message": msg_v1("hi")})),
            ];
            let mut all = true;
            for c in calls {
                all &= p.send(c.signed(0)).await.status == 401;
            }
            all
        }
        "SEC-AUTH-02" | "AUTH-02" => {
            let r = p.send(get_x().signed(0)).await;
            r.status == 401
                && r.header("www-authenticate")
                    .is_some_and(|c| c.starts_with("Bearer "))
        }
        "SEC-AUTH-05" | "AUTH-03" => {
            // `ask` runs the scoped `scripted` skill; the token lacks its scope.
            let r = p
                .send(
                    Call::rpc(
                        Some("1.0"),
                        "SendMessage",
                        json!({"message": msg_v1("ask")}),
                    )
                    .bearer(&token("alice", ""))
                    .signed(0),
                )
                .await;
            r.status == 403
        }
        "CANCEL-05" => {
            let task = p.running().await;
            let by_bob = p.rpc("bob", "CancelTask", json!({"id": task})).await;
            let unknown = p.rpc("bob", "CancelTask", json!({"id": "no-such"})).await;
            let after = p.rpc("alice", "GetTask", json!({"id": task})).await;
            let _ = p.rpc("alice", "CancelTask", json!({"id": task})).await;
            !task.is_empty()
                && by_bob.get("result").is_none()
                && by_bob["error"]["code"] == unknown["error"]["code"]
                && after["result"]["status"]["state"] != "TASK_STATE_CANCELED"
        }
        "SEC-AUTH-06" | "AUTH-04" | "GET-05" => {
            let t = p
                .rpc("alice", "SendMessage", json!({"message": msg_v1("ask")}))
                .await;
            let task = t["result"]["task"]["id"].clone();
            let mine = p.rpc("bob", "GetTask", json!({"id": task})).await;
            let unknown = p.rpc("bob", "GetTask", json!({"id": "no-such"})).await;
            task.is_string()
                && mine.get("result").is_none()
                && mine["error"]["code"] == unknown["error"]["code"]
        }
        "LIST-10" => {
            let mut m = msg_v1("ask");
            m["contextId"] = json!("ctx-list-10");
            let t = p.rpc("alice", "SendMessage", json!({"message": m})).await;
            let task = t["result"]["task"]["id"].clone();
            let listed = |r: &Value| {
                r["result"]["tasks"]
                    .as_array()
                    .is_some_and(|ts| ts.iter().any(|x| x["id"] == task))
            };
            let own = p
                .rpc("alice", "ListTasks", json!({"contextId": "ctx-list-10"}))
                .await;
            let theirs = p.rpc("bob", "ListTasks", json!({})).await;
            task.is_string() && listed(&own) && !listed(&theirs)
        }
        "SEC-REPLAY-01" => {
            let t = token("alice", sec::SCRIPTED_SCOPE);
            let first = p.send(get_x().bearer(&t).signed(0)).await;
            let second = p.send(get_x().bearer(&t).signed(0)).await;
            first.status == 200 && second.status == 401
        }
        "SEC-JWT-01" => {
            let r = p
                .send(get_x().bearer(&sec::expired("alice")).signed(0))
                .await;
            r.status == 401
        }
        "SEC-JWT-05" => {
            let r = p
                .send(get_x().bearer(&sec::unsigned("alice")).signed(0))
                .await;
            r.status == 401
        }
        "SEC-JWT-06" => {
            let r = p
                .send(get_x().bearer(&sec::confused("alice")).signed(0))
                .await;
            r.status == 401
        }
        "SEC-MI-01" | "EXT-01" => {
            let r = p
                .send(
                    Call::rpc(Some("1.0"), "SendMessage", json!({"message": msg_v1("hi")}))
                        .bearer(&token("alice", sec::SCRIPTED_SCOPE)),
                )
                .await;
            r.json()["error"]["code"] == -32008
        }
        "EXT-05" => {
            let r = p
                .send(
                    get_x()
                        .bearer(&token("alice", sec::SCRIPTED_SCOPE))
                        .signed(0),
                )
                .await;
            r.header("a2a-extensions").as_deref() == Some(EXTENSION_URI)
        }
        "SEC-REPLAY-04" => {
            let r = p
                .send(
                    get_x()
                        .bearer(&token("alice", sec::SCRIPTED_SCOPE))
                        .signed(3600),
                )
                .await;
            r.status == 401
        }
        "SEC-PUSH-01" | "PUSH-14" => {
            let task = p.running().await;
            let c = p
                .rpc(
                    "alice",
                    "CreateTaskPushNotificationConfig",
                    json!({"taskId": task, "url": p.hook.url("/auth"),
                        "authentication": {"scheme": "Bearer", "credentials": "X"}}),
                )
                .await;
            if c.get("result").is_none() {
                return false;
            }
            let hit = p.hook.next_on("/auth", Duration::from_secs(3)).await;
            hit.is_some_and(|h| h.header("authorization").as_deref() == Some("Bearer X"))
        }
        "SEC-PUSH-04" => {
            let task = p.running().await;
            let canary = format!("http://127.0.0.2:{}/canary", p.hook.port);
            let c = p
                .rpc(
                    "alice",
                    "CreateTaskPushNotificationConfig",
                    json!({"taskId": task, "url": canary}),
                )
                .await;
            c["error"]["code"] == -32602
        }
        "SEC-PUSH-06" | "PUSH-11" => {
            let task = p.running().await;
            let Some(id) = p.configure(&task, "/del").await else {
                return false;
            };
            if p.hook
                .next_on("/del", Duration::from_secs(3))
                .await
                .is_none()
            {
                return false;
            }
            p.on_config("alice", "DeleteTaskPushNotificationConfig", &task, &id)
                .await;
            // Deliveries in flight at the delete may still land; nothing after them.
            tokio::time::sleep(Duration::from_millis(300)).await;
            let _ = p.hook.drain(Duration::from_millis(30)).await;
            p.hook
                .next_on("/del", Duration::from_millis(400))
                .await
                .is_none()
        }
        "SEC-CARD-01" | "CARD-14" => {
            let get = |path: &str| {
                let url = p.a.url(path);
                let http = p.a.http.clone();
                async move {
                    http.get(url)
                        .send()
                        .await
                        .unwrap()
                        .json::<Value>()
                        .await
                        .unwrap()
                }
            };
            let card = get("/.well-known/agent-card.json").await;
            let jwks = get("/.well-known/jwks.json").await;
            let Ok((keys, _)) = JwkSet::from_json(&jwks) else {
                return false;
            };
            a2a_security::card::verify(&card, &keys, Canonicalization::ProtoPresence).is_ok()
        }
        "PUSH-03" => {
            let task = p.running().await;
            let url = p.hook.url("/id");
            let c = p
                .rpc(
                    "alice",
                    "CreateTaskPushNotificationConfig",
                    json!({"taskId": task, "url": url}),
                )
                .await;
            let r = &c["result"];
            r["id"].as_str().is_some_and(|id| !id.is_empty())
                && r["taskId"] == json!(task)
                && r["url"] == json!(url)
        }
        "PUSH-04" => {
            let c = p
                .rpc(
                    "alice",
                    "CreateTaskPushNotificationConfig",
                    json!({"taskId": "no-such-task", "url": p.hook.url("/unknown")}),
                )
                .await;
            c.get("result").is_none() && c["error"]["code"] == -32001
        }
        "PUSH-07" => {
            let task = p.running().await;
            if p.configure(&task, "/missing").await.is_none() {
                return false;
            }
            let g = p
                .on_config(
                    "alice",
                    "GetTaskPushNotificationConfig",
                    &task,
                    "no-such-config",
                )
                .await;
            g.get("result").is_none() && g["error"]["code"] == -32001
        }
        "PUSH-08" => {
            let task = p.running().await;
            let (Some(a), Some(b)) = (
                p.configure(&task, "/one").await,
                p.configure(&task, "/two").await,
            ) else {
                return false;
            };
            let ids: Vec<Value> = p
                .list(&task)
                .await
                .iter()
                .map(|c| c["id"].clone())
                .collect();
            a != b && ids.contains(&json!(a)) && ids.contains(&json!(b))
        }
        "PUSH-09" => {
            let task = p.running().await;
            let Some(id) = p.configure(&task, "/gone").await else {
                return false;
            };
            let d = p
                .on_config("alice", "DeleteTaskPushNotificationConfig", &task, &id)
                .await;
            let g = p
                .on_config("alice", "GetTaskPushNotificationConfig", &task, &id)
                .await;
            d.get("error").is_none() && g.get("result").is_none() && p.list(&task).await.is_empty()
        }
        "PUSH-10" => {
            let task = p.running().await;
            let Some(id) = p.configure(&task, "/twice").await else {
                return false;
            };
            let mut fine = true;
            for _ in 0..2 {
                let d = p
                    .on_config("alice", "DeleteTaskPushNotificationConfig", &task, &id)
                    .await;
                fine &= d.get("error").is_none();
            }
            fine
        }
        "PUSH-16" => {
            let task = p.running().await;
            let Some(id) = p.configure(&task, "/mine").await else {
                return false;
            };
            let own = p
                .on_config("alice", "GetTaskPushNotificationConfig", &task, &id)
                .await;
            let other = p
                .on_config("bob", "GetTaskPushNotificationConfig", &task, &id)
                .await;
            let unknown = p
                .on_config("bob", "GetTaskPushNotificationConfig", "no-such-task", &id)
                .await;
            own.get("result").is_some()
                && other.get("result").is_none()
                && other["error"]["code"] == unknown["error"]["code"]
        }
        other => panic!("no probe for {other}"),
    }
}

async fn failing(config: Config) -> BTreeSet<String> {
    let p = Probe {
        a: Agent::start(config).await,
        hook: Receiver::start().await,
    };
    let mut out = BTreeSet::new();
    for id in PROBES {
        // Each probe gets a fresh receiver queue.
        let _ = p.hook.drain(Duration::from_millis(1)).await;
        if !holds(&p, id).await {
            out.insert((*id).to_owned());
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_correct_agent_passes_every_security_probe() {
    assert_eq!(failing(config()).await, BTreeSet::new());
}

#[test]
fn every_listed_requirement_has_a_probe() {
    for d in Defect::ALL.iter().filter(|d| d.is_security()) {
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
    let expected: BTreeSet<String> = defect.breaks().iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(
        failing(config().with_defect(defect)).await,
        expected,
        "defect {}",
        defect.name()
    );
}

macro_rules! security_defect_tests {
    ($($name:ident => $variant:ident,)+) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                exactly(Defect::$variant).await;
            }
        )+

        #[test]
        fn every_security_defect_has_a_test() {
            let tested = [$(Defect::$variant),+];
            for d in Defect::ALL.iter().filter(|d| d.is_security()) {
                assert!(tested.contains(d), "no test for {}", d.name());
            }
        }
    };
}

security_defect_tests! {
    unauthorized_without_challenge => UnauthorizedWithoutChallenge,
    missing_credentials_accepted => MissingCredentialsAccepted,
    other_principal_task_visible => OtherPrincipalTaskVisible,
    insufficient_scope_accepted => InsufficientScopeAccepted,
    replayed_jti_accepted => ReplayedJtiAccepted,
    expired_token_accepted => ExpiredTokenAccepted,
    alg_none_accepted => AlgNoneAccepted,
    alg_confusion_accepted => AlgConfusionAccepted,
    required_extension_not_enforced => RequiredExtensionNotEnforced,
    extension_not_echoed => ExtensionNotEchoed,
    stale_integrity_accepted => StaleIntegrityAccepted,
    webhook_without_authorization => WebhookWithoutAuthorization,
    webhook_to_loopback_accepted => WebhookToLoopbackAccepted,
    deliveries_after_delete => DeliveriesAfterDelete,
    card_signature_invalid => CardSignatureInvalid,
    push_config_without_id => PushConfigWithoutId,
    push_create_unknown_task_accepted => PushCreateUnknownTaskAccepted,
    push_get_missing_config_succeeds => PushGetMissingConfigSucceeds,
    push_list_drops_configs => PushListDropsConfigs,
    push_delete_ignored => PushDeleteIgnored,
    push_delete_twice_errors => PushDeleteTwiceErrors,
    push_config_other_principal_visible => PushConfigOtherPrincipalVisible,
}
