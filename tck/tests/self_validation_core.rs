//! Self-validation of the protocol families (send message, tasks, streaming, JSON-RPC
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
    let mut config = a2a_reference_agent::config::Config::default();
    "127.0.0.1:0".clone_into(&mut config.bind);
    config.public_url = None;
    config.defects = defects.iter().map(|d| (*d).to_owned()).collect();
    let agent = a2a_reference_agent::serve(config).await.unwrap();
    let mut run = RunConfig::new(format!("{}/.well-known/agent-card.json", agent.base_url()));
    let (version, binding) = on.target();
    run.version = Some(version);
    run.binding = Some(binding);
    run.profile.mode = Mode::Dev;
    run.profile.behaviours.preset = Some(REFERENCE_AGENT.to_owned());
    // An agent that never closes a stream costs this much per stream scenario.
    run.profile.timeouts.stream_ms = 3_000;
    run.schemas = Some(Arc::new(SchemaSet::embedded().unwrap()));
    let scenarios = catalogue::all()
        .into_iter()
        .filter(|s| AREAS.contains(&s.area))
        .collect();
    let report = runner::run(scenarios, run, &Silent).await;
    agent.shutdown().await;
    report
        .results
        .iter()
        .map(|r| (r.verdict.kind(), r.scenario.id))
        .filter(|(k, _)| !matches!(k, VerdictKind::Pass | VerdictKind::NotApplicable))
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
async fn reference_agent_passes_every_protocol_scenario_on_each_binding_and_version() {
    for on in [On::RpcV1, On::RestV1, On::RpcV03] {
        let left = run(&[], on).await;
        assert!(left.is_empty(), "{on:?}: {left:?}");
    }
}
