//! Console output: a live progress bar (an [`Observer`]) and the closing summary.

use std::io::{self, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::report::counts_line;
use crate::report::markdown::status_text;
use crate::runner::{Observer, RunReport, ScenarioResult};
use crate::verdict::VerdictKind;

/// Shows progress on stderr (hidden when stderr is not a terminal).
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A progress bar on stderr.
    pub fn new() -> Self {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
            bar.set_style(style);
        }
        Self { bar }
    }
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}

impl Observer for Progress {
    fn started(&self, planned: usize) {
        self.bar.set_length(planned as u64);
    }

    fn finished(&self, result: &ScenarioResult) {
        self.bar.inc(1);
        self.bar
            .set_message(format!("{} {}", result.scenario.id, result.verdict.kind()));
        if self.bar.position() >= self.bar.length().unwrap_or(0) {
            self.bar.finish_and_clear();
        }
    }
}

fn paint(kind: VerdictKind, text: &str, color: bool) -> String {
    if !color {
        return text.to_owned();
    }
    let code = match kind {
        VerdictKind::Pass => "32",
        VerdictKind::Fail | VerdictKind::Xpass => "1;31",
        VerdictKind::Warn => "33",
        VerdictKind::Error => "1;35",
        _ => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// Writes one line per notable scenario and the summary with denominators per level.
pub fn write_summary(report: &RunReport, out: &mut dyn Write, color: bool) -> io::Result<()> {
    for r in &report.results {
        let kind = r.verdict.kind();
        if matches!(kind, VerdictKind::Pass | VerdictKind::NotApplicable) {
            continue;
        }
        let label = paint(kind, &format!("{:>5}", kind.as_str()), color);
        let on = r
            .target
            .as_deref()
            .map(|t| format!(" ({t})"))
            .unwrap_or_default();
        writeln!(
            out,
            "{label} {}{on} [{}] {}",
            r.scenario.id, r.scenario.level, r.scenario.title
        )?;
        if let Some(reason) = r.verdict.reason() {
            writeln!(out, "      {reason}")?;
        }
        let mut shown: Vec<&str> = Vec::new();
        for f in &r.failures {
            writeln!(out, "      - {f}")?;
            if let Some(x) = f.exchange.as_ref().and_then(|id| report.exchange(r, id)) {
                // One reproducer per exchange, however many findings it shows.
                if shown.contains(&x.id.as_str()) {
                    writeln!(out, "        (exchange {}, reproducer above)", x.id)?;
                } else {
                    shown.push(&x.id);
                    writeln!(out, "        reproduce: {}", x.curl)?;
                }
            }
        }
    }
    writeln!(out)?;
    for (level, counts) in &report.summary.by_level {
        writeln!(out, "{:<6} {}", level.as_str(), counts_line(counts))?;
    }
    writeln!(out, "{:<6} {}", "all", counts_line(&report.summary.all))?;
    if report.targets.len() > 1 {
        let on: Vec<String> = report
            .targets
            .iter()
            .map(|t| format!("A2A {} {}", t.version, t.binding))
            .collect();
        writeln!(
            out,
            "tested: {} (each counted per interface)",
            on.join(", ")
        )?;
    }
    for v in &report.untested_versions {
        writeln!(
            out,
            "note: the card also declares A2A {v}; run with --protocol {v} to test it"
        )?;
    }
    writeln!(out, "result: {}", status_text(report))
}
