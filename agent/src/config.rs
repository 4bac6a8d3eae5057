//! Configuration: a TOML file, flags on top, and defaults that run with no file at all.
//!
//! Every key and its default is listed in `agent/README.md`; unknown keys are rejected so a typo
//! cannot silently leave a default in place.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::defects::{Defect, Defects};
use crate::errors::ErrorTable;
use crate::task::StoreLimits;
use crate::version::ProtocolVersion;

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address `serve` binds to.
    pub bind: String,
    /// The base URL written into the agent card (default: `http://` + the bound address).
    pub public_url: Option<String>,
    /// Deliberate defects, by name (see `defects.rs`). Off unless listed.
    pub defects: Vec<String>,
    pub protocol: ProtocolConfig,
    pub capabilities: CapabilitiesConfig,
    pub card: CardConfig,
    pub store: StoreConfig,
    pub limits: LimitsConfig,
    pub behaviour: BehaviourConfig,
    pub auth: AuthConfig,
    pub integrity: IntegrityConfig,
    pub push: PushConfigSection,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            public_url: None,
            defects: Vec::new(),
            protocol: ProtocolConfig::default(),
            capabilities: CapabilitiesConfig::default(),
            card: CardConfig::default(),
            store: StoreConfig::default(),
            limits: LimitsConfig::default(),
            behaviour: BehaviourConfig::default(),
            auth: AuthConfig::default(),
            integrity: IntegrityConfig::default(),
            push: PushConfigSection::default(),
        }
    }
}

/// `[auth]`: who may call the agent (see `auth.rs`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// `"none"` (default), `"api_key"` or `"bearer"`.
    pub mode: String,
    /// The `realm` of the `WWW-Authenticate` challenge.
    pub realm: String,
    /// API-key mode: the request header carrying the key.
    pub api_key_header: String,
    /// API-key mode: the accepted keys, each with its principal and scopes.
    pub api_keys: Vec<ApiKeyConfig>,
    /// Bearer mode: an HS256 secret (at least 32 bytes), as text.
    pub hs256_secret: Option<String>,
    /// Bearer mode: a JWKS file (RS256, PS256, ES256, `EdDSA` or HS* keys).
    pub jwks_file: Option<String>,
    /// Bearer mode: an inline JWKS (JSON text).
    pub jwks: Option<String>,
    /// Bearer mode: the accepted `iss` (unset: not checked).
    pub issuer: Option<String>,
    /// Bearer mode: the accepted `aud` (unset: not checked).
    pub audience: Option<String>,
    /// Bearer mode: clock skew tolerated on `exp`, `nbf`, `iat`, in seconds.
    pub leeway_secs: u64,
    /// Bearer mode: require `jti` and refuse a token presented twice.
    pub replay: bool,
    /// Scope a caller needs to use a skill, by skill id (`echo`, `scripted`).
    pub skill_scopes: BTreeMap<String, String>,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            mode: "none".into(),
            realm: "a2a".into(),
            api_key_header: "X-API-Key".into(),
            api_keys: Vec::new(),
            hs256_secret: None,
            jwks_file: None,
            jwks: None,
            issuer: None,
            audience: None,
            leeway_secs: 60,
            replay: false,
            skill_scopes: BTreeMap::new(),
        }
    }
}

/// `[[auth.api_keys]]`
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyConfig {
    pub key: String,
    pub principal: String,
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// `[integrity]`: the message-integrity extension (`docs/extensions/message-integrity.md`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct IntegrityConfig {
    /// Declare and support the extension.
    pub enabled: bool,
    /// Declare it `required: true`: a request that does not activate it is refused.
    pub required: bool,
    /// The key set; the first is the primary key.
    pub keys: Vec<IntegrityKeyConfig>,
    /// Window: oldest accepted timestamp, in seconds.
    pub max_age_secs: u64,
    /// Window: how far ahead a timestamp may be, in seconds.
    pub max_skew_secs: u64,
}

impl Default for IntegrityConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            required: false,
            keys: Vec::new(),
            max_age_secs: 300,
            max_skew_secs: 60,
        }
    }
}

/// `[[integrity.keys]]`
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct IntegrityKeyConfig {
    pub id: String,
    /// The secret as text (at least 32 bytes).
    pub secret: String,
}

/// `[push]`: webhook delivery.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct PushConfigSection {
    /// Accept webhooks on loopback, private, link-local and other non-public addresses.
    pub allow_private_webhooks: bool,
    /// Hosts (names or IP literals) accepted even though they are not public.
    pub allowed_hosts: Vec<String>,
    /// Deliveries queued at most; beyond, new ones are dropped (and logged).
    pub queue: usize,
    /// Attempts per delivery (the first included).
    pub max_attempts: u32,
    /// First retry delay; doubled each attempt, with full jitter.
    pub backoff_ms: u64,
    /// Cap on the retry delay.
    pub max_backoff_ms: u64,
    /// Timeout of one delivery attempt.
    pub timeout_ms: u64,
    /// Standard Webhooks signing secret (`whsec_…`); unset: deliveries are not signed.
    pub signing_secret: Option<String>,
}

