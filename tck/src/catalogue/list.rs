//! List Tasks (A2A 1.0 §3.1.4, a2a.proto `ListTasksRequest` / `ListTasksResponse`; DIGEST §9,
//! §10.6). A2A 1.0 only, over JSON-RPC (`ListTasks`) and HTTP+JSON (`GET /tasks?…`).
//! Declarations only: the judgement is in `rules::list`. LIST-10 (another principal's tasks)
//! needs two principals and is declared with the isolation scenarios in `catalogue::auth`. Every scenario creates its own tasks
//! in a context of its own and filters on it, so tasks of scenarios running alongside never
//! interleave with what it judges.

use std::sync::Arc;

use crate::check::{Step, step};
use crate::rules::list as rules;
use crate::scenario::{Applies, Area, Family, Level, Need, Scenario, SpecRef};

const NEEDS: &[Need] = &[Need::Interface];
const V1: &[Family] = &[Family::V1_0];

fn scenario(
    id: &'static str,
    title: &'static str,
    section: &'static str,
    requirement: &'static str,
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
        area: Area::ListTasks,
        applies: Applies {
            versions: V1,
            bindings: &[],
            needs: NEEDS,
        },
        step,
    }
}

/// The List Tasks scenarios.
#[allow(clippy::too_many_lines)] // one declaration per scenario
pub fn scenarios() -> Vec<Scenario> {
    vec![
        // §3.1: the core operations every implementation "must support" (lower case), so
        // [lenient]: reported as a warning.
        Scenario {
            level: Level::Should,
            ..scenario(
                "LIST-01",
                "ListTasks is implemented",
                "§3.1, §3.1.4",
                "ListTasks is one of the core operations: it is not answered with -32601 (JSON-RPC), HTTP 404/405/501 or UNIMPLEMENTED (reported as a warning: the spec says \"must\" in lower case).",
                step(rules::implemented),
            )
        },
        // a2a.proto ListTasksResponse: tasks, next_page_token, page_size, total_size are
        // `field_behavior = REQUIRED`.
        scenario(
            "LIST-02",
            "a ListTasks response has tasks, nextPageToken, pageSize and totalSize",
            "§3.1.4, a2a.proto ListTasksResponse",
            "The response carries `tasks` (array), `nextPageToken` (string), `pageSize` and `totalSize` (integers), valid against the ListTasksResponse schema.",
            step(rules::response_members),
        ),
        // "The `nextPageToken` field MUST always be present in the response. When there are no
        // more results to retrieve (i.e., this is the final page), the field MUST be set to an
        // empty string ("")."
        scenario(
            "LIST-03",
            "nextPageToken is always present, \"\" on the last page",
            "§3.1.4",
            "Paging with pageSize 1 to the end: every page carries `nextPageToken`; the last page has `\"nextPageToken\": \"\"` (absent is a failure).",
            step(rules::last_page_token_empty),
        ),
        // "Implementations MUST return tasks sorted by their status timestamp time in
        // descending order (most recently updated tasks first)."
        scenario(
            "LIST-04",
            "tasks are listed newest status first",
            "§3.1.4",
            "Tasks are sorted by status timestamp, newest first: the timestamps never increase within a page or across pages.",
            step(rules::newest_first),
        ),
        // "When `includeArtifacts` is false (the default), the artifacts field MUST be omitted
        // entirely from each Task object in the response. The field should not be present as
        // an empty array or null value."
        scenario(
            "LIST-05",
            "without includeArtifacts, listed tasks have no artifacts member",
            "§3.1.4",
            "includeArtifacts false or absent → the `artifacts` member is omitted from every listed task (not `[]`, not null), even for a task that has artifacts.",
            step(rules::artifacts_omitted),
        ),
        // "When `includeArtifacts` is true, the artifacts field should be included with its
        // actual content"
        scenario(
            "LIST-06",
            "with includeArtifacts, listed tasks carry their artifacts",
            "§3.1.4",
            "includeArtifacts true → a task that has artifacts is listed with them (the same artifacts GetTask shows).",
            step(rules::artifacts_included),
        ),
        // "MUST use cursor-based pagination"
        scenario(
            "LIST-07",
            "pageSize and nextPageToken page through the set",
            "§3.1.4",
            "Cursor pagination: walking `nextPageToken` with pageSize 1 returns at most one task per page, no task twice, every task of the set, and `totalSize` equal to the set's size.",
            step(rules::cursor_pagination),
        ),
        // a2a.proto ListTasksRequest: context_id, status, status_timestamp_after ("greater than
        // or equal to").
        scenario(
            "LIST-08",
            "the contextId, status and statusTimestampAfter filters hold",
            "§3.1.4, a2a.proto ListTasksRequest",
            "Every listed task matches the filters (`contextId`; `status`; status timestamp >= `statusTimestampAfter`), and the matching tasks are listed.",
            step(rules::filters_hold),
        ),
        // a2a.proto ListTasksRequest.page_size: "If unspecified, at most 50 tasks will be
        // returned. The minimum value is 1. The maximum value is 100." ([lenient]: whether 101
        // is refused or clamped is not said.)
        Scenario {
            level: Level::Should,
            ..scenario(
                "LIST-09",
                "the page size defaults to at most 50 and never exceeds 100",
                "a2a.proto ListTasksRequest.page_size",
                "In a context of its own holding 101 tasks: no pageSize → at most 50 tasks (and a `pageSize` of at most 50); pageSize 101 → refused (-32602 / HTTP 400) or clamped to at most 100 (reported as a warning: DIGEST §10.6 [lenient]).",
                step(rules::page_size_bounds),
            )
        },
        // a2a.proto ListTasksRequest.history_length: "The maximum number of messages to
        // include in each task's history."
        scenario(
            "LIST-11",
            "historyLength 0 lists tasks without history",
            "§3.2.4, a2a.proto ListTasksRequest.history_length",
            "historyLength applies to each listed task: historyLength 0 → no task carries history messages.",
            step(rules::history_zero),
        ),
    ]
}
