//! Mints the vector files of `vectors/` that are not transcribed from an RFC: our own positive and
//! negative cases, signed offline at a fixed instant with fixed keys.
//!
//! ```text
//! cargo run -p a2a-security --example gen_vectors            # rewrites vectors/jwt/*.json
//! ```
//!
//! The keys are published test keys, never secrets: the RSA key of RFC 7515 Appendix A.2, the
//! P-256 key of RFC 7515 Appendix A.3, the Ed25519 key of RFC 8037 Appendix A.1 and the HMAC key
//! of RFC 7520 §3.5. HMAC, RSASSA-PKCS1-v1_5 and Ed25519 signatures are deterministic, so
//! regenerating reproduces those tokens byte for byte; ECDSA signatures are randomised, so ES256
//! tokens change on every run (their cases stay equivalent). Tokens go through the crate's own
//! minting (`jwt::mint`, `jwt::mint_with_header`, `jwt::danger::mint_unsigned`) where it can
//! express them, and are assembled by hand here only where the point is a malformed token.

// Each `jwt_*` function is one vector file's table of cases: long by nature, and clearer whole.
#![allow(clippy::too_many_lines)]

use std::error::Error;
use std::path::{Path, PathBuf};

use a2a_security::jwk;
use a2a_security::jws::{Algorithm, SigningKey};
use a2a_security::jwt;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::Serialize;
use serde_json::{Map, Value, json};

type Result<T, E = Box<dyn Error>> = std::result::Result<T, E>;

/// The fixed instant every minted vector is valid at: 2025-06-15T15:06:40Z.
const NOW: u64 = 1_750_000_000;
const ISSUER: &str = "https://issuer.example";
const OTHER_ISSUER: &str = "https://other-issuer.example";
const AUDIENCE: &str = "https://agent.example/a2a";

fn main() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors");
    let keys = Keys::new()?;
    let jwt_dir = root.join("jwt");
    std::fs::create_dir_all(&jwt_dir)?;
    for (name, file) in [
        ("claims.json", jwt_claims(&keys)?),
        ("header.json", jwt_header(&keys)?),
        ("encoding.json", jwt_encoding(&keys)?),
        ("replay.json", jwt_replay(&keys)?),
        ("ecdsa_malleability.json", jwt_ecdsa_malleability(&keys)?),
    ] {
        write(&jwt_dir.join(name), &file)?;
    }
    Ok(())
}

// ---- output ---------------------------------------------------------------------------------

/// A vector file, members in the order `vectors/README.md` documents.
#[derive(Serialize)]
struct File {
    description: String,
    source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    now: Option<u64>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    shared: Map<String, Value>,
    cases: Vec<Case>,
}

#[derive(Serialize)]
struct Case {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(flatten)]
    inputs: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expect: Option<Value>,
}

fn write(path: &PathBuf, file: &File) -> Result<()> {
    let mut text = serde_json::to_string_pretty(file)?;
    text.push('\n');
    std::fs::write(path, text)?;
    println!("wrote {} ({} cases)", path.display(), file.cases.len());
    Ok(())
}

const VALID: &str = "valid";

fn error(variant: &str) -> Value {
    json!({ "error": variant })
}

/// A case with one `token`.
fn token_case(name: &str, note: Option<&str>, token: &str, expect: Value) -> Case {
    let mut inputs = Map::new();
    inputs.insert("token".into(), token.into());
    Case {
        name: name.into(),
        note: note.map(str::to_owned),
        inputs,
        expect: Some(expect),
    }
}

/// A case of several tokens presented in order, each with its expectation.
fn steps_case(name: &str, note: &str, steps: &[(&str, Value)]) -> Case {
    let steps: Vec<Value> = steps
        .iter()
        .map(|(token, expect)| json!({ "token": token, "expect": expect }))
        .collect();
    let mut inputs = Map::new();
    inputs.insert("steps".into(), Value::Array(steps));
    Case {
        name: name.into(),
        note: Some(note.into()),
        inputs,
        expect: None,
    }
}

// ---- keys -----------------------------------------------------------------------------------

struct Keys {
    hs: SigningKey,
    hs_jwk: Value,
    rs: SigningKey,
    es: SigningKey,
    ed: SigningKey,
}

impl Keys {
    fn new() -> Result<Self> {
        // RFC 7520 §3.5 (its `kid` replaced by ours).
        let hs_jwk = json!({
            "kty": "oct", "alg": "HS256", "use": "sig", "kid": "hs-1",
            "k": "hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg"
        });
        // RFC 7515 Appendix A.2.
        let rs = json!({
            "kty": "RSA", "alg": "RS256", "kid": "rs-1",
            "n": "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
            "e": "AQAB",
            "d": "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",
            "p": "4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",
            "q": "uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",
            "dp": "BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0",
            "dq": "h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU",
            "qi": "IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U"
        });
        // RFC 7515 Appendix A.3.
        let es = json!({
            "kty": "EC", "crv": "P-256", "kid": "es-1",
            "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
            "d": "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"
        });
        // RFC 8037 Appendix A.1.
        let ed = json!({
            "kty": "OKP", "crv": "Ed25519", "kid": "ed-1",
            "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
            "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
        });
        Ok(Self {
            hs: jwk::signing_key(&hs_jwk)?,
            hs_jwk,
            rs: jwk::signing_key(&rs)?,
            es: jwk::signing_key(&es)?,
            ed: jwk::signing_key(&ed)?,
        })
    }

