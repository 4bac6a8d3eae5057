//! RFC 8785 JSON Canonicalization Scheme (JCS): the one byte string a JSON value is signed as.
//!
//! [`canonicalize`] parses with [`json::parse_strict`] (duplicate
//! member names, RFC 8785 §3.1, are refused there) and writes the value back in the canonical
//! form of RFC 8785 §3.2:
//!
//! - no whitespace between tokens (§3.2.1);
//! - `null`, `true` and `false` as such (§3.2.2.1);
//! - strings as UTF-8, escaping only `"`, `\` and U+0000–U+001F, with the two-character forms
//!   `\b \t \n \f \r` where they exist and `\u00xx` (lower-case hex) otherwise; everything else,
//!   U+007F, U+2028 and astral characters included, is written as itself (§3.2.2.2);
//! - numbers as ECMAScript's `Number.prototype.toString` writes the IEEE-754 double
//!   (§3.2.2.3; ECMA-262 2019 §7.1.12.1);
//! - object members sorted by name, comparing names as arrays of UTF-16 code units (§3.2.3).
//!
//! Integers that `serde_json` holds exactly (`u64`, `i64`) are written as plain integers when
//! their magnitude is at most 2^53, where every integer is a double; larger ones are first
//! rounded to the nearest double, as an ECMAScript parser would, and written the way
//! ECMAScript writes that double (`18446744073709551615` becomes `18446744073709552000`).
//!
//! The writer recurses once per level of nesting, like `serde_json`'s serializer; values from
//! [`json::parse_strict`] are at most 126 levels deep.

use std::cmp::Ordering;
use std::fmt;

use serde_json::{Map, Number, Value};

use crate::json::{self, JsonError};

/// Why a byte string could not be canonicalized.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JcsError {
    /// The input is not strict JSON (RFC 8785 §3.1: it must be I-JSON, RFC 7493, without
    /// duplicate member names).
    Json(JsonError),
}

impl fmt::Display for JcsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Json(err) => write!(f, "cannot canonicalize: {err}"),
        }
    }
}

impl std::error::Error for JcsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Json(err) => Some(err),
        }
    }
}

impl From<JsonError> for JcsError {
    fn from(err: JsonError) -> Self {
        Self::Json(err)
    }
}

/// Parses `bytes` strictly and returns their RFC 8785 canonical form.
pub fn canonicalize(bytes: &[u8]) -> Result<Vec<u8>, JcsError> {
    let value = json::parse_strict(bytes)?;
    // The canonical form is rarely longer than the input: it drops whitespace and `\u` escapes
    // of printable characters, and only grows where an exponent gains its sign (`1E30` →
    // `1e+30`) or an integer beyond 2^53 its trailing zeros.
    let mut out = Vec::with_capacity(bytes.len());
    canonicalize_value_into(&value, &mut out);
    Ok(out)
}

/// Returns the RFC 8785 canonical form of `value`.
///
/// Infallible: a [`Value`] cannot hold `NaN` or an infinity, the only doubles JCS cannot write.
/// Duplicate member names cannot occur in a `Value` either; parse untrusted text with
/// [`canonicalize`] or [`json::parse_strict`] so that they are
/// refused rather than silently merged.
pub fn canonicalize_value(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(INITIAL_CAPACITY);
    canonicalize_value_into(value, &mut out);
    out
}

/// Appends the RFC 8785 canonical form of `value` to `out`.
pub fn canonicalize_value_into(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(number) => write_number(number, out),
        Value::String(string) => write_string(string, out),
        Value::Array(items) => {
            out.push(b'[');
            let mut items = items.iter();
            if let Some(first) = items.next() {
                canonicalize_value_into(first, out);
                for item in items {
                    out.push(b',');
                    canonicalize_value_into(item, out);
                }
            }
            out.push(b']');
        }
        Value::Object(members) => write_object(members, out),
    }
}

/// Starting capacity of [`canonicalize_value`]'s buffer: a typical message fits, an agent card
/// (2–4 KiB) takes one or two doublings.
const INITIAL_CAPACITY: usize = 1024;

