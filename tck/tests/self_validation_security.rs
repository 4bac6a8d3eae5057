//! The authentication, JWT and replay scenarios are proven on the reference agent, in-process on
//! 127.0.0.1:0, set up as `selftest --mode bearer` sets it up (ES256 tokens, iss/aud checked,
//! replayed `jti` refused): (a) the correct agent passes every one on each version and binding,
//! and the open agent makes none of them pass; (b) each security defect turns exactly the listed
//! scenarios red; (c) the scenarios no defect reaches fail against a wiremock agent that accepts
//! any bearer token.

// Helpers outside #[test] functions panic on setup failure too: that is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use a2a_tck::catalogue;
use a2a_tck::cli::{SelftestMode, profile_auth, selftest_mode};
use a2a_tck::profile::{JwtMinting, Mode, Secret};
use a2a_tck::runner::{self, RunConfig, RunReport, Silent};
use a2a_tck::scenario::{Area, Binding, ProtocolVersion};
use a2a_tck::selection::Selection;
use a2a_tck::verdict::VerdictKind;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GROUP: &[&str] = &[
    "AUTH-*",
    "LIST-10",
    "SEC-AUTH-*",
    "SEC-JWT-*",
    "SEC-REPLAY-*",
    "GET-05",
    "CANCEL-05",
];

/// The runs a defect is judged on: 1.0 over JSON-RPC (which also probes the HTTP+JSON
/// interface in SEC-AUTH-01/AUTH-01) and 0.3.
const RUNS: &[(ProtocolVersion, Binding)] = &[
    (ProtocolVersion::V1_0, Binding::JsonRpc),
    (ProtocolVersion::V0_3, Binding::JsonRpc),
];

async fn run_reference(
    mode: SelftestMode,
    defects: &[&str],
    version: ProtocolVersion,
    binding: Binding,
) -> RunReport {
    run_reference_with(mode, defects, version, binding, |_| {}).await
}

async fn run_reference_with(
    mode: SelftestMode,
    defects: &[&str],
    version: ProtocolVersion,
    binding: Binding,
    tweak: impl FnOnce(&mut a2a_reference_agent::config::Config),
) -> RunReport {
    run_mode(mode, defects, GROUP, version, binding, tweak).await
}

/// The scenarios `only` selects, on `version` over `binding`, against a fresh reference agent
/// set up as `selftest --mode` sets it up (then `tweak`ed), with `defects` switched on.
async fn run_mode(
    mode: SelftestMode,
    defects: &[&str],
    only: &[&str],
    version: ProtocolVersion,
    binding: Binding,
    tweak: impl FnOnce(&mut a2a_reference_agent::config::Config),
) -> RunReport {
    let mut agent_config = a2a_reference_agent::config::Config::default();
    "127.0.0.1:0".clone_into(&mut agent_config.bind);
    agent_config
        .defects
        .extend(defects.iter().map(|d| (*d).to_owned()));
    let patch = selftest_mode(mode, &mut agent_config);
    tweak(&mut agent_config);
    let agent = a2a_reference_agent::serve(agent_config).await.unwrap();
    let mut config = RunConfig::new(format!("{}/.well-known/agent-card.json", agent.base_url()));
    patch(&mut config.profile);
    config.profile.mode = Mode::Dev;
    config.profile.behaviours.preset = Some(a2a_tck::profile::REFERENCE_AGENT.to_owned());
    config.auth = profile_auth(&config.profile).unwrap();
    config.version = Some(version);
    config.binding = Some(binding);
    config.selection = Selection {
        only: only.iter().map(|s| (*s).to_owned()).collect(),
        skip: vec![],
    };
    let report = runner::run(catalogue::all(), config, &Silent).await;
    agent.shutdown().await;
    report
}

fn red(report: &RunReport) -> BTreeSet<String> {
    report
        .results
        .iter()
        .filter(|r| matches!(r.verdict.kind(), VerdictKind::Fail | VerdictKind::Warn))
        .map(|r| r.scenario.id.to_owned())
        .collect()
}

fn errors(report: &RunReport) -> Vec<String> {
    report
        .results
        .iter()
        .filter(|r| r.verdict.kind() == VerdictKind::Error)
        .map(|r| format!("{}: {:?}", r.scenario.id, r.verdict.reason()))
        .collect()
}

#[tokio::test]
async fn the_bearer_agent_passes_every_auth_scenario_on_each_version_and_binding() {
    for (version, binding) in [
        (ProtocolVersion::V1_0, Binding::JsonRpc),
        (ProtocolVersion::V1_0, Binding::HttpJson),
        (ProtocolVersion::V0_3, Binding::JsonRpc),
    ] {
        let report = run_reference(SelftestMode::Bearer, &[], version, binding).await;
        assert!(report.results.len() >= 17, "{version} {binding}: too few");
        assert_eq!(red(&report), BTreeSet::new(), "{version} {binding}");
        assert_eq!(errors(&report), Vec::<String>::new(), "{version} {binding}");
        let passed = report
            .results
            .iter()
            .filter(|r| r.verdict.kind() == VerdictKind::Pass)
            .count();
        assert!(passed >= 14, "{version} {binding}: only {passed} passed");
        // The ES256 key makes the whole JWT group applicable, algorithm confusion included.
        for r in report
            .results
            .iter()
            .filter(|r| r.scenario.id.starts_with("SEC-JWT-"))
        {
            assert_eq!(r.verdict.kind(), VerdictKind::Pass, "{}", r.scenario.id);
        }
    }
}

#[tokio::test]
async fn without_authentication_no_auth_scenario_passes() {
    let report = run_reference(
        SelftestMode::Open,
        &[],
        ProtocolVersion::V1_0,
        Binding::JsonRpc,
    )
    .await;
    for r in &report.results {
        assert!(matches!(r.scenario.area, Area::Auth | Area::Extensions));
        if r.scenario.id == "AUTH-06" || r.scenario.id == "AUTH-10" {
            // The capability error of an undeclared extended card and the in-task
            // authorization state need no authentication.
            assert_eq!(r.verdict.kind(), VerdictKind::Pass);
            continue;
        }
        assert!(
            matches!(
                r.verdict.kind(),
                VerdictKind::Skip | VerdictKind::NotApplicable
            ),
            "{} is {:?} on an agent without authentication",
            r.scenario.id,
            r.verdict
        );
    }
}

