//! JSON Schema validation of wire documents against the kit's schemas (`schemas/v0.3/*.json`,
//! `schemas/v1.0/*.json`, Draft 2020-12, definitions under `$defs`). A definition is named as
//! `<version>#/$defs/<Name>`, e.g. `v1.0#/$defs/Task`.
//!
//! Each file is registered under its `$id` when that is absolute, else under
//! `https://a2a-tck.invalid/schemas/<version>/<file>`; nothing is ever fetched, so references
//! between files of one version resolve locally and any other reference fails at build time.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use jsonschema::{Draft, Registry, Resource, Validator};
use serde::Serialize;
use serde_json::{Value, json};

/// The schema versions the kit knows.
pub const VERSIONS: &[&str] = &["v0.3", "v1.0"];

/// A document that does not validate: where in the instance, and which schema keyword.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaFinding {
    /// The validator's message.
    pub message: String,
    /// JSON pointer into the instance.
    pub instance_path: String,
    /// JSON pointer of the failing keyword within its schema document (`/$defs/<Name>/...`);
    /// prefix the version (`v1.0#`) to name it.
    pub schema_location: String,
}

/// Why schemas could not be loaded or a definition used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemaError {
    /// A file could not be read or is not JSON.
    File(PathBuf, String),
    /// No schema directory had any version.
    Empty(PathBuf),
    /// The reference is not `<version>#/$defs/<Name>`.
    BadReference(String),
    /// No file of that version defines the name.
    UnknownDefinition(String),
    /// The registry or validator could not be built.
    Build(String),
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path, e) => write!(f, "schema file {}: {e}", path.display()),
            Self::Empty(dir) => write!(f, "no v0.3/ or v1.0/ schemas under {}", dir.display()),
            Self::BadReference(r) => {
                write!(f, "schema reference `{r}` is not `<version>#/$defs/<Name>`")
            }
            Self::UnknownDefinition(r) => write!(f, "no schema defines `{r}`"),
            Self::Build(e) => write!(f, "schema cannot be compiled: {e}"),
        }
    }
}

impl std::error::Error for SchemaError {}

struct VersionSchemas {
    /// (uri, document) per file.
    files: Vec<(String, Value)>,
    registry: Registry<'static>,
}

/// The loaded schemas.
pub struct SchemaSet {
    versions: HashMap<String, VersionSchemas>,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

impl fmt::Debug for SchemaSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut versions: Vec<_> = self.versions.keys().collect();
        versions.sort();
        f.debug_struct("SchemaSet")
            .field("versions", &versions)
            .finish_non_exhaustive()
    }
}

impl SchemaSet {
    /// Loads every `*.json` of `dir/v0.3/` and `dir/v1.0/` that exists.
    pub fn load(dir: &Path) -> Result<Self, SchemaError> {
        let mut versions = HashMap::new();
        for version in VERSIONS {
            let sub = dir.join(version);
            let Ok(entries) = std::fs::read_dir(&sub) else {
                continue;
            };
            let mut paths: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            paths.sort();
            let mut files = Vec::new();
            for path in paths {
                let bytes = std::fs::read(&path)
                    .map_err(|e| SchemaError::File(path.clone(), e.to_string()))?;
                let doc: Value = serde_json::from_slice(&bytes)
                    .map_err(|e| SchemaError::File(path.clone(), e.to_string()))?;
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.push((name, doc));
            }
            if !files.is_empty() {
                versions.insert(
                    (*version).to_owned(),
                    Self::version_schemas(version, files)?,
                );
            }
        }
        if versions.is_empty() {
            return Err(SchemaError::Empty(dir.to_owned()));
        }
        Ok(Self {
            versions,
            validators: Mutex::default(),
        })
    }

    /// The schemas of this repository's `schemas/`, compiled into the binary, so the kit
    /// validates responses wherever it runs.
    pub fn embedded() -> Result<Self, SchemaError> {
        let parse = |name: &str, text: &str| {
            serde_json::from_str::<Value>(text)
                .map_err(|e| SchemaError::File(PathBuf::from(name), e.to_string()))
        };
        Self::from_documents(vec![
            (
                "v0.3",
                "a2a.json",
                parse(
                    "schemas/v0.3/a2a.json",
                    include_str!("../../schemas/v0.3/a2a.json"),
                )?,
            ),
            (
                "v1.0",
                "a2a.json",
                parse(
                    "schemas/v1.0/a2a.json",
                    include_str!("../../schemas/v1.0/a2a.json"),
                )?,
            ),
        ])
    }

    /// Builds a set from documents in memory: `(version, file name, document)`.
    pub fn from_documents(docs: Vec<(&str, &str, Value)>) -> Result<Self, SchemaError> {
        let mut grouped: HashMap<String, Vec<(String, Value)>> = HashMap::new();
        for (version, name, doc) in docs {
            grouped
                .entry(version.to_owned())
                .or_default()
                .push((name.to_owned(), doc));
        }
        let mut versions = HashMap::new();
        for (version, files) in grouped {
            let schemas = Self::version_schemas(&version, files)?;
            versions.insert(version, schemas);
        }
        Ok(Self {
            versions,
            validators: Mutex::default(),
        })
    }

