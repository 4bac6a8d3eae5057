//! The runner with scenarios of the test's own: per-scenario deadline, panic isolation,
//! concurrency, strict mode, selection, and that skips never count as passes.

// Helpers outside #[test] functions panic on setup failure too: that is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use a2a_tck::check::{Kind, Step, on_card, required, step};
use a2a_tck::runner::{self, Observer, RunConfig, RunStatus, ScenarioResult, Silent};
use a2a_tck::scenario::{Applies, Area, Level, Scenario, SpecRef};
use a2a_tck::verdict::{Failure, Outcome, VerdictKind};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn scenario(id: &'static str, level: Level, step: Arc<dyn Step>) -> Scenario {
    Scenario {
        id,
        title: "test scenario",
        level,
        spec: SpecRef {
            source: "test",
            section: "§0",
        },
        requirement: "test requirement",
        area: Area::AgentCard,
        applies: Applies::ANY,
        step,
    }
}

async fn card_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "n"})))
        .mount(&server)
        .await;
    server
}

fn config(server: &MockServer) -> RunConfig {
    let mut config = RunConfig::new(format!("{}/.well-known/agent-card.json", server.uri()));
    config.profile.timeouts.scenario_ms = 300;
    config
}

fn kind(report: &runner::RunReport, id: &str) -> VerdictKind {
    report
        .results
        .iter()
        .find(|r| r.scenario.id == id)
        .unwrap()
        .verdict
        .kind()
}

#[tokio::test]
async fn a_scenario_past_its_deadline_or_panicking_is_an_error_and_others_still_run() {
    let server = card_server().await;
    let catalogue = vec![
        scenario(
            "T-SLOW",
            Level::Must,
            step(|_| {
                Box::pin(async {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    Ok(Outcome::Pass)
                })
            }),
        ),
        scenario(
            "T-PANIC",
            Level::Must,
            step(|_| Box::pin(async { panic!("a bug in a check") })),
        ),
        scenario(
            "T-OK",
            Level::Must,
            on_card(required(&[("name", Kind::String)])),
        ),
    ];
    let started = Instant::now();
    let report = runner::run(catalogue, config(&server), &Silent).await;
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(kind(&report, "T-SLOW"), VerdictKind::Error);
    assert!(
        report.results[0]
            .verdict
            .reason()
            .unwrap()
            .contains("300 ms")
    );
    assert_eq!(kind(&report, "T-PANIC"), VerdictKind::Error);
    assert_eq!(kind(&report, "T-OK"), VerdictKind::Pass);
    // Results keep catalogue order whatever the completion order.
    let ids: Vec<_> = report.results.iter().map(|r| r.scenario.id).collect();
    assert_eq!(ids, ["T-SLOW", "T-PANIC", "T-OK"]);
    assert_eq!(report.status, RunStatus::HarnessError);
}

