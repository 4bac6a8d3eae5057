//! Send Message and the lifecycle it starts (A2A 1.0 §3.1.1, §3.2.2, §3.4; 0.3 §7.1; DIGEST
//! §3, §10.3). Declarations only: these scenarios drive the agent through the profile's
//! scripted behaviours and are skipped, with the reason, when the profile maps none.

use std::sync::Arc;

use crate::check::{Step, step};
use crate::rules::lifecycle as rules;
use crate::rules::wire_shape;
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
        area: Area::SendMessage,
        applies: Applies {
            versions,
            bindings: &[],
            needs: NEEDS,
        },
        step,
    }
}

/// The send-message scenarios.
#[allow(clippy::too_many_lines)] // one declaration per scenario
pub fn scenarios() -> Vec<Scenario> {
    vec![
        // J03 SendMessageSuccessResponse: `result` is anyOf Task | Message.
        scenario(
            "SEND-01",
            "message/send answers with a Task or Message carrying its kind",
            ("A2A 0.3", "§7.1"),
            "The `message/send` result is a Task or a Message object (with `kind`), valid against the 0.3 schema.",
            V03,
            step(rules::send_result_kind),
        ),
        // "SendMessageResponse … oneof payload { Task task; Message message; }"
        scenario(
            "SEND-02",
            "SendMessage answers with exactly one of {task} / {message}",
            ("A2A 1.0", "§3.1.1, §9.4.1"),
            "SendMessage returns the SendMessageResponse wrapper: exactly one of `task` / `message` (a bare Task is wrong in 1.0).",
            V1,
            step(rules::send_result_wrapper),
        ),
        // "Blocking … MUST wait until the task reaches a terminal or interrupted state … MUST
        // return the latest state … and all artifacts."
        scenario(
            "SEND-03",
            "a blocking send returns the settled task with all its artifacts",
            ("A2A 1.0", "§3.2.2"),
            "By default (blocking) the response Task is in a terminal or interrupted state and includes the latest status and all artifacts.",
            V1,
            step(rules::blocking_send_waits),
        ),
        // "returnImmediately … the operation MUST return immediately after creating the task"
        scenario(
            "SEND-04",
            "returnImmediately answers right after the task is created",
            ("A2A 1.0", "§3.2.2"),
            "`returnImmediately: true` MUST return right after the task is created: a long task is still SUBMITTED or WORKING.",
            V1,
            step(rules::return_immediately),
        ),
        // 0.3 §7.1: "…can't be restarted. Sending a message to such a task will result in an error."
        scenario(
            "SEND-05-COMPLETED",
            "a message to a completed task is an error and the task is unchanged",
            ("A2A 0.3", "§6.1, §7.1"),
            "A task in a terminal state can't be restarted: sending it a message results in an error (0.3 names no code); the task stays as it was.",
            V03,
            step(rules::message_to_completed),
        ),
        scenario(
            "SEND-05-FAILED",
            "a message to a failed task is an error and the task is unchanged",
            ("A2A 0.3", "§6.1, §7.1"),
            "A task in a terminal state can't be restarted: sending it a message results in an error (0.3 names no code); the task stays as it was.",
            V03,
            step(rules::message_to_failed),
        ),
        scenario(
            "SEND-05-CANCELED",
            "a message to a canceled task is an error and the task is unchanged",
            ("A2A 0.3", "§6.1, §7.1"),
            "A task in a terminal state can't be restarted: sending it a message results in an error (0.3 names no code); the task stays as it was.",
            V03,
            step(rules::message_to_canceled),
        ),
        scenario(
            "SEND-05-REJECTED",
            "a message to a rejected task is an error and the task is unchanged",
            ("A2A 0.3", "§6.1, §7.1"),
            "A task in a terminal state can't be restarted: sending it a message results in an error (0.3 names no code); the task stays as it was.",
            V03,
            step(rules::message_to_rejected),
        ),
        // 1.0 §3.1.1: "UnsupportedOperationError: Messages sent to Tasks that are in a terminal
        // state (TASK_STATE_COMPLETED, TASK_STATE_FAILED, TASK_STATE_CANCELED,
        // TASK_STATE_REJECTED) cannot accept further messages."
        scenario(
            "SEND-06-COMPLETED",
            "a message to a completed task is UnsupportedOperationError and the task is unchanged",
            ("A2A 1.0", "§3.1.1"),
            "Messages sent to Tasks in a terminal state cannot be accepted: UnsupportedOperationError (-32004 / HTTP 400); GetTask shows the task unchanged.",
            V1,
            step(rules::message_to_completed),
        ),
        scenario(
            "SEND-06-FAILED",
            "a message to a failed task is UnsupportedOperationError and the task is unchanged",
            ("A2A 1.0", "§3.1.1"),
            "Messages sent to Tasks in a terminal state cannot be accepted: UnsupportedOperationError (-32004 / HTTP 400); GetTask shows the task unchanged.",
            V1,
            step(rules::message_to_failed),
        ),
        scenario(
            "SEND-06-CANCELED",
            "a message to a canceled task is UnsupportedOperationError and the task is unchanged",
            ("A2A 1.0", "§3.1.1; CANCEL-06"),
            "Messages sent to Tasks in a terminal state cannot be accepted: UnsupportedOperationError (-32004 / HTTP 400); GetTask shows the task unchanged.",
            V1,
            step(rules::message_to_canceled),
        ),
        scenario(
            "SEND-06-REJECTED",
            "a message to a rejected task is UnsupportedOperationError and the task is unchanged",
            ("A2A 1.0", "§3.1.1"),
            "Messages sent to Tasks in a terminal state cannot be accepted: UnsupportedOperationError (-32004 / HTTP 400); GetTask shows the task unchanged.",
            V1,
            step(rules::message_to_rejected),
        ),
        // "If the taskId does not match an existing task, the server MUST return TaskNotFoundError"
        scenario(
            "SEND-07",
            "a message naming an unknown taskId is TaskNotFoundError",
            ("A2A 1.0", "§3.4.2"),
            "A message whose `taskId` matches no task → TaskNotFoundError (-32001 / HTTP 404), not a new task.",
            V1,
            step(rules::unknown_task_id_in_message),
        ),
        // ContentTypeNotSupportedError: "A Media Type provided in the request's message parts …
        // is not supported by the agent." ([lenient]: an agent may accept any media type)
        Scenario {
            level: Level::Should,
            ..scenario(
                "SEND-08",
                "a part of an unaccepted media type is ContentTypeNotSupportedError",
                ("A2A 1.0", "§3.1.1, §3.3.2"),
                "A part whose mediaType (`application/x-tck-unsupported`) is outside the agent's input modes → ContentTypeNotSupportedError (-32005 / HTTP 400; 1.0.0: 415); a warning, since an agent may accept any type.",
                V1,
                step(rules::unsupported_media_type),
            )
        },
        // "If the server generates a contextId, it MUST be included in the response"
        scenario(
            "SEND-09",
            "a server-generated contextId is in the response",
            ("A2A 1.0", "§3.4.1"),
            "A message without contextId: the contextId the server generates MUST appear in the response.",
            V1,
            step(rules::context_id_generated),
        ),
        // "…generate a unique taskId for each new task … and include it in the Task"
        scenario(
            "SEND-10",
            "each new task gets its own id",
            ("A2A 1.0", "§3.4.2"),
            "Each new task gets a unique taskId, included in the Task: two sends → two ids.",
            V1,
            step(rules::task_ids_unique),
        ),
        // "If only taskId is provided, the server MUST infer the contextId from the task"
        scenario(
            "SEND-11",
            "a continuation naming only the taskId keeps the task's contextId",
            ("A2A 1.0", "§3.4.3"),
            "Only `taskId` given (continuing an INPUT_REQUIRED task) → the server infers the contextId from the task.",
            V1,
            step(rules::context_inferred_from_task),
        ),
        // "If both taskId and contextId are provided and they do not match … MUST reject"
        scenario(
            "SEND-12",
            "a contextId that is not the task's is refused",
            ("A2A 1.0", "§3.4.3"),
            "A message with `taskId` T (INPUT_REQUIRED) and a contextId other than T's → an error, not success.",
            V1,
            step(rules::context_mismatch_refused),
        ),
        // "…MUST NOT substitute a different contextId"
        scenario(
            "SEND-13",
            "a client-provided contextId is kept, never replaced",
            ("A2A 1.0", "§3.4.1"),
            "A new message carrying a client contextId: the response has that contextId, or the request is refused; a different contextId is wrong.",
            V1,
            step(rules::client_context_kept),
        ),
        // 1.0 §3.3.2 / 0.3 §10.2: "Servers MUST validate all input parameters"
        scenario(
            "SEND-14",
            "malformed messages are invalid params",
            ("A2A 1.0", "§3.3.2, §13.4 (0.3 §10.2)"),
            "A message without role, with an unknown role, or whose `parts` is a string → -32602 / HTTP 400 INVALID_ARGUMENT; never a success or a server error.",
            &[],
            step(wire_shape::malformed_messages),
        ),
        // P1x SendMessageConfiguration.history_length: "the number of most recent messages …"
        scenario(
            "SEND-16",
            "configuration.historyLength limits the history of the send answer",
            ("A2A 1.0", "P1x SendMessageConfiguration.history_length"),
            "SendMessage with `configuration.historyLength` 1 on a task of two or more messages → at most one history message in the answer; 0 → none.",
            V1,
            step(rules::send_history_length),
        ),
        // P1x Message.context_id: server messages carry the context.
        scenario(
            "SEND-15",
            "a direct Message answer carries a contextId",
            ("A2A 1.0", "P1x Message"),
            "A Message the agent sends (here: a direct message answer) carries a contextId.",
            V1,
            step(rules::message_has_context),
        ),
    ]
}
