//! The Markdown summary (for CI step summaries).

use std::io::{self, Write};

use crate::report::counts_line;
use crate::runner::RunReport;
use crate::verdict::VerdictKind;

/// Escapes table-breaking characters.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Writes the summary.
pub fn write(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# A2A conformance: {}", status_text(report))?;
    writeln!(out)?;
    match &report.target {
        Some(_) if report.targets.len() > 1 => {
            for t in &report.targets {
                writeln!(
                    out,
                    "Target: A2A {} over {} at `{}`  ",
                    t.version, t.binding, t.url
                )?;
            }
        }
        Some(t) => writeln!(
            out,
            "Target: A2A {} over {} at `{}`",
            t.version, t.binding, t.url
        )?,
        None => writeln!(
            out,
            "Target: none selected ({})",
            report.target_problem.as_deref().unwrap_or("unknown")
        )?,
    }
    writeln!(out, "Card: `{}`", report.discovery.card_url)?;
    for v in &report.untested_versions {
        writeln!(
            out,
            "\nThe card also declares A2A {v}, not tested by this run (`--protocol {v}`)."
        )?;
    }
    writeln!(out)?;
    writeln!(out, "| level | result |")?;
    writeln!(out, "| --- | --- |")?;
    for (level, counts) in &report.summary.by_level {
        writeln!(out, "| {level} | {} |", counts_line(counts))?;
    }
    writeln!(out, "| all | {} |", counts_line(&report.summary.all))?;
    let notable: Vec<_> = report
        .results
        .iter()
        .filter(|r| {
            matches!(
                r.verdict.kind(),
                VerdictKind::Fail | VerdictKind::Warn | VerdictKind::Error | VerdictKind::Xpass
            )
        })
        .collect();
    if !notable.is_empty() {
        writeln!(out)?;
        writeln!(out, "## Findings")?;
        writeln!(out)?;
        writeln!(out, "| id | level | verdict | finding |")?;
        writeln!(out, "| --- | --- | --- | --- |")?;
        for r in notable {
            let finding = r
                .failures
                .first()
                .map(ToString::to_string)
                .or_else(|| r.verdict.reason().map(str::to_owned))
                .unwrap_or_default();
            let on = r
                .target
                .as_deref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default();
            writeln!(
                out,
                "| {}{on} | {} | {} | {} |",
                r.scenario.id,
                r.scenario.level,
                r.verdict.kind(),
                cell(&finding)
            )?;
        }
    }
    Ok(())
}

/// The run status in words.
pub fn status_text(report: &RunReport) -> &'static str {
    match report.status {
        crate::runner::RunStatus::Conformant => "conformant",
        crate::runner::RunStatus::NonConformant => "NOT conformant",
        crate::runner::RunStatus::NothingExercised => "nothing exercised",
        crate::runner::RunStatus::Unreachable => "endpoint unreachable",
        crate::runner::RunStatus::HarnessError => "incomplete (harness errors)",
    }
}
