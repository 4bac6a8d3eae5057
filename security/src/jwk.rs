//! JSON Web Keys (RFC 7517) and key sets, parsed into algorithm-bound keys.
//!
//! Every key is bound to one algorithm. The JWK's `alg` member decides it; where it is absent the
//! key type decides when that is unambiguous (`EC` on P-256 is ES256, `OKP` on Ed25519 is `EdDSA`)
//! and otherwise (RSA: RS256 or PS256? `oct`: which HMAC?) the key is refused, so a key is never
//! used with an algorithm its owner did not intend. A key marked `use: "enc"` is refused.

use std::fmt;

use serde_json::{Map, Value};

use crate::base64url;
use crate::jws::{Algorithm, KeyError, RsaPrivateComponents, SigningKey, VerifyingKey};

/// Why a JWK or key set could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwkError {
    /// Not valid JSON, or not a JSON object where one is required.
    NotJson,
    /// A required member is missing or has the wrong type.
    Missing(&'static str),
    /// A member that must be base64url is not canonical unpadded base64url.
    BadEncoding(&'static str),
    /// The key type, curve or algorithm is not one this crate supports.
    Unsupported(&'static str),
    /// The JWK's `alg` is not compatible with its key type, or no algorithm can be inferred.
    AlgorithmUnclear,
    /// The key is marked for another use (`use` other than `sig`).
    NotForSignatures,
    /// The key material was refused.
    Key(KeyError),
    /// Two keys in a set share a `kid`.
    DuplicateKid,
}

impl fmt::Display for JwkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotJson => f.write_str("jwk is not a json object"),
            Self::Missing(m) => write!(f, "jwk member `{m}` missing or not a string"),
            Self::BadEncoding(m) => write!(f, "jwk member `{m}` is not canonical base64url"),
            Self::Unsupported(what) => write!(f, "unsupported jwk: {what}"),
            Self::AlgorithmUnclear => {
                f.write_str("jwk algorithm missing or incompatible with its key type")
            }
            Self::NotForSignatures => f.write_str("jwk is not for signatures (`use` is not `sig`)"),
            Self::Key(e) => write!(f, "jwk: {e}"),
            Self::DuplicateKid => f.write_str("jwk set has two keys with the same `kid`"),
        }
    }
}

impl std::error::Error for JwkError {}

impl From<KeyError> for JwkError {
    fn from(e: KeyError) -> Self {
        Self::Key(e)
    }
}

fn string<'a>(jwk: &'a Map<String, Value>, member: &'static str) -> Result<&'a str, JwkError> {
    jwk.get(member)
        .and_then(Value::as_str)
        .ok_or(JwkError::Missing(member))
}

fn bytes(jwk: &Map<String, Value>, member: &'static str) -> Result<Vec<u8>, JwkError> {
    base64url::decode(string(jwk, member)?.as_bytes()).ok_or(JwkError::BadEncoding(member))
}

/// The algorithm a JWK is bound to, from its `alg` and `kty`/`crv`.
fn algorithm(jwk: &Map<String, Value>) -> Result<Algorithm, JwkError> {
    if jwk
        .get("use")
        .is_some_and(|usage| usage.as_str() != Some("sig"))
    {
        return Err(JwkError::NotForSignatures);
    }
    let kty = string(jwk, "kty")?;
    let declared = match jwk.get("alg") {
        None => None,
        Some(Value::String(name)) => {
            Some(Algorithm::from_name(name).ok_or(JwkError::Unsupported("algorithm"))?)
        }
        Some(_) => return Err(JwkError::Missing("alg")),
    };
    let alg = match (kty, declared) {
        ("oct", Some(a @ (Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)))
        | ("RSA", Some(a @ (Algorithm::RS256 | Algorithm::PS256)))
        | ("EC", Some(a @ Algorithm::ES256))
        | ("OKP", Some(a @ Algorithm::EdDSA)) => a,
        ("EC", None) => Algorithm::ES256,
        ("OKP", None) => Algorithm::EdDSA,
        ("oct" | "RSA" | "EC" | "OKP", _) => return Err(JwkError::AlgorithmUnclear),
        _ => return Err(JwkError::Unsupported("key type")),
    };
    match alg {
        Algorithm::ES256 if string(jwk, "crv")? != "P-256" => Err(JwkError::Unsupported("curve")),
        Algorithm::EdDSA if string(jwk, "crv")? != "Ed25519" => Err(JwkError::Unsupported("curve")),
        _ => Ok(alg),
    }
}

