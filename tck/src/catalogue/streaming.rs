//! Streaming responses (A2A 1.0 §3.1.2, §3.5.2, §9.4.2, §11.7; 0.3 §3.3, §7.2; DIGEST §1.4,
//! §10.4). Declarations only; each opens a `SendStreamingMessage` stream for a scripted
//! behaviour and reads it to its close.

use std::sync::Arc;

use crate::check::{Step, step};
use crate::rules::streaming as rules;
use crate::scenario::{Applies, Area, Family, Level, Need, Scenario, SpecRef};

const NEEDS: &[Need] = &[Need::Interface];
const V1: &[Family] = &[Family::V1_0];
const V03: &[Family] = &[Family::V0_3];

fn scenario(
    id: &'static str,
    title: &'static str,
    spec: (&'static str, &'static str),
    requirement: &'static str,
    versions: &'static [Family],
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
        area: Area::Streaming,
        applies: Applies {
            versions,
            bindings: &[],
            needs: NEEDS,
        },
        step,
    }
}

/// The streaming scenarios.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        scenario(
            "STRM-03",
            "a streaming answer is 200 text/event-stream with one JSON document per event",
            ("A2A 1.0", "§9.4.2, §11.7 (0.3 §3.3.1)"),
            "The streaming response is `200` with `Content-Type: text/event-stream`; each `data:` holds one JSON document.",
            &[],
            step(rules::is_event_stream),
        ),
        scenario(
            "STRM-04",
            "each 0.3 event is a JSON-RPC response to the request carrying a kind'ed object",
            ("A2A 0.3", "§3.3.1, §7.2.1"),
            "Each SSE `data` is a full JSON-RPC response with the request's `id`; `result` is a Task, Message, status-update or artifact-update, valid against the 0.3 schema.",
            V03,
            step(rules::events_well_formed),
        ),
        scenario(
            "STRM-05",
            "each 1.0 event carries exactly one StreamResponse member and no kind",
            ("A2A 1.0", "§9.4.2, §11.7"),
            "JSON-RPC: `{\"jsonrpc\":\"2.0\",\"id\":<req>,\"result\":StreamResponse}`; HTTP+JSON: a bare StreamResponse; exactly one of task / message / statusUpdate / artifactUpdate, valid against the schema, without the 0.3 `kind`.",
            V1,
            step(rules::events_well_formed),
        ),
        // "the stream MUST begin with a Task object"
        scenario(
            "STRM-06",
            "a task stream begins with the Task",
            ("A2A 1.0", "§3.1.2"),
            "A task-lifecycle stream MUST begin with the Task (or hold a single Message).",
            V1,
            step(rules::begins_with_task),
        ),
        // "If the response is a message, the stream MUST contain exactly one Message and then close"
        scenario(
            "STRM-07",
            "a message-only stream holds one Message and closes",
            ("A2A 1.0", "§3.1.2"),
            "A message-only stream contains exactly one Message, then closes.",
            V1,
            step(rules::message_stream_single),
        ),
        // "The stream MUST close when the task reaches a terminal state"
        scenario(
            "STRM-08",
            "the stream closes at the terminal state",
            ("A2A 1.0", "§3.1.2, §11.7"),
            "After the terminal status (or a final Task snapshot) nothing else is sent and the stream closes.",
            V1,
            step(rules::closes_at_terminal),
        ),
        // J03 TaskStatusUpdateEvent.required includes `final`.
        scenario(
            "STRM-09",
            "0.3 status updates carry final; exactly the last is true, then close",
            ("A2A 0.3", "§7.2; J03 TaskStatusUpdateEvent"),
            "Every status-update has a boolean `final`; exactly one is `final: true`, it is the last event, and the stream closes.",
            V03,
            step(rules::final_flag),
        ),
        // "Events MUST be delivered in the order they were generated"
        scenario(
            "STRM-10",
            "events arrive in generation order",
            ("A2A 1.0", "§3.5.2"),
            "Events are delivered in generation order: no state follows a terminal one, nothing returns to SUBMITTED, and an `append` chunk follows a first chunk of its artifact.",
            V1,
            step(rules::events_in_order),
        ),
        // "Multiple concurrent streams … MUST receive the same events in the same order"
        scenario(
            "STRM-11",
            "concurrent subscriptions get the same events in the same order",
            ("A2A 1.0", "§3.5.2"),
            "Two SubscribeToTask streams on one running task: after each one's Task event the later one sees a suffix of the earlier one's events, in the same order, and both reach the terminal state and close (one subscriber never closes another).",
            V1,
            step(rules::concurrent_subscriptions_agree),
        ),
    ]
}