/// Security defect → the scenarios it turns red (FAIL, or WARN for a SHOULD), over both runs.
const TABLE: &[(&str, &[&str])] = &[
    (
        "unauthorized-without-challenge",
        &["AUTH-02", "SEC-AUTH-02", "SEC-AUTH-04"],
    ),
    ("missing-credentials-accepted", &["AUTH-01", "SEC-AUTH-01"]),
    (
        "other-principal-task-visible",
        &["AUTH-04", "CANCEL-05", "GET-05", "LIST-10", "SEC-AUTH-06"],
    ),
    ("insufficient-scope-accepted", &["AUTH-03", "SEC-AUTH-05"]),
    ("replayed-jti-accepted", &["SEC-REPLAY-01"]),
    ("expired-token-accepted", &["SEC-JWT-01"]),
    ("alg-none-accepted", &["SEC-JWT-05"]),
    ("alg-confusion-accepted", &["SEC-JWT-06"]),
];

async fn exactly(defect: &str) {
    let expected: BTreeSet<String> = TABLE
        .iter()
        .find(|(d, _)| *d == defect)
        .unwrap()
        .1
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let mut found = BTreeSet::new();
    for (version, binding) in RUNS {
        let report = run_reference(SelftestMode::Bearer, &[defect], *version, *binding).await;
        assert_eq!(
            errors(&report),
            Vec::<String>::new(),
            "{defect} on {version}"
        );
        found.extend(red(&report));
    }
    assert_eq!(found, expected, "{defect}");
}

macro_rules! defect_tests {
    ($($name:ident => $defect:literal),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                exactly($defect).await;
            }
        )*

        #[test]
        fn every_table_row_has_a_test() {
            let tested: BTreeSet<&str> = [$($defect),*].into_iter().collect();
            let table: BTreeSet<&str> = TABLE.iter().map(|(d, _)| *d).collect();
            assert_eq!(tested, table);
        }
    };
}

defect_tests! {
    unauthorized_without_challenge_turns_the_challenge_scenarios_red => "unauthorized-without-challenge",
    missing_credentials_accepted_turns_the_rejection_scenarios_red => "missing-credentials-accepted",
    other_principal_task_visible_turns_the_isolation_scenarios_red => "other-principal-task-visible",
    insufficient_scope_accepted_turns_the_scope_scenarios_red => "insufficient-scope-accepted",
    replayed_jti_accepted_turns_replay_red => "replayed-jti-accepted",
    expired_token_accepted_turns_exp_red => "expired-token-accepted",
    alg_none_accepted_turns_alg_none_red => "alg-none-accepted",
    alg_confusion_accepted_turns_confusion_red => "alg-confusion-accepted",
}

/// The table's runs are JSON-RPC; `ListTasks` leaks over HTTP+JSON (`GET /tasks`) the same way.
#[tokio::test]
async fn other_principal_task_visible_leaks_into_list_tasks_over_http_json() {
    let report = run_reference(
        SelftestMode::Bearer,
        &["other-principal-task-visible"],
        ProtocolVersion::V1_0,
        Binding::HttpJson,
    )
    .await;
    assert_eq!(errors(&report), Vec::<String>::new());
    assert!(red(&report).contains("LIST-10"), "{:?}", red(&report));
}

// ---- (c) a lax agent: any bearer token is accepted, the challenge names another scheme ----

fn lax_card(base: &str, version: ProtocolVersion) -> Value {
    match version {
        ProtocolVersion::V0_3 => json!({
            "name": "Lax agent", "description": "Accepts any bearer token.", "version": "1",
            "url": format!("{base}/rpc"), "preferredTransport": "JSONRPC", "protocolVersion": "0.3.0",
            "capabilities": {}, "supportsAuthenticatedExtendedCard": true,
            "defaultInputModes": ["text/plain"], "defaultOutputModes": ["text/plain"],
            "skills": [{"id": "echo", "name": "Echo", "description": "Echoes.", "tags": ["t"]}],
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        }),
        _ => json!({
            "name": "Lax agent", "description": "Accepts any bearer token.", "version": "1",
            "supportedInterfaces": [
                {"url": format!("{base}/rpc"), "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}
            ],
            "capabilities": {"extendedAgentCard": true},
            "defaultInputModes": ["text/plain"], "defaultOutputModes": ["text/plain"],
            "skills": [{"id": "echo", "name": "Echo", "description": "Echoes.", "tags": ["t"]}],
            "securitySchemes": {"bearer": {"httpAuthSecurityScheme": {"scheme": "Bearer"}}},
        }),
    }
}

async fn run_lax(version: ProtocolVersion, challenge: &str, asymmetric: bool) -> RunReport {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(lax_card(&base, version)))
        .mount(&server)
        .await;
    // The extended card is served to anyone.
    for m in ["GetExtendedAgentCard", "agent/getAuthenticatedExtendedCard"] {
        Mock::given(method("POST"))
            .and(path("/rpc"))
            .and(body_partial_json(json!({"method": m})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "jsonrpc": "2.0", "id": "x", "result": lax_card(&base, version)
            })))
            .with_priority(1)
            .mount(&server)
            .await;
    }
    // Any Authorization header at all is accepted.
    Mock::given(method("POST"))
        .and(path("/rpc"))
        .and(header_exists("authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "jsonrpc": "2.0", "id": "x", "error": {"code": -32001, "message": "task not found"}
        })))
        .with_priority(2)
        .mount(&server)
        .await;
    // Without one: 401 whose challenge names a scheme the card does not declare.
    Mock::given(method("POST"))
        .and(path("/rpc"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", challenge)
                .set_body_json(json!({
                    "jsonrpc": "2.0", "id": "x", "error": {"code": -32600, "message": "unauthenticated"}
                })),
        )
        .with_priority(3)
        .mount(&server)
        .await;
    let mut config = RunConfig::new(format!("{base}/.well-known/agent-card.json"));
    config.profile.mode = Mode::Dev;
    config.profile.replay_protection = true;
    config.profile.jwt = Some(JwtMinting {
        hs256_secret: (!asymmetric).then(|| Secret::new("a-lax-agent-secret-of-32-bytes-or-more")),
        private_jwk_file: None,
        private_jwk: asymmetric.then(|| {
            let jwk = a2a_security::jwk::generate_private(a2a_security::jws::Algorithm::EdDSA, "k")
                .unwrap();
            Secret::new(jwk.to_string())
        }),
        kid: None,
        iss: "https://issuer.a2a-kit.invalid".into(),
        aud: "lax-agent".into(),
        sub: None,
        scopes: vec![],
        scoped: Some(a2a_tck::profile::ScopedMessage {
            scope: "lax.scope".into(),
            message_text: Some("ask".into()),
            message_id_prefix: None,
        }),
    });
    config.auth = profile_auth(&config.profile).unwrap();
    config.version = Some(version);
    config.selection = Selection {
        only: GROUP.iter().map(|s| (*s).to_owned()).collect(),
        skip: vec![],
    };
    config.profile.timeouts.request_ms = 2_000;
    runner::run(catalogue::all(), config, &Silent).await
}

