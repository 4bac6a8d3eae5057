//! The SUT profile: a TOML file describing the endpoint under test and what the kit may use
//! against it. Every credential is a [`Secret`]: it never prints, and the redactor built from
//! the profile removes it from every report, log and reproducer.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::evidence::Redactor;

/// A credential. Written in the profile either as a literal string or as `{ env = "NAME" }`,
/// read from the environment when the profile is loaded.
#[derive(Clone, Deserialize)]
#[serde(try_from = "SecretSource")]
pub struct Secret(String);

#[derive(Deserialize)]
#[serde(untagged)]
enum SecretSource {
    Literal(String),
    Env { env: String },
}

impl TryFrom<SecretSource> for Secret {
    type Error = String;

    fn try_from(source: SecretSource) -> Result<Self, String> {
        match source {
            SecretSource::Literal(s) => Ok(Self(s)),
            SecretSource::Env { env } => std::env::var(&env)
                .map(Self)
                .map_err(|_| format!("environment variable `{env}` is not set")),
        }
    }
}

impl Secret {
    /// A secret from a string.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(crate::evidence::REDACTED)
    }
}

/// Whether the endpoint is judged as a production deployment (HTTPS required).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Production: every declared URL must be `https://`.
    #[default]
    Production,
    /// Development: plain HTTP accepted (the HTTPS scenarios are not applicable).
    Dev,
}

/// The whole profile.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The agent card URL.
    pub card_url: Option<String>,
    /// The agent's base URL (the card is at `/.well-known/agent-card.json` below it).
    pub base_url: Option<String>,
    /// Force a protocol version: `0.3`, `1.0` or `1.0.0`.
    pub protocol: Option<String>,
    /// Force a binding: `jsonrpc` or `http+json`.
    pub binding: Option<String>,
    /// Production or dev.
    #[serde(default)]
    pub mode: Mode,
    /// Credentials sent on authenticated requests.
    #[serde(default)]
    pub credentials: Credentials,
    /// Token minting for the JWT and replay scenarios.
    pub jwt: Option<JwtMinting>,
    /// The agent enforces replay protection (JWT `jti`, message-integrity ids).
    #[serde(default)]
    pub replay_protection: bool,
    /// Extension activation.
    #[serde(default)]
    pub extensions: Extensions,
    /// Scripted behaviours.
    #[serde(default)]
    pub behaviours: Behaviours,
    /// Deadlines.
    #[serde(default)]
    pub timeouts: Timeouts,
    /// Caps.
    #[serde(default)]
    pub limits: Limits,
    /// The webhook receiver for push scenarios.
    pub webhook: Option<Webhook>,
    /// Baseline file of accepted failures.
    pub baseline: Option<PathBuf>,
    /// Card verification material.
    #[serde(default)]
    pub card: CardKeys,
    /// Directory holding `v0.3/` and `v1.0/` JSON Schemas (default: `schemas` if it exists).
    pub schemas_dir: Option<PathBuf>,
}

/// Credentials.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// `Authorization: Bearer <token>`.
    pub bearer: Option<Secret>,
    /// An API key header.
    pub api_key: Option<ApiKey>,
    /// HTTP Basic.
    pub basic: Option<Basic>,
    /// `OAuth2` client credentials (a token is fetched before the run).
    pub oauth2: Option<OAuth2>,
}

/// An API key header.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKey {
    /// Header name.
    pub header: String,
    /// Key.
    pub value: Secret,
}

/// HTTP Basic credentials.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Basic {
    /// User name.
    pub username: String,
    /// Password.
    pub password: Secret,
}

/// `OAuth2` client credentials grant.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OAuth2 {
    /// Token endpoint.
    pub token_url: String,
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: Secret,
    /// Scopes requested.
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// JWT minting material.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JwtMinting {
    /// HS256 shared secret.
    pub hs256_secret: Option<Secret>,
    /// A private JWK file (RS256, PS256, ES256 or `EdDSA`; its `alg` names the algorithm).
    pub private_jwk_file: Option<PathBuf>,
    /// The same private JWK inline (or `{ env = "NAME" }`), instead of a file.
    pub private_jwk: Option<Secret>,
    /// `kid` to put in the header.
    pub kid: Option<String>,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Subject.
    pub sub: Option<String>,
    /// The `scope` claim of every minted token (space-separated in the token).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// A message that needs a scope, for AUTH-03 and SEC-AUTH-05.
    pub scoped: Option<ScopedMessage>,
}

