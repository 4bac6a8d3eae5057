//! JWS algorithms (RFC 7518 §3) and the keys that sign and verify with them.
//!
//! Every key is bound to exactly one [`Algorithm`] when it is made: a key never verifies a
//! signature of another algorithm, which rules out algorithm confusion (an HS256 token "signed"
//! with an RSA public key) by construction. `none` is not an algorithm here at all.
//!
//! Signatures are verified with `ring` (RSA, ECDSA P-256, Ed25519) and `RustCrypto` `hmac` + `sha2`
//! (HMAC, keyed state computed once per key). ECDSA signatures are the fixed-width `r || s` form
//! JWS uses (RFC 7518 §3.4), never DER.
//!
//! ECDSA is malleable: if `(r, s)` verifies, so does `(r, n - s)`. Both are accepted here, as
//! every mainstream JOSE library does and as Wycheproof expects. Consequently nothing in this
//! crate keys anything on signature bytes; replay detection keys on `jti` / message ids.

use std::fmt;

use hmac::{Hmac, Mac};
use ring::rand::SystemRandom;
use ring::signature::{self as sig, KeyPair as _};
use sha2::{Sha256, Sha384, Sha512};
use subtle::ConstantTimeEq;

/// A JWS signature algorithm this crate supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC with SHA-256.
    HS256,
    /// HMAC with SHA-384.
    HS384,
    /// HMAC with SHA-512.
    HS512,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (modulus 2048 to 8192 bits).
    RS256,
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256, 32-byte salt.
    PS256,
    /// ECDSA with P-256 and SHA-256, signature as `r || s`.
    ES256,
    /// Ed25519 (RFC 8037).
    EdDSA,
}

impl Algorithm {
    /// Every supported algorithm.
    pub const ALL: [Self; 7] = [
        Self::HS256,
        Self::HS384,
        Self::HS512,
        Self::RS256,
        Self::PS256,
        Self::ES256,
        Self::EdDSA,
    ];

    /// The `alg` header value (RFC 7518 §3.1, RFC 8037 §3.1).
    pub const fn name(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::HS384 => "HS384",
            Self::HS512 => "HS512",
            Self::RS256 => "RS256",
            Self::PS256 => "PS256",
            Self::ES256 => "ES256",
            Self::EdDSA => "EdDSA",
        }
    }

    /// Parses an `alg` value; `None` for anything unsupported, `none` included.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Whether this is an HMAC (symmetric) algorithm.
    pub const fn is_symmetric(self) -> bool {
        matches!(self, Self::HS256 | Self::HS384 | Self::HS512)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a key could not be made or a signature could not be produced.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The key material does not suit the algorithm (wrong type, curve or size).
    Unsuitable {
        /// The algorithm the key was meant for.
        alg: Algorithm,
        /// What is wrong, without any key bytes.
        reason: &'static str,
    },
    /// The cryptographic backend rejected the key (invalid encoding, point not on the curve,
    /// inconsistent RSA components).
    Rejected {
        /// The algorithm the key was meant for.
        alg: Algorithm,
    },
    /// The backend failed to produce a signature.
    SigningFailed,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unsuitable { alg, reason } => write!(f, "key unsuitable for {alg}: {reason}"),
            Self::Rejected { alg } => write!(f, "key material rejected for {alg}"),
            Self::SigningFailed => f.write_str("signing failed"),
        }
    }
}

impl std::error::Error for KeyError {}

/// A signature (or MAC) did not verify. Deliberately carries no detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadSignature;

impl fmt::Display for BadSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("signature does not verify")
    }
}

impl std::error::Error for BadSignature {}

/// A keyed HMAC state, computed once per key and cloned per message.
#[derive(Clone)]
enum HmacState {
    Sha256(Hmac<Sha256>),
    Sha384(Hmac<Sha384>),
    Sha512(Hmac<Sha512>),
}