#[tokio::test]
async fn an_agent_that_accepts_any_bearer_token_fails_the_token_scenarios() {
    let report = run_lax(ProtocolVersion::V1_0, "Basic realm=\"lax\"", false).await;
    let found = red(&report);
    for id in [
        "AUTH-01",
        "AUTH-05",
        "SEC-AUTH-03",
        "SEC-JWT-01",
        "SEC-JWT-02",
        "SEC-JWT-03",
        "SEC-JWT-04",
        "SEC-JWT-05",
        "SEC-JWT-07",
        "SEC-JWT-08",
        "SEC-REPLAY-01",
        "SEC-REPLAY-02",
    ] {
        assert!(found.contains(id), "{id} not red: {found:?}");
    }
    // With an asymmetric minting key, the algorithm-confusion forgeries are accepted too.
    let report = run_lax(ProtocolVersion::V1_0, "Basic realm=\"lax\"", true).await;
    assert!(red(&report).contains("SEC-JWT-06"), "{:?}", red(&report));
    let report = run_lax(ProtocolVersion::V0_3, "Basic realm=\"lax\"", false).await;
    assert!(red(&report).contains("AUTH-08"), "{:?}", red(&report));
    // A challenge that does not parse (unterminated quoted-string).
    let report = run_lax(ProtocolVersion::V1_0, "Bearer realm=\"lax", false).await;
    assert!(red(&report).contains("SEC-AUTH-02"), "{:?}", red(&report));
}

fn verdict_of(report: &RunReport, id: &str) -> VerdictKind {
    report
        .results
        .iter()
        .find(|r| r.scenario.id == id)
        .unwrap_or_else(|| panic!("{id} did not run"))
        .verdict
        .kind()
}

/// AUTH-06/07/09 on the reference agent: without the capability the extended card is
/// `UnsupportedOperationError`, declared but unconfigured it is -32007; each passes.
#[tokio::test]
async fn the_extended_card_capability_errors_pass_on_the_reference_agent() {
    for (version, binding) in [
        (ProtocolVersion::V1_0, Binding::JsonRpc),
        (ProtocolVersion::V1_0, Binding::HttpJson),
        (ProtocolVersion::V0_3, Binding::JsonRpc),
    ] {
        let off = run_reference_with(SelftestMode::Bearer, &[], version, binding, |c| {
            "off".clone_into(&mut c.capabilities.extended_card);
        })
        .await;
        let unconfigured = run_reference_with(SelftestMode::Bearer, &[], version, binding, |c| {
            "unconfigured".clone_into(&mut c.capabilities.extended_card);
        })
        .await;
        if version == ProtocolVersion::V1_0 {
            assert_eq!(verdict_of(&off, "AUTH-06"), VerdictKind::Pass, "{binding}");
            assert_eq!(
                verdict_of(&off, "AUTH-07"),
                VerdictKind::NotApplicable,
                "{binding}"
            );
            assert_eq!(
                verdict_of(&unconfigured, "AUTH-07"),
                VerdictKind::Pass,
                "{binding}"
            );
            assert_eq!(
                verdict_of(&unconfigured, "AUTH-06"),
                VerdictKind::NotApplicable,
                "{binding}"
            );
        } else {
            assert_eq!(verdict_of(&unconfigured, "AUTH-09"), VerdictKind::Pass);
            assert_eq!(verdict_of(&off, "AUTH-09"), VerdictKind::NotApplicable);
        }
        assert_eq!(red(&unconfigured), BTreeSet::new(), "{version} {binding}");
    }
}

/// An agent whose extended-card answers are wrong: served although undeclared (AUTH-06 fails),
/// or a generic error although declared (AUTH-07/AUTH-09 warn).
#[tokio::test]
async fn wrong_extended_card_answers_turn_auth_06_07_09_red() {
    for (version, declared, id, expected) in [
        (ProtocolVersion::V1_0, false, "AUTH-06", VerdictKind::Fail),
        (ProtocolVersion::V1_0, true, "AUTH-07", VerdictKind::Warn),
        (ProtocolVersion::V0_3, true, "AUTH-09", VerdictKind::Warn),
    ] {
        let server = MockServer::start().await;
        let base = server.uri();
        let mut card = lax_card(&base, version);
        let flag = if version == ProtocolVersion::V0_3 {
            &mut card["supportsAuthenticatedExtendedCard"]
        } else {
            &mut card["capabilities"]["extendedAgentCard"]
        };
        *flag = Value::Bool(declared);
        Mock::given(method("GET"))
            .and(path("/.well-known/agent-card.json"))
            .respond_with(ResponseTemplate::new(200).set_body_json(card.clone()))
            .mount(&server)
            .await;
        let answer = if declared {
            json!({"jsonrpc": "2.0", "id": "x", "error": {"code": -32603, "message": "internal"}})
        } else {
            json!({"jsonrpc": "2.0", "id": "x", "result": card})
        };
        Mock::given(method("POST"))
            .and(path("/rpc"))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .mount(&server)
            .await;
        let mut config = RunConfig::new(format!("{base}/.well-known/agent-card.json"));
        config.profile.mode = Mode::Dev;
        config.version = Some(version);
        config.selection = Selection {
            only: vec![id.into()],
            skip: vec![],
        };
        let report = runner::run(catalogue::all(), config, &Silent).await;
        assert_eq!(verdict_of(&report, id), expected, "{id}");
    }
}

#[tokio::test]
async fn a_refused_positive_control_is_an_error_not_a_verdict() {
    // The profile's key is not the agent's: the valid token is refused, so the JWT group cannot
    // judge anything.
    let mut agent_config = a2a_reference_agent::config::Config::default();
    "127.0.0.1:0".clone_into(&mut agent_config.bind);
    let patch = selftest_mode(SelftestMode::Bearer, &mut agent_config);
    let agent = a2a_reference_agent::serve(agent_config).await.unwrap();
    let mut config = RunConfig::new(format!("{}/.well-known/agent-card.json", agent.base_url()));
    patch(&mut config.profile);
    if let Some(jwt) = config.profile.jwt.as_mut() {
        let other = a2a_security::jwk::generate_private(
            a2a_security::jws::Algorithm::ES256,
            "tck-selftest",
        )
        .unwrap();
        jwt.private_jwk = Some(Secret::new(other.to_string()));
    }
    config.profile.mode = Mode::Dev;
    config.selection = Selection {
        only: vec!["SEC-JWT-*".into()],
        skip: vec![],
    };
    let report = runner::run(catalogue::all(), config, &Silent).await;
    agent.shutdown().await;
    // The card declares 1.0 and 0.3: the group runs on both.
    assert_eq!(report.targets.len(), 2);
    assert_eq!(report.results.len(), 16);
    for r in &report.results {
        // SEC-JWT-06 too: the control runs before it decides it is not applicable.
        assert_eq!(r.verdict.kind(), VerdictKind::Error, "{}", r.scenario.id);
    }
}