    /// The verification key set: the public JWKs and the HMAC secret.
    fn jwks(&self) -> Value {
        let public = [&self.rs, &self.es, &self.ed].map(|k| k.public_jwk().unwrap_or_default());
        json!({ "keys": [self.hs_jwk.clone(), public[0], public[1], public[2]] })
    }
}

// ---- token assembly -------------------------------------------------------------------------

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(text: &str) -> Result<Vec<u8>> {
    Ok(URL_SAFE_NO_PAD.decode(text)?)
}

/// `header.payload.signature` over exactly these header and payload bytes.
fn sign_raw(key: &SigningKey, header: &[u8], payload: &[u8]) -> Result<String> {
    sign_segments(key, &b64(header), &b64(payload))
}

/// Signs already-encoded segments (which may be deliberately non-canonical).
fn sign_segments(key: &SigningKey, header: &str, payload: &str) -> Result<String> {
    let input = format!("{header}.{payload}");
    let signature = key.sign(input.as_bytes())?;
    Ok(format!("{input}.{}", b64(&signature)))
}

fn parts(token: &str) -> Result<(String, String, String)> {
    let mut it = token.split('.').map(str::to_owned);
    match (it.next(), it.next(), it.next(), it.next()) {
        (Some(h), Some(p), Some(s), None) => Ok((h, p, s)),
        _ => Err("not a compact token".into()),
    }
}

/// The claims every valid token carries, with a distinct `jti`.
fn claims(jti: &str) -> Value {
    json!({
        "iss": ISSUER,
        "sub": "client-7",
        "aud": AUDIENCE,
        "iat": NOW - 10,
        "exp": NOW + 300,
        "jti": jti,
    })
}

fn with(mut claims: Value, name: &str, value: Value) -> Value {
    claims[name] = value;
    claims
}

fn without(mut claims: Value, name: &str) -> Value {
    if let Some(object) = claims.as_object_mut() {
        object.remove(name);
    }
    claims
}

fn header(members: &Value) -> Map<String, Value> {
    members.as_object().cloned().unwrap_or_default()
}

/// A `SubjectPublicKeyInfo` PEM, as an attacker would copy it from a server's key endpoint.
fn pem(der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        lines.join("\n")
    )
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap_or_default());
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | u8::try_from(bytes.len()).unwrap_or_default());
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(content);
    out
}

fn der_uint(be: &[u8]) -> Vec<u8> {
    let start = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    let mut content = Vec::new();
    if be.get(start).is_none_or(|&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(&be[start..]);
    der(0x02, &content)
}

fn spki_rsa(jwk: &Value) -> Result<Vec<u8>> {
    let n = unb64(jwk["n"].as_str().ok_or("n")?)?;
    let e = unb64(jwk["e"].as_str().ok_or("e")?)?;
    // rsaEncryption (1.2.840.113549.1.1.1), NULL parameters.
    let algorithm = der(
        0x30,
        &[
            &der(
                0x06,
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
            )[..],
            &[0x05, 0x00],
        ]
        .concat(),
    );
    let key = der(0x30, &[der_uint(&n), der_uint(&e)].concat());
    let bits = der(0x03, &[&[0u8][..], &key].concat());
    Ok(der(0x30, &[algorithm, bits].concat()))
}

fn spki_p256(jwk: &Value) -> Result<Vec<u8>> {
    let x = unb64(jwk["x"].as_str().ok_or("x")?)?;
    let y = unb64(jwk["y"].as_str().ok_or("y")?)?;
    // id-ecPublicKey (1.2.840.10045.2.1), prime256v1 (1.2.840.10045.3.1.7).
    let algorithm = der(
        0x30,
        &[
            der(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]),
            der(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]),
        ]
        .concat(),
    );
    let point = [&[0u8, 0x04][..], &x, &y].concat();
    Ok(der(0x30, &[algorithm, der(0x03, &point)].concat()))
}

/// The order of the P-256 group.
const P256_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// `n - s` for a 32-byte big-endian `s < n`.
fn negate_mod_n(s: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = i16::from(P256_N[i]) - i16::from(s[i]) - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 256;
        }
        out[i] = u8::try_from(d).unwrap_or_default();
    }
    out
}

/// Whether `s > n / 2` ("high S").
fn is_high(s: &[u8]) -> bool {
    let mut half = [0u8; 32];
    let mut carry = 0u8;
    for (i, &b) in P256_N.iter().enumerate() {
        half[i] = (b >> 1) | (carry << 7);
        carry = b & 1;
    }
    s > &half[..]
}

/// An ES256 token and its malleated twin `(r, n - s)`, the first with a low `s`.
fn es256_pair(keys: &Keys, claims: &Value) -> Result<(String, String)> {
    loop {
        let token = jwt::mint(&keys.es, claims)?;
        let (h, p, s) = parts(&token)?;
        let sig = unb64(&s)?;
        if is_high(&sig[32..]) {
            continue; // re-sign (ECDSA is randomised) until the original has a low s
        }
        let twin = [&sig[..32], &negate_mod_n(&sig[32..])[..]].concat();
        return Ok((token, format!("{h}.{p}.{}", b64(&twin))));
    }
}

