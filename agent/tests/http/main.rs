//! Integration tests over real HTTP on 127.0.0.1:0: every method and route of both protocol
//! versions, streaming, errors, hostile input, the store bounds, and each deliberate defect.

mod client;
mod defects;
mod envelope;
mod jsonrpc_v03;
mod jsonrpc_v1;
mod rest;
mod store_bounds;
mod streaming;
mod versioning;
