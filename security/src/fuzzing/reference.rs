//! Reference implementations for the differential checks. Written from the RFCs, sharing no code
//! with the library: if the library and this module agree, they agree independently.

use hmac::{Hmac, Mac};
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
    fn computes_rfc4231_case_2() {
        let tag = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            tag[..4],
            [0x5b, 0xdc, 0xc1, 0x46],
            "RFC 4231 §4.3 HMAC-SHA-256 prefix"
        );
    }
}
