//! Prints the median of every benchmark criterion has recorded, grouped, with each median's
//! ratio to the first benchmark of its group (always the `a2a-security` one), as Markdown rows.
//!
//! `cargo run -p a2a-benches --bin medians [target/criterion]`

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn main() -> Result<(), String> {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/criterion".to_owned()),
    );
    for group in sorted_dirs(&root)? {
        let mut rows = Vec::new();
        for bench in sorted_dirs(&group)? {
            let Ok(text) = fs::read_to_string(bench.join("new/benchmark.json")) else {
                continue;
            };
            let info: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
            let estimates = fs::read_to_string(bench.join("new/estimates.json"))
                .map_err(|e| format!("{}: {e}", bench.display()))?;
            let estimates: Value = serde_json::from_str(&estimates).map_err(|e| e.to_string())?;
            let median = estimates["median"]["point_estimate"]
                .as_f64()
                .ok_or("no median")?;
            let name = info["function_id"].as_str().unwrap_or("?").to_owned();
            let title = info["group_id"].as_str().unwrap_or("?").to_owned();
            rows.push((title, name, median));
        }
        // The a2a-security benchmark first, then the baselines in name order.
        rows.sort_by_key(|(_, name, _)| (!name.starts_with("a2a-security"), name.clone()));
        let Some(reference) = rows.first().map(|row| row.2) else {
            continue;
        };
        for (title, name, median) in &rows {
            println!(
                "| {title} | {name} | {} | {:.3} |",
                human(*median),
                median / reference
            );
        }
    }
    Ok(())
}

fn sorted_dirs(path: &Path) -> Result<Vec<PathBuf>, String> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "report"))
        .collect();
    dirs.sort();
    Ok(dirs)
}

fn human(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.3} µs", ns / 1_000.0)
    } else {
        format!("{ns:.1} ns")
    }
}
