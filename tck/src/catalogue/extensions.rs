//! Extensions (A2A 1.0 §3.3.4, §4.6; 0.3 extensions topic; DIGEST §10.10) and the
//! message-integrity extension of the security profile (`docs/extensions/message-integrity.md`).
//! Declarations only: the judgement is in `rules::extensions`. EXT-03 (extension methods go
//! through authentication) is not declared: the kit knows no extension that defines methods.

use std::sync::Arc;

use crate::check::step;
use crate::rules::extensions::{self as rules, Spoil};
use crate::scenario::{Applies, Area, Binding, Family, Level, Need, Scenario, SpecRef};

const NEEDS: &[Need] = &[Need::Card, Need::Interface];

/// The extension scenarios.
#[allow(clippy::too_many_lines)] // One declaration per requirement.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        // S1x §3.3.4: "the agent MUST return ExtensionSupportRequiredError".
        Scenario {
            id: "EXT-01",
            title: "a required extension that is not activated gets ExtensionSupportRequiredError",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.3.4",
            },
            requirement: "If the card lists a `required: true` extension: SendMessage without `A2A-Extensions` → ExtensionSupportRequiredError (-32008 / HTTP 400).",
            area: Area::Extensions,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::required_extension_enforced),
        },
        Scenario {
            id: "EXT-02",
            title: "a required extension at an unsupported version is an error, not a fallback",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§4.6.3",
            },
            requirement: "A required extension requested at an unsupported version (`/v999`) → an error; the agent MUST NOT fall back to a version it supports.",
            area: Area::Extensions,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::unsupported_version_refused),
        },
        // "Extension methods MUST go through the same authentication and authorization".
        Scenario {
            id: "EXT-03",
            title: "extension methods require the same authentication",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "extensions topic (0.3 extensions topic)",
            },
            requirement: "Methods an extension adds go through the same authentication: each JSON-RPC method of `extensions.methods`, called without credentials, is refused (401/403) after a positive control with them.",
            area: Area::Extensions,
            applies: Applies {
                versions: &[],
                bindings: &[Binding::JsonRpc],
                needs: NEEDS,
            },
            step: step(rules::extension_methods_authenticated),
        },
        Scenario {
            id: "EXT-04",
            title: "an unknown, non-required extension is ignored",
            level: Level::Should,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§4.6.3",
            },
            requirement: "An unsupported extension that is not required SHOULD be ignored: `A2A-Extensions` with an unknown URI added → the request succeeds.",
            area: Area::Extensions,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::unknown_extension_ignored),
        },
        Scenario {
            id: "EXT-05",
            title: "the response lists the activated extensions in A2A-Extensions",
            level: Level::Should,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.2.6; extensions topic",
            },
            requirement: "The response SHOULD include the `A2A-Extensions` header, listing all extensions that were successfully activated.",
            area: Area::Extensions,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::activated_extensions_echoed),
        },
        Scenario {
            id: "EXT-06",
            title: "0.3: activated extensions echoed in X-A2A-Extensions; a missing required one refused",
            level: Level::Should,
            spec: SpecRef {
                source: "A2A 0.3",
                section: "extensions topic",
            },
            requirement: "The response should include `X-A2A-Extensions` identifying the activated extensions; a request missing a required extension should be rejected.",
            area: Area::Extensions,
            applies: Applies {
                versions: &[Family::V0_3],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::activated_extensions_echoed),
        },
        Scenario {
            id: "SEC-MI-01",
            title: "the required message-integrity extension is enforced",
            level: Level::Must,
            spec: SpecRef {
                source: "SECURITY-PROFILE",
                section: "Message integrity; message-integrity §2.2",
            },
            requirement: "A request that does not activate the required message-integrity extension → ExtensionSupportRequiredError (-32008) (1.0) / an error (0.3).",
            area: Area::Extensions,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::integrity_required),
        },
        Scenario {
            id: "SEC-MI-02",
            title: "a validly signed request is served",
            level: Level::Must,
            spec: SpecRef {
                source: "SECURITY-PROFILE",
                section: "Message integrity; message-integrity §5",
            },
            requirement: "Activated, valid signature → accepted.",
            area: Area::Extensions,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::Integrity(Spoil::Nothing)),
        },
        Scenario {
            id: "SEC-MI-03",
            title: "a request with a wrong signature is refused",
            level: Level::Must,
            spec: SpecRef {
                source: "SECURITY-PROFILE",
                section: "Message integrity; message-integrity §7",
            },
            requirement: "Wrong signature → rejected (after a validly signed request was served).",
            area: Area::Extensions,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::Integrity(Spoil::WrongSignature)),
        },
        Scenario {
            id: "SEC-MI-04",
            title: "a request whose body changed after signing is refused",
            level: Level::Must,
            spec: SpecRef {
                source: "SECURITY-PROFILE",
                section: "Message integrity; message-integrity §5",
            },
            requirement: "Body changed after signing → rejected (after the positive control).",
            area: Area::Extensions,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::Integrity(Spoil::BodyChanged)),
        },
        Scenario {
            id: "SEC-MI-05",
            title: "a request naming an unknown algorithm is refused",
            level: Level::Must,
            spec: SpecRef {
                source: "SECURITY-PROFILE",
                section: "Message integrity; message-integrity §4",
            },
            requirement: "Unknown algorithm (`X-Message-HMAC-Algorithm` other than HMAC-SHA256) → rejected (after the positive control).",
            area: Area::Extensions,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::Integrity(Spoil::UnknownAlgorithm)),
        },
        Scenario {
            id: "SEC-MI-06",
            title: "the response is signed and verifies",
            level: Level::Should,
            spec: SpecRef {
                source: "SECURITY-PROFILE",
                section: "Message integrity; message-integrity §5, §8",
            },
            requirement: "The response is signed the same way (bound to the status and the request's message id) and verifies.",
            area: Area::Extensions,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::Integrity(Spoil::CheckResponse)),
        },
        Scenario {
            id: "SEC-REPLAY-03",
            title: "a signed request replayed with the same message id is refused",
            level: Level::Must,
            spec: SpecRef {
                source: "SECURITY-PROFILE",
                section: "Replay rejection; message-integrity §7",
            },
            requirement: "A message-integrity request replayed with the same message id is rejected, when the profile declares replay protection.",
            area: Area::Extensions,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::Integrity(Spoil::Replayed)),
        },
        Scenario {
            id: "SEC-REPLAY-04",
            title: "a signed request with a stale timestamp is refused",
            level: Level::Must,
            spec: SpecRef {
                source: "SECURITY-PROFILE",
                section: "Replay rejection; message-integrity §7",
            },
            requirement: "A message-integrity timestamp outside the window (default 300 s; the kit sends one 600 s old) is rejected.",
            area: Area::Extensions,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::Integrity(Spoil::Stale)),
        },
    ]
}
