//! HMAC-SHA256 message integrity: the `message-integrity/v1` A2A extension.
//!
//! A client signs each HTTP request; the agent verifies it *before parsing the body* and signs its
//! response, bound to the request it answers. The normative description (signed bytes, header
//! syntax, verification order, error mapping) is `docs/extensions/message-integrity.md`; this
//! module implements it.
//!
//! The signing input of a request is, byte for byte:
//!
//! ```text
//! A2A-MI-1 request\n{key-id}\n{METHOD}\n{path-and-query}\n{timestamp}\n{message-id}\n{raw body}
//! ```
//!
//! and of a response:
//!
//! ```text
//! A2A-MI-1 response\n{key-id}\n{status}\n{request message-id}\n{timestamp}\n{message-id}\n{raw body}
//! ```
//!
//! No field may contain `\n` (each has a charset without it), so the input splits back into its
//! fields in exactly one way; the body is the rest and is hashed as received, never copied,
//! parsed or re-encoded.
//!
//! - Client side: [`Signer::sign_request`], then [`Signer::verify_response`].
//! - Agent side: [`Verifier::verify_request`] (signature, window, replay), then
//!   [`Verifier::sign_response`].

use std::fmt;

use crate::base64url::{self, URL_SAFE};
use crate::clock::{Clock, UnixTime};
use crate::mac::{self, Freshness, MacKey, Tag};
use crate::replay::{ReplayError, ReplayStore};

/// The extension's URI, as declared in `AgentCard.capabilities.extensions[].uri` and sent in
/// `A2A-Extensions` (1.0) / `X-A2A-Extensions` (0.3). A breaking change gets a new URI.
pub const EXTENSION_URI: &str = "https://a2a-conformance.dev/extensions/message-integrity/v1";

/// The only algorithm v1 defines, the value of `X-Message-HMAC-Algorithm`.
pub const ALGORITHM: &str = "HMAC-SHA256";

/// The default [`Window::max_age`]: five minutes.
pub const DEFAULT_MAX_AGE: u64 = 300;

/// The default [`Window::max_skew`]: how far a sender's clock may run ahead.
pub const DEFAULT_MAX_SKEW: u64 = 60;

/// Shortest accepted secret: as long as the tag (RFC 2104 §3 recommends at least the output
/// length).
pub const MIN_KEY_LEN: usize = 32;

/// Longest key id (`X-Message-Key-ID`).
pub const MAX_KEY_ID_LEN: usize = 64;

/// Longest message id (`X-Message-ID`).
pub const MAX_MESSAGE_ID_LEN: usize = 128;

/// Longest request method.
pub const MAX_METHOD_LEN: usize = 16;

/// Longest request target (path and query).
pub const MAX_PATH_LEN: usize = 8192;

/// Length of `X-Message-HMAC`: 32 bytes in unpadded base64url.
const SIGNATURE_LEN: usize = 43;

const REQUEST_LABEL: &[u8] = b"A2A-MI-1 request\n";
const RESPONSE_LABEL: &[u8] = b"A2A-MI-1 response\n";
const NL: &[u8] = b"\n";

const REPLAY_PREFIX: &[u8] = b"mi:";
const REPLAY_KEY_LEN: usize = REPLAY_PREFIX.len() + MAX_KEY_ID_LEN + 1 + MAX_MESSAGE_ID_LEN;

/// One of the extension's headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Header {
    /// `X-Message-ID`: unique per key within the window.
    MessageId,
    /// `X-Message-Timestamp`: Unix seconds, canonical decimal.
    Timestamp,
    /// `X-Message-HMAC`: the tag, unpadded base64url.
    Signature,
    /// `X-Message-HMAC-Algorithm`: `HMAC-SHA256`.
    Algorithm,
    /// `X-Message-Key-ID`: optional; absent means the verifier's primary key.
    KeyId,
}

impl Header {
    /// Every header, in the order [`SignedHeaders::iter`] yields them.
    pub const ALL: [Header; 5] = [
        Header::MessageId,
        Header::Timestamp,
        Header::Signature,
        Header::Algorithm,
        Header::KeyId,
    ];

    /// The header's field name (HTTP field names are case-insensitive).
    pub const fn name(self) -> &'static str {
        match self {
            Header::MessageId => "X-Message-ID",
            Header::Timestamp => "X-Message-Timestamp",
            Header::Signature => "X-Message-HMAC",
            Header::Algorithm => "X-Message-HMAC-Algorithm",
            Header::KeyId => "X-Message-Key-ID",
        }
    }
}

/// Why a message was refused, or a key or key set could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IntegrityError {
    /// A required header is absent.
    MissingHeader(Header),
    /// A header is present but breaks its syntax (charset, length, encoding).
    MalformedHeader(Header),
    /// `X-Message-HMAC-Algorithm` is not `HMAC-SHA256`.
    UnsupportedAlgorithm,
    /// `X-Message-Key-ID` names no configured key (or, on a response, not the request's key).
    UnknownKey,
    /// The timestamp is older than the window.
    StaleTimestamp {
        /// Seconds between the timestamp and now.
        age: u64,
        /// The window's [`Window::max_age`].
        max_age: u64,
    },
    /// The timestamp is further ahead than the allowed skew.
    FutureTimestamp {
        /// Seconds between now and the timestamp.
        ahead: u64,
        /// The window's [`Window::max_skew`].
        max_skew: u64,
    },
    /// The tag does not match the message.
    BadSignature,
    /// The message id was already accepted within the window.
    Replayed,
    /// The replay store is full of live ids and refuses new ones (fail closed).
    ReplayStoreFull,
    /// The request method is not an HTTP token of at most [`MAX_METHOD_LEN`] bytes.
    InvalidMethod,
    /// The request target is not an origin-form path (and query) of at most [`MAX_PATH_LEN`]
    /// visible ASCII bytes.
    InvalidPath,
    /// The response status is not in 100..=599.
    InvalidStatus,
    /// A key id is empty, too long or uses characters outside `A-Z a-z 0-9 - . _ ~`.
    InvalidKeyId,
    /// A secret is shorter than [`MIN_KEY_LEN`].
    WeakKey {
        /// The secret's length in bytes.
        len: usize,
    },
    /// Two keys of a key set share an id.
    DuplicateKeyId,
    /// A verifier was given no key.
    NoKeys,
}

impl fmt::Display for IntegrityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(h) => write!(f, "missing {} header", h.name()),
            Self::MalformedHeader(h) => write!(f, "malformed {} header", h.name()),
            Self::UnsupportedAlgorithm => {
                write!(
                    f,
                    "unsupported message-integrity algorithm (only {ALGORITHM})"
                )
            }
            Self::UnknownKey => f.write_str("unknown message-integrity key id"),
            Self::StaleTimestamp { age, max_age } => write!(
                f,
                "message timestamp is {age} s old, beyond the {max_age} s window"
            ),
            Self::FutureTimestamp { ahead, max_skew } => write!(
                f,
                "message timestamp is {ahead} s in the future, beyond the {max_skew} s allowed skew"
            ),
            Self::BadSignature => f.write_str("message signature does not verify"),
            Self::Replayed => f.write_str("message id already used (replay)"),
            Self::ReplayStoreFull => {
                f.write_str("replay store full: refusing new message ids until some expire")
            }
            Self::InvalidMethod => f.write_str("invalid request method"),
            Self::InvalidPath => f.write_str("invalid request target (origin-form path required)"),
            Self::InvalidStatus => f.write_str("invalid response status code"),
            Self::InvalidKeyId => {
                f.write_str("invalid key id (1 to 64 characters from A-Z a-z 0-9 - . _ ~ required)")
            }
            Self::WeakKey { len } => write!(
                f,
                "integrity secret too short: {len} bytes, at least {MIN_KEY_LEN} required"
            ),
            Self::DuplicateKeyId => f.write_str("two integrity keys share an id"),
            Self::NoKeys => f.write_str("no integrity key configured"),
        }
    }
}

