//! The JSON-RPC 2.0 envelope and the standard errors (JSON-RPC 2.0 §4, §5; A2A 1.0 §9.3, §9.5;
//! 0.3 §6.11, §8.1; DIGEST §10.2, §10.13). Declarations only.

use std::sync::Arc;

use crate::check::{Step, step};
use crate::rules::envelope as rules;
use crate::scenario::{Applies, Area, Binding, Family, Level, Need, Scenario, SpecRef};

const NEEDS: &[Need] = &[Need::Interface];
const JSONRPC: &[Binding] = &[Binding::JsonRpc];

fn scenario(
    id: &'static str,
    title: &'static str,
    section: &'static str,
    requirement: &'static str,
    bindings: &'static [Binding],
    step: Arc<dyn Step>,
) -> Scenario {
    Scenario {
        id,
        title,
        level: Level::Must,
        spec: SpecRef {
            source: "A2A 1.0",
            section,
        },
        requirement,
        area: Area::Envelope,
        applies: Applies {
            versions: &[],
            bindings,
            needs: NEEDS,
        },
        step,
    }
}

/// The envelope scenarios.
#[allow(clippy::too_many_lines)] // One declaration per requirement.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        // JSON-RPC 2.0 §5: "id … MUST be the same as the value of the id member in the Request"
        scenario(
            "TX-06",
            "string and integer ids are echoed in a 2.0 envelope with one of result/error",
            "§9.3; JSON-RPC 2.0 §5 (0.3 §6.11.2)",
            "`jsonrpc` is \"2.0\"; `id` echoes the request id (string, integer, beyond 32 bits); exactly one of `result` / `error`.",
            JSONRPC,
            step(rules::ids_echoed),
        ),
        // JSON-RPC 2.0 §5: "If there was an error in detecting the id … it MUST be Null."
        scenario(
            "TX-07",
            "a request whose id cannot be read is answered with id null",
            "§9.5; JSON-RPC 2.0 §5 (0.3 §6.11.2)",
            "When the request id cannot be read (malformed JSON) the response `id` is null.",
            JSONRPC,
            step(rules::null_id_when_unreadable),
        ),
        // 0.3 §3.5.1, §3.5.6: the method names are exactly `message/send`, `tasks/get`, …
        Scenario {
            applies: Applies {
                versions: &[Family::V0_3],
                bindings: JSONRPC,
                needs: NEEDS,
            },
            ..scenario(
                "TX-08",
                "every 0.3 method name dispatches",
                "§9.1 (0.3 §3.5.1, §3.5.6)",
                "`message/send`, `message/stream`, `tasks/get`, `tasks/cancel`, `tasks/resubscribe` (and the push-config and extended-card methods the card declares), called with empty params, are never answered -32601.",
                JSONRPC,
                step(rules::methods_dispatch),
            )
        },
        // 0.3 §11.1.2: "Agents MUST implement message/send, tasks/get and tasks/cancel"
        Scenario {
            applies: Applies {
                versions: &[Family::V0_3],
                bindings: JSONRPC,
                needs: NEEDS,
            },
            ..scenario(
                "TX-29",
                "0.3 core methods are implemented",
                "0.3 §11.1.2",
                "`message/send`, `tasks/get` and `tasks/cancel`, called with empty params on the selected JSON-RPC interface, are never answered -32601.",
                JSONRPC,
                step(rules::core_methods_0_3),
            )
        },
        // 1.0 §5.3, §9.1: the JSON-RPC methods are the PascalCase operation names
        Scenario {
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: JSONRPC,
                needs: NEEDS,
            },
            ..scenario(
                "TX-09",
                "every 1.0 method name dispatches",
                "§5.3, §9.1",
                "`SendMessage`, `SendStreamingMessage`, `GetTask`, `ListTasks`, `CancelTask`, `SubscribeToTask`, the four push-config methods and `GetExtendedAgentCard`, called with empty params, are never answered -32601.",
                JSONRPC,
                step(rules::methods_dispatch),
            )
        },
        // 1.0 §11.3: the HTTP+JSON routes (no `/v1` prefix)
        Scenario {
            applies: Applies {
                versions: &[Family::V1_0],
                bindings: &[Binding::HttpJson],
                needs: NEEDS,
            },
            ..scenario(
                "TX-14",
                "every HTTP+JSON route exists with its verb",
                "§11.3",
                "`POST /message:send`, `POST /message:stream`, `GET /tasks/{id}`, `GET /tasks`, `POST /tasks/{id}:cancel`, `POST|GET /tasks/{id}:subscribe`, the push-config routes and `GET /extendedAgentCard` are served: never 405, never a 404 without an A2A error body.",
                &[Binding::HttpJson],
                step(rules::rest_routes_exist),
            )
        },
        scenario(
            "TX-10",
            "an unknown method is -32601",
            "§9.5 (0.3 §8.1)",
            "A method the agent does not know → -32601 Method not found.",
            JSONRPC,
            step(rules::unknown_method),
        ),
        scenario(
            "TX-11",
            "valid JSON that is not a request is -32600",
            "§9.5 (0.3 §8.1)",
            "Valid JSON that is not a valid Request object (`{\"jsonrpc\":\"1.0\",\"method\":1}`) → -32600.",
            JSONRPC,
            step(rules::invalid_request),
        ),
        // "Servers MUST validate all input parameters" / InvalidParamsError.
        scenario(
            "TX-12",
            "a message without messageId is invalid params",
            "§3.3.2, §9.5 (0.3 §8.1, §10.2)",
            "A SendMessage whose message lacks the required `messageId` → -32602 (HTTP+JSON: 400).",
            &[],
            step(rules::invalid_params),
        ),
        scenario(
            "ERR-09",
            "malformed JSON is -32700",
            "§9.5 (0.3 §8.1)",
            "Malformed JSON → -32700 JSONParseError.",
            JSONRPC,
            step(rules::parse_error_code),
        ),
    ]
}