impl HmacState {
    fn new(alg: Algorithm, secret: &[u8]) -> Result<Self, KeyError> {
        // RFC 7518 §3.2: "A key of the same size as the hash output (for instance, 256 bits for
        // HS256) or larger MUST be used with this algorithm."
        let (min, state) = match alg {
            Algorithm::HS256 => (32, Hmac::<Sha256>::new_from_slice(secret).map(Self::Sha256)),
            Algorithm::HS384 => (48, Hmac::<Sha384>::new_from_slice(secret).map(Self::Sha384)),
            Algorithm::HS512 => (64, Hmac::<Sha512>::new_from_slice(secret).map(Self::Sha512)),
            _ => {
                return Err(KeyError::Unsuitable {
                    alg,
                    reason: "not an HMAC algorithm",
                });
            }
        };
        if secret.len() < min {
            return Err(KeyError::Unsuitable {
                alg,
                reason: "HMAC key shorter than the hash output (RFC 7518 §3.2)",
            });
        }
        state.map_err(|_| KeyError::Rejected { alg })
    }

    /// The MAC of `input`, in a fixed buffer (64 bytes, `len` used).
    fn mac(&self, input: &[u8]) -> ([u8; 64], usize) {
        let mut out = [0u8; 64];
        let len = match self {
            Self::Sha256(k) => copy_into(
                &mut out,
                &k.clone().chain_update(input).finalize().into_bytes(),
            ),
            Self::Sha384(k) => copy_into(
                &mut out,
                &k.clone().chain_update(input).finalize().into_bytes(),
            ),
            Self::Sha512(k) => copy_into(
                &mut out,
                &k.clone().chain_update(input).finalize().into_bytes(),
            ),
        };
        (out, len)
    }

    fn verify(&self, input: &[u8], tag: &[u8]) -> Result<(), BadSignature> {
        /// The MAC of `input` with a copy of the keyed state, compared in place.
        fn check<M: Mac + Clone>(keyed: &M, input: &[u8], tag: &[u8]) -> bool {
            let mut mac = keyed.clone();
            mac.update(input);
            ct_eq(&mac.finalize().into_bytes(), tag)
        }
        // A truncated tag is a wrong tag: `ct_eq` requires the lengths to match exactly.
        let matches = match self {
            Self::Sha256(k) => check(k, input, tag),
            Self::Sha384(k) => check(k, input, tag),
            Self::Sha512(k) => check(k, input, tag),
        };
        if matches { Ok(()) } else { Err(BadSignature) }
    }
}

/// Whether two byte strings are equal (lengths included), in constant time: the differences are
/// combined with OR without any data-dependent branch and only their total is compared, by
/// `subtle` (one optimisation barrier instead of one per byte, as `<[u8]>::ct_eq` has).
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y));
    a.len() == b.len() && bool::from(diff.ct_eq(&0))
}

fn copy_into(out: &mut [u8; 64], bytes: &[u8]) -> usize {
    out[..bytes.len()].copy_from_slice(bytes);
    bytes.len()
}

/// The public half of a key, or an HMAC secret, bound to its algorithm.
#[derive(Clone)]
pub struct VerifyingKey {
    alg: Algorithm,
    kid: Option<String>,
    material: Verifier,
}

// Keys are few and long-lived; boxing the HMAC state would add an indirection on the hot path.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Verifier {
    Hmac(HmacState),
    Rsa(sig::RsaPublicKeyComponents<Vec<u8>>),
    /// Uncompressed SEC1 point (P-256) or the 32-byte Ed25519 key.
    Point(Vec<u8>),
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

impl VerifyingKey {
    /// An HMAC secret for `alg` (HS256/384/512), at least as long as the hash output.
    pub fn hmac(alg: Algorithm, secret: &[u8]) -> Result<Self, KeyError> {
        Ok(Self {
            alg,
            kid: None,
            material: Verifier::Hmac(HmacState::new(alg, secret)?),
        })
    }

    /// An RSA public key (big-endian modulus and exponent) for RS256 or PS256.
    pub fn rsa(alg: Algorithm, n: &[u8], e: &[u8]) -> Result<Self, KeyError> {
        if !matches!(alg, Algorithm::RS256 | Algorithm::PS256) {
            return Err(KeyError::Unsuitable {
                alg,
                reason: "not an RSA algorithm",
            });
        }
        let n = strip_leading_zeros(n);
        let bits = n.len() * 8 - n.first().map_or(8, |b| b.leading_zeros() as usize);
        if !(2048..=8192).contains(&bits) {
            return Err(KeyError::Unsuitable {
                alg,
                reason: "RSA modulus must be 2048 to 8192 bits",
            });
        }
        Ok(Self {
            alg,
            kid: None,
            material: Verifier::Rsa(sig::RsaPublicKeyComponents {
                n: n.to_vec(),
                e: strip_leading_zeros(e).to_vec(),
            }),
        })
    }

