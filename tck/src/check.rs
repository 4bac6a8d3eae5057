//! Checks and steps: the small composable values scenarios are made of.
//!
//! A [`Check`] judges a document already in hand and has one method; closures implement it, so
//! a scenario reads like its requirement (`each("/skills", has_members(&["id", "name"]))`). A
//! [`Step`] is what a scenario does against the endpoint: it probes, then applies checks. The
//! runner turns a step's `Err` into an `Error` verdict: that is the harness's trouble, never the
//! agent's pass.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::Value;

use crate::context::Context;
use crate::transport::http::{BodyError, TransportError};
use crate::transport::jsonrpc::{json_type, show};
use crate::verdict::{Failure, Outcome};

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why the harness could not judge (the verdict becomes `Error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HarnessError(pub String);

impl fmt::Display for HarnessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HarnessError {}

impl From<TransportError> for HarnessError {
    fn from(e: TransportError) -> Self {
        Self(e.to_string())
    }
}

impl From<BodyError> for HarnessError {
    fn from(e: BodyError) -> Self {
        Self(match e {
            BodyError::NotUtf8 => "response body is not valid utf-8".to_owned(),
            BodyError::NotJson(e) => format!("response body is not json: {e}"),
        })
    }
}

/// What a scenario does: probe the endpoint and judge.
pub trait Step: Send + Sync {
    /// Runs against the endpoint described by `cx`.
    fn run<'a>(&'a self, cx: &'a Context) -> BoxFuture<'a, Result<Outcome, HarnessError>>;
}

impl<F> Step for F
where
    F: for<'a> Fn(&'a Context) -> BoxFuture<'a, Result<Outcome, HarnessError>> + Send + Sync,
{
    fn run<'a>(&'a self, cx: &'a Context) -> BoxFuture<'a, Result<Outcome, HarnessError>> {
        self(cx)
    }
}

/// Judges a document in hand.
pub trait Check<T: ?Sized>: Send + Sync {
    /// The outcome for `subject`.
    fn check(&self, subject: &T) -> Outcome;
}

impl<T: ?Sized, F> Check<T> for F
where
    F: Fn(&T) -> Outcome + Send + Sync,
{
    fn check(&self, subject: &T) -> Outcome {
        self(subject)
    }
}

/// A step from an async function of the context.
pub fn step<F>(f: F) -> Arc<dyn Step>
where
    F: for<'a> Fn(&'a Context) -> BoxFuture<'a, Result<Outcome, HarnessError>>
        + Send
        + Sync
        + 'static,
{
    Arc::new(f)
}

/// A step that applies `check` to the agent card fetched at discovery. Findings point into the
/// card and name the discovery exchange.
pub fn on_card(check: impl Check<Value> + 'static) -> Arc<dyn Step> {
    struct OnCard<C>(C);
    impl<C: Check<Value>> Step for OnCard<C> {
        fn run<'a>(&'a self, cx: &'a Context) -> BoxFuture<'a, Result<Outcome, HarnessError>> {
            Box::pin(async move {
                let Some(card) = cx.card() else {
                    return Ok(Outcome::Skip("no agent card was obtained".into()));
                };
                let outcome = self.0.check(card);
                Ok(match (outcome, cx.discovery.exchange.as_deref()) {
                    (Outcome::Fail(failures), Some(id)) => {
                        Outcome::Fail(failures.into_iter().map(|f| f.in_exchange(id)).collect())
                    }
                    (outcome, _) => outcome,
                })
            })
        }
    }
    Arc::new(OnCard(check))
}

/// All checks; failures accumulate.
pub fn all<T: ?Sized + 'static>(checks: Vec<Box<dyn Check<T>>>) -> impl Check<T> {
    move |subject: &T| {
        checks
            .iter()
            .fold(Outcome::Pass, |acc, c| acc.and(c.check(subject)))
    }
}

/// Two checks; failures accumulate.
pub fn both<T: ?Sized>(a: impl Check<T> + 'static, b: impl Check<T> + 'static) -> impl Check<T> {
    move |subject: &T| a.check(subject).and(b.check(subject))
}

/// Prefixes the pointers of a check's findings (for checks applied to a sub-document).
fn under(prefix: &str, outcome: Outcome) -> Outcome {
    match outcome {
        Outcome::Fail(failures) => Outcome::Fail(
            failures
                .into_iter()
                .map(|mut f| {
                    f.pointer = Some(format!("{prefix}{}", f.pointer.unwrap_or_default()));
                    f
                })
                .collect(),
        ),
        other => other,
    }
}

/// Applies `check` to the value at `pointer`, when present (absence is another check's job).
pub fn at(pointer: &'static str, check: impl Check<Value> + 'static) -> impl Check<Value> {
    move |doc: &Value| match doc.pointer(pointer) {
        Some(value) => under(pointer, check.check(value)),
        None => Outcome::Pass,
    }
}

/// Applies `check` to each element of the array at `pointer` (absent: pass; not an array: fail).
pub fn each(pointer: &'static str, check: impl Check<Value> + 'static) -> impl Check<Value> {
    move |doc: &Value| match doc.pointer(pointer) {
        None => Outcome::Pass,
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .fold(Outcome::Pass, |acc, (i, item)| {
                acc.and(under(&format!("{pointer}/{i}"), check.check(item)))
            }),
        Some(other) => Outcome::Fail(vec![
            Failure::new("member is not an array")
                .expected("array")
                .actual(json_type(other))
                .at(pointer),
        ]),
    }
}

/// The JSON type a member must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    String,
    /// A non-empty string.
    NonEmptyString,
    /// A boolean.
    Bool,
    /// An object.
    Object,
    /// An array.
    Array,
    /// An array with at least one element.
    NonEmptyArray,
    /// An array of strings.
    StringArray,
}

impl Kind {
    fn accepts(self, value: &Value) -> bool {
        match self {
            Self::String => value.is_string(),
            Self::NonEmptyString => value.as_str().is_some_and(|s| !s.is_empty()),
            Self::Bool => value.is_boolean(),
            Self::Object => value.is_object(),
            Self::Array => value.is_array(),
            Self::NonEmptyArray => value.as_array().is_some_and(|a| !a.is_empty()),
            Self::StringArray => value
                .as_array()
                .is_some_and(|a| a.iter().all(Value::is_string)),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::String => "a string",
            Self::NonEmptyString => "a non-empty string",
            Self::Bool => "a boolean",
            Self::Object => "an object",
            Self::Array => "an array",
            Self::NonEmptyArray => "a non-empty array",
            Self::StringArray => "an array of strings",
        }
    }
}

/// Each named member is present with the given kind.
pub fn required(members: &'static [(&'static str, Kind)]) -> impl Check<Value> {
    move |doc: &Value| {
        let Some(object) = doc.as_object() else {
            return Outcome::Fail(vec![
                Failure::new("not an object")
                    .expected("an object")
                    .actual(json_type(doc))
                    .at(""),
            ]);
        };
        let failures = members
            .iter()
            .filter_map(|(name, kind)| match object.get(*name) {
                None => Some(
                    Failure::new(format!("required member `{name}` is absent"))
                        .expected(kind.describe())
                        .actual("absent")
                        .at(format!("/{name}")),
                ),
                Some(v) if !kind.accepts(v) => Some(
                    Failure::new(format!("member `{name}` has the wrong type"))
                        .expected(kind.describe())
                        .actual(show(Some(v)))
                        .at(format!("/{name}")),
                ),
                Some(_) => None,
            })
            .collect();
        Outcome::from_failures(failures)
    }
}

/// Members that are optional but, when present, have the given kind.
pub fn optional(members: &'static [(&'static str, Kind)]) -> impl Check<Value> {
    move |doc: &Value| {
        let failures = members
            .iter()
            .filter_map(|(name, kind)| {
                let v = doc.get(*name)?;
                (!kind.accepts(v)).then(|| {
                    Failure::new(format!("member `{name}` has the wrong type"))
                        .expected(kind.describe())
                        .actual(show(Some(v)))
                        .at(format!("/{name}"))
                })
            })
            .collect();
        Outcome::from_failures(failures)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn required_names_each_missing_member_with_its_pointer() {
        let check = required(&[
            ("name", Kind::NonEmptyString),
            ("skills", Kind::NonEmptyArray),
        ]);
        let Outcome::Fail(failures) = check.check(&json!({"name": ""})) else {
            panic!("expected a failure");
        };
        let pointers: Vec<_> = failures.iter().filter_map(|f| f.pointer.clone()).collect();
        assert_eq!(pointers, ["/name", "/skills"]);
        assert_eq!(
            check.check(&json!({"name":"a","skills":[1]})),
            Outcome::Pass
        );
    }

    #[test]
    fn each_prefixes_element_pointers() {
        let check = each("/skills", required(&[("id", Kind::String)]));
        let Outcome::Fail(failures) = check.check(&json!({"skills":[{"id":"a"},{}]})) else {
            panic!("expected a failure");
        };
        assert_eq!(failures[0].pointer.as_deref(), Some("/skills/1/id"));
        assert_eq!(check.check(&json!({})), Outcome::Pass);
    }

    #[test]
    fn closures_are_checks_and_all_accumulates() {
        let never = |_: &Value| Outcome::Fail(vec![Failure::new("no")]);
        let always = |_: &Value| Outcome::Pass;
        let check = all::<Value>(vec![Box::new(never), Box::new(always), Box::new(never)]);
        assert!(matches!(check.check(&json!(null)), Outcome::Fail(f) if f.len() == 2));
    }

    #[test]
    fn at_applies_to_sub_document() {
        let check = at("/provider", required(&[("url", Kind::String)]));
        let Outcome::Fail(failures) = check.check(&json!({"provider":{}})) else {
            panic!("expected a failure");
        };
        assert_eq!(failures[0].pointer.as_deref(), Some("/provider/url"));
    }
}