impl Default for PushConfigSection {
    fn default() -> Self {
        Self {
            allow_private_webhooks: false,
            allowed_hosts: Vec::new(),
            queue: 1024,
            max_attempts: 4,
            backoff_ms: 200,
            max_backoff_ms: 5000,
            timeout_ms: 5000,
            signing_secret: None,
        }
    }
}

/// `[protocol]`
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct ProtocolConfig {
    /// `"1.0.1"` (default) or `"1.0.0"`: which 1.0 error mapping and REST content type to use.
    pub revision: String,
    /// What a request without `A2A-Version` means: `"0.3"` (the spec, §3.6.2) or `"1.0"`.
    pub missing_version: String,
}

impl Default for ProtocolConfig {
    fn default() -> Self {
        Self {
            revision: "1.0.1".into(),
            missing_version: "0.3".into(),
        }
    }
}

/// `[capabilities]`
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct CapabilitiesConfig {
    pub streaming: bool,
    /// Push notifications (configuration methods and webhook delivery).
    pub push_notifications: bool,
    /// `"off"` (not declared), `"on"` (declared and served) or `"unconfigured"` (declared but
    /// not configured: `ExtendedAgentCardNotConfiguredError`).
    pub extended_card: String,
}

impl Default for CapabilitiesConfig {
    fn default() -> Self {
        Self {
            streaming: true,
            push_notifications: true,
            extended_card: "off".into(),
        }
    }
}

/// `[card]`
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct CardConfig {
    pub name: String,
    pub description: String,
    pub version: String,
    pub organization: String,
    pub organization_url: String,
    pub input_modes: Vec<String>,
    pub output_modes: Vec<String>,
    /// `Cache-Control: max-age` of the card, in seconds.
    pub max_age_secs: u64,
    /// Sign the card (A2A 1.0 §8.4, JWS over RFC 8785) and serve the key at
    /// `/.well-known/jwks.json`, named by the header's `jku`.
    pub sign: bool,
    /// A private JWK (with `kid` and `alg`) to sign with; default: a fresh ES256 key per start.
    pub signing_key_file: Option<String>,
    /// The shape of `securitySchemes` entries: `"1.0"` (`ProtoJSON` oneof wrappers, default),
    /// `"0.3"` (`type`-tagged), or `"both"` in one object. The two versions use the same member
    /// name with incompatible shapes, so a card serving both versions can be exact for only one:
    /// `"both"` suits lenient readers of either version, but strict 1.0 parsers refuse it (the
    /// TCK reports it as CARD-16).
    pub security_shapes: String,
}

impl Default for CardConfig {
    fn default() -> Self {
        Self {
            name: "A2A Reference Agent".into(),
            description:
                "The A2A conformance kit's reference agent: scripted behaviours chosen by \
                          message text or messageId prefix."
                    .into(),
            version: env!("CARGO_PKG_VERSION").into(),
            organization: "A2A Conformance Kit".into(),
            organization_url: "https://github.com/a2a-conformance/a2a-conformance-kit".into(),
            input_modes: vec![
                "text/plain".into(),
                "application/json".into(),
                "application/octet-stream".into(),
            ],
            output_modes: vec!["text/plain".into(), "application/json".into()],
            max_age_secs: 300,
            sign: true,
            signing_key_file: None,
            security_shapes: "1.0".into(),
        }
    }
}

/// `[store]`
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    pub max_live_tasks: usize,
    pub max_tasks: usize,
    pub terminal_ttl_secs: u64,
    pub max_history: usize,
    pub max_artifacts: usize,
    pub max_push_configs: usize,
    pub stream_buffer: usize,
}

impl Default for StoreConfig {
    fn default() -> Self {
        let d = StoreLimits::default();
        Self {
            max_live_tasks: d.max_live_tasks,
            max_tasks: d.max_tasks,
            terminal_ttl_secs: u64::try_from(d.terminal_ttl_ms / 1000).unwrap_or(3600),
            max_history: d.max_history,
            max_artifacts: d.max_artifacts,
            max_push_configs: d.max_push_configs,
            stream_buffer: d.stream_buffer,
        }
    }
}

impl StoreConfig {
    /// The store bounds these settings describe.
    pub fn limits(&self) -> StoreLimits {
        StoreLimits {
            max_live_tasks: self.max_live_tasks,
            max_tasks: self.max_tasks.max(1),
            terminal_ttl_ms: i64::try_from(self.terminal_ttl_secs.saturating_mul(1000))
                .unwrap_or(i64::MAX),
            max_history: self.max_history.max(1),
            max_artifacts: self.max_artifacts.max(1),
            max_push_configs: self.max_push_configs,
            stream_buffer: self.stream_buffer.max(1),
        }
    }
}

