//! `integrity_verify`: [`Verifier::verify_request`] against an independent model of the
//! `message-integrity/v1` extension (`docs/extensions/message-integrity.md`).

use arbitrary::Unstructured;

use super::mutation::{mutate_bytes, short_bytes};
use super::reference::{base64url_decode, hmac_sha256};
use crate::clock::{FixedClock, UnixTime};
use crate::integrity::{
    IntegrityError, IntegrityHeaders, IntegrityKey, Signer, Verified, Verifier, Window,
};
use crate::replay::ReplayCache;

/// The verifier's clock.
pub const NOW: UnixTime = 1_800_000_000;

const KEY_IDS: [&str; 4] = ["k1", "k2", "example-2026", "a.b~c_d-e"];
const METHODS: [&str; 5] = ["POST", "GET", "post", "M-SEARCH", "PATCH"];
const PATHS: [&str; 4] = ["/", "/a2a", "/a2a/v1?tenant=x&q=%20", "/tasks/123:cancel"];
const MESSAGE_IDS: [&str; 3] = ["m-1", "m-2", "0f8fad5b-d9cb-469f-a165-70867728950e"];

/// Verifies an arbitrary or a mutated, validly signed request and checks:
///
/// - **accepted ⇒ the model accepts**: the algorithm header, the key chosen from the key id
///   (the primary key without one), the message id, method and path syntax, the canonical
///   timestamp inside the window, and the tag recomputed with `hmac` over the signing input
///   assembled here from the extension's description;
/// - **a signed request no mutation touched is accepted iff the model accepts it**;
/// - `verify_request_signature` (no replay store) agrees with the first `verify_request`, and a
///   second `verify_request` of an accepted request is [`IntegrityError::Replayed`];
/// - the response signed for an accepted request carries the tag the model computes, and the
///   signer of a clean request verifies it (and refuses it with one body byte changed).
///
/// Input layout: a flags byte (bit 0 minted, else raw; bit 1 a second key), the window
/// (`max_age = 4 × byte`, `max_skew = byte`), the secret (length `32 + b % 33`, then its bytes),
/// its key id index, and if present the second key's id index (its secret is the first xor
/// 0x5a). Raw: method and path (see [`raw_field`]), the five headers in the order of
/// [`crate::integrity::Header::ALL`] (each a [`raw_field`]), then the body is the rest.
/// Minted: see [`sign_and_mutate`].
pub fn integrity_verify(data: &[u8]) {
    let _ = run(&mut Unstructured::new(data));
}

/// A request as received: method, path, the five headers, body.
struct Request {
    method: Vec<u8>,
    path: Vec<u8>,
    headers: [Option<Vec<u8>>; 5],
    body: Vec<u8>,
}

impl Request {
    fn headers(&self) -> IntegrityHeaders<'_> {
        let [message_id, timestamp, signature, algorithm, key_id] =
            self.headers.each_ref().map(Option::as_deref);
        IntegrityHeaders {
            message_id,
            timestamp,
            signature,
            algorithm,
            key_id,
        }
    }
}

