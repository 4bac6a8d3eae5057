//! The command line: parsing (clap derive) and the commands. Commands write to the given
//! writers and return an [`Exit`]; only `main` turns that into a process exit code.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::Value;

use crate::Error;
use crate::baseline::Baseline;
use crate::catalogue;
use crate::profile::{Mode, Profile};
use crate::report::{self, Format};
use crate::runner::{self, Observer, RunConfig, RunReport, RunStatus, Silent};
use crate::scenario::{Area, Binding, ProtocolVersion, Scenario};
use crate::schema::SchemaSet;
use crate::selection::Selection;
use crate::transport::http::Auth;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Conformant / done (exit 0).
    Success,
    /// Not conformant, or nothing exercised (exit 1).
    NonConformant,
    /// Usage or configuration error (exit 2).
    Usage,
    /// Endpoint unreachable or harness error (exit 3).
    Harness,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::NonConformant => 1,
            Self::Usage => 2,
            Self::Harness => 3,
        }
    }

    /// The exit for a run's status.
    pub fn from_status(status: RunStatus) -> Self {
        match status {
            RunStatus::Conformant => Self::Success,
            RunStatus::NonConformant | RunStatus::NothingExercised => Self::NonConformant,
            RunStatus::Unreachable | RunStatus::HarnessError => Self::Harness,
        }
    }
}

/// The A2A conformance kit.
#[derive(Debug, Parser)]
#[command(name = "a2a-tck", version, about = "A2A protocol conformance kit")]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the catalogue against an endpoint.
    Run(RunArgs),
    /// List the catalogue.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Explain one scenario.
    Explain {
        /// Scenario id.
        id: String,
    },
    /// Validate a document offline: an agent card (shape and signatures) or any A2A object
    /// against the schemas.
    Validate(ValidateArgs),
    /// Print the RFC 8785 canonical form of a JSON file.
    Jcs {
        /// The JSON file.
        file: PathBuf,
    },
    /// Start the reference agent in-process on 127.0.0.1:0 and run the whole catalogue
    /// against it (the no-setup demo; with `--defect`, a deliberately broken agent).
    Selftest(SelftestArgs),
    /// Baselines of accepted failures.
    Baseline {
        /// What to do.
        #[command(subcommand)]
        action: BaselineAction,
    },
}

/// Baseline actions.
#[derive(Debug, Subcommand)]
pub enum BaselineAction {
    /// Run, then write a baseline accepting every failure and warning of the run.
    Write {
        /// Where to write the baseline.
        #[arg(long, short)]
        output: PathBuf,
        /// The run.
        #[command(flatten)]
        run: RunArgs,
    },
}

/// `list` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned text.
    Text,
    /// A Markdown table (`docs/scenarios.md`).
    Markdown,
    /// JSON.
    Json,
}

/// Options of `run`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// The agent's base URL (the card is fetched from `/.well-known/agent-card.json`).
    #[arg(long, conflicts_with = "card_url")]
    pub url: Option<String>,
    /// The agent card URL.
    #[arg(long)]
    pub card_url: Option<String>,
    /// SUT profile (TOML).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Force a protocol version: 0.3, 1.0 or 1.0.0.
    #[arg(long)]
    pub protocol: Option<String>,
    /// Force a binding: jsonrpc or http+json.
    #[arg(long)]
    pub binding: Option<String>,
    /// Run only scenarios whose id matches (glob; repeatable).
    #[arg(long)]
    pub only: Vec<String>,
    /// Skip scenarios whose id matches (glob; repeatable).
    #[arg(long)]
    pub skip: Vec<String>,
    /// SHOULD violations fail the run.
    #[arg(long)]
    pub strict: bool,
    /// Baseline of accepted failures.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Development mode: plain HTTP accepted.
    #[arg(long)]
    pub dev: bool,
    /// Reports to write, as FORMAT=PATH (json, junit, html, md; repeatable).
    #[arg(long, value_name = "FORMAT=PATH")]
    pub report: Vec<String>,
    /// JSON Schemas directory (holding v0.3/ and v1.0/).
    #[arg(long)]
    pub schemas: Option<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// Options of `selftest`.
