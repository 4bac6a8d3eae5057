//! Reference implementations for the differential checks. Written from the RFCs, sharing no code
//! with the library: if the library and this module agree, they agree independently.

use std::fmt::Write as _;

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

/// Decodes canonical unpadded base64url (RFC 4648 §5, RFC 7515 §2): `None` for padding,
/// characters outside the alphabet, an impossible length, or non-zero trailing bits.
pub(super) fn base64url_decode(text: &[u8]) -> Option<Vec<u8>> {
    fn sextet(c: u8) -> Option<u32> {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        Some(u32::from(value))
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = (acc << 6) | sextet(c)?;
        }
        match chunk.len() {
            4 => out.extend_from_slice(&acc.to_be_bytes()[1..]),
            // 18 bits: two bytes and two zero bits.
            3 if acc.trailing_zeros() >= 2 => out.extend_from_slice(&(acc >> 2).to_be_bytes()[2..]),
            // 12 bits: one byte and four zero bits.
            2 if acc.trailing_zeros() >= 4 => out.push((acc >> 4).to_be_bytes()[3]),
            _ => return None,
        }
    }
    Some(out)
}

/// HMAC-SHA256 (RFC 2104) of `input` under `secret`, straight from the `hmac` crate.
pub(super) fn hmac_sha256(secret: &[u8], input: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(input);
    mac.finalize().into_bytes().into()
}

/// Verifies a JWS signature with `ring` directly: ECDSA P-256 `r || s` over an uncompressed
/// point, or Ed25519 over a 32-byte public key.
pub(super) fn ring_verify(
    alg: &'static dyn ring::signature::VerificationAlgorithm,
    public_key: &[u8],
    input: &[u8],
    signature: &[u8],
) -> bool {
    ring::signature::UnparsedPublicKey::new(alg, public_key)
        .verify(input, signature)
        .is_ok()
}

/// Encodes as unpadded base64url (RFC 4648 §5).
pub(super) fn base64url_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let mut group = [0u8; 4];
        group[1..=chunk.len()].copy_from_slice(chunk);
        let acc = u32::from_be_bytes(group);
        for i in 0..=chunk.len() {
            let sextet = (acc >> (18 - 6 * i)) & 63;
            out.push(char::from(ALPHABET[sextet as usize]));
        }
    }
    out
}

/// Decodes canonical padded standard base64 (RFC 4648 §4): `None` for a missing or extra `=`,
/// characters outside the alphabet, or non-zero trailing bits.
pub(super) fn base64_standard_decode(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(4) {
        return None;
    }
    let unpadded = text
        .strip_suffix(b"==")
        .or_else(|| text.strip_suffix(b"="))
        .unwrap_or(text);
    if unpadded.len() % 4 == 1 || unpadded.contains(&b'=') {
        return None;
    }
    // Same alphabet as base64url but for the last two characters.
    let url: Vec<u8> = unpadded
        .iter()
        .map(|&c| match c {
            b'+' => b'-',
            b'/' => b'_',
            b'-' | b'_' => b'!',
            c => c,
        })
        .collect();
    base64url_decode(&url)
}

/// RFC 8785 canonical form of `value`, written from the RFC: members sorted by UTF-16 code
/// units, minimal string escapes, numbers as ECMAScript writes the double.
pub(super) fn jcs(value: &Value) -> String {
    let mut out = String::new();
    jcs_into(value, &mut out);
    out
}

fn jcs_into(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&es6_number(
            n.as_f64().expect("serde_json numbers are doubles"),
        )),
        Value::String(s) => jcs_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                jcs_into(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            let mut members: Vec<_> = members.iter().collect();
            members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (name, value)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                jcs_string(name, out);
                out.push(':');
                jcs_into(value, out);
            }
            out.push('}');
        }
    }
}