fn object(jwk: &Value) -> Result<&Map<String, Value>, JwkError> {
    jwk.as_object().ok_or(JwkError::NotJson)
}

fn kid(jwk: &Map<String, Value>) -> Option<String> {
    jwk.get("kid").and_then(Value::as_str).map(str::to_owned)
}

/// Parses a public JWK (private members, if any, are ignored) into a verifying key.
pub fn verifying_key(jwk: &Value) -> Result<VerifyingKey, JwkError> {
    let jwk = object(jwk)?;
    let alg = algorithm(jwk)?;
    let key = match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
            VerifyingKey::hmac(alg, &bytes(jwk, "k")?)?
        }
        Algorithm::RS256 | Algorithm::PS256 => {
            VerifyingKey::rsa(alg, &bytes(jwk, "n")?, &bytes(jwk, "e")?)?
        }
        Algorithm::ES256 => VerifyingKey::p256(&bytes(jwk, "x")?, &bytes(jwk, "y")?)?,
        Algorithm::EdDSA => VerifyingKey::ed25519(&bytes(jwk, "x")?)?,
    };
    Ok(match kid(jwk) {
        Some(kid) => key.with_kid(kid),
        None => key,
    })
}

/// Parses a private JWK (or an `oct` secret) into a signing key.
#[allow(clippy::many_single_char_names)] // RFC 7518 §6.3 member names
pub fn signing_key(jwk: &Value) -> Result<SigningKey, JwkError> {
    let jwk = object(jwk)?;
    let alg = algorithm(jwk)?;
    let key = match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
            SigningKey::hmac(alg, &bytes(jwk, "k")?)?
        }
        Algorithm::RS256 | Algorithm::PS256 => {
            let parts = [
                bytes(jwk, "n")?,
                bytes(jwk, "e")?,
                bytes(jwk, "d")?,
                bytes(jwk, "p")?,
                bytes(jwk, "q")?,
                bytes(jwk, "dp")?,
                bytes(jwk, "dq")?,
                bytes(jwk, "qi")?,
            ];
            // RFC 7518 §6.3 member names.
            let [n, e, d, p, q, dp, dq, qi] = &parts;
            SigningKey::rsa(
                alg,
                &RsaPrivateComponents {
                    n,
                    e,
                    d,
                    p,
                    q,
                    dp,
                    dq,
                    qi,
                },
            )?
        }
        Algorithm::ES256 => {
            SigningKey::p256(&bytes(jwk, "d")?, &bytes(jwk, "x")?, &bytes(jwk, "y")?)?
        }
        Algorithm::EdDSA => SigningKey::ed25519(&bytes(jwk, "d")?, &bytes(jwk, "x")?)?,
    };
    Ok(match kid(jwk) {
        Some(kid) => key.with_kid(kid),
        None => key,
    })
}

/// The layout of ring's P-256 PKCS#8 v1 documents up to the private scalar (RFC 5915 §3 inside
/// RFC 5208): `PrivateKeyInfo { 0, id-ecPublicKey/prime256v1, ECPrivateKey { 1, d, [1] point } }`.
const P256_PKCS8_HEAD: &[u8] = &[
    0x30, 0x81, 0x87, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
    0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x6d, 0x30, 0x6b, 0x02,
    0x01, 0x01, 0x04, 0x20,
];
/// Between the P-256 scalar and the uncompressed point.
const P256_PKCS8_MIDDLE: &[u8] = &[0xa1, 0x44, 0x03, 0x42, 0x00, 0x04];
/// The PKCS#8 v2 layout of an Ed25519 key up to the seed (RFC 8410 §7 and §10.3: the public
/// key follows as `[1] IMPLICIT BIT STRING`).
const ED25519_PKCS8_HEAD: &[u8] = &[
    0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];
/// Between the Ed25519 seed and the public key.
const ED25519_PKCS8_MIDDLE: &[u8] = &[0x81, 0x21, 0x00];

