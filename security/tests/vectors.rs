//! Known-answer vectors: every case of every `vectors/<area>/*.json` file, and every Wycheproof
//! test this crate runs, is its own named test.
//!
//! ```text
//! cargo test -p a2a-security --test vectors                     # everything
//! cargo test -p a2a-security --test vectors -- jwt/expired      # one case (substring filter)
//! cargo test -p a2a-security --test vectors -- wycheproof/ed25519/
//! ```
//!
//! The file format, where each file's data came from and how to add one are in
//! `vectors/README.md`. This file only loads files and turns cases into trials; each area's
//! module (`hmac`, `jws`, `jwt`, ...) knows its inputs and calls the crate's public entry points.
//!
//! A case's expected error is the *name of the error variant* the entry point returns, taken
//! from its `Debug` form (`Expired`, `DuplicateMember`, `Unsuitable`); optionally followed by the
//! variants it wraps (`Json/DuplicateKey`), or the whole `Debug` form to pin the payload too
//! (`DuplicateMember(Header)`). Reading the name from `Debug` rather than
//! from a hand-written `match` is deliberate: the crate's error enums are `#[non_exhaustive]`, so
//! a `match` in this (external) crate needs a wildcard arm and a new variant would fall into it
//! silently; `Debug` names every variant, present and future, exactly.

use std::collections::BTreeMap;
use std::fmt::{self, Debug};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

// The areas live in `tests/vectors/` (a directory without `main.rs`, so not a test target itself).
#[path = "vectors/card.rs"]
mod card;
#[path = "vectors/hmac.rs"]
mod hmac;
#[path = "vectors/integrity.rs"]
mod integrity;
#[path = "vectors/jcs.rs"]
mod jcs;
#[path = "vectors/jws.rs"]
mod jws;
#[path = "vectors/jwt.rs"]
mod jwt;
#[path = "vectors/webhook.rs"]
mod webhook;
#[path = "vectors/wycheproof_suite.rs"]
mod wycheproof_suite;

/// An area's dispatcher: runs one case through the crate's public entry points.
type Dispatcher = fn(&Case) -> Result<(), String>;

/// Every area the harness knows. A directory under `vectors/` without an entry here is an error.
const AREAS: &[(&str, Dispatcher)] = &[
    ("card", card::run),
    ("hmac", hmac::run),
    ("integrity", integrity::run),
    ("jcs", jcs::run),
    ("jws", jws::run),
    ("jwt", jwt::run),
    ("webhook", webhook::run),
];

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors");
    let mut trials = file_trials(&root);
    trials.extend(wycheproof_suite::trials());
    libtest_mimic::run(&args, trials).exit_code()
}

// ---- the file format ------------------------------------------------------------------------

/// One vector file, as documented in `vectors/README.md`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    description: String,
    source: String,
    /// The fixed "now" (Unix seconds) for every case of the file that needs a clock.
    #[serde(default)]
    now: Option<u64>,
    /// Data shared by every case of the file (for example a JWK set), area-specific.
    #[serde(default)]
    shared: Map<String, Value>,
    cases: Vec<Map<String, Value>>,
}

/// What a case expects of the entry point it exercises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Accepted.
    Valid,
    /// Refused with this error variant (or this exact `Debug` form).
    Error(String),
}

impl<'de> Deserialize<'de> for Expect {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Error {
            error: String,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Word(String),
            Error(Error),
        }
        match Raw::deserialize(d)? {
            Raw::Word(w) if w == "valid" => Ok(Self::Valid),
            Raw::Word(w) => Err(serde::de::Error::custom(format!(
                "expect must be \"valid\" or {{\"error\": \"<Variant>\"}}, not {w:?}"
            ))),
            Raw::Error(e) => Ok(Self::Error(e.error)),
        }
    }
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Valid => f.write_str("valid"),
            Self::Error(e) => write!(f, "error {e}"),
        }
    }
}

/// What an entry point did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It accepted.
    Valid,
    /// It refused; the error's `Debug` form.
    Error(String),
}

impl Outcome {
    /// The outcome of a call.
    pub fn of<T, E: Debug>(result: &Result<T, E>) -> Self {
        match result {
            Ok(_) => Self::Valid,
            Err(e) => Self::Error(format!("{e:?}")),
        }
    }

