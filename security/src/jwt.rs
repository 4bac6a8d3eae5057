//! JSON Web Tokens (RFC 7519) in JWS compact form: strict validation and minting.
//!
//! Validation order, each step failing with its own [`JwtError`]:
//!
//! 1. size (at most [`Validation::max_token_len`] bytes) and shape (exactly three segments of
//!    canonical unpadded base64url, RFC 7515 §7.1);
//! 2. the protected header: strict JSON object, no duplicate member names, `alg` one of the
//!    supported algorithms (`none` is refused, RFC 8725 §3.1), no `crit` (this implementation
//!    understands no critical extension, so any is refused per RFC 7515 §4.1.11), no
//!    `b64: false` (RFC 7797 payloads are refused), optional `typ` check; embedded keys (`jwk`,
//!    `jku`, `x5u`, `x5c`) are never used to find the key;
//! 3. the key: by `kid` from the configured [`JwkSet`], and it must be bound to the header's
//!    `alg` (no HS/RS confusion);
//! 4. the signature, over the exact received `header.payload` bytes;
//! 5. only then the claims: strict JSON object, no duplicate member names, `exp` (required by
//!    default), `nbf`, `iat` with leeway, `iss`, `aud` (string or array), optional maximum age;
//! 6. replay: with a [`ReplayStore`] configured, `jti` is required and is recorded under
//!    `iss` until `exp + leeway`; a second presentation is [`JwtError::Replayed`].

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::base64url;
use crate::clock::{Clock, UnixTime};
use crate::jwk::{JwkSet, KeyLookupError};
use crate::jws::{Algorithm, KeyError, SigningKey};
use crate::replay::{ReplayError, ReplayStore};

/// Default maximum token length in bytes.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 8 * 1024;

/// The part of a token an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The protected header.
    Header,
    /// The claims (payload).
    Claims,
    /// The signature.
    Signature,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Header => "header",
            Self::Claims => "claims",
            Self::Signature => "signature",
        })
    }
}

/// Why a token was refused. Messages never contain the token or any claim value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtError {
    /// Longer than the configured maximum.
    TooLarge {
        /// The configured maximum, in bytes.
        max: usize,
    },
    /// Not three dot-separated segments.
    NotCompact,
    /// A segment is not canonical unpadded base64url.
    BadEncoding(Part),
    /// A segment is not a JSON object, or a member has the wrong type.
    Malformed(Part),
    /// A JSON member name appears twice.
    DuplicateMember(Part),
    /// `alg` is `none`: unsigned tokens are never accepted.
    Unsigned,
    /// `alg` names an algorithm this validator does not support.
    UnsupportedAlgorithm,
    /// The header lists critical extensions (`crit`), none of which are understood.
    UnsupportedCritical,
    /// The header asks for an unencoded payload (`b64: false`, RFC 7797).
    UnencodedPayload,
    /// `typ` differs from the expected type.
    WrongType,
    /// No key has the token's `kid` (or, without one, no key of its algorithm).
    UnknownKey,
    /// Without a `kid`, several keys could verify the token.
    AmbiguousKey,
    /// The key named by `kid` is bound to another algorithm than the header's `alg`.
    AlgorithmMismatch {
        /// The algorithm the key is bound to.
        key: Algorithm,
        /// The algorithm the header claims.
        token: Algorithm,
    },
    /// The signature does not verify.
    BadSignature,
    /// A required claim is absent.
    MissingClaim(&'static str),
    /// `exp` has passed (beyond the leeway).
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    NotYetValid,
    /// `iat` is in the future (beyond the leeway).
    IssuedInFuture,
    /// `iat` is older than the configured maximum age.
    TooOld,
    /// `iss` is not an accepted issuer.
    WrongIssuer,
    /// `aud` does not contain an accepted audience.
    WrongAudience,
    /// The `jti` was already presented.
    Replayed,
    /// The replay cache is full of live ids and refuses new ones.
    ReplayCacheFull,
    /// Minting failed.
    Signing(KeyError),
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { max } => write!(f, "token longer than {max} bytes"),
            Self::NotCompact => f.write_str("token is not in jws compact form (three segments)"),
            Self::BadEncoding(p) => write!(f, "token {p} is not canonical base64url"),
            Self::Malformed(p) => write!(f, "token {p} is not a valid json object"),
            Self::DuplicateMember(p) => write!(f, "token {p} has a duplicate member name"),
            Self::Unsigned => f.write_str("unsigned token (alg none) refused"),
            Self::UnsupportedAlgorithm => f.write_str("token algorithm not supported"),
            Self::UnsupportedCritical => f.write_str("token has critical header extensions"),
            Self::UnencodedPayload => f.write_str("unencoded payload (b64=false) refused"),
            Self::WrongType => f.write_str("token type (typ) not accepted"),
            Self::UnknownKey => f.write_str("no key for the token's kid"),
            Self::AmbiguousKey => f.write_str("token has no kid and several keys match"),
            Self::AlgorithmMismatch { key, token } => {
                write!(
                    f,
                    "token alg {token} does not match its key's algorithm {key}"
                )
            }
            Self::BadSignature => f.write_str("token signature does not verify"),
            Self::MissingClaim(c) => write!(f, "token lacks the `{c}` claim"),
            Self::Expired => f.write_str("token expired"),
            Self::NotYetValid => f.write_str("token not yet valid (nbf)"),
            Self::IssuedInFuture => f.write_str("token issued in the future (iat)"),
            Self::TooOld => f.write_str("token older than the maximum age"),
            Self::WrongIssuer => f.write_str("token issuer not accepted"),
            Self::WrongAudience => f.write_str("token audience not accepted"),
            Self::Replayed => f.write_str("token already used (jti replay)"),
            Self::ReplayCacheFull => f.write_str("replay cache full; token refused"),
            Self::Signing(e) => write!(f, "minting failed: {e}"),
        }
    }
}

impl std::error::Error for JwtError {}

