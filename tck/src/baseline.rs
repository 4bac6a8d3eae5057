//! Baselines: accepted failures, by id or glob, each with a reason. An accepted failure is
//! XFAIL; an accepted scenario that now passes is XPASS and fails the run, so a baseline cannot
//! silently rot.

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::runner::{RunReport, ScenarioResult};
use crate::selection::glob_match;
use crate::verdict::{Verdict, VerdictKind};

/// One accepted failure.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    /// Scenario id or glob.
    pub id: String,
    /// Why it is accepted.
    pub reason: String,
}

/// A baseline file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Accepted failures.
    #[serde(default)]
    pub accepted: Vec<Accepted>,
}

/// Why a baseline was refused.
#[derive(Debug)]
pub struct BaselineError(pub String);

impl std::fmt::Display for BaselineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid baseline: {}", self.0)
    }
}

impl std::error::Error for BaselineError {}

impl Baseline {
    /// Parses baseline TOML.
    pub fn parse(text: &str) -> Result<Self, BaselineError> {
        let baseline: Self =
            toml::from_str(text).map_err(|e| BaselineError(e.message().to_owned()))?;
        if let Some(a) = baseline
            .accepted
            .iter()
            .find(|a| a.reason.trim().is_empty())
        {
            return Err(BaselineError(format!("entry `{}` has no reason", a.id)));
        }
        Ok(baseline)
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Self, BaselineError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| BaselineError(format!("cannot read {}: {e}", path.display())))?;
        Self::parse(&text)
    }

    /// The entry accepting `id`, if any.
    pub fn find(&self, id: &str) -> Option<&Accepted> {
        self.accepted.iter().find(|a| glob_match(&a.id, id))
    }

    /// Marks a result: fail/warn → xfail, pass → xpass, when the baseline lists it.
    pub fn apply(&self, result: &mut ScenarioResult) {
        let Some(entry) = self.find(result.scenario.id) else {
            return;
        };
        match result.verdict.kind() {
            VerdictKind::Fail | VerdictKind::Warn => {
                result.verdict = Verdict::Xfail(entry.reason.clone());
            }
            VerdictKind::Pass => {
                result.verdict = Verdict::Xpass(format!(
                    "accepted as failing (`{}`: {}) but now passes: remove it from the baseline",
                    entry.id, entry.reason
                ));
            }
            _ => {}
        }
    }

    /// A baseline accepting every failure and warning of a run (and keeping accepted ones).
    pub fn from_report(report: &RunReport) -> Self {
        let accepted = report
            .results
            .iter()
            .filter_map(|r| {
                let reason = match &r.verdict {
                    Verdict::Fail | Verdict::Warn => r
                        .failures
                        .first()
                        .map_or_else(|| "accepted failure".to_owned(), |f| f.message.clone()),
                    Verdict::Xfail(reason) => reason.clone(),
                    _ => return None,
                };
                Some(Accepted {
                    id: r.scenario.id.to_owned(),
                    reason,
                })
            })
            .fold(Vec::<Accepted>::new(), |mut all, a| {
                // One entry per id, however many interfaces it failed on.
                if !all.iter().any(|b| b.id == a.id) {
                    all.push(a);
                }
                all
            });
        Self { accepted }
    }

    /// The TOML text of the baseline.
    pub fn to_toml(&self) -> String {
        let mut out = String::from(
            "# a2a-tck baseline: accepted failures (XFAIL). An entry that passes again is XPASS\n# and fails the run: remove it then.\n",
        );
        for a in &self.accepted {
            let _ = write!(
                out,
                "\n[[accepted]]\nid = {}\nreason = {}\n",
                toml_string(&a.id),
                toml_string(&a.reason)
            );
        }
        out
    }
}

fn toml_string(s: &str) -> String {
    // A JSON string is a valid TOML basic string for every character JSON escapes.
    serde_json::Value::from(s).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_toml() {
        let b = Baseline {
            accepted: vec![Accepted {
                id: "CARD-1*".into(),
                reason: "signing \"later\"".into(),
            }],
        };
        assert_eq!(Baseline::parse(&b.to_toml()).unwrap(), b);
    }

    #[test]
    fn refuses_entries_without_reason_and_unknown_keys() {
        assert!(Baseline::parse("[[accepted]]\nid = \"X\"\nreason = \" \"\n").is_err());
        assert!(Baseline::parse("[[accepted]]\nid = \"X\"\nreason = \"r\"\nextra = 1\n").is_err());
    }

    #[test]
    fn finds_entries_by_glob() {
        let b =
            Baseline::parse("[[accepted]]\nid = \"SEC-INPUT-*\"\nreason = \"known\"\n").unwrap();
        assert!(b.find("SEC-INPUT-02").is_some());
        assert!(b.find("CARD-01").is_none());
    }
}
