//! `card_signature`: [`card::verify_bytes`] against an independent recomputation of what an
//! agent card signature covers.

use std::sync::OnceLock;

use arbitrary::Unstructured;
use ring::signature::{ECDSA_P256_SHA256_FIXED, ED25519};
use serde_json::{Map, Value, json};

use super::jcs::arbitrary_value;
use super::keys::{ec_key, ed_key, fixed_keys};
use super::mutation::mutate_bytes;
use super::reference::{base64url_decode, base64url_encode, hmac_sha256, jcs, ring_verify};
use crate::card::{self, Canonicalization, FIELD_PRESENCE, Field, Holds};
use crate::jwk::JwkSet;
use crate::jws::{Algorithm, SigningKey, VerifyingKey};

const HS_SECRET: [u8; 32] = [0x2a; 32];

/// Verifies an arbitrary or a mutated, validly signed agent card and checks:
///
/// - **accepted ⇒ what was signed is what the card canonicalizes to**: the accepted entry's
///   protected header names the key and its algorithm, and its signature verifies — with `ring`
///   (ES256, `EdDSA`) or `hmac` (HS256) directly — over `protected . BASE64URL(payload)` where
///   the payload is recomputed here: the card without `signatures`, reduced by the A2A 1.0
///   §8.4.1 field-presence rules (this module's own walk over [`FIELD_PRESENCE`], the data of
///   `a2a.proto`) unless verifying as served, in RFC 8785 form by [`super::reference::jcs`];
/// - **a signed card whose bytes no mutation touched is accepted iff some entry verifies in the
///   model** (edits of its value, some of which keep the payload, still vary).
///
/// Input layout: a flags byte (bit 0 minted, else raw; bit 1 verify as served, else with the
/// §8.4.1 reduction; bit 2 an HS256 key `card-hs` in the set beside ES256 `card-ec` and `EdDSA`
/// `card-ed`). Raw: the rest of the input is the card. Minted: see [`sign_and_mutate`].
pub fn card_signature(data: &[u8]) {
    let _ = run(&mut Unstructured::new(data));
}

struct Keys {
    ec: SigningKey,
    ed: SigningKey,
    hs: SigningKey,
    /// Keys whose kid claims another key.
    ec_as_ed: SigningKey,
    ed_unknown: SigningKey,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        ec: ec_key(Some("card-ec")),
        ed: ed_key(Some("card-ed")),
        hs: SigningKey::hmac(Algorithm::HS256, &HS_SECRET)
            .expect("32-byte secret")
            .with_kid("card-hs"),
        ec_as_ed: ec_key(Some("card-ed")),
        ed_unknown: ed_key(Some("card-unknown")),
    })
}

fn run(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let flags: u8 = u.arbitrary()?;
    let canonicalization = if flags & 2 == 0 {
        Canonicalization::ProtoPresence
    } else {
        Canonicalization::AsServed
    };
    let with_hs = flags & 4 != 0;
    let mut set = JwkSet::new();
    let k = keys();
    let mut verifying = vec![
        k.ec.verifying_key().expect("public half"),
        k.ed.verifying_key().expect("public half"),
    ];
    if with_hs {
        verifying.push(
            VerifyingKey::hmac(Algorithm::HS256, &HS_SECRET)
                .expect("32-byte secret")
                .with_kid("card-hs"),
        );
    }
    for key in verifying {
        set.insert(key).expect("distinct kids");
    }

    let (bytes, clean) = if flags & 1 == 0 {
        (u.bytes(u.len())?.to_vec(), false)
    } else {
        sign_and_mutate(u)?
    };
    let result = card::verify_bytes(&bytes, &set, canonicalization);
    match result {
        Ok(verified) => {
            let card: Value = serde_json::from_slice(&bytes).expect("an accepted card is JSON");
            let entry = &card["signatures"][verified.index];
            let verdict = model_entry(&card, entry, canonicalization, with_hs);
            match verdict {
                Ok((alg, kid)) => {
                    assert_eq!(alg, verified.alg.name(), "verified alg differs");
                    assert_eq!(kid, verified.kid, "verified kid differs");
                }
                Err(reason) => panic!("accepted a card signature the model refuses: {reason}"),
            }
        }
        Err(error) => {
            if clean {
                let card: Value = serde_json::from_slice(&bytes).expect("clean cards are JSON");
                let entries = card["signatures"].as_array().cloned().unwrap_or_default();
                if let Some(entry) = entries
                    .iter()
                    .find(|e| model_entry(&card, e, canonicalization, with_hs).is_ok())
                {
                    panic!(
                        "refused a clean card with an entry the model verifies: {error:?} {entry}"
                    );
                }
            }
        }
    }
    Ok(())
}

