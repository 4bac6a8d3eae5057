//! `webhook_verify`: [`WebhookVerifier::verify`] against an independent model of Standard
//! Webhooks signatures.

use arbitrary::Unstructured;

use super::integrity::canonical_decimal;
use super::mutation::{mutate_bytes, short_bytes};
use super::reference::{base64_standard_decode, hmac_sha256};
use crate::clock::{FixedClock, UnixTime};
use crate::replay::ReplayCache;
use crate::webhook::{WebhookError, WebhookHeaders, WebhookSecret, WebhookSigner, WebhookVerifier};

/// The verifier's clock.
pub const NOW: UnixTime = 1_800_000_000;

const IDS: [&str; 4] = ["msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", "evt-1", "a", "x:y/z"];

/// Verifies an arbitrary or a mutated, validly signed delivery and checks:
///
/// - **accepted ⇒ the model accepts**: the id (visible ASCII, no `.`), the canonical timestamp
///   within the tolerance, the syntax of every `webhook-signature` entry, and one `v1` entry
///   equal to HMAC-SHA256 of `{id}.{timestamp}.{body}` under one of the secrets, recomputed with
///   `hmac` and decoded with this module's own base64;
/// - **a signed delivery no mutation touched is accepted iff the model accepts it**;
/// - `verify_signature` agrees with the first `verify`, and a second `verify` of an accepted
///   delivery is [`WebhookError::Replayed`].
///
/// Input layout: a flags byte (bit 0 minted, else raw; bit 1 a second secret), the tolerance
/// (`4 × byte` seconds), the secret (length `24 + b % 41`, then its bytes; the second secret is
/// the first xor 0x5a). Raw: id, timestamp and signature header (each a byte choosing absent,
/// a plausible value, or `short_bytes` up to 64), then the body is the rest. Minted: see
/// [`sign_and_mutate`].
pub fn webhook_verify(data: &[u8]) {
    let _ = run(&mut Unstructured::new(data));
}

struct Delivery {
    headers: [Option<Vec<u8>>; 3],
    body: Vec<u8>,
}

impl Delivery {
    fn headers(&self) -> WebhookHeaders<'_> {
        let [id, timestamp, signature] = self.headers.each_ref().map(Option::as_deref);
        WebhookHeaders {
            id,
            timestamp,
            signature,
        }
    }
}

fn run(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let flags: u8 = u.arbitrary()?;
    let tolerance = 4 * u64::from(u.arbitrary::<u8>()?);
    let secret_len = u.int_in_range(24..=64)?;
    let secret = u.bytes(secret_len)?.to_vec();
    let mut secrets = vec![secret.clone()];
    if flags & 2 != 0 {
        secrets.push(secret.iter().map(|b| b ^ 0x5a).collect());
    }
    let verifier = WebhookVerifier::new(
        secrets
            .iter()
            .map(|s| WebhookSecret::from_bytes(s).expect("model secrets are long enough")),
        ReplayCache::new(64),
        FixedClock::new(NOW),
    )
    .expect("at least one secret")
    .with_tolerance(tolerance);

    let (delivery, clean) = if flags & 1 == 0 {
        (raw_delivery(u)?, false)
    } else {
        sign_and_mutate(u, &secret)?
    };
    let verdict = model_verdict(&delivery, &secrets, tolerance);
    let stateless = verifier.verify_signature(delivery.headers(), &delivery.body);
    let result = verifier.verify(delivery.headers(), &delivery.body);
    assert_eq!(
        stateless.is_ok(),
        result.is_ok(),
        "verify_signature and verify disagree: {stateless:?} / {result:?}"
    );
    match result {
        Ok(()) => {
            if let Err(reason) = verdict {
                panic!("verifier accepted a delivery the model refuses: {reason}");
            }
            assert_eq!(
                verifier.verify(delivery.headers(), &delivery.body),
                Err(WebhookError::Replayed),
                "a replayed delivery was not refused as a replay"
            );
        }
        Err(error) => {
            assert!(
                !clean || verdict.is_err(),
                "verifier refused a clean signed delivery the model accepts: {error:?}"
            );
        }
    }
    Ok(())
}

fn raw_field(u: &mut Unstructured<'_>, choices: &[&str]) -> arbitrary::Result<Option<Vec<u8>>> {
    let choice = usize::from(u.arbitrary::<u8>()?);
    Ok(match choice {
        0 => None,
        c if c <= choices.len() => Some(choices[c - 1].as_bytes().to_vec()),
        _ => Some(short_bytes(u, 64)?),
    })
}