fn write_object(members: &Map<String, Value>, out: &mut Vec<u8>) {
    out.push(b'{');
    // serde_json's default `Map` iterates in UTF-8 byte order, which is UTF-16 order unless two
    // names first differ at a character ≥ U+E000 on one side and an astral one on the other;
    // with the `preserve_order` feature it iterates in insertion order. One linear check
    // keeps the common case free of allocation and sorting.
    let mut names = members.keys();
    let sorted = names.next().is_none_or(|first| {
        let mut previous = first;
        names.all(|name| {
            let in_order = utf16_cmp(previous, name) == Ordering::Less;
            previous = name;
            in_order
        })
    });
    if sorted {
        write_members(members.iter(), out);
    } else {
        let mut entries: Vec<(&String, &Value)> = members.iter().collect();
        entries.sort_unstable_by(|a, b| utf16_cmp(a.0, b.0));
        write_members(entries.into_iter(), out);
    }
    out.push(b'}');
}

fn write_members<'v>(
    mut members: impl Iterator<Item = (&'v String, &'v Value)>,
    out: &mut Vec<u8>,
) {
    if let Some((name, value)) = members.next() {
        write_string(name, out);
        out.push(b':');
        canonicalize_value_into(value, out);
        for (name, value) in members {
            out.push(b',');
            write_string(name, out);
            out.push(b':');
            canonicalize_value_into(value, out);
        }
    }
}

/// Compares two strings as arrays of UTF-16 code units (RFC 8785 §3.2.3).
///
/// UTF-8 byte order is code point order. UTF-16 order differs from it in one way only: an
/// astral character (U+10000 and up, a surrogate pair starting 0xD800–0xDBFF) sorts *before*
/// U+E000–U+FFFF. Both strings agree up to their first differing byte, so that byte starts a
/// character in both or continues characters with the same lead byte in both; only in the
/// first case, with lead bytes 0xEE–0xEF (U+E000–U+FFFF) against 0xF0–0xF4 (astral), does the
/// order flip.
fn utf16_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    match a.iter().zip(b).find(|(x, y)| x != y) {
        None => a.len().cmp(&b.len()),
        Some((&x, &y)) => {
            let high_bmp = |lead: u8| matches!(lead, 0xEE | 0xEF);
            let astral = |lead: u8| lead >= 0xF0;
            if high_bmp(x) && astral(y) {
                Ordering::Greater
            } else if astral(x) && high_bmp(y) {
                Ordering::Less
            } else {
                x.cmp(&y)
            }
        }
    }
}

/// For each byte, the character that follows `\` in its escape, `u` for `\u00xx`, or 0 if it is
/// written as itself (RFC 8785 §3.2.2.2).
const ESCAPES: [u8; 256] = {
    let mut table = [0_u8; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

fn write_string(string: &str, out: &mut Vec<u8>) {
    let bytes = string.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // Runs of bytes that need no escape are copied in one go. Every byte that needs one is
    // ASCII, so `start` and `index` always sit on character boundaries.
    let mut start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        let escape = ESCAPES[usize::from(byte)];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..index]);
        if escape == b'u' {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX_DIGITS[usize::from(byte >> 4)],
                HEX_DIGITS[usize::from(byte & 0x0f)],
            ]);
        } else {
            out.extend_from_slice(&[b'\\', escape]);
        }
        start = index + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// 2^53: every integer of at most this magnitude is exactly a double, and ECMAScript writes
/// such a double as that integer.
const EXACT_INTEGER_LIMIT: u64 = 1 << 53;

fn write_number(number: &Number, out: &mut Vec<u8>) {
    if let Some(n) = number.as_u64() {
        if n <= EXACT_INTEGER_LIMIT {
            write_u64(n, out);
        } else {
            write_f64(to_f64(n), out);
        }
    } else if let Some(n) = number.as_i64() {
        // Negative: `as_u64` took every non-negative integer.
        if n.unsigned_abs() <= EXACT_INTEGER_LIMIT {
            if n < 0 {
                out.push(b'-');
            }
            write_u64(n.unsigned_abs(), out);
        } else {
            let magnitude = to_f64(n.unsigned_abs());
            write_f64(if n < 0 { -magnitude } else { magnitude }, out);
        }
    } else if let Some(n) = number.as_f64() {
        write_f64(n, out);
    } else {
        // Unreachable with serde_json's default features: `as_f64` is `Some` for every number.
        // With `arbitrary_precision` it is `None` for numbers beyond the range of a double,
        // which JCS cannot represent; the number's own text is the least surprising output.
        out.extend_from_slice(number.to_string().as_bytes());
    }
}

/// The double nearest to `n` (ties to even), as an ECMAScript parser reads the integer.
#[expect(
    clippy::cast_precision_loss,
    reason = "rounding to the nearest double is the point"
)]
fn to_f64(n: u64) -> f64 {
    n as f64
}