impl std::error::Error for IntegrityError {}

/// How far a timestamp may lie from now.
///
/// A message is accepted iff `now - max_age <= timestamp <= now + max_skew`; its id is then
/// remembered until `timestamp + max_age + 1`, the first instant it would be stale anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Oldest accepted age in seconds.
    pub max_age: u64,
    /// Furthest accepted distance into the future in seconds (clock skew).
    pub max_skew: u64,
}

impl Window {
    /// [`DEFAULT_MAX_AGE`] and [`DEFAULT_MAX_SKEW`].
    pub const DEFAULT: Window = Window {
        max_age: DEFAULT_MAX_AGE,
        max_skew: DEFAULT_MAX_SKEW,
    };

    fn check(self, timestamp: UnixTime, now: UnixTime) -> Result<UnixTime, IntegrityError> {
        match mac::freshness(timestamp, now, self.max_age, self.max_skew) {
            Freshness::Fresh { replay_until } => Ok(replay_until),
            Freshness::Stale { age } => Err(IntegrityError::StaleTimestamp {
                age,
                max_age: self.max_age,
            }),
            Freshness::Future { ahead } => Err(IntegrityError::FutureTimestamp {
                ahead,
                max_skew: self.max_skew,
            }),
        }
    }
}

impl Default for Window {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A shared secret with its id, keyed once: the HMAC state is precomputed here and cloned per
/// message. `Debug` shows the id only.
#[derive(Clone)]
pub struct IntegrityKey {
    id: Box<str>,
    mac: MacKey,
}

impl IntegrityKey {
    /// A key named `key_id` (1 to [`MAX_KEY_ID_LEN`] characters from `A-Z a-z 0-9 - . _ ~`)
    /// over `secret` (at least [`MIN_KEY_LEN`] bytes, which should be random).
    pub fn new(key_id: &str, secret: &[u8]) -> Result<Self, IntegrityError> {
        if !is_id(key_id.as_bytes(), MAX_KEY_ID_LEN) {
            return Err(IntegrityError::InvalidKeyId);
        }
        if secret.len() < MIN_KEY_LEN {
            return Err(IntegrityError::WeakKey { len: secret.len() });
        }
        Ok(Self {
            id: key_id.into(),
            mac: MacKey::new(secret),
        })
    }

    /// The key id, sent as `X-Message-Key-ID`.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn request_tag(
        &self,
        method: &[u8],
        path: &[u8],
        timestamp: &[u8],
        message_id: &[u8],
        body: &[u8],
    ) -> Tag {
        self.mac.tag(&[
            REQUEST_LABEL,
            self.id.as_bytes(),
            NL,
            method,
            NL,
            path,
            NL,
            timestamp,
            NL,
            message_id,
            NL,
            body,
        ])
    }

    fn response_tag(
        &self,
        status: [u8; 3],
        request_message_id: &[u8],
        timestamp: &[u8],
        message_id: &[u8],
        body: &[u8],
    ) -> Tag {
        self.mac.tag(&[
            RESPONSE_LABEL,
            self.id.as_bytes(),
            NL,
            &status,
            NL,
            request_message_id,
            NL,
            timestamp,
            NL,
            message_id,
            NL,
            body,
        ])
    }

    /// The headers of a message signed with this key at `timestamp` (`timestamp_text` is its
    /// decimal spelling, as signed).
    fn headers(
        &self,
        message_id: &str,
        timestamp: UnixTime,
        timestamp_text: String,
        tag: &Tag,
    ) -> SignedHeaders {
        SignedHeaders {
            key_id: self.id.to_string(),
            message_id: message_id.to_owned(),
            timestamp,
            timestamp_text,
            signature: base64url::encode(tag.as_bytes()),
        }
    }
}

impl fmt::Debug for IntegrityKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntegrityKey")
            .field("id", &self.id)
            .field("secret", &self.mac)
            .finish()
    }
}

/// The extension's headers as received, one value each (`None` when absent), as raw bytes.
///
/// A header that occurs more than once must be refused by the caller or passed with its values
/// joined by `", "` (RFC 9110 §5.3); no value of this extension contains a comma or a space, so
/// a joined value then fails as [`IntegrityError::MalformedHeader`].
#[derive(Clone, Copy, Default)]
pub struct IntegrityHeaders<'a> {
    /// `X-Message-ID`.
    pub message_id: Option<&'a [u8]>,
    /// `X-Message-Timestamp`.
    pub timestamp: Option<&'a [u8]>,
    /// `X-Message-HMAC`.
    pub signature: Option<&'a [u8]>,
    /// `X-Message-HMAC-Algorithm`.
    pub algorithm: Option<&'a [u8]>,
    /// `X-Message-Key-ID` (optional).
    pub key_id: Option<&'a [u8]>,
}

impl<'a> IntegrityHeaders<'a> {
    /// Reads each header through `lookup`, which receives the field name (as in
    /// [`Header::name`]) and must match it case-insensitively, e.g. with `http::HeaderMap`:
    /// `IntegrityHeaders::from_fn(|name| map.get(name).map(|v| v.as_bytes()))`.
    pub fn from_fn(mut lookup: impl FnMut(&'static str) -> Option<&'a [u8]>) -> Self {
        Self {
            message_id: lookup(Header::MessageId.name()),
            timestamp: lookup(Header::Timestamp.name()),
            signature: lookup(Header::Signature.name()),
            algorithm: lookup(Header::Algorithm.name()),
            key_id: lookup(Header::KeyId.name()),
        }
    }
}

impl fmt::Debug for IntegrityHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = mac::header_text;
        f.debug_struct("IntegrityHeaders")
            .field("message_id", &text(self.message_id))
            .field("timestamp", &text(self.timestamp))
            .field("signature", &self.signature.map(|_| "[redacted]"))
            .field("algorithm", &text(self.algorithm))
            .field("key_id", &text(self.key_id))
            .finish()
    }
}

/// The headers a signer attaches to a message.
#[derive(Clone)]
pub struct SignedHeaders {
    key_id: String,
    message_id: String,
    timestamp: UnixTime,
    timestamp_text: String,
    signature: String,
}

impl SignedHeaders {
    /// `X-Message-Key-ID`.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// `X-Message-ID`.
    pub fn message_id(&self) -> &str {
        &self.message_id
    }

    /// `X-Message-Timestamp`, as a number.
    pub fn timestamp(&self) -> UnixTime {
        self.timestamp
    }

    /// `X-Message-HMAC`: the tag in unpadded base64url.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// `X-Message-HMAC-Algorithm`: always [`ALGORITHM`].
    pub fn algorithm(&self) -> &'static str {
        ALGORITHM
    }

    /// `(field name, value)` for every header to send, in the order of [`Header::ALL`].
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        Header::ALL.into_iter().map(|h| (h.name(), self.value(h)))
    }

    /// The same headers as a receiver sees them: for in-process round trips and tests.
    pub fn as_received(&self) -> IntegrityHeaders<'_> {
        IntegrityHeaders {
            message_id: Some(self.message_id.as_bytes()),
            timestamp: Some(self.timestamp_text.as_bytes()),
            signature: Some(self.signature.as_bytes()),
            algorithm: Some(ALGORITHM.as_bytes()),
            key_id: Some(self.key_id.as_bytes()),
        }
    }

    fn value(&self, header: Header) -> &str {
        match header {
            Header::MessageId => &self.message_id,
            Header::Timestamp => &self.timestamp_text,
            Header::Signature => &self.signature,
            Header::Algorithm => ALGORITHM,
            Header::KeyId => &self.key_id,
        }
    }
}

