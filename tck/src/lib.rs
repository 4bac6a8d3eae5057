//! `a2a-tck`: the A2A protocol conformance kit.
//!
//! The engine is data in, data out: [`runner::run`] takes the declared [`catalogue`] and a
//! [`runner::RunConfig`] and returns a [`runner::RunReport`]; the [`report`] module renders it;
//! only the binary maps it to an exit code.

pub mod baseline;
pub mod catalogue;
pub mod check;
pub mod cli;
pub mod context;
pub mod error;
pub mod evidence;
pub mod profile;
pub mod report;
pub mod rules;
pub mod runner;
pub mod scenario;
pub mod schema;
pub mod selection;
pub mod target;
pub mod transport;
pub mod verdict;
pub mod webhook_receiver;

pub use error::Error;

/// Entry points of the fuzz targets and their seed replay. Not part of the public API.
#[doc(hidden)]
pub mod fuzzing {
    use crate::transport::sse::{SseError, SseEvent, SseLimits, SseParser, parse_all};

    /// Feeds `data` to the SSE parser one byte at a time.
    pub fn sse_bytewise(data: &[u8]) -> Result<Vec<SseEvent>, SseError> {
        let mut parser = SseParser::new(SseLimits::default());
        let mut events = Vec::new();
        for b in data {
            events.extend(parser.push(std::slice::from_ref(b))?);
        }
        parser.finish()?;
        Ok(events)
    }

    /// The SSE fuzz property: parsing never panics, and the events do not depend on how the
    /// stream is chunked (whole, byte by byte, split in two at every third of the input).
    pub fn sse_chunking_invariant(data: &[u8]) {
        let whole = parse_all(data, SseLimits::default());
        assert_eq!(whole, sse_bytewise(data), "bytewise parse differs");
        let cut = data.len() / 3;
        let mut parser = SseParser::new(SseLimits::default());
        let halves = parser.push(&data[..cut]).and_then(|mut events| {
            events.extend(parser.push(&data[cut..])?);
            parser.finish()?;
            Ok(events)
        });
        assert_eq!(whole, halves, "split parse differs");
    }
}
