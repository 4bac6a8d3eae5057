//! Push-notification deliveries: how a webhook receiver checks that a POST really comes from the
//! agent it registered with, and how the reference agent signs what it delivers.
//!
//! - **Standard Webhooks signatures** (the `standardwebhooks.com` convention, spec 1.0.0):
//!   headers `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`, a
//!   space-separated list of `v1,<base64 HMAC-SHA256>` entries over `{id}.{timestamp}.{body}`.
//!   [`WebhookSigner`] produces them; [`WebhookVerifier`] checks them, the timestamp tolerance and
//!   duplicate ids. Entries of other versions (`v1a` ed25519, future ones) are ignored; any `v1`
//!   entry that matches any configured secret verifies, which is how secrets rotate without
//!   downtime.
//! - **The `Authorization` header** that A2A 1.0 §4.3.3 requires on every delivery, exactly as the
//!   push-notification config's `authentication` gave it: [`check_authorization`].
//! - **JWT-signed deliveries** (the A2A push-notification "JWT + JWKS" flow): the agent sends
//!   `Authorization: Bearer <jwt>` signed with a key it publishes in its JWKS, with `iss`, `aud`
//!   (the webhook URL), `iat`, `exp`, `jti` (replay) and [`BODY_HASH_CLAIM`] binding the exact
//!   body bytes. [`JwtDeliverySigner`] mints them; [`JwtDeliveryVerifier`] checks them with the
//!   strict validator of [`crate::jwt`].
//!
//! A receiver verifies *before* parsing the body: the signature covers the raw bytes.
//!
//! Standard Webhooks signs `{id}.{timestamp}.{body}` with `.` as the only separator. The timestamp
//! is digits, so an id containing `.` would make two deliveries share signed content (id `a`,
//! timestamp `1`, body `2.x` versus id `a.1`, timestamp `2`, body `x`): a captured delivery could
//! be replayed under a fresh id with part of its body moved into the id. The specification warns
//! against such ids; this module refuses them, on both sides.

use std::fmt;

use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use crate::base64url::STANDARD;
use crate::clock::{Clock, UnixTime};
use crate::jwk::JwkSet;
use crate::jws::SigningKey;
use crate::jwt::{self, Claims, JwtError, Validation, Validator};
use crate::mac::{self, Freshness, MacKey, Tag};
use crate::replay::{ReplayError, ReplayStore};
use std::sync::Arc;

/// The default tolerance: a delivery's timestamp may be this many seconds old or ahead.
pub const DEFAULT_TOLERANCE: u64 = 300;

/// Prefix of a Standard Webhooks secret in its text form, `whsec_<base64>`.
pub const SECRET_PREFIX: &str = "whsec_";

/// Shortest accepted secret, the Standard Webhooks minimum (192 bits).
pub const MIN_SECRET_LEN: usize = 24;

/// Longest accepted `webhook-id`.
pub const MAX_ID_LEN: usize = 256;

/// Longest accepted `webhook-signature` (room for a few dozen entries).
pub const MAX_SIGNATURE_HEADER_LEN: usize = 4096;

/// The signature version this module produces and checks.
const V1: &[u8] = b"v1";

/// A `v1` value: 32 bytes in padded standard base64.
const V1_VALUE_LEN: usize = 44;

const REPLAY_PREFIX: &[u8] = b"wh:";
const REPLAY_KEY_LEN: usize = REPLAY_PREFIX.len() + MAX_ID_LEN;

/// One of the Standard Webhooks headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Header {
    /// `webhook-id`: the event's id, the same on every retry of that event.
    Id,
    /// `webhook-timestamp`: the attempt's time in Unix seconds.
    Timestamp,
    /// `webhook-signature`: space-separated `version,signature` entries.
    Signature,
}

impl Header {
    /// Every header, in the order [`SignedWebhookHeaders::iter`] yields them.
    pub const ALL: [Header; 3] = [Header::Id, Header::Timestamp, Header::Signature];

    /// The header's field name, lower-case as the convention writes it (field names are
    /// case-insensitive).
    pub const fn name(self) -> &'static str {
        match self {
            Header::Id => "webhook-id",
            Header::Timestamp => "webhook-timestamp",
            Header::Signature => "webhook-signature",
        }
    }
}

/// Why a delivery was refused, or a secret or verifier could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// A required header is absent.
    MissingHeader(Header),
    /// A header breaks its syntax (charset, length, a malformed `v1` entry).
    MalformedHeader(Header),
    /// The timestamp is older than the tolerance.
    StaleTimestamp {
        /// Seconds between the timestamp and now.
        age: u64,
        /// The verifier's tolerance.
        tolerance: u64,
    },
    /// The timestamp is further ahead than the tolerance.
    FutureTimestamp {
        /// Seconds between now and the timestamp.
        ahead: u64,
        /// The verifier's tolerance.
        tolerance: u64,
    },
    /// `webhook-signature` holds no `v1` entry (only versions this module does not check).
    NoSupportedSignature,
    /// No `v1` entry matches any configured secret.
    NoMatchingSignature,
    /// This `webhook-id` was already accepted within the tolerance.
    Replayed,
    /// The replay store is full of live ids and refuses new ones (fail closed).
    ReplayStoreFull,
    /// A secret is not `whsec_` followed by canonical standard base64.
    InvalidSecret,
    /// A secret is shorter than [`MIN_SECRET_LEN`].
    WeakSecret {
        /// The secret's length in bytes.
        len: usize,
    },
    /// A verifier was given no secret.
    NoSecrets,
    /// The delivery carries no `Authorization` header.
    MissingAuthorization,
    /// The `Authorization` header is not `<scheme> [credentials]`.
    MalformedAuthorization,
    /// The `Authorization` scheme is not the configured one.
    WrongScheme,
    /// The `Authorization` credentials are not the configured ones.
    WrongCredentials,
    /// The delivery token was refused (JWT-signed deliveries).
    Token(JwtError),
    /// The delivery token has no [`BODY_HASH_CLAIM`], or it is not a string.
    MissingBodyHash,
    /// The delivery token's [`BODY_HASH_CLAIM`] does not match the body received.
    BodyHashMismatch,
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(h) => write!(f, "missing {} header", h.name()),
            Self::MalformedHeader(h) => write!(f, "malformed {} header", h.name()),
            Self::StaleTimestamp { age, tolerance } => write!(
                f,
                "webhook timestamp is {age} s old, beyond the {tolerance} s tolerance"
            ),
            Self::FutureTimestamp { ahead, tolerance } => write!(
                f,
                "webhook timestamp is {ahead} s in the future, beyond the {tolerance} s tolerance"
            ),
            Self::NoSupportedSignature => {
                f.write_str("webhook-signature holds no v1 (HMAC-SHA256) signature")
            }
            Self::NoMatchingSignature => {
                f.write_str("no webhook signature matches a configured secret")
            }
            Self::Replayed => f.write_str("webhook id already used (replay)"),
            Self::ReplayStoreFull => {
                f.write_str("replay store full: refusing new webhook ids until some expire")
            }
            Self::InvalidSecret => {
                f.write_str("invalid webhook secret (expected whsec_ and standard base64)")
            }
            Self::WeakSecret { len } => write!(
                f,
                "webhook secret too short: {len} bytes, at least {MIN_SECRET_LEN} required"
            ),
            Self::NoSecrets => f.write_str("no webhook secret configured"),
            Self::MissingAuthorization => f.write_str("missing Authorization header"),
            Self::MalformedAuthorization => f.write_str("malformed Authorization header"),
            Self::WrongScheme => f.write_str("authorization scheme is not the configured one"),
            Self::WrongCredentials => {
                f.write_str("authorization credentials are not the configured ones")
            }
            Self::Token(e) => write!(f, "delivery token refused: {e}"),
            Self::MissingBodyHash => {
                write!(f, "delivery token lacks the `{BODY_HASH_CLAIM}` claim")
            }
            Self::BodyHashMismatch => {
                f.write_str("delivery token does not match the body (body changed after signing)")
            }
        }
    }
}

