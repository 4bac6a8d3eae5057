//! `jwt_validate`: [`Validator::validate`] against an independent model of RFC 7519 / RFC 7515.

use std::sync::Arc;

use arbitrary::Unstructured;
use ring::signature::{ECDSA_P256_SHA256_FIXED, ED25519, VerificationAlgorithm};
use serde_json::{Map, Value, json};

use super::keys::fixed_keys;
use super::reference::{base64url_decode, hmac_sha256, ring_verify};
use crate::clock::{FixedClock, UnixTime};
use crate::jwk::JwkSet;
use crate::jws::{Algorithm, SigningKey, VerifyingKey};
use crate::jwt::{JwtError, Validation, Validator, mint_with_header};
use crate::replay::ReplayCache;

/// The validator's clock.
pub const NOW: UnixTime = 1_700_000_000;
/// The accepted issuer when the policy checks issuers.
pub const ISSUER: &str = "https://issuer.example";
/// The accepted audience when the policy checks audiences.
pub const AUDIENCE: &str = "https://agent.example";
/// Key ids the input chooses from (index by byte, modulo the length).
const KIDS: [Option<&str>; 5] = [None, Some("hs"), Some("hs2"), Some("ec"), Some("ed")];

/// Validates an arbitrary or a mutated, validly minted token against an arbitrary key set and
/// policy, and checks:
///
/// - **accepted ⇒ the model accepts**: an independent parse (own base64url decoder,
///   `serde_json::Value`), the key chosen independently from the header's `kid`/`alg`, the
///   header's `alg` equal to that key's algorithm and never `none`, the signature recomputed with
///   `hmac` (HS256) or verified with `ring` (ES256, `EdDSA`) directly, and every claim rule of the
///   policy re-checked;
/// - **a minted token that no mutation touched is accepted iff the model accepts it** (header
///   edits and claim choices still vary), so the validator does not over-reject either;
/// - with a replay cache, an accepted token presented again is refused as [`JwtError::Replayed`];
/// - an error's `Display` never contains the token nor any 16-character base64url run of it.
///
/// Input layout, front to back (one byte each unless said):
///
/// 1. flags: bit 0 minted-and-mutated (else raw), 1 replay cache, 2 `typ` must be `JWT`,
///    3 issuer checked, 4 audience checked, 5 ES256 key in the set, 6 `EdDSA` key in the set,
///    7 a second HS256 key in the set;
/// 2. flags: bit 0 `max_age` 600 s, bit 1 `sub` required, bits 2-7 the leeway in seconds;
/// 3. the HS256 secret's length `32 + b % 33`, then that many secret bytes, then its kid
///    (an index into `[none, "hs", "hs2", "ec", "ed"]`);
/// 4. if present, in this order, the kid of the second HS256 key (its secret is the first one
///    xor 0x5a), of the fixed ES256 key and of the `EdDSA` key (RFC 8037 A.1);
/// 5. raw: the rest of the input is the token (UTF-8, lossily);
///    minted: see [`mint_and_mutate`].
pub fn jwt_validate(data: &[u8]) {
    let _ = run(&mut Unstructured::new(data));
}

