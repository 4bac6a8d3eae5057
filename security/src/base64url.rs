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
    let mut out = vec![0; decoded_len(text.len())?];
    decode_into(text, &mut out)?;
    Some(out)
}

/// The length `text_len` characters of unpadded base64 decode to; `None` for a length no
/// unpadded encoding has (one more than a multiple of four).
pub(crate) const fn decoded_len(text_len: usize) -> Option<usize> {
    let tail = match text_len % 4 {
        0 => 0,
        2 => 1,
        3 => 2,
        _ => return None,
    };
    Some(text_len / 4 * 3 + tail)
}

/// Marks a byte that is not a base64url character in the tables below (bits no valid value
/// uses: a decoded quad is 24 bits).
const INVALID: u32 = 0xff00_0000;

/// `TABLES[i][c]`: the 6-bit value of base64url character `c` already shifted to its place as
/// the `i`-th character of a quad (`6 × (3 - i)` bits up), or [`INVALID`]. A quad then decodes
/// with four loads and three ORs, and one test of the accumulated top byte after the loop
/// rejects any invalid character.
static TABLES: [[u32; 256]; 4] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut tables = [[INVALID; 256]; 4];
    let mut i = 0;
    while i < 4 {
        let mut value = 0;
        while value < 64 {
            // `value < 64`: the cast is exact.
            #[allow(clippy::cast_possible_truncation)]
            let bits = (value as u32) << (6 * (3 - i));
            tables[i][alphabet[value] as usize] = bits;
            value += 1;
        }
        i += 1;
    }
    tables
};

/// A quad of base64url characters as 24 bits (and [`INVALID`] bits for invalid characters).
fn quad(text: &[u8]) -> u32 {
    TABLES[0][usize::from(text[0])]
        | TABLES[1][usize::from(text[1])]
        | TABLES[2][usize::from(text[2])]
        | TABLES[3][usize::from(text[3])]
}

/// Decodes strict unpadded base64url into the front of `out`, returning the decoded length;
/// `None` on any deviation (as [`URL_SAFE`]: no padding, alphabet only, zero trailing bits) or
/// if `out` is shorter than [`decoded_len`].
///
/// This is the hot path of token validation, so it is a plain table decoder rather than the
/// general `base64` engine, whose set-up costs more than the decoding itself for inputs of a few
/// hundred bytes.
pub(crate) fn decode_into(text: &[u8], out: &mut [u8]) -> Option<usize> {
    let len = decoded_len(text.len())?;
    let out = out.get_mut(..len)?;
    let mut invalid = 0;
    // Eight characters to six bytes at a time, then at most one quad, then the tail.
    let mut octets = text.chunks_exact(8);
    let mut sextets = out.chunks_exact_mut(6);
    for (octet, sextet) in (&mut octets).zip(&mut sextets) {
        let (high, low) = (quad(&octet[..4]), quad(&octet[4..]));
        invalid |= high | low;
        let bits = u64::from(high) << 24 | u64::from(low);
        sextet.copy_from_slice(&bits.to_be_bytes()[2..]);
    }
    let (mut text, mut out) = (octets.remainder(), sextets.into_remainder());
    if text.len() >= 4 {
        let bits = quad(text);
        invalid |= bits;
        out[..3].copy_from_slice(&bits.to_be_bytes()[1..]);
        (text, out) = (&text[4..], &mut out[3..]);
    }
    // The unused low bits of the last character must be zero (canonical encoding).
    match *text {
        [] => {}
        [a, b] => {
            let bits = TABLES[0][usize::from(a)] | TABLES[1][usize::from(b)];
            invalid |= bits | u32::from(bits & 0x0000_f000 != 0) << 31;
            out[0] = bits.to_be_bytes()[1];
        }
        [a, b, c] => {
            let bits =
                TABLES[0][usize::from(a)] | TABLES[1][usize::from(b)] | TABLES[2][usize::from(c)];
            invalid |= bits | u32::from(bits & 0x0000_00c0 != 0) << 31;
            out[..2].copy_from_slice(&bits.to_be_bytes()[1..3]);
        }
        // `decoded_len` refused a remainder of one.
        _ => return None,
    }
    (invalid & INVALID == 0).then_some(len)
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

    /// The table decoder against the `base64` engine: every string of up to three characters
    /// over a set that covers the alphabet's edges and near misses, and longer pseudo-random
    /// strings with one byte changed.
    #[test]
    fn table_decoder_agrees_with_the_base64_engine() {
        let chars: &[u8] = b"AQZagz09-_+/=.\x00\xff ";
        let mut texts: Vec<Vec<u8>> = vec![Vec::new()];
        for len in 1..=3 {
            let mut index = vec![0usize; len];
            loop {
                texts.push(index.iter().map(|&i| chars[i]).collect());
                let Some(pos) = index.iter().rposition(|&i| i + 1 < chars.len()) else {
                    break;
                };
                index[pos] += 1;
                index[pos + 1..].fill(0);
            }
        }
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for len in 0..200 {
            let bytes: Vec<u8> = (0..len).map(|_| next().to_le_bytes()[0]).collect();
            let good = encode(&bytes).into_bytes();
            for _ in 0..8 {
                let mut text = good.clone();
                if !text.is_empty() {
                    let at = usize::try_from(next() % text.len() as u64).unwrap();
                    text[at] = chars[usize::try_from(next() % chars.len() as u64).unwrap()];
                }
                texts.push(text);
            }
            texts.push(good);
        }
        for text in &texts {
            let engine = URL_SAFE.decode(text).ok();
            assert_eq!(decode(text), engine, "{text:?}");
            if let Some(expected) = engine {
                let mut short = vec![0; expected.len().saturating_sub(1)];
                assert_eq!(decode_into(text, &mut short).is_some(), expected.is_empty());
            }
        }
    }
}
