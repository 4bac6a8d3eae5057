//! Snapshot tests of every reporter over one synthetic report holding each verdict kind. The
//! report is built by hand, so ports, ids and times are fixed: nothing needs redacting.

// Helpers outside #[test] functions panic on setup failure too: that is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use a2a_tck::catalogue;
use a2a_tck::context::Discovery;
use a2a_tck::evidence::{Exchange, RecordedRequest, RecordedResponse, curl_command};
use a2a_tck::report::{self, Format};
use a2a_tck::runner::{RunReport, RunStatus, ScenarioResult, Summary};
use a2a_tck::scenario::{Binding, ProtocolVersion};
use a2a_tck::target::Target;
use a2a_tck::verdict::{Failure, Verdict, VerdictKind};

fn result(
    id: &str,
    verdict: Verdict,
    failures: Vec<Failure>,
    exchanges: Vec<Exchange>,
) -> ScenarioResult {
    ScenarioResult {
        scenario: catalogue::find(id).unwrap().info(),
        target: None,
        verdict,
        failures,
        exchanges,
        deliveries: vec![],
        duration_ms: 12,
    }
}

fn exchange() -> Exchange {
    let headers = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("Authorization".to_owned(), "Bearer [redacted]".to_owned()),
    ];
    let body = r#"{"jsonrpc": "2.0", "id": 1, "method": "#;
    Exchange {
        id: "x2".into(),
        curl: curl_command(
            "POST",
            "http://127.0.0.1:8080/rpc",
            &headers,
            body.as_bytes(),
            &a2a_tck::evidence::Redactor::new(),
        ),
        request: RecordedRequest {
            method: "POST".into(),
            url: "http://127.0.0.1:8080/rpc".into(),
            headers,
            body: body.into(),
            body_bytes: body.len(),
        },
        response: Some(RecordedResponse {
            status: 500,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: "internal error <boom> & \"quotes\"".into(),
            body_bytes: 33,
            truncated: false,
        }),
        events: Vec::new(),
        error: None,
        duration_ms: 3,
    }
}

#[allow(clippy::too_many_lines)] // one literal report, one entry per verdict kind
fn sample() -> RunReport {
    let results = vec![
        result("CARD-01", Verdict::Pass, vec![], vec![]),
        result(
            "CARD-03",
            Verdict::NotApplicable("applies to A2A 0.3 only".into()),
            vec![],
            vec![],
        ),
        result(
            "CARD-04",
            Verdict::Fail,
            vec![
                Failure::new("member `defaultInputModes` has the wrong type")
                    .expected("a non-empty array")
                    .actual("[]")
                    .at("/defaultInputModes")
                    .in_exchange("x1"),
            ],
            vec![],
        ),
        result(
            "CARD-04b",
            Verdict::Warn,
            vec![
                Failure::new("member `skills` has the wrong type")
                    .expected("a non-empty array")
                    .actual("[]")
                    .at("/skills"),
            ],
            vec![],
        ),
        result(
            "CARD-05",
            Verdict::Xpass("accepted as failing (`CARD-05`: legacy) but now passes".into()),
            vec![],
            vec![],
        ),
        result(
            "CARD-14",
            Verdict::Skip("no card verification keys (profile `card.jwks_file`)".into()),
            vec![],
            vec![],
        ),
        result(
            "CARD-19",
            Verdict::Fail,
            vec![
                Failure::new("1 is not of type \"string\"")
                    .at("/supportedInterfaces/0/protocolVersion")
                    .schema_location("v1.0#/$defs/AgentInterface/properties/protocolVersion/type"),
            ],
            vec![],
        ),
        result(
            "SEC-CARD-02",
            Verdict::Xfail("known: demo credentials".into()),
            vec![],
            vec![],
        ),
        result(
            "SEC-INPUT-01",
            Verdict::Fail,
            vec![
                Failure::new("malformed JSON is not answered with HTTP 200 or 400")
                    .expected("HTTP 200 or 400")
                    .actual("HTTP 500")
                    .in_exchange("x2"),
            ],
            vec![exchange()],
        ),
        result(
            "SEC-INPUT-02",
            Verdict::Error("no complete response within 400 ms".into()),
            vec![],
            vec![],
        ),
    ];
    RunReport {
        tck_version: "0.0.0-test",
        target: Some(Target {
            version: ProtocolVersion::V1_0,
            binding: Binding::JsonRpc,
            url: "http://127.0.0.1:8080/rpc".into(),
            tenant: None,
            extensions: vec![],
        }),
        targets: vec![],
        target_problem: None,
        untested_versions: vec![],
        discovery: Discovery {
            card_url: "http://127.0.0.1:8080/.well-known/agent-card.json".into(),
            exchange: Some("x1".into()),
            status: Some(200),
            ..Discovery::default()
        },
        discovery_exchange: None,
        key_exchanges: vec![],
        strict: false,
        results,
        summary: Summary::default(),
        status: RunStatus::NothingExercised,
        duration_ms: 1234,
    }
    .recount()
}

