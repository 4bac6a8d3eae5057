//! Scripted behaviours: what the agent does with a message, chosen by the message's `messageId`
//! prefix (the official A2A TCK's convention, `shared/TCK-SUT-CONTRACT.md`) or else by the first
//! keyword in its text. `agent/README.md` has the table.

use std::time::Duration;

use serde_json::json;

use crate::config::BehaviourConfig;
use crate::task::{Artifact, Message, Part, PartContent, TaskState};

/// One step of a task script.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Move to a state, with an optional agent message (text).
    Status(TaskState, Option<String>),
    /// Emit an artifact, or a chunk of one.
    Artifact {
        artifact: Artifact,
        append: bool,
        last_chunk: bool,
    },
    /// Wait (the task stays cancelable meanwhile).
    Sleep(Duration),
}

/// What the agent does with a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Answer with a Message and create no task.
    Reply(Vec<Part>),
    /// Create (or continue) a task and run these steps on it.
    Script(Vec<Step>),
}

fn artifact(id: &str, name: &str, parts: Vec<Part>) -> Artifact {
    Artifact {
        artifact_id: id.to_owned(),
        name: Some(name.to_owned()),
        description: None,
        parts,
        metadata: None,
        extensions: Vec::new(),
    }
}

fn emit(artifact: Artifact) -> Step {
    Step::Artifact {
        artifact,
        append: false,
        last_chunk: true,
    }
}

fn file_part(content: PartContent) -> Part {
    Part {
        content,
        metadata: None,
        filename: Some("output.txt".into()),
        media_type: Some("text/plain".into()),
    }
}

/// The prefixes of the official TCK's scripted agent, longest first so that
/// `tck-artifact-file-url` is not read as `tck-artifact-file`.
const TCK_PREFIXES: &[&str] = &[
    "tck-stream-artifact-chunked",
    "test-resubscribe-message-id",
    "tck-stream-artifact-text",
    "tck-stream-artifact-file",
    "tck-stream-ordering-001",
    "tck-artifact-file-url",
    "tck-message-response",
    "tck-input-required",
    "tck-complete-task",
    "tck-artifact-text",
    "tck-artifact-file",
    "tck-artifact-data",
    "tck-reject-task",
    "tck-stream-001",
    "tck-stream-002",
    "tck-stream-003",
];

fn by_prefix(prefix: &str, cfg: &BehaviourConfig) -> Plan {
    use Step::Status;
    let working = || Status(TaskState::Working, None);
    let done = || Status(TaskState::Completed, None);
    let text_artifact = || {
        emit(artifact(
            "artifact-1",
            "text",
            vec![Part::text("Hello from TCK")],
        ))
    };
    let steps = match prefix {
        "tck-complete-task" => vec![
            working(),
            Status(TaskState::Completed, Some("Hello from TCK".into())),
        ],
        "tck-artifact-file" | "tck-stream-artifact-file" => vec![
            working(),
            emit(artifact(
                "artifact-1",
                "file",
                vec![file_part(PartContent::Raw(b"Hello from TCK".to_vec()))],
            )),
            done(),
        ],
        "tck-artifact-file-url" => vec![
            working(),
            emit(artifact(
                "artifact-1",
                "file",
                vec![file_part(PartContent::Url(
                    "https://example.com/output.txt".into(),
                ))],
            )),
            done(),
        ],
        "tck-artifact-data" => vec![
            working(),
            emit(artifact(
                "artifact-1",
                "data",
                vec![Part {
                    content: PartContent::Data(json!({"key": "value", "count": 42})),
                    metadata: None,
                    filename: None,
                    media_type: Some("application/json".into()),
                }],
            )),
            done(),
        ],
        "tck-message-response" => return Plan::Reply(vec![Part::text("Direct message response")]),
        "tck-input-required" => vec![Status(
            TaskState::InputRequired,
            Some("Input required: reply on this task to continue.".into()),
        )],
        "tck-reject-task" => vec![Status(TaskState::Rejected, Some("Task rejected.".into()))],
        "tck-stream-002" => vec![done()],
        "tck-stream-artifact-chunked" => vec![
            working(),
            Step::Artifact {
                artifact: artifact("artifact-1", "chunked", vec![Part::text("chunk-1 ")]),
                append: false,
                last_chunk: false,
            },
            Step::Artifact {
                artifact: artifact("artifact-1", "chunked", vec![Part::text("chunk-2")]),
                append: true,
                last_chunk: true,
            },
            done(),
        ],
        "test-resubscribe-message-id" => vec![
            working(),
            Step::Sleep(Duration::from_millis(cfg.resubscribe_wait_ms)),
            done(),
        ],
        // tck-artifact-text, tck-stream-001, -003, -ordering-001 and -artifact-text.
        _ => vec![working(), text_artifact(), done()],
    };
    Plan::Script(steps)
}

/// The keywords recognised in message text, in the README's order.
pub const KEYWORDS: &[&str] = &[
    "complete", "ask", "auth", "slow", "chunks", "fail", "reject", "message",
];

/// The card skill a message uses: `echo` for plain text (no keyword, or `complete`), `scripted`
/// for every keyword and TCK prefix. Scopes (`auth.skill_scopes`) are required per skill.
pub fn skill(message: &Message) -> &'static str {
    if TCK_PREFIXES
        .iter()
        .any(|p| message.message_id.starts_with(*p))
    {
        return "scripted";
    }
    let lower = message.text().to_lowercase();
    let keyword = lower
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| KEYWORDS.contains(w));
    match keyword {
        None | Some("complete") => "echo",
        Some(_) => "scripted",
    }
}

