//! Security primitives for A2A agents and for the conformance kit that tests them.
//!
//! | module | what |
//! | --- | --- |
//! | [`clock`] | injected time ([`Clock`], [`SystemClock`], [`FixedClock`]) |
//! | [`jcs`] | RFC 8785 JSON Canonicalization Scheme: the one byte string a JSON value signs as |
//! | [`json`] | strict JSON parsing: duplicate member names, excess nesting and non-JSON text are errors |
//! | [`replay`] | a bounded, sharded replay cache behind the [`ReplayStore`] trait |
//!
//! Nothing here depends on an HTTP framework: callers pass header values and body bytes. No
//! function panics on any input, and no error message carries a secret or a whole token.

pub mod clock;
pub mod jcs;
pub mod json;
pub mod replay;

mod base64url;

pub use clock::{Clock, FixedClock, SystemClock, UnixTime};
pub use replay::{ReplayCache, ReplayError, ReplayStore};
pub mod jwk;
pub mod jws;
pub mod jwt;
