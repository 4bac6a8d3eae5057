//! Replays the committed seeds (and regressions) of the `agent_http` fuzz target as an ordinary
//! test, so `cargo test` on stable keeps every one of them passing.

use std::path::Path;

fn replay(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    for file in &files {
        let data = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let outcome = std::panic::catch_unwind(|| a2a_reference_agent::fuzzing::agent_http(&data));
        assert!(outcome.is_ok(), "{} violates a property", file.display());
    }
    files.len()
}

#[test]
fn agent_http_seeds_hold() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let seeds = replay(&fuzz.join("seeds/agent_http"));
    replay(&fuzz.join("regressions/agent_http"));
    assert!(seeds > 0, "no seeds in fuzz/seeds/agent_http");
}
