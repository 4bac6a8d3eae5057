//! The wire: A2A 1.0 `ProtoJSON` ([`v1`]) and A2A 0.3 JSON ([`v03`]), to and from the agent's own
//! model. Decoding validates as it goes and names the offending field in `-32602` errors.

pub mod v03;
pub mod v1;

use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::defects::{Defect, Defects};
use crate::errors::A2aError;
use crate::task::{Artifact, Message, Part, Role};

/// What the versions' `Message` and `Artifact` encodings differ in: the role names, the part
/// encoding, and when the `kind` discriminator is written.
#[derive(Debug)]
pub struct Dialect {
    /// `Role::User`, `Role::Agent` on the wire.
    pub roles: [&'static str; 2],
    /// One part.
    pub part: fn(&Part) -> Value,
    /// Writes `kind` into an object when the version (or a defect) calls for it.
    pub kind: fn(&mut Map<String, Value>, &str, &Defects),
}

/// A `Message` in `dialect`.
pub fn message(m: &Message, defects: &Defects, dialect: &Dialect) -> Value {
    let mut o = Map::new();
    (dialect.kind)(&mut o, "message", defects);
    o.insert("messageId".into(), m.message_id.clone().into());
    if let Some(c) = &m.context_id {
        o.insert("contextId".into(), c.clone().into());
    }
    if let Some(t) = &m.task_id {
        o.insert("taskId".into(), t.clone().into());
    }
    let role = match m.role {
        Role::User => dialect.roles[0],
        Role::Agent => dialect.roles[1],
    };
    o.insert("role".into(), role.into());
    o.insert("parts".into(), m.parts.iter().map(dialect.part).collect());
    if let Some(md) = &m.metadata {
        o.insert("metadata".into(), Value::Object(md.clone()));
    }
    if !m.extensions.is_empty() {
        o.insert("extensions".into(), json!(m.extensions));
    }
    if !m.reference_task_ids.is_empty() {
        o.insert("referenceTaskIds".into(), json!(m.reference_task_ids));
    }
    Value::Object(o)
}

/// An `Artifact` in `dialect` (artifacts carry no `kind`).
pub fn artifact(a: &Artifact, dialect: &Dialect) -> Value {
    let mut o = Map::new();
    o.insert("artifactId".into(), a.artifact_id.clone().into());
    if let Some(n) = &a.name {
        o.insert("name".into(), n.clone().into());
    }
    if let Some(d) = &a.description {
        o.insert("description".into(), d.clone().into());
    }
    o.insert("parts".into(), a.parts.iter().map(dialect.part).collect());
    if let Some(md) = &a.metadata {
        o.insert("metadata".into(), Value::Object(md.clone()));
    }
    if !a.extensions.is_empty() {
        o.insert("extensions".into(), json!(a.extensions));
    }
    Value::Object(o)
}

/// A JSON object being read, with its path for error messages. `ProtoJSON` accepts a field under
/// its camelCase and its original `snake_case` name; a JSON `null` reads as absent.
#[derive(Debug, Clone, Copy)]
pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: &'a str,
}

fn snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

impl<'a> Obj<'a> {
    /// Reads `value` as an object; absent or null reads as the empty object.
    pub fn new(value: Option<&'a Value>, path: &'a str) -> Result<Self, A2aError> {
        match value {
            None | Some(Value::Null) => Ok(Self { map: &EMPTY, path }),
            Some(Value::Object(map)) => Ok(Self { map, path }),
            Some(_) => Err(A2aError::invalid_params(path, "must be an object")),
        }
    }

    /// The path of a field of this object.
    pub fn path_of(&self, name: &str) -> String {
        join(self.path, name)
    }