#[derive(Debug, Clone, Args)]
pub struct SelftestArgs {
    /// Switch on a deliberate defect of the reference agent (repeatable; names from
    /// `a2a-reference-agent defects`): the run then shows what the kit reports on a broken agent.
    #[arg(long = "defect", value_name = "NAME")]
    pub defects: Vec<String>,
    /// The reference agent's configuration (TOML); default: its built-in defaults.
    #[arg(long, value_name = "FILE")]
    pub agent_config: Option<PathBuf>,
    /// Security setup of the agent and the matching profile (keys generated at start):
    /// `open` (no authentication), `bearer` (ES256 JWTs, iss/aud checked, jti replay refused,
    /// extended card on), `integrity` (the message-integrity extension required), `push`
    /// (webhooks to the kit's receiver, allow-listed as `localhost`) or `all` of them.
    #[arg(long, value_enum, default_value_t = SelftestMode::All)]
    pub mode: SelftestMode,
    /// The run (`--url` and `--card-url` are set to the in-process agent).
    #[command(flatten)]
    pub run: RunArgs,
}

/// The security setup `selftest` gives the in-process agent and the run's profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SelftestMode {
    /// No authentication.
    Open,
    /// Bearer JWTs (ES256 with a key made for the run, the agent holding its public JWKS;
    /// issuer and audience checked, replayed `jti` refused); the profile gets the private JWK,
    /// so every request carries a fresh token.
    Bearer,
    /// The message-integrity extension declared `required`; the profile gets the key and
    /// activates it, so every request is signed.
    Integrity,
    /// Push notifications on, webhooks allow-listed for `localhost` only; the profile's receiver
    /// listens on 127.0.0.1 and is announced as `http://localhost:PORT/`, so the SSRF canary on
    /// `127.0.0.1` must be refused.
    Push,
    /// Bearer, integrity and push together.
    All,
}

/// The issuer of the selftest's bearer tokens.
pub const SELFTEST_ISSUER: &str = "https://selftest.a2a-tck.invalid";
/// The scope the selftest agent's `scripted` skill needs.
pub const SELFTEST_SCOPE: &str = "a2a.scripted";
/// The audience of the selftest's bearer tokens.
pub const SELFTEST_AUDIENCE: &str = "a2a-reference-agent-selftest";

/// 64 hex characters from the process's randomly keyed hasher (no RNG dependency; the secret
/// only has to differ between runs and stay unguessable on loopback).
fn fresh_secret() -> String {
    use std::fmt::Write as _;
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::with_capacity(64);
    for i in 0..4u8 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u8(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        let _ = write!(out, "{:016x}", h.finish());
    }
    out
}

/// An adjustment of the run's profile (what a selftest mode adds).
pub type ProfilePatch = Box<dyn Fn(&mut Profile)>;

/// `selftest --mode bearer`: an ES256 key made for this run; the agent verifies with its public
/// half (a JWKS, as production agents do), the kit mints with the private JWK, and SEC-JWT-06 can
/// try the algorithm-confusion attack on it.
fn selftest_bearer(config: &mut a2a_reference_agent::config::Config) -> ProfilePatch {
    let (private, jwks) = match a2a_security::jwk::generate_private(
        a2a_security::jws::Algorithm::ES256,
        "tck-selftest",
    ) {
        Ok(private) => {
            let mut public = private.clone();
            if let Some(o) = public.as_object_mut() {
                o.remove("d");
            }
            (private.to_string(), serde_json::json!({"keys": [public]}))
        }
        // Unreachable with ring's key generation; the run's positive control would
        // report it as an error.
        Err(_) => (String::new(), serde_json::json!({"keys": []})),
    };
    "bearer".clone_into(&mut config.auth.mode);
    config.auth.hs256_secret = None;
    config.auth.jwks = Some(jwks.to_string());
    config.auth.issuer = Some(SELFTEST_ISSUER.into());
    config.auth.audience = Some(SELFTEST_AUDIENCE.into());
    config.auth.replay = true;
    // The scripted skill (every keyword but `complete`) needs a scope: tokens carry it, and
    // AUTH-03/SEC-AUTH-05 send `ask` without it.
    config
        .auth
        .skill_scopes
        .insert("scripted".into(), SELFTEST_SCOPE.into());
    "on".clone_into(&mut config.capabilities.extended_card);
    Box::new(move |profile: &mut Profile| {
        profile.jwt = Some(crate::profile::JwtMinting {
            hs256_secret: None,
            private_jwk_file: None,
            private_jwk: Some(crate::profile::Secret::new(private.clone())),
            kid: None,
            iss: SELFTEST_ISSUER.into(),
            aud: SELFTEST_AUDIENCE.into(),
            sub: None,
            scopes: vec![SELFTEST_SCOPE.into()],
            scoped: Some(crate::profile::ScopedMessage {
                scope: SELFTEST_SCOPE.into(),
                message_text: Some("ask".into()),
                message_id_prefix: None,
            }),
        });
        profile.replay_protection = true;
    })
}

