//! RFC 8785 against the test data of its reference implementation
//! (cyberphone/json-canonicalization, Apache-2.0), read in place from
//! `../shared/upstream-vectors/jcs-cyberphone/testdata` next to the workspace and never copied
//! into this repository. Without that directory this harness prints a note and runs nothing.
//!
//! Trials (filter with `cargo test -p a2a-security --test jcs_cyberphone -- <name>`):
//!
//! - `cyberphone/<name>`: `input/<name>.json` canonicalizes to exactly `output/<name>.json`,
//!   which is also what `outhex/<name>.txt` spells in hex, and which canonicalizes to itself.
//! - `es6-numbers/first-<n>-lines`: the first `n` lines of the upstream number test file
//!   (`es6testfile100m.txt`, lines `<hex bits>,<expected>`) are regenerated with the generator
//!   that `testdata/README.md` describes, our serializer writing the expected column, and hashed;
//!   the SHA-256 must equal the one the README publishes. The generator's fixed values are read
//!   from the README too. Runs up to 1,000,000 lines are on by default; longer ones are ignored
//!   (`-- --ignored` runs them).

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::ExitCode;

use a2a_security::jcs;
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Longest `es6-numbers` run included by default.
const DEFAULT_MAX_LINES: u64 = 1_000_000;

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/upstream-vectors/jcs-cyberphone/testdata");
    if !dir.is_dir() {
        eprintln!(
            "note: {} is absent; skipping the cyberphone JCS vectors",
            dir.display()
        );
        return libtest_mimic::run(&args, Vec::new()).exit_code();
    }
    let trials = match file_trials(&dir).and_then(|mut trials| {
        trials.extend(number_trials(&dir)?);
        Ok(trials)
    }) {
        Ok(trials) => trials,
        Err(message) => {
            eprintln!("cannot read the cyberphone vectors: {message}");
            return ExitCode::FAILURE;
        }
    };
    libtest_mimic::run(&args, trials).exit_code()
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn file_trials(dir: &Path) -> Result<Vec<Trial>, String> {
    let inputs = dir.join("input");
    let mut names: Vec<String> = fs::read_dir(&inputs)
        .map_err(|e| format!("{}: {e}", inputs.display()))?
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            Some(name.strip_suffix(".json")?.to_owned())
        })
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(format!("no input/*.json in {}", dir.display()));
    }
    Ok(names
        .into_iter()
        .map(|name| {
            let dir = dir.to_owned();
            Trial::test(format!("cyberphone/{name}"), move || {
                check_file(&dir, &name)
            })
        })
        .collect())
}

fn check_file(dir: &Path, name: &str) -> Result<(), Failed> {
    let input = read(&dir.join("input").join(format!("{name}.json")))?;
    let expected = read(&dir.join("output").join(format!("{name}.json")))?;
    let actual = jcs::canonicalize(&input).map_err(|e| format!("rejected: {e}"))?;
    if actual != expected {
        return Err(format!(
            "output differs\n  expected: {}\n    actual: {}",
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(&actual)
        )
        .into());
    }
    let hex = read(&dir.join("outhex").join(format!("{name}.txt")))?;
    if decode_hex(&hex)? != expected {
        return Err("outhex and output disagree".into());
    }
    let again = jcs::canonicalize(&actual).map_err(|e| format!("output rejected: {e}"))?;
    if again != actual {
        return Err("canonical output does not canonicalize to itself".into());
    }
    Ok(())
}

/// Whitespace-separated pairs of hex digits.
fn decode_hex(text: &[u8]) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(text).map_err(|e| e.to_string())?;
    text.split_ascii_whitespace()
        .map(|pair| u8::from_str_radix(pair, 16).map_err(|e| format!("{pair:?}: {e}")))
        .collect()
}

/// One row of the README's table: a hash of the first `lines` lines, and their size.
struct PublishedHash {
    sha256: String,
    lines: u64,
    bytes: u64,
}