/// What a validator accepts.
#[derive(Debug, Clone)]
pub struct Validation {
    /// Accepted `iss` values; empty means `iss` is not checked.
    pub issuers: Vec<String>,
    /// Accepted audiences; the token's `aud` must contain one. Empty means not checked.
    pub audiences: Vec<String>,
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds (default 60).
    pub leeway: u64,
    /// Whether `exp` is required (default true).
    pub require_exp: bool,
    /// Whether `sub` is required (default false).
    pub require_sub: bool,
    /// Maximum age from `iat`, in seconds; `iat` becomes required when set.
    pub max_age: Option<u64>,
    /// The required `typ` header value (compared ASCII case-insensitively); `None` accepts any.
    pub typ: Option<String>,
    /// Maximum token length in bytes.
    pub max_token_len: usize,
}

impl Default for Validation {
    fn default() -> Self {
        Self {
            issuers: Vec::new(),
            audiences: Vec::new(),
            leeway: 60,
            require_exp: true,
            require_sub: false,
            max_age: None,
            typ: None,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
        }
    }
}

/// The protected header of a validated token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The algorithm.
    pub alg: Algorithm,
    /// The key id, if any.
    pub kid: Option<String>,
    /// The media type, if any.
    pub typ: Option<String>,
}

/// The claims of a validated token.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Claims {
    /// `iss`.
    pub iss: Option<String>,
    /// `sub`.
    pub sub: Option<String>,
    /// `aud`, normalised to a list.
    pub aud: Vec<String>,
    /// `exp`, seconds (fractions truncated).
    pub exp: Option<UnixTime>,
    /// `nbf`, seconds (fractions truncated).
    pub nbf: Option<UnixTime>,
    /// `iat`, seconds (fractions truncated).
    pub iat: Option<UnixTime>,
    /// `jti`.
    pub jti: Option<String>,
    /// `scope` (space-separated, RFC 8693 §4.2).
    pub scope: Option<String>,
    /// Every other claim.
    pub extra: Map<String, Value>,
}

impl Claims {
    /// The scopes of the `scope` claim.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope
            .as_deref()
            .unwrap_or("")
            .split(' ')
            .filter(|s| !s.is_empty())
    }

    /// Whether `scope` contains `wanted`.
    pub fn has_scope(&self, wanted: &str) -> bool {
        self.scopes().any(|s| s == wanted)
    }
}

/// A token that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Validated {
    /// Its header.
    pub header: Header,
    /// Its claims.
    pub claims: Claims,
}

/// Validates tokens against a key set and a [`Validation`] policy.
#[derive(Debug, Clone)]
pub struct Validator {
    keys: JwkSet,
    validation: Validation,
    clock: Arc<dyn Clock>,
    replay: Option<Arc<dyn ReplayStore>>,
}

impl Validator {
    /// A validator without replay detection.
    pub fn new(keys: JwkSet, validation: Validation, clock: Arc<dyn Clock>) -> Self {
        Self {
            keys,
            validation,
            clock,
            replay: None,
        }
    }

    /// The same validator, recording each token's `jti` in `store` and refusing replays.
    #[must_use]
    pub fn with_replay_store(mut self, store: Arc<dyn ReplayStore>) -> Self {
        self.replay = Some(store);
        self
    }

    /// The policy.
    pub fn validation(&self) -> &Validation {
        &self.validation
    }

    /// The keys.
    pub fn keys(&self) -> &JwkSet {
        &self.keys
    }

    /// Validates `token` (the compact serialization, without any `Bearer ` prefix).
    pub fn validate(&self, token: &str) -> Result<Validated, JwtError> {
        let v = &self.validation;
        let token = token.as_bytes();
        if token.len() > v.max_token_len {
            return Err(JwtError::TooLarge {
                max: v.max_token_len,
            });
        }
        let (header_b64, payload_b64, signature_b64) = split(token)?;

        // Segments are decoded into stack buffers when they fit (nearly always; RSA signatures
        // do not).
        let (mut stack, mut heap) = ([0u8; 256], Vec::new());
        let header_json = decode_segment(header_b64, &mut stack, &mut heap)
            .ok_or(JwtError::BadEncoding(Part::Header))?;
        let header = parse_header(header_json)?;
        if let Some(wanted) = &v.typ
            && !header
                .typ
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(wanted))
        {
            return Err(JwtError::WrongType);
        }

        let key = self
            .keys
            .find(header.kid.as_deref(), header.alg)
            .map_err(|e| match e {
                KeyLookupError::Ambiguous => JwtError::AmbiguousKey,
                KeyLookupError::AlgorithmMismatch { key, claimed } => JwtError::AlgorithmMismatch {
                    key,
                    token: claimed,
                },
                _ => JwtError::UnknownKey,
            })?;

        // The largest signature is an 8192-bit RSA one (1024 bytes).
        if signature_b64.len() > 1366 {
            return Err(JwtError::BadSignature);
        }
        let (mut stack, mut heap) = ([0u8; 64], Vec::new());
        let signature = decode_segment(signature_b64, &mut stack, &mut heap)
            .ok_or(JwtError::BadEncoding(Part::Signature))?;
        let signing_input = &token[..header_b64.len() + 1 + payload_b64.len()];
        key.verify(signing_input, signature)
            .map_err(|_| JwtError::BadSignature)?;