/// Configures the agent for `mode` and returns the matching profile adjustment.
pub fn selftest_mode(
    mode: SelftestMode,
    config: &mut a2a_reference_agent::config::Config,
) -> ProfilePatch {
    match mode {
        SelftestMode::Open => Box::new(|_| {}),
        SelftestMode::All => {
            let patches: Vec<ProfilePatch> = [
                SelftestMode::Bearer,
                SelftestMode::Integrity,
                SelftestMode::Push,
            ]
            .into_iter()
            .map(|m| selftest_mode(m, config))
            .collect();
            Box::new(move |profile: &mut Profile| {
                for p in &patches {
                    p(profile);
                }
            })
        }
        SelftestMode::Bearer => selftest_bearer(config),
        SelftestMode::Integrity => {
            let secret = fresh_secret();
            config.integrity.enabled = true;
            config.integrity.required = true;
            config.integrity.keys = vec![a2a_reference_agent::config::IntegrityKeyConfig {
                id: "tck-selftest".into(),
                secret: secret.clone(),
            }];
            Box::new(move |profile: &mut Profile| {
                profile.extensions.activate =
                    vec![a2a_security::integrity::EXTENSION_URI.to_owned()];
                profile.extensions.integrity = Some(crate::profile::Integrity {
                    key_id: "tck-selftest".into(),
                    secret: crate::profile::Secret::new(secret.clone()),
                });
                profile.replay_protection = true;
            })
        }
        SelftestMode::Push => {
            config.capabilities.push_notifications = true;
            config.push.allow_private_webhooks = false;
            config.push.allowed_hosts = vec!["localhost".into()];
            config.push.backoff_ms = 50;
            config.behaviour.slow_step_ms = 100;
            // `long_running` (below) lasts 6 s: long enough to delete a push configuration before the
            // task ends, short enough for the subscription scenarios that wait for the end.
            // A free loopback port for the receiver (the runner binds it; a race with another
            // process taking it in between shows as skipped push scenarios).
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_or(0, |a| a.port());
            let authorization = format!("Bearer {}", fresh_secret());
            let token = fresh_secret();
            let signing = {
                use base64::Engine as _;
                format!(
                    "whsec_{}",
                    base64::engine::general_purpose::STANDARD.encode(fresh_secret())
                )
            };
            config.push.signing_secret = Some(signing.clone());
            Box::new(move |profile: &mut Profile| {
                profile.webhook = Some(crate::profile::Webhook {
                    bind: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
                    public_url: Some(format!("http://localhost:{port}/tck-webhook")),
                    authorization: Some(crate::profile::Secret::new(authorization.clone())),
                    token: Some(crate::profile::Secret::new(token.clone())),
                    signing_secret: Some(crate::profile::Secret::new(signing.clone())),
                });
                profile.behaviours.map.insert(
                    "long_running".into(),
                    crate::profile::Trigger {
                        message_text: Some("slow 60".into()),
                        message_id_prefix: None,
                    },
                );
            })
        }
    }
}