    /// A P-256 public key from its affine coordinates (32 bytes each) for ES256.
    pub fn p256(x: &[u8], y: &[u8]) -> Result<Self, KeyError> {
        let alg = Algorithm::ES256;
        if x.len() != 32 || y.len() != 32 {
            return Err(KeyError::Unsuitable {
                alg,
                reason: "P-256 coordinates must be 32 bytes each",
            });
        }
        let mut point = Vec::with_capacity(65);
        point.push(0x04);
        point.extend_from_slice(x);
        point.extend_from_slice(y);
        Ok(Self {
            alg,
            kid: None,
            material: Verifier::Point(point),
        })
    }

    /// An Ed25519 public key (32 bytes) for `EdDSA`.
    pub fn ed25519(public_key: &[u8]) -> Result<Self, KeyError> {
        if public_key.len() != 32 {
            return Err(KeyError::Unsuitable {
                alg: Algorithm::EdDSA,
                reason: "Ed25519 public keys are 32 bytes",
            });
        }
        Ok(Self {
            alg: Algorithm::EdDSA,
            kid: None,
            material: Verifier::Point(public_key.to_vec()),
        })
    }

    /// The same key with a key id.
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The algorithm this key is bound to.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Verifies `signature` over `input` with this key's algorithm.
    pub fn verify(&self, input: &[u8], signature: &[u8]) -> Result<(), BadSignature> {
        match &self.material {
            Verifier::Hmac(state) => state.verify(input, signature),
            Verifier::Rsa(key) => {
                let params = if self.alg == Algorithm::PS256 {
                    &sig::RSA_PSS_2048_8192_SHA256
                } else {
                    &sig::RSA_PKCS1_2048_8192_SHA256
                };
                key.verify(params, input, signature)
                    .map_err(|_| BadSignature)
            }
            Verifier::Point(point) => {
                let params: &dyn sig::VerificationAlgorithm = if self.alg == Algorithm::ES256 {
                    &sig::ECDSA_P256_SHA256_FIXED
                } else {
                    &sig::ED25519
                };
                sig::UnparsedPublicKey::new(params, point)
                    .verify(input, signature)
                    .map_err(|_| BadSignature)
            }
        }
    }
}

/// A private key (or HMAC secret) bound to its algorithm, able to sign.
pub struct SigningKey {
    alg: Algorithm,
    kid: Option<String>,
    material: Signer,
}

enum Signer {
    Hmac(HmacState, Vec<u8>),
    Rsa(sig::RsaKeyPair),
    Ecdsa(sig::EcdsaKeyPair),
    Ed25519(sig::Ed25519KeyPair),
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// The private components of an RSA key, big-endian (RFC 7518 §6.3.2 names).
#[derive(Clone, Copy)]
#[allow(missing_docs, non_snake_case)]
pub struct RsaPrivateComponents<'a> {
    pub n: &'a [u8],
    pub e: &'a [u8],
    pub d: &'a [u8],
    pub p: &'a [u8],
    pub q: &'a [u8],
    pub dp: &'a [u8],
    pub dq: &'a [u8],
    pub qi: &'a [u8],
}

impl fmt::Debug for RsaPrivateComponents<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RsaPrivateComponents([redacted])")
    }
}

impl SigningKey {
    /// An HMAC secret for HS256/384/512.
    pub fn hmac(alg: Algorithm, secret: &[u8]) -> Result<Self, KeyError> {
        Ok(Self {
            alg,
            kid: None,
            material: Signer::Hmac(HmacState::new(alg, secret)?, secret.to_vec()),
        })
    }

