//! Verdicts and the structured findings behind them.

use std::fmt;

use serde::Serialize;

use crate::scenario::Level;

/// What a check found wrong: expected against actual, where in the document, and which
/// recorded exchange showed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// What is wrong, in one line.
    pub message: String,
    /// What the requirement expects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What the endpoint did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// JSON pointer into the judged document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// Schema location (JSON pointer into the schema) for schema findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_location: Option<String>,
    /// Id of the recorded exchange that showed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exchange: Option<String>,
}

impl Failure {
    /// A finding with only a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            expected: None,
            actual: None,
            pointer: None,
            schema_location: None,
            exchange: None,
        }
    }

    /// Sets what was expected.
    #[must_use]
    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    /// Sets what was found.
    #[must_use]
    pub fn actual(mut self, actual: impl Into<String>) -> Self {
        self.actual = Some(actual.into());
        self
    }

    /// Sets the JSON pointer.
    #[must_use]
    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    /// Sets the schema location.
    #[must_use]
    pub fn schema_location(mut self, location: impl Into<String>) -> Self {
        self.schema_location = Some(location.into());
        self
    }

    /// Sets the exchange id unless one is set already.
    #[must_use]
    pub fn in_exchange(mut self, exchange: &str) -> Self {
        if self.exchange.is_none() {
            self.exchange = Some(exchange.to_owned());
        }
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(pointer) = &self.pointer {
            write!(f, " at {}", if pointer.is_empty() { "/" } else { pointer })?;
        }
        if let Some(expected) = &self.expected {
            write!(f, "; expected {expected}")?;
        }
        if let Some(actual) = &self.actual {
            write!(f, "; actual {actual}")?;
        }
        if let Some(location) = &self.schema_location {
            write!(f, " (schema {location})")?;
        }
        Ok(())
    }
}

/// What a check concluded, before the level and the baseline turn it into a [`Verdict`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The requirement holds.
    Pass,
    /// The requirement is violated.
    Fail(Vec<Failure>),
    /// A precondition is missing.
    Skip(String),
    /// The requirement does not concern this endpoint.
    NotApplicable(String),
}

impl Outcome {
    /// `Pass` when `failures` is empty, else `Fail`.
    pub fn from_failures(failures: Vec<Failure>) -> Self {
        if failures.is_empty() {
            Self::Pass
        } else {
            Self::Fail(failures)
        }
    }

    /// Combines two outcomes of one scenario: failures accumulate; a skip stops a pass.
    #[must_use]
    pub fn and(self, other: Self) -> Self {
        match (self, other) {
            (Self::Fail(mut a), Self::Fail(b)) => {
                a.extend(b);
                Self::Fail(a)
            }
            (Self::Fail(a), _) | (_, Self::Fail(a)) => Self::Fail(a),
            (Self::Skip(r), _) | (_, Self::Skip(r)) => Self::Skip(r),
            (Self::NotApplicable(r), _) | (_, Self::NotApplicable(r)) => Self::NotApplicable(r),
            (Self::Pass, Self::Pass) => Self::Pass,
        }
    }
}

/// The verdict of one scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", content = "reason", rename_all = "kebab-case")]
pub enum Verdict {
    /// The requirement holds.
    Pass,
    /// A MUST (or, under `--strict`, a SHOULD) is violated.
    Fail,
    /// A SHOULD or MAY is violated.
    Warn,
    /// A precondition is missing; never counts as a pass.
    Skip(String),
    /// The requirement does not concern this endpoint.
    NotApplicable(String),
    /// The harness could not judge: transport trouble, timeout, hostile response.
    Error(String),
    /// A violation the baseline accepts.
    Xfail(String),
    /// A baseline entry whose scenario now passes: the baseline is stale, and the run fails.
    Xpass(String),
}