/// Options of `validate`.
#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// The document.
    pub file: PathBuf,
    /// Validate against this schema definition (e.g. `Task`) instead of treating the file as
    /// an agent card.
    #[arg(long = "as")]
    pub as_definition: Option<String>,
    /// Protocol version of the document (default: detected from a card, else 1.0).
    #[arg(long)]
    pub protocol: Option<String>,
    /// JSON Schemas directory.
    #[arg(long)]
    pub schemas: Option<PathBuf>,
    /// JWKS to verify card signatures with.
    #[arg(long)]
    pub jwks: Option<PathBuf>,
}

/// Runs a parsed command line.
pub async fn execute(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    let result = match cli.command {
        Command::Run(args) => run(&args, None, &|_| {}, out, err).await,
        Command::Selftest(args) => selftest(args, out, err).await,
        Command::Baseline {
            action: BaselineAction::Write { output, run: args },
        } => run(&args, Some(&output), &|_| {}, out, err).await,
        Command::List { format } => list(format, out).map(|()| Exit::Success),
        Command::Explain { id } => explain(&id, out),
        Command::Validate(args) => validate(&args, out).await,
        Command::Jcs { file } => jcs(&file, out),
    };
    match result {
        Ok(exit) => exit,
        Err(e) => {
            let _ = writeln!(err, "a2a-tck: {e}");
            Exit::Usage
        }
    }
}

fn io_error(e: &std::io::Error) -> Error {
    Error::Io(format!("cannot write output: {e}"))
}

fn load_schemas(dir: Option<&Path>) -> Result<Option<Arc<SchemaSet>>, Error> {
    match dir {
        Some(dir) => SchemaSet::load(dir)
            .map(|s| Some(Arc::new(s)))
            .map_err(Error::from),
        // The schemas of this repository, compiled in.
        None => SchemaSet::embedded()
            .map(|s| Some(Arc::new(s)))
            .map_err(Error::from),
    }
}

fn load_jwks(path: &Path) -> Result<Arc<a2a_security::jwk::JwkSet>, Error> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Io(format!("cannot read {}: {e}", path.display())))?;
    a2a_security::jwk::JwkSet::from_slice(&bytes)
        .map(|(set, _)| Arc::new(set))
        .map_err(|e| Error::Usage(format!("invalid JWKS {}: {e}", path.display())))
}

/// Builds the run configuration from the arguments and the profile.
pub fn run_config(args: &RunArgs) -> Result<RunConfig, Error> {
    run_config_with(args, &|_| {})
}

/// [`run_config`], with the loaded profile adjusted by `patch` first (selftest modes).
///
/// # Errors
/// As [`run_config`].
pub fn run_config_with(args: &RunArgs, adjust: &dyn Fn(&mut Profile)) -> Result<RunConfig, Error> {
    let mut profile = match &args.config {
        Some(path) => Profile::load(path)?,
        None => Profile::default(),
    };
    adjust(&mut profile);
    if args.dev {
        profile.mode = Mode::Dev;
    }
    let card_url = args
        .card_url
        .clone()
        .or_else(|| args.url.as_ref().map(|u| well_known(u)))
        .or_else(|| profile.card_url.clone())
        .or_else(|| profile.base_url.as_ref().map(|u| well_known(u)))
        .ok_or_else(|| {
            Error::Usage(
                "no endpoint: give --url, --card-url or a profile with card_url/base_url".into(),
            )
        })?;
    if !(card_url.starts_with("http://") || card_url.starts_with("https://")) {
        return Err(Error::Usage(format!(
            "card URL `{card_url}` is not http(s)"
        )));
    }
    let protocol = args.protocol.clone().or_else(|| profile.protocol.clone());
    let version = protocol
        .map(|p| {
            ProtocolVersion::parse(&p)
                .ok_or_else(|| Error::Usage(format!("unknown protocol `{p}` (0.3, 1.0, 1.0.0)")))
        })
        .transpose()?;
    let binding = args.binding.clone().or_else(|| profile.binding.clone());
    let binding = binding
        .map(|b| {
            Binding::parse(&b)
                .ok_or_else(|| Error::Usage(format!("unknown binding `{b}` (jsonrpc, http+json)")))
        })
        .transpose()?;
    let baseline_path = args.baseline.clone().or_else(|| profile.baseline.clone());
    let baseline = baseline_path.map(|p| Baseline::load(&p)).transpose()?;
    let schemas = load_schemas(args.schemas.as_deref().or(profile.schemas_dir.as_deref()))?;
    let card_keys = profile
        .card
        .jwks_file
        .as_deref()
        .map(load_jwks)
        .transpose()?;
    let auth = profile_auth(&profile)?;
    Ok(RunConfig {
        card_url,
        version,
        binding,
        selection: Selection {
            only: args.only.clone(),
            skip: args.skip.clone(),
        },
        strict: args.strict,
        baseline,
        schemas,
        card_keys,
        auth,
        profile,
        card: None,
    })
}

