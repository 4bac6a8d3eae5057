//! What [`crate::integrity`] and [`crate::webhook`] share: an HMAC-SHA256 state keyed once per
//! key, a tag type compared only in constant time, the decimal-seconds timestamp with its
//! freshness window, and the two small pieces of HTTP syntax both need.

use std::fmt;
use std::io::Write as _;

use base64::Engine as _;
use base64::engine::GeneralPurpose;
use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};

use crate::clock::UnixTime;

/// Length of an HMAC-SHA256 tag in bytes.
pub(crate) const TAG_LEN: usize = 32;

/// An HMAC-SHA256 key with its inner and outer pads already absorbed.
///
/// Building `Hmac<Sha256>` hashes the key into two block states; doing it once per key and
/// cloning the state per message saves two compression-function calls on every message. The
/// state is as sensitive as the key itself, so `Debug` prints nothing of it.
#[derive(Clone)]
pub(crate) struct MacKey(Hmac<Sha256>);

impl MacKey {
    /// Keys the state with `secret` (any length; HMAC hashes keys longer than a block).
    pub(crate) fn new(secret: &[u8]) -> Self {
        // Invariant: HMAC takes keys of every length (RFC 2104 §2: longer ones are hashed first),
        // so `new_from_slice` has no error case for `Hmac<Sha256>`.
        #[allow(clippy::expect_used)]
        let mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts keys of any length");
        Self(mac)
    }

    /// The tag of the concatenation of `parts`, from a clone of the keyed state: no allocation,
    /// no copy of the parts.
    pub(crate) fn tag(&self, parts: &[&[u8]]) -> Tag {
        let mut mac = self.0.clone();
        for part in parts {
            mac.update(part);
        }
        Tag(mac.finalize().into_bytes().into())
    }
}

impl fmt::Debug for MacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// An HMAC-SHA256 tag. Deliberately not `PartialEq`: the only comparison is [`Tag::matches`],
/// which takes the same time whatever the bytes.
#[derive(Clone)]
pub(crate) struct Tag([u8; TAG_LEN]);

impl Tag {
    pub(crate) const fn from_bytes(bytes: [u8; TAG_LEN]) -> Self {
        Self(bytes)
    }

    pub(crate) const fn as_bytes(&self) -> &[u8; TAG_LEN] {
        &self.0
    }

    /// Constant-time equality.
    pub(crate) fn matches(&self, other: &Tag) -> Choice {
        self.0.ct_eq(&other.0)
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A tag is not secret once sent, but logs have no use for it either.
        f.write_str("Tag([redacted])")
    }
}

/// Decodes a tag written as exactly `encoded_len` characters of `engine` (one of the strict
/// engines of `base64url`, which refuse non-canonical spellings); `None` on any deviation. The
/// length is checked first, so an oversized header costs nothing.
pub(crate) fn decode_tag(engine: &GeneralPurpose, text: &[u8], encoded_len: usize) -> Option<Tag> {
    if text.len() != encoded_len {
        return None;
    }
    let mut bytes = [0u8; TAG_LEN];
    match engine.decode_slice(text, &mut bytes) {
        Ok(TAG_LEN) => Some(Tag::from_bytes(bytes)),
        _ => None,
    }
}

/// A received header value for `Debug` output.
pub(crate) fn header_text(value: Option<&[u8]>) -> Option<std::borrow::Cow<'_, str>> {
    value.map(String::from_utf8_lossy)
}

/// The longest decimal `u64` (`18446744073709551615`).
const MAX_TIMESTAMP_DIGITS: usize = 20;

