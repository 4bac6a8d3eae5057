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
use std::sync::Arc;

use a2a_security::jwk;
use a2a_security::jws::{Algorithm, SigningKey};
use a2a_security::{FixedClock, ReplayCache};
use a2a_security::{card, integrity, jwt, webhook};
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
    let files = [
        ("jwt/claims.json", jwt_claims(&keys)?),
        ("jwt/header.json", jwt_header(&keys)?),
        ("jwt/encoding.json", jwt_encoding(&keys)?),
        ("jwt/replay.json", jwt_replay(&keys)?),
        (
            "jwt/ecdsa_malleability.json",
            jwt_ecdsa_malleability(&keys)?,
        ),
        ("integrity/requests.json", integrity_requests()?),
        ("integrity/responses.json", integrity_responses()?),
        ("webhook/deliveries.json", webhook_deliveries()?),
        (
            "webhook/jwt-deliveries.json",
            webhook_jwt_deliveries(&keys)?,
        ),
        ("card/signatures.json", card_signatures(&keys)?),
        ("card/as-served.json", card_as_served(&keys)?),
    ];
    for (name, file) in files {
        let path = root.join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        write(&path, &file)?;
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
        let [rs, es, ed] = Self::private_jwks();
        Ok(Self {
            hs: jwk::signing_key(&hs_jwk)?,
            hs_jwk,
            rs: jwk::signing_key(&rs)?,
            es: jwk::signing_key(&es)?,
            ed: jwk::signing_key(&ed)?,
        })
    }

    /// The private JWKs of the asymmetric test keys: RS256, ES256, `EdDSA`.
    fn private_jwks() -> [Value; 3] {
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
        [rs, es, ed]
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

// ---- integrity ------------------------------------------------------------------------------

const INTEGRITY_SOURCE: &str = "Minted by security/examples/gen_vectors.rs at now = 1750000000 with two test keys: client-a (primary), secret 202122...3f, and client-b, secret 404142...5f (32 bytes each, hex in shared.keys).";

fn integrity_secret(first: u8) -> Vec<u8> {
    (first..first + 32).collect()
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        use std::fmt::Write as _;
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// The headers of a request signed by `key_id` at `timestamp`, as a JSON object.
fn mi_request(
    key_id: &str,
    secret: &[u8],
    timestamp: u64,
    method: &str,
    path: &str,
    message_id: &str,
    body: &str,
) -> Result<Map<String, Value>> {
    let key = integrity::IntegrityKey::new(key_id, secret)?;
    let signer = integrity::Signer::new(key, FixedClock::new(timestamp));
    let headers = signer.sign_request(method, path, message_id, body.as_bytes())?;
    Ok(headers
        .iter()
        .map(|(name, value)| (name.to_owned(), Value::from(value)))
        .collect())
}

fn request_case(
    name: &str,
    note: Option<&str>,
    method: &str,
    path: &str,
    headers: &Map<String, Value>,
    body: &str,
    expect: Value,
) -> Case {
    let mut inputs = Map::new();
    inputs.insert(
        "request".into(),
        json!({ "method": method, "path": path, "headers": headers, "body": body }),
    );
    Case {
        name: name.into(),
        note: note.map(str::to_owned),
        inputs,
        expect: Some(expect),
    }
}

fn altered(headers: &Map<String, Value>, name: &str, value: Option<&str>) -> Map<String, Value> {
    let mut headers = headers.clone();
    match value {
        Some(value) => headers.insert(name.into(), value.into()),
        None => headers.remove(name),
    };
    headers
}

fn jsonrpc(id: u32) -> String {
    format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"SendMessage","params":{{"message":{{"role":"ROLE_USER","messageId":"m-{id}","parts":[{{"text":"hello"}}]}}}}}}"#
    )
}