impl std::error::Error for WebhookError {}

/// A Standard Webhooks signing secret, keyed once. `Debug` prints nothing of it.
#[derive(Clone)]
pub struct WebhookSecret(MacKey);

impl WebhookSecret {
    /// Parses the text form `whsec_<base64>`: standard alphabet, canonical padding, at least
    /// [`MIN_SECRET_LEN`] bytes once decoded. The prefix is required: a bare string is more often
    /// a raw secret passed to the wrong constructor than base64, and decoding it anyway would
    /// only surface later as signatures that never match. Use [`WebhookSecret::from_bytes`] for
    /// raw secrets.
    pub fn parse(text: &str) -> Result<Self, WebhookError> {
        let encoded = text
            .strip_prefix(SECRET_PREFIX)
            .ok_or(WebhookError::InvalidSecret)?;
        let bytes = STANDARD
            .decode(encoded)
            .map_err(|_| WebhookError::InvalidSecret)?;
        Self::from_bytes(&bytes)
    }

    /// A secret from its raw bytes (at least [`MIN_SECRET_LEN`]).
    pub fn from_bytes(secret: &[u8]) -> Result<Self, WebhookError> {
        if secret.len() < MIN_SECRET_LEN {
            return Err(WebhookError::WeakSecret { len: secret.len() });
        }
        Ok(Self(MacKey::new(secret)))
    }

    /// The tag of `{id}.{timestamp}.{body}`, without assembling that string.
    fn tag(&self, id: &[u8], timestamp: &[u8], body: &[u8]) -> Tag {
        self.0.tag(&[id, b".", timestamp, b".", body])
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret([redacted])")
    }
}

/// The Standard Webhooks headers of a received delivery, one value each (`None` when absent),
/// as raw bytes. A header that occurs more than once must be refused by the caller or passed
/// with its values joined by `", "`, which then fails as malformed.
#[derive(Clone, Copy, Default)]
pub struct WebhookHeaders<'a> {
    /// `webhook-id`.
    pub id: Option<&'a [u8]>,
    /// `webhook-timestamp`.
    pub timestamp: Option<&'a [u8]>,
    /// `webhook-signature`.
    pub signature: Option<&'a [u8]>,
}

impl<'a> WebhookHeaders<'a> {
    /// Reads each header through `lookup`, which receives the field name (as in
    /// [`Header::name`]) and must match it case-insensitively.
    pub fn from_fn(mut lookup: impl FnMut(&'static str) -> Option<&'a [u8]>) -> Self {
        Self {
            id: lookup(Header::Id.name()),
            timestamp: lookup(Header::Timestamp.name()),
            signature: lookup(Header::Signature.name()),
        }
    }
}

impl fmt::Debug for WebhookHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = mac::header_text;
        f.debug_struct("WebhookHeaders")
            .field("id", &text(self.id))
            .field("timestamp", &text(self.timestamp))
            .field("signature", &self.signature.map(|_| "[redacted]"))
            .finish()
    }
}

/// The headers a [`WebhookSigner`] attaches to a delivery.
#[derive(Clone)]
pub struct SignedWebhookHeaders {
    id: String,
    timestamp: UnixTime,
    timestamp_text: String,
    signature: String,
}

impl SignedWebhookHeaders {
    /// `webhook-id`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `webhook-timestamp`, as a number.
    pub fn timestamp(&self) -> UnixTime {
        self.timestamp
    }

    /// `webhook-signature`: one `v1,<base64>` entry per signing secret, space-separated.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// `(field name, value)` for every header to send, in the order of [`Header::ALL`].
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        Header::ALL.into_iter().map(|h| (h.name(), self.value(h)))
    }

    /// The same headers as a receiver sees them: for in-process round trips and tests.
    pub fn as_received(&self) -> WebhookHeaders<'_> {
        WebhookHeaders {
            id: Some(self.id.as_bytes()),
            timestamp: Some(self.timestamp_text.as_bytes()),
            signature: Some(self.signature.as_bytes()),
        }
    }

    fn value(&self, header: Header) -> &str {
        match header {
            Header::Id => &self.id,
            Header::Timestamp => &self.timestamp_text,
            Header::Signature => &self.signature,
        }
    }
}