fn write_u64(mut n: u64, out: &mut Vec<u8>) {
    // u64::MAX has 20 digits.
    let mut digits = [0_u8; 20];
    let mut start = digits.len();
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        start -= 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

/// Writes a finite double as ECMAScript's `Number::toString` does (ECMA-262 2019 §7.1.12.1).
fn write_f64(value: f64, out: &mut Vec<u8>) {
    // Step 2: +0 and -0 are both "0".
    if value == 0.0 {
        out.push(b'0');
        return;
    }
    // Step 3: a negative number is "-" followed by its magnitude.
    let magnitude = if value < 0.0 {
        out.push(b'-');
        -value
    } else {
        value
    };
    let mut buffer = zmij::Buffer::new();
    Decimal::parse(buffer.format_finite(magnitude)).write_ecmascript(out);
}

/// A positive decimal `0.d₁d₂…dₖ × 10ⁿ` with `d₁ ≠ 0` and `dₖ ≠ 0`: the `s`, `k` and `n` of
/// ECMA-262 §7.1.12.1 step 5 (`s` is the digit string, `k` its length).
struct Decimal {
    /// ASCII digits; the first `len` are used. A shortest round-trip form has at most 17.
    digits: [u8; 32],
    len: u8,
    /// The decimal exponent `n`: the value is `0.digits × 10ⁿ`.
    exponent: i32,
}

impl Decimal {
    /// Reads `zmij`'s output for a positive finite double: `d…d.d…d` or `d[.d…d]e±d…`, with
    /// possibly leading zeros (`0.001234`) and trailing ones (`123.0`). Its digits, like Ryu's,
    /// are the fewest that round-trip and, among those, the closest to the double (ties to
    /// even), as step 5 requires. The reader depends only on that, not on where `zmij` switches
    /// notation.
    fn parse(text: &str) -> Self {
        let (mantissa, exponent) = match text.split_once('e') {
            Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().unwrap_or(0)),
            None => (text, 0),
        };
        let mut decimal = Self {
            digits: [0; 32],
            len: 0,
            exponent,
        };
        let mut after_point = false;
        for byte in mantissa.bytes() {
            match byte {
                b'.' => after_point = true,
                // A leading zero before the point carries no weight; after it, each shifts
                // the first significant digit one place right.
                b'0' if decimal.len == 0 && after_point => decimal.exponent -= 1,
                b'0' if decimal.len == 0 => {}
                b'0'..=b'9' => {
                    if let Some(slot) = decimal.digits.get_mut(usize::from(decimal.len)) {
                        *slot = byte;
                        decimal.len += 1;
                    }
                    if !after_point {
                        decimal.exponent += 1;
                    }
                }
                _ => {}
            }
        }
        // Trailing zeros (`100.0`) are not significant: `k` must be as small as possible.
        while decimal.len > 0 && decimal.digits[usize::from(decimal.len) - 1] == b'0' {
            decimal.len -= 1;
        }
        decimal
    }

    /// ECMA-262 2019 §7.1.12.1 steps 6–10.
    fn write_ecmascript(&self, out: &mut Vec<u8>) {
        let digits = &self.digits[..usize::from(self.len)];
        let k = i32::from(self.len);
        let n = self.exponent;
        let Some((&first, rest)) = digits.split_first() else {
            // No significant digit: not reachable for a non-zero double.
            out.push(b'0');
            return;
        };
        if k <= n && n <= 21 {
            // Step 6: an integer, the digits followed by n - k zeros.
            out.extend_from_slice(digits);
            push_zeros(n - k, out);
        } else if 0 < n && n <= 21 {
            // Step 7: the point falls inside the digits.
            let (integer, fraction) = digits.split_at(n.unsigned_abs() as usize);
            out.extend_from_slice(integer);
            out.push(b'.');
            out.extend_from_slice(fraction);
        } else if -6 < n && n <= 0 {
            // Step 8: "0." and -n zeros before the digits.
            out.extend_from_slice(b"0.");
            push_zeros(-n, out);
            out.extend_from_slice(digits);
        } else {
            // Steps 9 and 10: exponential notation, "e", an explicit sign, the exponent n - 1.
            out.push(first);
            if !rest.is_empty() {
                out.push(b'.');
                out.extend_from_slice(rest);
            }
            let exponent = n - 1;
            out.extend_from_slice(if exponent < 0 { b"e-" } else { b"e+" });
            write_u64(u64::from(exponent.unsigned_abs()), out);
        }
    }
}