/// A message the agent serves only to a token holding `scope` (AUTH-03, SEC-AUTH-05): the kit
/// sends it with a token with and without that scope.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScopedMessage {
    /// The scope the message needs.
    pub scope: String,
    /// The message text that needs it.
    pub message_text: Option<String>,
    /// Or the `messageId` prefix that needs it.
    pub message_id_prefix: Option<String>,
}

/// A JSON-RPC method an extension adds.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionMethod {
    /// The extension's URI (activated on the call).
    pub uri: String,
    /// The JSON-RPC method name.
    pub method: String,
    /// Its `params` (default `{}`).
    pub params: Option<serde_json::Value>,
}

/// Extension activation.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Extensions {
    /// URIs activated on every request.
    #[serde(default)]
    pub activate: Vec<String>,
    /// JSON-RPC methods that extensions add (EXT-03 calls each without credentials).
    #[serde(default)]
    pub methods: Vec<ExtensionMethod>,
    /// Message-integrity keys.
    pub integrity: Option<Integrity>,
}

/// Message-integrity extension keys.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Integrity {
    /// Key id.
    pub key_id: String,
    /// HMAC key.
    pub secret: Secret,
}

/// The behaviour names a scripted agent can be asked for.
pub const BEHAVIOURS: &[&str] = &[
    "complete",
    "input_required",
    "auth_required",
    "long_running",
    "fail",
    "reject",
    "stream_chunks",
    "message_only",
];

/// The preset of the reference agent's message keywords (`agent/README.md`, Behaviours).
pub const REFERENCE_AGENT: &str = "reference-agent";

/// How to make the agent do something: a message text or a `messageId` prefix.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// The message text that selects the behaviour.
    pub message_text: Option<String>,
    /// The `messageId` prefix that selects it.
    pub message_id_prefix: Option<String>,
}

/// Scripted behaviours.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Behaviours {
    /// A built-in preset: `official-tck` (the official A2A TCK's `messageId` prefixes) or
    /// `reference-agent` (the kit's reference agent's keywords; `selftest` uses it).
    pub preset: Option<String>,
    /// Behaviour name → trigger (overrides the preset).
    #[serde(default)]
    pub map: BTreeMap<String, Trigger>,
}

impl Behaviours {
    /// The trigger of a behaviour, from the map or the preset.
    pub fn trigger(&self, behaviour: &str) -> Option<Trigger> {
        if let Some(t) = self.map.get(behaviour) {
            return Some(t.clone());
        }
        if self.preset.as_deref() == Some(REFERENCE_AGENT) {
            let text = match behaviour {
                "complete" => "complete",
                "input_required" => "ask",
                "auth_required" => "auth",
                // Five one-second steps: long enough for the probes, short enough that an
                // agent ignoring `returnImmediately` still answers within the request deadline.
                "long_running" => "slow 5",
                "fail" => "fail",
                "reject" => "reject",
                "stream_chunks" => "chunks",
                "message_only" => "message",
                _ => return None,
            };
            return Some(Trigger {
                message_text: Some(text.to_owned()),
                message_id_prefix: None,
            });
        }
        let prefix = match (self.preset.as_deref()?, behaviour) {
            ("official-tck", "complete") => "tck-complete-task",
            ("official-tck", "input_required") => "tck-input-required",
            ("official-tck", "reject") => "tck-reject-task",
            ("official-tck", "message_only") => "tck-message-response",
            ("official-tck", "stream_chunks") => "tck-stream-artifact-chunked",
            ("official-tck", "long_running") => "test-resubscribe-message-id",
            _ => return None,
        };
        Some(Trigger {
            message_text: None,
            message_id_prefix: Some(prefix.to_owned()),
        })
    }
}

/// Deadlines in milliseconds.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Timeouts {
    /// One request/response exchange.
    pub request_ms: u64,
    /// One SSE stream.
    pub stream_ms: u64,
    /// One scenario.
    pub scenario_ms: u64,
    /// The first event of a stream (STRM-14: "immediate feedback").
    pub first_event_ms: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            request_ms: 10_000,
            stream_ms: 30_000,
            scenario_ms: 60_000,
            first_event_ms: 5_000,
        }
    }
}

