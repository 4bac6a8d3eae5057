//! Talking to the endpoint: HTTP with deadlines and caps, the JSON-RPC and HTTP+JSON bindings,
//! a strict SSE parser, and a raw HTTP/1.1 upload whose answer is read while it is sent.

pub mod call;
pub mod http;
pub mod jsonrpc;
pub mod rest;
pub mod sse;
pub mod upload;