    /// A fresh random key: 32/48/64-byte secrets for HMAC, P-256 for ES256, Ed25519 for
    /// `EdDSA`. RSA keys cannot be generated here (load them with [`Self::rsa`]).
    pub fn generate(alg: Algorithm) -> Result<Self, KeyError> {
        let rng = SystemRandom::new();
        let material = match alg {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
                let len = match alg {
                    Algorithm::HS256 => 32,
                    Algorithm::HS384 => 48,
                    _ => 64,
                };
                let mut secret = vec![0u8; len];
                ring::rand::SecureRandom::fill(&rng, &mut secret)
                    .map_err(|_| KeyError::SigningFailed)?;
                return Self::hmac(alg, &secret);
            }
            Algorithm::ES256 => {
                let pkcs8 =
                    sig::EcdsaKeyPair::generate_pkcs8(&sig::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                        .map_err(|_| KeyError::Rejected { alg })?;
                Signer::Ecdsa(
                    sig::EcdsaKeyPair::from_pkcs8(
                        &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
                        pkcs8.as_ref(),
                        &rng,
                    )
                    .map_err(|_| KeyError::Rejected { alg })?,
                )
            }
            Algorithm::EdDSA => {
                let pkcs8 = sig::Ed25519KeyPair::generate_pkcs8(&rng)
                    .map_err(|_| KeyError::Rejected { alg })?;
                Signer::Ed25519(
                    sig::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
                        .map_err(|_| KeyError::Rejected { alg })?,
                )
            }
            Algorithm::RS256 | Algorithm::PS256 => {
                return Err(KeyError::Unsuitable {
                    alg,
                    reason: "RSA key generation is not supported; load a key",
                });
            }
        };
        Ok(Self {
            alg,
            kid: None,
            material,
        })
    }

    /// An RSA private key for RS256 or PS256.
    pub fn rsa(alg: Algorithm, key: &RsaPrivateComponents<'_>) -> Result<Self, KeyError> {
        // Validate algorithm and modulus size through the public constructor.
        VerifyingKey::rsa(alg, key.n, key.e)?;
        let components = ring::rsa::KeyPairComponents {
            public_key: sig::RsaPublicKeyComponents {
                n: strip_leading_zeros(key.n),
                e: strip_leading_zeros(key.e),
            },
            d: key.d,
            p: key.p,
            q: key.q,
            dP: key.dp,
            dQ: key.dq,
            qInv: key.qi,
        };
        let pair = sig::RsaKeyPair::from_components(&components)
            .map_err(|_| KeyError::Rejected { alg })?;
        Ok(Self {
            alg,
            kid: None,
            material: Signer::Rsa(pair),
        })
    }

    /// A P-256 private key (32-byte scalar `d`) with its public coordinates, for ES256.
    pub fn p256(d: &[u8], x: &[u8], y: &[u8]) -> Result<Self, KeyError> {
        let alg = Algorithm::ES256;
        let public = VerifyingKey::p256(x, y)?;
        let Verifier::Point(point) = &public.material else {
            return Err(KeyError::Rejected { alg });
        };
        let pair = sig::EcdsaKeyPair::from_private_key_and_public_key(
            &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
            d,
            point,
            &SystemRandom::new(),
        )
        .map_err(|_| KeyError::Rejected { alg })?;
        Ok(Self {
            alg,
            kid: None,
            material: Signer::Ecdsa(pair),
        })
    }

    /// An Ed25519 private key from its 32-byte seed and public key, for `EdDSA`.
    pub fn ed25519(seed: &[u8], public_key: &[u8]) -> Result<Self, KeyError> {
        let alg = Algorithm::EdDSA;
        let pair = sig::Ed25519KeyPair::from_seed_and_public_key(seed, public_key)
            .map_err(|_| KeyError::Rejected { alg })?;
        Ok(Self {
            alg,
            kid: None,
            material: Signer::Ed25519(pair),
        })
    }

    /// A key from a PKCS#8 v1/v2 DER document (ES256, `EdDSA`, RS256, PS256).
    pub fn from_pkcs8(alg: Algorithm, der: &[u8]) -> Result<Self, KeyError> {
        let rejected = |_| KeyError::Rejected { alg };
        let material = match alg {
            Algorithm::ES256 => Signer::Ecdsa(
                sig::EcdsaKeyPair::from_pkcs8(
                    &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
                    der,
                    &SystemRandom::new(),
                )
                .map_err(rejected)?,
            ),
            Algorithm::EdDSA => Signer::Ed25519(
                sig::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map_err(rejected)?,
            ),
            Algorithm::RS256 | Algorithm::PS256 => {
                Signer::Rsa(sig::RsaKeyPair::from_pkcs8(der).map_err(rejected)?)
            }
            _ => {
                return Err(KeyError::Unsuitable {
                    alg,
                    reason: "PKCS#8 holds asymmetric keys only",
                });
            }
        };
        Ok(Self {
            alg,
            kid: None,
            material,
        })
    }