/// Whether the model verifies one `signatures` entry of `card`; `Ok` holds its alg and kid.
fn model_entry(
    card: &Value,
    entry: &Value,
    canonicalization: Canonicalization,
    with_hs: bool,
) -> Result<(String, String), &'static str> {
    let protected = entry["protected"].as_str().ok_or("protected")?;
    let signature = entry["signature"].as_str().ok_or("signature")?;
    let header = base64url_decode(protected.as_bytes()).ok_or("protected encoding")?;
    let header: Value = serde_json::from_slice(&header).map_err(|_| "protected json")?;
    let alg = header["alg"].as_str().ok_or("alg")?;
    let kid = header["kid"].as_str().ok_or("kid")?;
    if header.get("crit").is_some() || header.get("b64") == Some(&Value::Bool(false)) {
        return Err("crit or b64");
    }
    let signature = base64url_decode(signature.as_bytes()).ok_or("signature encoding")?;

    let mut payload = card.as_object().ok_or("card is not an object")?.clone();
    payload.remove("signatures");
    if canonicalization == Canonicalization::ProtoPresence {
        reduce_message(&mut payload, FIELD_PRESENCE);
    }
    let input = format!(
        "{protected}.{}",
        base64url_encode(jcs(&Value::Object(payload)).as_bytes())
    );
    let fixed = fixed_keys();
    let verified = match (kid, alg) {
        ("card-ec", "ES256") => ring_verify(
            &ECDSA_P256_SHA256_FIXED,
            &fixed.ec_point,
            input.as_bytes(),
            &signature,
        ),
        ("card-ed", "EdDSA") => {
            ring_verify(&ED25519, &fixed.ed_public, input.as_bytes(), &signature)
        }
        ("card-hs", "HS256") if with_hs => {
            hmac_sha256(&HS_SECRET, input.as_bytes())[..] == signature[..]
        }
        _ => return Err("no key with that kid and alg"),
    };
    if verified {
        Ok((alg.to_owned(), kid.to_owned()))
    } else {
        Err("signature")
    }
}

