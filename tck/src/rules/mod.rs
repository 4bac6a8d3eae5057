//! Judgement code behind the catalogue's declarations, by spec area: the catalogue says *what*
//! is required, these functions say how the wire is judged.

pub mod auth;
pub mod card;
pub mod challenge;
pub mod conversation;
pub mod envelope;
pub mod extensions;
pub mod input;
pub mod lifecycle;
pub mod list;
pub mod push;
pub mod push_config;
pub mod state_machine;
pub mod streaming;
pub mod wire_shape;
