//! Authentication and authorization (A2A 1.0 §3.3.2, §7, §13; 0.3 §4; DIGEST §10.12) and the
//! security profile's authentication, JWT and replay groups. Declarations only: the judgement
//! is in `rules::auth`. The JWT and replay scenarios first present a valid token minted from the
//! profile (the positive control): when it is refused, they report `Error`, never a verdict.

use std::sync::Arc;

use crate::check::step;
use crate::rules::auth::{self as rules, Isolation, Spoil};
use crate::scenario::{Applies, Area, Family, Level, Need, Scenario, SpecRef};

const NEEDS: &[Need] = &[Need::Card, Need::Interface];

/// The authentication scenarios.
#[allow(clippy::too_many_lines)] // One declaration per requirement.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        // S1x §7.4: "A2A Servers MUST authenticate every incoming request."
        Scenario {
            id: "AUTH-01",
            title: "every operation on every binding refuses missing and garbage credentials",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§7.4, §3.3.2 (0.3 §4.4)",
            },
            requirement: "Every request is authenticated; missing or invalid credentials are rejected: each operation with no or garbage credentials → HTTP 401/403, never a success result.",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::bad_credentials_refused),
        },
        // S03 §4.4: "... SHOULD include relevant headers such as WWW-Authenticate ..."
        Scenario {
            id: "AUTH-02",
            title: "a 401 carries WWW-Authenticate (0.3)",
            level: Level::Should,
            spec: SpecRef {
                source: "A2A 0.3",
                section: "§4.4, §7.10",
            },
            requirement: "401 SHOULD carry `WWW-Authenticate` (0.3: servers SHOULD include the header with a 401).",
            area: Area::Auth,
            applies: Applies {
                versions: &[Family::V0_3],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::challenge_present),
        },
        // S1x §13.1: "servers MUST NOT reveal the existence of resources the caller may not access".
        // S1x §3.3.2: "Authorization failures … MUST be reported" as a permission error.
        Scenario {
            id: "AUTH-03",
            title: "a valid credential without the needed scope is refused with 403",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.3.2",
            },
            requirement: "Lacking permission → an authorization error: a valid token without the scope a skill needs → HTTP 403 / PERMISSION_DENIED (needs [jwt.scoped]).",
            area: Area::Auth,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::missing_scope_forbidden),
        },
        Scenario {
            id: "AUTH-04",
            title: "another principal's task answers exactly like an unknown id",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.3.2, §13.1",
            },
            requirement: "MUST NOT reveal the existence of unauthorized resources: B's GetTask, Cancel and push ops on A's task → exactly the same error as for a random id.",
            area: Area::Auth,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::OtherPrincipal(Isolation::All)),
        },
        // S1x §3.1.4: "The operation MUST return only tasks visible to the authenticated
        // client" (§13.1). A List Tasks item, declared here with the isolation scenarios: it
        // needs two principals (judged in `rules::list`).
        Scenario {
            id: "LIST-10",
            title: "another principal's tasks are not listed",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.1.4, §13.1",
            },
            requirement: "Only tasks visible to the caller are listed, even without filters: a task created by principal A is absent from principal B's ListTasks, filtered on its contextId or not filtered (needs the profile's [jwt] to mint both).",
            area: Area::Auth,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(crate::rules::list::other_principal_not_listed),
        },
        // S1x §3.1.11: the extended card "MUST require authentication".
        // S1x §13.1, §3.3.2: GetTask verifies access without revealing existence.
        Scenario {
            id: "GET-05",
            title: "another principal's GetTask is answered like an unknown id",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§13.1, §3.3.2",
            },
            requirement: "GetTask verifies access: principal B's GetTask on principal A's task → exactly the error of a random id (-32001 / 404), not 403 with details (needs [jwt]).",
            area: Area::Auth,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::OtherPrincipal(Isolation::Get)),
        },
        // S1x §13.1: cancel checks access rights.
        Scenario {
            id: "CANCEL-05",
            title: "another principal cannot cancel a task",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§13.1",
            },
            requirement: "CancelTask checks access rights: principal B's cancel of principal A's running task → exactly the error of a random id, and the task is not canceled (needs [jwt] and the long_running behaviour).",
            area: Area::Auth,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::OtherPrincipal(Isolation::Cancel)),
        },
        Scenario {
            id: "AUTH-05",
            title: "GetExtendedAgentCard requires authentication",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.1.11, §13.3",
            },
            requirement: "GetExtendedAgentCard MUST require authentication: without credentials → 401; with them → the card.",
            area: Area::Auth,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::extended_card_needs_authentication),
        },
        // S03 §7.10: "the client MUST authenticate ... on failure 401 Unauthorized".
        // S1x §3.3.4: "Extended agent card not declared → UnsupportedOperationError".
        Scenario {
            id: "AUTH-06",
            title: "without extendedAgentCard, GetExtendedAgentCard is UnsupportedOperationError",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.3.4, §13.3",
            },
            requirement: "`capabilities.extendedAgentCard` false or absent → GetExtendedAgentCard answers UnsupportedOperationError (-32004 / HTTP 400, reason UNSUPPORTED_OPERATION).",
            area: Area::Auth,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::extended_card_unsupported_when_undeclared),
        },
        // [lenient]: only observable on a misconfigured agent.
        Scenario {
            id: "AUTH-07",
            title: "a declared but unconfigured extended card is ExtendedAgentCardNotConfiguredError",
            level: Level::Should,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.3.4, §13.3",
            },
            requirement: "Extended card declared but not configured → ExtendedAgentCardNotConfiguredError (-32007 / HTTP 400); not applicable when the card is served (reported as a warning: only a misconfigured agent shows it).",
            area: Area::Auth,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::extended_card_not_configured),
        },
        Scenario {
            id: "AUTH-08",
            title: "agent/getAuthenticatedExtendedCard requires authentication (0.3)",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 0.3",
                section: "§7.10",
            },
            requirement: "`agent/getAuthenticatedExtendedCard` (when `supportsAuthenticatedExtendedCard`) requires auth; failure → 401; with credentials → a valid AgentCard.",
            area: Area::Auth,
            applies: Applies {
                versions: &[Family::V0_3],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::extended_card_needs_authentication),
        },
        // [lenient]: J03 names the error; only observable on a misconfigured agent.
        Scenario {
            id: "AUTH-09",
            title: "0.3: a declared but unconfigured extended card is -32007",
            level: Level::Should,
            spec: SpecRef {
                source: "A2A 0.3",
                section: "§8.2 (AuthenticatedExtendedCardNotConfiguredError)",
            },
            requirement: "`supportsAuthenticatedExtendedCard` true but nothing configured → AuthenticatedExtendedCardNotConfiguredError (-32007); not applicable when the card is served.",
            area: Area::Auth,
            applies: Applies {
                versions: &[Family::V0_3],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::extended_card_not_configured),
        },
        // S1x §7.6.1: in-task authorization.
        Scenario {
            id: "AUTH-10",
            title: "a task needing in-task authorization is AUTH_REQUIRED with an explaining message",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§7.6.1",
            },
            requirement: "In-task authorization: the task moves to TASK_STATE_AUTH_REQUIRED and its status carries a message explaining what is needed (needs the auth_required behaviour).",
            area: Area::Auth,
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::in_task_auth_explained),
        },
        // 0.3 §4.3; enterprise-ready topic: credentials in HTTP headers, never in the payload.
        Scenario {
            id: "AUTH-11",
            title: "credentials in the payload are not accepted",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 0.3",
                section: "§4.3; enterprise-ready topic (1.0)",
            },
            requirement: "Credentials travel in HTTP headers, never in the payload: a request without credential headers but with a valid credential in its message and request metadata is refused (401/403).",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::payload_credentials_ignored),
        },
        Scenario {
            id: "SEC-AUTH-01",
            title: "every operation on every binding refuses missing credentials",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.3.2, §7.4 (0.3 §4.4)",
            },
            requirement: "Every operation rejects missing credentials: each operation on each binding with no credentials → HTTP 401 (or 403), never a result.",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::missing_credentials_refused),
        },
        // RFC 9110 §15.5.2: "The server generating a 401 response MUST send a WWW-Authenticate header field containing at least one challenge."
        Scenario {
            id: "SEC-AUTH-02",
            title: "a 401 carries a WWW-Authenticate challenge that parses",
            level: Level::Must,
            spec: SpecRef {
                source: "RFC 9110",
                section: "§15.5.2, §11.6.1",
            },
            requirement: "A 401 response carries `WWW-Authenticate` with at least one challenge: the header is present and parses as a challenge list.",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::challenge_present_and_parses),
        },
        Scenario {
            id: "SEC-AUTH-03",
            title: "the challenge names a scheme the card declares",
            level: Level::Should,
            spec: SpecRef {
                source: "RFC 6750",
                section: "§3; A2A enterprise guide",
            },
            requirement: "The challenge names a scheme the card declares (`Bearer` for http/bearer or oauth2).",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::challenge_names_declared_scheme),
        },
        Scenario {
            id: "SEC-AUTH-04",
            title: "an invalid bearer token gets error=\"invalid_token\"",
            level: Level::Should,
            spec: SpecRef {
                source: "RFC 6750",
                section: "§3.1",
            },
            requirement: "An invalid bearer token gets `error=\"invalid_token\"` in the `WWW-Authenticate` challenge.",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::invalid_bearer_token),
        },
        Scenario {
            id: "SEC-AUTH-05",
            title: "a token without the required scope gets 403",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§3.3.2",
            },
            requirement: "A credential without the required scope → 403 (after a positive control: the same message with the scope is served; needs [jwt.scoped]).",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::missing_scope_forbidden),
        },
        Scenario {
            id: "SEC-AUTH-06",
            title: "another principal's task is indistinguishable from an unknown id",
            level: Level::Must,
            spec: SpecRef {
                source: "A2A 1.0",
                section: "§13.1",
            },
            requirement: "Another principal's task is indistinguishable from an unknown id: Get/Cancel/push ops on it → the same error as a random id.",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::OtherPrincipal(Isolation::All)),
        },
        // RFC 7519 §4.1.4: the JWT "MUST NOT be accepted for processing" on or after `exp`.
        Scenario {
            id: "SEC-JWT-01",
            title: "a token whose exp has passed is refused",
            level: Level::Must,
            spec: SpecRef {
                source: "RFC 7519",
                section: "§4.1.4",
            },
            requirement: "A JWT with `exp` in the past beyond a small leeway is rejected with 401 (after a valid token minted the same way was accepted).",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::SpoiledToken(Spoil::Expired)),
        },
        Scenario {
            id: "SEC-JWT-02",
            title: "a token whose nbf is in the future is refused",
            level: Level::Must,
            spec: SpecRef {
                source: "RFC 7519",
                section: "§4.1.5",
            },
            requirement: "A JWT with `nbf` in the future beyond leeway is rejected with 401 (after the positive control).",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::SpoiledToken(Spoil::NotYetValid)),
        },
        Scenario {
            id: "SEC-JWT-03",
            title: "a token for another audience is refused",
            level: Level::Must,
            spec: SpecRef {
                source: "RFC 7519",
                section: "§4.1.3",
            },
            requirement: "A JWT with the wrong `aud` is rejected with 401 (after the positive control).",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::SpoiledToken(Spoil::WrongAudience)),
        },
        Scenario {
            id: "SEC-JWT-04",
            title: "a token from another issuer is refused",
            level: Level::Must,
            spec: SpecRef {
                source: "RFC 7519",
                section: "§4.1.1; RFC 8725 §3.8",
            },
            requirement: "A JWT with the wrong `iss` is rejected with 401 (after the positive control).",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::SpoiledToken(Spoil::WrongIssuer)),
        },
        Scenario {
            id: "SEC-JWT-05",
            title: "an unsigned (alg none) token is refused",
            level: Level::Must,
            spec: SpecRef {
                source: "RFC 8725",
                section: "§3.1, §2.1",
            },
            requirement: "A JWT with `alg: none` and no signature is rejected with 401 (after the positive control).",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::SpoiledToken(Spoil::Unsigned)),
        },
        Scenario {
            id: "SEC-JWT-06",
            title: "an HS256 token keyed with the agent's public key is refused",
            level: Level::Must,
            spec: SpecRef {
                source: "RFC 8725",
                section: "§3.1, §2.1",
            },
            requirement: "Algorithm confusion: an HS256 token whose HMAC key is the agent's public key is rejected with 401.",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::algorithm_confusion),
        },
        Scenario {
            id: "SEC-JWT-07",
            title: "a token whose payload changed after signing is refused",
            level: Level::Must,
            spec: SpecRef {
                source: "RFC 7515",
                section: "§5.2",
            },
            requirement: "A JWT whose payload was changed after signing is rejected with 401 (after the positive control).",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::SpoiledToken(Spoil::Tampered)),
        },
        Scenario {
            id: "SEC-JWT-08",
            title: "a token with an unknown kid is refused",
            level: Level::Must,
            spec: SpecRef {
                source: "RFC 7515",
                section: "§4.1.4",
            },
            requirement: "A JWT naming an unknown `kid` is rejected with 401 (after the positive control).",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::SpoiledToken(Spoil::UnknownKid)),
        },
        Scenario {
            id: "SEC-REPLAY-01",
            title: "a token presented twice is refused the second time",
            level: Level::Must,
            spec: SpecRef {
                source: "SECURITY-PROFILE",
                section: "Replay rejection; RFC 7519 §4.1.7",
            },
            requirement: "The same JWT (`jti`) presented twice: the second request is rejected (401), when the profile declares replay protection.",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: step(rules::replayed_token_refused),
        },
        Scenario {
            id: "SEC-REPLAY-02",
            title: "a token without jti is refused under replay protection",
            level: Level::Must,
            spec: SpecRef {
                source: "SECURITY-PROFILE",
                section: "Replay rejection",
            },
            requirement: "A token without `jti` is rejected (401) when replay protection is declared.",
            area: Area::Auth,
            applies: Applies {
                versions: &[],
                bindings: &[],
                needs: NEEDS,
            },
            step: Arc::new(rules::SpoiledToken(Spoil::NoJti)),
        },
    ]
}
