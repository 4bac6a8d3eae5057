//! The scenario catalogue: one file per spec area, each only declaring scenarios (the spec
//! sentence each checks is quoted above it). The engine lives elsewhere.

pub mod agent_card;
pub mod auth;
pub mod extensions;
pub mod hostile_input;
pub mod json_rpc;
pub mod list;
pub mod push;
pub mod send_message;
pub mod streaming;
pub mod tasks;
pub mod versioning;
pub mod wire_format;

use crate::scenario::Scenario;

/// Every scenario, in catalogue order.
pub fn all() -> Vec<Scenario> {
    let mut scenarios = agent_card::scenarios();
    scenarios.extend(send_message::scenarios());
    scenarios.extend(streaming::scenarios());
    scenarios.extend(tasks::scenarios());
    scenarios.extend(list::scenarios());
    scenarios.extend(push::scenarios());
    scenarios.extend(json_rpc::scenarios());
    scenarios.extend(wire_format::scenarios());
    scenarios.extend(versioning::scenarios());
    scenarios.extend(extensions::scenarios());
    scenarios.extend(auth::scenarios());
    scenarios.extend(hostile_input::scenarios());
    scenarios
}

/// The scenario with this id.
pub fn find(id: &str) -> Option<Scenario> {
    all().into_iter().find(|s| s.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_requirements_quoted() {
        let all = super::all();
        let mut seen = HashSet::new();
        for s in &all {
            assert!(seen.insert(s.id), "duplicate id {}", s.id);
            assert!(
                !s.requirement.is_empty(),
                "{} has no requirement text",
                s.id
            );
            assert!(!s.title.is_empty());
        }
    }
}