/// Key material as the model sees it.
enum Material {
    Hmac(Vec<u8>),
    Public(&'static dyn VerificationAlgorithm, Vec<u8>),
}

/// A key of the set, as the model sees it.
struct ModelKey {
    kid: Option<&'static str>,
    alg: &'static str,
    material: Material,
}

/// The policy, as the model sees it: one switch per option of [`Validation`] the input sets.
#[allow(clippy::struct_excessive_bools)]
struct Policy {
    leeway: u64,
    issuer: bool,
    audience: bool,
    typ: bool,
    max_age: Option<u64>,
    require_sub: bool,
    replay: bool,
}

fn run(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let flags: u8 = u.arbitrary()?;
    let flags2: u8 = u.arbitrary()?;
    let policy = Policy {
        leeway: u64::from(flags2 >> 2),
        issuer: flags & 8 != 0,
        audience: flags & 16 != 0,
        typ: flags & 4 != 0,
        max_age: (flags2 & 1 != 0).then_some(600),
        require_sub: flags2 & 2 != 0,
        replay: flags & 2 != 0,
    };
    let secret_len = u.int_in_range(32..=64)?;
    let secret = u.bytes(secret_len)?.to_vec();
    let (set, model) = key_set(u, flags, &secret)?;
    let validator = validator(set, &policy);

    let (token, clean) = if flags & 1 == 0 {
        let raw = u.bytes(u.len())?;
        (String::from_utf8_lossy(raw).into_owned(), false)
    } else {
        mint_and_mutate(u, &secret)?
    };

    let result = validator.validate(&token);
    let verdict = model_verdict(&token, &model, &policy);
    match &result {
        Ok(validated) => {
            if let Err(reason) = verdict {
                panic!("validator accepted a token the model refuses: {reason}");
            }
            let header = decoded_header(&token);
            assert_eq!(
                Some(validated.header.alg.name()),
                header.get("alg").and_then(Value::as_str),
                "validated header alg differs from the token's"
            );
            assert_eq!(
                validated.header.kid.as_deref(),
                header.get("kid").and_then(Value::as_str),
                "validated header kid differs from the token's"
            );
        }
        Err(error) => {
            check_message(&token, error);
            if clean && let Ok(()) = verdict {
                panic!("validator refused a clean token the model accepts: {error:?}");
            }
        }
    }
    if result.is_ok() && policy.replay {
        assert_eq!(
            validator.validate(&token),
            Err(JwtError::Replayed),
            "a replayed token was not refused as a replay"
        );
    }
    Ok(())
}

/// The library's key set and the model's list of the same keys, kept in step: a key whose kid
/// is taken is refused by the set and left out of the model.
fn key_set(
    u: &mut Unstructured<'_>,
    flags: u8,
    secret: &[u8],
) -> arbitrary::Result<(JwkSet, Vec<ModelKey>)> {
    let fixed = fixed_keys();
    let mut candidates = vec![ModelKey {
        kid: *u.choose(&KIDS)?,
        alg: "HS256",
        material: Material::Hmac(secret.to_vec()),
    }];
    if flags & 128 != 0 {
        candidates.push(ModelKey {
            kid: *u.choose(&KIDS)?,
            alg: "HS256",
            material: Material::Hmac(secret.iter().map(|b| b ^ 0x5a).collect()),
        });
    }
    if flags & 32 != 0 {
        candidates.push(ModelKey {
            kid: *u.choose(&KIDS)?,
            alg: "ES256",
            material: Material::Public(&ECDSA_P256_SHA256_FIXED, fixed.ec_point.clone()),
        });
    }
    if flags & 64 != 0 {
        candidates.push(ModelKey {
            kid: *u.choose(&KIDS)?,
            alg: "EdDSA",
            material: Material::Public(&ED25519, fixed.ed_public.clone()),
        });
    }
    let mut set = JwkSet::new();
    let mut model = Vec::new();
    for key in candidates {
        let verifying = match &key.material {
            Material::Hmac(secret) => VerifyingKey::hmac(Algorithm::HS256, secret),
            Material::Public(_, point) if key.alg == "ES256" => {
                VerifyingKey::p256(&point[1..33], &point[33..])
            }
            Material::Public(_, public) => VerifyingKey::ed25519(public),
        }
        .expect("model keys are valid keys");
        let verifying = match key.kid {
            Some(kid) => verifying.with_kid(kid),
            None => verifying,
        };
        if set.insert(verifying).is_ok() {
            model.push(key);
        }
    }
    Ok((set, model))
}

fn validator(set: JwkSet, policy: &Policy) -> Validator {
    let only = |on: bool, value: &str| {
        if on {
            vec![value.to_owned()]
        } else {
            Vec::new()
        }
    };
    let validation = Validation {
        issuers: only(policy.issuer, ISSUER),
        audiences: only(policy.audience, AUDIENCE),
        leeway: policy.leeway,
        max_age: policy.max_age,
        require_sub: policy.require_sub,
        typ: policy.typ.then(|| "JWT".into()),
        ..Validation::default()
    };
    let validator = Validator::new(set, validation, Arc::new(FixedClock::new(NOW)));
    if policy.replay {
        validator.with_replay_store(Arc::new(ReplayCache::new(16)))
    } else {
        validator
    }
}

fn decoded_header(token: &str) -> Map<String, Value> {
    let header = token.split('.').next().unwrap_or_default();
    let json = base64url_decode(header.as_bytes()).unwrap_or_default();
    serde_json::from_slice(&json).unwrap_or_default()
}

/// Error messages never carry token material: no 16-character base64url run of the token.
fn check_message(token: &str, error: &JwtError) {
    let message = error.to_string();
    let is_b64 = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    for run in token.split(|c: char| !is_b64(c)) {
        assert!(
            run.len() < 16 || !message.contains(run),
            "error message {message:?} echoes token material"
        );
    }
}

// ---- minting and mutating -------------------------------------------------------------------

/// How many signers [`mint`] knows.
const SIGNERS: usize = 7;

/// Mints `claims` with `header` members (they override the defaults, `alg` included), signed by:
/// 0 the set's first HS256 secret, 1 the fixed ES256 key, 2 the fixed `EdDSA` key, 3 the second
/// HS256 secret (in the set only with flag bit 7), 4 a secret nobody trusts, 5 and 6 the ES256
/// point and the Ed25519 public key used as HMAC secrets (algorithm confusion).
fn mint(signer: usize, secret: &[u8], header: &Map<String, Value>, claims: &Value) -> String {
    let fixed = fixed_keys();
    let owned;
    let key = match signer {
        1 => &fixed.ec,
        2 => &fixed.ed,
        _ => {
            let material: Vec<u8> = match signer {
                0 => secret.to_vec(),
                3 => secret.iter().map(|b| b ^ 0x5a).collect(),
                4 => vec![0x33; 40],
                5 => fixed.ec_point.clone(),
                _ => fixed.ed_public.clone(),
            };
            owned = SigningKey::hmac(Algorithm::HS256, &material)
                .expect("every HMAC secret here is at least 32 bytes");
            &owned
        }
    };
    mint_with_header(key, header, claims).expect("minting with a valid key succeeds")
}

/// The minted path of [`jwt_validate`]. Layout: signer (`0..7`, see [`mint`]); kid index;
/// the claims (see [`arbitrary_claims`]); the number of header edits (`0..=3`) and one byte per
/// edit (see [`header_edit`]); the number of mutations (`0..=4`) and each mutation (see
/// [`mutate`]). Returns the token and whether no mutation touched it.
fn mint_and_mutate(u: &mut Unstructured<'_>, secret: &[u8]) -> arbitrary::Result<(String, bool)> {
    let signer = u.int_in_range(0..=SIGNERS - 1)?;
    let kid = *u.choose(&KIDS)?;
    let claims = arbitrary_claims(u)?;
    let mut header = Map::new();
    if let Some(kid) = kid {
        header.insert("kid".into(), kid.into());
    }
    for _ in 0..u.int_in_range(0..=3)? {
        let (name, value) = header_edit(u.arbitrary()?);
        header.insert(name.into(), value);
    }
    let mut token = mint(signer, secret, &header, &claims);
    let mutations = u.int_in_range(0..=4)?;
    for _ in 0..mutations {
        mutate(u, &mut token, secret, &claims)?;
    }
    Ok((token, mutations == 0))
}

/// Claims. Layout: a presence byte (bits: `exp`, `iat`, `nbf`, `iss`, `aud`, `jti`, `sub`,
/// `scope`), then for each present claim in that order: dates take 2 bytes (offset from [`NOW`]
/// `-300..=700`) and a kind byte (0-3 integer, 4 fraction, 5 string, 6 negative, 7 `1e300`);
/// the others one choice byte.
fn arbitrary_claims(u: &mut Unstructured<'_>) -> arbitrary::Result<Value> {
    let present: u8 = u.arbitrary()?;
    let mut claims = Map::new();
    for (bit, name) in ["exp", "iat", "nbf"].into_iter().enumerate() {
        if present & (1 << bit) != 0 {
            claims.insert(name.into(), arbitrary_date(u)?);
        }
    }
    if present & 8 != 0 {
        let iss = u.choose(&[ISSUER, "https://evil.example", ""])?;
        claims.insert("iss".into(), (*iss).into());
    }
    if present & 16 != 0 {
        let aud = match u.int_in_range(0..=4)? {
            0 => json!(AUDIENCE),
            1 => json!(["https://other.example", AUDIENCE]),
            2 => json!("https://other.example"),
            3 => json!([]),
            _ => json!([7]),
        };
        claims.insert("aud".into(), aud);
    }
    if present & 32 != 0 {
        claims.insert(
            "jti".into(),
            format!("id-{}", u.int_in_range(0..=3)?).into(),
        );
    }
    if present & 64 != 0 {
        let sub = match u.int_in_range(0..=2)? {
            0 => json!("alice"),
            1 => json!(""),
            _ => json!(42),
        };
        claims.insert("sub".into(), sub);
    }
    if present & 128 != 0 {
        let (name, value) = match u.int_in_range(0..=2)? {
            0 => ("scope", json!("read write")),
            1 => ("scope", json!(["read"])),
            _ => ("x", json!({"a": [1, 2.5, null], "b": {"c": "\u{0}"}})),
        };
        claims.insert(name.into(), value);
    }
    Ok(Value::Object(claims))
}

fn arbitrary_date(u: &mut Unstructured<'_>) -> arbitrary::Result<Value> {
    let at = NOW - 300 + u64::from(u.int_in_range(0u16..=1000)?);
    Ok(match u.arbitrary::<u8>()? % 8 {
        0..=3 => json!(at),
        4 => json!(f64::from(u32::try_from(at).unwrap_or(u32::MAX)) + 0.75),
        5 => json!(at.to_string()),
        6 => json!(-i64::try_from(at).unwrap_or(i64::MAX)),
        _ => json!(1e300),
    })
}

/// A header member set at minting (`byte % 17`): `alg` values (none, NONE, HS256, ES256, `EdDSA`,
/// RS256, a number), kids (three, a number), `crit`, `b64`, `typ`, an embedded `jwk`.
fn header_edit(byte: u8) -> (&'static str, Value) {
    match byte % 17 {
        0 => ("alg", json!("none")),
        1 => ("alg", json!("NONE")),
        2 => ("alg", json!("HS256")),
        3 => ("alg", json!("ES256")),
        4 => ("alg", json!("EdDSA")),
        5 => ("alg", json!("RS256")),
        6 => ("alg", json!(256)),
        7 => ("kid", json!("hs")),
        8 => ("kid", json!("ec")),
        9 => ("kid", json!("ed")),
        10 => ("kid", json!(7)),
        11 => ("crit", json!(["exp"])),
        12 => ("b64", json!(false)),
        13 => ("b64", json!(true)),
        14 => ("typ", json!("at+jwt")),
        15 => ("typ", json!("jwt")),
        _ => (
            "jwk",
            json!({"kty": "oct", "k": "MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM", "alg": "HS256"}),
        ),
    }
}

/// Header texts a mutation can put in place of the header, as is (before base64url).
const RAW_HEADERS: [&str; 10] = [
    r#"{"alg":"none"}"#,
    r#"{"alg":"HS256","alg":"none"}"#,
    r#"{"alg":"HS256"}"#,
    r#"{"alg":"HS256","kid":"ec"}"#,
    r#"{"alg":"ES256","kid":"hs"}"#,
    r#"{"alg":"\u0048S256","kid":"hs"}"#,
    r#"{"alg":"HS256","kid":"hs","kid":"ec"}"#,
    r#"{"alg":"HS256","crit":[]}"#,
    r#"{"alg":"HS256"} "#,
    "[]",
];

/// Payload texts a mutation can put in place of the payload, as is (before base64url).
const RAW_PAYLOADS: [&str; 6] = [
    r#"{"exp":9999999999}"#,
    r#"{"exp":9999999999,"exp":1}"#,
    r#"{"exp":1e400}"#,
    r#"{"exp":9999999999,"iss":"https://issuer.example","aud":"https://agent.example","jti":"id-0","sub":"alice","iat":1700000000}"#,
    r#"{"exp":-1}"#,
    r#"{"exp":9999999999,"o":{"a":1,"a":2}}"#,
];

/// One mutation. Layout: a kind byte (`% 10`), a 2-byte position, a parameter byte, and for a
/// splice a signer byte. Kinds: 0 flip a byte (staying ASCII), 1 truncate, 2 insert a byte,
/// 3 delete a byte, 4 splice in the same-numbered segment of another token (other signer,
/// `sub` changed), 5 replace the header by one of [`RAW_HEADERS`], 6 replace the payload by one of
/// [`RAW_PAYLOADS`] or by the claims with `exp`, `sub` or `jti` changed, 7 replace the signature,
/// 8 pad a segment with `=`, 9 change the header's `kid` without re-signing.
fn mutate(
    u: &mut Unstructured<'_>,
    token: &mut String,
    secret: &[u8],
    claims: &Value,
) -> arbitrary::Result<()> {
    let operation = u.arbitrary::<u8>()? % 10;
    let position = usize::from(u.int_in_range(0..=u16::MAX)?);
    let parameter: u8 = u.arbitrary()?;
    let mut bytes = std::mem::take(token).into_bytes();
    let len = bytes.len();
    let segment = usize::from(parameter) % 3;
    let encode = |text: &[u8]| crate::base64url::encode(text);
    match operation {
        0 if len > 0 => {
            let at = position % len;
            bytes[at] = (bytes[at] ^ (1 + parameter % 127)) & 0x7f;
        }
        1 => bytes.truncate(position % (len + 1)),
        2 => bytes.insert(position % (len + 1), parameter & 0x7f),
        3 if len > 0 => {
            bytes.remove(position % len);
        }
        4 => {
            let signer = u.int_in_range(0..=SIGNERS - 1)?;
            let mut other_claims = claims.clone();
            other_claims["sub"] = json!("mallory");
            let other = mint(signer, secret, &Map::new(), &other_claims);
            bytes = replace_segment(&bytes, segment, |_| {
                other
                    .split('.')
                    .nth(segment)
                    .unwrap_or_default()
                    .as_bytes()
                    .to_vec()
            });
        }
        5 => {
            let text = RAW_HEADERS[position % RAW_HEADERS.len()];
            bytes = replace_segment(&bytes, 0, |_| encode(text.as_bytes()).into_bytes());
        }
        6 => {
            let choice = position % (RAW_PAYLOADS.len() + 3);
            let text = if let Some(raw) = RAW_PAYLOADS.get(choice) {
                (*raw).to_owned()
            } else {
                let mut changed = claims.clone();
                match choice - RAW_PAYLOADS.len() {
                    0 => changed["exp"] = json!(NOW + 1_000_000),
                    1 => changed["sub"] = json!("mallory"),
                    _ => changed["jti"] = json!("id-9"),
                }
                changed.to_string()
            };
            bytes = replace_segment(&bytes, 1, |_| encode(text.as_bytes()).into_bytes());
        }
        7 => {
            bytes = replace_segment(&bytes, 2, |old| match parameter % 5 {
                0 => Vec::new(),
                1 => encode(&[0; 32]).into_bytes(),
                2 => [old, b"A"].concat(),
                3 => old[..old.len().saturating_sub(1)].to_vec(),
                _ => encode(&[0; 64]).into_bytes(),
            });
        }
        8 => bytes = replace_segment(&bytes, segment, |old| [old, b"="].concat()),
        9 => {
            bytes = replace_segment(&bytes, 0, |old| {
                let json = base64url_decode(old).unwrap_or_default();
                let mut header: Map<String, Value> =
                    serde_json::from_slice(&json).unwrap_or_default();
                match KIDS[usize::from(parameter) % KIDS.len()] {
                    Some(kid) => header.insert("kid".into(), kid.into()),
                    None => header.remove("kid"),
                };
                encode(Value::Object(header).to_string().as_bytes()).into_bytes()
            });
        }
        _ => {}
    }
    // Every mutation keeps the token ASCII.
    *token = String::from_utf8_lossy(&bytes).into_owned();
    Ok(())
}

/// Replaces the `index`th dot-separated segment, if there is one.
fn replace_segment(token: &[u8], index: usize, with: impl FnOnce(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let mut segments: Vec<Vec<u8>> = token.split(|&b| b == b'.').map(<[u8]>::to_vec).collect();
    if let Some(segment) = segments.get_mut(index) {
        *segment = with(segment);
    }
    segments.join(&b'.')
}

// ---- the model ------------------------------------------------------------------------------

/// Whether the model accepts `token`, from RFC 7515 / 7519 / 8725 and the policy; `Err` names
/// the first rule that fails.
fn model_verdict(token: &str, keys: &[ModelKey], policy: &Policy) -> Result<(), &'static str> {
    if token.len() > crate::jwt::DEFAULT_MAX_TOKEN_LEN {
        return Err("too long");
    }
    let segments: Vec<&str> = token.split('.').collect();
    let [header_b64, payload_b64, signature_b64] = segments[..] else {
        return Err("not three segments");
    };
    let header = base64url_decode(header_b64.as_bytes()).ok_or("header encoding")?;
    let payload = base64url_decode(payload_b64.as_bytes()).ok_or("payload encoding")?;
    let signature = base64url_decode(signature_b64.as_bytes()).ok_or("signature encoding")?;

    let header: Value = serde_json::from_slice(&header).map_err(|_| "header is not json")?;
    let header = header.as_object().ok_or("header is not an object")?;
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .ok_or("alg missing")?;
    if alg.eq_ignore_ascii_case("none") {
        return Err("alg none");
    }
    let optional_string = |name: &str| match header.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err("header member of the wrong type"),
    };
    let kid = optional_string("kid")?;
    let typ = optional_string("typ")?;
    if header.contains_key("crit") {
        return Err("crit");
    }
    if !matches!(header.get("b64"), None | Some(Value::Bool(true))) {
        return Err("b64");
    }
    if policy.typ && !typ.is_some_and(|t| t.eq_ignore_ascii_case("JWT")) {
        return Err("typ");
    }