fn integrity_requests() -> Result<File> {
    let (a, b) = (integrity_secret(0x20), integrity_secret(0x40));
    let sign =
        |key: &str, secret: &[u8], at: u64, method: &str, path: &str, id: &str, body: &str| {
            mi_request(key, secret, at, method, path, id, body)
        };
    let body = jsonrpc(1);
    let good = sign("client-a", &a, NOW - 5, "POST", "/a2a", "msg-1", &body)?;
    let sig = good["X-Message-HMAC"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let tag = unb64(&sig)?;
    let hmac_name = "X-Message-HMAC";
    let mut attempt = 0;
    let url_only = loop {
        attempt += 1;
        let headers = sign(
            "client-a",
            &a,
            NOW,
            "POST",
            "/a2a",
            &format!("msg-alphabet-{attempt}"),
            &body,
        )?;
        if headers[hmac_name]
            .as_str()
            .unwrap_or_default()
            .contains(['-', '_'])
        {
            break headers;
        }
    };
    let std_alphabet = url_only[hmac_name]
        .as_str()
        .unwrap_or_default()
        .replace('-', "+")
        .replace('_', "/");
    let case = |name: &str, note: &str, headers: &Map<String, Value>, expect: Value| {
        request_case(name, Some(note), "POST", "/a2a", headers, &body, expect)
    };
    let mut cases = vec![
        case(
            "valid",
            "Signed by the primary key 5 s ago.",
            &good,
            VALID.into(),
        ),
        request_case(
            "valid-get-with-query",
            Some("A GET with a query and an empty body."),
            "GET",
            "/a2a/v1/tasks?state=working&page=2",
            &sign(
                "client-a",
                &a,
                NOW,
                "GET",
                "/a2a/v1/tasks?state=working&page=2",
                "msg-2",
                "",
            )?,
            "",
            VALID.into(),
        ),
        case(
            "valid-second-key",
            "Signed by client-b, named in X-Message-Key-ID (key rotation).",
            &sign("client-b", &b, NOW, "POST", "/a2a", "msg-3", &body)?,
            VALID.into(),
        ),
        case(
            "valid-at-max-age",
            "Timestamp exactly 300 s old: the window includes its ends.",
            &sign("client-a", &a, NOW - 300, "POST", "/a2a", "msg-4", &body)?,
            VALID.into(),
        ),
        case(
            "valid-at-max-skew",
            "Timestamp exactly 60 s ahead.",
            &sign("client-a", &a, NOW + 60, "POST", "/a2a", "msg-5", &body)?,
            VALID.into(),
        ),
        case(
            "primary-key-implied",
            "No X-Message-Key-ID: the primary key (client-a) verifies.",
            &altered(
                &sign("client-a", &a, NOW, "POST", "/a2a", "msg-6", &body)?,
                "X-Message-Key-ID",
                None,
            ),
            VALID.into(),
        ),
        case(
            "second-key-not-named",
            "Signed by client-b without naming it: checked against the primary key.",
            &altered(
                &sign("client-b", &b, NOW, "POST", "/a2a", "msg-7", &body)?,
                "X-Message-Key-ID",
                None,
            ),
            error("BadSignature"),
        ),
        request_case(
            "tampered-body",
            Some("The body of another request, headers kept."),
            "POST",
            "/a2a",
            &good,
            &jsonrpc(2),
            error("BadSignature"),
        ),
        request_case(
            "tampered-method",
            Some("Signed as POST, received as PUT."),
            "PUT",
            "/a2a",
            &good,
            &body,
            error("BadSignature"),
        ),
        request_case(
            "tampered-path",
            Some("Signed for /a2a, received for /a2a/admin."),
            "POST",
            "/a2a/admin",
            &good,
            &body,
            error("BadSignature"),
        ),
        request_case(
            "query-reordered",
            Some("The request target is signed as sent: no normalisation of the query."),
            "GET",
            "/a2a/v1/tasks?page=2&state=working",
            &sign(
                "client-a",
                &a,
                NOW,
                "GET",
                "/a2a/v1/tasks?state=working&page=2",
                "msg-8",
                "",
            )?,
            "",
            error("BadSignature"),
        ),
        request_case(
            "path-percent-decoded",
            Some("Signed as /a2a/%7Eops, received decoded as /a2a/~ops: no percent-decoding."),
            "POST",
            "/a2a/~ops",
            &sign("client-a", &a, NOW, "POST", "/a2a/%7Eops", "msg-9", &body)?,
            &body,
            error("BadSignature"),
        ),
        case(
            "wrong-secret",
            "Signed under the id client-a with another secret.",
            &sign("client-a", &b, NOW, "POST", "/a2a", "msg-10", &body)?,
            error("BadSignature"),
        ),
        case(
            "unknown-key-id",
            "client-z is not in the key set.",
            &sign("client-z", &a, NOW, "POST", "/a2a", "msg-11", &body)?,
            error("UnknownKey"),
        ),
        case(
            "malformed-key-id",
            "A space is not allowed in a key id.",
            &altered(&good, "X-Message-Key-ID", Some("client a")),
            error("MalformedHeader(KeyId)"),
        ),
        case(
            "stale",
            "301 s old: beyond the 300 s window.",
            &sign("client-a", &a, NOW - 301, "POST", "/a2a", "msg-12", &body)?,
            error("StaleTimestamp"),
        ),
        case(
            "future",
            "61 s ahead: beyond the 60 s skew.",
            &sign("client-a", &a, NOW + 61, "POST", "/a2a", "msg-13", &body)?,
            error("FutureTimestamp"),
        ),
        case(
            "timestamp-changed",
            "The timestamp moved by one second, signature kept.",
            &altered(&good, "X-Message-Timestamp", Some(&(NOW - 4).to_string())),
            error("BadSignature"),
        ),
        case(
            "timestamp-leading-zero",
            "One instant, one spelling: no leading zero.",
            &altered(&good, "X-Message-Timestamp", Some(&format!("0{}", NOW - 5))),
            error("MalformedHeader(Timestamp)"),
        ),
        case(
            "timestamp-fractional",
            "Whole seconds only.",
            &altered(
                &good,
                "X-Message-Timestamp",
                Some(&format!("{}.0", NOW - 5)),
            ),
            error("MalformedHeader(Timestamp)"),
        ),
        case(
            "wrong-algorithm",
            "v1 defines HMAC-SHA256 only.",
            &altered(&good, "X-Message-HMAC-Algorithm", Some("HMAC-SHA512")),
            error("UnsupportedAlgorithm"),
        ),
        case(
            "algorithm-lower-case",
            "Values are case-sensitive.",
            &altered(&good, "X-Message-HMAC-Algorithm", Some("hmac-sha256")),
            error("UnsupportedAlgorithm"),
        ),
        case(
            "missing-algorithm",
            "",
            &altered(&good, "X-Message-HMAC-Algorithm", None),
            error("MissingHeader(Algorithm)"),
        ),
        case(
            "missing-message-id",
            "",
            &altered(&good, "X-Message-ID", None),
            error("MissingHeader(MessageId)"),
        ),
        case(
            "missing-timestamp",
            "",
            &altered(&good, "X-Message-Timestamp", None),
            error("MissingHeader(Timestamp)"),
        ),
        case(
            "missing-hmac",
            "",
            &altered(&good, hmac_name, None),
            error("MissingHeader(Signature)"),
        ),
        case(
            "truncated-mac",
            "The first 16 bytes of the tag: the header must be the 43 characters of a full tag.",
            &altered(&good, hmac_name, Some(&b64(&tag[..16]))),
            error("MalformedHeader(Signature)"),
        ),
        case(
            "padded-mac",
            "base64url padding is not allowed.",
            &altered(&good, hmac_name, Some(&format!("{sig}="))),
            error("MalformedHeader(Signature)"),
        ),
        case(
            "non-canonical-mac",
            "A non-zero unused bit in the last character: a second spelling of the same tag.",
            &altered(
                &good,
                hmac_name,
                Some(&with_trailing_bit(&sig).ok_or("no unused bits")?),
            ),
            error("MalformedHeader(Signature)"),
        ),
        case(
            "standard-alphabet-mac",
            "The tag in the standard base64 alphabet.",
            &altered(&url_only, hmac_name, Some(&std_alphabet)),
            error("MalformedHeader(Signature)"),
        ),
        case(
            "hex-mac",
            "The tag in hex.",
            &altered(&good, hmac_name, Some(&hex_string(&tag))),
            error("MalformedHeader(Signature)"),
        ),
        case(
            "message-id-with-space",
            "",
            &altered(&good, "X-Message-ID", Some("msg 1")),
            error("MalformedHeader(MessageId)"),
        ),
        case(
            "message-id-repeated",
            "The header sent twice, joined by the HTTP stack as a list.",
            &altered(&good, "X-Message-ID", Some("msg-1, msg-1")),
            error("MalformedHeader(MessageId)"),
        ),
        request_case(
            "invalid-method",
            None,
            "PO ST",
            "/a2a",
            &good,
            &body,
            error("InvalidMethod"),
        ),
        request_case(
            "path-not-origin-form",
            Some("An absolute URI is not the origin form."),
            "POST",
            "https://agent.example/a2a",
            &good,
            &body,
            error("InvalidPath"),
        ),
        request_case(
            "path-with-fragment",
            None,
            "POST",
            "/a2a#x",
            &good,
            &body,
            error("InvalidPath"),
        ),
    ];
    let replayed = sign("client-a", &a, NOW - 1, "POST", "/a2a", "msg-20", &body)?;
    let forged = altered(&replayed, hmac_name, Some(&b64(&[0u8; 32])));
    let request = |headers: &Map<String, Value>| json!({ "method": "POST", "path": "/a2a", "headers": headers, "body": body });
    let steps = |name: &str, note: &str, steps: Vec<(Value, Value)>| {
        let steps: Vec<Value> = steps
            .into_iter()
            .map(|(r, e)| json!({ "request": r, "expect": e }))
            .collect();
        let mut inputs = Map::new();
        inputs.insert("steps".into(), Value::Array(steps));
        Case {
            name: name.into(),
            note: Some(note.into()),
            inputs,
            expect: None,
        }
    };
    cases.push(steps(
        "replayed",
        "The same request twice within the window.",
        vec![
            (request(&replayed), VALID.into()),
            (request(&replayed), error("Replayed")),
        ],
    ));
    cases.push(steps(
        "forged-request-does-not-consume-id",
        "A forged request carrying a message id must not burn it: ids are recorded only after the signature verified.",
        vec![(request(&forged), error("BadSignature")), (request(&replayed), VALID.into()), (request(&replayed), error("Replayed"))],
    ));
    cases.push(steps(
        "same-message-id-other-key",
        "Message ids are unique per key.",
        vec![
            (
                request(&sign("client-a", &a, NOW, "POST", "/a2a", "msg-21", &body)?),
                VALID.into(),
            ),
            (
                request(&sign("client-b", &b, NOW, "POST", "/a2a", "msg-21", &body)?),
                VALID.into(),
            ),
        ],
    ));
    let mut shared = Map::new();
    shared.insert(
        "keys".into(),
        json!([
            { "id": "client-a", "secret": hex_string(&a) },
            { "id": "client-b", "secret": hex_string(&b) },
        ]),
    );
    Ok(File {
        description: "Agent-side verification of message-integrity/v1 requests (docs/extensions/message-integrity.md §7): the key set and its primary key, the 300 s window and 60 s skew with their ends, the signature over method, request target (as sent, never normalised), timestamp, message id and raw body, strict header syntax (one spelling per value: no padding, no other alphabet, no truncation, no leading zero), missing headers, and replay of message ids.".into(),
        source: INTEGRITY_SOURCE.into(),
        now: Some(NOW),
        shared,
        cases,
    })
}

fn integrity_responses() -> Result<File> {
    let (a, b) = (integrity_secret(0x20), integrity_secret(0x40));
    let body = jsonrpc(1);
    let answer = r#"{"jsonrpc":"2.0","id":1,"result":{"id":"task-1","contextId":"ctx-1","status":{"state":"TASK_STATE_WORKING"}}}"#;
    let sent_at = NOW - 2;
    // The agent verifies the request, then answers it one second later.
    let clock = Arc::new(FixedClock::new(sent_at));
    let verifier = integrity::Verifier::new(
        [
            integrity::IntegrityKey::new("client-a", &a)?,
            integrity::IntegrityKey::new("client-b", &b)?,
        ],
        ReplayCache::new(16),
        Arc::clone(&clock),
        integrity::Window::DEFAULT,
    )?;
    let request_headers = mi_request("client-a", &a, sent_at, "POST", "/a2a", "req-1", &body)?;
    let text = |name: &str| {
        request_headers[name]
            .as_str()
            .unwrap_or_default()
            .as_bytes()
            .to_vec()
    };
    let (id, ts, mac) = (
        text("X-Message-ID"),
        text("X-Message-Timestamp"),
        text("X-Message-HMAC"),
    );
    let received = integrity::IntegrityHeaders {
        message_id: Some(&id),
        timestamp: Some(&ts),
        signature: Some(&mac),
        algorithm: Some(integrity::ALGORITHM.as_bytes()),
        key_id: Some(b"client-a"),
    };
    let admitted = verifier.verify_request("POST", "/a2a", received, body.as_bytes())?;
    clock.set(sent_at + 1);
    let response: Map<String, Value> = verifier
        .sign_response(&admitted, 200, "resp-1", answer.as_bytes())?
        .iter()
        .map(|(name, value)| (name.to_owned(), Value::from(value)))
        .collect();
    let sent = json!({ "key_id": "client-a", "method": "POST", "path": "/a2a", "message_id": "req-1", "timestamp": sent_at, "body": body });
    let case = |name: &str,
                note: &str,
                now: u64,
                sent: &Value,
                status: u16,
                headers: &Map<String, Value>,
                body: &str,
                expect: Value| {
        let mut inputs = Map::new();
        inputs.insert("now".into(), now.into());
        inputs.insert("sent".into(), sent.clone());
        inputs.insert(
            "response".into(),
            json!({ "status": status, "headers": headers, "body": body }),
        );
        Case {
            name: name.into(),
            note: Some(note.into()),
            inputs,
            expect: Some(expect),
        }
    };
    let read_at = sent_at + 1;
    let cases = vec![
        case(
            "response-valid",
            "The signed answer to req-1, read one second after sending.",
            read_at,
            &sent,
            200,
            &response,
            answer,
            VALID.into(),
        ),
        case(
            "response-without-key-id",
            "No X-Message-Key-ID: the request's key.",
            read_at,
            &sent,
            200,
            &altered(&response, "X-Message-Key-ID", None),
            answer,
            VALID.into(),
        ),
        case(
            "response-other-status",
            "Presented with status 500: the status is signed.",
            read_at,
            &sent,
            500,
            &response,
            answer,
            error("BadSignature"),
        ),
        case(
            "response-tampered-body",
            "",
            read_at,
            &sent,
            200,
            &response,
            &answer.replace("WORKING", "COMPLETED"),
            error("BadSignature"),
        ),
        case(
            "response-to-another-request",
            "Read as the answer to req-2: a response is bound to the request it answers.",
            read_at,
            &with(sent.clone(), "message_id", json!("req-2")),
            200,
            &response,
            answer,
            error("BadSignature"),
        ),
        case(
            "response-other-key-id",
            "A response naming another key than the request's.",
            read_at,
            &sent,
            200,
            &altered(&response, "X-Message-Key-ID", Some("client-b")),
            answer,
            error("UnknownKey"),
        ),
        case(
            "response-stale",
            "Read 302 s after it was signed.",
            read_at + 301,
            &sent,
            200,
            &response,
            answer,
            error("StaleTimestamp"),
        ),
        case(
            "response-missing-hmac",
            "",
            read_at,
            &sent,
            200,
            &altered(&response, "X-Message-HMAC", None),
            answer,
            error("MissingHeader(Signature)"),
        ),
    ];
    let mut shared = Map::new();
    shared.insert(
        "keys".into(),
        json!([
            { "id": "client-a", "secret": hex_string(&a) },
            { "id": "client-b", "secret": hex_string(&b) },
        ]),
    );
    Ok(File {
        description: "Client-side verification of signed responses (docs/extensions/message-integrity.md §8): a response is bound to its status, its body and the message id of the request it answers, under the request's key, within the window. The agent signed it with Verifier::sign_response after verifying the request.".into(),
        source: INTEGRITY_SOURCE.into(),
        now: Some(NOW),
        shared,
        cases,
    })
}

// ---- webhook --------------------------------------------------------------------------------

fn whsec(first: u8) -> String {
    let bytes: Vec<u8> = (first..first + 32).collect();
    format!("whsec_{}", STANDARD.encode(bytes))
}

fn delivery(headers: &Map<String, Value>, body: &str) -> Value {
    json!({ "headers": headers, "body": body })
}

fn delivery_case(
    name: &str,
    note: &str,
    headers: &Map<String, Value>,
    body: &str,
    expect: Value,
) -> Case {
    let mut inputs = Map::new();
    inputs.insert("delivery".into(), delivery(headers, body));
    Case {
        name: name.into(),
        note: (!note.is_empty()).then(|| note.to_owned()),
        inputs,
        expect: Some(expect),
    }
}

fn webhook_deliveries() -> Result<File> {
    let (current, old, other) = (whsec(0x60), whsec(0x80), whsec(0xa0));
    let secret = |text: &str| webhook::WebhookSecret::parse(text);
    let sign = |secrets: &[&str], id: &str, at: u64, body: &str| -> Result<Map<String, Value>> {
        let mut signer = webhook::WebhookSigner::new(secret(secrets[0])?);
        for s in &secrets[1..] {
            signer = signer.with_secret(secret(s)?);
        }
        Ok(signer
            .sign(id, at, body.as_bytes())?
            .iter()
            .map(|(name, value)| (name.to_owned(), Value::from(value)))
            .collect())
    };
    let body = r#"{"statusUpdate":{"taskId":"task-1","contextId":"ctx-1","status":{"state":"TASK_STATE_COMPLETED"}}}"#;
    let good = sign(&[&current], "evt-1", NOW - 5, body)?;
    let sig = good["webhook-signature"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let value = sig.trim_start_matches("v1,").to_owned();
    let tag = STANDARD.decode(&value)?;
    let sig_name = "webhook-signature";
    let mut attempt = 0;
    let with_plus = loop {
        attempt += 1;
        let headers = sign(&[&current], &format!("evt-alphabet-{attempt}"), NOW, body)?;
        if headers[sig_name].as_str().unwrap_or_default()[3..].contains(['+', '/']) {
            break headers;
        }
    };
    let url_alphabet = with_plus[sig_name]
        .as_str()
        .unwrap_or_default()
        .replace('+', "-")
        .replace('/', "_");
    let standard_trailing = {
        // A 32-byte value ends in one `=` and its last data character has two unused bits.
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let data = value.trim_end_matches('=');
        let last = *data.as_bytes().last().ok_or("empty")?;
        let index = ALPHABET
            .iter()
            .position(|&c| c == last)
            .ok_or("not base64")?;
        format!(
            "v1,{}{}=",
            &data[..data.len() - 1],
            char::from(ALPHABET[index ^ 1])
        )
    };
    let sha512 = {
        use sha2::{Digest as _, Sha512};
        STANDARD.encode(Sha512::digest(body.as_bytes()))
    };
    let mut cases = vec![
        delivery_case(
            "valid",
            "Signed with the current secret 5 s ago.",
            &good,
            body,
            VALID.into(),
        ),
        delivery_case(
            "valid-at-tolerance",
            "Exactly 300 s old: the tolerance includes its end.",
            &sign(&[&current], "evt-2", NOW - 300, body)?,
            body,
            VALID.into(),
        ),
        delivery_case(
            "valid-ahead-within-tolerance",
            "300 s ahead.",
            &sign(&[&current], "evt-3", NOW + 300, body)?,
            body,
            VALID.into(),
        ),
        delivery_case(
            "valid-signed-with-old-secret",
            "Secret rotation: the receiver holds both secrets.",
            &sign(&[&old], "evt-4", NOW, body)?,
            body,
            VALID.into(),
        ),
        delivery_case(
            "valid-two-entries",
            "The sender signs with both secrets during a rotation: one entry each.",
            &sign(&[&other, &current], "evt-5", NOW, body)?,
            body,
            VALID.into(),
        ),
        delivery_case(
            "valid-header-names-capitalised",
            "Field names are case-insensitive.",
            &good
                .iter()
                .map(|(k, v)| (k.replace("webhook", "Webhook"), v.clone()))
                .collect(),
            body,
            VALID.into(),
        ),
        delivery_case(
            "tampered-body",
            "One character of the body changed.",
            &good,
            &body.replace("COMPLETED", "FAILED"),
            error("NoMatchingSignature"),
        ),
        delivery_case(
            "body-reserialized",
            "The same JSON with spaces: the signature covers raw bytes.",
            &good,
            &body.replace(':', ": "),
            error("NoMatchingSignature"),
        ),
        delivery_case(
            "wrong-secret",
            "Signed with a secret the receiver does not hold.",
            &sign(&[&other], "evt-6", NOW, body)?,
            body,
            error("NoMatchingSignature"),
        ),
        delivery_case(
            "id-changed",
            "Another webhook-id, signature kept.",
            &altered(&good, "webhook-id", Some("evt-1b")),
            body,
            error("NoMatchingSignature"),
        ),
        delivery_case(
            "timestamp-changed",
            "The timestamp moved by one second, signature kept.",
            &altered(&good, "webhook-timestamp", Some(&(NOW - 4).to_string())),
            body,
            error("NoMatchingSignature"),
        ),
        delivery_case(
            "stale",
            "301 s old.",
            &sign(&[&current], "evt-7", NOW - 301, body)?,
            body,
            error("StaleTimestamp"),
        ),
        delivery_case(
            "future",
            "301 s ahead.",
            &sign(&[&current], "evt-8", NOW + 301, body)?,
            body,
            error("FutureTimestamp"),
        ),
        delivery_case(
            "timestamp-leading-zero",
            "",
            &altered(&good, "webhook-timestamp", Some(&format!("0{}", NOW - 5))),
            body,
            error("MalformedHeader(Timestamp)"),
        ),
        delivery_case(
            "timestamp-in-milliseconds",
            "Milliseconds read as seconds are far in the future.",
            &altered(&good, "webhook-timestamp", Some(&format!("{}000", NOW - 5))),
            body,
            error("FutureTimestamp"),
        ),
        delivery_case(
            "missing-id",
            "",
            &altered(&good, "webhook-id", None),
            body,
            error("MissingHeader(Id)"),
        ),
        delivery_case(
            "missing-timestamp",
            "",
            &altered(&good, "webhook-timestamp", None),
            body,
            error("MissingHeader(Timestamp)"),
        ),
        delivery_case(
            "missing-signature",
            "",
            &altered(&good, sig_name, None),
            body,
            error("MissingHeader(Signature)"),
        ),
        delivery_case(
            "id-with-dot",
            "A \".\" in the id would let a body prefix move into the id with the same signed bytes: refused.",
            &altered(&good, "webhook-id", Some("evt.1")),
            body,
            error("MalformedHeader(Id)"),
        ),
        delivery_case(
            "truncated-signature",
            "The first 16 bytes of the tag.",
            &altered(
                &good,
                sig_name,
                Some(&format!("v1,{}", STANDARD.encode(&tag[..16]))),
            ),
            body,
            error("MalformedHeader(Signature)"),
        ),
        delivery_case(
            "unpadded-signature",
            "The v1 value is padded standard base64.",
            &altered(&good, sig_name, Some(sig.trim_end_matches('='))),
            body,
            error("MalformedHeader(Signature)"),
        ),
        delivery_case(
            "url-safe-alphabet-signature",
            "The v1 value in the base64url alphabet.",
            &altered(&with_plus, sig_name, Some(&url_alphabet)),
            body,
            error("MalformedHeader(Signature)"),
        ),
        delivery_case(
            "non-canonical-signature",
            "A non-zero unused bit before the padding.",
            &altered(&good, sig_name, Some(&standard_trailing)),
            body,
            error("MalformedHeader(Signature)"),
        ),
        delivery_case(
            "sha512-sized-signature",
            "A 64-byte value is not an HMAC-SHA256 tag.",
            &altered(&good, sig_name, Some(&format!("v1,{sha512}"))),
            body,
            error("MalformedHeader(Signature)"),
        ),
        delivery_case(
            "two-spaces-between-entries",
            "",
            &altered(&good, sig_name, Some(&format!("{sig}  {sig}"))),
            body,
            error("MalformedHeader(Signature)"),
        ),
        delivery_case(
            "only-other-versions",
            "Only a v1a (Ed25519) entry: nothing this verifier checks.",
            &altered(
                &good,
                sig_name,
                Some(&format!("v1a,{}", STANDARD.encode([7u8; 64]))),
            ),
            body,
            error("NoSupportedSignature"),
        ),
        delivery_case(
            "signature-without-version",
            "",
            &altered(&good, sig_name, Some(&value)),
            body,
            error("MalformedHeader(Signature)"),
        ),
    ];
    let replay = sign(&[&current], "evt-20", NOW - 10, body)?;
    let retry = sign(&[&current], "evt-20", NOW, body)?;
    let forged = altered(
        &replay,
        sig_name,
        Some(&format!("v1,{}", STANDARD.encode([0u8; 32]))),
    );
    let steps = |name: &str, note: &str, steps: Vec<(&Map<String, Value>, Value)>| {
        let steps: Vec<Value> = steps
            .into_iter()
            .map(|(h, e)| json!({ "delivery": delivery(h, body), "expect": e }))
            .collect();
        let mut inputs = Map::new();
        inputs.insert("steps".into(), Value::Array(steps));
        Case {
            name: name.into(),
            note: Some(note.into()),
            inputs,
            expect: None,
        }
    };
    cases.push(steps(
        "replayed",
        "The same delivery twice.",
        vec![(&replay, VALID.into()), (&replay, error("Replayed"))],
    ));
    cases.push(steps(
        "retry-with-same-id",
        "A sender's retry keeps the webhook-id with a fresh timestamp: within the tolerance it is reported as Replayed (the receiver answers 2xx: already handled).",
        vec![(&replay, VALID.into()), (&retry, error("Replayed"))],
    ));
    cases.push(steps(
        "forged-delivery-does-not-consume-id",
        "Ids are recorded only after the signature verified.",
        vec![
            (&forged, error("NoMatchingSignature")),
            (&replay, VALID.into()),
        ],
    ));
    let mut shared = Map::new();
    shared.insert("secrets".into(), json!([current, old]));
    Ok(File {
        description: "Standard Webhooks signature verification (webhook-id, webhook-timestamp, webhook-signature: v1 HMAC-SHA256 over id.timestamp.body) with the default 300 s tolerance both ways: secret rotation, raw-body signing, strict header syntax (padded standard base64 of exactly 32 bytes, no other spelling), ids without \".\", unknown versions ignored, and replayed ids.".into(),
        source: "Minted by security/examples/gen_vectors.rs at now = 1750000000 with test secrets of 32 bytes 60 61 ... 7f (current) and 80 81 ... 9f (old), both held by the receiver, and a + 0x40 ... (unknown to it).".into(),
        now: Some(NOW),
        shared,
        cases,
    })
}

fn webhook_jwt_deliveries(keys: &Keys) -> Result<File> {
    const URL: &str = "https://client.example/webhooks/a2a";
    const AGENT: &str = "https://agent.example";
    let clock: Arc<dyn a2a_security::Clock> = Arc::new(FixedClock::new(NOW - 5));
    let signer = |key: &SigningKey| -> Result<webhook::JwtDeliverySigner> {
        Ok(webhook::JwtDeliverySigner::new(
            jwk::signing_key(&key_jwk(key)?)?,
            AGENT,
            300,
            Arc::clone(&clock),
        ))
    };
    let es = signer(&keys.es)?;
    let body = r#"{"statusUpdate":{"taskId":"task-1","status":{"state":"TASK_STATE_COMPLETED"}}}"#;
    let token = es.sign(URL, "dlv-1", Some("task-1"), body.as_bytes())?;
    let case = |name: &str, note: &str, header: Value, body: &str, expect: Value| {
        let mut inputs = Map::new();
        inputs.insert("bearer".into(), header);
        inputs.insert("body".into(), body.into());
        Case {
            name: name.into(),
            note: (!note.is_empty()).then(|| note.to_owned()),
            inputs,
            expect: Some(expect),
        }
    };
    let no_hash = jwt::mint(
        &keys.es,
        &json!({"iss": AGENT, "aud": URL, "iat": NOW - 5, "exp": NOW + 295, "jti": "dlv-2"}),
    )?;
    let other_url = es.sign("https://evil.example/hook", "dlv-3", None, body.as_bytes())?;
    let old_clock: Arc<dyn a2a_security::Clock> = Arc::new(FixedClock::new(NOW - 400));
    let old = webhook::JwtDeliverySigner::new(
        jwk::signing_key(&key_jwk(&keys.es)?)?,
        AGENT,
        3600,
        old_clock,
    )
    .sign(URL, "dlv-4", None, body.as_bytes())?;
    let rs = signer(&keys.rs)?.sign(URL, "dlv-5", None, body.as_bytes())?;
    let cases = vec![
        case(
            "valid-es256",
            "Signed with the agent's ES256 key.",
            format!("Bearer {token}").into(),
            body,
            VALID.into(),
        ),
        case(
            "valid-rs256",
            "",
            format!("Bearer {rs}").into(),
            body,
            VALID.into(),
        ),
        case(
            "valid-scheme-lower-case",
            "Auth schemes are case-insensitive (RFC 9110 §11.1).",
            format!("bearer {token}").into(),
            body,
            VALID.into(),
        ),
        case(
            "body-changed",
            "The token binds the SHA-256 of the exact body.",
            format!("Bearer {token}").into(),
            &body.replace("COMPLETED", "FAILED"),
            error("BodyHashMismatch"),
        ),
        case(
            "no-body-hash-claim",
            "A valid token of the agent without body_sha256.",
            format!("Bearer {no_hash}").into(),
            body,
            error("MissingBodyHash"),
        ),
        case(
            "token-for-another-webhook",
            "aud is another URL.",
            format!("Bearer {other_url}").into(),
            body,
            error("Token/WrongAudience"),
        ),
        case(
            "token-too-old",
            "iat 400 s ago, beyond the 300 s tolerance, though exp is later.",
            format!("Bearer {old}").into(),
            body,
            error("Token/TooOld"),
        ),
        case(
            "unsigned-token",
            "",
            format!(
                "Bearer {}",
                jwt::danger::mint_unsigned(&json!({"iss": AGENT, "aud": URL}))
            )
            .into(),
            body,
            error("Token/Unsigned"),
        ),
        case(
            "basic-scheme",
            "",
            format!("Basic {token}").into(),
            body,
            error("WrongScheme"),
        ),
        case(
            "scheme-only",
            "",
            "Bearer".into(),
            body,
            error("MalformedAuthorization"),
        ),
        case(
            "missing-authorization",
            "",
            Value::Null,
            body,
            error("MissingAuthorization"),
        ),
    ];
    let mut shared = Map::new();
    shared.insert(
        "jwt".into(),
        json!({ "keys": keys.jwks(), "issuer": AGENT, "webhook_url": URL }),
    );
    Ok(File {
        description: "JWT-signed push-notification deliveries (Authorization: Bearer <jwt>, the A2A push-notification JWT + JWKS flow): the token is validated strictly (issuer, audience = the webhook URL, iat within 300 s, exp, jti) and its body_sha256 claim must match the exact body received.".into(),
        source: format!("{KEYS_SOURCE} Tokens minted with webhook::JwtDeliverySigner (and jwt::mint for the token without body_sha256)."),
        now: Some(NOW),
        shared,
        cases,
    })
}

/// The private JWK a test key was loaded from (signing keys cannot be cloned).
fn key_jwk(key: &SigningKey) -> Result<Value> {
    let public = key.public_jwk().ok_or("no public form")?;
    let kid = public["kid"].as_str().unwrap_or_default();
    Keys::private_jwks()
        .into_iter()
        .find(|k| k["kid"] == kid)
        .ok_or_else(|| format!("no private jwk for {kid}").into())
}

// ---- card -----------------------------------------------------------------------------------

/// An A2A 1.0 agent card holding default-valued fields that the §8.4.1 payload drops
/// (`tenant: ""`, `examples: []`, empty `description` and `list`), unsigned.
fn agent_card() -> Value {
    json!({
        "name": "Recipe Agent",
        "description": "Finds recipes and plans meals.",
        "supportedInterfaces": [
            {"url": "https://agent.example/a2a", "protocolBinding": "JSONRPC", "protocolVersion": "1.0", "tenant": ""}
        ],
        "provider": {"organization": "Example Org", "url": "https://example.org"},
        "version": "1.2.0",
        "capabilities": {"streaming": true, "pushNotifications": false},
        "securitySchemes": {
            "bearer": {"httpAuthSecurityScheme": {"scheme": "Bearer", "bearerFormat": "JWT", "description": ""}}
        },
        "securityRequirements": [{"schemes": {"bearer": {"list": []}}}],
        "defaultInputModes": ["text/plain"],
        "defaultOutputModes": ["text/plain", "application/json"],
        "skills": [
            {"id": "find-recipe", "name": "Find recipe", "description": "Finds a recipe for a dish.", "tags": ["cooking"], "examples": []}
        ]
    })
}

/// A signature entry over `card` with exactly this protected header.
fn card_entry(
    card_value: &Value,
    key: &SigningKey,
    protected: &str,
    canonicalization: card::Canonicalization,
) -> Result<Value> {
    let payload = card::signing_payload(card_value, canonicalization)?;
    let protected = b64(protected.as_bytes());
    let input = format!("{protected}.{}", b64(&payload));
    Ok(json!({ "protected": protected, "signature": b64(&key.sign(input.as_bytes())?) }))
}

fn with_signatures(card_value: &Value, signatures: Vec<Value>) -> Value {
    with(card_value.clone(), "signatures", Value::Array(signatures))
}

fn card_case(
    name: &str,
    note: &str,
    card_value: &Value,
    expect: Value,
    verified_kid: Option<&str>,
) -> Case {
    let mut inputs = Map::new();
    inputs.insert("card".into(), card_value.clone());
    if let Some(kid) = verified_kid {
        inputs.insert("verified_kid".into(), kid.into());
    }
    Case {
        name: name.into(),
        note: (!note.is_empty()).then(|| note.to_owned()),
        inputs,
        expect: Some(expect),
    }
}

fn card_text_case(name: &str, note: &str, text: &str, expect: Value) -> Case {
    let mut inputs = Map::new();
    inputs.insert("card_text".into(), text.into());
    Case {
        name: name.into(),
        note: Some(note.into()),
        inputs,
        expect: Some(expect),
    }
}

fn signed_card(key: &SigningKey, jku: Option<&str>) -> Result<Value> {
    let mut signed = agent_card();
    card::sign(&mut signed, key, jku)?;
    Ok(signed)
}

fn card_signatures(keys: &Keys) -> Result<File> {
    use card::Canonicalization::{AsServed, ProtoPresence};
    let base = agent_card();
    let es = signed_card(&keys.es, None)?;
    let entry = es["signatures"][0].clone();
    let protected = entry["protected"].as_str().unwrap_or_default().to_owned();
    let signature = entry["signature"].as_str().unwrap_or_default().to_owned();
    let sig_bytes = unb64(&signature)?;
    let attacker = SigningKey::generate(Algorithm::ES256)?;
    let raw = |key: &SigningKey, header: &str| card_entry(&base, key, header, ProtoPresence);
    let changed = |pointer: &str, value: Value| -> Value {
        let mut card_value = es.clone();
        if let Some(slot) = card_value.pointer_mut(pointer) {
            *slot = value;
        }
        card_value
    };
    let mut flipped = sig_bytes.clone();
    flipped[0] ^= 1;
    let entry_with = |protected: &str, signature: &str| json!({ "protected": protected, "signature": signature });
    // The served text of the ES256 card, members reordered and indented: the same JSON value.
    let reordered = {
        let object = es.as_object().cloned().unwrap_or_default();
        let mut members: Vec<(String, Value)> = object.into_iter().collect();
        members.reverse();
        let body: Vec<String> = members
            .iter()
            .map(|(k, v)| {
                format!(
                    "  {}: {}",
                    Value::from(k.as_str()),
                    serde_json::to_string_pretty(v)
                        .unwrap_or_default()
                        .replace('\n', "\n  ")
                )
            })
            .collect();
        format!("{{\n{}\n}}\n", body.join(",\n"))
    };
    let duplicated = {
        let text = serde_json::to_string(&es)?;
        text.replacen(
            r#""name":"Recipe Agent""#,
            r#""name":"Recipe Agent","name":"Evil Agent""#,
            1,
        )
    };
    let mut extended = es.clone();
    extended["capabilities"]["extensions"] = json!([]);
    let mut without_tenant = es.clone();
    if let Some(interface) = without_tenant["supportedInterfaces"][0].as_object_mut() {
        interface.remove("tenant");
    }
    let cases = vec![
        card_case(
            "signed-es256",
            "Signed with card::sign (ES256).",
            &es,
            VALID.into(),
            Some("es-1"),
        ),
        card_case(
            "signed-rs256",
            "",
            &signed_card(&keys.rs, None)?,
            VALID.into(),
            Some("rs-1"),
        ),
        card_case(
            "signed-eddsa",
            "",
            &signed_card(&keys.ed, None)?,
            VALID.into(),
            Some("ed-1"),
        ),
        card_case(
            "signed-with-jku",
            "A jku in the protected header is informational: keys come from the configured set.",
            &signed_card(
                &keys.es,
                Some("https://agent.example/.well-known/jwks.json"),
            )?,
            VALID.into(),
            Some("es-1"),
        ),
        card_case(
            "key-rotation",
            "Two signatures: an old key no longer in the set, then the current one. One verified signature suffices (A2A 1.0 §8.4.3).",
            &with_signatures(
                &base,
                vec![
                    raw(&attacker, r#"{"alg":"ES256","kid":"old-1","typ":"JOSE"}"#)?,
                    entry.clone(),
                ],
            ),
            VALID.into(),
            Some("es-1"),
        ),
        card_case(
            "default-field-added-after-signing",
            "capabilities.extensions: [] added: default-valued, so not part of the §8.4.1 payload.",
            &extended,
            VALID.into(),
            Some("es-1"),
        ),
        card_case(
            "default-field-removed-after-signing",
            "tenant: \"\" removed: it was not part of the payload either.",
            &without_tenant,
            VALID.into(),
            Some("es-1"),
        ),
        card_case("no-signatures", "", &base, error("NoSignature"), None),
        card_case(
            "empty-signatures",
            "",
            &with_signatures(&base, vec![]),
            error("NoSignature"),
            None,
        ),
        card_case(
            "unknown-key",
            "Signed by a key whose kid is not in the set.",
            &with_signatures(
                &base,
                vec![raw(
                    &attacker,
                    r#"{"alg":"ES256","kid":"old-1","typ":"JOSE"}"#,
                )?],
            ),
            error("UnknownKey"),
            None,
        ),
        card_case(
            "other-key-same-kid",
            "Signed by an attacker's key under the real key's kid.",
            &with_signatures(
                &base,
                vec![raw(
                    &attacker,
                    r#"{"alg":"ES256","kid":"es-1","typ":"JOSE"}"#,
                )?],
            ),
            error("BadSignature"),
            None,
        ),
        card_case(
            "bad-signature",
            "The first bit of the signature flipped.",
            &with_signatures(&base, vec![entry_with(&protected, &b64(&flipped))]),
            error("BadSignature"),
            None,
        ),
        card_case(
            "truncated-signature",
            "63 of 64 bytes.",
            &with_signatures(&base, vec![entry_with(&protected, &b64(&sig_bytes[..63]))]),
            error("BadSignature"),
            None,
        ),
        card_case(
            "card-changed-after-signing",
            "The description changed.",
            &changed("/description", json!("Finds recipes and books tables.")),
            error("BadSignature"),
            None,
        ),
        card_case(
            "interface-url-changed-after-signing",
            "The endpoint moved to another host.",
            &changed(
                "/supportedInterfaces/0/url",
                json!("https://evil.example/a2a"),
            ),
            error("BadSignature"),
            None,
        ),
        card_case(
            "skill-added-after-signing",
            "",
            &changed(
                "/skills",
                json!([base["skills"][0].clone(), {"id": "pay", "name": "Pay", "description": "Pays.", "tags": ["payments"]}]),
            ),
            error("BadSignature"),
            None,
        ),
        card_case(
            "signed-over-card-as-served",
            "The signer skipped the §8.4.1 field-presence step: the signature verifies over the card as served (defaults kept) but not over the spec's payload.",
            &with_signatures(
                &base,
                vec![card_entry(
                    &base,
                    &keys.es,
                    r#"{"alg":"ES256","kid":"es-1","typ":"JOSE"}"#,
                    AsServed,
                )?],
            ),
            error("CanonicalizationMismatch"),
            None,
        ),
        card_case(
            "header-missing-alg",
            "",
            &with_signatures(
                &base,
                vec![raw(&keys.es, r#"{"kid":"es-1","typ":"JOSE"}"#)?],
            ),
            error("MissingAlg"),
            None,
        ),
        card_case(
            "header-missing-kid",
            "",
            &with_signatures(
                &base,
                vec![raw(&keys.es, r#"{"alg":"ES256","typ":"JOSE"}"#)?],
            ),
            error("MissingKid"),
            None,
        ),
        card_case(
            "header-alg-none",
            "",
            &with_signatures(
                &base,
                vec![json!({"protected": b64(br#"{"alg":"none","kid":"es-1"}"#), "signature": ""})],
            ),
            error("UnsupportedAlgorithm"),
            None,
        ),
        card_case(
            "header-crit",
            "",
            &with_signatures(
                &base,
                vec![raw(
                    &keys.es,
                    r#"{"alg":"ES256","kid":"es-1","crit":["exp"],"exp":1}"#,
                )?],
            ),
            error("UnsupportedCritical"),
            None,
        ),
        card_case(
            "header-b64-false",
            "",
            &with_signatures(
                &base,
                vec![raw(
                    &keys.es,
                    r#"{"alg":"ES256","kid":"es-1","b64":false}"#,
                )?],
            ),
            error("UnsupportedCritical"),
            None,
        ),
        card_case(
            "header-duplicate-member",
            "",
            &with_signatures(
                &base,
                vec![raw(
                    &keys.es,
                    r#"{"alg":"ES256","kid":"es-1","kid":"es-1"}"#,
                )?],
            ),
            error("MalformedHeader"),
            None,
        ),
        card_case(
            "algorithm-mismatch",
            "A genuine ES256 signature under the RS256 key's kid.",
            &with_signatures(
                &base,
                vec![raw(
                    &keys.es,
                    r#"{"alg":"ES256","kid":"rs-1","typ":"JOSE"}"#,
                )?],
            ),
            error("AlgorithmMismatch"),
            None,
        ),
        card_case(
            "padded-protected",
            "",
            &with_signatures(
                &base,
                vec![entry_with(&format!("{protected}="), &signature)],
            ),
            error("MalformedHeader"),
            None,
        ),
        card_case(
            "padded-signature",
            "",
            &with_signatures(
                &base,
                vec![entry_with(&protected, &format!("{signature}="))],
            ),
            error("MalformedHeader"),
            None,
        ),
        card_case(
            "non-canonical-signature",
            "A non-zero unused bit in the signature's last character.",
            &with_signatures(
                &base,
                vec![entry_with(
                    &protected,
                    &with_trailing_bit(&signature).ok_or("no unused bits")?,
                )],
            ),
            error("MalformedHeader"),
            None,
        ),
        card_case(
            "entry-without-signature",
            "",
            &with_signatures(&base, vec![json!({"protected": protected})]),
            error("MalformedEntry"),
            None,
        ),
        card_text_case(
            "served-reordered-and-indented",
            "The ES256 card as served text, members in another order and indented: RFC 8785 makes it the same payload.",
            &reordered,
            VALID.into(),
        ),
        card_text_case(
            "served-with-duplicate-member",
            "\"name\" twice: refused before verification, whatever the signature.",
            &duplicated,
            error("Canonicalization"),
        ),
        card_text_case("served-not-an-object", "", "[]", error("NotAnObject")),
    ];
    Ok(File {
        description: "Agent-card signatures (A2A 1.0 §8.4): a detached JWS over the RFC 8785 form of the card without `signatures`, reduced by the §8.4.1 field-presence rules. Positive cases for each algorithm, jku, key rotation and default-valued fields changed after signing (not part of the payload); negative cases for no signature, unknown key, bad signature, the protected header missing alg or kid, alg none, crit, algorithm mismatch, non-canonical base64url, the card changed after signing, a signer that skipped the field-presence step, and served text that is not strict JSON.".into(),
        source: format!("{KEYS_SOURCE} Signed with card::sign, or by hand with card::signing_payload where the protected header is the point. The attacker key is random, generated on each run; ES256 signatures differ on every run."),
        now: None,
        shared: card_shared(keys, None),
        cases,
    })
}

fn card_shared(keys: &Keys, canonicalization: Option<&str>) -> Map<String, Value> {
    let mut shared = Map::new();
    let public: Vec<Value> = [&keys.rs, &keys.es, &keys.ed]
        .iter()
        .filter_map(|k| k.public_jwk())
        .collect();
    shared.insert("keys".into(), json!({ "keys": public }));
    if let Some(c) = canonicalization {
        shared.insert("canonicalization".into(), c.into());
    }
    shared
}

fn card_as_served(keys: &Keys) -> Result<File> {
    use card::Canonicalization::AsServed;
    let base = agent_card();
    let header = r#"{"alg":"ES256","kid":"es-1","typ":"JOSE"}"#;
    let served = with_signatures(&base, vec![card_entry(&base, &keys.es, header, AsServed)?]);
    let mut changed = served.clone();
    changed["supportedInterfaces"][0]
        .as_object_mut()
        .map(|i| i.remove("tenant"));
    let cases = vec![
        card_case(
            "as-served-valid",
            "An A2A 0.3-style signature over the card exactly as served (defaults kept).",
            &served,
            VALID.into(),
            Some("es-1"),
        ),
        card_case(
            "as-served-default-field-removed-after-signing",
            "As served, even a default-valued field is part of the payload.",
            &changed,
            error("BadSignature"),
            None,
        ),
        card_case(
            "as-served-check-of-a-field-presence-signature",
            "A 1.0 signature (defaults dropped) checked as served: the payloads differ.",
            &signed_card(&keys.es, None)?,
            error("BadSignature"),
            None,
        ),
    ];
    Ok(File {
        description: "Agent-card signatures with Canonicalization::AsServed (A2A 0.3, before the §8.4.1 field-presence rules): the payload is the RFC 8785 form of the card as served, minus `signatures`.".into(),
        source: format!("{KEYS_SOURCE} ES256 signatures differ on every run."),
        now: None,
        shared: card_shared(keys, Some("as-served")),
        cases,
    })
}