// ---- extensions and message integrity ----

const EXT_GROUP: &[&str] = &["EXT-*", "SEC-MI-*", "SEC-REPLAY-03", "SEC-REPLAY-04"];

async fn run_integrity(defects: &[&str], version: ProtocolVersion, binding: Binding) -> RunReport {
    run_mode(
        SelftestMode::Integrity,
        defects,
        EXT_GROUP,
        version,
        binding,
        |_| {},
    )
    .await
}

#[tokio::test]
async fn the_integrity_agent_passes_every_extension_scenario_on_each_version_and_binding() {
    for (version, binding) in [
        (ProtocolVersion::V1_0, Binding::JsonRpc),
        (ProtocolVersion::V1_0, Binding::HttpJson),
        (ProtocolVersion::V0_3, Binding::JsonRpc),
    ] {
        let report = run_integrity(&[], version, binding).await;
        assert_eq!(red(&report), BTreeSet::new(), "{version} {binding}");
        assert_eq!(errors(&report), Vec::<String>::new(), "{version} {binding}");
        let passed = report
            .results
            .iter()
            .filter(|r| r.verdict.kind() == VerdictKind::Pass)
            .count();
        assert!(passed >= 9, "{version} {binding}: only {passed} passed");
    }
}

/// Integrity defect → the scenarios it turns red, over 1.0 and 0.3.
const EXT_TABLE: &[(&str, &[&str])] = &[
    (
        "required-extension-not-enforced",
        // EXT-02: the /v999 request does not activate the required extension either.
        &["EXT-01", "EXT-02", "EXT-06", "SEC-MI-01"],
    ),
    ("extension-not-echoed", &["EXT-05", "EXT-06"]),
    ("stale-integrity-accepted", &["SEC-REPLAY-04"]),
];

async fn exactly_integrity(defect: &str) {
    let expected: BTreeSet<String> = EXT_TABLE
        .iter()
        .find(|(d, _)| *d == defect)
        .unwrap()
        .1
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let mut found = BTreeSet::new();
    for (version, binding) in RUNS {
        let report = run_integrity(&[defect], *version, *binding).await;
        assert_eq!(
            errors(&report),
            Vec::<String>::new(),
            "{defect} on {version}"
        );
        found.extend(red(&report));
    }
    assert_eq!(found, expected, "{defect}");
}

#[tokio::test]
async fn required_extension_not_enforced_turns_the_activation_scenarios_red() {
    exactly_integrity("required-extension-not-enforced").await;
}

#[tokio::test]
async fn extension_not_echoed_turns_the_echo_scenarios_red() {
    exactly_integrity("extension-not-echoed").await;
}

#[tokio::test]
async fn stale_integrity_accepted_turns_the_window_red() {
    exactly_integrity("stale-integrity-accepted").await;
}

fn integrity_card(base: &str) -> Value {
    json!({
        "name": "Lax integrity agent", "description": "Checks no signature.", "version": "1",
        "supportedInterfaces": [
            {"url": format!("{base}/rpc"), "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}
        ],
        "capabilities": {"extensions": [
            {"uri": a2a_security::integrity::EXTENSION_URI, "required": true}
        ]},
        "defaultInputModes": ["text/plain"], "defaultOutputModes": ["text/plain"],
        "skills": [{"id": "echo", "name": "Echo", "description": "Echoes.", "tags": ["t"]}],
    })
}

fn task_result() -> Value {
    json!({"jsonrpc": "2.0", "id": "x", "result": {"task": {
        "id": "t-1", "contextId": "c-1", "status": {"state": "TASK_STATE_COMPLETED"}
    }}})
}

/// `serve_signed`: whether any request carrying `X-Message-HMAC` is served (unsigned answer)
/// or refused with 401.
async fn run_lax_integrity(serve_signed: bool) -> RunReport {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(integrity_card(&base)))
        .mount(&server)
        .await;
    // An unknown extension in the activation list is refused.
    Mock::given(method("POST"))
        .and(path("/rpc"))
        .and(|r: &wiremock::Request| {
            r.headers
                .get("a2a-extensions")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("example.invalid"))
        })
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "jsonrpc": "2.0", "id": "x", "error": {"code": -32602, "message": "unknown extension"}
        })))
        .with_priority(1)
        .mount(&server)
        .await;
    let signed = if serve_signed {
        ResponseTemplate::new(200)
            .insert_header("a2a-extensions", a2a_security::integrity::EXTENSION_URI)
            .set_body_json(task_result())
    } else {
        ResponseTemplate::new(401).set_body_json(json!({
            "jsonrpc": "2.0", "id": "x", "error": {"code": -32600, "message": "bad signature"}
        }))
    };
    Mock::given(method("POST"))
        .and(path("/rpc"))
        .and(header_exists("x-message-hmac"))
        .respond_with(signed)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rpc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "jsonrpc": "2.0", "id": "x", "error": {"code": -32008, "message": "extension required"}
        })))
        .with_priority(3)
        .mount(&server)
        .await;
    let mut config = RunConfig::new(format!("{base}/.well-known/agent-card.json"));
    config.profile.mode = Mode::Dev;
    config.profile.replay_protection = true;
    config.profile.extensions.activate = vec![a2a_security::integrity::EXTENSION_URI.into()];
    config.profile.extensions.integrity = Some(a2a_tck::profile::Integrity {
        key_id: "k1".into(),
        secret: Secret::new("a-lax-integrity-secret-of-32-bytes-or-more"),
    });
    config.auth = profile_auth(&config.profile).unwrap();
    config.version = Some(ProtocolVersion::V1_0);
    config.selection = Selection {
        only: EXT_GROUP.iter().map(|s| (*s).to_owned()).collect(),
        skip: vec![],
    };
    config.profile.timeouts.request_ms = 2_000;
    runner::run(catalogue::all(), config, &Silent).await
}

