//! JWS signatures of A2A agent cards (A2A 1.0 §8.4).
//!
//! **Payload.** The card without its `signatures` member, reduced by the protobuf field-presence
//! rules of §8.4.1 (a field that is neither REQUIRED nor declared `optional` is omitted when it
//! holds its default value: `""`, `false`, `0`, `[]` or `{}`), then canonicalized with RFC 8785.
//! Message-typed and `oneof` fields have presence in proto3 and are kept; members this crate
//! does not know (extensions of the card) are kept as served. The rules come from the `AgentCard`
//! messages of the normative `a2a.proto` (1.0.1); see [`FIELD_PRESENCE`].
//!
//! **Signature.** A detached-payload JWS (RFC 7515 Appendix F): `protected` is the base64url of a
//! header holding `alg`, `kid`, `typ: "JOSE"` and optionally `jku`; the signing input is
//! `protected || "." || BASE64URL(payload)`; `signature` is the base64url signature.
//!
//! **Verification** reports a distinct [`CardError`] for each failure. When a signature does not
//! verify over the §8.4.1 payload but does verify over the card exactly as served (no default
//! removal), the error is [`CardError::CanonicalizationMismatch`]: the signer skipped the
//! field-presence step, which matters to every verifier that follows the spec. For A2A 0.3
//! cards, which predate those rules, use [`Canonicalization::AsServed`].

use std::fmt;

use serde_json::{Map, Value, json};

use crate::base64url;
use crate::jcs;
use crate::jwk::{JwkSet, KeyLookupError};
use crate::jws::{Algorithm, KeyError, SigningKey};

/// Why a card could not be signed or its signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CardError {
    /// The card is not a JSON object (or not JSON).
    NotAnObject,
    /// `signatures` is absent or empty.
    NoSignature,
    /// A `signatures` entry is not an object with string `protected` and `signature` members.
    MalformedEntry,
    /// `protected` or `signature` is not canonical unpadded base64url, or the protected header is
    /// not a JSON object with unique member names.
    MalformedHeader,
    /// The protected header has no `alg`.
    MissingAlg,
    /// The protected header has no `kid`.
    MissingKid,
    /// `alg` is not a supported signature algorithm (`none` included).
    UnsupportedAlgorithm,
    /// The protected header lists critical extensions (`crit`), none of which are understood.
    UnsupportedCritical,
    /// No key has the signature's `kid`.
    UnknownKey,
    /// The key with that `kid` is bound to another algorithm.
    AlgorithmMismatch {
        /// The algorithm the key is bound to.
        key: Algorithm,
        /// The algorithm the header claims.
        header: Algorithm,
    },
    /// The signature does not verify.
    BadSignature,
    /// The signature verifies only over the card as served, not over the §8.4.1 payload (the
    /// signer did not omit default-valued fields).
    CanonicalizationMismatch,
    /// The card cannot be canonicalized (not strict JSON).
    Canonicalization,
    /// The signing key has no `kid`, which the protected header requires.
    SigningKeyWithoutKid,
    /// Signing failed.
    Signing(KeyError),
}

impl fmt::Display for CardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnObject => f.write_str("agent card is not a json object"),
            Self::NoSignature => f.write_str("agent card has no signatures"),
            Self::MalformedEntry => {
                f.write_str("signature entry lacks string `protected` and `signature` members")
            }
            Self::MalformedHeader => {
                f.write_str("signature protected header or value is not valid base64url json")
            }
            Self::MissingAlg => f.write_str("signature protected header lacks `alg`"),
            Self::MissingKid => f.write_str("signature protected header lacks `kid`"),
            Self::UnsupportedAlgorithm => f.write_str("signature algorithm not supported"),
            Self::UnsupportedCritical => f.write_str("signature header has critical extensions"),
            Self::UnknownKey => f.write_str("no key for the signature's kid"),
            Self::AlgorithmMismatch { key, header } => {
                write!(
                    f,
                    "signature alg {header} does not match its key's algorithm {key}"
                )
            }
            Self::BadSignature => f.write_str("card signature does not verify"),
            Self::CanonicalizationMismatch => f.write_str(
                "card signature verifies only without default-value removal (a2a 1.0 §8.4.1)",
            ),
            Self::Canonicalization => f.write_str("agent card cannot be canonicalized"),
            Self::SigningKeyWithoutKid => f.write_str("signing key has no kid"),
            Self::Signing(e) => write!(f, "card signing failed: {e}"),
        }
    }
}

