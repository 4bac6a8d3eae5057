//! `JUnit` XML: one testcase per scenario, failure messages that read well in a CI UI.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::runner::RunReport;
use crate::verdict::{Verdict, VerdictKind};

/// Escapes XML text and attribute values (and drops characters XML 1.0 forbids).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Writes the XML.
pub fn write(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let all = &report.summary.all;
    let failures = all.get(VerdictKind::Fail) + all.get(VerdictKind::Xpass);
    let errors = all.get(VerdictKind::Error);
    let skipped = all.get(VerdictKind::Skip)
        + all.get(VerdictKind::NotApplicable)
        + all.get(VerdictKind::Xfail);
    #[allow(clippy::cast_precision_loss)] // milliseconds to seconds for display
    let secs = |ms: u64| ms as f64 / 1000.0;
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="a2a-tck" tests="{}" failures="{failures}" errors="{errors}" skipped="{skipped}" time="{:.3}">"#,
        all.total,
        secs(report.duration_ms)
    )?;
    writeln!(
        out,
        r#"  <testsuite name="a2a-tck" tests="{}" failures="{failures}" errors="{errors}" skipped="{skipped}" time="{:.3}">"#,
        all.total,
        secs(report.duration_ms)
    )?;
    for r in &report.results {
        let s = &r.scenario;
        write!(
            out,
            r#"    <testcase classname="a2a-tck.{}" name="{}" time="{:.3}""#,
            s.area.as_str(),
            escape(&format!(
                "{}{} [{}] {}",
                s.id,
                r.target
                    .as_deref()
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default(),
                s.level,
                s.title
            )),
            secs(r.duration_ms)
        )?;
        let details = || {
            let mut text = format!("{} ({})\n", s.requirement, s.spec);
            let mut shown: Vec<&str> = Vec::new();
            for f in &r.failures {
                let _ = write!(text, "- {f}");
                if let Some(x) = &f.exchange {
                    if shown.contains(&x.as_str()) {
                        let _ = write!(text, " [exchange {x}]");
                    } else if let Some(exchange) = report.exchange(r, x) {
                        shown.push(x);
                        let _ = write!(text, "\n  reproduce: {}", exchange.curl);
                    } else {
                        let _ = write!(text, " [exchange {x}]");
                    }
                }
                text.push('\n');
            }
            text
        };
        let first = r
            .failures
            .first()
            .map(ToString::to_string)
            .unwrap_or_default();
        match &r.verdict {
            Verdict::Pass => writeln!(out, " />")?,
            Verdict::Fail => writeln!(
                out,
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                escape(&first),
                s.level,
                escape(&details())
            )?,
            Verdict::Xpass(reason) => writeln!(
                out,
                ">\n      <failure message=\"{}\" type=\"xpass\" />\n    </testcase>",
                escape(reason)
            )?,
            Verdict::Error(reason) => writeln!(
                out,
                ">\n      <error message=\"{}\" type=\"harness\" />\n    </testcase>",
                escape(reason)
            )?,
            Verdict::Warn => writeln!(
                out,
                ">\n      <system-out>{}</system-out>\n    </testcase>",
                escape(&format!("WARNING ({} violated): {}", s.level, details()))
            )?,
            Verdict::Skip(reason) | Verdict::NotApplicable(reason) | Verdict::Xfail(reason) => {
                writeln!(
                    out,
                    ">\n      <skipped message=\"{}\" />\n    </testcase>",
                    escape(&format!("{}: {reason}", r.verdict.kind()))
                )?;
            }
        }
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