    /// The same key with a key id.
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The algorithm this key is bound to.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Signs `input`. ECDSA signatures are `r || s` (64 bytes).
    pub fn sign(&self, input: &[u8]) -> Result<Vec<u8>, KeyError> {
        match &self.material {
            Signer::Hmac(state, _) => {
                let (mac, len) = state.mac(input);
                Ok(mac[..len].to_vec())
            }
            Signer::Rsa(pair) => {
                let padding: &dyn sig::RsaEncoding = if self.alg == Algorithm::PS256 {
                    &sig::RSA_PSS_SHA256
                } else {
                    &sig::RSA_PKCS1_SHA256
                };
                let mut out = vec![0u8; pair.public().modulus_len()];
                pair.sign(padding, &SystemRandom::new(), input, &mut out)
                    .map_err(|_| KeyError::SigningFailed)?;
                Ok(out)
            }
            Signer::Ecdsa(pair) => pair
                .sign(&SystemRandom::new(), input)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| KeyError::SigningFailed),
            Signer::Ed25519(pair) => Ok(pair.sign(input).as_ref().to_vec()),
        }
    }

    /// The matching verifying key (an HMAC key verifies with its own secret).
    pub fn verifying_key(&self) -> Result<VerifyingKey, KeyError> {
        let key = match &self.material {
            Signer::Hmac(_, secret) => VerifyingKey::hmac(self.alg, secret)?,
            Signer::Rsa(pair) => {
                let public = pair.public();
                let components: sig::RsaPublicKeyComponents<Vec<u8>> = public.into();
                VerifyingKey::rsa(self.alg, &components.n, &components.e)?
            }
            Signer::Ecdsa(pair) => {
                let point = pair.public_key().as_ref();
                VerifyingKey::p256(&point[1..33], &point[33..65])?
            }
            Signer::Ed25519(pair) => VerifyingKey::ed25519(pair.public_key().as_ref())?,
        };
        Ok(match &self.kid {
            Some(kid) => key.with_kid(kid.clone()),
            None => key,
        })
    }

    /// The public key as a JWK (RFC 7517) with `kid`, `alg` and `use: "sig"`; `None` for HMAC
    /// secrets, which have no public form.
    pub fn public_jwk(&self) -> Option<serde_json::Value> {
        self.verifying_key().ok()?.to_jwk()
    }
}

impl VerifyingKey {
    /// This key as a public JWK; `None` for HMAC secrets, which must never be published.
    pub fn to_jwk(&self) -> Option<serde_json::Value> {
        use crate::base64url::encode;
        let mut jwk = serde_json::Map::new();
        match &self.material {
            Verifier::Hmac(_) => return None,
            Verifier::Rsa(key) => {
                jwk.insert("kty".into(), "RSA".into());
                jwk.insert("n".into(), encode(&key.n).into());
                jwk.insert("e".into(), encode(&key.e).into());
            }
            Verifier::Point(point) if self.alg == Algorithm::ES256 => {
                jwk.insert("kty".into(), "EC".into());
                jwk.insert("crv".into(), "P-256".into());
                jwk.insert("x".into(), encode(&point[1..33]).into());
                jwk.insert("y".into(), encode(&point[33..65]).into());
            }
            Verifier::Point(point) => {
                jwk.insert("kty".into(), "OKP".into());
                jwk.insert("crv".into(), "Ed25519".into());
                jwk.insert("x".into(), encode(point).into());
            }
        }
        jwk.insert("alg".into(), self.alg.name().into());
        jwk.insert("use".into(), "sig".into());
        if let Some(kid) = &self.kid {
            jwk.insert("kid".into(), kid.clone().into());
        }
        Some(serde_json::Value::Object(jwk))
    }
}

/// DER definite length (X.690 §8.1.3).
fn der_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        // Short form: one byte.
        out.push(u8::try_from(len).unwrap_or(0));
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | u8::try_from(bytes.len() - skip).unwrap_or(0));
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// A DER TLV.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    der_len(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