fn push_zeros(count: i32, out: &mut Vec<u8>) {
    out.resize(out.len() + count.unsigned_abs() as usize, b'0');
}

#[cfg(test)]
mod tests {
    // A test fails by panicking; the house rule against `unwrap` is for library code.
    #![allow(clippy::unwrap_used)]

    use super::*;

    use serde_json::json;

    fn canonical(text: &str) -> String {
        String::from_utf8(canonicalize(text.as_bytes()).unwrap()).unwrap()
    }

    fn number(bits: u64) -> String {
        let mut out = Vec::new();
        write_f64(f64::from_bits(bits), &mut out);
        String::from_utf8(out).unwrap()
    }

    /// RFC 8785 §3.2.2: the example of how each kind of primitive is serialized.
    #[test]
    fn rfc8785_section_3_2_2_example() {
        let input = r#"{
  "numbers": [333333333.33333329, 1E30, 4.50,
              2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"#;
        assert_eq!(
            canonical(input),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }

    /// RFC 8785 §3.2.3: members sorted by UTF-16 code units (the emoji's surrogate pair
    /// d83d de00 sorts before U+FB33, although its code point is larger). `serde_json`'s map
    /// iterates U+FB33 first, so this also takes the re-sorting path.
    #[test]
    fn rfc8785_section_3_2_3_sorting_example() {
        let input = r#"{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}"#;
        let expected = concat!(
            r#"{"\r":"Carriage Return","1":"One","#,
            "\"\u{80}\":\"Control\",",
            "\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",",
            "\"\u{20ac}\":\"Euro Sign\",",
            "\"\u{1f600}\":\"Emoji: Grinning Face\",",
            "\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}",
        );
        assert_eq!(canonical(input), expected);
    }

    /// RFC 8785 §3.2.4: the output is UTF-8, and Unicode is not normalized.
    #[test]
    fn rfc8785_section_3_2_4_utf8_example() {
        let out = canonicalize(br#"{"Unnormalized Unicode":"A\u030a"}"#).unwrap();
        let expected: &[u8] = &[
            0x7b, 0x22, 0x55, 0x6e, 0x6e, 0x6f, 0x72, 0x6d, 0x61, 0x6c, 0x69, 0x7a, 0x65, 0x64,
            0x20, 0x55, 0x6e, 0x69, 0x63, 0x6f, 0x64, 0x65, 0x22, 0x3a, 0x22, 0x41, 0xcc, 0x8a,
            0x22, 0x7d,
        ];
        assert_eq!(out, expected);
    }

    /// RFC 8785 Appendix B, "Number Serialization Samples" (each also checked against
    /// `String(x)` in Node.js 20).
    #[test]
    fn rfc8785_appendix_b_number_samples() {
        let samples: &[(u64, &str)] = &[
            (0x0000_0000_0000_0000, "0"),                        // zero
            (0x8000_0000_0000_0000, "0"),                        // minus zero
            (0x0000_0000_0000_0001, "5e-324"),                   // min pos number
            (0x8000_0000_0000_0001, "-5e-324"),                  // min neg number
            (0x7fef_ffff_ffff_ffff, "1.7976931348623157e+308"),  // max pos number
            (0xffef_ffff_ffff_ffff, "-1.7976931348623157e+308"), // max neg number
            (0x4340_0000_0000_0000, "9007199254740992"),         // max pos int
            (0xc340_0000_0000_0000, "-9007199254740992"),        // max neg int
            (0x4430_0000_0000_0000, "295147905179352830000"),    // ~2**68
            (0x44b5_2d02_c7e1_4af5, "9.999999999999997e+22"),
            (0x44b5_2d02_c7e1_4af6, "1e+23"),
            (0x44b5_2d02_c7e1_4af7, "1.0000000000000001e+23"),
            (0x444b_1ae4_d6e2_ef4e, "999999999999999700000"),
            (0x444b_1ae4_d6e2_ef4f, "999999999999999900000"),
            (0x444b_1ae4_d6e2_ef50, "1e+21"),
            (0x3eb0_c6f7_a0b5_ed8c, "9.999999999999997e-7"),
            (0x3eb0_c6f7_a0b5_ed8d, "0.000001"),
            (0x41b3_de43_5555_5553, "333333333.3333332"),
            (0x41b3_de43_5555_5554, "333333333.33333325"),
            (0x41b3_de43_5555_5555, "333333333.3333333"),
            (0x41b3_de43_5555_5556, "333333333.3333334"),
            (0x41b3_de43_5555_5557, "333333333.33333343"),
            (0xbecb_f647_612f_3696, "-0.0000033333333333333333"),
            (0x4314_3ff3_c1cb_0959, "1424953923781206.2"), // round to even
        ];
        for &(bits, expected) in samples {
            assert_eq!(number(bits), expected, "{bits:016x}");
            // The same through the public API, from a `Value`.
            let value = Value::from(f64::from_bits(bits));
            assert_eq!(
                canonicalize_value(&value),
                expected.as_bytes(),
                "{bits:016x}"
            );
        }
    }

    /// Appendix B's NaN (0x7fffffffffffffff) and Infinity (0x7ff0000000000000) rows: not
    /// representable, so a `Value` cannot hold them and the parser refuses them.
    #[test]
    fn rfc8785_appendix_b_non_finite_values_cannot_be_canonicalized() {
        assert!(Number::from_f64(f64::from_bits(0x7fff_ffff_ffff_ffff)).is_none());
        assert!(Number::from_f64(f64::from_bits(0x7ff0_0000_0000_0000)).is_none());
        for text in ["NaN", "Infinity", "-Infinity", "1e309", "[-1e400]"] {
            assert!(
                matches!(canonicalize(text.as_bytes()), Err(JcsError::Json(_))),
                "{text}"
            );
        }
    }

    #[test]
    fn formats_numbers_at_the_ecmascript_notation_boundaries() {
        for (text, expected) in [
            ("1e20", "100000000000000000000"),
            ("1e21", "1e+21"),
            ("123456789012345678901", "123456789012345680000"),
            ("1.5e21", "1.5e+21"),
            ("1e-6", "0.000001"),
            ("1.5e-6", "0.0000015"),
            ("1e-7", "1e-7"),
            ("1.5e-7", "1.5e-7"),
            ("0.1", "0.1"),
            ("100", "100"),
            ("100.0", "100"),
            ("1e2", "100"),
            ("-0", "0"),
            ("-0.0", "0"),
            ("0e10", "0"),
            ("1e-400", "0"),
            ("-1.5", "-1.5"),
            ("123.456", "123.456"),
            ("1.5e300", "1.5e+300"),
            ("4.35", "4.35"),
            ("0.3", "0.3"),
            ("2.5e-5", "0.000025"),
        ] {
            assert_eq!(canonical(text), expected, "{text}");
        }
    }

    #[test]
    fn writes_integers_up_to_2_pow_53_exactly_and_larger_ones_as_doubles() {
        for (text, expected) in [
            ("0", "0"),
            ("7", "7"),
            ("-7", "-7"),
            ("9007199254740991", "9007199254740991"),
            ("9007199254740992", "9007199254740992"),
            ("-9007199254740992", "-9007199254740992"),
            // 2^53 + 1 is not a double: it rounds (to even) to 2^53.
            ("9007199254740993", "9007199254740992"),
            ("-9007199254740993", "-9007199254740992"),
            ("9007199254740995", "9007199254740996"),
            ("18446744073709551615", "18446744073709552000"),
            ("-9223372036854775808", "-9223372036854776000"),
            ("100000000000000000000000", "1e+23"),
        ] {
            assert_eq!(canonical(text), expected, "{text}");
        }
        assert_eq!(
            canonicalize_value(&json!(u64::MAX)),
            b"18446744073709552000"
        );
        assert_eq!(
            canonicalize_value(&json!(i64::MIN)),
            b"-9223372036854776000"
        );
        assert_eq!(canonicalize_value(&json!(i64::MAX)), b"9223372036854776000");
        assert_eq!(canonicalize_value(&json!(-1_i64)), b"-1");
    }

    #[test]
    fn escapes_only_quote_backslash_and_control_characters() {
        let all_controls: String = (0_u8..0x20).map(char::from).collect();
        let value = Value::String(all_controls);
        assert_eq!(
            String::from_utf8(canonicalize_value(&value)).unwrap(),
            concat!(
                r#""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e"#,
                r#"\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a"#,
                r#"\u001b\u001c\u001d\u001e\u001f""#
            )
        );
        // U+007F, U+2028, U+2029, `/`, `<` and astral characters are written as themselves.
        let literal = "\u{7f}\u{2028}\u{2029}/</script>é€😀\u{10ffff}'";
        assert_eq!(
            canonicalize_value(&json!(literal)),
            format!("\"{literal}\"").into_bytes()
        );
        assert_eq!(
            canonicalize_value(&json!("a\"b\\c")),
            br#""a\"b\\c""#.to_vec()
        );
        assert_eq!(canonical(r#""\u00e9\u002F\ud83d\ude00""#), "\"é/😀\"");
        assert_eq!(canonicalize_value(&json!("")), b"\"\"");
    }

    #[test]
    fn sorts_member_names_by_utf16_code_units() {
        let names = [
            "",
            "a",
            "aa",
            "ab",
            "b",
            "\u{7f}",
            "\u{80}",
            "\u{7ff}",
            "\u{800}",
            "\u{d7ff}",
            "\u{e000}",
            "\u{efff}",
            "\u{f000}",
            "\u{fb33}",
            "\u{ffff}",
            "\u{10000}",
            "\u{1f600}",
            "\u{10ffff}",
            "a\u{e000}",
            "a\u{10000}",
            "a\u{ffff}b",
            "a\u{ffff}",
            "\u{e000}\u{e001}",
            "\u{e000}\u{10000}",
            "\u{10000}\u{e000}",
            "\u{10001}",
        ];
        for a in names {
            for b in names {
                assert_eq!(
                    utf16_cmp(a, b),
                    a.encode_utf16().cmp(b.encode_utf16()),
                    "{a:?} vs {b:?}"
                );
            }
        }
        let members: Map<String, Value> =
            names.iter().map(|n| ((*n).to_owned(), json!(0))).collect();
        let out = String::from_utf8(canonicalize_value(&Value::Object(members))).unwrap();
        let mut expected: Vec<&str> = names.to_vec();
        expected.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
        let expected = format!(
            "{{{}}}",
            expected
                .iter()
                .map(|n| format!("\"{n}\":0"))
                .collect::<Vec<_>>()
                .join(",")
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn sorts_nested_objects_and_keeps_array_order() {
        assert_eq!(
            canonical(r#" { "b" : [ 3 , { "z" : 1 , "y" : { } } , [ ] ] , "a" : { } } "#),
            r#"{"a":{},"b":[3,{"y":{},"z":1},[]]}"#
        );
        assert_eq!(canonical("[]"), "[]");
        assert_eq!(canonical("{}"), "{}");
        assert_eq!(canonical(" true "), "true");
        assert_eq!(canonical("null"), "null");
    }

    #[test]
    fn rejects_what_strict_parsing_rejects() {
        for (text, check) in [
            (
                r#"{"a":1,"a":2}"#,
                (|e: &JsonError| matches!(e, JsonError::DuplicateKey { .. }))
                    as fn(&JsonError) -> bool,
            ),
            (r#"[{"x":{"a":1,"a":1}}]"#, |e| {
                matches!(e, JsonError::DuplicateKey { .. })
            }),
            (r#""\ud800""#, |e| matches!(e, JsonError::Syntax { .. })),
            ("[1] [2]", |e| matches!(e, JsonError::Syntax { .. })),
            ("\"\u{0}\"", |e| matches!(e, JsonError::Syntax { .. })),
        ] {
            let Err(JcsError::Json(err)) = canonicalize(text.as_bytes()) else {
                panic!("{text:?} was accepted");
            };
            assert!(check(&err), "{text:?}: {err}");
        }
        let err = canonicalize(&b"[".repeat(10_000)).unwrap_err();
        assert!(matches!(err, JcsError::Json(JsonError::TooDeep { .. })));
        assert!(
            err.to_string()
                .starts_with("cannot canonicalize: json nested deeper")
        );
        assert!(std::error::Error::source(&err).is_some());
        assert!(matches!(
            canonicalize(b"\"\xff\""),
            Err(JcsError::Json(JsonError::InvalidUtf8 { offset: 1 }))
        ));
    }

    #[test]
    fn canonical_output_is_a_fixed_point() {
        for text in [
            r#"{"numbers":[333333333.33333329,1E30,4.50,2e-3,1e-27,-0,1e21,1e-7,5e-324],"s":"\u0001\u2028é😀\"\\","o":{"\ufb33":1,"\ud83d\ude00":2,"":[{},[]]}}"#,
            "[1.7976931348623157e308,9007199254740993,18446744073709551615,-9223372036854775808]",
        ] {
            let once = canonicalize(text.as_bytes()).unwrap();
            let twice = canonicalize(&once).unwrap();
            assert_eq!(once, twice);
            // And it is valid JSON denoting the same value as the input.
            let reparsed: Value = serde_json::from_slice(&once).unwrap();
            let original: Value = serde_json::from_str(text).unwrap();
            assert_eq!(canonicalize_value(&reparsed), canonicalize_value(&original));
        }
    }

    #[test]
    fn appends_to_an_existing_buffer() {
        let mut out = b"prefix:".to_vec();
        canonicalize_value_into(&json!({"b": 1, "a": [true, null]}), &mut out);
        assert_eq!(out, br#"prefix:{"a":[true,null],"b":1}"#);
    }

    /// The ECMAScript number rules written a second way, over the standard library's correctly
    /// rounded fixed-precision digits instead of `zmij`'s shortest ones: two code paths that share
    /// nothing, compared on 200,000 doubles of every magnitude.
    ///
    /// Step 5 wants the fewest digits `k` that still round-trip, and among those the `s`
    /// closest to the double (ties to even): that is `{:.(k-1)e}` (exact, ties to even) for the
    /// least `k` whose output parses back to the same double. Round-tripping is monotonic in
    /// `k`, so a binary search finds it. This breaks down only for powers of two, whose
    /// rounding interval is lopsided (the closest `k`-digit decimal may fall outside it while a
    /// farther one falls inside), so callers skip those.
    fn reference_number(value: f64) -> String {
        if value == 0.0 {
            return "0".to_owned();
        }
        let (mut low, mut high) = (1_usize, 17_usize);
        while low < high {
            let middle = usize::midpoint(low, high);
            let text = format!("{:.*e}", middle - 1, value.abs());
            if text.parse::<f64>().unwrap().to_bits() == value.abs().to_bits() {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        let scientific = format!("{:.*e}", low - 1, value.abs());
        let sign = if value < 0.0 { "-" } else { "" };
        let (mantissa, exponent) = scientific.split_once('e').unwrap();
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let k = i32::try_from(digits.len()).unwrap();
        let n = exponent.parse::<i32>().unwrap() + 1;
        let zeros = |count: i32| "0".repeat(usize::try_from(count).unwrap());
        let body = if k <= n && n <= 21 {
            format!("{digits}{}", zeros(n - k))
        } else if 0 < n && n <= 21 {
            let (integer, fraction) = digits.split_at(usize::try_from(n).unwrap());
            format!("{integer}.{fraction}")
        } else if -6 < n && n <= 0 {
            format!("0.{}{digits}", zeros(-n))
        } else {
            let (first, rest) = digits.split_at(1);
            let point = if rest.is_empty() { "" } else { "." };
            let e = n - 1;
            let e_sign = if e < 0 { '-' } else { '+' };
            format!("{first}{point}{rest}e{e_sign}{}", e.abs())
        };
        format!("{sign}{body}")
    }

    #[test]
    fn agrees_with_an_independent_formatter_on_many_doubles() {
        let mut state: u64 = 0x853c_49e6_748f_ea9b;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for i in 0..200_000_u32 {
            let bits = match i % 4 {
                // Uniform bit patterns: mostly huge and tiny magnitudes.
                0 | 1 => next(),
                // Magnitudes around the notation boundaries 1e-7 and 1e21 and plain decimals.
                2 => (next() & 0x800f_ffff_ffff_ffff) | ((0x3e0 + next() % 0x70) << 52),
                // Subnormals and small integers.
                _ => {
                    if i % 8 == 3 {
                        next() & 0x000f_ffff_ffff_ffff
                    } else {
                        f64::from(u32::try_from(next() % 1_000_000).unwrap()).to_bits()
                    }
                }
            };
            let value = f64::from_bits(bits);
            let power_of_two = bits & 0x7ff0_0000_0000_0000 != 0 && bits.trailing_zeros() >= 52;
            if !value.is_finite() || power_of_two {
                continue;
            }
            assert_eq!(number(bits), reference_number(value), "{bits:016x}");
        }
        for n in [
            1.0_f64, 10.0, 1e20, 1e21, 1e-6, 1e-7, 0.1, 1e23, 5e-324, 1.5e300,
        ] {
            assert_eq!(number(n.to_bits()), reference_number(n));
        }
    }
}