fn raw_delivery(u: &mut Unstructured<'_>) -> arbitrary::Result<Delivery> {
    let now = NOW.to_string();
    let headers = [
        raw_field(u, &IDS)?,
        raw_field(u, &[&now, "1800000000.0", "+1800000000"])?,
        raw_field(
            u,
            &[
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                "v1a,AAAA v2,BBBB",
                "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            ],
        )?,
    ];
    Ok(Delivery {
        headers,
        body: u.bytes(u.len())?.to_vec(),
    })
}

/// The minted path. Layout: signer (`% 4`: 0 the first secret, 1 the second, 2 both, 3 a secret
/// nobody has), id index, timestamp offset (2 bytes, `-1200..=1200` s), the body
/// (`short_bytes`, up to 64), an edit of the signature header that keeps it valid (`% 4`:
/// none, prepend a `v1a` entry, append a `v2` entry, append a second `v1` entry of zeros), the
/// number of mutations (`0..=3`) and each: a target byte (`% 4`: the three headers, the body),
/// a byte that removes a header when 0, and [`mutate_bytes`].
fn sign_and_mutate(u: &mut Unstructured<'_>, secret: &[u8]) -> arbitrary::Result<(Delivery, bool)> {
    let second: Vec<u8> = secret.iter().map(|b| b ^ 0x5a).collect();
    let key = |s: &[u8]| WebhookSecret::from_bytes(s).expect("secrets are long enough");
    let sender = match u.arbitrary::<u8>()? % 4 {
        0 => WebhookSigner::new(key(secret)),
        1 => WebhookSigner::new(key(&second)),
        2 => WebhookSigner::new(key(&second)).with_secret(key(secret)),
        _ => WebhookSigner::new(key(&[0x33; 32])),
    };
    let id = *u.choose(&IDS)?;
    let offset = i64::from(u.int_in_range(0u16..=2400)?) - 1200;
    let body = short_bytes(u, 64)?;
    let signed = sender
        .sign(id, NOW.saturating_add_signed(offset), &body)
        .expect("valid id");
    let mut signature = signed.signature().to_owned();
    match u.arbitrary::<u8>()? % 4 {
        1 => signature = format!("v1a,c2lnbmF0dXJl {signature}"),
        2 => signature.push_str(" v2,anything"),
        3 => signature.push_str(" v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        _ => {}
    }
    let mut delivery = Delivery {
        headers: [
            Some(signed.id().as_bytes().to_vec()),
            Some(signed.timestamp().to_string().into_bytes()),
            Some(signature.into_bytes()),
        ],
        body,
    };
    let mutations = u.int_in_range(0..=3)?;
    for _ in 0..mutations {
        let target = usize::from(u.arbitrary::<u8>()? % 4);
        let remove = u.arbitrary::<u8>()? == 0;
        let part = match target {
            0..=2 if remove => {
                delivery.headers[target] = None;
                continue;
            }
            0..=2 => match &mut delivery.headers[target] {
                Some(value) => value,
                None => continue,
            },
            _ => &mut delivery.body,
        };
        mutate_bytes(u, part)?;
    }
    Ok((delivery, mutations == 0))
}

/// Whether the model accepts the delivery.
fn model_verdict(
    delivery: &Delivery,
    secrets: &[Vec<u8>],
    tolerance: u64,
) -> Result<(), &'static str> {
    let [id, timestamp, signature] = delivery.headers.each_ref().map(Option::as_deref);
    let id = id.ok_or("id missing")?;
    if id.is_empty() || id.len() > 256 || !id.iter().all(|&b| b.is_ascii_graphic() && b != b'.') {
        return Err("id syntax");
    }
    let timestamp_text = timestamp.ok_or("timestamp missing")?;
    let timestamp = canonical_decimal(timestamp_text).ok_or("timestamp syntax")?;
    if timestamp.abs_diff(NOW) > tolerance {
        return Err("outside the tolerance");
    }
    let signature = signature.ok_or("signature missing")?;
    if signature.is_empty() || signature.len() > 4096 {
        return Err("signature header length");
    }
    let mut tags = Vec::new();
    for entry in signature.split(|&b| b == b' ') {
        let comma = entry
            .iter()
            .position(|&b| b == b',')
            .ok_or("entry without a comma")?;
        let (version, value) = (&entry[..comma], &entry[comma + 1..]);
        if version.is_empty() || value.is_empty() || !version.iter().all(u8::is_ascii_graphic) {
            return Err("entry syntax");
        }
        if version == b"v1" {
            let tag = base64_standard_decode(value)
                .filter(|tag| tag.len() == 32 && value.len() == 44)
                .ok_or("v1 value syntax")?;
            tags.push(tag);
        }
    }
    if tags.is_empty() {
        return Err("no v1 entry");
    }
    let input = [id, b".", timestamp_text, b".", &delivery.body].concat();
    let matches = secrets.iter().any(|secret| {
        tags.iter()
            .any(|tag| tag[..] == hmac_sha256(secret, &input)[..])
    });
    if matches {
        Ok(())
    } else {
        Err("no matching tag")
    }
}
