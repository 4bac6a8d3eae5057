//! Talking to the endpoint: HTTP with deadlines and caps, the JSON-RPC and HTTP+JSON bindings,
//! and a strict SSE parser.

pub mod call;
pub mod http;
pub mod jsonrpc;
pub mod rest;
pub mod sse;
