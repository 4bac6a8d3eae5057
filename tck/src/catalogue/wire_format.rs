//! The data format on the wire and the error model (A2A 1.0 §3.3.2, §5.4–§5.6, §9.5, §11.6;
//! the 0.3 JSON Schema; DIGEST §10.2, §10.13). Declarations only: each scenario judges the
//! answers of a few representative calls it makes itself (a send, a get, a cancel, a stream;
//! or a handful of provoked errors), with its own explicit check, so a failure names the
//! requirement even where the schema validation of other scenarios would also object.

use std::sync::Arc;

use crate::check::{Step, step};
use crate::rules::wire_shape as rules;
use crate::scenario::{Applies, Area, Binding, Family, Level, Need, Scenario, SpecRef};

const NEEDS: &[Need] = &[Need::Interface];
const V1: &[Family] = &[Family::V1_0];
const V03: &[Family] = &[Family::V0_3];
const JSONRPC: &[Binding] = &[Binding::JsonRpc];
const REST: &[Binding] = &[Binding::HttpJson];

fn scenario(
    id: &'static str,
    title: &'static str,
    spec: (&'static str, &'static str),
    requirement: &'static str,
    versions: &'static [Family],
    bindings: &'static [Binding],
    step: Arc<dyn Step>,
) -> Scenario {
    Scenario {
        id,
        title,
        level: Level::Must,
        spec: SpecRef {
            source: spec.0,
            section: spec.1,
        },
        requirement,
        area: Area::Envelope,
        applies: Applies {
            versions,
            bindings,
            needs: NEEDS,
        },
        step,
    }
}

