//! Security primitives for A2A agents and for the conformance kit that tests them.
//!
//! | module | what |
//! | --- | --- |
//! | [`card`] | JWS signatures of agent cards (A2A 1.0 §8.4): field presence, RFC 8785, detached payload |
//! | [`clock`] | injected time ([`Clock`], [`SystemClock`], [`FixedClock`]) |
//! | [`integrity`] | HMAC-SHA256 request/response signing, the `message-integrity/v1` A2A extension |
//! | [`jcs`] | RFC 8785 JSON Canonicalization Scheme: the one byte string a JSON value signs as |
//! | [`json`] | strict JSON parsing: duplicate member names, excess nesting and non-JSON text are errors |
//! | [`jwk`] | JSON Web Keys and key sets, parsed into algorithm-bound keys |
//! | [`jws`] | JWS algorithms and the keys that sign and verify with them |
//! | [`jwt`] | strict JWT validation (a typed error per failure) and minting |
//! | [`replay`] | a bounded, sharded replay cache behind the [`ReplayStore`] trait |
//! | [`webhook`] | push-notification deliveries: Standard Webhooks signatures, `Authorization` check |
//!
//! Nothing here depends on an HTTP framework: callers pass header values and body bytes. No
//! function panics on any input, and no error message carries a secret or a whole token.

pub mod card;
pub mod clock;
pub mod integrity;
pub mod jcs;
pub mod json;
pub mod jwk;
pub mod jws;
pub mod jwt;
pub mod replay;
pub mod webhook;

mod base64url;
mod mac;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use clock::{Clock, FixedClock, SystemClock, UnixTime};
pub use replay::{ReplayCache, ReplayError, ReplayStore};