/// The credentials a profile gives every request: static bearer, API key and basic
/// credentials; without any (and without `OAuth2`), a token freshly minted from `[jwt]` for each
/// request (its own `jti`), so an agent that refuses replayed tokens serves the whole catalogue.
///
/// # Errors
/// Minting material the kit cannot use.
pub fn profile_auth(profile: &Profile) -> Result<Auth, Error> {
    let mut auth = Auth::none();
    let c = &profile.credentials;
    if let Some(token) = &c.bearer {
        auth = auth.with_header("Authorization", &format!("Bearer {}", token.expose()));
    }
    if let Some(key) = &c.api_key {
        auth = auth.with_header(&key.header, key.value.expose());
    }
    if let Some(basic) = &c.basic {
        use base64::Engine as _;
        let raw = format!("{}:{}", basic.username, basic.password.expose());
        let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
        auth = auth.with_header("Authorization", &format!("Basic {encoded}"));
    }
    if auth.is_empty()
        && c.oauth2.is_none()
        && let Some(mint) = crate::rules::auth::Minting::from_profile(profile)
            .map_err(|e| Error::Usage(format!("profile: {e}")))?
    {
        let mint = Arc::new(mint);
        auth = auth.with_minter(Arc::new(move || {
            mint.token(crate::rules::auth::PRINCIPAL_A)
                .ok()
                .map(|t| format!("Bearer {t}"))
        }));
    }
    if let Some(i) = &profile.extensions.integrity {
        let key =
            a2a_security::integrity::IntegrityKey::new(&i.key_id, i.secret.expose().as_bytes())
                .map_err(|e| Error::Usage(format!("profile: extensions.integrity: {e}")))?;
        auth = auth.with_signer(Arc::new(a2a_security::integrity::Signer::new(
            key,
            a2a_security::SystemClock,
        )));
    }
    Ok(auth)
}

fn well_known(base: &str) -> String {
    format!("{}/.well-known/agent-card.json", base.trim_end_matches('/'))
}

/// Fetches an `OAuth2` client-credentials token (RFC 6749 §4.4).
async fn oauth2_token(o: &crate::profile::OAuth2, timeout_ms: u64) -> Result<String, String> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(std::time::Duration::from_millis(timeout_ms))
        .build()
        .map_err(|e| e.to_string())?;
    let scope = o.scopes.join(" ");
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_id", o.client_id.as_str()),
        ("client_secret", o.client_secret.expose()),
    ];
    if !scope.is_empty() {
        form.push(("scope", scope.as_str()));
    }
    let response = client
        .post(&o.token_url)
        .form(&form)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("token endpoint answered HTTP {}", status.as_u16()));
    }
    let value: Value =
        serde_json::from_slice(&body).map_err(|_| "token response is not JSON".to_owned())?;
    value
        .get("access_token")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| "token response has no access_token".to_owned())
}

fn parse_reports(specs: &[String]) -> Result<Vec<(Format, PathBuf)>, Error> {
    specs
        .iter()
        .map(|spec| {
            let (name, path) = spec
                .split_once('=')
                .ok_or_else(|| Error::Usage(format!("--report `{spec}` is not FORMAT=PATH")))?;
            let format = Format::parse(name).ok_or_else(|| {
                Error::Usage(format!(
                    "unknown report format `{name}` (json, junit, html, md)"
                ))
            })?;
            Ok((format, PathBuf::from(path)))
        })
        .collect()
}

