//! `A2A-Version` negotiation (A2A 1.0 §3.6): the header, or the query parameter of the same name;
//! an absent or empty value means 0.3; the patch component is ignored; anything else the
//! interface does not serve is `VersionNotSupportedError`.

use axum::http::HeaderMap;

use crate::defects::{Defect, Defects};
use crate::errors::{A2aError, ErrorKind};

/// The header (and query parameter) name.
pub const HEADER: &str = "A2A-Version";

/// A protocol version this agent speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProtocolVersion {
    V0_3,
    V1_0,
}

impl ProtocolVersion {
    /// `Major.Minor`, as written in cards and headers.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::V0_3 => "0.3",
            Self::V1_0 => "1.0",
        }
    }
}

/// The version a request asks for: the `A2A-Version` header, else the query parameter, else
/// `missing`. `supported` lists what the interface serves.
pub fn negotiate(
    headers: &HeaderMap,
    query: Option<&str>,
    missing: ProtocolVersion,
    supported: &[ProtocolVersion],
    defects: &Defects,
) -> Result<ProtocolVersion, A2aError> {
    let requested = match headers.get(HEADER) {
        Some(v) => Some(v.to_str().unwrap_or("\u{fffd}").trim().to_owned()),
        None => query.and_then(query_version),
    };
    let version = match requested.as_deref() {
        None | Some("") => missing,
        Some(text) => match parse(text, defects) {
            Some(v) => v,
            None if defects.has(Defect::VersionHeaderIgnored) => ProtocolVersion::V1_0,
            None => return Err(unsupported(text)),
        },
    };
    if supported.contains(&version) {
        Ok(version)
    } else if defects.has(Defect::VersionHeaderIgnored)
        && supported.contains(&ProtocolVersion::V1_0)
    {
        Ok(ProtocolVersion::V1_0)
    } else {
        Err(unsupported(version.as_str()))
    }
}

fn unsupported(text: &str) -> A2aError {
    let shown: String = text.chars().take(32).collect();
    A2aError::new(ErrorKind::VersionNotSupported)
        .with_message(format!(
            "A2A-Version {shown:?} is not supported by this interface"
        ))
        .with_meta("requestedVersion", shown)
}

fn parse(text: &str, defects: &Defects) -> Option<ProtocolVersion> {
    let mut parts = text.split('.');
    let major = parts.next()?;
    let minor = parts.next()?;
    let patch = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let numeric = |s: &str| !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
    if !numeric(major) || !numeric(minor) || patch.is_some_and(|p| !numeric(p)) {
        return None;
    }
    if patch.is_some() && defects.has(Defect::PatchVersionRejected) {
        return None;
    }
    match (major.parse::<u32>().ok()?, minor.parse::<u32>().ok()?) {
        (0, 3) => Some(ProtocolVersion::V0_3),
        (1, 0) => Some(ProtocolVersion::V1_0),
        _ => None,
    }
}

fn query_version(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name.eq_ignore_ascii_case(HEADER) {
            Some(
                percent_encoding::percent_decode_str(value)
                    .decode_utf8_lossy()
                    .trim()
                    .to_owned(),
            )
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOTH: &[ProtocolVersion] = &[ProtocolVersion::V0_3, ProtocolVersion::V1_0];

    fn with(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("a2a-version", value.parse().unwrap());
        h
    }

    #[test]
    fn negotiates_per_section_3_6() {
        let none = Defects::none();
        let v = |h: &HeaderMap, q| negotiate(h, q, ProtocolVersion::V0_3, BOTH, &none);
        assert_eq!(v(&HeaderMap::new(), None), Ok(ProtocolVersion::V0_3));
        assert_eq!(v(&with("1.0"), None), Ok(ProtocolVersion::V1_0));
        assert_eq!(v(&with("1.0.1"), None), Ok(ProtocolVersion::V1_0));
        assert_eq!(v(&with(""), None), Ok(ProtocolVersion::V0_3));
        assert_eq!(
            v(&HeaderMap::new(), Some("x=1&A2A-Version=1.0")),
            Ok(ProtocolVersion::V1_0)
        );
        for bad in ["99.0", "1", "1.0.0.0", "one.zero", "1.1"] {
            let e = v(&with(bad), None).unwrap_err();
            assert_eq!(e.kind, ErrorKind::VersionNotSupported, "{bad}");
        }
        let only_1 = negotiate(
            &HeaderMap::new(),
            None,
            ProtocolVersion::V0_3,
            &[ProtocolVersion::V1_0],
            &none,
        );
        assert_eq!(only_1.unwrap_err().kind, ErrorKind::VersionNotSupported);
    }
}