/// A non-negative DER INTEGER from big-endian magnitude bytes.
fn der_uint(magnitude: &[u8]) -> Vec<u8> {
    let m = strip_leading_zeros(magnitude);
    let mut content = Vec::with_capacity(m.len() + 1);
    if m.first().is_none_or(|&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(m);
    der(0x02, &content)
}

/// `AlgorithmIdentifier` DER of id-ecPublicKey with the prime256v1 curve (RFC 5480 §2.1.1).
const EC_P256_ALGORITHM: &[u8] = &[
    0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
    0xce, 0x3d, 0x03, 0x01, 0x07,
];
/// `AlgorithmIdentifier` DER of id-Ed25519 (RFC 8410 §3).
const ED25519_ALGORITHM: &[u8] = &[0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70];
/// `AlgorithmIdentifier` DER of rsaEncryption with NULL parameters (RFC 3279 §2.3.1).
const RSA_ALGORITHM: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];

impl VerifyingKey {
    /// The public key as a DER `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7; RFC 3279, RFC 5480,
    /// RFC 8410 for the algorithms); `None` for HMAC secrets.
    ///
    /// Verification never needs this: it exists so that a test kit can build the HMAC secrets of
    /// the algorithm-confusion attack (an HS256 token keyed with the public key's encodings).
    pub fn spki_der(&self) -> Option<Vec<u8>> {
        let (algorithm, key): (&[u8], Vec<u8>) = match &self.material {
            Verifier::Hmac(_) => return None,
            Verifier::Rsa(key) => {
                let mut seq = der_uint(&key.n);
                seq.extend_from_slice(&der_uint(&key.e));
                (RSA_ALGORITHM, der(0x30, &seq))
            }
            Verifier::Point(point) if self.alg == Algorithm::ES256 => {
                (EC_P256_ALGORITHM, point.clone())
            }
            Verifier::Point(point) => (ED25519_ALGORITHM, point.clone()),
        };
        let mut bits = Vec::with_capacity(key.len() + 1);
        bits.push(0); // no unused bits
        bits.extend_from_slice(&key);
        let mut content = algorithm.to_vec();
        content.extend_from_slice(&der(0x03, &bits));
        Some(der(0x30, &content))
    }