impl std::error::Error for CardError {}

/// How the signed payload is derived from a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Canonicalization {
    /// A2A 1.0 §8.4.1: field-presence reduction, then RFC 8785.
    #[default]
    ProtoPresence,
    /// RFC 8785 of the card as served, minus `signatures` (A2A 0.3).
    AsServed,
}

/// A field of a card message: its JSON name, whether it is dropped at its default value, and
/// the shape of what it holds.
#[derive(Debug)]
pub struct Field {
    /// The `ProtoJSON` (camelCase) name.
    pub name: &'static str,
    /// Neither REQUIRED nor `optional`: omitted when default-valued.
    pub omit_default: bool,
    /// What the field holds.
    pub holds: Holds,
}

/// The shape of a field's value, for the recursive walk.
#[derive(Debug)]
pub enum Holds {
    /// A scalar, a `Struct` or a message this table does not descend into.
    Leaf,
    /// A message.
    Message(&'static [Field]),
    /// A repeated message.
    List(&'static [Field]),
    /// A map whose values are messages.
    MapOf(&'static [Field]),
}

const fn f(name: &'static str, omit_default: bool, holds: Holds) -> Field {
    Field {
        name,
        omit_default,
        holds,
    }
}

use Holds::{Leaf, List, MapOf, Message};

const STRING_LIST: &[Field] = &[f("list", true, Leaf)];
const SECURITY_REQUIREMENT: &[Field] = &[f("schemes", true, MapOf(STRING_LIST))];
const AUTHORIZATION_CODE_FLOW: &[Field] = &[
    f("authorizationUrl", false, Leaf),
    f("tokenUrl", false, Leaf),
    f("refreshUrl", true, Leaf),
    f("scopes", false, Leaf),
    f("pkceRequired", true, Leaf),
];
const CLIENT_CREDENTIALS_FLOW: &[Field] = &[
    f("tokenUrl", false, Leaf),
    f("refreshUrl", true, Leaf),
    f("scopes", false, Leaf),
];
const DEVICE_CODE_FLOW: &[Field] = &[
    f("deviceAuthorizationUrl", false, Leaf),
    f("tokenUrl", false, Leaf),
    f("refreshUrl", true, Leaf),
    f("scopes", false, Leaf),
];
const IMPLICIT_FLOW: &[Field] = &[
    f("authorizationUrl", true, Leaf),
    f("refreshUrl", true, Leaf),
    f("scopes", true, Leaf),
];
const PASSWORD_FLOW: &[Field] = &[
    f("tokenUrl", true, Leaf),
    f("refreshUrl", true, Leaf),
    f("scopes", true, Leaf),
];
const OAUTH_FLOWS: &[Field] = &[
    f("authorizationCode", false, Message(AUTHORIZATION_CODE_FLOW)),
    f("clientCredentials", false, Message(CLIENT_CREDENTIALS_FLOW)),
    f("implicit", false, Message(IMPLICIT_FLOW)),
    f("password", false, Message(PASSWORD_FLOW)),
    f("deviceCode", false, Message(DEVICE_CODE_FLOW)),
];
const DESCRIPTION_ONLY: &[Field] = &[f("description", true, Leaf)];
const API_KEY_SCHEME: &[Field] = &[
    f("description", true, Leaf),
    f("location", false, Leaf),
    f("name", false, Leaf),
];
const HTTP_AUTH_SCHEME: &[Field] = &[
    f("description", true, Leaf),
    f("scheme", false, Leaf),
    f("bearerFormat", true, Leaf),
];
const OAUTH2_SCHEME: &[Field] = &[
    f("description", true, Leaf),
    f("flows", false, Message(OAUTH_FLOWS)),
    f("oauth2MetadataUrl", true, Leaf),
];
const OPEN_ID_CONNECT_SCHEME: &[Field] = &[
    f("description", true, Leaf),
    f("openIdConnectUrl", false, Leaf),
];
const SECURITY_SCHEME: &[Field] = &[
    f("apiKeySecurityScheme", false, Message(API_KEY_SCHEME)),
    f("httpAuthSecurityScheme", false, Message(HTTP_AUTH_SCHEME)),
    f("oauth2SecurityScheme", false, Message(OAUTH2_SCHEME)),
    f(
        "openIdConnectSecurityScheme",
        false,
        Message(OPEN_ID_CONNECT_SCHEME),
    ),
    f("mtlsSecurityScheme", false, Message(DESCRIPTION_ONLY)),
];
const AGENT_EXTENSION: &[Field] = &[
    f("uri", true, Leaf),
    f("description", true, Leaf),
    f("required", true, Leaf),
    f("params", false, Leaf),
];
const AGENT_CAPABILITIES: &[Field] = &[
    f("streaming", false, Leaf),
    f("pushNotifications", false, Leaf),
    f("extensions", true, List(AGENT_EXTENSION)),
    f("extendedAgentCard", false, Leaf),
];
const AGENT_INTERFACE: &[Field] = &[
    f("url", false, Leaf),
    f("protocolBinding", false, Leaf),
    f("tenant", true, Leaf),
    f("protocolVersion", false, Leaf),
];
const AGENT_SKILL: &[Field] = &[
    f("id", false, Leaf),
    f("name", false, Leaf),
    f("description", false, Leaf),
    f("tags", false, Leaf),
    f("examples", true, Leaf),
    f("inputModes", true, Leaf),
    f("outputModes", true, Leaf),
    f("securityRequirements", true, List(SECURITY_REQUIREMENT)),
];

/// Field presence of the 1.0.1 `AgentCard` message and everything it contains (`a2a.proto`).
pub const FIELD_PRESENCE: &[Field] = &[
    f("name", false, Leaf),
    f("description", false, Leaf),
    f("supportedInterfaces", false, List(AGENT_INTERFACE)),
    f("provider", false, Leaf),
    f("version", false, Leaf),
    f("documentationUrl", false, Leaf),
    f("capabilities", false, Message(AGENT_CAPABILITIES)),
    f("securitySchemes", true, MapOf(SECURITY_SCHEME)),
    f("securityRequirements", true, List(SECURITY_REQUIREMENT)),
    f("defaultInputModes", false, Leaf),
    f("defaultOutputModes", false, Leaf),
    f("skills", false, List(AGENT_SKILL)),
    f("iconUrl", false, Leaf),
];

fn is_default(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

fn reduce_message(object: &mut Map<String, Value>, fields: &[Field]) {
    for field in fields {
        let Some(value) = object.get_mut(field.name) else {
            continue;
        };
        if field.omit_default && is_default(value) {
            object.remove(field.name);
            continue;
        }
        reduce(value, &field.holds);
    }
}

fn reduce(value: &mut Value, holds: &Holds) {
    match (holds, value) {
        (Message(fields), Value::Object(o)) => reduce_message(o, fields),
        (List(fields), Value::Array(items)) => {
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                reduce_message(item, fields);
            }
        }
        (MapOf(fields), Value::Object(map)) => {
            for item in map.values_mut().filter_map(Value::as_object_mut) {
                reduce_message(item, fields);
            }
        }
        _ => {}
    }
}

/// The bytes a card signature covers: the card without `signatures`, reduced per
/// `canonicalization`, in RFC 8785 form.
pub fn signing_payload(
    card: &Value,
    canonicalization: Canonicalization,
) -> Result<Vec<u8>, CardError> {
    let mut card = card.as_object().ok_or(CardError::NotAnObject)?.clone();
    card.remove("signatures");
    if canonicalization == Canonicalization::ProtoPresence {
        reduce_message(&mut card, FIELD_PRESENCE);
    }
    Ok(jcs::canonicalize_value(&Value::Object(card)))
}

/// Signs `card` with `key` (which must have a `kid`) and appends the signature to its
/// `signatures` array (existing signatures are kept: several may coexist for key rotation).
/// `jku`, when given, is put in the protected header.
pub fn sign(card: &mut Value, key: &SigningKey, jku: Option<&str>) -> Result<(), CardError> {
    let kid = key.kid().ok_or(CardError::SigningKeyWithoutKid)?;
    let payload = signing_payload(card, Canonicalization::ProtoPresence)?;
    let mut header = json!({"alg": key.alg().name(), "typ": "JOSE", "kid": kid});
    if let Some(jku) = jku {
        header["jku"] = Value::from(jku);
    }
    // Serializing a `Value` cannot fail.
    let header = serde_json::to_vec(&header).unwrap_or_default();
    let protected = base64url::encode(&header);
    let signature = key
        .sign(signing_input(&protected, &payload).as_bytes())
        .map_err(CardError::Signing)?;
    let entry = json!({"protected": protected, "signature": base64url::encode(&signature)});
    let object = card.as_object_mut().ok_or(CardError::NotAnObject)?;
    match object.get_mut("signatures") {
        Some(Value::Array(signatures)) => signatures.push(entry),
        _ => {
            object.insert("signatures".into(), Value::Array(vec![entry]));
        }
    }
    Ok(())
}

fn signing_input(protected: &str, payload: &[u8]) -> String {
    let mut input = String::with_capacity(protected.len() + 1 + payload.len() * 4 / 3 + 4);
    input.push_str(protected);
    input.push('.');
    input.push_str(&base64url::encode(payload));
    input
}

/// A signature that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// Its index in `signatures`.
    pub index: usize,
    /// The algorithm.
    pub alg: Algorithm,
    /// The key id.
    pub kid: String,
    /// The `jku` of the protected header, if any (informational: the key came from `keys`).
    pub jku: Option<String>,
    /// The `typ` of the protected header, if any (A2A says it SHOULD be `JOSE`).
    pub typ: Option<String>,
}

struct ProtectedHeader {
    alg: Algorithm,
    kid: String,
    jku: Option<String>,
    typ: Option<String>,
}

fn protected_header(protected: &str) -> Result<ProtectedHeader, CardError> {
    let bytes = base64url::decode(protected.as_bytes()).ok_or(CardError::MalformedHeader)?;
    let header = crate::json::parse_strict(&bytes).map_err(|_| CardError::MalformedHeader)?;
    let header = header.as_object().ok_or(CardError::MalformedHeader)?;
    let alg = match header.get("alg") {
        None => return Err(CardError::MissingAlg),
        Some(Value::String(alg)) => {
            Algorithm::from_name(alg).ok_or(CardError::UnsupportedAlgorithm)?
        }
        Some(_) => return Err(CardError::MalformedHeader),
    };
    let kid = match header.get("kid") {
        None => return Err(CardError::MissingKid),
        Some(Value::String(kid)) => kid.clone(),
        Some(_) => return Err(CardError::MalformedHeader),
    };
    if header.contains_key("crit") || header.get("b64") == Some(&Value::Bool(false)) {
        return Err(CardError::UnsupportedCritical);
    }
    let text = |name: &str| header.get(name).and_then(Value::as_str).map(str::to_owned);
    Ok(ProtectedHeader {
        alg,
        kid,
        jku: text("jku"),
        typ: text("typ"),
    })
}

/// Verifies every entry of `signatures`, in order, each with its own outcome (for reports).
pub fn verify_each(
    card: &Value,
    keys: &JwkSet,
    canonicalization: Canonicalization,
) -> Result<Vec<Result<VerifiedSignature, CardError>>, CardError> {
    let signatures = match card
        .as_object()
        .ok_or(CardError::NotAnObject)?
        .get("signatures")
    {
        Some(Value::Array(s)) if !s.is_empty() => s,
        _ => return Err(CardError::NoSignature),
    };
    let payload = signing_payload(card, canonicalization)?;
    // Computed only if a signature fails over the §8.4.1 payload.
    let mut as_served: Option<Vec<u8>> = None;
    let outcomes = signatures
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            verify_entry(
                entry,
                keys,
                &payload,
                || {
                    as_served
                        .get_or_insert_with(|| {
                            signing_payload(card, Canonicalization::AsServed).unwrap_or_default()
                        })
                        .clone()
                },
                canonicalization,
            )
            .map(|h| VerifiedSignature {
                index,
                alg: h.alg,
                kid: h.kid,
                jku: h.jku,
                typ: h.typ,
            })
        })
        .collect();
    Ok(outcomes)
}