fn number_trials(dir: &Path) -> Result<Vec<Trial>, String> {
    let readme_path = dir.join("README.md");
    let readme = String::from_utf8(read(&readme_path)?).map_err(|e| e.to_string())?;
    let statics = static_values(&readme)
        .ok_or_else(|| format!("no staticU64s list in {}", readme_path.display()))?;
    let hashes = published_hashes(&readme);
    if hashes.is_empty() {
        return Err(format!("no checksum table in {}", readme_path.display()));
    }
    Ok(hashes
        .into_iter()
        .map(|published| {
            let statics = statics.clone();
            let ignored = published.lines > DEFAULT_MAX_LINES;
            Trial::test(
                format!("es6-numbers/first-{}-lines", published.lines),
                move || check_numbers(&statics, &published),
            )
            .with_ignored_flag(ignored)
        })
        .collect())
}

/// The `0x…n` literals of `staticU64s = new BigUint64Array([ … ])`.
fn static_values(readme: &str) -> Option<Vec<u64>> {
    let (_, rest) = readme.split_once("staticU64s = new BigUint64Array([")?;
    let (list, _) = rest.split_once("])")?;
    list.split(',')
        .map(str::trim)
        .filter(|literal| !literal.is_empty())
        .map(|literal| {
            let hex = literal.strip_prefix("0x")?.strip_suffix('n')?;
            u64::from_str_radix(hex, 16).ok()
        })
        .collect()
}

/// Rows `| <sha-256> | <lines> | <bytes> |` of the checksum table.
fn published_hashes(readme: &str) -> Vec<PublishedHash> {
    readme
        .lines()
        .filter_map(|line| {
            let mut cells = line.split('|').map(str::trim).filter(|c| !c.is_empty());
            let sha256 = cells.next()?;
            if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            Some(PublishedHash {
                sha256: sha256.to_ascii_lowercase(),
                lines: cells.next()?.parse().ok()?,
                bytes: cells.next()?.parse().ok()?,
            })
        })
        .collect()
}

fn check_numbers(statics: &[u64], published: &PublishedHash) -> Result<(), Failed> {
    let mut hasher = Sha256::new();
    let mut bytes = 0_u64;
    let mut line = String::new();
    let mut canonical = Vec::new();
    for bits in Es6Numbers::new(statics).take(usize::try_from(published.lines)?) {
        canonical.clear();
        jcs::canonicalize_value_into(&Value::from(f64::from_bits(bits)), &mut canonical);
        line.clear();
        write!(line, "{bits:x},")?;
        line.push_str(std::str::from_utf8(&canonical)?);
        line.push('\n');
        hasher.update(line.as_bytes());
        bytes += u64::try_from(line.len())?;
    }
    let digest = hasher.finalize().iter().fold(String::new(), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    });
    if bytes != published.bytes || digest != published.sha256 {
        return Err(format!(
            "expected {} bytes with sha-256 {}, generated {bytes} bytes with sha-256 {digest}",
            published.bytes, published.sha256
        )
        .into());
    }
    Ok(())
}

/// The upstream sequence of test doubles (as bits): the fixed values, then 2000 consecutive
/// small normal numbers from 0x0010000000000000, then the four little-endian doubles of each
/// block of a SHA-256 chain starting from 32 zero bytes, skipping zeros and non-finite values.
struct Es6Numbers<'s> {
    statics: std::slice::Iter<'s, u64>,
    serial: std::ops::Range<u64>,
    block: [u8; 32],
    pending: Vec<u64>,
}

impl<'s> Es6Numbers<'s> {
    fn new(statics: &'s [u64]) -> Self {
        Self {
            statics: statics.iter(),
            serial: 0..2000,
            block: [0; 32],
            pending: Vec::new(),
        }
    }
}

impl Iterator for Es6Numbers<'_> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        if let Some(&bits) = self.statics.next() {
            return Some(bits);
        }
        if let Some(i) = self.serial.next() {
            return Some(0x0010_0000_0000_0000 + i);
        }
        loop {
            if self.pending.is_empty() {
                self.block = Sha256::digest(self.block).into();
                // Reversed, so that `pop` yields them in order.
                self.pending = self
                    .block
                    .chunks_exact(8)
                    .rev()
                    .filter_map(|chunk| Some(u64::from_le_bytes(chunk.try_into().ok()?)))
                    .collect();
            }
            let bits = self.pending.pop()?;
            let value = f64::from_bits(bits);
            if value != 0.0 && value.is_finite() {
                return Some(bits);
            }
        }
    }
}
