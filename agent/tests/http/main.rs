//! Integration tests over real HTTP on 127.0.0.1:0: every method and route of both protocol
//! versions, streaming, errors, hostile input, the store bounds, and each deliberate defect.

// The whole crate is test code: the client helpers panic on transport failure on purpose (a
// failed request is a failed test), as `clippy.toml` allows inside `#[test]` functions; short
// names (`a` the agent, `t` a task, `m` a message) keep the scenarios readable.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::many_single_char_names
)]

mod client;
mod defects;
mod envelope;
mod jsonrpc_v03;
mod jsonrpc_v1;
mod rest;
mod sec;
mod security;
mod security_defects;
mod store_bounds;
mod streaming;
mod versioning;
