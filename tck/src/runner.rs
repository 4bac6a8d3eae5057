//! The runner: discovery, applicability, concurrent scenarios under deadlines, the baseline;
//! it returns a [`RunReport`] and never prints or exits.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use a2a_security::jwk::JwkSet;
use serde::Serialize;

use crate::baseline::Baseline;
use crate::context::{Context, Discovery};
use crate::evidence::{Exchange, RecordedDelivery, Recorder};
use crate::profile::{Mode, Profile};
use crate::scenario::{Binding, Level, Need, ProtocolVersion, Scenario, ScenarioInfo};
use crate::schema::SchemaSet;
use crate::selection::Selection;
use crate::target::{self, Target};
use crate::transport::http::{Auth, HttpClient, HttpRequest, Limits, TransportError};
use crate::transport::sse::SseLimits;
use crate::verdict::{Failure, Outcome, Verdict, VerdictKind};

/// Live progress, for whoever wants it (the console shows a bar; tests count).
pub trait Observer: Send + Sync {
    /// The run will judge `planned` scenarios.
    fn started(&self, planned: usize) {
        let _ = planned;
    }
    /// A scenario finished.
    fn finished(&self, result: &ScenarioResult) {
        let _ = result;
    }
}

/// An observer that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {}

/// Everything a run needs besides the catalogue.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The profile (credentials, limits, deadlines).
    pub profile: Profile,
    /// The card URL.
    pub card_url: String,
    /// A forced protocol version.
    pub version: Option<ProtocolVersion>,
    /// A forced binding.
    pub binding: Option<Binding>,
    /// Which scenarios run.
    pub selection: Selection,
    /// SHOULD violations fail.
    pub strict: bool,
    /// Accepted failures.
    pub baseline: Option<Baseline>,
    /// Loaded schemas.
    pub schemas: Option<Arc<SchemaSet>>,
    /// Card verification keys.
    pub card_keys: Option<Arc<JwkSet>>,
    /// Credentials already resolved to headers (`OAuth2` tokens fetched).
    pub auth: Auth,
    /// A card supplied offline (`validate`): no network discovery.
    pub card: Option<serde_json::Value>,
}

impl RunConfig {
    /// A configuration for `card_url` with a default profile.
    pub fn new(card_url: impl Into<String>) -> Self {
        Self {
            profile: Profile::default(),
            card_url: card_url.into(),
            version: None,
            binding: None,
            selection: Selection::default(),
            strict: false,
            baseline: None,
            schemas: None,
            card_keys: None,
            auth: Auth::none(),
            card: None,
        }
    }

    fn limits(&self) -> Limits {
        let t = &self.profile.timeouts;
        Limits {
            request_timeout: Duration::from_millis(t.request_ms),
            stream_timeout: Duration::from_millis(t.stream_ms),
            max_body_bytes: self.profile.limits.max_body_bytes,
            max_stream_bytes: self.profile.limits.max_stream_bytes,
            sse: SseLimits {
                max_events: self.profile.limits.max_sse_events,
                ..SseLimits::default()
            },
        }
    }
}

/// The result of one scenario.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    /// The scenario's declared facts.
    pub scenario: ScenarioInfo,
    /// The interface it ran on (`1.0 JSONRPC`), when the run exercised several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The verdict.
    #[serde(flatten)]
    pub verdict: Verdict,
    /// Findings (for fail, warn, xfail).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Failure>,
    /// Every exchange the scenario made.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exchanges: Vec<Exchange>,
    /// Webhook deliveries the scenario judged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deliveries: Vec<RecordedDelivery>,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
}

/// Verdict counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Count per verdict kind (kinds with zero omitted).
    #[serde(flatten)]
    pub by_kind: BTreeMap<VerdictKind, usize>,
    /// Scenarios selected.
    pub total: usize,
}

impl Counts {
    /// The count of one kind.
    pub fn get(&self, kind: VerdictKind) -> usize {
        self.by_kind.get(&kind).copied().unwrap_or(0)
    }

    /// Scenarios actually exercised and judged (the denominator of the pass rate).
    pub fn exercised(&self) -> usize {
        self.by_kind
            .iter()
            .filter(|(k, _)| k.exercised())
            .map(|(_, n)| n)
            .sum()
    }

    fn add(&mut self, kind: VerdictKind) {
        *self.by_kind.entry(kind).or_default() += 1;
        self.total += 1;
    }
}

/// Counts overall and per level.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// All scenarios.
    pub all: Counts,
    /// Per level.
    pub by_level: BTreeMap<Level, Counts>,
}