    let key = if let Some(kid) = kid {
        keys.iter()
            .find(|k| k.kid == Some(kid))
            .ok_or("unknown kid")?
    } else {
        let mut of_alg = keys.iter().filter(|k| k.alg == alg);
        match (of_alg.next(), of_alg.next()) {
            (Some(key), None) => key,
            _ => return Err("no single key for the alg"),
        }
    };
    if key.alg != alg {
        return Err("alg is not the key's algorithm");
    }
    let input = &token.as_bytes()[..header_b64.len() + 1 + payload_b64.len()];
    let verified = match &key.material {
        Material::Hmac(secret) => hmac_sha256(secret, input)[..] == signature[..],
        Material::Public(alg, public) => ring_verify(*alg, public, input, &signature),
    };
    if !verified {
        return Err("signature");
    }
    model_claims(&payload, policy)
}

fn model_claims(payload: &[u8], policy: &Policy) -> Result<(), &'static str> {
    let claims: Value = serde_json::from_slice(payload).map_err(|_| "claims are not json")?;
    let claims = claims.as_object().ok_or("claims are not an object")?;
    let string = |name: &str| match claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err("claim of the wrong type"),
    };
    let (iss, sub, jti) = (string("iss")?, string("sub")?, string("jti")?);
    string("scope")?;
    let aud: Vec<&str> = match claims.get("aud") {
        None => Vec::new(),
        Some(Value::String(aud)) => vec![aud],
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().ok_or("aud item"))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("aud"),
    };
    let date = |name: &str| match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => match (n.as_u64(), n.as_f64()) {
            (Some(seconds), _) => Ok(Some(seconds)),
            // Fractions truncate; beyond u64 saturates (`as` does both).
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            (None, Some(f)) if f >= 0.0 => Ok(Some(f as u64)),
            _ => Err("negative date"),
        },
        Some(_) => Err("date of the wrong type"),
    };
    let (exp, nbf, iat) = (date("exp")?, date("nbf")?, date("iat")?);

    let (now, leeway) = (NOW, policy.leeway);
    let exp = exp.ok_or("exp missing")?;
    if now >= exp.saturating_add(leeway) {
        return Err("expired");
    }
    if nbf.is_some_and(|nbf| now + leeway < nbf) {
        return Err("not yet valid");
    }
    if iat.is_some_and(|iat| now + leeway < iat) {
        return Err("issued in the future");
    }
    if let Some(max_age) = policy.max_age {
        let iat = iat.ok_or("iat missing")?;
        if now > iat.saturating_add(max_age).saturating_add(leeway) {
            return Err("too old");
        }
    }
    if policy.issuer && iss != Some(ISSUER) {
        return Err("issuer");
    }
    if policy.audience && !aud.contains(&AUDIENCE) {
        return Err("audience");
    }
    if policy.require_sub && sub.is_none() {
        return Err("sub missing");
    }
    if policy.replay && jti.is_none() {
        return Err("jti missing");
    }
    Ok(())
}