/// The wire-format and error-model scenarios.
#[allow(clippy::too_many_lines)] // one declaration per scenario
pub fn scenarios() -> Vec<Scenario> {
    vec![
        // 0.3 §3.2.1, §7: JSON-RPC "Content-Type: application/json"
        scenario(
            "TX-02",
            "0.3 JSON-RPC answers are application/json",
            ("A2A 0.3", "§3.2.1, §7"),
            "JSON-RPC responses (a success and an error) have `Content-Type: application/json` (parameters ignored).",
            V03,
            JSONRPC,
            step(rules::content_types),
        ),
        // 1.0 §9.1: JSON-RPC uses application/json
        scenario(
            "TX-03",
            "1.0 JSON-RPC answers are application/json",
            ("A2A 1.0", "§9.1"),
            "JSON-RPC responses (a success and an error) have `Content-Type: application/json` (parameters ignored).",
            V1,
            JSONRPC,
            step(rules::content_types),
        ),
        // 0.3 §3.2.3: REST bodies are application/json
        scenario(
            "TX-04",
            "0.3 HTTP+JSON answers are application/json",
            ("A2A 0.3", "§3.2.3"),
            "HTTP+JSON responses (a success and an error) have `Content-Type: application/json`.",
            V03,
            REST,
            step(rules::content_types),
        ),
        // 1.0.1 §11.1: "SHOULD use application/a2a+json" (1.0.0: application/json)
        Scenario {
            level: Level::Should,
            ..scenario(
                "TX-05",
                "1.0 HTTP+JSON answers are application/a2a+json",
                ("A2A 1.0.1", "§11.1"),
                "HTTP+JSON responses (a success and an error) use `application/a2a+json` (1.0.0: `application/json` accepted too); a warning otherwise.",
                V1,
                REST,
                step(rules::content_types),
            )
        },
        // §5.5: "JSON field names MUST use lowerCamelCase"
        scenario(
            "TX-20",
            "member names are camelCase",
            ("A2A 1.0", "§5.5"),
            "Every member name in a send, get, cancel and stream answer is lowerCamelCase (the contents of `metadata`, `data`, `params` and `scopes` maps aside).",
            V1,
            &[],
            step(rules::camel_case_names),
        ),
        // "Enum values MUST be represented as their string names" (ProtoJSON; ADR-001)
        scenario(
            "TX-21",
            "task states and roles are TASK_STATE_* / ROLE_* names",
            ("A2A 1.0", "§5.5; ADR-001"),
            "Enums are ProtoJSON strings: every `state` in a send, get, cancel and stream answer is a `TASK_STATE_*` name, every `role` a `ROLE_*` name.",
            V1,
            &[],
            step(rules::enum_names),
        ),
        // J03 TaskState enum, Message.role enum
        scenario(
            "TX-22",
            "0.3 task states and roles are the schema's values",
            ("A2A 0.3", "JSON schema TaskState, Message.role"),
            "Every `state` in a send, get, cancel and stream answer is one of submitted, working, input-required, completed, canceled, failed, rejected, auth-required, unknown; every `role` is user or agent.",
            V03,
            &[],
            step(rules::enum_names_0_3),
        ),
        // "Timestamps MUST … use the UTC timezone (denoted by 'Z')"
        scenario(
            "TX-23",
            "timestamps are ISO 8601 UTC ending in Z",
            ("A2A 1.0", "§5.6.1"),
            "Every `timestamp` in a send, get, cancel and stream answer is ISO 8601 in UTC with the `Z` suffix (no `+00:00` or other offset).",
            V1,
            &[],
            step(rules::timestamps_utc),
        ),
        // §5.7 / a2a.proto field_behavior REQUIRED
        scenario(
            "TX-24",
            "1.0 objects carry their REQUIRED members",
            ("A2A 1.0", "§5.7; a2a.proto"),
            "Task {id, status}, TaskStatus {state}, Message {messageId, role, parts ≥ 1}, Artifact {artifactId, parts ≥ 1}, status update {taskId, contextId, status}, artifact update {taskId, contextId, artifact} in every send, get, cancel and stream answer.",
            V1,
            &[],
            step(rules::v1_required_members),
        ),
        // a2a.proto Part: `oneof content { text, raw, url, data }`
        scenario(
            "TX-26",
            "each Part has exactly one of text, raw, url, data",
            ("A2A 1.0", "§5.5; a2a.proto Part"),
            "Every Part in a send, get, cancel and stream answer has exactly one of `text` / `raw` / `url` / `data`, and `raw` is base64.",
            V1,
            &[],
            step(rules::part_content_oneof),
        ),
        // J03: Task{id,contextId,status,kind:"task"}, Message{messageId,role,parts,kind:"message"}, …
        scenario(
            "TX-25",
            "0.3 objects carry their required members and kind",
            ("A2A 0.3", "JSON schema Task, Message, events"),
            "Task {id, contextId, status, kind \"task\"}, Message {messageId, role, parts, kind \"message\"}, status update {taskId, contextId, status, final, kind \"status-update\"}, artifact update {taskId, contextId, artifact, kind \"artifact-update\"}; every part's kind is text, file or data.",
            V03,
            &[],
            step(rules::v03_required_and_kind),
        ),
        // "Every error … has a code and a message"
        scenario(
            "ERR-01",
            "every error has a code and a message",
            ("A2A 1.0", "§3.3.2"),
            "Every error the kit provokes (unknown task, invalid params, cancel of a completed task, message to it, unsupported version) has an integer `code` and a string `message`.",
            V1,
            &[],
            step(rules::errors_have_code_and_message),
        ),
        // 1.0.1 §3.3.2, §9.5, §11.6: each detail "MUST include a @type field"
        scenario(
            "ERR-02",
            "every error-detail element has @type",
            ("A2A 1.0.1", "§3.3.2, §9.5, §11.6"),
            "Every element of JSON-RPC `error.data` / HTTP+JSON `error.details` in the provoked errors is an object with a string `@type` (1.0.1; not applicable to 1.0.0).",
            V1,
            &[],
            step(rules::details_typed),
        ),
        // §11.6: A2A errors "MUST include a google.rpc.ErrorInfo" with reason and domain
        scenario(
            "ERR-03",
            "HTTP+JSON A2A errors carry ErrorInfo with reason and domain",
            ("A2A 1.0", "§11.6"),
            "Each provoked A2A error over HTTP+JSON carries in `error.details` an ErrorInfo (`@type` type.googleapis.com/google.rpc.ErrorInfo) whose `reason` names it (TASK_NOT_FOUND, …) and whose `domain` is a2a-protocol.org.",
            V1,
            REST,
            step(rules::rest_error_info),
        ),
        // §11.6: the error body is google.rpc.Status JSON ([lenient]: stale examples show
        // problem+json, so a warning)
        Scenario {
            level: Level::Should,
            ..scenario(
                "ERR-07",
                "HTTP+JSON errors are google.rpc.Status bodies",
                ("A2A 1.0", "§11.6"),
                "Each provoked error over HTTP+JSON is `{\"error\": {code, status, message, details}}` with `code` the HTTP status and `details` an array (a warning: DIGEST [lenient], problem+json appears in stale examples).",
                V1,
                REST,
                step(rules::rest_error_body),
            )
        },
        // §5.4: "the following table maps each error to its JSON-RPC code, gRPC status and HTTP status"
        scenario(
            "ERR-06",
            "each provoked A2A error has the table's code and status",
            ("A2A 1.0", "§5.4"),
            "Each error answer to a provoked condition has the mapping table's JSON-RPC code / HTTP status (TaskNotFound -32001/404, TaskNotCancelable -32002/400 (1.0.0: 409), UnsupportedOperation -32004/400, VersionNotSupported -32009/400, invalid params -32602/400).",
            V1,
            &[],
            step(rules::error_mapping),
        ),
    ]
}
