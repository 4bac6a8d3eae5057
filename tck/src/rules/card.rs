//! Judgement functions for agent card scenarios that are longer than a line (the catalogue file
//! only declares).

use a2a_security::card::{Canonicalization, verify_each};
use serde_json::Value;

use crate::check::{BoxFuture, HarnessError};
use crate::context::Context;
use crate::scenario::Family;
use crate::transport::jsonrpc::show;
use crate::verdict::{Failure, Outcome};

/// CARD-01: the card URL answers 200 with a JSON object.
pub fn card_available(cx: &Context) -> BoxFuture<'_, Result<Outcome, HarnessError>> {
    Box::pin(async move {
        let d = &cx.discovery;
        if d.harness_fault {
            return Err(HarnessError(format!(
                "card could not be judged: {}",
                d.problem.as_deref().unwrap_or("unknown")
            )));
        }
        if d.card.is_some() {
            return Ok(Outcome::Pass);
        }
        let mut f = Failure::new("the card URL does not serve a JSON object")
            .expected("HTTP 200 with a JSON object")
            .actual(d.problem.clone().unwrap_or_else(|| "nothing".into()));
        if let Some(x) = &d.exchange {
            f = f.in_exchange(x);
        }
        Ok(Outcome::Fail(vec![f]))
    })
}

/// Whether a value looks like unpadded base64url.
pub fn is_base64url(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// CARD-12: each signature entry has base64url `protected` and `signature`.
pub fn signature_entries(card: &Value) -> Outcome {
    let Some(list) = card.get("signatures").and_then(Value::as_array) else {
        return Outcome::Pass;
    };
    let mut failures = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        for member in ["protected", "signature"] {
            match entry.get(member).and_then(Value::as_str) {
                Some(text) if is_base64url(text) => {}
                other => failures.push(
                    Failure::new(format!("signature `{member}` is not a base64url string"))
                        .expected("unpadded base64url text")
                        .actual(show(other.map(Value::from).as_ref()))
                        .at(format!("/signatures/{i}/{member}")),
                ),
            }
        }
    }
    Outcome::from_failures(failures)
}

fn protected_header(entry: &Value) -> Option<Value> {
    use base64::Engine as _;
    let text = entry.get("protected")?.as_str()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()?;
    a2a_security::json::parse_strict(&bytes).ok()
}

/// The `jku` URLs of the card's signature headers.
pub fn jku_urls(card: &Value) -> Vec<String> {
    card.get("signatures")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(protected_header)
        .filter_map(|h| h.get("jku").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// CARD-13: each protected header has `alg` and `kid`.
pub fn header_alg_kid(card: &Value) -> Outcome {
    header_rule(card, |i, header| {
        let mut failures = Vec::new();
        for member in ["alg", "kid"] {
            if !header.get(member).is_some_and(Value::is_string) {
                failures.push(
                    Failure::new(format!("protected header lacks `{member}`"))
                        .expected(format!("a string `{member}`"))
                        .actual(show(header.get(member)))
                        .at(format!("/signatures/{i}/protected")),
                );
            }
        }
        failures
    })
}

/// CARD-13b: `typ` is `JOSE`.
pub fn header_typ(card: &Value) -> Outcome {
    header_rule(card, |i, header| match header.get("typ") {
        Some(Value::String(t)) if t == "JOSE" => vec![],
        other => vec![
            Failure::new("protected header `typ` is not \"JOSE\"")
                .expected("\"JOSE\"")
                .actual(show(other))
                .at(format!("/signatures/{i}/protected")),
        ],
    })
}

fn header_rule(card: &Value, rule: impl Fn(usize, &Value) -> Vec<Failure>) -> Outcome {
    let Some(list) = card.get("signatures").and_then(Value::as_array) else {
        return Outcome::Pass;
    };
    let mut failures = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        match protected_header(entry) {
            Some(header) if header.is_object() => failures.extend(rule(i, &header)),
            _ => failures.push(
                Failure::new("protected header is not base64url of a JSON object")
                    .at(format!("/signatures/{i}/protected")),
            ),
        }
    }
    Outcome::from_failures(failures)
}

/// Verifies card signatures with the profile's keys. `every`: each entry must verify (SEC-CARD-01);
/// otherwise one suffices (CARD-14).
pub fn signatures_verify(cx: &Context, every: bool) -> Outcome {
    let (Some(card), Some(keys)) = (cx.card(), cx.card_keys.as_deref()) else {
        return Outcome::Skip("no card or no verification keys".into());
    };
    let canonicalization = match cx.target.as_ref().map(|t| t.version.family()) {
        Some(Family::V0_3) => Canonicalization::AsServed,
        _ => Canonicalization::ProtoPresence,
    };
    let exchange = cx.discovery.exchange.clone().unwrap_or_default();
    let outcomes = match verify_each(card, keys, canonicalization) {
        Ok(o) => o,
        Err(e) => {
            return Outcome::Fail(vec![
                Failure::new(format!("card signatures cannot be verified: {e}"))
                    .at("/signatures")
                    .in_exchange(&exchange),
            ]);
        }
    };
    let failures: Vec<Failure> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(i, o)| o.as_ref().err().map(|e| (i, e)))
        .map(|(i, e)| {
            Failure::new(format!("signature {i} does not verify: {e}"))
                .expected("a signature over RFC 8785 JCS of the card without `signatures`")
                .actual(e.to_string())
                .at(format!("/signatures/{i}"))
                .in_exchange(&exchange)
        })
        .collect();
    let verified = outcomes.iter().filter(|o| o.is_ok()).count();
    if (every && failures.is_empty()) || (!every && verified > 0) {
        Outcome::Pass
    } else {
        Outcome::Fail(failures)
    }
}