/// `[limits]`: hostile-input bounds.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Largest request body accepted; larger bodies get 413.
    pub max_body_bytes: usize,
    /// Deepest JSON nesting accepted.
    pub max_json_depth: usize,
    /// Most requests in one JSON-RPC batch.
    pub max_batch: usize,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            max_json_depth: 64,
            max_batch: 32,
        }
    }
}

/// `[behaviour]`: timing of the scripted behaviours.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct BehaviourConfig {
    /// Interval between the progress updates of `slow N`.
    pub slow_step_ms: u64,
    /// Largest `N` honoured by `slow N`.
    pub slow_max_steps: u64,
    /// How long the `test-resubscribe-message-id` task stays working.
    pub resubscribe_wait_ms: u64,
    /// Pause between consecutive steps of every script (0: none).
    pub step_delay_ms: u64,
}

impl Default for BehaviourConfig {
    fn default() -> Self {
        Self {
            slow_step_ms: 1000,
            slow_max_steps: 600,
            resubscribe_wait_ms: 10_000,
            step_delay_ms: 0,
        }
    }
}

/// A configuration that cannot be used.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    Read(std::io::Error),
    Parse(toml::de::Error),
    Invalid(String),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Read(e) => write!(f, "cannot read the configuration file: {e}"),
            Self::Parse(e) => write!(f, "invalid configuration file: {e}"),
            Self::Invalid(e) => write!(f, "invalid configuration: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Extended-card setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtendedCard {
    Off,
    On,
    Unconfigured,
}

/// The configuration, checked and turned into typed values.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config: Config,
    pub defects: Defects,
    pub error_table: ErrorTable,
    pub missing_version: ProtocolVersion,
    pub extended_card: ExtendedCard,
}

impl Config {
    /// Reads a TOML configuration file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(ConfigError::Read)?;
        Self::from_toml(&text)
    }

    /// Parses TOML text.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(ConfigError::Parse)
    }

    /// Switches a defect on (by value).
    #[must_use]
    pub fn with_defect(mut self, defect: Defect) -> Self {
        self.defects.push(defect.name().to_owned());
        self
    }

    /// Checks the values and types them.
    pub fn settings(&self) -> Result<Settings, ConfigError> {
        let defects = self
            .defects
            .iter()
            .map(|d| d.parse::<Defect>())
            .collect::<Result<Defects, _>>()
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        let error_table = match self.protocol.revision.as_str() {
            "1.0.1" | "1.0" => ErrorTable::V1_0_1,
            "1.0.0" => ErrorTable::V1_0_0,
            other => {
                return Err(ConfigError::Invalid(format!(
                    "protocol.revision must be \"1.0.0\" or \"1.0.1\", not {other:?}"
                )));
            }
        };
        let missing_version = match self.protocol.missing_version.as_str() {
            "0.3" => ProtocolVersion::V0_3,
            "1.0" => ProtocolVersion::V1_0,
            other => {
                return Err(ConfigError::Invalid(format!(
                    "protocol.missing_version must be \"0.3\" or \"1.0\", not {other:?}"
                )));
            }
        };
        let extended_card = match self.capabilities.extended_card.as_str() {
            "off" => ExtendedCard::Off,
            "on" => ExtendedCard::On,
            "unconfigured" => ExtendedCard::Unconfigured,
            other => {
                return Err(ConfigError::Invalid(format!(
                    "capabilities.extended_card must be \"off\", \"on\" or \"unconfigured\", not {other:?}"
                )));
            }
        };
        if !matches!(self.card.security_shapes.as_str(), "1.0" | "0.3" | "both") {
            return Err(ConfigError::Invalid(format!(
                "card.security_shapes must be \"1.0\", \"0.3\" or \"both\", not {:?}",
                self.card.security_shapes
            )));
        }
        if self.limits.max_json_depth == 0 || self.limits.max_body_bytes == 0 {
            return Err(ConfigError::Invalid(
                "limits.max_json_depth and limits.max_body_bytes must be positive".into(),
            ));
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError::Invalid(
                "public_url must be an http:// or https:// URL".into(),
            ));
        }
        Ok(Settings {
            config: self.clone(),
            defects,
            error_table,
            missing_version,
            extended_card,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_is_the_default() {
        assert_eq!(Config::from_toml("").unwrap(), Config::default());
    }

    #[test]
    fn rejects_unknown_keys_and_defects() {
        assert!(Config::from_toml("no_such_key = 1").is_err());
        let c = Config::from_toml("defects = [\"no-such\"]").unwrap();
        assert!(c.settings().is_err());
        let c = Config::from_toml("defects = [\"history-not-truncated\"]\n[store]\nmax_tasks = 5")
            .unwrap();
        let s = c.settings().unwrap();
        assert!(s.defects.has(Defect::HistoryNotTruncated));
        assert_eq!(s.config.store.max_tasks, 5);
    }
}
