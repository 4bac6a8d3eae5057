//! Security primitives for A2A agents and for the conformance kit that tests them.
//!
//! | module | what |
//! | --- | --- |
//! | [`clock`] | injected time ([`Clock`], [`SystemClock`], [`FixedClock`]) |
//! | [`integrity`] | HMAC-SHA256 request/response signing, the `message-integrity/v1` A2A extension |
//! | [`replay`] | a bounded, sharded replay cache behind the [`ReplayStore`] trait |
//! | [`webhook`] | push-notification deliveries: Standard Webhooks signatures, `Authorization` check |
//!
//! Nothing here depends on an HTTP framework: callers pass header values and body bytes. No
//! function panics on any input, and no error message carries a secret or a whole token.

pub mod clock;
pub mod integrity;
pub mod replay;
pub mod webhook;

#[allow(
    dead_code,
    reason = "`base64url::decode` is for the JWT and JWS modules, which are not written yet"
)]
mod base64url;
mod mac;

pub use clock::{Clock, FixedClock, SystemClock, UnixTime};
pub use replay::{ReplayCache, ReplayError, ReplayStore};
