//! Self-validation of the protocol families (send message, tasks, list tasks, streaming, JSON-RPC
//! envelope, versioning) against the reference agent, in process on 127.0.0.1:0:
//!
//! * with no defect, every scenario of these families passes (or is not applicable) on
//!   A2A 1.0 JSON-RPC, A2A 1.0 HTTP+JSON and A2A 0.3 JSON-RPC: no fail, no warning, no error,
//!   no skip;
//! * with each protocol defect of the agent switched on, exactly the listed scenarios of these
//!   families fail (or warn, for SHOULD-level ones) on each target, and nothing else in them
//!   changes.
//!
//! Scenarios of other families (card, hostile input, security) are judged by their own tests;
//! they are left out here so a defect's effect on them cannot hide in this table.

// Helpers outside #[test] functions panic on setup failure too: that is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::sync::Arc;

use a2a_tck::catalogue;
use a2a_tck::profile::{Mode, REFERENCE_AGENT};
use a2a_tck::runner::{self, RunConfig, Silent};
use a2a_tck::scenario::{Area, Binding, ProtocolVersion};
use a2a_tck::schema::SchemaSet;
use a2a_tck::verdict::VerdictKind;

const AREAS: &[Area] = &[
    Area::SendMessage,
    Area::Tasks,
    Area::ListTasks,
    Area::Streaming,
    Area::Envelope,
    Area::Versioning,
];

#[derive(Debug, Clone, Copy)]
enum On {
    RpcV1,
    RestV1,
    RpcV03,
}

impl On {
    fn target(self) -> (ProtocolVersion, Binding) {
        match self {
            Self::RpcV1 => (ProtocolVersion::V1_0, Binding::JsonRpc),
            Self::RestV1 => (ProtocolVersion::V1_0, Binding::HttpJson),
            Self::RpcV03 => (ProtocolVersion::V0_3, Binding::JsonRpc),
        }
    }
}

/// Runs the protocol families against a fresh reference agent with `defects` on; returns
/// the ids per verdict kind that is not a pass or n/a.
async fn run(defects: &[&str], on: On) -> Vec<(VerdictKind, &'static str)> {
    run_catalogue(defects, on, |area| AREAS.contains(&area)).await
}

/// Runs the scenarios of the areas `keep` accepts; see [`run`].
async fn run_catalogue(
    defects: &[&str],
    on: On,
    keep: impl Fn(Area) -> bool,
) -> Vec<(VerdictKind, &'static str)> {
    run_agent(defects, on, keep, |_| {})
        .await
        .into_iter()
        .filter(|(k, _)| !matches!(k, VerdictKind::Pass | VerdictKind::NotApplicable))
        .collect()
}

/// Runs the scenarios of the areas `keep` accepts against an agent `configure` adjusts;
/// returns every verdict.
async fn run_agent(
    defects: &[&str],
    on: On,
    keep: impl Fn(Area) -> bool,
    configure: impl FnOnce(&mut a2a_reference_agent::config::Config),
) -> Vec<(VerdictKind, &'static str)> {
    let mut config = a2a_reference_agent::config::Config::default();
    "127.0.0.1:0".clone_into(&mut config.bind);
    config.public_url = None;
    config.defects = defects.iter().map(|d| (*d).to_owned()).collect();
    configure(&mut config);
    let agent = a2a_reference_agent::serve(config).await.unwrap();
    let mut run = RunConfig::new(format!("{}/.well-known/agent-card.json", agent.base_url()));
    let (version, binding) = on.target();
    run.version = Some(version);
    run.binding = Some(binding);
    run.profile.mode = Mode::Dev;
    run.profile.behaviours.preset = Some(REFERENCE_AGENT.to_owned());
    // An agent that never closes a stream costs this much per stream scenario.
    run.profile.timeouts.stream_ms = 8_000;
    run.schemas = Some(Arc::new(SchemaSet::embedded().unwrap()));
    let scenarios = catalogue::all()
        .into_iter()
        .filter(|s| keep(s.area))
        .collect();
    let report = runner::run(scenarios, run, &Silent).await;
    agent.shutdown().await;
    report
        .results
        .iter()
        .map(|r| (r.verdict.kind(), r.scenario.id))
        .collect()
}