/// Chooses what to do with `message`. `continuing` is true for a message to an existing task
/// (which never gets a bare Message reply).
pub fn plan(message: &Message, continuing: bool, cfg: &BehaviourConfig) -> Plan {
    use Step::Status;
    if let Some(prefix) = TCK_PREFIXES
        .iter()
        .find(|p| message.message_id.starts_with(**p))
    {
        let plan = by_prefix(prefix, cfg);
        if !(continuing && matches!(plan, Plan::Reply(_))) {
            return plan;
        }
    }
    let text = message.text();
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let keyword = words
        .iter()
        .enumerate()
        .find(|(_, w)| KEYWORDS.contains(w))
        .map(|(i, w)| (i, *w));
    let steps = match keyword {
        Some((_, "ask")) => vec![Status(
            TaskState::InputRequired,
            Some("What should I do next? Reply on this task to continue.".into()),
        )],
        Some((_, "auth")) => vec![Status(
            TaskState::AuthRequired,
            Some(
                "This task needs authorization before it can go on: authorize out of band, then \
                 reply on this task to continue."
                    .into(),
            ),
        )],
        Some((i, "slow")) => {
            let n = words
                .get(i + 1)
                .and_then(|w| w.parse::<u64>().ok())
                .unwrap_or(5)
                .min(cfg.slow_max_steps);
            let mut steps = vec![Status(
                TaskState::Working,
                Some(format!("Working: {n} steps to go.")),
            )];
            for k in 1..=n {
                steps.push(Step::Sleep(Duration::from_millis(cfg.slow_step_ms)));
                steps.push(Status(
                    TaskState::Working,
                    Some(format!("Step {k} of {n} done.")),
                ));
            }
            steps.push(emit(artifact(
                "result",
                "result",
                vec![Part::text(format!("Finished {n} steps."))],
            )));
            steps.push(Status(TaskState::Completed, None));
            steps
        }
        Some((_, "chunks")) => {
            let chunks = ["The quick ", "brown fox ", "jumps over ", "the lazy dog."];
            let mut steps = vec![Status(TaskState::Working, None)];
            for (k, c) in chunks.iter().enumerate() {
                steps.push(Step::Artifact {
                    artifact: artifact("chunked", "chunked", vec![Part::text(*c)]),
                    append: k > 0,
                    last_chunk: k + 1 == chunks.len(),
                });
            }
            steps.push(Status(TaskState::Completed, None));
            steps
        }
        Some((_, "fail")) => vec![
            Status(TaskState::Working, None),
            Status(
                TaskState::Failed,
                Some("Failed, as the message asked.".into()),
            ),
        ],
        Some((_, "reject")) => vec![Status(
            TaskState::Rejected,
            Some("Rejected, as the message asked.".into()),
        )],
        Some((_, "message")) if !continuing => {
            return Plan::Reply(vec![Part::text(format!("You said: {text}"))]);
        }
        // "complete", "message" on an existing task, and no keyword at all.
        _ => vec![
            Status(TaskState::Working, None),
            emit(artifact(
                "result",
                "result",
                vec![Part::text(format!("You said: {text}"))],
            )),
            Status(TaskState::Completed, Some("Done.".into())),
        ],
    };
    Plan::Script(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::Role;

    fn msg(id: &str, text: &str) -> Message {
        Message {
            message_id: id.into(),
            context_id: None,
            task_id: None,
            role: Role::User,
            parts: vec![Part::text(text)],
            metadata: None,
            extensions: Vec::new(),
            reference_task_ids: Vec::new(),
        }
    }

    fn last_state(plan: &Plan) -> Option<TaskState> {
        match plan {
            Plan::Reply(_) => None,
            Plan::Script(steps) => steps.iter().rev().find_map(|s| match s {
                Step::Status(st, _) => Some(*st),
                _ => None,
            }),
        }
    }

    #[test]
    fn chooses_by_first_keyword() {
        let cfg = BehaviourConfig::default();
        let p = |t| plan(&msg("m", t), false, &cfg);
        assert_eq!(last_state(&p("hello")), Some(TaskState::Completed));
        assert_eq!(
            last_state(&p("Please FAIL, then reject")),
            Some(TaskState::Failed)
        );
        assert_eq!(last_state(&p("ask me")), Some(TaskState::InputRequired));
        assert_eq!(last_state(&p("auth")), Some(TaskState::AuthRequired));
        assert_eq!(last_state(&p("reject")), Some(TaskState::Rejected));
        assert_eq!(last_state(&p("a message please")), None);
        assert!(matches!(
            plan(&msg("m", "message"), true, &cfg),
            Plan::Script(_)
        ));
    }

    #[test]
    fn slow_takes_a_step_count() {
        let cfg = BehaviourConfig::default();
        let Plan::Script(steps) = plan(&msg("m", "slow 3"), false, &cfg) else {
            panic!("a task")
        };
        assert_eq!(
            steps.iter().filter(|s| matches!(s, Step::Sleep(_))).count(),
            3
        );
    }

    #[test]
    fn chooses_by_tck_prefix_longest_first() {
        let cfg = BehaviourConfig::default();
        let Plan::Script(steps) = plan(&msg("tck-artifact-file-url-1", "x"), false, &cfg) else {
            panic!("a task")
        };
        assert!(
            steps
                .iter()
                .any(|s| matches!(s, Step::Artifact { artifact, .. }
            if matches!(artifact.parts[0].content, PartContent::Url(_))))
        );
        assert!(matches!(
            plan(&msg("tck-message-response-9", "x"), false, &cfg),
            Plan::Reply(_)
        ));
    }
}
