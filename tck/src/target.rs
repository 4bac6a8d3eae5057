//! What a run talks to: the protocol version, binding and interface URL, chosen from the card's
//! declarations (or forced from the command line).

use serde::Serialize;
use serde_json::Value;

use crate::scenario::{Binding, Family, ProtocolVersion};

/// The interface a run exercises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// Protocol version.
    pub version: ProtocolVersion,
    /// Binding.
    pub binding: Binding,
    /// The interface URL declared for that binding.
    pub url: String,
    /// The interface's tenant (1.0), echoed exactly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// Extension URIs to activate on every request.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<String>,
}

impl Target {
    /// The service headers of the version: `A2A-Version` (1.0) and the extension activation
    /// header (`A2A-Extensions` in 1.0, `X-A2A-Extensions` in 0.3).
    pub fn service_headers(&self) -> Vec<(String, String)> {
        let mut headers = Vec::new();
        let family = self.version.family();
        if family == Family::V1_0 {
            headers.push(("A2A-Version".to_owned(), "1.0".to_owned()));
        }
        if !self.extensions.is_empty() {
            let name = match family {
                Family::V0_3 => "X-A2A-Extensions",
                Family::V1_0 => "A2A-Extensions",
            };
            headers.push((name.to_owned(), self.extensions.join(", ")));
        }
        headers
    }
}

/// The version a card declares: 1.0 when it has `supportedInterfaces` with a 1.0 entry, 0.3 when
/// it has a top-level `protocolVersion` of 0.3.
pub fn detect_version(card: &Value) -> Option<ProtocolVersion> {
    let declares_1_0 = card
        .get("supportedInterfaces")
        .and_then(Value::as_array)
        .is_some_and(|list| {
            list.iter().any(|i| {
                i.get("protocolVersion")
                    .and_then(Value::as_str)
                    .is_some_and(|v| v == "1.0" || v.starts_with("1.0."))
            })
        });
    if declares_1_0 {
        return Some(ProtocolVersion::V1_0);
    }
    let top = card.get("protocolVersion").and_then(Value::as_str)?;
    (top == "0.3" || top.starts_with("0.3.")).then_some(ProtocolVersion::V0_3)
}

/// Every version the card declares (1.0 first when both are).
pub fn declared_versions(card: &Value) -> Vec<ProtocolVersion> {
    let mut out = Vec::new();
    if !interfaces(card, Family::V1_0).is_empty() {
        out.push(ProtocolVersion::V1_0);
    }
    let top = card.get("protocolVersion").and_then(Value::as_str);
    if top.is_some_and(|v| v == "0.3" || v.starts_with("0.3.")) {
        out.push(ProtocolVersion::V0_3);
    }
    out
}

/// An interface the card declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// Binding.
    pub binding: Binding,
    /// URL.
    pub url: String,
    /// Tenant (1.0).
    pub tenant: Option<String>,
}

/// The interfaces a card declares for a version, in the card's order of preference.
pub fn interfaces(card: &Value, family: Family) -> Vec<Interface> {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    match family {
        Family::V1_0 => card
            .get("supportedInterfaces")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter(|i| {
                        text(i, "protocolVersion")
                            .is_some_and(|v| v == "1.0" || v.starts_with("1.0."))
                    })
                    .filter_map(|i| {
                        Some(Interface {
                            binding: Binding::parse(&text(i, "protocolBinding")?)?,
                            url: text(i, "url")?,
                            tenant: text(i, "tenant").filter(|t| !t.is_empty()),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default(),
        Family::V0_3 => {
            let mut out = Vec::new();
            if let Some(url) = text(card, "url") {
                let binding = text(card, "preferredTransport").unwrap_or_else(|| "JSONRPC".into());
                if let Some(binding) = Binding::parse(&binding) {
                    out.push(Interface {
                        binding,
                        url,
                        tenant: None,
                    });
                }
            }
            for i in card
                .get("additionalInterfaces")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let (Some(url), Some(binding)) = (
                    text(i, "url"),
                    text(i, "transport").as_deref().and_then(Binding::parse),
                ) {
                    let candidate = Interface {
                        binding,
                        url,
                        tenant: None,
                    };
                    if !out.contains(&candidate) {
                        out.push(candidate);
                    }
                }
            }
            out
        }
    }
}

/// Chooses the interface: the first declared one of the wanted binding, or the first supported
/// one when no binding is wanted (A2A 1.0 §8.3: the first entry is preferred).
pub fn select(card: &Value, family: Family, binding: Option<Binding>) -> Option<Interface> {
    interfaces(card, family)
        .into_iter()
        .find(|i| binding.is_none_or(|b| b == i.binding))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn detects_versions_from_cards() {
        let v1 = json!({"supportedInterfaces":[{"url":"http://a","protocolBinding":"JSONRPC","protocolVersion":"1.0"}]});
        assert_eq!(detect_version(&v1), Some(ProtocolVersion::V1_0));
        let v03 = json!({"protocolVersion":"0.3.0","url":"http://a"});
        assert_eq!(detect_version(&v03), Some(ProtocolVersion::V0_3));
        assert_eq!(detect_version(&json!({})), None);
    }

    #[test]
    fn lists_every_declared_version() {
        let both = json!({"protocolVersion":"0.3.0","url":"http://a",
            "supportedInterfaces":[{"url":"http://a/v1","protocolBinding":"JSONRPC","protocolVersion":"1.0"}]});
        assert_eq!(
            declared_versions(&both),
            vec![ProtocolVersion::V1_0, ProtocolVersion::V0_3]
        );
        assert!(declared_versions(&json!({})).is_empty());
    }

    #[test]
    fn selects_first_interface_of_the_binding_with_tenant() {
        let card = json!({"supportedInterfaces":[
            {"url":"http://a/rpc","protocolBinding":"JSONRPC","protocolVersion":"1.0"},
            {"url":"http://a/rest","protocolBinding":"HTTP+JSON","protocolVersion":"1.0","tenant":"t1"},
            {"url":"http://a/old","protocolBinding":"JSONRPC","protocolVersion":"0.3"}
        ]});
        let rest = select(&card, Family::V1_0, Some(Binding::HttpJson)).unwrap();
        assert_eq!(rest.url, "http://a/rest");
        assert_eq!(rest.tenant.as_deref(), Some("t1"));
        assert_eq!(
            select(&card, Family::V1_0, None).unwrap().url,
            "http://a/rpc"
        );
    }

    #[test]
    fn v03_main_url_serves_preferred_transport() {
        let card = json!({"url":"http://a/rpc","preferredTransport":"JSONRPC",
            "additionalInterfaces":[{"url":"http://a/rest","transport":"HTTP+JSON"},{"url":"http://a/rpc","transport":"JSONRPC"}]});
        let list = interfaces(&card, Family::V0_3);
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].binding, Binding::HttpJson);
    }

    #[test]
    fn service_headers_follow_the_version() {
        let t = Target {
            version: ProtocolVersion::V0_3,
            binding: Binding::JsonRpc,
            url: "http://a".into(),
            tenant: None,
            extensions: vec!["urn:x".into()],
        };
        assert_eq!(
            t.service_headers(),
            vec![("X-A2A-Extensions".into(), "urn:x".into())]
        );
        let t = Target {
            version: ProtocolVersion::V1_0,
            extensions: vec![],
            ..t
        };
        assert_eq!(
            t.service_headers(),
            vec![("A2A-Version".into(), "1.0".into())]
        );
    }
}
