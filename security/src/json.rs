//! Strict JSON parsing: one accepted reading per document.
//!
//! [`parse_strict`] accepts exactly the JSON texts of RFC 8259 and refuses the ones that
//! different parsers read differently, so a signature or a hash computed over the parsed value
//! cannot be made to mean two things:
//!
//! - **Duplicate member names** at any depth are an error. RFC 8259 §4 leaves their meaning to
//!   the implementation (some parsers keep the first, some the last); I-JSON (RFC 7493 §2.3),
//!   the input RFC 8785 §3.1 canonicalizes, forbids them; RFC 7515 §4 has JWS recipients either
//!   reject them or keep the last, and rejecting is the choice that cannot disagree with anyone.
//! - **Nesting** deeper than [`MAX_DEPTH`] (or the depth set in [`Limits`]) is an error, reported
//!   before the parser's own stack guard trips, so ten thousand `[` cost a typed error, never a
//!   stack overflow.
//! - **Text that is not JSON** is an error: invalid UTF-8, lone UTF-16 surrogates in `\u`
//!   escapes (`"\ud800"`), `NaN` / `Infinity`, numbers beyond the range of an IEEE-754 double
//!   (`1e400`), a byte-order mark, and anything but whitespace after the value.
//!
//! Unicode noncharacters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF), which I-JSON (RFC 7493 §2.1) also
//! excludes, are accepted: they are well-formed UTF-8 with one reading, and refusing them would
//! only make this parser disagree with the others about which documents exist.
//!
//! The parser is `serde_json`'s, driven through a [`DeserializeSeed`] that builds the
//! [`Value`] itself so that it can see every member name before it is inserted.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

/// The default nesting limit: a value may sit inside at most this many arrays and objects.
///
/// A scalar document has depth 0, `[]` and `{}` depth 1, `[{"a": []}]` depth 3.
pub const MAX_DEPTH: usize = 100;

/// The largest depth [`Limits::with_max_depth`] accepts.
///
/// `serde_json` refuses a 128th nested container with an untyped error (its stack guard counts
/// down from 128 and stops at 0). Staying one level below what it lets through means our check
/// always fires first and the caller gets [`JsonError::TooDeep`].
const DEPTH_CEILING: usize = 126;

/// The longest member name, in characters, that a [`JsonError::DuplicateKey`] quotes.
const QUOTED_NAME_CHARS: usize = 32;

/// Why a byte string was refused as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonError {
    /// The input is not UTF-8 (RFC 8259 §8.1 requires it).
    InvalidUtf8 {
        /// Offset of the first byte that is not part of a valid UTF-8 sequence.
        offset: usize,
    },
    /// The input is not a JSON text: a stray character, an invalid escape or lone surrogate,
    /// `NaN`, a number out of the range of a double, trailing characters, and so on.
    Syntax {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column (in bytes) of the error.
        column: usize,
        /// What was wrong, in the parser's words (never a piece of the input).
        reason: String,
    },
    /// The input ends in the middle of a value.
    Truncated {
        /// 1-based line of the end of the input.
        line: usize,
        /// 1-based column (in bytes) of the end of the input.
        column: usize,
    },
    /// An object has two members with the same name.
    DuplicateKey {
        /// The repeated name, at most 32 characters: a longer one is cut to 31 and ends in `…`.
        name: String,
        /// 1-based line of the second occurrence.
        line: usize,
        /// 1-based column (in bytes) just after the second occurrence.
        column: usize,
    },
    /// Arrays and objects are nested deeper than the limit.
    TooDeep {
        /// The limit that was exceeded.
        max_depth: usize,
        /// 1-based line of the container that went too deep.
        line: usize,
        /// 1-based column (in bytes) just after its opening bracket.
        column: usize,
    },
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUtf8 { offset } => {
                write!(
                    f,
                    "json text is not valid utf-8 (bad byte at offset {offset})"
                )
            }
            Self::Syntax {
                line,
                column,
                reason,
            } => write!(f, "invalid json at line {line} column {column}: {reason}"),
            Self::Truncated { line, column } => {
                write!(f, "json text ends early at line {line} column {column}")
            }
            Self::DuplicateKey { name, line, column } => write!(
                f,
                "duplicate object member name {name:?} at line {line} column {column}"
            ),
            Self::TooDeep {
                max_depth,
                line,
                column,
            } => write!(
                f,
                "json nested deeper than {max_depth} levels at line {line} column {column}"
            ),
        }
    }
}

impl std::error::Error for JsonError {}

