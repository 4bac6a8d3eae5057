//! A self-contained HTML report: no external assets, filterable by verdict and area, evidence
//! in expandable sections.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::report::counts_line;
use crate::report::markdown::status_text;
use crate::runner::{RunReport, ScenarioResult};

/// Escapes HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}\
td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}\
.v-pass{color:#176b2c}.v-fail,.v-xpass{color:#b00020;font-weight:bold}.v-warn{color:#9a6700}\
.v-error{color:#8250df;font-weight:bold}.v-skip,.v-na,.v-xfail{color:#666}pre{white-space:pre-wrap;background:#f6f8fa;padding:6px;max-height:30em;overflow:auto}\
details{margin:2px 0}";

const SCRIPT: &str = "function f(){var v=document.getElementById('fv').value,a=document.getElementById('fa').value;\
document.querySelectorAll('tbody tr').forEach(function(r){r.style.display=((v===''||r.dataset.verdict===v)&&(a===''||r.dataset.area===a))?'':'none';});}";

fn class(kind: &str) -> &'static str {
    match kind {
        "pass" => "v-pass",
        "fail" => "v-fail",
        "warn" => "v-warn",
        "error" => "v-error",
        "xfail" => "v-xfail",
        "xpass" => "v-xpass",
        "skip" => "v-skip",
        _ => "v-na",
    }
}

fn row(out: &mut dyn Write, r: &ScenarioResult) -> io::Result<()> {
    let s = &r.scenario;
    let kind = r.verdict.kind().as_str();
    writeln!(
        out,
        "<tr data-verdict=\"{kind}\" data-area=\"{}\"><td>{}</td><td>{}</td><td class=\"{}\">{kind}</td><td>{}<br><small>{}</small>",
        s.area.as_str(),
        escape(&match &r.target {
            Some(t) => format!("{} ({t})", s.id),
            None => s.id.to_owned(),
        }),
        s.level,
        class(kind),
        escape(s.title),
        escape(&s.spec.to_string())
    )?;
    if let Some(reason) = r.verdict.reason() {
        writeln!(out, "<div>{}</div>", escape(reason))?;
    }
    for f in &r.failures {
        writeln!(
            out,
            "<div class=\"{}\">{}</div>",
            class(kind),
            escape(&f.to_string())
        )?;
    }
    writeln!(
        out,
        "<details><summary>requirement</summary><p>{}</p></details>",
        escape(s.requirement)
    )?;
    for x in &r.exchanges {
        let status = x.response.as_ref().map_or_else(
            || x.error.clone().unwrap_or_default(),
            |resp| format!("HTTP {}", resp.status),
        );
        writeln!(
            out,
            "<details><summary>exchange {} — {} {} → {} ({} ms)</summary>",
            escape(&x.id),
            escape(&x.request.method),
            escape(&x.request.url),
            escape(&status),
            x.duration_ms
        )?;
        writeln!(out, "<pre>{}</pre>", escape(&x.curl))?;
        if let Some(resp) = &x.response {
            let headers = resp.headers.iter().fold(String::new(), |mut s, (n, v)| {
                let _ = writeln!(s, "{n}: {v}");
                s
            });
            writeln!(
                out,
                "<pre>{}\n{}</pre>",
                escape(&headers),
                escape(&resp.body)
            )?;
        }
        for e in &x.events {
            writeln!(out, "<pre>+{} ms data: {}</pre>", e.at_ms, escape(&e.data))?;
        }
        writeln!(out, "</details>")?;
    }
    for d in &r.deliveries {
        let headers = d.headers.iter().fold(String::new(), |mut s, (n, v)| {
            let _ = writeln!(s, "{n}: {v}");
            s
        });
        writeln!(
            out,
            "<details><summary>webhook delivery {} — {} (+{} ms)</summary><pre>{}\n{}</pre></details>",
            d.seq,
            escape(&d.request_line),
            d.at_ms,
            escape(&headers),
            escape(&d.body)
        )?;
    }
    writeln!(out, "</td></tr>")
}

/// Writes the page.
pub fn write(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>A2A conformance report</title><style>{STYLE}</style><script>{SCRIPT}</script></head><body>"
    )?;
    writeln!(out, "<h1>A2A conformance: {}</h1>", status_text(report))?;
    let targets = if report.targets.is_empty() {
        report.target.iter().collect::<Vec<_>>()
    } else {
        report.targets.iter().collect()
    };
    for t in targets {
        writeln!(
            out,
            "<p>A2A {} over {} at <code>{}</code></p>",
            t.version,
            t.binding,
            escape(&t.url)
        )?;
    }
    writeln!(
        out,
        "<p>Card: <code>{}</code></p><ul>",
        escape(&report.discovery.card_url)
    )?;
    for (level, counts) in &report.summary.by_level {
        writeln!(
            out,
            "<li><b>{level}</b>: {}</li>",
            escape(&counts_line(counts))
        )?;
    }
    writeln!(
        out,
        "<li><b>all</b>: {}</li></ul>",
        escape(&counts_line(&report.summary.all))
    )?;
    writeln!(
        out,
        "<p>Verdict <select id=\"fv\" onchange=\"f()\"><option value=\"\">all</option>{}</select> Area <select id=\"fa\" onchange=\"f()\"><option value=\"\">all</option>{}</select></p>",
        crate::verdict::VerdictKind::ALL
            .iter()
            .fold(String::new(), |mut s, k| {
                let _ = write!(s, "<option>{}</option>", escape(k.as_str()));
                s
            }),
        areas(report).iter().fold(String::new(), |mut s, a| {
            let _ = write!(s, "<option>{a}</option>");
            s
        })
    )?;
    for x in report
        .discovery_exchange
        .iter()
        .chain(&report.key_exchanges)
    {
        writeln!(
            out,
            "<details><summary>discovery exchange {}</summary><pre>{}</pre></details>",
            escape(&x.id),
            escape(&x.curl)
        )?;
    }
    writeln!(
        out,
        "<table><thead><tr><th>id</th><th>level</th><th>verdict</th><th>scenario</th></tr></thead><tbody>"
    )?;
    for r in &report.results {
        row(out, r)?;
    }
    writeln!(out, "</tbody></table></body></html>")
}

fn areas(report: &RunReport) -> Vec<&'static str> {
    let mut areas: Vec<&'static str> = report
        .results
        .iter()
        .map(|r| r.scenario.area.as_str())
        .collect();
    areas.sort_unstable();
    areas.dedup();
    areas
}