/// Splits `doc` as `head || a (a_len bytes) || middle || b (the rest, b_len bytes)`.
fn split_pkcs8<'a>(
    doc: &'a [u8],
    head: &[u8],
    a_len: usize,
    middle: &[u8],
    b_len: usize,
) -> Option<(&'a [u8], &'a [u8])> {
    let rest = doc.strip_prefix(head)?;
    let (a, rest) = rest.split_at_checked(a_len)?;
    let b = rest.strip_prefix(middle)?;
    (b.len() == b_len).then_some((a, b))
}

/// A fresh private JWK (RFC 7518 §6.2.2, RFC 8037 §2, §6.4) for HS256/384/512, ES256 or
/// `EdDSA`, with `alg`, `use: "sig"` and `kid`: what a deployment would store and a test kit
/// mints with. RSA keys cannot be generated here.
pub fn generate_private(alg: Algorithm, kid: &str) -> Result<Value, JwkError> {
    use ring::signature as sig;
    let rng = ring::rand::SystemRandom::new();
    let rejected = || JwkError::Key(KeyError::Rejected { alg });
    let encode = |b: &[u8]| Value::from(base64url::encode(b));
    let mut jwk = Map::new();
    match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
            let len = match alg {
                Algorithm::HS256 => 32,
                Algorithm::HS384 => 48,
                _ => 64,
            };
            let mut secret = vec![0u8; len];
            ring::rand::SecureRandom::fill(&rng, &mut secret).map_err(|_| rejected())?;
            jwk.insert("kty".into(), "oct".into());
            jwk.insert("k".into(), encode(&secret));
        }
        Algorithm::ES256 => {
            let doc =
                sig::EcdsaKeyPair::generate_pkcs8(&sig::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                    .map_err(|_| rejected())?;
            let (d, point) = split_pkcs8(doc.as_ref(), P256_PKCS8_HEAD, 32, P256_PKCS8_MIDDLE, 64)
                .ok_or_else(rejected)?;
            jwk.insert("kty".into(), "EC".into());
            jwk.insert("crv".into(), "P-256".into());
            jwk.insert("x".into(), encode(&point[..32]));
            jwk.insert("y".into(), encode(&point[32..]));
            jwk.insert("d".into(), encode(d));
        }
        Algorithm::EdDSA => {
            let doc = sig::Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| rejected())?;
            let (seed, public) = split_pkcs8(
                doc.as_ref(),
                ED25519_PKCS8_HEAD,
                32,
                ED25519_PKCS8_MIDDLE,
                32,
            )
            .ok_or_else(rejected)?;
            jwk.insert("kty".into(), "OKP".into());
            jwk.insert("crv".into(), "Ed25519".into());
            jwk.insert("x".into(), encode(public));
            jwk.insert("d".into(), encode(seed));
        }
        Algorithm::RS256 | Algorithm::PS256 => {
            return Err(JwkError::Unsupported("RSA key generation"));
        }
    }
    jwk.insert("alg".into(), alg.name().into());
    jwk.insert("use".into(), "sig".into());
    jwk.insert("kid".into(), kid.into());
    Ok(Value::Object(jwk))
}

/// A set of verifying keys, looked up by `kid` and algorithm.
#[derive(Debug, Clone, Default)]
pub struct JwkSet {
    keys: Vec<VerifyingKey>,
}

/// Why no key was found for a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyLookupError {
    /// No key has the `kid`, or (without a `kid`) no key of the algorithm exists.
    UnknownKey,
    /// Without a `kid`, several keys of the algorithm exist.
    Ambiguous,
    /// The key named by `kid` is bound to another algorithm.
    AlgorithmMismatch {
        /// The algorithm the key is bound to.
        key: Algorithm,
        /// The algorithm the signature claims.
        claimed: Algorithm,
    },
}

