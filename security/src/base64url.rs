//! Strict base64 engines.
//!
//! JOSE (RFC 7515 §2) uses base64url *without* padding. Every decoder here is canonical: padding
//! where none belongs, characters outside the alphabet, and non-zero trailing bits (the
//! "malleable" encodings of the same bytes) are all rejected, so one byte string has exactly one
//! accepted encoding.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// base64url, no padding on output, padding rejected on input, trailing bits must be zero.
pub(crate) const URL_SAFE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Standard base64 with canonical padding (Standard Webhooks signatures and secrets).
pub(crate) const STANDARD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical)
        .with_decode_allow_trailing_bits(false),
);

/// Encodes as unpadded base64url.
pub(crate) fn encode(bytes: &[u8]) -> String {
    URL_SAFE.encode(bytes)
}

/// Decodes strict unpadded base64url; `None` on any deviation.
pub(crate) fn decode(text: &[u8]) -> Option<Vec<u8>> {
    URL_SAFE.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_padding_and_non_canonical_trailing_bits() {
        assert_eq!(decode(b"YQ").as_deref(), Some(&b"a"[..]));
        assert_eq!(decode(b"YQ=="), None);
        // "YR" decodes to the same byte as "YQ" under a lenient decoder.
        assert_eq!(decode(b"YR"), None);
        assert_eq!(decode(b"Y+Q"), None);
        assert_eq!(decode(b"Y"), None);
        assert_eq!(encode(b"\xfb\xff"), "-_8");
    }
}