#[tokio::test]
async fn an_agent_that_checks_no_signature_fails_the_integrity_scenarios() {
    let report = run_lax_integrity(true).await;
    let found = red(&report);
    for id in [
        "EXT-04",
        "SEC-MI-03",
        "SEC-MI-04",
        "SEC-MI-05",
        "SEC-MI-06",
        "SEC-REPLAY-03",
        "SEC-REPLAY-04",
    ] {
        assert!(found.contains(id), "{id} not red: {found:?}");
    }
    assert_eq!(errors(&report), Vec::<String>::new());
    // An agent that refuses every signed request: SEC-MI-02 fails, the rest cannot judge.
    let report = run_lax_integrity(false).await;
    assert!(red(&report).contains("SEC-MI-02"), "{:?}", red(&report));
    assert!(
        errors(&report).iter().any(|e| e.starts_with("SEC-MI-03")),
        "{:?}",
        errors(&report)
    );
}

// ---- push webhooks ----

const PUSH_GROUP: &[&str] = &["PUSH-*", "SEC-PUSH-*"];

async fn run_push(defects: &[&str], version: ProtocolVersion, binding: Binding) -> RunReport {
    run_mode(
        SelftestMode::Push,
        defects,
        PUSH_GROUP,
        version,
        binding,
        |_| {},
    )
    .await
}

#[tokio::test]
async fn the_push_agent_passes_every_webhook_scenario_on_each_version_and_binding() {
    for (version, binding) in [
        (ProtocolVersion::V1_0, Binding::JsonRpc),
        (ProtocolVersion::V1_0, Binding::HttpJson),
        (ProtocolVersion::V0_3, Binding::JsonRpc),
    ] {
        let report = run_push(&[], version, binding).await;
        assert_eq!(red(&report), BTreeSet::new(), "{version} {binding}");
        assert_eq!(errors(&report), Vec::<String>::new(), "{version} {binding}");
        let passed = report
            .results
            .iter()
            .filter(|r| r.verdict.kind() == VerdictKind::Pass)
            .count();
        assert!(passed >= 6, "{version} {binding}: only {passed} passed");
        // The configuration scenarios pass (never skip) on the push agent.
        let crud: &[&str] = if version == ProtocolVersion::V0_3 {
            &["PUSH-06", "PUSH-08", "PUSH-09"]
        } else {
            &[
                "PUSH-03", "PUSH-04", "PUSH-05", "PUSH-06", "PUSH-07", "PUSH-08", "PUSH-09",
                "PUSH-10",
            ]
        };
        for id in crud {
            let r = report.results.iter().find(|r| r.scenario.id == *id);
            assert_eq!(
                r.map(|r| r.verdict.kind()),
                Some(VerdictKind::Pass),
                "{id} on {version} {binding}"
            );
        }
    }
}

/// Push defect → the scenarios it turns red, over 1.0 and 0.3.
const PUSH_TABLE: &[(&str, &[&str])] = &[
    (
        "webhook-without-authorization",
        &["PUSH-14", "PUSH-15", "SEC-PUSH-01"],
    ),
    ("webhook-to-loopback-accepted", &["SEC-PUSH-04"]),
    ("deliveries-after-delete", &["PUSH-11", "SEC-PUSH-06"]),
    // The configuration scenarios that need no id from Create skip (never pass) under it.
    ("push-config-without-id", &["PUSH-03"]),
    ("push-create-unknown-task-accepted", &["PUSH-04"]),
    ("push-get-missing-config-succeeds", &["PUSH-07"]),
    ("push-list-drops-configs", &["PUSH-08"]),
    (
        "push-delete-ignored",
        &["PUSH-09", "PUSH-11", "SEC-PUSH-06"],
    ),
    // A warning: PUSH-10 is [lenient] (DIGEST), a SHOULD like CANCEL-04.
    ("push-delete-twice-errors", &["PUSH-10"]),
];

async fn exactly_push(defect: &str) {
    let expected: BTreeSet<String> = PUSH_TABLE
        .iter()
        .find(|(d, _)| *d == defect)
        .unwrap()
        .1
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let mut found = BTreeSet::new();
    for (version, binding) in RUNS {
        let report = run_push(&[defect], *version, *binding).await;
        assert_eq!(
            errors(&report),
            Vec::<String>::new(),
            "{defect} on {version}"
        );
        found.extend(red(&report));
    }
    assert_eq!(found, expected, "{defect}");
}

#[tokio::test]
async fn webhook_without_authorization_turns_the_credential_scenarios_red() {
    exactly_push("webhook-without-authorization").await;
}

#[tokio::test]
async fn webhook_to_loopback_accepted_turns_the_ssrf_probe_red() {
    exactly_push("webhook-to-loopback-accepted").await;
}

#[tokio::test]
async fn deliveries_after_delete_turn_the_delete_scenarios_red() {
    exactly_push("deliveries-after-delete").await;
}

#[tokio::test]
async fn push_config_without_id_turns_the_create_scenario_red() {
    exactly_push("push-config-without-id").await;
}

#[tokio::test]
async fn push_create_unknown_task_accepted_turns_the_unknown_task_scenario_red() {
    exactly_push("push-create-unknown-task-accepted").await;
}

#[tokio::test]
async fn push_get_missing_config_succeeds_turns_the_missing_config_scenario_red() {
    exactly_push("push-get-missing-config-succeeds").await;
}

#[tokio::test]
async fn push_list_drops_configs_turns_the_list_scenario_red() {
    exactly_push("push-list-drops-configs").await;
}

#[tokio::test]
async fn push_delete_ignored_turns_the_delete_scenarios_red() {
    exactly_push("push-delete-ignored").await;
}

#[tokio::test]
async fn push_delete_twice_errors_turns_the_idempotence_scenario_red() {
    exactly_push("push-delete-twice-errors").await;
}

#[test]
fn every_push_table_row_has_a_test() {
    let source = include_str!("self_validation_security.rs");
    for (defect, _) in PUSH_TABLE {
        assert!(
            source.contains(&format!("exactly_push(\"{defect}\")")),
            "no test for {defect}"
        );
    }
}

// ---- PUSH-16: two principals and push (`selftest --mode all`) ----

async fn run_all(
    defects: &[&str],
    only: &[&str],
    version: ProtocolVersion,
    binding: Binding,
) -> RunReport {
    run_mode(SelftestMode::All, defects, only, version, binding, |_| {}).await
}

#[tokio::test]
async fn another_principals_push_configuration_is_hidden_on_the_two_principal_agent() {
    for binding in [Binding::JsonRpc, Binding::HttpJson] {
        let report = run_all(&[], &["PUSH-16"], ProtocolVersion::V1_0, binding).await;
        assert_eq!(errors(&report), Vec::<String>::new(), "{binding}");
        let passed: Vec<&str> = report
            .results
            .iter()
            .filter(|r| r.verdict.kind() == VerdictKind::Pass)
            .map(|r| r.scenario.id)
            .collect();
        assert_eq!(passed, ["PUSH-16"], "{binding}");
    }
}