    /// The raw value of a field (camelCase or `snake_case`); null reads as absent.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.map
            .get(name)
            .or_else(|| self.map.get(&snake(name)))
            .filter(|v| !v.is_null())
    }

    /// An optional string.
    pub fn string(&self, name: &str) -> Result<Option<String>, A2aError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(A2aError::invalid_params(
                self.path_of(name),
                "must be a string",
            )),
        }
    }

    /// An optional string, absent when empty (proto3 default).
    pub fn non_empty(&self, name: &str) -> Result<Option<String>, A2aError> {
        Ok(self.string(name)?.filter(|s| !s.is_empty()))
    }

    /// A required, non-empty string.
    pub fn required(&self, name: &str) -> Result<String, A2aError> {
        self.non_empty(name)?
            .ok_or_else(|| A2aError::invalid_params(self.path_of(name), "is required"))
    }

    /// An optional integer (a JSON number, or a decimal string as `ProtoJSON` allows).
    pub fn int(&self, name: &str) -> Result<Option<i64>, A2aError> {
        let bad = || A2aError::invalid_params(self.path_of(name), "must be an integer");
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                        .map(|f| {
                            // Exact: integral and within f64's contiguous integer range.
                            #[allow(clippy::cast_possible_truncation)]
                            let i = f as i64;
                            i
                        })
                })
                .map(Some)
                .ok_or_else(bad),
            Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| bad()),
            Some(_) => Err(bad()),
        }
    }

    /// An optional boolean.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, A2aError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            // Query parameters arrive as strings (A2A 1.0 §11.5: `true` / `false`).
            Some(Value::String(s)) if s == "true" => Ok(Some(true)),
            Some(Value::String(s)) if s == "false" => Ok(Some(false)),
            Some(_) => Err(A2aError::invalid_params(
                self.path_of(name),
                "must be a boolean",
            )),
        }
    }

    /// An optional JSON object (google.protobuf.Struct), e.g. `metadata`.
    pub fn structure(&self, name: &str) -> Result<Option<Map<String, Value>>, A2aError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m.clone())),
            Some(_) => Err(A2aError::invalid_params(
                self.path_of(name),
                "must be an object",
            )),
        }
    }

    /// An optional array.
    pub fn array(&self, name: &str) -> Result<Option<&'a Vec<Value>>, A2aError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(_) => Err(A2aError::invalid_params(
                self.path_of(name),
                "must be an array",
            )),
        }
    }

    /// An optional array of strings (absent reads as empty).
    pub fn strings(&self, name: &str) -> Result<Vec<String>, A2aError> {
        let Some(items) = self.array(name)? else {
            return Ok(Vec::new());
        };
        items
            .iter()
            .map(|v| {
                v.as_str().map(str::to_owned).ok_or_else(|| {
                    A2aError::invalid_params(self.path_of(name), "must be an array of strings")
                })
            })
            .collect()
    }
}

/// Reads a protobuf `bytes` value: standard or URL-safe base64, padded or not.
pub fn decode_bytes(text: &str) -> Option<Vec<u8>> {
    use base64::engine::DecodePaddingMode;
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    let lenient =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let std_any = GeneralPurpose::new(&base64::alphabet::STANDARD, lenient);
    let url_any = GeneralPurpose::new(&base64::alphabet::URL_SAFE, lenient);
    std_any.decode(text).or_else(|_| url_any.decode(text)).ok()
}

/// Writes a protobuf `bytes` value (standard base64, padded).
pub fn encode_bytes(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The history a view shows: all, none, or the `n` most recent messages.
pub fn limit_history<T>(history: &[T], limit: Option<usize>) -> &[T] {
    match limit {
        None => history,
        Some(n) => &history[history.len().saturating_sub(n)..],
    }
}

/// The two fields every message must carry: a non-empty `messageId` and at least one part. The
/// `invalid-params-accepted` defect lets both be missing (and the decoders let `role` be).
pub fn message_id_and_parts<'a>(
    obj: &Obj<'a>,
    defects: &Defects,
) -> Result<(String, &'a [Value]), A2aError> {
    let lax = defects.has(Defect::InvalidParamsAccepted);
    let message_id = match obj.non_empty("messageId")? {
        Some(id) => id,
        None if lax => uuid::Uuid::new_v4().to_string(),
        None => {
            return Err(A2aError::invalid_params(
                obj.path_of("messageId"),
                "is required",
            ));
        }
    };
    let parts = obj.array("parts")?.map_or(&[][..], Vec::as_slice);
    if parts.is_empty() && !lax {
        return Err(A2aError::invalid_params(
            obj.path_of("parts"),
            "must contain at least one part",
        ));
    }
    Ok((message_id, parts))
}

/// A history length as sent by a client: negative values are invalid.
pub fn history_length(obj: &Obj<'_>) -> Result<Option<usize>, A2aError> {
    match obj.int("historyLength")? {
        None => Ok(None),
        Some(n) => usize::try_from(n).map(Some).map_err(|_| {
            A2aError::invalid_params(obj.path_of("historyLength"), "must not be negative")
        }),
    }
}