        let (mut stack, mut heap) = ([0u8; 1024], Vec::new());
        let claims_json = decode_segment(payload_b64, &mut stack, &mut heap)
            .ok_or(JwtError::BadEncoding(Part::Claims))?;
        // Built in place: the claims are a few hundred bytes, each move a copy.
        let mut validated = Validated {
            header,
            claims: Claims::default(),
        };
        parse_claims_into(claims_json, &mut validated.claims)?;
        self.check_claims(&validated.claims)?;
        Ok(validated)
    }

    fn check_claims(&self, claims: &Claims) -> Result<(), JwtError> {
        let v = &self.validation;
        let now = self.clock.now();
        match claims.exp {
            // RFC 7519 §4.1.4: not accepted "on or after" exp.
            Some(exp) if now >= exp.saturating_add(v.leeway) => return Err(JwtError::Expired),
            None if v.require_exp => return Err(JwtError::MissingClaim("exp")),
            _ => {}
        }
        if let Some(nbf) = claims.nbf
            && now.saturating_add(v.leeway) < nbf
        {
            return Err(JwtError::NotYetValid);
        }
        match (claims.iat, v.max_age) {
            (Some(iat), _) if now.saturating_add(v.leeway) < iat => {
                return Err(JwtError::IssuedInFuture);
            }
            (Some(iat), Some(max)) if now > iat.saturating_add(max).saturating_add(v.leeway) => {
                return Err(JwtError::TooOld);
            }
            (None, Some(_)) => return Err(JwtError::MissingClaim("iat")),
            _ => {}
        }
        if !v.issuers.is_empty() {
            let iss = claims.iss.as_deref().ok_or(JwtError::MissingClaim("iss"))?;
            if !v.issuers.iter().any(|i| i == iss) {
                return Err(JwtError::WrongIssuer);
            }
        }
        if !v.audiences.is_empty() {
            if claims.aud.is_empty() {
                return Err(JwtError::MissingClaim("aud"));
            }
            if !claims.aud.iter().any(|a| v.audiences.contains(a)) {
                return Err(JwtError::WrongAudience);
            }
        }
        if v.require_sub && claims.sub.is_none() {
            return Err(JwtError::MissingClaim("sub"));
        }
        if let Some(store) = &self.replay {
            let jti = claims.jti.as_deref().ok_or(JwtError::MissingClaim("jti"))?;
            // With `exp` absent (only when not required) the id is kept for a day.
            let expires_at = claims
                .exp
                .unwrap_or_else(|| now.saturating_add(86_400))
                .saturating_add(v.leeway);
            let iss = claims.iss.as_deref().unwrap_or("");
            let mut id = Vec::with_capacity(5 + iss.len() + jti.len());
            id.extend_from_slice(b"jwt:");
            id.extend_from_slice(iss.as_bytes());
            id.push(0);
            id.extend_from_slice(jti.as_bytes());
            store
                .check_and_insert(&id, expires_at, now)
                .map_err(|e| match e {
                    ReplayError::Replayed => JwtError::Replayed,
                    _ => JwtError::ReplayCacheFull,
                })?;
        }
        Ok(())
    }
}

/// The three segments of a compact JWS: header, payload, signature.
type Segments<'a> = (&'a [u8], &'a [u8], &'a [u8]);

fn split(token: &[u8]) -> Result<Segments<'_>, JwtError> {
    // Counting the dots first, in a loop without an early exit that the compiler vectorises
    // (byte counters per 64-byte chunk), keeps the verdict exact; the two searches then cross
    // only the short outer segments, eight bytes at a time.
    let dots: usize = token
        .chunks(64)
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(b == b'.'))))
        .sum();
    if dots != 2 {
        return Err(JwtError::NotCompact);
    }
    match (first_dot(token), last_dot(token)) {
        (Some(first), Some(last)) => {
            Ok((&token[..first], &token[first + 1..last], &token[last + 1..]))
        }
        _ => Err(JwtError::NotCompact),
    }
}

/// The bytes of `word` that are `.`, as their top bits; exact (no carries between bytes).
fn dot_bytes(word: &[u8]) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut bytes = [0; 8];
    bytes.copy_from_slice(word);
    let zero_where_dot = u64::from_le_bytes(bytes) ^ (ONES * u64::from(b'.'));
    !(((zero_where_dot & (ONES * 0x7f)) + ONES * 0x7f) | zero_where_dot) & (ONES * 0x80)
}

fn first_dot(token: &[u8]) -> Option<usize> {
    let mut words = token.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let dots = dot_bytes(word);
        if dots != 0 {
            return Some(at + dots.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| b == b'.')
        .map(|i| at + i)
}

fn last_dot(token: &[u8]) -> Option<usize> {
    let mut words = token.rchunks_exact(8);
    let mut end = token.len();
    for word in &mut words {
        let dots = dot_bytes(word);
        if dots != 0 {
            return Some(end - 1 - dots.leading_zeros() as usize / 8);
        }
        end -= 8;
    }
    words.remainder().iter().rposition(|&b| b == b'.')
}

/// Decodes a base64url segment into `stack` if it fits, else into `heap`.
fn decode_segment<'b>(text: &[u8], stack: &'b mut [u8], heap: &'b mut Vec<u8>) -> Option<&'b [u8]> {
    let len = base64url::decoded_len(text.len())?;
    let out = if len <= stack.len() {
        stack
    } else {
        heap.resize(len, 0);
        heap.as_mut_slice()
    };
    let len = base64url::decode_into(text, out)?;
    Some(&out[..len])
}

// ---- strict JSON parsing of the header and claims -------------------------------------------

const DUPLICATE: &str = "duplicate member";

fn classify(e: &serde_json::Error, part: Part) -> JwtError {
    if e.is_data() && e.to_string().starts_with(DUPLICATE) {
        JwtError::DuplicateMember(part)
    } else {
        JwtError::Malformed(part)
    }
}

/// A member name, borrowed from the input when it has no escapes.
struct Name<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

fn set_once<T, E: de::Error>(slot: &mut Option<T>, value: T) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::custom(DUPLICATE));
    }
    *slot = Some(value);
    Ok(())
}

/// Records an unknown member name, failing on a repeat. Values of unknown members are
/// checked for duplicates too (strict parsing at every depth).
fn note_unknown<'a, E: de::Error>(
    seen: &mut Vec<Cow<'a, str>>,
    name: Cow<'a, str>,
) -> Result<(), E> {
    if seen.contains(&name) {
        return Err(E::custom(DUPLICATE));
    }
    seen.push(name);
    Ok(())
}

/// Any JSON value, rejecting duplicate member names at every depth.
struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a json value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(StrictValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(Name(name)) = map.next_key()? {
            let value = map.next_value_seed(StrictValue)?;
            if object.insert(name.into_owned(), value).is_some() {
                return Err(de::Error::custom(DUPLICATE));
            }
        }
        Ok(Value::Object(object))
    }
}

struct RawHeader {
    alg: Option<String>,
    kid: Option<String>,
    typ: Option<String>,
    crit: bool,
    b64: Option<bool>,
}

impl<'de> de::Deserialize<'de> for RawHeader {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawHeader;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a jose header object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawHeader, A::Error> {
                let (mut alg, mut kid, mut typ, mut crit, mut b64) = (None, None, None, None, None);
                let mut unknown = Vec::new();
                while let Some(Name(name)) = map.next_key()? {
                    match &*name {
                        "alg" => set_once(&mut alg, map.next_value::<String>()?)?,
                        "kid" => set_once(&mut kid, map.next_value::<String>()?)?,
                        "typ" => set_once(&mut typ, map.next_value::<String>()?)?,
                        "crit" => set_once(&mut crit, map.next_value::<Vec<String>>()?)?,
                        "b64" => set_once(&mut b64, map.next_value::<bool>()?)?,
                        _ => {
                            note_unknown(&mut unknown, name)?;
                            map.next_value_seed(StrictValue)?;
                        }
                    }
                }
                Ok(RawHeader {
                    alg,
                    kid,
                    typ,
                    crit: crit.is_some(),
                    b64,
                })
            }
        }
        d.deserialize_map(V)
    }
}

