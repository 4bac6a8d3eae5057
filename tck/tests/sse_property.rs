//! The SSE parser's fuzz property on seeds and on deterministic pseudo-random streams: parsing
//! never panics, and the events never depend on how the stream is chunked. The `tck_sse` fuzz
//! target's committed inputs (`fuzz/seeds/tck_sse/`, `fuzz/regressions/tck_sse/`) are replayed
//! here too, so `cargo test` on stable keeps every one of them passing.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use a2a_tck::fuzzing::sse_chunking_invariant;

const SEEDS: &[&[u8]] = &[
    b"",
    b"data: a\n\n",
    b"data: a\r\n\r\n",
    b"data: a\r\r",
    b"\xef\xbb\xbfdata: bom\n\n",
    b"event: e\nid: 1\ndata: x\ndata: y\n\n: comment\n\n",
    b"data\n\ndata:\n\ndata: \n\n",
    b"id: a\x00b\ndata: nul in id\n\n",
    b"retry: 10\nunknown: field\ndata: z\n\n",
    b"data: \xff\xfe\n\n",
    b"data: partial",
    b"\r\n\r\n\n\r",
];

#[test]
fn seeds_hold_the_chunking_property() {
    for seed in SEEDS {
        sse_chunking_invariant(seed);
    }
}

#[test]
fn random_streams_hold_the_chunking_property() {
    // xorshift64: deterministic, no dependency.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet: &[&[u8]] = &[
        b"data:", b" ", b"x", b"\n", b"\r", b"\r\n", b":", b"event:", b"id:", b"\xc3", b"\xa9",
        b"\xff",
    ];
    for _ in 0..2_000 {
        let len = usize::try_from(next() % 40).unwrap_or(0);
        let mut stream = Vec::new();
        for _ in 0..len {
            let pick = usize::try_from(next() % alphabet.len() as u64).unwrap_or(0);
            stream.extend_from_slice(alphabet[pick]);
        }
        sse_chunking_invariant(&stream);
    }
}

/// Replays every file of `fuzz/<kind>/tck_sse/`; returns how many there were.
fn replay(kind: &str) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz")
        .join(kind)
        .join("tck_sse");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    let failing: Vec<String> = files
        .iter()
        .filter(|file| {
            let data = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            catch_unwind(AssertUnwindSafe(|| sse_chunking_invariant(&data))).is_err()
        })
        .map(|file| file.display().to_string())
        .collect();
    assert!(failing.is_empty(), "fuzz inputs failing: {failing:?}");
    files.len()
}

#[test]
fn tck_sse_fuzz_seeds_and_regressions_hold() {
    assert!(replay("seeds") > 0, "no seeds in fuzz/seeds/tck_sse");
    replay("regressions");
}