fn verify_entry(
    entry: &Value,
    keys: &JwkSet,
    payload: &[u8],
    as_served: impl FnOnce() -> Vec<u8>,
    canonicalization: Canonicalization,
) -> Result<ProtectedHeader, CardError> {
    let (Some(protected), Some(signature)) = (
        entry.get("protected").and_then(Value::as_str),
        entry.get("signature").and_then(Value::as_str),
    ) else {
        return Err(CardError::MalformedEntry);
    };
    let header = protected_header(protected)?;
    let key = keys
        .find(Some(&header.kid), header.alg)
        .map_err(|e| match e {
            KeyLookupError::AlgorithmMismatch { key, claimed } => CardError::AlgorithmMismatch {
                key,
                header: claimed,
            },
            _ => CardError::UnknownKey,
        })?;
    let signature = base64url::decode(signature.as_bytes()).ok_or(CardError::MalformedHeader)?;
    if key
        .verify(signing_input(protected, payload).as_bytes(), &signature)
        .is_ok()
    {
        return Ok(header);
    }
    if canonicalization == Canonicalization::ProtoPresence {
        let served = as_served();
        if served != payload
            && key
                .verify(signing_input(protected, &served).as_bytes(), &signature)
                .is_ok()
        {
            return Err(CardError::CanonicalizationMismatch);
        }
    }
    Err(CardError::BadSignature)
}