struct Model {
    keys: Vec<(&'static str, Vec<u8>)>,
    window: Window,
}

fn run(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let flags: u8 = u.arbitrary()?;
    let window = Window {
        max_age: 4 * u64::from(u.arbitrary::<u8>()?),
        max_skew: u64::from(u.arbitrary::<u8>()?),
    };
    let secret_len = u.int_in_range(32..=64)?;
    let secret = u.bytes(secret_len)?.to_vec();
    let mut keys = vec![(*u.choose(&KEY_IDS)?, secret.clone())];
    if flags & 2 != 0 {
        keys.push((
            *u.choose(&KEY_IDS)?,
            secret.iter().map(|b| b ^ 0x5a).collect(),
        ));
    }
    let model = Model { keys, window };
    let integrity_keys = model
        .keys
        .iter()
        .map(|(id, secret)| IntegrityKey::new(id, secret).expect("model keys are valid"));
    let verifier = match Verifier::new(
        integrity_keys,
        ReplayCache::new(64),
        FixedClock::new(NOW),
        window,
    ) {
        Ok(verifier) => verifier,
        Err(error) => {
            assert_eq!(error, IntegrityError::DuplicateKeyId);
            assert_eq!(model.keys[0].0, model.keys[1].0, "refused distinct key ids");
            return Ok(());
        }
    };

    let (request, signed) = if flags & 1 == 0 {
        (raw_request(u)?, None)
    } else {
        sign_and_mutate(u, &model)?
    };
    let method = String::from_utf8_lossy(&request.method);
    let path = String::from_utf8_lossy(&request.path);
    let verdict = model_verdict(&request, &model);

    let stateless =
        verifier.verify_request_signature(&method, &path, request.headers(), &request.body);
    let result = verifier.verify_request(&method, &path, request.headers(), &request.body);
    assert_eq!(
        stateless.is_ok(),
        result.is_ok(),
        "verify_request_signature and verify_request disagree: {:?} / {:?}",
        stateless.err(),
        result.as_ref().err()
    );
    match &result {
        Ok(accepted) => {
            let key = match verdict {
                Ok(key) => key,
                Err(reason) => panic!("verifier accepted a request the model refuses: {reason}"),
            };
            assert_eq!(
                accepted.key_id(),
                model.keys[key].0,
                "verified with another key"
            );
            assert_eq!(
                Some(accepted.message_id().as_bytes()),
                request.headers[0].as_deref()
            );
            assert_eq!(
                verifier
                    .verify_request(&method, &path, request.headers(), &request.body)
                    .err(),
                Some(IntegrityError::Replayed),
                "a replayed request was not refused as a replay"
            );
            check_response(u, &verifier, accepted, &model.keys[key], signed.as_ref())?;
        }
        Err(error) => {
            if let (Some(_), Ok(_)) = (&signed, &verdict) {
                panic!("verifier refused a clean signed request the model accepts: {error:?}");
            }
        }
    }
    Ok(())
}

/// A raw field: a byte choosing absent (0), one of `choices` (1 to `choices.len()`), or
/// arbitrary bytes (`short_bytes`, up to 48).
fn raw_field(u: &mut Unstructured<'_>, choices: &[&str]) -> arbitrary::Result<Option<Vec<u8>>> {
    let choice = usize::from(u.arbitrary::<u8>()?);
    Ok(match choice {
        0 => None,
        c if c <= choices.len() => Some(choices[c - 1].as_bytes().to_vec()),
        _ => Some(short_bytes(u, 48)?),
    })
}

fn raw_request(u: &mut Unstructured<'_>) -> arbitrary::Result<Request> {
    let method = raw_field(u, &METHODS)?.unwrap_or_default();
    let path = raw_field(u, &PATHS)?.unwrap_or_default();
    let timestamp = NOW.to_string();
    let headers = [
        raw_field(u, &MESSAGE_IDS)?,
        raw_field(u, &[&timestamp, "0", "01800000000"])?,
        raw_field(u, &["Y6fl4Av9LsLU_8BOx6G7D8FsoyhpKGkYUH5E0iaoCOw"])?,
        raw_field(u, &["HMAC-SHA256", "hmac-sha256"])?,
        raw_field(u, &KEY_IDS)?,
    ];
    Ok(Request {
        method,
        path,
        headers,
        body: u.bytes(u.len())?.to_vec(),
    })
}

/// A clean signature for the minted path: the signer's key id and secret, the request's message
/// id, and its timestamp offset from [`NOW`] (for the response check).
struct Signed {
    signer: Signer,
    headers: crate::integrity::SignedHeaders,
    offset: i64,
}

/// The minted path. Layout: signer (`% 4`: 0 the first key, 1 the second key's id and secret,
/// 2 the first key's id with a secret nobody has, 3 the first secret under another id),
/// timestamp offset (2 bytes, `-400..=400` s), method, path and message id indices, the body
/// (`short_bytes`, up to 64), whether to drop the key id header (bit 0 of a byte), then the
/// number of mutations (`0..=3`) and each: a target byte (`% 8`: the five headers, method,
/// path, body), a byte that removes a present header when 0, and [`mutate_bytes`].
fn sign_and_mutate(
    u: &mut Unstructured<'_>,
    model: &Model,
) -> arbitrary::Result<(Request, Option<Signed>)> {
    let (first_id, first_secret) = &model.keys[0];
    let second: Vec<u8> = first_secret.iter().map(|b| b ^ 0x5a).collect();
    let (id, secret): (&str, &[u8]) = match u.arbitrary::<u8>()? % 4 {
        0 => (first_id, first_secret),
        1 => (model.keys.get(1).map_or("k2", |k| k.0), &second),
        2 => (first_id, &[0x33; 40]),
        _ => (
            KEY_IDS
                .iter()
                .find(|&&k| k != *first_id)
                .copied()
                .unwrap_or("k2"),
            first_secret,
        ),
    };
    let offset = i64::from(u.int_in_range(0u16..=800)?) - 400;
    let method = *u.choose(&METHODS)?;
    let path = *u.choose(&PATHS)?;
    let message_id = *u.choose(&MESSAGE_IDS)?;
    let body = short_bytes(u, 64)?;
    let key = IntegrityKey::new(id, secret).expect("signer keys are valid");
    let at = NOW.saturating_add_signed(offset);
    let client = Signer::new(key, FixedClock::new(at));
    let request_headers = client
        .sign_request(method, path, message_id, &body)
        .expect("valid method, path and message id");
    let received = request_headers.as_received();
    let mut request = Request {
        method: method.as_bytes().to_vec(),
        path: path.as_bytes().to_vec(),
        headers: [
            received.message_id,
            received.timestamp,
            received.signature,
            received.algorithm,
            received.key_id,
        ]
        .map(|h| h.map(<[u8]>::to_vec)),
        body,
    };
    let mut clean = true;
    if u.arbitrary::<u8>()? & 1 == 1 {
        // Without a key id the verifier uses its primary key: still clean.
        request.headers[4] = None;
    }
    for _ in 0..u.int_in_range(0..=3)? {
        clean = false;
        let target = usize::from(u.arbitrary::<u8>()? % 8);
        let remove = u.arbitrary::<u8>()? == 0;
        let part = match target {
            0..=4 if remove => {
                request.headers[target] = None;
                continue;
            }
            0..=4 => match &mut request.headers[target] {
                Some(value) => value,
                None => continue,
            },
            5 => &mut request.method,
            6 => &mut request.path,
            _ => &mut request.body,
        };
        mutate_bytes(u, part)?;
    }
    let clean = clean.then_some(Signed {
        signer: client,
        headers: request_headers,
        offset,
    });
    Ok((request, clean))
}

/// Whether the model accepts the request; `Ok` holds the index of the key that verifies it.
fn model_verdict(request: &Request, model: &Model) -> Result<usize, &'static str> {
    let [message_id, timestamp, signature, algorithm, key_id] =
        request.headers.each_ref().map(Option::as_deref);
    if algorithm != Some(b"HMAC-SHA256") {
        return Err("algorithm");
    }
    let key = match key_id {
        None => 0,
        Some(id) => model
            .keys
            .iter()
            .position(|k| k.0.as_bytes() == id)
            .ok_or("unknown key id")?,
    };
    let message_id = message_id.ok_or("message id missing")?;
    if !is_unreserved(message_id, 128) {
        return Err("message id syntax");
    }
    let timestamp_text = timestamp.ok_or("timestamp missing")?;
    let timestamp = canonical_decimal(timestamp_text).ok_or("timestamp syntax")?;
    let signature = signature.ok_or("signature missing")?;
    let tag = (signature.len() == 43)
        .then(|| base64url_decode(signature))
        .flatten()
        .ok_or("signature syntax")?;
    let (method, path) = (&request.method, &request.path);
    let is_tchar = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b);
    if method.is_empty() || method.len() > 16 || !method.iter().all(is_tchar) {
        return Err("method syntax");
    }
    if path.first() != Some(&b'/')
        || path.len() > 8192
        || !path.iter().all(|&b| b.is_ascii_graphic() && b != b'#')
    {
        return Err("path syntax");
    }
    let window = model.window;
    if timestamp < NOW.saturating_sub(window.max_age) || timestamp > NOW + window.max_skew {
        return Err("outside the window");
    }
    let (id, secret) = &model.keys[key];
    let input = [
        b"A2A-MI-1 request\n",
        id.as_bytes(),
        b"\n",
        method,
        b"\n",
        path,
        b"\n",
        timestamp_text,
        b"\n",
        message_id,
        b"\n",
        &request.body,
    ]
    .concat();
    if hmac_sha256(secret, &input)[..] != tag[..] {
        return Err("tag");
    }
    Ok(key)
}