/// Both isolation defects, judged over the auth and push groups together: exactly these turn red.
#[tokio::test]
async fn the_isolation_defects_turn_push_16_red() {
    let groups: Vec<&str> = GROUP.iter().chain(PUSH_GROUP).copied().collect();
    for (defect, expected) in [
        ("push-config-other-principal-visible", &["PUSH-16"][..]),
        (
            "other-principal-task-visible",
            &[
                "AUTH-04",
                "CANCEL-05",
                "GET-05",
                "LIST-10",
                "PUSH-16",
                "SEC-AUTH-06",
            ][..],
        ),
    ] {
        let report = run_all(&[defect], &groups, ProtocolVersion::V1_0, Binding::JsonRpc).await;
        assert_eq!(errors(&report), Vec::<String>::new(), "{defect}");
        let expected: BTreeSet<String> = expected.iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(red(&report), expected, "{defect}");
    }
}

// ---- (c) push: a fake agent whose deliveries break one rule each ----

/// How the fake agent delivers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Deliver {
    /// Never.
    Nothing,
    /// `PUT`, without the 0.3 token header.
    PutWithoutToken,
    /// A POST whose body names the task but is no `StreamResponse` (two members set).
    InvalidBody,
}

async fn fake_push_agent(version: ProtocolVersion, deliver: Deliver) -> String {
    use axum::routing::{get, post};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let card = match version {
        ProtocolVersion::V0_3 => json!({
            "name": "Fake push agent", "description": "Delivers badly.", "version": "1",
            "url": format!("{base}/rpc"), "preferredTransport": "JSONRPC", "protocolVersion": "0.3.0",
            "capabilities": {"pushNotifications": true},
            "defaultInputModes": ["text/plain"], "defaultOutputModes": ["text/plain"],
            "skills": [{"id": "echo", "name": "Echo", "description": "Echoes.", "tags": ["t"]}],
        }),
        _ => json!({
            "name": "Fake push agent", "description": "Delivers badly.", "version": "1",
            "supportedInterfaces": [
                {"url": format!("{base}/rpc"), "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}
            ],
            "capabilities": {"pushNotifications": true},
            "defaultInputModes": ["text/plain"], "defaultOutputModes": ["text/plain"],
            "skills": [{"id": "echo", "name": "Echo", "description": "Echoes.", "tags": ["t"]}],
        }),
    };
    let rpc = move |body: axum::Json<Value>| async move {
        let push = body
            .pointer("/params/configuration/taskPushNotificationConfig")
            .or_else(|| body.pointer("/params/configuration/pushNotificationConfig"))
            .cloned();
        let task =
            json!({"id": "t-1", "contextId": "c-1", "status": {"state": "TASK_STATE_COMPLETED"}});
        let (result, delivery) = if version == ProtocolVersion::V0_3 {
            let t = json!({"kind": "task", "id": "t-1", "contextId": "c-1", "status": {"state": "completed"}});
            (t.clone(), t)
        } else {
            (json!({"task": task}), json!({"task": task}))
        };
        if let Some(url) = push
            .as_ref()
            .and_then(|p| p.get("url"))
            .and_then(Value::as_str)
        {
            let url = url.to_owned();
            let credentials = push
                .as_ref()
                .and_then(|p| p.pointer("/authentication/credentials"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            tokio::spawn(async move {
                let client = reqwest::Client::builder().no_proxy().build().unwrap();
                let auth = format!("Bearer {credentials}");
                let request = match deliver {
                    Deliver::Nothing => return,
                    Deliver::PutWithoutToken => client.put(&url).body(delivery.to_string()),
                    Deliver::InvalidBody => client.post(&url).body(
                        json!({
                            "task": delivery["task"].clone(),
                            "statusUpdate": {"taskId": "t-1", "contextId": "c-1",
                                "status": {"state": "TASK_STATE_COMPLETED"}},
                        })
                        .to_string(),
                    ),
                };
                let request = request.header("content-type", "application/a2a+json");
                let _ = request.header("authorization", auth).send().await;
            });
        }
        axum::Json(json!({"jsonrpc": "2.0", "id": body["id"].clone(), "result": result}))
    };
    let app = axum::Router::new()
        .route(
            "/.well-known/agent-card.json",
            get(move || async move { axum::Json(card) }),
        )
        .route("/rpc", post(rpc));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    base
}

async fn run_fake_push(version: ProtocolVersion, deliver: Deliver) -> RunReport {
    let base = fake_push_agent(version, deliver).await;
    let mut config = RunConfig::new(format!("{base}/.well-known/agent-card.json"));
    config.profile.mode = Mode::Dev;
    config.profile.webhook = Some(a2a_tck::profile::Webhook {
        bind: "127.0.0.1:0".parse().unwrap(),
        public_url: None,
        authorization: Some(Secret::new("Bearer fake-push-credential")),
        token: Some(Secret::new("fake-push-token")),
        // The fake agent never signs.
        signing_secret: Some(Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")),
    });
    config.schemas = Some(std::sync::Arc::new(
        a2a_tck::schema::SchemaSet::embedded().unwrap(),
    ));
    config.version = Some(version);
    config.selection = Selection {
        only: PUSH_GROUP.iter().map(|s| (*s).to_owned()).collect(),
        // Its probe and the long-running one need a real agent (the defects cover them).
        skip: vec!["SEC-PUSH-04".into(), "SEC-PUSH-06".into(), "PUSH-11".into()],
    };
    runner::run(catalogue::all(), config, &Silent).await
}

#[tokio::test]
async fn bad_deliveries_fail_the_delivery_scenarios() {
    let report = run_fake_push(ProtocolVersion::V1_0, Deliver::Nothing).await;
    let found = red(&report);
    for id in ["PUSH-12", "PUSH-17", "SEC-PUSH-01", "SEC-PUSH-03"] {
        assert!(
            found.contains(id),
            "nothing delivered: {id} not red: {found:?}"
        );
    }
    let report = run_fake_push(ProtocolVersion::V0_3, Deliver::PutWithoutToken).await;
    let found = red(&report);
    for id in ["PUSH-17", "SEC-PUSH-02"] {
        assert!(
            found.contains(id),
            "PUT without token: {id} not red: {found:?}"
        );
    }
    assert!(!found.contains("SEC-PUSH-01"), "{found:?}");
    let report = run_fake_push(ProtocolVersion::V1_0, Deliver::InvalidBody).await;
    let found = red(&report);
    for id in ["PUSH-13", "SEC-PUSH-03", "SEC-PUSH-05"] {
        assert!(
            found.contains(id),
            "invalid, unsigned body: {id} not red: {found:?}"
        );
    }
    assert!(!found.contains("PUSH-12"), "{found:?}");
}

#[tokio::test]
async fn with_every_security_feature_on_at_once_the_security_groups_still_pass() {
    let mut agent_config = a2a_reference_agent::config::Config::default();
    "127.0.0.1:0".clone_into(&mut agent_config.bind);
    let patch = selftest_mode(SelftestMode::All, &mut agent_config);
    let agent = a2a_reference_agent::serve(agent_config).await.unwrap();
    let mut config = RunConfig::new(format!("{}/.well-known/agent-card.json", agent.base_url()));
    patch(&mut config.profile);
    config.profile.mode = Mode::Dev;
    config.auth = profile_auth(&config.profile).unwrap();
    config.selection = Selection {
        only: GROUP
            .iter()
            .chain(EXT_GROUP)
            .chain(PUSH_GROUP)
            .map(|s| (*s).to_owned())
            .collect(),
        skip: vec![],
    };
    let report = runner::run(catalogue::all(), config, &Silent).await;
    agent.shutdown().await;
    assert_eq!(red(&report), BTreeSet::new());
    assert_eq!(errors(&report), Vec::<String>::new());
    let passed = report
        .results
        .iter()
        .filter(|r| r.verdict.kind() == VerdictKind::Pass)
        .count();
    assert!(passed >= 35, "only {passed} passed");
}

/// PUSH-01/02 against the reference agent without the capability (pass) and against an agent
/// that answers the push-config methods as if it supported them (red).
#[tokio::test]
async fn push_config_methods_without_the_capability() {
    for version in [ProtocolVersion::V1_0, ProtocolVersion::V0_3] {
        let mut agent_config = a2a_reference_agent::config::Config::default();
        "127.0.0.1:0".clone_into(&mut agent_config.bind);
        agent_config.capabilities.push_notifications = false;
        let agent = a2a_reference_agent::serve(agent_config).await.unwrap();
        let mut config =
            RunConfig::new(format!("{}/.well-known/agent-card.json", agent.base_url()));
        config.profile.mode = Mode::Dev;
        config.version = Some(version);
        config.selection = Selection {
            only: vec!["PUSH-01".into(), "PUSH-02".into()],
            skip: vec![],
        };
        let report = runner::run(catalogue::all(), config, &Silent).await;
        agent.shutdown().await;
        let passed: Vec<_> = report
            .results
            .iter()
            .filter(|r| r.verdict.kind() == VerdictKind::Pass)
            .collect();
        assert_eq!(passed.len(), 1, "{version}: {:?}", report.results);
    }
    for (version, id, answer) in [
        (
            ProtocolVersion::V1_0,
            "PUSH-01",
            json!({"jsonrpc": "2.0", "id": "x", "error": {"code": -32001, "message": "task not found"}}),
        ),
        (
            ProtocolVersion::V0_3,
            "PUSH-02",
            json!({"jsonrpc": "2.0", "id": "x", "result": {"taskId": "t", "pushNotificationConfig": {"url": "https://example.invalid/hook"}}}),
        ),
    ] {
        let server = MockServer::start().await;
        let base = server.uri();
        Mock::given(method("GET"))
            .and(path("/.well-known/agent-card.json"))
            .respond_with(ResponseTemplate::new(200).set_body_json(lax_card(&base, version)))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/rpc"))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .mount(&server)
            .await;
        let mut config = RunConfig::new(format!("{base}/.well-known/agent-card.json"));
        config.profile.mode = Mode::Dev;
        config.version = Some(version);
        config.selection = Selection {
            only: vec![id.into()],
            skip: vec![],
        };
        let report = runner::run(catalogue::all(), config, &Silent).await;
        assert_eq!(red(&report), BTreeSet::from([id.to_owned()]), "{version}");
    }
}

/// EXT-03 against wiremock agents with one extension method `ext/ping`: one that refuses it
/// without credentials (pass), one that serves it to anyone (fail), one that does not know it
/// (the positive control fails: error).
#[tokio::test]
async fn ext_03_judges_extension_methods_without_credentials() {
    for (anonymous, authenticated, expected) in [
        (
            ResponseTemplate::new(401).insert_header("www-authenticate", "Bearer realm=\"x\""),
            json!({"jsonrpc": "2.0", "id": "x", "result": {"pong": true}}),
            VerdictKind::Pass,
        ),
        (
            ResponseTemplate::new(200)
                .set_body_json(json!({"jsonrpc": "2.0", "id": "x", "result": {"pong": true}})),
            json!({"jsonrpc": "2.0", "id": "x", "result": {"pong": true}}),
            VerdictKind::Fail,
        ),
        (
            ResponseTemplate::new(401).insert_header("www-authenticate", "Bearer realm=\"x\""),
            json!({"jsonrpc": "2.0", "id": "x", "error": {"code": -32601, "message": "no"}}),
            VerdictKind::Error,
        ),
    ] {
        let server = MockServer::start().await;
        let base = server.uri();
        Mock::given(method("GET"))
            .and(path("/.well-known/agent-card.json"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(lax_card(&base, ProtocolVersion::V1_0)),
            )
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/rpc"))
            .and(header_exists("authorization"))
            .respond_with(ResponseTemplate::new(200).set_body_json(authenticated))
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/rpc"))
            .respond_with(anonymous)
            .with_priority(2)
            .mount(&server)
            .await;
        let mut config = RunConfig::new(format!("{base}/.well-known/agent-card.json"));
        config.profile.mode = Mode::Dev;
        config.profile.credentials.bearer = Some(Secret::new("tck-static-token"));
        config.profile.extensions.methods = vec![a2a_tck::profile::ExtensionMethod {
            uri: "https://example.invalid/ext/ping/v1".into(),
            method: "ext/ping".into(),
            params: None,
        }];
        config.auth = profile_auth(&config.profile).unwrap();
        config.version = Some(ProtocolVersion::V1_0);
        config.selection = Selection {
            only: vec!["EXT-03".into()],
            skip: vec![],
        };
        let report = runner::run(catalogue::all(), config, &Silent).await;
        assert_eq!(verdict_of(&report, "EXT-03"), expected);
    }
}

// ---- PUSH-05/06: a fake agent whose Get answers something else than was created ----

/// What the fake agent's `GetTaskPushNotificationConfig` changes in the stored configuration.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum GetAnswers {
    /// Nothing: the configuration as created.
    Stored,
    /// Another url.
    OtherUrl,
    /// The token left out.
    NoToken,
}

async fn fake_config_agent(get: GetAnswers) -> String {
    use axum::routing::{get as get_route, post};
    use std::sync::{Arc, Mutex};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let card = json!({
        "name": "Fake config agent", "description": "Forgets configurations.", "version": "1",
        "supportedInterfaces": [
            {"url": format!("{base}/rpc"), "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}
        ],
        "capabilities": {"pushNotifications": true},
        "defaultInputModes": ["text/plain"], "defaultOutputModes": ["text/plain"],
        "skills": [{"id": "echo", "name": "Echo", "description": "Echoes.", "tags": ["t"]}],
    });
    let stored: Arc<Mutex<Vec<Value>>> = Arc::default();
    let rpc = move |body: axum::Json<Value>| {
        let stored = Arc::clone(&stored);
        async move {
            let params = body["params"].clone();
            let working = json!({"id": "t-1", "contextId": "c-1",
                "status": {"state": "TASK_STATE_WORKING"}});
            let answer = match body["method"].as_str().unwrap_or("") {
                "SendMessage" => json!({"result": {"task": working}}),
                "CancelTask" => json!({"result": {"id": "t-1", "contextId": "c-1",
                    "status": {"state": "TASK_STATE_CANCELED"}}}),
                "CreateTaskPushNotificationConfig" if params["taskId"] == "t-1" => {
                    let mut config = params.clone();
                    let mut all = stored.lock().unwrap();
                    config["id"] = format!("cfg-{}", all.len() + 1).into();
                    all.push(config.clone());
                    json!({"result": config})
                }
                "GetTaskPushNotificationConfig" => {
                    let all = stored.lock().unwrap();
                    match all.iter().find(|c| c["id"] == params["id"]) {
                        Some(c) => {
                            let mut c = c.clone();
                            match get {
                                GetAnswers::Stored => {}
                                GetAnswers::OtherUrl => {
                                    c["url"] = "http://localhost:9/elsewhere".into();
                                }
                                GetAnswers::NoToken => {
                                    c.as_object_mut().unwrap().remove("token");
                                }
                            }
                            json!({"result": c})
                        }
                        None => json!({"error": {"code": -32001, "message": "not found"}}),
                    }
                }
                _ => json!({"error": {"code": -32001, "message": "not found"}}),
            };
            let mut answer = answer;
            answer["jsonrpc"] = "2.0".into();
            answer["id"] = body["id"].clone();
            axum::Json(answer)
        }
    };
    let app = axum::Router::new()
        .route(
            "/.well-known/agent-card.json",
            get_route(move || async move { axum::Json(card) }),
        )
        .route("/rpc", post(rpc));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    base
}

async fn run_fake_config(get: GetAnswers) -> RunReport {
    let base = fake_config_agent(get).await;
    let mut config = RunConfig::new(format!("{base}/.well-known/agent-card.json"));
    config.profile.mode = Mode::Dev;
    config.profile.webhook = Some(a2a_tck::profile::Webhook {
        bind: "127.0.0.1:0".parse().unwrap(),
        public_url: None,
        authorization: None,
        token: None,
        signing_secret: None,
    });
    config.profile.behaviours.map.insert(
        "long_running".into(),
        a2a_tck::profile::Trigger {
            message_text: Some("slow".into()),
            message_id_prefix: None,
        },
    );
    config.schemas = Some(std::sync::Arc::new(
        a2a_tck::schema::SchemaSet::embedded().unwrap(),
    ));
    config.version = Some(ProtocolVersion::V1_0);
    config.selection = Selection {
        only: vec!["PUSH-05".into(), "PUSH-06".into()],
        skip: vec![],
    };
    runner::run(catalogue::all(), config, &Silent).await
}

/// PUSH-05 compares Get with what was sent, PUSH-06 with what Create answered: another url
/// turns both red, a dropped token only PUSH-05; the faithful fake passes both.
#[tokio::test]
async fn a_get_that_answers_another_configuration_fails_the_persistence_scenarios() {
    for (get, expected) in [
        (GetAnswers::Stored, &[][..]),
        (GetAnswers::OtherUrl, &["PUSH-05", "PUSH-06"][..]),
        (GetAnswers::NoToken, &["PUSH-05"][..]),
    ] {
        let report = run_fake_config(get).await;
        assert_eq!(errors(&report), Vec::<String>::new(), "{get:?}");
        let expected: BTreeSet<String> = expected.iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(red(&report), expected, "{get:?}");
        let passed = report
            .results
            .iter()
            .filter(|r| r.verdict.kind() == VerdictKind::Pass)
            .count();
        assert_eq!(passed, 2 - expected.len(), "{get:?}: {:?}", report.results);
    }
}

/// AUTH-10 and AUTH-11 pass on the bearer agent, and fail against a wiremock agent whose
/// auth-required task has no status message and which honours a credential found in the body.
#[tokio::test]
async fn in_task_auth_and_payload_credentials() {
    let report = run_reference(
        SelftestMode::Bearer,
        &[],
        ProtocolVersion::V1_0,
        Binding::JsonRpc,
    )
    .await;
    for id in ["AUTH-10", "AUTH-11"] {
        let r = report.results.iter().find(|r| r.scenario.id == id).unwrap();
        assert_eq!(r.verdict.kind(), VerdictKind::Pass, "{id}: {r:?}");
    }

    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(lax_card(&base, ProtocolVersion::V1_0)),
        )
        .mount(&server)
        .await;
    let task = json!({"jsonrpc": "2.0", "id": "x", "result": {"task": {
        "id": "t-1", "contextId": "c-1", "status": {"state": "TASK_STATE_AUTH_REQUIRED"}}}});
    // A credential in the body is as good as one in the header to this agent.
    Mock::given(method("POST"))
        .and(path("/rpc"))
        .and(wiremock::matchers::body_string_contains("Bearer "))
        .respond_with(ResponseTemplate::new(200).set_body_json(task.clone()))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rpc"))
        .and(header_exists("authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_json(task))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rpc"))
        .respond_with(ResponseTemplate::new(401).insert_header("www-authenticate", "Bearer"))
        .with_priority(3)
        .mount(&server)
        .await;
    let mut config = RunConfig::new(format!("{base}/.well-known/agent-card.json"));
    config.profile.mode = Mode::Dev;
    config.profile.credentials.bearer = Some(Secret::new("tck-static-token"));
    config.profile.behaviours.preset = Some(a2a_tck::profile::REFERENCE_AGENT.to_owned());
    config.auth = profile_auth(&config.profile).unwrap();
    config.version = Some(ProtocolVersion::V1_0);
    config.selection = Selection {
        only: vec!["AUTH-10".into(), "AUTH-11".into()],
        skip: vec![],
    };
    let report = runner::run(catalogue::all(), config, &Silent).await;
    assert_eq!(verdict_of(&report, "AUTH-10"), VerdictKind::Fail);
    assert_eq!(verdict_of(&report, "AUTH-11"), VerdictKind::Fail);
}