/// The `r || s` signature as DER (`SEQUENCE { INTEGER r, INTEGER s }`), which JWS forbids.
fn ecdsa_der(sig: &[u8]) -> Vec<u8> {
    der(0x30, &[der_uint(&sig[..32]), der_uint(&sig[32..])].concat())
}

/// The same bytes encoded with a non-zero trailing bit: the last character carries unused bits
/// when the length is not a multiple of 3, and flipping the lowest of them leaves the decoded
/// bytes unchanged under a lenient decoder.
fn with_trailing_bit(segment: &str) -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    if segment.len().is_multiple_of(4) {
        return None;
    }
    let last = *segment.as_bytes().last()?;
    let index = ALPHABET.iter().position(|&c| c == last)?;
    let mut out = segment[..segment.len() - 1].to_owned();
    out.push(char::from(ALPHABET[index ^ 1]));
    Some(out)
}

/// The JSON text padded with spaces (still the same JSON) until its base64url form has
/// trailing bits.
fn with_unused_bits(json: &str) -> String {
    let mut text = json.to_owned();
    while text.len().is_multiple_of(3) {
        text.push(' ');
    }
    text
}

// ---- jwt ------------------------------------------------------------------------------------

fn jwt_shared(keys: &Keys, validation: &Value) -> Map<String, Value> {
    let mut shared = Map::new();
    shared.insert("keys".into(), keys.jwks());
    shared.insert("validation".into(), validation.clone());
    shared
}

fn policy() -> Value {
    json!({ "issuers": [ISSUER], "audiences": [AUDIENCE] })
}

const KEYS_SOURCE: &str = "Minted by security/examples/gen_vectors.rs at now = 1750000000 with the published test keys of RFC 7520 §3.5 (HS256, kid hs-1), RFC 7515 A.2 (RS256, kid rs-1), RFC 7515 A.3 (ES256, kid es-1) and RFC 8037 A.1 (EdDSA, kid ed-1).";