    fn version_schemas(
        version: &str,
        files: Vec<(String, Value)>,
    ) -> Result<VersionSchemas, SchemaError> {
        let files: Vec<(String, Value)> = files
            .into_iter()
            .map(|(name, doc)| {
                let uri = match doc.get("$id").and_then(Value::as_str) {
                    Some(id) if id.contains(':') => id.trim_end_matches('#').to_owned(),
                    _ => format!("https://a2a-tck.invalid/schemas/{version}/{name}"),
                };
                (uri, doc)
            })
            .collect();
        let resources = files
            .iter()
            .map(|(uri, doc)| (uri.clone(), Resource::from_contents(doc.clone())));
        let registry = Registry::new()
            .draft(Draft::Draft202012)
            .extend(resources)
            .and_then(jsonschema::RegistryBuilder::prepare)
            .map_err(|e| SchemaError::Build(e.to_string()))?;
        Ok(VersionSchemas { files, registry })
    }

    /// The versions loaded.
    pub fn versions(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.versions.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// Whether a version defines `name`.
    pub fn defines(&self, version: &str, name: &str) -> bool {
        self.versions.get(version).is_some_and(|v| {
            v.files
                .iter()
                .any(|(_, d)| d.pointer(&format!("/$defs/{name}")).is_some())
        })
    }

    fn validator(&self, reference: &str) -> Result<Arc<Validator>, SchemaError> {
        if let Ok(cache) = self.validators.lock()
            && let Some(v) = cache.get(reference)
        {
            return Ok(v.clone());
        }
        let (version, name) = reference
            .split_once("#/$defs/")
            .filter(|(v, n)| !v.is_empty() && !n.is_empty() && !n.contains('/'))
            .ok_or_else(|| SchemaError::BadReference(reference.to_owned()))?;
        let schemas = self
            .versions
            .get(version)
            .ok_or_else(|| SchemaError::UnknownDefinition(reference.to_owned()))?;
        let (uri, _) = schemas
            .files
            .iter()
            .find(|(_, d)| d.pointer(&format!("/$defs/{name}")).is_some())
            .ok_or_else(|| SchemaError::UnknownDefinition(reference.to_owned()))?;
        let root = json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": format!("{uri}#/$defs/{name}")});
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .with_registry(&schemas.registry)
            .build(&root)
            .map_err(|e| SchemaError::Build(e.to_string()))?;
        let validator = Arc::new(validator);
        if let Ok(mut cache) = self.validators.lock() {
            cache.insert(reference.to_owned(), validator.clone());
        }
        Ok(validator)
    }

    /// Validates `instance` against `<version>#/$defs/<Name>`; an empty list means valid.
    pub fn validate(
        &self,
        reference: &str,
        instance: &Value,
    ) -> Result<Vec<SchemaFinding>, SchemaError> {
        let validator = self.validator(reference)?;
        Ok(validator
            .iter_errors(instance)
            .map(|e| SchemaFinding {
                message: e.to_string(),
                instance_path: e.instance_path().as_str().to_owned(),
                schema_location: strip_wrapper(e.schema_path().as_str()),
            })
            .collect())
    }
}

/// Drops the wrapper's leading `/$ref` so locations read from the definition.
fn strip_wrapper(path: &str) -> String {
    path.strip_prefix("/$ref").unwrap_or(path).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> SchemaSet {
        SchemaSet::from_documents(vec![
            (
                "v1.0",
                "common.json",
                json!({"$defs": {"Role": {"enum": ["ROLE_USER", "ROLE_AGENT"]}}}),
            ),
            (
                "v1.0",
                "a2a.json",
                json!({"$defs": {"Message": {
                    "type": "object",
                    "required": ["messageId", "role"],
                    "properties": {"messageId": {"type": "string"}, "role": {"$ref": "common.json#/$defs/Role"}}
                }}}),
            ),
        ])
        .unwrap()
    }

    #[test]
    fn validates_against_a_definition_with_cross_file_refs() {
        let s = set();
        assert!(
            s.validate(
                "v1.0#/$defs/Message",
                &json!({"messageId":"m","role":"ROLE_USER"})
            )
            .unwrap()
            .is_empty()
        );
        let findings = s
            .validate("v1.0#/$defs/Message", &json!({"messageId":1,"role":"user"}))
            .unwrap();
        let mut paths: Vec<_> = findings.iter().map(|f| f.instance_path.as_str()).collect();
        paths.sort_unstable();
        assert_eq!(paths, ["/messageId", "/role"]);
        assert!(
            findings
                .iter()
                .any(|f| f.schema_location.ends_with("/type"))
        );
    }

    #[test]
    fn names_bad_and_unknown_references() {
        let s = set();
        assert!(matches!(
            s.validate("Message", &json!({})),
            Err(SchemaError::BadReference(_))
        ));
        assert!(matches!(
            s.validate("v1.0#/$defs/Task", &json!({})),
            Err(SchemaError::UnknownDefinition(_))
        ));
        assert!(matches!(
            s.validate("v0.3#/$defs/Task", &json!({})),
            Err(SchemaError::UnknownDefinition(_))
        ));
    }
}
