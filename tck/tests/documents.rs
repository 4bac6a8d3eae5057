//! `vectors/a2a-documents/`: A2A documents (spec examples and hand-written ones) that must or
//! must not validate against `schemas/`, each case its own named test
//! (`cargo test -p a2a-tck --test documents -- a2a-documents/v1.0-task/`).
//!
//! The schemas are the ones compiled into the kit (`SchemaSet::embedded`), so this also checks
//! what `a2a-tck run` validates responses with. An invalid case's `expect.error` is a human
//! reason; the test requires at least one schema finding, and prints them on a mismatch.

use std::path::Path;
use std::sync::Arc;

use a2a_tck::schema::SchemaSet;
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value;

fn trials(schemas: &Arc<SchemaSet>) -> Vec<Trial> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors/a2a-documents");
    let mut files: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect(),
        Err(e) => {
            let message = format!("cannot read {}: {e}", dir.display());
            return vec![Trial::test("a2a-documents/harness", move || {
                Err(message.into())
            })];
        }
    };
    files.sort();
    let mut trials = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for path in files {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file: Value = match std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(e) => {
                let message = format!("{}: {e}", path.display());
                trials.push(Trial::test(
                    format!("a2a-documents/{stem}/harness"),
                    move || Err(message.into()),
                ));
                continue;
            }
        };
        let default_schema = file["schema"].as_str().map(str::to_owned);
        for case in file["cases"].as_array().into_iter().flatten() {
            let name = case["name"].as_str().unwrap_or("unnamed").to_owned();
            let test_name = format!("a2a-documents/{stem}/{name}");
            if !names.insert(name.clone()) {
                let message = format!("case name `{name}` is used twice in vectors/a2a-documents/");
                trials.push(Trial::test(format!("{test_name}#duplicate"), move || {
                    Err(message.into())
                }));
                continue;
            }
            let schema = case["schema"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| default_schema.clone());
            let (schemas, case, file_name) =
                (schemas.clone(), case.clone(), path.display().to_string());
            trials.push(Trial::test(test_name, move || {
                run_case(&schemas, schema.as_deref(), &case, &file_name)
            }));
        }
    }
    trials
}

fn run_case(
    schemas: &SchemaSet,
    schema: Option<&str>,
    case: &Value,
    file: &str,
) -> Result<(), Failed> {
    let name = case["name"].as_str().unwrap_or("unnamed");
    let schema = schema.ok_or_else(|| format!("{file}, case `{name}`: no `schema`"))?;
    let findings = schemas
        .validate(schema, &case["document"])
        .map_err(|e| format!("{file}, case `{name}`: {e}"))?;
    match &case["expect"] {
        Value::String(s) if s == "valid" => {
            if findings.is_empty() {
                Ok(())
            } else {
                let list: Vec<String> = findings.iter().map(|f| format!("  {f:?}")).collect();
                Err(format!(
                    "{file}, case `{name}`: expected valid against {schema}, got:\n{}",
                    list.join("\n")
                )
                .into())
            }
        }
        Value::Object(o) if o.contains_key("error") => {
            if findings.is_empty() {
                Err(format!("{file}, case `{name}`: expected invalid ({}) against {schema}, but it validates", o["error"]).into())
            } else {
                Ok(())
            }
        }
        other => Err(format!(
            "{file}, case `{name}`: `expect` must be \"valid\" or {{\"error\": …}}, not {other}"
        )
        .into()),
    }
}

fn main() {
    let args = Arguments::from_args();
    let trials = match SchemaSet::embedded() {
        Ok(schemas) => trials(&Arc::new(schemas)),
        Err(e) => {
            let message = format!("the embedded schemas do not load: {e}");
            vec![Trial::test("a2a-documents/schemas", move || {
                Err(message.into())
            })]
        }
    };
    libtest_mimic::run(&args, trials).exit();
}