async fn selftest(
    args: SelftestArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Error> {
    if args.run.url.is_some() || args.run.card_url.is_some() {
        return Err(Error::Usage(
            "selftest runs against its own agent: use `run --url` for another one".into(),
        ));
    }
    let mut config = match &args.agent_config {
        Some(path) => a2a_reference_agent::config::Config::from_file(path)
            .map_err(|e| Error::Usage(format!("agent configuration {}: {e}", path.display())))?,
        None => a2a_reference_agent::config::Config::default(),
    };
    "127.0.0.1:0".clone_into(&mut config.bind);
    config.public_url = None;
    config.defects.extend(args.defects.iter().cloned());
    // A card declares both versions but its `securitySchemes` can have only one version's
    // shape: give it the shape of the version this run tests (unless a file configures it),
    // and tell the profile which one it is.
    let schemes_0_3 = args.agent_config.is_none()
        && args
            .run
            .protocol
            .as_deref()
            .is_some_and(|p| p.starts_with("0.3"));
    if schemes_0_3 {
        "0.3".clone_into(&mut config.card.security_shapes);
    }
    let patch = selftest_mode(args.mode, &mut config);
    let agent = match a2a_reference_agent::serve(config).await {
        Ok(agent) => agent,
        Err(a2a_reference_agent::ServeError::Config(e)) => {
            return Err(Error::Usage(format!("reference agent: {e}")));
        }
        Err(e) => {
            let _ = writeln!(err, "a2a-tck: cannot start the reference agent: {e}");
            return Ok(Exit::Harness);
        }
    };
    let mut run_args = args.run;
    run_args.url = Some(agent.base_url());
    // The in-process agent speaks plain HTTP on loopback.
    run_args.dev = true;
    let _ = writeln!(err, "a2a-tck: reference agent on {}", agent.base_url());
    // The reference agent is scripted by keywords; a profile's own mapping still wins.
    let patch = move |profile: &mut Profile| {
        patch(profile);
        if profile.behaviours.preset.is_none() {
            profile.behaviours.preset = Some(crate::profile::REFERENCE_AGENT.to_owned());
        }
        // The in-process agent is not a production service to be polite to: most scenarios
        // wait on its scripted delays, so more of them run at once.
        if profile.limits.concurrency == crate::profile::Limits::default().concurrency {
            profile.limits.concurrency = 16;
        }
        if schemes_0_3 && profile.card.dual_version_schemes.is_none() {
            profile.card.dual_version_schemes = Some("0.3".into());
        }
    };
    let exit = run(&run_args, None, &patch, out, err).await;
    agent.shutdown().await;
    exit
}

async fn run(
    args: &RunArgs,
    baseline_out: Option<&Path>,
    patch: &dyn Fn(&mut Profile),
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Error> {
    let reports = parse_reports(&args.report)?;
    let mut config = run_config_with(args, patch)?;
    // Report files are created before the run, so a bad path is a usage error up front.
    let mut files = Vec::new();
    for (format, path) in &reports {
        let file = std::fs::File::create(path)
            .map_err(|e| Error::Io(format!("cannot create {}: {e}", path.display())))?;
        files.push((*format, file));
    }
    if let Some(o) = config.profile.credentials.oauth2.clone() {
        match oauth2_token(&o, config.profile.timeouts.request_ms).await {
            Ok(token) => {
                config.auth = config
                    .auth
                    .clone()
                    .with_header("Authorization", &format!("Bearer {token}"));
            }
            Err(e) => {
                let _ = writeln!(err, "a2a-tck: OAuth2 token request failed: {e}");
                return Ok(Exit::Harness);
            }
        }
    }
    let progress = crate::report::console::Progress::new();
    let observer: &dyn Observer = if args.quiet || !std::io::stderr().is_terminal() {
        &Silent
    } else {
        &progress
    };
    let report = runner::run(catalogue::all(), config, observer).await;
    finish(&report, &mut files, out)?;
    if let Some(path) = baseline_out {
        // A baseline from a run that could not judge everything would hide those scenarios.
        if matches!(
            report.status,
            RunStatus::Unreachable | RunStatus::HarnessError
        ) {
            let _ = writeln!(
                err,
                "a2a-tck: baseline not written: the run had harness errors"
            );
            return Ok(Exit::Harness);
        }
        std::fs::write(path, Baseline::from_report(&report).to_toml())
            .map_err(|e| Error::Io(format!("cannot write {}: {e}", path.display())))?;
        let _ = writeln!(out, "baseline written to {}", path.display());
        return Ok(Exit::Success);
    }
    Ok(Exit::from_status(report.status))
}

fn finish(
    report: &RunReport,
    files: &mut [(Format, std::fs::File)],
    out: &mut dyn Write,
) -> Result<(), Error> {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    report::console::write_summary(report, out, color).map_err(|e| io_error(&e))?;
    for (format, file) in files {
        let mut writer = std::io::BufWriter::new(file);
        report::write(*format, report, &mut writer).map_err(|e| io_error(&e))?;
        writer.flush().map_err(|e| io_error(&e))?;
    }
    Ok(())
}

fn list(format: ListFormat, out: &mut dyn Write) -> Result<(), Error> {
    let all = catalogue::all();
    match format {
        ListFormat::Text => {
            // Columns as wide as their widest cell (in characters: `§` is two bytes).
            let specs: Vec<String> = all.iter().map(|s| s.spec.to_string()).collect();
            let id_width = all.iter().map(|s| s.id.chars().count()).max().unwrap_or(0);
            let spec_width = specs.iter().map(|s| s.chars().count()).max().unwrap_or(0);
            for (s, spec) in all.iter().zip(&specs) {
                writeln!(
                    out,
                    "{:<id_width$} {:<6} {:<spec_width$} {}",
                    s.id,
                    s.level.as_str(),
                    spec,
                    s.title
                )
                .map_err(|e| io_error(&e))?;
            }
        }
        ListFormat::Markdown => write_markdown_list(&all, out).map_err(|e| io_error(&e))?,
        ListFormat::Json => {
            let infos: Vec<_> = all.iter().map(Scenario::info).collect();
            serde_json::to_writer_pretty(&mut *out, &infos)
                .map_err(|e| Error::Usage(e.to_string()))?;
            writeln!(out).map_err(|e| io_error(&e))?;
        }
    }
    Ok(())
}

fn write_markdown_list(all: &[Scenario], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "# Scenario catalogue")?;
    writeln!(out)?;
    writeln!(
        out,
        "Generated by `a2a-tck list --format markdown`; do not edit by hand."
    )?;
    // Each area once, where it first appears (an area's scenarios need not be contiguous).
    let mut areas: Vec<Area> = Vec::new();
    for s in all {
        if !areas.contains(&s.area) {
            areas.push(s.area);
        }
    }
    for area in areas {
        writeln!(out)?;
        writeln!(out, "## {}", area.as_str())?;
        writeln!(out)?;
        writeln!(out, "| id | level | versions | spec | title |")?;
        writeln!(out, "| --- | --- | --- | --- | --- |")?;
        for s in all.iter().filter(|s| s.area == area) {
            let versions = if s.applies.versions.is_empty() {
                "all".to_owned()
            } else {
                s.applies
                    .versions
                    .iter()
                    .map(|f| match f {
                        crate::scenario::Family::V0_3 => "0.3",
                        crate::scenario::Family::V1_0 => "1.0",
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            writeln!(
                out,
                "| {} | {} | {versions} | {} | {} |",
                s.id,
                s.level,
                s.spec.to_string().replace('|', "\\|"),
                s.title.replace('|', "\\|")
            )?;
        }
    }
    Ok(())
}

fn explain(id: &str, out: &mut dyn Write) -> Result<Exit, Error> {
    let s = catalogue::find(id)
        .ok_or_else(|| Error::Usage(format!("no scenario `{id}` (see `a2a-tck list`)")))?;
    let versions: Vec<String> = s
        .applies
        .versions
        .iter()
        .map(|f| format!("{f:?}"))
        .collect();
    let needs: Vec<String> = s.applies.needs.iter().map(|n| format!("{n:?}")).collect();
    let text = format!(
        "{} [{}] {}\nspec:        {}\narea:        {}\nrequirement: {}\nversions:    {}\nbindings:    {}\nneeds:       {}\n",
        s.id,
        s.level,
        s.title,
        s.spec,
        s.area.as_str(),
        s.requirement,
        if versions.is_empty() {
            "all".into()
        } else {
            versions.join(", ")
        },
        if s.applies.bindings.is_empty() {
            "any".into()
        } else {
            s.applies
                .bindings
                .iter()
                .map(|b| b.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        },
        if needs.is_empty() {
            "nothing".into()
        } else {
            needs.join(", ")
        },
    );
    out.write_all(text.as_bytes()).map_err(|e| io_error(&e))?;
    Ok(Exit::Success)
}

fn jcs(file: &Path, out: &mut dyn Write) -> Result<Exit, Error> {
    let bytes = std::fs::read(file)
        .map_err(|e| Error::Io(format!("cannot read {}: {e}", file.display())))?;
    let canonical = a2a_security::jcs::canonicalize(&bytes)
        .map_err(|e| Error::Usage(format!("{}: {e}", file.display())))?;
    out.write_all(&canonical).map_err(|e| io_error(&e))?;
    writeln!(out).map_err(|e| io_error(&e))?;
    Ok(Exit::Success)
}

async fn validate(args: &ValidateArgs, out: &mut dyn Write) -> Result<Exit, Error> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| Error::Io(format!("cannot read {}: {e}", args.file.display())))?;
    let doc = a2a_security::json::parse_strict(&bytes)
        .map_err(|e| Error::Usage(format!("{}: not strict JSON: {e}", args.file.display())))?;
    let version = args
        .protocol
        .as_deref()
        .map(|p| {
            ProtocolVersion::parse(p).ok_or_else(|| Error::Usage(format!("unknown protocol `{p}`")))
        })
        .transpose()?;
    let schemas = load_schemas(args.schemas.as_deref())?;
    if let Some(name) = &args.as_definition {
        let schemas =
            schemas.ok_or_else(|| Error::Usage("no schemas loaded (use --schemas DIR)".into()))?;
        let dir = match version.map(ProtocolVersion::family) {
            Some(crate::scenario::Family::V0_3) => "v0.3",
            _ => "v1.0",
        };
        let findings = schemas
            .validate(&format!("{dir}#/$defs/{name}"), &doc)
            .map_err(Error::from)?;
        for f in &findings {
            writeln!(
                out,
                "{} at {} (schema {})",
                f.message,
                if f.instance_path.is_empty() {
                    "/"
                } else {
                    &f.instance_path
                },
                f.schema_location
            )
            .map_err(|e| io_error(&e))?;
        }
        writeln!(
            out,
            "{}: {}",
            args.file.display(),
            if findings.is_empty() {
                "valid"
            } else {
                "INVALID"
            }
        )
        .map_err(|e| io_error(&e))?;
        return Ok(if findings.is_empty() {
            Exit::Success
        } else {
            Exit::NonConformant
        });
    }
    // An agent card: run the card scenarios offline on it.
    let mut config = RunConfig::new(format!("file://{}", args.file.display()));
    config.card = Some(doc);
    config.version = version;
    config.schemas = schemas;
    config.card_keys = args.jwks.as_deref().map(load_jwks).transpose()?;
    config.profile.mode = Mode::Production;
    let card_ids: Vec<String> = catalogue::agent_card::scenarios()
        .iter()
        .map(|s| s.id.to_owned())
        .collect();
    config.selection = Selection {
        only: card_ids,
        skip: vec!["CARD-01".into()],
    };
    let report = runner::run(catalogue::all(), config, &Silent).await;
    finish(&report, &mut [], out)?;
    Ok(Exit::from_status(report.status))
}
