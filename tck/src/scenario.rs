//! A scenario is a value: a stable id, what it checks, where the spec says so, when it applies,
//! and the [`Step`] that probes the endpoint and judges what came back.

use std::fmt;

use serde::Serialize;

use std::sync::Arc;

use crate::check::Step;

/// How strongly the spec states a requirement (RFC 2119).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    /// A violation is a `Fail`.
    Must,
    /// A violation is a `Warn` (a `Fail` under `--strict`).
    Should,
    /// Optional behaviour: a violation of what the option promises is a `Warn`.
    May,
}

impl Level {
    /// Upper-case RFC 2119 keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Must => "MUST",
            Self::Should => "SHOULD",
            Self::May => "MAY",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A protocol version the kit can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ProtocolVersion {
    /// A2A 0.3.0.
    #[serde(rename = "0.3")]
    V0_3,
    /// A2A 1.0 as of the 1.0.0 text (where it differs from 1.0.1).
    #[serde(rename = "1.0.0")]
    V1_0_0,
    /// A2A 1.0 as of the 1.0.1 text (the baseline for "1.0").
    #[serde(rename = "1.0")]
    V1_0,
}

impl ProtocolVersion {
    /// Parses the `--protocol` spelling: `0.3`, `1.0` or `1.0.0` (`0.3.0` and `1.0.1` accepted).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "0.3" | "0.3.0" => Some(Self::V0_3),
            "1.0" | "1.0.1" => Some(Self::V1_0),
            "1.0.0" => Some(Self::V1_0_0),
            _ => None,
        }
    }

    /// The version family (what a card and an `A2A-Version` header carry).
    pub fn family(self) -> Family {
        match self {
            Self::V0_3 => Family::V0_3,
            Self::V1_0 | Self::V1_0_0 => Family::V1_0,
        }
    }

    /// The `Major.Minor` text.
    pub fn major_minor(self) -> &'static str {
        match self.family() {
            Family::V0_3 => "0.3",
            Family::V1_0 => "1.0",
        }
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::V0_3 => "0.3",
            Self::V1_0_0 => "1.0.0",
            Self::V1_0 => "1.0",
        })
    }
}

/// A version family, as scenarios declare applicability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Family {
    /// A2A 0.3.
    #[serde(rename = "0.3")]
    V0_3,
    /// A2A 1.0 (both texts).
    #[serde(rename = "1.0")]
    V1_0,
}

/// A protocol binding over HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Binding {
    /// JSON-RPC 2.0 over HTTP.
    #[serde(rename = "JSONRPC")]
    JsonRpc,
    /// HTTP+JSON (REST).
    #[serde(rename = "HTTP+JSON")]
    HttpJson,
}

impl Binding {
    /// Parses a card's transport name or the `--binding` spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "jsonrpc" | "json-rpc" => Some(Self::JsonRpc),
            "http+json" | "rest" | "http-json" => Some(Self::HttpJson),
            _ => None,
        }
    }

    /// The transport name cards use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::JsonRpc => "JSONRPC",
            Self::HttpJson => "HTTP+JSON",
        }
    }
}

impl fmt::Display for Binding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the requirement is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SpecRef {
    /// The document and version, e.g. `A2A 1.0` or `RFC 9110`.
    pub source: &'static str,
    /// The section, e.g. `§8.4`.
    pub section: &'static str,
}

impl fmt::Display for SpecRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.source, self.section)
    }
}

/// The spec area a scenario belongs to (one catalogue file each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    /// Discovery and the agent card.
    AgentCard,
    /// Malformed and hostile requests.
    HostileInput,
    /// Authentication, authorization and bearer tokens.
    Auth,
    /// Extensions and the message-integrity extension.
    Extensions,
    /// Push-notification webhooks.
    Push,
    /// Send Message and the task lifecycle it starts.
    SendMessage,
    /// Get, cancel and subscribe on existing tasks.
    Tasks,
    /// Listing tasks: filters, ordering, paging (1.0).
    ListTasks,
    /// Streaming responses.
    Streaming,
    /// The JSON-RPC envelope and standard errors.
    Envelope,
    /// Protocol version negotiation.
    Versioning,
}