/// Parses Unix seconds written in canonical decimal: ASCII digits only, no sign, no leading zero
/// (except `0` itself), no whitespace, and a value that fits a `u64`. One instant has exactly one
/// accepted spelling.
pub(crate) fn parse_timestamp(text: &[u8]) -> Option<UnixTime> {
    if text.is_empty() || text.len() > MAX_TIMESTAMP_DIGITS || (text[0] == b'0' && text.len() > 1) {
        return None;
    }
    text.iter().try_fold(0u64, |value, &byte| {
        let digit = byte.checked_sub(b'0').filter(|d| *d <= 9)?;
        value.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// Where a timestamp falls relative to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Freshness {
    /// Acceptable. `replay_until` is the first instant at which the timestamp is stale, so an id
    /// recorded until then cannot be replayed while its message is still acceptable.
    Fresh { replay_until: UnixTime },
    /// More than `max_age` seconds old.
    Stale { age: u64 },
    /// More than `max_skew` seconds ahead of now.
    Future { ahead: u64 },
}

/// Accepts `timestamp` iff `now - max_age <= timestamp <= now + max_skew` (both ends included).
pub(crate) fn freshness(
    timestamp: UnixTime,
    now: UnixTime,
    max_age: u64,
    max_skew: u64,
) -> Freshness {
    if timestamp <= now {
        let age = now - timestamp;
        if age > max_age {
            return Freshness::Stale { age };
        }
    } else {
        let ahead = timestamp - now;
        if ahead > max_skew {
            return Freshness::Future { ahead };
        }
    }
    Freshness::Fresh {
        replay_until: timestamp.saturating_add(max_age).saturating_add(1),
    }
}

/// Whether `text` is an RFC 9110 §5.6.2 `token` (methods, authentication schemes).
pub(crate) fn is_token(text: &[u8]) -> bool {
    !text.is_empty()
        && text
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Writes the concatenation of `parts` into `buffer` (a replay-store key built without
/// allocating); `None` if it does not fit.
pub(crate) fn concat<'b>(buffer: &'b mut [u8], parts: &[&[u8]]) -> Option<&'b [u8]> {
    let capacity = buffer.len();
    let mut rest = &mut buffer[..];
    for part in parts {
        rest.write_all(part).ok()?;
    }
    let len = capacity - rest.len();
    Some(&buffer[..len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_matches_rfc_4231_test_case_2() {
        // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
        let expected = [
            0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26, 0x08, 0x95,
            0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9,
            0x64, 0xec, 0x38, 0x43,
        ];
        let key = MacKey::new(b"Jefe");
        let tag = key.tag(&[b"what do ya ", b"want ", b"for nothing?"]);
        assert_eq!(tag.as_bytes(), &expected);
        assert!(bool::from(tag.matches(&Tag::from_bytes(expected))));
        let mut other = expected;
        other[31] ^= 1;
        assert!(!bool::from(tag.matches(&Tag::from_bytes(other))));
    }

    #[test]
    fn debug_output_never_shows_key_or_tag_bytes() {
        let key = MacKey::new(b"super secret key material");
        assert_eq!(format!("{key:?}"), "[redacted]");
        assert_eq!(format!("{:?}", key.tag(&[b"x"])), "Tag([redacted])");
    }

    #[test]
    fn concatenates_into_a_buffer_or_reports_overflow() {
        let mut buffer = [0u8; 6];
        assert_eq!(
            concat(&mut buffer, &[b"mi:", b"k", b":x"]),
            Some(&b"mi:k:x"[..])
        );
        assert_eq!(concat(&mut buffer, &[b"mi:", b"k", b":xy"]), None);
        assert_eq!(concat(&mut buffer, &[]), Some(&b""[..]));
    }

    #[test]
    fn recognises_http_tokens() {
        for token in [&b"POST"[..], b"Bearer", b"x-custom!", b"A2A-MI-1"] {
            assert!(is_token(token));
        }
        for not_token in [&b""[..], b"a b", b"a,b", b"a\n", b"caf\xc3\xa9", b"(x)"] {
            assert!(!is_token(not_token), "{not_token:?}");
        }
    }

    #[test]
    fn parses_only_canonical_decimal_seconds() {
        assert_eq!(parse_timestamp(b"0"), Some(0));
        assert_eq!(parse_timestamp(b"1767225600"), Some(1_767_225_600));
        assert_eq!(parse_timestamp(b"18446744073709551615"), Some(u64::MAX));
        for bad in [
            &b""[..],
            b"01",
            b"+1",
            b"-1",
            b" 1",
            b"1 ",
            b"1.0",
            b"1e3",
            b"0x10",
            b"18446744073709551616",
            b"999999999999999999999",
            "\u{0661}".as_bytes(),
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn freshness_includes_both_window_edges() {
        let now = 1000;
        assert_eq!(
            freshness(700, now, 300, 60),
            Freshness::Fresh { replay_until: 1001 }
        );
        assert_eq!(freshness(699, now, 300, 60), Freshness::Stale { age: 301 });
        assert_eq!(
            freshness(1060, now, 300, 60),
            Freshness::Fresh { replay_until: 1361 }
        );
        assert_eq!(
            freshness(1061, now, 300, 60),
            Freshness::Future { ahead: 61 }
        );
    }

    #[test]
    fn freshness_saturates_at_the_ends_of_time() {
        assert_eq!(
            freshness(u64::MAX, u64::MAX, 300, 60),
            Freshness::Fresh {
                replay_until: u64::MAX
            }
        );
        assert_eq!(
            freshness(u64::MAX, 0, 300, 60),
            Freshness::Future { ahead: u64::MAX }
        );
        assert_eq!(
            freshness(0, u64::MAX, 300, 60),
            Freshness::Stale { age: u64::MAX }
        );
    }
}