impl fmt::Debug for SignedWebhookHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedWebhookHeaders")
            .field("id", &self.id)
            .field("timestamp", &self.timestamp)
            .field("signature", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// Signs deliveries (the agent side). With several secrets, every delivery carries one `v1` entry
/// per secret, so receivers holding either the old or the new secret accept it during a rotation.
#[derive(Debug, Clone)]
pub struct WebhookSigner {
    secrets: Vec<WebhookSecret>,
}

impl WebhookSigner {
    /// A signer with one secret.
    pub fn new(secret: WebhookSecret) -> Self {
        Self {
            secrets: vec![secret],
        }
    }

    /// Also signs with `secret` (its entry comes after the existing ones).
    #[must_use]
    pub fn with_secret(mut self, secret: WebhookSecret) -> Self {
        self.secrets.push(secret);
        self
    }

    /// Signs a delivery attempt. `id` identifies the event and stays the same across retries
    /// (1 to [`MAX_ID_LEN`] visible ASCII characters, no `.`); `timestamp` is the attempt's time,
    /// fresh on every retry; `body` is the exact bytes sent.
    pub fn sign(
        &self,
        id: &str,
        timestamp: UnixTime,
        body: &[u8],
    ) -> Result<SignedWebhookHeaders, WebhookError> {
        check_id(id.as_bytes())?;
        let timestamp_text = timestamp.to_string();
        let mut signature = String::with_capacity(self.secrets.len() * (V1_VALUE_LEN + 4));
        for secret in &self.secrets {
            if !signature.is_empty() {
                signature.push(' ');
            }
            signature.push_str("v1,");
            let tag = secret.tag(id.as_bytes(), timestamp_text.as_bytes(), body);
            STANDARD.encode_string(tag.as_bytes(), &mut signature);
        }
        Ok(SignedWebhookHeaders {
            id: id.to_owned(),
            timestamp,
            timestamp_text,
            signature,
        })
    }
}

/// Verifies deliveries (the receiver side): signature, timestamp tolerance, duplicate ids.
#[derive(Debug)]
pub struct WebhookVerifier {
    secrets: Box<[WebhookSecret]>,
    replay: Box<dyn ReplayStore>,
    clock: Box<dyn Clock>,
    tolerance: u64,
}

impl WebhookVerifier {
    /// A verifier accepting a signature by any of `secrets`, with [`DEFAULT_TOLERANCE`].
    /// Accepted ids are recorded in `replay`.
    pub fn new(
        secrets: impl IntoIterator<Item = WebhookSecret>,
        replay: impl ReplayStore + 'static,
        clock: impl Clock + 'static,
    ) -> Result<Self, WebhookError> {
        let secrets: Box<[WebhookSecret]> = secrets.into_iter().collect();
        if secrets.is_empty() {
            return Err(WebhookError::NoSecrets);
        }
        Ok(Self {
            secrets,
            replay: Box::new(replay),
            clock: Box::new(clock),
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// Accepts timestamps up to `seconds` old or ahead instead.
    #[must_use]
    pub fn with_tolerance(mut self, seconds: u64) -> Self {
        self.tolerance = seconds;
        self
    }

    /// Verifies a delivery completely: headers, timestamp, signature over the raw `body`, then
    /// records `webhook-id` so the same delivery is refused next time. Call it before parsing
    /// the body.
    ///
    /// A sender retries an event under the *same* id. An id is remembered until its delivery's
    /// timestamp leaves the tolerance, so a retry within that time is [`WebhookError::Replayed`]:
    /// answer it with 2xx (the event was handled) rather than an error, or the sender keeps
    /// retrying. Retries after that time verify again, so processing must still be idempotent
    /// per event. A receiver whose processing can fail after verification should use
    /// [`WebhookVerifier::verify_signature`] and record ids itself once processing succeeded.
    pub fn verify(&self, headers: WebhookHeaders<'_>, body: &[u8]) -> Result<(), WebhookError> {
        let now = self.clock.now();
        let (id, replay_until) = self.verify_at(headers, body, now)?;
        let mut buffer = [0u8; REPLAY_KEY_LEN];
        // The id was length-checked, so it always fits.
        let key = mac::concat(&mut buffer, &[REPLAY_PREFIX, id])
            .ok_or(WebhookError::MalformedHeader(Header::Id))?;
        match self.replay.check_and_insert(key, replay_until, now) {
            Ok(()) => Ok(()),
            Err(ReplayError::Replayed) => Err(WebhookError::Replayed),
            Err(ReplayError::Full { .. }) => Err(WebhookError::ReplayStoreFull),
        }
    }

    /// Everything [`WebhookVerifier::verify`] checks except the replay store.
    pub fn verify_signature(
        &self,
        headers: WebhookHeaders<'_>,
        body: &[u8],
    ) -> Result<(), WebhookError> {
        self.verify_at(headers, body, self.clock.now()).map(|_| ())
    }

    /// The stateless checks at `now`; returns the id and the instant until which to remember it.
    fn verify_at<'h>(
        &self,
        headers: WebhookHeaders<'h>,
        body: &[u8],
        now: UnixTime,
    ) -> Result<(&'h [u8], UnixTime), WebhookError> {
        let id = headers.id.ok_or(WebhookError::MissingHeader(Header::Id))?;
        check_id(id)?;
        let timestamp_text = headers
            .timestamp
            .ok_or(WebhookError::MissingHeader(Header::Timestamp))?;
        let timestamp = mac::parse_timestamp(timestamp_text)
            .ok_or(WebhookError::MalformedHeader(Header::Timestamp))?;
        let signature = headers
            .signature
            .ok_or(WebhookError::MissingHeader(Header::Signature))?;
        if check_signature_header(signature)? == 0 {
            return Err(WebhookError::NoSupportedSignature);
        }
        let replay_until = match mac::freshness(timestamp, now, self.tolerance, self.tolerance) {
            Freshness::Fresh { replay_until } => replay_until,
            Freshness::Stale { age } => {
                return Err(WebhookError::StaleTimestamp {
                    age,
                    tolerance: self.tolerance,
                });
            }
            Freshness::Future { ahead } => {
                return Err(WebhookError::FutureTimestamp {
                    ahead,
                    tolerance: self.tolerance,
                });
            }
        };
        for secret in &self.secrets {
            let expected = secret.tag(id, timestamp_text, body);
            if v1_tags(signature).any(|tag| bool::from(tag.matches(&expected))) {
                return Ok((id, replay_until));
            }
        }
        Err(WebhookError::NoMatchingSignature)
    }
}

/// 1 to [`MAX_ID_LEN`] visible ASCII characters other than `.` (see the module documentation).
fn check_id(id: &[u8]) -> Result<(), WebhookError> {
    if !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.iter().all(|&b| b.is_ascii_graphic() && b != b'.')
    {
        Ok(())
    } else {
        Err(WebhookError::MalformedHeader(Header::Id))
    }
}

/// Checks the syntax of `webhook-signature` and counts its `v1` entries: entries separated by
/// single spaces, each `version,value` with a non-empty version of visible ASCII; a `v1` value
/// must be canonical padded standard base64 of exactly 32 bytes. Other versions are skipped
/// unread.
fn check_signature_header(header: &[u8]) -> Result<usize, WebhookError> {
    let malformed = || WebhookError::MalformedHeader(Header::Signature);
    if header.is_empty() || header.len() > MAX_SIGNATURE_HEADER_LEN {
        return Err(malformed());
    }
    let mut v1 = 0;
    for entry in header.split(|&b| b == b' ') {
        let (version, value) = split_entry(entry).ok_or_else(malformed)?;
        if version == V1 {
            decode_v1(value).ok_or_else(malformed)?;
            v1 += 1;
        } else if !version.iter().all(u8::is_ascii_graphic) {
            return Err(malformed());
        }
    }
    Ok(v1)
}

/// The tags of the `v1` entries of a header that passed [`check_signature_header`].
fn v1_tags(header: &[u8]) -> impl Iterator<Item = Tag> + '_ {
    header.split(|&b| b == b' ').filter_map(|entry| {
        let (version, value) = split_entry(entry)?;
        if version == V1 {
            decode_v1(value)
        } else {
            None
        }
    })
}

fn split_entry(entry: &[u8]) -> Option<(&[u8], &[u8])> {
    let comma = entry.iter().position(|&b| b == b',')?;
    let (version, value) = (&entry[..comma], &entry[comma + 1..]);
    (!version.is_empty() && !value.is_empty()).then_some((version, value))
}

/// Exactly 44 characters of strict padded standard base64: 32 bytes.
fn decode_v1(value: &[u8]) -> Option<Tag> {
    mac::decode_tag(&STANDARD, value, V1_VALUE_LEN)
}

/// Checks the `Authorization` header of a push-notification delivery against the configured
/// `authentication` (A2A 1.0 §4.3.3: `Authorization: <scheme> <credentials>`).
///
/// The scheme is compared case-insensitively (RFC 9110 §11.1), the credentials exactly and in
/// constant time: both sides are hashed with SHA-256 and the digests compared, so not even the
/// credentials' length shows in the timing. Surrounding whitespace is ignored, and one or more
/// spaces may separate scheme and credentials (`1*SP`, RFC 9110 §11.4). A scheme-only header has
/// empty credentials. Errors say which part is wrong, never what it was.
pub fn check_authorization(
    header: Option<&str>,
    expected_scheme: &str,
    expected_credentials: &str,
) -> Result<(), WebhookError> {
    let header = header
        .ok_or(WebhookError::MissingAuthorization)?
        .trim_matches([' ', '\t']);
    let (scheme, credentials) = header.split_once(' ').unwrap_or((header, ""));
    if !mac::is_token(scheme.as_bytes()) {
        return Err(WebhookError::MalformedAuthorization);
    }
    if !scheme.eq_ignore_ascii_case(expected_scheme) {
        return Err(WebhookError::WrongScheme);
    }
    let presented = Sha256::digest(credentials.trim_start_matches(' '));
    let expected = Sha256::digest(expected_credentials);
    if bool::from(presented.as_slice().ct_eq(expected.as_slice())) {
        Ok(())
    } else {
        Err(WebhookError::WrongCredentials)
    }
}

// ---- (c) JWT-signed deliveries ------------------------------------------------------------------

/// The claim binding a delivery token to its body: unpadded base64url of the SHA-256 of the exact
/// body bytes.
pub const BODY_HASH_CLAIM: &str = "body_sha256";

fn body_hash(body: &[u8]) -> String {
    crate::base64url::encode(&Sha256::digest(body))
}

/// Mints the `Authorization: Bearer` token of a JWT-signed delivery.
#[derive(Debug)]
pub struct JwtDeliverySigner {
    key: SigningKey,
    issuer: String,
    lifetime: u64,
    clock: Arc<dyn Clock>,
}

impl JwtDeliverySigner {
    /// A signer minting tokens from `issuer` (the agent's identity, as its JWKS publishes `key`)
    /// that expire after `lifetime` seconds.
    pub fn new(
        key: SigningKey,
        issuer: impl Into<String>,
        lifetime: u64,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            key,
            issuer: issuer.into(),
            lifetime,
            clock,
        }
    }

    /// The token for delivering `body` to `webhook_url`; `jti` must be unique per delivery
    /// attempt of each event. `task_id` is added as the `taskId` claim.
    pub fn sign(
        &self,
        webhook_url: &str,
        jti: &str,
        task_id: Option<&str>,
        body: &[u8],
    ) -> Result<String, WebhookError> {
        let now = self.clock.now();
        let mut claims = serde_json::json!({
            "iss": self.issuer,
            "aud": webhook_url,
            "iat": now,
            "exp": now.saturating_add(self.lifetime),
            "jti": jti,
            BODY_HASH_CLAIM: body_hash(body),
        });
        if let Some(task_id) = task_id {
            claims["taskId"] = task_id.into();
        }
        jwt::mint(&self.key, &claims).map_err(WebhookError::Token)
    }
}

/// Verifies JWT-signed deliveries: `Authorization: Bearer <jwt>`, signed by a key of the agent's
/// JWKS, from the expected issuer, for this webhook's URL, fresh (`iat` within the tolerance),
/// not expired, never seen before (`jti`), and bound to the exact body received.
#[derive(Debug)]
pub struct JwtDeliveryVerifier {
    validator: Validator,
}

impl JwtDeliveryVerifier {
    /// A verifier for deliveries to `webhook_url` from `issuer`, whose keys are `keys`.
    pub fn new(
        keys: JwkSet,
        issuer: impl Into<String>,
        webhook_url: impl Into<String>,
        replay: Arc<dyn ReplayStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let validation = Validation {
            issuers: vec![issuer.into()],
            audiences: vec![webhook_url.into()],
            max_age: Some(DEFAULT_TOLERANCE),
            ..Validation::default()
        };
        Self {
            validator: Validator::new(keys, validation, clock).with_replay_store(replay),
        }
    }

    /// Checks the `Authorization` header and the body; returns the token's claims.
    pub fn verify(&self, authorization: Option<&str>, body: &[u8]) -> Result<Claims, WebhookError> {
        let header = authorization
            .ok_or(WebhookError::MissingAuthorization)?
            .trim_matches([' ', '\t']);
        let (scheme, token) = header
            .split_once(' ')
            .ok_or(WebhookError::MalformedAuthorization)?;
        if !scheme.eq_ignore_ascii_case("Bearer") {
            return Err(WebhookError::WrongScheme);
        }
        let validated = self
            .validator
            .validate(token.trim_start_matches(' '))
            .map_err(WebhookError::Token)?;
        let claimed = validated
            .claims
            .extra
            .get(BODY_HASH_CLAIM)
            .and_then(serde_json::Value::as_str)
            .ok_or(WebhookError::MissingBodyHash)?;
        if bool::from(claimed.as_bytes().ct_eq(body_hash(body).as_bytes())) {
            Ok(validated.claims)
        } else {
            Err(WebhookError::BodyHashMismatch)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::FixedClock;
    use crate::replay::ReplayCache;

    mod jwt_deliveries {
        use super::super::*;
        use crate::clock::FixedClock;
        use crate::jws::Algorithm;
        use crate::replay::ReplayCache;

        const URL: &str = "https://client.example/webhook";
        const ISSUER: &str = "https://agent.example";

        fn setup() -> (JwtDeliverySigner, JwtDeliveryVerifier, Arc<FixedClock>) {
            let clock = Arc::new(FixedClock::new(1_800_000_000));
            let key = SigningKey::generate(Algorithm::ES256)
                .unwrap()
                .with_kid("push-1");
            let mut keys = JwkSet::new();
            keys.insert(key.verifying_key().unwrap()).unwrap();
            let signer = JwtDeliverySigner::new(key, ISSUER, 120, clock.clone());
            let verifier = JwtDeliveryVerifier::new(
                keys,
                ISSUER,
                URL,
                Arc::new(ReplayCache::new(64)),
                clock.clone(),
            );
            (signer, verifier, clock)
        }

        #[test]
        fn accepts_a_signed_delivery_once_and_exposes_its_task() {
            let (signer, verifier, _) = setup();
            let token = signer.sign(URL, "d-1", Some("task-1"), b"{}").unwrap();
            let header = format!("Bearer {token}");
            let claims = verifier.verify(Some(&header), b"{}").unwrap();
            assert_eq!(claims.extra["taskId"], "task-1");
            assert_eq!(
                verifier.verify(Some(&header), b"{}"),
                Err(WebhookError::Token(JwtError::Replayed))
            );
        }

        #[test]
        fn rejects_a_body_changed_after_signing() {
            let (signer, verifier, _) = setup();
            let token = signer.sign(URL, "d-1", None, b"{\"a\":1}").unwrap();
            assert_eq!(
                verifier.verify(Some(&format!("Bearer {token}")), b"{\"a\":2}"),
                Err(WebhookError::BodyHashMismatch)
            );
        }

        #[test]
        fn rejects_tokens_for_another_webhook_stale_tokens_and_other_schemes() {
            let (signer, verifier, clock) = setup();
            let other = signer
                .sign("https://other.example/hook", "d-1", None, b"")
                .unwrap();
            assert_eq!(
                verifier.verify(Some(&format!("Bearer {other}")), b""),
                Err(WebhookError::Token(JwtError::WrongAudience))
            );
            let token = signer.sign(URL, "d-2", None, b"").unwrap();
            clock.advance(DEFAULT_TOLERANCE + 61);
            assert_eq!(
                verifier.verify(Some(&format!("Bearer {token}")), b""),
                Err(WebhookError::Token(JwtError::Expired))
            );
            assert_eq!(
                verifier.verify(None, b""),
                Err(WebhookError::MissingAuthorization)
            );
            assert_eq!(
                verifier.verify(Some(&format!("Basic {token}")), b""),
                Err(WebhookError::WrongScheme)
            );
        }

        #[test]
        fn rejects_a_token_without_a_body_hash() {
            let clock = Arc::new(FixedClock::new(1_800_000_000));
            let key = SigningKey::generate(Algorithm::ES256)
                .unwrap()
                .with_kid("push-1");
            let mut keys = JwkSet::new();
            keys.insert(key.verifying_key().unwrap()).unwrap();
            let verifier =
                JwtDeliveryVerifier::new(keys, ISSUER, URL, Arc::new(ReplayCache::new(8)), clock);
            let claims = serde_json::json!({
                "iss": ISSUER, "aud": URL, "iat": 1_800_000_000u64, "exp": 1_800_000_060u64, "jti": "x"
            });
            let token = jwt::mint(&key, &claims).unwrap();
            assert_eq!(
                verifier.verify(Some(&format!("Bearer {token}")), b""),
                Err(WebhookError::MissingBodyHash)
            );
        }
    }

    /// The test vector of the Standard Webhooks reference libraries (also recomputed with
    /// Python's `hmac`).
    const VECTOR_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const VECTOR_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const VECTOR_TIMESTAMP: UnixTime = 1_614_265_330;
    const VECTOR_BODY: &[u8] = br#"{"test": 2432232314}"#;
    const VECTOR_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    const NOW: UnixTime = 1_800_000_000;
    const BODY: &[u8] =
        br#"{"statusUpdate":{"taskId":"task-1","status":{"state":"TASK_STATE_COMPLETED"}}}"#;

    fn secret(fill: u8) -> WebhookSecret {
        WebhookSecret::from_bytes(&[fill; 32]).unwrap()
    }

    struct Setup {
        clock: Arc<FixedClock>,
        signer: WebhookSigner,
        receiver: WebhookVerifier,
    }

    fn setup() -> Setup {
        setup_with_store(ReplayCache::new(1024))
    }

    fn setup_with_store(store: impl ReplayStore + 'static) -> Setup {
        let clock = Arc::new(FixedClock::new(NOW));
        Setup {
            signer: WebhookSigner::new(secret(1)),
            receiver: WebhookVerifier::new([secret(1)], store, Arc::clone(&clock)).unwrap(),
            clock,
        }
    }

    fn sign(s: &Setup, id: &str) -> SignedWebhookHeaders {
        s.signer.sign(id, s.clock.now(), BODY).unwrap()
    }

    fn verify(s: &Setup, headers: WebhookHeaders<'_>) -> Result<(), WebhookError> {
        s.receiver.verify(headers, BODY)
    }

    #[test]
    fn signs_and_verifies_the_standard_webhooks_test_vector() {
        let key = WebhookSecret::parse(VECTOR_SECRET).unwrap();
        let signed = WebhookSigner::new(key.clone())
            .sign(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)
            .unwrap();
        assert_eq!(signed.signature(), VECTOR_SIGNATURE);
        assert_eq!(
            signed.iter().collect::<Vec<_>>(),
            [
                ("webhook-id", VECTOR_ID),
                ("webhook-timestamp", "1614265330"),
                ("webhook-signature", VECTOR_SIGNATURE),
            ]
        );
        let receiver = WebhookVerifier::new(
            [key],
            ReplayCache::new(16),
            FixedClock::new(VECTOR_TIMESTAMP + 10),
        )
        .unwrap();
        let headers = WebhookHeaders::from_fn(|name| match name {
            "webhook-id" => Some(VECTOR_ID.as_bytes()),
            "webhook-timestamp" => Some(b"1614265330"),
            "webhook-signature" => Some(VECTOR_SIGNATURE.as_bytes()),
            _ => None,
        });
        assert_eq!(receiver.verify(headers, VECTOR_BODY), Ok(()));
    }

    #[test]
    fn accepts_a_secret_given_as_raw_bytes() {
        let raw = STANDARD.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signed = WebhookSigner::new(WebhookSecret::from_bytes(&raw).unwrap())
            .sign(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)
            .unwrap();
        assert_eq!(signed.signature(), VECTOR_SIGNATURE);
    }

    #[test]
    fn rejects_body_changed_after_signing() {
        let s = setup();
        let signed = sign(&s, "msg_1");
        let mut body = BODY.to_vec();
        body[3] ^= 0x20;
        for tampered in [&body[..], &BODY[1..], b""] {
            assert_eq!(
                s.receiver.verify(signed.as_received(), tampered),
                Err(WebhookError::NoMatchingSignature)
            );
        }
    }

    #[test]
    fn rejects_id_or_timestamp_changed_after_signing() {
        let s = setup();
        let signed = sign(&s, "msg_1");
        let later = (NOW + 1).to_string();
        for headers in [
            WebhookHeaders {
                id: Some(b"msg_2"),
                ..signed.as_received()
            },
            WebhookHeaders {
                timestamp: Some(later.as_bytes()),
                ..signed.as_received()
            },
        ] {
            assert_eq!(verify(&s, headers), Err(WebhookError::NoMatchingSignature));
        }
    }

    #[test]
    fn rejects_signature_made_with_another_secret() {
        let s = setup();
        let signed = WebhookSigner::new(secret(2))
            .sign("msg_1", NOW, BODY)
            .unwrap();
        assert_eq!(
            verify(&s, signed.as_received()),
            Err(WebhookError::NoMatchingSignature)
        );
    }

    #[test]
    fn accepts_any_entry_matching_any_configured_secret() {
        let clock = Arc::new(FixedClock::new(NOW));
        let rotating = WebhookSigner::new(secret(1)).with_secret(secret(2));
        let signed = rotating.sign("msg_1", NOW, BODY).unwrap();
        assert_eq!(signed.signature().split(' ').count(), 2);
        for receiver_secrets in [vec![secret(1)], vec![secret(2)], vec![secret(3), secret(2)]] {
            let receiver =
                WebhookVerifier::new(receiver_secrets, ReplayCache::new(16), Arc::clone(&clock))
                    .unwrap();
            assert_eq!(receiver.verify(signed.as_received(), BODY), Ok(()));
        }
        let stranger =
            WebhookVerifier::new([secret(3)], ReplayCache::new(16), Arc::clone(&clock)).unwrap();
        assert_eq!(
            stranger.verify(signed.as_received(), BODY),
            Err(WebhookError::NoMatchingSignature)
        );
    }

    #[test]
    fn ignores_unknown_signature_versions() {
        let s = setup();
        let signed = sign(&s, "msg_1");
        let v1a = "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==";
        let mixed = format!("{v1a} v2,whatever {}", signed.signature());
        let headers = WebhookHeaders {
            signature: Some(mixed.as_bytes()),
            ..signed.as_received()
        };
        assert_eq!(verify(&s, headers), Ok(()));

        let only_unknown = format!("{v1a} v2,x");
        let other = sign(&s, "msg_2");
        let headers = WebhookHeaders {
            signature: Some(only_unknown.as_bytes()),
            ..other.as_received()
        };
        assert_eq!(verify(&s, headers), Err(WebhookError::NoSupportedSignature));
    }

    #[test]
    fn rejects_malformed_signature_entries() {
        let s = setup();
        let signed = sign(&s, "msg_1");
        let good = signed.signature();
        let value = &good[3..];
        let unpadded = format!("v1,{}", value.trim_end_matches('='));
        let url_safe = format!("v1,{}", value.replace('+', "-").replace('/', "_"));
        let double_space = format!("{good}  {good}");
        let trailing_space = format!("{good} ");
        let upper = format!("V1,{value}");
        let truncated = format!("v1,{}", &value[..40]);
        // 44 characters ending in one '=' carry 256 bits: the last data character's two low bits
        // must be zero. Setting one spells the same 32 bytes differently.
        let mut bits = good.as_bytes().to_vec();
        let last_data = bits.len() - 2;
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let index = alphabet.iter().position(|c| *c == bits[last_data]).unwrap();
        bits[last_data] = alphabet[index | 1];
        let cases: [&[u8]; 10] = [
            unpadded.as_bytes(),
            double_space.as_bytes(),
            trailing_space.as_bytes(),
            truncated.as_bytes(),
            &bits,
            b"v1",
            b"v1,",
            b",abc",
            b"",
            b"v1\tx,abc",
        ];
        for bad in cases {
            let headers = WebhookHeaders {
                signature: Some(bad),
                ..signed.as_received()
            };
            assert_eq!(
                verify(&s, headers),
                Err(WebhookError::MalformedHeader(Header::Signature)),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        // Neither is a v1 entry the module reads: "V1" is another (unknown) version; the
        // URL-safe alphabet may or may not occur in a given signature.
        let headers = WebhookHeaders {
            signature: Some(upper.as_bytes()),
            ..signed.as_received()
        };
        assert_eq!(verify(&s, headers), Err(WebhookError::NoSupportedSignature));
        if url_safe != good {
            let headers = WebhookHeaders {
                signature: Some(url_safe.as_bytes()),
                ..signed.as_received()
            };
            assert_eq!(
                verify(&s, headers),
                Err(WebhookError::MalformedHeader(Header::Signature))
            );
        }
    }

    #[test]
    fn rejects_stale_and_future_timestamps_and_accepts_both_edges() {
        let s = setup();
        let old_edge = sign(&s, "msg_old_edge");
        let stale = sign(&s, "msg_stale");
        let new_edge = sign(&s, "msg_new_edge");
        let future = sign(&s, "msg_future");
        s.clock.set(NOW + DEFAULT_TOLERANCE);
        assert_eq!(verify(&s, old_edge.as_received()), Ok(()));
        s.clock.set(NOW + DEFAULT_TOLERANCE + 1);
        assert_eq!(
            verify(&s, stale.as_received()),
            Err(WebhookError::StaleTimestamp {
                age: 301,
                tolerance: 300
            })
        );
        s.clock.set(NOW - DEFAULT_TOLERANCE);
        assert_eq!(verify(&s, new_edge.as_received()), Ok(()));
        s.clock.set(NOW - DEFAULT_TOLERANCE - 1);
        assert_eq!(
            verify(&s, future.as_received()),
            Err(WebhookError::FutureTimestamp {
                ahead: 301,
                tolerance: 300
            })
        );
    }

    #[test]
    fn applies_a_configured_tolerance() {
        let s = setup();
        let receiver =
            WebhookVerifier::new([secret(1)], ReplayCache::new(16), Arc::clone(&s.clock))
                .unwrap()
                .with_tolerance(5);
        let signed = sign(&s, "msg_1");
        s.clock.advance(6);
        assert_eq!(
            receiver.verify(signed.as_received(), BODY),
            Err(WebhookError::StaleTimestamp {
                age: 6,
                tolerance: 5
            })
        );
    }

    #[test]
    fn rejects_replayed_webhook_id() {
        let s = setup();
        let first = sign(&s, "msg_1");
        assert_eq!(verify(&s, first.as_received()), Ok(()));
        assert_eq!(verify(&s, first.as_received()), Err(WebhookError::Replayed));
        // A retry of the same event: fresh timestamp and signature, same id.
        s.clock.advance(5);
        let retry = sign(&s, "msg_1");
        assert_eq!(verify(&s, retry.as_received()), Err(WebhookError::Replayed));
        // A different event is a different id.
        assert_eq!(verify(&s, sign(&s, "msg_2").as_received()), Ok(()));
    }

    #[test]
    fn records_no_id_for_a_delivery_that_fails_verification() {
        let s = setup();
        let signed = sign(&s, "msg_1");
        assert_eq!(
            s.receiver.verify(signed.as_received(), b"forged"),
            Err(WebhookError::NoMatchingSignature)
        );
        assert_eq!(
            s.receiver.verify_signature(signed.as_received(), BODY),
            Ok(())
        );
        assert_eq!(verify(&s, signed.as_received()), Ok(()));
    }

    #[test]
    fn fails_closed_when_the_replay_store_is_full() {
        let s = setup_with_store(ReplayCache::new(1));
        assert_eq!(verify(&s, sign(&s, "msg_1").as_received()), Ok(()));
        assert_eq!(
            verify(&s, sign(&s, "msg_2").as_received()),
            Err(WebhookError::ReplayStoreFull)
        );
    }

    #[test]
    fn refuses_ids_that_would_make_signed_content_ambiguous() {
        let s = setup();
        // id "a", timestamp T, body "1.x" and id "a.T" ... share the signed bytes; refuse '.'.
        assert_eq!(
            s.signer.sign("a.1", NOW, BODY).map(|_| ()),
            Err(WebhookError::MalformedHeader(Header::Id))
        );
        let signed = sign(&s, "msg_1");
        for bad in [&b"msg.1"[..], b"msg 1", b"msg\n1", b"", b"caf\xc3\xa9"] {
            let headers = WebhookHeaders {
                id: Some(bad),
                ..signed.as_received()
            };
            assert_eq!(
                verify(&s, headers),
                Err(WebhookError::MalformedHeader(Header::Id)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn rejects_huge_headers() {
        let s = setup();
        let signed = sign(&s, "msg_1");
        let huge = vec![b'A'; 1 << 20];
        let many_entries = vec![signed.signature(); 100].join(" ");
        let cases = [
            (
                WebhookHeaders {
                    id: Some(&huge),
                    ..signed.as_received()
                },
                Header::Id,
            ),
            (
                WebhookHeaders {
                    timestamp: Some(&huge),
                    ..signed.as_received()
                },
                Header::Timestamp,
            ),
            (
                WebhookHeaders {
                    signature: Some(&huge),
                    ..signed.as_received()
                },
                Header::Signature,
            ),
            (
                WebhookHeaders {
                    signature: Some(many_entries.as_bytes()),
                    ..signed.as_received()
                },
                Header::Signature,
            ),
        ];
        for (headers, header) in cases {
            assert_eq!(
                verify(&s, headers),
                Err(WebhookError::MalformedHeader(header))
            );
        }
        let longest = "i".repeat(MAX_ID_LEN);
        assert_eq!(verify(&s, sign(&s, &longest).as_received()), Ok(()));
        assert!(s.signer.sign(&format!("{longest}i"), NOW, BODY).is_err());
    }

    #[test]
    fn names_the_missing_header() {
        let s = setup();
        let signed = sign(&s, "msg_1");
        let all = signed.as_received();
        for (headers, missing) in [
            (WebhookHeaders { id: None, ..all }, Header::Id),
            (
                WebhookHeaders {
                    timestamp: None,
                    ..all
                },
                Header::Timestamp,
            ),
            (
                WebhookHeaders {
                    signature: None,
                    ..all
                },
                Header::Signature,
            ),
        ] {
            assert_eq!(
                verify(&s, headers),
                Err(WebhookError::MissingHeader(missing))
            );
        }
    }

    #[test]
    fn rejects_non_canonical_timestamps() {
        let s = setup();
        let signed = sign(&s, "msg_1");
        let leading_zero = format!("0{NOW}");
        let millis = format!("{NOW}000");
        for bad in [leading_zero.as_str(), "-1", " 1", "1.5", ""] {
            let headers = WebhookHeaders {
                timestamp: Some(bad.as_bytes()),
                ..signed.as_received()
            };
            assert_eq!(
                verify(&s, headers),
                Err(WebhookError::MalformedHeader(Header::Timestamp)),
                "{bad:?}"
            );
        }
        // Milliseconds parse as a (far future) number of seconds.
        let headers = WebhookHeaders {
            timestamp: Some(millis.as_bytes()),
            ..signed.as_received()
        };
        assert!(matches!(
            verify(&s, headers),
            Err(WebhookError::FutureTimestamp { .. })
        ));
    }

    #[test]
    fn refuses_weak_or_malformed_secrets_and_empty_secret_sets() {
        assert_eq!(
            WebhookSecret::from_bytes(&[1; 23]).map(|_| ()),
            Err(WebhookError::WeakSecret { len: 23 })
        );
        for bad in [
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_!!!!",
            "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            // 32 bytes need one '=': unpadded and over-padded spellings are refused.
            "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
        ] {
            assert_eq!(
                WebhookSecret::parse(bad).map(|_| ()),
                Err(WebhookError::InvalidSecret),
                "{bad:?}"
            );
        }
        assert_eq!(
            WebhookSecret::parse("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAA").map(|_| ()),
            Err(WebhookError::WeakSecret { len: 21 })
        );
        assert_eq!(
            WebhookSecret::parse("whsec_").map(|_| ()),
            Err(WebhookError::WeakSecret { len: 0 })
        );
        assert!(WebhookSecret::parse("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").is_ok());
        assert_eq!(
            WebhookVerifier::new([], ReplayCache::new(1), FixedClock::new(NOW)).map(|_| ()),
            Err(WebhookError::NoSecrets)
        );
    }

    #[test]
    fn debug_output_never_shows_secrets_or_signatures() {
        let s = setup();
        let signed = sign(&s, "msg_1");
        let value = &signed.signature()[3..];
        for text in [
            format!("{:?}", secret(0xAB)),
            format!("{signed:?}"),
            format!("{:?}", signed.as_received()),
            format!("{:?}", s.signer),
            format!("{:?}", s.receiver),
        ] {
            assert!(!text.contains(value), "{text}");
            assert!(!text.contains("171") && !text.contains("abab"), "{text}");
        }
    }

    #[test]
    fn accepts_the_configured_authorization_with_any_scheme_case() {
        for header in [
            "Bearer secure-client-token-for-task-aaa",
            "bearer secure-client-token-for-task-aaa",
            "BEARER   secure-client-token-for-task-aaa",
            " Bearer secure-client-token-for-task-aaa\t",
        ] {
            assert_eq!(
                check_authorization(Some(header), "Bearer", "secure-client-token-for-task-aaa"),
                Ok(()),
                "{header:?}"
            );
        }
        assert_eq!(
            check_authorization(Some("Basic dXNlcjpwYXNz"), "basic", "dXNlcjpwYXNz"),
            Ok(())
        );
    }

    #[test]
    fn distinguishes_missing_from_wrong_authorization() {
        let check = |h| check_authorization(h, "Bearer", "token-123");
        assert_eq!(check(None), Err(WebhookError::MissingAuthorization));
        assert_eq!(check(Some("")), Err(WebhookError::MalformedAuthorization));
        assert_eq!(
            check(Some("   ")),
            Err(WebhookError::MalformedAuthorization)
        );
        assert_eq!(
            check(Some("Bea/rer token-123")),
            Err(WebhookError::MalformedAuthorization)
        );
        assert_eq!(
            check(Some("Basic token-123")),
            Err(WebhookError::WrongScheme)
        );
        assert_eq!(
            check(Some("Bearertoken-123")),
            Err(WebhookError::WrongScheme)
        );
        for wrong in [
            "Bearer",
            "Bearer token-12",
            "Bearer token-1234",
            "Bearer TOKEN-123",
            "Bearer token-123 extra",
            "Bearer token-124",
        ] {
            assert_eq!(
                check(Some(wrong)),
                Err(WebhookError::WrongCredentials),
                "{wrong:?}"
            );
        }
    }

    #[test]
    fn error_messages_are_lower_case_and_echo_no_input() {
        let errors = [
            WebhookError::MissingHeader(Header::Id),
            WebhookError::MalformedHeader(Header::Signature),
            WebhookError::StaleTimestamp {
                age: 1,
                tolerance: 0,
            },
            WebhookError::FutureTimestamp {
                ahead: 1,
                tolerance: 0,
            },
            WebhookError::NoSupportedSignature,
            WebhookError::NoMatchingSignature,
            WebhookError::Replayed,
            WebhookError::ReplayStoreFull,
            WebhookError::InvalidSecret,
            WebhookError::WeakSecret { len: 3 },
            WebhookError::NoSecrets,
            WebhookError::MissingAuthorization,
            WebhookError::MalformedAuthorization,
            WebhookError::WrongScheme,
            WebhookError::WrongCredentials,
        ];
        for error in errors {
            let text = error.to_string();
            assert!(text.starts_with(|c: char| c.is_ascii_lowercase()), "{text}");
        }
        let wrong = check_authorization(Some("Bearer hunter2"), "Bearer", "s3cret").unwrap_err();
        assert!(!wrong.to_string().contains("hunter2") && !wrong.to_string().contains("s3cret"));
    }
}