/// Verifies a card: succeeds with the first signature that verifies (A2A 1.0 §8.4.3: several
/// may be present for key rotation; one verified signature suffices). When none verifies, the
/// error of the first entry is returned.
pub fn verify(
    card: &Value,
    keys: &JwkSet,
    canonicalization: Canonicalization,
) -> Result<VerifiedSignature, CardError> {
    let mut first_error = None;
    for outcome in verify_each(card, keys, canonicalization)? {
        match outcome {
            Ok(verified) => return Ok(verified),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or(CardError::NoSignature))
}

/// Parses `bytes` strictly (duplicate member names refused) and verifies the card.
pub fn verify_bytes(
    bytes: &[u8],
    keys: &JwkSet,
    canonicalization: Canonicalization,
) -> Result<VerifiedSignature, CardError> {
    let card = crate::json::parse_strict(bytes).map_err(|_| CardError::Canonicalization)?;
    verify(&card, keys, canonicalization)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> Value {
        json!({
            "name": "Example Agent",
            "description": "",
            "supportedInterfaces": [
                {"url": "https://agent.example/a2a", "protocolBinding": "JSONRPC", "protocolVersion": "1.0", "tenant": ""}
            ],
            "version": "1.0.0",
            "capabilities": {"streaming": false, "pushNotifications": false, "extensions": []},
            "defaultInputModes": ["text/plain"],
            "defaultOutputModes": ["text/plain"],
            "securitySchemes": {},
            "skills": [{"id": "s", "name": "S", "description": "d", "tags": ["t"], "examples": []}]
        })
    }

    fn key_and_set(alg: Algorithm) -> (SigningKey, JwkSet) {
        let key = SigningKey::generate(alg).unwrap().with_kid("key-1");
        let mut set = JwkSet::new();
        set.insert(key.verifying_key().unwrap()).unwrap();
        (key, set)
    }

    #[test]
    fn drops_default_valued_non_optional_fields_as_in_the_spec_example() {
        // A2A 1.0 §8.4.1, "Example of Default Value Removal".
        let fragment = json!({
            "name": "Example Agent",
            "description": "",
            "capabilities": {"streaming": false, "pushNotifications": false, "extensions": []},
            "skills": []
        });
        let payload = signing_payload(&fragment, Canonicalization::ProtoPresence).unwrap();
        assert_eq!(
            String::from_utf8(payload).unwrap(),
            r#"{"capabilities":{"pushNotifications":false,"streaming":false},"description":"","name":"Example Agent","skills":[]}"#
        );
    }

    #[test]
    fn signs_and_verifies_with_every_asymmetric_algorithm() {
        for alg in [Algorithm::ES256, Algorithm::EdDSA] {
            let (key, set) = key_and_set(alg);
            let mut signed = card();
            sign(&mut signed, &key, Some("https://agent.example/jwks.json")).unwrap();
            let ok = verify(&signed, &set, Canonicalization::ProtoPresence).unwrap();
            assert_eq!(
                (ok.alg, ok.kid.as_str(), ok.typ.as_deref()),
                (alg, "key-1", Some("JOSE"))
            );
            assert_eq!(ok.jku.as_deref(), Some("https://agent.example/jwks.json"));
        }
    }

    #[test]
    fn rejects_a_card_changed_after_signing() {
        let (key, set) = key_and_set(Algorithm::ES256);
        let mut signed = card();
        sign(&mut signed, &key, None).unwrap();
        signed["name"] = json!("Evil Agent");
        assert_eq!(
            verify(&signed, &set, Canonicalization::ProtoPresence),
            Err(CardError::BadSignature)
        );
    }

    #[test]
    fn adding_or_removing_a_default_valued_field_keeps_the_signature_valid() {
        let (key, set) = key_and_set(Algorithm::ES256);
        let mut signed = card();
        sign(&mut signed, &key, None).unwrap();
        signed["securityRequirements"] = json!([]);
        signed["capabilities"]
            .as_object_mut()
            .unwrap()
            .remove("extensions");
        assert!(verify(&signed, &set, Canonicalization::ProtoPresence).is_ok());
        // An explicitly set optional field is part of the payload.
        signed["capabilities"]["streaming"] = json!(true);
        assert_eq!(
            verify(&signed, &set, Canonicalization::ProtoPresence),
            Err(CardError::BadSignature)
        );
    }

    #[test]
    fn reports_a_signer_that_skipped_default_removal() {
        let (key, set) = key_and_set(Algorithm::ES256);
        let mut signed = card();
        let payload = signing_payload(&signed, Canonicalization::AsServed).unwrap();
        let protected = base64url::encode(br#"{"alg":"ES256","kid":"key-1","typ":"JOSE"}"#);
        let sig = key
            .sign(signing_input(&protected, &payload).as_bytes())
            .unwrap();
        signed["signatures"] =
            json!([{"protected": protected, "signature": base64url::encode(&sig)}]);
        assert_eq!(
            verify(&signed, &set, Canonicalization::ProtoPresence),
            Err(CardError::CanonicalizationMismatch)
        );
        assert!(verify(&signed, &set, Canonicalization::AsServed).is_ok());
    }

    #[test]
    fn names_each_header_failure() {
        let (key, set) = key_and_set(Algorithm::ES256);
        let mut signed = card();
        sign(&mut signed, &key, None).unwrap();
        let good = signed["signatures"][0].clone();
        let with_header = |header: &str| {
            let mut card = signed.clone();
            card["signatures"] = json!([{"protected": base64url::encode(header.as_bytes()), "signature": good["signature"]}]);
            verify(&card, &set, Canonicalization::ProtoPresence)
        };
        assert_eq!(
            with_header(r#"{"kid":"key-1"}"#),
            Err(CardError::MissingAlg)
        );
        assert_eq!(
            with_header(r#"{"alg":"ES256"}"#),
            Err(CardError::MissingKid)
        );
        assert_eq!(
            with_header(r#"{"alg":"none","kid":"key-1"}"#),
            Err(CardError::UnsupportedAlgorithm)
        );
        assert_eq!(
            with_header(r#"{"alg":"ES256","kid":"other"}"#),
            Err(CardError::UnknownKey)
        );
        assert_eq!(
            with_header(r#"{"alg":"EdDSA","kid":"key-1"}"#),
            Err(CardError::AlgorithmMismatch {
                key: Algorithm::ES256,
                header: Algorithm::EdDSA
            })
        );
        assert_eq!(
            with_header(r#"{"alg":"ES256","kid":"key-1","kid":"key-1"}"#),
            Err(CardError::MalformedHeader)
        );
        assert_eq!(
            with_header(r#"{"alg":"ES256","kid":"key-1","crit":["x"],"x":1}"#),
            Err(CardError::UnsupportedCritical)
        );
        let mut none = signed.clone();
        none.as_object_mut().unwrap().remove("signatures");
        assert_eq!(
            verify(&none, &set, Canonicalization::ProtoPresence),
            Err(CardError::NoSignature)
        );
        none["signatures"] = json!([{"protected": 1}]);
        assert_eq!(
            verify(&none, &set, Canonicalization::ProtoPresence),
            Err(CardError::MalformedEntry)
        );
    }

    #[test]
    fn one_valid_signature_among_several_suffices() {
        let (old, _) = key_and_set(Algorithm::EdDSA);
        let (new, set) = key_and_set(Algorithm::ES256);
        let mut signed = card();
        sign(&mut signed, &old.with_kid("retired"), None).unwrap();
        sign(&mut signed, &new, None).unwrap();
        let ok = verify(&signed, &set, Canonicalization::ProtoPresence).unwrap();
        assert_eq!(ok.index, 1);
        let each = verify_each(&signed, &set, Canonicalization::ProtoPresence).unwrap();
        assert_eq!(each[0], Err(CardError::UnknownKey));
    }
}