impl Verdict {
    /// Turns an outcome into a verdict according to the level.
    pub fn from_outcome(outcome: &Outcome, level: Level, strict: bool) -> Self {
        match outcome {
            Outcome::Pass => Self::Pass,
            Outcome::Fail(_) => match level {
                Level::Must => Self::Fail,
                Level::Should if strict => Self::Fail,
                Level::Should | Level::May => Self::Warn,
            },
            Outcome::Skip(reason) => Self::Skip(reason.clone()),
            Outcome::NotApplicable(reason) => Self::NotApplicable(reason.clone()),
        }
    }

    /// The kind, as a short lower-case label.
    pub fn kind(&self) -> VerdictKind {
        match self {
            Self::Pass => VerdictKind::Pass,
            Self::Fail => VerdictKind::Fail,
            Self::Warn => VerdictKind::Warn,
            Self::Skip(_) => VerdictKind::Skip,
            Self::NotApplicable(_) => VerdictKind::NotApplicable,
            Self::Error(_) => VerdictKind::Error,
            Self::Xfail(_) => VerdictKind::Xfail,
            Self::Xpass(_) => VerdictKind::Xpass,
        }
    }

    /// The reason, if the verdict has one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Skip(r)
            | Self::NotApplicable(r)
            | Self::Error(r)
            | Self::Xfail(r)
            | Self::Xpass(r) => Some(r),
            Self::Pass | Self::Fail | Self::Warn => None,
        }
    }
}

/// The kind of a verdict, without its reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictKind {
    /// See [`Verdict::Pass`].
    Pass,
    /// See [`Verdict::Fail`].
    Fail,
    /// See [`Verdict::Warn`].
    Warn,
    /// See [`Verdict::Skip`].
    Skip,
    /// See [`Verdict::NotApplicable`].
    NotApplicable,
    /// See [`Verdict::Error`].
    Error,
    /// See [`Verdict::Xfail`].
    Xfail,
    /// See [`Verdict::Xpass`].
    Xpass,
}

impl VerdictKind {
    /// Every kind, in report order.
    pub const ALL: [Self; 8] = [
        Self::Pass,
        Self::Fail,
        Self::Warn,
        Self::Skip,
        Self::NotApplicable,
        Self::Error,
        Self::Xfail,
        Self::Xpass,
    ];

    /// The label used in every report.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Warn => "warn",
            Self::Skip => "skip",
            Self::NotApplicable => "n/a",
            Self::Error => "error",
            Self::Xfail => "xfail",
            Self::Xpass => "xpass",
        }
    }

    /// Whether the endpoint was actually exercised and judged.
    pub fn exercised(self) -> bool {
        matches!(
            self,
            Self::Pass | Self::Fail | Self::Warn | Self::Xfail | Self::Xpass
        )
    }
}

impl fmt::Display for VerdictKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_violation_warns_unless_strict() {
        let fail = Outcome::Fail(vec![Failure::new("x")]);
        assert_eq!(
            Verdict::from_outcome(&fail, Level::Should, false),
            Verdict::Warn
        );
        assert_eq!(
            Verdict::from_outcome(&fail, Level::Should, true),
            Verdict::Fail
        );
        assert_eq!(
            Verdict::from_outcome(&fail, Level::Must, false),
            Verdict::Fail
        );
    }

    #[test]
    fn failures_accumulate_and_skip_blocks_pass() {
        let a = Outcome::Fail(vec![Failure::new("a")]);
        let b = Outcome::Fail(vec![Failure::new("b")]);
        assert!(matches!(a.and(b), Outcome::Fail(f) if f.len() == 2));
        assert_eq!(
            Outcome::Pass.and(Outcome::Skip("no keys".into())),
            Outcome::Skip("no keys".into())
        );
    }

    #[test]
    fn skip_is_not_exercised() {
        assert!(!VerdictKind::Skip.exercised());
        assert!(VerdictKind::Pass.exercised());
    }

    #[test]
    fn failure_display_names_pointer_and_values() {
        let f = Failure::new("missing member")
            .at("/skills/0")
            .expected("`tags`")
            .actual("absent");
        assert_eq!(
            f.to_string(),
            "missing member at /skills/0; expected `tags`; actual absent"
        );
    }
}