/// Keys whose values are maps with caller-chosen names (not subject to naming rules).
const MAP_MEMBERS: &[&str] = &[
    "metadata",
    "params",
    "securitySchemes",
    "scopes",
    "schemes",
    "data",
];

/// CARD-15: member names are camelCase (map keys excepted).
pub fn camel_case(card: &Value) -> Outcome {
    fn walk(value: &Value, path: &str, out: &mut Vec<Failure>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    let here = format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"));
                    let camel = key.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                        && key.chars().all(|c| c.is_ascii_alphanumeric());
                    if !camel {
                        out.push(
                            Failure::new(format!("member name `{key}` is not camelCase"))
                                .expected("lowerCamelCase")
                                .actual(key.clone())
                                .at(here.clone()),
                        );
                    }
                    if MAP_MEMBERS.contains(&key.as_str()) {
                        // Descend into the values of a map, not its keys.
                        if let Value::Object(entries) = v {
                            for (name, entry) in entries {
                                walk(
                                    entry,
                                    &format!(
                                        "{here}/{}",
                                        name.replace('~', "~0").replace('/', "~1")
                                    ),
                                    out,
                                );
                            }
                        }
                        continue;
                    }
                    walk(v, &here, out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, &format!("{path}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut failures = Vec::new();
    walk(card, "", &mut failures);
    Outcome::from_failures(failures)
}

const V1_SCHEMES: &[(&str, &[&str])] = &[
    ("apiKeySecurityScheme", &["location", "name"]),
    ("httpAuthSecurityScheme", &["scheme"]),
    ("oauth2SecurityScheme", &["flows"]),
    ("openIdConnectSecurityScheme", &["openIdConnectUrl"]),
    ("mtlsSecurityScheme", &[]),
];

const V1_FLOWS: &[(&str, &[&str])] = &[
    (
        "authorizationCode",
        &["authorizationUrl", "tokenUrl", "scopes"],
    ),
    ("clientCredentials", &["tokenUrl", "scopes"]),
    (
        "deviceCode",
        &["deviceAuthorizationUrl", "tokenUrl", "scopes"],
    ),
    ("implicit", &["authorizationUrl", "scopes"]),
    ("password", &["tokenUrl", "scopes"]),
];

/// CARD-16: 1.0 security shapes.
pub fn v1_security(card: &Value) -> Outcome {
    let mut failures = Vec::new();
    if card.get("security").is_some() {
        failures.push(
            Failure::new("legacy `security` member (1.0 uses `securityRequirements`)")
                .expected("`securityRequirements`")
                .actual("`security`")
                .at("/security"),
        );
    }
    if let Some(reqs) = card.get("securityRequirements") {
        let Some(reqs) = reqs.as_array() else {
            return Outcome::Fail(vec![
                Failure::new("`securityRequirements` is not an array").at("/securityRequirements"),
            ]);
        };
        for (i, req) in reqs.iter().enumerate() {
            let ok = req
                .get("schemes")
                .and_then(Value::as_object)
                .is_some_and(|schemes| {
                    // A `StringList`: `{"list": [..]}`, or `{}` when empty (ProtoJSON omits
                    // an empty repeated field).
                    schemes.values().all(|v| {
                        v.as_object().is_some_and(|o| match o.get("list") {
                            None => true,
                            Some(l) => l.as_array().is_some_and(|l| l.iter().all(Value::is_string)),
                        })
                    })
                });
            if !ok {
                failures.push(
                    Failure::new(
                        "security requirement is not `{\"schemes\": {name: {\"list\": [scopes]}}}`",
                    )
                    .actual(show(Some(req)))
                    .at(format!("/securityRequirements/{i}")),
                );
            }
        }
    }
    if let Some(schemes) = card.get("securitySchemes").and_then(Value::as_object) {
        for (name, scheme) in schemes {
            let at = format!("/securitySchemes/{name}");
            let Some(object) = scheme.as_object() else {
                failures.push(Failure::new("security scheme is not an object").at(at));
                continue;
            };
            if object.contains_key("type") {
                failures.push(
                    Failure::new("security scheme uses the 0.3 `type` form")
                        .expected("exactly one 1.0 oneof wrapper, e.g. `httpAuthSecurityScheme`")
                        .at(format!("{at}/type")),
                );
                continue;
            }
            let wrappers: Vec<&(&str, &[&str])> = V1_SCHEMES
                .iter()
                .filter(|(w, _)| object.contains_key(*w))
                .collect();
            if wrappers.len() != 1 || object.len() != 1 {
                failures.push(
                    Failure::new("security scheme is not exactly one oneof wrapper")
                        .expected("one of apiKeySecurityScheme, httpAuthSecurityScheme, oauth2SecurityScheme, openIdConnectSecurityScheme, mtlsSecurityScheme")
                        .actual(format!("{:?}", object.keys().collect::<Vec<_>>()))
                        .at(at),
                );
                continue;
            }
            let (wrapper, fields) = wrappers[0];
            let inner = &object[*wrapper];
            for field in *fields {
                if inner.get(*field).is_none() {
                    failures.push(
                        Failure::new(format!("`{wrapper}` lacks required `{field}`"))
                            .at(format!("{at}/{wrapper}/{field}")),
                    );
                }
            }
            if *wrapper == "oauth2SecurityScheme"
                && let Some(flows) = inner.get("flows").and_then(Value::as_object)
            {
                for (flow, body) in flows {
                    let Some((_, required)) = V1_FLOWS.iter().find(|(f, _)| f == flow) else {
                        failures.push(
                            Failure::new(format!("unknown OAuth flow `{flow}`"))
                                .at(format!("{at}/{wrapper}/flows/{flow}")),
                        );
                        continue;
                    };
                    for field in *required {
                        if body.get(*field).is_none() {
                            failures.push(
                                Failure::new(format!("OAuth flow `{flow}` lacks `{field}`"))
                                    .at(format!("{at}/{wrapper}/flows/{flow}/{field}")),
                            );
                        }
                    }
                }
            }
        }
    }
    Outcome::from_failures(failures)
}

/// CARD-17: 0.3 security scheme shapes.
pub fn v03_security(card: &Value) -> Outcome {
    let Some(schemes) = card.get("securitySchemes").and_then(Value::as_object) else {
        return Outcome::Pass;
    };
    let mut failures = Vec::new();
    for (name, scheme) in schemes {
        let at = format!("/securitySchemes/{name}");
        let required: &[&str] = match scheme.get("type").and_then(Value::as_str) {
            Some("apiKey") => &["in", "name"],
            Some("http") => &["scheme"],
            Some("oauth2") => &["flows"],
            Some("openIdConnect") => &["openIdConnectUrl"],
            Some("mutualTLS") => &[],
            other => {
                failures.push(
                    Failure::new("security scheme `type` is not one of apiKey, http, oauth2, openIdConnect, mutualTLS")
                        .actual(show(other.map(Value::from).as_ref()))
                        .at(format!("{at}/type")),
                );
                continue;
            }
        };
        for field in required {
            if scheme.get(*field).is_none() {
                failures.push(
                    Failure::new(format!("security scheme lacks `{field}`"))
                        .at(format!("{at}/{field}")),
                );
            }
        }
    }
    Outcome::from_failures(failures)
}

/// S-01: the card response carries `Cache-Control` with `max-age` and an `ETag`.
pub fn cache_headers(cx: &Context) -> Outcome {
    let d = &cx.discovery;
    if d.card.is_none() {
        return Outcome::Skip("no agent card was obtained".into());
    }
    let header = |name: &str| {
        d.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let exchange = d.exchange.clone().unwrap_or_default();
    let mut failures = Vec::new();
    let cache = header("cache-control");
    let max_age = cache.is_some_and(|v| {
        v.split(',').any(|directive| {
            directive
                .trim()
                .to_ascii_lowercase()
                .starts_with("max-age=")
        })
    });
    if !max_age {
        failures.push(
            Failure::new("the card response has no Cache-Control max-age")
                .expected("Cache-Control: max-age=<seconds>")
                .actual(cache.map_or_else(|| "no Cache-Control".to_owned(), str::to_owned))
                .in_exchange(&exchange),
        );
    }
    if header("etag").is_none() {
        failures.push(
            Failure::new("the card response has no ETag")
                .expected("an ETag header")
                .actual("none")
                .in_exchange(&exchange),
        );
    }
    Outcome::from_failures(failures)
}

/// On a card that declares both A2A 1.0 and 0.3, the version whose shape `securitySchemes`
/// follows (profile `card.dual_version_schemes`, default 1.0); `None` on a single-version card.
fn dual_schemes_version(cx: &Context, card: &Value) -> Option<Family> {
    let declared = crate::target::declared_versions(card);
    let dual = declared.iter().any(|v| v.family() == Family::V1_0)
        && declared.iter().any(|v| v.family() == Family::V0_3);
    dual.then(|| match cx.profile.card.dual_version_schemes.as_deref() {
        Some("0.3") => Family::V0_3,
        _ => Family::V1_0,
    })
}

/// Why the run's version leaves `securitySchemes` to the other version, if it does.
fn schemes_left_to_other(cx: &Context, card: &Value) -> Option<String> {
    let owner = dual_schemes_version(cx, card)?;
    let run = cx.target.as_ref()?.version.family();
    (run != owner).then(|| {
        let (owner, run) = match owner {
            Family::V1_0 => ("1.0", "0.3"),
            Family::V0_3 => ("0.3", "1.0"),
        };
        format!(
            "the card declares A2A 1.0 and 0.3, whose `securitySchemes` shapes are incompatible; it is judged as {owner} (card.dual_version_schemes), so {run} clients may not read it"
        )
    })
}

/// CARD-16 (1.0) / CARD-17 (0.3) on the run's version: `securitySchemes` in that version's
/// shape, unless a dual-version card leaves the member to the other version.
pub fn security_schemes(cx: &Context, check: fn(&Value) -> Outcome) -> Outcome {
    let Some(card) = cx.card() else {
        return Outcome::Skip("no agent card was obtained".into());
    };
    if let Some(why) = schemes_left_to_other(cx, card) {
        return Outcome::NotApplicable(why);
    }
    match (check(card), cx.discovery.exchange.as_deref()) {
        (Outcome::Fail(failures), Some(id)) => {
            Outcome::Fail(failures.into_iter().map(|f| f.in_exchange(id)).collect())
        }
        (outcome, _) => outcome,
    }
}

/// CARD-19 (and its 1.0 counterpart): the whole card validates against the schema (without
/// `securitySchemes` when a dual-version card leaves it to the other version).
pub fn card_schema(cx: &Context) -> Outcome {
    let (Some(card), Some(schemas)) = (cx.card(), cx.schemas.as_deref()) else {
        return Outcome::Skip("no card or no schemas".into());
    };
    let mut trimmed;
    let card = if schemes_left_to_other(cx, card).is_some() {
        trimmed = card.clone();
        if let Some(o) = trimmed.as_object_mut() {
            o.remove("securitySchemes");
        }
        &trimmed
    } else {
        card
    };
    let version = match cx.target.as_ref().map(|t| t.version.family()) {
        Some(Family::V0_3) => "v0.3",
        Some(Family::V1_0) => "v1.0",
        None => match crate::target::detect_version(card)
            .map(crate::scenario::ProtocolVersion::family)
        {
            Some(Family::V0_3) => "v0.3",
            _ => "v1.0",
        },
    };
    if !schemas.defines(version, "AgentCard") {
        return Outcome::Skip(format!("the {version} schemas define no AgentCard"));
    }
    let exchange = cx.discovery.exchange.clone().unwrap_or_default();
    match schemas.validate(&format!("{version}#/$defs/AgentCard"), card) {
        Ok(findings) => Outcome::from_failures(
            findings
                .into_iter()
                .map(|f| {
                    Failure::new(f.message)
                        .at(f.instance_path)
                        .schema_location(format!("{version}#{}", f.schema_location))
                        .in_exchange(&exchange)
                })
                .collect(),
        ),
        Err(e) => Outcome::Skip(format!("schema unusable: {e}")),
    }
}

/// Member names that hold credentials when their value is a non-empty string.
const SECRET_NAMES: &[&str] = &[
    "password",
    "secret",
    "clientsecret",
    "client_secret",
    "apikeyvalue",
    "accesstoken",
    "access_token",
    "refreshtoken",
    "privatekey",
    "token",
    "credentials",
];

/// SEC-CARD-02: no secret-looking values anywhere in the card.
pub fn no_credentials(card: &Value) -> Outcome {
    fn looks_secret(text: &str) -> Option<&'static str> {
        if text.contains("-----BEGIN") && text.contains("PRIVATE KEY") {
            return Some("a PEM private key");
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        for word in &words {
            let parts: Vec<&str> = word.split('.').collect();
            if parts.len() == 3 && word.starts_with("eyJ") && parts.iter().all(|p| is_base64url(p))
            {
                return Some("a JWT");
            }
        }
        // `Bearer <credential>` / `Basic <credential>` with a credential-sized token after it.
        let credential_after_scheme = words.windows(2).any(|w| {
            (w[0].eq_ignore_ascii_case("bearer") || w[0].eq_ignore_ascii_case("basic"))
                && w[1].len() >= 16
                && w[1]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b))
        });
        credential_after_scheme.then_some("an Authorization header value")
    }
    fn walk(value: &Value, path: &str, out: &mut Vec<Failure>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let here = format!("{path}/{k}");
                    if let Value::String(s) = v
                        && SECRET_NAMES.contains(&k.to_ascii_lowercase().as_str())
                        && !s.is_empty()
                    {
                        out.push(
                            Failure::new(format!("member `{k}` holds a credential-like value"))
                                .expected("no credentials in a public card")
                                .actual("a non-empty value (not shown)")
                                .at(here.clone()),
                        );
                        continue;
                    }
                    walk(v, &here, out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, &format!("{path}/{i}"), out);
                }
            }
            Value::String(s) => {
                if let Some(kind) = looks_secret(s) {
                    out.push(
                        Failure::new(format!("value looks like {kind}"))
                            .expected("no credentials in a public card")
                            .actual(format!("{kind} (not shown)"))
                            .at(path.to_owned()),
                    );
                }
            }
            _ => {}
        }
    }
    let mut failures = Vec::new();
    walk(card, "", &mut failures);
    Outcome::from_failures(failures)
}