/// Limits applied by [`parse_strict_with_limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    max_depth: usize,
}

impl Limits {
    /// The limits [`parse_strict`] applies: a nesting depth of [`MAX_DEPTH`].
    pub const DEFAULT: Self = Self {
        max_depth: MAX_DEPTH,
    };

    /// Sets the nesting limit (see [`MAX_DEPTH`] for how depth is counted).
    ///
    /// Values above 126 are lowered to 126: beyond that `serde_json`'s own stack guard would
    /// refuse the input before this module can say why.
    #[must_use]
    pub const fn with_max_depth(self, max_depth: usize) -> Self {
        let max_depth = if max_depth > DEPTH_CEILING {
            DEPTH_CEILING
        } else {
            max_depth
        };
        Self { max_depth }
    }

    /// The nesting limit.
    pub const fn max_depth(&self) -> usize {
        self.max_depth
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Parses one JSON text strictly (see the [module docs](self)) with the default [`Limits`].
pub fn parse_strict(bytes: &[u8]) -> Result<Value, JsonError> {
    parse_strict_with_limits(bytes, Limits::DEFAULT)
}

/// Parses one JSON text strictly (see the [module docs](self)) with the given limits.
pub fn parse_strict_with_limits(bytes: &[u8], limits: Limits) -> Result<Value, JsonError> {
    // Validating up front gives a precise error for bad UTF-8 anywhere (not only inside
    // strings), and lets serde_json's `StrRead` skip its own per-string validation.
    let text = std::str::from_utf8(bytes).map_err(|e| JsonError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })?;
    let mut state = State {
        max_depth: limits.max_depth.min(DEPTH_CEILING),
        failure: None,
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = ValueSeed {
        state: &mut state,
        depth: 0,
    }
    .deserialize(&mut deserializer)
    .and_then(|value| deserializer.end().map(|()| value));
    parsed.map_err(|err| classify(&err, state.failure.take(), state.max_depth))
}

/// Turns a `serde_json` error into ours, using the structured failure our visitor recorded
/// (if any) before it returned the untyped error that carries the position.
fn classify(err: &serde_json::Error, failure: Option<Failure>, max_depth: usize) -> JsonError {
    let (line, column) = (err.line(), err.column());
    match failure {
        Some(Failure::DuplicateKey(name)) => JsonError::DuplicateKey { name, line, column },
        Some(Failure::TooDeep) => JsonError::TooDeep {
            max_depth,
            line,
            column,
        },
        None if err.is_eof() => JsonError::Truncated { line, column },
        None => {
            // serde_json's Display is "<reason> at line L column C"; keep the reason only. Its
            // syntax reasons are fixed phrases. Data errors (which could quote input) cannot
            // arise here: the visitor accepts every value and records its own refusals.
            let reason = if err.is_syntax() {
                let message = err.to_string();
                let suffix = format!(" at line {line} column {column}");
                match message.strip_suffix(&suffix) {
                    Some(reason) => reason.to_owned(),
                    None => message,
                }
            } else {
                "unexpected parser error".to_owned()
            };
            JsonError::Syntax {
                line,
                column,
                reason,
            }
        }
    }
}

/// Parser state shared by every level of the seed.
struct State {
    max_depth: usize,
    /// The refusal our visitor made, if it made one (`serde_json` only carries a message).
    failure: Option<Failure>,
}

enum Failure {
    DuplicateKey(String),
    TooDeep,
}

/// Deserializes one value found inside `depth` containers.
struct ValueSeed<'s> {
    state: &'s mut State,
    depth: usize,
}

impl ValueSeed<'_> {
    /// The depth of a container opened at this level, or an error if it is too deep.
    fn enter<E: de::Error>(&mut self) -> Result<usize, E> {
        let depth = self.depth + 1;
        if depth > self.state.max_depth {
            self.state.failure = Some(Failure::TooDeep);
            return Err(E::custom("nesting too deep"));
        }
        Ok(depth)
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a json value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // serde_json never yields a non-finite double (it refuses `1e400`), but a `Value`
        // cannot hold one, so refuse rather than assume.
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Value, A::Error> {
        let depth = self.enter()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(ValueSeed {
            state: &mut *self.state,
            depth,
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Value, A::Error> {
        let depth = self.enter()?;
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            match members.entry(name) {
                Entry::Occupied(first) => {
                    self.state.failure = Some(Failure::DuplicateKey(quote_name(first.key())));
                    return Err(de::Error::custom("duplicate member name"));
                }
                Entry::Vacant(slot) => {
                    slot.insert(map.next_value_seed(ValueSeed {
                        state: &mut *self.state,
                        depth,
                    })?);
                }
            }
        }
        Ok(Value::Object(members))
    }
}

/// The member name as an error may quote it: at most [`QUOTED_NAME_CHARS`] characters.
fn quote_name(name: &str) -> String {
    if name.chars().nth(QUOTED_NAME_CHARS).is_none() {
        return name.to_owned();
    }
    let mut quoted: String = name.chars().take(QUOTED_NAME_CHARS - 1).collect();
    quoted.push('…');
    quoted
}

#[cfg(test)]
mod tests {
    // A test fails by panicking; the house rule against `unwrap` is for library code.
    #![allow(clippy::unwrap_used)]

    use super::*;

    use serde_json::json;

    fn nested(depth: usize) -> String {
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn parses_every_kind_of_value() {
        let text = br#" {"a": [1, -2, 3.5, 1e2, -0, 18446744073709551615, 1e400000000000000000],
                         "b": {"c": null, "d": true, "e": false, "f": "x\u00e9\ud83d\ude00\n"}} "#;
        // `1e400000…` is out of range: refused.
        assert!(matches!(
            parse_strict(text),
            Err(JsonError::Syntax { ref reason, .. }) if reason == "number out of range"
        ));
        let text = br#" {"a": [1, -2, 3.5, 1e2, -0, 18446744073709551615],
                         "b": {"c": null, "d": true, "e": false, "f": "x\u00e9\ud83d\ude00\n"}} "#;
        let value = parse_strict(text).unwrap();
        assert_eq!(
            value,
            json!({"a": [1, -2, 3.5, 100.0, -0.0, u64::MAX],
                   "b": {"c": null, "d": true, "e": false, "f": "xé😀\n"}})
        );
        assert_eq!(value, serde_json::from_slice::<Value>(text).unwrap());
    }

    #[test]
    fn parses_scalars_at_top_level() {
        assert_eq!(parse_strict(b"1").unwrap(), json!(1));
        assert_eq!(parse_strict(b" \"s\" ").unwrap(), json!("s"));
        assert_eq!(parse_strict(b"null").unwrap(), Value::Null);
        // Noncharacters are well-formed and accepted (see the module docs).
        assert_eq!(
            parse_strict(br#""\ufdd0\uffff""#).unwrap(),
            json!("\u{fdd0}\u{ffff}")
        );
    }

    #[test]
    fn rejects_duplicate_member_names() {
        let err = parse_strict(br#"{"a": 1, "b": 2, "a": 3}"#).unwrap_err();
        assert_eq!(
            err,
            JsonError::DuplicateKey {
                name: "a".into(),
                line: 1,
                column: 20
            }
        );
        assert_eq!(
            err.to_string(),
            "duplicate object member name \"a\" at line 1 column 20"
        );
    }

    #[test]
    fn rejects_duplicate_member_names_at_depth() {
        let text = br#"{"x": [{"y": {"z": 1}}, {"y": {"z": 2, "z": 3}}]}"#;
        assert!(matches!(
            parse_strict(text),
            Err(JsonError::DuplicateKey { ref name, .. }) if name == "z"
        ));
        // Distinct names that differ only after an escape are not duplicates...
        assert!(parse_strict(br#"{"\u0061": 1, "b": 2}"#).is_ok());
        // ...but the same name spelled two ways is one.
        assert!(matches!(
            parse_strict(br#"{"\u0061": 1, "a": 2}"#),
            Err(JsonError::DuplicateKey { ref name, .. }) if name == "a"
        ));
        // Same members in sibling objects are fine.
        assert!(parse_strict(br#"[{"a": 1}, {"a": 1}]"#).is_ok());
    }

    #[test]
    fn duplicate_key_error_quotes_at_most_32_characters() {
        let long = "é".repeat(1000);
        let text = format!(r#"{{"{long}": 1, "{long}": 2}}"#);
        let Err(JsonError::DuplicateKey { name, .. }) = parse_strict(text.as_bytes()) else {
            panic!("expected a duplicate key error");
        };
        assert_eq!(name.chars().count(), 32);
        assert!(name.ends_with('…'));
        assert!(name.starts_with(&"é".repeat(31)));
        assert_eq!(quote_name(&"k".repeat(32)), "k".repeat(32));
    }

    #[test]
    fn rejects_nesting_beyond_max_depth() {
        assert!(parse_strict(nested(MAX_DEPTH).as_bytes()).is_ok());
        let err = parse_strict(nested(MAX_DEPTH + 1).as_bytes()).unwrap_err();
        assert_eq!(
            err,
            JsonError::TooDeep {
                max_depth: MAX_DEPTH,
                line: 1,
                column: MAX_DEPTH + 2
            }
        );
        let objects = format!(
            "{}1{}",
            r#"{"a":"#.repeat(MAX_DEPTH + 1),
            "}".repeat(MAX_DEPTH + 1)
        );
        assert!(matches!(
            parse_strict(objects.as_bytes()),
            Err(JsonError::TooDeep { .. })
        ));
    }

    #[test]
    fn ten_thousand_open_brackets_are_a_clean_error() {
        let err = parse_strict("[".repeat(10_000).as_bytes()).unwrap_err();
        assert!(matches!(
            err,
            JsonError::TooDeep {
                max_depth: MAX_DEPTH,
                ..
            }
        ));
        let err = parse_strict(nested(10_000).as_bytes()).unwrap_err();
        assert!(matches!(err, JsonError::TooDeep { .. }));
        let err = parse_strict(r#"{"a":"#.repeat(10_000).as_bytes()).unwrap_err();
        assert!(matches!(err, JsonError::TooDeep { .. }));
    }

    #[test]
    fn custom_depth_limits_apply_and_are_capped() {
        let shallow = Limits::default().with_max_depth(2);
        assert!(parse_strict_with_limits(b"[[1]]", shallow).is_ok());
        assert!(matches!(
            parse_strict_with_limits(b"[[[1]]]", shallow),
            Err(JsonError::TooDeep { max_depth: 2, .. })
        ));
        assert!(parse_strict_with_limits(b"7", Limits::default().with_max_depth(0)).is_ok());
        assert!(parse_strict_with_limits(b"[]", Limits::default().with_max_depth(0)).is_err());

        // Asking for more than the ceiling gets the ceiling, and the error is still ours.
        let deep = Limits::default().with_max_depth(10_000);
        assert_eq!(deep.max_depth(), DEPTH_CEILING);
        assert!(parse_strict_with_limits(nested(DEPTH_CEILING).as_bytes(), deep).is_ok());
        for depth in [DEPTH_CEILING + 1, 127, 128, 129, 10_000] {
            assert!(matches!(
                parse_strict_with_limits(nested(depth).as_bytes(), deep),
                Err(JsonError::TooDeep {
                    max_depth: DEPTH_CEILING,
                    ..
                })
            ));
        }
    }

    #[test]
    fn rejects_invalid_utf8() {
        assert_eq!(
            parse_strict(b"\"ab\xffc\""),
            Err(JsonError::InvalidUtf8 { offset: 3 })
        );
        // Overlong encoding of '/', and an encoded surrogate (CESU-8).
        assert!(matches!(
            parse_strict(b"\"\xc0\xaf\""),
            Err(JsonError::InvalidUtf8 { offset: 1 })
        ));
        assert!(matches!(
            parse_strict(b"\"\xed\xa0\x80\""),
            Err(JsonError::InvalidUtf8 { .. })
        ));
        // Outside strings too.
        assert!(matches!(
            parse_strict(b"[1,\xff]"),
            Err(JsonError::InvalidUtf8 { offset: 3 })
        ));
    }

    #[test]
    fn rejects_lone_surrogates() {
        for text in [
            r#""\ud800""#,
            r#""\udfff""#,
            r#""\ud800x""#,
            r#""\ud800\u0041""#,
            r#""\ud800\ud800""#,
            r#"{"\udc00": 1}"#,
        ] {
            let err = parse_strict(text.as_bytes()).unwrap_err();
            assert!(matches!(err, JsonError::Syntax { .. }), "{text}: {err}");
        }
        assert_eq!(parse_strict(br#""\ud83d\ude00""#).unwrap(), json!("😀"));
    }

    #[test]
    fn rejects_non_json_numbers_and_literals() {
        for text in [
            "NaN",
            "-NaN",
            "Infinity",
            "-Infinity",
            "1e400",
            "-1e400",
            "+1",
            "01",
            "1.",
            ".5",
            "0x10",
            "1e",
            "--1",
            "True",
            "nul",
            "'a'",
            "[1,]",
            "{\"a\":1,}",
            "{a:1}",
            "\u{feff}1",
        ] {
            let err = parse_strict(text.as_bytes()).unwrap_err();
            assert!(
                matches!(err, JsonError::Syntax { .. } | JsonError::Truncated { .. }),
                "{text}: {err}"
            );
        }
    }

    #[test]
    fn rejects_trailing_garbage() {
        let err = parse_strict(b"{} x").unwrap_err();
        assert_eq!(
            err,
            JsonError::Syntax {
                line: 1,
                column: 4,
                reason: "trailing characters".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "invalid json at line 1 column 4: trailing characters"
        );
        assert!(parse_strict(b"1 2").is_err());
        assert!(parse_strict(b"{}{}").is_err());
        assert!(parse_strict(b"{}\0").is_err());
        assert!(parse_strict(b" {} \n\t\r ").is_ok());
    }

    #[test]
    fn rejects_raw_control_characters_in_strings() {
        assert!(matches!(
            parse_strict(b"\"a\nb\""),
            Err(JsonError::Syntax { .. })
        ));
        assert!(matches!(parse_strict(b"\"a\x7fb\""), Ok(Value::String(_))));
    }

    #[test]
    fn reports_truncated_input() {
        for text in ["", " ", "[", "{\"a\"", "{\"a\":", "\"abc", "[1,", "tru"] {
            let err = parse_strict(text.as_bytes()).unwrap_err();
            assert!(
                matches!(err, JsonError::Truncated { .. }),
                "{text:?}: {err}"
            );
        }
        assert_eq!(
            parse_strict(b"[1,\n 2").unwrap_err().to_string(),
            "json text ends early at line 2 column 2"
        );
    }

    #[test]
    fn error_messages_are_lower_case() {
        let errors = [
            parse_strict(b"\xff").unwrap_err(),
            parse_strict(b"[1,]").unwrap_err(),
            parse_strict(b"[").unwrap_err(),
            parse_strict(br#"{"a":1,"a":1}"#).unwrap_err(),
            parse_strict(nested(1000).as_bytes()).unwrap_err(),
        ];
        for err in errors {
            let message = err.to_string();
            assert!(message.starts_with(char::is_lowercase), "{message}");
        }
    }

    /// RFC 8785 canonicalizes the double a correctly rounding parser reads; `serde_json`'s default
    /// float parser can be one ulp off (its `float_roundtrip` feature fixes that). Compare with
    /// the standard library's correctly rounded `str::parse::<f64>`.
    #[test]
    fn reads_decimal_numbers_correctly_rounded() {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut texts = vec![
            "333333333.33333329".to_owned(),
            "123456789012345678901".to_owned(),
            "2.2250738585072011e-308".to_owned(),
            "9007199254740993.0".to_owned(),
            "0.1e1".to_owned(),
        ];
        for _ in 0..20_000 {
            let value = f64::from_bits(next());
            if !value.is_finite() {
                continue;
            }
            // Long decimals land between doubles, where an approximate parser slips.
            let digits = usize::try_from(next() % 30).unwrap();
            texts.push(format!("{value:.digits$e}"));
            let integer_digits = usize::try_from(next() % 25 + 1).unwrap();
            let fraction_digits = usize::try_from(next() % 25 + 1).unwrap();
            let mut text = String::new();
            for i in 0..integer_digits + fraction_digits {
                if i == integer_digits {
                    text.push('.');
                }
                // No leading zero: JSON forbids it.
                let digit = if i == 0 { next() % 9 + 1 } else { next() % 10 };
                text.push(char::from(b'0' + u8::try_from(digit).unwrap()));
            }
            texts.push(text);
        }
        for text in &texts {
            let expected: f64 = text.parse().unwrap();
            if expected.is_infinite() {
                // Rounding to few digits pushed it past the largest double.
                assert!(parse_strict(text.as_bytes()).is_err(), "{text}");
                continue;
            }
            let parsed = parse_strict(text.as_bytes()).unwrap();
            let parsed = parsed.as_f64().unwrap();
            assert_eq!(parsed.to_bits(), expected.to_bits(), "{text}");
        }
    }

    #[test]
    fn never_panics_on_arbitrary_bytes() {
        // A cheap deterministic sweep; the fuzz target covers this properly.
        let alphabet = b"[]{}\":,\\u0dDaef1-+.eE \n\xff\xc3\xa9tnrl";
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut text = Vec::new();
            for _ in 0..(seed % 24) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let index = usize::try_from(seed % alphabet.len() as u64).unwrap();
                text.push(alphabet[index]);
            }
            seed = seed.wrapping_add(0x2545_f491_4f6c_dd1d);
            let strict = parse_strict(&text);
            // Whatever strict accepts, serde_json accepts identically.
            if let Ok(value) = strict {
                assert_eq!(serde_json::from_slice::<Value>(&text).ok(), Some(value));
            }
        }
    }
}