impl JwkSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a key. Fails if another key already has its `kid`.
    pub fn insert(&mut self, key: VerifyingKey) -> Result<(), JwkError> {
        if key.kid().is_some() && self.keys.iter().any(|k| k.kid() == key.kid()) {
            return Err(JwkError::DuplicateKid);
        }
        self.keys.push(key);
        Ok(())
    }

    /// Parses a JWKS document (`{"keys": [...]}`). Keys of unsupported types or algorithms,
    /// and keys not meant for signatures, are skipped (a published set often holds keys for
    /// other purposes); a supported key that is malformed is an error. Returns the set and the
    /// number of keys skipped.
    pub fn from_json(jwks: &Value) -> Result<(Self, usize), JwkError> {
        let keys = jwks
            .get("keys")
            .and_then(Value::as_array)
            .ok_or(JwkError::Missing("keys"))?;
        let mut set = Self::new();
        let mut skipped = 0;
        for jwk in keys {
            match verifying_key(jwk) {
                Ok(key) => set.insert(key)?,
                Err(
                    JwkError::Unsupported(_)
                    | JwkError::NotForSignatures
                    | JwkError::AlgorithmUnclear,
                ) => {
                    skipped += 1;
                }
                Err(e) => return Err(e),
            }
        }
        Ok((set, skipped))
    }

    /// Parses a JWKS document from bytes (strict JSON).
    pub fn from_slice(bytes: &[u8]) -> Result<(Self, usize), JwkError> {
        let value = crate::json::parse_strict(bytes).map_err(|_| JwkError::NotJson)?;
        Self::from_json(&value)
    }

    /// The keys, in insertion order.
    pub fn keys(&self) -> &[VerifyingKey] {
        &self.keys
    }

    /// Finds the key for a signature that claims algorithm `alg` and key id `kid`.
    ///
    /// With a `kid`, the key with that id, which must be bound to `alg`. Without one, the only
    /// key bound to `alg`.
    pub fn find(&self, kid: Option<&str>, alg: Algorithm) -> Result<&VerifyingKey, KeyLookupError> {
        if let Some(kid) = kid {
            let key = self
                .keys
                .iter()
                .find(|k| k.kid() == Some(kid))
                .ok_or(KeyLookupError::UnknownKey)?;
            return if key.alg() == alg {
                Ok(key)
            } else {
                Err(KeyLookupError::AlgorithmMismatch {
                    key: key.alg(),
                    claimed: alg,
                })
            };
        }
        let mut candidates = self.keys.iter().filter(|k| k.alg() == alg);
        match (candidates.next(), candidates.next()) {
            (Some(key), None) => Ok(key),
            (Some(_), Some(_)) => Err(KeyLookupError::Ambiguous),
            (None, _) => Err(KeyLookupError::UnknownKey),
        }
    }

    /// The public keys as a JWKS document (HMAC secrets are never included).
    pub fn to_public_json(&self) -> Value {
        let keys: Vec<Value> = self.keys.iter().filter_map(VerifyingKey::to_jwk).collect();
        serde_json::json!({ "keys": keys })
    }
}