/// `ID` for a fail, `ID=warn` / `ID=skip` / `ID=error` otherwise.
fn label(kind: VerdictKind, id: &str) -> String {
    match kind {
        VerdictKind::Fail => id.to_owned(),
        other => format!("{id}={}", format!("{other:?}").to_lowercase()),
    }
}

/// Asserts that exactly `expected` are not passing on `on` with `defect` switched on.
async fn assert_breaks(defect: &str, on: On, expected: &[&str]) {
    let got: BTreeSet<String> = run(&[defect], on)
        .await
        .into_iter()
        .map(|(k, id)| label(k, id))
        .collect();
    let want: BTreeSet<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(got, want, "defect {defect} on {on:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_catalogue_has_no_fail_and_no_error_against_the_reference_agent() {
    for on in [On::RpcV1, On::RestV1, On::RpcV03] {
        let bad: Vec<_> = run_catalogue(&[], on, |_| true)
            .await
            .into_iter()
            .filter(|(k, _)| matches!(k, VerdictKind::Fail | VerdictKind::Error))
            .collect();
        assert!(bad.is_empty(), "{on:?}: {bad:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_agent_passes_every_protocol_scenario_on_each_binding_and_version() {
    for on in [On::RpcV1, On::RestV1, On::RpcV03] {
        let left = run(&[], on).await;
        assert!(left.is_empty(), "{on:?}: {left:?}");
    }
}

/// An agent whose card does not declare streaming: STRM-01 (1.0) and STRM-02 (0.3) pass
/// (every streaming call is -32004), the scenarios that read streams are not applicable, and
/// nothing else of these families changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_without_streaming_refuses_streaming_calls() {
    let off = |c: &mut a2a_reference_agent::config::Config| c.capabilities.streaming = false;
    let (a, b, c) = tokio::join!(
        run_agent(&[], On::RpcV1, |a| AREAS.contains(&a), off),
        run_agent(&[], On::RestV1, |a| AREAS.contains(&a), off),
        run_agent(&[], On::RpcV03, |a| AREAS.contains(&a), off),
    );
    for (on, all, id) in [
        (On::RpcV1, a, "STRM-01"),
        (On::RestV1, b, "STRM-01"),
        (On::RpcV03, c, "STRM-02"),
    ] {
        assert!(all.contains(&(VerdictKind::Pass, id)), "{on:?}: {all:?}");
        let left: Vec<_> = all
            .iter()
            .filter(|(k, _)| !matches!(k, VerdictKind::Pass | VerdictKind::NotApplicable))
            .collect();
        assert!(left.is_empty(), "{on:?}: {left:?}");
    }
}

/// One test per protocol defect: the scenarios of these families it turns red on 1.0 JSON-RPC,
/// 1.0 HTTP+JSON and 0.3 JSON-RPC (`ID` fails, `ID=warn` warns, `ID=skip` lost its
/// precondition). Defects that break a shape every answer is validated against (states,
/// timestamps, `kind`, the send wrapper, error details) turn every scenario reading that shape
/// red: the schema finding names the location.
macro_rules! breaks {
    ($test:ident, $defect:literal, $rpc_v1:expr, $rest_v1:expr, $rpc_v03:expr) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $test() {
            // Three agents, three targets, at once: the runs mostly wait on scripted delays.
            tokio::join!(
                assert_breaks($defect, On::RpcV1, $rpc_v1),
                assert_breaks($defect, On::RestV1, $rest_v1),
                assert_breaks($defect, On::RpcV03, $rpc_v03),
            );
        }
    };
}

breaks!(
    terminal_accepts_messages,
    "terminal-accepts-messages",
    &[
        "CANCEL-06",
        "SEND-06-CANCELED",
        "SEND-06-COMPLETED",
        "SEND-06-FAILED",
        "SEND-06-REJECTED"
    ],
    &[
        "CANCEL-06",
        "SEND-06-CANCELED",
        "SEND-06-COMPLETED",
        "SEND-06-FAILED",
        "SEND-06-REJECTED"
    ],
    &[
        "CANCEL-06",
        "SEND-05-CANCELED",
        "SEND-05-COMPLETED",
        "SEND-05-FAILED",
        "SEND-05-REJECTED"
    ]
);
breaks!(
    cancel_terminal_succeeds,
    "cancel-terminal-succeeds",
    &["CANCEL-02"],
    &["CANCEL-02"],
    &["CANCEL-02"]
);
breaks!(
    cancel_ignored,
    "cancel-ignored",
    &[
        "CANCEL-01",
        "CANCEL-04=warn",
        "CANCEL-06",
        "SEND-06-CANCELED"
    ],
    &[
        "CANCEL-01",
        "CANCEL-04=warn",
        "CANCEL-06",
        "SEND-06-CANCELED"
    ],
    &["CANCEL-01", "CANCEL-06", "SEND-05-CANCELED"]
);
breaks!(
    unknown_task_wrong_code,
    "unknown-task-wrong-code",
    &["CANCEL-03", "ERR-06", "GET-02", "SEND-07", "SUB-03"],
    &[
        "CANCEL-03",
        "ERR-03",
        "ERR-06",
        "GET-02",
        "SEND-07",
        "SUB-03"
    ],
    &["CANCEL-03", "GET-02"]
);
breaks!(
    unknown_task_id_creates_task,
    "unknown-task-id-creates-task",
    &["SEND-07"],
    &["SEND-07"],
    &[]
);
breaks!(
    stream_not_closed_at_terminal,
    "stream-not-closed-at-terminal",
    &["STRM-08", "STRM-11", "STRM-12", "SUB-04"],
    &["STRM-08", "STRM-11", "STRM-12", "SUB-04"],
    &["STRM-09", "SUB-05", "SUB-06=warn"]
);
breaks!(
    stream_without_task,
    "stream-without-task",
    &["STRM-06", "SUB-01"],
    &["STRM-06", "SUB-01"],
    &[]
);
breaks!(
    state_regresses_after_completed,
    "state-regresses-after-completed",
    &["STRM-08", "STRM-10", "STRM-11", "SUB-01", "SUB-04"],
    &["STRM-08", "STRM-10", "STRM-11", "SUB-01", "SUB-04"],
    &["STRM-09", "SUB-06=warn"]
);
breaks!(
    message_stream_continues,
    "message-stream-continues",
    &["STRM-07"],
    &["STRM-07"],
    &[]
);
breaks!(
    new_subscriber_closes_others,
    "new-subscriber-closes-others",
    &["STRM-11", "STRM-12"],
    &["STRM-11", "STRM-12"],
    &[]
);
breaks!(
    subscribe_terminal_accepted,
    "subscribe-terminal-accepted",
    &["SUB-02"],
    &["SUB-02"],
    &[]
);
breaks!(
    history_not_truncated,
    "history-not-truncated",
    &["GET-03", "GET-04", "LIST-11", "SEND-16"],
    &["GET-03", "GET-04", "LIST-11", "SEND-16"],
    &[]
);
breaks!(
    next_page_token_missing,
    "next-page-token-missing",
    &[
        "LIST-02", "LIST-03", "LIST-04", "LIST-05", "LIST-06", "LIST-07", "LIST-08", "LIST-11"
    ],
    &[
        "LIST-02", "LIST-03", "LIST-04", "LIST-05", "LIST-06", "LIST-07", "LIST-08", "LIST-11"
    ],
    &[]
);
breaks!(
    list_oldest_first,
    "list-oldest-first",
    &["LIST-04"],
    &["LIST-04"],
    &[]
);
breaks!(
    list_artifacts_always,
    "list-artifacts-always",
    &["LIST-05"],
    &["LIST-05"],
    &[]
);
breaks!(
    list_artifacts_never,
    "list-artifacts-never",
    &["LIST-06"],
    &["LIST-06"],
    &[]
);
breaks!(
    list_page_size_ignored,
    "list-page-size-ignored",
    &["LIST-07", "LIST-09=warn"],
    &["LIST-07", "LIST-09=warn"],
    &[]
);
breaks!(
    list_filter_ignored,
    "list-filter-ignored",
    &["LIST-03=skip", "LIST-07", "LIST-08"],
    &["LIST-03=skip", "LIST-07", "LIST-08"],
    &[]
);
breaks!(
    parse_error_with_id,
    "parse-error-with-id",
    &["TX-07"],
    &[],
    &["TX-07"]
);
breaks!(
    integer_id_as_string,
    "integer-id-as-string",
    &["TX-06"],
    &[],
    &["TX-06"]
);
breaks!(
    unknown_method_wrong_code,
    "unknown-method-wrong-code",
    &["TX-10"],
    &[],
    &["TX-10"]
);
breaks!(
    invalid_request_wrong_code,
    "invalid-request-wrong-code",
    &["TX-11"],
    &[],
    &["TX-11"]
);
breaks!(
    invalid_params_accepted,
    "invalid-params-accepted",
    &["SEND-14", "TX-12"],
    &["SEND-14", "TX-12"],
    &["SEND-14", "TX-12"]
);
breaks!(
    v03_status_without_final,
    "v03-status-without-final",
    &[],
    &[],
    &["STRM-04", "STRM-09", "SUB-05", "TX-25"]
);
breaks!(
    v03_kind_missing,
    "v03-kind-missing",
    &[],
    &[],
    &[
        "CANCEL-01",
        "CANCEL-02",
        "CANCEL-06",
        "GET-01",
        "GET-06",
        "SEND-01",
        "SEND-05-CANCELED",
        "SEND-05-COMPLETED",
        "SEND-05-FAILED",
        "SEND-05-REJECTED",
        "STRM-04",
        "SUB-05",
        "SUB-06=warn",
        "TX-25"
    ]
);
breaks!(
    v1_kind_discriminator,
    "v1-kind-discriminator",
    &[
        "CANCEL-01",
        "CANCEL-02",
        "CANCEL-04=warn",
        "CANCEL-06",
        "GET-01",
        "GET-03",
        "GET-04",
        "GET-06",
        "LIST-02",
        "LIST-03",
        "LIST-04",
        "LIST-05",
        "LIST-06",
        "LIST-07",
        "LIST-08",
        "LIST-09=warn",
        "LIST-11",
        "SEND-02",
        "SEND-03",
        "SEND-04",
        "SEND-06-CANCELED",
        "SEND-06-COMPLETED",
        "SEND-06-FAILED",
        "SEND-06-REJECTED",
        "SEND-09",
        "SEND-10",
        "SEND-11",
        "SEND-12",
        "SEND-13",
        "SEND-15",
        "SEND-16",
        "STRM-05",
        "STRM-11",
        "STRM-12",
        "SUB-01",
        "SUB-02",
        "SUB-04",
        "VER-02"
    ],
    &[
        "CANCEL-01",
        "CANCEL-02",
        "CANCEL-04=warn",
        "CANCEL-06",
        "GET-01",
        "GET-03",
        "GET-04",
        "GET-06",
        "LIST-02",
        "LIST-03",
        "LIST-04",
        "LIST-05",
        "LIST-06",
        "LIST-07",
        "LIST-08",
        "LIST-09=warn",
        "LIST-11",
        "SEND-02",
        "SEND-03",
        "SEND-04",
        "SEND-06-CANCELED",
        "SEND-06-COMPLETED",
        "SEND-06-FAILED",
        "SEND-06-REJECTED",
        "SEND-09",
        "SEND-10",
        "SEND-11",
        "SEND-12",
        "SEND-13",
        "SEND-15",
        "SEND-16",
        "STRM-05",
        "STRM-11",
        "STRM-12",
        "SUB-01",
        "SUB-02",
        "SUB-04",
        "VER-02"
    ],
    &[]
);
breaks!(
    v1_lowercase_states,
    "v1-lowercase-states",
    &[
        "CANCEL-01",
        "CANCEL-02",
        "CANCEL-04=warn",
        "CANCEL-06",
        "GET-01",
        "GET-03",
        "GET-04",
        "GET-06",
        "LIST-02",
        "LIST-03",
        "LIST-04",
        "LIST-05",
        "LIST-06",
        "LIST-07",
        "LIST-08",
        "LIST-09=warn",
        "LIST-11",
        "SEND-02",
        "SEND-03",
        "SEND-04",
        "SEND-06-CANCELED",
        "SEND-06-COMPLETED",
        "SEND-06-FAILED",
        "SEND-06-REJECTED",
        "SEND-09",
        "SEND-10",
        "SEND-11",
        "SEND-12",
        "SEND-13",
        "SEND-16",
        "STRM-05",
        "STRM-08",
        "STRM-10",
        "STRM-11",
        "STRM-12",
        "SUB-01",
        "SUB-02",
        "SUB-04",
        "TX-21",
        "VER-02"
    ],
    &[
        "CANCEL-01",
        "CANCEL-02",
        "CANCEL-04=warn",
        "CANCEL-06",
        "GET-01",
        "GET-03",
        "GET-04",
        "GET-06",
        "LIST-02",
        "LIST-03",
        "LIST-04",
        "LIST-05",
        "LIST-06",
        "LIST-07",
        "LIST-08",
        "LIST-09=warn",
        "LIST-11",
        "SEND-02",
        "SEND-03",
        "SEND-04",
        "SEND-06-CANCELED",
        "SEND-06-COMPLETED",
        "SEND-06-FAILED",
        "SEND-06-REJECTED",
        "SEND-09",
        "SEND-10",
        "SEND-11",
        "SEND-12",
        "SEND-13",
        "SEND-16",
        "STRM-05",
        "STRM-08",
        "STRM-10",
        "STRM-11",
        "STRM-12",
        "SUB-01",
        "SUB-02",
        "SUB-04",
        "TX-21",
        "VER-02"
    ],
    &[]
);
breaks!(
    timestamps_with_offset,
    "timestamps-with-offset",
    &[
        "CANCEL-01",
        "CANCEL-02",
        "CANCEL-04=warn",
        "CANCEL-06",
        "GET-01",
        "GET-03",
        "GET-04",
        "GET-06",
        "LIST-02",
        "LIST-03",
        "LIST-04",
        "LIST-05",
        "LIST-06",
        "LIST-07",
        "LIST-08",
        "LIST-09=warn",
        "LIST-11",
        "SEND-02",
        "SEND-03",
        "SEND-04",
        "SEND-06-CANCELED",
        "SEND-06-COMPLETED",
        "SEND-06-FAILED",
        "SEND-06-REJECTED",
        "SEND-09",
        "SEND-10",
        "SEND-11",
        "SEND-12",
        "SEND-13",
        "SEND-16",
        "STRM-05",
        "STRM-11",
        "STRM-12",
        "SUB-01",
        "SUB-02",
        "SUB-04",
        "TX-23",
        "VER-02"
    ],
    &[
        "CANCEL-01",
        "CANCEL-02",
        "CANCEL-04=warn",
        "CANCEL-06",
        "GET-01",
        "GET-03",
        "GET-04",
        "GET-06",
        "LIST-02",
        "LIST-03",
        "LIST-04",
        "LIST-05",
        "LIST-06",
        "LIST-07",
        "LIST-08",
        "LIST-09=warn",
        "LIST-11",
        "SEND-02",
        "SEND-03",
        "SEND-04",
        "SEND-06-CANCELED",
        "SEND-06-COMPLETED",
        "SEND-06-FAILED",
        "SEND-06-REJECTED",
        "SEND-09",
        "SEND-10",
        "SEND-11",
        "SEND-12",
        "SEND-13",
        "SEND-16",
        "STRM-05",
        "STRM-11",
        "STRM-12",
        "SUB-01",
        "SUB-02",
        "SUB-04",
        "TX-23",
        "VER-02"
    ],
    &[]
);
breaks!(
    send_result_unwrapped,
    "send-result-unwrapped",
    &[
        "CANCEL-01",
        "CANCEL-02",
        "CANCEL-04=warn",
        "CANCEL-06",
        "GET-01",
        "GET-03",
        "GET-04",
        "GET-06",
        "LIST-02",
        "LIST-03",
        "LIST-04",
        "LIST-05",
        "LIST-06",
        "LIST-07",
        "LIST-08",
        "LIST-09=warn",
        "LIST-11",
        "SEND-02",
        "SEND-03",
        "SEND-04",
        "SEND-06-CANCELED",
        "SEND-06-COMPLETED",
        "SEND-06-FAILED",
        "SEND-06-REJECTED",
        "SEND-09",
        "SEND-10",
        "SEND-11",
        "SEND-12",
        "SEND-13",
        "SEND-15=skip",
        "SEND-16",
        "STRM-11",
        "STRM-12",
        "SUB-01",
        "SUB-02",
        "SUB-04",
        "VER-02"
    ],
    &[],
    &[]
);
breaks!(
    blocking_returns_early,
    "blocking-returns-early",
    &["SEND-03"],
    &["SEND-03"],
    &["SUB-06=skip"]
);
breaks!(
    return_immediately_ignored,
    "return-immediately-ignored",
    &[
        "CANCEL-01=skip",
        "CANCEL-04=skip",
        "CANCEL-06=skip",
        "SEND-04",
        "SEND-06-CANCELED=skip",
        "STRM-11=skip",
        "STRM-12=skip",
        "SUB-01=skip",
        "SUB-04=skip"
    ],
    &[
        "CANCEL-01=skip",
        "CANCEL-04=skip",
        "CANCEL-06=skip",
        "SEND-04",
        "SEND-06-CANCELED=skip",
        "STRM-11=skip",
        "STRM-12=skip",
        "SUB-01=skip",
        "SUB-04=skip"
    ],
    &[
        "CANCEL-01=skip",
        "CANCEL-06=skip",
        "SEND-05-CANCELED=skip",
        "SUB-05=skip"
    ]
);
breaks!(
    context_id_substituted,
    "context-id-substituted",
    &[
        "LIST-02=skip",
        "LIST-03=skip",
        "LIST-04=skip",
        "LIST-05=skip",
        "LIST-06=skip",
        "LIST-07=skip",
        "LIST-08=skip",
        "LIST-09=skip",
        "LIST-11=skip",
        "SEND-13"
    ],
    &[
        "LIST-02=skip",
        "LIST-03=skip",
        "LIST-04=skip",
        "LIST-05=skip",
        "LIST-06=skip",
        "LIST-07=skip",
        "LIST-08=skip",
        "LIST-09=skip",
        "LIST-11=skip",
        "SEND-13"
    ],
    &[]
);
breaks!(
    context_mismatch_accepted,
    "context-mismatch-accepted",
    &["SEND-12"],
    &["SEND-12"],
    &[]
);
breaks!(
    message_without_context_id,
    "message-without-context-id",
    &["SEND-15"],
    &["SEND-15"],
    &[]
);
breaks!(
    media_type_not_checked,
    "media-type-not-checked",
    &["SEND-08=warn"],
    &["SEND-08=warn"],
    &[]
);
breaks!(
    version_header_ignored,
    "version-header-ignored",
    &["ERR-06", "TX-28", "VER-01"],
    &["ERR-06", "TX-28", "VER-01", "VER-03=warn", "VER-05=warn"],
    &[]
);
breaks!(
    patch_version_rejected,
    "patch-version-rejected",
    &["VER-04"],
    &["VER-04"],
    &[]
);
breaks!(
    rest_error_without_error_info,
    "rest-error-without-error-info",
    &[],
    &[
        "CANCEL-02",
        "CANCEL-03",
        "CANCEL-06",
        "ERR-03",
        "GET-02",
        "SEND-06-CANCELED",
        "SEND-06-COMPLETED",
        "SEND-06-FAILED",
        "SEND-06-REJECTED",
        "SEND-07",
        "SEND-08=warn",
        "SUB-02",
        "SUB-03",
        "TX-28",
        "VER-01",
        "VER-05=warn"
    ],
    &[]
);
breaks!(
    error_data_without_type,
    "error-data-without-type",
    &[
        "CANCEL-02",
        "CANCEL-03",
        "CANCEL-06",
        "ERR-02",
        "GET-02",
        "SEND-06-CANCELED",
        "SEND-06-COMPLETED",
        "SEND-06-FAILED",
        "SEND-06-REJECTED",
        "SEND-07",
        "SEND-08=warn",
        "SEND-12",
        "SEND-14",
        "SUB-02",
        "SUB-03",
        "TX-12",
        "TX-28",
        "VER-01"
    ],
    &[],
    &[]
);
breaks!(
    event_without_context_id,
    "event-without-context-id",
    &["STRM-05", "STRM-13", "TX-24"],
    &["STRM-05", "STRM-13", "TX-24"],
    &["STRM-04", "TX-25"]
);
// The card says streaming: false, the streams are served: the scenarios that read streams are
// not applicable, STRM-01 fails (1.0) and STRM-02 warns (0.3).
breaks!(
    streaming_when_undeclared,
    "streaming-when-undeclared",
    &["STRM-01"],
    &["STRM-01"],
    &["STRM-02=warn"]
);