/// RFC 8785 §3.2.2.2.
fn jcs_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// ECMAScript `Number::toString` of a finite double (ECMA-262 §7.1.12.1), from Rust's own float
/// formatting. Step 5 wants the fewest digits `k` that read back as the double and, among those,
/// the decimal closest to it, ties to even. `{:e}` gives a shortest form, but breaks exact ties
/// upwards; `{:.*e}` with `k` digits gives the closest `k`-digit decimal, ties to even, which may
/// not read back (next to a power of two the interval below is half as wide). The closest is
/// taken when it reads back, the shortest form otherwise.
pub(super) fn es6_number(value: f64) -> String {
    if value == 0.0 {
        return "0".into();
    }
    if value < 0.0 {
        return format!("-{}", es6_number(-value));
    }
    let shortest = format!("{value:e}");
    let k = shortest
        .split('e')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    let closest = format!("{value:.*e}", k - 1);
    let scientific = if closest.parse::<f64>() == Ok(value) {
        closest
    } else {
        shortest
    };
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("`{:e}` writes an exponent");
    let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    let k = i64::try_from(digits.len()).expect("at most 17 digits");
    // value = 0.digits × 10^n
    let n = exponent.parse::<i64>().expect("decimal exponent") + 1;
    let zeros = |count: i64| "0".repeat(usize::try_from(count).unwrap_or(0));
    let split = |at: i64| digits.split_at(usize::try_from(at).unwrap_or(0));
    if k <= n && n <= 21 {
        format!("{digits}{}", zeros(n - k))
    } else if 0 < n && n <= 21 {
        let (int, frac) = split(n);
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", zeros(-n))
    } else {
        let e = n - 1;
        let sign = if e < 0 { '-' } else { '+' };
        let (first, rest) = split(1);
        let rest = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        format!("{first}{rest}e{sign}{}", e.abs())
    }
}

/// Whether two JSON values are equal, comparing numbers as doubles (what a canonical number
/// means) and objects as sets of members.
pub(super) fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(name, v)| y.get(name).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_rfc4648_vectors_and_refuses_non_canonical_forms() {
        for (text, bytes) in [
            ("", ""),
            ("Zg", "f"),
            ("Zm8", "fo"),
            ("Zm9v", "foo"),
            ("Zm9vYg", "foob"),
            ("Zm9vYmE", "fooba"),
            ("Zm9vYmFy", "foobar"),
        ] {
            assert_eq!(
                base64url_decode(text.as_bytes()).as_deref(),
                Some(bytes.as_bytes())
            );
        }
        assert_eq!(base64url_decode(b"-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        for bad in ["Zg==", "Zh", "Zm9", "Z", "Zm9v+", "Zm/v", "Zm9vY"] {
            assert_eq!(base64url_decode(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn encodes_what_it_decodes() {
        for bytes in [&b""[..], b"f", b"fo", b"foo", b"foob", &[0xfb, 0xff]] {
            let text = base64url_encode(bytes);
            assert_eq!(base64url_decode(text.as_bytes()).as_deref(), Some(bytes));
        }
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(
            base64_standard_decode(b"+/8=").as_deref(),
            Some(&[0xfb, 0xff][..])
        );
        for bad in ["+/8", "-_8=", "+/9=", "Zg=", "Zg===", "Z===", "Zm9v===="] {
            assert_eq!(base64_standard_decode(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn writes_numbers_as_ecmascript_does() {
        // RFC 8785 Appendix B and ECMA-262 §7.1.12.1 boundaries.
        for (value, text) in [
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-1.5, "-1.5"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123_456_789_012_345_680_000.0, "123456789012345680000"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (9_007_199_254_740_992.0, "9007199254740992"),
            (0.1 + 0.2, "0.30000000000000004"),
            (333_333_333.333_333_3, "333333333.3333333"),
            (1.5e-7, "1.5e-7"),
            // An exact tie between two 17-digit decimals: the even one.
            (158_935_853_700.0 + 0.515_625, "158935853700.51562"),
            // 2^-1007: the closest 16-digit decimal (…397) does not read back.
            (2f64.powi(-1007), "7.291122019556398e-304"),
        ] {
            assert_eq!(es6_number(value), text, "{value:e}");
        }
    }

    #[test]
    fn canonicalizes_the_rfc8785_example() {
        let value: Value = serde_json::from_str(
            r#"{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],
                "string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
                "literals":[null,true,false]}"#,
        )
        .unwrap();
        assert_eq!(
            jcs(&value),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }

    #[test]
    fn computes_rfc4231_case_2() {
        let tag = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            tag[..4],
            [0x5b, 0xdc, 0xc1, 0x46],
            "RFC 4231 §4.3 HMAC-SHA-256 prefix"
        );
    }
}