/// Caps.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest response body read.
    pub max_body_bytes: usize,
    /// Most bytes read from one SSE stream.
    pub max_stream_bytes: usize,
    /// Most SSE events read from one stream.
    pub max_sse_events: usize,
    /// Scenarios run at once.
    pub concurrency: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 4 * 1024 * 1024,
            max_stream_bytes: 16 * 1024 * 1024,
            max_sse_events: 10_000,
            concurrency: 4,
        }
    }
}

/// The webhook receiver.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// Where the receiver listens (loopback by default).
    pub bind: SocketAddr,
    /// The URL the agent is told to call (defaults to `http://<bind>/`).
    pub public_url: Option<String>,
    /// The `Authorization` value the agent must send, verbatim.
    pub authorization: Option<Secret>,
    /// The 0.3 notification token.
    pub token: Option<Secret>,
    /// The Standard Webhooks signing secret (`whsec_…`) the agent signs deliveries with, when it
    /// declares signed deliveries (SEC-PUSH-05).
    #[serde(default)]
    pub signing_secret: Option<Secret>,
}

/// Card verification keys.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CardKeys {
    /// A JWKS file with the keys card signatures are checked with.
    pub jwks_file: Option<PathBuf>,
    /// On a card declaring A2A 1.0 and 0.3: the version whose shape `securitySchemes` follows,
    /// `"1.0"` (default) or `"0.3"`. The versions give this member incompatible shapes, so such a
    /// card can satisfy only one; the other version's checks leave it out and say so.
    pub dual_version_schemes: Option<String>,
}

/// Why a profile was refused.
#[derive(Debug)]
#[non_exhaustive]
pub enum ProfileError {
    /// The file could not be read.
    Read(PathBuf, std::io::Error),
    /// The TOML is invalid or has unknown keys.
    Parse(String),
    /// A value is invalid.
    Invalid(String),
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read(path, e) => write!(f, "cannot read profile {}: {e}", path.display()),
            Self::Parse(e) | Self::Invalid(e) => write!(f, "invalid profile: {e}"),
        }
    }
}

impl std::error::Error for ProfileError {}

impl Profile {
    /// Reads and checks a profile file.
    pub fn load(path: &Path) -> Result<Self, ProfileError> {
        let text =
            std::fs::read_to_string(path).map_err(|e| ProfileError::Read(path.to_owned(), e))?;
        let mut profile = Self::parse(&text)?;
        // Relative paths in the profile are relative to the profile file.
        let dir = path.parent().unwrap_or(Path::new("."));
        for p in [
            &mut profile.baseline,
            &mut profile.card.jwks_file,
            &mut profile.schemas_dir,
        ]
        .into_iter()
        .flatten()
        {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        }
        Ok(profile)
    }

    /// Parses and checks profile text.
    pub fn parse(text: &str) -> Result<Self, ProfileError> {
        let profile: Self =
            toml::from_str(text).map_err(|e| ProfileError::Parse(e.message().to_owned()))?;
        profile.validate()?;
        Ok(profile)
    }

    fn validate(&self) -> Result<(), ProfileError> {
        if let Some(p) = &self.protocol
            && crate::scenario::ProtocolVersion::parse(p).is_none()
        {
            return Err(ProfileError::Invalid(format!(
                "protocol `{p}` is not 0.3, 1.0 or 1.0.0"
            )));
        }
        if let Some(b) = &self.binding
            && crate::scenario::Binding::parse(b).is_none()
        {
            return Err(ProfileError::Invalid(format!(
                "binding `{b}` is not jsonrpc or http+json"
            )));
        }
        if let Some(preset) = &self.behaviours.preset
            && preset != "official-tck"
            && preset != REFERENCE_AGENT
        {
            return Err(ProfileError::Invalid(format!(
                "unknown behaviours preset `{preset}`"
            )));
        }
        for name in self.behaviours.map.keys() {
            if !BEHAVIOURS.contains(&name.as_str()) {
                return Err(ProfileError::Invalid(format!("unknown behaviour `{name}`")));
            }
        }
        if let Some(v) = &self.card.dual_version_schemes
            && v != "1.0"
            && v != "0.3"
        {
            return Err(ProfileError::Invalid(format!(
                "card.dual_version_schemes must be \"1.0\" or \"0.3\", not {v:?}"
            )));
        }
        if self.limits.concurrency == 0 {
            return Err(ProfileError::Invalid(
                "limits.concurrency must be at least 1".into(),
            ));
        }
        if self.timeouts.request_ms == 0
            || self.timeouts.scenario_ms == 0
            || self.timeouts.stream_ms == 0
            || self.timeouts.first_event_ms == 0
        {
            return Err(ProfileError::Invalid("timeouts must be positive".into()));
        }
        Ok(())
    }