    /// The error's variant path: the variant's name, then the name of the variant it wraps, and
    /// so on (`Json(DuplicateKey { .. })` is `["Json", "DuplicateKey"]`, `Malformed(Claims)` is
    /// `["Malformed", "Claims"]`, `MissingClaim("exp")` is `["MissingClaim"]`).
    fn variant_path(debug: &str) -> Vec<&str> {
        let mut path = Vec::new();
        let mut rest = debug;
        loop {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if end == 0 {
                break;
            }
            path.push(&rest[..end]);
            match rest[end..].strip_prefix('(') {
                Some(inner) => rest = inner,
                None => break,
            }
        }
        path
    }

    /// Whether this outcome is what `expect` asks for: the error's variant name, a longer prefix
    /// of its variant path joined with `/` (`Json/DuplicateKey`), or its whole `Debug` form.
    pub fn satisfies(&self, expect: &Expect) -> bool {
        match (expect, self) {
            (Expect::Valid, Self::Valid) => true,
            (Expect::Error(want), Self::Error(got)) => {
                let path = Self::variant_path(got);
                want == got || (1..=path.len()).any(|n| *want == path[..n].join("/"))
            }
            _ => false,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Valid => f.write_str("valid"),
            Self::Error(e) => write!(f, "error {e}"),
        }
    }
}

/// Checks an outcome against an expectation, with the failure message the harness prints.
pub fn check(what: &str, expect: &Expect, outcome: &Outcome) -> Result<(), String> {
    if outcome.satisfies(expect) {
        Ok(())
    } else {
        Err(format!(
            "{what}:\n  expected: {expect}\n  actual:   {outcome}"
        ))
    }
}

/// Checks that two byte strings (or anything comparable) are equal, naming what they are.
pub fn check_eq<T: PartialEq + Debug + ?Sized>(
    what: &str,
    expected: &T,
    actual: &T,
) -> Result<(), String> {
    if expected == actual {
        Ok(())
    } else {
        Err(format!(
            "{what}:\n  expected: {expected:?}\n  actual:   {actual:?}"
        ))
    }
}

/// One case, with the harness's own members taken out.
#[derive(Debug, Clone)]
pub struct Case {
    /// The file's `now`, or the case's own `now` when it has one.
    pub now: Option<u64>,
    /// The file's `shared` data.
    pub shared: Map<String, Value>,
    /// The case's `expect`, if any (cases made of several steps carry one per step instead).
    pub expect: Option<Expect>,
    /// The area-specific inputs: every member except `name`, `expect`, `known_issue`, `note`
    /// and `now`.
    pub inputs: Map<String, Value>,
}

impl Case {
    /// The inputs as the area's typed struct (which should `deny_unknown_fields`, so a typo in a
    /// vector is an error, not a silently ignored member).
    pub fn inputs<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_value(Value::Object(self.inputs.clone()))
            .map_err(|e| format!("case inputs: {e}"))
    }

    /// The file-level `shared` data as the area's typed struct.
    pub fn shared<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_value(Value::Object(self.shared.clone()))
            .map_err(|e| format!("file `shared` data: {e}"))
    }

    /// The expectation, which this kind of case requires.
    pub fn expect(&self) -> Result<&Expect, String> {
        self.expect
            .as_ref()
            .ok_or_else(|| "case has no `expect`".to_owned())
    }

    /// The fixed time, which this kind of case requires.
    pub fn now(&self) -> Result<u64, String> {
        self.now
            .ok_or_else(|| "case needs a fixed `now` (in the file or the case)".to_owned())
    }
}

// ---- loading files into trials --------------------------------------------------------------

/// A trial that fails with `message`: how the harness reports a broken vector file, so a bad
/// file fails the run without hiding every other case.
fn harness_error(name: String, message: String) -> Trial {
    Trial::test(name, move || Err(Failed::from(message)))
}

/// Areas of `vectors/` that another crate's harness runs (area, harness).
const OTHER_HARNESSES: &[(&str, &str)] = &[("a2a-documents", "tck/tests/documents.rs")];

