//! The task state machine, as far as the spec makes it normative (DIGEST §3): terminal states
//! are final, a task never goes back to `submitted`, and every state is spelled as its version
//! spells it. Any observed sequence of states (a stream, successive responses) is judged here.

use crate::scenario::Family;
use crate::verdict::Failure;

/// A task state, independent of its spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Created, not yet worked on.
    Submitted,
    /// Being worked on.
    Working,
    /// Waiting for the client's next message (interrupted).
    InputRequired,
    /// Waiting for credentials (interrupted).
    AuthRequired,
    /// Terminal: done.
    Completed,
    /// Terminal: failed.
    Failed,
    /// Terminal: canceled.
    Canceled,
    /// Terminal: refused.
    Rejected,
}

impl State {
    /// The state named `text` in `family`'s spelling (1.0 `TASK_STATE_*`, 0.3 lower-case);
    /// `None` for anything else, including the other version's spelling.
    pub fn parse(family: Family, text: &str) -> Option<Self> {
        let name = match family {
            Family::V1_0 => text.strip_prefix("TASK_STATE_")?,
            Family::V0_3 => text,
        };
        Some(match (family, name) {
            (Family::V1_0, "SUBMITTED") | (Family::V0_3, "submitted") => Self::Submitted,
            (Family::V1_0, "WORKING") | (Family::V0_3, "working") => Self::Working,
            (Family::V1_0, "INPUT_REQUIRED") | (Family::V0_3, "input-required") => {
                Self::InputRequired
            }
            (Family::V1_0, "AUTH_REQUIRED") | (Family::V0_3, "auth-required") => Self::AuthRequired,
            (Family::V1_0, "COMPLETED") | (Family::V0_3, "completed") => Self::Completed,
            (Family::V1_0, "FAILED") | (Family::V0_3, "failed") => Self::Failed,
            (Family::V1_0, "CANCELED") | (Family::V0_3, "canceled") => Self::Canceled,
            (Family::V1_0, "REJECTED") | (Family::V0_3, "rejected") => Self::Rejected,
            _ => return None,
        })
    }

    /// Completed, failed, canceled or rejected.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Failed | Self::Canceled | Self::Rejected
        )
    }

    /// Input-required or auth-required.
    pub fn is_interrupted(self) -> bool {
        matches!(self, Self::InputRequired | Self::AuthRequired)
    }

    /// The 1.0 spelling (used in findings).
    pub fn name(self) -> &'static str {
        match self {
            Self::Submitted => "SUBMITTED",
            Self::Working => "WORKING",
            Self::InputRequired => "INPUT_REQUIRED",
            Self::AuthRequired => "AUTH_REQUIRED",
            Self::Completed => "COMPLETED",
            Self::Failed => "FAILED",
            Self::Canceled => "CANCELED",
            Self::Rejected => "REJECTED",
        }
    }
}

/// One observed state: its wire text, where it was seen, and in which exchange.
#[derive(Debug, Clone)]
pub struct Observation {
    /// The state as sent.
    pub text: String,
    /// Where: a JSON pointer, prefixed by the event index for streams.
    pub pointer: String,
    /// The recorded exchange.
    pub exchange: String,
}

/// Judges a sequence of observed states: each is a state of the version, nothing follows a
/// terminal state except the same terminal state again (a final snapshot, A2A 1.0 §11.7), and
/// nothing goes back to `submitted`.
pub fn judge(family: Family, observed: &[Observation]) -> Vec<Failure> {
    let mut failures = Vec::new();
    let mut previous: Option<State> = None;
    for o in observed {
        let Some(state) = State::parse(family, &o.text) else {
            failures.push(
                Failure::new("not a task state of this protocol version")
                    .expected(match family {
                        Family::V1_0 => "TASK_STATE_* (not UNSPECIFIED)",
                        Family::V0_3 => "submitted, working, input-required, auth-required, completed, failed, canceled or rejected",
                    })
                    .actual(format!("{:?}", o.text))
                    .at(&o.pointer)
                    .in_exchange(&o.exchange),
            );
            continue;
        };
        if let Some(before) = previous {
            let illegal = (before.is_terminal() && state != before)
                || (state == State::Submitted && before != State::Submitted);
            if illegal {
                failures.push(
                    Failure::new(format!(
                        "illegal transition {} → {}",
                        before.name(),
                        state.name()
                    ))
                    .expected(if before.is_terminal() {
                        "nothing after a terminal state (it is final)"
                    } else {
                        "no return to SUBMITTED"
                    })
                    .actual(state.name())
                    .at(&o.pointer)
                    .in_exchange(&o.exchange),
                );
            }
        }
        previous = Some(state);
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(states: &[&str]) -> Vec<Observation> {
        states
            .iter()
            .enumerate()
            .map(|(i, s)| Observation {
                text: (*s).to_owned(),
                pointer: format!("/{i}"),
                exchange: "x1".into(),
            })
            .collect()
    }

    #[test]
    fn accepts_forward_sequences_and_a_repeated_terminal_snapshot() {
        let ok = seq(&[
            "TASK_STATE_SUBMITTED",
            "TASK_STATE_WORKING",
            "TASK_STATE_INPUT_REQUIRED",
            "TASK_STATE_WORKING",
            "TASK_STATE_COMPLETED",
            "TASK_STATE_COMPLETED",
        ]);
        assert!(judge(Family::V1_0, &ok).is_empty());
        assert!(judge(Family::V0_3, &seq(&["working", "failed"])).is_empty());
    }

    #[test]
    fn rejects_leaving_a_terminal_state_and_other_spellings() {
        let f = judge(
            Family::V1_0,
            &seq(&["TASK_STATE_COMPLETED", "TASK_STATE_WORKING"]),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].pointer.as_deref(), Some("/1"));
        assert_eq!(judge(Family::V1_0, &seq(&["completed"])).len(), 1);
        assert_eq!(judge(Family::V0_3, &seq(&["TASK_STATE_WORKING"])).len(), 1);
        assert_eq!(
            judge(Family::V0_3, &seq(&["working", "submitted"])).len(),
            1
        );
        assert_eq!(
            judge(Family::V1_0, &seq(&["TASK_STATE_UNSPECIFIED"])).len(),
            1
        );
    }
}
