//! `vectors/hmac/`: HMAC known answers through `SigningKey::hmac` / `VerifyingKey::hmac`.
//!
//! A case gives a key, a message and a MAC (possibly truncated, as in RFC 4231 test case 5).
//!
//! - When this crate accepts the key, `expect` is the outcome of `verify(data, mac)`: `valid` for
//!   the full MAC, `BadSignature` for a truncated or altered one (tags are never truncated here).
//!   `sign` must reproduce the case's MAC, or its first bytes when the case truncates it (so a
//!   truncation case is known to truncate the *right* MAC); an altered MAC is exempt.
//! - When this crate refuses the key (shorter than the hash output, RFC 7518 §3.2), both
//!   constructors must refuse it and `expect` names the refusal (`Unsuitable`). The MAC value is
//!   then still checked, against the `hmac` crate directly: that checks the transcription of the
//!   vector (so a refusal can never hide a wrong value), not this crate.

use a2a_security::jws::{Algorithm, SigningKey, VerifyingKey};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::{Sha256, Sha384, Sha512};

use crate::{Case, Expect, Outcome, check, check_eq, hex};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inputs {
    /// `HS256` (default), `HS384` or `HS512`.
    #[serde(default = "hs256")]
    alg: String,
    /// The key, hex.
    key: String,
    /// The message, hex; or `data_text`, UTF-8.
    #[serde(default)]
    data: Option<String>,
    #[serde(default)]
    data_text: Option<String>,
    /// The MAC, hex; shorter than the hash output when truncated.
    mac: String,
}

fn hs256() -> String {
    "HS256".into()
}

pub fn run(case: &Case) -> Result<(), String> {
    let inputs: Inputs = case.inputs()?;
    let expect = case.expect()?;
    let alg = Algorithm::from_name(&inputs.alg)
        .filter(|a| a.is_symmetric())
        .ok_or_else(|| format!("not an HMAC algorithm: {}", inputs.alg))?;
    let key = hex(&inputs.key)?;
    let data = match (&inputs.data, &inputs.data_text) {
        (Some(h), None) => hex(h)?,
        (None, Some(t)) => t.as_bytes().to_vec(),
        _ => return Err("give exactly one of `data` (hex) and `data_text`".into()),
    };
    let mac = hex(&inputs.mac)?;

    match (SigningKey::hmac(alg, &key), VerifyingKey::hmac(alg, &key)) {
        (Ok(signing), Ok(verifying)) => {
            let full = signing
                .sign(&data)
                .map_err(|e| format!("sign failed: {e:?}"))?;
            // The case's MAC is ours (or its truncation) unless the case is a tampered MAC.
            if *expect == Expect::Valid || mac.len() < full.len() {
                check_eq(
                    "SigningKey::sign (first bytes)",
                    &mac[..],
                    full.get(..mac.len()).unwrap_or(&full),
                )?;
            }
            check(
                "VerifyingKey::verify",
                expect,
                &Outcome::of(&verifying.verify(&data, &mac)),
            )
        }
        (Err(signing), Err(verifying)) => {
            check(
                "SigningKey::hmac",
                expect,
                &Outcome::of(&Err::<(), _>(signing)),
            )?;
            check(
                "VerifyingKey::hmac",
                expect,
                &Outcome::of(&Err::<(), _>(verifying)),
            )?;
            let reference = reference_mac(alg, &key, &data)?;
            check_eq(
                "reference HMAC (hmac crate; transcription check)",
                &mac[..],
                reference.get(..mac.len()).unwrap_or(&reference),
            )
        }
        (signing, verifying) => Err(format!(
            "the constructors disagree: SigningKey::hmac {}, VerifyingKey::hmac {}",
            Outcome::of(&signing),
            Outcome::of(&verifying)
        )),
    }
}

fn reference_mac(alg: Algorithm, key: &[u8], data: &[u8]) -> Result<Vec<u8>, String> {
    fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[u8]) -> Result<Vec<u8>, String> {
        // HMAC takes keys of any length; an error here would be the hmac crate's bug.
        let mac = <M as Mac>::new_from_slice(key).map_err(|e| format!("hmac crate: {e}"))?;
        Ok(mac.chain_update(data).finalize().into_bytes().to_vec())
    }
    match alg {
        Algorithm::HS384 => mac::<Hmac<Sha384>>(key, data),
        Algorithm::HS512 => mac::<Hmac<Sha512>>(key, data),
        _ => mac::<Hmac<Sha256>>(key, data),
    }
}