    /// [`spki_der`](Self::spki_der) as PEM (RFC 7468 §13): `-----BEGIN PUBLIC KEY-----`, base64
    /// in 64-character lines, a final newline.
    pub fn spki_pem(&self) -> Option<String> {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(self.spki_der()?);
        let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
        for line in b64.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(line).unwrap_or(""));
            pem.push('\n');
        }
        pem.push_str("-----END PUBLIC KEY-----\n");
        Some(pem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_key_round_trips_and_rejects_a_changed_input() {
        for alg in [
            Algorithm::HS256,
            Algorithm::HS384,
            Algorithm::HS512,
            Algorithm::ES256,
            Algorithm::EdDSA,
        ] {
            let key = SigningKey::generate(alg).unwrap().with_kid("k1");
            let signature = key.sign(b"input").unwrap();
            let public = key.verifying_key().unwrap();
            assert_eq!(public.kid(), Some("k1"));
            assert_eq!(public.verify(b"input", &signature), Ok(()), "{alg}");
            assert_eq!(
                public.verify(b"inpuT", &signature),
                Err(BadSignature),
                "{alg}"
            );
        }
    }

    #[test]
    fn spki_of_the_rfc_8410_ed25519_example() {
        // RFC 8410 §10.1: the example public key and its PEM.
        let body = "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=";
        let key = VerifyingKey::ed25519(&[
            0x19, 0xbf, 0x44, 0x09, 0x69, 0x84, 0xcd, 0xfe, 0x85, 0x41, 0xba, 0xc1, 0x67, 0xdc,
            0x3b, 0x96, 0xc8, 0x50, 0x86, 0xaa, 0x30, 0xb6, 0xb6, 0xcb, 0x0c, 0x5c, 0x38, 0xad,
            0x70, 0x31, 0x66, 0xe1,
        ])
        .unwrap();
        assert_eq!(
            key.spki_pem().unwrap(),
            format!("-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n")
        );
    }

    #[test]
    fn spki_of_p256_and_rsa_keys_is_well_formed_der() {
        let ec = SigningKey::generate(Algorithm::ES256).unwrap();
        let der = ec.verifying_key().unwrap().spki_der().unwrap();
        // SEQUENCE(89) { AlgorithmIdentifier(19), BIT STRING(66) { 0, 04 || x || y } }
        assert_eq!(der.len(), 91);
        assert_eq!(&der[..2], &[0x30, 89]);
        assert_eq!(&der[2..23], EC_P256_ALGORITHM);
        assert_eq!(&der[23..26], &[0x03, 66, 0x00]);
        assert_eq!(der[26], 0x04);

        // A 2048-bit modulus with its top bit set needs a leading zero and long-form lengths.
        let n = [[0xc5u8; 1].as_slice(), &[0x11; 255]].concat();
        let rsa = VerifyingKey::rsa(Algorithm::RS256, &n, &[1, 0, 1]).unwrap();
        let der = rsa.spki_der().unwrap();
        // SEQUENCE { AlgorithmIdentifier, BIT STRING { 0, SEQUENCE { INTEGER 00||n, INTEGER e } } }
        let integers = 4 + 257 + 2 + 3;
        let seq = 4 + integers;
        let bits = 4 + 1 + seq;
        assert_eq!(der.len(), 4 + RSA_ALGORITHM.len() + bits);
        assert_eq!(&der[..4], &[0x30, 0x82, 0x01, 0x22]);
        assert_eq!(&der[4..19], RSA_ALGORITHM);
        assert_eq!(&der[19..24], &[0x03, 0x82, 0x01, 0x0f, 0x00]);
        assert_eq!(&der[24..28], &[0x30, 0x82, 0x01, 0x0a]);
        assert_eq!(&der[28..33], &[0x02, 0x82, 0x01, 0x01, 0x00]);
        assert_eq!(&der[33..289], n.as_slice());
        assert_eq!(&der[289..], &[0x02, 0x03, 0x01, 0x00, 0x01]);

        let hmac = VerifyingKey::hmac(Algorithm::HS256, &[7; 32]).unwrap();
        assert_eq!(hmac.spki_der(), None);
        assert_eq!(hmac.spki_pem(), None);
    }

    #[test]
    fn rejects_truncated_hmac_tags() {
        let key = SigningKey::hmac(Algorithm::HS256, &[7u8; 32]).unwrap();
        let tag = key.sign(b"x").unwrap();
        let public = key.verifying_key().unwrap();
        assert_eq!(public.verify(b"x", &tag[..16]), Err(BadSignature));
        assert_eq!(public.verify(b"x", &[]), Err(BadSignature));
    }

    #[test]
    fn refuses_short_hmac_keys_and_mismatched_algorithms() {
        assert!(matches!(
            VerifyingKey::hmac(Algorithm::HS256, &[1u8; 31]),
            Err(KeyError::Unsuitable { .. })
        ));
        assert!(matches!(
            VerifyingKey::hmac(Algorithm::HS512, &[1u8; 32]),
            Err(KeyError::Unsuitable { .. })
        ));
        assert!(matches!(
            VerifyingKey::hmac(Algorithm::RS256, &[1u8; 64]),
            Err(KeyError::Unsuitable { .. })
        ));
        assert!(matches!(
            VerifyingKey::rsa(Algorithm::RS256, &[0xff; 128], &[1, 0, 1]),
            Err(KeyError::Unsuitable { .. })
        ));
    }

    #[test]
    fn never_publishes_hmac_secrets() {
        let key = SigningKey::generate(Algorithm::HS256).unwrap();
        assert!(key.public_jwk().is_none());
        let ec = SigningKey::generate(Algorithm::ES256)
            .unwrap()
            .with_kid("a");
        let jwk = ec.public_jwk().unwrap();
        assert_eq!(jwk["kty"], "EC");
        assert_eq!(jwk["kid"], "a");
        assert!(jwk.get("d").is_none());
    }

    #[test]
    fn names_round_trip_and_none_is_not_an_algorithm() {
        for alg in Algorithm::ALL {
            assert_eq!(Algorithm::from_name(alg.name()), Some(alg));
        }
        assert_eq!(Algorithm::from_name("none"), None);
        assert_eq!(Algorithm::from_name("hs256"), None);
    }
}