impl FromIterator<VerifyingKey> for Result<JwkSet, JwkError> {
    fn from_iter<I: IntoIterator<Item = VerifyingKey>>(iter: I) -> Self {
        let mut set = JwkSet::new();
        for key in iter {
            set.insert(key)?;
        }
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn generated_private_jwks_sign_and_their_public_halves_verify() {
        for alg in [
            Algorithm::HS256,
            Algorithm::HS512,
            Algorithm::ES256,
            Algorithm::EdDSA,
        ] {
            let jwk = generate_private(alg, "k1").unwrap();
            assert_eq!(jwk["kid"], "k1");
            assert_eq!(jwk["alg"], alg.name());
            let key = signing_key(&jwk).unwrap();
            let signature = key.sign(b"input").unwrap();
            let public = if alg.is_symmetric() {
                verifying_key(&jwk).unwrap()
            } else {
                // Only the public members: `d` must not be needed to verify.
                let mut public = jwk.clone();
                public.as_object_mut().unwrap().remove("d");
                verifying_key(&public).unwrap()
            };
            assert_eq!(public.verify(b"input", &signature), Ok(()), "{alg}");
            assert!(public.verify(b"other", &signature).is_err(), "{alg}");
            // Two generated keys differ.
            assert_ne!(jwk, generate_private(alg, "k1").unwrap());
        }
        assert!(matches!(
            generate_private(Algorithm::RS256, "k"),
            Err(JwkError::Unsupported(_))
        ));
    }

    #[test]
    fn infers_the_algorithm_only_when_unambiguous() {
        let ec = SigningKey::generate(Algorithm::ES256).unwrap();
        let mut jwk = ec.public_jwk().unwrap();
        jwk.as_object_mut().unwrap().remove("alg");
        assert_eq!(verifying_key(&jwk).unwrap().alg(), Algorithm::ES256);

        let oct = json!({"kty": "oct", "k": base64url::encode(&[1u8; 32])});
        assert_eq!(verifying_key(&oct).unwrap_err(), JwkError::AlgorithmUnclear);
        let oct = json!({"kty": "oct", "alg": "RS256", "k": base64url::encode(&[1u8; 32])});
        assert_eq!(verifying_key(&oct).unwrap_err(), JwkError::AlgorithmUnclear);
    }

    #[test]
    fn refuses_encryption_keys_and_unknown_curves() {
        let mut jwk = SigningKey::generate(Algorithm::ES256)
            .unwrap()
            .public_jwk()
            .unwrap();
        jwk["use"] = json!("enc");
        assert_eq!(verifying_key(&jwk).unwrap_err(), JwkError::NotForSignatures);
        jwk["use"] = json!("sig");
        jwk["crv"] = json!("P-384");
        assert_eq!(
            verifying_key(&jwk).unwrap_err(),
            JwkError::Unsupported("curve")
        );
    }

    #[test]
    fn rejects_padded_base64_in_key_members() {
        let jwk = json!({"kty": "oct", "alg": "HS256", "k": format!("{}=", base64url::encode(&[1u8; 32]))});
        assert_eq!(verifying_key(&jwk).unwrap_err(), JwkError::BadEncoding("k"));
    }

    #[test]
    fn finds_keys_by_kid_and_refuses_algorithm_confusion() {
        let es = SigningKey::generate(Algorithm::ES256)
            .unwrap()
            .with_kid("es");
        let hs = SigningKey::generate(Algorithm::HS256)
            .unwrap()
            .with_kid("hs");
        let set: Result<JwkSet, _> = [es.verifying_key().unwrap(), hs.verifying_key().unwrap()]
            .into_iter()
            .collect();
        let set = set.unwrap();
        assert_eq!(
            set.find(Some("es"), Algorithm::ES256).unwrap().kid(),
            Some("es")
        );
        assert_eq!(
            set.find(Some("es"), Algorithm::HS256).unwrap_err(),
            KeyLookupError::AlgorithmMismatch {
                key: Algorithm::ES256,
                claimed: Algorithm::HS256
            }
        );
        assert_eq!(
            set.find(Some("nope"), Algorithm::ES256).unwrap_err(),
            KeyLookupError::UnknownKey
        );
        assert_eq!(set.find(None, Algorithm::HS256).unwrap().kid(), Some("hs"));
        assert_eq!(
            set.find(None, Algorithm::EdDSA).unwrap_err(),
            KeyLookupError::UnknownKey
        );
        // The published set never carries the HMAC secret.
        assert_eq!(set.to_public_json()["keys"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn skips_unsupported_keys_in_a_set_but_rejects_duplicate_kids() {
        let es = SigningKey::generate(Algorithm::ES256)
            .unwrap()
            .with_kid("a");
        let jwks = json!({"keys": [es.public_jwk().unwrap(), {"kty": "EC", "crv": "P-521", "x": "", "y": ""}]});
        let (set, skipped) = JwkSet::from_json(&jwks).unwrap();
        assert_eq!((set.keys().len(), skipped), (1, 1));
        let dup = json!({"keys": [es.public_jwk().unwrap(), es.public_jwk().unwrap()]});
        assert_eq!(JwkSet::from_json(&dup).unwrap_err(), JwkError::DuplicateKid);
    }

    #[test]
    fn private_jwk_round_trips_through_signing() {
        let ed = SigningKey::generate(Algorithm::EdDSA).unwrap();
        let public = verifying_key(&ed.public_jwk().unwrap()).unwrap();
        let sig = ed.sign(b"m").unwrap();
        assert!(public.verify(b"m", &sig).is_ok());
    }
}
