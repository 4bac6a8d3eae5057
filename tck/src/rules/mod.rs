//! Judgement code behind the catalogue's declarations, by spec area: the catalogue says *what*
//! is required, these functions say how the wire is judged.

pub mod card;
pub mod conversation;
pub mod envelope;
pub mod input;
pub mod lifecycle;
pub mod state_machine;
pub mod streaming;