    /// The redactor for everything this profile holds.
    pub fn redactor(&self) -> Redactor {
        let mut r = Redactor::new();
        let c = &self.credentials;
        if let Some(s) = &c.bearer {
            r = r.secret(s.expose());
        }
        if let Some(k) = &c.api_key {
            r = r.header(&k.header).secret(k.value.expose());
        }
        if let Some(b) = &c.basic {
            r = r.secret(b.password.expose());
        }
        if let Some(o) = &c.oauth2 {
            r = r.secret(o.client_secret.expose());
        }
        if let Some(j) = &self.jwt {
            for s in [&j.hs256_secret, &j.private_jwk].into_iter().flatten() {
                r = r.secret(s.expose());
            }
        }
        if let Some(i) = &self.extensions.integrity {
            r = r.secret(i.secret.expose());
        }
        if let Some(w) = &self.webhook {
            for s in [&w.authorization, &w.token, &w.signing_secret]
                .into_iter()
                .flatten()
            {
                r = r.secret(s.expose());
            }
            // The push scenarios send `authorization` split into `{scheme, credentials}`.
            if let Some((_, credentials)) = w
                .authorization
                .as_ref()
                .and_then(|a| a.expose().split_once(' '))
            {
                r = r.secret(credentials.trim());
            }
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_profile_and_hides_secrets() {
        let profile = Profile::parse(
            r#"
            card_url = "http://127.0.0.1:8080/.well-known/agent-card.json"
            protocol = "1.0"
            mode = "dev"
            [credentials]
            bearer = "tok-123456"
            api_key = { header = "X-Key", value = "key-abcdef" }
            [timeouts]
            request_ms = 500
            [behaviours]
            preset = "official-tck"
            map.complete = { message_text = "please complete" }
            "#,
        )
        .unwrap();
        assert_eq!(profile.mode, Mode::Dev);
        assert_eq!(profile.timeouts.request_ms, 500);
        assert_eq!(profile.timeouts.scenario_ms, 60_000);
        let debug = format!("{profile:?}");
        assert!(!debug.contains("tok-123456"), "{debug}");
        let json = serde_json::to_string(&profile).unwrap();
        assert!(!json.contains("key-abcdef"));
        let redactor = profile.redactor();
        assert_eq!(redactor.text("Bearer tok-123456"), "Bearer [redacted]");
        assert!(redactor.is_secret_header("x-key"));
        let mut with_webhook = profile.clone();
        with_webhook.webhook = Some(Webhook {
            bind: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: None,
            authorization: Some(Secret::new("Bearer hook-credential-1")),
            token: None,
            signing_secret: None,
        });
        assert_eq!(
            with_webhook
                .redactor()
                .text(r#"{"scheme":"Bearer","credentials":"hook-credential-1"}"#),
            r#"{"scheme":"Bearer","credentials":"[redacted]"}"#
        );
        assert_eq!(
            profile
                .behaviours
                .trigger("complete")
                .unwrap()
                .message_text
                .as_deref(),
            Some("please complete")
        );
        assert_eq!(
            profile
                .behaviours
                .trigger("reject")
                .unwrap()
                .message_id_prefix
                .as_deref(),
            Some("tck-reject-task")
        );
        assert_eq!(profile.behaviours.trigger("fail"), None);
    }

    #[test]
    fn refuses_unknown_keys_and_bad_values() {
        assert!(matches!(
            Profile::parse("cardurl = \"x\""),
            Err(ProfileError::Parse(_))
        ));
        assert!(matches!(
            Profile::parse("protocol = \"2.0\""),
            Err(ProfileError::Invalid(_))
        ));
        assert!(matches!(
            Profile::parse("[behaviours.map]\nfly = { message_text = \"x\" }"),
            Err(ProfileError::Invalid(_))
        ));
        assert!(matches!(
            Profile::parse("[credentials]\nbearer = { env = \"A2A_TCK_SURELY_UNSET_VAR\" }"),
            Err(ProfileError::Parse(_))
        ));
    }
}