/// SEC-CARD-03: every URL the card declares is `https://`.
pub fn https_only(card: &Value) -> Outcome {
    fn walk(value: &Value, path: &str, out: &mut Vec<Failure>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let here = format!("{path}/{k}");
                    if let Value::String(s) = v {
                        let is_url_member = k == "url" || k.ends_with("Url") || k == "jku";
                        if is_url_member && !s.to_ascii_lowercase().starts_with("https://") {
                            out.push(
                                Failure::new(format!("`{k}` is not an https URL"))
                                    .expected("https://…")
                                    .actual(s.clone())
                                    .at(here.clone()),
                            );
                        }
                    }
                    walk(v, &here, out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, &format!("{path}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut failures = Vec::new();
    walk(card, "", &mut failures);
    Outcome::from_failures(failures)
}

/// CARD-06b: interface versions are `Major.Minor` without a patch component.
pub fn interface_versions(card: &Value) -> Outcome {
    let Some(list) = card.get("supportedInterfaces").and_then(Value::as_array) else {
        return Outcome::Pass;
    };
    let failures = list
        .iter()
        .enumerate()
        .filter_map(|(i, iface)| {
            let v = iface.get("protocolVersion")?.as_str()?;
            let parts: Vec<&str> = v.split('.').collect();
            let ok = parts.len() == 2
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            (!ok).then(|| {
                Failure::new("interface `protocolVersion` is not Major.Minor")
                    .expected("e.g. \"1.0\"")
                    .actual(v.to_owned())
                    .at(format!("/supportedInterfaces/{i}/protocolVersion"))
            })
        })
        .collect();
    Outcome::from_failures(failures)
}

/// CARD-10: a 0.3 card declares at least one transport.
pub fn declares_transport(card: &Value) -> Outcome {
    let main = card.get("url").is_some_and(Value::is_string);
    let extra = card
        .get("additionalInterfaces")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    if main || extra {
        Outcome::Pass
    } else {
        Outcome::Fail(vec![
            Failure::new("no transport declared")
                .expected("`url` (+ `preferredTransport`) or an `additionalInterfaces` entry")
                .actual("neither")
                .at(""),
        ])
    }
}

/// An id no agent has: the kit's prefix and the current time in nanoseconds.
pub fn unknown_task_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("tck-no-such-task-{nanos}")
}

/// CARD-08 / CARD-09 / CARD-11: each declared interface answers in its declared binding: a
/// `GetTask` of an unknown id gets `TaskNotFound` (JSON-RPC -32001, HTTP+JSON 404). `main_only`:
/// only the first interface (0.3 main `url` with `preferredTransport`).
pub async fn interfaces_answer(cx: &Context, main_only: bool) -> Result<Outcome, HarnessError> {
    use crate::transport::call::call_on;
    use crate::transport::jsonrpc::Operation;

    let target = cx.target()?;
    let card = cx.card().ok_or_else(|| HarnessError("no card".into()))?;
    let mut interfaces = crate::target::interfaces(card, target.version.family());
    if main_only {
        interfaces.truncate(1);
    }
    let mut failures = Vec::new();
    let mut unauthorized = 0;
    for interface in &interfaces {
        let probe = crate::target::Target {
            binding: interface.binding,
            url: interface.url.clone(),
            tenant: interface.tenant.clone(),
            ..target.clone()
        };
        let answer = call_on(
            cx,
            &probe,
            Operation::GetTask,
            &serde_json::json!({"id": unknown_task_id()}),
        )
        .await?;
        let status = answer.http.status;
        if status == 401 || status == 403 {
            unauthorized += 1;
            continue;
        }
        let ok = match interface.binding {
            crate::scenario::Binding::JsonRpc => answer.error_code() == Some(-32001),
            crate::scenario::Binding::HttpJson => status == 404,
        };
        if !ok {
            let expected = match interface.binding {
                crate::scenario::Binding::JsonRpc => "a JSON-RPC error -32001 (TaskNotFound)",
                crate::scenario::Binding::HttpJson => "HTTP 404 (TaskNotFound)",
            };
            failures.push(
                Failure::new(format!(
                    "interface {} does not answer as {}",
                    interface.url, interface.binding
                ))
                .expected(expected)
                .actual(match &answer.body {
                    Some(body) => format!("HTTP {status} {}", show(Some(body))),
                    None => format!("HTTP {status} (body is not JSON)"),
                })
                .in_exchange(&answer.http.exchange),
            );
        }
    }
    if failures.is_empty() && unauthorized > 0 {
        return Ok(Outcome::Skip(format!(
            "{unauthorized} interface(s) refused the probe without valid credentials (profile `credentials`)"
        )));
    }
    Ok(Outcome::from_failures(failures))
}