impl fmt::Debug for SignedHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedHeaders")
            .field("key_id", &self.key_id)
            .field("message_id", &self.message_id)
            .field("timestamp", &self.timestamp)
            .field("signature", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// A request whose signature and timestamp verified (and, from [`Verifier::verify_request`],
/// whose id was not seen before). Hand it to [`Verifier::sign_response`] to sign the answer.
#[derive(Debug, Clone, Copy)]
pub struct Verified<'a> {
    key: &'a IntegrityKey,
    message_id: &'a str,
    timestamp: UnixTime,
}

impl<'a> Verified<'a> {
    /// The id of the key that verified the request.
    pub fn key_id(&self) -> &'a str {
        self.key.id()
    }

    /// The request's `X-Message-ID`.
    pub fn message_id(&self) -> &'a str {
        self.message_id
    }

    /// The request's `X-Message-Timestamp`.
    pub fn timestamp(&self) -> UnixTime {
        self.timestamp
    }
}

/// The client side: signs requests and verifies the signed responses to them.
#[derive(Debug)]
pub struct Signer {
    key: IntegrityKey,
    clock: Box<dyn Clock>,
    window: Window,
}

impl Signer {
    /// A signer using `key`, timestamping with `clock`, checking responses against
    /// [`Window::DEFAULT`].
    pub fn new(key: IntegrityKey, clock: impl Clock + 'static) -> Self {
        Self {
            key,
            clock: Box::new(clock),
            window: Window::DEFAULT,
        }
    }

    /// Checks response timestamps against `window` instead.
    #[must_use]
    pub fn with_window(mut self, window: Window) -> Self {
        self.window = window;
        self
    }

    /// The id of the signing key.
    pub fn key_id(&self) -> &str {
        self.key.id()
    }

    /// Signs a request: `method` as sent (case-sensitive), `path` the request target in origin
    /// form exactly as sent (path and query, percent-encoding untouched), `message_id` unique
    /// for this key (1 to [`MAX_MESSAGE_ID_LEN`] characters from `A-Z a-z 0-9 - . _ ~`, e.g. a
    /// UUID), `body` the exact bytes sent.
    pub fn sign_request(
        &self,
        method: &str,
        path: &str,
        message_id: &str,
        body: &[u8],
    ) -> Result<SignedHeaders, IntegrityError> {
        check_method(method.as_bytes())?;
        check_path(path.as_bytes())?;
        check_message_id(message_id.as_bytes())?;
        let timestamp = self.clock.now();
        let timestamp_text = timestamp.to_string();
        let tag = self.key.request_tag(
            method.as_bytes(),
            path.as_bytes(),
            timestamp_text.as_bytes(),
            message_id.as_bytes(),
            body,
        );
        Ok(self
            .key
            .headers(message_id, timestamp, timestamp_text, &tag))
    }

    /// Verifies the response to `request` (headers this signer produced): the signature under
    /// this signer's key, the binding to `status` and to the request's message id, and the
    /// timestamp window. Responses need no replay store: each is bound to a request id that is
    /// itself used once.
    pub fn verify_response(
        &self,
        request: &SignedHeaders,
        status: u16,
        headers: IntegrityHeaders<'_>,
        body: &[u8],
    ) -> Result<(), IntegrityError> {
        check_algorithm(headers.algorithm)?;
        if let Some(id) = headers.key_id {
            if !is_id(id, MAX_KEY_ID_LEN) {
                return Err(IntegrityError::MalformedHeader(Header::KeyId));
            }
            if id != self.key.id.as_bytes() {
                return Err(IntegrityError::UnknownKey);
            }
        }
        if request.key_id != *self.key.id {
            return Err(IntegrityError::UnknownKey);
        }
        let fields = Fields::parse(headers)?;
        let status = status_digits(status)?;
        self.window.check(fields.timestamp, self.clock.now())?;
        let expected = self.key.response_tag(
            status,
            request.message_id.as_bytes(),
            fields.timestamp_text,
            fields.message_id.as_bytes(),
            body,
        );
        fields.check_tag(&expected)
    }
}

/// The agent side: verifies requests against a key set, rejects replays, signs responses.
#[derive(Debug)]
pub struct Verifier {
    keys: Box<[IntegrityKey]>,
    replay: Box<dyn ReplayStore>,
    clock: Box<dyn Clock>,
    window: Window,
}

impl Verifier {
    /// A verifier accepting any of `keys`. The first is the *primary* key, used when a request
    /// carries no `X-Message-Key-ID`; list the new key first during a rotation and drop the old
    /// one once no client uses it. Accepted ids are recorded in `replay` (share one store across
    /// all instances of an agent).
    pub fn new(
        keys: impl IntoIterator<Item = IntegrityKey>,
        replay: impl ReplayStore + 'static,
        clock: impl Clock + 'static,
        window: Window,
    ) -> Result<Self, IntegrityError> {
        let keys: Box<[IntegrityKey]> = keys.into_iter().collect();
        if keys.is_empty() {
            return Err(IntegrityError::NoKeys);
        }
        for (i, key) in keys.iter().enumerate() {
            if keys[..i].iter().any(|k| k.id == key.id) {
                return Err(IntegrityError::DuplicateKeyId);
            }
        }
        Ok(Self {
            keys,
            replay: Box::new(replay),
            clock: Box::new(clock),
            window,
        })
    }

