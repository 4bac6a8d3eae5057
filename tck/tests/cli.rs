//! The command line: exit codes (0 conformant, 1 non-conformant or nothing exercised, 2 usage
//! or configuration error, 3 unreachable or harness error), reports, baselines, redaction, and
//! the offline commands.

// Helpers outside #[test] functions panic on setup failure too: that is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn tck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_a2a-tck"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

async fn tck_async(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        tck(&args)
    })
    .await
    .unwrap()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("a2a-tck-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn card() -> Value {
    json!({
        "name": "CLI mock",
        "description": "d",
        "version": "1",
        "supportedInterfaces": [{"url": "https://agent.example/rpc", "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}],
        "capabilities": {},
        "defaultInputModes": ["text/plain"],
        "defaultOutputModes": ["text/plain"],
        "skills": [{"id": "s", "name": "S", "description": "d", "tags": ["t"]}]
    })
}

async fn serve(card: &Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(card))
        .mount(&server)
        .await;
    server
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn unreachable_endpoint_exits_3() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = tck(&[
        "run",
        "--quiet",
        "--url",
        &format!("http://127.0.0.1:{port}"),
    ]);
    assert_eq!(code(&out), 3, "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("endpoint unreachable"));
    // No baseline is written from a run that judged nothing.
    let baseline = scratch("unreachable-baseline.toml");
    let out = tck(&[
        "baseline",
        "write",
        "-o",
        baseline.to_str().unwrap(),
        "--quiet",
        "--url",
        &format!("http://127.0.0.1:{port}"),
    ]);
    assert_eq!(code(&out), 3);
    assert!(!baseline.exists());
}

#[test]
fn usage_and_configuration_errors_exit_2() {
    assert_eq!(code(&tck(&["run", "--bogus-flag"])), 2);
    assert_eq!(code(&tck(&["run"])), 2, "no endpoint");
    assert_eq!(
        code(&tck(&["run", "--config", "/nonexistent/profile.toml"])),
        2
    );
    let profile = scratch("bad.toml");
    std::fs::write(
        &profile,
        "card_url = \"http://127.0.0.1:9/\"\nnot_a_key = 1\n",
    )
    .unwrap();
    let out = tck(&["run", "--config", profile.to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not_a_key"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        code(&tck(&[
            "run",
            "--url",
            "http://127.0.0.1:9",
            "--protocol",
            "9.9"
        ])),
        2
    );
    assert_eq!(
        code(&tck(&[
            "run",
            "--url",
            "http://127.0.0.1:9",
            "--report",
            "pdf=x.pdf"
        ])),
        2
    );
    assert_eq!(code(&tck(&["explain", "NOPE-01"])), 2);
    // A report path that cannot be created is refused before anything runs.
    let out = tck(&[
        "run",
        "--url",
        "http://127.0.0.1:9",
        "--report",
        "json=/nonexistent-dir/r.json",
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[tokio::test]
async fn a_run_that_exercises_nothing_is_not_green() {
    let server = serve(&card()).await;
    let out = tck_async(strings(&[
        "run",
        "--quiet",
        "--url",
        &server.uri(),
        "--only",
        "NOPE-*",
    ]))
    .await;
    assert_eq!(code(&out), 1);
    // Only skipped scenarios (no verification keys): still nothing exercised.
    let out = tck_async(strings(&[
        "run",
        "--quiet",
        "--url",
        &server.uri(),
        "--only",
        "CARD-14",
    ]))
    .await;
    assert_eq!(code(&out), 1);
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing exercised"));
}

#[tokio::test]
async fn conformant_run_exits_0_and_writes_every_report() {
    let server = serve(&card()).await;
    let dir = scratch("reports");
    std::fs::create_dir_all(&dir).unwrap();
    let report = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let out = tck_async(strings(&[
        "run",
        "--quiet",
        "--url",
        &server.uri(),
        "--only",
        "CARD-0*",
        "--report",
        &format!("json={}", report("r.json")),
        "--report",
        &format!("junit={}", report("r.xml")),
        "--report",
        &format!("html={}", report("r.html")),
        "--report",
        &format!("md={}", report("r.md")),
    ]))
    .await;
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    let json: Value = serde_json::from_slice(&std::fs::read(dir.join("r.json")).unwrap()).unwrap();
    assert_eq!(json["status"], "conformant");
    assert!(
        std::fs::read_to_string(dir.join("r.xml"))
            .unwrap()
            .contains("<testcase")
    );
    assert!(
        std::fs::read_to_string(dir.join("r.html"))
            .unwrap()
            .contains("<table>")
    );
    assert!(
        std::fs::read_to_string(dir.join("r.md"))
            .unwrap()
            .contains("| MUST |")
    );
}

#[tokio::test]
async fn failures_exit_1_and_a_baseline_turns_them_into_xfail_then_xpass() {
    let mut broken = card();
    broken["defaultInputModes"] = json!([]);
    let server = serve(&broken).await;
    let run = |extra: &[&str]| {
        let mut args = strings(&[
            "run",
            "--quiet",
            "--url",
            &server.uri(),
            "--only",
            "CARD-04",
        ]);
        args.extend(strings(extra));
        args
    };
    assert_eq!(code(&tck_async(run(&[])).await), 1);
    let baseline = scratch("baseline.toml");
    let write = strings(&[
        "baseline",
        "write",
        "--output",
        baseline.to_str().unwrap(),
        "--quiet",
        "--url",
        &server.uri(),
        "--only",
        "CARD-04",
    ]);
    assert_eq!(code(&tck_async(write).await), 0);
    let text = std::fs::read_to_string(&baseline).unwrap();
    assert!(text.contains("id = \"CARD-04\""), "{text}");
    let out = tck_async(run(&["--baseline", baseline.to_str().unwrap()])).await;
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("xfail"));

    // Fixed: the stale baseline entry is XPASS and fails the run.
    let fixed = serve(&card()).await;
    let out = tck_async(strings(&[
        "run",
        "--quiet",
        "--url",
        &fixed.uri(),
        "--only",
        "CARD-04",
        "--baseline",
        baseline.to_str().unwrap(),
    ]))
    .await;
    assert_eq!(code(&out), 1);
    assert!(String::from_utf8_lossy(&out.stdout).contains("xpass"));
}

#[tokio::test]
async fn credentials_never_appear_in_reports() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .respond_with(ResponseTemplate::new(404).set_body_string("token was tok-SECRET-1234"))
        .mount(&server)
        .await;
    let profile = scratch("secret.toml");
    std::fs::write(
        &profile,
        format!("base_url = \"{}\"\nmode = \"dev\"\n[credentials]\nbearer = \"tok-SECRET-1234\"\napi_key = {{ header = \"X-Key\", value = \"key-SECRET-5678\" }}\n", server.uri()),
    )
    .unwrap();
    let json = scratch("secret.json");
    let out = tck_async(strings(&[
        "run",
        "--quiet",
        "--config",
        profile.to_str().unwrap(),
        "--only",
        "CARD-01",
        "--report",
        &format!("json={}", json.display()),
    ]))
    .await;
    assert_eq!(code(&out), 1);
    let report = std::fs::read_to_string(&json).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    for text in [&report as &str, &stdout] {
        assert!(!text.contains("SECRET"), "secret leaked: {text}");
    }
    assert!(report.contains("Bearer [redacted]"), "{report}");
    assert!(report.contains("curl "), "{report}");
}

#[test]
fn docs_scenario_list_is_up_to_date() {
    let out = tck(&["list", "--format", "markdown"]);
    assert_eq!(code(&out), 0);
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/scenarios.md");
    let committed = std::fs::read_to_string(&docs).unwrap_or_default();
    assert!(
        committed == String::from_utf8_lossy(&out.stdout),
        "docs/scenarios.md is stale: run `cargo run -p a2a-tck -- list --format markdown > docs/scenarios.md`"
    );
    let json: Value = serde_json::from_slice(&tck(&["list", "--format", "json"]).stdout).unwrap();
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "SEC-INPUT-01")
    );
    assert!(String::from_utf8_lossy(&tck(&["list"]).stdout).contains("CARD-01"));
}