/// A2A 1.0 §8.4.1: a field neither REQUIRED nor `optional` is omitted at its default value.
fn reduce_message(object: &mut Map<String, Value>, fields: &[Field]) {
    for field in fields {
        let Some(value) = object.get(field.name) else {
            continue;
        };
        let default = match value {
            Value::Null => true,
            Value::Bool(b) => !b,
            Value::Number(n) => n.as_f64() == Some(0.0),
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
        };
        if field.omit_default && default {
            object.remove(field.name);
            continue;
        }
        let Some(value) = object.get_mut(field.name) else {
            continue;
        };
        match (&field.holds, value) {
            (Holds::Message(inner), Value::Object(o)) => reduce_message(o, inner),
            (Holds::List(inner), Value::Array(items)) => {
                for item in items {
                    if let Value::Object(o) = item {
                        reduce_message(o, inner);
                    }
                }
            }
            (Holds::MapOf(inner), Value::Object(map)) => {
                for item in map.values_mut() {
                    if let Value::Object(o) = item {
                        reduce_message(o, inner);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The minted path. Layout: the card (see [`arbitrary_card`]), the number of signatures
/// (`1..=2`) and each signer (`% 5`: ES256 `card-ec`, `EdDSA` `card-ed`, HS256 `card-hs`, the
/// ES256 key claiming kid `card-ed`, the `EdDSA` key under an unknown kid), the number of value
/// edits (`0..=2`) and each (see [`edit`]), pretty-printing (bit 0 of a byte), then the number
/// of byte mutations (`0..=2`) and each ([`mutate_bytes`]). Returns the bytes and whether no
/// byte mutation touched them.
fn sign_and_mutate(u: &mut Unstructured<'_>) -> arbitrary::Result<(Vec<u8>, bool)> {
    let mut card = arbitrary_card(u)?;
    let k = keys();
    for _ in 0..u.int_in_range(1..=2)? {
        let key = match u.arbitrary::<u8>()? % 5 {
            0 => &k.ec,
            1 => &k.ed,
            2 => &k.hs,
            3 => &k.ec_as_ed,
            _ => &k.ed_unknown,
        };
        card::sign(&mut card, key, None).expect("signing a card object succeeds");
    }
    for _ in 0..u.int_in_range(0..=2)? {
        edit(&mut card, u.arbitrary()?);
    }
    let mut bytes = if u.arbitrary::<u8>()? & 1 == 1 {
        serde_json::to_vec_pretty(&card)
    } else {
        serde_json::to_vec(&card)
    }
    .expect("a Value serializes");
    let mutations = u.int_in_range(0..=2)?;
    for _ in 0..mutations {
        mutate_bytes(u, &mut bytes)?;
    }
    Ok((bytes, mutations == 0))
}

/// An edit after signing (`byte % 6`): 0 `skills[0].examples = []` and 1
/// `securityRequirements = []` (dropped by the reduction), 2 `capabilities.extensions = []`,
/// 3 a new `name`, 4 a new unknown member, 5 the first entry's `protected` from the last entry.
fn edit(card: &mut Value, byte: u8) {
    match byte % 6 {
        0 => {
            if let Some(skill) = card["skills"].get_mut(0) {
                skill["examples"] = json!([]);
            }
        }
        1 => card["securityRequirements"] = json!([]),
        2 => card["capabilities"]["extensions"] = json!([]),
        3 => card["name"] = json!("Mallory's Agent"),
        4 => card["x-added"] = json!(1),
        _ => {
            if let Some(signatures) = card["signatures"].as_array_mut()
                && let Some(last) = signatures.last().cloned()
            {
                signatures[0]["protected"] = last["protected"].clone();
            }
        }
    }
}

/// A card. Layout: a byte of choices (bit 0 name, 1 description, 2 tenant, 3 streaming, 4 an
/// extension, 5 a security scheme, 6 skill examples, 7 an unknown member whose value follows
/// as in [`super::jcs`]).
fn arbitrary_card(u: &mut Unstructured<'_>) -> arbitrary::Result<Value> {
    let bits: u8 = u.arbitrary()?;
    let on = |bit: u8| bits & (1 << bit) != 0;
    let mut card = json!({
        "name": if on(0) { "Ünïcødé Agent 🤖" } else { "Example Agent" },
        "description": if on(1) { "An agent" } else { "" },
        "supportedInterfaces": [{
            "url": "https://agent.example/a2a",
            "protocolBinding": "JSONRPC",
            "protocolVersion": "1.0",
            "tenant": if on(2) { "t1" } else { "" },
        }],
        "version": "1.0.0",
        "capabilities": {
            "streaming": on(3),
            "pushNotifications": false,
            "extensions": if on(4) {
                json!([{"uri": "https://ext.example/v1", "required": false, "params": {}}])
            } else {
                json!([])
            },
        },
        "defaultInputModes": ["text/plain"],
        "defaultOutputModes": ["text/plain"],
        "securitySchemes": if on(5) {
            json!({"bearer": {"httpAuthSecurityScheme": {"scheme": "Bearer", "description": "", "bearerFormat": ""}}})
        } else {
            json!({})
        },
        "skills": [{
            "id": "s",
            "name": "S",
            "description": "d",
            "tags": ["t"],
            "examples": if on(6) { json!(["e"]) } else { json!([]) },
            "inputModes": [],
        }],
    });
    if on(7) {
        card["x-extension"] = arbitrary_value(u, 3)?;
    }
    Ok(card)
}