    /// Verifies a request completely: headers, key, timestamp window, signature over the raw
    /// `body`, then records the message id so the same request is refused next time. Call it
    /// before parsing the body.
    ///
    /// The id is recorded only once the signature has verified, so unauthenticated traffic can
    /// neither fill the store nor burn a legitimate client's ids.
    pub fn verify_request<'a>(
        &'a self,
        method: &str,
        path: &str,
        headers: IntegrityHeaders<'a>,
        body: &[u8],
    ) -> Result<Verified<'a>, IntegrityError> {
        let now = self.clock.now();
        let (verified, replay_until) = self.verify_at(method, path, headers, body, now)?;
        let mut buffer = [0u8; REPLAY_KEY_LEN];
        let key = replay_key(&mut buffer, verified.key.id(), verified.message_id)?;
        match self.replay.check_and_insert(key, replay_until, now) {
            Ok(()) => Ok(verified),
            Err(ReplayError::Replayed) => Err(IntegrityError::Replayed),
            Err(ReplayError::Full { .. }) => Err(IntegrityError::ReplayStoreFull),
        }
    }

    /// Everything [`Verifier::verify_request`] checks except the replay store: for callers that
    /// record ids themselves, or re-check a request already admitted.
    pub fn verify_request_signature<'a>(
        &'a self,
        method: &str,
        path: &str,
        headers: IntegrityHeaders<'a>,
        body: &[u8],
    ) -> Result<Verified<'a>, IntegrityError> {
        self.verify_at(method, path, headers, body, self.clock.now())
            .map(|(verified, _)| verified)
    }

    /// The stateless checks at `now`, in the order the extension specifies; also returns the
    /// instant until which the message id must be remembered.
    fn verify_at<'a>(
        &'a self,
        method: &str,
        path: &str,
        headers: IntegrityHeaders<'a>,
        body: &[u8],
        now: UnixTime,
    ) -> Result<(Verified<'a>, UnixTime), IntegrityError> {
        check_algorithm(headers.algorithm)?;
        let key = self.key_for(headers.key_id)?;
        let fields = Fields::parse(headers)?;
        check_method(method.as_bytes())?;
        check_path(path.as_bytes())?;
        let replay_until = self.window.check(fields.timestamp, now)?;
        let expected = key.request_tag(
            method.as_bytes(),
            path.as_bytes(),
            fields.timestamp_text,
            fields.message_id.as_bytes(),
            body,
        );
        fields.check_tag(&expected)?;
        let verified = Verified {
            key,
            message_id: fields.message_id,
            timestamp: fields.timestamp,
        };
        Ok((verified, replay_until))
    }

    /// Signs the response to a verified request, with the key that verified it, timestamped
    /// now. `message_id` is the response's own id (same syntax as a request's).
    pub fn sign_response(
        &self,
        request: &Verified<'_>,
        status: u16,
        message_id: &str,
        body: &[u8],
    ) -> Result<SignedHeaders, IntegrityError> {
        let status = status_digits(status)?;
        check_message_id(message_id.as_bytes())?;
        let timestamp = self.clock.now();
        let timestamp_text = timestamp.to_string();
        let key = request.key;
        let tag = key.response_tag(
            status,
            request.message_id.as_bytes(),
            timestamp_text.as_bytes(),
            message_id.as_bytes(),
            body,
        );
        Ok(key.headers(message_id, timestamp, timestamp_text, &tag))
    }

    fn key_for(&self, key_id: Option<&[u8]>) -> Result<&IntegrityKey, IntegrityError> {
        let Some(id) = key_id else {
            // Non-empty by construction (`new` refuses an empty set); the error is unreachable.
            return self.keys.first().ok_or(IntegrityError::NoKeys);
        };
        if !is_id(id, MAX_KEY_ID_LEN) {
            return Err(IntegrityError::MalformedHeader(Header::KeyId));
        }
        self.keys
            .iter()
            .find(|k| k.id.as_bytes() == id)
            .ok_or(IntegrityError::UnknownKey)
    }
}

/// The syntactically valid id, timestamp and tag of a received message.
struct Fields<'a> {
    message_id: &'a str,
    timestamp: UnixTime,
    timestamp_text: &'a [u8],
    tag: Tag,
}

impl<'a> Fields<'a> {
    fn parse(headers: IntegrityHeaders<'a>) -> Result<Self, IntegrityError> {
        let message_id = headers
            .message_id
            .ok_or(IntegrityError::MissingHeader(Header::MessageId))?;
        check_message_id(message_id)?;
        // ASCII after the check above, so this conversion cannot fail.
        let message_id = std::str::from_utf8(message_id)
            .map_err(|_| IntegrityError::MalformedHeader(Header::MessageId))?;

        let timestamp_text = headers
            .timestamp
            .ok_or(IntegrityError::MissingHeader(Header::Timestamp))?;
        let timestamp = mac::parse_timestamp(timestamp_text)
            .ok_or(IntegrityError::MalformedHeader(Header::Timestamp))?;

        let signature = headers
            .signature
            .ok_or(IntegrityError::MissingHeader(Header::Signature))?;
        // Exactly 43 characters of strict unpadded base64url, canonical trailing bits: 32 bytes.
        let tag = mac::decode_tag(&URL_SAFE, signature, SIGNATURE_LEN)
            .ok_or(IntegrityError::MalformedHeader(Header::Signature))?;

        Ok(Self {
            message_id,
            timestamp,
            timestamp_text,
            tag,
        })
    }

    fn check_tag(&self, expected: &Tag) -> Result<(), IntegrityError> {
        if bool::from(self.tag.matches(expected)) {
            Ok(())
        } else {
            Err(IntegrityError::BadSignature)
        }
    }
}

fn check_algorithm(algorithm: Option<&[u8]>) -> Result<(), IntegrityError> {
    match algorithm {
        None => Err(IntegrityError::MissingHeader(Header::Algorithm)),
        Some(a) if a == ALGORITHM.as_bytes() => Ok(()),
        Some(_) => Err(IntegrityError::UnsupportedAlgorithm),
    }
}

fn check_message_id(id: &[u8]) -> Result<(), IntegrityError> {
    if is_id(id, MAX_MESSAGE_ID_LEN) {
        Ok(())
    } else {
        Err(IntegrityError::MalformedHeader(Header::MessageId))
    }
}

