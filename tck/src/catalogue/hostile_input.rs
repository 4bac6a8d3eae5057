//! Hostile input (SECURITY-PROFILE "Hostile input"; A2A 1.0 §9.5, 0.3 §8.1 for the parse
//! error). Declarations only.

use crate::check::step;
use crate::rules::input as rules;
use crate::scenario::{Applies, Area, Level, Need, Scenario, SpecRef};

const NEEDS: &[Need] = &[Need::Interface];

/// The hostile-input scenarios.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        // "-32700 Invalid JSON payload"; the response id is null when it cannot be determined.
        Scenario {
            id: "SEC-INPUT-01",
            title: "malformed JSON gets a -32700 parse error with id null",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§9.5 (0.3 §8.1); JSON-RPC 2.0 §5",
            },
            requirement: "Malformed JSON → -32700 with `id: null`, HTTP 200 or 400, never 5xx or a dropped connection (HTTP+JSON: 400).",
            area: Area::HostileInput,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::malformed_json),
        },
        Scenario {
            id: "SEC-INPUT-02",
            title: "an 8 MiB body gets 413 or an error, never 5xx",
            level: Level::Should,
            spec: SpecRef {
                source: "SECURITY-PROFILE",
                section: "Hostile input",
            },
            requirement: "A body over the agent's limit (the kit tries 8 MiB) → 413 or a JSON-RPC error, never 5xx.",
            area: Area::HostileInput,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::oversized_body),
        },
        Scenario {
            id: "SEC-INPUT-03",
            title: "10,000 levels of nesting get an error and the agent still answers",
            level: Level::Should,
            spec: SpecRef {
                source: "SECURITY-PROFILE",
                section: "Hostile input",
            },
            requirement: "Deeply nested JSON (10,000 levels) → an error, and the agent still answers afterwards.",
            area: Area::HostileInput,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::deep_nesting),
        },
        // RFC 8259 §8.1: JSON exchanged between systems MUST be UTF-8.
        Scenario {
            id: "SEC-INPUT-04",
            title: "invalid UTF-8 in the body gets an error, never 5xx",
            level: Level::Must,
            spec: SpecRef {
                source: "SECURITY-PROFILE",
                section: "Hostile input; RFC 8259 §8.1",
            },
            requirement: "Invalid UTF-8 in the body → an error, never 5xx.",
            area: Area::HostileInput,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::invalid_utf8_body),
        },
        Scenario {
            id: "SEC-INPUT-05",
            title: "the agent is still healthy after hostile input",
            level: Level::Must,
            spec: SpecRef {
                source: "SECURITY-PROFILE",
                section: "Hostile input",
            },
            requirement: "The agent is still healthy (the card answers) after the hostile-input group.",
            area: Area::HostileInput,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::healthy_after),
        },
    ]
}
