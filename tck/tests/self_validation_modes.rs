//! The whole catalogue against the reference agent in each of its security modes, as `selftest
//! --mode` sets them up (in-process on 127.0.0.1:0, keys generated per run): authentication off,
//! bearer JWTs with replay protection, the message-integrity extension required, push with
//! signed deliveries, and all of them together. The card declares A2A 1.0 and 0.3, so every run
//! covers both versions. Zero fail, zero warn, zero error in each; the skips are only those the
//! mode cannot satisfy (listed per mode).

// Helpers outside #[test] functions panic on setup failure too: that is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::sync::Arc;

use a2a_tck::catalogue;
use a2a_tck::cli::{SelftestMode, profile_auth, selftest_mode};
use a2a_tck::profile::{Mode, REFERENCE_AGENT};
use a2a_tck::runner::{self, RunConfig, RunReport, Silent};
use a2a_tck::schema::SchemaSet;
use a2a_tck::verdict::VerdictKind;

async fn run(mode: SelftestMode) -> RunReport {
    run_with(mode, &[]).await
}

async fn run_with(mode: SelftestMode, defects: &[&str]) -> RunReport {
    let mut agent_config = a2a_reference_agent::config::Config::default();
    "127.0.0.1:0".clone_into(&mut agent_config.bind);
    agent_config.public_url = None;
    agent_config.defects = defects.iter().map(|d| (*d).to_owned()).collect();
    let patch = selftest_mode(mode, &mut agent_config);
    let agent = a2a_reference_agent::serve(agent_config).await.unwrap();
    let mut config = RunConfig::new(format!("{}/.well-known/agent-card.json", agent.base_url()));
    patch(&mut config.profile);
    config.profile.mode = Mode::Dev;
    config.profile.behaviours.preset = Some(REFERENCE_AGENT.to_owned());
    config.profile.limits.concurrency = 16;
    config.auth = profile_auth(&config.profile).unwrap();
    config.schemas = Some(Arc::new(SchemaSet::embedded().unwrap()));
    let report = runner::run(catalogue::all(), config, &Silent).await;
    agent.shutdown().await;
    report
}

/// `ID (target)` of every result of `kind`.
fn of(report: &RunReport, kind: VerdictKind) -> BTreeSet<String> {
    report
        .results
        .iter()
        .filter(|r| r.verdict.kind() == kind)
        .map(|r| format!("{} ({})", r.scenario.id, r.target.as_deref().unwrap_or("-")))
        .collect()
}

async fn clean(mode: SelftestMode) -> RunReport {
    let report = run(mode).await;
    assert_eq!(report.targets.len(), 2, "{mode:?}: both versions");
    for kind in [VerdictKind::Fail, VerdictKind::Warn, VerdictKind::Error] {
        assert_eq!(of(&report, kind), BTreeSet::new(), "{mode:?}: {kind:?}");
    }
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_catalogue_is_clean_in_every_mode() {
    for mode in [
        SelftestMode::Open,
        SelftestMode::Bearer,
        SelftestMode::Integrity,
        SelftestMode::Push,
    ] {
        clean(mode).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_modes_together_leave_only_ext_03_unexercised() {
    let report = clean(SelftestMode::All).await;
    // The reference agent's extensions define no methods, so EXT-03 has nothing to call.
    let skipped: BTreeSet<&str> = report
        .results
        .iter()
        .filter(|r| r.verdict.kind() == VerdictKind::Skip)
        .map(|r| r.scenario.id)
        .collect();
    assert_eq!(skipped, BTreeSet::from(["EXT-03"]));
    let passed = of(&report, VerdictKind::Pass).len();
    assert!(passed >= 200, "only {passed} passed");
}

/// The card defects, over the whole catalogue and both versions: exactly their scenarios turn
/// red.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_card_defects_turn_exactly_their_scenarios_red() {
    for (defect, expected) in [
        (
            "card-without-cache-headers",
            &["S-01 (0.3 JSONRPC)", "S-01 (1.0 JSONRPC)"][..],
        ),
        (
            "card-signature-invalid",
            &[
                "CARD-14 (1.0 JSONRPC)",
                "SEC-CARD-01 (0.3 JSONRPC)",
                "SEC-CARD-01 (1.0 JSONRPC)",
            ][..],
        ),
        (
            "card-missing-description",
            &[
                "CARD-03 (0.3 JSONRPC)",
                "CARD-04 (1.0 JSONRPC)",
                "CARD-19 (0.3 JSONRPC)",
                "CARD-19 (1.0 JSONRPC)",
            ][..],
        ),
    ] {
        let report = run_with(SelftestMode::Open, &[defect]).await;
        let mut red = of(&report, VerdictKind::Fail);
        red.extend(of(&report, VerdictKind::Warn));
        let expected: BTreeSet<String> = expected.iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(red, expected, "{defect}");
        assert_eq!(of(&report, VerdictKind::Error), BTreeSet::new(), "{defect}");
    }
}