impl Area {
    /// The kebab-case name used in reports and filters.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AgentCard => "agent-card",
            Self::HostileInput => "hostile-input",
            Self::Auth => "auth",
            Self::Extensions => "extensions",
            Self::Push => "push",
            Self::SendMessage => "send-message",
            Self::Tasks => "tasks",
            Self::ListTasks => "list-tasks",
            Self::Streaming => "streaming",
            Self::Envelope => "envelope",
            Self::Versioning => "versioning",
        }
    }
}

/// Something a scenario needs beyond the version and binding; without it the scenario is
/// skipped with that reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    /// The card was fetched and parsed as a JSON object.
    Card,
    /// The card carries `signatures`.
    CardSignatures,
    /// Keys to verify card signatures (profile `card.jwks_file`).
    CardKeys,
    /// The JSON Schemas (`schemas/`) were loaded.
    Schemas,
    /// The profile runs in production mode (HTTPS required).
    ProductionMode,
    /// An RPC interface URL was selected.
    Interface,
}

/// When a scenario applies.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Applies {
    /// Version families; empty means all.
    pub versions: &'static [Family],
    /// Bindings; empty means any.
    pub bindings: &'static [Binding],
    /// Further preconditions.
    pub needs: &'static [Need],
}

impl Applies {
    /// Every version and binding, no preconditions.
    pub const ANY: Self = Self {
        versions: &[],
        bindings: &[],
        needs: &[],
    };
}

/// A declared scenario.
pub struct Scenario {
    /// Stable id: the requirement id, suffixed when one requirement has several scenarios.
    pub id: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// Requirement level.
    pub level: Level,
    /// Where the spec says so.
    pub spec: SpecRef,
    /// The requirement, quoted or closely paraphrased from the spec.
    pub requirement: &'static str,
    /// Spec area.
    pub area: Area,
    /// When it applies.
    pub applies: Applies,
    /// What it does.
    pub step: Arc<dyn Step>,
}

impl fmt::Debug for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scenario")
            .field("id", &self.id)
            .field("level", &self.level)
            .field("spec", &self.spec)
            .finish_non_exhaustive()
    }
}

/// The declared facts of a scenario, without its step (what `list` and reports show).
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioInfo {
    /// Stable id.
    pub id: &'static str,
    /// Title.
    pub title: &'static str,
    /// Level.
    pub level: Level,
    /// Spec reference.
    pub spec: SpecRef,
    /// The requirement text.
    pub requirement: &'static str,
    /// Area.
    pub area: Area,
    /// Applicability.
    pub applies: Applies,
}

impl Scenario {
    /// The declared facts.
    pub fn info(&self) -> ScenarioInfo {
        ScenarioInfo {
            id: self.id,
            title: self.title,
            level: self.level,
            spec: self.spec,
            requirement: self.requirement,
            area: self.area,
            applies: self.applies,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_protocol_spellings() {
        assert_eq!(ProtocolVersion::parse("1.0"), Some(ProtocolVersion::V1_0));
        assert_eq!(
            ProtocolVersion::parse("1.0.0"),
            Some(ProtocolVersion::V1_0_0)
        );
        assert_eq!(ProtocolVersion::parse("0.3"), Some(ProtocolVersion::V0_3));
        assert_eq!(ProtocolVersion::parse("2.0"), None);
        assert_eq!(ProtocolVersion::V1_0_0.major_minor(), "1.0");
    }

    #[test]
    fn parses_binding_names() {
        assert_eq!(Binding::parse("JSONRPC"), Some(Binding::JsonRpc));
        assert_eq!(Binding::parse("HTTP+JSON"), Some(Binding::HttpJson));
        assert_eq!(Binding::parse("rest"), Some(Binding::HttpJson));
        assert_eq!(Binding::parse("GRPC"), None);
    }
}