fn file_trials(root: &Path) -> Vec<Trial> {
    let mut trials = Vec::new();
    let areas = match sorted_entries(root) {
        Ok(areas) => areas,
        Err(e) => return vec![harness_error("harness/vectors".into(), e)],
    };
    for area_dir in areas.into_iter().filter(|p| p.is_dir()) {
        let area = file_name(&area_dir);
        if OTHER_HARNESSES.iter().any(|(name, _)| *name == area) {
            continue;
        }
        let Some(&(_, dispatcher)) = AREAS.iter().find(|(name, _)| *name == area) else {
            trials.push(harness_error(
                format!("harness/{area}"),
                format!("vectors/{area}/ has no dispatcher in security/tests/vectors.rs"),
            ));
            continue;
        };
        let files = match sorted_entries(&area_dir) {
            Ok(files) => files,
            Err(e) => {
                trials.push(harness_error(format!("harness/{area}"), e));
                continue;
            }
        };
        // Case names are unique per area, across its files: `<area>/<case>` names one test.
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for path in files
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
        {
            let file = format!("vectors/{area}/{}", file_name(&path));
            match load(&path) {
                Ok(cases) => {
                    for (name, case, known_issue) in cases {
                        if let Some(first) = seen.insert(name.clone(), file.clone()) {
                            trials.push(harness_error(
                                format!("harness/{area}/{name}"),
                                format!(
                                    "duplicate case name `{name}` in {area}: {first} and {file}"
                                ),
                            ));
                            continue;
                        }
                        trials.push(case_trial(
                            format!("{area}/{name}"),
                            &file,
                            dispatcher,
                            case,
                            known_issue,
                        ));
                    }
                }
                Err(e) => trials.push(harness_error(format!("harness/{file}"), e)),
            }
        }
    }
    trials
}

fn case_trial(
    test_name: String,
    file: &str,
    dispatcher: Dispatcher,
    case: Case,
    known_issue: Option<String>,
) -> Trial {
    let label = format!(
        "{file}, case `{}`",
        test_name.split_once('/').map_or("", |(_, n)| n)
    );
    Trial::ignorable_test(test_name, move || {
        let result = dispatcher(&case);
        match (result, known_issue) {
            (Ok(()), None) => Ok(Completion::Completed),
            (Err(message), None) => Err(Failed::from(format!("{label}: {message}"))),
            // A known issue is reported as ignored while it fails, and fails the run once it
            // passes, so the marker is removed when the library is fixed.
            (Err(message), Some(issue)) => Ok(Completion::ignored_with(format!(
                "known issue: {issue} ({})",
                message.split_whitespace().collect::<Vec<_>>().join(" ")
            ))),
            (Ok(()), Some(issue)) => Err(Failed::from(format!(
                "{label}: marked known_issue ({issue}) but passes: remove the marker"
            ))),
        }
    })
}

/// Parses one file into `(name, case, known_issue)` triples.
fn load(path: &Path) -> Result<Vec<(String, Case, Option<String>)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let file: RawFile =
        serde_json::from_str(&text).map_err(|e| format!("not a vector file: {e}"))?;
    if file.description.trim().is_empty() || file.source.trim().is_empty() {
        return Err("`description` and `source` must not be empty".into());
    }
    if file.cases.is_empty() {
        return Err("no cases".into());
    }
    let mut out = Vec::with_capacity(file.cases.len());
    for (i, mut inputs) in file.cases.into_iter().enumerate() {
        let name = match inputs.remove("name") {
            Some(Value::String(name)) if valid_name(&name) => name,
            Some(other) => {
                return Err(format!(
                    "case {i}: `name` must be a non-empty string of [a-z0-9._-], not {other}"
                ));
            }
            None => return Err(format!("case {i} has no `name`")),
        };
        let take_string =
            |inputs: &mut Map<String, Value>, member: &str| match inputs.remove(member) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(_) => Err(format!("case `{name}`: `{member}` must be a string")),
            };
        let known_issue = take_string(&mut inputs, "known_issue")?;
        let _note = take_string(&mut inputs, "note")?;
        let expect = inputs
            .remove("expect")
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| format!("case `{name}`: {e}"))?;
        let now = match inputs.remove("now") {
            None => file.now,
            Some(v) => Some(
                v.as_u64()
                    .ok_or_else(|| format!("case `{name}`: `now` must be Unix seconds"))?,
            ),
        };
        let case = Case {
            now,
            shared: file.shared.clone(),
            expect,
            inputs,
        };
        out.push((name, case, known_issue));
    }
    Ok(out)
}

/// Case names are used as test-name path segments: keep them plain.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    Ok(entries)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

// ---- small decoders for vector data ---------------------------------------------------------

/// Hex (lower or upper case) to bytes.
pub fn hex(text: &str) -> Result<Vec<u8>, String> {
    if !text.len().is_multiple_of(2) {
        return Err(format!("odd-length hex: {text:?}"));
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(text.get(i..i + 2).unwrap_or("?"), 16)
                .map_err(|_| format!("not hex: {text:?}"))
        })
        .collect()
}

/// Strict unpadded base64url to bytes (for the harness's own use on vector data; the library
/// has its own decoder, which is what the cases test).
pub fn b64url(text: &str) -> Result<Vec<u8>, String> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| format!("vector data is not base64url ({e}): {text:?}"))
}
