//! Reporters: each renders a [`RunReport`](crate::runner::RunReport) to a writer.

pub mod console;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;

use std::io::{self, Write};

use crate::runner::{Counts, RunReport};
use crate::verdict::VerdictKind;

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Every verdict and exchange, as JSON.
    Json,
    /// `JUnit` XML, one testcase per scenario.
    Junit,
    /// A self-contained HTML page.
    Html,
    /// A Markdown summary.
    Markdown,
}

impl Format {
    /// Parses `json`, `junit`, `html`, `md`/`markdown`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "json" => Some(Self::Json),
            "junit" | "xml" => Some(Self::Junit),
            "html" => Some(Self::Html),
            "md" | "markdown" => Some(Self::Markdown),
            _ => None,
        }
    }
}

/// Renders `report` in `format`.
pub fn write(format: Format, report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Json => json::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::Html => html::write(report, out),
        Format::Markdown => markdown::write(report, out),
    }
}

/// One line of counts with its denominators:
/// `7/9 passed (1 fail, 1 warn); 2 skipped, 1 n/a, 0 errors; 12 selected`.
pub fn counts_line(c: &Counts) -> String {
    let mut judged = Vec::new();
    for kind in [
        VerdictKind::Fail,
        VerdictKind::Warn,
        VerdictKind::Xfail,
        VerdictKind::Xpass,
    ] {
        let n = c.get(kind);
        if n > 0 {
            judged.push(format!("{n} {kind}"));
        }
    }
    let judged = if judged.is_empty() {
        String::new()
    } else {
        format!(" ({})", judged.join(", "))
    };
    format!(
        "{}/{} passed{judged}; {} skipped, {} n/a, {} error; {} selected",
        c.get(VerdictKind::Pass),
        c.exercised(),
        c.get(VerdictKind::Skip),
        c.get(VerdictKind::NotApplicable),
        c.get(VerdictKind::Error),
        c.total
    )
}