fn render(format: Format) -> String {
    let mut out = Vec::new();
    report::write(format, &sample(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn summary_counts_every_kind_with_denominators() {
    let report = sample();
    assert_eq!(report.status, RunStatus::NonConformant);
    assert_eq!(
        report::counts_line(&report.summary.all),
        "1/7 passed (3 fail, 1 warn, 1 xfail, 1 xpass); 1 skipped, 1 n/a, 1 error; 10 selected"
    );
}

#[test]
fn json_report() {
    insta::assert_snapshot!("json", render(Format::Json));
}

#[test]
fn junit_report() {
    insta::assert_snapshot!("junit", render(Format::Junit));
}

#[test]
fn html_report() {
    insta::assert_snapshot!("html", render(Format::Html));
}

#[test]
fn markdown_report() {
    insta::assert_snapshot!("markdown", render(Format::Markdown));
}

#[test]
fn console_summary() {
    let mut out = Vec::new();
    report::console::write_summary(&sample(), &mut out, false).unwrap();
    insta::assert_snapshot!("console", String::from_utf8(out).unwrap());
}

#[test]
fn console_summary_of_a_conformant_run_names_the_untested_version() {
    let mut report = sample();
    report.results.retain(|r| {
        matches!(
            r.verdict.kind(),
            VerdictKind::Pass | VerdictKind::NotApplicable | VerdictKind::Skip
        )
    });
    report.untested_versions = vec![ProtocolVersion::V0_3];
    let report = report.recount();
    assert_eq!(report.status, RunStatus::Conformant);
    let mut out = Vec::new();
    report::console::write_summary(&report, &mut out, false).unwrap();
    insta::assert_snapshot!("console_conformant", String::from_utf8(out).unwrap());
}

/// A run over two interfaces (a card declaring 1.0 and 0.3): each line names its interface and
/// the summary says what was tested.
#[test]
fn console_summary_over_two_interfaces() {
    let mut report = sample();
    let mut v03 = report.target.clone().unwrap();
    v03.version = ProtocolVersion::V0_3;
    v03.url = "http://127.0.0.1:8080/v03".into();
    report.targets = vec![report.target.clone().unwrap(), v03];
    for (i, r) in report.results.iter_mut().enumerate() {
        r.target = Some(
            if i % 2 == 0 {
                "1.0 JSONRPC"
            } else {
                "0.3 JSONRPC"
            }
            .into(),
        );
    }
    let mut out = Vec::new();
    report::console::write_summary(&report, &mut out, false).unwrap();
    insta::assert_snapshot!("console_two_interfaces", String::from_utf8(out).unwrap());
    let mut md = Vec::new();
    report::write(Format::Markdown, &report, &mut md).unwrap();
    insta::assert_snapshot!("markdown_two_interfaces", String::from_utf8(md).unwrap());
}
