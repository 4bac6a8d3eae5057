//! `jcs`: [`jcs::canonicalize`] against an RFC 8785 canonicalizer written from the RFC.

use arbitrary::Unstructured;
use serde_json::{Map, Number, Value};

use super::reference;
use crate::jcs::{self, JcsError};
use crate::json::JsonError;

/// Canonicalizes arbitrary bytes as JSON text, or an arbitrary [`Value`], and checks:
///
/// - **agreement with the reference**: the output is byte for byte what [`reference::jcs`]
///   writes for the same value (its own member sort over UTF-16 code units, its own escapes,
///   numbers through Rust's float formatting instead of `zmij`);
/// - **round trip**: the output parses (`serde_json`) to a value equal to the input's, numbers
///   compared as doubles;
/// - **idempotence**: canonicalizing the output again gives the same bytes;
/// - **the value and text paths agree**: `canonicalize_value(v)` equals `canonicalize` of
///   `v` serialized by `serde_json`;
/// - text is refused only for a reason `serde_json` shares, or for a duplicate member name or
///   nesting beyond the limit (which `serde_json` lets through).
///
/// Input layout: a mode byte; even: the rest of the input is the JSON text; odd: the rest
/// describes a value (see [`arbitrary_value`]).
pub fn jcs(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(mode) = u.arbitrary::<u8>() else {
        return;
    };
    if mode % 2 == 0 {
        check_text(u.take_rest());
    } else if let Ok(value) = arbitrary_value(&mut u, 0) {
        check_value(&value);
    }
}

fn check_text(text: &[u8]) {
    let plain = serde_json::from_slice::<Value>(text);
    match jcs::canonicalize(text) {
        Ok(canonical) => {
            let value = plain.expect("canonicalize accepted text serde_json refuses");
            check_canonical(&value, &canonical);
        }
        Err(JcsError::Json(JsonError::DuplicateKey { .. } | JsonError::TooDeep { .. })) => {}
        Err(error) => assert!(
            plain.is_err(),
            "refused JSON that serde_json reads: {error}"
        ),
    }
}

fn check_value(value: &Value) {
    let canonical = jcs::canonicalize_value(value);
    check_canonical(value, &canonical);
    let text = serde_json::to_vec(value).expect("a Value serializes");
    assert_eq!(
        jcs::canonicalize(&text).expect("serde_json output of a shallow Value is strict JSON"),
        canonical,
        "canonicalize(text) and canonicalize_value(value) differ"
    );
}

fn check_canonical(value: &Value, canonical: &[u8]) {
    assert_eq!(
        String::from_utf8_lossy(canonical),
        reference::jcs(value),
        "differs from the reference canonicalization"
    );
    let reparsed: Value = serde_json::from_slice(canonical).expect("canonical output is JSON");
    assert!(
        reference::same_json(value, &reparsed),
        "canonical output reads back as another value"
    );
    assert_eq!(
        jcs::canonicalize(canonical).expect("canonical output is strict JSON"),
        canonical,
        "canonicalization is not idempotent"
    );
}

/// The deepest value [`arbitrary_value`] builds (well within the strict parser's limit).
const MAX_DEPTH: usize = 6;

/// A value. Layout: a kind byte (`% 8`; scalars only at [`MAX_DEPTH`]): 0 null, 1 bool (next
/// byte), 2 integer (8 bytes, signed), 3 unsigned integer (8 bytes), 4 double (8 bytes of bits;
/// non-finite becomes one of a few boundary doubles), 5 string (see [`arbitrary_string`]),
/// 6 array (a length byte `% 5`, then the items), 7 object (a length byte `% 5`, then name and
/// value for each member).
pub(super) fn arbitrary_value(u: &mut Unstructured<'_>, depth: usize) -> arbitrary::Result<Value> {
    let kind = u.arbitrary::<u8>()? % if depth >= MAX_DEPTH { 6 } else { 8 };
    Ok(match kind {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(i64::from_be_bytes(eight(u)?)),
        3 => Value::from(u64::from_be_bytes(eight(u)?)),
        4 => {
            let bits = u64::from_be_bytes(eight(u)?);
            let double = f64::from_bits(bits);
            let double = if double.is_finite() {
                double
            } else {
                // The exponent bits are all ones: pick a boundary double instead.
                [
                    0.0,
                    -0.0,
                    1e21,
                    1e-7,
                    5e-324,
                    f64::MAX,
                    9_007_199_254_740_993.0,
                ][usize::from(u8::try_from(bits & 0xff).unwrap_or(0) % 7)]
            };
            Number::from_f64(double).map_or(Value::Null, Value::Number)
        }
        5 => Value::String(arbitrary_string(u)?),
        6 => {
            let len = u.arbitrary::<u8>()? % 5;
            let mut items = Vec::with_capacity(usize::from(len));
            for _ in 0..len {
                items.push(arbitrary_value(u, depth + 1)?);
            }
            Value::Array(items)
        }
        _ => {
            let len = u.arbitrary::<u8>()? % 5;
            let mut members = Map::new();
            for _ in 0..len {
                let name = arbitrary_string(u)?;
                members.insert(name, arbitrary_value(u, depth + 1)?);
            }
            Value::Object(members)
        }
    })
}

fn eight(u: &mut Unstructured<'_>) -> arbitrary::Result<[u8; 8]> {
    let mut bytes = [0u8; 8];
    u.fill_buffer(&mut bytes)?;
    Ok(bytes)
}

/// A string of up to 7 characters. Layout: a length byte (`% 8`), then per character a class
/// byte (`% 6`) and its payload: 0 printable ASCII (1 byte), 1 a control character or DEL
/// (1 byte), 2 `"` or `\` (1 byte), 3 a BMP character (2 bytes; surrogates become U+FFFD),
/// 4 U+E000–U+FFFF (1 byte; where UTF-8 and UTF-16 orders part), 5 an astral character
/// (3 bytes).
pub(super) fn arbitrary_string(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    let len = u.arbitrary::<u8>()? % 8;
    let mut s = String::new();
    for _ in 0..len {
        let class = u.arbitrary::<u8>()? % 6;
        let c = match class {
            0 => char::from(0x20 + u.arbitrary::<u8>()? % 0x5f),
            1 => {
                let b = u.arbitrary::<u8>()? % 0x21;
                char::from(if b == 0x20 { 0x7f } else { b })
            }
            2 => {
                if u.arbitrary::<bool>()? {
                    '"'
                } else {
                    '\\'
                }
            }
            3 => char::from_u32(u32::from(u.arbitrary::<u16>()?)).unwrap_or('\u{fffd}'),
            4 => char::from_u32(0xe000 + u32::from(u.arbitrary::<u8>()?) * 0x20)
                .unwrap_or('\u{fffd}'),
            _ => {
                let n = u.int_in_range(0x1_0000u32..=0x10_ffff)?;
                char::from_u32(n).unwrap_or('\u{fffd}')
            }
        };
        s.push(c);
    }
    Ok(s)
}
