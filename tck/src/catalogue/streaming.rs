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
#[allow(clippy::too_many_lines)] // one declaration per scenario
pub fn scenarios() -> Vec<Scenario> {
    vec![
        // "If `AgentCard.capabilities.streaming` is false or not present, the agent MUST return
        // UnsupportedOperationError" (for SendStreamingMessage and SubscribeToTask)
        scenario(
            "STRM-01",
            "without the streaming capability, streaming calls are UnsupportedOperationError",
            ("A2A 1.0", "§3.3.4"),
            "When the card does not declare `capabilities.streaming`, SendStreamingMessage and SubscribeToTask answer UnsupportedOperationError (-32004 / HTTP 400), as a plain error or as the first event. Not applicable when streaming is declared.",
            V1,
            step(rules::unsupported_without_streaming),
        ),
        // `message/stream` and `tasks/resubscribe` need `capabilities.streaming: true`; 0.3
        // names no error code ([lenient]: reported as a warning).
        Scenario {
            level: Level::Should,
            ..scenario(
                "STRM-02",
                "without the streaming capability, 0.3 streaming calls are refused",
                ("A2A 0.3", "§7.2, §7.9, §11.1.3"),
                "When the card does not declare `capabilities.streaming`, `message/stream` and `tasks/resubscribe` answer a JSON-RPC error (any code; -32004 is what 1.0 chose), as a plain error or as the first event; reported as a warning (0.3 names no error). Not applicable when streaming is declared.",
                V03,
                step(rules::unsupported_without_streaming),
            )
        },
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
        // "The closure of one stream MUST NOT affect other active streams for the same task"
        scenario(
            "STRM-12",
            "closing one subscription leaves the others open",
            ("A2A 1.0", "§3.5.2"),
            "Two SubscribeToTask streams on one running task: the kit closes the later one after its first event and then cancels the task; the earlier one still reports the terminal state and is closed by the agent.",
            V1,
            step(rules::closing_one_leaves_others),
        ),
        // P1x TaskStatusUpdateEvent / TaskArtifactUpdateEvent: task_id, context_id and
        // status / artifact are REQUIRED.
        scenario(
            "STRM-13",
            "every event carries its REQUIRED fields, contextId included",
            ("A2A 1.0", "P1x Task*UpdateEvent"),
            "On a stream with artifact chunks, each Task has id, contextId and status; each status update taskId, contextId and status; each artifact update taskId, contextId and an artifact with artifactId and parts; each Message messageId, role and parts; and every update names the stream's task and context.",
            V1,
            step(rules::events_carry_required_fields),
        ),
        // "MUST provide immediate feedback on progress" ([lenient]: "immediate" has no number;
        // reported as a warning)
        Scenario {
            level: Level::Should,
            ..scenario(
                "STRM-14",
                "the first event of a stream comes at once",
                ("A2A 1.0", "§3.1.2"),
                "A SendStreamingMessage stream for a long task delivers its first event within `timeouts.first_event_ms` (5 s by default) of the request; reported as a warning (DIGEST [lenient]).",
                V1,
                step(rules::first_event_promptly),
            )
        },
    ]
}
