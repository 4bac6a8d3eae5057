//! Entry points of the cargo-fuzz targets in `fuzz/` and of the seed replay in
//! `tests/fuzz_seeds.rs`. Not part of the public API: enabled by the `fuzzing` feature only.
//!
//! Each function takes the fuzzer's bytes, gives them structure with [`arbitrary::Unstructured`],
//! drives one module of the crate, and **panics when a property fails**. The properties are
//! differential: whatever the library accepts is checked again by [`reference`] code that shares
//! nothing with it (its own base64url decoder, HMAC straight from the `hmac` crate, signatures
//! straight from `ring`, a plain `HashMap` model of the replay cache), so a wrong shortcut in the
//! library cannot confirm itself.
//!
//! Every target reads its input front to back with fixed-width choices (`u8`, `int_in_range`,
//! `bytes(n)`), never with length prefixes taken from the end, so a seed file can be written by
//! hand: the layout of each input is documented on its function.

// This module is test harness code compiled into the library: panicking is how it reports a
// property violation to the fuzzer, and every `expect` names the property it checks.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::missing_panics_doc)]

mod card;
mod integrity;
mod jcs;
mod jwt;
mod keys;
mod mutation;
mod reference;
mod replay;
mod webhook;

pub use card::card_signature;
pub use integrity::integrity_verify;
pub use jcs::jcs;
pub use jwt::jwt_validate;
pub use replay::replay_cache;
pub use webhook::webhook_verify;
