//! `vectors/jcs/`: RFC 8785 canonicalization through `jcs::canonicalize`.
//!
//! A case gives the input bytes (`input`, UTF-8 text, or `input_hex`) and, when it expects
//! `valid`, the exact canonical output (`output`, or `output_hex`), which must also be a fixed
//! point (canonicalizing it again changes nothing). A number case may give the IEEE-754 bits its
//! input denotes (`ieee754`, 16 hex digits, as in RFC 8785 Appendix B): the harness checks that
//! the input text parses to exactly that double, so a derived input cannot drift from the RFC's.

use a2a_security::jcs;
use serde::Deserialize;

use crate::{Case, Expect, Outcome, check, check_eq, hex};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inputs {
    #[serde(default)]
    input: Option<String>,
    #[serde(default)]
    input_hex: Option<String>,
    #[serde(default)]
    output: Option<String>,
    #[serde(default)]
    output_hex: Option<String>,
    #[serde(default)]
    ieee754: Option<String>,
}

pub fn run(case: &Case) -> Result<(), String> {
    let inputs: Inputs = case.inputs()?;
    let expect = case.expect()?;
    let input = match (&inputs.input, &inputs.input_hex) {
        (Some(text), None) => text.as_bytes().to_vec(),
        (None, Some(h)) => hex(h)?,
        _ => return Err("give exactly one of `input` and `input_hex`".into()),
    };
    if let Some(bits) = &inputs.ieee754 {
        let bits = u64::from_str_radix(bits, 16).map_err(|_| format!("bad ieee754 {bits:?}"))?;
        let text = std::str::from_utf8(&input).map_err(|_| "number input is not UTF-8")?;
        let parsed: f64 = text
            .trim()
            .parse()
            .map_err(|_| format!("number input {text:?} does not parse as a double"))?;
        check_eq(
            "IEEE-754 bits of the input (vector self-check)",
            &format!("{bits:016x}"),
            &format!("{:016x}", parsed.to_bits()),
        )?;
    }
    let result = jcs::canonicalize(&input);
    check("jcs::canonicalize", expect, &Outcome::of(&result))?;
    let (Ok(actual), Expect::Valid) = (result, expect) else {
        return Ok(());
    };
    let expected = match (&inputs.output, &inputs.output_hex) {
        (Some(text), None) => text.as_bytes().to_vec(),
        (None, Some(h)) => hex(h)?,
        _ => return Err("a valid case gives exactly one of `output` and `output_hex`".into()),
    };
    check_eq("canonical form", &Printable(&expected), &Printable(&actual))?;
    let again = jcs::canonicalize(&actual).map_err(|e| format!("output refused: {e:?}"))?;
    check_eq(
        "canonicalizing the canonical form",
        &Printable(&actual),
        &Printable(&again),
    )
}

/// Bytes shown as text when they are UTF-8 (they nearly always are), as hex otherwise.
#[derive(PartialEq)]
struct Printable<'a>(&'a [u8]);

impl std::fmt::Debug for Printable<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Ok(text) = std::str::from_utf8(self.0) {
            return write!(f, "{text:?}");
        }
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}