fn parse_header(json: &[u8]) -> Result<Header, JwtError> {
    fast::header(json).map_or_else(|| parse_header_strict(json), Ok)
}

fn parse_header_strict(json: &[u8]) -> Result<Header, JwtError> {
    let raw: RawHeader = serde_json::from_slice(json).map_err(|e| classify(&e, Part::Header))?;
    let alg = raw.alg.ok_or(JwtError::Malformed(Part::Header))?;
    let alg = match Algorithm::from_name(&alg) {
        Some(alg) => alg,
        None if alg.eq_ignore_ascii_case("none") => return Err(JwtError::Unsigned),
        None => return Err(JwtError::UnsupportedAlgorithm),
    };
    if raw.crit {
        return Err(JwtError::UnsupportedCritical);
    }
    if raw.b64 == Some(false) {
        return Err(JwtError::UnencodedPayload);
    }
    Ok(Header {
        alg,
        kid: raw.kid,
        typ: raw.typ,
    })
}

/// A `NumericDate` (RFC 7519 §2): a non-negative JSON number, fractions truncated.
struct NumericDate(UnixTime);

impl<'de> de::Deserialize<'de> for NumericDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = NumericDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative number of seconds")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumericDate, E> {
                Ok(NumericDate(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumericDate, E> {
                u64::try_from(v)
                    .map(NumericDate)
                    .map_err(|_| E::custom("negative date"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumericDate, E> {
                if v.is_finite() && v >= 0.0 {
                    // Truncation intended; values beyond u64 saturate.
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    Ok(NumericDate(v as u64))
                } else {
                    Err(E::custom("invalid date"))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// `aud`: a string or an array of strings (RFC 7519 §4.1.3).
struct Audience(Vec<String>);

impl<'de> de::Deserialize<'de> for Audience {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Audience;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Audience, E> {
                Ok(Audience(vec![v.to_owned()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Audience, A::Error> {
                let mut all = Vec::new();
                while let Some(aud) = seq.next_element::<String>()? {
                    all.push(aud);
                }
                Ok(Audience(all))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> de::Deserialize<'de> for Claims {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Claims;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a jwt claims object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Claims, A::Error> {
                let mut c = Claims::default();
                let (mut aud, mut exp, mut nbf, mut iat) = (None, None, None, None);
                while let Some(Name(name)) = map.next_key()? {
                    match &*name {
                        "iss" => set_once(&mut c.iss, map.next_value()?)?,
                        "sub" => set_once(&mut c.sub, map.next_value()?)?,
                        "jti" => set_once(&mut c.jti, map.next_value()?)?,
                        "scope" => set_once(&mut c.scope, map.next_value()?)?,
                        "aud" => set_once(&mut aud, map.next_value::<Audience>()?.0)?,
                        "exp" => set_once(&mut exp, map.next_value::<NumericDate>()?.0)?,
                        "nbf" => set_once(&mut nbf, map.next_value::<NumericDate>()?.0)?,
                        "iat" => set_once(&mut iat, map.next_value::<NumericDate>()?.0)?,
                        _ => {
                            let value = map.next_value_seed(StrictValue)?;
                            if c.extra.insert(name.into_owned(), value).is_some() {
                                return Err(de::Error::custom(DUPLICATE));
                            }
                        }
                    }
                }
                c.aud = aud.unwrap_or_default();
                (c.exp, c.nbf, c.iat) = (exp, nbf, iat);
                Ok(c)
            }
        }
        d.deserialize_map(V)
    }
}

/// Parses claims into `out` (which the fast path may leave half-filled before the strict path
/// takes over and replaces it).
fn parse_claims_into(json: &[u8], out: &mut Claims) -> Result<(), JwtError> {
    if fast::claims(json, out).is_none() {
        *out = parse_claims_strict(json)?;
    }
    Ok(())
}

fn parse_claims_strict(json: &[u8]) -> Result<Claims, JwtError> {
    serde_json::from_slice(json).map_err(|e| classify(&e, Part::Claims))
}

/// Parses a claims object strictly, without any signature check (for inspection tools).
pub fn parse_claims_unverified(json: &[u8]) -> Result<Claims, JwtError> {
    let mut claims = Claims::default();
    parse_claims_into(json, &mut claims)?;
    Ok(claims)
}

/// The fast path of header and claims parsing: a scanner for the plain forms real tokens use
/// (member names and strings without escapes, non-negative integers, `true`, `false`, `null`,
/// `aud` as an array of plain strings), which answers "not sure" (`None`) for anything else:
/// an escape, a fraction or exponent, a nested value, a duplicate member, an unsupported
/// algorithm, `crit`, `b64`, any syntax error. The caller then parses the whole input again
/// with the strict `serde` path above, which gives the verdict and the error.
///
/// So this path only ever accepts, and what it accepts is exactly what the strict path accepts,
/// with the same result: the tests check that on every input they build.
mod fast {
    use serde_json::Value;

    use super::{Claims, Header};
    use crate::jws::Algorithm;

    struct Scan<'a> {
        text: &'a str,
        at: usize,
    }

    impl<'a> Scan<'a> {
        /// The input must be UTF-8: strings are then sliced out at ASCII quotes, on character
        /// boundaries, without checking each one again.
        fn new(json: &'a [u8]) -> Option<Self> {
            Some(Self {
                text: std::str::from_utf8(json).ok()?,
                at: 0,
            })
        }

        fn bytes(&self) -> &'a [u8] {
            self.text.as_bytes()
        }

        /// The next byte after JSON whitespace.
        fn peek(&mut self) -> Option<u8> {
            while let Some(&c) = self.bytes().get(self.at) {
                if !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                    return Some(c);
                }
                self.at += 1;
            }
            None
        }

        fn eat(&mut self, wanted: u8) -> Option<()> {
            (self.peek()? == wanted).then(|| self.at += 1)
        }

        fn at_end(&mut self) -> bool {
            self.peek().is_none()
        }

        /// A string without escapes (and without the control characters JSON forbids).
        fn string(&mut self) -> Option<&'a str> {
            self.eat(b'"')?;
            let start = self.at;
            let len = string_end(&self.bytes()[start..])?;
            if self.bytes()[start + len] != b'"' {
                return None;
            }
            self.at = start + len + 1;
            self.text.get(start..start + len)
        }

        /// A member name. The usual JOSE and JWT names (three letters, and `scope`) are
        /// recognised by comparing the bytes after the opening quote directly (with their closing
        /// quote, so that `"iss"` matches and `"issuer"` does not); any other is scanned.
        fn name(&mut self) -> Option<&'a str> {
            const fn word(name: [u8; 4]) -> u32 {
                u32::from_le_bytes(name)
            }
            const THREE_LETTERS: [u32; 10] = [
                word(*b"alg\""),
                word(*b"kid\""),
                word(*b"typ\""),
                word(*b"iss\""),
                word(*b"sub\""),
                word(*b"aud\""),
                word(*b"exp\""),
                word(*b"nbf\""),
                word(*b"iat\""),
                word(*b"jti\""),
            ];
            if self.peek()? != b'"' {
                return None;
            }
            let start = self.at + 1;
            let rest = &self.bytes()[start..];
            let len = match rest {
                [a, b, c, d, ..] if THREE_LETTERS.contains(&word([*a, *b, *c, *d])) => 3,
                [b's', b'c', b'o', b'p', b'e', b'"', ..] => 5,
                _ => return self.string(),
            };
            self.at = start + len + 1;
            self.text.get(start..start + len)
        }

        /// A non-negative integer of at most 19 digits (so it fits a `u64`), without a fraction
        /// or an exponent, and without a leading zero (which JSON forbids).
        fn integer(&mut self) -> Option<u64> {
            self.peek()?;
            let (mut value, mut digits) = (0u64, 0);
            for &c in &self.bytes()[self.at..] {
                let digit = c.wrapping_sub(b'0');
                if digit > 9 {
                    break;
                }
                if digits == 19 {
                    return None;
                }
                value = value * 10 + u64::from(digit);
                digits += 1;
            }
            let leading_zero = digits > 1 && self.bytes()[self.at] == b'0';
            self.at += digits;
            let fraction = matches!(self.bytes().get(self.at), Some(b'.' | b'e' | b'E'));
            (digits > 0 && !leading_zero && !fraction).then_some(value)
        }

        /// `true`, `false` or `null`, followed by a delimiter.
        fn literal(&mut self) -> Option<Value> {
            self.peek()?;
            let rest = &self.bytes()[self.at..];
            let (value, len) = if rest.starts_with(b"true") {
                (Value::Bool(true), 4)
            } else if rest.starts_with(b"false") {
                (Value::Bool(false), 5)
            } else if rest.starts_with(b"null") {
                (Value::Null, 4)
            } else {
                return None;
            };
            match rest.get(len) {
                None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b'}' | b']') => {
                    self.at += len;
                    Some(value)
                }
                _ => None,
            }
        }

        /// A string, an integer or a literal, as a JSON value.
        fn scalar(&mut self) -> Option<Value> {
            match self.peek()? {
                b'"' => Some(Value::String(self.string()?.to_owned())),
                b'0'..=b'9' => Some(Value::from(self.integer()?)),
                _ => self.literal(),
            }
        }

        /// An array of strings.
        fn strings(&mut self) -> Option<Vec<String>> {
            self.eat(b'[')?;
            let mut all = Vec::new();
            if self.eat(b']').is_some() {
                return Some(all);
            }
            loop {
                all.push(self.string()?.to_owned());
                match self.peek()? {
                    b',' => self.at += 1,
                    b']' => {
                        self.at += 1;
                        return Some(all);
                    }
                    _ => return None,
                }
            }
        }

        /// Calls `member` with each member name of an object (the value follows), then checks
        /// that nothing but whitespace follows the object.
        fn object(
            &mut self,
            mut member: impl FnMut(&mut Self, &'a str) -> Option<()>,
        ) -> Option<()> {
            self.eat(b'{')?;
            if self.eat(b'}').is_none() {
                loop {
                    let name = self.name()?;
                    self.eat(b':')?;
                    member(self, name)?;
                    match self.peek()? {
                        b',' => self.at += 1,
                        b'}' => {
                            self.at += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
            }
            self.at_end().then_some(())
        }
    }

    /// The index of the first `"`, `\\` or control character, eight bytes at a time.
    ///
    /// `zero(x)` flags the zero bytes of `x` and may also flag bytes above the first real one
    /// (borrows), never below; so the lowest flag over the three tests is the first stop byte.
    fn string_end(bytes: &[u8]) -> Option<usize> {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
        let mut chunks = bytes.chunks_exact(8);
        let mut at = 0;
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            let x = u64::from_le_bytes(word);
            let stops = zero(x ^ (ONES * u64::from(b'"')))
                | zero(x ^ (ONES * u64::from(b'\\')))
                // Bytes below 0x20 (without the high bit).
                | (x.wrapping_sub(ONES * 0x20) & !x & HIGH);
            if stops != 0 {
                return Some(at + stops.trailing_zeros() as usize / 8);
            }
            at += 8;
        }
        let tail = chunks.remainder();
        tail.iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
            .map(|i| at + i)
    }

    #[cfg(test)]
    #[test]
    fn string_end_finds_the_first_stop_byte_wherever_it_is() {
        let naive = |bytes: &[u8]| {
            bytes
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        };
        let fillers: &[u8] = b"a~\x7f\x80\xc3\xff!#[\x21\x1f";
        for len in 0..40 {
            for &filler in fillers {
                let plain = vec![filler; len];
                assert_eq!(string_end(&plain), naive(&plain));
                for at in 0..len {
                    for stop in [b'"', b'\\', 0x00, 0x1f, 0x01] {
                        let mut bytes = plain.clone();
                        bytes[at] = stop;
                        if at + 1 < len {
                            bytes[at + 1] = 0x00;
                        }
                        assert_eq!(string_end(&bytes), naive(&bytes), "{bytes:?}");
                    }
                }
            }
        }
    }

    /// Sets a member seen for the first time; a repeat is left to the strict path.
    fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
        slot.is_none().then(|| *slot = Some(value))
    }

    /// A header with only `alg` (supported), `kid` and `typ`.
    pub(super) fn header(json: &[u8]) -> Option<Header> {
        let mut scan = Scan::new(json)?;
        let (mut alg, mut kid, mut typ) = (None, None, None);
        scan.object(|scan, name| match name {
            "alg" => once(&mut alg, Algorithm::from_name(scan.string()?)?),
            "kid" => once(&mut kid, scan.string()?),
            "typ" => once(&mut typ, scan.string()?),
            _ => None,
        })?;
        Some(Header {
            alg: alg?,
            kid: kid.map(str::to_owned),
            typ: typ.map(str::to_owned),
        })
    }

    /// Claims whose members are all plain values, written into `c` (a fresh `Claims`); `None`
    /// leaves `c` partly filled, for the caller to replace.
    pub(super) fn claims(json: &[u8], c: &mut Claims) -> Option<()> {
        let mut scan = Scan::new(json)?;
        let (mut aud, mut exp, mut nbf, mut iat) = (None, None, None, None);
        scan.object(|scan, name| match name {
            "iss" => once(&mut c.iss, scan.string()?.to_owned()),
            "sub" => once(&mut c.sub, scan.string()?.to_owned()),
            "jti" => once(&mut c.jti, scan.string()?.to_owned()),
            "scope" => once(&mut c.scope, scan.string()?.to_owned()),
            "aud" => {
                let value = if scan.peek()? == b'[' {
                    scan.strings()?
                } else {
                    vec![scan.string()?.to_owned()]
                };
                once(&mut aud, value)
            }
            "exp" => once(&mut exp, scan.integer()?),
            "nbf" => once(&mut nbf, scan.integer()?),
            "iat" => once(&mut iat, scan.integer()?),
            _ => {
                let value = scan.scalar()?;
                c.extra
                    .insert(name.to_owned(), value)
                    .is_none()
                    .then_some(())
            }
        })?;
        c.aud = aud.unwrap_or_default();
        (c.exp, c.nbf, c.iat) = (exp, nbf, iat);
        Some(())
    }
}

// ---- minting --------------------------------------------------------------------------------

/// Mints a token signed by `key`: header `{"alg", "typ": "JWT", "kid"}` (kid when the key has
/// one) and the given claims (a JSON object).
pub fn mint(key: &SigningKey, claims: &Value) -> Result<String, JwtError> {
    mint_with_header(key, &Map::new(), claims)
}

/// Mints a token signed by `key` with extra header members. Members given here override the
/// defaults (even `alg`), so negative tests can mint deliberately inconsistent tokens.
pub fn mint_with_header(
    key: &SigningKey,
    header: &Map<String, Value>,
    claims: &Value,
) -> Result<String, JwtError> {
    let mut full = Map::new();
    full.insert("alg".into(), key.alg().name().into());
    full.insert("typ".into(), "JWT".into());
    if let Some(kid) = key.kid() {
        full.insert("kid".into(), kid.into());
    }
    for (name, value) in header {
        full.insert(name.clone(), value.clone());
    }
    let mut token = encode_segments(&Value::Object(full), claims);
    let signature = key.sign(token.as_bytes()).map_err(JwtError::Signing)?;
    token.push('.');
    token.push_str(&base64url::encode(&signature));
    Ok(token)
}

fn encode_segments(header: &Value, claims: &Value) -> String {
    // Serializing a `Value` cannot fail: its map keys are strings.
    let header = serde_json::to_vec(header).unwrap_or_default();
    let claims = serde_json::to_vec(claims).unwrap_or_default();
    let mut token = base64url::encode(&header);
    token.push('.');
    token.push_str(&base64url::encode(&claims));
    token
}

/// Tokens no validator should accept, for negative tests.
pub mod danger {
    use serde_json::{Value, json};

    /// An unsigned token: header `{"alg": "none", "typ": "JWT"}` and an empty signature
    /// (RFC 7519 §6.1). Every validator in this crate refuses it.
    pub fn mint_unsigned(claims: &Value) -> String {
        let mut token = super::encode_segments(&json!({"alg": "none", "typ": "JWT"}), claims);
        token.push('.');
        token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::replay::ReplayCache;
    use serde_json::json;

    const NOW: u64 = 1_700_000_000;

    fn setup() -> (SigningKey, Validator) {
        let key = SigningKey::hmac(Algorithm::HS256, &[42u8; 32])
            .unwrap()
            .with_kid("k1");
        let mut keys = JwkSet::new();
        keys.insert(key.verifying_key().unwrap()).unwrap();
        let validation = Validation {
            issuers: vec!["https://issuer.example".into()],
            audiences: vec!["https://agent.example".into()],
            ..Validation::default()
        };
        let validator = Validator::new(keys, validation, Arc::new(FixedClock::new(NOW)));
        (key, validator)
    }

    fn claims() -> Value {
        json!({
            "iss": "https://issuer.example",
            "aud": ["other", "https://agent.example"],
            "sub": "alice",
            "exp": NOW + 300,
            "iat": NOW,
            "jti": "id-1",
            "scope": "read write"
        })
    }

    #[test]
    fn accepts_a_valid_token_and_exposes_its_claims() {
        let (key, validator) = setup();
        let token = mint(&key, &claims()).unwrap();
        let ok = validator.validate(&token).unwrap();
        assert_eq!(ok.header.alg, Algorithm::HS256);
        assert_eq!(ok.claims.sub.as_deref(), Some("alice"));
        assert!(ok.claims.has_scope("write"));
        assert!(!ok.claims.has_scope("admin"));
    }

    fn with(mut claims: Value, name: &str, value: Value) -> Value {
        claims[name] = value;
        claims
    }

    #[test]
    fn rejects_each_bad_claim_with_its_own_error() {
        let (key, validator) = setup();
        let cases = [
            (with(claims(), "exp", json!(NOW - 61)), JwtError::Expired),
            (
                with(claims(), "nbf", json!(NOW + 61)),
                JwtError::NotYetValid,
            ),
            (
                with(claims(), "iat", json!(NOW + 61)),
                JwtError::IssuedInFuture,
            ),
            (
                with(claims(), "iss", json!("https://evil.example")),
                JwtError::WrongIssuer,
            ),
            (
                with(claims(), "aud", json!("https://evil.example")),
                JwtError::WrongAudience,
            ),
            (
                with(claims(), "exp", json!(-1)),
                JwtError::Malformed(Part::Claims),
            ),
            (
                with(claims(), "aud", json!(7)),
                JwtError::Malformed(Part::Claims),
            ),
        ];
        for (claims, expected) in cases {
            let token = mint(&key, &claims).unwrap();
            assert_eq!(validator.validate(&token), Err(expected));
        }
        let mut no_exp = claims();
        no_exp.as_object_mut().unwrap().remove("exp");
        assert_eq!(
            validator.validate(&mint(&key, &no_exp).unwrap()),
            Err(JwtError::MissingClaim("exp"))
        );
    }

    #[test]
    fn honours_leeway_at_the_boundaries() {
        let (key, validator) = setup();
        let almost = with(claims(), "exp", json!(NOW - 59));
        assert!(validator.validate(&mint(&key, &almost).unwrap()).is_ok());
        let at = with(claims(), "exp", json!(NOW - 60));
        assert_eq!(
            validator.validate(&mint(&key, &at).unwrap()),
            Err(JwtError::Expired)
        );
    }

    #[test]
    fn rejects_unsigned_tokens() {
        let (_, validator) = setup();
        let token = danger::mint_unsigned(&claims());
        assert_eq!(validator.validate(&token), Err(JwtError::Unsigned));
        let capital = mint_with_header(
            &SigningKey::hmac(Algorithm::HS256, &[42u8; 32]).unwrap(),
            json!({"alg": "NONE"}).as_object().unwrap(),
            &claims(),
        )
        .unwrap();
        assert_eq!(validator.validate(&capital), Err(JwtError::Unsigned));
    }

    #[test]
    fn rejects_a_payload_changed_after_signing() {
        let (key, validator) = setup();
        let token = mint(&key, &claims()).unwrap();
        let other = mint(&key, &with(claims(), "sub", json!("mallory"))).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let other_parts: Vec<&str> = other.split('.').collect();
        let spliced = format!("{}.{}.{}", parts[0], other_parts[1], parts[2]);
        assert_eq!(validator.validate(&spliced), Err(JwtError::BadSignature));
    }

    #[test]
    fn rejects_algorithm_confusion_and_unknown_kids() {
        let (_, validator) = setup();
        let es = SigningKey::generate(Algorithm::ES256)
            .unwrap()
            .with_kid("k1");
        assert_eq!(
            validator.validate(&mint(&es, &claims()).unwrap()),
            Err(JwtError::AlgorithmMismatch {
                key: Algorithm::HS256,
                token: Algorithm::ES256
            })
        );
        let other = SigningKey::hmac(Algorithm::HS256, &[1u8; 32])
            .unwrap()
            .with_kid("k2");
        assert_eq!(
            validator.validate(&mint(&other, &claims()).unwrap()),
            Err(JwtError::UnknownKey)
        );
    }

    #[test]
    fn rejects_crit_b64_and_duplicate_members() {
        let (key, validator) = setup();
        let crit = json!({"crit": ["exp"], "exp": 1});
        assert_eq!(
            validator
                .validate(&mint_with_header(&key, crit.as_object().unwrap(), &claims()).unwrap()),
            Err(JwtError::UnsupportedCritical)
        );
        let b64 = json!({"b64": false});
        assert_eq!(
            validator
                .validate(&mint_with_header(&key, b64.as_object().unwrap(), &claims()).unwrap()),
            Err(JwtError::UnencodedPayload)
        );
        // Hand-built duplicate members, correctly signed.
        for (header, payload, part) in [
            (
                r#"{"alg":"HS256","alg":"HS256"}"#,
                r#"{"exp":1700000300}"#,
                Part::Header,
            ),
            (
                r#"{"alg":"HS256","x":1,"x":2}"#,
                r#"{"exp":1700000300}"#,
                Part::Header,
            ),
            (
                r#"{"alg":"HS256"}"#,
                r#"{"exp":1700000300,"sub":"a","sub":"b"}"#,
                Part::Claims,
            ),
            (
                r#"{"alg":"HS256"}"#,
                r#"{"exp":1700000300,"o":{"a":1,"a":2}}"#,
                Part::Claims,
            ),
        ] {
            let input = format!(
                "{}.{}",
                base64url::encode(header.as_bytes()),
                base64url::encode(payload.as_bytes())
            );
            let sig = key.sign(input.as_bytes()).unwrap();
            let token = format!("{input}.{}", base64url::encode(&sig));
            let mut lenient = validator.clone();
            lenient.validation.issuers.clear();
            lenient.validation.audiences.clear();
            assert_eq!(
                lenient.validate(&token),
                Err(JwtError::DuplicateMember(part)),
                "{header} {payload}"
            );
        }
    }

    #[test]
    fn rejects_malformed_shapes_and_oversized_tokens() {
        let (key, validator) = setup();
        let token = mint(&key, &claims()).unwrap();
        assert_eq!(validator.validate("a.b"), Err(JwtError::NotCompact));
        assert_eq!(validator.validate("a.b.c.d.e"), Err(JwtError::NotCompact));
        assert_eq!(validator.validate(""), Err(JwtError::NotCompact));
        assert_eq!(
            validator.validate(&format!("{token}=")),
            Err(JwtError::BadEncoding(Part::Signature))
        );
        let (h, rest) = token.split_once('.').unwrap();
        assert_eq!(
            validator.validate(&format!("{h}=.{rest}")),
            Err(JwtError::BadEncoding(Part::Header))
        );
        let huge = "a".repeat(DEFAULT_MAX_TOKEN_LEN + 1);
        assert_eq!(
            validator.validate(&huge),
            Err(JwtError::TooLarge {
                max: DEFAULT_MAX_TOKEN_LEN
            })
        );
        let not_object = format!("{}.{}.", base64url::encode(b"[]"), base64url::encode(b"{}"));
        assert_eq!(
            validator.validate(&not_object),
            Err(JwtError::Malformed(Part::Header))
        );
    }

    #[test]
    fn rejects_a_replayed_jti_and_a_missing_jti() {
        let (key, validator) = setup();
        let validator = validator.with_replay_store(Arc::new(ReplayCache::new(100)));
        let token = mint(&key, &claims()).unwrap();
        assert!(validator.validate(&token).is_ok());
        assert_eq!(validator.validate(&token), Err(JwtError::Replayed));
        let mut no_jti = claims();
        no_jti.as_object_mut().unwrap().remove("jti");
        assert_eq!(
            validator.validate(&mint(&key, &no_jti).unwrap()),
            Err(JwtError::MissingClaim("jti"))
        );
        // The same jti from another issuer is another id.
        let mut other = validator.clone();
        other
            .validation
            .issuers
            .push("https://other.example".into());
        let token = mint(&key, &with(claims(), "iss", json!("https://other.example"))).unwrap();
        assert!(other.validate(&token).is_ok());
    }

    /// Inputs for the fast/strict differential tests: hand-written edge cases, then every
    /// single-byte replacement, deletion and insertion of a realistic document with bytes that
    /// matter to JSON.
    fn json_variants(base: &str, edge_cases: &[&str]) -> Vec<Vec<u8>> {
        let interesting: &[u8] = b"\"\\{}[],: \t0129-.eEtfnu\x01\x7f\xc3\xa9\xff";
        let mut all: Vec<Vec<u8>> = edge_cases.iter().map(|c| c.as_bytes().to_vec()).collect();
        let base = base.as_bytes();
        all.push(base.to_vec());
        for at in 0..base.len() {
            let mut deleted = base.to_vec();
            deleted.remove(at);
            all.push(deleted);
            for &b in interesting {
                let mut replaced = base.to_vec();
                replaced[at] = b;
                all.push(replaced);
                let mut inserted = base.to_vec();
                inserted.insert(at, b);
                all.push(inserted);
            }
        }
        all
    }

    #[test]
    fn fast_claims_path_accepts_only_what_the_strict_path_accepts_and_agrees() {
        let base = "{\"iss\":\"https://i.example\",\"sub\":\"s\",\"aud\":[\"a\",\"b\"],\
                    \"exp\":1700000300,\"nbf\":0,\"iat\":17,\"jti\":\"j\",\"scope\":\"x y\",\
                    \"n\":5,\"t\":true,\"f\":false,\"z\":null,\"u\":\"\u{e9}\"}";
        let edge_cases = [
            "{}",
            " { } ",
            r#"{"aud":[]}"#,
            r#"{"aud":"a"}"#,
            r#"{"exp":01}"#,
            r#"{"exp":1.5}"#,
            r#"{"exp":1e3}"#,
            r#"{"exp":-1}"#,
            r#"{"exp":-0}"#,
            r#"{"exp":18446744073709551615}"#,
            r#"{"exp":99999999999999999999}"#,
            r#"{"exp":9999999999999999999}"#,
            r#"{"x":1,"x":1}"#,
            r#"{"iss":"a","iss":"a"}"#,
            r#"{"iss":"a\u0062"}"#,
            r#"{"i\u0073s":"a"}"#,
            r#"{"x":truex}"#,
            r#"{"x":[1]}"#,
            r#"{"x":{}}"#,
            "{\"x\":\"\u{7f}\"}",
            "\u{feff}{}",
            r#"{"aud":["a",]}"#,
            r#"{"a":1,}"#,
            r#"{"a":1} x"#,
            r#"{"a":1}{}"#,
        ];
        let mut fast_hits = 0;
        for json in json_variants(base, &edge_cases) {
            let mut fast = Claims::default();
            if fast::claims(&json, &mut fast).is_some() {
                fast_hits += 1;
                assert_eq!(
                    parse_claims_strict(&json),
                    Ok(fast),
                    "{}",
                    String::from_utf8_lossy(&json)
                );
            }
        }
        assert!(
            fast_hits > 100,
            "the fast path is exercised ({fast_hits} hits)"
        );
    }

    #[test]
    fn fast_header_path_accepts_only_what_the_strict_path_accepts_and_agrees() {
        let base = r#"{"alg":"HS256","typ":"JWT","kid":"k-1"}"#;
        let edge_cases = [
            r#"{"alg":"none"}"#,
            r#"{"alg":"HS256","crit":["exp"]}"#,
            r#"{"alg":"HS256","b64":false}"#,
            r#"{"alg":"HS256","alg":"HS256"}"#,
            r#"{"alg":"HS2\u00356"}"#,
            r#"{"kid":"k"}"#,
            r#"{"alg":"ES256","kid":null}"#,
        ];
        let mut fast_hits = 0;
        for json in json_variants(base, &edge_cases) {
            if let Some(fast) = fast::header(&json) {
                fast_hits += 1;
                assert_eq!(
                    parse_header_strict(&json),
                    Ok(fast),
                    "{}",
                    String::from_utf8_lossy(&json)
                );
            }
        }
        assert!(
            fast_hits > 20,
            "the fast path is exercised ({fast_hits} hits)"
        );
    }

    #[test]
    fn splits_exactly_at_the_first_and_last_dots_wherever_they_are() {
        for len in 0..40 {
            for first in 0..len {
                for last in first..len {
                    let mut token = vec![b'a'; len];
                    token[first] = b'.';
                    token[last] = b'.';
                    // Neighbours that differ from '.' in one bit, or in the carry bit.
                    for (i, byte) in token.iter_mut().enumerate() {
                        if *byte != b'.' && i % 3 == 0 {
                            *byte = if i % 2 == 0 { b'/' } else { 0xae };
                        }
                    }
                    assert_eq!(first_dot(&token), Some(first), "{token:?}");
                    assert_eq!(last_dot(&token), Some(last), "{token:?}");
                    let expected = if first == last {
                        Err(JwtError::NotCompact)
                    } else {
                        Ok((&token[..first], &token[first + 1..last], &token[last + 1..]))
                    };
                    assert_eq!(split(&token), expected);
                }
            }
            assert_eq!(first_dot(&vec![b'-'; len]), None);
            assert_eq!(last_dot(&vec![b'-'; len]), None);
        }
    }

    #[test]
    fn never_echoes_token_material_in_errors() {
        let (key, validator) = setup();
        let token = mint(&key, &with(claims(), "aud", json!("secret-audience"))).unwrap();
        let message = validator.validate(&token).unwrap_err().to_string();
        assert!(!message.contains("secret-audience") && !message.contains(&token[..20]));
    }
}
