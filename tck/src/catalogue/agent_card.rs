//! Discovery and the agent card (A2A 0.3 §5, 1.0 §8; DIGEST §10.1; SECURITY-PROFILE card
//! hygiene). Declarations only.

use crate::check::{Kind, both, each, on_card, optional, required, step};
use crate::rules::card as rules;
use crate::scenario::{Applies, Area, Family, Level, Need, Scenario, SpecRef};

const BOTH: &[Family] = &[];
const V03: &[Family] = &[Family::V0_3];
const V10: &[Family] = &[Family::V1_0];

fn applies(versions: &'static [Family], needs: &'static [Need]) -> Applies {
    Applies {
        versions,
        bindings: &[],
        needs,
    }
}

/// The agent card scenarios.
#[allow(clippy::too_many_lines)] // a declaration list: one entry per requirement
pub fn scenarios() -> Vec<Scenario> {
    vec![
        // "A2A Servers MUST make an Agent Card available."
        Scenario {
            id: "CARD-01",
            title: "the agent card is served as a JSON object",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§8.1 (0.3 §5.1)",
            },
            requirement: "A2A Servers MUST make an Agent Card available.",
            area: Area::AgentCard,
            applies: applies(BOTH, &[]),
            step: step(rules::card_available),
        },
        // "The well-known URI ... MUST return an AgentCard object."
        Scenario {
            id: "CARD-02",
            title: "the well-known card is a 1.0 AgentCard (declares supportedInterfaces)",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§14.3",
            },
            requirement: "The resource at /.well-known/agent-card.json MUST return an AgentCard object.",
            area: Area::AgentCard,
            applies: applies(V10, &[Need::Card]),
            step: on_card(required(&[("supportedInterfaces", Kind::Array)])),
        },
        // J03 AgentCard.required; S03 §5.6.1.
        Scenario {
            id: "CARD-03",
            title: "a 0.3 card has every required member",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 0.3",
                section: "§5.5 (JSON schema AgentCard)",
            },
            requirement: "AgentCard requires name, description, url, version, protocolVersion, capabilities, defaultInputModes, defaultOutputModes and skills.",
            area: Area::AgentCard,
            applies: applies(V03, &[Need::Card]),
            step: on_card(required(&[
                ("name", Kind::String),
                ("description", Kind::String),
                ("url", Kind::String),
                ("version", Kind::String),
                ("protocolVersion", Kind::String),
                ("capabilities", Kind::Object),
                ("defaultInputModes", Kind::StringArray),
                ("defaultOutputModes", Kind::StringArray),
                ("skills", Kind::Array),
            ])),
        },
        // "preferredTransport ... REQUIRED and MUST be present" (prose; the schema defaults it).
        Scenario {
            id: "CARD-03b",
            title: "a 0.3 card names its preferredTransport",
            level: Level::Should,
            spec: SpecRef {
                source: "A2A 0.3",
                section: "§5.6.1",
            },
            requirement: "The preferredTransport field is REQUIRED and MUST be present (the JSON schema gives it a default, so the kit reports its absence as a warning).",
            area: Area::AgentCard,
            applies: applies(V03, &[Need::Card]),
            step: on_card(required(&[("preferredTransport", Kind::String)])),
        },
        // P1x AgentCard REQUIRED fields; S1x §5.7 required arrays non-empty.
        Scenario {
            id: "CARD-04",
            title: "a 1.0 card has every REQUIRED field, required arrays non-empty",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§5.7, a2a.proto AgentCard",
            },
            requirement: "REQUIRED: name, description, supportedInterfaces, version, capabilities, defaultInputModes, defaultOutputModes, skills; a required repeated field MUST contain at least one element.",
            area: Area::AgentCard,
            applies: applies(V10, &[Need::Card]),
            step: on_card(required(&[
                ("name", Kind::String),
                ("description", Kind::String),
                ("supportedInterfaces", Kind::NonEmptyArray),
                ("version", Kind::String),
                ("capabilities", Kind::Object),
                ("defaultInputModes", Kind::NonEmptyArray),
                ("defaultOutputModes", Kind::NonEmptyArray),
                ("skills", Kind::Array),
            ])),
        },
        // §5.7 vs the §8.4.1 example with `skills: []`: lenient.
        Scenario {
            id: "CARD-04b",
            title: "a 1.0 card declares at least one skill",
            level: Level::Should,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§5.7 (contradicted by the §8.4.1 example)",
            },
            requirement: "A required repeated field MUST contain at least one element; the §8.4.1 example shows `skills: []`, so this is reported as a warning.",
            area: Area::AgentCard,
            applies: applies(V10, &[Need::Card]),
            step: on_card(required(&[("skills", Kind::NonEmptyArray)])),
        },
        // J03 / P1x AgentSkill required fields.
        Scenario {
            id: "CARD-05",
            title: "each skill has id, name, description and tags",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "a2a.proto AgentSkill (0.3 AgentSkill)",
            },
            requirement: "AgentSkill requires id, name, description and tags.",
            area: Area::AgentCard,
            applies: applies(BOTH, &[Need::Card]),
            step: on_card(each(
                "/skills",
                required(&[
                    ("id", Kind::String),
                    ("name", Kind::String),
                    ("description", Kind::String),
                    ("tags", Kind::StringArray),
                ]),
            )),
        },
        // P1x AgentInterface REQUIRED fields.
        Scenario {
            id: "CARD-06",
            title: "each supported interface has url, protocolBinding and protocolVersion",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§8.3, a2a.proto AgentInterface",
            },
            requirement: "AgentInterface requires url, protocolBinding and protocolVersion.",
            area: Area::AgentCard,
            applies: applies(V10, &[Need::Card]),
            step: on_card(each(
                "/supportedInterfaces",
                both(
                    required(&[
                        ("url", Kind::NonEmptyString),
                        ("protocolBinding", Kind::NonEmptyString),
                        ("protocolVersion", Kind::NonEmptyString),
                    ]),
                    optional(&[("tenant", Kind::String)]),
                ),
            )),
        },
        // "Patch version numbers SHOULD NOT be used in requests, responses and Agent Cards."
        Scenario {
            id: "CARD-06b",
            title: "interface protocol versions are Major.Minor",
            level: Level::Should,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.6",
            },
            requirement: "Patch version numbers SHOULD NOT be used in requests, responses and Agent Cards.",
            area: Area::AgentCard,
            applies: applies(V10, &[Need::Card]),
            step: on_card(rules::interface_versions),
        },
        // AgentProvider: organization and url required.
        Scenario {
            id: "CARD-07",
            title: "a declared provider has organization and url",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "a2a.proto AgentProvider (0.3 AgentProvider)",
            },
            requirement: "AgentProvider requires organization and url.",
            area: Area::AgentCard,
            applies: applies(BOTH, &[Need::Card]),
            step: on_card(crate::check::at(
                "/provider",
                required(&[("organization", Kind::String), ("url", Kind::String)]),
            )),
        },
        // "The agent MUST support the preferredTransport at its main url."
        Scenario {
            id: "CARD-08",
            title: "the 0.3 main url serves the preferred transport",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 0.3",
                section: "§5.6.1, §5.6.4",
            },
            requirement: "The main `url` MUST support the transport declared in `preferredTransport` (probe: GetTask of an unknown id gets TaskNotFound in that binding).",
            area: Area::AgentCard,
            applies: applies(V03, &[Need::Card, Need::Interface]),
            step: step(|cx| Box::pin(rules::interfaces_answer(cx, true))),
        },
        // "Each AgentInterface MUST accurately declare its transport."
        Scenario {
            id: "CARD-09",
            title: "each 0.3 interface answers in the transport it declares",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 0.3",
                section: "§5.6.2, §5.6.4",
            },
            requirement: "Each entry in additionalInterfaces MUST accurately declare its transport (probe: GetTask of an unknown id gets TaskNotFound in that binding).",
            area: Area::AgentCard,
            applies: applies(V03, &[Need::Card, Need::Interface]),
            step: step(|cx| Box::pin(rules::interfaces_answer(cx, false))),
        },
        // "At least one transport MUST be declared."
        Scenario {
            id: "CARD-10",
            title: "a 0.3 card declares at least one transport",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 0.3",
                section: "§5.6.4",
            },
            requirement: "Agents MUST declare at least one supported transport protocol.",
            area: Area::AgentCard,
            applies: applies(V03, &[Need::Card]),
            step: on_card(rules::declares_transport),
        },
        // "Each supportedInterfaces entry MUST accurately declare its binding and URL."
        Scenario {
            id: "CARD-11",
            title: "each 1.0 interface answers in the binding it declares",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§8.3.1, §5.2",
            },
            requirement: "Each AgentInterface MUST accurately declare its protocol binding and URL (probe: GetTask of an unknown id gets TaskNotFound in that binding's format).",
            area: Area::AgentCard,
            applies: applies(V10, &[Need::Card, Need::Interface]),
            step: step(|cx| Box::pin(rules::interfaces_answer(cx, false))),
        },
        // AgentCardSignature: protected and signature REQUIRED.
        Scenario {
            id: "CARD-12",
            title: "each card signature has base64url protected and signature members",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§8.4, a2a.proto AgentCardSignature",
            },
            requirement: "AgentCardSignature: `protected` (REQUIRED, base64url JWS protected header) and `signature` (REQUIRED, base64url).",
            area: Area::AgentCard,
            applies: applies(BOTH, &[Need::Card, Need::CardSignatures]),
            step: on_card(rules::signature_entries),
        },
        // "The protected header MUST include: alg ... kid ..."
        Scenario {
            id: "CARD-13",
            title: "each signature's protected header has alg and kid",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§8.4.2",
            },
            requirement: "The JWS Protected Header MUST include `alg` and `kid`.",
            area: Area::AgentCard,
            applies: applies(V10, &[Need::Card, Need::CardSignatures]),
            step: on_card(rules::header_alg_kid),
        },
        // "typ: SHOULD be set to JOSE".
        Scenario {
            id: "CARD-13b",
            title: "each signature's protected header has typ JOSE",
            level: Level::Should,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§8.4.2",
            },
            requirement: "The protected header `typ` SHOULD be set to \"JOSE\".",
            area: Area::AgentCard,
            applies: applies(V10, &[Need::Card, Need::CardSignatures]),
            step: on_card(rules::header_typ),
        },
        // §8.4.1–8.4.3: detached JWS over JCS of the card minus `signatures`.
        Scenario {
            id: "CARD-14",
            title: "a card signature verifies over the RFC 8785 canonical card",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§8.4.1–§8.4.3",
            },
            requirement: "The signature is computed over the JCS (RFC 8785) canonical form of the card without `signatures`, default-valued fields removed; clients MUST verify with the signer's key.",
            area: Area::AgentCard,
            applies: applies(V10, &[Need::Card, Need::CardSignatures, Need::CardKeys]),
            step: step(|cx| Box::pin(async move { Ok(rules::signatures_verify(cx, false)) })),
        },
        // "Agent Card JSON MUST use camelCase field names."
        Scenario {
            id: "CARD-15",
            title: "card member names are camelCase",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§5.5",
            },
            requirement: "JSON field names MUST use camelCase (ProtoJSON json_name).",
            area: Area::AgentCard,
            applies: applies(V10, &[Need::Card]),
            step: on_card(rules::camel_case),
        },
        // P1x SecurityScheme oneof / SecurityRequirement.
        Scenario {
            id: "CARD-16",
            title: "1.0 security schemes and requirements have the proto shapes",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§4.5, a2a.proto SecurityScheme",
            },
            requirement: "Each security scheme is exactly one oneof wrapper with its REQUIRED fields; requirements are `{\"schemes\": {name: {\"list\": [...]}}}`.",
            area: Area::AgentCard,
            applies: applies(V10, &[Need::Card]),
            step: step(|cx| {
                Box::pin(async move { Ok(rules::security_schemes(cx, rules::v1_security)) })
            }),
        },
        // J03 SecurityScheme variants.
        Scenario {
            id: "CARD-17",
            title: "0.3 security schemes have a known type and its required fields",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 0.3",
                section: "§5.5 (JSON schema SecurityScheme)",
            },
            requirement: "A SecurityScheme is one of apiKey (in, name), http (scheme), oauth2 (flows), openIdConnect (openIdConnectUrl), mutualTLS.",
            area: Area::AgentCard,
            applies: applies(V03, &[Need::Card]),
            step: step(|cx| {
                Box::pin(async move { Ok(rules::security_schemes(cx, rules::v03_security)) })
            }),
        },
        // S1x §8.6.1: "Agent Card endpoints SHOULD include Cache-Control … max-age" and
        // "SHOULD include an ETag" (DIGEST §11 S-01).
        Scenario {
            id: "S-01",
            title: "the card is served with Cache-Control max-age and an ETag",
            level: Level::Should,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§8.6.1",
            },
            requirement: "The card response carries `Cache-Control` with a `max-age` directive and an `ETag`.",
            area: Area::AgentCard,
            applies: applies(BOTH, &[Need::Card]),
            step: step(|cx| Box::pin(async move { Ok(rules::cache_headers(cx)) })),
        },
        // J03 AgentCard as a whole.
        Scenario {
            id: "CARD-19",
            title: "the card validates against the version's AgentCard schema",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 0.3",
                section: "JSON schema AgentCard (1.0: a2a.proto)",
            },
            requirement: "The Agent Card conforms to the AgentCard definition of the protocol version.",
            area: Area::AgentCard,
            applies: applies(BOTH, &[Need::Card, Need::Schemas]),
            step: step(|cx| Box::pin(async move { Ok(rules::card_schema(cx)) })),
        },
        // SECURITY-PROFILE: "a present signature verifies (see CARD-14)".
        Scenario {
            id: "SEC-CARD-01",
            title: "every signature present on the card verifies",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§8.4.3; SECURITY-PROFILE",
            },
            requirement: "A signature the card carries verifies with the signer's key; a card with a signature that does not verify is refused.",
            area: Area::AgentCard,
            applies: applies(BOTH, &[Need::Card, Need::CardSignatures, Need::CardKeys]),
            step: step(|cx| Box::pin(async move { Ok(rules::signatures_verify(cx, true)) })),
        },
        // SECURITY-PROFILE: "the card carries no credentials".
        Scenario {
            id: "SEC-CARD-02",
            title: "the public card carries no credentials",
            level: Level::Should,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§13.3; SECURITY-PROFILE",
            },
            requirement: "The card carries no credentials (no secret-looking values in securitySchemes or elsewhere).",
            area: Area::AgentCard,
            applies: applies(BOTH, &[Need::Card]),
            step: on_card(rules::no_credentials),
        },
        // "Production deployments MUST use encrypted communication (HTTPS)."
        Scenario {
            id: "SEC-CARD-03",
            title: "every URL the card declares is https",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§7.1, §13.4 (0.3 §4.1); SECURITY-PROFILE",
            },
            requirement: "Production deployments MUST use HTTPS: every declared URL is https:// (production mode).",
            area: Area::AgentCard,
            applies: applies(BOTH, &[Need::Card, Need::ProductionMode]),
            step: on_card(rules::https_only),
        },
    ]
}