/// What a run means for a CI gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunStatus {
    /// Everything exercised passed (or is an accepted failure).
    Conformant,
    /// A failure, or a stale baseline entry (XPASS).
    NonConformant,
    /// Nothing was exercised: no verdict says anything about the endpoint.
    NothingExercised,
    /// The endpoint could not be reached.
    Unreachable,
    /// The harness could not judge some scenarios (errors).
    HarnessError,
}

/// The run's data: what every reporter renders.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// The kit's version.
    pub tck_version: &'static str,
    /// The interface exercised (the first, when several were).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// Every interface exercised: one per protocol version the card declares, unless the run
    /// forces a version.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Target>,
    /// Why no interface was selected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_problem: Option<String>,
    /// Other versions the card declares, not exercised by this run (run again with
    /// `--protocol` to test them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub untested_versions: Vec<ProtocolVersion>,
    /// Discovery.
    pub discovery: Discovery,
    /// The discovery exchange.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovery_exchange: Option<Exchange>,
    /// Fetches of the JWKS the card's signatures name (`jku`), when no keys were configured.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub key_exchanges: Vec<Exchange>,
    /// Strict mode.
    pub strict: bool,
    /// One result per selected scenario, in catalogue order.
    pub results: Vec<ScenarioResult>,
    /// Counts.
    pub summary: Summary,
    /// Overall status.
    pub status: RunStatus,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
}

impl RunReport {
    /// The exchange `id` as a result refers to it: one of the result's own, or discovery's.
    pub fn exchange<'a>(&'a self, result: &'a ScenarioResult, id: &str) -> Option<&'a Exchange> {
        result
            .exchanges
            .iter()
            .chain(self.discovery_exchange.as_ref())
            .chain(&self.key_exchanges)
            .find(|x| x.id == id)
    }

