//! Get, cancel and subscribe on existing tasks (A2A 1.0 §3.1.3, §3.1.5, §3.1.6, §3.2.4; 0.3
//! §7.3, §7.4, §8.2; DIGEST §9, §10.5, §10.7, §10.8). Declarations only.

use std::sync::Arc;

use crate::check::{Step, step};
use crate::rules::lifecycle as rules;
use crate::rules::streaming;
use crate::scenario::{Applies, Area, Family, Level, Need, Scenario, SpecRef};

const NEEDS: &[Need] = &[Need::Interface];
const V1: &[Family] = &[Family::V1_0];
const V03: &[Family] = &[Family::V0_3];
const BOTH: &[Family] = &[];

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
        area: Area::Tasks,
        applies: Applies {
            versions,
            bindings: &[],
            needs: NEEDS,
        },
        step,
    }
}

/// The task scenarios.
#[allow(clippy::too_many_lines)] // one declaration per scenario
pub fn scenarios() -> Vec<Scenario> {
    vec![
        // "Retrieves the current state … of a previously initiated task."
        scenario(
            "GET-01",
            "GetTask returns the task",
            ("A2A 1.0", "§3.1.3 (0.3 §7.3)"),
            "GetTask on an existing id returns that Task, valid against the schema.",
            BOTH,
            step(rules::get_existing),
        ),
        // "TaskNotFoundError: The task ID does not exist or is not accessible."
        scenario(
            "GET-02",
            "GetTask on an unknown id is TaskNotFoundError",
            ("A2A 1.0", "§3.1.3, §3.3.2 (0.3 §8.2)"),
            "An unknown task id → TaskNotFoundError (-32001 / HTTP 404 with ErrorInfo TASK_NOT_FOUND).",
            BOTH,
            step(rules::get_unknown),
        ),
        // P1x GetTaskRequest.history_length: "The server MUST NOT return more messages than
        // the provided value".
        scenario(
            "GET-03",
            "historyLength 1 returns only the latest message",
            ("A2A 1.0", "§3.2.4"),
            "historyLength N > 0 → at most N messages, the most recent ones.",
            V1,
            step(rules::history_truncated),
        ),
        // "historyLength = 0: no history … the history field SHOULD be omitted"
        scenario(
            "GET-04",
            "historyLength 0 returns no messages",
            ("A2A 1.0", "§3.2.4"),
            "historyLength 0 → no history messages.",
            V1,
            step(rules::history_zero),
        ),
        // "Once a task reaches a terminal state … it cannot restart."
        scenario(
            "GET-06",
            "a terminal task reads the same on every GetTask",
            ("A2A 1.0", "life-of-a-task (0.3 §6.1)"),
            "Terminal tasks are immutable: successive GetTask calls show the same state, artifacts and history.",
            BOTH,
            step(rules::terminal_task_stable),
        ),
        // "Returns the updated Task"
        scenario(
            "CANCEL-01",
            "cancel of a running task returns it canceled",
            ("A2A 1.0", "§3.1.5 (0.3 §7.4)"),
            "Cancel of a running task returns the updated Task in state canceled (or a later terminal state), and GetTask agrees.",
            BOTH,
            step(rules::cancel_running),
        ),
        // "TaskNotCancelableError: … e.g., it has already reached a terminal state"
        scenario(
            "CANCEL-02",
            "cancel of a completed task is TaskNotCancelableError",
            ("A2A 1.0", "§3.1.5, §3.3.2 (0.3 §8.2)"),
            "Cancel on a terminal task → TaskNotCancelableError (-32002 / HTTP 400; 1.0.0: 409), and the task is unchanged.",
            BOTH,
            step(rules::cancel_terminal),
        ),
        scenario(
            "CANCEL-03",
            "cancel of an unknown id is TaskNotFoundError",
            ("A2A 1.0", "§3.1.5 (0.3 §8.2)"),
            "Cancel on an unknown id → TaskNotFoundError (-32001 / HTTP 404).",
            BOTH,
            step(rules::cancel_unknown),
        ),
        // 0.3 §6.1 / 1.0 §3.1.1: a canceled task is terminal; the step is the one SEND-05-CANCELED
        // (0.3) and SEND-06-CANCELED (1.0) run: this id makes the cancel requirement visible.
        scenario(
            "CANCEL-06",
            "a canceled task accepts no further message",
            ("A2A 1.0", "§3.1.1 (0.3 §6.1)"),
            "A canceled task is terminal: after CancelTask, a SendMessage with its taskId is an error (1.0: UnsupportedOperationError -32004 / HTTP 400) and the task stays CANCELED. Same step as SEND-05-CANCELED / SEND-06-CANCELED.",
            BOTH,
            step(rules::message_to_canceled),
        ),
        // "Cancel Task operations are idempotent" ([lenient]: vs TaskNotCancelableError)
        Scenario {
            level: Level::Should,
            ..scenario(
                "CANCEL-04",
                "a second cancel has the same effect",
                ("A2A 1.0", "§3.3.1"),
                "Cancel is idempotent: a second cancel returns Task(CANCELED), TaskNotCancelableError or TaskNotFoundError, and the task stays CANCELED (reported as a warning: DIGEST §12.3).",
                V1,
                step(rules::cancel_idempotent),
            )
        },
        // "The first event … MUST be a Task object representing the current state"
        scenario(
            "SUB-01",
            "a subscription begins with the Task in its current state",
            ("A2A 1.0", "§3.1.6"),
            "SubscribeToTask on a running task: the first event is the Task (that task, in its current state).",
            V1,
            step(streaming::subscription_begins_with_task),
        ),
        // 1.0 §3.1.6: "UnsupportedOperationError … if the task is in a terminal state"
        scenario(
            "SUB-02",
            "subscribing to a completed task is UnsupportedOperationError",
            ("A2A 1.0", "§3.1.6, §9.4.6"),
            "SubscribeToTask on a task in a terminal state → UnsupportedOperationError (-32004 / HTTP 400); the task is unchanged.",
            V1,
            step(rules::subscribe_terminal),
        ),
        scenario(
            "SUB-03",
            "subscribing to an unknown task is TaskNotFoundError",
            ("A2A 1.0", "§3.1.6"),
            "SubscribeToTask on an unknown id → TaskNotFoundError (-32001 / HTTP 404), as a plain error or the first event.",
            V1,
            step(streaming::subscribe_unknown),
        ),
        // "The stream MUST terminate when the task reaches a terminal state"
        scenario(
            "SUB-04",
            "a subscription closes at the terminal state",
            ("A2A 1.0", "§3.1.6"),
            "A subscription to a running task reports its states in order up to the terminal one, then the stream closes.",
            V1,
            step(streaming::subscription_closes_at_terminal),
        ),
        // 0.3 §7.9: "allows a client to reconnect to an SSE stream for an ongoing task"; the
        // stream is the one of `message/stream`, which ends with `final: true`.
        scenario(
            "SUB-05",
            "a 0.3 resubscription streams the later events up to final: true",
            ("A2A 0.3", "§7.9"),
            "`tasks/resubscribe` to a running task streams its later status-updates (the kit cancels the task meanwhile); every one has a boolean `final`, the last event is the only `final: true`, and the stream closes.",
            V03,
            step(streaming::resubscribe_follows_to_final),
        ),
        // P03 TaskSubscriptionRequest: gRPC answers the Task of a completed task and closes;
        // 0.3 says nothing for JSON-RPC ([lenient]: reported as a warning).
        Scenario {
            level: Level::Should,
            ..scenario(
                "SUB-06",
                "a 0.3 resubscription to a completed task errs or sends the Task and closes",
                ("A2A 0.3", "§7.9; P03 TaskSubscription"),
                "`tasks/resubscribe` to a completed task: either a JSON-RPC error (plain, or as the first event) or a stream of that task's terminal state (Task or final status-update, artifacts allowed) that the agent closes is accepted. Anything else (a stream left open; unreadable, foreign or non-terminal events; no answer at all) is reported as a warning: 0.3 does not say which of the two answers JSON-RPC gives (DIGEST [lenient]).",
                V03,
                step(streaming::resubscribe_completed),
            )
        },
    ]
}