/// 1 to `max` characters of RFC 3986 `unreserved`.
fn is_unreserved(id: &[u8], max: usize) -> bool {
    !id.is_empty()
        && id.len() <= max
        && id
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// Unix seconds in canonical decimal: digits only, no leading zero, fits a `u64`.
pub(super) fn canonical_decimal(text: &[u8]) -> Option<u64> {
    if text.is_empty()
        || (text[0] == b'0' && text.len() > 1)
        || !text.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    std::str::from_utf8(text).ok()?.parse().ok()
}

/// Signs a response to the accepted request and checks its tag independently; for a clean
/// request, the signer verifies it. Layout: a status index and a body ([`short_bytes`]).
fn check_response(
    u: &mut Unstructured<'_>,
    agent: &Verifier,
    accepted: &Verified<'_>,
    (key_id, secret): &(&'static str, Vec<u8>),
    signed: Option<&Signed>,
) -> arbitrary::Result<()> {
    let status = *u.choose(&[200u16, 404, 100, 599])?;
    let body = short_bytes(u, 32)?;
    let response = agent
        .sign_response(accepted, status, "r-1", &body)
        .expect("valid status and message id");
    let timestamp = NOW.to_string();
    let input = [
        b"A2A-MI-1 response\n",
        key_id.as_bytes(),
        b"\n",
        status.to_string().as_bytes(),
        b"\n",
        accepted.message_id().as_bytes(),
        b"\n",
        timestamp.as_bytes(),
        b"\n",
        b"r-1",
        b"\n",
        &body,
    ]
    .concat();
    assert_eq!(
        base64url_decode(response.signature().as_bytes()).as_deref(),
        Some(&hmac_sha256(secret, &input)[..]),
        "response tag differs from the model's"
    );
    // The signer's clock reads NOW + offset; the response is stamped NOW, which its default
    // window (300 s old, 60 s ahead) accepts only for offsets in -60..=300.
    if let Some(signed) = signed.filter(|s| (-60..=300).contains(&s.offset)) {
        assert_eq!(
            signed
                .signer
                .verify_response(&signed.headers, status, response.as_received(), &body),
            Ok(()),
            "the signer refused the response to its own request"
        );
        let mut changed = body.clone();
        changed.push(b'!');
        assert_eq!(
            signed.signer.verify_response(
                &signed.headers,
                status,
                response.as_received(),
                &changed
            ),
            Err(IntegrityError::BadSignature),
            "the signer accepted a changed response body"
        );
    }
    Ok(())
}