/// `list` in each format, from the built binary. The catalogue grows: a new scenario changes
/// these snapshots on purpose (review with `cargo insta review`, or `INSTA_UPDATE=always`). The
/// output holds no port, id or time: nothing to redact.
fn list_output(format: &str) -> String {
    let out = tck(&["list", "--format", format]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn list_text_snapshot() {
    insta::assert_snapshot!("list_text", list_output("text"));
}

#[test]
fn list_markdown_snapshot() {
    insta::assert_snapshot!("list_markdown", list_output("markdown"));
}

#[test]
fn list_json_snapshot() {
    insta::assert_snapshot!("list_json", list_output("json"));
}

#[test]
fn explain_prints_the_requirement() {
    let out = tck(&["explain", "sec-card-01"]);
    assert_eq!(code(&out), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("SEC-CARD-01 [MUST]") && text.contains("requirement:"),
        "{text}"
    );
}

#[test]
fn jcs_prints_the_canonical_form() {
    let file = scratch("doc.json");
    std::fs::write(&file, "{ \"b\": 1.0E2, \"a\": [true, \"\\u0041\"] }").unwrap();
    let out = tck(&["jcs", file.to_str().unwrap()]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"a\":[true,\"A\"],\"b\":100}\n"
    );
    std::fs::write(&file, "{\"a\":1,\"a\":2}").unwrap();
    assert_eq!(code(&tck(&["jcs", file.to_str().unwrap()])), 2);
}

#[test]
fn validate_judges_a_card_file_and_any_document_against_a_schema() {
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schemas");
    let file = scratch("card.json");
    std::fs::write(&file, card().to_string()).unwrap();
    let out = tck(&[
        "validate",
        file.to_str().unwrap(),
        "--schemas",
        schemas.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    let mut broken = card();
    broken["supportedInterfaces"][0]["url"] = json!("http://plain.example/rpc");
    std::fs::write(&file, broken.to_string()).unwrap();
    let out = tck(&["validate", file.to_str().unwrap()]);
    assert_eq!(code(&out), 1);
    assert!(String::from_utf8_lossy(&out.stdout).contains("SEC-CARD-03"));

    let doc = scratch("iface.json");
    std::fs::write(&doc, r#"{"url":"u","protocolBinding":"JSONRPC"}"#).unwrap();
    let out = tck(&[
        "validate",
        doc.to_str().unwrap(),
        "--as",
        "AgentInterface",
        "--schemas",
        schemas.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 1);
    assert!(String::from_utf8_lossy(&out.stdout).contains("protocolVersion"));
}

#[tokio::test]
async fn oauth2_client_credentials_token_is_fetched_sent_and_redacted() {
    use wiremock::matchers::{body_string_contains, header};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("client_id=tck"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"access_token": "oauth-TOKEN-abcdef", "token_type": "Bearer"}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    // The card is served only to the bearer of the fetched token.
    Mock::given(method("GET"))
        .and(path("/.well-known/agent-card.json"))
        .and(header("Authorization", "Bearer oauth-TOKEN-abcdef"))
        .respond_with(ResponseTemplate::new(200).set_body_json(card()))
        .mount(&server)
        .await;
    let profile = scratch("oauth.toml");
    std::fs::write(
        &profile,
        format!(
            "base_url = \"{0}\"\nmode = \"dev\"\n[credentials]\noauth2 = {{ token_url = \"{0}/token\", client_id = \"tck\", client_secret = \"client-SECRET-9\" }}\n",
            server.uri()
        ),
    )
    .unwrap();
    let json = scratch("oauth.json");
    let out = tck_async(strings(&[
        "run",
        "--quiet",
        "--config",
        profile.to_str().unwrap(),
        "--only",
        "CARD-01",
        "--report",
        &format!("json={}", json.display()),
    ]))
    .await;
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    let report = std::fs::read_to_string(&json).unwrap();
    assert!(
        !report.contains("TOKEN") && !report.contains("SECRET"),
        "{report}"
    );

    // A token endpoint that refuses is a harness error (exit 3), not a verdict.
    let refusing = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&refusing)
        .await;
    std::fs::write(
        &profile,
        format!("base_url = \"{0}\"\n[credentials]\noauth2 = {{ token_url = \"{0}/token\", client_id = \"tck\", client_secret = \"s\" }}\n", refusing.uri()),
    )
    .unwrap();
    let out = tck_async(strings(&[
        "run",
        "--quiet",
        "--config",
        profile.to_str().unwrap(),
    ]))
    .await;
    assert_eq!(code(&out), 3);
}
