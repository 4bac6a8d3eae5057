//! Every card and hostile-input scenario is proven able to fail: each runs against a wiremock
//! mock serving a deliberately broken response (expecting FAIL or WARN) and against a correct
//! one (expecting PASS).

// Helpers outside #[test] functions panic on setup failure too: that is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::Arc;

use a2a_security::jwk::JwkSet;
use a2a_security::jws::{Algorithm, SigningKey};
use a2a_tck::catalogue;
use a2a_tck::profile::Mode;
use a2a_tck::runner::{self, RunConfig, RunReport, Silent};
use a2a_tck::scenario::ProtocolVersion;
use a2a_tck::schema::SchemaSet;
use a2a_tck::selection::Selection;
use a2a_tck::verdict::VerdictKind;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn key() -> SigningKey {
    SigningKey::generate(Algorithm::ES256)
        .unwrap()
        .with_kid("card-key-1")
}

fn keys(key: &SigningKey) -> Arc<JwkSet> {
    let mut set = JwkSet::new();
    set.insert(key.verifying_key().unwrap()).unwrap();
    Arc::new(set)
}

fn schemas() -> Arc<SchemaSet> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schemas");
    Arc::new(SchemaSet::load(&dir).unwrap())
}

fn card_v1() -> Value {
    json!({
        "name": "Mock agent",
        "description": "A card that follows every rule the kit checks.",
        "version": "1.2.3",
        "supportedInterfaces": [
            {"url": "https://agent.example/rpc", "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}
        ],
        "provider": {"organization": "Example", "url": "https://example.com"},
        "capabilities": {"streaming": true},
        "defaultInputModes": ["text/plain"],
        "defaultOutputModes": ["text/plain"],
        "skills": [{"id": "echo", "name": "Echo", "description": "Echoes.", "tags": ["test"]}],
        "securitySchemes": {"bearer": {"httpAuthSecurityScheme": {"scheme": "Bearer", "bearerFormat": "JWT"}}},
        "securityRequirements": [{"schemes": {"bearer": {"list": []}}}]
    })
}

fn card_v03() -> Value {
    json!({
        "name": "Mock agent",
        "description": "A 0.3 card.",
        "url": "https://agent.example/rpc",
        "preferredTransport": "JSONRPC",
        "version": "1.2.3",
        "protocolVersion": "0.3.0",
        "capabilities": {},
        "defaultInputModes": ["text/plain"],
        "defaultOutputModes": ["text/plain"],
        "skills": [{"id": "echo", "name": "Echo", "description": "Echoes.", "tags": ["test"]}],
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
    })
}

fn signed(mut card: Value, key: &SigningKey) -> Value {
    a2a_security::card::sign(&mut card, key, None).unwrap();
    card
}

struct Setup {
    key: SigningKey,
    version: Option<ProtocolVersion>,
}

async fn run_card(card: ResponseTemplate, only: &str, setup: &Setup) -> RunReport {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(card)
        .mount(&server)
        .await;
    let mut config = RunConfig::new(format!("{}/.well-known/agent-card.json", server.uri()));
    config.selection = Selection {
        only: vec![only.to_owned()],
        // The interface probes would reach the card's (non-loopback) URLs: tested separately.
        skip: vec!["CARD-08".into(), "CARD-09".into(), "CARD-11".into()],
    };
    config.version = setup.version;
    config.card_keys = Some(keys(&setup.key));
    config.schemas = Some(schemas());
    config.profile.mode = Mode::Production;
    config.profile.timeouts.request_ms = 2_000;
    runner::run(catalogue::all(), config, &Silent).await
}

fn verdict(report: &RunReport, id: &str) -> VerdictKind {
    report
        .results
        .iter()
        .find(|r| r.scenario.id == id)
        .unwrap_or_else(|| panic!("{id} not in report"))
        .verdict
        .kind()
}

/// A card response with the caching headers S-01 asks for.
fn json_body(v: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(v)
        .insert_header("cache-control", "max-age=300")
        .insert_header("etag", "\"card-v1\"")
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn a_correct_signed_1_0_card_passes_every_card_scenario() {
    let setup = Setup {
        key: key(),
        version: None,
    };
    let card = signed(card_v1(), &setup.key);
    let report = run_card(json_body(&card), "*CARD-*", &setup).await;
    for r in &report.results {
        let kind = r.verdict.kind();
        assert!(
            matches!(kind, VerdictKind::Pass | VerdictKind::NotApplicable),
            "{} was {kind}: {:?} {:?}",
            r.scenario.id,
            r.verdict,
            r.failures
        );
    }
    assert_eq!(verdict(&report, "CARD-14"), VerdictKind::Pass);
    assert_eq!(verdict(&report, "CARD-19"), VerdictKind::Pass);
    assert_eq!(report.status, runner::RunStatus::Conformant);
}

#[tokio::test]
async fn a_correct_0_3_card_passes_every_0_3_card_scenario() {
    let setup = Setup {
        key: key(),
        version: None,
    };
    let report = run_card(json_body(&card_v03()), "*CARD-*", &setup).await;
    for r in &report.results {
        let kind = r.verdict.kind();
        assert!(
            matches!(kind, VerdictKind::Pass | VerdictKind::NotApplicable),
            "{} was {kind}: {:?}",
            r.scenario.id,
            r.failures
        );
    }
    assert_eq!(verdict(&report, "CARD-03"), VerdictKind::Pass);
    assert_eq!(verdict(&report, "CARD-19"), VerdictKind::Pass);
}

type Breakage = fn(&mut Value, &SigningKey);

/// (scenario, 0.3 card?, how to break it, expected verdict)
const BREAKAGES: &[(&str, bool, Breakage, VerdictKind)] = &[
    (
        "CARD-02",
        false,
        |c, _| drop(c.as_object_mut().unwrap().remove("supportedInterfaces")),
        VerdictKind::Fail,
    ),
    (
        "CARD-03",
        true,
        |c, _| drop(c.as_object_mut().unwrap().remove("skills")),
        VerdictKind::Fail,
    ),
    (
        "CARD-03b",
        true,
        |c, _| drop(c.as_object_mut().unwrap().remove("preferredTransport")),
        VerdictKind::Warn,
    ),
    (
        "CARD-04",
        false,
        |c, _| c["defaultInputModes"] = json!([]),
        VerdictKind::Fail,
    ),
    (
        "CARD-04b",
        false,
        |c, _| c["skills"] = json!([]),
        VerdictKind::Warn,
    ),
    (
        "CARD-05",
        false,
        |c, _| drop(c["skills"][0].as_object_mut().unwrap().remove("tags")),
        VerdictKind::Fail,
    ),
    (
        "CARD-05",
        true,
        |c, _| c["skills"][0]["id"] = json!(7),
        VerdictKind::Fail,
    ),
    (
        "CARD-06",
        false,
        |c, _| {
            c["supportedInterfaces"]
                .as_array_mut()
                .unwrap()
                .push(json!({"url": "https://agent.example/x", "protocolVersion": "1.0"}));
        },
        VerdictKind::Fail,
    ),
    (
        "CARD-06b",
        false,
        |c, _| c["supportedInterfaces"][0]["protocolVersion"] = json!("1.0.1"),
        VerdictKind::Warn,
    ),
    (
        "CARD-07",
        false,
        |c, _| drop(c["provider"].as_object_mut().unwrap().remove("url")),
        VerdictKind::Fail,
    ),
    (
        "CARD-10",
        true,
        |c, _| drop(c.as_object_mut().unwrap().remove("url")),
        VerdictKind::Fail,
    ),
    (
        "CARD-12",
        false,
        |c, k| {
            *c = signed(c.clone(), k);
            c["signatures"][0]["signature"] = json!("not base64url=");
        },
        VerdictKind::Fail,
    ),
    (
        "CARD-13",
        false,
        |c, _| {
            c["signatures"] = json!([{"protected": b64(br#"{"alg":"ES256","typ":"JOSE"}"#), "signature": "AAAA"}]);
        },
        VerdictKind::Fail,
    ),
    (
        "CARD-13b",
        false,
        |c, _| c["signatures"] = json!([{"protected": b64(br#"{"alg":"ES256","kid":"card-key-1"}"#), "signature": "AAAA"}]),
        VerdictKind::Warn,
    ),
    (
        "CARD-14",
        false,
        |c, k| {
            *c = signed(c.clone(), k);
            c["name"] = json!("Changed after signing");
        },
        VerdictKind::Fail,
    ),
    (
        "CARD-15",
        false,
        |c, _| c["default_output_modes"] = json!(["text/plain"]),
        VerdictKind::Fail,
    ),
    (
        "CARD-16",
        false,
        |c, _| c["securitySchemes"]["bearer"] = json!({"type": "http", "scheme": "bearer"}),
        VerdictKind::Fail,
    ),
    (
        "CARD-16",
        false,
        |c, _| c["securityRequirements"] = json!([{"bearer": []}]),
        VerdictKind::Fail,
    ),
    (
        "CARD-17",
        true,
        |c, _| c["securitySchemes"]["bearer"] = json!({"type": "bearer"}),
        VerdictKind::Fail,
    ),
    (
        "CARD-19",
        false,
        |c, _| c["supportedInterfaces"][0]["protocolVersion"] = json!(1),
        VerdictKind::Fail,
    ),
    (
        "CARD-19",
        true,
        |c, _| c["name"] = json!(["not", "a", "string"]),
        VerdictKind::Fail,
    ),
    (
        "SEC-CARD-01",
        false,
        |c, k| {
            *c = signed(c.clone(), k);
            let mut bad = c["signatures"][0].clone();
            bad["signature"] = json!(b64(&[7u8; 64]));
            c["signatures"].as_array_mut().unwrap().push(bad);
        },
        VerdictKind::Fail,
    ),
    (
        "SEC-CARD-02",
        false,
        |c, _| {
            c["securitySchemes"]["bearer"]["httpAuthSecurityScheme"]["clientSecret"] =
                json!("s3cr3t-value");
        },
        VerdictKind::Warn,
    ),
    (
        "SEC-CARD-02",
        false,
        |c, _| {
            c["description"] =
                json!("use Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl");
        },
        VerdictKind::Warn,
    ),
    (
        "SEC-CARD-03",
        false,
        |c, _| c["provider"]["url"] = json!("http://example.com"),
        VerdictKind::Fail,
    ),
    (
        "SEC-CARD-03",
        true,
        |c, _| c["url"] = json!("http://agent.example/rpc"),
        VerdictKind::Fail,
    ),
];

#[tokio::test]
async fn each_card_scenario_fails_on_its_broken_card() {
    let mut wrong = Vec::new();
    for (id, v03, breakage, expected) in BREAKAGES {
        let setup = Setup {
            key: key(),
            version: Some(if *v03 {
                ProtocolVersion::V0_3
            } else {
                ProtocolVersion::V1_0
            }),
        };
        let mut card = if *v03 { card_v03() } else { card_v1() };
        breakage(&mut card, &setup.key);
        let report = run_card(json_body(&card), id, &setup).await;
        let got = verdict(&report, id);
        if got != *expected {
            wrong.push(format!(
                "{id} (0.3: {v03}): expected {expected}, got {got} {:?}",
                report.results[0].verdict
            ));
        }
        // The correct card of the same version passes the same scenario.
        let good = if *v03 {
            card_v03()
        } else {
            signed(card_v1(), &setup.key)
        };
        let report = run_card(json_body(&good), id, &setup).await;
        let got = verdict(&report, id);
        if !matches!(got, VerdictKind::Pass) {
            wrong.push(format!(
                "{id} (0.3: {v03}) on the correct card: {got} {:?}",
                report.results[0].failures
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[tokio::test]
async fn card_01_fails_on_404_and_non_object_and_errors_on_invalid_utf8() {
    let setup = Setup {
        key: key(),
        version: None,
    };
    let report = run_card(ResponseTemplate::new(404), "CARD-01", &setup).await;
    assert_eq!(verdict(&report, "CARD-01"), VerdictKind::Fail);
    let failure = &report.results[0].failures[0];
    assert_eq!(failure.exchange.as_deref(), Some("x1"));
    let report = run_card(json_body(&json!([1, 2])), "CARD-01", &setup).await;
    assert_eq!(verdict(&report, "CARD-01"), VerdictKind::Fail);
    let report = run_card(
        ResponseTemplate::new(200)
            .set_body_raw(b"{\"name\":\"\xff\"}".to_vec(), "application/json"),
        "CARD-01",
        &setup,
    )
    .await;
    assert_eq!(verdict(&report, "CARD-01"), VerdictKind::Error);
    let report = run_card(json_body(&card_v1()), "CARD-01", &setup).await;
    assert_eq!(verdict(&report, "CARD-01"), VerdictKind::Pass);
}

#[tokio::test]
async fn signature_scenarios_skip_without_keys_and_are_not_applicable_without_signatures() {
    let server = MockServer::start().await;
    let k = key();
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(json_body(&signed(card_v1(), &k)))
        .mount(&server)
        .await;
    let mut config = RunConfig::new(format!("{}/.well-known/agent-card.json", server.uri()));
    config.selection.only = vec!["CARD-14".into(), "SEC-CARD-01".into(), "CARD-19".into()];
    let report = runner::run(catalogue::all(), config, &Silent).await;
    assert!(
        report
            .results
            .iter()
            .all(|r| r.verdict.kind() == VerdictKind::Skip),
        "{:?}",
        report.results
    );
    assert_eq!(report.status, runner::RunStatus::NothingExercised);

    let setup = Setup {
        key: k,
        version: None,
    };
    let report = run_card(json_body(&card_v1()), "CARD-14", &setup).await;
    assert_eq!(verdict(&report, "CARD-14"), VerdictKind::NotApplicable);
}

// ---- hostile input ----

async fn hostile_server(rpc: ResponseTemplate, card_times: Option<u64>) -> MockServer {
    let server = MockServer::start().await;
    let mut card = card_v1();
    card["supportedInterfaces"][0]["url"] = json!(format!("{}/rpc", server.uri()));
    let mock = Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(json_body(&card));
    match card_times {
        Some(n) => mock.up_to_n_times(n).mount(&server).await,
        None => mock.mount(&server).await,
    }
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rpc"))
        .respond_with(rpc)
        .mount(&server)
        .await;
    server
}

async fn run_hostile(server: &MockServer, only: &str) -> RunReport {
    let mut config = RunConfig::new(format!("{}/.well-known/agent-card.json", server.uri()));
    config.selection.only = vec![only.to_owned()];
    config.profile.mode = Mode::Dev;
    config.profile.timeouts.request_ms = 5_000;
    runner::run(catalogue::all(), config, &Silent).await
}

fn parse_error(id: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32700, "message": "Parse error"}}),
    )
}

#[tokio::test]
async fn hostile_input_passes_against_an_agent_that_answers_errors() {
    let server = hostile_server(parse_error(&Value::Null), None).await;
    let report = run_hostile(&server, "SEC-INPUT-*").await;
    for r in &report.results {
        assert_eq!(
            r.verdict.kind(),
            VerdictKind::Pass,
            "{}: {:?} {:?}",
            r.scenario.id,
            r.verdict,
            r.failures
        );
    }
    assert_eq!(report.results.len(), 5);
    assert_eq!(report.status, runner::RunStatus::Conformant);
}

#[tokio::test]
async fn hostile_input_fails_against_an_agent_that_answers_5xx() {
    let server = hostile_server(ResponseTemplate::new(500).set_body_string("boom"), None).await;
    let report = run_hostile(&server, "SEC-INPUT-0?").await;
    for (id, expected) in [
        ("SEC-INPUT-01", VerdictKind::Fail),
        ("SEC-INPUT-02", VerdictKind::Warn),
        ("SEC-INPUT-03", VerdictKind::Warn),
        ("SEC-INPUT-04", VerdictKind::Fail),
        ("SEC-INPUT-05", VerdictKind::Pass),
    ] {
        assert_eq!(verdict(&report, id), expected, "{id}");
    }
    // The failure carries the exchange and a curl reproducer for it.
    let r = report
        .results
        .iter()
        .find(|r| r.scenario.id == "SEC-INPUT-01")
        .unwrap();
    let x = r.failures[0].exchange.as_deref().unwrap();
    let exchange = r.exchanges.iter().find(|e| e.id == x).unwrap();
    assert!(exchange.curl.starts_with("curl "), "{}", exchange.curl);
    assert_eq!(report.status, runner::RunStatus::NonConformant);
}

#[tokio::test]
async fn parse_error_with_a_request_id_fails_sec_input_01() {
    let server = hostile_server(parse_error(&json!(1)), None).await;
    let report = run_hostile(&server, "SEC-INPUT-01").await;
    assert_eq!(verdict(&report, "SEC-INPUT-01"), VerdictKind::Fail);
    assert_eq!(
        report.results[0].failures[0].pointer.as_deref(),
        Some("/id")
    );
}

#[tokio::test]
async fn sec_input_05_fails_when_the_card_stops_answering() {
    let server = hostile_server(parse_error(&Value::Null), Some(1)).await;
    let report = run_hostile(&server, "SEC-INPUT-05").await;
    assert_eq!(verdict(&report, "SEC-INPUT-05"), VerdictKind::Fail);
}

#[tokio::test]
async fn card_keys_are_fetched_from_the_signature_jku_in_dev_mode() {
    let server = MockServer::start().await;
    let k = key();
    let jwks = json!({"keys": [k.public_jwk().unwrap()]});
    let jku = format!("{}/jwks.json", server.uri());
    let mut card = card_v1();
    a2a_security::card::sign(&mut card, &k, Some(&jku)).unwrap();
    let mut tampered = card.clone();
    tampered["description"] = json!("changed after signing");
    Mock::given(method("GET"))
        .and(path("/jwks.json"))
        .respond_with(json_body(&jwks))
        .mount(&server)
        .await;
    for (served, expected) in [(card, VerdictKind::Pass), (tampered, VerdictKind::Fail)] {
        let card_path = if expected == VerdictKind::Pass {
            "/good.json"
        } else {
            "/bad.json"
        };
        Mock::given(method("GET"))
            .and(path(card_path))
            .respond_with(json_body(&served))
            .mount(&server)
            .await;
        let mut config = RunConfig::new(format!("{}{card_path}", server.uri()));
        config.selection.only = vec!["CARD-14".into()];
        config.profile.mode = Mode::Dev;
        let report = runner::run(catalogue::all(), config, &Silent).await;
        assert_eq!(
            verdict(&report, "CARD-14"),
            expected,
            "{:?}",
            report.results[0]
        );
        assert_eq!(report.key_exchanges.len(), 1);
    }
    // In production mode an http jku is not fetched: no keys, so the scenario skips.
    let mut config = RunConfig::new(format!("{}/good.json", server.uri()));
    config.selection.only = vec!["CARD-14".into()];
    let report = runner::run(catalogue::all(), config, &Silent).await;
    assert_eq!(verdict(&report, "CARD-14"), VerdictKind::Skip);
}

/// A 1.0 card whose two interfaces are served by `server`; the REST one answers `rest_unknown`
/// for an unknown task.
async fn two_interfaces(rest_unknown: ResponseTemplate) -> MockServer {
    use wiremock::matchers::path_regex;
    let server = MockServer::start().await;
    let mut card = card_v1();
    card["supportedInterfaces"] = json!([
        {"url": format!("{}/rpc", server.uri()), "protocolBinding": "JSONRPC", "protocolVersion": "1.0"},
        {"url": format!("{}/rest", server.uri()), "protocolBinding": "HTTP+JSON", "protocolVersion": "1.0"}
    ]);
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(json_body(&card))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rpc"))
        .respond_with(json_body(&json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32001, "message": "Task not found"}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/rest/tasks/tck-no-such-task-[0-9]+$"))
        .respond_with(rest_unknown)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn card_11_probes_every_interface_in_its_binding() {
    let not_found = ResponseTemplate::new(404).set_body_json(
        json!({"error": {"code": 404, "status": "NOT_FOUND", "message": "task not found"}}),
    );
    let server = two_interfaces(not_found).await;
    let report = run_hostile(&server, "CARD-11").await;
    assert_eq!(
        verdict(&report, "CARD-11"),
        VerdictKind::Pass,
        "{:?}",
        report.results[0]
    );
    assert_eq!(report.results[0].exchanges.len(), 2);

    // The REST URL actually speaks something else (here: 200 with a JSON-RPC body).
    let wrong = json_body(
        &json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32001, "message": "x"}}),
    );
    let server = two_interfaces(wrong).await;
    let report = run_hostile(&server, "CARD-11").await;
    assert_eq!(verdict(&report, "CARD-11"), VerdictKind::Fail);
    let failure = &report.results[0].failures[0];
    assert!(failure.message.contains("/rest"), "{failure:?}");
    assert_eq!(failure.expected.as_deref(), Some("HTTP 404 (TaskNotFound)"));

    // Credentials missing: the probe cannot judge, so it skips (never a pass).
    let server = two_interfaces(ResponseTemplate::new(401)).await;
    let report = run_hostile(&server, "CARD-11").await;
    assert_eq!(verdict(&report, "CARD-11"), VerdictKind::Skip);
}

#[tokio::test]
async fn card_08_and_09_probe_the_0_3_interfaces() {
    for (rpc, expected) in [
        (
            json_body(
                &json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32001, "message": "Task not found"}}),
            ),
            VerdictKind::Pass,
        ),
        (ResponseTemplate::new(404), VerdictKind::Fail),
    ] {
        let server = MockServer::start().await;
        let mut card = card_v03();
        card["url"] = json!(format!("{}/rpc", server.uri()));
        Mock::given(method("GET"))
            .and(path("/.well-known/agent-card.json"))
            .respond_with(json_body(&card))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/rpc"))
            .respond_with(rpc)
            .mount(&server)
            .await;
        for id in ["CARD-08", "CARD-09"] {
            let report = run_hostile(&server, id).await;
            assert_eq!(
                verdict(&report, id),
                expected,
                "{id}: {:?}",
                report.results[0]
            );
        }
    }
}

/// A card declaring 1.0 and 0.3 whose `securitySchemes` has the 1.0 shape: judged as 1.0 by
/// default (the 0.3 scheme checks are not applicable, the 0.3 schema check leaves the member
/// out), and failing the 0.3 checks when the profile says the member follows 0.3.
#[tokio::test]
async fn a_dual_version_card_has_its_security_schemes_judged_by_one_version() {
    let mut dual = card_v1();
    dual["url"] = json!("https://agent.example/rpc");
    dual["preferredTransport"] = json!("JSONRPC");
    dual["protocolVersion"] = json!("0.3.0");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(json_body(&dual))
        .mount(&server)
        .await;
    let run = |policy: Option<&str>| {
        let mut config = RunConfig::new(format!("{}/.well-known/agent-card.json", server.uri()));
        config.selection = Selection {
            only: vec!["CARD-16".into(), "CARD-17".into(), "CARD-19".into()],
            skip: vec![],
        };
        config.schemas = Some(Arc::new(SchemaSet::embedded().unwrap()));
        config.profile.card.dual_version_schemes = policy.map(str::to_owned);
        runner::run(catalogue::all(), config, &Silent)
    };
    let on = |report: &RunReport, id: &str, target: &str| {
        report
            .results
            .iter()
            .find(|r| r.scenario.id == id && r.target.as_deref() == Some(target))
            .unwrap_or_else(|| panic!("{id} on {target} not in report"))
            .verdict
            .clone()
    };
    let default = run(None).await;
    assert_eq!(
        on(&default, "CARD-16", "1.0 JSONRPC").kind(),
        VerdictKind::Pass
    );
    assert_eq!(
        on(&default, "CARD-19", "1.0 JSONRPC").kind(),
        VerdictKind::Pass
    );
    let na = on(&default, "CARD-17", "0.3 JSONRPC");
    assert_eq!(na.kind(), VerdictKind::NotApplicable);
    assert!(na.reason().unwrap().contains("judged as 1.0"), "{na:?}");
    assert_eq!(
        on(&default, "CARD-19", "0.3 JSONRPC").kind(),
        VerdictKind::Pass
    );

    let as_0_3 = run(Some("0.3")).await;
    assert_eq!(
        on(&as_0_3, "CARD-16", "1.0 JSONRPC").kind(),
        VerdictKind::NotApplicable
    );
    assert_eq!(
        on(&as_0_3, "CARD-17", "0.3 JSONRPC").kind(),
        VerdictKind::Fail
    );
    assert_eq!(
        on(&as_0_3, "CARD-19", "0.3 JSONRPC").kind(),
        VerdictKind::Fail
    );
}

/// S-01: a card without `Cache-Control: max-age` or without an `ETag` warns.
#[tokio::test]
async fn s_01_warns_without_the_caching_headers() {
    let setup = Setup {
        key: key(),
        version: Some(ProtocolVersion::V1_0),
    };
    let card = card_v1();
    let report = run_card(json_body(&card), "S-01", &setup).await;
    assert_eq!(verdict(&report, "S-01"), VerdictKind::Pass);
    for response in [
        ResponseTemplate::new(200).set_body_json(&card),
        ResponseTemplate::new(200)
            .set_body_json(&card)
            .insert_header("cache-control", "no-store")
            .insert_header("etag", "\"v\""),
        ResponseTemplate::new(200)
            .set_body_json(&card)
            .insert_header("cache-control", "public, max-age=60"),
    ] {
        let report = run_card(response, "S-01", &setup).await;
        assert_eq!(verdict(&report, "S-01"), VerdictKind::Warn);
    }
}
