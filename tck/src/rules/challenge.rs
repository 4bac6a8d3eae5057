//! `WWW-Authenticate` challenges (RFC 9110 §11.6.1, §11.2):
//!
//! ```text
//! WWW-Authenticate = #challenge
//! challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//! auth-param       = token BWS "=" BWS ( token / quoted-string )
//! ```
//!
//! Commas separate both challenges and parameters: an element that is a token followed by
//! `=` continues the current challenge, anything else starts a new one.

/// One parsed challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The auth scheme as sent (compare case-insensitively).
    pub scheme: String,
    /// `token68` credentials, when the challenge carries them instead of parameters.
    pub token68: Option<String>,
    /// Parameters, names lower-cased, quoted values unescaped.
    pub params: Vec<(String, String)>,
}

impl Challenge {
    /// The value of a parameter (name case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

fn is_token68_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-._~+/".contains(&c)
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn token(&mut self) -> Option<String> {
        let start = self.i;
        while self.peek().is_some_and(is_tchar) {
            self.i += 1;
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    fn quoted(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Err("unterminated quoted-string".into()),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = self.peek().ok_or("dangling escape in quoted-string")?;
                    out.push(c);
                    self.i += 1;
                }
                Some(c) if c == b'\t' || c == b' ' || (0x21..=0x7e).contains(&c) || c >= 0x80 => {
                    out.push(c);
                    self.i += 1;
                }
                Some(c) => return Err(format!("control character 0x{c:02x} in quoted-string")),
            }
        }
    }

    /// At `token BWS "="`, not at `token68` followed by the end of the element.
    fn at_param(&self) -> bool {
        let mut j = self.i;
        while self.s.get(j).copied().is_some_and(is_tchar) {
            j += 1;
        }
        if j == self.i {
            return false;
        }
        while matches!(self.s.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        if self.s.get(j) != Some(&b'=') {
            return false;
        }
        // `abc=` then end/comma is token68 padding, not a parameter.
        let mut k = j + 1;
        while matches!(self.s.get(k), Some(b' ' | b'\t')) {
            k += 1;
        }
        !matches!(self.s.get(k), None | Some(b',' | b'='))
    }
}

/// Parses a `WWW-Authenticate` field value into its challenges.
///
/// # Errors
/// A description of the first syntax error.
pub fn parse(value: &str) -> Result<Vec<Challenge>, String> {
    let mut c = Cursor {
        s: value.as_bytes(),
        i: 0,
    };
    let mut out = Vec::new();
    loop {
        // Empty list elements are allowed (RFC 9110 §5.6.1.2).
        while matches!(c.peek(), Some(b' ' | b'\t' | b',')) {
            c.i += 1;
        }
        if c.peek().is_none() {
            break;
        }
        let scheme = c
            .token()
            .ok_or_else(|| format!("expected an auth-scheme at offset {}", c.i))?;
        let mut challenge = Challenge {
            scheme,
            token68: None,
            params: Vec::new(),
        };
        if c.peek() == Some(b' ') {
            c.ows();
            if c.at_param() {
                loop {
                    let name = c.token().unwrap_or_default().to_ascii_lowercase();
                    c.ows();
                    c.i += 1; // "="
                    c.ows();
                    let value = if c.peek() == Some(b'"') {
                        c.quoted()?
                    } else {
                        c.token()
                            .ok_or_else(|| format!("parameter `{name}` has no value"))?
                    };
                    challenge.params.push((name, value));
                    c.ows();
                    match c.peek() {
                        None => break,
                        Some(b',') => {
                            c.i += 1;
                            while matches!(c.peek(), Some(b' ' | b'\t' | b',')) {
                                c.i += 1;
                            }
                            if !c.at_param() {
                                break;
                            }
                        }
                        Some(other) => {
                            return Err(format!(
                                "unexpected `{}` after a parameter at offset {}",
                                char::from(other),
                                c.i
                            ));
                        }
                    }
                }
            } else if c.peek().is_some_and(is_token68_char) {
                let start = c.i;
                while c.peek().is_some_and(is_token68_char) {
                    c.i += 1;
                }
                while c.peek() == Some(b'=') {
                    c.i += 1;
                }
                challenge.token68 = Some(String::from_utf8_lossy(&c.s[start..c.i]).into_owned());
                c.ows();
                if !matches!(c.peek(), None | Some(b',')) {
                    return Err(format!("unexpected data after token68 at offset {}", c.i));
                }
            }
        } else if !matches!(c.peek(), None | Some(b',')) {
            return Err(format!(
                "unexpected data after the scheme at offset {}",
                c.i
            ));
        }
        out.push(challenge);
    }
    if out.is_empty() {
        return Err("no challenge".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bearer_with_quoted_parameters() {
        let c = parse(
            r#"Bearer realm="a2a", error="invalid_token", error_description="a \"bad\" one""#,
        )
        .unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].scheme, "Bearer");
        assert_eq!(c[0].param("ERROR"), Some("invalid_token"));
        assert_eq!(c[0].param("error_description"), Some(r#"a "bad" one"#));
    }

    #[test]
    fn splits_a_list_of_challenges() {
        let c =
            parse(r#"Newauth realm="apps", type=1, title="Login", Basic realm="simple""#).unwrap();
        let schemes: Vec<_> = c.iter().map(|c| c.scheme.as_str()).collect();
        assert_eq!(schemes, ["Newauth", "Basic"]);
        assert_eq!(c[0].params.len(), 3);
        let c = parse("Negotiate abc+/==, Bearer").unwrap();
        assert_eq!(c[0].token68.as_deref(), Some("abc+/=="));
        assert_eq!(c[1].scheme, "Bearer");
    }

    #[test]
    fn refuses_malformed_values() {
        assert!(parse("").is_err());
        assert!(parse("   ,  ").is_err());
        assert!(parse(r#"Bearer realm="open"#).is_err());
        assert!(parse(r#"Bearer realm="a" junk"#).is_err());
        assert!(parse("=Bearer").is_err());
    }
}