/// 1 to `max` characters from RFC 3986 "unreserved": `A-Z a-z 0-9 - . _ ~`.
fn is_id(id: &[u8], max: usize) -> bool {
    !id.is_empty()
        && id.len() <= max
        && id
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// An RFC 9110 §9.1 method: a `token`, here at most [`MAX_METHOD_LEN`] bytes.
fn check_method(method: &[u8]) -> Result<(), IntegrityError> {
    if method.len() <= MAX_METHOD_LEN && mac::is_token(method) {
        Ok(())
    } else {
        Err(IntegrityError::InvalidMethod)
    }
}

/// An RFC 9112 §3.2.1 origin-form target: `/`, then visible ASCII without `#`, at most
/// [`MAX_PATH_LEN`] bytes. Not normalised: the bytes signed are the bytes sent.
fn check_path(path: &[u8]) -> Result<(), IntegrityError> {
    if path.first() == Some(&b'/')
        && path.len() <= MAX_PATH_LEN
        && path.iter().all(|&b| b.is_ascii_graphic() && b != b'#')
    {
        Ok(())
    } else {
        Err(IntegrityError::InvalidPath)
    }
}

/// A status code as its three ASCII digits.
fn status_digits(status: u16) -> Result<[u8; 3], IntegrityError> {
    if !(100..=599).contains(&status) {
        return Err(IntegrityError::InvalidStatus);
    }
    let digit = |n: u16| b'0' + u8::try_from(n % 10).unwrap_or(0);
    Ok([digit(status / 100), digit(status / 10), digit(status)])
}

/// `mi:{key-id}:{message-id}` in `buffer`. Neither id contains `:`, so distinct pairs give
/// distinct keys. Both were length-checked, so the buffer always fits.
fn replay_key<'b>(
    buffer: &'b mut [u8; REPLAY_KEY_LEN],
    key_id: &str,
    message_id: &str,
) -> Result<&'b [u8], IntegrityError> {
    mac::concat(
        buffer,
        &[
            REPLAY_PREFIX,
            key_id.as_bytes(),
            b":",
            message_id.as_bytes(),
        ],
    )
    .ok_or(IntegrityError::MalformedHeader(Header::MessageId))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::FixedClock;
    use crate::replay::ReplayCache;

    /// The worked example of `docs/extensions/message-integrity.md` (independently computed with
    /// Python's `hmac` module).
    const EXAMPLE_SECRET: [u8; 32] = [
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
        0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
        0x1e, 0x1f,
    ];
    const EXAMPLE_KEY_ID: &str = "example-2026";
    const EXAMPLE_NOW: UnixTime = 1_767_225_600;
    const EXAMPLE_ID: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const EXAMPLE_BODY: &[u8] =
        br#"{"jsonrpc":"2.0","id":1,"method":"GetTask","params":{"id":"task-123"}}"#;
    const EXAMPLE_TAG_HEX: &str =
        "63a7e5e00bfd2ec2d4ffc04ec7a1bb0fc16ca32869286918507e44d226a808ec";
    const EXAMPLE_SIGNATURE: &str = "Y6fl4Av9LsLU_8BOx6G7D8FsoyhpKGkYUH5E0iaoCOw";
    const EXAMPLE_RESPONSE_ID: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    const EXAMPLE_RESPONSE_BODY: &[u8] = br#"{"jsonrpc":"2.0","id":1,"result":{"id":"task-123","contextId":"ctx-1","status":{"state":"TASK_STATE_COMPLETED"}}}"#;
    const EXAMPLE_RESPONSE_TAG_HEX: &str =
        "2564aa57c4011924d28848220b02dee43ab19f101e01f1baf3d325fca92e7114";
    const EXAMPLE_RESPONSE_SIGNATURE: &str = "JWSqV8QBGSTSiEgiCwLe5DqxnxAeAfG689Ml_KkucRQ";

    const NOW: UnixTime = 1_800_000_000;
    const BODY: &[u8] = br#"{"jsonrpc":"2.0","id":7,"method":"SendMessage","params":{}}"#;

    fn key(id: &str, fill: u8) -> IntegrityKey {
        IntegrityKey::new(id, &[fill; 32]).unwrap()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().fold(String::new(), |mut out, b| {
            use std::fmt::Write as _;
            let _ = write!(out, "{b:02x}");
            out
        })
    }

    /// An agent with keys `k1` (primary) and `k0`, a client holding `k1`, one shared clock.
    struct Setup {
        clock: Arc<FixedClock>,
        client: Signer,
        agent: Verifier,
    }

    fn setup() -> Setup {
        setup_with_store(ReplayCache::new(1024))
    }

    fn setup_with_store(store: impl ReplayStore + 'static) -> Setup {
        let clock = Arc::new(FixedClock::new(NOW));
        let client = Signer::new(key("k1", 1), Arc::clone(&clock));
        let agent = Verifier::new(
            [key("k1", 1), key("k0", 0)],
            store,
            Arc::clone(&clock),
            Window::DEFAULT,
        )
        .unwrap();
        Setup {
            clock,
            client,
            agent,
        }
    }

    fn sign(s: &Setup, id: &str) -> SignedHeaders {
        s.client.sign_request("POST", "/a2a", id, BODY).unwrap()
    }

    fn verify(s: &Setup, h: IntegrityHeaders<'_>) -> Result<(), IntegrityError> {
        s.agent.verify_request("POST", "/a2a", h, BODY).map(|_| ())
    }

    #[test]
    fn signs_the_worked_example_of_the_extension_spec() {
        let clock = Arc::new(FixedClock::new(EXAMPLE_NOW));
        let example_key = IntegrityKey::new(EXAMPLE_KEY_ID, &EXAMPLE_SECRET).unwrap();
        let client = Signer::new(example_key.clone(), Arc::clone(&clock));
        let signed = client
            .sign_request("POST", "/a2a", EXAMPLE_ID, EXAMPLE_BODY)
            .unwrap();
        assert_eq!(signed.signature(), EXAMPLE_SIGNATURE);
        assert_eq!(
            hex(&base64url::decode(signed.signature().as_bytes()).unwrap()),
            EXAMPLE_TAG_HEX
        );
        let headers: Vec<_> = signed.iter().collect();
        assert_eq!(
            headers,
            [
                ("X-Message-ID", EXAMPLE_ID),
                ("X-Message-Timestamp", "1767225600"),
                ("X-Message-HMAC", EXAMPLE_SIGNATURE),
                ("X-Message-HMAC-Algorithm", "HMAC-SHA256"),
                ("X-Message-Key-ID", EXAMPLE_KEY_ID),
            ]
        );

        // The agent verifies it and signs the documented response one second later.
        let agent = Verifier::new(
            [example_key],
            ReplayCache::new(16),
            Arc::clone(&clock),
            Window::DEFAULT,
        )
        .unwrap();
        let verified = agent
            .verify_request("POST", "/a2a", signed.as_received(), EXAMPLE_BODY)
            .unwrap();
        clock.advance(1);
        let response = agent
            .sign_response(&verified, 200, EXAMPLE_RESPONSE_ID, EXAMPLE_RESPONSE_BODY)
            .unwrap();
        assert_eq!(response.signature(), EXAMPLE_RESPONSE_SIGNATURE);
        assert_eq!(response.timestamp(), EXAMPLE_NOW + 1);
        assert_eq!(
            hex(&base64url::decode(response.signature().as_bytes()).unwrap()),
            EXAMPLE_RESPONSE_TAG_HEX
        );
        client
            .verify_response(&signed, 200, response.as_received(), EXAMPLE_RESPONSE_BODY)
            .unwrap();
    }

    #[test]
    fn accepts_a_signed_request_and_reports_what_it_verified() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let verified = s
            .agent
            .verify_request("POST", "/a2a", signed.as_received(), BODY)
            .unwrap();
        assert_eq!(verified.key_id(), "k1");
        assert_eq!(verified.message_id(), "req-1");
        assert_eq!(verified.timestamp(), NOW);
    }

    #[test]
    fn accepts_headers_read_through_a_case_insensitive_lookup() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let wire: Vec<(String, String)> = signed
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v.to_owned()))
            .collect();
        let headers = IntegrityHeaders::from_fn(|name| {
            wire.iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_bytes())
        });
        assert_eq!(verify(&s, headers), Ok(()));
    }

    #[test]
    fn rejects_body_changed_after_signing() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let mut body = BODY.to_vec();
        body[10] ^= 0x01;
        for tampered in [&body[..], &BODY[..BODY.len() - 1], b""] {
            assert_eq!(
                s.agent
                    .verify_request("POST", "/a2a", signed.as_received(), tampered)
                    .map(|_| ()),
                Err(IntegrityError::BadSignature)
            );
        }
        // Re-serialising the same JSON differently is a change too: the MAC is over the bytes.
        let reserialised = br#"{"jsonrpc": "2.0", "id": 7, "method": "SendMessage", "params": {}}"#;
        assert_eq!(
            s.agent
                .verify_request("POST", "/a2a", signed.as_received(), reserialised)
                .map(|_| ()),
            Err(IntegrityError::BadSignature)
        );
    }

    #[test]
    fn rejects_method_or_path_changed_after_signing() {
        let s = setup();
        let signed = sign(&s, "req-1");
        for (method, path) in [
            ("PUT", "/a2a"),
            ("post", "/a2a"),
            ("POST", "/a2a/"),
            ("POST", "/A2A"),
            ("POST", "/a2a?tenant=x"),
            ("POST", "/%612a"),
        ] {
            assert_eq!(
                s.agent
                    .verify_request(method, path, signed.as_received(), BODY)
                    .map(|_| ()),
                Err(IntegrityError::BadSignature),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn rejects_timestamp_changed_after_signing() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let later = (NOW + 1).to_string();
        let headers = IntegrityHeaders {
            timestamp: Some(later.as_bytes()),
            ..signed.as_received()
        };
        assert_eq!(verify(&s, headers), Err(IntegrityError::BadSignature));
    }

    #[test]
    fn rejects_message_id_changed_after_signing() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let headers = IntegrityHeaders {
            message_id: Some(b"req-2"),
            ..signed.as_received()
        };
        assert_eq!(verify(&s, headers), Err(IntegrityError::BadSignature));
    }

    #[test]
    fn rejects_signature_made_with_another_secret_under_the_same_key_id() {
        let s = setup();
        let impostor = Signer::new(key("k1", 9), Arc::clone(&s.clock));
        let signed = impostor
            .sign_request("POST", "/a2a", "req-1", BODY)
            .unwrap();
        assert_eq!(
            verify(&s, signed.as_received()),
            Err(IntegrityError::BadSignature)
        );
    }

    #[test]
    fn rejects_signature_presented_under_another_key_id() {
        // The key id is part of the signed bytes: even two ids sharing one secret do not
        // accept each other's signatures (so the replay namespace cannot be switched).
        let clock = Arc::new(FixedClock::new(NOW));
        let agent = Verifier::new(
            [key("a", 1), key("b", 1)],
            ReplayCache::new(16),
            Arc::clone(&clock),
            Window::DEFAULT,
        )
        .unwrap();
        let signed = Signer::new(key("a", 1), Arc::clone(&clock))
            .sign_request("POST", "/a2a", "req-1", BODY)
            .unwrap();
        let headers = IntegrityHeaders {
            key_id: Some(b"b"),
            ..signed.as_received()
        };
        assert_eq!(
            agent
                .verify_request("POST", "/a2a", headers, BODY)
                .map(|_| ()),
            Err(IntegrityError::BadSignature)
        );
    }

    #[test]
    fn rejects_unknown_key_id() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let headers = IntegrityHeaders {
            key_id: Some(b"k9"),
            ..signed.as_received()
        };
        assert_eq!(verify(&s, headers), Err(IntegrityError::UnknownKey));
    }

    #[test]
    fn accepts_signature_from_rotated_key() {
        let s = setup();
        let old_client = Signer::new(key("k0", 0), Arc::clone(&s.clock));
        let signed = old_client
            .sign_request("POST", "/a2a", "req-old", BODY)
            .unwrap();
        let verified = s
            .agent
            .verify_request("POST", "/a2a", signed.as_received(), BODY)
            .unwrap();
        assert_eq!(verified.key_id(), "k0");
        // The response is signed with the key that verified the request.
        let response = s
            .agent
            .sign_response(&verified, 200, "resp-1", b"{}")
            .unwrap();
        assert_eq!(response.key_id(), "k0");
        assert_eq!(
            old_client.verify_response(&signed, 200, response.as_received(), b"{}"),
            Ok(())
        );
    }

    #[test]
    fn uses_the_primary_key_when_no_key_id_is_sent() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let headers = IntegrityHeaders {
            key_id: None,
            ..signed.as_received()
        };
        assert_eq!(
            s.agent
                .verify_request("POST", "/a2a", headers, BODY)
                .unwrap()
                .key_id(),
            "k1"
        );
        // A client of the secondary key must name it.
        let old = Signer::new(key("k0", 0), Arc::clone(&s.clock))
            .sign_request("POST", "/a2a", "req-2", BODY)
            .unwrap();
        let headers = IntegrityHeaders {
            key_id: None,
            ..old.as_received()
        };
        assert_eq!(verify(&s, headers), Err(IntegrityError::BadSignature));
    }

    #[test]
    fn rejects_truncated_or_extended_tag() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let sig = signed.signature().to_owned();
        let longer = format!("{sig}A");
        for bad in [&sig[..42], &sig[..22], "", &longer] {
            let headers = IntegrityHeaders {
                signature: Some(bad.as_bytes()),
                ..signed.as_received()
            };
            assert_eq!(
                verify(&s, headers),
                Err(IntegrityError::MalformedHeader(Header::Signature)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn rejects_padded_or_non_canonical_base64() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let sig = signed.signature();
        let padded = format!("{sig}=");
        let standard_alphabet = sig.replace('_', "/").replace('-', "+");
        assert_ne!(standard_alphabet, sig, "the test signature must use - or _");
        // 43 characters carry 258 bits: the last character's two low bits must be zero. Setting
        // one gives another spelling of the same 32 bytes, which a lenient decoder accepts.
        let mut trailing = sig.as_bytes().to_vec();
        let last = trailing.last_mut().unwrap();
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let index = alphabet.iter().position(|c| c == last).unwrap();
        *last = alphabet[index | 1];
        let with_space = format!(" {}", &sig[1..]);
        for bad in [
            padded.as_bytes(),
            standard_alphabet.as_bytes(),
            &trailing,
            with_space.as_bytes(),
        ] {
            let headers = IntegrityHeaders {
                signature: Some(bad),
                ..signed.as_received()
            };
            assert_eq!(
                verify(&s, headers),
                Err(IntegrityError::MalformedHeader(Header::Signature)),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn rejects_a_tag_with_one_bit_flipped() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let mut tag = base64url::decode(signed.signature().as_bytes()).unwrap();
        tag[0] ^= 0x80;
        let flipped = base64url::encode(&tag);
        let headers = IntegrityHeaders {
            signature: Some(flipped.as_bytes()),
            ..signed.as_received()
        };
        assert_eq!(verify(&s, headers), Err(IntegrityError::BadSignature));
    }

    #[test]
    fn rejects_stale_timestamp_and_accepts_the_window_edge() {
        let s = setup();
        let edge = sign(&s, "req-edge");
        let stale = sign(&s, "req-stale");
        s.clock.advance(DEFAULT_MAX_AGE);
        assert_eq!(verify(&s, edge.as_received()), Ok(()));
        s.clock.advance(1);
        assert_eq!(
            verify(&s, stale.as_received()),
            Err(IntegrityError::StaleTimestamp {
                age: 301,
                max_age: 300
            })
        );
    }

    #[test]
    fn rejects_future_timestamp_beyond_the_skew() {
        let s = setup();
        let edge = sign(&s, "req-edge");
        let future = sign(&s, "req-future");
        s.clock.set(NOW - DEFAULT_MAX_SKEW);
        assert_eq!(verify(&s, edge.as_received()), Ok(()));
        s.clock.set(NOW - DEFAULT_MAX_SKEW - 1);
        assert_eq!(
            verify(&s, future.as_received()),
            Err(IntegrityError::FutureTimestamp {
                ahead: 61,
                max_skew: 60
            })
        );
    }

    #[test]
    fn applies_a_configured_window() {
        let clock = Arc::new(FixedClock::new(NOW));
        let window = Window {
            max_age: 10,
            max_skew: 0,
        };
        let agent = Verifier::new(
            [key("k1", 1)],
            ReplayCache::new(16),
            Arc::clone(&clock),
            window,
        )
        .unwrap();
        let client = Signer::new(key("k1", 1), Arc::clone(&clock));
        let signed = client.sign_request("POST", "/a2a", "r", BODY).unwrap();
        clock.set(NOW - 1);
        assert_eq!(
            agent
                .verify_request_signature("POST", "/a2a", signed.as_received(), BODY)
                .map(|_| ()),
            Err(IntegrityError::FutureTimestamp {
                ahead: 1,
                max_skew: 0
            })
        );
        clock.set(NOW + 11);
        assert_eq!(
            agent
                .verify_request_signature("POST", "/a2a", signed.as_received(), BODY)
                .map(|_| ()),
            Err(IntegrityError::StaleTimestamp {
                age: 11,
                max_age: 10
            })
        );
    }

    #[test]
    fn rejects_replayed_message_id() {
        let s = setup();
        let signed = sign(&s, "req-1");
        assert_eq!(verify(&s, signed.as_received()), Ok(()));
        s.clock.advance(1);
        assert_eq!(
            verify(&s, signed.as_received()),
            Err(IntegrityError::Replayed)
        );
        // Re-signed with a fresh timestamp but the same id: still a replay.
        let again = sign(&s, "req-1");
        assert_eq!(
            verify(&s, again.as_received()),
            Err(IntegrityError::Replayed)
        );
    }

    #[test]
    fn remembers_an_id_until_its_message_is_stale() {
        let s = setup();
        let signed = sign(&s, "req-1");
        assert_eq!(verify(&s, signed.as_received()), Ok(()));
        s.clock.advance(DEFAULT_MAX_AGE);
        assert_eq!(
            verify(&s, signed.as_received()),
            Err(IntegrityError::Replayed)
        );
        s.clock.advance(1);
        assert!(matches!(
            verify(&s, signed.as_received()),
            Err(IntegrityError::StaleTimestamp { .. })
        ));
    }

    #[test]
    fn rejects_a_replay_that_adds_or_drops_the_key_id_header() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let without = IntegrityHeaders {
            key_id: None,
            ..signed.as_received()
        };
        assert_eq!(verify(&s, without), Ok(()));
        assert_eq!(
            verify(&s, signed.as_received()),
            Err(IntegrityError::Replayed)
        );
    }

    #[test]
    fn keeps_replay_ids_apart_per_key() {
        let s = setup();
        let other = Signer::new(key("k0", 0), Arc::clone(&s.clock));
        let a = sign(&s, "same-id");
        let b = other.sign_request("POST", "/a2a", "same-id", BODY).unwrap();
        assert_eq!(verify(&s, a.as_received()), Ok(()));
        assert_eq!(verify(&s, b.as_received()), Ok(()));
    }

    #[test]
    fn records_no_id_for_a_request_that_fails_verification() {
        let s = setup();
        let signed = sign(&s, "req-1");
        assert_eq!(
            s.agent
                .verify_request("POST", "/a2a", signed.as_received(), b"forged")
                .map(|_| ()),
            Err(IntegrityError::BadSignature)
        );
        assert_eq!(verify(&s, signed.as_received()), Ok(()));
    }

    #[test]
    fn stateless_check_does_not_consume_the_id() {
        let s = setup();
        let signed = sign(&s, "req-1");
        for _ in 0..2 {
            assert!(
                s.agent
                    .verify_request_signature("POST", "/a2a", signed.as_received(), BODY)
                    .is_ok()
            );
        }
        assert_eq!(verify(&s, signed.as_received()), Ok(()));
    }

    #[test]
    fn fails_closed_when_the_replay_store_is_full() {
        let s = setup_with_store(ReplayCache::new(1));
        assert_eq!(verify(&s, sign(&s, "req-1").as_received()), Ok(()));
        assert_eq!(
            verify(&s, sign(&s, "req-2").as_received()),
            Err(IntegrityError::ReplayStoreFull)
        );
    }

    #[test]
    fn rejects_unsupported_algorithm() {
        let s = setup();
        let signed = sign(&s, "req-1");
        for alg in [
            &b"HMAC-SHA512"[..],
            b"hmac-sha256",
            b"HMAC-SHA256 ",
            b"HS256",
            b"none",
            b"",
        ] {
            let headers = IntegrityHeaders {
                algorithm: Some(alg),
                ..signed.as_received()
            };
            assert_eq!(
                verify(&s, headers),
                Err(IntegrityError::UnsupportedAlgorithm),
                "{alg:?}"
            );
        }
    }

    #[test]
    fn names_the_missing_header() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let all = signed.as_received();
        let cases = [
            (
                IntegrityHeaders {
                    message_id: None,
                    ..all
                },
                Header::MessageId,
            ),
            (
                IntegrityHeaders {
                    timestamp: None,
                    ..all
                },
                Header::Timestamp,
            ),
            (
                IntegrityHeaders {
                    signature: None,
                    ..all
                },
                Header::Signature,
            ),
            (
                IntegrityHeaders {
                    algorithm: None,
                    ..all
                },
                Header::Algorithm,
            ),
        ];
        for (headers, missing) in cases {
            assert_eq!(
                verify(&s, headers),
                Err(IntegrityError::MissingHeader(missing))
            );
        }
        assert_eq!(
            verify(&s, IntegrityHeaders::default()),
            Err(IntegrityError::MissingHeader(Header::Algorithm))
        );
    }

    #[test]
    fn rejects_newline_in_message_id_when_signing_and_verifying() {
        let s = setup();
        for bad in ["a\nb", "a\r\nX-Injected: 1", "a b", "a,b", "a:b", "", "é"] {
            assert_eq!(
                s.client.sign_request("POST", "/a2a", bad, BODY).map(|_| ()),
                Err(IntegrityError::MalformedHeader(Header::MessageId)),
                "{bad:?}"
            );
        }
        let signed = sign(&s, "req-1");
        let headers = IntegrityHeaders {
            message_id: Some(b"req-1\n"),
            ..signed.as_received()
        };
        assert_eq!(
            verify(&s, headers),
            Err(IntegrityError::MalformedHeader(Header::MessageId))
        );
    }

    #[test]
    fn rejects_non_canonical_timestamps() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let leading_zero = format!("0{NOW}");
        let signed_plus = format!("+{NOW}");
        let fraction = format!("{NOW}.0");
        for bad in [&leading_zero, &signed_plus, &fraction, "", " 1", "-1"] {
            let headers = IntegrityHeaders {
                timestamp: Some(bad.as_bytes()),
                ..signed.as_received()
            };
            assert_eq!(
                verify(&s, headers),
                Err(IntegrityError::MalformedHeader(Header::Timestamp)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn rejects_huge_headers() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let huge = vec![b'A'; 1 << 20];
        let cases = [
            (
                IntegrityHeaders {
                    message_id: Some(&huge),
                    ..signed.as_received()
                },
                IntegrityError::MalformedHeader(Header::MessageId),
            ),
            (
                IntegrityHeaders {
                    timestamp: Some(&huge),
                    ..signed.as_received()
                },
                IntegrityError::MalformedHeader(Header::Timestamp),
            ),
            (
                IntegrityHeaders {
                    signature: Some(&huge),
                    ..signed.as_received()
                },
                IntegrityError::MalformedHeader(Header::Signature),
            ),
            (
                IntegrityHeaders {
                    key_id: Some(&huge),
                    ..signed.as_received()
                },
                IntegrityError::MalformedHeader(Header::KeyId),
            ),
            (
                IntegrityHeaders {
                    algorithm: Some(&huge),
                    ..signed.as_received()
                },
                IntegrityError::UnsupportedAlgorithm,
            ),
        ];
        for (headers, expected) in cases {
            assert_eq!(verify(&s, headers), Err(expected));
        }
        let longest_id = "i".repeat(MAX_MESSAGE_ID_LEN);
        let signed = sign(&s, &longest_id);
        assert_eq!(verify(&s, signed.as_received()), Ok(()));
        assert!(
            s.client
                .sign_request("POST", "/a2a", &format!("{longest_id}i"), BODY)
                .is_err()
        );
        let huge_path = format!("/{}", "p".repeat(MAX_PATH_LEN));
        assert_eq!(
            s.agent
                .verify_request("POST", &huge_path, sign(&s, "req-2").as_received(), BODY)
                .map(|_| ()),
            Err(IntegrityError::InvalidPath)
        );
    }

    #[test]
    fn rejects_invalid_methods_and_request_targets() {
        let s = setup();
        for method in ["", "PO ST", "POST\n", "GÉT", "VERYLONGMETHODNAME"] {
            assert_eq!(
                s.client.sign_request(method, "/a2a", "r", BODY).map(|_| ()),
                Err(IntegrityError::InvalidMethod),
                "{method:?}"
            );
        }
        for path in [
            "",
            "a2a",
            "*",
            "https://agent.example/a2a",
            "/a2a b",
            "/a2a\n",
            "/a2a#frag",
            "/caf\u{e9}",
        ] {
            assert_eq!(
                s.client.sign_request("POST", path, "r", BODY).map(|_| ()),
                Err(IntegrityError::InvalidPath),
                "{path:?}"
            );
            assert_eq!(
                s.agent
                    .verify_request("POST", path, sign(&s, "r").as_received(), BODY)
                    .map(|_| ()),
                Err(IntegrityError::InvalidPath),
                "{path:?}"
            );
        }
        assert_eq!(
            s.agent
                .verify_request("PO\nST", "/a2a", sign(&s, "r").as_received(), BODY)
                .map(|_| ()),
            Err(IntegrityError::InvalidMethod)
        );
    }

    #[test]
    fn verifies_a_signed_response_to_its_request() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let verified = s
            .agent
            .verify_request("POST", "/a2a", signed.as_received(), BODY)
            .unwrap();
        let response = s
            .agent
            .sign_response(&verified, 200, "resp-1", b"{}")
            .unwrap();
        assert_eq!(
            s.client
                .verify_response(&signed, 200, response.as_received(), b"{}"),
            Ok(())
        );
        assert_eq!(
            s.client
                .verify_response(&signed, 200, response.as_received(), b"{ }"),
            Err(IntegrityError::BadSignature)
        );
        assert_eq!(
            s.client
                .verify_response(&signed, 500, response.as_received(), b"{}"),
            Err(IntegrityError::BadSignature)
        );
    }

    #[test]
    fn rejects_a_response_swapped_onto_another_request() {
        let s = setup();
        let first = sign(&s, "req-1");
        let second = sign(&s, "req-2");
        let verified = s
            .agent
            .verify_request("POST", "/a2a", first.as_received(), BODY)
            .unwrap();
        let response = s
            .agent
            .sign_response(&verified, 200, "resp-1", b"{}")
            .unwrap();
        assert_eq!(
            s.client
                .verify_response(&second, 200, response.as_received(), b"{}"),
            Err(IntegrityError::BadSignature)
        );
    }

    #[test]
    fn rejects_a_request_signature_presented_as_a_response() {
        // Requests and responses are signed under different labels.
        let s = setup();
        let signed = sign(&s, "req-1");
        assert_eq!(
            s.client
                .verify_response(&signed, 200, signed.as_received(), BODY),
            Err(IntegrityError::BadSignature)
        );
    }

    #[test]
    fn rejects_a_stale_or_foreign_response() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let verified = s
            .agent
            .verify_request("POST", "/a2a", signed.as_received(), BODY)
            .unwrap();
        let response = s
            .agent
            .sign_response(&verified, 204, "resp-1", b"")
            .unwrap();
        let foreign = IntegrityHeaders {
            key_id: Some(b"k0"),
            ..response.as_received()
        };
        assert_eq!(
            s.client.verify_response(&signed, 204, foreign, b""),
            Err(IntegrityError::UnknownKey)
        );
        s.clock.advance(DEFAULT_MAX_AGE + 1);
        assert!(matches!(
            s.client
                .verify_response(&signed, 204, response.as_received(), b""),
            Err(IntegrityError::StaleTimestamp { .. })
        ));
    }

    #[test]
    fn rejects_invalid_response_status_and_id() {
        let s = setup();
        let signed = sign(&s, "req-1");
        let verified = s
            .agent
            .verify_request("POST", "/a2a", signed.as_received(), BODY)
            .unwrap();
        for status in [0, 99, 600, u16::MAX] {
            assert_eq!(
                s.agent
                    .sign_response(&verified, status, "resp", b"")
                    .map(|_| ()),
                Err(IntegrityError::InvalidStatus)
            );
        }
        assert_eq!(
            s.agent
                .sign_response(&verified, 200, "resp\n", b"")
                .map(|_| ()),
            Err(IntegrityError::MalformedHeader(Header::MessageId))
        );
        assert_eq!(status_digits(100), Ok(*b"100"));
        assert_eq!(status_digits(204), Ok(*b"204"));
        assert_eq!(status_digits(599), Ok(*b"599"));
    }

    #[test]
    fn refuses_weak_keys_bad_key_ids_and_bad_key_sets() {
        assert_eq!(
            IntegrityKey::new("k", &[7; 31]).map(|_| ()),
            Err(IntegrityError::WeakKey { len: 31 })
        );
        for id in ["", "a b", "a:b", "a\n", &"k".repeat(MAX_KEY_ID_LEN + 1)] {
            assert_eq!(
                IntegrityKey::new(id, &[7; 32]).map(|_| ()),
                Err(IntegrityError::InvalidKeyId),
                "{id:?}"
            );
        }
        let clock = FixedClock::new(NOW);
        assert_eq!(
            Verifier::new([], ReplayCache::new(1), Arc::new(clock), Window::DEFAULT).map(|_| ()),
            Err(IntegrityError::NoKeys)
        );
        assert_eq!(
            Verifier::new(
                [key("k", 1), key("j", 2), key("k", 3)],
                ReplayCache::new(1),
                FixedClock::new(NOW),
                Window::DEFAULT
            )
            .map(|_| ()),
            Err(IntegrityError::DuplicateKeyId)
        );
    }

    #[test]
    fn debug_output_never_shows_secrets_or_signatures() {
        let s = setup();
        let signed = sign(&s, "req-1");
        for text in [
            format!("{:?}", key("k1", 0xAB)),
            format!("{signed:?}"),
            format!("{:?}", signed.as_received()),
            format!("{:?}", s.agent),
            format!("{:?}", s.client),
        ] {
            assert!(!text.contains(signed.signature()), "{text}");
            assert!(
                !text.contains("171, 171") && !text.contains("abab"),
                "{text}"
            );
        }
        assert!(format!("{:?}", key("k1", 0xAB)).contains("[redacted]"));
    }

    #[test]
    fn error_messages_are_lower_case_and_echo_no_input() {
        let errors = [
            IntegrityError::MissingHeader(Header::Signature),
            IntegrityError::MalformedHeader(Header::KeyId),
            IntegrityError::UnsupportedAlgorithm,
            IntegrityError::UnknownKey,
            IntegrityError::StaleTimestamp {
                age: 301,
                max_age: 300,
            },
            IntegrityError::FutureTimestamp {
                ahead: 61,
                max_skew: 60,
            },
            IntegrityError::BadSignature,
            IntegrityError::Replayed,
            IntegrityError::ReplayStoreFull,
            IntegrityError::InvalidMethod,
            IntegrityError::InvalidPath,
            IntegrityError::InvalidStatus,
            IntegrityError::InvalidKeyId,
            IntegrityError::WeakKey { len: 3 },
            IntegrityError::DuplicateKeyId,
            IntegrityError::NoKeys,
        ];
        for error in errors {
            let text = error.to_string();
            assert!(text.starts_with(|c: char| c.is_ascii_lowercase()), "{text}");
        }
        assert_eq!(
            IntegrityError::MissingHeader(Header::Signature).to_string(),
            "missing X-Message-HMAC header"
        );
    }
}