fn jwt_claims(keys: &Keys) -> Result<File> {
    let hs = |claims: &Value| jwt::mint(&keys.hs, claims);
    let c = claims;
    let raw_payload = |payload: &str| {
        sign_raw(
            &keys.hs,
            br#"{"alg":"HS256","kid":"hs-1"}"#,
            payload.as_bytes(),
        )
    };
    let cases = vec![
        token_case("valid-hs256", None, &hs(&c("c-1"))?, VALID.into()),
        token_case(
            "valid-rs256",
            None,
            &jwt::mint(&keys.rs, &c("c-2"))?,
            VALID.into(),
        ),
        token_case(
            "valid-es256",
            None,
            &jwt::mint(&keys.es, &c("c-3"))?,
            VALID.into(),
        ),
        token_case(
            "valid-eddsa",
            None,
            &jwt::mint(&keys.ed, &c("c-4"))?,
            VALID.into(),
        ),
        token_case(
            "valid-aud-array",
            Some("aud may be an array; one accepted audience suffices (RFC 7519 §4.1.3)."),
            &hs(&with(
                c("c-5"),
                "aud",
                json!(["https://other.example", AUDIENCE]),
            ))?,
            VALID.into(),
        ),
        token_case(
            "valid-fractional-exp",
            Some("NumericDate may be fractional (RFC 7519 §2)."),
            &hs(&with(c("c-6"), "exp", json!(1_750_000_300.5)))?,
            VALID.into(),
        ),
        token_case(
            "expired",
            Some("exp 61 s ago: past the 60 s leeway."),
            &hs(&with(c("c-7"), "exp", json!(NOW - 61)))?,
            error("Expired"),
        ),
        token_case(
            "expired-at-leeway-boundary",
            Some("exp + leeway == now: not accepted \"on or after\" exp (RFC 7519 §4.1.4)."),
            &hs(&with(c("c-8"), "exp", json!(NOW - 60)))?,
            error("Expired"),
        ),
        token_case(
            "exp-within-leeway",
            Some("exp 59 s ago: inside the 60 s leeway."),
            &hs(&with(c("c-9"), "exp", json!(NOW - 59)))?,
            VALID.into(),
        ),
        token_case(
            "not-yet-valid",
            Some("nbf 61 s ahead: past the leeway."),
            &hs(&with(c("c-10"), "nbf", json!(NOW + 61)))?,
            error("NotYetValid"),
        ),
        token_case(
            "nbf-within-leeway",
            Some("nbf 60 s ahead: inside the leeway."),
            &hs(&with(c("c-11"), "nbf", json!(NOW + 60)))?,
            VALID.into(),
        ),
        token_case(
            "issued-in-future",
            Some("iat 61 s ahead: past the leeway."),
            &hs(&with(c("c-12"), "iat", json!(NOW + 61)))?,
            error("IssuedInFuture"),
        ),
        token_case(
            "wrong-aud",
            None,
            &hs(&with(c("c-13"), "aud", json!("https://evil.example")))?,
            error("WrongAudience"),
        ),
        token_case(
            "wrong-aud-array",
            None,
            &hs(&with(
                c("c-14"),
                "aud",
                json!(["https://a.example", "https://b.example"]),
            ))?,
            error("WrongAudience"),
        ),
        token_case(
            "missing-aud",
            None,
            &hs(&without(c("c-15"), "aud"))?,
            error(r#"MissingClaim("aud")"#),
        ),
        token_case(
            "wrong-iss",
            None,
            &hs(&with(c("c-16"), "iss", json!("https://evil.example")))?,
            error("WrongIssuer"),
        ),
        token_case(
            "missing-iss",
            None,
            &hs(&without(c("c-17"), "iss"))?,
            error(r#"MissingClaim("iss")"#),
        ),
        token_case(
            "missing-exp",
            Some("exp is required by default (a token without one never expires)."),
            &hs(&without(c("c-18"), "exp"))?,
            error(r#"MissingClaim("exp")"#),
        ),
        token_case(
            "exp-as-string",
            None,
            &hs(&with(c("c-19"), "exp", json!("1750000300")))?,
            error("Malformed(Claims)"),
        ),
        token_case(
            "exp-negative",
            None,
            &hs(&with(c("c-20"), "exp", json!(-1)))?,
            error("Malformed(Claims)"),
        ),
        token_case(
            "aud-as-number",
            None,
            &hs(&with(c("c-21"), "aud", json!(7)))?,
            error("Malformed(Claims)"),
        ),
        token_case(
            "claims-not-an-object",
            Some("Correctly signed; the payload is a JSON array."),
            &raw_payload("[]")?,
            error("Malformed(Claims)"),
        ),
        token_case(
            "claims-with-trailing-data",
            Some("Correctly signed; a second JSON value follows the claims object."),
            &raw_payload(&format!("{} {{}}", c("c-22")))?,
            error("Malformed(Claims)"),
        ),
        token_case(
            "claims-with-byte-order-mark",
            Some(
                "Correctly signed; the payload starts with U+FEFF, which JSON does not allow (RFC 8259 §8.1).",
            ),
            &raw_payload(&format!("\u{feff}{}", c("c-23")))?,
            error("Malformed(Claims)"),
        ),
        token_case(
            "claims-not-utf8",
            Some("Correctly signed; the payload has a 0xFF byte inside a string."),
            &sign_raw(
                &keys.hs,
                br#"{"alg":"HS256","kid":"hs-1"}"#,
                &[&br#"{"exp":1750000300,"sub":""#[..], &[0xff], br#""}"#].concat(),
            )?,
            error("Malformed(Claims)"),
        ),
    ];
    Ok(File {
        description: "JWT claim validation (RFC 7519 §4.1) at a fixed now: exp, nbf and iat with the default 60 s leeway and its boundaries, iss and aud against the accepted values, exp required by default, claim types, and a payload that is not a single JSON object. All tokens are correctly signed; only the claims differ.".into(),
        source: KEYS_SOURCE.into(),
        now: Some(NOW),
        shared: jwt_shared(keys, &policy()),
        cases,
    })
}

fn jwt_header(keys: &Keys) -> Result<File> {
    let c = claims;
    let with_header = |key: &SigningKey, members: Value, claims: &Value| {
        jwt::mint_with_header(key, &header(&members), claims)
    };
    let unsigned_with = |alg: &str| -> String {
        format!(
            "{}.{}.",
            b64(json!({"alg": alg, "typ": "JWT"}).to_string().as_bytes()),
            b64(c("h-0").to_string().as_bytes())
        )
    };
    let raw_header = |header: &str, jti: &str| {
        sign_raw(&keys.hs, header.as_bytes(), c(jti).to_string().as_bytes())
    };

    // Algorithm confusion: an HS256 token whose HMAC key is the public key an attacker can
    // download, in the forms libraries have been tricked into using (CVE-2015-9235, CVE-2016-10555).
    let rsa_pem = pem(&spki_rsa(&keys.rs.public_jwk().unwrap_or_default())?);
    let ec_pem = pem(&spki_p256(&keys.es.public_jwk().unwrap_or_default())?);
    let confused = |secret: &[u8], kid: Option<&str>, jti: &str| -> Result<String> {
        let key = SigningKey::hmac(Algorithm::HS256, secret)?;
        let key = match kid {
            Some(kid) => key.with_kid(kid),
            None => key,
        };
        Ok(jwt::mint(&key, &c(jti))?)
    };
    let attacker = SigningKey::generate(Algorithm::ES256)?;
    let attacker_jwk = attacker.public_jwk().unwrap_or_default();

    let cases = vec![
        token_case(
            "alg-none",
            Some("RFC 7519 §6.1 unsecured JWT (jwt::danger::mint_unsigned)."),
            &jwt::danger::mint_unsigned(&c("h-1")),
            error("Unsigned"),
        ),
        token_case(
            "alg-none-uppercase",
            Some("\"NONE\": libraries that compared case-insensitively accepted it."),
            &unsigned_with("NONE"),
            error("Unsigned"),
        ),
        token_case(
            "alg-none-mixed-case",
            None,
            &unsigned_with("nOnE"),
            error("Unsigned"),
        ),
        token_case(
            "alg-none-with-signature",
            Some("alg none followed by a (valid HS256) MAC: still unsigned."),
            &raw_header(r#"{"alg":"none","kid":"hs-1"}"#, "h-2")?,
            error("Unsigned"),
        ),
        token_case(
            "alg-lowercase",
            Some("Algorithm names are case-sensitive (RFC 7515 §4.1.1)."),
            &raw_header(r#"{"alg":"hs256","kid":"hs-1"}"#, "h-3")?,
            error("UnsupportedAlgorithm"),
        ),
        token_case(
            "alg-unsupported",
            None,
            &raw_header(r#"{"alg":"ES512","kid":"hs-1"}"#, "h-4")?,
            error("UnsupportedAlgorithm"),
        ),
        token_case(
            "alg-missing",
            None,
            &raw_header(r#"{"typ":"JWT","kid":"hs-1"}"#, "h-5")?,
            error("Malformed(Header)"),
        ),
        token_case(
            "alg-not-a-string",
            None,
            &raw_header(r#"{"alg":256,"kid":"hs-1"}"#, "h-6")?,
            error("Malformed(Header)"),
        ),
        token_case(
            "algorithm-confusion-rsa-pem-as-hmac-key",
            Some(
                "HS256, kid of the RS256 key, MAC keyed with that key's public PEM: the kid's key is bound to RS256.",
            ),
            &confused(rsa_pem.as_bytes(), Some("rs-1"), "h-7")?,
            error("AlgorithmMismatch"),
        ),
        token_case(
            "algorithm-confusion-ec-pem-as-hmac-key",
            Some("HS256, kid of the ES256 key, MAC keyed with that key's public PEM."),
            &confused(ec_pem.as_bytes(), Some("es-1"), "h-8")?,
            error("AlgorithmMismatch"),
        ),
        token_case(
            "algorithm-confusion-rsa-modulus-as-hmac-key",
            Some("HS256, kid of the RS256 key, MAC keyed with the raw modulus bytes."),
            &confused(
                &unb64(
                    keys.rs.public_jwk().unwrap_or_default()["n"]
                        .as_str()
                        .unwrap_or_default(),
                )?,
                Some("rs-1"),
                "h-9",
            )?,
            error("AlgorithmMismatch"),
        ),
        token_case(
            "algorithm-confusion-without-kid",
            Some(
                "HS256 keyed with the RSA PEM and no kid: the only HS256 key is the real secret, which does not verify it.",
            ),
            &confused(rsa_pem.as_bytes(), None, "h-10")?,
            error("BadSignature"),
        ),
        token_case(
            "kid-of-another-algorithm",
            Some("A genuine ES256 signature presented with the RS256 key's kid."),
            &with_header(&keys.es, json!({"kid": "rs-1"}), &c("h-11"))?,
            error("AlgorithmMismatch"),
        ),
        token_case(
            "unknown-kid",
            None,
            &with_header(&keys.hs, json!({"kid": "hs-2"}), &c("h-12"))?,
            error("UnknownKey"),
        ),
        token_case(
            "embedded-jwk-ignored",
            Some(
                "Signed by an attacker's key that the header carries as \"jwk\" (CVE-2018-0114): keys come only from the configured set, whose ES256 key does not verify it.",
            ),
            &jwt::mint_with_header(
                &attacker,
                &header(&json!({"jwk": attacker_jwk})),
                &c("h-13"),
            )?,
            error("BadSignature"),
        ),
        token_case(
            "jku-ignored",
            Some(
                "A \"jku\" pointing at an attacker's key set is not fetched: the kid is simply unknown.",
            ),
            &jwt::mint_with_header(
                &attacker.with_kid("attacker-1"),
                &header(&json!({"jku": "https://attacker.example/jwks.json"})),
                &c("h-14"),
            )?,
            error("UnknownKey"),
        ),
        token_case(
            "crit",
            Some("No critical extension is understood, so any crit is refused (RFC 7515 §4.1.11)."),
            &with_header(
                &keys.hs,
                json!({"crit": ["exp"], "exp": NOW + 300}),
                &c("h-15"),
            )?,
            error("UnsupportedCritical"),
        ),
        token_case(
            "crit-empty",
            Some("An empty crit list is itself invalid (RFC 7515 §4.1.11)."),
            &with_header(&keys.hs, json!({"crit": []}), &c("h-16"))?,
            error("UnsupportedCritical"),
        ),
        token_case(
            "b64-false",
            Some("RFC 7797 unencoded payload, without crit."),
            &with_header(&keys.hs, json!({"b64": false}), &c("h-17"))?,
            error("UnencodedPayload"),
        ),
        token_case(
            "b64-false-with-crit",
            Some("As RFC 7797 requires it: crit is checked first."),
            &with_header(&keys.hs, json!({"b64": false, "crit": ["b64"]}), &c("h-18"))?,
            error("UnsupportedCritical"),
        ),
        token_case(
            "b64-true",
            Some("b64 true is the default encoding (RFC 7797 §3)."),
            &with_header(&keys.hs, json!({"b64": true}), &c("h-19"))?,
            VALID.into(),
        ),
        token_case(
            "duplicate-kid",
            Some("Correctly signed; \"kid\" appears twice."),
            &raw_header(r#"{"alg":"HS256","kid":"hs-1","kid":"hs-1"}"#, "h-20")?,
            error("DuplicateMember(Header)"),
        ),
        token_case(
            "duplicate-alg",
            Some(
                "Correctly signed; \"alg\" is \"none\" then \"HS256\": a parser keeping the last value would accept.",
            ),
            &raw_header(r#"{"alg":"none","alg":"HS256","kid":"hs-1"}"#, "h-21")?,
            error("DuplicateMember(Header)"),
        ),
        token_case(
            "duplicate-unknown-member",
            None,
            &raw_header(r#"{"alg":"HS256","kid":"hs-1","x":1,"x":2}"#, "h-22")?,
            error("DuplicateMember(Header)"),
        ),
        token_case(
            "header-not-an-object",
            None,
            &raw_header(r#""HS256""#, "h-23")?,
            error("Malformed(Header)"),
        ),
    ];
    Ok(File {
        description: "JOSE header handling of the JWT validator: alg none in any case (RFC 8725 §3.1), case-sensitive and supported algorithms only, algorithm confusion (an HS256 MAC keyed with a public key, presented under that key's kid: every key is bound to one algorithm), unknown kid, embedded keys (jwk, jku) never used, crit and b64=false refused, duplicate member names refused.".into(),
        source: format!("{KEYS_SOURCE} The attacker key of embedded-jwk-ignored and jku-ignored is random, generated on each run."),
        now: Some(NOW),
        shared: jwt_shared(keys, &policy()),
        cases,
    })
}

fn jwt_encoding(keys: &Keys) -> Result<File> {
    let c = claims;
    let hs = |jti: &str| jwt::mint(&keys.hs, &c(jti));
    let (hdr, pay, sig) = parts(&hs("e-1")?)?;
    let mac = unb64(&sig)?;
    let (_, p_other, _) = parts(&hs("e-2")?)?;
    let (rh, rp, rs) = parts(&jwt::mint(&keys.rs, &c("e-3"))?)?;
    let mut rs_sig = unb64(&rs)?;
    if let Some(last) = rs_sig.last_mut() {
        *last ^= 1;
    }
    let (eh, ep, es) = parts(&jwt::mint(&keys.es, &c("e-4"))?)?;
    let es_sig = unb64(&es)?;
    let header_json = with_unused_bits(r#"{"alg":"HS256","kid":"hs-1"}"#);
    let claims_json = with_unused_bits(&c("e-5").to_string());
    // A MAC whose base64url has a `-` or `_` to rewrite in the standard alphabet.
    let mut attempt = 0;
    let url_only = loop {
        attempt += 1;
        let token = hs(&format!("e-6-{attempt}"))?;
        if parts(&token)?.2.contains(['-', '_']) {
            break token;
        }
    };
    let (uh, up, us) = parts(&url_only)?;
    // Exactly the maximum length (8192 bytes), and one byte more.
    let (at_max, over_max) = max_length_pair(keys)?;

    let cases = vec![
        token_case("valid-baseline", Some("The token the next cases alter."), &format!("{hdr}.{pay}.{sig}"), VALID.into()),
        token_case("tampered-payload", Some("The payload of another token (other jti), signature kept."), &format!("{hdr}.{p_other}.{sig}"), error("BadSignature")),
        token_case(
            "tampered-header",
            Some("A member (\"x\": 1) added to the header, signature kept."),
            &format!("{}.{pay}.{sig}", b64(br#"{"alg":"HS256","kid":"hs-1","typ":"JWT","x":1}"#)),
            error("BadSignature"),
        ),
        token_case("truncated-mac", Some("The first 16 of the MAC's 32 bytes."), &format!("{hdr}.{pay}.{}", b64(&mac[..16])), error("BadSignature")),
        token_case("empty-signature", None, &format!("{hdr}.{pay}."), error("BadSignature")),
        token_case("rsa-signature-bit-flipped", None, &format!("{rh}.{rp}.{}", b64(&rs_sig)), error("BadSignature")),
        token_case("ecdsa-signature-truncated", Some("63 of the 64 bytes of r || s."), &format!("{eh}.{ep}.{}", b64(&es_sig[..63])), error("BadSignature")),
        token_case(
            "ecdsa-signature-der",
            Some("The same ECDSA signature DER-encoded: JWS requires the fixed-width r || s form (RFC 7518 §3.4)."),
            &format!("{eh}.{ep}.{}", b64(&ecdsa_der(&es_sig))),
            error("BadSignature"),
        ),
        token_case("padded-signature", Some("base64url padding is not allowed (RFC 7515 §2)."), &format!("{hdr}.{pay}.{sig}="), error("BadEncoding(Signature)")),
        token_case(
            "padded-header",
            Some("Signed over the padded segment, so only the padding is wrong."),
            &sign_segments(&keys.hs, &format!("{}=", b64(header_json.as_bytes())), &b64(c("e-7").to_string().as_bytes()))?,
            error("BadEncoding(Header)"),
        ),
        token_case(
            "padded-payload",
            Some("Signed over the padded segment, so only the padding is wrong."),
            &sign_segments(&keys.hs, &b64(header_json.as_bytes()), &format!("{}=", b64(claims_json.as_bytes())))?,
            error("BadEncoding(Claims)"),
        ),
        token_case(
            "non-canonical-signature",
            Some("A non-zero unused bit in the last character: the same bytes under a lenient decoder, a second encoding of one signature."),
            &format!("{hdr}.{pay}.{}", with_trailing_bit(&sig).ok_or("no unused bits")?),
            error("BadEncoding(Signature)"),
        ),
        token_case(
            "non-canonical-header",
            Some("A non-zero unused bit in the header segment; signed over that exact segment."),
            &sign_segments(&keys.hs, &with_trailing_bit(&b64(header_json.as_bytes())).ok_or("no unused bits")?, &b64(c("e-8").to_string().as_bytes()))?,
            error("BadEncoding(Header)"),
        ),
        token_case(
            "non-canonical-payload",
            Some("A non-zero unused bit in the payload segment; signed over that exact segment."),
            &sign_segments(&keys.hs, &b64(header_json.as_bytes()), &with_trailing_bit(&b64(claims_json.as_bytes())).ok_or("no unused bits")?)?,
            error("BadEncoding(Claims)"),
        ),
        token_case(
            "standard-base64-alphabet",
            Some("The MAC in the standard alphabet (+ and / for - and _)."),
            &format!("{uh}.{up}.{}", us.replace('-', "+").replace('_', "/")),
            error("BadEncoding(Signature)"),
        ),
        token_case("trailing-newline", None, &format!("{hdr}.{pay}.{sig}\n"), error("BadEncoding(Signature)")),
        token_case("bearer-prefix", Some("The Authorization scheme is the caller's to strip."), &format!("Bearer {hdr}.{pay}.{sig}"), error("BadEncoding(Header)")),
        token_case("two-segments", None, &format!("{hdr}.{pay}"), error("NotCompact")),
        token_case("five-segments", Some("The shape of a JWE."), &format!("{hdr}.{pay}.{sig}.{sig}.{sig}"), error("NotCompact")),
        token_case("empty-token", None, "", error("NotCompact")),
        token_case("at-max-length", Some("Exactly 8192 bytes, the default maximum."), &at_max, VALID.into()),
        token_case("oversized", Some("8193 bytes: refused before any parsing."), &over_max, error("TooLarge")),
        token_case(
            "duplicate-claim",
            Some("Correctly signed; \"sub\" appears twice."),
            &sign_raw(&keys.hs, br#"{"alg":"HS256","kid":"hs-1"}"#, format!(r#"{{"iss":"{ISSUER}","aud":"{AUDIENCE}","exp":{},"sub":"alice","sub":"mallory"}}"#, NOW + 300).as_bytes())?,
            error("DuplicateMember(Claims)"),
        ),
        token_case(
            "duplicate-exp",
            Some("Correctly signed; an expired exp then a fresh one: a parser keeping the last value would accept."),
            &sign_raw(&keys.hs, br#"{"alg":"HS256","kid":"hs-1"}"#, format!(r#"{{"iss":"{ISSUER}","aud":"{AUDIENCE}","exp":{},"exp":{}}}"#, NOW - 3600, NOW + 300).as_bytes())?,
            error("DuplicateMember(Claims)"),
        ),
        token_case(
            "duplicate-claim-escaped",
            Some("Correctly signed; \"sub\" and \"s\\u0075b\" are the same name once unescaped."),
            &sign_raw(&keys.hs, br#"{"alg":"HS256","kid":"hs-1"}"#, format!(r#"{{"iss":"{ISSUER}","aud":"{AUDIENCE}","exp":{},"sub":"alice","s\u0075b":"mallory"}}"#, NOW + 300).as_bytes())?,
            error("DuplicateMember(Claims)"),
        ),
        token_case(
            "duplicate-nested-claim",
            Some("Correctly signed; a duplicate inside a private claim's object."),
            &sign_raw(&keys.hs, br#"{"alg":"HS256","kid":"hs-1"}"#, format!(r#"{{"iss":"{ISSUER}","aud":"{AUDIENCE}","exp":{},"ctx":{{"role":"user","role":"admin"}}}}"#, NOW + 300).as_bytes())?,
            error("DuplicateMember(Claims)"),
        ),
    ];
    Ok(File {
        description: "The compact serialization, strictly: signatures over the exact received bytes (tampering, truncation, DER instead of r || s), canonical unpadded base64url only (padding, non-zero unused bits and the standard alphabet are second encodings of the same bytes and are refused), exactly three segments, a maximum length, and duplicate claim names refused at any depth.".into(),
        source: KEYS_SOURCE.into(),
        now: Some(NOW),
        shared: jwt_shared(keys, &policy()),
        cases,
    })
}

/// A valid HS256 token of exactly 8192 bytes, and one of 8193.
fn max_length_pair(keys: &Keys) -> Result<(String, String)> {
    let make = |pad: usize, spaces: usize| -> Result<String> {
        let claims = with(claims("e-max"), "pad", json!("a".repeat(pad)));
        let header = format!(r#"{{"alg":"HS256","kid":"hs-1"}}{}"#, " ".repeat(spaces));
        sign_raw(&keys.hs, header.as_bytes(), claims.to_string().as_bytes())
    };
    let mut found = (None, None);
    for spaces in 0..3 {
        for pad in 5900..6100 {
            let token = make(pad, spaces)?;
            match token.len() {
                8192 if found.0.is_none() => found.0 = Some(token),
                8193 if found.1.is_none() => found.1 = Some(token),
                _ => {}
            }
        }
    }
    match found {
        (Some(at), Some(over)) => Ok((at, over)),
        _ => Err("no padding gives exactly 8192 and 8193 bytes".into()),
    }
}

fn jwt_replay(keys: &Keys) -> Result<File> {
    let c = claims;
    let hs = |claims: &Value| jwt::mint(&keys.hs, claims);
    let first = hs(&c("r-1"))?;
    let same_jti = hs(&with(c("r-2"), "sub", json!("client-8")))?;
    let same_jti_first = hs(&c("r-2"))?;
    let (h, _, s) = parts(&hs(&c("r-3"))?)?;
    let (_, p3, _) = parts(&hs(&with(c("r-3"), "sub", json!("mallory")))?)?;
    let tampered = format!("{h}.{p3}.{s}");
    let genuine = hs(&c("r-3"))?;
    let expired = hs(&with(c("r-4"), "exp", json!(NOW - 120)))?;
    let fresh = hs(&c("r-4"))?;
    let (es, twin) = es256_pair(keys, &c("r-5"))?;
    let cases = vec![
        steps_case(
            "replayed-jti",
            "The same token twice.",
            &[(&first, VALID.into()), (&first, error("Replayed"))],
        ),
        steps_case(
            "replayed-jti-in-another-token",
            "Two different tokens (other sub) with the same iss and jti.",
            &[
                (&same_jti_first, VALID.into()),
                (&same_jti, error("Replayed")),
            ],
        ),
        token_case(
            "missing-jti",
            Some("With replay detection on, jti is required."),
            &hs(&without(c("r-6"), "jti"))?,
            error(r#"MissingClaim("jti")"#),
        ),
        steps_case(
            "same-jti-other-issuer",
            "A jti is unique per issuer (RFC 7519 §4.1.7): the id recorded is iss + jti.",
            &[
                (&hs(&c("r-7"))?, VALID.into()),
                (
                    &hs(&with(c("r-7"), "iss", json!(OTHER_ISSUER)))?,
                    VALID.into(),
                ),
            ],
        ),
        steps_case(
            "rejected-token-does-not-consume-jti",
            "A forged token carrying a jti must not burn it: ids are recorded only after every other check passed.",
            &[
                (&tampered, error("BadSignature")),
                (&genuine, VALID.into()),
                (&genuine, error("Replayed")),
            ],
        ),
        steps_case(
            "expired-token-does-not-consume-jti",
            "An expired token is refused for expiry and its jti is not recorded.",
            &[(&expired, error("Expired")), (&fresh, VALID.into())],
        ),
        steps_case(
            "ecdsa-twin-replayed",
            "The malleated ES256 twin (r, n - s) of an accepted token carries the same jti: replay detection keys on jti, so the twin is a replay.",
            &[(&es, VALID.into()), (&twin, error("Replayed"))],
        ),
    ];
    Ok(File {
        description: "Replay detection (Validator::with_replay_store): a jti is accepted once per issuer while its token is valid, is required when detection is on, and is recorded only for tokens that passed every other check. Each case gets a fresh replay cache; steps are presented in order to one validator.".into(),
        source: KEYS_SOURCE.into(),
        now: Some(NOW),
        shared: jwt_shared(
            keys,
            &json!({ "issuers": [ISSUER, OTHER_ISSUER], "audiences": [AUDIENCE], "replay": true }),
        ),
        cases,
    })
}

fn jwt_ecdsa_malleability(keys: &Keys) -> Result<File> {
    let (low, high) = es256_pair(keys, &claims("m-1"))?;
    let cases = vec![
        token_case(
            "es256-low-s",
            Some("A genuine ES256 token whose s is at most n/2."),
            &low,
            VALID.into(),
        ),
        token_case(
            "es256-high-s-twin",
            Some("The same token with (r, n - s): s above n/2, same r, same header and payload."),
            &high,
            VALID.into(),
        ),
    ];
    Ok(File {
        description: "ECDSA signature malleability. If (r, s) is a valid ECDSA signature, so is (r, n - s). Decision: both are ACCEPTED, as every mainstream JOSE library and Wycheproof do (JWS does not require low-s). It is safe because nothing in this crate keys on signature bytes: replay detection keys on iss + jti, so a twin of a used token is a replay (see jwt/replay.json, ecdsa-twin-replayed).".into(),
        source: format!("{KEYS_SOURCE} ES256 signatures are randomised; the generator re-signs until the original has a low s and derives the high-s twin from it."),
        now: Some(NOW),
        shared: jwt_shared(keys, &policy()),
        cases,
    })
}