    /// Recomputes the summary and the status from the results (after editing them).
    #[must_use]
    pub fn recount(mut self) -> Self {
        let mut summary = Summary::default();
        for r in &self.results {
            let kind = r.verdict.kind();
            summary.all.add(kind);
            summary
                .by_level
                .entry(r.scenario.level)
                .or_default()
                .add(kind);
        }
        let all = &summary.all;
        self.status = if self.discovery.unreachable {
            RunStatus::Unreachable
        } else if all.get(VerdictKind::Fail) + all.get(VerdictKind::Xpass) > 0 {
            RunStatus::NonConformant
        } else if all.get(VerdictKind::Error) > 0 {
            RunStatus::HarnessError
        } else if all.exercised() == 0 {
            RunStatus::NothingExercised
        } else {
            RunStatus::Conformant
        };
        self.summary = summary;
        self
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

async fn discover(client: &HttpClient, recorder: &Recorder, card_url: &str) -> Discovery {
    let mut d = Discovery {
        card_url: card_url.to_owned(),
        ..Discovery::default()
    };
    match client
        .send(
            HttpRequest::get(card_url).header("Accept", "application/json"),
            recorder,
        )
        .await
    {
        Err(e) => {
            d.unreachable = matches!(e, TransportError::Connect(_) | TransportError::Request(_));
            d.harness_fault = true;
            d.problem = Some(e.to_string());
        }
        Ok(response) => {
            d.exchange = Some(response.exchange.clone());
            d.status = Some(response.status);
            d.headers.clone_from(&response.headers);
            if response.status == 200 {
                match response.json() {
                    Ok(card) if card.is_object() => d.card = Some(card),
                    Ok(_) => d.problem = Some("card is not a JSON object".into()),
                    Err(e) => {
                        d.harness_fault = matches!(e, crate::transport::http::BodyError::NotUtf8);
                        d.problem = Some(crate::check::HarnessError::from(e).0);
                    }
                }
            } else {
                d.problem = Some(format!("card URL answered HTTP {}", response.status));
            }
        }
    }
    if d.exchange.is_none() {
        d.exchange = recorder.exchanges().first().map(|x| x.id.clone());
    }
    d
}

/// The keys named by the card's signatures (`jku` in their protected headers): fetched over
/// HTTPS, or also plain HTTP in dev mode (A2A 1.0 §8.4.3: clients SHOULD fetch keys over HTTPS).
/// Keys that cannot be fetched are simply absent: the signature scenarios then skip.
async fn fetch_jku_keys(
    client: &HttpClient,
    recorder: &Recorder,
    card: &serde_json::Value,
    mode: Mode,
) -> Option<Arc<JwkSet>> {
    let mut urls: Vec<String> = crate::rules::card::jku_urls(card)
        .into_iter()
        .filter(|u| u.starts_with("https://") || (mode == Mode::Dev && u.starts_with("http://")))
        .collect();
    urls.sort();
    urls.dedup();
    let mut set = JwkSet::new();
    let mut any = false;
    for url in urls {
        let Ok(response) = client
            .send(HttpRequest::get(url).anonymous(), recorder)
            .await
        else {
            continue;
        };
        if response.status != 200 {
            continue;
        }
        if let Ok((keys, _)) = JwkSet::from_slice(&response.body) {
            for key in keys.keys() {
                any |= set.insert(key.clone()).is_ok();
            }
        }
    }
    any.then(|| Arc::new(set))
}

fn select_target(config: &RunConfig, discovery: &Discovery) -> Result<Target, String> {
    let card = discovery
        .card
        .as_ref()
        .ok_or_else(|| "no agent card, so no declared interface".to_owned())?;
    let version = config
        .version
        .or_else(|| target::detect_version(card))
        .ok_or_else(|| {
            "the card declares no supported protocol version (use --protocol)".to_owned()
        })?;
    let interface = target::select(card, version.family(), config.binding).ok_or_else(|| {
        format!(
            "the card declares no {} interface for A2A {version}",
            config.binding.map_or("supported", Binding::as_str)
        )
    })?;
    Ok(Target {
        version,
        binding: interface.binding,
        url: interface.url,
        tenant: interface.tenant,
        extensions: config.profile.extensions.activate.clone(),
    })
}

/// The interfaces a run exercises: the forced version's, or one per version the card declares
/// (the detected one first), each on the forced or the card's preferred binding.
fn select_targets(config: &RunConfig, discovery: &Discovery) -> Result<Vec<Target>, String> {
    let first = select_target(config, discovery)?;
    let mut targets = vec![first];
    if config.version.is_none()
        && let Some(card) = &discovery.card
    {
        for version in target::declared_versions(card) {
            if targets
                .iter()
                .any(|t| t.version.family() == version.family())
            {
                continue;
            }
            let forced = RunConfig {
                version: Some(version),
                ..config.clone()
            };
            if let Ok(t) = select_target(&forced, discovery) {
                targets.push(t);
            }
        }
    }
    Ok(targets)
}

/// Why a scenario does not run here, if it does not.
fn applicability(scenario: &Scenario, cx: &Context, config: &RunConfig) -> Option<Verdict> {
    let applies = &scenario.applies;
    let version = cx.target.as_ref().map(|t| t.version).or(config.version);
    if let Some(version) = version {
        if !applies.versions.is_empty() && !applies.versions.contains(&version.family()) {
            return Some(Verdict::NotApplicable(format!(
                "applies to A2A {} only",
                applies
                    .versions
                    .iter()
                    .map(|f| match f {
                        crate::scenario::Family::V0_3 => "0.3",
                        crate::scenario::Family::V1_0 => "1.0",
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    } else if !applies.versions.is_empty() {
        return Some(Verdict::Skip(
            "protocol version unknown (no card; use --protocol)".into(),
        ));
    }
    if let Some(target) = &cx.target
        && !applies.bindings.is_empty()
        && !applies.bindings.contains(&target.binding)
    {
        return Some(Verdict::NotApplicable(format!(
            "does not apply to the {} binding",
            target.binding
        )));
    }
    for need in applies.needs {
        let missing = match need {
            Need::Card => cx.card().is_none().then(|| {
                Verdict::Skip(format!(
                    "no agent card: {}",
                    cx.discovery.problem.as_deref().unwrap_or("not fetched")
                ))
            }),
            Need::CardSignatures => cx
                .card()
                .is_some_and(|c| {
                    c.get("signatures")
                        .is_none_or(|s| s.as_array().is_none_or(Vec::is_empty))
                })
                .then(|| Verdict::NotApplicable("the card carries no signatures".into())),
            Need::CardKeys => cx.card_keys.is_none().then(|| {
                Verdict::Skip("no card verification keys (profile `card.jwks_file`)".into())
            }),
            Need::Schemas => cx
                .schemas
                .is_none()
                .then(|| Verdict::Skip("JSON Schemas not loaded (profile `schemas_dir`)".into())),
            Need::ProductionMode => (config.profile.mode == Mode::Dev)
                .then(|| Verdict::NotApplicable("dev mode: plain HTTP accepted".into())),
            Need::Interface if config.card.is_some() => Some(Verdict::NotApplicable(
                "offline validation: the endpoint is not probed".into(),
            )),
            Need::Interface => cx
                .target
                .is_none()
                .then(|| Verdict::Skip("no interface selected".into())),
        };
        if missing.is_some() {
            return missing;
        }
    }
    None
}

/// Runs the selected scenarios of `catalogue` against the endpoint of `config`.
#[allow(clippy::too_many_lines)] // one linear procedure: discovery, applicability, spawn, collect
pub async fn run(
    catalogue: Vec<Scenario>,
    config: RunConfig,
    observer: &dyn Observer,
) -> RunReport {
    let started = Instant::now();
    let ids = Arc::new(AtomicU64::new(0));
    let limits = config.limits();
    let redactor = config.auth.redact_in(config.profile.redactor());
    let selected: Vec<Scenario> = catalogue
        .into_iter()
        .filter(|s| config.selection.includes(s.id))
        .collect();
    observer.started(selected.len());

    let mut report = RunReport {
        tck_version: env!("CARGO_PKG_VERSION"),
        target: None,
        targets: Vec::new(),
        target_problem: None,
        untested_versions: Vec::new(),
        discovery: Discovery::default(),
        discovery_exchange: None,
        key_exchanges: Vec::new(),
        strict: config.strict,
        results: Vec::new(),
        summary: Summary::default(),
        status: RunStatus::NothingExercised,
        duration_ms: 0,
    };
    let client = match HttpClient::new(limits, config.auth.clone(), redactor) {
        Ok(c) => c,
        Err(e) => {
            report.discovery.problem = Some(e.to_string());
            report.results = selected
                .iter()
                .map(|s| error_result(s, format!("harness: {e}")))
                .collect();
            return report.recount();
        }
    };
    let discovery_recorder = Recorder::new(ids.clone());
    let discovery = Arc::new(match &config.card {
        Some(card) => Discovery {
            card_url: config.card_url.clone(),
            status: Some(200),
            card: Some(card.clone()),
            ..Discovery::default()
        },
        None => discover(&client, &discovery_recorder, &config.card_url).await,
    });
    report.discovery_exchange = discovery_recorder.exchanges().into_iter().next();
    report.discovery = (*discovery).clone();
    let card_keys = match (&config.card_keys, &discovery.card) {
        (Some(keys), _) => Some(keys.clone()),
        // An offline card (`validate`) never triggers network fetches.
        (None, Some(card)) if config.card.is_none() => {
            let recorder = Recorder::new(ids.clone());
            let keys = fetch_jku_keys(&client, &recorder, card, config.profile.mode).await;
            report.key_exchanges = recorder.exchanges();
            keys
        }
        (None, _) => None,
    };
    match select_targets(&config, &discovery) {
        Ok(targets) => {
            report.target = targets.first().cloned();
            report.targets = targets;
        }
        Err(problem) => report.target_problem = Some(problem),
    }
    if let Some(card) = &discovery.card {
        report.untested_versions = target::declared_versions(card)
            .into_iter()
            .filter(|v| {
                !report
                    .targets
                    .iter()
                    .any(|t| t.version.family() == v.family())
            })
            .collect();
    }

    if discovery.unreachable {
        let reason = format!(
            "endpoint unreachable: {}",
            discovery.problem.as_deref().unwrap_or("no response")
        );
        report.results = selected
            .iter()
            .map(|s| {
                let r = error_result(s, reason.clone());
                observer.finished(&r);
                r
            })
            .collect();
        report.duration_ms = millis(started.elapsed());
        return report.recount();
    }

    // The webhook receiver lives for the whole run; push scenarios share it and tell deliveries
    // apart by task id. It binds loopback only; failing to bind is a harness error for the
    // scenarios that need it, not for the run.
    let webhook = match &config.profile.webhook {
        Some(w) => crate::webhook_receiver::WebhookReceiver::start(w.bind)
            .await
            .ok()
            .map(Arc::new),
        None => None,
    };
    let profile = Arc::new(config.profile.clone());
    let semaphore = Arc::new(tokio::sync::Semaphore::new(
        config.profile.limits.concurrency,
    ));
    let scenario_timeout = Duration::from_millis(config.profile.timeouts.scenario_ms);
    let plan = plan(&selected, &report.targets);
    observer.started(plan.len());
    let labelled = report.targets.len() > 1;
    let mut slots: Vec<Option<ScenarioResult>> = Vec::with_capacity(plan.len());
    let mut tasks = tokio::task::JoinSet::new();
    for &(index, on) in &plan {
        let scenario = &selected[index];
        let target = on.map(|t| report.targets[t].clone());
        let label = target
            .as_ref()
            .filter(|_| labelled)
            .map(|t| format!("{} {}", t.version, t.binding));
        let cx = Context {
            client: client.clone(),
            recorder: Recorder::new(ids.clone()),
            target,
            discovery: discovery.clone(),
            profile: profile.clone(),
            schemas: config.schemas.clone(),
            card_keys: card_keys.clone(),
            webhook: webhook.clone(),
        };
        if let Some(verdict) = applicability(scenario, &cx, &config) {
            let r = ScenarioResult {
                scenario: scenario.info(),
                target: label,
                verdict,
                failures: Vec::new(),
                exchanges: Vec::new(),
                deliveries: Vec::new(),
                duration_ms: 0,
            };
            observer.finished(&r);
            slots.push(Some(r));
            continue;
        }
        let slot = slots.len();
        slots.push(None);
        let step = scenario.step.clone();
        let semaphore = semaphore.clone();
        tasks.spawn(async move {
            // The semaphore is never closed, so acquiring cannot fail; if it did, running
            // without a permit is harmless.
            let _permit = semaphore.acquire_owned().await.ok();
            let began = Instant::now();
            let inner_cx = cx.clone();
            // A panicking step is isolated in its own task and becomes an error verdict.
            let handle = tokio::spawn(async move { step.run(&inner_cx).await });
            let abort = handle.abort_handle();
            let outcome = match tokio::time::timeout(scenario_timeout, handle).await {
                Ok(Ok(result)) => result.map_err(|e| e.0),
                Ok(Err(join)) => Err(format!("harness: the check panicked ({join})")),
                Err(_) => {
                    abort.abort();
                    Err(format!(
                        "scenario did not finish within {} ms",
                        scenario_timeout.as_millis()
                    ))
                }
            };
            (
                slot,
                index,
                label,
                outcome,
                cx.recorder.exchanges(),
                cx.recorder.deliveries(),
                millis(began.elapsed()),
            )
        });
    }
    while let Some(joined) = tasks.join_next().await {
        let Ok((slot, index, label, outcome, exchanges, deliveries, duration_ms)) = joined else {
            continue;
        };
        let scenario = &selected[index];
        let (verdict, failures) = match outcome {
            Ok(outcome) => {
                let verdict = Verdict::from_outcome(&outcome, scenario.level, config.strict);
                let failures = match outcome {
                    Outcome::Fail(f) => f,
                    _ => Vec::new(),
                };
                (verdict, failures)
            }
            Err(reason) => (Verdict::Error(reason), Vec::new()),
        };
        let mut result = ScenarioResult {
            scenario: scenario.info(),
            target: label,
            verdict,
            failures,
            exchanges,
            deliveries,
            duration_ms,
        };
        if let Some(baseline) = &config.baseline {
            baseline.apply(&mut result);
        }
        observer.finished(&result);
        slots[slot] = Some(result);
    }
    report.results = slots
        .into_iter()
        .zip(&plan)
        .map(|(slot, &(index, _))| {
            slot.unwrap_or_else(|| {
                error_result(&selected[index], "harness: scenario task lost".into())
            })
        })
        .collect();
    report.duration_ms = millis(started.elapsed());
    report.recount()
}

/// Which scenario runs on which target (an index into the targets; `None` without one), in
/// report order: target by target, each in catalogue order. With several targets a scenario
/// runs only on those of a version it applies to; one that applies to none still gets its
/// (not applicable) result once.
fn plan(selected: &[Scenario], targets: &[Target]) -> Vec<(usize, Option<usize>)> {
    if targets.len() <= 1 {
        let on = (!targets.is_empty()).then_some(0);
        return (0..selected.len()).map(|i| (i, on)).collect();
    }
    let fits = |s: &Scenario, t: &Target| {
        s.applies.versions.is_empty() || s.applies.versions.contains(&t.version.family())
    };
    let mut plan = Vec::new();
    for (t, target) in targets.iter().enumerate() {
        for (i, s) in selected.iter().enumerate() {
            let nowhere = !targets.iter().any(|t| fits(s, t));
            if fits(s, target) || (nowhere && t == 0) {
                plan.push((i, Some(t)));
            }
        }
    }
    plan
}

fn error_result(scenario: &Scenario, reason: String) -> ScenarioResult {
    ScenarioResult {
        scenario: scenario.info(),
        target: None,
        verdict: Verdict::Error(reason),
        failures: Vec::new(),
        exchanges: Vec::new(),
        deliveries: Vec::new(),
        duration_ms: 0,
    }
}