#[tokio::test]
async fn independent_scenarios_run_concurrently_up_to_the_limit() {
    let server = card_server().await;
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let ids = ["C-1", "C-2", "C-3", "C-4", "C-5", "C-6"];
    let catalogue = ids
        .iter()
        .map(|id| {
            let (running, peak) = (running.clone(), peak.clone());
            let body: Arc<dyn Step> = step(move |_| {
                let (running, peak) = (running.clone(), peak.clone());
                Box::pin(async move {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    running.fetch_sub(1, Ordering::SeqCst);
                    Ok(Outcome::Pass)
                })
            });
            scenario(id, Level::Must, body)
        })
        .collect();
    let mut config = config(&server);
    config.profile.limits.concurrency = 3;
    let report = runner::run(catalogue, config, &Silent).await;
    assert_eq!(report.summary.all.get(VerdictKind::Pass), 6);
    assert_eq!(peak.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn should_violations_warn_and_fail_under_strict_and_skips_are_not_passes() {
    let server = card_server().await;
    let build = || {
        vec![
            scenario(
                "S-1",
                Level::Should,
                step(|_| Box::pin(async { Ok(Outcome::Fail(vec![Failure::new("no")])) })),
            ),
            scenario(
                "S-2",
                Level::Must,
                step(|_| Box::pin(async { Ok(Outcome::Skip("needs keys".into())) })),
            ),
        ]
    };
    let report = runner::run(build(), config(&server), &Silent).await;
    assert_eq!(kind(&report, "S-1"), VerdictKind::Warn);
    assert_eq!(kind(&report, "S-2"), VerdictKind::Skip);
    assert_eq!(report.summary.all.exercised(), 1);
    assert_eq!(report.status, RunStatus::Conformant);
    let mut strict = config(&server);
    strict.strict = true;
    let report = runner::run(build(), strict, &Silent).await;
    assert_eq!(kind(&report, "S-1"), VerdictKind::Fail);
    assert_eq!(report.status, RunStatus::NonConformant);

    let mut only_skips = config(&server);
    only_skips.selection.only = vec!["S-2".into()];
    let report = runner::run(build(), only_skips, &Silent).await;
    assert_eq!(report.status, RunStatus::NothingExercised);
}

#[derive(Default)]
struct Counting {
    planned: AtomicUsize,
    finished: AtomicUsize,
}

impl Observer for Counting {
    fn started(&self, planned: usize) {
        self.planned.store(planned, Ordering::SeqCst);
    }
    fn finished(&self, _: &ScenarioResult) {
        self.finished.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn the_observer_sees_every_selected_scenario() {
    let server = card_server().await;
    let observer = Counting::default();
    let mut config = config(&server);
    config.selection.only = vec!["CARD-*".into()];
    config.selection.skip = vec!["CARD-1*".into()];
    let report = runner::run(a2a_tck::catalogue::all(), config, &observer).await;
    assert!(
        report
            .results
            .iter()
            .all(|r| r.scenario.id.starts_with("CARD-0"))
    );
    assert_eq!(
        observer.planned.load(Ordering::SeqCst),
        report.results.len()
    );
    assert_eq!(
        observer.finished.load(Ordering::SeqCst),
        report.results.len()
    );
}

#[tokio::test]
async fn a_scenario_calls_an_operation_on_the_selected_binding() {
    use a2a_tck::transport::call::call;
    use a2a_tck::transport::jsonrpc::Operation;
    use wiremock::matchers::{body_partial_json, header};

    let server = MockServer::start().await;
    let card = json!({"name": "n", "supportedInterfaces": [
        {"url": format!("{}/rpc", server.uri()), "protocolBinding": "JSONRPC", "protocolVersion": "1.0", "tenant": "acme"}
    ]});
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(card))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rpc"))
        .and(header("A2A-Version", "1.0"))
        .and(body_partial_json(json!({"method": "GetTask", "params": {"tenant": "acme"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32001, "message": "Task not found"}}),
        ))
        .mount(&server)
        .await;
    let not_found = step(|cx| {
        Box::pin(async move {
            let answer = call(cx, Operation::GetTask, &json!({"id": "no-such-task"})).await?;
            Ok(if answer.error_code() == Some(-32001) {
                Outcome::Pass
            } else {
                Outcome::Fail(vec![
                    Failure::new("not TaskNotFound").in_exchange(&answer.http.exchange),
                ])
            })
        })
    });
    let report = runner::run(
        vec![scenario("T-CALL", Level::Must, not_found)],
        config(&server),
        &Silent,
    )
    .await;
    assert_eq!(
        kind(&report, "T-CALL"),
        VerdictKind::Pass,
        "{:?}",
        report.results[0]
    );
    assert_eq!(report.results[0].exchanges.len(), 1);
}

#[tokio::test]
async fn a_card_declaring_both_versions_is_tested_on_each_unless_one_is_forced() {
    use a2a_tck::scenario::ProtocolVersion::{V0_3, V1_0};
    let server = MockServer::start().await;
    let card = json!({"name": "n", "protocolVersion": "0.3.0", "url": format!("{}/v03", server.uri()),
        "supportedInterfaces": [{"url": format!("{}/v1", server.uri()), "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}]});
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(card))
        .mount(&server)
        .await;
    let mut config = config(&server);
    // CARD-01 applies to both versions, CARD-02 to 1.0 only, CARD-03 to 0.3 only.
    config.selection.only = vec!["CARD-01".into(), "CARD-02".into(), "CARD-03".into()];
    let report = runner::run(a2a_tck::catalogue::all(), config.clone(), &Silent).await;
    let versions: Vec<_> = report.targets.iter().map(|t| t.version).collect();
    assert_eq!(versions, [V1_0, V0_3]);
    assert!(report.targets[1].url.ends_with("/v03"));
    assert_eq!(report.target.as_ref().unwrap().version, V1_0);
    assert!(report.untested_versions.is_empty());
    let ran: Vec<(&str, Option<&str>)> = report
        .results
        .iter()
        .map(|r| (r.scenario.id, r.target.as_deref()))
        .collect();
    assert_eq!(
        ran,
        [
            ("CARD-01", Some("1.0 JSONRPC")),
            ("CARD-02", Some("1.0 JSONRPC")),
            ("CARD-01", Some("0.3 JSONRPC")),
            ("CARD-03", Some("0.3 JSONRPC")),
        ]
    );
    assert_eq!(report.summary.all.total, 4);

    config.version = Some(V0_3);
    let report = runner::run(a2a_tck::catalogue::all(), config, &Silent).await;
    assert_eq!(report.targets.len(), 1);
    assert!(report.target.as_ref().unwrap().url.ends_with("/v03"));
    assert_eq!(report.untested_versions, vec![V1_0]);
    assert!(report.results.iter().all(|r| r.target.is_none()));
}

#[tokio::test]
async fn scenarios_share_the_webhook_receiver_the_profile_configures() {
    let server = card_server().await;
    let mut config = config(&server);
    config.profile.webhook = Some(a2a_tck::profile::Webhook {
        bind: "127.0.0.1:0".parse().unwrap(),
        public_url: None,
        authorization: None,
        token: None,
        signing_secret: None,
    });
    let push = step(|cx| {
        Box::pin(async move {
            let url = cx
                .webhook_url()
                .ok_or_else(|| a2a_tck::check::HarnessError("no receiver".into()))?;
            // Stand in for the agent: deliver one notification to the receiver.
            let request = a2a_tck::transport::http::HttpRequest::post(
                url,
                "application/a2a+json",
                r#"{"task":{"id":"t"}}"#,
            );
            cx.send(request).await?;
            let receiver = cx.webhook.as_ref().unwrap();
            let deliveries = receiver.deliveries();
            for d in &deliveries {
                cx.recorder.record_delivery(d, cx.client.redactor());
            }
            Ok(if deliveries.len() == 1 {
                Outcome::Pass
            } else {
                Outcome::Fail(vec![Failure::new("no delivery")])
            })
        })
    });
    let report = runner::run(vec![scenario("T-PUSH", Level::Must, push)], config, &Silent).await;
    assert_eq!(
        kind(&report, "T-PUSH"),
        VerdictKind::Pass,
        "{:?}",
        report.results[0]
    );
    assert_eq!(report.results[0].deliveries.len(), 1);
}

#[tokio::test]
async fn rest_subscribe_falls_back_from_post_to_get_and_reads_the_stream() {
    use a2a_tck::transport::call::call_streaming;
    use a2a_tck::transport::jsonrpc::Operation;

    let server = MockServer::start().await;
    let card = json!({"name": "n", "supportedInterfaces": [
        {"url": format!("{}/rest", server.uri()), "protocolBinding": "HTTP+JSON", "protocolVersion": "1.0"}
    ]});
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(card))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/tasks/t-1:subscribe"))
        .respond_with(ResponseTemplate::new(405))
        .mount(&server)
        .await;
    let stream =
        "data: {\"task\":{\"id\":\"t-1\"}}\n\ndata: {\"statusUpdate\":{\"taskId\":\"t-1\"}}\n\n";
    Mock::given(method("GET"))
        .and(path("/rest/tasks/t-1:subscribe"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(stream, "text/event-stream"))
        .mount(&server)
        .await;
    let subscribe = step(|cx| {
        Box::pin(async move {
            let answer =
                call_streaming(cx, Operation::SubscribeToTask, &json!({"id": "t-1"})).await?;
            Ok(if answer.http.events.len() == 2 {
                Outcome::Pass
            } else {
                Outcome::Fail(vec![Failure::new(format!(
                    "{} events",
                    answer.http.events.len()
                ))])
            })
        })
    });
    let report = runner::run(
        vec![scenario("T-SUB", Level::Must, subscribe)],
        config(&server),
        &Silent,
    )
    .await;
    assert_eq!(
        kind(&report, "T-SUB"),
        VerdictKind::Pass,
        "{:?}",
        report.results[0]
    );
    let methods: Vec<_> = report.results[0]
        .exchanges
        .iter()
        .map(|x| x.request.method.as_str())
        .collect();
    assert_eq!(methods, ["POST", "GET"]);
    assert_eq!(report.results[0].exchanges[1].events.len(), 2);
}
